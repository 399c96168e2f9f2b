"""Stores' systems and carriers over the HTTP API: stock levels, goods received, tracking events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from domain.apikeys import ApiKey, FirstUse, NoCarrierOnKey, Scope
from domain.catalog import ProductStatus, normalize_sku
from domain.errors import DomainError, InvalidQuantity, NotFound
from domain.orders import Order
from domain.ports import Clock, UnitOfWork
from domain.stock import StockLevel, StockMark
from domain.usecases.dispatch import CarrierEvent, carrier_event
from domain.usecases.intake_request import IdempotencyConflict, InvalidField, RequestInProgress
from domain.usecases.inventory import goods_received
from domain.warehouse import InvalidBinCode


async def api_stock(
    uow: UnitOfWork, *, key: ApiKey, sku: str
) -> tuple[str, ProductStatus, list[tuple[str, StockLevel]]]:
    """Available per warehouse (what can still be sold), for a channel's product page."""
    key.require(Scope.STOCK_READ)
    try:
        normalized = normalize_sku(sku)
    except DomainError:
        raise InvalidField(field="sku", reason="not a SKU") from None
    async with uow.read_only():
        product = await uow.products.get_by_sku(normalized)
        if product is None or product.id is None:
            raise NotFound()
        codes = {w.id: w.code for w in await uow.warehouses.all()}
        levels = await uow.stock.levels([product.id])
    return product.sku, product.status, _per_warehouse(codes, levels)


def _per_warehouse(codes: Mapping[int | None, str], levels: Iterable[StockLevel]) -> list[tuple[str, StockLevel]]:
    return sorted((codes.get(lv.warehouse_id, "?"), lv) for lv in levels)


MAX_STOCK_SKUS = 100  # products an answer of the stock feed holds at most: a page, or the SKUs asked by name


@dataclass(frozen=True, slots=True)
class StockFeed:
    """Several products' stock, each as ``api_stock`` gives one's; ``unknown``: SKUs asked that no
    product has; ``after``: where the next page starts (None: this was the last); ``point``: stock
    as of before this was read (a whole catalog's first page's covers all its pages; None on the
    others), for ``api_stock_changes`` next time."""

    stock: list[tuple[str, list[tuple[str, StockLevel]]]]
    unknown: list[str]
    after: int | None
    point: FeedPoint | None = None
    status: dict[str, ProductStatus] = field(default_factory=dict)  # each listed SKU's, as it is now


async def api_stock_feed(
    uow: UnitOfWork, *, key: ApiKey, skus: Sequence[str] = (), after: int = 0, limit: int = MAX_STOCK_SKUS
) -> StockFeed:
    """A channel keeping a catalog's stock in step: the SKUs it names (in the order asked, a
    repeat once; one it does not know listed, not failing the rest), or, naming none, every
    product a page at a time by id, hidden ones too (a page's cursor stays put as products come)."""
    key.require(Scope.STOCK_READ)
    if len(skus) > MAX_STOCK_SKUS:
        raise InvalidField(field="sku", reason=f"at most {MAX_STOCK_SKUS} SKUs a request; page through the rest")
    asked: dict[str, None] = {}
    for sku in skus:
        try:
            asked[normalize_sku(sku)] = None
        except DomainError:
            raise InvalidField(field="sku", reason=f"not a SKU: {sku!r}") from None
    unknown: list[str] = []
    async with uow.read_only():
        # Before anything is read; a later page's levels are as new as the first page's mark too
        point = None
        if asked or not after:
            point = FeedPoint(await uow.stock.feed_mark(), origin=await uow.stock.feed_origin())
        if asked:
            ids = await uow.products.ids_by_sku(list(asked))
            page, more = [(ids[sku], sku) for sku in asked if sku in ids], False
            unknown = [sku for sku in asked if sku not in ids]
        else:
            page = await uow.products.sku_page(after=after, limit=limit + 1)  # one more: is there a next page?
            page, more = page[:limit], len(page) > limit
        stock, status = await _stock_of(uow, page)
    return StockFeed(stock, unknown, page[-1][0] if more else None, point, status)


async def _stock_of(
    uow: UnitOfWork, page: list[tuple[int, str]]
) -> tuple[list[tuple[str, list[tuple[str, StockLevel]]]], dict[str, ProductStatus]]:
    """Each product's levels per warehouse and its status, from the database (a cached copy may
    be older than a mark): products are never deleted, and one taken off sale keeps its stock."""
    ids = [product_id for product_id, _ in page]
    codes = {w.id: w.code for w in await uow.warehouses.all()}
    of: dict[int, list[StockLevel]] = {}
    for level in await uow.stock.levels_now(ids):
        of.setdefault(level.product_id, []).append(level)
    status = {p.sku: p.status for p in await uow.products.get_many(ids, fresh=True)}
    return [(sku, _per_warehouse(codes, of.get(product_id, ()))) for product_id, sku in page], status


@dataclass(frozen=True, slots=True)
class FeedPoint:
    """Where a channel's stock feed stands: changes since the mark ``since``; in the middle of a
    read of them, that read's own mark ``upto`` and the last product it gave (``after``);
    ``origin``: the database whose numbering the marks are in (``StockRepository.feed_origin``)."""

    since: StockMark
    upto: StockMark | None = None
    after: int = 0
    origin: str = ""


# What a channel does about a point this database cannot read: the same as for a token the bot
# can no longer check (its BOT_TOKEN replaced), so one remedy serves every refused token.
READ_AGAIN = "read every product again (?limit=) for a new one"


@dataclass(frozen=True, slots=True)
class StockChanges:
    """The products whose available quantity moved, as ``api_stock_feed`` gives them; ``point``:
    where to ask next; ``more``: more moved products wait now (ask at once)."""

    stock: list[tuple[str, list[tuple[str, StockLevel]]]]
    point: FeedPoint
    more: bool
    status: dict[str, ProductStatus] = field(default_factory=dict)


async def api_stock_changes(
    uow: UnitOfWork, *, key: ApiKey, point: FeedPoint, limit: int = MAX_STOCK_SKUS
) -> StockChanges:
    """ "What changed since my last sync": the products whose available quantity or status moved,
    or that were added, after ``point``'s mark, by id, a page at a time. A read's first page takes
    a new mark before it reads; its last page hands that mark on, so what moved while the pages
    were read, on a page already given, comes next time (the rule: ``storage.repositories.stock_changes``)."""
    key.require(Scope.STOCK_READ)
    async with uow.read_only():
        now, origin = await uow.stock.feed_mark(), await uow.stock.feed_origin()
        _check_readable(point, now, origin)
        upto = point.upto or now
        page = await uow.stock.changed_since(point.since, after=point.after, limit=limit + 1)
        page, more = page[:limit], len(page) > limit
        stock, status = await _stock_of(uow, page)
    following = FeedPoint(point.since, upto, page[-1][0], origin) if more else FeedPoint(upto, origin=origin)
    return StockChanges(stock, following, more, status)


def _check_readable(point: FeedPoint, now: StockMark, origin: str) -> None:
    """A point of another database (a copy, a restored backup), or one past this database's
    numbering (a backup put back by hand: the same name, its numbering rewound), says nothing of
    what moved here: read in it, changes would be skipped until the numbering caught up."""
    if point.origin != origin:
        why = "this token was given by another database (a copy, or a backup put back since)"
    elif max(point.since.next, point.upto.next if point.upto else 0) > now.next:
        why = "this token names stock newer than the database has (a backup was put back since)"
    else:
        return
    raise InvalidField(field="changed_since", reason=f"{why}: it cannot tell what moved; {READ_AGAIN}")


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a stock receipt put where, as the API answers it (and replays it)."""

    sku: str
    warehouse: str
    bin: str
    quantity: int


async def api_receipt(
    uow: UnitOfWork,
    clock: Clock,
    *,
    key: ApiKey,
    sku: str,
    warehouse_code: str,
    quantity: int,
    bin_code: str | None,
    reason: str,
    idempotency_key: str | None = None,
    body_hash: str = "",
) -> tuple[Receipt, bool]:
    """Goods received at a store, reported by its system: ``receive_goods`` with each bad
    field named (an unknown SKU and an unknown warehouse are different mistakes). With an
    Idempotency-Key, claimed as an order's in the same transaction: a retry with the same
    body is told the first receipt and counts nothing (False), another body is refused."""
    assert key.id is not None
    key.require(Scope.RECEIPTS)
    async with uow:
        if idempotency_key is not None:
            first = await uow.api.claim(key.id, idempotency_key, body_hash, clock.now())
            if first is not None:
                return _repeated_receipt(first, body_hash), False
        try:
            known = await uow.products.get_by_sku(normalize_sku(sku))
        except DomainError:
            known = None
        if known is None:
            raise InvalidField(field="sku", reason=f"no product {sku}")
        if await uow.warehouses.get_by_code(warehouse_code.strip().upper()) is None:
            raise InvalidField(field="warehouse", reason=f"no warehouse {warehouse_code}")
        try:
            received = await goods_received(
                uow,
                clock,
                actor=f"api:{key.name}",
                sku=sku,
                quantity=quantity,
                warehouse_code=warehouse_code,
                bin_code=bin_code,
                reason=reason,
                new_bin=True,  # a store's system names the bins it keeps: one it names is made, as before
            )
        except InvalidBinCode as bad:
            raise InvalidField(field="bin", reason=str(bad)) from None
        except InvalidQuantity as bad:
            raise InvalidField(field="quantity", reason=str(bad)) from None
        receipt = Receipt(received.product.sku, received.warehouse.code, received.bin_code, quantity)
        if idempotency_key is not None:
            await uow.api.settle(key.id, idempotency_key, result=json.dumps(asdict(receipt)))
        await uow.commit()
        return receipt, True


def _repeated_receipt(first: FirstUse, body_hash: str) -> Receipt:
    # One body is never both a valid order and a valid receipt: a key an order used is a conflict here.
    if first.body_hash != body_hash:
        raise IdempotencyConflict()
    if first.result is None:
        raise RequestInProgress()
    return Receipt(**json.loads(first.result))


async def api_carrier_event(
    uow: UnitOfWork, clock: Clock, *, key: ApiKey, tracking: str, event: CarrierEvent, location: str
) -> tuple[Order, bool]:
    """A carrier's tracking callback, from a key allowed to send them, for a parcel of a
    carrier the key names (a key naming none is refused before anything is read)."""
    key.require(Scope.CARRIER)
    if not key.carriers:
        raise NoCarrierOnKey()
    actor = f"api:{key.name}"
    return await carrier_event(uow, clock, tracking=tracking, event=event, location=location, actor=actor, reporter=key)
