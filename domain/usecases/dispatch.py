"""After picking: packing (every item verified by scan, boxes chosen, weight recorded),
shipping with tracking (stock leaves the warehouse then) and delivery."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from domain.apikeys import ApiKey
from domain.catalog import Product, normalize_sku
from domain.credit_notes import CreditNote
from domain.customers import Customer
from domain.debit_notes import DebitNote
from domain.errors import DomainError, InvalidQuantity, NotFound
from domain.i18n import N_
from domain.issued_invoices import IssuedInvoice
from domain.notifications import Notification, for_customer
from domain.orders import PACK_SHORT_HOLD, Order, OrderStatus, normalize_order_code
from domain.packing import Box, BoxTooSmall, Item, Package, PackagePlan, box_takes, choose_boxes
from domain.parcels import Parcel, left_to_ship
from domain.payments import Payment
from domain.picking import PickLine
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission, can
from domain.usecases.backorder_fill import held_back
from domain.usecases.orders import apply_transition
from domain.usecases.parcels import (
    check_deliverable,
    deliver_order,
    parcel_delivered,
    ship_parcel,
)
from domain.usecases.pickup import announce_ready, is_pickup
from domain.usecases.shortages import hold_short, write_off_short
from domain.usecases.staff import require
from domain.usecases.stock_books import Loss, book_losses
from domain.warehouse import Warehouse

MAX_PACKAGE_WEIGHT_G = 100_000


class NotReadyToPack(DomainError):
    key = N_("Order {code} is {status}: only picked orders can be packed.")


class NotInOrder(DomainError):
    key = N_("“{scanned}” is not in order {code}.")


class AlreadyScanned(DomainError):
    key = N_("All {quantity} × {sku} are already scanned.")


class ScannedTooMany(DomainError):
    key = N_("Only {open} more × {sku} are left to scan in this order.")


class ItemsMissing(DomainError):
    key = N_("Not everything is scanned yet. Missing: {missing}.")


class PackShortCount(DomainError):
    key = N_("Order {code} has {expected} × {sku} to pack: send how many are really there, from 0 to {most}.")


class BadWeight(DomainError):
    key = N_("Weight is a whole number of grams from 1 to {maximum}.")


@dataclass(frozen=True, slots=True)
class PackingJob:
    order: Order
    expected: dict[str, int]  # SKU → quantity
    products: dict[str, Product]  # SKU → product

    def missing(self, scanned: dict[str, int]) -> dict[str, int]:
        return {sku: q - scanned.get(sku, 0) for sku, q in self.expected.items() if q > scanned.get(sku, 0)}


async def _order(uow: UnitOfWork, code: str) -> Order:
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.id is None:
        raise NotFound()
    return order


async def _job(uow: UnitOfWork, order: Order) -> PackingJob:
    expected: Counter[str] = Counter()
    left = left_to_ship(order, await uow.parcels.for_order(order.id or 0))  # a second parcel packs the rest
    for line in order.lines:
        expected[line.sku] += left.get(line.id or 0, 0)
    skus = {line.product_id: line.sku for line in order.lines}
    for product_id, units in (await held_back(uow, order)).items():  # a split order packs what is there now
        expected[skus[product_id]] -= units
    expected = +expected
    products = {p.sku: p for p in await uow.products.get_many([line.product_id for line in order.lines])}
    return PackingJob(order, dict(expected), products)


async def start_packing(uow: UnitOfWork, *, staff_id: int, code: str) -> PackingJob:
    await require(uow, staff_id, Permission.PACK)
    async with uow.read_only():
        order = await _order(uow, code)
        if order.status is not OrderStatus.PICKED:
            raise NotReadyToPack(code=order.code, status=order.status.value)
        return await _job(uow, order)


def _identify(job: PackingJob, scanned: str) -> str | None:
    text = scanned.strip()
    for sku, product in job.products.items():
        if text == product.barcode:
            return sku
    try:
        sku = normalize_sku(text)
    except DomainError:
        return None
    return sku if sku in job.expected else None


def verify_scan(
    job: PackingJob,
    scanned: str,
    so_far: dict[str, int],
    quantity: int = 1,
    other_readings: Sequence[tuple[str, int]] = (),
) -> dict[str, int]:
    """The packer scanned ``quantity`` units of one item: accepted if the order has it and
    that many are still to scan (none of a larger count is taken). ``other_readings``: (code,
    count) the text typed reads as too (``2x 150``), the one naming an item of the order taken."""
    typed = [(scanned, quantity), *other_readings]
    scanned, quantity = next((r for r in typed if _identify(job, r[0]) is not None), typed[-1])
    sku = _identify(job, scanned)
    if sku is None:
        raise NotInOrder(scanned=scanned.strip()[:64], code=job.order.code)
    if quantity < 1:
        raise InvalidQuantity(maximum=job.expected[sku])
    left = job.expected[sku] - so_far.get(sku, 0)
    if left <= 0:
        raise AlreadyScanned(quantity=job.expected[sku], sku=sku)
    if quantity > left:
        raise ScannedTooMany(open=left, sku=sku)
    return {**so_far, sku: so_far.get(sku, 0) + quantity}


def _items(job: PackingJob) -> list[Item]:
    items = []
    for sku, quantity in job.expected.items():
        product = job.products.get(sku)
        weight = product.weight_g if product else 0
        items.extend([Item(sku, weight, product.dimensions if product else None)] * quantity)
    return items


async def propose_boxes(uow: UnitOfWork, *, staff_id: int, job: PackingJob) -> tuple[list[PackagePlan], list[Box]]:
    """The proposed packages and every standard box (for choosing another), smallest first."""
    await require(uow, staff_id, Permission.PACK)
    async with uow.read_only():
        boxes = sorted(await uow.packing.boxes(), key=lambda b: (b.volume_mm3, b.code))
    return choose_boxes(_items(job), boxes), boxes


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{q} × {sku}" for sku, q in counts.items())


async def pack_order(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    code: str,
    scanned: dict[str, int],
    box_code: str | None = None,
    weight_g: int | None = None,
    without_box: bool = False,
) -> tuple[Order, list[Package], list[PackagePlan]]:
    """Record the packages and move the order to ``packed``. ``box_code`` overrides the
    proposal with one box that must take everything; ``weight_g`` is the scale reading of a
    single package (else the estimate is kept); ``without_box``: no standard box, as a shop
    without any packs (an item no box takes)."""
    await require(uow, staff_id, Permission.PACK)
    if weight_g is not None and not 1 <= weight_g <= MAX_PACKAGE_WEIGHT_G:
        raise BadWeight(maximum=MAX_PACKAGE_WEIGHT_G)
    async with uow:
        order = await _order(uow, code)
        if order.status is not OrderStatus.PICKED:
            raise NotReadyToPack(code=order.code, status=order.status.value)
        job = await _job(uow, order)
        missing = job.missing(scanned)
        if missing:
            raise ItemsMissing(missing=_describe(missing))
        boxes = await uow.packing.boxes()
        items = _items(job)
        if box_code:
            box = next((b for b in boxes if b.code == box_code), None)
            if box is None:
                raise NotFound()
            if not box_takes(box, items):
                raise BoxTooSmall(box=box.code)
            plans = [PackagePlan(box, tuple(items))]
        else:
            plans = [] if without_box else choose_boxes(items, boxes)
        packages = []
        if not plans:  # no standard box: one parcel in the shop's own wrapping, its weight kept for the label
            loose = Package(order.id or 0, 1, None, weight_g or sum(i.weight_g for i in items), staff_id)
            await uow.packing.add_package(loose, clock.now())
            packages.append(loose)
        for seq, plan in enumerate(plans, start=1):
            weight = weight_g if weight_g is not None and len(plans) == 1 else plan.weight_g
            package = Package(order.id or 0, seq, plan.box.code, weight, staff_id)
            await uow.packing.add_package(package, clock.now())
            packages.append(package)
        pickup = is_pickup(order)  # ready at the counter: the customer gets a pickup code instead
        await apply_transition(
            uow, order, OrderStatus.PACKED, clock=clock, actor=f"staff:{staff_id}", notify=not pickup
        )
        if pickup:
            await announce_ready(uow, clock, order)
        await uow.commit()
        return order, packages, plans


@dataclass(frozen=True, slots=True)
class PackShort:
    """A packer's short: the order, how many of which item went missing, and whether the
    warehouse's shelves still had them free (``picked_again``: the order is back in picking for
    them) or the order is held and its customer asked."""

    order: Order
    sku: str
    missing: int
    warehouse: str
    picked_again: bool
    not_written_off: int = 0  # lost units the bins could not give up (fewer there, or reserved): a recount's


async def report_pack_short(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, sku: str, found: int, staff_chat_id: int | None
) -> PackShort:
    """The packer has only ``found`` of an item that was picked (lost or broken between the shelf
    and the bench): those units are no longer picked. When the warehouse still has as many free
    on its shelves, the lost ones are written off their bin and the order goes back to picking
    for them (holding it asked its customer to wait or cancel for units the next bin had);
    otherwise the order is held and its customer asked, as for a short pick."""
    await require(uow, staff_id, Permission.PACK)
    async with uow:
        await uow.backorders.lock_order((await _order(uow, code)).id or 0)  # against a second report
        order = await _order(uow, code)  # read again under the lock
        if order.status is not OrderStatus.PICKED:
            raise NotReadyToPack(code=order.code, status=order.status.value)
        job = await _job(uow, order)
        wanted = _identify(job, sku)
        if wanted is None:
            raise NotInOrder(scanned=sku.strip()[:64], code=order.code)
        expected, product = job.expected[wanted], job.products[wanted]
        if not 0 <= found < expected:
            raise PackShortCount(code=order.code, expected=expected, sku=wanted, most=expected - 1)
        # Every counter of the item, in the lock order, before its levels and bins are read: the
        # lost units come off warehouses in the order they were picked, and a /transfer between
        # them takes the same counters the other way round (ARCHITECTURE.md, "Lock order").
        await uow.stock.lock_products([product.id or 0])
        reservations = await uow.stock.order_reservations(order.id or 0)
        allocated = next(r.warehouse_id for r in reservations if r.product_id == product.id)
        missing = left = expected - found
        lost: Counter[tuple[int, str | None]] = Counter()
        for line in reversed(await uow.picking.lines_for_order(order.id or 0)):
            take = min(line.picked, left) if line.product_id == product.id else 0
            if take:
                line.picked, line.short, left = line.picked - take, line.short + take, left - take
                lost[(line.warehouse_id or allocated, line.bin_code)] += take
                await uow.picking.save_line(line)
        warehouse_id = next(iter(lost))[0] if lost else allocated
        warehouse = next(w for w in await uow.warehouses.all() if w.id == warehouse_id)
        actor = f"staff:{staff_id}"
        # The losses are booked last, after the order's, the pick lines' and the stock's rows: the costs' currencies
        # held (the lock order, ``stock_books.hold_rates``), a first rate set at once writes the units off once.
        if (again := await _pick_again(uow, clock, order, product, lost, actor)) is not None:
            await book_losses(uow, again[1])
            await uow.commit()
            return PackShort(order, wanted, missing, warehouse.code, True, again[0])
        await apply_transition(
            uow, order, OrderStatus.ON_HOLD, clock=clock, actor=actor, reason=f"{PACK_SHORT_HOLD}{wanted}"
        )
        # Each unit is held against the warehouse and bin it was picked from: lost units picked
        # in two warehouses all put on one left the other's allocation and shelf count standing.
        places = lost + Counter({(allocated, None): left})  # any not found on a pick line: the allocation
        kept, losses = await hold_short(uow, clock, order, product, places, actor, packing=True)
        if staff_chat_id is not None:
            params = {"code": order.code, "sku": wanted, "name": product.display_name, "warehouse": warehouse.code}
            params |= {"packing": "yes"}
            await uow.outbox.add(Notification(staff_chat_id, "staff_short_pick", "", params), clock.now())
        await book_losses(uow, losses)
        await uow.commit()
        return PackShort(order, wanted, missing, warehouse.code, False, kept)


async def _pick_again(
    uow: UnitOfWork, clock: Clock, order: Order, product: Product, lost: Counter[tuple[int, str | None]], actor: str
) -> tuple[int, list[Loss]] | None:
    """Units lost on their way to the bench (``lost``: per warehouse and bin they were picked
    from) that their warehouse still has free on its shelves: written off the bin that counted
    them (``write_off_short``'s rule: what the bin holds, never below what is reserved), the order
    keeping its allocation and going back to picking for them. Returns the units that could not
    be written off and the losses (to book last); None (nothing changed) when a warehouse has fewer
    free than it lost."""
    per_warehouse: Counter[int] = Counter()
    for (warehouse_id, _), units in lost.items():
        per_warehouse[warehouse_id] += units
    levels = {lv.warehouse_id: lv for lv in await uow.stock.levels([product.id or 0])}
    if not lost or any(
        warehouse_id not in levels or levels[warehouse_id].available < units
        for warehouse_id, units in per_warehouse.items()
    ):
        return None
    left, losses = 0, list[Loss]()
    for place, units in sorted(lost.items(), key=lambda item: (item[0][0], item[0][1] or "")):  # the lock order
        kept, loss = await write_off_short(uow, clock, order, product, place, units, actor, packing=True)
        left, losses = left + kept, losses + ([loss] if loss is not None else [])
    # The customer heard it is being picked already: nothing changes for them.
    lost_at = f"lost: {product.sku}"
    await apply_transition(uow, order, OrderStatus.PICKING, clock=clock, actor=actor, reason=lost_at, notify=False)
    return left, losses


async def ship_order(uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, carrier: str, tracking: str) -> Order:
    """Hand everything not yet shipped to the carrier as one parcel (the whole order, unless
    parcels left before): tracking recorded, the customer told, the stock out of the
    warehouse (``domain.usecases.parcels``)."""
    order, _ = await ship_parcel(uow, clock, staff_id=staff_id, code=code, carrier=carrier, tracking=tracking)
    return order


async def mark_delivered(uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str) -> Order:
    """The whole order arrived: every parcel of it is delivered too."""
    await require(uow, staff_id, Permission.SHIP)
    async with uow:
        order = await _order(uow, code)
        assert order.id is not None
        check_deliverable(order)
        await deliver_order(uow, clock, order, f"staff:{staff_id}")
        for parcel in await uow.parcels.for_order(order.id):
            if parcel.id is not None:
                await uow.parcels.mark_delivered(parcel.id, clock.now())
        await uow.commit()
        return order


class CarrierEvent(StrEnum):
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"


async def carrier_event(
    uow: UnitOfWork,
    clock: Clock,
    *,
    tracking: str,
    event: CarrierEvent,
    location: str,
    actor: str,
    reporter: ApiKey | None = None,
) -> tuple[Order, bool]:
    """A carrier's tracking update: in transit tells the customer where the parcel is, once
    per place (the same update sent again, or several times at once, tells nothing);
    delivered completes the order (once: a repeated callback changes nothing). Returns the
    order and whether anything changed. A carrier's key (``reporter``) reports only for the
    carriers it names: another carrier's parcel is refused, changing nothing."""
    tracking, location = tracking.strip(), location.strip()[:200]
    async with uow:
        parcel = await uow.parcels.by_tracking(tracking)
        # An order shipped before parcels were recorded is found by its own tracking number.
        order = await (uow.orders.get_by_id(parcel.order_id) if parcel else uow.orders.get_by_tracking(tracking))
        if order is None:
            raise NotFound()
        if reporter is not None:
            # An order shipped before parcels were recorded: the carrier it was booked with.
            booked = order.delivery.carrier if order.delivery is not None else ""
            reporter.require_carrier(parcel.carrier if parcel is not None else booked)
        if event is CarrierEvent.DELIVERED:
            if parcel is not None:
                order, changed = await parcel_delivered(uow, clock, parcel, actor)
                if not changed:
                    return order, False
            elif order.status is OrderStatus.SHIPPED:
                await deliver_order(uow, clock, order, actor)
            else:
                return order, False
        else:
            if order.status not in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED):
                return order, False
            # A carrier retries a callback it did not see answered: the customer heard it already.
            if not await uow.carrier_events.record(order.id or 0, tracking, event.value, location, clock.now()):
                return order, False
            params = {"code": order.code, "location": location, "tracking": tracking}
            customer = await uow.customers.get(order.customer_id)
            if (told := for_customer(customer, "order_in_transit", params)) is not None:
                await uow.outbox.add(told, clock.now())
        await uow.commit()
        return order, True


@dataclass(frozen=True, slots=True)
class OrderPaperwork:
    """What an order's label, packing slip and receipt are made from."""

    order: Order
    customer: Customer | None
    warehouse: Warehouse | None
    packages: list[Package]
    pick_lines: list[PickLine]
    payments: list[Payment]
    parcels: list[Parcel] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)  # oldest first
    debit_notes: list[DebitNote] = field(default_factory=list)  # oldest first
    invoice: IssuedInvoice | None = None  # its numbered invoice as issued (None: none, or numbered before kept)

    @property
    def recipient(self) -> str:
        return self.customer.display_name if self.customer else ""

    @property
    def invoiced_to(self) -> str:
        """The buyer as the order's invoice names them: the name it was issued to, or, none kept (an invoice numbered
        before 0066 kept them, or none issued), their name today."""
        return self.invoice.buyer if self.invoice is not None else self.recipient

    @property
    def gift(self) -> bool:
        return "GIFT" in self.order.flags


async def _paperwork(uow: UnitOfWork, order: Order) -> OrderPaperwork:
    assert order.id is not None
    allocations = await uow.stock.order_reservations(order.id)
    lines = await uow.picking.lines_for_order(order.id)
    warehouses = {w.id: w for w in await uow.warehouses.all()}
    source = next(iter({r.warehouse_id for r in allocations}), None)
    if source is None and order.routing:
        source = next((w.id for w in warehouses.values() if w.code == order.routing[0]), None)
    return OrderPaperwork(
        order,
        await uow.customers.get(order.customer_id),
        warehouses.get(source) if source is not None else None,
        await uow.packing.packages(order.id),
        lines,
        await uow.payments.for_order(order.id),
        await uow.parcels.for_order(order.id),
        await uow.credit_notes.for_order(order.id),
        await uow.debit_notes.for_order(order.id),
        await uow.orders.issued_invoice(order.id),
    )


async def paperwork_for_staff(uow: UnitOfWork, *, staff_id: int, code: str) -> OrderPaperwork:
    await require(uow, staff_id, Permission.VIEW_ORDERS)
    async with uow.read_only():
        return await _paperwork(uow, await _order(uow, code))


class CustomerWithoutChat(DomainError):
    key = N_("The customer of order {code} has no chat with the bot: send them the file yourself.")


async def paperwork_to_send(uow: UnitOfWork, *, staff_id: int, code: str) -> OrderPaperwork:
    """Support send an order's receipt to its customer again: the papers, the customer reachable."""
    await require(uow, staff_id, Permission.SUPPORT)
    async with uow.read_only():
        papers = await _paperwork(uow, await _order(uow, code))
    if papers.customer is None or papers.customer.telegram_id is None:
        raise CustomerWithoutChat(code=papers.order.code)
    return papers


async def paperwork_for_customer(
    uow: UnitOfWork, *, customer_id: int, code: str, staff_id: int | None = None
) -> OrderPaperwork:
    """A customer's receipt: their own orders only (another code is simply not found), or
    any order's for staff who may see orders (``staff_id``: whoever asks, staff or not)."""
    async with uow.read_only():
        order = await _order(uow, code)
        if order.customer_id != customer_id and not (
            staff_id is not None and can(await uow.staff.get(staff_id), Permission.VIEW_ORDERS)
        ):
            raise NotFound()
        return await _paperwork(uow, order)
