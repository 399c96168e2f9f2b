"""An exchange's size swap: the variant each line is exchanged for, checked as it is picked."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.catalog import Discontinued, Product
from domain.customers import Customer
from domain.editing import ChannelPaidRise, ChannelPaidRiseNoChat
from domain.errors import DomainError
from domain.ports import Clock, UnitOfWork
from domain.returns import NotASwap, NothingToReturn, NotOnSale, ReplacementShort, ReturnKind, TooManyReturned
from domain.usecases.returns import check_swaps, swap_choices
from handlers.callbacks import ReturnStartCb, ReturnSwapCb, ReturnSwapPageCb, button
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.return_details import reason_step
from handlers.return_screens import swap_screen
from handlers.return_state import ReturnDraft, Returning, return_draft_of, save_return
from handlers.views.pressed import show_in_place

router = Router(name=__name__)


async def _swap_choices(
    uow: UnitOfWork, customer: Customer, draft: ReturnDraft, lines: list[int]
) -> dict[int, list[Product]]:
    """Per product of ``lines``, the variants it may be swapped to, as many as come back."""
    quantities: dict[int, int] = {}
    for line_id in lines:
        product_id = draft.products.get(line_id, 0)
        quantities[product_id] = max(quantities.get(product_id, 0), draft.chosen.get(line_id, 1))
    return await swap_choices(uow, customer_id=customer.id or 0, code=draft.code, quantities=quantities)


async def swap_or_reason_step(
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
    await reason_step(query, state, draft)


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
    await swap_or_reason_step(query, state, draft, uow, customer)


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
