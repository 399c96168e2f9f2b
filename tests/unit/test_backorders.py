"""Backorder rules: terms as typed, who is filled first, when a waiting part is expected."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.backorders import (
    Backorder,
    BackorderTerms,
    BadBackorderTerms,
    expected_date,
    fill_sequence,
    parse_backorder_column,
    parse_terms,
    terms_text,
)
from domain.purchasing import order_quantity

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("on", BackorderTerms(1, True)),
        ("ON 50", BackorderTerms(1, True, 50)),
        ("preorder 2027-01-15", BackorderTerms(1, False, None, date(2027, 1, 15))),
        ("preorder 2027-01-15 100", BackorderTerms(1, False, 100, date(2027, 1, 15))),
        ("off", None),
    ],
)
def test_terms_read_as_managers_type_them_and_write_back_the_same(text: str, terms: BackorderTerms | None) -> None:
    assert parse_terms(1, text) == terms
    assert terms_text(terms) == text.lower()


@pytest.mark.parametrize("text", ["maybe", "on 0", "on lots", "preorder", "preorder 2027-13-01", "on 5 6"])
def test_terms_that_make_no_sense_are_refused(text: str) -> None:
    with pytest.raises(BadBackorderTerms):
        parse_terms(1, text)


def test_a_preorder_takes_orders_until_its_release_and_a_limit_caps_what_waits() -> None:
    preorder = BackorderTerms(1, False, 10, date(2026, 12, 1))
    assert preorder.accepts(TODAY) and preorder.room(7, TODAY) == 3 and preorder.room(12, TODAY) == 0
    assert not preorder.accepts(date(2026, 12, 1)) and preorder.room(0, date(2026, 12, 1)) == 0
    assert BackorderTerms(1, True).room(1000, TODAY) is None


def test_vip_customers_are_filled_first_then_the_oldest() -> None:
    old = Backorder(1, 9, 1, 1, NOW, id=3)
    young = Backorder(2, 9, 2, 1, NOW + timedelta(hours=1), id=1)
    vip = Backorder(3, 9, 3, 1, NOW + timedelta(hours=2), vip=True, id=2)
    assert fill_sequence([young, old, vip]) == [vip, old, young]


def test_a_waiting_part_is_expected_with_the_purchase_order_but_not_before_the_release() -> None:
    assert expected_date(date(2026, 12, 2), None, TODAY) == date(2026, 12, 2)
    assert expected_date(date(2026, 12, 2), date(2026, 12, 20), TODAY) == date(2026, 12, 20)
    assert expected_date(date(2026, 12, 30), date(2026, 12, 20), TODAY) == date(2026, 12, 30)
    assert expected_date(None, date(2026, 12, 20), TODAY) == date(2026, 12, 20)
    assert expected_date(None, date(2026, 11, 1), TODAY) is None  # released already, nothing on order


def test_a_products_file_backorder_column_is_read_and_bad_terms_are_bad_rows() -> None:
    text = "sku,name,backorder\nmug-1,Mug,on 5\nCUP-1,Cup,\nLAMP-1,Lamp,preorder 2027-01-15\n"
    assert parse_backorder_column(text) == ([("MUG-1", "on 5"), ("LAMP-1", "preorder 2027-01-15")], [])
    rows, problems = parse_backorder_column("sku,backorder\nMUG-1,sometimes\n")
    assert rows == [] and [line for line, _ in problems] == [2]


def test_the_reorder_rule_counts_units_customers_wait_for() -> None:
    def packs_of_six(incoming: int, backordered: int = 0) -> int:
        return order_quantity(
            available=0,
            incoming=incoming,
            reorder_point=0,
            max_level=None,
            pack_size=6,
            min_order_qty=0,
            backordered=backordered,
        )

    assert packs_of_six(0) == 0
    assert packs_of_six(0, backordered=8) == 12  # 8 owed, in packs of 6
    assert packs_of_six(12, backordered=8) == 0  # on order already
    assert order_quantity(available=5, incoming=0, reorder_point=5, max_level=20, pack_size=1, min_order_qty=0) == 15
    assert (
        order_quantity(
            available=5, incoming=0, reorder_point=5, max_level=20, pack_size=1, min_order_qty=0, backordered=3
        )
        == 18
    )
