"""Invoices as issued: written once in the transaction that numbers them, read back by their order's papers."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import OrderLine
from storage import models as m

_ISSUED = select(m.IssuedInvoiceRow)


def _line(line: OrderLine) -> dict[str, object]:
    return {
        "product_id": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "names": dict(line.names),
        "quantity": line.quantity,
        "unit_price_minor": line.unit_price.amount,
        "discount_minor": line.discount_minor,
    }


def _order_line(data: dict[str, object], currency: str) -> OrderLine:
    names = data["names"]
    assert isinstance(names, dict)
    return OrderLine(
        int(str(data["product_id"])),
        str(data["sku"]),
        str(data["name"]),
        int(str(data["quantity"])),
        Money(int(str(data["unit_price_minor"])), currency),
        discount_minor=int(str(data["discount_minor"])),
        names={str(k): str(v) for k, v in names.items()},
    )


async def keep_invoice(session: AsyncSession, invoice: IssuedInvoice) -> None:
    session.add(
        m.IssuedInvoiceRow(
            order_id=invoice.order_id,
            number=invoice.number,
            issued_at=invoice.issued_at,
            currency=invoice.total.currency,
            lines=json.dumps([_line(line) for line in invoice.lines], ensure_ascii=False),
            shipping_minor=None if invoice.shipping is None else invoice.shipping.amount,
            discounts=json.dumps([list(d) for d in invoice.discounts], ensure_ascii=False),
            tax_rate=invoice.tax_rate,
            total_minor=invoice.total.amount,
            tax_minor=invoice.tax.amount,
            due=invoice.due,
            buyer=invoice.buyer,
            buyer_tax_number=invoice.buyer_tax_number or "",
        )
    )
    await session.flush()


async def issued_invoice(session: AsyncSession, order_id: int) -> IssuedInvoice | None:
    row = await session.scalar(_ISSUED.where(m.IssuedInvoiceRow.order_id == order_id))
    if row is None:
        return None
    currency = row.currency
    return IssuedInvoice(
        row.order_id,
        row.number,
        row.issued_at,
        tuple(_order_line(line, currency) for line in json.loads(row.lines)),
        None if row.shipping_minor is None else Money(row.shipping_minor, currency),
        tuple((str(name), int(minor)) for name, minor in json.loads(row.discounts)),
        row.tax_rate,
        Money(row.total_minor, currency),
        Money(row.tax_minor, currency),
        row.due,
        row.buyer,
        row.buyer_tax_number,
    )
