"""A goodwill refund (/refund) on the customer's timeline, in /track and on the Mini App's order screen:
its own words with its amount (it read "✏️ changed", as an edit does); the staff's reason stays in the shop.
Staff's /order timeline names it with its amount too, and who gave it and why, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.books_month_end import books_shop
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.parcels import hire_in
from tests.e2e.returns import deliver
from tests.fakes import FakeClock

WORDS = {
    "en": ("💸 Goodwill refund £2.00", "💸 Goodwill refund £0.50", "changed"),
    "ru": ("💸 Компенсация 2,00\xa0£", "💸 Компенсация 0,50\xa0£", "изменён"),
}


async def _two_goodwill_refunds(shop: RunningBot, vera: SandboxUser) -> str:
    """Vera's cash order, delivered, then £2.00 and £0.50 given back by Sofia (support): its code."""
    await add_to_cart(vera, "85123A", 2)
    code = order_code(await place_cod_order(vera))
    await deliver(shop, code)
    sofia = await hire(shop, vera.id + 1, "Sofia", "support")
    await sofia.send(f"/refund {code} 2 courier was rude")
    await sofia.send(f"/refund {code} 0.5 box dented")
    return code


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_goodwill_refund_reads_as_such_with_its_amount_on_the_customers_timeline(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    first, second, changed = WORDS[language]
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as shop:
        vera = SandboxUser(shop.server, 895, "Vera", language_code=language)
        code = await _two_goodwill_refunds(shop, vera)
        timeline = (await vera.send(f"/track {code}")).last.text.split("\n\n")[-1].splitlines()
        assert timeline[-2].endswith(first) and timeline[-1].endswith(second), timeline
        assert not any(changed in line for line in timeline), timeline
        assert "rude" not in "\n".join(timeline) and "dented" not in "\n".join(timeline)
        async with miniapp(shop) as client:
            screen = await client.get(f"/app/api/shop/orders/{code}", headers=tma(shop, 895, language=language))
            texts = [entry["text"] for entry in (await screen.json())["timeline"]]
        assert texts[-2:] == [first, second], texts
        assert not any(changed in text for text in texts), texts


STAFF_WORDS = {
    "en": ("💸 Goodwill refund £2.00 — Sofia (courier was rude)", "💸 Goodwill refund £0.50 — Sofia (box dented)"),
    "ru": ("💸 Компенсация 2,00\xa0£ — Sofia (courier was rude)", "💸 Компенсация 0,50\xa0£ — Sofia (box dented)"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staff_read_a_goodwill_refund_on_the_orders_timeline_with_its_amount_as_the_customer_does(
    database_url: str, clock: FakeClock, language: str
) -> None:
    first, second = STAFF_WORDS[language]
    async with books_shop(database_url, clock) as shop:
        code = await _two_goodwill_refunds(shop, SandboxUser(shop.server, 897, "Vera"))
        manager = await hire_in(shop, 899, "Mo", "manager", language)
        timeline = (await manager.send(f"/order {code}")).last.text.split("\n\n")[-1].splitlines()
        assert timeline[-2].endswith(first) and timeline[-1].endswith(second), timeline
        async with shop.runtime.sessions() as session:  # each entry carries what it gave
            kept = (await session.scalars(select(m.OrderHistoryRow.amount_minor).order_by(m.OrderHistoryRow.id))).all()
        assert kept[-2:] == [200, 50]
