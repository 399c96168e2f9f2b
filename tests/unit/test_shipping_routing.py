"""Shipping and routing: zones by distance, prices and dates, and which warehouses an order is sent from."""

from datetime import UTC, date, datetime

import pytest

from domain.money import Money
from domain.routing import WAITS_FOR_STOCK, RoutingImpossible, restated, route
from domain.shipping import CarrierRate, Zone, add_business_days, dispatch_date, haversine_km, quotes, zone_for
from domain.warehouse import Warehouse

LONDON = Warehouse("LON", "London", latitude=51.5079, longitude=0.0264, id=1)
MANCHESTER = Warehouse("MAN", "Manchester", latitude=53.4822, longitude=-2.2405, id=2)
LEEDS = Warehouse("LDS", "Leeds", latitude=53.8008, longitude=-1.5491, id=3)
NEAR_MANCHESTER = (53.47, -2.25)


def rate(zone: Zone, base: str, per_kg: str, days: int, cutoff: int = 16, max_g: int = 20000) -> CarrierRate:
    return CarrierRate(
        "RM", f"{zone}-{days}", zone, Money.parse(base, "GBP"), Money.parse(per_kg, "GBP"), days, cutoff, max_g, id=days
    )


def test_the_distance_decides_the_zone_and_an_unknown_one_is_national() -> None:
    assert 262 < haversine_km(51.5079, 0.0264, 53.4822, -2.2405) < 272  # Docklands to Manchester
    assert zone_for(10) is Zone.LOCAL and zone_for(200) is Zone.REGIONAL and zone_for(400) is Zone.NATIONAL
    assert zone_for(None) is Zone.NATIONAL


def test_price_is_base_plus_every_started_kilogram() -> None:
    r = rate(Zone.LOCAL, "3.20", "0.50", 2)
    assert r.price_for(0) == Money(370, "GBP")
    assert r.price_for(1000) == Money(370, "GBP")
    assert r.price_for(1001) == Money(420, "GBP")


def test_eta_counts_cutoff_processing_and_weekends() -> None:
    wednesday_morning = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    wednesday_evening = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    assert dispatch_date(wednesday_morning, cutoff_hour=16, processing_days=0) == date(2026, 11, 25)
    assert dispatch_date(wednesday_evening, cutoff_hour=16, processing_days=0) == date(2026, 11, 26)
    assert dispatch_date(wednesday_morning, cutoff_hour=16, processing_days=2) == date(2026, 11, 27)
    assert add_business_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday + 1 → Monday
    assert add_business_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday rolls to Monday
    friday_late = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert rate(Zone.LOCAL, "1", "0", 1).eta(friday_late, 0) == date(2026, 12, 1)


def test_quotes_filter_by_zone_weight_and_currency_cheapest_first() -> None:
    rates = [
        rate(Zone.LOCAL, "5.00", "0", 1),
        rate(Zone.LOCAL, "3.00", "0", 3),
        rate(Zone.NATIONAL, "1.00", "0", 5),
        rate(Zone.LOCAL, "1.00", "0", 2, max_g=500),
    ]
    found = quotes(
        rates,
        zone=Zone.LOCAL,
        weight_g=800,
        currency="GBP",
        local_now=datetime(2026, 11, 25, 9, tzinfo=UTC),
        processing_days=0,
    )
    assert [q.price.amount for q in found] == [300, 500]
    assert (
        quotes(
            rates,
            zone=Zone.LOCAL,
            weight_g=800,
            currency="EUR",
            local_now=datetime(2026, 11, 25, 9, tzinfo=UTC),
            processing_days=0,
        )
        == []
    )


def test_one_warehouse_that_has_everything_wins_over_a_nearer_split() -> None:
    available = {(10, 1): 5, (11, 1): 5, (10, 2): 5}
    decision = route({10: 2, 11: 1}, available, [LONDON, MANCHESTER], NEAR_MANCHESTER)
    assert decision.warehouse_codes == ["LON"]
    assert "LON can ship every line" in decision.reasons[0]


def test_the_nearest_of_several_complete_warehouses_is_chosen() -> None:
    available = {(10, 1): 5, (10, 2): 5, (10, 3): 5}
    decision = route({10: 2}, available, [LONDON, MANCHESTER, LEEDS], NEAR_MANCHESTER)
    assert decision.warehouse_codes == ["MAN"]
    assert any("nearest" in reason for reason in decision.reasons)


def test_fewest_warehouses_when_none_has_everything() -> None:
    available = {(10, 1): 1, (11, 1): 0, (10, 2): 0, (11, 2): 3, (10, 3): 2, (11, 3): 2}
    decision = route({10: 2, 11: 2}, available, [LONDON, MANCHESTER, LEEDS], NEAR_MANCHESTER)
    assert decision.warehouse_codes == ["LDS"]
    split = route({10: 3, 11: 1}, {(10, 1): 2, (10, 2): 1, (11, 2): 1}, [LONDON, MANCHESTER], NEAR_MANCHESTER)
    assert sorted(split.warehouse_codes) == ["LON", "MAN"]
    assert sorted((a.warehouse_id, a.product_id, a.quantity) for a in split.allocations) == [
        (1, 10, 2),
        (2, 10, 1),
        (2, 11, 1),
    ]


def test_an_order_whose_every_line_waits_for_stock_says_so_and_allocates_nothing() -> None:
    decision = route({}, {(10, 1): 0}, [LONDON, MANCHESTER], NEAR_MANCHESTER)
    assert decision.allocations == [] and decision.warehouse_codes == ["MAN"]  # the nearest, for when it comes
    assert decision.reasons[0] == "every line waits for stock: allocated when it arrives"
    assert not any("can ship" in reason or "chosen among" in reason for reason in decision.reasons)


def test_a_line_no_one_can_cover_is_reported_with_what_exists() -> None:
    with pytest.raises(RoutingImpossible) as caught:
        route({10: 9}, {(10, 1): 4, (10, 2): 3}, [LONDON, MANCHESTER], None)
    assert caught.value.product_id == 10 and caught.value.params == {"available": 7}


def test_pickup_is_ready_in_hours_when_stock_is_there_and_after_a_transfer_otherwise() -> None:
    from domain.usecases.checkout import CheckoutPolicy, pickup_ready_by

    wednesday = datetime(2026, 11, 25, 9, 20, tzinfo=UTC)
    policy = CheckoutPolicy(timezone="Europe/London", pickup_ready_hours=2, transfer_days=2, opening_hour=10)
    assert pickup_ready_by(wednesday, policy, transfer_needed=False) == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert pickup_ready_by(wednesday, policy, transfer_needed=True) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert pickup_ready_by(friday, policy, transfer_needed=True) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_a_pickup_order_s_reason_speaks_of_the_pickup_point_not_a_delivery_address() -> None:
    available = {(10, 1): 5, (10, 2): 5}
    to_pickup = route({10: 1}, available, [LONDON, MANCHESTER], NEAR_MANCHESTER, pickup=True)
    assert any(r.startswith("nearest to the pickup point: MAN") for r in to_pickup.reasons), to_pickup.reasons
    assert not any("delivery point" in r for r in to_pickup.reasons)
    delivered = route({10: 1}, available, [LONDON, MANCHESTER], NEAR_MANCHESTER)
    assert any(r.startswith("nearest to the delivery point: MAN") for r in delivered.reasons), delivered.reasons


def test_a_routing_restated_after_a_fill_says_where_the_order_ships_from_now() -> None:
    placed = ["MAN", "MAN can ship every line", "nearest to the delivery point: MAN 260 km"]
    assert restated(placed, {"MAN": 5}, 2) == ["MAN", "MAN ships 5", "2 still wait for stock"]
    assert restated(placed, {"MAN": 5, "LON": 2}, 0) == ["MAN", "LON", "split: LON ships 2, MAN ships 5"]
    assert restated(placed, {"MAN": 7}, 0) == ["MAN", "MAN can ship every line"]
    assert restated([WAITS_FOR_STOCK], {"LON": 3}, 0) == ["LON", "LON can ship every line"]
    assert restated([WAITS_FOR_STOCK], {}, 3) == [WAITS_FOR_STOCK]
