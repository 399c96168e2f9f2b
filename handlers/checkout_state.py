"""A checkout's steps, what it has gathered between them (kept in the FSM data), and what that is quoted."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.orders import DeliveryMethod, PaymentMethod
from domain.ports import Clock, UnitOfWork
from domain.usecases.checkout_options import ShippingOptions, shipping_options
from handlers.catalog import customer_currency, reading_language
from handlers.context import ShopSettings
from handlers.drafts import DraftSlot
from handlers.views.pressed import pressed_in


class Checkout(StatesGroup):
    phone = State()
    delivery = State()
    address = State()
    location = State()
    pickup = State()
    shipping = State()
    payment = State()
    review = State()
    gift = State()
    promo = State()  # typing a promo code (handlers.promo)
    po_number = State()  # a business typing its purchase order number (handlers.po_number)


@dataclass(frozen=True, slots=True)
class CheckoutDraft:
    """The answers so far. Stored as a JSON-safe dict under the key names the FSM data has
    always had, so a checkout in progress goes on across a deploy, either way."""

    phone: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    pickup_id: int | None = None  # the pickup point (a warehouse) chosen instead of a courier
    rate_id: int | None = None  # the courier's shipping rate
    shipping_minor: int | None = None  # its price when chosen: the review says so when the cart has moved it
    shipping_currency: str = ""
    payment: PaymentMethod | None = None
    key: str | None = None  # the order's idempotency key, made with the payment choice; Confirm carries it
    gift: bool = False
    gift_message: str = ""
    review_message_id: int | None = None  # the review whose Confirm button /cancel disarms
    promo_code: str = ""  # applied at review; checked again when the order is placed
    po_number: str = ""  # a business's purchase order number, typed at review: the order's reference
    reviewed_minor: int | None = None  # the goods' total the review showed: the order is placed only at it
    reviewed_currency: str = ""
    reviewed_shipping_minor: int | None = None  # its delivery's price (0: a pickup) and total, compared too
    reviewed_total_minor: int | None = None
    # The first message of this checkout (its step 1). A chat's message ids only grow, so a step's message with a
    # lower id was an earlier checkout's: none when the checkout began before this was kept.
    started_message_id: int | None = None

    @property
    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod.PICKUP if self.pickup_id else DeliveryMethod.COURIER

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the courier goes, when the customer shared it."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


_SLOT = DraftSlot(CheckoutDraft)
draft_of = _SLOT.of
save = _SLOT.save


async def quoted(
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    promo_code: str | None = None,
) -> ShippingOptions:
    """The cart, its delivery zone and the carriers' quotes for the address chosen so far;
    with ``promo_code``, its discounts too."""
    return await shipping_options(
        uow,
        clock,
        settings.checkout_policy,
        customer_id=customer.id or 0,
        point=draft.point,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        price_group=customer.price_group,
        promo_code=promo_code,
        language=reading_language(),
    )


async def out_of_date(query: CallbackQuery, state: FSMContext) -> bool:
    """A step's button on a message over 48 hours old (True): its hold may have lapsed and its prices moved, so the
    checkout is not taken on from there; the customer is told where the cart is and how to start again. A step of an
    earlier checkout ends nothing more: the one started since is kept and goes on from its own latest step."""
    message = query.message
    if isinstance(message, Message):
        return False
    await query.answer()
    started = (await draft_of(state)).started_message_id
    if message is not None and started is not None and message.message_id < started:
        await pressed_in(query).answer(
            _(
                "This step is from an earlier checkout and is out of date. The checkout you started since is kept: "
                "go on from its latest step above, or /cancel to stop it."
            )
        )
        return True
    await state.clear()
    await pressed_in(query).answer(
        _(
            "This checkout step was shown over two days ago and is out of date. Your cart is kept: /cart — "
            "/checkout starts again."
        )
    )
    return True
