"""In-memory implementations of the domain ports, for fast domain tests.

The unit of work snapshots its state on entry and restores it unless committed, so the
"nothing half-written" rule is observable in unit tests too.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Self

from domain.accounting import JournalEntry
from domain.apikeys import ApiKey, KeyNameTaken
from domain.catalog import Category, Product
from domain.customers import Customer, StaffMember
from domain.errors import IllegalTransition, InsufficientStock
from domain.feedback import Review
from domain.fx import FxRate
from domain.notifications import Notification
from domain.orders import HistoryEntry, Order, OrderStatus
from domain.packing import Box, Package
from domain.payments import Payment
from domain.picking import PickLine, PickList
from domain.purchasing import PurchaseOrder, Supplier, SupplyTerms
from domain.returns import ReturnRequest
from domain.shipping import CarrierRate
from domain.staff import StaffInvite
from domain.stock import BinQuantity, Movement, ReorderLevel, Reservation, StockDrift, StockLevel
from domain.warehouse import BinCode, Warehouse


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class State:
    customers: dict[int, Customer] = field(default_factory=dict)
    staff: dict[int, StaffMember] = field(default_factory=dict)
    invites: dict[str, StaffInvite] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    warehouses: dict[int, Warehouse] = field(default_factory=dict)
    stock: dict[tuple[int, int], StockLevel] = field(default_factory=dict)
    bins: dict[tuple[int, int, str], int] = field(default_factory=dict)  # (product, warehouse, bin) → qty
    movements: list[tuple[int, int, str, int, str]] = field(default_factory=list)
    reorder: dict[tuple[int, int], tuple[int, int | None]] = field(default_factory=dict)
    pick_lists: dict[int, PickList] = field(default_factory=dict)
    boxes: list[Box] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    cart_changed: dict[int, datetime] = field(default_factory=dict)
    reminded: set[int] = field(default_factory=set)
    followed_up: set[int] = field(default_factory=set)
    reviews: dict[int, Review] = field(default_factory=dict)
    locks: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    suppliers: list[Supplier] = field(default_factory=list)
    terms: dict[tuple[int, int], SupplyTerms] = field(default_factory=dict)
    pos: dict[int, PurchaseOrder] = field(default_factory=dict)
    dunning: dict[int, int] = field(default_factory=dict)
    daily_runs: dict[str, date] = field(default_factory=dict)
    returns: dict[str, ReturnRequest] = field(default_factory=dict)
    journal: list[JournalEntry] = field(default_factory=list)
    books_currency: str | None = None
    demand: list[tuple[int, int, date, int]] = field(default_factory=list)
    api_keys: list[ApiKey] = field(default_factory=list)
    api_requests: dict[tuple[int, str], tuple[str, int | None]] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    fx: list[FxRate] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    carts: dict[int, dict[int, int]] = field(default_factory=dict)
    carriers: list[CarrierRate] = field(default_factory=list)
    outbox: list[Notification] = field(default_factory=list)
    subscriptions: dict[tuple[int, int], datetime | None] = field(default_factory=dict)
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


def _key(customer: Customer) -> int:
    """Customers are kept by Telegram id; one known only from the API by its negated id."""
    return customer.telegram_id if customer.telegram_id is not None else -(customer.id or 0)


class FakeCustomers(_Repo):
    async def get(self, customer_id: int) -> Customer | None:
        return copy.deepcopy(next((c for c in self.st.customers.values() if c.id == customer_id), None))

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None:
        found = self.st.customers.get(telegram_id)
        return copy.deepcopy(found)

    async def get_by_phone(self, phone: str) -> Customer | None:
        return next((c for c in self.st.customers.values() if c.phone == phone), None)

    async def get_by_email(self, email: str) -> Customer | None:
        found = next((c for c in self.st.customers.values() if (c.email or "").lower() == email.lower()), None)
        return copy.deepcopy(found)

    async def get_by_username(self, username: str) -> Customer | None:
        found = next((c for c in self.st.customers.values() if (c.username or "").lower() == username.lower()), None)
        return copy.deepcopy(found)

    async def add(self, customer: Customer) -> Customer:
        customer.id = self.st.new_id()
        self.st.customers[_key(customer)] = copy.deepcopy(customer)
        return customer

    async def update(self, customer: Customer) -> None:
        self.st.customers[_key(customer)] = copy.deepcopy(customer)


class FakeStaff(_Repo):
    async def get(self, telegram_id: int) -> StaffMember | None:
        return self.st.staff.get(telegram_id)

    async def put(self, member: StaffMember) -> None:
        self.st.staff[member.telegram_id] = member

    async def all(self) -> list[StaffMember]:
        return sorted(self.st.staff.values(), key=lambda s: (s.role.value, s.telegram_id))

    async def remove(self, telegram_id: int) -> None:
        self.st.staff.pop(telegram_id, None)

    async def add_invite(self, invite: StaffInvite) -> None:
        self.st.invites[invite.token] = invite

    async def get_invite(self, token: str) -> StaffInvite | None:
        invite = self.st.invites.get(token)
        return copy.copy(invite) if invite else None

    async def use_invite(self, token: str, telegram_id: int, at: datetime) -> bool:
        invite = self.st.invites.get(token)
        if invite is None or invite.used_by is not None:
            return False
        invite.used_by, invite.used_at = telegram_id, at
        return True


class FakeProducts(_Repo):
    async def get(self, product_id: int) -> Product | None:
        return copy.deepcopy(self.st.products.get(product_id))

    async def get_by_sku(self, sku: str) -> Product | None:
        return copy.deepcopy(next((p for p in self.st.products.values() if p.sku == sku), None))

    async def ids_by_sku(self, skus: Sequence[str]) -> dict[str, int]:
        return {p.sku: p.id for p in self.st.products.values() if p.sku in skus and p.id is not None}

    async def upsert(self, product: Product) -> Product:
        existing = await self.get_by_sku(product.sku)
        product.id = existing.id if existing and existing.id else self.st.new_id()
        product.category_id = self.st.categories.setdefault(product.category, self.st.new_id())
        if existing:
            product.prices = {**existing.prices, **product.prices}
        self.st.products[product.id] = copy.deepcopy(product)
        return product

    async def get_many(self, product_ids: Sequence[int]) -> list[Product]:
        return [copy.deepcopy(self.st.products[i]) for i in product_ids if i in self.st.products]

    async def search(self, text: str, offset: int, limit: int) -> tuple[list[Product], int]:
        needle = text.strip().lower()
        found = sorted(
            (
                p
                for p in self.st.products.values()
                if p.active and (needle in p.name.lower() or p.sku == needle.upper() or p.barcode == needle)
            ),
            key=lambda p: (p.sku != needle.upper() and p.barcode != needle, p.name),
        )
        return copy.deepcopy(found[offset : offset + limit]), len(found)

    async def upsert_many(self, products: Sequence[Product]) -> None:
        for product in products:
            await self.upsert(product)

    async def categories(self) -> list[Category]:
        counts: dict[str, int] = {}
        for p in self.st.products.values():
            if p.active:
                counts[p.category] = counts.get(p.category, 0) + 1
        return [Category(self.st.categories[name], name, n) for name, n in sorted(counts.items())]

    async def category(self, category_id: int) -> Category | None:
        return next((Category(i, n, 0) for n, i in self.st.categories.items() if i == category_id), None)

    async def in_category(self, category_id: int, offset: int, limit: int) -> tuple[list[Product], int]:
        items = sorted(
            (p for p in self.st.products.values() if p.category_id == category_id and p.active),
            key=lambda p: (p.name, p.id),
        )
        return copy.deepcopy(items[offset : offset + limit]), len(items)


class FakeWarehouses(_Repo):
    async def get_by_code(self, code: str) -> Warehouse | None:
        return next((w for w in self.st.warehouses.values() if w.code == code), None)

    async def ids_by_code(self, codes: Sequence[str]) -> dict[str, int]:
        return {w.code: w.id for w in self.st.warehouses.values() if w.code in codes and w.id is not None}

    async def upsert(self, warehouse: Warehouse) -> Warehouse:
        existing = await self.get_by_code(warehouse.code)
        warehouse.id = existing.id if existing and existing.id else self.st.new_id()
        self.st.warehouses[warehouse.id] = warehouse
        return warehouse

    async def all(self) -> list[Warehouse]:
        return sorted(self.st.warehouses.values(), key=lambda w: w.code)


class FakeStock(_Repo):
    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]:
        return [lv for (p, _), lv in self.st.stock.items() if p in product_ids]

    def _level(self, product_id: int, warehouse_id: int) -> StockLevel:
        return self.st.stock.setdefault((product_id, warehouse_id), StockLevel(product_id, warehouse_id))

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool:
        try:
            self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).reserve(quantity)
        except InsufficientStock:
            return False
        return True

    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).release(quantity)

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int:
        code = str(BinCode.parse(bin_code))
        delta = quantity - self.st.bins.get((product_id, warehouse_id, code), 0)
        self.st.stock[(product_id, warehouse_id)] = self._level(product_id, warehouse_id).adjust(delta)
        self.st.bins[(product_id, warehouse_id, code)] = quantity
        if delta:
            self.st.movements.append((product_id, warehouse_id, code, delta, reason))
        return delta

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

    async def resize_reservation(self, reservation: Reservation, quantity: int) -> None:
        rid = reservation.id or 0
        self.st.reservations[rid] = replace(self.st.reservations[rid], quantity=quantity)

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None:
        for hold in await self.customer_holds(customer_id):
            self.st.reservations[hold.id or 0] = replace(hold, expires_at=expires_at)

    async def order_reservations(self, order_id: int) -> list[Reservation]:
        return [r for r in self.st.reservations.values() if r.order_id == order_id]

    async def drift(self) -> list[StockDrift]:
        sums: dict[tuple[int, int], int] = {}
        for r in self.st.reservations.values():
            sums[(r.product_id, r.warehouse_id)] = sums.get((r.product_id, r.warehouse_id), 0) + r.quantity
        return [
            StockDrift(p, w, lv.reserved, sums.get((p, w), 0))
            for (p, w), lv in self.st.stock.items()
            if lv.reserved != sums.get((p, w), 0)
        ]


class FakeInventory(_Repo):
    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]:
        return [
            BinQuantity(p, w, code, q)
            for (p, w, code), q in sorted(self.st.bins.items(), key=lambda kv: (kv[0][1], kv[0][2]))
            if p in product_ids and q > 0
        ]

    async def movements(self, product_id: int, limit: int) -> list[Movement]:
        found = [mv for mv in reversed(self.st.movements) if mv[0] == product_id][:limit]
        return [
            Movement(p, w, code, delta, reason, "test", datetime(2026, 1, 1, tzinfo=UTC))
            for p, w, code, delta, reason in found
        ]

    async def last_bin(self, product_id: int, warehouse_id: int) -> str | None:
        return next((mv[2] for mv in reversed(self.st.movements) if mv[:2] == (product_id, warehouse_id)), None)

    async def reorder_levels(self, warehouse_id: int | None) -> list[ReorderLevel]:
        return [
            ReorderLevel(self.st.stock.get((p, w), StockLevel(p, w, 0, 0)), point, top)
            for (p, w), (point, top) in sorted(self.st.reorder.items())
            if point > 0 and warehouse_id in (None, w)
        ]

    async def positions(self) -> list[StockLevel]:
        return [copy.copy(level) for _, level in sorted(self.st.stock.items()) if level.on_hand > 0]

    async def set_reorder(self, product_id: int, warehouse_id: int, point: int, max_level: int | None) -> None:
        self.st.reorder[(product_id, warehouse_id)] = (point, max_level)


class FakePicking(_Repo):
    async def lock_planning(self, warehouse_id: int) -> None:
        return None  # one task at a time touches the fake

    async def add(self, pick_list: PickList, at: datetime) -> PickList:
        pick_list.id = self.st.new_id()
        for line in pick_list.lines:
            line.id = self.st.new_id()
        self.st.pick_lists[pick_list.id] = pick_list
        return pick_list

    async def open_for(self, picker_telegram_id: int) -> PickList | None:
        found = [
            p for p in self.st.pick_lists.values() if p.picker_telegram_id == picker_telegram_id and not p.finished
        ]
        return copy.deepcopy(found[0]) if found else None

    def _stored(self, line_id: int | None) -> PickLine:
        return next(line for p in self.st.pick_lists.values() for line in p.lines if line.id == line_id)

    async def save_line(self, line: PickLine) -> None:
        stored = self._stored(line.id)
        stored.picked, stored.short = line.picked, line.short

    async def add_line(self, pick_list: PickList, line: PickLine) -> PickLine:
        line.id = self.st.new_id()
        self.st.pick_lists[pick_list.id or 0].lines.append(copy.copy(line))
        return line

    async def finish(self, pick_list_id: int, at: datetime) -> None:
        self.st.pick_lists[pick_list_id].finished = True

    async def orders_being_picked(self, warehouse_id: int) -> set[int]:
        return {o for p in self.st.pick_lists.values() if p.warehouse_id == warehouse_id for o in p.order_ids}

    async def lines_for_order(self, order_id: int) -> list[PickLine]:
        return [copy.copy(line) for p in self.st.pick_lists.values() for line in p.lines if line.order_id == order_id]

    async def next_wave(self) -> int:
        return max((p.wave or 0 for p in self.st.pick_lists.values()), default=0) + 1


class FakePacking(_Repo):
    async def boxes(self) -> list[Box]:
        return sorted(self.st.boxes, key=lambda b: b.code)

    async def replace_boxes(self, boxes: Sequence[Box]) -> None:
        self.st.boxes = list(boxes)

    async def add_package(self, package: Package, at: datetime) -> None:
        self.st.packages.append(package)

    async def packages(self, order_id: int) -> list[Package]:
        return sorted((p for p in self.st.packages if p.order_id == order_id), key=lambda p: p.seq)


class FakeJobs(_Repo):
    async def expired_holds(self, now: datetime, limit: int) -> list[Reservation]:
        found = [r for r in self.st.reservations.values() if r.expires_at is not None and r.expires_at <= now]
        return sorted(found, key=lambda r: (r.expires_at, r.id))[:limit]

    async def idle_carts(self, idle_since: datetime) -> list[Customer]:
        return [
            copy.copy(c)
            for c in self.st.customers.values()
            if self.st.carts.get(c.id or 0)
            and self.st.cart_changed.get(c.id or 0, idle_since) <= idle_since
            and (c.id or 0) not in self.st.reminded
        ]

    async def mark_cart_reminded(self, customer_id: int, at: datetime) -> None:
        self.st.reminded.add(customer_id)

    async def delivered_not_followed_up(self, delivered_before: datetime) -> list[Order]:
        return [
            copy.deepcopy(o)
            for o in self.st.orders.values()
            if o.status.value == "delivered"
            and o.id not in self.st.followed_up
            and any(h.to_status.value == "delivered" and h.at <= delivered_before for h in o.history)
        ]

    async def mark_followed_up(self, order_id: int, at: datetime) -> None:
        self.st.followed_up.add(order_id)

    async def save_review(self, review: Review) -> None:
        self.st.reviews[review.order_id] = review

    async def review(self, order_id: int) -> Review | None:
        return self.st.reviews.get(order_id)

    async def latest_reviews(self, limit: int) -> list[Review]:
        return sorted(self.st.reviews.values(), key=lambda r: r.created_at, reverse=True)[:limit]

    async def unpaid_invoices(self, due_by: date) -> list[tuple[Order, int]]:
        found = []
        for o in self.st.orders.values():
            paid = sum(p.amount.amount for p in self.st.payments if p.order_id == o.id and p.kind.value == "payment")
            if (
                o.payment_method.value == "invoice"
                and o.invoice_due
                and o.invoice_due <= due_by
                and paid < o.total.amount
            ):
                found.append((copy.deepcopy(o), self.st.dunning.get(o.id or 0, 0)))
        return found

    async def set_dunning_stage(self, order_id: int, stage: int) -> None:
        self.st.dunning[order_id] = stage

    async def claim_daily_run(self, name: str, day: date) -> bool:
        if self.st.daily_runs.get(name, date.min) >= day:
            return False
        self.st.daily_runs[name] = day
        return True

    async def placed_between(self, start: datetime, end: datetime) -> list[Order]:
        return [copy.deepcopy(o) for o in self.st.orders.values() if o.created_at and start <= o.created_at < end]

    async def moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> int:
        return sum(
            1 for o in self.st.orders.values() if any(h.to_status == status and start <= h.at < end for h in o.history)
        )

    async def orders_moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> list[Order]:
        return [
            copy.deepcopy(o)
            for o in self.st.orders.values()
            if any(h.to_status == status and start <= h.at < end for h in o.history)
        ]

    async def take_lock(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        current = self.st.locks.get(name)
        if current is None or current[0] == holder or current[1] < now:
            self.st.locks[name] = (holder, until)
            return True
        return False


class FakePurchasing(_Repo):
    async def upsert_suppliers(self, suppliers: Sequence[Supplier]) -> None:
        for supplier in suppliers:
            known = next((s for s in self.st.suppliers if s.code == supplier.code), None)
            self.st.suppliers = [s for s in self.st.suppliers if s.code != supplier.code]
            self.st.suppliers.append(replace(supplier, id=known.id if known else self.st.new_id()))

    async def suppliers(self) -> list[Supplier]:
        return sorted(self.st.suppliers, key=lambda s: s.code)

    async def set_terms(self, terms: Sequence[SupplyTerms]) -> None:
        for t in terms:
            self.st.terms[(t.product_id, t.warehouse_id)] = t

    async def terms(self) -> list[SupplyTerms]:
        return list(self.st.terms.values())

    async def incoming(self, product_ids: Sequence[int]) -> dict[tuple[int, int], int]:
        found: dict[tuple[int, int], int] = {}
        for po in self.st.pos.values():
            if po.is_open:
                for line in po.lines:
                    if not product_ids or line.product_id in product_ids:
                        key = (line.product_id, po.warehouse_id)
                        found[key] = found.get(key, 0) + line.open
        return found

    async def open_draft(self, supplier_id: int, warehouse_id: int) -> PurchaseOrder | None:
        for po in self.st.pos.values():
            if po.supplier_id == supplier_id and po.warehouse_id == warehouse_id and po.status.value == "draft":
                return copy.deepcopy(po)
        return None

    async def add(self, po: PurchaseOrder, actor: str) -> PurchaseOrder:
        po.id = self.st.new_id()
        self.st.pos[po.id] = copy.deepcopy(po)
        return po

    async def save(self, po: PurchaseOrder, actor: str) -> None:
        for line in po.lines:
            if line.id is None:
                line.id = self.st.new_id()
        self.st.pos[po.id or 0] = copy.deepcopy(po)

    async def get(self, po_id: int) -> PurchaseOrder | None:
        return copy.deepcopy(self.st.pos.get(po_id))

    async def recent(self, limit: int) -> list[PurchaseOrder]:
        return copy.deepcopy(sorted(self.st.pos.values(), key=lambda p: -(p.id or 0))[:limit])


class FakeReturns(_Repo):
    async def add(self, request: ReturnRequest, at: datetime) -> ReturnRequest:
        request.id = self.st.new_id()
        for line in request.lines:
            line.id = self.st.new_id()
        self.st.returns[request.rma_code] = copy.deepcopy(request)
        return request

    async def save(self, request: ReturnRequest, at: datetime) -> None:
        self.st.returns[request.rma_code] = copy.deepcopy(request)

    async def get_by_code(self, rma_code: str) -> ReturnRequest | None:
        return copy.deepcopy(self.st.returns.get(rma_code))

    async def for_order(self, order_id: int) -> list[ReturnRequest]:
        return [copy.deepcopy(r) for r in self.st.returns.values() if r.order_id == order_id]

    async def for_customer(self, customer_id: int) -> list[ReturnRequest]:
        return [copy.deepcopy(r) for r in self.st.returns.values() if r.customer_id == customer_id]

    async def requested_between(self, start: datetime, end: datetime) -> int:
        return sum(1 for r in self.st.returns.values() if start <= r.created_at < end)

    async def open(self, limit: int) -> list[ReturnRequest]:
        waiting = {"return_requested", "approved", "received"}
        return [copy.deepcopy(r) for r in self.st.returns.values() if r.status.value in waiting][:limit]


class FakeApi(_Repo):
    async def add_key(self, key: ApiKey) -> ApiKey:
        if any(k.name == key.name for k in self.st.api_keys):
            raise KeyNameTaken(name=key.name)
        key.id = self.st.new_id()
        self.st.api_keys.append(copy.deepcopy(key))
        return key

    async def key_by_prefix(self, prefix: str) -> ApiKey | None:
        return copy.deepcopy(next((k for k in self.st.api_keys if k.prefix == prefix), None))

    async def keys(self) -> list[ApiKey]:
        return sorted(copy.deepcopy(self.st.api_keys), key=lambda k: k.name)

    async def revoke(self, name: str, at: datetime) -> bool:
        key = next((k for k in self.st.api_keys if k.name == name and k.revoked_at is None), None)
        if key is not None:
            key.revoked_at = at
        return key is not None

    async def claim(
        self, key_id: int, idempotency_key: str, body_hash: str, at: datetime
    ) -> tuple[str, int | None] | None:
        seen = self.st.api_requests.get((key_id, idempotency_key))
        if seen is None:
            self.st.api_requests[(key_id, idempotency_key)] = (body_hash, None)
        return seen

    async def placed_by(self, key_id: int, order_id: int) -> bool:
        return any(k == key_id and o == order_id for (k, _), (_, o) in self.st.api_requests.items())

    async def settle(self, key_id: int, idempotency_key: str, order_id: int) -> None:
        body_hash, _ = self.st.api_requests[(key_id, idempotency_key)]
        self.st.api_requests[(key_id, idempotency_key)] = (body_hash, order_id)


class FakeDemand(_Repo):
    async def record(self, rows: Sequence[tuple[int, int, date, int]], source: str) -> None:
        self.st.demand.extend(r for r in rows if r[3] > 0)

    async def daily(self, product_ids: Sequence[int] | None, since: date) -> list[tuple[int, int, date, int]]:
        totals: dict[tuple[int, int, date], int] = {}
        for p, w, d, q in self.st.demand:
            if d >= since and (product_ids is None or p in product_ids):
                totals[(p, w, d)] = totals.get((p, w, d), 0) + q
        return sorted(((p, w, d, q) for (p, w, d), q in totals.items()), key=lambda r: r[2])

    async def replace_imported(self, rows: Sequence[tuple[int, int, date, int]]) -> int:
        pairs = {(p, w) for p, w, _, _ in rows}
        before = {(p, w, d) for p, w, d, _ in self.st.demand if (p, w) in pairs}
        self.st.demand = [r for r in self.st.demand if (r[0], r[1]) not in pairs]
        self.st.demand.extend(rows)
        return sum(1 for p, w, d, _ in rows if (p, w, d) in before)

    async def last_sold(self) -> dict[tuple[int, int], date]:
        last: dict[tuple[int, int], date] = {}
        for p, w, d, _ in self.st.demand:
            last[(p, w)] = max(d, last.get((p, w), d))
        return last


class FakeJournal(_Repo):
    async def post(self, entry: JournalEntry) -> None:
        self.st.journal.append(entry)

    async def books_currency(self) -> str | None:
        return self.st.books_currency

    async def keep_books_in(self, currency: str) -> None:
        self.st.books_currency = currency

    async def entry_count(self) -> int:
        return len(self.st.journal)

    async def entries(self, start: datetime, end: datetime) -> list[JournalEntry]:
        return [e for e in self.st.journal if start <= e.at < end]

    async def balances(self, until: datetime) -> dict[tuple[str, str], tuple[int, int]]:
        totals: dict[tuple[str, str], tuple[int, int]] = {}
        for e in self.st.journal:
            if e.at < until:
                for x in e.lines:
                    d, c = totals.get((x.account.value, e.currency), (0, 0))
                    totals[(x.account.value, e.currency)] = (d + x.debit, c + x.credit)
        return totals


class FakeOrders(_Repo):
    async def add(self, order: Order) -> Order:
        order.id = self.st.new_id()
        self.st.orders[order.code] = copy.deepcopy(order)
        return order

    async def get_by_code(self, code: str) -> Order | None:
        return copy.deepcopy(self.st.orders.get(code))

    async def value_by_customer(self) -> list[tuple[int, str, int, int]]:
        found: dict[tuple[int, str], tuple[int, int]] = {}
        for o in self.st.orders.values():
            if o.status.value != "cancelled":
                v, n = found.get((o.customer_id, o.currency), (0, 0))
                found[(o.customer_id, o.currency)] = (v + o.total.amount, n + 1)
        return [(c, cur, v, n) for (c, cur), (v, n) in found.items()]

    async def set_flags(self, order_id: int, flags: frozenset[str]) -> None:
        for order in self.st.orders.values():
            if order.id == order_id:
                order.flags = flags

    async def get_by_id(self, order_id: int) -> Order | None:
        return copy.deepcopy(next((o for o in self.st.orders.values() if o.id == order_id), None))

    async def to_fulfil(self, statuses: Sequence[OrderStatus], warehouse_id: int | None) -> list[Order]:
        allocated = {r.order_id for r in self.st.reservations.values() if warehouse_id in (None, r.warehouse_id)}
        found = [o for o in self.st.orders.values() if o.status in statuses and o.id in allocated]
        return copy.deepcopy(sorted(found, key=lambda o: (o.created_at, o.id)))

    async def record_transition(self, order: Order, entry: HistoryEntry) -> None:
        stored = self.st.orders[order.code]
        if stored.status != entry.from_status:
            raise IllegalTransition(current=stored.status.value, target=entry.to_status.value)
        self.st.orders[order.code] = copy.deepcopy(order)

    async def get_by_tracking(self, tracking: str) -> Order | None:
        found = [o for o in self.st.orders.values() if tracking and o.tracking_number == tracking]
        return copy.deepcopy(found[-1]) if found else None

    async def get_by_checkout_key(self, key: str) -> Order | None:
        return copy.deepcopy(next((o for o in self.st.orders.values() if o.checkout_key == key), None))

    async def for_customer(self, customer_id: int, offset: int, limit: int) -> tuple[list[Order], int]:
        mine = sorted(
            (o for o in self.st.orders.values() if o.customer_id == customer_id),
            key=lambda o: (o.created_at, o.id),
            reverse=True,
        )
        return copy.deepcopy(mine[offset : offset + limit]), len(mine)


class FakeCarts(_Repo):
    async def lines(self, customer_id: int) -> dict[int, int]:
        return dict(self.st.carts.get(customer_id, {}))

    async def set(self, customer_id: int, product_id: int, quantity: int, at: datetime) -> None:
        cart = self.st.carts.setdefault(customer_id, {})
        if quantity <= 0:
            cart.pop(product_id, None)
        else:
            cart[product_id] = quantity

    async def clear(self, customer_id: int) -> None:
        self.st.carts.pop(customer_id, None)


class FakePayments(_Repo):
    async def add(self, payment: Payment) -> bool:
        if payment.telegram_charge_id and any(
            p.telegram_charge_id == payment.telegram_charge_id for p in self.st.payments
        ):
            return False
        self.st.payments.append(replace(payment, id=self.st.new_id()))
        return True

    async def for_order(self, order_id: int) -> list[Payment]:
        return [p for p in self.st.payments if p.order_id == order_id]

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Payment]]:
        return {order_id: await self.for_order(order_id) for order_id in order_ids}


class FakeCarriers(_Repo):
    async def all(self) -> list[CarrierRate]:
        return list(self.st.carriers)

    async def replace_all(self, rates: Sequence[CarrierRate]) -> None:
        self.st.carriers = [replace(r, id=r.id or self.st.new_id()) for r in rates]


class FakeOutbox(_Repo):
    async def add(self, notification: Notification, at: datetime) -> None:
        self.st.outbox.append(replace(notification, id=self.st.new_id(), created_at=at))


class FakeSubscriptions(_Repo):
    async def subscribe(self, customer_id: int, product_id: int, at: datetime) -> bool:
        if self.st.subscriptions.get((customer_id, product_id), "notified") is None:
            return False
        self.st.subscriptions[(customer_id, product_id)] = None
        return True

    async def waiting(self, product_ids: Sequence[int]) -> list[tuple[int, int]]:
        return [key for key, notified in self.st.subscriptions.items() if notified is None and key[1] in product_ids]

    async def mark_notified(self, customer_id: int, product_id: int, at: datetime) -> None:
        self.st.subscriptions[(customer_id, product_id)] = at


class FakeFx(_Repo):
    async def add(self, rate: FxRate, actor: str) -> None:
        self.st.fx.append(rate)

    async def latest(self, base: str, quote: str) -> FxRate | None:
        rates = [r for r in self.st.fx if (r.base, r.quote) == (base, quote)]
        return max(rates, key=lambda r: r.set_at) if rates else None

    async def latest_against(self, base: str) -> list[FxRate]:
        newest: dict[tuple[str, str], FxRate] = {}
        for rate in self.st.fx:  # appended in time order: the last one of a pair wins
            if base in (rate.base, rate.quote):
                newest[(rate.base, rate.quote)] = rate
        return list(newest.values())

    async def history(self, base: str, quote: str, limit: int) -> list[tuple[FxRate, str]]:
        pair = [r for r in self.st.fx if {r.base, r.quote} == {base, quote}]
        return [(r, "fake") for r in reversed(pair)][:limit]


class FakeUnitOfWork:
    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self.commits = 0
        self.base_currency = "EUR"
        self._snapshot: State | None = None
        self.customers = FakeCustomers(self)
        self.staff = FakeStaff(self)
        self.products = FakeProducts(self)
        self.warehouses = FakeWarehouses(self)
        self.stock = FakeStock(self)
        self.inventory = FakeInventory(self)
        self.picking = FakePicking(self)
        self.packing = FakePacking(self)
        self.jobs = FakeJobs(self)
        self.purchasing = FakePurchasing(self)
        self.returns = FakeReturns(self)
        self.journal = FakeJournal(self)
        self.demand = FakeDemand(self)
        self.api = FakeApi(self)
        self.orders = FakeOrders(self)
        self.fx = FakeFx(self)
        self.carts = FakeCarts(self)
        self.payments = FakePayments(self)
        self.carriers = FakeCarriers(self)
        self.outbox = FakeOutbox(self)
        self.subscriptions = FakeSubscriptions(self)

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

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self.state.__dict__.update(copy.deepcopy(self._snapshot).__dict__)
