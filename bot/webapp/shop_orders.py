"""The storefront's "My orders" and order screen: the chat's /orders and /track, and its PO number correction."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.webapp.payloads import body, delivery_place, money, order_sums, path_code, query_int
from bot.webapp.security import WebProblem, customer_of, runtime_of
from bot.webapp.shop_order_actions import actions_of, add_action_routes
from domain.order_actions import buyer_offered_reference
from domain.orders import MAX_REFERENCE, DeliveryMethod, Order, OrderStatus, PaymentMethod, order_reference
from domain.returns import delivered_at
from domain.usecases.order_reference import change_my_order_reference
from domain.usecases.orders import my_orders
from domain.usecases.shop import order_tax_numbers
from domain.usecases.tracking import OrderTracking, ReturnState, my_order_tracking
from handlers.catalog import reading_language
from handlers.views.dates import format_day
from handlers.views.labels import label, order_payment
from handlers.views.rendering import Renderer, channel_called, format_money, shorten

LINES_SHOWN = 100  # a business's long order is listed whole, as its receipt is


def _when(request: web.Request, value: Any) -> str:
    renderer: Renderer = runtime_of(request).dp["renderer"]
    return renderer.format_when(value) if value else ""


def _day(request: web.Request, value: date) -> str:
    return format_day(value, runtime_of(request).settings.timezone)


async def get_orders(request: web.Request) -> web.Response:
    """The customer's orders, newest first, a page at a time (the chat's /orders page size)."""
    runtime, customer = runtime_of(request), await customer_of(request)
    page = await my_orders(
        runtime.uow(),
        customer_id=customer.id or 0,
        page=query_int(request, "page", 0, high=100_000),
        page_size=runtime.settings.orders_page_size,
    )
    rows = [
        {
            "code": o.code,
            "status": o.status.value,
            "status_text": label("status", o.status.value),
            "placed": _when(request, o.created_at),
            "total": money(o.total),
            "units": sum(x.quantity for x in o.lines),
        }
        for o in page.orders
    ]
    return web.json_response({"orders": rows, "page": page.page, "pages": page.pages})


async def get_order(request: web.Request) -> web.Response:
    """One of the customer's orders as /track shows it (another's: not found, as any unknown code)."""
    runtime, customer = runtime_of(request), await customer_of(request)
    tracking = await my_order_tracking(runtime.uow(), customer_id=customer.id or 0, code=path_code(request))
    return web.json_response(await _screen(request, tracking))


async def post_po_number(request: web.Request) -> web.Response:
    """The buyer's PO number corrected until a parcel leaves (the chat's use case, its refusals)."""
    runtime, customer = runtime_of(request), await customer_of(request)
    code, data = path_code(request), await body(request)
    typed = data.get("po_number")
    if not isinstance(typed, str):
        raise WebProblem(422, _("The app sent something it cannot read: reopen the app."))
    order, was = await change_my_order_reference(
        runtime.uow(), runtime.clock, customer_id=customer.id or 0, code=code, reference=order_reference(typed)
    )
    if order.reference == was:
        said = _("Order {code} keeps its PO number; nothing was changed.")
    elif order.reference:
        said = _("Order {code}: PO number {reference}. Invoices and packing slips printed from now on carry it.")
    else:
        said = _("Order {code} has no PO number now.")
    tracking = await my_order_tracking(runtime.uow(), customer_id=customer.id or 0, code=order.code)
    screen = await _screen(request, tracking)
    return web.json_response(screen | {"said": said.format(code=order.code, reference=order.reference)})


def _po_title(order: Order) -> str | None:
    """What the reference is called when it is not the buyer's PO number: another channel's order number there."""
    if order.channel_name is None:
        return None
    return _("Order number at %(channel)s") % {"channel": channel_called(order)}


async def _screen(request: web.Request, tracking: OrderTracking) -> dict[str, Any]:
    order = tracking.order.in_language(reading_language())  # the lines as sold, named in the reader's language
    actions = await actions_of(request, tracking)
    names = {x.id: x.name for x in order.lines}  # a parcel's lines by name, as /track: the customer never saw a SKU
    return {
        "code": order.code,
        "status": order.status.value,
        "status_text": label("status", order.status.value),
        "placed": _when(request, order.created_at),
        "lines": [
            {"sku": x.sku, "name": shorten(x.name, 200), "quantity": x.quantity, "total": money(x.total)}
            for x in order.lines[:LINES_SHOWN]
        ],
        "more_lines": max(len(order.lines) - LINES_SHOWN, 0),
        "subtotal": money(order.subtotal),
        **order_sums(order),
        "total": money(order.total),
        "delivery": await _delivery(request, order),
        "payment": order_payment(order),
        "payment_state": _payment_state(request, order, tracking, actions["pay"]),
        "tax_numbers": await _tax_numbers(request, order),
        "actions": actions,
        "po_number": order.reference,
        "po_editable": buyer_offered_reference(order),
        "po_title": _po_title(order),
        "po_limit": MAX_REFERENCE,
        "parcels": [
            {
                "seq": p.seq,
                "carrier": p.carrier,
                "tracking": p.tracking,
                "link": tracking.links.get(p.seq, ""),
                "state": _parcel_state(request, p.shipped_at, p.eta, p.delivered_at),
                "lines": [f"{shorten(names.get(x.order_line_id, x.sku), 60)} × {x.quantity}" for x in p.lines],
            }
            for p in tracking.parcels
        ],
        "returns": [_return(r) for r in tracking.returns],
        "timeline": [
            {"at": _when(request, entry.at), "text": _timeline_text(tracking, place)}
            for place, entry in enumerate(order.history)
        ],
    }


def _timeline_text(tracking: OrderTracking, place: int) -> str:
    """A timeline entry as /track words it: a goodwill refund with its amount, an edit, or the status it reached."""
    entry = tracking.order.history[place]
    if (given := tracking.goodwill.get(place)) is not None:
        return "💸 " + _("Goodwill refund %(amount)s") % {"amount": format_money(given)}
    return "✏️ " + _("changed") if entry.from_status == entry.to_status else label("status", entry.to_status.value)


async def _delivery(request: web.Request, order: Order) -> dict[str, str]:
    """How the order comes and where, and when it came or is expected (nothing promised once cancelled)."""
    delivery = order.delivery
    if delivery is None:
        return {"method": "", "where": "", "when": ""}
    when, came = "", delivered_at(order)
    if order.status is not OrderStatus.CANCELLED and came:  # as /track: when it came, not when it was expected
        pickup = delivery.method is DeliveryMethod.PICKUP
        said = _("Picked up %(when)s.") if pickup else _("Delivered %(when)s.")
        when = said % {"when": _when(request, came)}
    elif order.status is not OrderStatus.CANCELLED and delivery.eta:
        service = " ".join(x for x in (delivery.carrier, delivery.service) if x)
        when = _("Expected delivery: %(date)s (%(service)s).") % {
            "date": _day(request, delivery.eta),
            "service": service,
        }
    elif order.status is not OrderStatus.CANCELLED and delivery.ready_by:
        when = _("Ready for pickup from %(when)s.") % {"when": _when(request, delivery.ready_by)}
    method, where = await delivery_place(runtime_of(request).uow(), delivery)
    return {"method": method, "where": where, "when": when}


async def _tax_numbers(request: web.Request, order: Order) -> list[str]:
    """The seller's and the buyer's tax numbers as the order's invoice prints them (kept when it was placed)."""
    buyer, seller = await order_tax_numbers(runtime_of(request).uow(), order)
    said = [_("VAT / tax number: %(number)s") % {"number": seller}] if seller else []
    if buyer:
        said.append(_("Customer's VAT / tax number: %(number)s") % {"number": buyer})
    return said


def _payment_state(request: web.Request, order: Order, tracking: OrderTracking, pay_here: bool) -> list[str]:
    """What is left to pay or owed back, in the chat's words (``pay_here``: 💳 Pay is on the screen)."""
    said = []
    if order.status is OrderStatus.AWAITING_PAYMENT and pay_here:
        said.append(_("Order {code} is placed and waits for payment.").format(code=order.code))
    elif order.status is OrderStatus.AWAITING_PAYMENT:
        said.append(
            _("Order {code} is placed and waits for payment: pay it from the chat (/orders).").format(code=order.code)
        )
    if tracking.invoice_left:
        left = _("Still to pay: %(amount)s") % {"amount": format_money(tracking.invoice_left)}
        due = _("Invoice due by %(date)s") % {"date": _day(request, order.invoice_due)} if order.invoice_due else ""
        said.append(f"🧾 {due} · {left}" if due else f"🧾 {left}")
    if tracking.card_left and tracking.card_left_at:  # only the channel that took the money takes the rest
        channel = shorten(tracking.card_left_at, 64)
        left = _("Still to pay: %(amount)s, through %(channel)s, where the order was paid, not here")
        said.append("💳 " + left % {"amount": format_money(tracking.card_left), "channel": channel})
    elif tracking.card_left and tracking.card_left_at is not None:  # a channel whose name is not known
        left = _("Still to pay: %(amount)s, through the sales channel where the order was paid, not here")
        said.append("💳 " + left % {"amount": format_money(tracking.card_left)})
    elif tracking.card_left:
        said.append("💳 " + _("Still to pay: %(amount)s") % {"amount": format_money(tracking.card_left)})
    elif order.payment_method is PaymentMethod.CARD and order.status not in (
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.CANCELLED,
    ):
        said.append(_("Paid ✅"))
    if tracking.refund_pending:
        amount = format_money(tracking.refund_pending)
        said.append("💸 " + _("Refund on its way: %(amount)s (we tell you when it is paid back).") % {"amount": amount})
    if tracking.refunded:
        said.append("💸 " + _("Refund paid back: %(amount)s") % {"amount": format_money(tracking.refunded)})
    return said


def _parcel_state(request: web.Request, shipped: Any, eta: Any, delivered: Any) -> str:
    if delivered:
        return _("shipped %(when)s, delivered %(delivered)s") % {
            "when": _when(request, shipped),
            "delivered": _when(request, delivered),
        }
    if eta:
        return _("shipped %(when)s, expected %(date)s") % {"when": _when(request, shipped), "date": _day(request, eta)}
    return _("shipped %(when)s") % {"when": _when(request, shipped)}


def _return(state: ReturnState) -> dict[str, str]:
    request = state.request
    status = _("refund paid back") if state.refund_paid else label("return_status", request.status.value)
    kind = label("return_kind", request.kind.value)
    return {"text": f"{_('Return %(rma)s') % {'rma': request.rma_code}} ({kind}) — {status}"}


def add_order_routes(app: web.Application) -> None:
    app.router.add_get("/api/shop/orders", get_orders)
    app.router.add_get("/api/shop/orders/{code}", get_order)
    app.router.add_post("/api/shop/orders/{code}/po", post_po_number)
    add_action_routes(app)
