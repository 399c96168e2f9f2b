"""Picking: starting a round by one of the four methods, confirming each line by scanning, reporting a short pick."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from domain.backorders import BACKORDER_FLAG, SPLIT_FLAG
from domain.catalog import Product, normalize_sku
from domain.customers import Role, StaffMember
from domain.errors import DomainError, IllegalTransition, NotFound
from domain.i18n import N_
from domain.notifications import Notification
from domain.orders import Order, OrderStatus
from domain.picking import (
    DEFAULT_BATCH_ORDERS,
    DEFAULT_CART_CAPACITY,
    BinStock,
    Demand,
    PickLine,
    PickList,
    PickMethod,
    assign_bins,
    choose_batch,
    lines_from_tasks,
    spoken_for,
    zone_of,
)
from domain.ports import Clock, UnitOfWork
from domain.queue_rank import queue_key
from domain.shortages import still_to_pick
from domain.staff import Permission
from domain.stock import Reservation, ReservationKind
from domain.usecases.order_queue import READY_TO_PICK
from domain.usecases.orders import apply_transition
from domain.usecases.shortages import hold_short, picked_and_shipped, release_part
from domain.usecases.staff import WarehouseNeeded, require
from domain.warehouse import Warehouse

PLANNING_ATTEMPTS = 5  # each retry sees what changed before it


class NothingToPick(DomainError):
    key = N_("There is nothing to pick in {warehouse} right now.")


class NoOpenRound(DomainError):
    key = N_("You have no picking round open. Start one with /pick.")


class LinePicked(DomainError):
    key = N_("This line is picked already: the buttons are on the round's latest step.")


class WrongItem(DomainError):
    key = N_("Wrong item: “{scanned}”. Expected {sku} — {name}, from bin {bin}.")


class TooMany(DomainError):
    key = N_("Only {open} more of {sku} are needed on this line.")


class NoBinForLine(DomainError):
    key = N_("No bin holds {sku}. Report a short pick.")


class ZoneNeeded(DomainError):
    key = N_("Which zone? This warehouse has: {zones}.")


class PicksElsewhere(DomainError):
    key = N_("You pick in {warehouse}; picking in another warehouse needs a manager.")


# Orders that may hold units taken from a bin whose count still includes them (until shipment).
IN_HAND = (
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.ON_HOLD,
)
PICK_ANYWHERE = frozenset({Role.ADMIN, Role.MANAGER})  # the rest pick in their own warehouse, if they have one


@dataclass(slots=True)
class PickRound:
    pick_list: PickList
    warehouse: Warehouse
    orders: dict[int, Order]
    products: dict[int, Product]
    completed: list[Order] = field(default_factory=list)  # orders this step made ready to pack
    held: list[Order] = field(default_factory=list)  # orders this step put on hold

    @property
    def done(self) -> bool:
        return self.pick_list.next_line is None

    def position(self) -> tuple[int, int]:
        lines = self.pick_list.lines
        return sum(1 for line in lines if line.done) + (0 if self.done else 1), len(lines)


async def _round(uow: UnitOfWork, pick_list: PickList) -> PickRound:
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
        return await _round(uow, pick_list) if pick_list else None


async def _demands(
    uow: UnitOfWork, order: Order, warehouse_id: int, *, less_picked: bool = False, less_planned: bool = False
) -> list[Demand]:
    """What the order needs picked here: its allocation in this warehouse, less (``less_picked``:
    an order picked before, in part) what is already in hand (``less_planned``: or on an open
    pick line, as zone rounds share orders) — for the products allocated here alone, since a
    pick line does not say which warehouse it was picked in."""
    needed: dict[int, int] = defaultdict(int)
    elsewhere: set[int] = set()
    reservations = await uow.stock.order_reservations(order.id or 0)
    for reservation in reservations:
        if reservation.kind is ReservationKind.ALLOCATION and reservation.warehouse_id == warehouse_id:
            needed[reservation.product_id] += reservation.quantity
        elif reservation.warehouse_id != warehouse_id:
            elsewhere.add(reservation.product_id)
    if less_picked and needed:
        picked, shipped = await picked_and_shipped(uow, order, planned=less_planned)
        left = still_to_pick({p: q for p, q in needed.items() if p not in elsewhere}, picked, shipped)
        needed = defaultdict(int, {p: q if p in elsewhere else left.get(p, 0) for p, q in needed.items()})
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
            return await _round(uow, existing)
        pick_list = await plan()
        await uow.picking.add(pick_list, clock.now())
        current = await _round(uow, pick_list)
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
        tasks = [t for t in tasks if zone_of(t.bin_code) in (zone, None)]
    if not tasks:
        raise NothingToPick(warehouse=warehouse.code)
    wave = await uow.picking.next_wave() if method is PickMethod.WAVE else None
    return PickList(method, warehouse.id, member.telegram_id, lines_from_tasks(tasks), zone, wave)


async def in_rounds(
    uow: UnitOfWork, warehouse_id: int, product_ids: set[int], also: Sequence[Order] = ()
) -> Counter[tuple[int, str]]:
    """(product, bin) → units of these products that picking rounds in the warehouse took from
    the bin (in a tote, not shipped) or planned on an open line (of its orders to fulfil, and
    ``also``): the bin's count still holds them, the shelf does not give them again."""
    orders = [*await uow.orders.to_fulfil(IN_HAND, warehouse_id), *also]
    taken = await uow.picking.orders_being_picked(warehouse_id, sorted({*IN_HAND, *(o.status for o in also)}))
    spoken = {
        o.id: o for o in orders if (o.id or 0) in taken and any(line.product_id in product_ids for line in o.lines)
    }
    return await _spoken_for(uow, warehouse_id, list(spoken.values()))


async def _spoken_for(uow: UnitOfWork, warehouse_id: int, orders: list[Order]) -> Counter[tuple[int, str]]:
    """What these orders already took from (or planned in) each bin of the warehouse and its
    count still holds: a round assigns the rest to the bins that still give it (a zone round
    sharing an order, as the round that planned it whole would have). Another warehouse's bin
    of the same code is another shelf."""
    held: Counter[tuple[int, str]] = Counter()
    for order in orders:
        _, shipped = await picked_and_shipped(uow, order)
        held += spoken_for(await uow.picking.lines_for_order(order.id or 0), shipped, warehouse_id)
    return held


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


async def confirm_pick(uow: UnitOfWork, clock: Clock, *, staff_id: int, scanned: str, quantity: int = 1) -> PickRound:
    """The picker scanned ``scanned`` (SKU or barcode) for the current line."""
    await require(uow, staff_id, Permission.PICK)
    async with uow:
        pick_list = await uow.picking.open_for(staff_id)
        if pick_list is None:
            raise NoOpenRound()
        current = await _round(uow, pick_list)
        line = pick_list.next_line
        assert line is not None  # a round closes when its last line is done
        product = current.products[line.product_id]
        if not _matches(product, scanned):
            raise WrongItem(
                scanned=scanned.strip()[:64], sku=product.sku, name=product.display_name, bin=line.bin_code or "—"
            )
        if line.bin_code is None:
            raise NoBinForLine(sku=product.sku)
        if quantity > line.open:
            raise TooMany(open=line.open, sku=product.sku)
        line.picked += quantity
        await uow.picking.save_line(line)
        await _after_step(uow, clock, current, staff_id)
        await uow.commit()
        return current


async def report_short(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, found: int, staff_chat_id: int | None, line_id: int | None = None
) -> PickRound:
    """The bin holds fewer than the line needs. What was found is picked; the rest is
    looked for in another bin of the warehouse; failing that, the order goes on hold and
    the staff chat is told. ``line_id``: the line the picker reported on, refused when the
    round has moved past it (a button of an earlier step)."""
    await require(uow, staff_id, Permission.PICK)
    async with uow:
        pick_list = await uow.picking.open_for(staff_id)
        if pick_list is None or pick_list.id is None:
            raise NoOpenRound()
        current = await _round(uow, pick_list)
        line = pick_list.next_line
        if line is None or line_id not in (None, line.id):
            raise LinePicked()
        product = current.products[line.product_id]
        if not 0 <= found < line.open:
            raise TooMany(open=line.open - 1, sku=product.sku)
        line.picked += found
        missing = line.open
        line.short += missing
        await uow.picking.save_line(line)
        # Another bin that may give it: not one this round already found short of it (two bins
        # both counted wrong sent the picker from one to the other and back, for ever), less what
        # rounds took from it into totes or planned in it (the bin still counts those).
        tried = {
            x.bin_code
            for x in pick_list.lines
            if (x.order_id, x.product_id) == (line.order_id, line.product_id) and x.short
        }
        spoken = await in_rounds(uow, pick_list.warehouse_id, {line.product_id})
        elsewhere = [
            (b.bin_code, b.quantity - spoken[(line.product_id, b.bin_code)])
            for b in await uow.inventory.bins([line.product_id])
            if b.warehouse_id == pick_list.warehouse_id and b.bin_code not in tried | {line.bin_code}
        ]
        seq = max(x.seq for x in pick_list.lines)
        for code, there in sorted(elsewhere, key=lambda b: -b[1]):
            take = min(there, missing)
            if take <= 0:
                break
            seq += 1
            extra = PickLine(seq, line.order_id, line.product_id, code, line.tote, take)
            pick_list.lines.append(await uow.picking.add_line(pick_list, extra))
            missing -= take
            if not missing:
                break
        moved_to = None
        if missing:
            moved_to = await _allocate_elsewhere(uow, clock, current, line, missing)
        if missing and moved_to is None:
            await _hold_for_shortage(uow, clock, current, line, product, missing, staff_id, staff_chat_id)
        elif staff_chat_id is not None:  # the bin's count is wrong: someone should recount it
            await uow.outbox.add(
                Notification(
                    staff_chat_id,
                    "staff_recount",
                    "",
                    {
                        "sku": product.sku,
                        "bin": line.bin_code or "",
                        "warehouse": current.warehouse.code,
                        "code": current.orders[line.order_id].code,
                        "moved_to": moved_to or "",
                    },
                ),
                clock.now(),
            )
        await _after_step(uow, clock, current, staff_id)
        await uow.commit()
        return current


async def _allocate_elsewhere(
    uow: UnitOfWork, clock: Clock, current: PickRound, line: PickLine, missing: int
) -> str | None:
    """No other bin here has it: move that part of the order's allocation to other warehouses
    that have it available (picked there, the order waits for it) — one that has it all, else
    the fewest, most available first, as checkout routes an order (with one unit in each of two
    other warehouses the order was held, the customer asked to wait). Returns their codes, or
    None (nothing moved)."""
    warehouses = {w.id: w for w in await uow.warehouses.all()}
    here = current.pick_list.warehouse_id
    levels = sorted(
        (lv for lv in await uow.stock.levels([line.product_id]) if lv.warehouse_id != here and lv.available > 0),
        key=lambda lv: (-lv.available, lv.warehouse_id),
    )
    whole = [lv for lv in levels if lv.available >= missing][:1]
    taken: list[tuple[int, int]] = []
    remaining = missing
    for level in whole + [lv for lv in levels if lv not in whole]:
        take = min(level.available, remaining)
        if await uow.stock.try_reserve(line.product_id, level.warehouse_id, take):
            taken.append((level.warehouse_id, take))
            remaining -= take
        if not remaining:
            break
    if remaining:  # not enough anywhere: what was reserved goes back, the order is held
        for warehouse_id, take in taken:
            await uow.stock.release(line.product_id, warehouse_id, take)
        return None
    for warehouse_id, take in taken:
        await release_part(uow, line.order_id, line.product_id, here, take)
        await uow.stock.add_reservation(
            Reservation(
                line.product_id, warehouse_id, take, ReservationKind.ALLOCATION, None, line.order_id, None, clock.now()
            )
        )
    return ", ".join(warehouses[warehouse_id].code for warehouse_id, _ in taken)


async def _hold_for_shortage(
    uow: UnitOfWork,
    clock: Clock,
    current: PickRound,
    line: PickLine,
    product: Product,
    missing: int,
    staff_id: int,
    staff_chat_id: int | None,
) -> None:
    order = current.orders[line.order_id]
    for other in current.pick_list.lines:  # the rest of this order is not picked for now
        if other.order_id == order.id and not other.done:
            other.short += other.open
            await uow.picking.save_line(other)
    reason = f"short pick: {product.sku}"
    await apply_transition(uow, order, OrderStatus.ON_HOLD, clock=clock, actor=f"staff:{staff_id}", reason=reason)
    place = (current.pick_list.warehouse_id, line.bin_code)
    await hold_short(uow, clock, order, product, place, missing, f"staff:{staff_id}")  # the customer decides
    current.held.append(order)
    if staff_chat_id is not None:
        await uow.outbox.add(
            Notification(
                staff_chat_id,
                "staff_short_pick",
                "",
                {
                    "code": order.code,
                    "sku": product.sku,
                    "name": product.display_name,
                    "warehouse": current.warehouse.code,
                },
            ),
            clock.now(),
        )


async def _after_step(uow: UnitOfWork, clock: Clock, current: PickRound, staff_id: int) -> None:
    """Orders whose every allocated unit is now picked become ready to pack; a round whose
    lines are all done closes."""
    for order in current.orders.values():
        if order.status is not OrderStatus.PICKING or order in current.held:
            continue
        allocated = sum(r.quantity for r in await uow.stock.order_reservations(order.id or 0))
        lines = await uow.picking.lines_for_order(order.id or 0)
        if sum(line.picked for line in lines) >= allocated and all(line.done for line in lines):
            await apply_transition(uow, order, OrderStatus.PICKED, clock=clock, actor=f"staff:{staff_id}")
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
