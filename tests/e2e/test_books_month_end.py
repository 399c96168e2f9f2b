"""Month-end checks of the books an accountant left open: an edit raising a card order that still
owes a refund, foreign-currency orders read back exactly as booked, the journal read in the
reader's language and dated as their spreadsheet reads dates."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_month_end import books_shop
from tests.e2e.books_reconcile import (
    CASH,
    REFUNDED,
    REFUNDS,
    RETURNS,
    SALES,
    TAX,
    moves,
    paid_by_card,
    promo_card_order,
    raised_and_paid,
    settle_return,
)
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, order_of_invoice, payments, place_card_order, place_cod_order
from tests.e2e.parcels import hire_in
from tests.e2e.returns import ask_return, deliver
from tests.fakes import FakeClock


async def test_a_card_order_raised_while_it_still_owes_a_refund_books_exactly_the_money_that_moved(
    database_url: str, clock: FakeClock
) -> None:
    async with books_shop(database_url, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo, code = await paid_by_card(shop, 801, 3)  # a pickup: 3 × £2.95 = £8.85, £1.48 of tax inside
        manager = await hire(shop, 802, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 1")  # £5.90 owed back, not yet paid
        sold = {CASH: 885, SALES: -737, TAX: -49, RETURNS: 590 - 99, REFUNDS: -590}
        assert await moves(shop, before) == sold
        # Raised to 2 units before the £5.90 is paid back: the order costs £5.90 and keeps £8.85
        # less £5.90 owed, so the customer pays £2.95 more and is still owed the £5.90.
        assert await raised_and_paid(shop, manager, cleo, code, 2) == 295
        assert await payments(shop, code) == [("payment", 885), ("refund_owed", 590), ("payment", 295)]
        # Every penny that moved is booked: £11.80 in, £5.90 still owed (2100), and the £2.95
        # unit sold again with the tax the order holds now (£5.90: 98p).
        assert await moves(shop, before) == {**sold, CASH: 1180, SALES: -737 - 246, TAX: -98}
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        await admin.press((await admin.send(f"/order {code}")).last, "💸 Refund paid back: £5.90")
        # Settled: £5.90 of cash for a £5.90 order, its tax, nothing owed either way.
        settled = await moves(shop, before)
        assert settled == {CASH: 590, SALES: -983, RETURNS: 491, TAX: -98}
        assert settled[SALES] + settled[RETURNS] + settled[TAX] == -590


async def rouble_card_order(shop: RunningBot, user_id: int, units: int) -> tuple[SandboxUser, SandboxUser, str]:
    """A pickup of ``units`` × 85123A (296,48 ₽ at 100.50 ₽ to the pound) paid by card in roubles:
    the manager, the customer and the order's code."""
    manager = await hire(shop, user_id + 1, "Mo", "manager")
    await manager.send("/fx RUB 100.50")
    ivan = SandboxUser(shop.server, user_id, "Ivan")
    await ivan.press((await ivan.send("/currency")).last, "RUB")
    invoice = await place_card_order(ivan, "85123A", units)
    await ivan.pay(invoice, charge_id=f"tg-rub-{user_id}")
    return manager, ivan, order_of_invoice(invoice)


async def test_a_rouble_order_edited_down_leaves_exactly_the_tax_of_what_it_still_sells_in_pounds(
    database_url: str, clock: FakeClock
) -> None:
    """3 × 296,48 ₽ at 20 % hold 148,24 ₽ of tax, booked £1.48 (1.475…); the one unit kept holds
    49,41 ₽, £0.49. Taking back 98,83 ₽ converted on its own (£0.98) left 50p in 2200."""
    async with books_shop(database_url, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        manager, _, code = await rouble_card_order(shop, 811, 3)
        assert await moves(shop, before) == {CASH: 885, SALES: -737, TAX: -148}
        await manager.send(f"/edit {code} 85123A 1")  # 592,96 ₽ owed back: £5.90
        moved = await moves(shop, before)
        assert moved[TAX] == -49 and moved[REFUNDS] == -590
        assert moved == {CASH: 885, SALES: -737, RETURNS: 590 - 99, TAX: -49, REFUNDS: -590}


async def test_a_taxed_rouble_order_returned_unit_by_unit_takes_back_exactly_the_tax_its_sale_booked(
    database_url: str, clock: FakeClock
) -> None:
    """3 × 296,48 ₽ + 422,10 ₽ shipping at 20 %: the goods' 148,24 ₽ of tax booked £1.48. Each
    unit's share (49,41 ₽, 49,42 ₽, 49,41 ₽) converted on its own is £0.49: £1.47 taken back,
    a penny left in 2200 after everything came back."""
    async with books_shop(database_url, clock, tax_rate=20) as shop:
        manager = await hire(shop, 97, "Mo", "manager")
        await manager.send("/fx RUB 100.50")
        before = await balances(shop)
        ivan = SandboxUser(shop.server, 715, "Ivan")
        await ivan.press((await ivan.send("/currency")).last, "RUB")
        await add_to_cart(ivan, "85123A", 3)
        code = order_code(await place_cod_order(ivan))
        await deliver(shop, code)
        await shop.runtime.notifier.drain()
        sold = await moves(shop, before)
        assert sold[TAX] == -148 - 70 and sold[CASH] == 1305  # £1.48 in the goods, 70p in the shipping
        for _ in range(3):
            await settle_return(manager, await ask_return(shop, ivan, code, "85123A", "Changed my mind"), *REFUNDED)
        back = await moves(shop, before)
        assert back[TAX] == -70 and back[CASH] == 420  # the shipping's tax stays, the goods' is all back
        assert back[SALES] + back[RETURNS] == 0


async def test_a_euro_order_raised_by_an_edit_books_the_tax_it_holds_now_less_what_its_books_hold(
    database_url: str, clock: FakeClock
) -> None:
    """One unit at €3.45 (1.17 € to the pound) holds €0.58 of tax, booked £0.50; raised to two
    (€6.90, €1.15 of tax: £0.98) the rise books 48p. Read back, £0.50 was €0.58 again and the
    rise's €0.57 converted on its own 49p: 2200 held 99p for an order holding 98p."""
    async with books_shop(database_url, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        manager = await hire(shop, 822, "Mo", "manager")
        await manager.send("/fx EUR 1.17")
        before = await balances(shop)
        eva = SandboxUser(shop.server, 821, "Eva")
        await eva.press((await eva.send("/currency")).last, "EUR")
        invoice = await place_card_order(eva, "85123A", 1)
        code = order_of_invoice(invoice)
        await eva.pay(invoice, charge_id="tg-eur-821")
        assert await moves(shop, before) == {CASH: 295, SALES: -245, TAX: -50}
        assert await raised_and_paid(shop, manager, eva, code, 2) == 345
        assert await moves(shop, before) == {CASH: 590, SALES: -492, TAX: -98}


async def test_a_promo_coded_card_order_cancelled_takes_its_sales_back_at_list_price_and_leaves_no_discount(
    database_url: str, clock: FakeClock
) -> None:
    """2 × £2.95 with 10 % off (−59p) paid by card, then cancelled: £5.31 owed back. Taken back as
    an edit or a return takes sales back: the units at their list £5.90 in returns and 4800 back
    to nothing (returns held the £5.31 paid and 4800 the 59p of an order that gives nothing off)."""
    async with books_shop(database_url, clock, payment_provider_token="sandbox:provider") as shop:
        before, cleo, code = await promo_card_order(shop, 831)
        asked = await cleo.press((await cleo.send(f"/track {code}")).last, "Cancel order")
        assert "cancelled" in (await cleo.press(asked.last, "Yes, cancel it")).last.text
        assert await payments(shop, code) == [("payment", 531), ("refund_owed", 531)]
        assert await moves(shop, before) == {CASH: 531, SALES: -590, RETURNS: 590, REFUNDS: -531}


async def test_an_edited_card_order_s_journal_reads_in_the_manager_s_language_and_the_export_stays_english(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A Russian manager's /journal file named the entries in English ("sale … (card)", "refund
    owed, … edited"): the memos the journal keeps in English are translated when the file is written."""
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        _, code = await paid_by_card(shop, 841, 3)
        manager = await hire_in(shop, 842, "Мила", "manager", "ru")
        await manager.send(f"/edit {code} 85123A 1")
        english = await hire_in(shop, 843, "Mo", "manager", "en")

        async def memos(who: SandboxUser, column: str, delimiter: str) -> list[str]:
            sent = (await who.send("/journal")).last.file
            assert sent is not None
            rows = csv.DictReader(io.StringIO(sent.content.decode("utf-8-sig")), delimiter=delimiter)
            return [r[column] for r in rows if code in r[column]]

        assert await memos(manager, "содержание", ";") == [
            f"продажа {code} (карта)",
            f"продажа {code} (карта)",
            f"к возврату покупателю, заказ {code} изменён",
            f"к возврату покупателю, заказ {code} изменён",
        ]
        assert await memos(english, "memo", ",") == [
            f"sale {code} (card)",
            f"sale {code} (card)",
            f"refund owed, {code} edited",
            f"refund owed, {code} edited",
        ]
