"""Promotion and promo-code dates are the shop's days (``TIMEZONE``), not UTC's: in Moscow
``until=2026-12-31`` ends at midnight there, 21:00 UTC, and ``from=2027-01-01`` starts then.

Demo data: 85123A "White Hanging Heart T-Light Holder" £2.95."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import add_to_cart, checkout_to_payment
from tests.fakes import FakeClock


async def promo(buyer: SandboxUser, code: str) -> str:
    reply = await checkout_to_payment(buyer, pickup=True)
    await buyer.press(reply.last, "💵")
    return (await buyer.send(f"/promo {code}")).new[0].text.split("\n")[0]  # the answer, not the advice after


async def test_a_promotion_and_a_code_run_through_the_shops_last_day_and_start_on_its_first(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 31, 20, 30, tzinfo=UTC))  # 23:30 on 31 December in Moscow
    async with staff_shop(tmp_path, clock, timezone="Europe/Moscow") as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        made = await admin.send('/promotion new "Old year" off=0.10 products=85123A until=2026-12-31')
        assert "through 31 Dec 2026" in made.last.text
        made = await admin.send("/promocode new NYE off=1.00 until=2026-12-31")
        assert "through 31 Dec 2026" in made.last.text
        made = await admin.send("/promocode new JAN off=0.50 from=2027-01-01 until=2027-01-31")
        assert "through 31 Jan 2027" in made.last.text
        listed = (await admin.send("/promocode")).last.text
        assert "NYE −£1.00\n  used 0 of ∞ · through 31 Dec 2026" in listed

        bea = SandboxUser(shop.server, 705, "Bea")
        await add_to_cart(bea, "85123A", 2)
        assert "Old year: −£0.20" in (await bea.send("/cart")).last.text  # the last half hour of its last day
        assert await promo(bea, "NYE") == "Promo code NYE applied: −£1.00."
        assert await promo(bea, "JAN") == "Promo code JAN can be used from 1 Jan 2027."

        clock.advance(hours=1)  # 00:30 on 1 January in Moscow, still 31 December in UTC
        cart = (await bea.send("/cart")).last.text
        assert "Old year" not in cart and "£5.90" in cart
        assert await promo(bea, "NYE") == "Promo code NYE expired on 31 Dec 2026."
        assert await promo(bea, "JAN") == "Promo code JAN applied: −£0.50."
        assert "NYE" not in (await admin.send("/promocode")).last.text  # over, so not listed


@pytest.mark.parametrize(
    ("language", "jan"),
    [
        ("en", " −£0.50\n  used 0 of ∞ · from 1 Jan 2027 · through 31 Jan 2027"),
        ("ru", " −0,50\xa0£\n  использован 0 из ∞ · с 1 янв. 2027\u202fг. · по 31 янв. 2027\u202fг. включительно"),
    ],
)
async def test_the_promo_code_list_says_from_which_shop_day_a_coming_code_runs(
    tmp_path: Path, language: str, jan: str
) -> None:
    clock = FakeClock(datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    async with staff_shop(tmp_path, clock, timezone="Europe/Moscow") as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
        await admin.send("/promocode new JAN off=0.50 from=2027-01-01 until=2027-01-31")  # 21:00 UTC on 31 December
        await admin.send("/promocode new NOW off=0.25 until=2027-01-31")
        listed = (await admin.send("/promocode")).last.text
        assert listed.split("JAN", 1)[1] == jan  # Moscow's 1 January, not UTC's 31 December
        assert " · from " not in listed.split("NOW", 1)[1].split("JAN")[0] and " · с " not in listed.split("JAN")[0]
