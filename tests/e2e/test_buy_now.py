"""Buy now through the sandbox: Telegram's form asks for an address, the bot prices delivery
there with the shop's own carriers (or says it does not deliver there), checks stock before
the charge, and the payment places the order — held, routed, paid — once (en, ru)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.harness import RunningBot
from domain.backorders import BackorderTerms
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.buy_now import LONDON, _buy_now_invoice, _to_london
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import name_in_russian, scalar, stock
from tests.fakes import FakeClock

LEEDS = {"country_code": "GB", "city": "Leeds", "street_line1": "1 Park Row", "post_code": "LS1 5AB"}
STAFF_CHAT = -100500


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(
        tmp_path, clock, payment_provider_token="sandbox:provider", shipping_countries="GB,IE"
    ) as bot:
        yield bot


async def _recorded_and_owed_back(shop: RunningBot, code: str, amount: int, charge: str, why: str) -> None:
    """The charge is a payment row with its id, the same amount owed back, booked as a sale then
    a refund owed, and the order's cancellation says why."""
    async with shop.runtime.sessions() as session:
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
        charged = await session.scalar(select(m.PaymentRow.telegram_charge_id).where(m.PaymentRow.kind == "payment"))
        entries = (await session.scalars(select(m.JournalEntryRow.memo).order_by(m.JournalEntryRow.id))).all()
        reason = await session.scalar(
            select(m.OrderHistoryRow.reason).where(m.OrderHistoryRow.to_status == "cancelled")
        )
    assert sorted(tuple(p) for p in payments) == [("payment", amount), ("refund_owed", amount)] and charged == charge
    # The entry names the credit note issued for what is owed back (the shop's first).
    assert entries[-1] == f"refund owed, {code} {why}; credit note CN-000001" and entries[-2].startswith(f"sale {code}")
    assert reason == f"{why} before the payment arrived: refund owed"


async def _orders(shop: RunningBot) -> int:
    return int(await scalar(shop, select(func.count()).select_from(m.OrderRow)) or 0)


async def test_buy_now_prices_delivery_for_the_address_and_the_payment_places_the_order(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 901, "Alice")
    invoice = await _buy_now_invoice(alice)
    assert invoice.invoice is not None and invoice.text == "White Hanging Heart T-Light…"
    assert invoice.invoice["need_shipping_address"] and invoice.invoice["is_flexible"]
    assert invoice.invoice["total_amount"] == 295 and invoice.invoice["currency"] == "GBP"

    london = await alice.enter_shipping_address(invoice, **LONDON)
    assert london.shipping_answer is not None and london.shipping_answer["ok"]
    offered = {o["title"].split(",")[0]: o["prices"][0]["amount"] for o in london.shipping_answer["options"]}
    assert offered == {"Royal Mail Tracked 48": 370, "DPD Next Day": 630, "Gophr Same-day courier": 950}
    leeds = await alice.enter_shipping_address(invoice, **LEEDS)  # farther than the warehouse's city: national
    assert leeds.shipping_answer is not None
    options = {o["title"].split(",")[0]: o for o in leeds.shipping_answer["options"]}
    assert {name: o["prices"][0]["amount"] for name, o in options.items()} == {
        "Royal Mail Tracked 48": 520,
        "DPD Next Day": 850,
    }
    dpd = str(options["DPD Next Day"]["id"])
    assert (await alice.pre_checkout(invoice, dpd)).pre_checkout_answer == {"ok": True, "error_message": None}
    assert await _orders(shop) == 0  # nothing is placed until the money arrives

    paid = await alice.pay(invoice, charge_id="tg-buy-1", shipping_option_id=dpd)
    assert paid.last.text.startswith("✅ Thank you! Order ")
    order = await scalar(shop, select(m.OrderRow))
    assert (order.status, order.total_minor, order.shipping_minor, order.channel) == (
        "allocated",
        1145,
        850,
        "telegram",
    )
    assert order.address == "1 Park Row, Leeds, LS1 5AB, GB" and order.carrier == "DPD"
    assert await stock(shop, "85123A") == [("LON", 806, 1)]
    async with shop.runtime.sessions() as session:
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
    assert [tuple(p) for p in payments] == [("payment", 1145)]
    again = await alice.pay(invoice, charge_id="tg-buy-1", shipping_option_id=dpd)  # Telegram redelivers it
    assert again.new == [] and await _orders(shop) == 1
    await shop.runtime.notifier.drain()
    assert any(f"New order {order.code}" in msg.text for msg in shop.server.chat_messages(STAFF_CHAT))


async def test_an_address_the_shop_does_not_deliver_to_is_refused_in_the_customers_language(shop: RunningBot) -> None:
    boris = SandboxUser(shop.server, 902, "Борис", language_code="ru")
    invoice = await _buy_now_invoice(boris)
    assert invoice.invoice is not None and invoice.invoice["prices"][0]["label"] == "Товары"
    refused = await boris.enter_shipping_address(invoice, country_code="US", city="Boston", street_line1="1 Main St")
    assert refused.shipping_answer == {
        "ok": False,
        "error_message": "Извините, мы не доставляем в US.",
        "options": None,
    }
    dublin = await boris.enter_shipping_address(
        invoice, country_code="IE", city="Dublin", street_line1="1 O'Connell St"
    )
    assert dublin.shipping_answer is not None and dublin.shipping_answer["ok"]
    option = dublin.shipping_answer["options"][0]
    assert option["prices"][0]["label"] == "Доставка"
    await boris.pay(invoice, shipping_option_id=str(option["id"]))
    assert boris.messages()[-1].text.startswith("✅ Спасибо! Заказ ")


async def test_stock_gone_before_the_charge_is_refused_with_a_way_to_ask(shop: RunningBot) -> None:
    carl = SandboxUser(shop.server, 903, "Carl")
    invoice, option = await _to_london(carl, "22197")
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.StockRow).values(reserved=m.StockRow.on_hand))
    late = await carl.pre_checkout(invoice, option)
    assert late.pre_checkout_answer is not None and late.pre_checkout_answer["ok"] is False
    assert "Popcorn Holder" in str(late.pre_checkout_answer["error_message"])
    assert late.last.text.startswith("⚠️ The payment did not go through, and nothing was charged.")
    assert late.last.button_texts() == ["💬 Contact us"]
    assert await _orders(shop) == 0


async def test_a_running_promotion_is_a_named_line_of_the_buy_now_invoice_and_the_order_keeps_it(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Hearts week" percent=20 products=85123A until=2026-12-31')
    assert "Hearts week" in made.last.text
    erin = SandboxUser(shop.server, 905, "Эрин", language_code="ru")
    invoice = await _buy_now_invoice(erin)
    assert invoice.invoice is not None
    assert [(p["label"], p["amount"]) for p in invoice.invoice["prices"]] == [("Товары", 295), ("Hearts week", -59)]
    assert invoice.invoice["total_amount"] == 236
    london = await erin.enter_shipping_address(invoice, **LONDON)
    assert london.shipping_answer is not None
    royal_mail = str(london.shipping_answer["options"][0]["id"])
    assert (await erin.pre_checkout(invoice, royal_mail)).pre_checkout_answer == {"ok": True, "error_message": None}
    await erin.pay(invoice, charge_id="tg-buy-promo", shipping_option_id=royal_mail)
    order = await scalar(shop, select(m.OrderRow))
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.total_minor) == (295, 59, 370, 606)
    assert await scalar(shop, select(m.OrderLineRow.discount_minor)) == 59
    async with shop.runtime.sessions() as session:
        paid = await session.scalar(select(m.PaymentRow.amount_minor))
    assert paid == 606


async def _withdraw(shop: RunningBot, sku: str, status: str) -> None:
    """The admin sets the product's status from its sheet, as staff do."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    sheet = await admin.press((await admin.send(f"/product {sku}")).last, "Status")
    await admin.press(sheet.last, status)
    assert await scalar(shop, select(m.ProductRow.status).where(m.ProductRow.sku == sku)) == status


@pytest.mark.parametrize(
    ("language", "status", "reason"),
    [
        ("en", "hidden", "Popcorn Holder has been withdrawn from sale and can no longer be ordered."),
        ("ru", "discontinued", "Товар «Держатель для попкорна» снят с продажи и больше не заказывается."),
    ],
)
async def test_a_product_withdrawn_before_the_pre_checkout_is_refused_naming_it_and_nothing_is_charged(
    shop: RunningBot, language: str, status: str, reason: str
) -> None:
    await name_in_russian(shop, "22197", "Держатель для попкорна")  # named in the reader's language
    fay = SandboxUser(shop.server, 906, "Fay", language_code=language)
    invoice, option = await _to_london(fay, "22197")
    await _withdraw(shop, "22197", status)

    late = await fay.pre_checkout(invoice, option)
    assert late.pre_checkout_answer == {"ok": False, "error_message": reason}
    assert reason in late.last.text and late.last.button_texts() == [
        {"en": "💬 Contact us", "ru": "💬 Написать нам"}[language]
    ]
    assert await _orders(shop) == 0
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.PaymentRow)) == 0


SORRY = {
    ("en", "sold out"): "so order {code} could not be filled. Your payment of £4.55 is recorded and will be refunded",
    ("ru", "sold out"): "поэтому заказ {code} не может быть выполнен. Ваш платёж 4,55\xa0£ сохранён и будет возвращён",
    ("en", "withdrawn from sale"): "Popcorn Holder was withdrawn from sale a moment before your payment arrived, so"
    " order {code} could not be filled. Your payment of £4.55 is recorded and will be refunded",
    (
        "ru",
        "withdrawn from sale",
    ): "товар «Стаканчик для попкорна» сняли с продажи за мгновение до вашего платежа, поэтому заказ"
    " {code} не может быть выполнен. Ваш платёж 4,55\xa0£ сохранён и будет возвращён",
}
STAFF_TOLD = {
    "sold out": "for order {code} arrived after the stock was gone",
    "withdrawn from sale": "for order {code} arrived after Popcorn Holder was withdrawn from sale",
}


@pytest.mark.parametrize(
    ("language", "gone"), [("en", "sold out"), ("ru", "sold out"), ("en", "hidden"), ("ru", "discontinued")]
)
async def test_a_charge_that_arrives_after_the_last_unit_went_or_the_product_was_withdrawn_is_recorded_and_owed_back(
    shop: RunningBot, language: str, gone: str
) -> None:
    dana = SandboxUser(shop.server, 904, "Dana", language_code=language)
    invoice, option = await _to_london(dana, "22197")
    assert (await dana.pre_checkout(invoice, option)).pre_checkout_answer == {"ok": True, "error_message": None}
    if gone == "sold out":  # someone else takes the last units
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(update(m.StockRow).values(reserved=m.StockRow.on_hand))
    else:  # staff withdraw it between the pre-checkout and the charge
        await _withdraw(shop, "22197", gone)
    why = "sold out" if gone == "sold out" else "withdrawn from sale"
    before = await stock(shop, "22197")

    paid = await dana.pay(invoice, charge_id="tg-late", shipping_option_id=option)
    order = await scalar(shop, select(m.OrderRow))
    assert SORRY[language, why].format(code=order.code) in paid.last.text
    assert (order.status, order.total_minor, order.shipping_minor) == ("cancelled", 455, 370)
    await _recorded_and_owed_back(shop, order.code, 455, "tg-late", why)
    assert await stock(shop, "22197") == before  # nothing was held for it

    again = await dana.pay(invoice, charge_id="tg-late", shipping_option_id=option)  # Telegram redelivers it
    assert again.new == [] and await _orders(shop) == 1
    await shop.runtime.notifier.drain()
    staff = [msg.text for msg in shop.server.chat_messages(STAFF_CHAT) if "tg-late" in msg.text]
    assert len(staff) == 1 and STAFF_TOLD[why].format(code=order.code) in staff[0]


async def _on_preorder(shop: RunningBot, sku: str, release: date) -> None:
    async with shop.runtime.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None and product.id is not None
        await uow.backorders.set_terms(product.id, BackorderTerms(product.id, False, None, release))
        await uow.commit()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Popcorn Holder is on preorder until 20 Dec 2026: preorder it with its card's 🗓 Preorder."),
        (
            "ru",
            "«Стаканчик для попкорна» продаётся по предзаказу до 20 дек. 2026\u202fг.:"
            " оформите его кнопкой 🗓 Предзаказ.",
        ),
    ],
)
async def test_buy_now_does_not_sell_a_preorders_early_stock_before_its_release(
    shop: RunningBot, language: str, refusal: str
) -> None:
    gil = SandboxUser(shop.server, 907, "Gil", language_code=language)
    card = (await gil.send("/start p_22197")).last  # ⚡ Buy now: in stock, not on preorder yet
    invoice, option = await _to_london(gil, "22197")
    await _on_preorder(shop, "22197", date(2026, 12, 20))  # its stock is for the release day now

    stale = await gil.press(card, "⚡")
    assert stale.callback_answer == {"text": refusal, "show_alert": True}
    assert not [msg for msg in stale.new if msg.kind == "invoice"]
    late = await gil.pre_checkout(invoice, option)  # the invoice sent before: refused, nothing charged
    assert late.pre_checkout_answer == {"ok": False, "error_message": refusal}
    assert await _orders(shop) == 0
    assert await stock(shop, "22197") == [("LON", 1094, 0)]  # nothing reserved, nothing sold


NOTE = {
    ("en", "sold out"): ("📄 Credit note CN-000001 (PDF)", "item out of stock"),
    ("ru", "withdrawn from sale"): ("📄 Кредит-нота CN-000001 (PDF)", "order cancelled"),
}


@pytest.mark.parametrize(("language", "why"), list(NOTE))
async def test_a_charge_owed_back_because_the_unit_went_comes_with_a_credit_note_of_it(
    shop: RunningBot, language: str, why: str
) -> None:
    """The order is a sale booked then cancelled whole: what is owed back gets its numbered credit note, as a paid
    order cancelled does, its button on the message saying so."""
    button, reason = NOTE[language, why]
    dana = SandboxUser(shop.server, 905, "Dana", language_code=language)
    invoice, option = await _to_london(dana, "22197")
    assert (await dana.pre_checkout(invoice, option)).pre_checkout_answer == {"ok": True, "error_message": None}
    if why == "sold out":
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(update(m.StockRow).values(reserved=m.StockRow.on_hand))
    else:
        await _withdraw(shop, "22197", "hidden")
    await dana.pay(invoice, charge_id="tg-late-cn", shipping_option_id=option)
    await shop.runtime.notifier.drain()
    order = await scalar(shop, select(m.OrderRow))
    told = next(msg for msg in reversed(dana.messages()) if SORRY[language, why].format(code=order.code) in msg.text)
    assert told.button_texts() == [button], told
    async with shop.runtime.sessions() as session:
        notes = (await session.execute(select(m.CreditNoteRow.number, m.CreditNoteRow.amount_minor))).all()
        reasons = (await session.scalars(select(m.CreditNoteRow.reason))).all()
    assert [tuple(n) for n in notes] == [(1, 455)] and list(reasons) == [reason]


@pytest.mark.parametrize(
    ("timezone", "language", "by", "until"),
    [
        ("Europe/London", "en", ", by 27 Nov 2026", "on preorder until 20 Dec 2026:"),  # en_GB, as the chat's card
        ("Europe/London", "ru", ", до 27 нояб. 2026\u202fг.", "по предзаказу до 20 дек. 2026\u202fг.:"),
        ("America/New_York", "en", ", by Nov 27, 2026", "on preorder until Dec 20, 2026:"),
    ],
)
async def test_buy_nows_delivery_days_and_release_day_read_as_the_shops_country_writes_the_readers_language(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str, by: str, until: str
) -> None:
    """A London shop's Buy now offered "Royal Mail Tracked 48, by Nov 27, 2026" and refused "until Dec 20, 2026"."""
    settings = {"payment_provider_token": "sandbox:provider", "shipping_countries": "GB,IE", "timezone": timezone}
    async with staff_shop(tmp_path, clock, **settings) as shop:
        gil = SandboxUser(shop.server, 907, "Gil", language_code=language)
        card = (await gil.send("/start p_22197")).last
        invoice = await _buy_now_invoice(gil, "22197")
        offered = await gil.enter_shipping_address(invoice, **LONDON)
        await _on_preorder(shop, "22197", date(2026, 12, 20))
        stale = await gil.press(card, "⚡")
    assert offered.shipping_answer is not None and stale.callback_answer is not None
    assert offered.shipping_answer["options"][0]["title"].endswith(by)  # Royal Mail Tracked 48's
    assert until in stale.callback_answer["text"]
