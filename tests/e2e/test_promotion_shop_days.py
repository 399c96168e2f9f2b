"""Promotion and promo-code dates are the shop's days (``TIMEZONE``), not UTC's: in Moscow
``until=2026-12-31`` ends at midnight there, 21:00 UTC, and ``from=2027-01-01`` starts then.

Demo data: 85123A "White Hanging Heart T-Light Holder" £2.95."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
        assert "through Dec 31, 2026" in made.last.text
        made = await admin.send("/promocode new NYE off=1.00 until=2026-12-31")
        assert "through Dec 31, 2026" in made.last.text
        made = await admin.send("/promocode new JAN off=0.50 from=2027-01-01 until=2027-01-31")
        assert "through Jan 31, 2027" in made.last.text
        listed = (await admin.send("/promocode")).last.text
        assert "NYE −£1.00\n  used 0 of ∞ · through Dec 31, 2026" in listed

        bea = SandboxUser(shop.server, 705, "Bea")
        await add_to_cart(bea, "85123A", 2)
        assert "Old year: −£0.20" in (await bea.send("/cart")).last.text  # the last half hour of its last day
        assert await promo(bea, "NYE") == "Promo code NYE applied: −£1.00."
        assert await promo(bea, "JAN") == "Promo code JAN can be used from 2027-01-01."

        clock.advance(hours=1)  # 00:30 on 1 January in Moscow, still 31 December in UTC
        cart = (await bea.send("/cart")).last.text
        assert "Old year" not in cart and "£5.90" in cart
        assert await promo(bea, "NYE") == "Promo code NYE expired on 2026-12-31."
        assert await promo(bea, "JAN") == "Promo code JAN applied: −£0.50."
        assert "NYE" not in (await admin.send("/promocode")).last.text  # over, so not listed
