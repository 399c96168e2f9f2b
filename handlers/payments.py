"""Telegram Payments: the pre-checkout check (answered well within 10 s) and the receipt."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, PreCheckoutQuery
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.payments import INVOICE_PAYLOAD_PREFIX, check_pre_checkout, record_card_payment
from handlers.callbacks import ContactCb, PayDifferenceCb
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.views.rendering import fill, format_money

router = Router(name=__name__)


@router.pre_checkout_query()
async def pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, settings: ShopSettings) -> None:
    try:
        await check_pre_checkout(uow, payload=query.invoice_payload, amount=query.total_amount, currency=query.currency)
    except DomainError as refused:
        await query.answer(ok=False, error_message=domain_message(refused, html=False, timezone=settings.timezone))
        await payment_failed(query, settings, domain_message(refused, timezone=settings.timezone))
        return
    await query.answer(ok=True)


async def payment_failed(query: PreCheckoutQuery, settings: ShopSettings, reason: str) -> None:
    """Telegram shows the refusal in its payment form, which then closes: the chat keeps the
    reason, and a way to reach a person when the shop has a support chat."""
    assert query.bot is not None
    payload = query.invoice_payload
    code = payload.removeprefix(INVOICE_PAYLOAD_PREFIX)[:16] if payload.startswith(INVOICE_PAYLOAD_PREFIX) else ""
    keyboard = None
    if settings.support_chat_id is not None:
        contact = InlineKeyboardButton(text=_("💬 Contact us"), callback_data=ContactCb(code=code).pack())
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[contact]])
    text = _("⚠️ The payment did not go through, and nothing was charged.") + "\n" + reason
    with contextlib.suppress(TelegramForbiddenError):  # paid from a link by someone who never wrote to us
        await query.bot.send_message(query.from_user.id, text, reply_markup=keyboard)


@router.message(F.successful_payment)
async def paid(message: Message, uow: UnitOfWork, clock: Clock, settings: ShopSettings) -> None:
    payment = message.successful_payment
    assert payment is not None
    order, first_time, left = await record_card_payment(
        uow,
        clock,
        payload=payment.invoice_payload,
        amount=payment.total_amount,
        currency=payment.currency,
        telegram_charge_id=payment.telegram_payment_charge_id,
        provider_charge_id=payment.provider_payment_charge_id,
        staff_chat_id=settings.staff_chat_id,
    )
    if first_time and left.amount < 0:  # an invoice sent before an edit lowered the order, paid after it
        text = _(
            "💳 Payment received for order {code}: {paid}. The order changed after that invoice was sent and now"
            " costs {total}: we owe you the {excess} charged beyond it and will refund it the way you paid."
        )
        paid_money = Money(payment.total_amount, payment.currency)
        excess = format_money(-left)
        await message.answer(
            fill(text, code=order.code, paid=format_money(paid_money), total=format_money(order.total), excess=excess)
        )
    elif first_time and left.amount:  # an invoice sent before an edit raised the order, paid after it
        text = _(
            "💳 Payment received for order {code}: {paid}. The order changed after that invoice was sent:"
            " {left} is left to pay before it can leave."
        )
        paid_money = Money(payment.total_amount, payment.currency)
        pay = InlineKeyboardButton(
            text=_("💳 Pay the difference"), callback_data=PayDifferenceCb(code=order.code).pack()
        )
        await message.answer(
            fill(text, code=order.code, paid=format_money(paid_money), left=format_money(left)),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[pay]]),
        )
    elif first_time:
        await message.answer(
            _("💳 Payment received for order {code}. Thank you! We are preparing it now.").format(code=order.code)
        )
