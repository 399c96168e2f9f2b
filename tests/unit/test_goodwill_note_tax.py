"""A goodwill refund books, in tax payable, the tax its credit note keeps and prints: whatever its amount, and for
every note after the first, so goodwill notes adding up to the invoice give back exactly its tax."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast
from unittest.mock import AsyncMock, patch

from domain.accounting import Account
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.payments import Payment, PaymentKind
from domain.ports.payments import PaymentRepository
from domain.usecases.goodwill import give_goodwill
from tests.fakes import FakeClock, FakePaymentRows, FakeUnitOfWork

T0 = datetime(2026, 12, 7, 12, tzinfo=UTC)
MANAGER = 98


class _Uow(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.payments = cast(PaymentRepository, FakePaymentRows())  # the rest of the port is not called
        self.parcels = AsyncMock()  # the order's lock: one fake unit of work runs at a time
        self.outbox = AsyncMock()  # the customer told: not what is tested here


async def _paid_order() -> tuple[FakeUnitOfWork, Order]:
    """10 × €2.95 and €5.20 shipping at 20 %: €34.70, €5.79 of tax inside (€5.78 on the whole at once), paid."""
    uow = _Uow()  # base EUR
    order = Order.place(
        code="ABC123",
        customer_id=1,
        currency="EUR",
        lines=[OrderLine(1, "85123A", "Heart holder", 10, Money(295, "EUR"))],
        now=T0,
        actor="customer:1",
        shipping=Money(520, "EUR"),
        tax_rate="20",
    )
    async with uow:
        await uow.orders.add(order)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", order.total, T0))
        await uow.commit()
    assert order.total == Money(3470, "EUR") and order.tax == Money(579, "EUR")
    return uow, order


async def _give(uow: FakeUnitOfWork, order: Order, amount: Money) -> tuple[int, int]:
    """What the note for ``amount`` prints as its tax, and what its journal entry took from tax payable."""
    with patch("domain.usecases.goodwill.require", AsyncMock()):  # the fakes keep no staff: a manager gives it
        typed = str(amount.to_decimal())
        await give_goodwill(uow, FakeClock(T0), staff_id=MANAGER, code=order.code, amount_text=typed, reason="late")
    notes = await uow.credit_notes.for_order(order.id or 0)
    printed = notes[-1].tax  # kept as issued: what its PDF prints
    lines = uow.state.journal[-1].lines
    booked = sum(x.debit - x.credit for x in lines if x.account is Account.TAX_PAYABLE)
    return printed.amount, booked


async def test_a_goodwill_refund_books_the_tax_its_credit_note_prints_whatever_the_amount() -> None:
    differ = []
    for minor in range(1, 3471, 7):
        uow, order = await _paid_order()
        printed, booked = await _give(uow, order, Money(minor, "EUR"))
        if printed != booked:
            differ.append((minor, printed, booked))
    assert differ == []


async def test_goodwill_notes_adding_up_to_the_invoice_give_back_exactly_its_tax() -> None:
    for first in range(1, 3470, 37):
        uow, order = await _paid_order()
        taken = [await _give(uow, order, Money(minor, "EUR")) for minor in (first, 3470 - first)]
        assert [printed for printed, _ in taken] == [booked for _, booked in taken], first
        assert sum(booked for _, booked in taken) == 579, first
