"""PromotionRepository: what the fake and SQL both promise."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.ports import UnitOfWork
from domain.promotions import DiscountKind, Promotion, Target
from tests.contracts.conftest import NOW

DAY = timedelta(days=1)


def _promotion(name: str, first: int, days: int, ended: int | None = None) -> Promotion:
    """From ``first`` days after NOW for ``days`` days (ended early after ``ended`` days)."""
    starts = NOW + first * DAY
    return Promotion(
        name,
        DiscountKind.PERCENT,
        Target.PRODUCTS,
        starts,
        starts + days * DAY,
        percent=Decimal(10),
        product_ids=frozenset({1}),
        ended_at=None if ended is None else starts + ended * DAY,
    )


async def test_the_promotions_that_discounted_within_a_span_are_read_oldest_first(uow: UnitOfWork) -> None:
    async with uow:
        for promotion in (
            _promotion("before", -30, 10),  # over 20 days before the span
            _promotion("into", -5, 10),  # began before it, ran into it
            _promotion("inside", 3, 2),
            _promotion("ended early", -8, 30, ended=4),  # meant to run into it, ended 4 days before
            _promotion("cut short", 8, 30, ended=2),  # ended early, but within the span
            _promotion("never ran", 4, 10, ended=-1),  # ended before it began
            _promotion("after", 10, 5),  # begins as the span ends
        ):
            await uow.promotions.add_promotion(promotion)
        await uow.commit()
    async with uow.read_only():
        found = await uow.promotions.promotions_between(NOW, NOW + 10 * DAY)
    assert [p.name for p in found] == ["into", "inside", "cut short"]
    assert found[2].ended_at == NOW + 10 * DAY and found[2].until == NOW + 10 * DAY


async def test_a_shop_whose_orders_used_no_code_has_no_code_sales(uow: UnitOfWork) -> None:
    """What a code sold, read from orders and shipments, on SQL: tests/storage/test_promo_code_weeks.py."""
    day = NOW.date()
    async with uow.read_only():
        assert await uow.promotions.code_sales(day - 7 * DAY, day) == []
        assert await uow.promotions.code_sales(day - 7 * DAY, day, [1]) == []
