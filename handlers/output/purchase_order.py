"""The purchase order as a PDF (A4) for the supplier: who buys, what, where to deliver, at what cost, what was paid."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.purchasing import PoStatus
from domain.shop import ShopIdentity
from domain.usecases.po_paperwork import PoPaperwork
from handlers.output.documents import A4, MARGIN, _when, _Writer
from handlers.views.dates import format_day
from handlers.views.labels import label
from handlers.views.rendering import format_money, format_number, shorten

EXPECTED = (PoStatus.APPROVED, PoStatus.PARTIAL)  # goods still on their way


def purchase_order_pdf(papers: PoPaperwork, shop: ShopIdentity | None = None, timezone: str = "UTC") -> bytes:
    po, shop = papers.po, shop or ShopIdentity()
    w = _Writer(A4, _("Purchase order %(number)s") % {"number": po.id})
    if shop.name:
        w.line(shop.name, size=13, bold=True)
    if shop.contacts:
        w.line(" · ".join(shop.contacts.values()), size=9, gap=2)
    w.line(_("Purchase order %(number)s") % {"number": po.id}, size=16, bold=True, gap=1.8)
    w.line(_("Placed %(when)s") % {"when": _when(po.created_at, timezone)})
    w.line(_("Status: %(status)s") % {"status": label("po_status", po.status.value)})
    if papers.supplier is not None:
        contact = f" · {papers.supplier.contact}" if papers.supplier.contact else ""
        w.line(_("Supplier: %(name)s") % {"name": papers.supplier.name[:80]} + contact[:80])
    if papers.warehouse is not None:
        place = f"{papers.warehouse.name} ({papers.warehouse.code})"
        w.line(_("Deliver to: %(place)s") % {"place": place[:90]})
        if papers.warehouse.address:
            w.paragraph(papers.warehouse.address, size=9)
    if po.expected_on is not None and po.status in EXPECTED:
        w.line(_("Expected by %(date)s") % {"date": format_day(po.expected_on, timezone)})
    w.space(12)
    received = any(line.received for line in po.lines)
    columns = (MARGIN, MARGIN + 82, MARGIN + 260, MARGIN + 314, MARGIN + 369, MARGIN + 462)  # DejaVu 9 pt widths
    header = [_("SKU"), _("Item"), _("Qty"), _("Received") if received else "", _("Price per unit"), _("Amount")]
    w.row(list(zip(columns, header, strict=True)), bold=True)
    for line in po.lines:
        cells = [
            line.sku[:14],
            shorten(papers.names.get(line.product_id, ""), 30),  # between words, with "…"
            format_number(line.quantity),
            format_number(line.received) if received else "",
            format_money(line.unit_cost),
            format_money(line.unit_cost * line.quantity),
        ]
        w.row(list(zip(columns, cells, strict=True)))
    w.space(6)
    w.line(_("Total: %(total)s") % {"total": format_money(po.total)}, bold=True)
    if received and po.status is not PoStatus.RECEIVED:  # delivered short, or still partly on its way
        w.line(_("received %(amount)s of it") % {"amount": format_money(po.received_total)})
    if received:
        paid, owed = format_money(po.paid), format_money(po.owed)
        w.line(_("Paid to the supplier: %(paid)s · still owed: %(owed)s") % {"paid": paid, "owed": owed})
    if papers.payments:
        _payments(w, papers, timezone)
    return w.pdf()


def _payments(w: _Writer, papers: PoPaperwork, timezone: str) -> None:
    """Every payment to the supplier, oldest first: when, how much, who recorded it, its note."""
    w.space(10)
    w.line(_("Payments to the supplier"), bold=True)
    columns = (MARGIN, MARGIN + 120, MARGIN + 210, MARGIN + 330)  # DejaVu 9 pt widths
    w.row(list(zip(columns, [_("Date"), _("Amount"), _("Recorded by"), _("Note")], strict=True)), bold=True)
    for payment, who in papers.payments:
        cells = [_when(payment.paid_at, timezone), format_money(payment.amount), who[:22], payment.note[:36]]
        w.row(list(zip(columns, cells, strict=True)))
