"""A customer's say over campaigns: /unsubscribe, /subscribe, the button under each campaign, its product link."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.usecases.campaigns import open_campaign_link, subscribe, unsubscribe
from handlers.callbacks import UnsubscribeCb
from handlers.catalog import show_product_by_sku
from handlers.views.pressed import pressed_in
from handlers.views.rendering import Renderer

router = Router(name=__name__)


def _unsubscribed() -> str:
    return _("You will get no more news from us; your orders' messages still come. /subscribe brings the news back.")


@router.message(Command("unsubscribe"))
async def unsubscribe_command(message: Message, customer: Customer, uow: UnitOfWork, clock: Clock) -> None:
    await unsubscribe(uow, clock, customer=customer)
    await message.answer(_unsubscribed())


@router.message(Command("subscribe"))
async def subscribe_command(message: Message, customer: Customer, uow: UnitOfWork) -> None:
    await subscribe(uow, customer=customer)
    await message.answer(_("You will get our news again. /unsubscribe stops it."))


@router.callback_query(UnsubscribeCb.filter())
async def unsubscribe_button(
    query: CallbackQuery, callback_data: UnsubscribeCb, customer: Customer, uow: UnitOfWork, clock: Clock
) -> None:
    await unsubscribe(uow, clock, customer=customer, campaign_id=callback_data.campaign_id or None)
    await query.answer()
    await pressed_in(query).answer(_unsubscribed())  # a campaign's button is pressed weeks later as often as not


async def open_link(
    message: Message,
    campaign_id: int,
    product_id: int,
    customer: Customer,
    renderer: Renderer,
    uow: UnitOfWork,
    clock: Clock,
    currency: str,
) -> bool:
    """A campaign's product link (``/start cmp…``): counted, then the product's card."""
    product = await open_campaign_link(uow, clock, customer=customer, campaign_id=campaign_id, product_id=product_id)
    if product is None:
        return False
    await show_product_by_sku(message, product.sku, customer, renderer, uow, currency)
    return True
