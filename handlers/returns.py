"""A customer returns or exchanges delivered goods: from the order view (↩️ Return, 🔁 Exchange)
or ``/return CODE``. Steps: which lines and how many (here), an exchange's variants (``return_swaps``), the reason,
photos (optional; words typed there are kept as the request's note), how the goods come back; then the RMA code
(``return_details``). ``/cancel`` leaves at any step."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import replace

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.errors import InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.returns import NothingToReturn, ReturnKind
from domain.usecases.returns import returnable_lines
from handlers.callbacks import ReturnLineCb, ReturnLinesPageCb, ReturnStartCb
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.return_screens import LINES_PER_PAGE, how_many, line_labels, lines_screen
from handlers.return_state import ReturnDraft, Returning, return_draft_of, save_return
from handlers.return_swaps import swap_or_reason_step
from handlers.views.pressed import Target, pressed_in, show_in_place

router = Router(name=__name__)


# ``/start ret_CODE`` (``exc_CODE``): the Mini App's ↩️ Return opens the chat at the return's first step.
RETURN_LINKS = {"ret_": ReturnKind.REFUND, "exc_": ReturnKind.EXCHANGE}


def return_link(bot_username: str, code: str, kind: ReturnKind) -> str:
    """The deep link that starts ``kind`` of return of order ``code`` in the bot's chat."""
    prefix = next(p for p, k in RETURN_LINKS.items() if k is kind)
    return f"https://t.me/{bot_username}?start={prefix}{code}"


def return_of_link(payload: str) -> tuple[str, ReturnKind] | None:
    """(order code, kind) of a return's deep link, or None."""
    for prefix, kind in RETURN_LINKS.items():
        if payload.startswith(prefix) and payload[len(prefix) :]:
            return payload[len(prefix) :], kind
    return None


@router.message(Command("cancel"), StateFilter(Returning))
async def cancel_return(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Return cancelled; nothing was sent."))


async def _lines_step(target: Target, state: FSMContext, draft: ReturnDraft, near: int | None = None) -> None:
    """The lines to choose from, on the page of line ``near`` (the one just chosen), as a new message."""
    await state.set_state(Returning.lines)
    text, keyboard = lines_screen(draft, _page_of(draft, near))
    await target.answer(text, reply_markup=keyboard)


def _page_of(draft: ReturnDraft, line_id: int | None) -> int:
    ids = list(draft.labels)
    return ids.index(line_id) // LINES_PER_PAGE if line_id in ids else 0


@router.callback_query(StateFilter(Returning.lines, Returning.quantity), ReturnLinesPageCb.filter())
async def lines_page(query: CallbackQuery, callback_data: ReturnLinesPageCb, state: FSMContext) -> None:
    await query.answer()
    await state.set_state(Returning.lines)  # a quantity asked for is left unanswered
    text, keyboard = lines_screen(await return_draft_of(state), callback_data.page)
    await show_in_place(query, text, keyboard)


async def start_return(
    target: Target,
    code: str,
    kind: ReturnKind,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    order, left, sent = await returnable_lines(
        uow, clock, customer_id=customer.id or 0, code=code, window_days=settings.return_window_days
    )
    named = order.in_language(reading_language())  # the names as sold, in the reader's language
    labels = line_labels([line for line in named.lines if (line.id or 0) in left], sent)
    products = {line.id or 0: line.product_id for line in order.lines if (line.id or 0) in left}
    items = {line.id or 0: f"{line.sku} {line.name}" for line in named.lines if (line.id or 0) in left}
    draft = ReturnDraft(code=order.code, kind=kind, left=left, labels=labels, products=products, items=items)
    await save_return(state, draft)
    await _lines_step(target, state, draft)


@router.callback_query(ReturnStartCb.filter())
async def start_from_order(
    query: CallbackQuery,
    callback_data: ReturnStartCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    await query.answer()
    await start_return(
        pressed_in(query), callback_data.code, ReturnKind(callback_data.kind), uow, clock, customer, settings, state
    )


@router.message(Command("return"))
async def start_typed(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    args = (command.args or "").split()
    if not args:
        await message.answer(_("Usage: /return ORDER-CODE (add “exchange” to exchange instead)"))
        return
    kind = ReturnKind.EXCHANGE if "exchange" in (a.lower() for a in args[1:]) else ReturnKind.REFUND
    await start_return(message, args[0], kind, uow, clock, customer, settings, state)


@router.callback_query(StateFilter(Returning.lines, Returning.quantity), ReturnLineCb.filter())
async def line_chosen(
    query: CallbackQuery, callback_data: ReturnLineCb, state: FSMContext, uow: UnitOfWork, customer: Customer
) -> None:
    """A tap changes the list in place: sent anew, a few taps left a stack of the same question. "How many?" keeps
    the list's buttons under it, so another item can still be tapped instead of typing a number."""
    await query.answer()
    draft = await return_draft_of(state)
    if callback_data.line_id == 0:
        if not draft.chosen:
            raise NothingToReturn()
        await swap_or_reason_step(query, state, draft, uow, customer)
        return
    line_id = callback_data.line_id
    if line_id not in draft.left:
        raise NothingToReturn()
    if draft.left[line_id] == 1:  # a tap chooses it, a second tap leaves it out again (a wrong tap is undone)
        chosen = _without(draft.chosen, line_id) if line_id in draft.chosen else {**draft.chosen, line_id: 1}
        draft = replace(draft, chosen=chosen, current=None, asked=None)
        await save_return(state, draft)
        await state.set_state(Returning.lines)
        text, keyboard = lines_screen(draft, _page_of(draft, line_id))
        await show_in_place(query, text, keyboard)
        return
    asked = await show_in_place(query, how_many(draft, line_id), lines_screen(draft, _page_of(draft, line_id))[1])
    await save_return(state, replace(draft, current=line_id, asked=asked))
    await state.set_state(Returning.quantity)


def _without(chosen: Mapping[int, int], line_id: int) -> dict[int, int]:
    return {other: quantity for other, quantity in chosen.items() if other != line_id}


@router.message(StateFilter(Returning.quantity), F.text, ~F.text.startswith("/"))
async def quantity_typed(message: Message, state: FSMContext) -> None:
    draft = await return_draft_of(state)
    assert draft.current is not None  # set with this state
    most = draft.left[draft.current]
    text = (message.text or "").strip()
    if not text.isdecimal() or not 0 <= int(text) <= most:
        raise InvalidQuantity(maximum=most)
    chosen = {**draft.chosen, draft.current: int(text)} if int(text) else _without(draft.chosen, draft.current)
    asked, draft = draft.asked, replace(draft, chosen=chosen, asked=None)
    await save_return(state, draft)
    if asked is not None:
        await _answered(message, asked)
    await _lines_step(message, state, draft, draft.current)


async def _answered(message: Message, asked: int) -> None:
    """The question a number answered keeps its words but not its buttons: the list comes anew below the number, and
    two lists with live buttons would read as two questions."""
    assert message.bot is not None  # a message the dispatcher handed over
    with suppress(TelegramBadRequest):  # deleted by the customer meanwhile: nothing left to tidy
        await message.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=asked, reply_markup=None)
