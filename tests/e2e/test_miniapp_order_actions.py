"""The storefront's order screen offers what the chat's does, by the chat's use cases: 💳 Pay (Telegram's invoice),
✖ Cancel, ↩️ Return (the chat opened at its first step), 🧾 Receipt (the chat's PDF); each for the customer's own
order only, and an order that moved on is refused saying why, nothing changed. Pickup points and tax numbers shown
as the chat and the invoice show them.

Demo data used: 23843 at £2.08, 23166 at £1.25, 85123A at £2.95; the Manchester store a pickup point."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from storage import models as m
from storage.repositories.credit_notes import SqlCreditNotes
from storage.repositories.orders import SqlOrders
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import (
    add_to_cart,
    business_customer,
    order_code,
    order_of_invoice,
    pdf_text,
    place_card_order,
    place_invoice_order,
    scalar,
)
from tests.e2e.miniapp import miniapp, tma, web_order
from tests.e2e.parcels import packed_order
from tests.e2e.returns import delivered
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.short_picks import SKU
from tests.fakes import FakeClock

ANN, BOB = 501, 502
URL = "https://shop.test"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL, payment_provider_token="sandbox:provider") as bot:
        yield bot


async def screen(client: Client, shop: RunningBot, code: str, user_id: int = ANN, language: str = "en") -> Any:
    got = await client.get(f"/app/api/shop/orders/{code}", headers=tma(shop, user_id, language=language))
    assert got.status == 200, await got.text()
    return await got.json()


async def status_of(shop: RunningBot, code: str) -> str:
    return str(await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)))


CANCEL = {
    "en": {"done": "Order {code} is cancelled.", "shipped": "Order {code} can no longer be cancelled: it is shipped."},
    "ru": {"done": "Заказ {code} отменён.", "shipped": "Заказ {code} уже нельзя отменить: он отправлен."},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_customer_cancels_their_own_order_from_its_screen_and_no_one_else_can(
    shop: RunningBot, language: str
) -> None:
    await SandboxUser(shop.server, ANN, "Ann", language_code=language).send("/start")  # told in the chat
    async with miniapp(shop) as client:
        code = await web_order(shop, client, ANN, "23843", "a")
        before = await screen(client, shop, code, language=language)
        assert before["actions"]["cancel"] and not before["actions"]["pay"]
        path = f"/app/api/shop/orders/{code}/cancel"
        assert (await client.post(path, json={})).status == 401  # no initData
        forged = await client.post(path, json={}, headers=tma(shop, BOB))
        assert forged.status == 404 and code not in await forged.text()
        assert await status_of(shop, code) == "allocated"
        done = await client.post(path, json={}, headers=tma(shop, ANN, language=language))
        assert done.status == 200 and (await done.json())["said"] == CANCEL[language]["done"].format(code=code)
        assert await status_of(shop, code) == "cancelled"
        after = await screen(client, shop, code, language=language)
        assert not after["actions"]["cancel"]
        again = await client.post(path, json={}, headers=tma(shop, ANN))
        assert again.status == 409 and (await again.json())["detail"] == f"Order {code} is already cancelled."


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancelling_an_order_that_has_shipped_since_its_screen_was_drawn_is_refused_and_changes_nothing(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    async with miniapp(shop) as client:
        assert (await screen(client, shop, code, language=language))["actions"]["cancel"] is False
        await packer.send(f"/ship {code} DPD TRK-C1")
        late = await client.post(
            f"/app/api/shop/orders/{code}/cancel", json={}, headers=tma(shop, ANN, language=language)
        )
        assert late.status == 409
        assert (await late.json())["detail"] == CANCEL[language]["shipped"].format(code=code)
    assert await status_of(shop, code) == "shipped"
    cancelled = select(m.OrderHistoryRow.id).where(m.OrderHistoryRow.to_status == "cancelled")
    assert await scalar(shop, cancelled) is None


async def test_pay_opens_telegrams_invoice_for_the_unpaid_card_order_and_only_its_owner_gets_one(
    shop: RunningBot,
) -> None:
    ann = SandboxUser(shop.server, ANN, "Ann")
    await ann.send("/start")
    await add_to_cart(ann, "23166", 2)
    headers = tma(shop, ANN)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        order = {
            "key": "p" * 16,
            "phone": "+44 7911 123456",
            "payment": "card",
            "pickup_id": options["pickup_points"][0]["id"],
        }
        placed = await (await client.post("/app/api/shop/checkout", json=order, headers=headers)).json()
        code = placed["code"]
        shown = await screen(client, shop, code)
        assert shown["actions"]["pay"] and shown["actions"]["cancel"]
        assert shown["payment_state"][0] == f"Order {code} is placed and waits for payment."
        path = f"/app/api/shop/orders/{code}/pay"
        assert (await client.post(path, json={}, headers=tma(shop, BOB))).status == 404
        links = len(shop.server.invoice_links)
        asked = await client.post(path, json={}, headers=headers)
        assert asked.status == 200 and len(shop.server.invoice_links) == links + 1
        invoice = ann.open_invoice_link((await asked.json())["invoice_link"])  # what WebApp.openInvoice shows
        assert invoice.invoice is not None and invoice.invoice["total_amount"] == 250
        assert (await ann.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
        await ann.pay(invoice)
        assert await status_of(shop, code) == "allocated"
        paid = await screen(client, shop, code)
        assert not paid["actions"]["pay"]
        late = await client.post(path, json={}, headers=headers)  # an old screen's 💳 Pay
        assert (
            late.status == 409
            and (await late.json())["detail"] == "This order cannot be paid any more. Please check /orders."
        )
    assert len(shop.server.invoice_links) == links + 1


async def test_the_receipt_downloads_the_chats_pdf_by_a_link_that_serves_only_its_order_and_reader(
    shop: RunningBot,
) -> None:
    async with miniapp(shop) as client:
        code = await web_order(shop, client, ANN, "23843", "a")
        other = await web_order(shop, client, ANN, "23166", "b")
        path = f"/app/api/shop/orders/{code}/receipt"
        assert (await client.post(path, json={}, headers=tma(shop, BOB))).status == 404
        asked = await client.post(path, json={}, headers=tma(shop, ANN, language="ru"))
        assert asked.status == 200
        link = await asked.json()
        assert link["file_name"] == f"receipt-{code}.pdf" and link["url"].startswith(f"/app/receipt/{code}?t=")
        pdf = await client.get(link["url"])
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        assert (await pdf.read()).startswith(b"%PDF")
        assert pdf.headers["Content-Disposition"] == f'attachment; filename="receipt-{code}.pdf"'
        token = link["url"].split("?t=", 1)[1]
        assert (await client.get(f"/app/receipt/{other}?t={token}")).status == 404  # signed for one order
        forged = token[:-1] + ("1" if token.endswith("0") else "0")  # its signature's last digit changed
        assert (await client.get(f"/app/receipt/{code}?t={forged}")).status == 404
        assert (await client.get(f"/app/receipt/{code}")).status == 404


async def test_a_receipt_link_finds_nothing_once_its_five_minutes_are_over(shop: RunningBot, clock: FakeClock) -> None:
    async with miniapp(shop) as client:
        code = await web_order(shop, client, ANN, "23843", "a")
        asked = await client.post(f"/app/api/shop/orders/{code}/receipt", json={}, headers=tma(shop, ANN))
        url = (await asked.json())["url"]
        clock.advance(seconds=299)
        assert (await client.get(url)).status == 200
        clock.advance(seconds=2)  # passed on, or kept: it no longer opens the receipt
        late = await client.get(url)
        assert late.status == 404 and late.content_type != "application/pdf"


RETURN = {
    "en": "Which items? Tap each one to return; you can choose several.",
    "ru": "Какие товары? Нажмите на каждый, который хотите вернуть; можно выбрать несколько.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_return_opens_the_chat_at_the_returns_first_step_only_once_the_order_is_delivered(
    shop: RunningBot, language: str
) -> None:
    code = await delivered(shop, ANN, {"85123A": 1})
    customer = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    stranger = SandboxUser(shop.server, BOB, "Bob", language_code=language)
    await stranger.send("/start")
    async with miniapp(shop) as client:
        actions = (await screen(client, shop, code, language=language))["actions"]
        bob = await web_order(shop, client, BOB, "23843", "b")
        assert (await screen(client, shop, bob, BOB))["actions"]["return_link"] == ""  # not delivered
    username = (await shop.runtime.bot.me()).username
    assert actions["return_link"] == f"https://t.me/{username}?start=ret_{code}"
    assert actions["exchange_link"] == f"https://t.me/{username}?start=exc_{code}"
    typed = await customer.send(f"/return {code}")
    opened = await customer.send(f"/start ret_{code}")
    assert opened.last.text == typed.last.text and opened.last.buttons() == typed.last.buttons()
    assert opened.last.text == RETURN[language]
    refused = await stranger.send(f"/start ret_{code}")
    assert code not in refused.last.text


async def test_a_pickup_points_long_staff_set_name_is_shortened_as_the_chat_shortens_it(shop: RunningBot) -> None:
    async with miniapp(shop) as client:
        code = await web_order(shop, client, ANN, "23843", "a")
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(
                update(m.WarehouseRow).where(m.WarehouseRow.is_pickup_point).values(name="Manchester " + "very " * 60)
            )
        where = (await screen(client, shop, code))["delivery"]["where"]
    assert where.startswith("Manchester very very") and where.endswith("…") and len(where) <= 60, where


TAX = {
    "en": ("VAT / tax number: GB 123 4567 89", "Customer's VAT / tax number: FR 12 345678901"),
    "ru": ("ИНН / налоговый номер продавца: GB 123 4567 89", "ИНН / налоговый номер покупателя: FR 12 345678901"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_business_buyers_order_shows_both_tax_numbers_as_its_invoice_prints_them(
    shop: RunningBot, language: str
) -> None:
    admin = await hire(shop, 800, "Ada", "admin", language=language)
    await admin.send("/settings tax_number GB 123 4567 89")
    buyer = await business_customer(shop, ANN, "Café Lyon", language)
    manager = await hire(shop, 802, "Mia", "manager", language=language)
    await manager.send(f"/customer {ANN} tax FR 12 345678901")
    code = order_code(await place_invoice_order(buyer, "85123A", 2))
    await manager.send(f"/customer {ANN} tax -")  # changed since: the order keeps the day's
    async with miniapp(shop) as client:
        shown = await screen(client, shop, code, language=language)
        retail = await web_order(shop, client, BOB, "23843", "b")
        assert (await screen(client, shop, retail, BOB, language))["tax_numbers"] == [TAX[language][0]]
    assert shown["tax_numbers"] == list(TAX[language])


async def test_pay_for_an_order_with_a_running_promotion_charges_its_discounted_total(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')
    ann = SandboxUser(shop.server, ANN, "Ann")
    await add_to_cart(ann, "85123A", 2)  # £5.90, −£0.20
    headers = tma(shop, ANN)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        pickup = options["pickup_points"][0]["id"]
        order = {"key": "h" * 16, "phone": "+44 7911 123456", "payment": "card", "pickup_id": pickup}
        placed = await (await client.post("/app/api/shop/checkout", json=order, headers=headers)).json()
        assert placed["total"]["minor"] == 570
        asked = await client.post(f"/app/api/shop/orders/{placed['code']}/pay", json={}, headers=headers)
        invoice = ann.open_invoice_link((await asked.json())["invoice_link"])
    assert invoice.invoice is not None and invoice.invoice["total_amount"] == 570
    assert (await ann.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
    await ann.pay(invoice)
    assert await status_of(shop, placed["code"]) == "allocated"


async def test_the_checkouts_pickup_choice_names_a_long_pickup_point_shortened_as_the_chat_does(
    shop: RunningBot,
) -> None:
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(
            update(m.WarehouseRow).where(m.WarehouseRow.is_pickup_point).values(name="Manchester " + "very " * 60)
        )
    ann = SandboxUser(shop.server, ANN, "Ann")
    await add_to_cart(ann, "23843", 1)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=tma(shop, ANN))).json()
    label = options["pickup_points"][0]["label"]
    assert label.startswith("Manchester very very") and label.endswith("…") and len(label) <= 60, label


BUY_AGAIN = {
    "en": (
        "From order {code}, in your cart below.",  # the page's lines are under its notes, not after the heading
        "Medium Ceramic Top Storage Jar is discontinued and was skipped.",
        "Popcorn Holder is out of stock and was skipped.",
    ),
    "ru": (
        "Из заказа {code} — в корзине ниже.",
        "Товар «Банка для хранения с керамической крышкой, средняя» снят с продажи и пропущен.",  # the demo's name_ru
        "Товара «Стаканчик для попкорна» нет в наличии, он пропущен.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_buy_again_puts_the_still_sold_lines_in_the_cart_and_says_which_could_not_go_in_and_why(
    shop: RunningBot, language: str
) -> None:
    headers = tma(shop, ANN, language=language)
    async with miniapp(shop) as client:
        for sku in ("23843", "23166", "22197"):
            found = await (await client.get(f"/app/api/shop/products?q={sku}", headers=headers)).json()
            line = {"product_id": found["products"][0]["id"], "quantity": 1}
            assert (await client.post("/app/api/shop/cart", json=line, headers=headers)).status == 200
        code = await web_order(shop, client, ANN, "85123A", "a")  # the three above and 85123A
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "23166").values(status="discontinued"))
            sold_out = select(m.ProductRow.id).where(m.ProductRow.sku == "22197").scalar_subquery()
            await session.execute(
                update(m.StockRow).where(m.StockRow.product_id == sold_out).values(on_hand=m.StockRow.reserved)
            )
        assert (await screen(client, shop, code, language=language))["actions"]["buy_again"]
        path = f"/app/api/shop/orders/{code}/buy-again"
        assert (await client.post(path, json={})).status == 401
        forged = await client.post(path, json={}, headers=tma(shop, BOB))
        assert forged.status == 404 and code not in await forged.text()
        bobs = await (await client.get("/app/api/shop/cart", headers=tma(shop, BOB))).json()
        assert bobs["lines"] == []
        got = await client.post(path, json={}, headers=headers)
        assert got.status == 200, await got.text()
        answer = await got.json()
    first, discontinued, sold = BUY_AGAIN[language]
    assert answer["said"][0] == first.format(code=code)
    assert discontinued in answer["said"] and sold in answer["said"]
    assert sorted(line["sku"] for line in answer["cart"]["lines"]) == ["23843", "85123A"]
    assert all(line["quantity"] == 1 for line in answer["cart"]["lines"])


CONTACT = {"en": "💬 Write your message about order {code} — ", "ru": "💬 Напишите сообщение о заказе {code} — "}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_contact_us_opens_the_chats_support_conversation_about_that_order_for_its_owner_only(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    support = -1009000
    async with staff_shop(tmp_path, clock, webapp_url=URL, support_chat_id=support) as shop:
        SandboxGroup(shop.server, "Support", chat_id=support, forum=True)
        ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
        bob = SandboxUser(shop.server, BOB, "Bob", language_code=language)
        await bob.send("/start")
        async with miniapp(shop) as client:
            code = await web_order(shop, client, ANN, "23843", "a")
            link = (await screen(client, shop, code, language=language))["actions"]["contact_link"]
        username = (await shop.runtime.bot.me()).username
        assert link == f"https://t.me/{username}?start=sup_{code}"
        tracked = await ann.send(f"/track {code}")
        card = next(x for x in tracked.new if any(b.get("callback_data", "").startswith("sc:") for b in x.buttons()))
        pressed = await ann.press(card, "💬")
        await ann.send("/cancel")
        opened = await ann.send(f"/start sup_{code}")
        assert opened.last.text == pressed.last.text and opened.last.text.startswith(
            CONTACT[language].format(code=code)
        )
        await ann.send("Where is my parcel?")
        strangers = await bob.send(f"/start sup_{code}")  # another's code typed by hand: about no order
        assert code not in strangers.last.text and strangers.last.text.startswith(CONTACT[language][:5])
        await bob.send("Hello")
        rows = await conversations(shop)
    assert rows == [(ANN, code), (BOB, None)]


async def conversations(shop: RunningBot) -> list[tuple[int, str | None]]:
    query = (
        select(m.CustomerRow.telegram_id, m.SupportConversationRow.order_code)
        .join(m.CustomerRow, m.CustomerRow.id == m.SupportConversationRow.customer_id)
        .order_by(m.SupportConversationRow.id)
    )
    async with shop.runtime.sessions() as session:
        return [(t or 0, c) for t, c in (await session.execute(query)).all()]


async def test_contact_us_is_not_offered_without_a_support_chat(tmp_path: Path, clock: FakeClock) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'alone.sqlite3'}"
    async with (
        running_bot(database, clock=clock, default_currency="GBP", webapp_url=URL) as shop,
        miniapp(shop) as client,
    ):
        code = await web_order(shop, client, ANN, "23843", "a")
        assert (await screen(client, shop, code))["actions"]["contact_link"] == ""


SETTLED = {"en": "Nothing is left to pay on order {code}.", "ru": "По заказу {code} платить больше нечего."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pay_the_difference_opens_the_edits_balance_for_its_owner_and_a_settled_one_is_refused(
    shop: RunningBot, language: str
) -> None:
    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    stale = await place_card_order(ann, "85123A", 1)
    code = order_of_invoice(stale)
    manager = await hire(shop, 743, "Mo", "manager")
    await manager.send(f"/edit {code} 85123A 3")  # £2.95 → £8.85 before the invoice was paid
    await ann.pay(stale, charge_id="tg-first")
    headers = tma(shop, ANN, language=language)
    async with miniapp(shop) as client:
        shown = await screen(client, shop, code, language=language)
        assert shown["actions"]["pay_difference"] and not shown["actions"]["pay"]
        path = f"/app/api/shop/orders/{code}/pay-difference"
        links = len(shop.server.invoice_links)
        assert (await client.post(path, json={})).status == 401
        forged = await client.post(path, json={}, headers=tma(shop, BOB))
        assert forged.status == 404 and code not in await forged.text()
        assert len(shop.server.invoice_links) == links  # no link made for another customer
        asked = await client.post(path, json={}, headers=headers)
        assert asked.status == 200, await asked.text()
        invoice = ann.open_invoice_link((await asked.json())["invoice_link"])
        assert invoice.invoice is not None and invoice.invoice["total_amount"] == 590
        assert (await ann.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
        await ann.pay(invoice, charge_id="tg-rest")
        assert not (await screen(client, shop, code, language=language))["actions"]["pay_difference"]
        late = await client.post(path, json={}, headers=headers)  # an old screen's button
        assert late.status == 409 and (await late.json())["detail"] == SETTLED[language].format(code=code)
    assert len(shop.server.invoice_links) == links + 1
    bob = SandboxUser(shop.server, BOB, "Bob", language_code=language)
    own = (await bob.send("/start")).last
    forged_chat = await bob.press_data(own, f"opd:{code}")  # the chat's button, another customer's code
    assert not any(msg.kind == "invoice" for msg in forged_chat.new)
    assert forged_chat.callback_answer and code not in forged_chat.callback_answer["text"]
    settled = await ann.press_data(
        (await ann.send("/orders")).last, f"opd:{code}"
    )  # the chat's button on an old screen
    assert not any(msg.kind == "invoice" for msg in settled.new)
    assert settled.callback_answer and settled.callback_answer["text"] == SETTLED[language].format(code=code)
    paid = select(m.PaymentRow.amount_minor).where(m.PaymentRow.telegram_charge_id == "tg-rest")
    assert await scalar(shop, paid) == 590


CREDIT_NOTES = {
    "en": ("📄 Credit note CN-000001 (PDF)", "Credited: £1.50"),
    "ru": ("📄 Кредит-нота CN-000001 (PDF)", "Сумма кредит-ноты: 1,50 £"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_order_screen_lists_its_credit_notes_each_downloaded_by_a_link_for_its_reader_only(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """The chat's /receipt sends an order's credit notes with its receipt; the Mini App's order screen served the
    receipt alone, so a buyer's accountant had no credit note from it."""
    button, credited = CREDIT_NOTES[language]
    code = await delivered(shop, ANN, {"85123A": 1})
    theirs = await delivered(shop, BOB, {"85123A": 1})
    admin = await hire(shop, 830, "Ada", "admin")
    await admin.send(f"/refund {code} 1.50 late delivery")  # CN-000001
    await admin.send(f"/refund {theirs} 1 late delivery")  # CN-000002, Bob's
    async with miniapp(shop) as client:
        plain = await web_order(shop, client, ANN, "23166", "b")
        shown = (await screen(client, shop, code, language=language))["actions"]["credit_notes"]
        assert shown == [{"number": 1, "label": button}]
        assert (await screen(client, shop, plain))["actions"]["credit_notes"] == []
        path = f"/app/api/shop/orders/{code}/credit-notes/1"
        assert (await client.post(path, json={}, headers=tma(shop, BOB))).status == 404  # another reader's order
        bobs = f"/app/api/shop/orders/{code}/credit-notes/2"
        assert (await client.post(bobs, json={}, headers=tma(shop, ANN))).status == 404  # another order's note
        link = await (await client.post(path, json={}, headers=tma(shop, ANN, language=language))).json()
        assert link["file_name"] == "credit-note-CN-000001.pdf"
        assert link["url"].startswith(f"/app/credit-note/{code}/1?t="), link
        pdf = await client.get(link["url"])
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        assert credited in pdf_text(await pdf.read()).replace("\xa0", " ")
        assert pdf.headers["Content-Disposition"] == 'attachment; filename="credit-note-CN-000001.pdf"'
        asked = await client.post(f"/app/api/shop/orders/{theirs}/credit-notes/2", json={}, headers=tma(shop, BOB))
        token = (await asked.json())["url"].split("?t=", 1)[1]
        assert (await client.get(f"/app/credit-note/{theirs}/2?t={token}")).status == 200
        assert (await client.get(f"/app/credit-note/{code}/1?t={token}")).status == 404  # Bob's link, Ann's note
        assert (await client.get(f"/app/receipt/{theirs}?t={token}")).status == 404  # a credit note's, not a receipt
        assert (await client.get(f"/app/credit-note/{code}/1")).status == 404
        clock.advance(seconds=301)  # passed on, or kept: it no longer opens the credit note
        late = await client.get(link["url"])
        assert late.status == 404 and late.content_type != "application/pdf"


async def test_the_order_screen_reads_the_order_and_its_credit_notes_once(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its actions read the order's whole paperwork again (packages, picking, payments, parcels) for the credit
    notes alone: a second transaction on every screen drawn."""
    code = await delivered(shop, ANN, {"85123A": 1})
    await (await hire(shop, 830, "Ada", "admin")).send(f"/refund {code} 1.50 late delivery")
    reads: list[str] = []
    for repository, method in ((SqlOrders, "get_by_code"), (SqlCreditNotes, "for_order")):
        monkeypatch.setattr(repository, method, _counted(reads, method, getattr(repository, method)))
    async with miniapp(shop) as client:
        assert [n["number"] for n in (await screen(client, shop, code))["actions"]["credit_notes"]] == [1]
    assert sorted(reads) == ["for_order", "get_by_code"]


def _counted(reads: list[str], name: str, method: Any) -> Any:
    async def counted(self: Any, *args: Any) -> Any:
        reads.append(name)
        return await method(self, *args)

    return counted


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_orders_document_button_says_invoice_as_the_chats_does(
    shop: RunningBot, language: str
) -> None:
    """The chat's button said «🧾 Счёт (PDF)» of a business's invoice; the order screen still said «Чек» (in
    Russian a fiscal cash receipt, another document)."""
    named = {"en": ("🧾 Invoice (PDF)", "🧾 Receipt (PDF)"), "ru": ("🧾 Счёт (PDF)", "🧾 Чек (PDF)")}[language]
    buyer = await business_customer(shop, ANN, "Café Lyon", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 1))
    async with miniapp(shop) as client:
        invoice = (await screen(client, shop, code, language=language))["actions"]
        retail = await web_order(shop, client, BOB, "23843", "b")
        receipt = (await screen(client, shop, retail, BOB, language))["actions"]
    assert (invoice["receipt_label"], receipt["receipt_label"]) == named


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_orders_pdf_downloads_as_an_invoice_and_a_card_orders_as_a_receipt(
    shop: RunningBot, language: str
) -> None:
    """Under «🧾 Invoice (PDF)» the file came as receipt-CODE.pdf; it is named by the button's rule."""
    buyer = await business_customer(shop, ANN, "Café Lyon", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 1))
    async with miniapp(shop) as client:
        retail = await web_order(shop, client, BOB, "23843", "b")
        named = {}
        for reader, order in ((ANN, code), (BOB, retail)):
            asked = await client.post(
                f"/app/api/shop/orders/{order}/receipt", json={}, headers=tma(shop, reader, language=language)
            )
            link = await asked.json()
            pdf = await client.get(link["url"])
            assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
            named[order] = (link["file_name"], pdf.headers["Content-Disposition"])
    assert named == {
        code: ("invoice-INV-000001.pdf", 'attachment; filename="invoice-INV-000001.pdf"'),  # as it is filed
        retail: (f"receipt-{retail}.pdf", f'attachment; filename="receipt-{retail}.pdf"'),
    }


DEBIT_NOTES = {
    "en": ("📄 Debit note DN-000001 (PDF)", "Adds to invoice INV-000001"),
    "ru": ("📄 Дебет-нота DN-000001 (PDF)", "Дополняет счёт № INV-000001"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_order_screen_lists_its_debit_notes_each_downloaded_by_a_link_for_its_reader_only(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """The chat's /receipt sends a debit note with the invoice it adds to; the Mini App's order screen named credit
    notes only, so a buyer's accountant had no DN-… from it."""
    button, adds = DEBIT_NOTES[language]
    _, code = await _invoice_order(shop, ANN, language, 2)  # INV-000001
    manager = await hire(shop, 832, "Mia", "manager")
    await manager.send(f"/edit {code} {SKU} 3")  # DN-000001
    async with miniapp(shop) as client:
        shown = (await screen(client, shop, code, language=language))["actions"]
        assert shown["debit_notes"] == [{"number": 1, "label": button}] and shown["credit_notes"] == []
        plain = await web_order(shop, client, BOB, "23166", "b")
        assert (await screen(client, shop, plain, BOB))["actions"]["debit_notes"] == []
        path = f"/app/api/shop/orders/{code}/debit-notes/1"
        assert (await client.post(path, json={}, headers=tma(shop, BOB))).status == 404  # another reader's order
        missing = f"/app/api/shop/orders/{code}/debit-notes/2"
        assert (await client.post(missing, json={}, headers=tma(shop, ANN))).status == 404
        link = await (await client.post(path, json={}, headers=tma(shop, ANN, language=language))).json()
        assert link["file_name"] == "debit-note-DN-000001.pdf"
        assert link["url"].startswith(f"/app/debit-note/{code}/1?t="), link
        pdf = await client.get(link["url"])
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        assert adds in pdf_text(await pdf.read()).replace("\xa0", " ")
        assert pdf.headers["Content-Disposition"] == 'attachment; filename="debit-note-DN-000001.pdf"'
        token = link["url"].split("?t=", 1)[1]
        assert (await client.get(f"/app/credit-note/{code}/1?t={token}")).status == 404  # a debit note's link
        clock.advance(seconds=301)
        assert (await client.get(link["url"])).status == 404
