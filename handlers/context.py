"""What a handler is given, by name: the shop's settings and services (``Dispatcher(**deps)``,
built by the composition root) and what the per-update middlewares add (``HandlerData``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypedDict

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import User
from aiogram.utils.i18n import I18n

from domain.customers import Customer
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.replenishment import ServiceLevels
from domain.support_hours import SupportHours
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.editing import EditPolicy
from handlers.views.rendering import Renderer


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """The part of the configuration handlers read: built once, when the bot starts."""

    default_currency: str
    timezone: str
    catalog_page_size: int
    orders_page_size: int
    hold_minutes: int
    return_window_days: int
    invoice_net_days: int
    service_levels: ServiceLevels  # fill-rate targets of the replenishment policy
    staff_chat_id: int | None
    support_chat_id: int | None  # SUPPORT_CHAT_ID, else the staff chat; None: no support chat
    support_sign_replies: bool
    payment_provider_token: str | None  # without it, online card payment is not offered
    checkout_policy: CheckoutPolicy
    webapp_url: str | None = None  # the Mini App's public base (WEBAPP_URL): /shop and /dashboard open it
    order_edit_window_minutes: int = 30  # ORDER_EDIT_WINDOW_MINUTES: a customer may change an order this long
    shipping_countries: frozenset[str] = frozenset()  # SHIPPING_COUNTRIES: where "Buy now" orders are delivered
    # SUPPORT_HOURS, in ``timezone``; no windows: someone always answers
    support_hours: SupportHours = field(default_factory=SupportHours)

    @property
    def buy_now(self) -> bool:
        """ "Buy now" on product cards: card payments taken, and somewhere to deliver to."""
        return bool(self.payment_provider_token and self.shipping_countries)

    @property
    def edit_policy(self) -> EditPolicy:
        return EditPolicy(self.checkout_policy, self.order_edit_window_minutes, self.support_chat_id is not None)


class OutboxSender(Protocol):
    async def deliver_now(self, chat_id: int) -> None:
        """Send what the outbox holds for this chat now, as a reply (after a commit)."""
        ...

    async def send_reply(self, notification: Notification) -> None:
        """Send a message written with ``OutboxRepository.add_reply`` (after its commit)."""
        ...


class PromoGuessLimit(Protocol):
    async def over(self, customer_id: int) -> bool:
        """Whether the customer typed too many unknown promo codes lately (none is checked then)."""
        ...

    async def failed(self, customer_id: int) -> None:
        """Count an unknown promo code the customer typed."""
        ...


class HandlerData(TypedDict, total=False):
    """Every keyword a handler may ask for (aiogram passes each by its name); a handler's
    filters add their own (``callback_data``, ``command``). A test checks each handler's
    parameters against these names and types."""

    # Long-lived, given to the Dispatcher by the composition root (bot.app, bot.runtime).
    settings: ShopSettings
    renderer: Renderer
    i18n: I18n
    notifier: OutboxSender
    promo_guesses: PromoGuessLimit
    # Per update, from bot.middlewares.UnitOfWorkMiddleware.
    uow: UnitOfWork  # reusable: one transaction per use case
    clock: Clock
    customer: Customer  # human senders only; support staff assisting someone see that customer
    reader: Customer  # who reads the reply: the sender, also while assisting
    assisting: bool
    # aiogram's own.
    bot: Bot
    state: FSMContext
    fsm_storage: BaseStorage
    event_from_user: User


def assist_context(data: Mapping[str, Any]) -> FSMContext | None:
    """A separate FSM slot (destiny "assist"), so a checkout clearing its own state keeps it."""
    state: FSMContext | None = data.get("state")
    storage: BaseStorage | None = data.get("fsm_storage")
    if state is None or storage is None:
        return None
    return FSMContext(storage=storage, key=replace(state.key, destiny="assist"))
