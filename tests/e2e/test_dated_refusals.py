"""A refusal that names a day writes it as the shop's country (``TIMEZONE``'s) writes the reader's language, wherever
it is said: a promo code typed at the review, and one that expired while the review waited (en/ru). Such refusals
read the day in ISO ("2026-12-31"), or in the US's way when formatted without the shop's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import add_to_cart, checkout_to_payment
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "from": "Promo code JAN can be used from 1 Jan 2027.",
        "applied": "Promo code NYE applied: −£1.00.",
        "expired": "Promo code NYE expired on 31 Dec 2026.",
    },
    "ru": {
        "from": "Промокод JAN действует с 1 янв. 2027\u202fг. — пока применить его нельзя.",
        "applied": "Промокод NYE применён: −1,00\xa0£.",
        "expired": "Промокод NYE действовал по 31 дек. 2026\u202fг. включительно.",
    },
}


@pytest.mark.parametrize(("language", "timezone"), [("en", "Europe/London"), ("ru", "Europe/Moscow")])
async def test_a_promo_codes_refusal_names_its_day_as_the_shops_country_writes_it(
    tmp_path: Path, language: str, timezone: str
) -> None:
    w = WORDS[language]
    clock = FakeClock(datetime(2026, 12, 31, 12, 0, tzinfo=UTC))
    async with staff_shop(tmp_path, clock, timezone=timezone) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        await admin.send("/promocode new NYE off=1.00 until=2026-12-31")
        await admin.send("/promocode new JAN off=0.50 from=2027-01-01 until=2027-01-31")
        dora = SandboxUser(shop.server, 706, "Dora", language_code=language)
        await add_to_cart(dora, "85123A", 2)
        await dora.press((await checkout_to_payment(dora, pickup=True)).last, "💵")

        assert (await dora.send("/promo JAN")).new[0].text.split("\n")[0] == w["from"]
        applied = await dora.send("/promo NYE")
        assert applied.new[0].text.split("\n")[0] == w["applied"], applied.messages
        clock.advance(days=1)  # the code's last day ends while the review waits
        pressed = await dora.press(applied.last, "✅")
        assert pressed.callback_answer is not None and pressed.callback_answer["text"] == w["expired"]
