"""Stock counters, reservations (holds and allocations), bins and movements."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Executable, Integer, bindparam, case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from domain.errors import InsufficientStock
from domain.stock import (
    BinQuantity,
    Movement,
    ReorderLevel,
    Reservation,
    ReservationKind,
    StockDrift,
    StockInvariantBroken,
    StockLevel,
    StockMark,
)
from domain.stock_counts import BinCount
from storage import identity
from storage import models as m
from storage.cache import ABSENT, SNAPSHOT_MAX_ROWS, CacheView, Since
from storage.repositories import changes, stock_changes, stock_counts
from storage.repositories.cached import SNAPSHOT_CHUNK, fills
from storage.repositories.purchasing import last_received
from storage.repositories.sql import _chunks, _table, direct, fetch, insert_if_missing, run
from storage.repositories.warehouses import bin_id_for


def _by_product(levels: Iterable[StockLevel], product_ids: Iterable[int]) -> dict[Hashable, list[StockLevel]]:
    """Levels grouped per product; every one of ``product_ids`` present, if only with []."""
    grouped: dict[Hashable, list[StockLevel]] = {pid: [] for pid in product_ids}
    for level in levels:
        grouped.setdefault(level.product_id, []).append(level)
    return grouped


_STOCK = _table(m.StockRow)
_RES = _table(m.ReservationRow)


def _stock_update(condition: ColumnElement[bool], **values: object) -> Executable:
    """A counter changed only when ``condition`` holds: the row count says whether it did."""
    c = _STOCK.c
    return (
        update(_STOCK)
        .where(
            c.product_id == bindparam("stock_product_id"), c.warehouse_id == bindparam("stock_warehouse_id"), condition
        )
        .values(**values)
    )


# What the levels section is filled from: whole (a count, then every counter) or product by product.
_STOCK_SIZE = fills("levels", select(func.count()).select_from(m.StockRow))
_ALL_LEVELS = fills("levels", select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved))
_LEVELS_OF = fills(
    "levels",
    select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
        _STOCK.c.product_id.in_(bindparam("ids", expanding=True))
    ),
)
_CHANGED_LEVELS = fills(
    "levels",
    select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
        _STOCK.c.product_id.in_(select(_STOCK.c.product_id).where(_STOCK.c.change_seq >= bindparam("since")))
    ),
)
# The lock order (ARCHITECTURE.md, "Lock order"): a transaction that writes several stock counters
# locks them by (product_id, warehouse_id), ascending, before it writes any of them out of that
# order; two that lock the same counters in opposite orders deadlock on PostgreSQL.
LOCK_ORDER = (_STOCK.c.product_id, _STOCK.c.warehouse_id)
_LOCK_PRODUCTS = (
    select(_STOCK.c.product_id)
    .where(_STOCK.c.product_id.in_(bindparam("ids", expanding=True)))
    .order_by(*LOCK_ORDER)
    .with_for_update()
)
_QTY: BindParameter[int] = bindparam("quantity")
_RESERVE = direct(_stock_update(_STOCK.c.on_hand - _STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved + _QTY))
_RELEASE = direct(_stock_update(_STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved - _QTY))
_RECOUNT = _stock_update(_STOCK.c.on_hand + _QTY >= _STOCK.c.reserved, on_hand=_STOCK.c.on_hand + _QTY)  # QTY: delta
_ADD_RESERVATION = direct(insert(_RES))
_DELETE_RESERVATION = direct(delete(_RES).where(_RES.c.id == bindparam("reservation_id")))
_CHANGE_RESERVATION = direct(
    update(_RES)
    .where(_RES.c.id == bindparam("reservation_id"))
    .values(quantity=_RES.c.quantity + bindparam("units", type_=Integer))
)
_HOLD = _RES.c.kind == ReservationKind.HOLD.value
_CUSTOMER_HOLDS = fills(
    "holds", select(_RES).where(_RES.c.customer_id == bindparam("customer_id"), _HOLD).order_by(_RES.c.id)
)
_EXPIRED_HOLDS = select(_RES).where(
    _RES.c.product_id == bindparam("product_id"), _HOLD, _RES.c.expires_at <= bindparam("now")
)
_PRODUCT_HOLDS = direct(
    select(_RES)
    .where(
        _RES.c.product_id == bindparam("product_id"),
        _HOLD,
        (_RES.c.customer_id == bindparam("customer_id")) | (_RES.c.expires_at <= bindparam("now")),
    )
    .order_by(_RES.c.id)
)
# The single-warehouse case of taking a hold in one statement (the levels' read only chose the
# warehouse): the one with the most available, reserved only if it has it all. The subquery
# merely picks; the outer condition decides, as ``_RESERVE``'s does, so two buyers racing for
# the last units cannot both win. The bind is the outer one's name: the write names its row.
_AVAILABLE = _STOCK.c.on_hand - _STOCK.c.reserved
_OTHER = _STOCK.alias("most")  # an alias, or the subquery would be correlated to the updated row
_MOST_AVAILABLE = (
    select(_OTHER.c.warehouse_id)
    .where(_OTHER.c.product_id == bindparam("stock_product_id"), _OTHER.c.on_hand - _OTHER.c.reserved >= _QTY)
    .order_by((_OTHER.c.on_hand - _OTHER.c.reserved).desc(), _OTHER.c.warehouse_id)
    .limit(1)
    .scalar_subquery()
)
_RESERVE_WHERE_MOST = direct(
    update(_STOCK)
    .where(_STOCK.c.product_id == bindparam("stock_product_id"), _STOCK.c.warehouse_id == _MOST_AVAILABLE)
    .where(_AVAILABLE >= _QTY)
    .values(reserved=_STOCK.c.reserved + _QTY)
    .returning(_STOCK.c.warehouse_id)
)
_EXTEND_HOLDS = direct(
    update(_RES)
    .where(_RES.c.customer_id == bindparam("reservations_customer_id"), _HOLD)
    .values(expires_at=bindparam("until"))
)
# In the lock order: what releases or consumes an order's reservations one by one takes their
# counters' locks in it.
_ORDER_RESERVATIONS = (
    select(_RES)
    .where(_RES.c.order_id == bindparam("order_id"))
    .order_by(_RES.c.product_id, _RES.c.warehouse_id, _RES.c.id)
)

_POSITION_RESERVATIONS = (
    select(_RES)
    .where(_RES.c.product_id == bindparam("product_id"), _RES.c.warehouse_id == bindparam("warehouse_id"))
    .order_by(_RES.c.id)
)


class SqlStock:
    """Counters change only through conditional UPDATEs whose row count decides success:
    correct under concurrency on SQLite (no SELECT ... FOR UPDATE) and PostgreSQL alike."""

    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]:
        if not product_ids:
            return []
        if self.cache is not None:
            hits = self.cache.get_many("levels", product_ids)
            if None in hits and await self._load_levels():
                hits = self.cache.get_many("levels", product_ids)
            if None not in hits:
                return [level for hit in hits if hit is not ABSENT for level in cast(list[StockLevel], hit)]
        rows: list[Any] = []
        for chunk in _chunks(product_ids):  # a stock file's products pass PostgreSQL's limit of parameters
            rows += await fetch(self.s, _LEVELS_OF, {"ids": list(chunk)})
        levels = [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]
        if self.cache is not None:
            for pid, found in _by_product(levels, product_ids).items():
                self.cache.put("levels", pid, found)  # StockLevel is frozen: shared safely
        return levels

    async def feed_mark(self) -> StockMark:
        return await stock_changes.mark(self.s)

    async def feed_origin(self) -> str:
        return await identity.origin(self.s)

    async def changed_since(self, since: StockMark, *, after: int, limit: int) -> list[tuple[int, str]]:
        return await stock_changes.changed_since(self.s, since, after, limit)

    async def levels_now(self, product_ids: Sequence[int]) -> list[StockLevel]:
        return await stock_changes.levels_now(self.s, list(product_ids))

    async def _load_levels(self) -> bool:
        """Every stock counter into the read cache when due: browsing shows availability
        on every card (``storage.cache``). After the first load, only the products whose
        counters changed since are read again."""
        assert self.cache is not None
        if not self.cache.wants_snapshot("levels"):
            return False
        try:
            since = self.cache.snapshot_since("levels")
            marker = await changes.marker(self.s)  # before anything is read
            count = await self.s.scalar(_STOCK_SIZE) or 0
            if count > SNAPSHOT_MAX_ROWS:
                self.cache.snapshot_done("levels", None)
                return False
            if since is not None and marker is not None and marker >= since.marker:
                changed = await self._changed_since(since, count)
                if changed is not None:
                    self.cache.snapshot_patched("levels", changed, marker=marker, size=count)
                    return True
            grouped = await self._all_levels()
        except BaseException:
            self.cache.snapshot_abandoned("levels")
            raise
        self.cache.snapshot_done("levels", grouped, marker=marker, size=sum(map(len, grouped.values())))
        return True

    async def _all_levels(self) -> dict[Hashable, list[StockLevel]]:
        rows = (await (await self.s.connection()).execute(_ALL_LEVELS)).all()
        grouped: dict[Hashable, list[StockLevel]] = {}
        for built, row in enumerate(rows, 1):
            level = StockLevel(*row)
            grouped.setdefault(level.product_id, []).append(level)
            if built % SNAPSHOT_CHUNK == 0:
                await asyncio.sleep(0)
        return grouped

    async def _changed_since(self, since: Since, count: int) -> dict[Hashable, object] | None:
        """The products whose counters changed since the last load (or were written by this
        process since), read again: product -> its levels, or ``ABSENT`` when it has none now.
        Only those: the rest of the last load stands as it is (``ReadCache.snapshot_patched``).
        None when counters were deleted meanwhile (or the last load's count is unknown)."""
        if since.size is None:
            return None
        rows = list(await fetch(self.s, _CHANGED_LEVELS, {"since": since.marker}))
        stale = sorted(cast(set[int], since.stale))
        for chunk in _chunks(stale):
            rows += await fetch(self.s, _LEVELS_OF, {"ids": chunk})
        fresh: dict[Hashable, object] = {}
        for row in rows:  # a product both changed and stale comes twice
            level = StockLevel(row.product_id, row.warehouse_id, row.on_hand, row.reserved)
            if level not in (levels := cast(list[StockLevel], fresh.setdefault(level.product_id, []))):
                levels.append(level)
        fresh.update({gone: ABSENT for gone in stale if gone not in fresh})
        before = sum(len(since.rows.get(pid, ())) for pid in fresh)
        after = sum(len(levels) for levels in fresh.values() if type(levels) is list)
        if since.size - before + after != count:
            return None
        return fresh

    async def _conditional(self, statement: Executable, product_id: int, warehouse_id: int, quantity: int) -> bool:
        # "stock_product_id": the write names its row to the read cache (``KEY_COLUMN``)
        params = {"stock_product_id": product_id, "stock_warehouse_id": warehouse_id, "quantity": quantity}
        return bool((await run(self.s, statement, params)).rowcount)

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool:
        return await self._conditional(_RESERVE, product_id, warehouse_id, quantity)

    async def reserve_where_most(self, product_id: int, quantity: int) -> int | None:
        rows = (await run(self.s, _RESERVE_WHERE_MOST, {"stock_product_id": product_id, "quantity": quantity})).all()
        return int(rows[0][0]) if rows else None

    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        if not await self._conditional(_RELEASE, product_id, warehouse_id, quantity):
            raise StockInvariantBroken()

    async def _bin_id(self, warehouse_id: int, bin_code: str) -> int:
        return await bin_id_for(self.s, warehouse_id, bin_code)

    async def _ensure_counter(self, product_id: int, warehouse_id: int) -> None:
        if await self.s.get(m.StockRow, (product_id, warehouse_id)) is None:
            values = {"product_id": product_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
            await insert_if_missing(self.s, m.StockRow, values)

    async def lock_positions(self, places: Iterable[tuple[int, int]]) -> None:
        """Each (product, warehouse) counter, made if missing, locked to the transaction's end
        in the lock order (``LOCK_ORDER``; PostgreSQL; SQLite's write transactions are serial
        already): a bin read after this is not changed by another transaction before this one's
        count is set."""
        for product_id, warehouse_id in sorted(set(places)):
            await self._ensure_counter(product_id, warehouse_id)
            s = m.StockRow
            await self.s.execute(
                select(s.product_id).where(s.product_id == product_id, s.warehouse_id == warehouse_id).with_for_update()
            )

    async def lock_products(self, product_ids: Iterable[int]) -> None:
        """Every counter of these products, in every warehouse, locked to the transaction's end
        in the lock order, by one statement a chunk (PostgreSQL: its ``ORDER BY`` is the order
        the rows are locked in; SQLite's writers are serial already)."""
        ids = sorted(set(product_ids))
        if not ids or self.s.get_bind().dialect.name == "sqlite":
            return
        for chunk in _chunks(ids):  # chunks in ascending order: the order holds across them
            await self.s.execute(_LOCK_PRODUCTS, {"ids": list(chunk)})

    async def try_lock_products(self, product_ids: Iterable[int], warehouse_id: int) -> bool:
        """Every counter row of the products, skipping those another transaction holds: False when one was
        skipped; the rows it did lock stay locked until the caller's rollback."""
        ids = sorted(set(product_ids))
        for product_id in ids:
            await self._ensure_counter(product_id, warehouse_id)
        if not ids or self.s.get_bind().dialect.name == "sqlite":
            return True
        s = m.StockRow
        # SKIP LOCKED, not NOWAIT: a refused NOWAIT ends PostgreSQL's transaction; a skipped row is only missing.
        wanted = await self.s.scalar(select(func.count()).select_from(s).where(s.product_id.in_(ids)))
        held = (
            await self.s.execute(
                select(s.product_id, s.warehouse_id)
                .where(s.product_id.in_(ids))
                .order_by(s.product_id, s.warehouse_id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        return len(held) == wanted

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int:
        """Set a bin's count; the warehouse counter moves by the same delta, refused if it
        would drop below what is reserved. Returns the delta (recorded as a movement)."""
        bin_id = await self._bin_id(warehouse_id, bin_code)
        await self._ensure_counter(product_id, warehouse_id)
        current = await self.s.get(m.BinStockRow, (product_id, bin_id))
        delta = quantity - (current.quantity if current else 0)
        if delta == 0:
            return 0
        if not await self._conditional(_RECOUNT, product_id, warehouse_id, delta):
            level = await self.levels([product_id])
            available = sum(lv.available for lv in level if lv.warehouse_id == warehouse_id)
            raise InsufficientStock(available=max(available, 0))
        if current is None:
            self.s.add(m.BinStockRow(product_id=product_id, bin_id=bin_id, quantity=quantity))
        else:
            current.quantity = quantity
        self.s.add(
            m.InventoryMovementRow(
                product_id=product_id,
                warehouse_id=warehouse_id,
                bin_id=bin_id,
                delta=delta,
                reason=reason,
                actor=actor,
                at=at,
            )
        )
        await self.s.flush()
        return delta

    async def set_bin_quantities(self, counts: Sequence[BinCount], reason: str, actor: str, at: datetime) -> list[int]:
        """Many counts in a few statements (``storage.repositories.stock_counts``)."""
        return await stock_counts.set_bin_quantities(self.s, counts, reason, actor, at)

    async def add_reservation(self, reservation: Reservation) -> Reservation:
        values = {
            "product_id": reservation.product_id,
            "warehouse_id": reservation.warehouse_id,
            "quantity": reservation.quantity,
            "kind": reservation.kind.value,
            "customer_id": reservation.customer_id,
            "order_id": reservation.order_id,
            "expires_at": reservation.expires_at,
            "created_at": reservation.created_at,
        }
        result = await run(self.s, _ADD_RESERVATION, values)
        return replace(reservation, id=result.inserted_primary_key[0])  # type: ignore[index]

    @staticmethod
    def _reservation(row: Any) -> Reservation:  # ORM or Core row
        return Reservation(
            row.product_id,
            row.warehouse_id,
            row.quantity,
            ReservationKind(row.kind),
            row.customer_id,
            row.order_id,
            row.expires_at,
            row.created_at,
            row.id,
        )

    async def _reservations(self, statement: Executable, **params: object) -> list[Reservation]:
        return [self._reservation(row) for row in await fetch(self.s, statement, params)]

    async def delete_reservation(self, reservation: Reservation) -> None:
        params = {"reservation_id": reservation.id}
        await run(self.s, _DELETE_RESERVATION, params, rows={reservation.customer_id})

    async def customer_holds(self, customer_id: int) -> list[Reservation]:
        if self.cache is not None and (cached := self.cache.get("holds", customer_id)) is not None:
            return list(cast(tuple[Reservation, ...], cached))
        holds = await self._reservations(_CUSTOMER_HOLDS, customer_id=customer_id)
        if self.cache is not None:
            self.cache.put("holds", customer_id, tuple(holds))  # Reservation is frozen
        return holds

    async def expired_holds(self, product_id: int, now: datetime) -> list[Reservation]:
        return await self._reservations(_EXPIRED_HOLDS, product_id=product_id, now=now)

    async def product_holds(self, product_id: int, customer_id: int, now: datetime) -> list[Reservation]:
        return await self._reservations(_PRODUCT_HOLDS, product_id=product_id, customer_id=customer_id, now=now)

    async def change_reservation(self, reservation: Reservation, *, by: int) -> bool:
        params = {"reservation_id": reservation.id, "units": by}
        return (await run(self.s, _CHANGE_RESERVATION, params, rows={reservation.customer_id})).rowcount == 1

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None:
        await run(self.s, _EXTEND_HOLDS, {"reservations_customer_id": customer_id, "until": expires_at})

    async def order_reservations(self, order_id: int) -> list[Reservation]:
        return await self._reservations(_ORDER_RESERVATIONS, order_id=order_id)

    async def position_reservations(self, product_id: int, warehouse_id: int) -> list[Reservation]:
        return await self._reservations(_POSITION_RESERVATIONS, product_id=product_id, warehouse_id=warehouse_id)

    async def drift(self) -> list[StockDrift]:
        r = m.ReservationRow
        sums = (
            select(r.product_id, r.warehouse_id, func.sum(r.quantity).label("total"))
            .group_by(r.product_id, r.warehouse_id)
            .subquery()
        )
        t = m.StockRow
        rows = await self.s.execute(
            select(t.product_id, t.warehouse_id, t.reserved, func.coalesce(sums.c.total, 0))
            .outerjoin(sums, (sums.c.product_id == t.product_id) & (sums.c.warehouse_id == t.warehouse_id))
            .where(t.reserved != func.coalesce(sums.c.total, 0))
        )
        return [StockDrift(p, w, counter, int(total)) for p, w, counter, total in rows]


class SqlInventory:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]:
        b, bs = m.BinRow, m.BinStockRow
        query = select(bs.product_id, b.warehouse_id, b.code, bs.quantity).join(b, b.id == bs.bin_id)
        query = query.where(bs.quantity > 0).order_by(b.warehouse_id, b.code)
        chunks = _chunks(sorted(set(product_ids)))  # a wave's or a catalog's products: PostgreSQL's limit
        found = [
            BinQuantity(r.product_id, r.warehouse_id, r.code, r.quantity)
            for chunk in chunks
            for r in await fetch(self.s, query.where(bs.product_id.in_(chunk)))
        ]
        if len(chunks) > 1:  # in one order again, as one query gave them
            found.sort(key=lambda x: (x.warehouse_id, x.bin_code))
        return found

    async def bin_contents(self, warehouse_id: int, bin_code: str) -> list[BinQuantity]:
        b, bs = m.BinRow, m.BinStockRow
        query = select(bs.product_id, b.warehouse_id, b.code, bs.quantity).join(b, b.id == bs.bin_id)
        query = query.where(b.warehouse_id == warehouse_id, b.code == bin_code, bs.quantity > 0)
        rows = await fetch(self.s, query.order_by(bs.product_id))
        return [BinQuantity(r.product_id, r.warehouse_id, r.code, r.quantity) for r in rows]

    async def has_bin(self, warehouse_id: int, bin_code: str) -> bool:
        b = m.BinRow
        found = await self.s.scalar(select(b.id).where(b.warehouse_id == warehouse_id, b.code == bin_code).limit(1))
        return found is not None

    async def bin_codes(self, warehouse_id: int) -> list[str]:
        b = m.BinRow
        return list((await self.s.scalars(select(b.code).where(b.warehouse_id == warehouse_id).order_by(b.code))).all())

    async def moved_for(self, warehouse_id: int, reason: str, product_ids: Sequence[int], since: datetime) -> set[int]:
        mv = m.InventoryMovementRow
        query = select(mv.product_id).distinct()
        query = query.where(mv.warehouse_id == warehouse_id, mv.reason == reason, mv.at >= since)
        return set((await self.s.scalars(query.where(mv.product_id.in_(list(product_ids))))).all())

    async def last_bin(self, product_id: int, warehouse_id: int) -> str | None:
        mv, b = m.InventoryMovementRow, m.BinRow
        return await self.s.scalar(
            select(b.code)
            .join(mv, mv.bin_id == b.id)
            .where(mv.product_id == product_id, mv.warehouse_id == warehouse_id)
            .order_by(mv.id.desc())
            .limit(1)
        )

    async def movements(self, product_id: int, limit: int) -> list[Movement]:
        mv, b = m.InventoryMovementRow, m.BinRow
        rows = await self.s.execute(
            select(mv.product_id, mv.warehouse_id, b.code, mv.delta, mv.reason, mv.actor, mv.at)
            .outerjoin(b, b.id == mv.bin_id)
            .where(mv.product_id == product_id)
            .order_by(mv.id.desc())
            .limit(limit)
        )
        return [Movement(*row) for row in rows]

    async def reorder_levels(
        self, warehouse_id: int | None, *, low_only: bool = False, product_ids: Sequence[int] | None = None
    ) -> list[ReorderLevel]:
        t = m.StockRow  # plain rows: the reorder scan reads a whole catalog's
        query = (
            select(t.product_id, t.warehouse_id, t.on_hand, t.reserved, t.reorder_point, t.max_level)
            .where(t.reorder_point > 0)
            .order_by(t.warehouse_id, t.product_id)
        )
        if warehouse_id is not None:
            query = query.where(t.warehouse_id == warehouse_id)
        if low_only:  # a big catalog is mostly above its reorder points: filtered where it is
            query = query.where(t.on_hand - t.reserved <= t.reorder_point)
        if product_ids is None:
            rows = list(await fetch(self.s, query))
        else:  # /stock of a few products, not a catalog's 50,000 positions; in chunks all the same
            chunks = _chunks(sorted(set(product_ids)))
            rows = [r for chunk in chunks for r in await fetch(self.s, query.where(t.product_id.in_(chunk)))]
            rows.sort(key=lambda r: (r.warehouse_id, r.product_id))  # integers: the order the query gave
        return [
            ReorderLevel(StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved), r.reorder_point, r.max_level)
            for r in rows
        ]

    async def valued_positions(self, base: str) -> list[tuple[int, str | None, int, int, int]]:
        s, t, p = m.StockRow, m.SupplyTermsRow, m.ProductRow
        # The cost rule (``domain.usecases.stock_books.UnitCosts``): terms there, the catalog's
        # cost, the last purchase order line received there, at any warehouse.
        here, anywhere = last_received(by_warehouse=True), last_received(by_warehouse=False)
        currency = case(
            (t.product_id.is_not(None), t.currency),
            (p.cost_minor.is_not(None), p.cost_currency),
            (here.c.product_id.is_not(None), here.c.currency),
            else_=anywhere.c.currency,
        )
        cost = func.coalesce(t.unit_cost_minor, p.cost_minor, here.c.cost, anywhere.c.cost)
        value = s.on_hand * cost
        own = case((currency == base, 0), else_=cost)  # foreign: grouped by unit cost, converted a unit at a time
        rows = await fetch(
            self.s,
            select(s.warehouse_id, currency, func.sum(s.on_hand), func.sum(value), func.count())
            .select_from(s)
            .outerjoin(t, (t.product_id == s.product_id) & (t.warehouse_id == s.warehouse_id))
            .outerjoin(p, p.id == s.product_id)
            .outerjoin(here, (here.c.product_id == s.product_id) & (here.c.warehouse_id == s.warehouse_id))
            .outerjoin(anywhere, anywhere.c.product_id == s.product_id)
            .where(s.on_hand > 0)
            .group_by(s.warehouse_id, currency, own),
        )
        found = [cast(tuple[Any, ...], r) for r in rows]
        return [(int(w), cur, int(units), int(v or 0), int(n)) for w, cur, units, v, n in found]

    async def positions(self) -> list[StockLevel]:
        t = m.StockRow
        query = select(t.product_id, t.warehouse_id, t.on_hand, t.reserved).where(t.on_hand > 0)
        rows = await fetch(self.s, query.order_by(t.warehouse_id, t.product_id))
        return [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]

    async def set_reorder(self, product_id: int, warehouse_id: int, point: int, max_level: int | None) -> None:
        # The counter made if missing in one statement: two managers setting a new position's
        # point at once both read none, and the second insert failed on PostgreSQL.
        values = {"product_id": product_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
        await insert_if_missing(self.s, m.StockRow, values)
        row = await self.s.get(m.StockRow, (product_id, warehouse_id), with_for_update=True)
        assert row is not None
        row.reorder_point, row.max_level = point, max_level
        await self.s.flush()
