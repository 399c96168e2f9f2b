"""Dates people read and type are the shop's days (``TIMEZONE``), not UTC's: at 00:30 in Moscow
(21:30 UTC the day before) a preorder released today opens, an invoice due yesterday is a day
late, a purchase order's lead time counts from today, and for a New York shop in the evening a
sale dated tomorrow (already today in UTC) is still to come."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.catalog import Product
from domain.errors import ImportRejected
from domain.money import Money
from domain.usecases.backorder_fill import fill_due_backorders
from domain.usecases.imports.stock import import_demand
from domain.usecases.purchasing import approve_po
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.jobs import _invoice_order
from tests.e2e.journeys import add_to_cart, place_cod_order, scalar, stock
from tests.fakes import FakeClock

MOSCOW = "Europe/Moscow"


async def test_a_preorder_opens_at_the_shops_midnight_on_its_release_day(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 9, 12, 0, tzinfo=UTC))  # 15:00 on the 9th in Moscow
    async with staff_shop(tmp_path, clock, timezone=MOSCOW) as shop:
        uow = shop.runtime.uow()
        async with uow:
            await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
            await uow.commit()
        manager = await hire(shop, 92, "Max", "manager")
        assert "released on 10 Dec 2026" in (await manager.send("/backorder MOON-1 preorder 2026-12-10")).last.text
        await manager.send("/receive MOON-1 10 LON")  # early: not sold before the 10th
        bob = SandboxUser(shop.server, 93, "Bob")
        card = (await bob.send("/start p_MOON-1")).last
        assert card.button_texts()[0] == "🗓 Preorder"
        await add_to_cart(bob, "MOON-1", 2)
        await place_cod_order(bob, pickup=True)
        assert await stock(shop, "MOON-1") == [("LON", 10, 0)]

        clock.current = datetime(2026, 12, 9, 21, 30, tzinfo=UTC)  # 00:30 on the 10th in Moscow
        assert await fill_due_backorders(shop.runtime.uow(), clock) == 2
        assert await stock(shop, "MOON-1") == [("LON", 10, 2)]
        card = (await SandboxUser(shop.server, 96, "Cleo").send("/start p_MOON-1")).last
        assert "Preorder" not in card.text and "🗓 Preorder" not in card.button_texts()
        refused = (await manager.send("/backorder MOON-1 preorder 2026-12-10")).last.text
        assert refused == "A preorder's release date must be after today."


async def test_invoices_age_and_purchase_orders_are_due_by_the_shops_days(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    async with staff_shop(tmp_path, clock, timezone=MOSCOW) as shop:
        code = await _invoice_order(shop, 501)
        due = await scalar(shop, select(m.OrderRow.invoice_due).where(m.OrderRow.code == code))
        assert isinstance(due, date)
        manager = await hire(shop, 97, "Mo", "manager")
        clock.current = datetime.combine(due, time(21, 30), UTC)  # 00:30 the day after it was due, in Moscow
        aging = (await manager.send("/ar")).last.text
        assert code in aging and "1-30 days overdue" in aging and "current" not in aging

        po = (await reorder_scan(shop.runtime.uow(), clock, staff_chat_id=None))[0]
        async with shop.runtime.uow() as uow:
            lead = next(s.lead_time_days for s in await uow.purchasing.suppliers() if s.id == po.supplier_id)
        approved = await approve_po(shop.runtime.uow(), clock, staff_id=ADMIN, number=po.id or 0)
        assert approved.expected_on == due + timedelta(days=1 + lead)  # counted from Moscow's today


async def test_a_sale_dated_the_shops_tomorrow_is_refused_though_utc_has_reached_it(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 10, 4, 0, tzinfo=UTC))  # 23:00 on the 9th in New York
    async with staff_shop(tmp_path, clock, timezone="America/New_York") as shop:
        await hire(shop, 97, "Mo", "manager")  # the bot is up and polling
        rows = "22197,LON,2026-12-09,3\n22197,LON,2026-12-10,4\n"
        with pytest.raises(ImportRejected) as refused:
            await import_demand(shop.runtime.uow(), clock, "sku,warehouse,date,quantity\n" + rows)
        assert [(line, str(reason)) for line, reason in refused.value.problems] == [
            (3, "2026-12-10 is still to come: sales history ends today.")
        ]
