"""/refunds — the orders that owe their customers money back outside returns, a page at a time;
/refund CODE AMOUNT reason — a goodwill refund, money back on an order with no return."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.money import split_typed_amount
from domain.orders import PaymentMethod
from domain.ports import Clock, UnitOfWork
from domain.usecases.goodwill import give_goodwill, goodwill_reason
from domain.usecases.owed_back import OwedBackPage, owed_back_page
from handlers.callbacks_staff import OwedBackPageCb
from handlers.views.markup import packed
from handlers.views.pager import pager
from handlers.views.pressed import show_in_place
from handlers.views.rendering import Renderer, fill, format_money, shorten

router = Router(name=__name__)
PAGE = 20  # orders a page
REASON_SHOWN = 60  # characters of a goodwill's reason its reply repeats (the timeline keeps it whole)


def _screen(found: OwedBackPage, renderer: Renderer) -> tuple[str, InlineKeyboardMarkup | None]:
    nav = pager(found.page, found.pages, lambda n: packed(OwedBackPageCb, n))
    return renderer.render("staff/refunds_owed.html.j2", q=found, offset=found.page * PAGE), (
        InlineKeyboardMarkup(inline_keyboard=nav) if nav else None
    )


@router.message(Command("refunds"))
async def refunds(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    found = await owed_back_page(uow, staff_id=message.from_user.id, page=0, page_size=PAGE)
    text, keyboard = _screen(found, renderer)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(OwedBackPageCb.filter())
async def refunds_turn(
    query: CallbackQuery, callback_data: OwedBackPageCb, uow: UnitOfWork, renderer: Renderer
) -> None:
    found = await owed_back_page(uow, staff_id=query.from_user.id, page=callback_data.page, page_size=PAGE)
    moved = found.page != callback_data.page
    await query.answer(_("Refunds were paid back since: this is the last page now.") if moved else None)
    text, keyboard = _screen(found, renderer)
    await show_in_place(query, text, keyboard)  # a list shown days ago: the page comes as a new message


@router.message(Command("refund"))
async def goodwill(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    """Money back without a return: recorded as owed back, paid from /order by whoever records payments."""
    assert message.from_user is not None
    parts = (command.args or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.answer(_("Usage: /refund CODE AMOUNT reason — money back on an order without a return."))
        return
    amount_text, reason = split_typed_amount(parts[1])  # "1 000 wrong size": 1000, as /po pay reads it
    order, amount = await give_goodwill(
        uow, clock, staff_id=message.from_user.id, code=parts[0], amount_text=amount_text, reason=reason
    )
    if order.payment_method is PaymentMethod.COD:  # paid in cash at the door or the counter: no card to refund
        said = _(
            "💸 Goodwill refund of {amount} on order {code} for “{reason}” recorded as owed back; the customer is "
            "told. The order was paid in cash: pay it back in cash, then press 💸 Refund paid back on /order {code}."
        )
    elif order.paid_at is not None:  # another channel took the money: no Telegram charge to refund here
        said = _(
            "💸 Goodwill refund of {amount} on order {code} for “{reason}” recorded as owed back; the customer is "
            "told. The order was paid at {channel}: refund it there, then press 💸 Refund paid back on /order {code}."
        )
    else:
        said = _(
            "💸 Goodwill refund of {amount} on order {code} for “{reason}” recorded as owed back; the customer is "
            "told. It is paid back from /order {code} (💸 Refund paid back)."
        )
    # The amount and the reason as read, side by side: staff see at once where the amount ended.
    reason_read = shorten(goodwill_reason(reason), REASON_SHOWN)
    channel = order.paid_at or _("the sales channel")  # "": a channel whose name is not known
    await message.answer(fill(said, amount=format_money(amount), code=order.code, reason=reason_read, channel=channel))
