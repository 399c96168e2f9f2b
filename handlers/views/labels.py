"""Human names for the codes the domain uses (statuses, roles, payment methods, reasons…),
in the reader's language. One table, one lookup: every kind is also a template filter
(``{{ order.status.value | status }}``), code calls ``label("status", code)``."""

from __future__ import annotations

import re
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from domain.i18n import N_
from domain.orders import Order
from domain.routing import WAITS_FOR_STOCK
from handlers.views.dates import current_locale, format_day

LABELS: dict[str, dict[str, str]] = {
    "status": {
        "placed": N_("placed"),
        "awaiting_payment": N_("awaiting payment"),
        "paid": N_("paid"),
        "invoiced": N_("invoiced"),
        "allocated": N_("confirmed, being prepared"),
        "picking": N_("being picked"),
        "picked": N_("picked, being packed"),
        "packed": N_("packed"),
        "partially_shipped": N_("partially shipped"),
        "shipped": N_("shipped"),
        "delivered": N_("delivered"),
        "completed": N_("completed"),
        "cancelled": N_("cancelled"),
        "on_hold": N_("on hold"),
    },
    # An order's flags, after its status on /order and /queue (they were shown as stored: "BACKORDER").
    "order_flag": {
        "BACKORDER": N_("waiting for stock"),
        "GIFT": N_("gift"),
        "REPLACEMENT": N_("replacement"),
        "SHORT": N_("short: awaiting the customer's answer"),
        "SPLIT": N_("sent in parts"),
        "VIP": N_("VIP"),
    },
    "payment": {  # said after "Payment:" (chat, receipts, the Mini App): not "Payment: pay at pickup"
        "card": N_("card, paid in Telegram"),
        "cod": N_("cash on delivery"),
        "cod_pickup": N_("on pickup at the store"),
        "invoice": N_("invoice"),
        "channel": N_("paid at the sales channel"),  # its name, where known, by payment_said
    },
    "payment_kind": {
        "payment": N_("payment"),
        "refund_owed": N_("refund owed"),
        "refunded": N_("refund paid back"),
        "write_off": N_("write-off"),
        "credit_note": N_("credit note"),
        "goodwill": N_("goodwill refund owed"),
    },
    "channel": {"telegram": N_("Telegram"), "support": N_("support"), "api": N_("API")},
    "role": {
        "admin": N_("admin"),
        "manager": N_("manager"),
        "picker": N_("picker"),
        "packer": N_("packer"),
        "support": N_("support"),
    },
    "pick_method": {
        "single": N_("single order"),
        "batch": N_("batch"),
        "zone": N_("zone"),
        "wave": N_("wave"),
    },
    "po_status": {
        "draft": N_("draft"),
        "approved": N_("approved"),
        "partial": N_("partly received"),
        "received": N_("received"),
        "discarded": N_("discarded"),
        "closed": N_("closed"),
    },
    "parcel_status": {"shipped": N_("on its way"), "delivered": N_("delivered")},
    "return_status": {
        "return_requested": N_("requested"),
        "approved": N_("approved"),
        "rejected": N_("rejected"),
        "received": N_("received"),
        "refunded": N_("refund approved"),  # owed until staff confirm it paid back ("refund paid back")
        "exchanged": N_("exchanged"),
    },
    "return_reason": {
        "damaged": N_("damaged"),
        "wrong_item": N_("wrong item"),
        "not_as_described": N_("not as described"),
        "doesnt_fit": N_("doesn't fit"),
        "changed_mind": N_("changed my mind"),
        "other": N_("other"),
    },
    # The same reasons as the customer's buttons: capitalised, as buttons read.
    "return_reason_button": {
        "damaged": N_("Damaged"),
        "wrong_item": N_("Wrong item"),
        "not_as_described": N_("Not as described"),
        "doesnt_fit": N_("Doesn't fit"),
        "changed_mind": N_("Changed my mind"),
        "other": N_("Other"),
    },
    "return_kind": {"refund": N_("refund"), "exchange": N_("exchange")},
    "product_status": {"active": N_("active"), "hidden": N_("hidden"), "discontinued": N_("discontinued")},
    "product_field": {
        "name": N_("Name"),
        "description": N_("Description"),
        "category": N_("Category"),
        "barcode": N_("Barcode"),
        "weight": N_("Weight, g"),
        "dims": N_("Dimensions, mm"),
        "cost": N_("Unit cost"),
        "photos": N_("Photos"),
        "status": N_("Status"),
        "created": N_("Created"),
        "options": N_("Options"),
        "option_names": N_("Option names"),
        "variant_added": N_("Variant added"),
    },
    "return_method": {"drop_off": N_("brought to a store"), "courier": N_("collected by courier")},
    "segment": {"vip": N_("VIP"), "repeat": N_("repeat"), "new": N_("new"), "at risk": N_("at risk")},
    # The journal keeps an account as its number and English name (domain.accounting.Account):
    # ``ordergram export journal`` writes that; /trial and the file /journal sends read it in the
    # reader's language.
    "account": {
        "1000 Cash": N_("1000 Cash"),
        "1100 Accounts receivable": N_("1100 Accounts receivable"),
        "1200 Inventory": N_("1200 Inventory"),
        "2000 Accounts payable": N_("2000 Accounts payable"),
        "2100 Refunds owed to customers": N_("2100 Refunds owed to customers"),
        "2200 Sales tax payable": N_("2200 Sales tax payable"),
        "3000 Opening stock and goods without an order": N_("3000 Opening stock and goods without an order"),
        "4000 Sales": N_("4000 Sales"),
        "4100 Shipping income": N_("4100 Shipping income"),
        "4800 Sales discounts": N_("4800 Sales discounts"),
        "4900 Sales returns": N_("4900 Sales returns"),
        "4950 Goodwill refunds and allowances": N_("4950 Goodwill refunds and allowances"),
        "5000 Cost of goods sold": N_("5000 Cost of goods sold"),
        "5100 Inventory write-offs": N_("5100 Inventory write-offs"),
        "5200 Inventory revaluation": N_("5200 Inventory revaluation"),
        "5300 Purchase price variance": N_("5300 Purchase price variance"),
        "5400 Currency conversion rounding": N_("5400 Currency conversion rounding"),
        "5500 Exchange gains and losses": N_("5500 Exchange gains and losses"),
    },
    # The journal file's columns (domain.accounting.CSV_HEADER) in the file sent in chat;
    # ``ordergram export journal`` keeps the codes, for programs.
    "journal_column": {
        "entry": N_("entry"),
        "date": N_("date"),
        "source": N_("source"),
        "memo": N_("memo"),
        "account": N_("account"),
        "debit": N_("debit"),
        "credit": N_("credit"),
        "currency": N_("currency"),
    },
    # A file's kind as /import takes it (the code stays: it is what is typed).
    "import_kind": {
        "warehouses": N_("warehouses"),
        "products": N_("products"),
        "stock": N_("stock"),
        "carriers": N_("carriers"),
        "boxes": N_("boxes"),
        "suppliers": N_("suppliers"),
        "reorder": N_("reorder"),
        "demand": N_("demand"),
        "customers": N_("customers"),
        "prices": N_("prices"),
    },
    "forecast_method": {
        "ses": N_("simple exponential smoothing"),
        "holt": N_("Holt, damped trend"),
        "croston": N_("Croston (SBA), intermittent demand"),
        "tsb": N_("TSB, intermittent demand"),
        "theta": N_("Theta (smoothing with drift)"),
        "imapa": N_("IMAPA, weekly and multi-week demand averaged"),
        "seasonal": N_("smoothing with a yearly season"),
        "combined": N_("combination of the two best"),
    },
}

# Parameters of domain errors that carry a code: shown by their label (see handlers.errors).
ERROR_PARAM_LABELS = {
    "status": "status",
    "current": "status",
    "target": "status",
    "role": "role",
    "po_status": "po_status",
    "return_status": "return_status",
}


def label(kind: str, code: str) -> str:
    """The human name of ``code`` among the ``kind`` codes; unknown codes are shown as they are."""
    return _(LABELS[kind].get(code, code))


def payment_said(code: str, paid_at: str | None = None, reference: str = "") -> str:
    """How an order is paid, after "Payment:": one another channel took payment for is "paid at
    web shop (WEB-1001)", so nobody looks for a Telegram charge to refund."""
    if code == "channel" and paid_at:
        said = _("paid at %(channel)s") % {"channel": paid_at[:64]}
        return f"{said} ({reference[:64]})" if reference else said
    return label("payment", code)


def order_payment(order: Order) -> str:
    """``payment_said`` of an order: ``{{ order | order_payment }}``."""
    return payment_said(order.payment_terms, order.paid_at, order.reference)


# Stock movements keep their reason as the text the use case wrote ("shipment AB12CD34");
# the known shapes are shown in the reader's language, anything else (an API client's own
# reason) as it is. A parameter named after a LABELS kind is shown by its label.
MOVEMENT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"shipment (?P<code>\S+)"), N_("shipment %(code)s")),
    (re.compile(r"stock import"), N_("stock import")),
    (re.compile(r"receipt"), N_("goods received")),
    (re.compile(r"PO (?P<number>\S+) receipt"), N_("purchase order %(number)s received")),
    (re.compile(r"adjustment: (?P<note>.*)", re.DOTALL), N_("adjustment: %(note)s")),
    (re.compile(r"move (?P<source>\S+) → (?P<target>\S+)"), N_("moved %(source)s → %(target)s")),
    (re.compile(r"transfer (?P<source>\S+) → (?P<target>\S+)"), N_("transfer %(source)s → %(target)s")),
    (re.compile(r"short pick (?P<code>\S+)"), N_("short at picking %(code)s")),
    (re.compile(r"return (?P<rma>\S+): restock"), N_("return %(rma)s: restocked")),
    (
        re.compile(r"return (?P<rma>\S+): write-off \((?P<return_reason>\w+)\)"),
        N_("return %(rma)s: written off (%(return_reason)s)"),
    ),
)
# An order's history keeps the reason the use case wrote ("cash on delivery", "due 2027-01-02",
# who cancelled); the known shapes are shown in the reader's language, a carrier's name or a
# payment's charge id as it is, and "placed" (the status itself) not at all.
HISTORY_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"card"), N_("card payment")),
    (re.compile(r"cash on delivery"), N_("cash on delivery")),
    (re.compile(r"due (?P<date>\d{4}-\d\d-\d\d)"), N_("due %(date)s")),
    (re.compile(r"replacement"), N_("replacement")),
    (re.compile(r"short pick: (?P<sku>\S+)"), N_("short at picking: %(sku)s")),
    (re.compile(r"short: (?P<sku>\S+)"), N_("short at packing: %(sku)s")),
    (re.compile(r"handed over"), N_("handed over")),
    (re.compile(r"goodwill: (?P<why>.+)", re.S), N_("goodwill refund: %(why)s")),
    (re.compile(r"po number: (?P<was>.+) → (?P<now>.+)"), N_("PO number %(was)s → %(now)s")),
    (re.compile(r"customer"), N_("by the customer")),
    (re.compile(r"staff"), N_("by staff")),
    (re.compile(r"api"), N_("through the API")),
    (re.compile(r"system"), N_("by the system")),
)
# Who made a movement, when it was not a person ("staff:97" and "api:till" stay as they are).
ACTORS = {"import": N_("import"), "system": N_("system")}


def movement_reason(reason: str) -> str:
    for pattern, text in MOVEMENT_REASONS:
        if found := pattern.fullmatch(reason):
            params = {k: label(k, v) if k in LABELS else v for k, v in found.groupdict().items()}
            return _(text) % params
    return reason


# Said to the customer instead: "through the API" means nothing to them (staff read which key).
CUSTOMER_REASONS = {"api": N_("by the shop")}


def history_reason(reason: str, timezone: str, *, customer: bool = False) -> str:
    if reason == "placed":
        return ""
    if customer and reason in CUSTOMER_REASONS:
        return _(CUSTOMER_REASONS[reason])
    for pattern, text in HISTORY_REASONS:
        if found := pattern.fullmatch(reason):
            params = found.groupdict()
            if "date" in params:
                params["date"] = format_day(date.fromisoformat(params["date"]), timezone)
            return _(text) % params
    return reason


def actor_name(actor: str) -> str:
    return _(ACTORS[actor]) if actor in ACTORS else actor


# An order's routing keeps the reasons ``domain.routing`` wrote, in English ("LON can ship
# every line"), on the order since it was placed; the known shapes are shown in the reader's
# language, a warehouse's code (the first items) as it is.
_NEAREST = re.compile(r"nearest to the (?P<to>delivery|pickup) point: (?P<places>.+)")
_PLACE = re.compile(r"(?P<code>\S+) (?P<km>\d+) km")
_ONE = re.compile(r"(?P<code>\S+) can ship every line")
_SEVERAL = re.compile(r"no single warehouse has every line; (?P<n>\d+) warehouses needed")
_AMONG = re.compile(r"chosen among (?P<n>\d+) possible (?P<what>warehouses|combinations)")
# Restated after a waiting part was filled (``domain.routing.restated``).
_SPLIT = re.compile(r"(?P<split>split: )?(?P<parts>.+)")
_SHIPS = re.compile(r"(?P<code>\S+) ships (?P<n>\d+)")
_STILL = re.compile(r"(?P<n>\d+) still wait for stock")


def routing_reason(reason: str) -> str:
    if reason == WAITS_FOR_STOCK:
        return _("every line waits for stock: allocated when it arrives")
    if found := _ONE.fullmatch(reason):
        return _("%(code)s can ship every line") % found.groupdict()
    if found := _SEVERAL.fullmatch(reason):
        n = int(found["n"])
        return ngettext(
            "no single warehouse has every line; %(n)s warehouse needed",
            "no single warehouse has every line; %(n)s warehouses needed",
            n,
        ) % {"n": n}
    if found := _AMONG.fullmatch(reason):
        n = int(found["n"])
        if found["what"] == "warehouses":
            text = ngettext("chosen among %(n)s possible warehouse", "chosen among %(n)s possible warehouses", n)
        else:
            text = ngettext("chosen among %(n)s possible combination", "chosen among %(n)s possible combinations", n)
        return text % {"n": n}
    if found := _STILL.fullmatch(reason):
        n = int(found["n"])
        return ngettext("%(n)s still waits for stock", "%(n)s still wait for stock", n) % {"n": n}
    if (found := _SPLIT.fullmatch(reason)) and all(_SHIPS.fullmatch(p) for p in found["parts"].split(", ")):
        shipping = [_SHIPS.fullmatch(part) for part in found["parts"].split(", ")]
        parts = ", ".join(_("%(code)s ships %(n)s") % {"code": p["code"], "n": p["n"]} for p in shipping if p)
        return _("split: %(parts)s") % {"parts": parts} if found["split"] else parts
    if (found := _NEAREST.fullmatch(reason)) and all(_PLACE.fullmatch(p) for p in found["places"].split(", ")):
        places = [_PLACE.fullmatch(place) for place in found["places"].split(", ")]
        shown = ", ".join(
            _("%(code)s %(km)s km") % {"code": p["code"], "km": format_decimal(int(p["km"]), locale=current_locale())}
            for p in places
            if p is not None
        )
        if found["to"] == "pickup":
            return _("nearest to the pickup point: %(places)s") % {"places": shown}
        return _("nearest to the delivery point: %(places)s") % {"places": shown}
    return reason
