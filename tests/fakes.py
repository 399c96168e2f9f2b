"""In-memory implementations of the domain ports, for fast domain tests.

Only the repositories and methods some unit test needs are here, and tests/contracts/ runs
each of them against SQL on both engines: SQL is the truth a fake must match. A use case
that reaches a missing one fails with AttributeError; add it together with its contract.
The unit of work snapshots its state on entry and restores it unless committed, so the
"nothing half-written" rule is observable in unit tests too.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self, TypeVar

from domain.accounting import JournalEntry
from domain.backorders import Backorder, BackorderStatus, BackorderTerms, fill_sequence
from domain.catalog import Category, Product, ProductStatus
from domain.catalog_edits import ProductChange
from domain.categories import CategoryNode
from domain.credit_notes import CreditNote
from domain.customers import Customer
from domain.debit_notes import DebitNote
from domain.errors import IllegalTransition, InsufficientStock
from domain.family_names import sibling_texts
from domain.fx import FxRate
from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import HistoryEntry, Order, ReturnStatus, reference_key
from domain.payments import Payment
from domain.pricing import RETAIL, PriceRule
from domain.promotion_weeks import CodeSale
from domain.promotions import Promotion
from domain.purchasing import OnOrder, Supplier, SupplyTerms
from domain.return_figures import ReasonTally, ReturnedUnits
from domain.returns import ReturnReason, ReturnRequest
from domain.search_words import SearchWords
from domain.stock import BinQuantity, Reservation, StockDrift, StockLevel, StockMark
from domain.stock_counts import BinCount, plan_bin_counts
from domain.usecases.unpaid_orders import is_open_unpaid
from domain.variants import Sibling, sibling_words
from domain.warehouse import BinCode, Warehouse


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


_STATUSES = list(ProductStatus)  # ACTIVE first: a product made after a mark was active then


class StockMarks(list[dict[tuple[int, int], int]]):
    """What each counter had available at each stock feed mark: taking a mark reads, so a
    rollback keeps it (one list however the state is copied)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> StockMarks:
        return self


@dataclass
class State:
    customers: dict[int, Customer] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    product_changes: list[ProductChange] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    category_parent: dict[int, int] = field(default_factory=dict)  # child id -> parent id
    category_names: dict[int, dict[str, str]] = field(default_factory=dict)  # id -> language -> name
    warehouses: dict[int, Warehouse] = field(default_factory=dict)
    stock: dict[tuple[int, int], StockLevel] = field(default_factory=dict)
    stock_marks: StockMarks = field(default_factory=lambda: StockMarks())
    origin: str = field(default_factory=lambda: secrets.token_hex(16))  # the database's own name (0073)
    bins: dict[tuple[int, int, str], int] = field(default_factory=dict)  # (product, warehouse, bin) → qty
    movements: list[tuple[int, int, str, int, str]] = field(default_factory=list)
    moved_at: list[tuple[int, int, str, datetime]] = field(default_factory=list)  # product, warehouse, reason, when
    journal: list[JournalEntry] = field(default_factory=list)
    books_currency: str | None = None
    reservations: dict[int, Reservation] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    issued_invoices: dict[int, IssuedInvoice] = field(default_factory=dict)  # by order id
    fx: list[FxRate] = field(default_factory=list)
    carts: dict[int, dict[int, int]] = field(default_factory=dict)
    subscriptions: dict[tuple[int, int], datetime | None] = field(default_factory=dict)
    backorder_terms: dict[int, BackorderTerms] = field(default_factory=dict)
    backorders: dict[int, Backorder] = field(default_factory=dict)
    price_rules: dict[int, PriceRule] = field(default_factory=dict)
    promotions: dict[int, Promotion] = field(default_factory=dict)
    code_sales: list[CodeSale] = field(default_factory=list)  # shipped on orders with a product-limited code
    credit_notes: list[CreditNote] = field(default_factory=list)
    debit_notes: list[DebitNote] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def st(self) -> State:
        return self.uow.state

    if TYPE_CHECKING:  # the port's other methods have no fake: at run time, AttributeError

        def __getattr__(self, name: str) -> Any: ...


def _key(customer: Customer) -> int:
    """Customers are kept by Telegram id; one known only from the API by its negated id."""
    return customer.telegram_id if customer.telegram_id is not None else -(customer.id or 0)


class FakeCustomers(_Repo):
    async def lock(self, customer_id: int) -> None:
        return None  # one fake unit of work runs at a time

    async def try_lock(self, customer_id: int) -> bool:
        return True  # one fake unit of work runs at a time

    async def get(self, customer_id: int) -> Customer | None:
        return copy.deepcopy(next((c for c in self.st.customers.values() if c.id == customer_id), None))

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None:
        found = copy.deepcopy(self.st.customers.get(telegram_id))
        if found is not None:
            found.addresses = []  # as in SQL: the per-update lookup reads no addresses
        return found

    async def by_telegram_ids(self, telegram_ids: Collection[int]) -> dict[int, Customer]:
        return {t: found for t in set(telegram_ids) if (found := await self.get_by_telegram_id(t)) is not None}

    async def add(self, customer: Customer) -> Customer:
        customer.id = self.st.new_id()
        self._save_new_addresses(customer)
        self.st.customers[_key(customer)] = copy.deepcopy(customer)
        return customer

    async def update(self, customer: Customer) -> None:
        """As in SQL: new addresses are added, saved ones stay even if left out of the list,
        and when the customer joined is not rewritten."""
        stored = await self.get(customer.id or 0)
        saved = stored.addresses if stored else []
        self._save_new_addresses(customer)
        new = [a for a in customer.addresses if a.id not in {s.id for s in saved}]
        self.st.customers = {k: c for k, c in self.st.customers.items() if c.id != customer.id}
        self.st.customers[_key(customer)] = replace(
            copy.deepcopy(customer),
            addresses=saved + copy.deepcopy(new),
            created_at=stored.created_at if stored else customer.created_at,
        )

    async def address_used(self, address_id: int, at: datetime) -> None:
        for address in (a for c in self.st.customers.values() for a in c.addresses if a.id == address_id):
            address.uses, address.used_at = address.uses + 1, at

    async def forget_address(self, customer_id: int, address_id: int) -> bool:
        for customer in self.st.customers.values():
            if customer.id == customer_id and any(a.id == address_id for a in customer.addresses):
                customer.addresses = [a for a in customer.addresses if a.id != address_id]
                return True
        return False

    def _save_new_addresses(self, customer: Customer) -> None:
        for address in customer.addresses:
            if address.id is None:
                address.id = self.st.new_id()


def _id(product: Product) -> int:
    return product.id or 0


class FakeProducts(_Repo):
    async def get(self, product_id: int) -> Product | None:
        return copy.deepcopy(self.st.products.get(product_id))

    async def get_untranslated(self, product_id: int) -> Product | None:
        product = await self.get(product_id)
        return replace(product, names={}, descriptions={}, option_translations=()) if product is not None else None

    async def get_by_sku(self, sku: str) -> Product | None:
        return copy.deepcopy(next((p for p in self.st.products.values() if p.sku == sku), None))

    async def get_many(self, product_ids: Sequence[int], *, fresh: bool = False) -> list[Product]:
        return [copy.deepcopy(self.st.products[i]) for i in sorted(set(product_ids)) if i in self.st.products]

    async def placements(self, product_ids: Sequence[int]) -> dict[int, tuple[int | None, str]]:
        return {i: (p.category_id, p.parent_code) for i in set(product_ids) if (p := self.st.products.get(i))}

    async def ids_by_sku(self, skus: Sequence[str]) -> dict[str, int]:
        return {p.sku: p.id for p in self.st.products.values() if p.sku in skus and p.id is not None}

    async def sku_page(self, *, after: int, limit: int) -> list[tuple[int, str]]:
        return [(i, p.sku) for i, p in sorted(self.st.products.items()) if i > after][:limit]

    async def upsert(self, product: Product) -> Product:
        existing = await self.get_by_sku(product.sku)
        product.id = existing.id if existing and existing.id else self.st.new_id()
        product.category_id = self.st.categories.setdefault(product.category, self.st.new_id())
        stored = copy.deepcopy(product)
        if existing:  # as in SQL: prices are added or changed, never dropped; a photo and a cost stay unless replaced
            stored.prices = {**existing.prices, **product.prices}
            if not product.photo_file_id:
                stored.photo_file_id, stored.more_photos = existing.photo_file_id, existing.more_photos
            stored.names = {**existing.names, **product.names}
            stored.descriptions = {**existing.descriptions, **product.descriptions}
            worded = {t[0]: t for t in (*existing.option_translations, *product.option_translations)}
            stored.option_translations = tuple(sorted(worded.values()))  # as in SQL: a language's replaced
            stored.cost = product.cost or existing.cost
        stored.option_translations = tuple(t for t in stored.option_translations if t[2])  # given empty: removed
        self.st.products[product.id] = stored
        return product

    async def upsert_many(self, products: Sequence[Product]) -> None:
        for product in products:
            await self.upsert(product)

    async def search_words(self) -> SearchWords:
        shown = [p for p in self.st.products.values() if p.status is not ProductStatus.HIDDEN]
        names = [name for p in shown for name in (p.name, *p.names.values())]
        categories = [*self.st.categories, *(n for names in self.st.category_names.values() for n in names.values())]
        return SearchWords.of([*names, *categories])

    async def staff_list(
        self, text: str, status: str | None, category_id: int | None, offset: int, limit: int
    ) -> tuple[list[Product], int]:
        needle = text.strip().lower()
        found = [
            p
            for p in sorted(self.st.products.values(), key=lambda p: p.sku)
            if (
                not needle
                or needle in p.sku.lower()
                or any(needle in name.lower() for name in (p.name, *p.names.values()))
                or p.barcode == text.strip()
            )
            and (status is None or p.status.value == status)
            and (category_id is None or self._inside(p.category_id, category_id))
        ]
        return copy.deepcopy(found[offset : offset + limit]), len(found)

    async def first_active_sku(self) -> str | None:
        return min((p.sku for p in self.st.products.values() if p.status is ProductStatus.ACTIVE), default=None)

    async def first_sku_in_stock(self, least: int) -> str | None:
        stocked = {product for (product, _), level in self.st.stock.items() if level.available >= least}
        on_sale = self.st.products.values()
        return min((p.sku for p in on_sale if p.status is ProductStatus.ACTIVE and p.id in stocked), default=None)

    def _inside(self, category_id: int | None, ancestor: int) -> bool:
        seen: set[int] = set()
        while category_id is not None and category_id not in seen:
            if category_id == ancestor:
                return True
            seen.add(category_id)
            category_id = self.st.category_parent.get(category_id)
        return False

    async def sku_with_barcode(self, barcode: str) -> str | None:
        return next((p.sku for p in self.st.products.values() if p.barcode == barcode), None)

    async def skus_with_barcodes(self, barcodes: Sequence[str]) -> dict[str, str]:
        return {p.barcode: p.sku for p in self.st.products.values() if p.barcode is not None and p.barcode in barcodes}

    async def set_photos(self, product_id: int, photos: Sequence[str]) -> None:
        product = self.st.products[product_id]
        product.photo_file_id, product.more_photos = (photos[0] if photos else None), tuple(photos[1:])

    async def clear_price(self, product_id: int, currency: str) -> None:
        self.st.products[product_id].prices.pop(currency, None)

    async def clear_cost(self, product_id: int) -> None:
        self.st.products[product_id].cost = None

    async def record_changes(self, changes: Sequence[ProductChange]) -> None:
        self.st.product_changes += changes

    async def changes(self, product_id: int, offset: int, limit: int) -> tuple[list[ProductChange], int]:
        mine = [c for c in reversed(self.st.product_changes) if c.product_id == product_id]
        return (mine[offset : offset + limit] if limit > 0 else []), len(mine)

    async def first_price_changes(self, after: Collection[tuple[int, datetime]], currency: str) -> list[ProductChange]:
        field, found = f"price_{currency}", []
        for product_id, at in set(after):
            later = [
                c for c in self.st.product_changes if c.product_id == product_id and c.field == field and c.at > at
            ]
            found += [min(later, key=lambda c: c.at)] if later else []
        return sorted({id(c): c for c in found}.values(), key=lambda c: (c.product_id, c.at))

    async def variants(self, parent_code: str) -> list[Product]:
        return copy.deepcopy(sorted((p for p in self.st.products.values() if p.parent_code == parent_code), key=_id))

    async def siblings(self, parent_code: str) -> list[Sibling]:
        variants = await self.variants(parent_code)
        return [
            Sibling(p.id, p.options, p.listed, p.orderable, sibling_words(p), sibling_texts(p), not p.parent)
            for p in variants
            if p.id is not None
        ]

    async def lock_parent(self, parent_code: str) -> None:
        return None  # one task at a time touches the fake

    async def variants_of(self, parent_codes: Sequence[str]) -> dict[str, list[Product]]:
        found = {code: await self.variants(code) for code in set(parent_codes)}
        return {code: variants for code, variants in found.items() if variants}

    async def variant_skus_of(self, parent_codes: Sequence[str]) -> dict[str, dict[str, int]]:
        found = await self.variants_of(parent_codes)
        return {code: {p.sku: p.id for p in variants if p.id is not None} for code, variants in found.items()}

    def _firsts(self, category_id: int) -> list[Product]:
        """One product per parent in the category: its first active variant (as in SQL)."""
        firsts: dict[str, Product] = {}
        for p in sorted(self.st.products.values(), key=_id):
            if p.category_id == category_id and p.listed:
                firsts.setdefault(p.parent_code, p)
        return list(firsts.values())

    async def categories(self) -> list[Category]:
        counts: dict[str, int] = {}
        for name, category_id in self.st.categories.items():
            if n := len(self._firsts(category_id)):
                counts[name] = n
        return [Category(self.st.categories[name], name, n) for name, n in sorted(counts.items())]

    async def category(self, category_id: int) -> Category | None:
        return next((Category(i, n, 0) for n, i in self.st.categories.items() if i == category_id), None)

    async def category_nodes(self) -> list[CategoryNode]:
        first: dict[str, Product] = {}  # a parent counts where it is listed: as its first listed variant
        for p in sorted(self.st.products.values(), key=_id):
            if p.listed:
                first.setdefault(p.parent_code, p)
        own: dict[int, int] = {}
        for p in first.values():
            if p.category_id is not None:
                own[p.category_id] = own.get(p.category_id, 0) + 1
        parent = self.st.category_parent
        names = self.st.category_names
        return [
            CategoryNode(i, n, parent.get(i), own.get(i, 0), tuple(sorted(names.get(i, {}).items())))
            for n, i in self.st.categories.items()
        ]

    async def category_parents(self) -> dict[str, str | None]:
        names = {i: n for n, i in self.st.categories.items()}
        return {n: names.get(self.st.category_parent.get(i, 0)) for n, i in self.st.categories.items()}

    async def link_categories(self, links: Mapping[str, str]) -> None:
        for child, parent in links.items():
            self.st.categories.setdefault(parent, self.st.new_id())
            child_id = self.st.categories.setdefault(child, self.st.new_id())
            self.st.category_parent[child_id] = self.st.categories[parent]

    async def translate_categories(self, names: Mapping[str, Mapping[str, str]]) -> None:
        for category, translated in names.items():
            category_id = self.st.categories.setdefault(category, self.st.new_id())
            kept = self.st.category_names.setdefault(category_id, {})
            kept.update(translated)
            for language in [language for language, name in translated.items() if not name]:  # "": removed
                del kept[language]

    async def in_category(
        self, category_id: int, offset: int, limit: int, after: int = 0, before: int = 0
    ) -> list[Product]:
        items = sorted(self._firsts(category_id), key=lambda p: (p.name, p.id or 0))
        at = next((i for i, p in enumerate(items) if p.id == (after or before)), None)
        if at is not None:
            offset = at + 1 if after else max(at - limit, 0)
            limit = limit if after else at - offset
        return copy.deepcopy(items[offset : offset + limit])


class FakeWarehouses(_Repo):
    async def get_by_code(self, code: str) -> Warehouse | None:
        found = next((w for w in self.st.warehouses.values() if w.code == code), None)
        if found is None:
            return None
        zones = {BinCode.parse(bin_code).zone for _, warehouse_id, bin_code in self.st.bins if warehouse_id == found.id}
        return replace(found, zones=tuple(sorted(zones)))

    async def ids_by_code(self, codes: Sequence[str]) -> dict[str, int]:
        return {w.code: w.id for w in self.st.warehouses.values() if w.code in codes and w.id is not None}

    async def upsert(self, warehouse: Warehouse) -> Warehouse:
        existing = await self.get_by_code(warehouse.code)
        warehouse.id = existing.id if existing and existing.id else self.st.new_id()
        self.st.warehouses[warehouse.id] = replace(warehouse, zones=())  # as in SQL: zones are the bins in use
        return warehouse


class FakeInventory(_Repo):
    """The bins' quantities a stock count reads (the rest of ``InventoryRepository`` is SQL's alone)."""

    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]:
        held = [BinQuantity(p, w, code, q) for (p, w, code), q in self.st.bins.items() if p in product_ids and q > 0]
        return sorted(held, key=lambda b: (b.warehouse_id, b.bin_code))

    async def bin_contents(self, warehouse_id: int, bin_code: str) -> list[BinQuantity]:
        held = [BinQuantity(p, w, c, q) for (p, w, c), q in self.st.bins.items() if (w, c) == (warehouse_id, bin_code)]
        return sorted((b for b in held if b.quantity > 0), key=lambda b: b.product_id)

    async def has_bin(self, warehouse_id: int, bin_code: str) -> bool:
        return bin_code in await self.bin_codes(warehouse_id)

    async def bin_codes(self, warehouse_id: int) -> list[str]:
        return sorted({c for (_, w, c) in self.st.bins if w == warehouse_id})

    async def moved_for(self, warehouse_id: int, reason: str, product_ids: Sequence[int], since: datetime) -> set[int]:
        return {
            p
            for p, w, why, at in self.st.moved_at
            if (w, why) == (warehouse_id, reason) and p in product_ids and at >= since
        }


class FakeStock(_Repo):
    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]:
        return [lv for (p, _), lv in self.st.stock.items() if p in product_ids]

    levels_now = levels

    async def feed_mark(self) -> StockMark:
        # What each counter had available then; a mark is its place in the list, from 1
        marked = {key: lv.available for key, lv in self.st.stock.items()}
        marked |= {(pid, -1): _STATUSES.index(p.status) for pid, p in self.st.products.items()}  # a status's place
        self.st.stock_marks.append(marked)
        return StockMark(len(self.st.stock_marks))

    async def feed_origin(self) -> str:
        return self.st.origin

    async def changed_since(self, since: StockMark, *, after: int, limit: int) -> list[tuple[int, str]]:
        then = self.st.stock_marks[since.next - 1] if since.next else {}
        moved = {k[0] for k, lv in self.st.stock.items() if not since.next or then.get(k) != lv.available}
        moved |= {
            pid
            for pid, p in self.st.products.items()
            if since.next and then.get((pid, -1)) != _STATUSES.index(p.status)  # created since: None
        }
        return [(p, self.st.products[p].sku) for p in sorted(moved) if p > after and p in self.st.products][:limit]

    def _level(self, product_id: int, warehouse_id: int) -> StockLevel:
        # Read only: as in SQL, a counter appears when stock is counted, not when a reservation fails
        return self.st.stock.get((product_id, warehouse_id), StockLevel(product_id, warehouse_id))

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool:
        try:
            self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).reserve(quantity)
        except InsufficientStock:
            return False
        return True

    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).release(quantity)

    async def lock_positions(self, places: Iterable[tuple[int, int]]) -> None:
        for product_id, warehouse_id in places:  # one task at a time here: only the counter is made
            self.st.stock.setdefault((product_id, warehouse_id), StockLevel(product_id, warehouse_id))

    async def lock_products(self, product_ids: Iterable[int]) -> None:
        pass  # one task at a time here

    async def try_lock_products(self, product_ids: Iterable[int], warehouse_id: int) -> bool:
        await self.lock_positions([(product_id, warehouse_id) for product_id in product_ids])
        return True

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int:
        code = str(BinCode.parse(bin_code))
        delta = quantity - self.st.bins.get((product_id, warehouse_id, code), 0)
        self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).adjust(delta)
        self.st.bins[(product_id, warehouse_id, code)] = quantity
        if delta:
            self.st.movements.append((product_id, warehouse_id, code, delta, reason))
            self.st.moved_at.append((product_id, warehouse_id, reason, at))
        return delta

    async def set_bin_quantities(self, counts: Sequence[BinCount], reason: str, actor: str, at: datetime) -> list[int]:
        plan = plan_bin_counts(counts, self.st.bins, self.st.stock)
        for c in counts:
            self.st.stock.setdefault((c.product_id, c.warehouse_id), StockLevel(c.product_id, c.warehouse_id))
        for (product, warehouse), on_hand in plan.on_hand.items():
            self.st.stock[(product, warehouse)] = replace(self.st.stock[(product, warehouse)], on_hand=on_hand)
        self.st.bins.update(plan.bins)
        moved = [(c, delta) for c, delta in zip(counts, plan.deltas, strict=True) if delta]
        self.st.movements += [(c.product_id, c.warehouse_id, c.bin, delta, reason) for c, delta in moved]
        self.st.moved_at += [(c.product_id, c.warehouse_id, reason, at) for c, _ in moved]
        return plan.deltas

    async def add_reservation(self, reservation: Reservation) -> Reservation:
        stored = replace(reservation, id=self.st.new_id())
        assert stored.id is not None
        self.st.reservations[stored.id] = stored
        return stored

    async def delete_reservation(self, reservation: Reservation) -> None:
        self.st.reservations.pop(reservation.id or 0, None)

    async def customer_holds(self, customer_id: int) -> list[Reservation]:
        return sorted(
            (r for r in self.st.reservations.values() if r.customer_id == customer_id and r.kind.value == "hold"),
            key=lambda r: r.id or 0,
        )

    async def expired_holds(self, product_id: int, now: datetime) -> list[Reservation]:
        return [
            r
            for r in self.st.reservations.values()
            if r.product_id == product_id and r.kind.value == "hold" and r.is_expired(now)
        ]

    async def product_holds(self, product_id: int, customer_id: int, now: datetime) -> list[Reservation]:
        return sorted(
            (
                r
                for r in self.st.reservations.values()
                if r.product_id == product_id
                and r.kind.value == "hold"
                and (r.customer_id == customer_id or r.is_expired(now))
            ),
            key=lambda r: r.id or 0,
        )

    async def position_reservations(self, product_id: int, warehouse_id: int) -> list[Reservation]:
        return sorted(
            (r for r in self.st.reservations.values() if (r.product_id, r.warehouse_id) == (product_id, warehouse_id)),
            key=lambda r: r.id or 0,
        )

    async def reserve_where_most(self, product_id: int, quantity: int) -> int | None:
        levels = sorted(await self.levels([product_id]), key=lambda lv: (-lv.available, lv.warehouse_id))
        if not levels or levels[0].available < quantity:
            return None
        warehouse = levels[0].warehouse_id
        return warehouse if await self.try_reserve(product_id, warehouse, quantity) else None

    async def change_reservation(self, reservation: Reservation, *, by: int) -> bool:
        rid = reservation.id or 0
        if rid not in self.st.reservations:
            return False
        now = self.st.reservations[rid]
        self.st.reservations[rid] = replace(now, quantity=now.quantity + by)
        return True

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None:
        for hold in await self.customer_holds(customer_id):
            self.st.reservations[hold.id or 0] = replace(hold, expires_at=expires_at)

    async def drift(self) -> list[StockDrift]:
        sums: dict[tuple[int, int], int] = {}
        for r in self.st.reservations.values():
            sums[(r.product_id, r.warehouse_id)] = sums.get((r.product_id, r.warehouse_id), 0) + r.quantity
        return [
            StockDrift(p, w, lv.reserved, sums.get((p, w), 0))
            for (p, w), lv in self.st.stock.items()
            if lv.reserved != sums.get((p, w), 0)
        ]


class FakeJournal(_Repo):
    async def post(self, entry: JournalEntry) -> None:
        self.st.journal.append(entry)

    async def books_currency(self) -> str | None:
        return self.st.books_currency

    async def keep_books_in(self, currency: str) -> None:
        self.st.books_currency = currency

    async def entry_count(self) -> int:
        return len(self.st.journal)

    async def of_sources(self, sources: Sequence[str]) -> list[JournalEntry]:
        return sorted((e for e in self.st.journal if e.source in sources), key=lambda e: e.at)

    async def credit_balance(self, source: str, account: str, currency: str) -> int:
        lines = [x for e in self.st.journal if e.source == source and e.currency == currency for x in e.lines]
        return sum(x.credit - x.debit for x in lines if x.account.value == account)


class FakePurchasing(_Repo):
    """A shop that buys nothing on terms or on purchase orders: stock is booked at its products' own cost."""

    async def suppliers(self) -> list[Supplier]:
        return []  # from no one

    async def terms(self, product_ids: Sequence[int] | None = None) -> list[SupplyTerms]:
        return []

    async def last_received_costs(self, product_ids: Sequence[int]) -> list[tuple[int, int, Money]]:
        return []  # nor on purchase orders

    async def on_order(self, product_ids: Sequence[int]) -> dict[tuple[int, int], OnOrder]:
        return {}  # no purchase order is sent


class FakeOrders(_Repo):
    async def add(self, order: Order) -> Order:
        order.id = self.st.new_id()
        # As SQL reads it back: lines with ids, no shipping as zero
        stored = copy.deepcopy(order)
        stored.lines = [replace(line, id=self.st.new_id()) for line in order.lines]
        stored.shipping = order.shipping or Money.zero(order.currency)
        self.st.orders[order.code] = stored
        return order

    async def get_by_code(self, code: str) -> Order | None:
        return copy.deepcopy(self.st.orders.get(code))

    async def get_by_invoice_number(self, number: int) -> Order | None:
        found = next((o for o in self.st.orders.values() if o.invoice_number == number), None)
        return copy.deepcopy(found)

    async def number_invoice(self, order_id: int) -> int:
        """As the counter gives them: the last taken plus one (a rollback restores the orders, and so the last)."""
        number = max((o.invoice_number or 0 for o in self.st.orders.values()), default=0) + 1
        next(o for o in self.st.orders.values() if o.id == order_id).invoice_number = number
        return number

    async def keep_invoice(self, invoice: IssuedInvoice) -> None:
        self.st.issued_invoices[invoice.order_id] = invoice

    async def issued_invoice(self, order_id: int) -> IssuedInvoice | None:
        return self.st.issued_invoices.get(order_id)

    async def codes_by_reference(self, reference: str, limit: int) -> list[str]:
        key = reference_key(reference)
        found = [o for o in self.st.orders.values() if key and reference_key(o.reference) == key]
        found.sort(key=lambda o: (o.created_at or datetime.min, o.id or 0), reverse=True)
        return [o.code for o in found[:limit]]

    async def get_by_id(self, order_id: int) -> Order | None:
        return copy.deepcopy(next((o for o in self.st.orders.values() if o.id == order_id), None))

    async def open_unpaid(self, customer_id: int) -> int:
        return sum(1 for o in self.st.orders.values() if o.customer_id == customer_id and is_open_unpaid(o))

    async def record_transition(self, order: Order, entry: HistoryEntry) -> None:
        """As in SQL: only the move is saved (status, hold, tracking, carrier), not other changes."""
        stored = self.st.orders[order.code]
        if stored.status != entry.from_status:
            raise IllegalTransition(current=stored.status.value, target=entry.to_status.value)
        stored.status, stored.held_from, stored.tracking_number = order.status, order.held_from, order.tracking_number
        if stored.delivery is not None:
            stored.delivery = replace(stored.delivery, carrier=order.delivery.carrier if order.delivery else "")
        stored.history.append(entry)

    async def set_routing(self, order_id: int, routing: list[str]) -> None:
        next(o for o in self.st.orders.values() if o.id == order_id).routing = list(routing)

    async def set_reference(self, order: Order, entry: HistoryEntry) -> None:
        stored = self.st.orders[order.code]
        stored.reference = order.reference
        stored.history.append(entry)


class FakeCarts(_Repo):
    async def lines(self, customer_id: int) -> dict[int, int]:
        return dict(self.st.carts.get(customer_id, {}))

    async def set(self, customer_id: int, product_id: int, quantity: int, at: datetime) -> None:
        cart = self.st.carts.setdefault(customer_id, {})
        if quantity <= 0:
            cart.pop(product_id, None)
        else:
            cart[product_id] = quantity


class FakeSubscriptions(_Repo):
    async def subscribe(self, customer_id: int, product_id: int, at: datetime) -> bool:
        if self.st.subscriptions.get((customer_id, product_id), "notified") is None:
            return False
        self.st.subscriptions[(customer_id, product_id)] = None
        return True

    async def waiting(self, product_ids: Sequence[int]) -> list[tuple[int, int]]:
        return [key for key, notified in self.st.subscriptions.items() if notified is None and key[1] in product_ids]


class FakeBackorders(_Repo):
    async def terms(self, product_ids: Sequence[int]) -> dict[int, BackorderTerms]:
        return {p: t for p, t in self.st.backorder_terms.items() if p in product_ids}

    async def preorders(self) -> Mapping[int, date]:
        return {p: t.release_date for p, t in self.st.backorder_terms.items() if t.release_date is not None}

    async def set_terms(self, product_id: int, terms: BackorderTerms | None) -> None:
        if terms is None:
            self.st.backorder_terms.pop(product_id, None)
        else:
            self.st.backorder_terms[product_id] = replace(terms, product_id=product_id)

    async def add(self, backorder: Backorder) -> Backorder:
        backorder.id = self.st.new_id()
        self.st.backorders[backorder.id] = copy.deepcopy(backorder)
        return backorder

    async def get(self, backorder_id: int) -> Backorder | None:
        return copy.deepcopy(self.st.backorders.get(backorder_id))

    async def waiting(self, product_ids: Sequence[int]) -> list[Backorder]:
        found = [
            copy.deepcopy(b)
            for b in self.st.backorders.values()
            if b.product_id in product_ids and b.status is BackorderStatus.WAITING
        ]
        return fill_sequence(found)

    async def waiting_units(self, product_ids: Sequence[int] | None) -> dict[int, int]:
        units: dict[int, int] = {}
        everything = sorted({b.product_id for b in self.st.backorders.values()})
        for b in await self.waiting(everything if product_ids is None else product_ids):
            units[b.product_id] = units.get(b.product_id, 0) + b.quantity
        return units

    async def for_order(self, order_id: int) -> list[Backorder]:
        return [copy.deepcopy(b) for _, b in sorted(self.st.backorders.items()) if b.order_id == order_id]

    async def fill(self, backorder_id: int, seen: int, quantity: int) -> bool:
        b = self.st.backorders.get(backorder_id)
        if b is None or b.status is not BackorderStatus.WAITING or b.quantity != seen or quantity > seen:
            return False
        b.quantity, b.filled = seen - quantity, b.filled + quantity
        b.status = BackorderStatus.WAITING if b.quantity else BackorderStatus.FILLED
        return True

    async def lock_order(self, order_id: int) -> None:
        return None  # one fake unit of work runs at a time

    async def try_lock_order(self, order_id: int) -> bool:
        return True  # one fake unit of work runs at a time

    async def lock_terms(self, product_ids: Sequence[int]) -> None:
        return None

    async def cancel(self, backorder_id: int, seen: int) -> bool:
        b = self.st.backorders.get(backorder_id)
        if b is None or b.status is not BackorderStatus.WAITING or b.quantity != seen:
            return False
        b.quantity, b.cancelled, b.status = 0, b.cancelled + seen, BackorderStatus.CANCELLED
        return True


class FakeFx(_Repo):
    async def lock(self, currency: str) -> None:
        """One task at a time runs a fake unit's writes: nothing to wait for."""

    async def add(self, rate: FxRate, actor: str) -> None:
        self.st.fx.append(rate)

    async def latest_against(self, base: str) -> list[FxRate]:
        newest: dict[tuple[str, str], FxRate] = {}
        for rate in self.st.fx:  # appended in time order: the last one of a pair wins
            if base in (rate.base, rate.quote):
                newest[(rate.base, rate.quote)] = rate
        return list(newest.values())


def _rule_key(rule: PriceRule) -> tuple[str, str, str, str, int]:
    return rule.group, rule.currency, rule.scope.value, rule.target, rule.min_quantity


def _rule_order(rule: PriceRule) -> tuple[str, str, str, str, int]:
    return rule.group, rule.scope.value, rule.target, rule.currency, rule.min_quantity


class FakePriceRules(_Repo):
    async def for_group(self, group: str) -> list[PriceRule]:
        return sorted((r for r in self.st.price_rules.values() if r.group == group), key=_rule_order)

    async def for_customer(self, customer_id: int) -> tuple[str, list[PriceRule]]:
        customer = next((c for c in self.st.customers.values() if c.id == customer_id), None)
        group = customer.price_group if customer is not None else RETAIL
        return group, await self.for_group(group)

    async def all(self) -> list[PriceRule]:
        return sorted(self.st.price_rules.values(), key=_rule_order)

    async def put(self, rule: PriceRule) -> PriceRule:
        self.st.price_rules = {i: r for i, r in self.st.price_rules.items() if _rule_key(r) != _rule_key(rule)}
        stored = replace(rule, id=self.st.new_id())
        self.st.price_rules[stored.id or 0] = stored
        return stored

    async def remove(self, rule_id: int) -> PriceRule | None:
        return self.st.price_rules.pop(rule_id, None)

    async def replace_groups(self, groups: Iterable[str], rules: Iterable[PriceRule]) -> None:
        names = set(groups)
        self.st.price_rules = {i: r for i, r in self.st.price_rules.items() if r.group not in names}
        for rule in rules:
            stored = replace(rule, id=self.st.new_id())
            self.st.price_rules[stored.id or 0] = stored


class FakePromotions(_Repo):
    async def add_promotion(self, promotion: Promotion) -> Promotion:
        stored = replace(promotion, id=self.st.new_id())
        self.st.promotions[stored.id or 0] = stored
        return stored

    async def promotions_between(self, since: datetime, until: datetime) -> list[Promotion]:
        ran = [p for p in self.st.promotions.values() if p.starts_at < until and p.until > max(since, p.starts_at)]
        return sorted(ran, key=lambda p: (p.starts_at, p.id or 0))

    async def code_sales(self, first: date, end: date, product_ids: Sequence[int] | None = None) -> list[CodeSale]:
        wanted = set(product_ids) if product_ids is not None else None
        found = [s for s in self.st.code_sales if first <= s.day < end and (wanted is None or s.product_id in wanted)]
        return sorted(found, key=lambda sale: (sale.day, sale.product_id, sale.warehouse_id, sale.code.code))


class FakeCreditNotes(_Repo):
    async def issue(self, order_id: int, amount: Money, reason: str, at: datetime) -> CreditNote:
        number = max((note.number for note in self.st.credit_notes), default=0) + 1
        note = CreditNote(order_id, number, amount, reason, at, amount * 0, id=self.st.new_id())
        self.st.credit_notes.append(note)
        return note

    async def add_tax(self, note_id: int, tax: Money) -> CreditNote:
        at = next(i for i, n in enumerate(self.st.credit_notes) if n.id == note_id)
        note = self.st.credit_notes[at]
        self.st.credit_notes[at] = note = replace(note, tax=note.tax + tax)
        return note

    async def for_order(self, order_id: int) -> list[CreditNote]:
        return sorted((n for n in self.st.credit_notes if n.order_id == order_id), key=lambda n: n.number)

    async def get_by_number(self, number: int) -> CreditNote | None:
        return next((n for n in self.st.credit_notes if n.number == number), None)

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[CreditNote]]:
        return _per_order(self.st.credit_notes, order_ids)


class FakeDebitNotes(_Repo):
    async def issue(self, order_id: int, amount: Money, at: datetime) -> DebitNote:
        number = max((note.number for note in self.st.debit_notes), default=0) + 1
        note = DebitNote(order_id, number, amount, at, amount * 0, id=self.st.new_id())
        self.st.debit_notes.append(note)
        return note

    async def add_tax(self, note_id: int, tax: Money) -> DebitNote:
        at = next(i for i, n in enumerate(self.st.debit_notes) if n.id == note_id)
        note = self.st.debit_notes[at]
        self.st.debit_notes[at] = note = replace(note, tax=note.tax + tax)
        return note

    async def for_order(self, order_id: int) -> list[DebitNote]:
        return sorted((n for n in self.st.debit_notes if n.order_id == order_id), key=lambda n: n.number)

    async def get_by_number(self, number: int) -> DebitNote | None:
        return next((n for n in self.st.debit_notes if n.number == number), None)

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[DebitNote]]:
        return _per_order(self.st.debit_notes, order_ids)


class FakeReturns(_Repo):
    async def add(self, request: ReturnRequest, at: datetime) -> ReturnRequest:
        request.id = self.st.new_id()
        for line in request.lines:
            line.id = self.st.new_id()
        self.st.returns.append(copy.deepcopy(request))
        return request

    async def save(self, request: ReturnRequest, at: datetime) -> None:
        self.st.returns = [copy.deepcopy(request) if r.id == request.id else r for r in self.st.returns]

    def _between(self, start: datetime, end: datetime) -> list[ReturnRequest]:
        return [r for r in self.st.returns if start <= r.created_at < end]

    async def reasons_between(self, start: datetime, end: datetime) -> list[ReasonTally]:
        orders = {o.id: o for o in self.st.orders.values()}
        found: dict[tuple[str, str, str], tuple[int, int, int]] = {}
        for r in self._between(start, end):
            key = (r.reason.value, orders[r.order_id].currency, orders[r.order_id].fx_rate)
            returns, units, refunded = found.get(key, (0, 0, 0))
            resolved = r.status in (ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED) and r.refund is not None
            given = r.refund.amount if resolved and r.refund is not None else 0
            found[key] = (returns + 1, units + sum(line.quantity for line in r.lines), refunded + given)
        return [ReasonTally(ReturnReason(k[0]), k[1], k[2], *found[k]) for k in sorted(found)]

    async def units_between(self, start: datetime, end: datetime) -> list[ReturnedUnits]:
        found: dict[tuple[int, str], int] = {}
        for r in self._between(start, end):
            for line in r.lines:
                found[line.product_id, r.reason.value] = found.get((line.product_id, r.reason.value), 0) + line.quantity
        return [ReturnedUnits(k[0], ReturnReason(k[1]), found[k]) for k in sorted(found)]


Note = TypeVar("Note", CreditNote, DebitNote)


def _per_order(notes: list[Note], order_ids: Sequence[int]) -> dict[int, list[Note]]:
    """Each order's notes, oldest first (an order with none: absent)."""
    found: dict[int, list[Note]] = {}
    for note in sorted(notes, key=lambda n: n.number):
        if note.order_id in order_ids:
            found.setdefault(note.order_id, []).append(note)
    return found


class FakePaymentRows:
    """Enough of the payments port for a use case that reads an order's payments and adds one (``give_back``,
    ``give_goodwill``); a test puts it on a ``FakeUnitOfWork`` of its own, as the rest is not called."""

    def __init__(self) -> None:
        self.rows: list[Payment] = []

    async def for_order(self, order_id: int) -> list[Payment]:
        return [p for p in self.rows if p.order_id == order_id]

    async def add(self, payment: Payment) -> None:
        self.rows.append(payment)


class FakeUnitOfWork:
    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self.commits = 0
        self.base_currency = "EUR"
        self.timezone = "UTC"
        self._snapshot: State | None = None
        self.customers = FakeCustomers(self)
        self.products = FakeProducts(self)
        self.warehouses = FakeWarehouses(self)
        self.stock = FakeStock(self)
        self.inventory = FakeInventory(self)
        self.journal = FakeJournal(self)
        self.purchasing = FakePurchasing(self)
        self.orders = FakeOrders(self)
        self.fx = FakeFx(self)
        self.carts = FakeCarts(self)
        self.subscriptions = FakeSubscriptions(self)
        self.backorders = FakeBackorders(self)
        self.price_rules = FakePriceRules(self)
        self.promotions = FakePromotions(self)
        self.credit_notes = FakeCreditNotes(self)
        self.debit_notes = FakeDebitNotes(self)
        self.returns = FakeReturns(self)

    if TYPE_CHECKING:  # the ports with no fake: at run time, AttributeError

        def __getattr__(self, name: str) -> Any: ...

    def read_only(self) -> Self:
        return self

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.state)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._snapshot is not None:  # whatever was not committed is rolled back
            self.state.__dict__.update(self._snapshot.__dict__)
        self._snapshot = None

    async def commit(self) -> None:
        self.commits += 1
        self._snapshot = copy.deepcopy(self.state)  # the new baseline a later rollback returns to
