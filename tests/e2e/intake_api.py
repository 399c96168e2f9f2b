"""Set-ups and readers of test_intake_api that other test modules use too."""

from __future__ import annotations

from typing import Any

ORDER: dict[str, Any] = {
    "customer": {"name": "Wendy Web", "phone": "+44 7700 900123", "email": "wendy@example.com"},
    "lines": [{"sku": "85123A", "quantity": 2}],
    "currency": "GBP",
    "payment": "paid",
    "address": "10 Downing Street, London SW1A 2AA",
    "latitude": 51.5034,
    "longitude": -0.1276,
    "shipping": "3.70",
    "reference": "WEB-1001",
}
