"""Short picks: a bin holds fewer than its line needs; another bin, another warehouse, or the order on hold."""

from __future__ import annotations

from domain.catalog import Product, normalize_sku
from domain.errors import DomainError
from domain.i18n import N_
from domain.notifications import Notification
from domain.orders import SHORT_PICK_HOLD, OrderStatus
from domain.picking import PickLine
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.stock import Reservation, ReservationKind, StockLevel
from domain.usecases.orders import apply_transition
from domain.usecases.picking import PickRound, after_step, load_round, no_round, round_under_locks, stale_line
from domain.usecases.shelf_holds import in_rounds
from domain.usecases.shortages import hold_short, release_part, write_off_short
from domain.usecases.staff import require
from domain.usecases.stock_books import Loss, book_losses


class FoundNotACount(DomainError):
    """The answer to "how many did you find" was not a number: 0 is one (a quantity's "from 1" was not)."""

    key = N_("Send how many you found in the bin as a number: 0 if none.")


class NotShort(DomainError):
    """The count at a short pick is all the line still needs (or more): the bin gave it, nothing is
    short. Taken as a short it was refused «only 0 more needed», the picker left at a question whose
    only answer was 0; the units are scanned instead, as any other."""

    key = N_(
        "The line needs only {open} more × {sku}: with {found} found nothing is short. Scan them: send the SKU or "
        "barcode (add a number for several), or a photo of the barcode."
    )


class MoreFoundNotACount(FoundNotACount):
    """The same, for a line partly scanned: the question asked how many more, beyond the tote's."""

    key = N_("Send how many more you found in the bin as a number: 0 if no more.")


async def coded_item(uow: UnitOfWork, text: str) -> str | None:
    """The SKU of the item ``text`` is the SKU or barcode of, if any: a shop's SKUs may be digits
    (``1234``), and one scanned out of habit at "how many did you find" read as a count. A SKU in any case, as
    every scan reads one (``normalize_sku``): "bin 2" is 2 × BIN where the shop sells an item BIN."""
    try:
        sku: str | None = normalize_sku(text)
    except DomainError:
        sku = None
    async with uow.read_only():
        product = await uow.products.get_by_sku(sku) if sku is not None else None
        return product.sku if product is not None else await uow.products.sku_with_barcode(text)


async def report_short(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    found: int,
    staff_chat_id: int | None,
    line_id: int | None = None,
    order_id: int | None = None,
) -> PickRound:
    """The bin holds fewer than the line needs. What was found is picked; the rest is
    looked for in another bin of the warehouse; failing that, the order goes on hold and
    the staff chat is told. ``line_id``: the line the picker reported on, refused when the
    round has moved past it (a button of an earlier step); ``order_id``: its order's, as the screen named it
    (the round ended as it was cancelled: said so)."""
    await require(uow, staff_id, Permission.PICK)
    async with uow:
        pick_list = await round_under_locks(uow, staff_id)  # a manager's cancel meanwhile: its lines closed
        if pick_list is None or pick_list.id is None:
            raise await no_round(uow, line_id, order_id)
        current = await load_round(uow, pick_list)
        line = pick_list.next_line
        if line is None or line_id not in (None, line.id):
            raise stale_line(current, line_id or 0)
        product = current.products[line.product_id]
        if found < 0:
            raise FoundNotACount()
        if found >= line.open:
            raise NotShort(open=line.open, sku=product.sku, found=found)
        line.picked += found
        missing, short_before = line.open, line.short
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
        # The order's row is held since the round was read, before any stock counter (ARCHITECTURE.md,
        # "Lock order"): the rest moves (other warehouses' counters locked) or the order is held (its row
        # written), and the other warehouse's picker short of the same order at once held the row first.
        if missing and not await _held_already(uow, current, line):
            moved_to = await _allocate_elsewhere(uow, clock, current, line, missing)
        set_aside = any(o.id == line.order_id for o, _ in current.held_already)
        held = bool(missing) and moved_to is None and not set_aside
        losses: list[Loss] = []
        if held:  # what no bin or warehouse gives waits, and comes off the short bin's count
            losses = await _hold_for_shortage(uow, clock, current, line, product, missing, staff_id, staff_chat_id)
        # What other bins or warehouses gave is not on the short bin's shelf either: off its count
        # too (left there, it was sold again and the next round sent to the empty bin).
        if elsewhere_given := line.short - short_before - (missing if held or set_aside else 0):
            order, place = current.orders[line.order_id], (pick_list.warehouse_id, line.bin_code)
            kept, loss = await write_off_short(uow, clock, order, product, place, elsewhere_given, f"staff:{staff_id}")
            losses += [loss] if loss is not None else []
            if kept:  # said to the picker, not hidden: left counted, they are sold again
                current.uncounted.append((product.sku, line.bin_code or "", kept))
        if not held and staff_chat_id is not None:  # the bin's count was wrong: someone should recount it
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
        await after_step(uow, clock, current, staff_id)
        # Booked last, after the round's, the order's and the stock's rows: the costs' currencies held (the lock
        # order, ``stock_books.hold_rates``), a first rate set at once writes the units off once.
        await book_losses(uow, losses)
        await uow.commit()
        return current


async def _held_already(uow: UnitOfWork, current: PickRound, line: PickLine) -> bool:
    """Under the order's lock: the order is on hold already (another warehouse's picker short of
    it at the same moment, or a manager) — holding it again was refused with the state machine's
    words and left this picker stuck on the line. Its lines in this round are set aside instead
    (the customer is asked already; the hold's owner decides), and the picker is told by whom."""
    fresh = await uow.orders.get_by_id(line.order_id)
    if fresh is None or fresh.status is not OrderStatus.ON_HOLD:
        return False
    for other in current.pick_list.lines:
        if other.order_id == line.order_id and not other.done:
            other.short += other.open
            await uow.picking.save_line(other)
    current.orders[line.order_id] = fresh
    holder = next((e.actor for e in reversed(fresh.history) if e.to_status is OrderStatus.ON_HOLD), "")
    kind, _, who = holder.partition(":")
    member = await uow.staff.get(int(who)) if kind == "staff" and who.isdecimal() else None
    current.held_already.append((fresh, member.warehouse_code or "" if member is not None else ""))
    return True


async def _allocate_elsewhere(
    uow: UnitOfWork, clock: Clock, current: PickRound, line: PickLine, missing: int
) -> str | None:
    """No other bin here has it: ``move_allocation`` of the missing part."""
    return await move_allocation(uow, clock, line.order_id, line.product_id, current.pick_list.warehouse_id, missing)


async def move_allocation(
    uow: UnitOfWork, clock: Clock, order_id: int, product_id: int, here: int, missing: int
) -> str | None:
    """Move ``missing`` units of the order's allocation of a product from warehouse ``here`` to other
    warehouses that have it available (picked there, the order waits for it) — one that has it all, else
    the fewest, most available first, as checkout routes an order (with one unit in each of two
    other warehouses the order was held, the customer asked to wait). Returns their codes, or
    None (nothing moved)."""
    if not await _available_elsewhere(uow, product_id, here):
        return None  # nothing to move: no counter is written here, none is locked
    # It reserves in other warehouses, then releases here, in an order of its own; a /transfer
    # between them locks the same counters by id (ARCHITECTURE.md, "Lock order"): every counter
    # of the item first, in the lock order, then the levels read again under the locks.
    await uow.stock.lock_products([product_id])
    warehouses = {w.id: w for w in await uow.warehouses.all()}
    levels = sorted(await _available_elsewhere(uow, product_id, here), key=lambda lv: (-lv.available, lv.warehouse_id))
    whole = [lv for lv in levels if lv.available >= missing][:1]
    taken: list[tuple[int, int]] = []
    remaining = missing
    for level in whole + [lv for lv in levels if lv not in whole]:
        take = min(level.available, remaining)
        if await uow.stock.try_reserve(product_id, level.warehouse_id, take):
            taken.append((level.warehouse_id, take))
            remaining -= take
        if not remaining:
            break
    if remaining:  # not enough anywhere: what was reserved goes back, the order is held
        for warehouse_id, take in taken:
            await uow.stock.release(product_id, warehouse_id, take)
        return None
    for warehouse_id, take in taken:
        await release_part(uow, order_id, product_id, here, take)
        await uow.stock.add_reservation(
            Reservation(product_id, warehouse_id, take, ReservationKind.ALLOCATION, None, order_id, None, clock.now())
        )
    return ", ".join(warehouses[warehouse_id].code for warehouse_id, _ in taken)


async def _available_elsewhere(uow: UnitOfWork, product_id: int, here: int) -> list[StockLevel]:
    return [lv for lv in await uow.stock.levels([product_id]) if lv.warehouse_id != here and lv.available > 0]


async def _hold_for_shortage(
    uow: UnitOfWork,
    clock: Clock,
    current: PickRound,
    line: PickLine,
    product: Product,
    missing: int,
    staff_id: int,
    staff_chat_id: int | None,
) -> list[Loss]:
    """The order held for what no bin or warehouse gives, its customer asked: the units lost, to be booked last."""
    order = current.orders[line.order_id]
    for other in current.pick_list.lines:  # the rest of this order is not picked for now
        if other.order_id == order.id and not other.done:
            other.short += other.open
            await uow.picking.save_line(other)
    reason = f"{SHORT_PICK_HOLD}{product.sku}"
    await apply_transition(uow, order, OrderStatus.ON_HOLD, clock=clock, actor=f"staff:{staff_id}", reason=reason)
    place = (current.pick_list.warehouse_id, line.bin_code)
    _, losses = await hold_short(uow, clock, order, product, {place: missing}, f"staff:{staff_id}")  # they decide
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
    return losses
