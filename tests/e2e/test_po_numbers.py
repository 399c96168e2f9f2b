"""A business buyer gives the order their purchase order number at the checkout review: it is kept on the
order and printed on its invoice and packing slip, so their accounts payable and goods-in desk can match
them; staff see it on /order. The intake API's reference is the same field, printed the same way.

Demo data used: 85123A at £2.95, 806 in LON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import add_to_cart, business_customer, checkout_to_payment, count, order_code, scalar
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.fakes import FakeClock

PO = "PO-2026/0042 café Lyon"
WORDS = {
    "en": {
        "add": "🧾 Add your PO number",
        "change": "🧾 Change your PO number",
        "asked": "Type your purchase order number (up to 64 characters)",
        "review": f"Your PO number: {PO}",
        "long": "A purchase order number is at most 64 characters; this one has 65. Nothing was changed.",
        "detail": f"Your reference: {PO}",
        "receipt": "🧾 Invoice (PDF)",
    },
    "ru": {
        "add": "🧾 Указать номер вашего заказа (PO)",
        "change": "🧾 Изменить номер вашего заказа (PO)",
        "asked": "Введите номер вашего заказа на закупку (до 64 символов)",
        "review": f"Номер вашего заказа (PO): {PO}",
        "long": "Номер заказа на закупку — не больше 64 символов, а в этом 65. Ничего не изменено.",
        "detail": f"Ваш номер заказа: {PO}",
        "receipt": "🧾 Счёт (PDF)",
    },
}
DOCUMENT = {  # what the invoice's PDF says
    "en": ["Invoice INV-000001 of", "Order {code}", f"Your reference: {PO}"],
    "ru": ["Счёт № INV-000001 от", "Заказ {code}", f"Ваш номер заказа: {PO}"],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_business_puts_its_po_number_on_the_order_and_its_invoice(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    buyer = await business_customer(shop, 701, "Café Buyer", language)
    await add_to_cart(buyer, "85123A", 12)
    review = await buyer.press((await checkout_to_payment(buyer, location=False)).last, "🧾")
    asked = await buyer.press(review.last, words["add"])
    assert words["asked"] in asked.last.text
    too_long = await buyer.send("X" * 65)
    assert too_long.last.text == words["long"]  # refused, still asked: typed again
    review = await buyer.send("  PO-2026/0042\n café   Lyon ")  # one line, as the invoice prints it
    assert words["review"] in review.last.text and words["change"] in review.last.button_texts()
    placed = await buyer.press(review.last, "✅")
    code = order_code(placed)
    assert any(words["detail"] in message.text for message in placed.messages), placed  # the confirmation
    assert await scalar(shop, select(m.OrderRow.reference).where(m.OrderRow.code == code)) == PO

    tracked = await buyer.send(f"/track {code}")
    assert any(words["detail"] in message.text for message in tracked.messages)
    document = await invoice_document(buyer, code, words["receipt"])
    for line in DOCUMENT[language]:
        assert line.format(code=code) in document, document
    manager = await hire(shop, 702, "Mia", "manager")
    assert f"Customer's reference: {PO}" in (await manager.send(f"/order {code}")).messages[0].text


async def test_a_retail_customer_is_not_asked_for_a_po_number(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 703, "Alice")
    await alice.send("/start")
    await add_to_cart(alice, "85123A")
    review = await alice.press((await checkout_to_payment(alice)).last, "💵")
    assert not any("PO number" in text for text in review.last.button_texts())


async def test_a_po_number_sent_with_an_api_order_is_printed_on_its_invoice(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot
) -> None:
    """The channel's ``reference`` was kept on the order and in every answer, but the invoice the
    business received did not carry it: their accounts payable could not match it to their PO."""
    client, auth = api
    buyer = await business_customer(shop, 704, "ERP")
    body = {
        "customer": {"name": "Café Ltd", "telegram_id": 704},
        "lines": [{"sku": "85123A", "quantity": 24}],
        "currency": "GBP",
        "payment": "invoice",
        "address": "1 Rue de la République, Lyon",
        "reference": " PO-7781\n\tBranch 2 ",  # an ERP's field with a line break: one line on the invoice
    }
    placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "po-7781"})
    answer = await placed.json()
    assert placed.status == 201 and answer["reference"] == "PO-7781 Branch 2", answer
    document = await invoice_document(buyer, answer["code"], "🧾 Invoice (PDF)")
    assert f"Order {answer['code']}" in document and "Invoice INV-000001 of" in document
    assert "Your reference: PO-7781 Branch 2" in document


async def test_an_erp_reads_its_invoices_due_date_tax_and_what_it_still_asks_for(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot, clock: FakeClock
) -> None:
    """The API answered an invoice order with its total alone: a buyer's ERP could not learn when it was
    due nor what was left to pay after a part payment, and reconciled by hand."""
    client, auth = api
    body = {
        "customer": {"name": "Café Ltd", "email": "ap@cafe.example", "business": True, "payment_terms_days": 45},
        "lines": [{"sku": "85123A", "quantity": 24}],  # 24 × £2.95 = £70.80
        "currency": "GBP",
        "payment": "invoice",
        "pickup_point": "MAN",
        "reference": "PO-9001",
    }
    placed = await (await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "9001"})).json()
    due = (clock.now() + timedelta(days=45)).date().isoformat()
    assert (placed["total"], placed["tax"], placed["invoice_due"], placed["still_to_pay"]) == (
        "70.80",
        "0.00",
        due,
        "70.80",
    )
    manager = await hire(shop, 705, "Mia", "manager")
    await manager.send(f"/paid {placed['code']} 50.01")
    shown = await (await client.get(f"/api/v1/orders/{placed['code']}", headers=auth)).json()
    assert shown["still_to_pay"] == "20.79", shown
    await manager.send(f"/paid {placed['code']}")
    shown = await (await client.get(f"/api/v1/orders/{placed['code']}", headers=auth)).json()
    assert shown["still_to_pay"] == "0.00", shown
    paid = await (
        await client.post("/api/v1/orders", json={**body, "payment": "paid"}, headers={**auth, "Idempotency-Key": "p"})
    ).json()
    assert (paid["invoice_due"], paid["still_to_pay"]) == (None, None), paid


async def test_an_erp_reads_the_number_its_invoice_is_filed_under(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot
) -> None:
    """The PDF said INV-000001; the API gave only the order's code, so an ERP could not match the two."""
    client, auth = api
    body = {
        "customer": {"name": "Café Ltd", "email": "ap@cafe.example", "business": True},
        "lines": [{"sku": "85123A", "quantity": 2}],
        "currency": "GBP",
        "payment": "invoice",
        "pickup_point": "MAN",
    }
    placed = await (await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "i1"})).json()
    assert placed["invoice_number"] == "INV-000001", placed
    shown = await (await client.get(f"/api/v1/orders/{placed['code']}", headers=auth)).json()
    assert shown["invoice_number"] == "INV-000001", shown
    paid = await (
        await client.post("/api/v1/orders", json={**body, "payment": "paid"}, headers={**auth, "Idempotency-Key": "p1"})
    ).json()
    assert paid["invoice_number"] is None, paid


@pytest.fixture
async def storefront(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        yield bot


async def test_a_business_gives_its_po_number_in_the_mini_app_checkout(storefront: RunningBot) -> None:
    shop, headers = storefront, tma(storefront, 706)
    async with miniapp(shop) as client:
        product_id = (await found_ids(client, headers, "85123A"))["85123A"]
        await client.post("/app/api/shop/cart", json={"product_id": product_id, "quantity": 2}, headers=headers)
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert options["po_number"] is False  # a retail customer is not asked
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "po_number": "PO-1"}
        order["pickup_id"] = options["pickup_points"][0]["id"]
        refused = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert refused.status == 422 and await count(shop, m.OrderRow) == 0
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(
                update(m.CustomerRow).where(m.CustomerRow.telegram_id == 706).values(is_business=True)
            )
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert (options["po_number"], options["limits"]["po_number"]) == (True, 64)
        order |= {"payment": "invoice", "pickup_id": options["pickup_points"][0]["id"]}
        too_long = await client.post("/app/api/shop/checkout", json={**order, "po_number": "X" * 65}, headers=headers)
        problem = await too_long.json()
        assert too_long.status == 422 and "at most 64 characters" in problem["detail"], problem
        placed = await client.post("/app/api/shop/checkout", json={**order, "po_number": " PO-77 "}, headers=headers)
        assert placed.status == 201, await placed.json()
    assert await scalar(shop, select(m.OrderRow.reference)) == "PO-77"


SEVERAL = {
    "en": "Several orders carry the reference PO-6000: {codes}. Open one with /order CODE.",
    "ru": "Номер PO-6000 указан в нескольких заказах: {codes}. Откройте нужный: /order КОД.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staff_find_an_order_by_the_buyers_po_number(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """A buyer calling about "our PO-5512" could not be helped: /order took the shop's codes only."""
    client, auth = api
    codes = {}
    for i, reference in enumerate(("PO-5512", "PO-6000", "PO-6000")):
        clock.advance(minutes=1)
        body = {
            "customer": {"name": "Café Ltd", "email": "ap@cafe.example"},
            "lines": [{"sku": "85123A", "quantity": 1}],
            "currency": "GBP",
            "payment": "paid",
            "pickup_point": "MAN",
            "reference": reference,
        }
        placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"r-{i}"})
        codes[i] = (await placed.json())["code"]
    manager = await hire(shop, 707, "Mia", "manager", language=language)
    found = (await manager.send("/order PO-5512")).messages[0].text
    assert found.startswith(("Order ", "Заказ ")) and codes[0] in found, found
    quoted = (await manager.send("/order po-5512")).messages[0].text  # as a buyer spells it on the phone
    assert quoted.startswith(("Order ", "Заказ ")) and codes[0] in quoted, quoted
    several = (await manager.send("/order PO-6000")).last.text
    assert several == SEVERAL[language].format(codes=f"{codes[2]}, {codes[1]}"), several  # the newest first
