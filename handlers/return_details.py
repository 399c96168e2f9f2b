"""A return's reason, photos and way back, then the request registered with its RMA code."""

from __future__ import annotations

from dataclasses import replace

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.returns import ReturnMethod, ReturnReason, reasons_offered
from domain.text import MAX_NOTE, typed
from domain.usecases.returns import request_return
from handlers.callbacks import ReturnMethodCb, ReturnReasonCb, button
from handlers.context import ShopSettings
from handlers.return_state import ReturnDraft, Returning, return_draft_of, save_return
from handlers.views.labels import label
from handlers.views.pressed import Target, pressed_in, show_in_place

router = Router(name=__name__)
MAX_PHOTOS = 5


async def reason_step(query: CallbackQuery, state: FSMContext, draft: ReturnDraft) -> None:
    await state.set_state(Returning.reason)
    reasons = reasons_offered(size_swap=any(draft.swaps.values()))
    rows = [[button(label("return_reason_button", r.value), ReturnReasonCb(reason=r.value))] for r in reasons]
    await show_in_place(query, _("Why?"), InlineKeyboardMarkup(inline_keyboard=rows))


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
