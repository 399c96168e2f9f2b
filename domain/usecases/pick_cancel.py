"""An order cancelled while it is being picked leaves its rounds: their pickers are told what to put back where."""

from __future__ import annotations

from collections import Counter

from domain.customers import Customer
from domain.notifications import Notification
from domain.orders import Order
from domain.picking import PickLine
from domain.ports import Clock, UnitOfWork


async def out_of_rounds(uow: UnitOfWork, clock: Clock, order: Order) -> None:
    """Inside the transaction that cancelled ``order`` mid-pick (its row held): its lines still to pick in open
    rounds are closed (nothing more is taken for it), a round left with nothing to pick ends, and each picker
    who holds any of it is told at once, in their language, which units go back into which bins (or that the
    order simply left the round). Nothing moves a count: a bin's count keeps picked units until a parcel leaves,
    and a cancelled order's are no longer held by it, so the shelf gives them again once put back."""
    lines = await uow.picking.lines_for_order(order.id or 0)
    rounds = await uow.picking.rounds_of_order(order.id or 0)
    pickers = await uow.customers.by_telegram_ids({r.picker_telegram_id for r in rounds})
    in_open: set[int] = set()
    for held in rounds:
        pick_list = await uow.picking.open_for(held.picker_telegram_id) if held.finished_at is None else None
        if pick_list is None or pick_list.id != held.pick_list_id:
            continue
        mine = [line for line in pick_list.lines if line.order_id == order.id]
        in_open |= {line.id or 0 for line in mine}
        for line in mine:
            if line.open:  # closed as a short pick's set-aside lines are: done, nothing picked
                line.short += line.open
                await uow.picking.save_line(line)
        finished = pick_list.next_line is None
        if finished:
            await uow.picking.finish(held.pick_list_id, clock.now())
        await _tell(uow, clock, order, held.picker_telegram_id, pickers, held.pick_list_id, held.tote, mine, finished)
    # A finished round's tote of it (a zone's, or one on the hold shelf) is out of the picker's hands but not
    # on the shelves: whoever took it is told to put back what that round picked (not another zone's items).
    for held in rounds:
        own = [x for x in lines if x.pick_list_id == held.pick_list_id and (x.id or 0) not in in_open and x.picked]
        if held.finished_at is not None and own:
            await _tell(uow, clock, order, held.picker_telegram_id, pickers, held.pick_list_id, held.tote, own, True)


async def _tell(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    picker_id: int,
    pickers: dict[int, Customer],
    round_id: int,
    tote: int,
    lines: list[PickLine],
    finished: bool,
) -> None:
    back: Counter[tuple[int, str]] = Counter()
    for line in lines:
        if line.picked and line.bin_code is not None:
            back[(line.product_id, line.bin_code)] += line.picked
    products = {p.id: p.sku for p in await uow.products.get_many(sorted({p for p, _ in back}))}
    items = [{"units": n, "sku": products.get(p, "?"), "bin": b} for (p, b), n in sorted(back.items())]
    picker = pickers.get(picker_id)
    language = picker.notification_language if picker is not None else ""
    params = {"code": order.code, "round": round_id, "tote": tote, "items": items, "finished": finished}
    await uow.outbox.add(Notification(picker_id, "picker_put_back", language, params), clock.now())
