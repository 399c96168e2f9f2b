"""What the Mini App's endpoints read and write alike: a body, a number, a path's id, money, where an order goes."""

from __future__ import annotations

import json
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.webapp.security import WebProblem
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order
from domain.ports import UnitOfWork
from domain.usecases.checkout_options import pickup_points
from handlers.callbacks import pickup_label
from handlers.views.rendering import format_money, shorten

MAX_BODY = 16 * 1024
# A search's text, the storefront's and the catalog admin's: the servers refuse longer, the pages' boxes stop there.
MAX_SEARCH = 64
MAX_ID = 2**31 - 1  # the largest id a table holds (PostgreSQL's integer): past it a query fails, not finds none


def money(value: Money | None) -> dict[str, Any] | None:
    """An amount as the app shows and sends it back: minor units, currency, and the text."""
    if value is None:
        return None
    return {"minor": value.amount, "currency": value.currency, "text": format_money(value)}


def order_sums(order: Order) -> dict[str, Any]:
    """What lies between an order's lines and its total, as the customer's order screen and the staff's say it: each
    discount (a promo code by its code) and the shipping paid (None: none)."""
    return {
        "discounts": [
            {"label": _discount(order, name), "amount": format_money(Money(-minor, order.currency))}
            for name, minor in order.discounts
        ],
        "shipping": money(order.shipping) if order.shipping and order.shipping.amount else None,
    }


def _discount(order: Order, name: str) -> str:
    return _("Promo code %(code)s") % {"code": name} if name == order.promo_code else shorten(name, 80)


def query_int(request: web.Request, name: str, default: int | None = None, *, low: int = 0, high: int = 10**9) -> int:
    """A whole number in the query string, refused in the reader's language outside ``low``..``high``."""
    raw = request.query.get(name)
    if raw is None and default is not None:
        return default
    # isascii: "²" passes isdigit, and int() refuses it (a 500).
    if raw is None or not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise WebProblem(422, _("“{field}” must be a whole number.").format(field=name))
    return int(raw)


async def body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise WebProblem(415, _("The app sent something it cannot read: reopen the app."))
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise WebProblem(413, _("That is too long to send: shorten what you typed."))
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise WebProblem(400, _("The app sent something it cannot read: reopen the app.")) from None
    if not isinstance(parsed, dict):
        raise WebProblem(400, _("The app sent something it cannot read: reopen the app."))
    return parsed


def path_id(request: web.Request) -> int:
    raw = request.match_info.get("id", "")
    if not raw.isdecimal() or len(raw) > 12 or int(raw) > MAX_ID:  # past it PostgreSQL fails the query
        raise WebProblem(404, _("Nothing was found."))
    return int(raw)


def body_id(value: object) -> int | None:
    """An id sent in a body: None when it is no whole number; one no table can hold (2^31 and
    past, negative) as 0, an id of nothing, so it is not found as any unknown id is."""
    if type(value) is not int:
        return None
    return value if 0 <= value <= MAX_ID else 0


MAX_CODE = 32  # longer than any order code: refused before a query is made


def path_code(request: web.Request) -> str:
    """An order's code in the path: anything no code looks like is not found, before a query is made."""
    code = request.match_info.get("code", "")
    if not code or len(code) > MAX_CODE or not code.replace("-", "").isalnum() or not code.isascii():
        raise WebProblem(404, _("Nothing was found."))
    return code


async def delivery_place(uow: UnitOfWork, delivery: Delivery) -> tuple[str, str]:
    """How an order comes and where to: the customer's screen and the staff's dashboard say it alike."""
    if delivery.method is DeliveryMethod.PICKUP:
        points = {w.id: w for w in await pickup_points(uow)}
        point = points.get(delivery.pickup_warehouse_id or 0)
        where = pickup_label(point.name, point.address) if point else ""  # staff-set: shortened as in chat
        return _("🏬 Pick up at a store"), where
    return _("🚚 Courier delivery"), shorten(delivery.address, 300)
