"""A goodwill refund's reason as the timeline and the journal keep it: one line, as staff read it."""

from __future__ import annotations

from domain.usecases.goodwill import REASON_LIMIT, goodwill_reason


def test_a_goodwill_reason_typed_with_a_direction_override_is_kept_without_it() -> None:
    # U+202E turned the /order timeline's line around for the next agent (typed text loses it: domain.text)
    assert goodwill_reason("late \u202edelivery\u202c,\n box  kept") == "late delivery, box kept"


def test_a_goodwill_reason_is_kept_to_its_limit() -> None:
    assert len(goodwill_reason("x" * (REASON_LIMIT + 50))) == REASON_LIMIT
