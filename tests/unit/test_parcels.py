"""Parcels: what a parcel may take, when the order is partially shipped, shipped and
delivered, and the state machine's new moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import IllegalTransition
from domain.money import Money
from domain.orders import CODE_ALPHABET, HistoryEntry, Order, OrderLine, OrderStatus
from domain.parcels import (
    BadParcelLine,
    NothingToShip,
    NotOrdered,
    Parcel,
    ParcelLine,
    ParcelStatus,
    ShipsTooMuch,
    all_delivered,
    left_to_ship,
    new_pickup_code,
    normalize_pickup_code,
    parcel_eta,
    parcel_lines,
    parse_parcel_items,
    status_after_parcel,
)
from domain.returns import returnable
from domain.usecases.parcels import DeliveredAlready, NotOnItsWay, check_deliverable

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
S = OrderStatus


def packed_order() -> Order:
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="EUR",
        lines=[
            OrderLine(10, "MUG", "Mug", 3, Money(450, "EUR"), id=1),
            OrderLine(11, "TEE", "Tee", 1, Money(900, "EUR"), id=2),
        ],
        now=NOW,
        actor="customer:1",
    )
    order.status = S.PACKED
    order.id = 7
    return order


def parcel(seq: int, *lines: ParcelLine, status: ParcelStatus = ParcelStatus.SHIPPED) -> Parcel:
    return Parcel(7, seq, "DPD", f"T{seq}XX", list(lines), NOW, status=status)


def test_a_packed_order_may_leave_in_part_and_stays_partially_shipped_until_the_rest_leaves() -> None:
    order = packed_order()
    order.transition(S.PARTIALLY_SHIPPED, now=NOW, actor="staff:1")
    with pytest.raises(IllegalTransition):
        order.transition(S.DELIVERED, now=NOW, actor="staff:1")  # not while something has not left
    order.transition(S.SHIPPED, now=NOW, actor="staff:1")
    order.transition(S.DELIVERED, now=NOW, actor="staff:1")
    assert [e.to_status for e in order.history][-3:] == [S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED]


def test_a_partially_shipped_order_cannot_be_cancelled_and_resumes_from_hold_where_it_was() -> None:
    order = packed_order()
    order.transition(S.PARTIALLY_SHIPPED, now=NOW, actor="staff:1")
    assert not order.cancellable_by_customer
    with pytest.raises(IllegalTransition):
        order.transition(S.CANCELLED, now=NOW, actor="staff:1")
    order.transition(S.ON_HOLD, now=NOW, actor="staff:1")
    assert not order.can_transition(S.PACKED) and order.can_transition(S.PARTIALLY_SHIPPED)


def test_a_pickup_order_goes_from_packed_to_delivered_at_the_counter() -> None:
    order = packed_order()
    order.transition(S.DELIVERED, now=NOW, actor="staff:1", reason="handed over")
    order.transition(S.COMPLETED, now=NOW, actor="staff:1")
    assert order.status is S.COMPLETED


def test_a_parcel_takes_what_is_asked_and_the_order_is_shipped_when_every_line_has_left() -> None:
    order = packed_order()
    first = parcel_lines(order, [], {"MUG": 2})
    assert first == [ParcelLine(1, 10, "MUG", 2)]
    sent = [parcel(1, *first)]
    assert left_to_ship(order, sent) == {1: 1, 2: 1}
    assert status_after_parcel(order, sent) is S.PARTIALLY_SHIPPED
    rest = parcel_lines(order, sent, None)
    assert rest == [ParcelLine(1, 10, "MUG", 1), ParcelLine(2, 11, "TEE", 1)]
    assert status_after_parcel(order, [*sent, parcel(2, *rest)]) is S.SHIPPED


def test_shipping_more_than_is_left_or_what_was_not_ordered_is_refused_whole() -> None:
    order = packed_order()
    sent = [parcel(1, ParcelLine(1, 10, "MUG", 2))]
    with pytest.raises(ShipsTooMuch) as too_many:
        parcel_lines(order, sent, {"TEE": 1, "MUG": 2})
    assert too_many.value.params == {"left": 1, "sku": "MUG", "code": "BCDFGHJK"}
    with pytest.raises(NotOrdered):
        parcel_lines(order, sent, {"CUP": 1})
    everything = [*sent, parcel(2, ParcelLine(1, 10, "MUG", 1), ParcelLine(2, 11, "TEE", 1))]
    with pytest.raises(NothingToShip):
        parcel_lines(order, everything, None)


def test_the_order_is_delivered_only_when_every_parcel_is() -> None:
    assert not all_delivered([])
    delivered = parcel(1, status=ParcelStatus.DELIVERED)
    assert not all_delivered([delivered, parcel(2)])
    assert all_delivered([delivered, parcel(2, status=ParcelStatus.DELIVERED)])


@pytest.mark.parametrize("words", [["MUG"], ["MUG=0"], ["MUG=two"], ["=2"], ["MUG=-1"]])
def test_parcel_items_are_sku_equals_a_whole_quantity(words: list[str]) -> None:
    with pytest.raises(BadParcelLine):
        parse_parcel_items(words)


def test_parcel_items_are_read_case_insensitively_and_repeats_add_up() -> None:
    assert parse_parcel_items(["mug=1", "MUG=2", "tee-m=1"]) == {"MUG": 3, "TEE-M": 1}


def test_pickup_codes_use_the_unambiguous_alphabet_and_read_as_typed() -> None:
    code = new_pickup_code()
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert normalize_pickup_code(" bcd-234 ") == "BCD234"


def test_a_parcel_arrives_its_carriers_transit_days_after_it_left() -> None:
    from datetime import date

    from domain.shipping import CarrierRate, Zone

    def rate(carrier: str, service: str, days: int) -> CarrierRate:
        return CarrierRate(carrier, service, Zone.NATIONAL, Money(0, "GBP"), Money(0, "GBP"), days, 14, 10_000)

    rates = [rate("DPD", "Next Day", 1), rate("DPD", "Two Day", 2), rate("Royal Mail", "Tracked 48", 2)]
    friday, fallback = date(2026, 12, 4), date(2026, 12, 31)
    assert parcel_eta(rates, "dpd", "Two Day", friday, fallback) == date(2026, 12, 8)  # the chosen service, no weekend
    assert parcel_eta(rates, "DPD", "", friday, fallback) == date(2026, 12, 7)  # else the carrier's fastest
    assert parcel_eta(rates, "Courier Co", "", friday, fallback) == fallback  # unknown carrier: the order's estimate


def test_only_what_delivered_parcels_brought_may_be_returned_each_within_its_window() -> None:
    order = packed_order()
    order.status = S.PARTIALLY_SHIPPED
    arrived = Parcel(7, 1, "DPD", "T1XX", [ParcelLine(1, 10, "MUG", 2)], NOW, status=ParcelStatus.DELIVERED)
    arrived.delivered_at = NOW
    travelling = parcel(2, ParcelLine(1, 10, "MUG", 1), ParcelLine(2, 11, "TEE", 1))
    assert returnable(order, NOW, 14, {}, [arrived, travelling]) == {1: 2}
    assert returnable(order, NOW, 14, {1: 1}, [arrived, travelling]) == {1: 1}  # one already on its way back
    assert returnable(order, NOW, 14, {}, [travelling]) == {}
    assert returnable(order, NOW + timedelta(days=15), 14, {}, [arrived, travelling]) == {}

    travelling.status, travelling.delivered_at = ParcelStatus.DELIVERED, NOW + timedelta(days=10)
    order.status = S.DELIVERED
    order.history.append(HistoryEntry(NOW + timedelta(days=10), "staff:1", S.SHIPPED, S.DELIVERED))
    later = NOW + timedelta(days=20)  # the first parcel's window closed, the second's is open
    assert returnable(order, later, 14, {}, [arrived, travelling]) == {1: 1, 2: 1}


def test_units_the_customer_gave_up_never_came_so_they_cannot_be_returned() -> None:
    order = packed_order()  # 3 mugs and a tee; 2 mugs were short and the customer cancelled them
    came = Parcel(7, 1, "DPD", "T1XX", [ParcelLine(1, 10, "MUG", 1), ParcelLine(2, 11, "TEE", 1)], NOW)
    came.status, came.delivered_at = ParcelStatus.DELIVERED, NOW
    order.status = S.DELIVERED
    order.history.append(HistoryEntry(NOW, "staff:1", S.SHIPPED, S.DELIVERED))
    assert returnable(order, NOW, 14, {}, [came], {10: 2}) == {1: 1, 2: 1}
    assert returnable(order, NOW, 14, {}, [], {10: 2}) == {1: 1, 2: 1}  # handed over at a counter
    assert returnable(order, NOW, 14, {}, [came]) == {1: 3, 2: 1}  # nothing given up: what no parcel carried


def test_an_order_not_shipped_or_delivered_already_is_refused_delivery_in_words() -> None:
    order = packed_order()
    order.transition(S.PARTIALLY_SHIPPED, now=NOW, actor="staff:1")
    with pytest.raises(NotOnItsWay) as refused:
        check_deliverable(order)  # part of it has not left
    assert refused.value.params == {"code": order.code, "status": "partially_shipped"}
    order.transition(S.SHIPPED, now=NOW, actor="staff:1")
    check_deliverable(order)
    order.transition(S.DELIVERED, now=NOW, actor="staff:1")
    with pytest.raises(DeliveredAlready):
        check_deliverable(order)  # a second /delivered: not "cannot go from delivered to delivered"


def test_a_parcels_tracking_page_is_its_carriers_first_rates_address_with_the_number_in_it() -> None:
    from domain.parcels import tracking_page
    from domain.shipping import CarrierRate, Zone

    def rate(carrier: str, url: str) -> CarrierRate:
        free = Money(0, "GBP")
        return CarrierRate(carrier, "Next Day", Zone.NATIONAL, free, free, 1, 14, 10_000, tracking_url=url)

    rates = [rate("DPD", "https://track.dpd.co.uk/?p={tracking}"), rate("DPD", "https://other/{tracking}")]
    rates.append(rate("Royal Mail", "https://royalmail.com/track"))  # no {tracking}: no page to link

    def parcel(carrier: str, tracking: str) -> Parcel:
        return Parcel(1, 1, carrier, tracking, [], datetime(2026, 12, 4, tzinfo=UTC))

    assert tracking_page(rates, parcel("DPD", "TRK-1")) == "https://track.dpd.co.uk/?p=TRK-1"
    assert tracking_page(rates, parcel("Royal Mail", "RM1")) == ""
    assert tracking_page(rates, parcel("Courier Co", "C1")) == ""  # not in the rate table


def test_a_parcels_carrier_is_found_in_the_rate_table_whatever_its_case_and_by_a_rate_with_an_address() -> None:
    """As ``parcel_eta`` finds "dpd" among DPD's rates, so does the tracking page; a carrier's
    first rate without a tracking address does not hide a later one that has it."""
    from domain.parcels import tracking_page
    from domain.shipping import CarrierRate, Zone

    def rate(carrier: str, service: str, url: str) -> CarrierRate:
        free = Money(0, "GBP")
        return CarrierRate(carrier, service, Zone.NATIONAL, free, free, 1, 14, 10_000, tracking_url=url)

    rates = [rate("DPD", "Economy", ""), rate("DPD", "Next Day", "https://track.dpd.co.uk/?p={tracking}")]
    rates.append(rate("Royal Mail", "Tracked 48", ""))

    def parcel(carrier: str, tracking: str) -> Parcel:
        return Parcel(1, 1, carrier, tracking, [], datetime(2026, 12, 4, tzinfo=UTC))

    assert tracking_page(rates, parcel("dpd", "TRK-1")) == "https://track.dpd.co.uk/?p=TRK-1"
    assert tracking_page(rates, parcel("DPD", "TRK-2")) == "https://track.dpd.co.uk/?p=TRK-2"
    assert tracking_page(rates, parcel("royal mail", "RM1")) == ""  # no address at all: no link


def test_a_tracking_number_goes_into_its_carriers_address_encoded() -> None:
    """A number with a space, "&", "#" or "/" stays the number: it no longer ends the query,
    adds a parameter, starts a fragment or a path step of the carrier's page."""
    from domain.shipping import CarrierRate, Zone

    free = Money(0, "GBP")
    rate = CarrierRate(
        "DPD", "Next Day", Zone.NATIONAL, free, free, 1, 14, 10_000, tracking_url="https://t.example/{tracking}?x=1"
    )

    assert rate.tracking_link("TRK-1") == "https://t.example/TRK-1?x=1"
    assert rate.tracking_link("AB 12&c=3#4/5") == "https://t.example/AB%2012%26c%3D3%234%2F5?x=1"
