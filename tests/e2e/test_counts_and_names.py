"""Counts read as words agree with them ("1 week", "21 неделя"), people are named by who
they are, and long button texts are cut between words."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_demand
from domain.weeks import week_start
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.staff_wording import hire_russian
from tests.fakes import FakeClock


async def test_one_week_of_history_is_one_week(shop: RunningBot, clock: FakeClock) -> None:
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    await import_demand(
        shop.runtime.uow(), shop.runtime.clock, f"sku,warehouse,date,quantity\n22197,LON,{last_monday},10\n"
    )
    manager = await hire(shop, 97, "Mo", "manager")
    text = (await manager.send("/forecast 22197")).last.text
    assert "Not enough sales history to forecast: 1 week, at least" in text
    russian = await hire_russian(shop, 98, "Макс", "manager")
    assert "Мало истории продаж для прогноза: 1 неделя," in (await russian.send("/forecast 22197")).last.text


async def test_the_staff_timeline_names_the_customer(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 820, "Alice")
    await add_to_cart(alice, "85123A")
    code = order_code(await place_cod_order(alice, pickup=True))
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    timeline = (await admin.send(f"/order {code}")).last.text.split("Timeline", 1)[1]
    assert "customer:" not in timeline and "— placed — Alice" in timeline


async def test_pickup_point_buttons_are_cut_between_words(shop: RunningBot) -> None:
    address = "Unit 4, The Old Cotton Exchange Building, 21 Market Street, Manchester M1 1WR"
    async with shop.runtime.uow() as uow:
        store = next(w for w in await uow.warehouses.all() if w.code == "MAN")
        await uow.warehouses.upsert(replace(store, address=address))
        await uow.commit()
    alice = SandboxUser(shop.server, 821, "Alice")
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    reply = await alice.share_contact("+44 7911 123456")
    reply = await alice.press(reply.last, "🏬")
    [label] = [b for b in reply.last.button_texts() if b.startswith("Manchester")]
    full = f"Manchester store, {address}"
    assert len(label) <= 60 and label.endswith("…")
    assert full.startswith(label[:-1]) and full[len(label) - 1] in " ,"  # the cut falls between words
