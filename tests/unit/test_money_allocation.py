"""The cumulative allocation rule: parts of a whole (an invoice's tax, a payable) taken one after another add up
to it exactly, whatever the split."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.credit_notes import CreditNote, tax_credited
from domain.money import Money, allocated, share_through


def shares(whole: int, total: int, parts: list[int], currency: str = "GBP") -> list[int]:
    before, taken = Money(0, currency), []
    for amount in parts:
        part = Money(amount, currency)
        taken.append(allocated(Money(whole, currency), Money(total, currency), before, part).amount)
        before += part
    return taken


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(min_value=0, max_value=10**9),
    cuts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=12),
)
def test_parts_adding_up_to_the_total_carry_exactly_the_whole(whole: int, cuts: list[int]) -> None:
    total = sum(cuts)
    taken = shares(whole, total, cuts)
    assert sum(taken) == whole
    assert all(x >= 0 for x in taken)


def test_a_cancelled_invoice_s_two_parts_take_back_exactly_its_tax() -> None:
    # £34.70 holds £5.79 (£4.92 in the goods' £29.50, £0.87 in the shipping's £5.20); £10.01 was paid first.
    assert shares(579, 3470, [1001, 2469]) == [167, 412]
    assert shares(60840, 365044, [100050, 264994]) == [16675, 44165]


def test_a_single_part_of_the_whole_total_takes_the_whole() -> None:
    assert shares(579, 3470, [3470]) == [579]


def test_a_payable_paid_in_parts_at_its_own_rate_clears_to_zero() -> None:
    # €33.00 received at 1.1712 is £28.18; €10.00 of it is £8.54, as the same rate gives.
    assert shares(2818, 3300, [1000, 2300]) == [854, 1964]


def test_large_amounts_are_shared_exactly() -> None:
    # 10^15 × 10^15 has more digits than a Decimal keeps: the share is still exact, half to even.
    assert share_through(10**15 + 1, 10**15, 2 * 10**15) == 5 * 10**14
    assert share_through(10**15 + 3, 10**15, 2 * 10**15) == 5 * 10**14 + 2


def test_nothing_to_share_shares_nothing() -> None:
    assert share_through(579, 100, 0) == 0
    assert shares(0, 3470, [1000, 2470]) == [0, 0]


@settings(max_examples=200, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=8))
def test_credit_notes_adding_up_to_the_invoice_carry_exactly_its_tax(cuts: list[int]) -> None:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    notes = [
        CreditNote(1, n, Money(amount, "GBP"), "order changed", at, Money(0, "GBP"))
        for n, amount in enumerate(cuts, start=1)
    ]
    total, tax = Money(sum(cuts), "GBP"), Money(sum(cuts) // 6, "GBP")
    assert sum(tax_credited(total, tax, notes, note).amount for note in notes) == tax.amount
