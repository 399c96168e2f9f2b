"""The answer to "Bin … does not exist in …" (/receive, /po receive, /move, /transfer, /count): the bin made, a near
one taken, or nothing."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from handlers.bin_count import count_as_asked
from handlers.callbacks_staff import NewBinCb
from handlers.inventory import (
    move_as_asked,
    moved_text,
    receive_as_asked,
    received_text,
    transfer_as_asked,
    transferred_text,
)
from handlers.purchasing import receive_po_as_asked
from handlers.purchasing import received_text as po_received_text
from handlers.views.new_bin_question import taken_once
from handlers.views.pressed import show_in_place

router = Router(name=__name__)
MOVING = ("move", "transfer")  # the kinds whose stock is moved, not received


@router.callback_query(NewBinCb.filter())
async def new_bin_answered(
    query: CallbackQuery, callback_data: NewBinCb, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    """Once per question: the request asked about is taken (read and forgotten in one step, ``taken_once``) before
    it is done (or when cancelled), so a second tap, at once or later, or an older question's button receives,
    moves or counts nothing twice."""
    asked = await taken_once(state, callback_data.token)
    kind = callback_data.kind
    if asked is None:
        if kind == "count":
            stale = _("This question is out of date: no count was begun. Send the command again.")
        elif kind in MOVING:
            stale = _("This question is out of date: nothing was moved. Send the command again.")
        else:
            stale = _("This question is out of date: nothing was received. Send the command again.")
        await query.answer(stale, True)
        return
    near: list[str] = asked.get("near") or []
    if callback_data.action == "cancel" or (callback_data.action == "near" and callback_data.index >= len(near)):
        await query.answer()
        if kind == "count":
            await show_in_place(query, _("✖️ No count was begun."))
        else:
            await show_in_place(query, _("✖️ Nothing was moved.") if kind in MOVING else _("✖️ Nothing was received."))
        return
    into = near[callback_data.index] if callback_data.action == "near" else ""
    if asked.get("kind") == "count":  # the count begins: its screen in the question's place, its token the question's
        token = query.message.message_id if query.message is not None else callback_data.token
        new_bin, staff_id = callback_data.action == "create", query.from_user.id
        counting = await count_as_asked(uow, clock, state, staff_id, asked, token, new_bin=new_bin, bin_code=into)
        await query.answer()
        await show_in_place(query, *counting)
        return
    text = await _done(uow, clock, query.from_user.id, asked, new_bin=callback_data.action == "create", into=into)
    await query.answer()
    await show_in_place(query, text)


async def _done(
    uow: UnitOfWork, clock: Clock, staff_id: int, asked: dict[str, Any], *, new_bin: bool, into: str
) -> str:
    """The command asked about, done as answered: what it says when done."""
    kind = asked.get("kind")
    if kind == "po":
        return po_received_text(await receive_po_as_asked(uow, clock, staff_id, asked, new_bin=new_bin, bin_code=into))
    if kind == "move":
        moved = await move_as_asked(uow, clock, staff_id, asked, new_bin=new_bin, bin_code=into)
        return moved_text(moved, int(asked["quantity"]))
    if kind == "transfer":
        return transferred_text(await transfer_as_asked(uow, clock, staff_id, asked, new_bin=new_bin, bin_code=into))
    received = await receive_as_asked(uow, clock, staff_id, asked, new_bin=new_bin, bin_code=into)
    return received_text(received, int(asked["quantity"]))
