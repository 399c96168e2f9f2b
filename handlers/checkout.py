"""Checkout, a conversation: contact → delivery → shipping → payment → review → order.

This module enters and leaves it, takes the contact and where the order goes (a courier's
address and location, or a pickup point); the shipping options are ``handlers.checkout_options``, the choice
among them ``handlers.checkout_shipping``,
payment, review and Confirm ``handlers.checkout_payment``. ``/cancel`` leaves at any step and
keeps the cart. Every answer is validated here for shape only; the rules (phone format,
routing, prices, idempotency) live in the domain.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer, normalize_phone
from domain.orders import DeliveryMethod
from domain.ports import Clock, UnitOfWork
from domain.text import MAX_ADDRESS, typed
from domain.usecases.cart import view_cart
from domain.usecases.checkout_options import pickup_points
from domain.usecases.customers import forget_address, saved_addresses
from handlers.callbacks import (
    DeliveryChoice,
    ForgetAddress,
    PickupChoice,
    SavedAddress,
    StartCheckout,
    pickup_label,
    rows_of,
    shorten,
)
from handlers.catalog import customer_currency
from handlers.checkout_options import ask_shipping
from handlers.checkout_payment import ask_payment
from handlers.checkout_state import Checkout, CheckoutDraft, draft_of, out_of_date, save
from handlers.context import ShopSettings
from handlers.menu import main_menu
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)


# ------------------------------------------------------------------ entering and leaving
@router.message(Command("cancel"), StateFilter(Checkout))
async def cancel_checkout(message: Message, state: FSMContext, bot: Bot) -> None:
    review = (await draft_of(state)).review_message_id
    await state.clear()
    if review:  # its Confirm button is dead now; a short line instead of the review again
        await bot.edit_message_text(_("Checkout cancelled."), chat_id=message.chat.id, message_id=review)
    await message.answer(_("Checkout cancelled. Your cart is kept: /cart"), reply_markup=main_menu())


@router.message(Command("checkout"))
async def checkout_command(message: Message, state: FSMContext, customer: Customer, **deps: Any) -> None:
    await ask_phone(message, state, customer, **deps)


@router.callback_query(StartCheckout.filter())
async def checkout_button(query: CallbackQuery, state: FSMContext, customer: Customer, **deps: Any) -> None:
    await query.answer()
    await ask_phone(pressed_in(query), state, customer, **deps)  # a cart days old starts a checkout as today's


async def ask_phone(
    message: Target,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    **_unused: Any,
) -> None:
    cart = await view_cart(
        uow,
        clock,
        customer_id=customer.id or 0,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        price_group=customer.price_group,
    )
    if cart.is_empty:  # refused at once, not after four steps; the cart says why it is empty
        await message.answer(renderer.render("cart.html.j2", cart=cart))
        return
    await state.clear()
    await state.set_state(Checkout.phone)
    rows = [[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]]
    if customer.phone:
        rows.append([KeyboardButton(text=customer.phone)])
    keyboard = ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    first = await message.answer(
        _(
            "Checkout, step 1 of 5. How can the courier or the shop reach you? Share your number or type it "
            "with the country code. /cancel to stop."
        ),
        reply_markup=keyboard,
    )
    await save(state, CheckoutDraft(started_message_id=first.message_id))


# ------------------------------------------------------------------------------ contact
@router.message(Checkout.phone, F.contact)
async def phone_shared(message: Message, state: FSMContext) -> None:
    assert message.contact is not None
    await _accept_phone(message, state, message.contact.phone_number)


@router.message(Checkout.phone, F.text, ~F.text.startswith("/"))
async def phone_typed(message: Message, state: FSMContext) -> None:
    await _accept_phone(message, state, message.text or "")


async def _accept_phone(message: Message, state: FSMContext, phone: str) -> None:
    normalized = normalize_phone(phone)  # a DomainError here is answered by the error handler; state stays
    await save(state, replace(await draft_of(state), phone=normalized))
    await state.set_state(Checkout.delivery)
    await message.answer(_("Thank you, {phone}.").format(phone=normalized), reply_markup=ReplyKeyboardRemove())
    await message.answer(
        _("Step 2 of 5. How would you like to get your order?"),
        reply_markup=rows_of(
            (_("🚚 Courier delivery"), DeliveryChoice(method=DeliveryMethod.COURIER.value)),
            (_("🏬 Pick up at a store"), DeliveryChoice(method=DeliveryMethod.PICKUP.value)),
        ),
    )


# ----------------------------------------------------------------------------- delivery
@router.callback_query(Checkout.delivery, DeliveryChoice.filter())
async def delivery_chosen(
    query: CallbackQuery, callback_data: DeliveryChoice, state: FSMContext, customer: Customer, uow: UnitOfWork
) -> None:
    message = query.message
    if await out_of_date(query, state) or not isinstance(message, Message):
        return
    await query.answer()
    if callback_data.method == DeliveryMethod.PICKUP.value:
        points = await pickup_points(uow)
        if not points:
            await message.answer(_("There are no pickup points yet; please choose courier delivery."))
            return
        await state.set_state(Checkout.pickup)
        await message.edit_text(
            _("Step 3 of 5. Choose a pickup point:"),
            reply_markup=rows_of(
                *[(pickup_label(w.name, w.address), PickupChoice(warehouse_id=w.id or 0)) for w in points]
            ),
        )
        return
    await state.set_state(Checkout.address)
    await _address_step(message, uow, customer)


async def _address_step(message: Message, uow: UnitOfWork, customer: Customer) -> None:
    """The addresses it ships to most as buttons, and a way to forget one no longer shipped to."""
    recent = await saved_addresses(uow, customer_id=customer.id or 0)
    saved: list[tuple[str, CallbackData]] = [(shorten(a.text), SavedAddress(index=i)) for i, a in enumerate(recent)]
    if saved:
        saved.append((_("🗑 Forget a saved address"), ForgetAddress()))
    await message.edit_text(
        _("Type the delivery address (street, house, flat, city, postcode)."),
        reply_markup=rows_of(*saved) if saved else None,
    )


@router.callback_query(Checkout.address, ForgetAddress.filter())
async def forget_address_pressed(
    query: CallbackQuery, callback_data: ForgetAddress, customer: Customer, uow: UnitOfWork, state: FSMContext
) -> None:
    """The list of those offered (the rest are not in the way), then the one pressed forgotten."""
    message = query.message
    if await out_of_date(query, state) or not isinstance(message, Message):
        return
    if callback_data.address_id:
        gone = await forget_address(uow, customer_id=customer.id or 0, address_id=callback_data.address_id)
        await query.answer(fill(_("Forgotten: {address}"), address=shorten(gone.text)) if gone else None)
    elif not callback_data.back:
        recent = await saved_addresses(uow, customer_id=customer.id or 0)
        buttons = [(shorten(f"🗑 {a.text}"), ForgetAddress(address_id=a.id or 0)) for a in recent]
        await query.answer()
        await message.edit_text(
            _("Which saved address should we forget? Orders placed to it keep it."),
            reply_markup=rows_of(*buttons, (_("⬅ Back"), ForgetAddress(back=1))),
        )
        return
    else:
        await query.answer()
    await _address_step(message, uow, customer)


@router.callback_query(Checkout.address, SavedAddress.filter())
async def saved_address_chosen(
    query: CallbackQuery, callback_data: SavedAddress, state: FSMContext, customer: Customer, **deps: Any
) -> None:
    if await out_of_date(query, state) or not isinstance(query.message, Message):
        return
    recent = await saved_addresses(deps["uow"], customer_id=customer.id or 0)
    if not 0 <= callback_data.index < len(recent):
        await query.answer()
        return
    address = recent[callback_data.index]
    draft = replace(await draft_of(state), address=address.text, latitude=address.latitude, longitude=address.longitude)
    await save(state, draft)
    await ask_shipping(query.message, state, draft, customer, **deps)
    await query.answer()


@router.message(Checkout.address, F.location)
async def location_before_address(message: Message, state: FSMContext) -> None:
    """A location sent first: kept as where the courier goes (it prices the delivery), but a point names no
    door or flat, so the address is still asked for; the location step after it is then not asked again."""
    assert message.location is not None
    location = message.location
    await save(state, replace(await draft_of(state), latitude=location.latitude, longitude=location.longitude))
    await message.answer(_("Location saved. Now type the delivery address (street, house, flat, city, postcode)."))


@router.message(Checkout.address, F.text, ~F.text.startswith("/"))
async def address_typed(message: Message, state: FSMContext, customer: Customer, **deps: Any) -> None:
    text = typed(message.text or "", MAX_ADDRESS)
    if len(text) < 5 or text.startswith("/"):
        await message.answer(_("Please type the full address, for example: 12 Baker Street, flat 3, London NW1 6XE."))
        return
    draft = replace(await draft_of(state), address=text)
    await save(state, draft)
    if draft.point is not None:  # the location came first
        await ask_shipping(message, state, draft, customer, **deps)
        return
    await state.set_state(Checkout.location)
    await _ask_location(message, _("Share your location for a precise delivery estimate, or press Skip."))


async def _ask_location(message: Message, question: str) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📍 Share location"), request_location=True)],
            [KeyboardButton(text=_("Skip"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await message.answer(question, reply_markup=keyboard)


@router.message(Checkout.location, F.location)
async def location_shared(message: Message, state: FSMContext, customer: Customer, **deps: Any) -> None:
    assert message.location is not None
    location = message.location
    draft = replace(await draft_of(state), latitude=location.latitude, longitude=location.longitude)
    await save(state, draft)
    await message.answer(_("Location saved."), reply_markup=ReplyKeyboardRemove())
    await ask_shipping(message, state, draft, customer, **deps)


@router.message(Checkout.location, F.text, ~F.text.startswith("/"))
async def location_skipped(message: Message, state: FSMContext, customer: Customer, **deps: Any) -> None:
    """Skip, or text typed instead: an address is the address (asked where it is again), anything
    else a hint; typed text counted as Skip lost a corrected address without a word."""
    if (message.text or "").strip().casefold() == _("Skip").casefold():
        await message.answer(_("No problem."), reply_markup=ReplyKeyboardRemove())
        await ask_shipping(message, state, await draft_of(state), customer, **deps)
        return
    text = typed(message.text or "", MAX_ADDRESS)
    if len(text) < 5:
        hint = _("To go on, share your location or press Skip. To change the address, send it in full.")
        await _ask_location(message, hint)
        return
    await save(state, replace(await draft_of(state), address=text))
    now = fill(_("The address is now: {address}."), address=text)
    await _ask_location(message, now + "\n" + _("Share your location for a precise delivery estimate, or press Skip."))


@router.callback_query(Checkout.pickup, PickupChoice.filter())
async def pickup_chosen(
    query: CallbackQuery,
    callback_data: PickupChoice,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
) -> None:
    if await out_of_date(query, state) or not isinstance(query.message, Message):
        return
    points = {w.id: w for w in await pickup_points(uow)}
    if callback_data.warehouse_id not in points:
        await query.answer(_("This pickup point is no longer available."), show_alert=True)
        return
    await query.answer()
    draft = replace(await draft_of(state), pickup_id=callback_data.warehouse_id, rate_id=None)
    await save(state, draft)
    await ask_payment(query.message, state, draft, customer, uow, clock, settings)
