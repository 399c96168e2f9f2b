"""Picking: starting a round by one of the four methods, confirming each line by scanning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from domain.backorders import BACKORDER_FLAG, SPLIT_FLAG
from domain.catalog import Product, normalize_sku
from domain.customers import Role, StaffMember
from domain.errors import DomainError, IllegalTransition, NotFound
from domain.i18n import N_
from domain.orders import Order, OrderStatus
from domain.picking import (
    DEFAULT_BATCH_ORDERS,
    DEFAULT_CART_CAPACITY,
    BinStock,
    Demand,
    PickList,
    PickMethod,
    assign_bins,
    choose_batch,
    lines_from_tasks,
    zone_of,
)
from domain.ports import Clock, UnitOfWork
from domain.queue_rank import queue_key
from domain.staff import Permission
from domain.stock import ReservationKind
from domain.usecases.hold_shelf import bring_to_packing
from domain.usecases.order_queue import READY_TO_PICK
from domain.usecases.orders import apply_transition
from domain.usecases.pick_cancel import ScannedForCancelled, cancelled_line, left_by_cancel
from domain.usecases.shelf_holds import in_rounds
from domain.usecases.shortages import in_hand_here
from domain.usecases.staff import UnknownWarehouse, WarehouseNeeded, require
from domain.warehouse import Warehouse

PLANNING_ATTEMPTS = 5  # each retry sees what changed before it


class NothingToPick(DomainError):
    key = N_("There is nothing to pick in {warehouse} right now.")


class NothingInZone(DomainError):
    key = N_("There is nothing to pick in zone {zone} of {warehouse} right now.")


class NothingInZoneButOthers(DomainError):
    """Another picker has the zone's work (or it has none): which zones still wait, so no one goes home."""

    key = N_("There is nothing to pick in zone {zone} of {warehouse} right now. Zones with something to pick: {zones}.")


class NoOpenRound(DomainError):
    key = N_("You have no picking round open. Start one with /pick.")


class LinePicked(DomainError):
    key = N_("This line is picked already: the buttons are on the round's latest step.")


class LineSkipped(DomainError):
    key = N_("This line is left for later already: it comes again at the end of the round.")


def stale_line(current: PickRound, line_id: int) -> DomainError:
    """Why a button of a line that is not the round's step now is refused: a line still to pick was
    skipped (it comes back at the end), its order cancelled meanwhile (what of it goes back where), any
    other was picked or reported short since."""
    line = next((other for other in current.pick_list.lines if other.id == line_id), None)
    order = current.orders.get(line.order_id) if line is not None else None
    if line is not None and order is not None and order.status is OrderStatus.CANCELLED:
        return left_by_cancel(order, line, current.products[line.product_id])
    return LineSkipped() if line is not None and not line.done else LinePicked()


async def no_round(uow: UnitOfWork, line_id: int | None, order_id: int | None) -> DomainError:
    """Inside an open unit of work, why a step's scan or button finds no round open: the round ended as the
    step's order was cancelled (what of it goes back where), or it is simply over."""
    found = await cancelled_line(uow, line_id, order_id) if line_id and order_id else None
    return left_by_cancel(*found) if found is not None else NoOpenRound()


async def why_no_round(uow: UnitOfWork, *, staff_id: int, line_id: int | None, order_id: int | None) -> DomainError:
    """``no_round`` for a button of a round that is over."""
    await require(uow, staff_id, Permission.PICK)
    async with uow.read_only():
        return await no_round(uow, line_id, order_id)


class LastLineLeft(DomainError):
    key = N_("This is the round's last line: scan the item, or report a short pick.")


class WrongItem(DomainError):
    key = N_("Wrong item: “{scanned}”. Expected {sku} — {name}, from bin {bin}.")


class WrongVariant(DomainError):
    key = N_("Another variant: “{scanned}” is {other} ({options}). Expected {sku} — {name}, from bin {bin}.")


class TooMany(DomainError):
    key = N_("Only {open} more of {sku} are needed on this line.")


class NoBinForLine(DomainError):
    key = N_("No bin holds {sku}. Report a short pick.")


class ZoneNeeded(DomainError):
    key = N_("Which zone? This warehouse has: {zones}.")


class PicksElsewhere(DomainError):
    key = N_("You pick in {warehouse}; picking in another warehouse needs a manager.")


PICK_ANYWHERE = frozenset({Role.ADMIN, Role.MANAGER})  # the rest pick in their own warehouse, if they have one


@dataclass(slots=True)
class PickRound:
    pick_list: PickList
    warehouse: Warehouse
    orders: dict[int, Order]
    products: dict[int, Product]
    completed: list[Order] = field(default_factory=list)  # orders this step made ready to pack
    held: list[Order] = field(default_factory=list)  # orders this step put on hold
    # (order, warehouse code or "") of a short on an order already held — by another warehouse's
    # picker at the same moment, or before: its lines here are set aside, the picker moves on
    held_already: list[tuple[Order, str]] = field(default_factory=list)
    # (sku, bin, units) of a short that could not come off the bin's count: the picker is told to recount
    uncounted: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.pick_list.next_line is None

    @property
    def set_aside(self) -> frozenset[int]:
        """The orders on hold (held since the round began, or by its short): their totes go to the
        hold shelf, not to packing, until a manager or the customer decides."""
        return frozenset(i for i, o in self.orders.items() if o.status is OrderStatus.ON_HOLD)

    @property
    def put_back(self) -> frozenset[int]:
        """The orders cancelled during the round (a held one's buyer gave it up): what their totes
        hold goes back on the shelves, not to packing."""
        return frozenset(i for i, o in self.orders.items() if o.status is OrderStatus.CANCELLED)

    def is_another(
        self,
        *,
        warehouse_code: str | None = None,
        warehouse_id: int | None = None,
        method: PickMethod | None = None,
        zone: str | None = None,
    ) -> bool:
        """Whether what the picker asked for (a warehouse named with /pick, a method or zone pressed)
        is another round than this open one. A picker carries one round, one cart, at a time: they
        are told it is still open (and where), not shown its line as if they had not been heard."""
        pick_list = self.pick_list
        if method is not None and (method is not pick_list.method or zone != pick_list.zone):
            return True
        if warehouse_id is not None and warehouse_id != pick_list.warehouse_id:
            return True
        return bool(warehouse_code) and (warehouse_code or "").strip().upper() != self.warehouse.code

    def position(self) -> tuple[int, int]:
        lines = self.pick_list.lines
        return sum(1 for line in lines if line.done) + (0 if self.done else 1), len(lines)


async def load_round(uow: UnitOfWork, pick_list: PickList) -> PickRound:
    warehouse = next(w for w in await uow.warehouses.all() if w.id == pick_list.warehouse_id)
    orders = {}
    for order_id in pick_list.order_ids:
        order = await uow.orders.get_by_id(order_id)
        if order is not None:
            orders[order_id] = order
    products = {p.id or 0: p for p in await uow.products.get_many([line.product_id for line in pick_list.lines])}
    return PickRound(pick_list, warehouse, orders, products)


async def current_round(uow: UnitOfWork, *, staff_id: int) -> PickRound | None:
    await require(uow, staff_id, Permission.PICK)
    async with uow.read_only():
        pick_list = await uow.picking.open_for(staff_id)
        return await load_round(uow, pick_list) if pick_list else None


async def _demands(
    uow: UnitOfWork, order: Order, warehouse_id: int, *, less_picked: bool = False, less_planned: bool = False
) -> list[Demand]:
    """What the order needs picked here: its allocation in this warehouse, less (``less_picked``:
    an order picked before, in part) what is already in hand here (``less_planned``: or on an open
    pick line here, as zone rounds share orders). An item allocated in two warehouses was planned
    again whole in the one that had picked its part (no bin left to give it: a picker sent for nothing)."""
    needed: dict[int, int] = defaultdict(int)
    reservations = await uow.stock.order_reservations(order.id or 0)
    for reservation in reservations:
        if reservation.kind is ReservationKind.ALLOCATION and reservation.warehouse_id == warehouse_id:
            needed[reservation.product_id] += reservation.quantity
    if less_picked and needed:
        here = await in_hand_here(uow, order.id or 0, warehouse_id, planned=less_planned)
        needed = defaultdict(int, {p: max(q - here[p], 0) for p, q in needed.items()})
    return [Demand(order.id or 0, product_id, quantity) for product_id, quantity in sorted(needed.items()) if quantity]


async def start_round(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    method: PickMethod,
    warehouse_code: str | None = None,
    warehouse_id: int | None = None,
    zone: str | None = None,
    max_orders: int = DEFAULT_BATCH_ORDERS,
    capacity: int = DEFAULT_CART_CAPACITY,
) -> PickRound:
    """A new pick list for the picker (or the one they already have open). Rounds in one
    warehouse are planned one at a time, so two pickers starting together never share an
    order; if an order changes under the plan anyway (a customer cancels it), the
    compare-and-set on its status fails and the round is planned again from what is left."""
    member = await require(uow, staff_id, Permission.PICK)
    warehouses = await _warehouses(uow)
    warehouse = _picking_in(member, warehouses, warehouse_code, warehouse_id)
    if warehouse is None:
        raise WarehouseNeeded(codes=", ".join(w.code for w in warehouses))
    assert warehouse.id is not None
    if method is PickMethod.ZONE and zone is None:
        raise ZoneNeeded(zones=", ".join(warehouse.zones))
    plan = partial(_plan, uow, member, warehouse, method, zone, max_orders, capacity)
    for _ in range(PLANNING_ATTEMPTS - 1):
        try:
            return await _start_round(uow, clock, member, warehouse, plan)
        except IllegalTransition:
            continue  # an order changed under the plan: plan again from what is left
    return await _start_round(uow, clock, member, warehouse, plan)  # the last try's error stands


async def _start_round(
    uow: UnitOfWork, clock: Clock, member: StaffMember, warehouse: Warehouse, plan: Callable[[], Awaitable[PickList]]
) -> PickRound:
    staff_id = member.telegram_id
    async with uow:
        assert warehouse.id is not None
        await uow.picking.lock_planning(warehouse.id)  # rounds in one warehouse are planned one at a time
        existing = await uow.picking.open_for(staff_id)
        if existing is not None:
            return await load_round(uow, existing)
        pick_list = await plan()
        await uow.picking.add(pick_list, clock.now())
        current = await load_round(uow, pick_list)
        for order in current.orders.values():
            if order.status in (OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_SHIPPED):
                await apply_transition(uow, order, OrderStatus.PICKING, clock=clock, actor=f"staff:{staff_id}")
        await uow.commit()
        return current


async def _plan(
    uow: UnitOfWork,
    member: StaffMember,
    warehouse: Warehouse,
    method: PickMethod,
    zone: str | None,
    max_orders: int,
    capacity: int,
) -> PickList:
    assert warehouse.id is not None
    # PICKING too: zone rounds share orders, and an order can wait here for a part another
    # warehouse could not pick.
    # PARTIALLY_SHIPPED: the rest of a split order, allocated when it arrived, is picked too.
    statuses = (*READY_TO_PICK, OrderStatus.PICKING, OrderStatus.PARTIALLY_SHIPPED)
    candidates = sorted(await uow.orders.to_fulfil(statuses, warehouse.id), key=queue_key)
    taken = await uow.picking.orders_being_picked(warehouse.id, statuses)
    demands: list[tuple[int, list[Demand]]] = []
    zoned = method is PickMethod.ZONE
    for order in candidates:
        if BACKORDER_FLAG in order.flags and SPLIT_FLAG not in order.flags:  # picked whole, once it is whole
            continue
        # Picked before, in part (a short pick answered, the rest of a split order arrived):
        # what is not in hand yet, once no round is at it. Zone rounds share an order: each
        # plans what is neither in hand nor on another round's open lines.
        less_picked = zoned or order.status in (OrderStatus.PARTIALLY_SHIPPED, OrderStatus.PICKING)
        if not zoned and (order.id or 0) in taken and not await _picked_before(uow, order, less_picked):
            continue
        found = await _demands(uow, order, warehouse.id, less_picked=less_picked, less_planned=zoned)
        if found:
            demands.append((order.id or 0, found))
    if method is PickMethod.SINGLE:
        chosen = [o for o, _ in demands[:1]]
    elif method is PickMethod.BATCH:
        chosen = choose_batch(demands, max_orders=max_orders, capacity=capacity)
    else:
        chosen = [o for o, _ in demands[:max_orders]]
    wanted = [d for order_id, found in demands if order_id in chosen for d in found]
    totes = {order_id: index for index, order_id in enumerate(chosen, start=1)}
    # A bin's count comes down when the parcel leaves: units other rounds took from it (in a
    # tote, the order picked or packed) or planned in it are not on the shelf for this round.
    # Only the zone's own orders were counted, and a picker was sent to a bin already emptied.
    products = {d.product_id for d in wanted}
    held = await in_rounds(uow, warehouse.id, products, candidates)
    bins = [
        BinStock(b.product_id, b.bin_code, b.quantity - held[(b.product_id, b.bin_code)])
        for b in await uow.inventory.bins(sorted(products))
        if b.warehouse_id == warehouse.id
    ]
    tasks = assign_bins(wanted, bins, totes)
    if method is PickMethod.ZONE:
        others = sorted({z for t in tasks if (z := zone_of(t.bin_code)) not in (zone, None)})
        tasks = [t for t in tasks if zone_of(t.bin_code) in (zone, None)]
        if not tasks and others:
            raise NothingInZoneButOthers(zone=zone or "", warehouse=warehouse.code, zones=", ".join(others))
        if not tasks:
            raise NothingInZone(zone=zone or "", warehouse=warehouse.code)
    if not tasks:
        raise NothingToPick(warehouse=warehouse.code)
    wave = await uow.picking.next_wave() if method is PickMethod.WAVE else None
    return PickList(method, warehouse.id, member.telegram_id, lines_from_tasks(tasks), zone, wave)


async def _picked_before(uow: UnitOfWork, order: Order, less_picked: bool) -> bool:
    """An order picked before may be planned again for what is not in hand, once no round is at it."""
    return less_picked and all(line.done for line in await uow.picking.lines_for_order(order.id or 0))


def _matches(product: Product, scanned: str) -> bool:
    text = scanned.strip()
    try:
        if normalize_sku(text) == product.sku:
            return True
    except DomainError:
        pass
    return bool(product.barcode) and text == product.barcode


async def _scanned_product(uow: UnitOfWork, scanned: str) -> Product | None:
    """The product ``scanned`` is the SKU or barcode of, if any."""
    text = scanned.strip()
    try:
        product = await uow.products.get_by_sku(normalize_sku(text))
    except DomainError:
        product = None
    sku = await uow.products.sku_with_barcode(text) if product is None else None
    return await uow.products.get_by_sku(sku) if sku is not None else product


async def round_under_locks(uow: UnitOfWork, staff_id: int) -> PickList | None:
    """The member's open round, read again once its orders' rows are locked, by id, before anything is written:
    a manager cancelling one of them mid-pick takes its row first too, so one of the two wins and the step reads
    what the cancel left (its lines closed, the round perhaps ended), never writes over it."""
    pick_list = await uow.picking.open_for(staff_id)
    for order_id in sorted(pick_list.order_ids if pick_list else []):
        await uow.parcels.lock_order(order_id)
    return await uow.picking.open_for(staff_id) if pick_list else None


async def confirm_pick(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    scanned: str,
    quantity: int = 1,
    language: str = "",
    other_readings: Sequence[tuple[str, int]] = (),
    step: tuple[int, int] | None = None,
) -> PickRound:
    """The picker scanned ``quantity`` × ``scanned`` (SKU or barcode) for the current line; a wrong
    item is refused naming the expected one in ``language`` (the picker's) where it has a name in
    it. ``other_readings``: (code, count) the text typed reads as too (``2x 150``: 2 × “150”), the
    one naming the line's item taken; naming none, the last is the one refused. ``step``: (line id, order
    id) of the step on the picker's screen; its order cancelled since, a scan of its item counts nothing
    (it is not the next line's: it goes back to the step's bin)."""
    await require(uow, staff_id, Permission.PICK)
    typed = [(scanned, quantity), *other_readings]
    async with uow:
        pick_list = await round_under_locks(uow, staff_id)
        line = pick_list.next_line if pick_list is not None else None
        if step is not None and (line is None or line.id != step[0]):
            await _scanned_for_cancelled(uow, step, [code for code, _ in typed])
        if pick_list is None or line is None:  # none, or its last line's order cancelled meanwhile
            raise NoOpenRound()
        current = await load_round(uow, pick_list)
        product = current.products[line.product_id]
        scanned, quantity = next((r for r in typed if _matches(product, r[0])), typed[-1])
        if not _matches(product, scanned):
            expected = {
                "sku": product.sku,
                "name": product.in_language(language).display_name,
                "bin": line.bin_code or "—",
            }
            shown = scanned.strip()[:64]
            other = await _scanned_product(uow, scanned)
            if other is not None and other.sku != product.sku and other.parent_code == product.parent_code:
                options = other.in_language(language).variant_label  # the size in hand, told from the one needed
                raise WrongVariant(scanned=shown, other=other.sku, options=options, **expected)
            raise WrongItem(scanned=shown, **expected)
        if line.bin_code is None:
            raise NoBinForLine(sku=product.sku)
        if quantity > line.open:
            raise TooMany(open=line.open, sku=product.sku)
        line.picked += quantity
        await uow.picking.save_line(line)
        await after_step(uow, clock, current, staff_id)
        await uow.commit()
        return current


async def _scanned_for_cancelled(uow: UnitOfWork, step: tuple[int, int], codes: list[str]) -> None:
    """Refuses a scan of the item of the step on the picker's screen when its order was cancelled since."""
    found = await cancelled_line(uow, *step)
    if found is not None and any(_matches(found[2], code) for code in codes):
        order, line, product = found
        raise ScannedForCancelled(code=order.code, sku=product.sku, bin=line.bin_code or "—")


async def skip_line(uow: UnitOfWork, *, staff_id: int, line_id: int, order_id: int | None = None) -> PickRound:
    """The picker leaves the round's current line for later (the bin blocked, the ladder elsewhere):
    it goes behind the round's other lines and is asked again at the end, what was scanned of it
    staying in the tote. Refused for a button of an earlier step, and on the last line left. ``order_id``:
    the line's, as the screen named it (the round ended as it was cancelled: said so)."""
    await require(uow, staff_id, Permission.PICK)
    async with uow:
        pick_list = await round_under_locks(uow, staff_id)
        if pick_list is None:
            raise await no_round(uow, line_id, order_id)
        line = pick_list.next_line
        if line is None or line.id != line_id:
            raise stale_line(await load_round(uow, pick_list), line_id)
        if all(other is line or other.done for other in pick_list.lines):
            raise LastLineLeft()
        line.seq = max(other.seq for other in pick_list.lines) + 1
        await uow.picking.save_line(line)
        pick_list.lines.sort(key=lambda other: other.seq)
        current = await load_round(uow, pick_list)
        await uow.commit()
        return current


async def after_step(uow: UnitOfWork, clock: Clock, current: PickRound, staff_id: int) -> None:
    """Orders whose every allocated unit is now picked become ready to pack; a round whose
    lines are all done closes."""
    for order in current.orders.values():
        if order.status is not OrderStatus.PICKING or order in current.held:
            continue
        allocated = sum(r.quantity for r in await uow.stock.order_reservations(order.id or 0))
        lines = await uow.picking.lines_for_order(order.id or 0)
        if sum(line.picked for line in lines) >= allocated and all(line.done for line in lines):
            await apply_transition(uow, order, OrderStatus.PICKED, clock=clock, actor=f"staff:{staff_id}")
            await bring_to_packing(uow, clock, order)  # an earlier round's tote of it, on the hold shelf
            current.completed.append(order)
    if current.done and current.pick_list.id is not None:
        await uow.picking.finish(current.pick_list.id, clock.now())


async def picking_warehouse(
    uow: UnitOfWork, *, staff_id: int, warehouse_code: str | None = None, warehouse_id: int | None = None
) -> tuple[Warehouse | None, list[Warehouse]]:
    """Where the member picks — the warehouse named (by code, or by id from a button), else
    their own, else the only one — with every warehouse; None when they must choose (an
    admin or manager without a warehouse, in a shop with several). Admins and managers pick
    in any warehouse, everyone else in their own when they have one."""
    member = await require(uow, staff_id, Permission.PICK)
    warehouses = await _warehouses(uow)
    return _picking_in(member, warehouses, warehouse_code, warehouse_id), warehouses


async def _warehouses(uow: UnitOfWork) -> list[Warehouse]:
    async with uow.read_only():
        return await uow.warehouses.all()


def _picking_in(
    member: StaffMember, warehouses: list[Warehouse], code: str | None, warehouse_id: int | None
) -> Warehouse | None:
    if code or warehouse_id is not None:
        wanted = (code or "").strip().upper()
        named = next((w for w in warehouses if w.code == wanted or (not wanted and w.id == warehouse_id)), None)
        if named is None and wanted:
            raise UnknownWarehouse(code=wanted[:16], codes=", ".join(sorted(w.code for w in warehouses)))
        if named is None:
            raise NotFound()
        own = member.warehouse_code
        if member.role not in PICK_ANYWHERE and own is not None and named.code != own:
            raise PicksElsewhere(warehouse=own)
        return named
    if member.warehouse_code is not None:
        own_warehouse = next((w for w in warehouses if w.code == member.warehouse_code), None)
        if own_warehouse is not None:
            return own_warehouse
    return warehouses[0] if len(warehouses) == 1 else None
