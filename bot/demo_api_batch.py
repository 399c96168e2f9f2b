"""The demo's marketplace connector catching up after an outage: its orders in one batch, then the batch again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from bot.demo_web_shop import serving_api
from bot.harness import RunningBot

_BUYERS = (("Cai Cole", "22197", "MKT-501"), ("Dee Dunn", "NOPE-1", "MKT-502"), ("Eve Ellis", "85123A", "MKT-503"))


async def connector_catches_up(
    running: RunningBot, token: str, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Three orders the channel held through an outage, sent at once: one names no product and is refused alone;
    the connector, unsure the first answer came, sends the batch again and nothing is placed twice."""
    scene(
        "A marketplace connector back from an outage sends the three orders it held in one batch: two placed, one"
        " refused for an unknown SKU without holding up the others; sent again, nothing is placed twice"
    )
    entries = [
        {
            "idempotency_key": reference.lower(),
            "order": {
                "customer": {"name": name, "email": f"{name.split()[0].lower()}@example.com"},
                "lines": [{"sku": sku, "quantity": 1}],
                "currency": "GBP",
                "payment": "paid",
                "pickup_point": "MAN",
                "reference": reference,
            },
        }
        for name, sku, reference in _BUYERS
    ]
    async with serving_api(running) as root, aiohttp.ClientSession() as http:
        for attempt in ("", " again"):
            url = f"{root}/api/v1/orders/batch"
            async with http.post(url, json={"orders": entries}, headers={"Authorization": f"Bearer {token}"}) as answer:
                body: dict[str, Any] = await answer.json()
            transcript.append(f"🌐 marketplace: POST /api/v1/orders/batch{attempt} (3 orders) → {answer.status}")
            for result in body["results"]:
                said = result["order"]["code"] if "order" in result else result["problem"]["detail"]
                transcript.append(f"    {result['idempotency_key']}: {result['status']} {result['outcome']} · {said}")
    await running.runtime.notifier.drain()
