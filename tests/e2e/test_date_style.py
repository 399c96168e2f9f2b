"""The cart's hold and an order's /track timeline are written day first to a UK shop's English reader, and
to one whose shop left TIMEZONE unset (UTC: no country, so not the US's 11/25/26); Russian keeps its own;
and a moment reads as the delivery day beside it does (medium date, then the time)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.fakes import FakeClock

US_STYLE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:Nov|Dec) \d{1,2}, \d{4}|\b[AP]M\b")


def spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("settings", "language", "held", "placed", "delivery"),
    [
        ({"timezone": "Europe/London"}, "en", "25 Nov 2026, 09:30", "25 Nov 2026, 09:00", "Expected delivery: 2"),
        ({}, "en", "25 Nov 2026, 9:30 am", "25 Nov 2026, 9:00 am", "Expected delivery: 2"),
        ({"timezone": "Europe/London"}, "ru", "25 нояб. 2026 г., 09:30", "25 нояб. 2026 г., 09:00", "Ожидаемая"),
        ({}, "ru", "25 нояб. 2026 г., 09:30", "25 нояб. 2026 г., 09:00", "Ожидаемая"),
    ],
)
async def test_the_carts_hold_and_the_track_timeline_read_day_first_as_the_delivery_day_does(
    tmp_path: Path, settings: dict[str, Any], language: str, held: str, placed: str, delivery: str
) -> None:
    async with staff_shop(tmp_path, FakeClock(), **settings) as shop:
        kim = SandboxUser(shop.server, 850, "Kim", language_code=language)
        await add_to_cart(kim, "85123A", 1)
        cart = spaced((await kim.send("/cart")).last.text)
        track = spaced((await kim.send(f"/track {order_code(await place_cod_order(kim))}")).last.text)
    assert held in cart and not US_STYLE.search(cart), cart
    assert placed in track and not US_STYLE.search(track), track
    [day] = [line for line in track.splitlines() if delivery in line]
    assert re.search(r"\b2\d (?:Nov|нояб\.) 2026", day), day  # the delivery day written as the moments are
