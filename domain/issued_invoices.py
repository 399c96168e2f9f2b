"""An issued invoice as it was issued: the lines, tax, totals, due date and buyer it took its number with.

An order's lines and total move after its invoice is numbered (an edit, a return); the invoice does not. What an
edit adds is a debit note (``domain.debit_notes``), what it takes off a credit note (``domain.credit_notes``); the
invoice under its number prints what it was issued for, the notes listed after it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.money import Money
from domain.orders import Order, OrderLine


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    order_id: int
    number: int
    issued_at: datetime
    lines: tuple[OrderLine, ...]
    shipping: Money | None
    discounts: tuple[tuple[str, int], ...]
    tax_rate: str
    total: Money
    tax: Money
    due: date | None
    buyer: str  # the name it was made out to
    buyer_tax_number: str | None  # as the invoice printed it ("": none)

    @classmethod
    def of(cls, order: Order, buyer: str, buyer_tax_number: str | None, at: datetime) -> IssuedInvoice:
        """``order`` as its invoice is issued under the number it has just taken."""
        assert order.invoice_number is not None and order.id is not None
        return cls(
            order.id,
            order.invoice_number,
            at,
            tuple(order.lines),
            order.shipping,
            tuple(order.discounts),
            order.tax_rate,
            order.total,
            order.tax,
            order.invoice_due,
            buyer,
            buyer_tax_number,
        )

    def printed(self, order: Order, language: str = "") -> Order:
        """``order`` as its invoice printed it: its lines (named in ``language`` as sold, if given), shipping,
        discounts, tax and due date as issued."""
        return replace(
            order,
            lines=[replace(line, name=line.named_in(language) if language else line.name) for line in self.lines],
            shipping=self.shipping,
            discounts=self.discounts,
            tax_rate=self.tax_rate,
            invoice_due=self.due,
            buyer_tax_number=self.buyer_tax_number,
        )
