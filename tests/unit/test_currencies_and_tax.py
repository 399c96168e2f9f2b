"""Rates against the base currency, prices converted from it, and sales booked in the base
currency with the tax inside the prices split out — all exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast
from unittest.mock import AsyncMock, patch

import pytest

from domain.accounting import Account
from domain.fx import FxRate, PairWithoutBase, Rates, locale_currency, rate_against_base
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.ports.payments import PaymentRepository
from domain.usecases.bookkeeping import BooksCurrencyChanged, book, book_refund, book_sale, pin_books_currency
from domain.usecases.owed_back import confirm_paid_back
from domain.usecases.payments import record_invoice_payment
from domain.usecases.return_money import give_back
from tests.fakes import FakeClock, FakePaymentRows, FakeUnitOfWork

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
T1 = datetime(2026, 11, 3, 9, tzinfo=UTC)


def test_rates_use_the_newest_pair_either_way_round_and_convert_exactly() -> None:
    rates = Rates.from_latest(
        "GBP",
        [
            FxRate("GBP", "RUB", Decimal("100"), T0),
            FxRate("RUB", "GBP", Decimal("0.008"), T1),  # newer, stored the other way: 1 GBP = 125 RUB
            FxRate("GBP", "EUR", Decimal("1.17"), T0),
            FxRate("USD", "JPY", Decimal("150"), T1),  # no base on either side: ignored
        ],
    )
    assert rates.currencies == ["GBP", "EUR", "RUB"]
    assert rates.rate_text("RUB") == "125" and rates.rate_text("GBP") == "1"
    assert rates.convert(Money(295, "GBP"), "RUB") == Money(36875, "RUB")
    assert rates.convert(Money(100, "EUR"), "GBP") == Money(85, "GBP")  # 0.8547… half-even
    assert rates.convert(Money(117, "EUR"), "RUB") == Money(12500, "RUB")  # through the base
    assert rates.convert(Money(1, "GBP"), "USD") is None and not rates.offers("USD")


def test_a_product_s_own_price_wins_over_a_converted_one() -> None:
    rates = Rates("GBP", {"RUB": Decimal("100"), "EUR": Decimal("1.2")})
    prices = {"GBP": Money(295, "GBP"), "RUB": Money(29900, "RUB")}
    assert rates.price(prices, "RUB") == Money(29900, "RUB")
    assert rates.price(prices, "EUR") == Money(354, "EUR")


def test_a_product_priced_only_in_a_currency_without_a_rate_cannot_be_sold() -> None:
    rates = Rates("GBP", {"RUB": Decimal("100"), "EUR": Decimal("1.2")})
    only_usd = {"USD": Money(500, "USD")}
    assert [rates.price(only_usd, c) for c in rates.currencies] == [None, None, None]
    assert not rates.sells(only_usd)
    # Priced only in a currency the shop takes: converted through the base into the others.
    only_eur = {"EUR": Money(120, "EUR")}
    assert rates.sells(only_eur)
    assert (rates.price(only_eur, "GBP"), rates.price(only_eur, "RUB")) == (Money(100, "GBP"), Money(10000, "RUB"))


def test_a_rate_needs_the_base_on_one_side_and_a_positive_value() -> None:
    assert rate_against_base("GBP", "RUB", "GBP", "0.01", T0).base == "RUB"
    with pytest.raises(PairWithoutBase):
        rate_against_base("GBP", "EUR", "USD", "1.1", T0)
    with pytest.raises(Exception, match="rate"):
        rate_against_base("GBP", "GBP", "RUB", "-3", T0)


def test_a_language_s_usual_currency() -> None:
    assert [locale_currency(x) for x in ("ru", "en-GB", "de", "", "zz")] == ["RUB", "GBP", "EUR", None, None]


def _order(currency: str, unit: int, shipping: int, *, fx_rate: str = "1", tax_rate: str = "0") -> Order:
    line = OrderLine(1, "SKU1", "Mug", 2, Money(unit, currency))
    return Order.place(
        code="ABC123",
        customer_id=1,
        currency=currency,
        lines=[line],
        now=T0,
        actor="customer:1",
        shipping=Money(shipping, currency),
        fx_rate=fx_rate,
        tax_rate=tax_rate,
    )


def _lines(uow: FakeUnitOfWork) -> dict[Account, tuple[int, int]]:
    [posted] = uow.state.journal
    return {x.account: (x.debit, x.credit) for x in posted.lines}


async def test_a_sale_splits_the_tax_included_in_goods_and_shipping() -> None:
    uow = FakeUnitOfWork()  # base EUR
    order = _order("EUR", 600, 360, tax_rate="20")  # 12.00 goods + 3.60 shipping, 20 % VAT inside
    assert order.tax == Money(260, "EUR")
    await book_sale(uow, order, T0, debit=Account.CASH, memo=Memo.of("sale {code} (card)", code=order.code))
    assert _lines(uow) == {
        Account.CASH: (1560, 0),
        Account.REVENUE: (0, 1000),
        Account.SHIPPING_INCOME: (0, 300),
        Account.TAX_PAYABLE: (0, 260),
    }


async def test_a_refund_takes_back_the_tax_inside_it_at_the_order_s_rates() -> None:
    uow = FakeUnitOfWork()  # base EUR
    order = _order("RUB", 6000, 0, fx_rate="100", tax_rate="20")  # 120.00 RUB of goods, 20.00 RUB VAT inside
    await book_sale(uow, order, T0, debit=Account.CASH, memo=Memo.of("sale {code} (card)", code=order.code))
    uow.state.journal.clear()
    await book_refund(uow, order, Money(3000, "RUB"), T0, source="return:R1", memo=Memo.of("refund owed, return R1"))
    [posted] = uow.state.journal
    assert posted.currency == "EUR" and "at 100 RUB/EUR" in posted.memo
    assert _lines(uow) == {
        Account.SALES_RETURNS: (25, 0),  # 25.00 RUB net of 30.00 RUB → 0.25 EUR
        Account.TAX_PAYABLE: (5, 0),  # the 5.00 RUB of VAT inside it no longer owed
        Account.REFUNDS_PAYABLE: (0, 30),
    }


async def test_a_foreign_currency_sale_is_booked_in_the_base_at_the_order_s_rate() -> None:
    uow = FakeUnitOfWork()
    order = _order("RUB", 33333, 10001, fx_rate="98.7654")  # 666.66 RUB goods, 100.01 RUB shipping
    await book_sale(uow, order, T0, debit=Account.RECEIVABLE, memo=Memo.of("sale {code} (invoice)", code=order.code))
    [posted] = uow.state.journal
    assert posted.currency == "EUR" and "at 98.7654 RUB/EUR" in posted.memo
    lines = _lines(uow)
    assert lines[Account.REVENUE] == (0, 675)  # 666.66 / 98.7654 = 6.7499… → 6.75
    assert lines[Account.SHIPPING_INCOME] == (0, 101)  # 100.01 / 98.7654 = 1.0126 → 1.01
    assert lines[Account.RECEIVABLE] == (776, 0)  # the sum of the converted credits: balanced


async def test_the_books_currency_is_remembered_and_kept_once_something_is_booked() -> None:
    uow = FakeUnitOfWork()
    await pin_books_currency(uow, "GBP")
    await pin_books_currency(uow, "EUR")  # nothing booked yet: the base may still change
    assert uow.state.books_currency == "EUR"
    await book_sale(uow, _order("EUR", 600, 0), T0, debit=Account.CASH, memo=Memo.of("sale X (card)"))
    await pin_books_currency(uow, "EUR")
    with pytest.raises(BooksCurrencyChanged) as refused:
        await pin_books_currency(uow, "GBP")
    assert refused.value.params == {"kept": "EUR", "wanted": "GBP", "entries": 1}
    assert uow.state.books_currency == "EUR"


def _balances(uow: FakeUnitOfWork) -> dict[Account, int]:
    """Each account's debits less credits over every entry booked."""
    found: dict[Account, int] = {}
    for posted in uow.state.journal:
        for x in posted.lines:
            found[x.account] = found.get(x.account, 0) + x.debit - x.credit
    return found


async def test_a_foreign_currency_invoice_paid_and_a_refund_paid_back_leave_nothing_in_their_accounts() -> None:
    uow = FakeUnitOfWork()  # base EUR
    order = _order("RUB", 44472, 0, fx_rate="100.50", tax_rate="20")  # 889.44 RUB, 148.24 RUB VAT inside
    await book_sale(uow, order, T0, debit=Account.RECEIVABLE, memo=Memo.of("sale {code} (invoice)", code=order.code))
    # The invoice is paid whole: 889.44 RUB / 100.50 = 8.8501… → 8.85 EUR, as /paid books it.
    await book(
        uow,
        T1,
        "order:ABC123",
        Memo.of("invoice paid"),
        order.total,
        Account.CASH,
        Account.RECEIVABLE,
        fx_rate="100.50",
    )
    await book_refund(uow, order, order.total, T1, source="return:R1", memo=Memo.of("refund owed, return R1"))
    await book(
        uow,
        T1,
        "return:R1",
        Memo.of("refund paid"),
        order.total,
        Account.REFUNDS_PAYABLE,
        Account.CASH,
        fx_rate="100.50",
    )
    balances = _balances(uow)
    assert balances[Account.RECEIVABLE] == 0 and balances[Account.REFUNDS_PAYABLE] == 0 and balances[Account.CASH] == 0
    assert balances[Account.TAX_PAYABLE] == 0 and balances[Account.SALES_RETURNS] == -balances[Account.REVENUE]
    sale = {x.account: (x.debit, x.credit) for x in uow.state.journal[0].lines}
    assert sale == {Account.RECEIVABLE: (885, 0), Account.REVENUE: (0, 737), Account.TAX_PAYABLE: (0, 148)}


async def test_a_foreign_currency_invoice_credited_in_part_then_paid_leaves_nothing_receivable() -> None:
    uow = FakeUnitOfWork()  # base EUR
    order = _order("RUB", 44472, 0, fx_rate="100.50")  # 889.44 RUB: 8.8501… → 8.85 EUR
    await book_sale(uow, order, T0, debit=Account.RECEIVABLE, memo=Memo.of("sale {code} (invoice)", code=order.code))
    half = Money(44472, "RUB")  # 444.72 RUB no longer sent: 4.425… → 4.43 EUR on its own
    await book_refund(
        uow,
        order,
        half,
        T1,
        source="order:ABC123",
        memo=Memo.of("credit note"),
        credit=Account.RECEIVABLE,
        owed_before=order.total,
    )
    # /paid books what is left to pay, 444.72 RUB, converted whole: 4.43 EUR.
    await book(
        uow,
        T1,
        "order:ABC123",
        Memo.of("invoice paid"),
        order.total - half,
        Account.CASH,
        Account.RECEIVABLE,
        fx_rate="100.50",
    )
    balances = _balances(uow)
    assert balances[Account.RECEIVABLE] == 0 and balances[Account.CASH] == 443
    assert balances[Account.SALES_RETURNS] == 442  # the credit note: 8.85 owed before, 4.43 after


class _UowWithPayments(FakeUnitOfWork):
    def __init__(self, payments: FakePaymentRows) -> None:
        super().__init__()
        self.payments = cast(PaymentRepository, payments)  # the rest of the port is not called
        self.parcels = AsyncMock()  # /paid takes the order's lock: one fake unit of work runs at a time


async def test_a_foreign_currency_invoice_taken_down_by_a_return_then_paid_leaves_nothing_receivable() -> None:
    payments = FakePaymentRows()
    uow = _UowWithPayments(payments)  # base EUR
    order = _order("RUB", 44472, 0, fx_rate="100.50")  # 889.44 RUB: 8.85 EUR receivable
    order.id, order.payment_method = 7, PaymentMethod.INVOICE
    await book_sale(uow, order, T0, debit=Account.RECEIVABLE, memo=Memo.of("sale {code} (invoice)", code=order.code))
    half = Money(44472, "RUB")  # one mug returned: 4.43 EUR converted on its own
    memo, reason = Memo.of("return R1"), "return R1"
    owed, credit, notes = await give_back(uow, order, half, T1, source="order:ABC123", memo=memo, reason=reason)
    assert owed == Money.zero("RUB") and credit == half and [p.kind for p in payments.rows] == [PaymentKind.CREDIT_NOTE]
    assert [number for _, number in notes] == [1]  # one document of what the invoice fell by
    # /paid books what the invoice still asks, 444.72 RUB, converted whole: 4.43 EUR.
    await book(
        uow,
        T1,
        "order:ABC123",
        Memo.of("invoice paid"),
        order.total - half,
        Account.CASH,
        Account.RECEIVABLE,
        fx_rate="100.50",
    )
    assert _balances(uow)[Account.RECEIVABLE] == 0  # was 1 cent below zero: the note took 4.43 off


async def test_a_foreign_currency_invoice_paid_in_parts_leaves_nothing_receivable() -> None:
    payments = FakePaymentRows()
    uow = _UowWithPayments(payments)  # base EUR
    order = _order("RUB", 44472, 0, fx_rate="100.50")  # 889.44 RUB: 8.85 EUR receivable
    order.payment_method = PaymentMethod.INVOICE
    await uow.orders.add(order)
    await book_sale(uow, order, T0, debit=Account.RECEIVABLE, memo=Memo.of("sale {code} (invoice)", code=order.code))
    with patch("domain.usecases.payments.require", AsyncMock()):
        for later in (0, 10):  # 444.72 RUB twice (minutes apart): 4.425… → 4.43 EUR each, converted on its own
            clock = FakeClock(T1 + timedelta(minutes=later))
            await record_invoice_payment(uow, clock, staff_id=1, code="ABC123", amount="444.72")
    assert [p.amount for p in payments.rows] == [Money(44472, "RUB")] * 2
    # Each part takes off the receivable what it takes off the invoice: 8.85 → 4.43 → 0.
    assert _balances(uow)[Account.RECEIVABLE] == 0 and _balances(uow)[Account.CASH] == 885


class _UowPayingBack(_UowWithPayments):
    """Enough for ``confirm_paid_back``: no returns on the order, no lock, no customer to tell."""

    def __init__(self) -> None:
        super().__init__(FakePaymentRows())
        self.returns = AsyncMock(**{"for_order.return_value": []})
        self.parcels = AsyncMock()
        self.outbox = AsyncMock()


async def test_refunds_owed_in_a_foreign_currency_paid_back_together_leave_nothing_owed() -> None:
    uow = _UowPayingBack()  # base EUR
    order = await uow.orders.add(_order("RUB", 44472, 0, fx_rate="100.50"))  # 889.44 RUB
    for memo in (Memo.of("refund owed, ABC123 edited"), Memo.of("refund owed, ABC123 edited again")):
        half = Money(44472, "RUB")  # 444.72 RUB / 100.50 = 4.425… → 4.43 EUR, booked on its own
        await uow.payments.add(Payment(order.id or 0, PaymentKind.REFUND_OWED, "card", half, T0))
        await book_refund(uow, order, half, T0, source="order:ABC123", memo=memo)
    assert _balances(uow)[Account.REFUNDS_PAYABLE] == -886
    with patch("domain.usecases.owed_back.require", AsyncMock()):
        _, paid = await confirm_paid_back(uow, FakeClock(T1), staff_id=1, code="ABC123", seen=88944)
    # 889.44 RUB converted whole is 8.85 EUR: paying back that left 1 cent owed for ever.
    assert paid == Money(88944, "RUB") and _balances(uow)[Account.REFUNDS_PAYABLE] == 0
    assert _balances(uow)[Account.CASH] == -886
