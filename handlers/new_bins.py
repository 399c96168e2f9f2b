"""The answer to "Bin … does not exist in …" (/receive, /po receive): the bin made, a near one taken, or nothing."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from handlers.callbacks_staff import NewBinCb
from handlers.inventory import receive_as_asked, received_text
from handlers.purchasing import receive_po_as_asked
from handlers.purchasing import received_text as po_received_text
from handlers.views.new_bin_question import NEW_BIN_DATA
from handlers.views.pressed import show_in_place

router = Router(name=__name__)


@router.callback_query(NewBinCb.filter())
async def new_bin_answered(
    query: CallbackQuery, callback_data: NewBinCb, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    """Once per question: the receipt asked about is forgotten when done or cancelled, so a second tap (or an
    older question's button) receives nothing twice."""
    asked: dict[str, Any] | None = (await state.get_data()).get(NEW_BIN_DATA)
    if not isinstance(asked, dict) or asked.get("token") != callback_data.token:
        await query.answer(_("This question is out of date: nothing was received. Send the command again."), True)
        return
    near: list[str] = asked.get("near") or []
    if callback_data.action == "cancel" or (callback_data.action == "near" and callback_data.index >= len(near)):
        await state.update_data({NEW_BIN_DATA: None})
        await query.answer()
        await show_in_place(query, _("✖️ Nothing was received."))
        return
    into = near[callback_data.index] if callback_data.action == "near" else ""
    create = callback_data.action == "create"
    if asked.get("kind") == "po":
        receipt = await receive_po_as_asked(uow, clock, query.from_user.id, asked, new_bin=create, bin_code=into)
        text = po_received_text(receipt)
    else:
        received = await receive_as_asked(uow, clock, query.from_user.id, asked, new_bin=create, bin_code=into)
        text = received_text(received, int(asked["quantity"]))
    await state.update_data({NEW_BIN_DATA: None})
    await query.answer()
    await show_in_place(query, text)
