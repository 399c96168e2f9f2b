"""A courier option's button names its arrival day as the shop's country writes the customer's language, as the
checkout's review does after it: "arrives Nov 27" in a New York shop (its review: Nov 27, 2026), "27 Nov" in a
London one, «27 нояб.» in Russian — not "27 Nov" beside the review's "Nov 27, 2026" (en/ru)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart
from tests.fakes import FakeClock

CASES = [
    ("America/New_York", "en", "arrives Nov 27", "arrives by Nov 27, 2026"),
    ("Europe/London", "en", "arrives 27 Nov", "arrives by 27 Nov 2026"),
    ("America/New_York", "ru", "прибудет 27 нояб.", "прибудет к 27 нояб."),
]


@pytest.mark.parametrize(("timezone", "language", "button", "review"), CASES)
async def test_a_courier_options_arrival_day_reads_as_the_shops_country_writes_it(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str, button: str, review: str
) -> None:
    async with staff_shop(tmp_path, clock, timezone=timezone) as shop:
        customer = SandboxUser(shop.server, 6101, "Vera", language_code=language)
        await add_to_cart(customer, "85123A")
        await customer.send("/checkout")
        await customer.share_contact("+44 7911 123456")
        asked = await customer.press(customer.messages()[-1], "🚚")
        asked = await customer.send("221B Baker Street, London NW1 6XE")
        asked = await customer.send_location(51.5237, -0.1585)
        options = asked.last.button_texts()
        royal = next(b for b in options if b.startswith("Royal Mail"))
        assert royal.replace("\xa0", " ").endswith(button), options
        paid = await customer.press(asked.last, royal)
        reviewed = await customer.press(paid.last, "💵")
        assert review in reviewed.last.text.replace("\xa0", " "), reviewed.last.text
