"""Paying suppliers (/po pay): each payment takes the purchase order's payable down against cash,
in parts or whole, never more than the goods received; 2000 Accounts payable is back to zero
once everything received is paid, and the books stay balanced."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.money import Money
from domain.purchasing import PurchaseOrder
from domain.usecases.purchasing import approve_po, receive_po
from domain.usecases.reorder_scan import reorder_scan
from handlers.views.dates import dates_locale, format_moment
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import _by_source, balances
from tests.e2e.books_stock_arrivals import INVENTORY, WITHOUT_ORDER, _sent, _stock_value, new_moon_lamp
from tests.e2e.conftest import ADMIN, hire
from tests.fakes import FakeClock

PAYABLE, CASH, FX = "2000 Accounts payable", "1000 Cash", "5500 Exchange gains and losses"
REVALUATION = "5200 Inventory revaluation"


def pounds(money: Money) -> str:
    return f"£{money.amount // 100}.{money.amount % 100:02d}"


async def _approved(shop: RunningBot, manager_id: int) -> PurchaseOrder:
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    assert po.id is not None
    return await approve_po(runtime.uow(), runtime.clock, staff_id=manager_id, number=po.id)


async def _balanced(shop: RunningBot) -> bool:
    books = await balances(shop)
    return sum(d for d, _ in books.values()) == sum(c for _, c in books.values())


async def test_a_supplier_is_paid_in_parts_and_the_payable_clears_to_zero(shop: RunningBot) -> None:
    manager = await hire(shop, 90, "Mo", "manager", "MAN")
    po = await _approved(shop, 90)
    n, total = po.id, po.total
    assert (await manager.send(f"/po pay {n} 5")).last.text == (
        f"Purchase order {n} owes its supplier nothing now (£0.00 received, £0.00 paid): "
        "a supplier is paid for goods received. Nothing was recorded."
    )  # no prepayment: nothing received is nothing owed
    await manager.send(f"/po receive {n}")
    books = await balances(shop)
    assert books[PAYABLE] == (0, total.amount) and CASH not in books
    assert (await manager.send("/ap")).last.text == (
        f"Owed to suppliers\n• /po_{n} — Homeware Wholesale Ltd — owed {pounds(total)} of {pounds(total)} received\n"
        "Pay one: /po pay N AMOUNT [NOTE]"
    )
    over = total + Money(1, "GBP")
    assert (await manager.send(f"/po pay {n} {pounds(over)[1:]}")).last.text == (
        f"Purchase order {n} still owes its supplier {pounds(total)}; a payment of {pounds(over)} is more than that. "
        "Nothing was recorded."
    )
    assert (await manager.send(f"/po pay {n} 0")).last.text == "A payment is more than zero. Nothing was recorded."
    assert (await balances(shop))[PAYABLE] == (0, total.amount)  # refused: nothing booked

    part = await manager.send(f"/po pay {n} 10 wire 77")
    left = total - Money(1000, "GBP")
    assert part.last.text == (
        f"Paid to the supplier of purchase order {n}. Paid £10.00 of {pounds(total)}; still owed {pounds(left)}."
    )
    books = await balances(shop)
    assert books[PAYABLE] == (1000, total.amount) and books[CASH][1] == 1000
    assert f"Paid to the supplier: £10.00 · still owed: {pounds(left)}" in (await manager.send(f"/po {n}")).last.text

    rest = await manager.send(f"/po pay {n} {pounds(left)[1:]}")
    assert rest.last.text == (
        f"Paid to the supplier of purchase order {n}. Paid {pounds(total)} of {pounds(total)}: nothing is owed now."
    )
    books = await balances(shop)
    assert books[PAYABLE] == (total.amount, total.amount)  # 2000 back to zero
    assert books[CASH][1] == total.amount and await _balanced(shop)
    assert "nothing now" in (await manager.send(f"/po pay {n} 1")).last.text
    assert (await manager.send("/ap")).last.text == "Nothing is owed to suppliers."
    assert (await balances(shop))[PAYABLE] == (total.amount, total.amount)


async def test_a_russian_manager_pays_an_amount_typed_their_way(shop: RunningBot) -> None:
    manager = await hire(shop, 91, "Маша", "manager", "MAN", language="ru")
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    await manager.send(f"/po qty {po.id} 84077 100000")  # a large order: over a thousand pounds
    await approve_po(runtime.uow(), runtime.clock, staff_id=91, number=po.id or 0)
    await manager.send(f"/po receive {po.id}")
    received = (await balances(shop))[PAYABLE][1]
    assert received > 123_450
    reply = await manager.send(f"/po pay {po.id} 1 234,50 счёт 12")
    assert reply.last.text.startswith(f"Заказ поставщику {po.id}: оплата записана. Оплачено 1\u00a0234,50\u00a0£ из ")
    assert (await balances(shop))[PAYABLE] == (123_450, received)
    assert "больше" in (await manager.send(f"/po pay {po.id} {received}")).last.text
    assert (await balances(shop))[PAYABLE] == (123_450, received) and await _balanced(shop)
    assert (await manager.send("/ap")).last.text.startswith(f"Долг поставщикам\n• /po_{po.id} — ")


async def test_a_dollar_order_paid_after_the_rate_moved_clears_its_payable_and_books_the_exchange_gain(
    shop: RunningBot,
) -> None:
    """$12.50 received at 1.30 is £9.62 payable; paid at 1.50 in two parts, the parts take off
    £9.62 in proportion ($5 of $12.50: £3.85, the rest £5.77), so 2000 is back to zero, while
    cash pays what the dollars cost at 1.50 ($5: £3.33, $7.50: £5.00): the £1.29 between them
    is an exchange gain, credited to 5500 (a payable's realised exchange difference, not a
    revaluation of stock: nothing of it in 5200)."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    await ada.send("/fx USD 1.30")
    await new_moon_lamp(shop)
    number = await _sent(shop, "MOON-1", 10, Money(125, "USD"))
    await receive_po(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, number=number)
    assert (await balances(shop))[PAYABLE] == (0, 962)
    await ada.send("/fx USD 1.50")
    part = await ada.send(f"/po pay {number} 5")
    assert part.last.text == (
        f"Paid to the supplier of purchase order {number}. Paid $5.00 of $12.50; still owed $7.50."
    )
    books = await _by_source(shop, f"po:{number}")
    assert books[PAYABLE] == (385, 962) and books[CASH] == (0, 333) and books[FX] == (0, 52)
    await ada.send(f"/po pay {number} 7.50")
    books = await _by_source(shop, f"po:{number}")
    assert books[PAYABLE] == (962, 962) and books[CASH] == (0, 833) and books[FX] == (0, 129)
    assert REVALUATION not in books
    assert await _balanced(shop)


async def test_a_euro_order_paid_in_parts_at_an_unchanged_rate_books_no_exchange_difference(shop: RunningBot) -> None:
    """€33.00 received at 1.1712 is £28.18 payable; €10.00 of it at the same rate is £8.54 of cash, and takes £8.54
    off the payable (its share of £28.18 rounded, not rounded down to £8.53): no 5500 line, and the €23.00 left,
    £19.64, clears the payable to zero."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    await ada.send("/fx EUR 1.1712")
    await new_moon_lamp(shop)
    number = await _sent(shop, "MOON-1", 10, Money(330, "EUR"))
    await receive_po(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, number=number)
    assert (await _by_source(shop, f"po:{number}"))[PAYABLE] == (0, 2818)
    await ada.send(f"/po pay {number} 10,00")
    books = await _by_source(shop, f"po:{number}")
    assert books[PAYABLE] == (854, 2818) and books[CASH] == (0, 854) and FX not in books
    assert "5500" not in (await ada.send("/trial")).last.text
    await ada.send(f"/po pay {number} 23")
    books = await _by_source(shop, f"po:{number}")
    assert books[PAYABLE] == (2818, 2818) and books[CASH] == (0, 2818) and FX not in books
    assert await _balanced(shop)


async def _paid_after_the_dollar_rose(shop: RunningBot) -> int:
    """$12.50 of lamps received at 1.30 and paid whole at 1.10: the purchase order's number."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    await ada.send("/fx USD 1.30")
    await new_moon_lamp(shop)
    number = await _sent(shop, "MOON-1", 10, Money(125, "USD"))
    await receive_po(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, number=number)
    await ada.send("/fx USD 1.10")
    await ada.send(f"/po pay {number} 12.50 wire 9")
    return number


async def test_a_dollar_order_paid_after_the_dollar_rose_books_the_exchange_loss(shop: RunningBot) -> None:
    """$12.50 received at 1.30 (£9.62 payable) paid whole at 1.10 costs £11.36 of cash: the
    payable clears to zero and the £1.74 more is a loss, debited to 5500 (5200 untouched)."""
    number = await _paid_after_the_dollar_rose(shop)
    books = await _by_source(shop, f"po:{number}")
    assert books[PAYABLE] == (962, 962) and books[CASH] == (0, 1136) and books[FX] == (174, 0)
    assert REVALUATION not in books
    assert await _balanced(shop)


EXCHANGE_ACCOUNT = {"en": "5500 Exchange gains and losses", "ru": "5500 Курсовые разницы"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_trial_balance_shows_a_supplier_payment_s_exchange_difference_on_its_own_account(
    shop: RunningBot, language: str
) -> None:
    """/trial named the difference "5200 Inventory revaluation", as if stock had been revalued:
    it is its own account now, after 5400, in the reader's language."""
    await _paid_after_the_dollar_rose(shop)
    manager = await hire(shop, 91, "Mo", "manager", language=language)
    trial = [line.split(":")[0] for line in (await manager.send("/trial")).last.text.splitlines()]
    assert EXCHANGE_ACCOUNT[language] in trial
    assert trial.index(EXCHANGE_ACCOUNT[language]) == len(trial) - 2  # the last account, before the totals


HISTORY = {
    "en": ("Payments to the supplier", "PDF for the supplier", ["Date", "Amount", "Recorded by", "Note"]),
    "ru": ("Оплаты поставщику", "PDF для поставщика", ["Дата", "Сумма", "Записал", "Примечание"]),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_payment_to_a_supplier_is_listed_on_the_order_and_its_pdf(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """/po N said only paid and owed: each payment is kept (when, how much, who, the note) and
    listed on /po N and the supplier's PDF, oldest first, amounts exact to the penny."""
    from tests.e2e.journeys import pdf_text

    title, button, columns = HISTORY[language]
    manager = await hire(shop, 92, "Mo", "manager", "MAN", language=language)
    po = await _approved(shop, 92)
    await manager.send(f"/po receive {po.id}")
    first_at = clock.now()
    await manager.send(f"/po pay {po.id} 10.01 wire <77>")
    clock.advance(days=2, hours=3)
    rest = po.total - Money(1001, "GBP")
    await manager.send(f"/po pay {po.id} {rest.amount // 100}.{rest.amount % 100:02d}")
    async with shop.runtime.sessions() as session:
        rows = (
            await session.execute(select(m.PoPaymentRow.amount_minor, m.PoPaymentRow.paid_by, m.PoPaymentRow.note))
        ).all()
        paid = await session.scalar(select(m.PurchaseOrderRow.paid_minor).where(m.PurchaseOrderRow.id == po.id))
    assert [tuple(r) for r in rows] == [(1001, 92, "wire <77>"), (rest.amount, 92, "")]
    assert paid == po.total.amount == sum(r.amount_minor for r in rows)

    def when(at: datetime) -> str:
        return format_moment(at, shop.runtime.settings.timezone, language)

    shown = (await manager.send(f"/po {po.id}")).last
    first, second = _money(Money(1001, "GBP"), language), _money(rest, language)
    assert (
        f"{title}\n• {when(first_at)} — {first} — Mo — wire <77>\n• {when(clock.now())} — {second} — Mo" in shown.text
    )
    document = (await manager.press(shown, button)).last.file
    assert document is not None
    text = pdf_text(document.content)
    assert title in text and "\n".join(columns) in text
    assert format_date(first_at, "medium", locale=dates_locale(language, shop.runtime.settings.timezone)) in text
    text = text.replace("\xa0", " ")  # a no-break space reads back as a space
    first, second = first.replace("\xa0", " "), second.replace("\xa0", " ")
    assert f"\n{first}\nMo\nwire <77>\n" in text and f"\n{second}\nMo\n" in text


def _money(money: Money, language: str) -> str:
    return format_currency(money.to_decimal(), money.currency, locale=language)


AP_MORE = {"en": "… and 2 more: pay these first.", "ru": "… и ещё 2: сначала оплатите эти."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_ap_counts_the_orders_it_leaves_out_and_shortens_long_supplier_names(
    shop: RunningBot, language: str
) -> None:
    """42 orders owed to a supplier whose name is 128 characters: /ap said "… and more" without
    how many, and 40 lines of the whole name went past Telegram's 4,096 characters."""
    async with shop.runtime.uow() as uow:
        (supplier, *_) = await uow.purchasing.suppliers()
        long_name = "<b>Homeware</b> " + "Wholesale " * 12
        await uow.purchasing.upsert_suppliers([replace(supplier, name=long_name[:128])])
        await uow.commit()
    numbers = [await _sent(shop, "84077", 1, Money(101 + n, "GBP")) for n in range(42)]
    for number in numbers:
        await receive_po(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, number=number)
    manager = await hire(shop, 93, "Mo", "manager", language=language)
    reply = await manager.send("/ap")
    assert len(reply.messages) == 1  # one message, not cut in parts
    text = reply.last.text
    lines = text.splitlines()
    listed = [line for line in lines if line.startswith("• /po_")]
    assert [int(line.split()[1].removeprefix("/po_")) for line in listed] == numbers[:40]  # oldest first
    assert all("— <b>Homeware</b> Wholesale… — " in line for line in listed)  # as typed, cut short
    owed = {"en": "owed £1.01 of £1.01 received", "ru": "должны 1,01\xa0£ из 1,01\xa0£ полученного"}[language]
    assert listed[0].endswith(owed)
    assert AP_MORE[language] in lines and len(text) <= 4096
    recent = (await manager.send("/po")).last.text.splitlines()[1:]  # the purchase orders list: the same
    assert recent and all("— <b>Homeware</b> Wholesale… — " in line for line in recent if line.startswith("• "))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_what_is_paid_and_owed_on_a_received_order_is_a_line_of_its_own(shop: RunningBot, language: str) -> None:
    """/po N read «Total: £22.50Paid to the supplier: £0.00 · …» (in Russian «Итого: 22,50 £Оплачено…»): the
    two ran into one word."""
    manager = await hire(shop, 83, "Мария", "manager", "MAN", language=language)
    po = await _approved(shop, 83)
    await manager.send(f"/po receive {po.id}")
    shown = (await manager.send(f"/po {po.id}")).last.text.splitlines()
    total, paid = {
        "en": ("Total: £22.50", "Paid to the supplier: £0.00 · still owed: £22.50"),
        "ru": ("Итого: 22,50\xa0£", "Оплачено поставщику: 0,00\xa0£ · осталось заплатить: 22,50\xa0£"),
    }[language]
    assert shown[shown.index(total) + 1] == paid


async def _payable_by_currency(shop: RunningBot, number: int) -> dict[tuple[str, str], tuple[int, int]]:
    """The purchase order's journal lines summed by (account, currency)."""
    async with shop.runtime.sessions() as session:
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = await session.execute(
            select(line.account, e.currency, func.sum(line.debit_minor), func.sum(line.credit_minor))
            .join(e, e.id == line.entry_id)
            .where(e.source == f"po:{number}")
            .group_by(line.account, e.currency)
        )
        return {(a, c): (int(d), int(cr)) for a, c, d, cr in rows}


async def _received_partly_without_a_rate(shop: RunningBot, ada: SandboxUser) -> int:
    """10 lamps at $1.25: 4 received before the shop had a dollar rate, 6 at 1.25. The PO's number."""
    await new_moon_lamp(shop)
    number = await _sent(shop, "MOON-1", 10, Money(125, "USD"))
    runtime = shop.runtime
    await receive_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=number, sku="MOON-1", quantity=4)
    await ada.send("/fx USD 1.25")
    await receive_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=number, sku="MOON-1", quantity=6)
    return number


async def test_a_payable_received_partly_without_a_rate_clears_each_part_in_its_own_currency(shop: RunningBot) -> None:
    """4 lamps at $1.25 arrive before the shop has a dollar rate: $5.00 stays payable in dollars.
    The other 6 arrive at 1.25: $7.50 is £6.00 payable. Paid at 1.50, $7.50 first clears the
    $5.00 kept in dollars, then $2.50 of the £6.00 part: a third of it, £2.00, for £1.67 of cash
    (£0.33 gained); the last $5.00 clears the £4.00 left for £3.33 (£0.67 gained). 2000 ends at
    zero in both currencies; the gains are in 5500."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    number = await _received_partly_without_a_rate(shop, ada)
    books = await _payable_by_currency(shop, number)
    assert books[(PAYABLE, "USD")] == (0, 500) and books[(PAYABLE, "GBP")] == (0, 600)
    await ada.send("/fx USD 1.50")
    await ada.send(f"/po pay {number} 7.50")
    books = await _payable_by_currency(shop, number)
    assert books[(PAYABLE, "USD")] == (500, 500) and books[(CASH, "USD")] == (0, 500)
    assert books[(PAYABLE, "GBP")] == (200, 600) and books[(CASH, "GBP")] == (0, 167) and books[(FX, "GBP")] == (0, 33)
    await ada.send(f"/po pay {number} 5")
    books = await _payable_by_currency(shop, number)
    assert books[(PAYABLE, "USD")] == (500, 500) and books[(PAYABLE, "GBP")] == (600, 600)
    assert books[(CASH, "GBP")] == (0, 500) and books[(FX, "GBP")] == (0, 100)
    assert await _balanced(shop)


async def test_a_payable_received_partly_without_a_rate_paid_whole_clears_both_parts(shop: RunningBot) -> None:
    """$5.00 kept in dollars and £6.00 converted, paid whole ($12.50) at 1.50: the dollars are
    paid in dollars, the £6.00 for £5.00 of cash (£1.00 gained); nothing is left on 2000."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    number = await _received_partly_without_a_rate(shop, ada)
    await ada.send("/fx USD 1.50")
    await ada.send(f"/po pay {number} 12.50")
    books = await _payable_by_currency(shop, number)
    assert books[(PAYABLE, "USD")] == (500, 500) and books[(CASH, "USD")] == (0, 500)
    assert books[(PAYABLE, "GBP")] == (600, 600) and books[(CASH, "GBP")] == (0, 500) and books[(FX, "GBP")] == (0, 100)
    assert await _balanced(shop)


async def _ledger(shop: RunningBot) -> dict[tuple[str, str], int]:
    """Each account's balance per currency, debit side up."""
    async with shop.runtime.sessions() as session:
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = await session.execute(
            select(line.account, e.currency, func.sum(line.debit_minor) - func.sum(line.credit_minor))
            .join(e, e.id == line.entry_id)
            .group_by(line.account, e.currency)
        )
        return {(a, c): int(b) for a, c, b in rows}


async def test_goods_received_before_the_shop_has_their_currency_s_rate_are_in_inventory_once(
    shop: RunningBot,
) -> None:
    """4 lamps at $1.25 arrive before the shop has a dollar rate. The stock value counts them
    without a cost until it has one, so 1200 Inventory holds nothing for them, in pounds or in
    dollars: the $5.00 owed is against 3000 until then, in dollars. At the first rate (1.25) they
    enter inventory at £4.00 against 3000, as units that had no cost do; booked in dollars too, they
    were in inventory twice, and a trial balance showed $5.00 of stock that no count ever found."""
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    await new_moon_lamp(shop)
    number = await _sent(shop, "MOON-1", 10, Money(125, "USD"))
    runtime = shop.runtime
    before = await _ledger(shop)
    await receive_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=number, sku="MOON-1", quantity=4)
    after = await _ledger(shop)
    assert after.get((INVENTORY, "USD"), 0) == 0 and after[(INVENTORY, "GBP")] == before[(INVENTORY, "GBP")]
    assert after[(PAYABLE, "USD")] == -500 and after[(WITHOUT_ORDER, "USD")] == 500
    await ada.send("/fx USD 1.25")
    rated = await _ledger(shop)
    assert (
        rated[(INVENTORY, "GBP")] - before[(INVENTORY, "GBP")]
        == 400
        == before.get((WITHOUT_ORDER, "GBP"), 0) - (rated[(WITHOUT_ORDER, "GBP")])
    )
    assert rated[(INVENTORY, "GBP")] == await _stock_value(shop) and rated.get((INVENTORY, "USD"), 0) == 0
    manager = await hire(shop, 92, "Маша", "manager", "MAN", language="ru")
    trial = (await manager.send("/trial")).last.text
    stock_lines = [line for line in trial.splitlines() if line.startswith("1200 Товарные запасы")]
    assert len(stock_lines) == 1 and "$" not in stock_lines[0], trial  # no stock in dollars
    await ada.send(f"/po pay {number} 5")
    paid = await _ledger(shop)
    assert paid[(PAYABLE, "USD")] == 0 and paid[(CASH, "USD")] == -500 and await _balanced(shop)
