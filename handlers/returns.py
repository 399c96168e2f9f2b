"""A customer returns or exchanges delivered goods: from the order view (↩️ Return, 🔁 Exchange)
or ``/return CODE``. Steps: which lines and how many, the reason, photos (optional; words typed there are kept as
the request's note), how the goods come back; then the RMA code. ``/cancel`` leaves at any step."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import replace

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.catalog import Discontinued, Product
from domain.customers import Customer
from domain.editing import ChannelPaidRise, ChannelPaidRiseNoChat
from domain.errors import DomainError, InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.returns import (
    NotASwap,
    NothingToReturn,
    NotOnSale,
    ReplacementShort,
    ReturnKind,
    ReturnMethod,
    ReturnReason,
    TooManyReturned,
    reasons_offered,
)
from domain.text import MAX_NOTE, typed
from domain.usecases.returns import check_swaps, request_return, returnable_lines, swap_choices
from handlers.callbacks import (
    ReturnLineCb,
    ReturnLinesPageCb,
    ReturnMethodCb,
    ReturnReasonCb,
    ReturnStartCb,
    ReturnSwapCb,
    ReturnSwapPageCb,
    button,
)
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.return_screens import LINES_PER_PAGE, how_many, line_labels, lines_screen, swap_screen
from handlers.return_state import ReturnDraft, return_draft_of, save_return
from handlers.views.labels import label
from handlers.views.pressed import Target, pressed_in, show_in_place

router = Router(name=__name__)
MAX_PHOTOS = 5
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


class Returning(StatesGroup):
    lines = State()
    quantity = State()
    reason = State()
    other = State()
    photos = State()
    method = State()


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


async def _reason_step(query: CallbackQuery, state: FSMContext, draft: ReturnDraft) -> None:
    await state.set_state(Returning.reason)
    reasons = reasons_offered(size_swap=any(draft.swaps.values()))
    rows = [[button(label("return_reason_button", r.value), ReturnReasonCb(reason=r.value))] for r in reasons]
    await show_in_place(query, _("Why?"), InlineKeyboardMarkup(inline_keyboard=rows))


async def _swap_choices(
    uow: UnitOfWork, customer: Customer, draft: ReturnDraft, lines: list[int]
) -> dict[int, list[Product]]:
    """Per product of ``lines``, the variants it may be swapped to, as many as come back."""
    quantities: dict[int, int] = {}
    for line_id in lines:
        product_id = draft.products.get(line_id, 0)
        quantities[product_id] = max(quantities.get(product_id, 0), draft.chosen.get(line_id, 1))
    return await swap_choices(uow, customer_id=customer.id or 0, code=draft.code, quantities=quantities)


async def _swap_or_reason_step(
    query: CallbackQuery, state: FSMContext, draft: ReturnDraft, uow: UnitOfWork, customer: Customer
) -> None:
    """An exchange of a product with variants asks, line by line, which variant is wanted
    (a size swap); then, or for anything else, the reason: each in place of the question pressed, so a second tap
    finds the next question, not a second copy of it below."""
    if draft.kind is ReturnKind.EXCHANGE:
        pending = [line_id for line_id in draft.chosen if line_id not in draft.swaps]
        choices = await _swap_choices(uow, customer, draft, pending)
        for line_id in pending:
            others = choices.get(draft.products.get(line_id, 0), [])
            if not others:
                continue
            text, keyboard = swap_screen(draft, line_id, others, 0)
            await show_in_place(query, text, keyboard)
            return
    await _reason_step(query, state, draft)


@router.callback_query(StateFilter(Returning.lines), ReturnSwapPageCb.filter())
async def swap_page(
    query: CallbackQuery, callback_data: ReturnSwapPageCb, state: FSMContext, uow: UnitOfWork, customer: Customer
) -> None:
    draft = await _swap_pressed(query, callback_data.line_id, state)
    product_id = draft.products.get(callback_data.line_id, 0)
    others = (await _swap_choices(uow, customer, draft, [callback_data.line_id])).get(product_id, [])
    text, keyboard = swap_screen(draft, callback_data.line_id, others, callback_data.page)
    await show_in_place(query, text, keyboard)


async def _swap_pressed(query: CallbackQuery, line_id: int, state: FSMContext) -> ReturnDraft:
    """A press on an exchange's question about ``line_id``, answered; the draft it belongs to."""
    await query.answer()
    draft = await return_draft_of(state)
    if line_id not in draft.chosen:
        raise NothingToReturn()
    return draft


@router.callback_query(StateFilter(Returning.lines), ReturnSwapCb.filter())
async def swap_chosen(
    query: CallbackQuery,
    callback_data: ReturnSwapCb,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
) -> None:
    """A variant picked is checked as the request will be; refused, the draft keeps nothing of it and the customer
    a way on: another variant, or (the order itself changed) the exchange dropped, never a question left live."""
    asked = await _swap_pressed(query, callback_data.line_id, state)
    draft = replace(asked, swaps={**asked.swaps, callback_data.line_id: callback_data.product_id})
    try:
        await check_swaps(
            uow,
            clock,
            customer_id=customer.id or 0,
            code=draft.code,
            quantities=draft.chosen,
            swaps={line_id: product_id for line_id, product_id in draft.swaps.items() if product_id},
            window_days=settings.return_window_days,
            support=settings.support_chat_id is not None,
        )
    except (ChannelPaidRise, ChannelPaidRiseNoChat) as refused:
        await _swap_refused(query, state, draft, refused, settings)
        return
    except VARIANT_GONE as refused:
        await _pick_another(query, asked, callback_data.line_id, refused, uow, customer, settings)
        return
    except DomainError as refused:
        await _exchange_dropped(query, state, draft, refused, settings)
        return
    await save_return(state, draft)
    await _swap_or_reason_step(query, state, draft, uow, customer)


async def _swap_refused(
    query: CallbackQuery, state: FSMContext, draft: ReturnDraft, refused: DomainError, settings: ShopSettings
) -> None:
    """A dearer variant the order's channel must be paid for, refused as it is picked: the request is dropped, not
    left half asked until /cancel, and the ways on are offered in its place (a refund, another exchange)."""
    await state.clear()
    ways_on = _(
        "This exchange was not opened. You can return the item for a refund instead, or exchange it for one that "
        "costs no more."
    )
    text = f"{domain_message(refused, timezone=settings.timezone)}\n\n{ways_on}"
    rows = [
        [button(_("↩️ Return"), ReturnStartCb(code=draft.code, kind=ReturnKind.REFUND))],
        [button(_("🔁 Exchange"), ReturnStartCb(code=draft.code, kind=ReturnKind.EXCHANGE))],
    ]
    await show_in_place(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


# The variant itself gone since it was offered (sold out, stopped being sold): the order is as it was, so another
# may be picked.
VARIANT_GONE = (ReplacementShort, NotOnSale, Discontinued, NotASwap)


async def _pick_another(
    query: CallbackQuery,
    draft: ReturnDraft,
    line_id: int,
    refused: DomainError,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
) -> None:
    """Why the variant picked cannot be sent, above the question asked again with what may be picked now."""
    product_id = draft.products.get(line_id, 0)
    others = (await _swap_choices(uow, customer, draft, [line_id])).get(product_id, [])
    text, keyboard = swap_screen(draft, line_id, others, 0)
    await show_in_place(query, f"{domain_message(refused, timezone=settings.timezone)}\n\n{text}", keyboard)


async def _exchange_dropped(
    query: CallbackQuery, state: FSMContext, draft: ReturnDraft, refused: DomainError, settings: ShopSettings
) -> None:
    """The order changed under the exchange (its items taken by another return, the window closed): nothing of it
    can go on, so it is dropped and said so in place of the question; where fewer may still come back, it may be
    started again on what is left."""
    await state.clear()
    not_opened = _("This exchange was not opened.")
    text = f"{domain_message(refused, timezone=settings.timezone)}\n\n{not_opened}"
    rows = []
    if isinstance(refused, TooManyReturned):
        rows.append([button(_("🔁 Exchange"), ReturnStartCb(code=draft.code, kind=ReturnKind.EXCHANGE))])
    await show_in_place(query, text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)


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
        await _swap_or_reason_step(query, state, draft, uow, customer)
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


async def _photos_step(target: Target, state: FSMContext) -> None:
    await state.set_state(Returning.photos)
    await target.answer(
        _("Photos help us decide quickly: send up to {n} now, or press Skip.").format(n=MAX_PHOTOS),
        reply_markup=_go_on(done=False),
    )


def _go_on(*, done: bool) -> InlineKeyboardMarkup:
    """The photo step's way on: Skip while nothing was sent there, Done once something was."""
    text = _("Done ➡️") if done else _("Skip ➡️")
    return InlineKeyboardMarkup(inline_keyboard=[[button(text, ReturnMethodCb(method="photos_done"))]])


@router.callback_query(StateFilter(Returning.reason), ReturnReasonCb.filter())
async def reason_chosen(query: CallbackQuery, callback_data: ReturnReasonCb, state: FSMContext) -> None:
    target = pressed_in(query)
    await query.answer()
    reason = ReturnReason(callback_data.reason)
    await save_return(state, replace(await return_draft_of(state), reason=reason))
    if reason is ReturnReason.OTHER:
        await state.set_state(Returning.other)
        await target.answer(_("Tell us in a few words what is wrong."))
        return
    await _photos_step(target, state)


@router.message(StateFilter(Returning.other), F.text, ~F.text.startswith("/"))
async def other_reason(message: Message, state: FSMContext) -> None:
    await save_return(state, replace(await return_draft_of(state), note=typed(message.text or "", MAX_NOTE)))
    await _photos_step(message, state)


@router.message(StateFilter(Returning.photos), F.photo)
async def photo_added(message: Message, state: FSMContext) -> None:
    assert message.photo
    draft = await return_draft_of(state)
    if len(draft.photos) >= MAX_PHOTOS:
        await message.answer(_("That is enough photos, thank you. Press Done."))
        return
    photos = (*draft.photos, message.photo[-1].file_id)
    await save_return(state, replace(draft, photos=photos))
    await message.answer(_("Photo {n} received.").format(n=len(photos)), reply_markup=_go_on(done=True))


@router.message(StateFilter(Returning.photos), F.text, ~F.text.startswith("/"))
async def described_at_photos(message: Message, state: FSMContext) -> None:
    """Words where photos are asked for describe the problem ("it is torn"): kept as the request's note (after the
    words an "other" reason asked for), which staff read on /rma, rather than refused."""
    draft = await return_draft_of(state)
    said = typed(message.text or "", MAX_NOTE)
    note = typed("\n".join(part for part in (draft.note, said) if part), MAX_NOTE)
    await save_return(state, replace(draft, note=note))
    await message.answer(
        _("📝 Added to your request: staff will read it. Send photos too, or press ➡️ to go on."),
        reply_markup=_go_on(done=True),
    )


@router.message(StateFilter(Returning.photos), ~F.text.startswith("/"))
async def not_a_photo(message: Message, state: FSMContext) -> None:
    """A file (a PDF, a picture sent uncompressed), a sticker or a voice message where photos are asked for: staff
    see photos only, so the customer is told how to send one, with the step's way on under it."""
    draft = await return_draft_of(state)
    if message.document is not None:
        text = _("Please send it as a photo, not as a file — or press ➡️ to go on.")
    else:
        text = _("Send a photo or a few words about the problem — or press ➡️ to go on.")
    await message.answer(text, reply_markup=_go_on(done=bool(draft.photos or draft.note)))


@router.callback_query(ReturnMethodCb.filter(F.method == "photos_done"), StateFilter(Returning.photos))
async def photos_done(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await state.set_state(Returning.method)
    rows = [
        [button(_("🏬 I will bring it to a store"), ReturnMethodCb(method=ReturnMethod.DROP_OFF.value))],
        [button(_("🚚 Please collect it by courier"), ReturnMethodCb(method=ReturnMethod.COURIER.value))],
    ]
    await pressed_in(query).answer(
        _("How will the goods come back?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


@router.callback_query(StateFilter(Returning.method), ReturnMethodCb.filter(F.method != "photos_done"))
async def method_chosen(
    query: CallbackQuery,
    callback_data: ReturnMethodCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    draft = await return_draft_of(state)
    assert draft.reason is not None  # asked before the photos, and the photos before this
    request = await request_return(
        uow,
        clock,
        customer_id=customer.id or 0,
        code=draft.code,
        kind=draft.kind,
        reason=draft.reason,
        method=ReturnMethod(callback_data.method),
        quantities=dict(draft.chosen),
        window_days=settings.return_window_days,
        note=draft.note,
        photos=list(draft.photos),
        staff_chat_id=settings.staff_chat_id,
        swaps={line_id: product_id for line_id, product_id in draft.swaps.items() if product_id},
        support=settings.support_chat_id is not None,
    )
    await state.clear()
    await query.answer()
    await pressed_in(query).answer(
        _("Your request {rma} is registered. We will check it and tell you the next step here.").format(
            rma=request.rma_code
        )
    )
