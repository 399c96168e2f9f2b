"""Set-ups and readers of test_miniapp_price_change that other test modules use too."""

from __future__ import annotations

from typing import Any


def order_at(options: dict[str, Any]) -> dict[str, Any]:
    """What shop.js sends for “Place order”: the pickup point and the goods' total the page showed."""
    pickup = options["pickup_points"][0]["id"]
    shown = {"minor": options["subtotal"]["minor"], "currency": options["subtotal"]["currency"]}
    return {"key": "p" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup, "subtotal": shown}
