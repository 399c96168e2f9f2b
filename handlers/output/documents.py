"""PDF documents (reportlab): shipping labels (4×6 in), packing slips and receipts (A4).

Text is set in DejaVu Sans, shipped in ``handlers/output/fonts`` because it covers Cyrillic (the
PDF base fonts do not). Labels carry the order code as a Code 128 barcode. Everything a
person reads goes through gettext in the requester's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from domain.credit_notes import ORDER_CHANGED, RETURNED, STANDARD_REASONS, CreditNote, note_of
from domain.debit_notes import DebitNote
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.packing import Package
from domain.payments import Payment, invoice_owed
from domain.shop import ShopIdentity
from domain.tax_numbers import as_placed
from domain.usecases.dispatch import OrderPaperwork
from handlers.views.dates import current_locale, format_day, format_moment
from handlers.views.labels import label, order_payment
from handlers.views.rendering import format_grams, format_money, format_share, shorten

FONTS = Path(__file__).parent / "fonts"
# reportlab (with Pillow) is imported where a document is drawn, not with the bot: ~17 MB a
# process holds for good, which a shop that never prints should not pay (bench/memory_at_start.py).
INCH = 72.0  # PDF points (reportlab.lib.units.inch)
A4 = (595.2755905511812, 841.8897637795277)  # points (reportlab.lib.pagesizes.A4)
LABEL_SIZE = (4 * INCH, 6 * INCH)
MARGIN = 36


@cache
def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


class _Writer:
    """A canvas with a cursor that moves down the page, and a fresh page when it runs out."""

    def __init__(self, size: tuple[float, float], title: str) -> None:
        from reportlab.pdfgen.canvas import Canvas

        self.buffer = io.BytesIO()
        self.size = size
        self.canvas = Canvas(self.buffer, pagesize=size)
        self.canvas.setTitle(title)
        self.regular, self.bold = _fonts()
        self.y = size[1] - MARGIN

    def line(self, text: str, *, size: float = 10, bold: bool = False, x: float = MARGIN, gap: float = 1.4) -> None:
        if self.y < MARGIN + size:
            self.canvas.showPage()
            self.y = self.size[1] - MARGIN
        self.canvas.setFont(self.bold if bold else self.regular, size)
        self.canvas.drawString(x, self.y, text)
        self.y -= size * gap

    def row(self, cells: Sequence[tuple[float, str]], *, size: float = 9, bold: bool = False) -> None:
        if self.y < MARGIN + size:
            self.canvas.showPage()
            self.y = self.size[1] - MARGIN
        self.canvas.setFont(self.bold if bold else self.regular, size)
        for x, text in cells:
            self.canvas.drawString(x, self.y, text)
        self.y -= size * 1.5

    def paragraph(self, text: str, *, size: float = 9, width: float | None = None) -> None:
        """Text wrapped to the page's width, its own line breaks kept."""
        from reportlab.lib.utils import simpleSplit

        width = width or self.size[0] - 2 * MARGIN
        for paragraph in text.splitlines() or [""]:
            for line in simpleSplit(paragraph, self.regular, size, width) or [""]:
                self.line(line, size=size, gap=1.3)

    def barcode(self, text: str, *, bar_height: float, bar_width: float) -> None:
        """``text`` as Code 128 at the foot of the page, above the line written under it."""
        from reportlab.graphics.barcode.code128 import Code128

        Code128(text, barHeight=bar_height, barWidth=bar_width).drawOn(self.canvas, MARGIN - 10, MARGIN + 30)

    def space(self, points: float = 8) -> None:
        self.y -= points

    def pdf(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


# Paper writes dates as chat does (``dates_locale``): the reader's language as the shop's country
# (its TIMEZONE's) writes it, so an English receipt in a London shop reads "4 Dec 2026, 09:30", not
# the US's "Dec 4, 2026, 9:30 AM"; Russian keeps its own anywhere.


def _day(value: datetime | None, timezone: str) -> str:
    """The shop's day of a moment, written the reader's way ("6 Dec 2026", "6 дек. 2026 г.")."""
    return format_day(value.astimezone(ZoneInfo(timezone)).date(), timezone) if value is not None else ""


def _when(value: datetime | None, timezone: str) -> str:
    """A moment in the shop's time zone, written the reader's way ("4 Dec 2026, 09:30", "4 дек. 2026 г., 09:30")."""
    return format_moment(value, timezone) if value is not None else ""


def _box(package: Package) -> str:
    """The parcel's box by its code, or that it has none: the packer wrapped it without a standard box."""
    return _("box %(code)s") % {"code": package.box_code} if package.box_code else _("no box")


def shipping_label(docs: OrderPaperwork) -> bytes:
    """One 4×6 in page per package: from, to, carrier, order code and its barcode."""
    order = docs.order
    # No parcel recorded (packed before parcels were kept): one page, and no parcel made up for it.
    packages: list[Package | None] = list(docs.packages) or [None]
    w = _Writer(LABEL_SIZE, _("Shipping label %(code)s") % {"code": order.code})
    for page, package in enumerate(packages):
        if page:
            w.canvas.showPage()
            w.y = LABEL_SIZE[1] - MARGIN
        w.line(_("FROM"), size=7, bold=True)
        if docs.warehouse:
            w.line(docs.warehouse.name, size=9)
            w.line(docs.warehouse.address[:60], size=8)
        w.space()
        w.line(_("TO"), size=7, bold=True)
        w.line(docs.recipient, size=14, bold=True)
        delivery = order.delivery
        address = delivery.address if delivery and delivery.address else _("Pickup at the store")
        for chunk in [address[i : i + 40] for i in range(0, min(len(address), 160), 40)]:
            w.line(chunk, size=11)
        if order.contact_phone:
            w.line(order.contact_phone, size=10)
        w.space()
        service = f"{delivery.carrier} {delivery.service}".strip() if delivery else ""
        w.line(service or "—", size=12, bold=True)
        if package is not None:
            w.line(
                _("Package %(n)s of %(m)s · %(box)s · %(weight)s")
                % {
                    "n": package.seq,
                    "m": len(packages),
                    "box": _box(package),
                    "weight": format_grams(package.weight_g),
                },
                size=10,
            )
        if order.tracking_number:
            w.line(_("Tracking: %(number)s") % {"number": order.tracking_number}, size=10)
        w.barcode(order.code, bar_height=60, bar_width=1.6)
        w.canvas.setFont(w.bold, 16)
        w.canvas.drawString(MARGIN, MARGIN + 8, order.code)
    return w.pdf()


def parcel_label(docs: OrderPaperwork, seq: int) -> bytes:
    """One 4×6 in page for one parcel of a split shipment: from, to, carrier, what is in it,
    its tracking number as a barcode and the order code."""
    order = docs.order
    parcel = next(p for p in docs.parcels if p.seq == seq)
    w = _Writer(LABEL_SIZE, _("Parcel label %(code)s") % {"code": f"{order.code}-{seq}"})
    w.line(_("FROM"), size=7, bold=True)
    if docs.warehouse:
        w.line(docs.warehouse.name, size=9)
        w.line(docs.warehouse.address[:60], size=8)
    w.space()
    w.line(_("TO"), size=7, bold=True)
    w.line(docs.recipient, size=14, bold=True)
    address = order.delivery.address if order.delivery and order.delivery.address else _("Pickup at the store")
    for chunk in [address[i : i + 40] for i in range(0, min(len(address), 160), 40)]:
        w.line(chunk, size=11)
    if order.contact_phone:
        w.line(order.contact_phone, size=10)
    w.space()
    w.line(parcel.carrier[:40], size=12, bold=True)
    w.line(_("Parcel %(n)s of %(m)s") % {"n": seq, "m": len(docs.parcels)}, size=10)
    for line in parcel.lines[:6]:
        w.line(f"{line.sku[:30]} × {line.quantity}", size=8)
    w.line(_("Tracking: %(number)s") % {"number": parcel.tracking}, size=10)
    w.barcode(parcel.tracking, bar_height=50, bar_width=1.2)
    w.canvas.setFont(w.bold, 14)
    w.canvas.drawString(MARGIN, MARGIN + 8, f"{order.code} · {seq}/{len(docs.parcels)}")
    return w.pdf()


def packing_slip(docs: OrderPaperwork, timezone: str = "UTC") -> bytes:
    """Lines with quantities and the bins they were picked from; a gift slip has no prices."""
    order = docs.order
    w = _Writer(A4, _("Packing slip %(code)s") % {"code": order.code})
    w.line(_("Packing slip — order %(code)s") % {"code": order.code}, size=16, bold=True, gap=1.8)
    w.line(_("Placed %(when)s · for %(name)s") % {"when": _when(order.created_at, timezone), "name": docs.recipient})
    if order.reference:  # the goods-in desk checks the delivery against the buyer's purchase order
        w.line(_("Your reference: %(reference)s") % {"reference": order.reference})
    if docs.gift:
        w.line(_("Gift order: no prices on this slip."), bold=True)
        if order.gift_message:
            w.line(_("Gift card: “%(message)s”") % {"message": order.gift_message[:90]})
    if docs.packages:  # what the packer put the goods in, each parcel
        parcels = "; ".join(f"{_box(p)} · {format_grams(p.weight_g)}" for p in docs.packages)
        w.paragraph(_("Packed: %(parcels)s") % {"parcels": parcels}, size=10)  # a split order: many parcels
    w.space(12)
    bins: dict[int, list[str]] = {}
    for line in docs.pick_lines:
        if line.bin_code and line.picked:
            bins.setdefault(line.product_id, []).append(line.bin_code)
    header = [(MARGIN, _("SKU")), (MARGIN + 80, _("Item")), (MARGIN + 330, _("Qty")), (MARGIN + 370, _("Bin"))]
    if not docs.gift:
        header.append((MARGIN + 460, _("Amount")))
    w.row(header, bold=True)
    for item in order.lines:
        cells = [
            (MARGIN, item.sku),
            (MARGIN + 80, shorten(item.name, 42)),
            (MARGIN + 330, str(item.quantity)),
            (MARGIN + 370, ", ".join(sorted(set(bins.get(item.product_id, []))))[:22]),
        ]
        if not docs.gift:
            cells.append((MARGIN + 460, format_money(item.total)))
        w.row(cells)
    if not docs.gift:
        _totals(w, order)
    return w.pdf()


def _totals(w: _Writer, order: Order) -> None:
    """Below the lines (at list price): each discount as the chat's order shows it, shipping,
    the total they add up to, and the tax it includes (prices include it with TAX_RATE)."""
    for name, minor in _discounts(order):
        shown = _("Promo code %(code)s") % {"code": name} if name == order.promo_code else name[:50]
        w.row([(MARGIN, shown), (MARGIN + 460, "−" + format_money(Money(minor, order.currency)))])
    if order.shipping and order.shipping.amount:
        w.row([(MARGIN, _("Shipping")), (MARGIN + 460, format_money(order.shipping))])
    w.space()
    w.line(_("Total: %(total)s") % {"total": format_money(order.total)}, bold=True)
    if order.tax.amount:
        rate = Decimal(order.tax_rate)
        shown_rate = format_share(float(rate / 100), max(-int(rate.normalize().as_tuple().exponent), 0))
        w.line(_("Including tax at %(rate)s: %(amount)s") % {"rate": shown_rate, "amount": format_money(order.tax)})
        # A business's VAT invoice shows the net its accounts book as cost apart from the tax they reclaim.
        w.line(_("Total without tax: %(amount)s") % {"amount": format_money(order.total - order.tax)})


def _discounts(order: Order) -> list[tuple[str, int]]:
    """The order's discounts by name; what their names do not account for (an order from
    before they were named) as one line of discounts."""
    named = [(name, minor) for name, minor in order.discounts if minor]
    rest = order.discount.amount - sum(minor for name, minor in named)
    return [*named, (_("Discounts"), rest)] if rest > 0 else named


def _invoice_state(w: _Writer, order: Order, payments: Sequence[Payment], bank: str | None, timezone: str) -> None:
    """A business's invoice: when it is due and what it still asks for (its total less what was
    paid and the parts credited), the one document the business has of it."""
    left = invoice_owed(order.total, payments)
    if left.amount <= 0:
        w.line(_("Invoice paid in full."), bold=True)
        return
    if order.invoice_due is not None:
        w.line(_("Invoice due by %(date)s") % {"date": format_day(order.invoice_due, timezone)}, bold=True)
    w.line(_("Still to pay: %(amount)s") % {"amount": format_money(left)}, bold=True)
    if bank:  # a transfer needs somewhere to go
        w.paragraph(_("Bank details for payment: %(bank)s") % {"bank": bank}, size=10)


def _letterhead(w: _Writer, docs: OrderPaperwork, shop: ShopIdentity) -> str | None:
    """The shop's name, contacts and tax number on top; the buyer's tax number, for the caller to place.
    A VAT invoice (EU, UK) and a Russian one (ИНН) name the seller's and the buyer's, as on the day of the sale."""
    if shop.name:
        w.line(shop.name, size=13, bold=True)
    if shop.address:  # up to 200 characters: wrapped
        w.paragraph(shop.address, size=9)
    if shop.contacts:
        w.line(" · ".join(shop.contacts.values()), size=9, gap=2)
    order = docs.order
    seller = as_placed(order.seller_tax_number, shop.tax_number)
    if seller:
        w.line(_("VAT / tax number: %(number)s") % {"number": seller}, size=9, gap=2)
    return as_placed(order.buyer_tax_number, docs.customer.tax_number if docs.customer else None)


def receipt(docs: OrderPaperwork, shop: ShopIdentity | None = None, timezone: str = "UTC") -> bytes:
    """The order as bought: the shop's name and contacts on top, its returns policy below."""
    order = docs.order
    shop = shop or ShopIdentity()
    free = order.no_charge_replacement  # no invoice issued, no number: it calls itself no invoice
    invoice = order.payment_method is PaymentMethod.INVOICE and not free
    numbered = order.invoice_label if invoice else None  # an invoice issued before they were numbered: by its code
    current, name = order, docs.recipient
    if numbered is not None and docs.invoice is not None:  # what it was issued for, whatever the order is now
        order, name = docs.invoice.printed(order, current_locale()), docs.invoice.buyer
        docs = replace(docs, order=order)
    if free:
        w = _Writer(A4, _("Delivery note %(code)s") % {"code": order.code})
        buyer = _letterhead(w, docs, shop)
        w.line(_("Delivery note — order %(code)s") % {"code": order.code}, size=16, bold=True, gap=1.8)
        w.line(_("Replacement sent in exchange: no charge."), bold=True)
    elif numbered is not None:
        title = _("Invoice %(number)s of %(date)s") % {"number": numbered, "date": _invoice_day(docs, timezone)}
        w = _Writer(A4, title)
        buyer = _letterhead(w, docs, shop)
        w.line(title, size=16, bold=True, gap=1.8)
        w.line(_("Order %(code)s") % {"code": order.code}, bold=True)
    else:
        w = _Writer(A4, (_("Invoice %(code)s") if invoice else _("Receipt %(code)s")) % {"code": order.code})
        buyer = _letterhead(w, docs, shop)
        heading = _("Invoice — order %(code)s") if invoice else _("Receipt — order %(code)s")
        w.line(heading % {"code": order.code}, size=16, bold=True, gap=1.8)
    w.line(_("Placed %(when)s · for %(name)s") % {"when": _when(order.created_at, timezone), "name": name})
    if buyer:  # for them to reclaim the tax
        w.line(_("Customer's VAT / tax number: %(number)s") % {"number": buyer})
    w.line(_("Status: %(status)s") % {"status": label("status", order.status.value)})
    if order.reference:  # their purchase order's number: what their accounts payable match the invoice by
        w.line(_("Your reference: %(reference)s") % {"reference": order.reference}, bold=True)
    w.space(12)
    for item in order.lines:
        w.row(
            [
                (MARGIN, f"{item.sku}  {shorten(item.name, 50)}"),
                (MARGIN + 360, f"{item.quantity} × {format_money(item.unit_price)}"),
                (MARGIN + 460, format_money(item.total)),
            ]
        )
    _totals(w, order)
    if not free:  # nothing to pay
        w.line(_("Payment: %(method)s") % {"method": order_payment(order)})
    for payment in docs.payments:
        kind = label("payment_kind", payment.kind.value)
        note = note_of(payment, docs.credit_notes)  # the part of a note listed below, not a note of its own
        of = " · " + _("part of %(note)s") % {"note": note.label} if note is not None else ""
        typed = f" · {shorten(payment.note, 60)}" if payment.note else ""  # the transfer's reference, as /paid took it
        w.line(f"{_when(payment.at, timezone)} · {kind} · {format_money(payment.amount)}{typed}{of}", size=9)
    if numbered is not None:  # what corrected it since, beside it, for the buyer's accountant
        for note in docs.credit_notes:
            shown = {"number": note.label, "date": _day(note.issued_at, timezone), "amount": format_money(note.amount)}
            w.line(_("Credit note %(number)s of %(date)s: −%(amount)s") % shown, size=9)
        for debit in docs.debit_notes:
            shown = {
                "number": debit.label,
                "date": _day(debit.issued_at, timezone),
                "amount": format_money(debit.amount),
            }
            w.line(_("Debit note %(number)s of %(date)s: +%(amount)s") % shown, size=9)
    if invoice and order.status is not OrderStatus.CANCELLED:
        _invoice_state(w, current, docs.payments, shop.bank, timezone)
    returns = shop.policy("returns", current_locale())
    if returns is not None:
        w.space(12)
        w.line(_("Returns"), bold=True)
        w.paragraph(returns[0], size=8)
    return w.pdf()


def _invoice_day(docs: OrderPaperwork, timezone: str) -> str:
    """The day a numbered invoice was issued, as its title prints it: the day it was kept as issued (a £0 replacement
    edited up takes its number days after it was placed), else the order's."""
    return _day(docs.invoice.issued_at if docs.invoice is not None else docs.order.created_at, timezone)


def corrected(docs: OrderPaperwork, timezone: str = "UTC") -> str:
    """What a credit note on the order corrects, as it prints it (and the chat captions its file): an
    invoice by its number and day, one issued before numbers by the order's code, else the receipt."""
    order = docs.order
    invoice = order.payment_method is PaymentMethod.INVOICE
    if invoice and order.invoice_label is not None:  # an invoice is named by its number and day, as it prints them
        return _("Corrects invoice %(number)s of %(date)s") % {
            "number": order.invoice_label,
            "date": _invoice_day(docs, timezone),
        }
    corrects = _("Corrects invoice %(code)s of %(when)s") if invoice else _("Corrects receipt %(code)s of %(when)s")
    return corrects % {"code": order.code, "when": _when(order.created_at, timezone)}


def _note_head(docs: OrderPaperwork, shop: ShopIdentity | None, title: str, issued: datetime, timezone: str) -> _Writer:
    """A credit or debit note's top: the letterhead, its title (its number), when it was issued and for whom: the
    buyer as its invoice names them (name and tax number as issued), not as they are called today."""
    w = _Writer(A4, title)
    if docs.invoice is not None:
        docs = replace(docs, order=docs.invoice.printed(docs.order))
    buyer = _letterhead(w, docs, shop or ShopIdentity())
    w.line(title, size=16, bold=True, gap=1.8)
    w.line(_("Issued %(when)s · for %(name)s") % {"when": _when(issued, timezone), "name": docs.invoiced_to})
    if buyer:
        w.line(_("Customer's VAT / tax number: %(number)s") % {"number": buyer})
    return w


def _note_amount(w: _Writer, order: Order, said: str, amount: Money, tax: Money) -> bytes:
    """A note's bottom: its amount (``said``: "Credited: …" or "Debited: …"), the tax inside it as the note keeps
    it (``tax``); the PDF."""
    w.line(said % {"amount": format_money(amount)}, bold=True)
    if order.tax.amount or tax.amount:  # an order edited to nothing holds no tax now
        w.line(_("Including tax: %(amount)s") % {"amount": format_money(tax)})
        w.line(_("Total without tax: %(amount)s") % {"amount": format_money(amount - tax)})
    return w.pdf()


def credit_note(
    docs: OrderPaperwork, note: CreditNote, shop: ShopIdentity | None = None, timezone: str = "UTC"
) -> bytes:
    """A refund's credit note, laid out as the invoice it corrects: its own number, the invoice's,
    both tax numbers as on the day of the sale, the amount (the tax inside it) and why."""
    order = docs.order
    w = _note_head(docs, shop, _("Credit note %(number)s") % {"number": note.label}, note.issued_at, timezone)
    w.line(corrected(docs, timezone))
    if order.payment_method is PaymentMethod.INVOICE and order.invoice_label is not None:
        w.line(_("Order %(code)s") % {"code": order.code})
    if order.reference:
        w.line(_("Your reference: %(reference)s") % {"reference": order.reference}, bold=True)
    w.space(12)
    # A reason the shop gives by itself (a cancel, an edit…) is printed in the reader's language; one typed, as typed.
    reason = _(note.reason) if note.reason in STANDARD_REASONS else note.reason
    if returned := RETURNED.fullmatch(note.reason):
        reason = _("RMA %(rma)s") % {"rma": returned.group(1)}
    w.line(_("Reason: %(reason)s") % {"reason": shorten(reason, 90)})
    w.space()
    # The tax it kept as issued, which its journal entries took back (``domain.credit_notes.credited_tax``).
    return _note_amount(w, order, _("Credited: %(amount)s"), note.amount, note.tax)


def adds_to(docs: OrderPaperwork, timezone: str = "UTC") -> str:
    """What a debit note on the order adds to, as it prints it (and the chat captions its file): the invoice by its
    number and day."""
    shown = {"number": docs.order.invoice_label or docs.order.code, "date": _invoice_day(docs, timezone)}
    return _("Adds to invoice %(number)s of %(date)s") % shown


def debit_note(docs: OrderPaperwork, note: DebitNote, shop: ShopIdentity | None = None, timezone: str = "UTC") -> bytes:
    """An issued invoice's rise, laid out as the credit note is: its own number, the invoice's it adds to (which
    keeps its number), both tax numbers as on the day of the sale, the amount and the tax inside it."""
    order = docs.order
    w = _note_head(docs, shop, _("Debit note %(number)s") % {"number": note.label}, note.issued_at, timezone)
    w.line(adds_to(docs, timezone))
    w.line(_("Order %(code)s") % {"code": order.code})
    if order.reference:
        w.line(_("Your reference: %(reference)s") % {"reference": order.reference}, bold=True)
    w.space(12)
    w.line(_("Reason: %(reason)s") % {"reason": _(ORDER_CHANGED)})
    w.space()
    # The tax it kept as issued, which its journal entry added to VAT (``domain.debit_notes.debited_tax``).
    return _note_amount(w, order, _("Debited: %(amount)s"), note.amount, note.tax)
