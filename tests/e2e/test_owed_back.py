"""A refund owed outside returns (here a paid order cancelled) is confirmed paid back from the
staff's /order screen, on SQLite and PostgreSQL: booked once against refunds owed, the customer
told; two staff at once, a stale button, a wrong role and a changed amount are refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from unittest.mock import patch

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from domain.staff import WrongRole
from domain.usecases.owed_back import NothingOwedBack, OwedBackChanged, confirm_paid_back
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls, shop_on
from tests.e2e.exchange_refunds import lines_of, shoes_on_sale, through
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_code,
    order_of_invoice,
    payments,
    place_card_order,
    scalar,
)
from tests.e2e.returns import delivered
from tests.e2e.variants import journal_totals
from tests.fakes import FakeClock

BORIS = 611


@pytest.fixture
async def each(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    settings = {"staff_chat_id": -100500, "admin_ids": [ADMIN], "payment_provider_token": "sandbox:provider"}
    async with shop_on(database_url, clock, **settings) as bot:
        yield bot
        assert refused_calls(bot) == [], "the sandbox refused calls the bot made"


async def cancelled_after_paying(shop: RunningBot) -> str:
    """Boris pays £5.90 by card for a pickup order and cancels it: £5.90 owed back."""
    boris = SandboxUser(shop.server, BORIS, "Boris")
    await add_to_cart(boris, "85123A", 2)
    reply = await checkout_to_payment(boris, pickup=True)
    reply = await boris.press(reply.last, "card")
    placed = await boris.press(reply.last, "Confirm order")
    await boris.pay(next(x for x in placed.new if x.kind == "invoice"))
    code = order_code(placed)
    detail = await boris.press((await boris.send("/orders")).last, code)
    ask = await boris.press(detail.last, "Cancel order")
    await boris.press(ask.last, "Yes, cancel it")
    assert await payments(shop, code) == [("payment", 590), ("refund_owed", 590)]
    return code


async def owed_in_books(shop: RunningBot) -> int:
    line = m.JournalLineRow
    owed = select(func.sum(line.credit_minor - line.debit_minor)).where(line.account == Account.REFUNDS_PAYABLE.value)
    return int(await scalar(shop, owed) or 0)


async def test_a_cancelled_order_s_refund_owed_is_confirmed_paid_back_once_from_its_order_screen(
    each: RunningBot,
) -> None:
    code = await cancelled_after_paying(each)
    assert await owed_in_books(each) == 590
    admin = SandboxUser(each.server, ADMIN, "Ada")
    shown = await admin.send(f"/order {code}")
    stale = await admin.send(f"/order {code}")  # a second screen, left open
    assert "💸 Refund paid back: £5.90" in shown.last.button_texts()
    paid = await admin.press(shown.last, "💸 Refund paid back: £5.90")
    assert paid.callback_answer is not None and paid.callback_answer["text"] == "Refund paid back: £5.90"
    assert paid.last.button_texts() == ["📤 Send the receipt to the customer"] and "refund paid back" in paid.last.text
    assert await payments(each, code) == [("payment", 590), ("refund_owed", 590), ("refunded", 590)]
    assert await owed_in_books(each) == 0  # owed, then paid: nothing left owed
    debit, credit = await journal_totals(each)
    assert debit == credit
    await each.runtime.notifier.drain()
    told = each.server.chat_messages(BORIS)[-1].text
    assert f"We have paid back the £5.90 we owed you on order {code}." in told

    again = await admin.press(stale.last, "💸 Refund paid back: £5.90")
    assert again.callback_answer is not None and again.callback_answer["show_alert"] is True
    assert f"Order {code} owes nothing back now" in str(again.callback_answer["text"])
    assert await payments(each, code) == [("payment", 590), ("refund_owed", 590), ("refunded", 590)]
    assert "💸" not in " ".join((await admin.send(f"/order {code}")).last.button_texts())


async def test_two_staff_confirming_at_once_pay_back_once(each: RunningBot) -> None:
    code = await cancelled_after_paying(each)
    runtime = each.runtime
    start = asyncio.Event()

    async def confirm() -> str:
        await start.wait()
        try:
            await confirm_paid_back(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, seen=590)
        except NothingOwedBack:
            return "refused"
        return "paid"

    tasks = [asyncio.create_task(confirm()) for _ in range(3)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["paid", "refused", "refused"]
    assert await payments(each, code) == [("payment", 590), ("refund_owed", 590), ("refunded", 590)]
    assert await owed_in_books(each) == 0
    await runtime.notifier.drain()
    assert sum("We have paid back" in x.text for x in each.server.chat_messages(BORIS)) == 1


async def test_paying_back_is_refused_to_a_picker_and_for_an_amount_no_longer_owed(each: RunningBot) -> None:
    code = await cancelled_after_paying(each)
    runtime = each.runtime
    await hire(each, 702, "Pat", "picker", "LON")
    sam = await hire(each, 703, "Sam", "support")  # sees orders, records no payments: no button
    assert (await sam.send(f"/order {code}")).last.button_texts() == ["📤 Send the receipt to the customer"]
    with pytest.raises(WrongRole):
        await confirm_paid_back(runtime.uow(), runtime.clock, staff_id=702, code=code, seen=590)
    with pytest.raises(OwedBackChanged) as changed:
        await confirm_paid_back(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, seen=1000)
    assert changed.value.params["amount"].amount == 590  # what is owed, never more
    assert await payments(each, code) == [("payment", 590), ("refund_owed", 590)]
    assert await owed_in_books(each) == 590


async def test_refunds_lists_what_is_owed_back_a_page_at_a_time_and_drops_what_was_paid_back(each: RunningBot) -> None:
    codes = [await cancelled_after_paying(each)]
    runtime = each.runtime
    admin = SandboxUser(each.server, ADMIN, "Ada")
    listed = await admin.send("/refunds")
    assert f"/order {codes[0]}" in listed.last.text and "£5.90" in listed.last.text
    assert not listed.last.button_texts()  # one page
    with patch("handlers.owed_back.PAGE", 1):
        codes.append(await cancelled_after_paying(each))
        first = await admin.send("/refunds")
        left_open = await admin.send("/refunds")
        assert "2 orders" in first.last.text and f"/order {codes[0]}" in first.last.text
        second = await admin.press(first.last, "Next ▶")
        assert f"/order {codes[1]}" in second.last.text and f"/order {codes[0]}" not in second.last.text
        await confirm_paid_back(runtime.uow(), runtime.clock, staff_id=ADMIN, code=codes[1], seen=590)
        stale = await admin.press(left_open.last, "Next ▶")  # page 2 is gone: the last page, and why
        assert stale.callback_answer is not None and "last page" in str(stale.callback_answer["text"])
    await confirm_paid_back(runtime.uow(), runtime.clock, staff_id=ADMIN, code=codes[0], seen=590)
    assert "Nothing is owed back to customers." in (await admin.send("/refunds")).last.text
    assert await owed_in_books(each) == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_refunds_lists_each_order_owed_back_on_a_line_of_its_own(each: RunningBot, language: str) -> None:
    """/refunds ran its orders into one line ("1. /order A — Cancelled — £5.902. /order B — …"):
    the template's endif at each line's end ate its line break."""
    codes = {await cancelled_after_paying(each), await cancelled_after_paying(each)}
    manager = await hire(each, 712, "Vera", "manager", language=language)
    lines = (await manager.send("/refunds")).last.text.splitlines()
    listed = [line for line in lines if "/order " in line]
    assert [line[:3] for line in listed] == ["1. ", "2. "], lines
    assert {line.split(" — ")[0].removeprefix("1. ").removeprefix("2. ") for line in listed} == {
        f"/order {code}" for code in codes
    }
    owed = {"en": "£5.90", "ru": "5,90\xa0£"}[language]
    assert all(line.count("/order ") == 1 and line.endswith(owed) for line in listed)
    assert lines[-2:] == [
        "",
        {
            "en": "Open an order and press 💸 Refund paid back once the money is sent.",
            "ru": "Откройте заказ и нажмите «💸 Деньги возвращены», когда отправите деньги.",
        }[language],
    ]


async def test_a_return_s_refund_owed_is_paid_back_on_its_rma_screen_not_the_order_s(shop: RunningBot) -> None:
    """The order screen never offers more than is owed: a return's refund has its own button."""
    await shoes_on_sale(shop)
    code = await delivered(shop, 965, {"SHOE-XL": 1})
    xl = (await lines_of(shop, code))["SHOE-XL"][0]
    await through(shop, 965, code, ReturnKind.EXCHANGE, {xl: "SHOE-S"})
    assert await payments(shop, code) == [("payment", 2170), ("refund_owed", 1000)]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert (await admin.send(f"/order {code}")).last.button_texts() == ["📤 Send the receipt to the customer"]
    assert "Nothing is owed back to customers." in (await admin.send("/refunds")).last.text
    with pytest.raises(NothingOwedBack):
        await confirm_paid_back(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, code=code, seen=1000)


async def test_an_edit_s_refund_owed_is_paid_back_and_the_customer_told_in_their_language(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    boris = SandboxUser(shop.server, 702, "Борис", language_code="ru")
    invoice = await place_card_order(boris, "85123A", 2)
    await boris.pay(invoice, charge_id="tg-first")
    code = order_of_invoice(invoice)
    screen = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    await boris.press(screen.last, "➖ Белый подвесной подсвеч…")  # one of two taken off after paying: £2.95 owed back
    assert await payments(shop, code) == [("payment", 590), ("refund_owed", 295)]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    paid = await admin.press((await admin.send(f"/order {code}")).last, "💸 Refund paid back: £2.95")
    assert paid.callback_answer is not None and paid.callback_answer["text"] == "Refund paid back: £2.95"
    assert await payments(shop, code) == [("payment", 590), ("refund_owed", 295), ("refunded", 295)]
    assert await owed_in_books(shop) == 0
    debit, credit = await journal_totals(shop)
    assert debit == credit
    await shop.runtime.notifier.drain()
    assert f"Мы вернули вам 2,95\xa0£, которые были должны по заказу {code}." in shop.server.chat_messages(702)[-1].text


async def test_a_russian_manager_reads_refunds_owed_and_pays_one_back_in_russian(each: RunningBot) -> None:
    code = await cancelled_after_paying(each)
    vera = await hire(each, 712, "Вера", "manager", language="ru")
    listed = await vera.send("/refunds")
    assert "Долги по возвратам покупателям · 1 заказ" in listed.last.text
    assert f"/order {code}" in listed.last.text and "5,90" in listed.last.text
    assert "Откройте заказ и нажмите «💸 Деньги возвращены»" in listed.last.text
    order = await vera.send(f"/order {code}")
    paid = await vera.press(order.last, "💸 Деньги возвращены")
    assert paid.callback_answer is not None and "5,90" in str(paid.callback_answer["text"])
    assert "Покупателям ничего не нужно возвращать." in (await vera.send("/refunds")).last.text
    assert await owed_in_books(each) == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_refunds_page_button_pressed_on_a_list_over_48_hours_old_shows_the_page_in_a_new_message(
    each: RunningBot, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: it cannot be edited, and ▶ showed nothing."""
    codes = [await cancelled_after_paying(each), await cancelled_after_paying(each)]
    vera = await hire(each, 712, "Vera", "manager", language=language)
    with patch("handlers.owed_back.PAGE", 1):
        listed = (await vera.send("/refunds")).last
        turned = await vera.press(listed, {"en": "Next ▶", "ru": "Далее ▶"}[language], too_old=True)
    assert turned.edited == [] and len(turned.new) == 1, turned.messages
    assert f"/order {codes[1]}" in turned.new[0].text and f"/order {codes[0]}" not in turned.new[0].text
