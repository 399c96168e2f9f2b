"""Campaign rules: segment values, customer ids from a CSV, the product link, the message's
limits, and which orders count for a campaign (within 7 days of the same customer's click)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.campaigns import (
    BadCustomerIdLine,
    BadLanguage,
    BadSegmentValue,
    EmptyMessage,
    MessageTooLong,
    NoCustomerIds,
    Segment,
    SegmentKind,
    check_message,
    link_payload,
    orders_after_clicks,
    parse_customer_ids,
    parse_link,
    segment_of,
)
from domain.pricing import InvalidGroup

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_segments_without_a_value_ignore_what_was_typed() -> None:
    assert segment_of(SegmentKind.VIP, "whatever") == Segment(SegmentKind.VIP)
    assert segment_of(SegmentKind.EVERYONE) == Segment(SegmentKind.EVERYONE)


def test_a_language_segment_takes_a_language_code_only() -> None:
    assert segment_of(SegmentKind.LANGUAGE, " RU ") == Segment(SegmentKind.LANGUAGE, "ru")
    assert segment_of(SegmentKind.LANGUAGE, "pt-BR") == Segment(SegmentKind.LANGUAGE, "pt-br")
    for bad in ("", "russian", "r", "ru ru", "<b>"):
        with pytest.raises(BadLanguage):
            segment_of(SegmentKind.LANGUAGE, bad)


def test_a_category_or_product_segment_needs_a_name_of_sensible_length() -> None:
    assert segment_of(SegmentKind.CATEGORY, "  Home   decor ") == Segment(SegmentKind.CATEGORY, "Home decor")
    for bad in ("", "   ", "x" * 129):
        with pytest.raises(BadSegmentValue):
            segment_of(SegmentKind.WAITING, bad)


def test_a_group_segment_takes_a_group_name_as_price_lists_spell_it() -> None:
    assert segment_of(SegmentKind.GROUP, " Wholesale ") == Segment(SegmentKind.GROUP, "wholesale")
    with pytest.raises(InvalidGroup):
        segment_of(SegmentKind.GROUP, "big buyers")


def test_customer_ids_come_from_a_csv_column_or_a_typed_list_once_each() -> None:
    assert parse_customer_ids("12, 15 19,12") == [12, 15, 19]
    assert parse_customer_ids("\ufeffid\n3\n\n4\n3\n") == [3, 4]
    assert parse_customer_ids('name,customer_id\n"Ann",7\nBob,8\n') == [7, 8]
    assert parse_customer_ids("5,Ann\n6,Bob\n") == [5, 6]  # no header: the first column
    segment = segment_of(SegmentKind.IDS, "id\n9\n10\n")
    assert segment.ids() == [9, 10]
    for empty in ("", "id\n", " \n\n"):
        with pytest.raises(NoCustomerIds):
            parse_customer_ids(empty)


def test_a_line_that_is_not_a_customer_id_refuses_the_file_naming_the_line() -> None:
    for text, line, cell in (
        ('name,customer_id\n"Ann",7\n\nBad,x\nBob,8\n', 4, "x"),  # blank lines count: the file's own numbers
        ("id\n3\nNoId\n", 3, "NoId"),
        ("name,customer_id\nAnn,\n", 2, ""),
        ("0, -3, 99999999999", 1, "0"),
        ("5\n99999999999\n", 2, "99999999999"),
    ):
        with pytest.raises(BadCustomerIdLine) as refused:
            parse_customer_ids(text)
        assert refused.value.params == {"line": line, "text": cell}


def test_the_product_link_round_trips_and_nothing_else_parses() -> None:
    assert parse_link(link_payload(12, 345)) == (12, 345)
    for other in ("p_85123A", "cmp12", "cmp_1_2", "cmp1_2x", "inv_abc", ""):
        assert parse_link(other) is None


def test_a_message_is_refused_empty_or_over_telegrams_limits() -> None:
    check_message("Hello", 5, None)
    check_message("x", 1000, "photo-id")
    with pytest.raises(EmptyMessage):
        check_message("  ", 0, None)
    with pytest.raises(MessageTooLong):
        check_message("x", 1001, "photo-id")
    with pytest.raises(MessageTooLong):
        check_message("x", 3501, None)


def test_orders_count_within_seven_days_after_the_same_customers_click() -> None:
    clicks = [(1, T0), (2, T0 + timedelta(days=3))]
    orders = [
        (100, 1, T0 + timedelta(hours=1)),  # counted
        (101, 1, T0 - timedelta(minutes=1)),  # before the click
        (102, 1, T0 + timedelta(days=7, seconds=1)),  # after the window
        (103, 2, T0 + timedelta(days=9)),  # within 7 days of customer 2's click
        (104, 3, T0 + timedelta(hours=1)),  # never clicked
    ]
    assert orders_after_clicks(clicks, orders) == {100, 103}
