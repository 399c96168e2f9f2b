"""An exchange's other variant on an order's screen (/track, /order): named by its option values, escaped and kept to
a line as the returned line's own name is."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.utils.i18n import I18n

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from domain.usecases.tracking import OrderTracking, ReturnState
from handlers.orders import detail_text
from handlers.views.rendering import Renderer

AT = datetime(2026, 11, 25, tzinfo=UTC)
# Three option values of up to 64 characters each: what a variant may carry (domain.variants).
LONG = " / ".join(["Extra-long <sleeve> hand-finished organic cotton in a deep shade"] * 3)


def test_an_exchanges_variant_is_named_escaped_and_shortened_as_the_line_it_replaces(i18n: I18n) -> None:
    tee = "Organic cotton T-shirt (L / Navy)"
    order = Order("BCDFGHJK", 1, "GBP", [OrderLine(7, "TEE-L-NVY", tee, 1, Money(1300, "GBP"), id=1)], id=5)
    swap = ReturnLine(1, 7, "TEE-L-NVY", tee, 1, Money(1300, "GBP"), swap_product_id=8, swap_sku="TEE-M-NVY")
    request = ReturnRequest(
        "RBCDFGHJ", 5, 1, ReturnKind.EXCHANGE, ReturnReason.CHANGED_MIND, ReturnMethod.DROP_OFF, [swap], AT
    )
    tracking = OrderTracking(order, returns=[ReturnState(request)], swaps={8: LONG})
    with i18n.use_locale("en"):
        text = detail_text(Renderer(), order, tracking)
    (line,) = [x for x in text.splitlines() if "→" in x]
    shown = line.split(" → ", 1)[1].rsplit(" × ", 1)[0]
    assert "<sleeve>" not in shown and "&lt;sleeve&gt;" in shown  # escaped for Telegram HTML
    assert shown.endswith("…") and len(shown.replace("&lt;", "<").replace("&gt;", ">")) <= 60, shown
