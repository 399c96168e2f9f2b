"""Units shipped are sales history dated by the shop's day (``TIMEZONE``), and /slow counts its
days from the shop's today: a Moscow shop's parcel shipped at 00:30 on Monday is Monday's sale,
not Sunday's (UTC), as /forecast's weeks and /slow's idle days read it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from domain.usecases.reports import slow_movers
from storage import models as m
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import order
from tests.e2e.returns import deliver
from tests.fakes import FakeClock


async def test_a_shipment_is_the_sale_of_the_shops_day_and_slow_movers_count_the_shops_days(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))  # Saturday, 15:00 in Moscow
    async with staff_shop(tmp_path, clock, timezone="Europe/Moscow") as shop:
        await deliver(shop, await order(shop, 801, {"85123A": 2}))
        clock.current = datetime(2026, 11, 29, 21, 30, tzinfo=UTC)  # Monday 30 November, 00:30 in Moscow
        await deliver(shop, await order(shop, 802, {"22197": 1}))
        async with shop.runtime.sessions() as session:
            p, d = m.ProductRow, m.DemandRow
            shipped = select(p.sku, d.day).join(p, p.id == d.product_id).where(d.source.like("shipment %"))
            days = dict((await session.execute(shipped)).all())
        assert days == {"85123A": date(2026, 11, 28), "22197": date(2026, 11, 30)}

        # Not sold for a day by Monday in Moscow: Saturday's sale is idle, Monday's is not.
        idle, _more = await slow_movers(shop.runtime.uow(), clock, staff_id=ADMIN, days=1, limit=10_000)
        last = {(s.sku, s.warehouse): s.last_sold for s in idle}
        assert last[("85123A", "LON")] == date(2026, 11, 28) and ("22197", "LON") not in last
