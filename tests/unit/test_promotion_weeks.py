"""Weeks a product was on promotion, read from the promotions that covered it: which weeks are
marked, in the shop's days, and a forecast fitted without them (on the fake storage too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.catalog import Product
from domain.forecasting import forecast
from domain.money import Money
from domain.promotion_weeks import PromoSpan, on_promotion, regular_weeks
from domain.promotions import DiscountKind, Promotion, Target
from domain.replenishment import policy
from domain.usecases.forecasts import promoted_histories, promotions_over
from tests.fakes import FakeUnitOfWork

FIRST = date(2026, 6, 1)  # a Monday: the first week of each history
MOSCOW = ZoneInfo("Europe/Moscow")


def _midnight(day: date, zone: ZoneInfo = MOSCOW) -> datetime:
    """The moment ``day`` begins in ``zone`` (as /promotion's from= and until= are read), in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)


def _promotion(
    first: date, weeks: int, *, target: Target = Target.PRODUCTS, name: str = "Summer sale", **kw: object
) -> Promotion:
    """A 20 % promotion from ``first``'s midnight in Moscow for ``weeks`` whole weeks."""
    return Promotion(
        name,
        DiscountKind.PERCENT,
        target,
        _midnight(first),
        _midnight(first + timedelta(weeks=weeks)),
        percent=Decimal(20),
        **kw,  # type: ignore[arg-type]
    )


SALE = _promotion(FIRST + timedelta(weeks=10), 3, product_ids=frozenset({7}))  # weeks 10, 11 and 12


def test_a_promotion_marks_the_weeks_of_the_shops_days_it_discounted() -> None:
    weeks = on_promotion([SALE], FIRST, 20, MOSCOW)
    assert [i for i, names in enumerate(weeks) if names] == [10, 11, 12]
    assert weeks[11] == ("Summer sale",)
    # Its first day began at 21:00 UTC on the Sunday before: read in UTC it would mark week 9 too.
    assert [i for i, names in enumerate(on_promotion([SALE], FIRST, 20, UTC)) if names] == [9, 10, 11, 12]


def test_a_promotion_ended_early_marks_only_the_weeks_it_ran_and_one_ended_before_it_began_none() -> None:
    ended = _promotion(FIRST + timedelta(weeks=10), 3, ended_at=_midnight(FIRST + timedelta(weeks=10, days=2)))
    assert [i for i, names in enumerate(on_promotion([ended], FIRST, 20, MOSCOW)) if names] == [10]
    never = _promotion(FIRST + timedelta(weeks=10), 3, ended_at=_midnight(FIRST + timedelta(weeks=9)))
    assert not any(on_promotion([never], FIRST, 20, MOSCOW))


def test_ten_a_week_with_three_weeks_at_forty_on_promotion_is_forecast_at_ten() -> None:
    series = [10.0] * 10 + [40.0] * 3 + [10.0] * 7
    promoted = on_promotion([SALE], FIRST, 20, MOSCOW)
    kept, out, spans = regular_weeks(series, [0] * 20, promoted, FIRST)
    assert (kept, out) == ([10.0] * 17, 0)
    assert spans == [PromoSpan(date(2026, 8, 10), date(2026, 8, 30), ("Summer sale",), 3)]
    found = forecast(kept, 2)
    assert found.weeks == pytest.approx([10.0, 10.0])  # a flat history once the promotion's weeks are out
    assert policy(found, lead_time_days=7, service_level=0.95).reorder_point == 10
    # As sold, the promotion's 90 extra units lift the forecast and the reorder point it gives.
    as_sold = forecast(series, 2)
    assert as_sold.weeks[0] > 11 and policy(as_sold, lead_time_days=7, service_level=0.95).reorder_point > 10


def test_a_week_out_of_stock_is_counted_as_one_and_a_promotion_too_long_to_leave_out_stays() -> None:
    promoted = [("Sale",) if i in (3, 4) else () for i in range(10)]
    out = [7 if i == 4 else 0 for i in range(10)]
    kept, stock_outs, spans = regular_weeks([10.0] * 3 + [40.0, 0.0] + [10.0] * 5, out, promoted, FIRST)
    assert (kept, stock_outs) == ([10.0] * 8, 1)  # week 4: out of stock all week, not a promotion's
    assert spans == [PromoSpan(FIRST + timedelta(weeks=3), FIRST + timedelta(weeks=4, days=-1), ("Sale",), 1)]
    # A week on promotion that sold nothing was lifted by nothing: it stays, as a pause's week does.
    assert regular_weeks([10.0] * 9 + [0.0], [0] * 10, [()] * 9 + [("Sale",)], FIRST) == ([10.0] * 9 + [0.0], 0, [])
    # On promotion most of its life: its promoted rate is its demand; left out, nothing would be left.
    always = [("Sale",)] * 9 + [()]
    assert regular_weeks([20.0] * 10, [0] * 10, always, FIRST) == ([20.0] * 10, 0, [])


async def _shop() -> tuple[FakeUnitOfWork, int, int, int]:
    """MUG in Kitchen › Cups, BOWL in Kitchen, PLATE (a variant of product:PLATES) in Dining."""
    uow = FakeUnitOfWork()
    uow.timezone = "Europe/Moscow"
    await uow.products.link_categories({"Cups": "Kitchen"})
    mug, bowl, plate = [
        (await uow.products.upsert(Product(sku, sku, category, prices={"EUR": Money(500, "EUR")}, parent=parent))).id
        or 0
        for sku, category, parent in (("MUG", "Cups", ""), ("BOWL", "Kitchen", ""), ("PLATE-S", "Dining", "PLATES"))
    ]
    return uow, mug, bowl, plate


async def test_the_promotions_of_a_products_category_above_it_and_of_its_family_count_and_an_orders_do_not() -> None:
    uow, mug, bowl, plate = await _shop()
    kitchen = await uow.products.category_nodes()
    kitchen_id = next(node.id for node in kitchen if node.name == "Kitchen")
    async with uow:
        for promotion in (
            _promotion(FIRST + timedelta(weeks=2), 1, target=Target.CATEGORY, category_id=kitchen_id, name="Kitchen"),
            _promotion(FIRST + timedelta(weeks=5), 2, families=frozenset({"PLATES"}), name="Plates"),
            _promotion(FIRST + timedelta(weeks=8), 1, target=Target.ORDER, name="Over 50"),
        ):
            await uow.promotions.add_promotion(promotion)
        await uow.commit()
    histories = {(p, 1): ([10.0] * 10, FIRST) for p in (mug, bowl, plate)}
    found = await promoted_histories(uow, histories, await promotions_over(uow, FIRST, FIRST + timedelta(weeks=9)))
    weeks = {key[0]: [i for i, names in enumerate(names_by_week) if names] for key, names_by_week in found.items()}
    assert weeks == {mug: [2], bowl: [2], plate: [5, 6]}  # "Over 50" lifts no one product


@pytest.mark.parametrize("weeks_before", [0, 30])
async def test_a_promotion_outside_the_history_read_marks_nothing(weeks_before: int) -> None:
    uow, mug, _bowl, _plate = await _shop()
    async with uow:
        await uow.promotions.add_promotion(
            _promotion(FIRST - timedelta(weeks=weeks_before + 3), 2, product_ids=frozenset({mug}))
        )
        await uow.commit()
    read = await promotions_over(uow, FIRST, FIRST + timedelta(weeks=9))
    assert await promoted_histories(uow, {(mug, 1): ([10.0] * 10, FIRST)}, read) == {}
