"""The replenishment policy and the simulation core on inputs whose right answers are known."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import pytest

from domain.forecasting import forecast
from domain.purchasing import order_quantity
from domain.replenishment import (
    CLASS_LEVELS,
    NormalDemand,
    ProductClass,
    ServiceLevels,
    abc_classes,
    min_max,
    policy,
    replay,
)


def test_steady_demand_reorders_at_lead_time_demand_and_orders_up_to_a_week_more() -> None:
    found = policy(NormalDemand(70, 0), lead_time_days=7, service_level=0.95)
    assert (found.reorder_point, found.order_up_to) == (70, 140)
    assert found.expected_fill == 1 and found.lead_demand == pytest.approx(70)


def test_the_fill_rate_target_is_met_by_the_textbook_normal_loss_function() -> None:
    """100 a week, σ 20, lead time a week: units short per cycle σ·G(z) over the units ordered
    per cycle (S − s) must be at most 5 %; the policy is the lowest such point on its grid."""
    found = policy(NormalDemand(100, 20), lead_time_days=7, service_level=0.95)
    normal = NormalDist()

    def fill(point: int, top: int) -> float:
        z = (point - 100) / 20
        loss = normal.pdf(z) - z * (1 - normal.cdf(z))
        return 1 - 20 * loss / (top - point)

    assert fill(found.reorder_point, found.order_up_to) == pytest.approx(found.expected_fill, abs=0.002)
    assert fill(found.reorder_point, found.order_up_to) >= 0.95 > fill(found.reorder_point - 2, found.order_up_to - 2)
    assert found.reorder_point == 107 and found.cycle_level < 0.95  # a week's order absorbs most of the risk
    assert policy(NormalDemand(100, 20), lead_time_days=7, service_level=0.99).reorder_point > found.reorder_point


class _RareBurst:
    """No demand in 96 % of lead times, 5 units in the rest: a cycle service level of 95 %
    would keep nothing on the shelf."""

    def quantile(self, q: float, weeks: float) -> float:
        return 0.0 if q < 1 - 0.04 * weeks else 5.0

    def quantiles(self, levels: Sequence[float], weeks: float) -> list[float]:
        return [self.quantile(q, weeks) for q in levels]


def test_a_slow_mover_keeps_stock_and_keeps_reordering() -> None:
    found = policy(_RareBurst(), lead_time_days=7, service_level=0.95)
    assert found.reorder_point >= 1  # 0 would switch the reorder scan off for it
    assert found.expected_fill >= 0.95


def test_nothing_sold_means_nothing_kept() -> None:
    found = policy(NormalDemand(0, 0), lead_time_days=7, service_level=0.95)
    assert (found.reorder_point, found.order_up_to) == (0, 0)


def test_abc_classes_by_cumulative_revenue_share() -> None:
    classes = abc_classes({"a": 80.0, "b": 10.0, "c": 6.0, "d": 4.0, "e": 0.0})
    assert classes == {
        "a": ProductClass.A,  # starts at 0 %
        "b": ProductClass.B,  # starts at 80 %
        "c": ProductClass.B,  # starts at 90 %
        "d": ProductClass.C,  # starts at 96 %
        "e": ProductClass.C,
    }
    assert abc_classes({"only": 5.0}) == {"only": ProductClass.A}


def test_service_levels_per_class_or_one_for_all() -> None:
    assert ServiceLevels(0.95).level(ProductClass.A) == 0.95
    by_class = ServiceLevels(0.95, CLASS_LEVELS)
    assert [by_class.level(c) for c in ProductClass] == [0.98, 0.95, 0.90]
    assert by_class.level(None) == 0.95


def test_min_max_covers_lead_time_and_a_week_at_the_average() -> None:
    assert min_max([1, 2, 3] * 4, 7) == (28, 56)
    assert min_max([], 7) == (0, 0)


def test_a_replay_by_hand() -> None:
    """Reorder point 4, order-up-to 8, lead time 2 days, 8 on hand, price 2:
    day 0: 8 → 5; day 1: 5 → 2, order 6 (due day 3); day 2: 2 → 0, one unit lost;
    day 3: +6 → 3, order 5 (due day 5); day 4: no demand; day 5: +5 → 3, order 5."""
    result = replay([3, 3, 3, 3, 0, 5], [(4, 8)] * 6, [2.0] * 6, lead_time_days=2, on_hand=8)
    assert (result.demanded, result.served, result.stockout_days, result.orders) == (17, 16, 1, 3)
    assert result.fill_rate == pytest.approx(16 / 17)
    # average of morning and evening stock: 6.5 + 3.5 + 1 + 4.5 + 3 + 5.5
    assert result.units_on_hand == 24 and result.stock_value == 48 and result.days == 6


def test_the_replay_orders_as_the_reorder_scan_does() -> None:
    """A reorder point of 0 never orders, in the replay as in the shop."""
    assert order_quantity(available=0, incoming=0, reorder_point=0, max_level=5, pack_size=1, min_order_qty=0) == 0
    result = replay([1, 1, 1], [(0, 5)] * 3, [1.0] * 3, lead_time_days=1, on_hand=1)
    assert (result.served, result.orders) == (1, 0)
    assert math.isclose(result.fill_rate, 1 / 3)


def test_a_forecast_is_the_policy_s_demand_distribution() -> None:
    history = [10.0] * 20
    found = policy(forecast(history, 2), lead_time_days=14, service_level=0.95)
    assert (found.reorder_point, found.order_up_to) == (20, 30)  # two weeks of 10, and a third
