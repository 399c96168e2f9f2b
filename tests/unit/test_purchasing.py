"""How much to reorder: nothing above the reorder point, up to the maximum in whole packs, at least the minimum."""

from __future__ import annotations

from domain.purchasing import order_quantity


def test_nothing_is_ordered_above_the_reorder_point() -> None:
    assert order_quantity(available=21, incoming=0, reorder_point=20, max_level=100, pack_size=1, min_order_qty=0) == 0
    assert order_quantity(available=5, incoming=30, reorder_point=20, max_level=100, pack_size=1, min_order_qty=0) == 0


def test_order_up_to_the_maximum_in_whole_packs_and_at_least_the_minimum() -> None:
    assert order_quantity(available=20, incoming=0, reorder_point=20, max_level=100, pack_size=1, min_order_qty=0) == 80
    assert order_quantity(available=8, incoming=4, reorder_point=20, max_level=100, pack_size=12, min_order_qty=0) == 96
    assert order_quantity(available=18, incoming=0, reorder_point=20, max_level=30, pack_size=6, min_order_qty=48) == 48


def test_a_missing_maximum_orders_twice_the_reorder_point() -> None:
    assert order_quantity(available=0, incoming=0, reorder_point=10, max_level=None, pack_size=5, min_order_qty=0) == 20


def test_the_promised_ship_date_counts_transit_back_in_business_days() -> None:
    from datetime import date

    from domain.shipping import promised_ship_date

    assert promised_ship_date(date(2026, 11, 27), 2) == date(2026, 11, 25)  # Fri → Wed
    assert promised_ship_date(date(2026, 11, 30), 1) == date(2026, 11, 27)  # Mon → Fri


def test_a_quantity_off_the_suppliers_packs_or_minimum_names_the_nearest_it_would_take() -> None:
    from domain.money import Money
    from domain.purchasing import SupplyTerms, off_terms

    packs_of_6_from_12 = SupplyTerms(1, 1, 1, pack_size=6, min_order_qty=12, unit_cost=Money(25, "GBP"))
    assert off_terms(12, packs_of_6_from_12) is None and off_terms(48, packs_of_6_from_12) is None
    assert off_terms(20, packs_of_6_from_12) == (12, 18, 24)  # not whole packs
    assert off_terms(6, packs_of_6_from_12) == (12, None, 12)  # whole packs, under the minimum
    assert off_terms(1, packs_of_6_from_12) == (12, None, 12)
    minimum_not_in_packs = SupplyTerms(1, 1, 1, pack_size=24, min_order_qty=30, unit_cost=Money(1, "GBP"))
    assert off_terms(24, minimum_not_in_packs) == (48, None, 48)  # 30 is no whole pack: 2 packs
    assert off_terms(5, SupplyTerms(1, 1, 1, pack_size=1, min_order_qty=0, unit_cost=Money(1, "GBP"))) is None
