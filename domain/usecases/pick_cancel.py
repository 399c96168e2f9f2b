"""An order cancelled while it is being picked leaves its rounds: their pickers are told what to put back where."""

from __future__ import annotations

from collections import Counter

from domain.catalog import Product
from domain.customers import Customer
from domain.errors import DomainError
from domain.i18n import N_
from domain.notifications import Notification
from domain.orders import Order, OrderStatus
from domain.picking import PickLine, on_hold_shelf
from domain.ports import Clock, UnitOfWork


class ScannedForCancelled(DomainError):
    """A scan sent from the step of a line its order's cancel closed: the unit in hand is that order's."""

    key = N_("Order {code} was cancelled while you picked it: {sku} was not counted. Put it back into bin {bin}.")


class LeftByCancel(DomainError):
    """A button (⚠️ Short pick, ⏭ Skip) of a line its order's cancel closed: nothing is done."""

    key = N_(
        "Order {code} was cancelled while you picked it: its line left your round and nothing was changed. "
        "Put {quantity} × {sku} from tote {tote} back into bin {bin}."
    )


class LeftByCancelEmpty(LeftByCancel):
    key = N_(
        "Order {code} was cancelled while you picked it: its line left your round and nothing was changed. "
        "Nothing of it is in your tote."
    )


def left_by_cancel(order: Order, line: PickLine, product: Product) -> LeftByCancel:
    """Why a button of ``line``, closed as ``order`` was cancelled, does nothing: and what of it goes back where."""
    if not line.picked:
        return LeftByCancelEmpty(code=order.code)
    bin_code = line.bin_code or "—"
    return LeftByCancel(code=order.code, quantity=line.picked, sku=product.sku, tote=line.tote, bin=bin_code)


async def cancelled_line(uow: UnitOfWork, line_id: int, order_id: int) -> tuple[Order, PickLine, Product] | None:
    """The pick line ``line_id`` of ``order_id`` (a step's, as the picker's screen named it), its order and its
    item, when that order was cancelled: its round may have ended with it, so it is read by its order."""
    order = await uow.orders.get_by_id(order_id)
    if order is None or order.status is not OrderStatus.CANCELLED:
        return None
    line = next((x for x in await uow.picking.lines_for_order(order_id) if x.id == line_id), None)
    products = await uow.products.get_many([line.product_id]) if line is not None else []
    return (order, line, products[0]) if line is not None and products else None


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
    # on the shelves: whoever took it is told to put back what that round picked (not another zone's items), and
    # where the tote is when their round's end sent it to the hold shelf (the order held after a short pick).
    shelved = {r.pick_list_id for r in on_hold_shelf(order.history, rounds)}
    for held in rounds:
        own = [x for x in lines if x.pick_list_id == held.pick_list_id and (x.id or 0) not in in_open and x.picked]
        if held.finished_at is not None and own:
            picker, shelf = held.picker_telegram_id, held.pick_list_id in shelved
            await _tell(uow, clock, order, picker, pickers, held.pick_list_id, held.tote, own, True, shelf=shelf)


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
    *,
    shelf: bool = False,
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
    params["shelf"] = shelf  # the tote waits on the hold shelf, not in the picker's hands
    await uow.outbox.add(Notification(picker_id, "picker_put_back", language, params), clock.now())
