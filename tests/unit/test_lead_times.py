"""The lead time a policy plans on: the supplier's word until its deliveries say otherwise."""

from __future__ import annotations

from domain.purchasing import LeadTime, planned_lead_time


def test_three_late_deliveries_lengthen_the_lead_time_by_their_median_lateness() -> None:
    assert planned_lead_time(5, [4, 3, 6], "HOMEWARE") == LeadTime(5, 4, 3, "HOMEWARE")
    assert planned_lead_time(5, [4, 3, 6]).days == 9


def test_a_half_day_median_is_planned_as_a_whole_day_more() -> None:
    assert planned_lead_time(7, [0, 1, 1, 0]).days == 8  # median 0.5: a day is bought in whole days


def test_fewer_than_three_deliveries_are_no_record_yet() -> None:
    assert planned_lead_time(5, [9, 9]) == LeadTime(5)


def test_early_or_on_time_deliveries_never_shorten_the_stated_lead_time() -> None:
    assert planned_lead_time(5, [-3, -2, 0]) == LeadTime(5)
