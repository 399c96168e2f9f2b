"""Which paused (product, warehouse) pairs had their price cut since the pause began (``price_cuts``),
read from the audit trail one change a pair, however often the price changed since: the nightly job
asks it for every paused product of the catalogue, 500 at a time."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.catalog import Product, ProductStatus
from domain.catalog_edits import ProductChange
from domain.money import Money
from domain.usecases.forecasts import price_cuts
from domain.weeks import RESTART_WEEKS
from tests.fakes import FakeProducts, FakeUnitOfWork

FIRST = date(2025, 1, 6)  # a Monday: the first week of each history
SOLD = 20  # weeks sold, 5 a week, before the pause


class ReadChanges(FakeProducts):
    """The fake products, noting every audit-trail entry a read hands back."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__(uow)
        self.handed: list[ProductChange] = []

    def __getattribute__(self, name: str) -> Any:
        found = super().__getattribute__(name)
        if name.startswith("_") or not inspect.iscoroutinefunction(found):
            return found

        async def noted(*args: Any, **kwargs: Any) -> Any:
            result = await found(*args, **kwargs)
            if isinstance(result, list):
                self.handed += [x for x in result if isinstance(x, ProductChange)]
            return result

        return noted


def _history(paused: int) -> tuple[list[float], date]:
    return [5.0] * SOLD + [0.0] * paused, FIRST


def _week(index: int) -> datetime:
    return datetime.combine(FIRST + timedelta(weeks=index), datetime.min.time(), UTC)


async def _shop() -> tuple[FakeUnitOfWork, ReadChanges, int]:
    uow = FakeUnitOfWork()
    products = ReadChanges(uow)
    uow.products = products
    mug = (await products.upsert(Product("MUG-1", "Mug", "C", prices={"EUR": Money(400, "EUR")}))).id or 0
    return uow, products, mug


async def test_each_warehouse_compares_the_price_now_with_the_price_when_its_own_pause_began() -> None:
    uow, products, mug = await _shop()
    # The price went 5.00 → 4.50 in week 30 and 4.50 → 4.00 in week 50; W1 stopped selling at
    # week 20 (5.00 then), W2 at week 40 (4.50), W3 at week 60 (4.00, as now).
    await products.record_changes(
        [
            ProductChange(mug, _week(30) + timedelta(days=2), "staff:1", "price_EUR", "5.00 EUR", "4.50 EUR"),
            ProductChange(mug, _week(50) + timedelta(days=2), "staff:1", "price_EUR", "4.50 EUR", "4.00 EUR"),
        ]
    )
    series = {(mug, w): ([5.0] * sold + [0.0] * (100 - sold), FIRST) for w, sold in ((1, 20), (2, 40), (3, 60))}
    assert await price_cuts(uow, series, "EUR") == {(mug, 1), (mug, 2)}
    await products.record_changes([ProductChange(mug, _week(90), "staff:1", "price_EUR", "4.00 EUR", "4.60 EUR")])
    await products.upsert(Product("MUG-1", "Mug", "C", prices={"EUR": Money(460, "EUR")}))
    assert await price_cuts(uow, series, "EUR") == {(mug, 1)}  # below 5.00, above 4.50 and 4.00


async def test_the_audit_trail_is_read_one_change_a_paused_pair_however_often_the_price_changed() -> None:
    uow, products, mug = await _shop()
    # Repriced every day of a long pause (a feed in the products file): 5.00, 4.99, … down to 4.00 now.
    start = _week(SOLD)
    await products.record_changes(
        [
            ProductChange(mug, start + timedelta(days=d), "import", "price_EUR", f"{5 - d / 100:.2f} EUR", "")
            for d in range(1, 101)
        ]
    )
    products.handed.clear()
    series = {(mug, warehouse): _history(RESTART_WEEKS + 10) for warehouse in (1, 2)}
    assert await price_cuts(uow, series, "EUR") == {(mug, 1), (mug, 2)}
    assert len(products.handed) <= len(series), len(products.handed)


async def test_a_discontinued_products_cut_is_a_clearance_not_a_relaunch() -> None:
    uow, products, mug = await _shop()
    await products.record_changes([ProductChange(mug, _week(30), "staff:1", "price_EUR", "5.00 EUR", "4.00 EUR")])
    series = {(mug, 1): _history(RESTART_WEEKS + 10)}
    assert await price_cuts(uow, series, "EUR") == {(mug, 1)}
    await products.upsert(
        Product("MUG-1", "Mug", "C", prices={"EUR": Money(400, "EUR")}, status=ProductStatus.DISCONTINUED)
    )
    assert await price_cuts(uow, series, "EUR") == set()
