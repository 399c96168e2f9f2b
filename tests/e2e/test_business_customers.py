"""Business customers: staff set who pays by invoice and on what terms; checkout follows them.

Demo data used: 85123A "White Hanging Heart T-Light Holder" £2.95, 806 in LON; courier
delivery without a location, first option: £5.90 for 3 units, £5.20 for 2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, checkout_to_payment, count, no_invoice_over_limit, order_code, scalar
from tests.fakes import FakeClock


async def customer_row(shop: RunningBot, telegram_id: int) -> m.CustomerRow:
    row = await scalar(shop, select(m.CustomerRow).where(m.CustomerRow.telegram_id == telegram_id))
    assert isinstance(row, m.CustomerRow)
    return row


async def test_staff_mark_a_business_whose_invoices_follow_its_terms_and_credit_limit(
    shop: RunningBot, clock: FakeClock
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    corp = SandboxUser(shop.server, 700, "Corp", username="corp")
    await corp.send("/start")
    support = await hire(shop, 701, "Sue", "support")
    refused = await support.send("/customer @corp business on 30 20")
    assert refused.last.text == "Your role (support) does not allow this."
    assert (await admin.send("/customer @corp business on -3")).last.text.startswith("Payment terms are due days")
    assert (await admin.send("/customer @corp business on 30 2.999")).last.text.startswith("Payment terms")
    assert not (await customer_row(shop, 700)).is_business

    marked = await admin.send("/customer @corp business on 30 20")
    assert marked.last.text == "Corp is now a business customer: invoices due in 30 days. Credit limit: £20.00."
    shown = await admin.send("/customer @corp")
    assert "🏢 Business: invoices due in 30 days · credit limit £20.00 · unpaid £0.00" in shown.last.text
    row = await customer_row(shop, 700)
    assert (row.is_business, row.payment_terms_days, row.credit_limit_minor) == (True, 30, 2000)

    await add_to_cart(corp, "85123A", 3)
    reply = await checkout_to_payment(corp, location=False)
    assert "🧾 Invoice, pay within 30 days" in reply.last.button_texts()
    reply = await corp.press(reply.last, "🧾")
    first = order_code(await corp.press(reply.last, "✅"))
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == first))
    assert order.total_minor == 1475 and order.invoice_due == (clock.now() + timedelta(days=30)).date()

    # £14.75 unpaid + £11.10 > £20.00: the invoice is not offered, saying the limit and what is open.
    await add_to_cart(corp, "85123A", 2)
    reply = await checkout_to_payment(corp, location=False)
    assert not any(text.startswith("🧾") for text in reply.last.button_texts())
    assert "£20.00" in reply.last.text and "£14.75" in reply.last.text and "£11.10" in reply.last.text
    assert await count(shop, m.OrderRow) == 1
    assert "unpaid £14.75" in (await admin.send("/customer 700")).last.text

    await admin.send(f"/paid {first}")  # once the first invoice is paid, the invoice is offered again
    await corp.send("/cancel")
    reply = await checkout_to_payment(corp, location=False)
    reply = await corp.press(reply.last, "🧾")
    second = await corp.press(reply.last, "✅")
    assert order_code(second) != first and await count(shop, m.OrderRow) == 2

    unmarked = await admin.send("/customer @corp business off")
    assert unmarked.last.text == "Corp is no longer a business customer."
    assert "Business" not in (await admin.send("/customer @corp")).last.text
    row = await customer_row(shop, 700)
    assert (row.is_business, row.payment_terms_days, row.credit_limit_minor) == (False, None, None)
    await add_to_cart(corp, "85123A", 1)
    reply = await checkout_to_payment(corp, location=False)
    assert not any("Invoice" in text for text in reply.last.button_texts())


async def test_a_business_without_terms_of_its_own_gets_the_shops(shop: RunningBot, clock: FakeClock) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    corp = SandboxUser(shop.server, 702, "Corp", language_code="ru")
    await corp.send("/start")
    await corp.send("/add 85123A 1")
    reply = await checkout_to_payment(corp)
    assert not any("Счёт" in text for text in reply.last.button_texts())
    await corp.send("/cancel")
    marked = await admin.send("/customer 702 business on")
    assert marked.last.text == "Corp is now a business customer: invoices due in 14 days."
    shown = await admin.send("/customer 702")
    assert (
        "🏢 Business: invoices due in 14 days · unpaid £0.00" in shown.last.text
        and "credit limit" not in shown.last.text
    )
    reply = await checkout_to_payment(corp)
    assert "🧾 Счёт, оплата в течение 14 дней" in reply.last.button_texts()
    await admin.send("/customer 702 business on 1")
    reply = await checkout_to_payment(corp)
    assert "🧾 Счёт, оплата в течение 1 дня" in reply.last.button_texts()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Please choose another way to pay.", "Step 4 of 5. How would you like to pay?", "💵 Cash on delivery")),
        ("ru", ("Выберите другой способ оплаты.", "Шаг 4 из 5. Как вы хотите оплатить?", "💵 Наличными при получении")),
    ],
)
async def test_an_order_over_the_credit_limit_is_asked_how_else_to_pay_and_placed_that_way(
    shop: RunningBot, language: str, words: tuple[str, str, str]
) -> None:
    """The refusal said "choose another way to pay" on a review that offers none: no button led back
    to the payment step, and the buyer was left to /cancel and start the checkout again. (The limit
    lowered while the review is open: an order over it from the start is not offered the invoice.)"""
    refusal, question, cash = words
    corp = SandboxUser(shop.server, 703, "Corp", language_code=language)
    await corp.send("/start")
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/customer 703 business on 30 20")
    await add_to_cart(corp, "85123A", 3)  # £14.75 with shipping: under £20.00
    reply = await checkout_to_payment(corp, location=False)
    reply = await corp.press(reply.last, "🧾")
    await admin.send("/customer 703 business on 30 10")
    over = await corp.press(reply.last, "✅")
    assert over.callback_answer is not None and refusal in over.callback_answer["text"]
    assert await count(shop, m.OrderRow) == 0
    asked = over.last
    assert asked.text.endswith(question) and cash in asked.button_texts()
    assert not any(text.startswith("🧾") for text in asked.button_texts())  # the way just refused is no other way
    reply = await corp.press(asked, cash)
    placed = await corp.press(reply.last, "✅")
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == order_code(placed)))
    assert order.payment_method == "cod" and order.invoice_number is None


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ("Corp is now a business customer: invoices due in 30 days. Credit limit: £1.50.", "£1,234.50")),
        (
            "ru",
            ("Corp теперь юрлицо: счета к оплате в течение 30 дней. Кредитный лимит: 1,50\xa0£.", "1\xa0234,50\xa0£"),
        ),
    ],
)
async def test_a_credit_limit_typed_with_a_decimal_comma_is_read_as_the_customers_file_reads_it(
    shop: RunningBot, language: str, said: tuple[str, str]
) -> None:
    """ "/customer X business on 30 1,5" was refused, while the customers file takes "12,50"."""
    first, grouped = said
    manager = await hire(shop, 705, "Mo", "manager", language=language)
    await SandboxUser(shop.server, 704, "Corp", username="corp").send("/start")
    marked = await manager.send("/customer @corp business on 30 1,5")
    assert marked.last.text == first
    assert (await customer_row(shop, 704)).credit_limit_minor == 150
    regrouped = await manager.send("/customer @corp business on 30 1 234,50")  # thousands as /paid reads them
    assert grouped in regrouped.last.text
    assert (await customer_row(shop, 704)).credit_limit_minor == 123450
    refused = await manager.send("/customer @corp business on 30 5,000")  # 5 or 5000: never guessed
    assert refused.last.text.startswith({"en": "Payment terms", "ru": "Условия оплаты"}[language])
    assert (await customer_row(shop, 704)).credit_limit_minor == 123450


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_over_the_credit_limit_is_not_offered_the_invoice_and_is_told_why_in_one_line(
    shop: RunningBot, language: str
) -> None:
    """A business whose order was over its credit limit was offered "invoice", refused at Confirm, then asked
    again: the payment step now leaves it out, saying the limit, what is owed and this order's total."""
    corp = SandboxUser(shop.server, 706, "Corp", language_code=language)
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer 706 business on 30 20")
    await add_to_cart(corp, "85123A", 10)  # £29.50, collected at a pickup point: no shipping
    asked = (await checkout_to_payment(corp, pickup=True)).last
    assert not any(text.startswith("🧾") for text in asked.button_texts())
    assert asked.text.splitlines()[0] == no_invoice_over_limit(language, {"en": "£29.50", "ru": "29,50\xa0£"}[language])
    reply = await corp.press(asked, "💵")
    placed = await corp.press(reply.last, "✅")
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == order_code(placed)))
    assert order.payment_method == "cod" and order.total_minor == 2950

    await corp.send("/cancel")
    await add_to_cart(corp, "85123A", 5)  # £14.75: under the limit, the invoice offered and nothing said of it
    asked = (await checkout_to_payment(corp, pickup=True)).last
    assert any(text.startswith("🧾") for text in asked.button_texts())
    assert "🧾" not in asked.text
