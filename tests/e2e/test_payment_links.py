"""Payment links through the sandbox: an order support placed, paid by the link sent in chat (en,
ru); /paylink and its refusals; a link paid twice is one payment; the intake API's links."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from handlers.paylinks import invoice_links
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_code,
    payments,
    place_card_order,
    place_cod_order,
    scalar,
)
from tests.e2e.short_invoices import _account

STAFF_CHAT = -100500


async def _assisted_card_order(shop: RunningBot, customer: SandboxUser, username: str) -> tuple[str, SandboxUser]:
    await customer.send("/start")
    sam = await hire(shop, 802, "Sam", "support")
    await sam.send(f"/assist @{username}")
    await add_to_cart(sam, "85123A", 2)
    reply = await checkout_to_payment(sam, pickup=True)
    reply = await sam.press(reply.last, "💳")
    placed = await sam.press(reply.last, "✅")
    return order_code(placed), sam


def _link(message: Any) -> str:
    return str(next(b["url"] for b in message.buttons() if "url" in b))


async def test_support_places_a_card_order_and_the_customer_pays_the_link_once(paying_shop: RunningBot) -> None:
    shop = paying_shop
    alice = SandboxUser(shop.server, 801, "Alice", username="alice_pays")
    code, sam = await _assisted_card_order(shop, alice, "alice_pays")

    assert f"Payment link for order {code}" in sam.messages()[-1].text  # the staff member sees the link too
    told = alice.messages()[-1]
    assert told.text.startswith(f"💳 Order {code}: ") and told.button_texts() == ["💳 Pay"]
    invoice = alice.open_invoice_link(_link(told))
    assert invoice.invoice is not None and invoice.text == f"Order {code}"
    total = await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code))
    assert invoice.invoice["total_amount"] == total

    assert (await alice.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
    second_device = await alice.pre_checkout(invoice)  # both forms open, both checked before either pays
    assert second_device.pre_checkout_answer == {"ok": True, "error_message": None}
    paid = await alice.pay(invoice)
    assert paid.last.text.startswith(f"💳 Payment received for order {code}.")
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "allocated"

    again = await alice.pay(invoice)  # the second form goes through too: no second payment
    assert again.last.text.startswith(f"💸 Order {code} was already paid")
    assert again.last.button_texts() == ["💬 Contact us"]
    assert await payments(shop, code) == [("payment", total), ("duplicate", total)]
    staff = shop.server.chat_messages(STAFF_CHAT)[-1]
    assert f"Order {code} was paid twice" in staff.text

    late = await alice.pre_checkout(invoice)  # a third try is refused before anything is charged
    assert late.pre_checkout_answer == {
        "ok": False,
        "error_message": "This order cannot be paid any more. Please check /orders.",
    }
    assert late.last.text.startswith("⚠️ The payment did not go through, and nothing was charged.")
    assert late.last.button_texts() == ["💬 Contact us"]
    assert len(await payments(shop, code)) == 2


async def test_a_russian_customer_gets_the_link_and_the_invoice_in_russian(paying_shop: RunningBot) -> None:
    shop = paying_shop
    olga = SandboxUser(shop.server, 811, "Ольга", username="olga_pays", language_code="ru")
    await olga.send("/start")
    await add_to_cart(olga, "85123A", 1)
    reply = await checkout_to_payment(olga, pickup=True)
    reply = await olga.press(reply.last, "💳")
    placed = await olga.press(reply.last, "✅")
    code = order_code(placed)
    sue = await hire(shop, 812, "Sue", "support")
    sent = await sue.send(f"/paylink {code.lower()}")
    assert sent.last.text.startswith(f"💳 Payment link for order {code}")
    told = olga.messages()[-1]
    assert told.text.startswith(f"💳 Заказ {code}: ") and told.button_texts() == ["💳 Оплатить"]
    invoice = olga.open_invoice_link(_link(told))
    assert invoice.text == f"Заказ {code}"
    assert [p["label"] for p in invoice.invoice["prices"]] == ["Товары"]  # type: ignore[index]
    paid = await olga.pay(invoice)
    assert paid.last.text.startswith(f"💳 Оплата заказа {code} получена")
    again = await olga.pay(invoice)  # the link opened on a second device is paid too: one payment
    assert again.last.text.startswith(f"💸 Заказ {code} уже был оплачен")
    total = await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code))
    assert await payments(shop, code) == [("payment", total), ("duplicate", total)]
    refused = await sue.send(f"/paylink {code}")
    assert refused.last.text == f"Order {code} has nothing left to pay."


async def test_paylink_refuses_what_it_cannot_send_and_changes_nothing(paying_shop: RunningBot) -> None:
    shop = paying_shop
    carl = SandboxUser(shop.server, 821, "Carl")
    await carl.send("/start")
    await add_to_cart(carl, "85123A", 1)
    code = order_code(await place_cod_order(carl, pickup=True))
    sue = await hire(shop, 822, "Sue", "support")
    assert (await sue.send("/paylink")).last.text.startswith("Usage: /paylink ORDER-CODE")
    assert (await sue.send("/paylink NOPE1234")).last.text == "Nothing was found."
    assert (await sue.send("/paylink <b>&")).last.text == "Nothing was found."
    assert (await sue.send(f"/paylink {code}")).last.text == f"Order {code} is not waiting for a card payment."
    picker = await hire(shop, 823, "Pete", "picker", "LON")
    assert (await picker.send(f"/paylink {code}")).last.text == "Your role (picker) does not allow this."
    assert shop.server.invoice_links == {}


async def test_the_intake_api_returns_a_payment_link_and_the_customer_pays_it(paying_shop: RunningBot) -> None:
    shop = paying_shop
    runtime = shop.runtime
    wendy = SandboxUser(shop.server, 831, "Wendy")
    await wendy.send("/start")
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="web shop", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    links = invoice_links(runtime.bot, runtime.i18n, "sandbox:provider")
    body = {
        "customer": {"name": "Wendy Web", "telegram_id": 831},
        "lines": [{"sku": "85123A", "quantity": 1}],
        "currency": "GBP",
        "payment": "link",
        "address": "10 Downing Street, London SW1A 2AA",
        "shipping": "3.70",
    }
    auth = {"Authorization": f"Bearer {token}"}
    async with TestClient(TestServer(make_api_app(runtime.sessions, runtime.settings, runtime.clock, links))) as api:
        answer = await api.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "w-1"})
        placed = await answer.json()
        assert answer.status == 201 and placed["status"] == "awaiting_payment"
        assert placed["payment_link"].startswith("https://t.me/$")
        repeat = await (await api.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "w-1"})).json()
        assert repeat["code"] == placed["code"] and repeat["payment_link"].startswith("https://t.me/$")
    await shop.runtime.notifier.drain()
    links_sent = [msg for msg in wendy.messages() if msg.text.startswith(f"💳 Order {placed['code']}")]
    assert len(links_sent) == 1  # the repeat did not tell her again
    invoice = wendy.open_invoice_link(placed["payment_link"])
    assert invoice.invoice is not None and invoice.invoice["total_amount"] == 1 * 295 + 370
    await wendy.pay(invoice)
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == placed["code"])) == "allocated"
    async with TestClient(TestServer(make_api_app(runtime.sessions, runtime.settings, runtime.clock))) as api:
        body["lines"] = [{"sku": "85123A", "quantity": 1}]
        refused = await api.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "w-2"})
        assert refused.status == 422 and (await refused.json())["field"] == "payment"


async def test_an_order_that_rose_after_payment_is_paid_by_link_once(paying_shop: RunningBot) -> None:
    shop = paying_shop
    boris = SandboxUser(shop.server, 841, "Boris")
    invoice = await place_card_order(boris, "85123A", 1)
    await boris.pay(invoice)
    code = str(invoice.invoice["payload"]).split(":")[1] if invoice.invoice else ""
    editing = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    changed = await boris.press(editing.last, "➕ White Hanging…")
    in_chat = next(msg for msg in changed.new if msg.kind == "invoice")
    sue = await hire(shop, 842, "Sue", "support")
    sent = await sue.send(f"/paylink {code}")
    assert sent.last.text.startswith(f"💳 Payment link for order {code} (£2.95)")
    link = boris.open_invoice_link(_link(boris.messages()[-1]))
    assert link.invoice is not None and link.invoice["total_amount"] == 295
    assert [p["label"] for p in link.invoice["prices"]] == ["Balance to pay"]
    paid = await boris.pay(link)
    assert f"difference received for order {code}" in paid.last.text
    again = await boris.pay(in_chat)  # the edit's own invoice, open on another device
    assert again.last.text.startswith(f"💸 Order {code} was already paid")
    assert await payments(shop, code) == [("payment", 295), ("payment", 295), ("duplicate", 295)]
    assert (await sue.send(f"/paylink {code}")).last.text == f"Order {code} has nothing left to pay."


async def test_a_rise_paid_by_the_orders_first_invoice_is_booked_as_sales_not_taken_off_receivables(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    boris = SandboxUser(shop.server, 845, "Boris")
    invoice = await place_card_order(boris, "85123A", 1)  # £2.95
    await boris.pay(invoice)
    code = str(invoice.invoice["payload"]).split(":")[1] if invoice.invoice else ""
    sold = await _sold(shop, code)
    editing = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    await boris.press(editing.last, "➕ White Hanging…")  # one more: £2.95 to pay, what the first invoice asks
    await boris.pay(invoice)  # the first invoice, open on another device, pays the balance
    assert await _account(shop, code, "1100 Accounts receivable") == 0
    assert await _account(shop, code, "1000 Cash") == 590
    assert await _sold(shop, code) == sold + 295  # the second candle holder is sold


async def _sold(shop: RunningBot, code: str) -> int:
    """What the order's entries credit to sales and the tax inside them."""
    return -(await _account(shop, code, "4000 Sales") + await _account(shop, code, "2200 Sales tax payable"))
