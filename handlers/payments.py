"""Telegram Payments: the pre-checkout check (answered well within 10 s) and the receipt."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.ports import Clock, UnitOfWork
from domain.usecases.payments import check_pre_checkout, record_card_payment
from handlers.errors import domain_message
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.pre_checkout_query()
async def pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork) -> None:
    try:
        await check_pre_checkout(uow, payload=query.invoice_payload, amount=query.total_amount, currency=query.currency)
    except DomainError as refused:
        await query.answer(ok=False, error_message=domain_message(refused, html=False))
        return
    await query.answer(ok=True)


@router.message(F.successful_payment)
async def paid(message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer) -> None:
    payment = message.successful_payment
    assert payment is not None
    order, first_time = await record_card_payment(
        uow,
        clock,
        payload=payment.invoice_payload,
        amount=payment.total_amount,
        currency=payment.currency,
        telegram_charge_id=payment.telegram_payment_charge_id,
        provider_charge_id=payment.provider_payment_charge_id,
    )
    if first_time:
        await message.answer(
            _("💳 Payment received for order {code}. Thank you! We are preparing it now.").format(code=order.code)
        )
