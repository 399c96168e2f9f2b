"""What each dashboard tile opens: an order's timeline, a product's stock per bin, the lists
behind the late, on-hold, low-stock, open-returns and unsent tiles; and the hourly chart's data.
Every view calls the chat's own use case, so its role rule is the chat's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.runtime import Runtime
from bot.webapp.chart import hourly_svg
from bot.webapp.payloads import delivery_place, money, order_sums
from bot.webapp.security import RUNTIME, WebProblem, viewer
from domain.money import Money
from domain.orders import Order
from domain.purchasing import OnOrder
from domain.staff import Permission
from domain.usecases.dashboard import Hourly
from domain.usecases.dashboard_details import LIST_LIMIT, every_queue, late_and_held, product_stock
from domain.usecases.low_stock import low_stock
from domain.usecases.return_handling import open_returns
from domain.usecases.staff import require
from domain.usecases.staff_order import order_for_staff
from handlers.views.dates import format_day
from handlers.views.labels import actor_name, history_reason, label, order_payment
from handlers.views.rendering import Renderer, format_number
from storage.ops import unsent_messages

MAX_CODE = 64


def hourly_json(hourly: Hourly | None) -> dict[str, Any] | None:
    if hourly is None:
        return None
    revenue = in_base = None
    if hourly.revenue is not None:
        revenue = {c: [money(Money(v, c)) for v in per_hour] for c, per_hour in hourly.revenue.items()}
    if hourly.in_base is not None:
        in_base = [money(Money(v, hourly.base)) for v in hourly.in_base]
    svg = hourly_svg(hourly, orders_label=_("Orders"), revenue_label=_("Revenue"))
    return {"orders": list(hourly.orders), "revenue": revenue, "in_base": in_base, "svg": svg}


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def _when(runtime: Runtime, value: Any) -> str:
    renderer: Renderer = runtime.dp["renderer"]
    return renderer.format_when(value)


def _part(request: web.Request, name: str) -> str:
    value = request.match_info.get(name, "")
    if not value or len(value) > MAX_CODE:
        raise WebProblem(404, _("Nothing was found."))
    return value


def _order_row(runtime: Runtime, order: Order) -> dict[str, Any]:
    eta = order.delivery.eta if order.delivery else None
    return {
        "code": order.code,
        "status": order.status.value,
        "status_label": label("status", order.status.value),
        "placed": _when(runtime, order.created_at),
        "due": format_day(eta, _zone(runtime)) if eta else None,  # shown as it is
    }


async def get_order(request: web.Request) -> web.Response:
    """An order's timeline, as ``/order CODE`` shows it to the same staff member."""
    runtime, who = _runtime(request), viewer(request)
    view = await order_for_staff(runtime.uow(), staff_id=who.telegram_id, code=_part(request, "code"))
    order = view.order
    skus = {pid: p.sku for pid, p in view.products.items()}
    return web.json_response(
        {
            **_order_row(runtime, order),
            "customer": view.customer.display_name if view.customer else None,
            "payment": order_payment(order),  # as /order says it: "paid at web shop (WEB-1001)", not a card
            # Where it goes, as the customer's order screen says it: an address, or the pickup point by name.
            "delivery": await delivery_place(runtime.uow(), order.delivery) if order.delivery else None,
            "lines": [
                {"sku": x.sku, "name": x.name, "quantity": x.quantity, "total": money(x.total)} for x in order.lines
            ],
            **order_sums(order),  # between the lines and the total, as the customer's screen says them
            "total": money(order.total),
            "allocations": {
                code: [{"sku": skus.get(r.product_id, str(r.product_id)), "quantity": r.quantity} for r in rows]
                for code, rows in view.allocations.items()
            },
            "picking": [
                {
                    "bin": x.bin_code,
                    "sku": skus.get(x.product_id, str(x.product_id)),
                    "picked": x.picked,
                    "quantity": x.quantity,
                    "short": x.short,
                }
                for x in view.pick_lines
            ],
            "timeline": [
                {
                    "at": _when(runtime, entry.at),
                    "status": entry.to_status.value,
                    "status_label": label("status", entry.to_status.value),
                    "who": actor_name(view.who(entry.actor)),
                    "why": history_reason(entry.reason, _zone(runtime)),
                }
                for entry in order.history
            ],
        }
    )


async def get_product(request: web.Request) -> web.Response:
    """A product's stock per warehouse and bin, as ``/stock SKU`` shows it."""
    runtime, who = _runtime(request), viewer(request)
    view = await product_stock(runtime.uow(), staff_id=who.telegram_id, sku=_part(request, "sku"))
    return web.json_response(
        {
            "sku": view.product.sku,
            "name": view.product.display_name,
            "warehouses": [
                {
                    "code": w.warehouse.code,
                    "on_hand": w.level.on_hand,
                    "reserved": w.level.reserved,
                    "available": w.level.available,
                    "reorder_point": w.reorder_point,
                    "incoming": w.incoming,
                    "bins": [{"bin": b.bin_code, "quantity": b.quantity} for b in w.bins],
                }
                for w in view.warehouses
            ],
        }
    )


Lister = Callable[[Runtime, int, str], Awaitable[list[dict[str, Any]]]]


async def _queue(runtime: Runtime, staff_id: int, warehouse: str) -> list[dict[str, Any]]:
    """Orders to fulfil in one warehouse (or in each), by priority: the chat's ``/queue``."""
    rows = []
    for found, entries in await every_queue(runtime.uow(), staff_id=staff_id, warehouse_code=warehouse):
        rows += [{**_order_row(runtime, e.order), "warehouse": found.code, "units": e.units} for e in entries]
    return rows[:LIST_LIMIT]


async def _late(runtime: Runtime, staff_id: int, _where: str) -> list[dict[str, Any]]:
    late, _held = await late_and_held(runtime.uow(), runtime.clock, staff_id=staff_id, timezone=_zone(runtime))
    return [_order_row(runtime, o) for o in late]


async def _on_hold(runtime: Runtime, staff_id: int, _where: str) -> list[dict[str, Any]]:
    _late, held = await late_and_held(runtime.uow(), runtime.clock, staff_id=staff_id, timezone=_zone(runtime))
    return [_order_row(runtime, o) for o in held]


def _zone(runtime: Runtime) -> str:
    return runtime.settings.timezone


async def _low_stock(runtime: Runtime, staff_id: int, _where: str) -> list[dict[str, Any]]:
    lines = await low_stock(runtime.uow(), staff_id=staff_id)
    return [
        {
            "sku": x.product.sku,
            "name": x.product.display_name,
            "warehouse": x.warehouse.code,
            "available": x.reorder.level.available,
            "reorder_point": x.reorder.reorder_point,
            # Grouped the reader's way, as /lowstock and on_order_text are ("12,500", «12 500»).
            "available_text": format_number(x.reorder.level.available),
            "reorder_point_text": format_number(x.reorder.reorder_point),
            "on_order": x.on_order.units if x.on_order else 0,
            "expected_on": x.on_order.expected_on.isoformat() if x.on_order and x.on_order.expected_on else None,
            "on_order_text": _on_order_text(x.on_order, _zone(runtime)),
        }
        for x in lines[:LIST_LIMIT]
    ]


def _on_order_text(on_order: OnOrder | None, timezone: str) -> str:
    """What sent purchase orders bring and when, in /lowstock's words (a draft is not on order)."""
    if on_order is None:
        return ""
    if on_order.expected_on is None:
        return _("on order: %(n)s") % {"n": format_number(on_order.units)}
    return _("on order: %(n)s, expected %(date)s") % {
        "n": format_number(on_order.units),
        "date": format_day(on_order.expected_on, timezone),
    }


async def _open_returns(runtime: Runtime, staff_id: int, _where: str) -> list[dict[str, Any]]:
    requests, _more = await open_returns(runtime.uow(), staff_id=staff_id, limit=LIST_LIMIT)
    return [
        {
            "rma": r.rma_code,
            "code": r.order_code,
            "status_label": label("return_status", r.status.value),
            "kind": label("return_kind", r.kind.value),
            "placed": _when(runtime, r.created_at),
        }
        for r in requests
    ]


async def _unsent(runtime: Runtime, staff_id: int, _where: str) -> list[dict[str, Any]]:
    # The "unsent" tile is shown with the money, to those who see reports: so is its list.
    await require(runtime.uow(), staff_id, Permission.REPORTS)
    return [
        {
            "template": x.template,
            "written": _when(runtime, x.created_at),
            "next_attempt": _when(runtime, x.next_attempt_at),
            "attempts": x.attempts,
            "error": x.last_error[:200],
        }
        for x in await unsent_messages(runtime.sessions, LIST_LIMIT)
    ]


LISTS: dict[str, Lister] = {
    "queue": _queue,
    "late": _late,
    "on_hold": _on_hold,
    "low_stock": _low_stock,
    "open_returns": _open_returns,
    "unsent": _unsent,
}


async def get_list(request: web.Request) -> web.Response:
    lister = LISTS.get(request.match_info.get("name", ""))
    if lister is None:
        raise WebProblem(404, _("Nothing was found."))
    warehouse = request.query.get("warehouse", "")[:MAX_CODE]
    items = await lister(_runtime(request), viewer(request).telegram_id, warehouse)
    return web.json_response({"items": items, "limit": LIST_LIMIT})


def add_detail_routes(app: web.Application) -> None:
    app.router.add_get("/api/dashboard/orders/{code}", get_order)
    app.router.add_get("/api/dashboard/products/{sku}", get_product)
    app.router.add_get("/api/dashboard/lists/{name}", get_list)
