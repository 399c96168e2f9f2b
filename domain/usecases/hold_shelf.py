"""The hold shelf: a round's end sends a held order's tote there, and its picker brings it to packing."""

from __future__ import annotations

from domain.notifications import Notification
from domain.orders import Order
from domain.picking import on_hold_shelf
from domain.ports import Clock, UnitOfWork


async def bring_to_packing(uow: UnitOfWork, clock: Clock, order: Order) -> None:
    """Inside the transaction that made ``order`` ready to pack: each picker whose round's end
    told them to put its tote on the hold shelf is told, in their language, to take it to packing
    (the packing queue has it; the shelf would have kept it)."""
    totes = on_hold_shelf(order.history, await uow.picking.rounds_of_order(order.id or 0))
    if not totes:
        return
    pickers = await uow.customers.by_telegram_ids({t.picker_telegram_id for t in totes})
    for tote in totes:
        picker = pickers.get(tote.picker_telegram_id)
        language = picker.notification_language if picker is not None else ""
        params = {"code": order.code, "tote": tote.tote, "round": tote.pick_list_id}
        told = Notification(tote.picker_telegram_id, "picker_tote_to_packing", language, params)
        await uow.outbox.add(told, clock.now())
