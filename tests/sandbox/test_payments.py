"""The sandbox's Telegram Payments as Telegram does them: invoice links, shipping queries and
their answers, and what a flexible invoice's payment carries — driven by a bare aiogram bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import LabeledPrice, Message, PreCheckoutQuery, ShippingOption, ShippingQuery

from sandbox import SandboxServer, SandboxUser

PRICES = [LabeledPrice(label="Mug", amount=900)]
EXPRESS = ShippingOption(id="express", title="Express", prices=[LabeledPrice(label="Express", amount=500)])


@pytest.fixture
async def shop() -> AsyncIterator[tuple[SandboxServer, Bot, list[Any]]]:
    """A bare bot: a flexible invoice on "buy", shipping only to GB, every payment recorded."""
    server = SandboxServer()
    await server.start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    seen: list[Any] = []
    dp = Dispatcher()

    @dp.message(F.text == "buy")
    async def buy(message: Message) -> None:
        await message.answer_invoice(
            title="Mug",
            description="One mug",
            payload="buy:1",
            currency="EUR",
            prices=PRICES,
            provider_token="t",
            need_shipping_address=True,
            is_flexible=True,
        )

    @dp.shipping_query()
    async def shipping(query: ShippingQuery) -> None:
        seen.append(("shipping", query.shipping_address.country_code, query.invoice_payload))
        if query.shipping_address.country_code != "GB":
            await query.answer(ok=False, error_message="We do not deliver there")
            return
        await query.answer(ok=True, shipping_options=[EXPRESS])

    @dp.pre_checkout_query()
    async def checkout(query: PreCheckoutQuery) -> None:
        address = query.order_info.shipping_address if query.order_info else None
        seen.append(("pre_checkout", query.total_amount, query.shipping_option_id, address and address.city))
        await query.answer(ok=True)

    @dp.message(F.successful_payment)
    async def paid(message: Message) -> None:
        payment = message.successful_payment
        assert payment is not None
        seen.append(("paid", payment.total_amount, payment.shipping_option_id))
        await message.answer("thanks")

    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, handle_as_tasks=False, polling_timeout=1))
    yield server, bot, seen
    await dp.stop_polling()
    await server.release_pollers()
    await asyncio.wait_for(task, 5)
    await bot.session.close()
    await server.stop()


async def test_an_invoice_link_opens_the_same_invoice_and_is_paid_like_one(
    shop: tuple[SandboxServer, Bot, list[Any]],
) -> None:
    server, bot, seen = shop
    link = await bot.create_invoice_link(
        title="Order 1", description="Two mugs", payload="order:1", provider_token="t", currency="EUR", prices=PRICES
    )
    assert link.startswith("https://t.me/$")
    user = SandboxUser(server, 51, "Ann")
    invoice = user.open_invoice_link(link)
    assert invoice.invoice is not None and invoice.invoice["total_amount"] == 900
    assert (await user.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
    assert (await user.pay(invoice)).last.text == "thanks"
    assert seen == [("pre_checkout", 900, None, None), ("paid", 900, None)]


async def test_invoice_links_are_checked_as_invoices_are(shop: tuple[SandboxServer, Bot, list[Any]]) -> None:
    _, bot, _ = shop
    with pytest.raises(TelegramBadRequest, match="PAYMENT_PROVIDER_INVALID"):
        await bot.create_invoice_link(
            title="T", description="D", payload="p", provider_token="", currency="EUR", prices=PRICES
        )
    with pytest.raises(TelegramBadRequest, match="INVOICE_TITLE_INVALID"):
        await bot.create_invoice_link(
            title="x" * 33, description="D", payload="p", provider_token="t", currency="EUR", prices=PRICES
        )


async def test_a_flexible_invoice_asks_the_bot_for_shipping_and_the_option_is_added(
    shop: tuple[SandboxServer, Bot, list[Any]],
) -> None:
    server, _, seen = shop
    user = SandboxUser(server, 52, "Ben")
    invoice = (await user.send("buy")).last
    assert invoice.invoice is not None and invoice.invoice["is_flexible"]
    abroad = await user.enter_shipping_address(invoice, country_code="US", city="Boston")
    assert abroad.shipping_answer == {"ok": False, "error_message": "We do not deliver there", "options": None}
    with pytest.raises(AssertionError, match="shipping option the bot offered"):
        await user.pre_checkout(invoice, "express")  # none offered for that address
    home = await user.enter_shipping_address(invoice, country_code="GB", city="London", street_line1="1 High St")
    assert home.shipping_answer is not None and home.shipping_answer["ok"]
    with pytest.raises(AssertionError, match="shipping option the bot offered"):
        await user.pre_checkout(invoice, "overnight")
    assert (await user.pre_checkout(invoice, "express")).pre_checkout_answer == {"ok": True, "error_message": None}
    assert (await user.pay(invoice, shipping_option_id="express")).last.text == "thanks"
    assert seen == [
        ("shipping", "US", "buy:1"),
        ("shipping", "GB", "buy:1"),
        ("pre_checkout", 1400, "express", "London"),
        ("paid", 1400, "express"),
    ]


async def test_shipping_answers_are_checked_as_telegram_checks_them(shop: tuple[SandboxServer, Bot, list[Any]]) -> None:
    server, bot, _ = shop
    user = SandboxUser(server, 53, "Cy")
    invoice = (await user.send("buy")).last
    assert invoice.invoice is not None
    query_id = server.new_shipping_query(user.id, invoice.invoice, {"country_code": "GB"})
    with pytest.raises(TelegramBadRequest, match="SHIPPING_OPTIONS_EMPTY"):
        await bot.answer_shipping_query(query_id, ok=True, shipping_options=[])
    with pytest.raises(TelegramBadRequest, match="error_message is required"):
        await bot.answer_shipping_query(query_id, ok=False)
    twice = [EXPRESS, EXPRESS]
    with pytest.raises(TelegramBadRequest, match="SHIPPING_ID_DUPLICATE"):
        await bot.answer_shipping_query(query_id, ok=True, shipping_options=twice)
    assert await bot.answer_shipping_query(query_id, ok=True, shipping_options=[EXPRESS])
    with pytest.raises(TelegramBadRequest, match="QUERY_ID_INVALID"):
        await bot.answer_shipping_query(query_id, ok=True, shipping_options=[EXPRESS])
    plain = {**invoice.invoice, "is_flexible": False}
    with pytest.raises(AssertionError, match="only for a flexible invoice"):
        server.new_shipping_query(user.id, plain, {"country_code": "GB"})
