"""A business customer's statement of account (/statement): each open invoice with what it still asks
for, its due date and how late it is, the totals owed and overdue, and the credit left under the limit.

Demo data used: 85123A at £2.95; a pickup order's total is its goods: 3 units £8.85, 2 units £5.90."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.jobs import dun_invoices
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, place_invoice_order
from tests.e2e.short_invoices import shown
from tests.e2e.short_picks import STAFF_CHAT
from tests.fakes import FakeClock

SAID = {
    "en": {
        "title": "Statement of account — Café Buyer",
        "as_of": "As of 30 Dec 2026",
        "late": "{code} — {owed} — due 25 Dec 2026 — ⚠️ 5 days overdue",
        "current": "{code} — {owed} — due 14 Jan 2027",
        "total": "Total owed: {amount}",
        "overdue": "⚠️ Of which overdue: {amount}",
        "credit": "Credit limit: {limit} · still available for invoices: {left}",
        "none": "You have no open invoices.",
        "retail": "A statement of account is for business customers who pay by invoice.",
    },
    "ru": {
        "title": "Выписка по счетам — Café Buyer",
        "as_of": "На 30 дек. 2026 г.",
        "late": "{code} — {owed} — due 25 дек. 2026 г. — ⚠️ просрочен на 5 дней",
        "current": "{code} — {owed} — due 14 янв. 2027 г.",
        "total": "Всего к оплате: {amount}",
        "overdue": "⚠️ Из них просрочено: {amount}",
        "credit": "Кредитный лимит: {limit} · ещё доступно для счетов: {left}",
        "none": "Неоплаченных счетов нет.",
        "retail": "Выписка по счетам — для покупателей-юрлиц, которые платят по счёту.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_business_reads_its_open_invoices_what_is_overdue_and_its_credit_left(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    buyer = SandboxUser(shop.server, 801, "Café Buyer", language_code=language)
    await buyer.send("/start")
    await admin.send("/customer 801 business on 30 100")
    empty = (await buyer.send("/statement")).last.text
    assert said["none"] in empty, empty
    assert said["credit"].format(limit=shown(10000, language), left=shown(10000, language)) in empty, empty

    late = order_code(await place_invoice_order(buyer, "85123A", 3, pickup=True))  # £8.85, due Dec 25
    clock.advance(days=20)
    current = order_code(await place_invoice_order(buyer, "85123A", 2, pickup=True))  # £5.90, due Jan 14
    clock.advance(days=15)
    await admin.send(f"/paid {late} 3")  # £5.85 of the first is left
    text = (await buyer.send("/statement")).last.text.replace("\u202f", " ")  # Russian dates' narrow space

    lines = text.splitlines()
    assert lines[:2] == [said["title"], said["as_of"]], text
    due = "срок " if language == "ru" else "due "
    expected = [
        "• " + said["late"].format(code=f"{late} · INV-000001", owed=shown(585, language)).replace("due ", due),
        "• " + said["current"].format(code=f"{current} · INV-000002", owed=shown(590, language)).replace("due ", due),
    ]
    # The latest first; each by its order's code, which a transfer quotes, and the number its invoice is filed under.
    assert [line for line in lines if line.startswith("• ")] == expected, text
    assert said["total"].format(amount=shown(1175, language)) in lines, text
    assert said["overdue"].format(amount=shown(585, language)) in lines, text
    assert said["credit"].format(limit=shown(10000, language), left=shown(10000 - 1175, language)) in lines, text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_who_is_not_a_business_is_told_what_a_statement_is_for(
    shop: RunningBot, language: str
) -> None:
    alice = SandboxUser(shop.server, 802, "Alice", language_code=language)
    await alice.send("/start")
    assert (await alice.send("/statement")).last.text == SAID[language]["retail"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_receivables_aging_names_whose_each_open_invoice_is(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """/ar listed order codes and amounts only: to chase a late payer a manager opened each order. Each
    line names the invoice's number beside its order's code, as the statement does."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    buyer = SandboxUser(shop.server, 803, "Café Buyer", language_code=language)
    await buyer.send("/start")
    await admin.send("/customer 803 business on 30")
    code = order_code(await place_invoice_order(buyer, "85123A", 3, pickup=True))
    manager = await hire(shop, 804, "Mia", "manager", language=language)
    aging = (await manager.send("/ar")).last.text.replace("\u202f", " ")
    due = {"en": "due 25 Dec 2026 — current", "ru": "срок 25 дек. 2026 г. — в срок"}[language]
    assert f"• {code} · INV-000001 — Café Buyer — {shown(885, language)} — {due}" in aging.splitlines(), aging


REMINDED = {
    "en": ("Reminder: the invoice for order {code}", "Your reference: PO-5512"),
    "ru": ("Напоминание: счёт по заказу {code}", "Ваш номер заказа: PO-5512"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_overdue_invoice_reminder_quotes_the_po_number_and_the_staff_chat_hears_whose_it_is(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """Reminders named the order code alone, which the buyer's accounts payable do not file by; the
    staff chat's overdue notice did not say whose invoice it was. The reference reads on a line of its
    own ("…3 days ago.Your reference: PO-5512" ran together). Both name the invoice's number beside the
    order's code, as the invoice prints it; the staff notice's /paid still takes the code."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    buyer = SandboxUser(shop.server, 805, "Café Buyer", language_code=language)
    await buyer.send("/start")
    await admin.send("/customer 805 business on 30")
    await add_to_cart(buyer, "85123A", 3)
    review = await buyer.press((await checkout_to_payment(buyer, pickup=True)).last, "🧾")
    await buyer.press(review.last, "🧾")  # Add your PO number
    code = order_code(await buyer.press((await buyer.send("PO-5512")).last, "✅"))
    runtime = shop.runtime
    for days in (30, 3):  # the due date, then three days late: the staff chat is told from the second
        clock.advance(days=days)
        assert await dun_invoices(runtime.uow(), runtime.clock, staff_chat_id=STAFF_CHAT) == 1
        await runtime.notifier.drain()
    reminded, reference = REMINDED[language]
    reminder = shop.server.chat_messages(805)[-1].text
    named = f"{code} · INV-000001"
    assert reminded.format(code=named) in reminder and reference in reminder.splitlines(), reminder  # not run on
    overdue = shop.server.chat_messages(STAFF_CHAT)[-1].text
    assert named in overdue and f"/paid {code}." in overdue, overdue
    assert "Customer: Café Buyer · Customer's reference: PO-5512" in overdue, overdue


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_manager_reads_one_business_statement_with_ar_and_its_name(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    buyer = SandboxUser(shop.server, 806, "Café Buyer", username="cafe", language_code=language)
    await buyer.send("/start")
    alice = SandboxUser(shop.server, 807, "Alice", username="alice")
    await alice.send("/start")
    await admin.send("/customer @cafe business on 30 100")
    code = order_code(await place_invoice_order(buyer, "85123A", 3, pickup=True))  # £8.85
    manager = await hire(shop, 808, "Mia", "manager", language=language)
    text = (await manager.send("/ar @cafe")).last.text.replace("\u202f", " ")
    lines = text.splitlines()
    assert lines[0] == said["title"] and f"• {code} · INV-000001 — {shown(885, language)}" in text, text
    assert said["total"].format(amount=shown(885, language)) in lines, text
    assert said["credit"].format(limit=shown(10000, language), left=shown(10000 - 885, language)) in lines, text
    assert "/receipt" not in text  # the customer's own words are not the manager's
    refused = {
        "en": "Alice is not a business customer: they pay as they order, with no invoices to state.",
        "ru": "Alice — не юрлицо: платит при заказе, открытых счетов у него не бывает.",
    }
    assert (await manager.send("/ar @alice")).last.text == refused[language]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_statement_with_no_open_invoices_says_so_and_the_credit_limit_on_lines_of_their_own(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    buyer = SandboxUser(shop.server, 809, "Café Buyer", username="cafe9", language_code=language)
    await buyer.send("/start")
    await admin.send("/customer 809 business on 30 100")
    lines = (await buyer.send("/statement")).last.text.replace("\u202f", " ").splitlines()
    credit = said["credit"].format(limit=shown(10000, language), left=shown(10000, language))
    assert [line for line in lines[2:] if line] == [said["none"], credit], lines
    manager = await hire(shop, 810, "Mia", "manager", language=language)
    staff = (await manager.send("/ar @cafe9")).last.text.replace("\u202f", " ").splitlines()
    none = {"en": "No open invoices.", "ru": "Неоплаченных счетов нет."}[language]
    assert [line for line in staff[2:] if line] == [none, credit], staff
