"""Money is exact: integer minor units per currency, never floats, never mixed currencies; rates and rounding exact."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import CurrencyMismatch, UnknownCurrency
from domain.fx import FxRate, InvalidRate, parse_rate
from domain.money import (
    AmountEndUnclear,
    AmountInExponent,
    AmountTooLarge,
    InvalidAmount,
    Money,
    split_typed_amount,
    sum_money,
)


def test_amounts_are_integer_minor_units_with_babel_precision() -> None:
    assert Money.parse("12.50", "usd") == Money(1250, "USD")
    assert Money.parse("1500", "JPY") == Money(1500, "JPY")
    assert Money.parse("1.234", "KWD") == Money(1234, "KWD")
    assert Money(1250, "USD").to_decimal() == Decimal("12.50")


def test_more_decimals_than_the_currency_has_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money.parse("1.5", "JPY")
    with pytest.raises(InvalidAmount):
        Money.parse("0.001", "EUR")


@pytest.mark.parametrize("text", ["", "abc", "NaN", "Infinity", "1,5"])
def test_garbage_is_not_an_amount(text: str) -> None:
    with pytest.raises(InvalidAmount):
        Money.parse(text, "EUR")


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        Money(100, "XYZ")
    with pytest.raises(UnknownCurrency):
        Money(100, "EURO")


def test_floats_are_not_money() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(150, "EUR") * 1.5  # type: ignore[operator]


def test_mixed_currencies_never_add_up() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") + Money(100, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") < Money(100, "USD")  # noqa: B015


def test_line_totals_and_sums_are_exact() -> None:
    assert Money.parse("0.10", "EUR") * 3 == Money(30, "EUR")
    assert sum_money([Money(10, "EUR")] * 10, "EUR") == Money(100, "EUR")
    assert sum_money([], "GBP") == Money.zero("GBP")


def test_rounding_after_fx_is_half_even_to_the_minor_unit() -> None:
    assert Money.from_decimal(Decimal("0.125"), "EUR") == Money(12, "EUR")
    assert Money.from_decimal(Decimal("0.135"), "EUR") == Money(14, "EUR")
    assert Money.from_decimal(Decimal("99.5"), "JPY") == Money(100, "JPY")


def test_fx_rates_are_exact_decimals_and_convert_both_ways() -> None:
    rate = FxRate("USD", "RUB", parse_rate("92.50"), datetime(2026, 1, 1, tzinfo=UTC))
    assert rate.convert(Money.parse("10.00", "USD")) == Money.parse("925.00", "RUB")
    assert rate.convert(Money.parse("925.00", "RUB")) == Money.parse("10.00", "USD")
    assert rate.rate_text == "92.50"


@pytest.mark.parametrize("text", ["0", "-1", "abc", "inf"])
def test_nonsense_rates_are_refused(text: str) -> None:
    with pytest.raises(InvalidRate):
        parse_rate(text)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["EUR", "JPY", "KWD", "RUB", "GBP"]))
def test_text_round_trip_is_lossless(amount: int, currency: str) -> None:
    money = Money(amount, currency)
    assert Money.parse(str(money.to_decimal()), currency) == money


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30))
def test_addition_is_associative_and_exact(amounts: list[int]) -> None:
    total = sum_money([Money(a, "EUR") for a in amounts], "EUR")
    assert total.amount == sum(amounts)


@pytest.mark.parametrize("text", ["100000000000000000", "10000000000000.01", "-" + "9" * 40])
def test_an_amount_too_large_to_store_is_refused_not_parsed(text: str) -> None:
    with pytest.raises(AmountTooLarge):
        Money.parse(text, "GBP")


@pytest.mark.parametrize("text", ["1e9", "1E+2", "1.5e3", "150e-2", "1e17", "1e999999", "-9E+999999", " 2e0 "])
def test_an_amount_in_exponent_notation_is_refused_as_typed_and_in_files(text: str) -> None:
    """ "1e9" was taken as 1,000,000,000.00: a person means digits, a spreadsheet's 1E+09 lost them."""
    for parse in (Money.parse, Money.parse_typed):
        with pytest.raises(AmountInExponent) as refused:
            parse(text, "GBP")
        assert refused.value.params == {"text": text.strip(), "currency": "GBP"}


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "sNaN"])
def test_a_value_that_is_no_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        Money.parse_typed(text, "GBP")


@pytest.mark.parametrize(("text", "minor"), [("2,50", 250), ("12,5", 1250), ("0,125", None), ("-3,75", -375)])
def test_a_decimal_comma_typed_in_chat_is_a_decimal_point(text: str, minor: int | None) -> None:
    if minor is None:  # three places in pounds: not an amount, as "0.125" is not
        with pytest.raises(InvalidAmount):
            Money.parse_typed(text, "GBP")
    else:
        assert Money.parse_typed(text, "GBP") == Money(minor, "GBP")
    assert parse_rate("0,125") == Decimal("0.125")


@pytest.mark.parametrize("text", ["1,000", "25,000", "250,000", " 1,500 "])
def test_a_comma_grouping_thousands_is_refused_not_read_as_a_decimal_comma(text: str) -> None:
    """ "over=1,000" (a thousand pounds, written the English way) was taken as £1.00, and
    "/fx RUB 1,000" as a rate of 1: which was meant cannot be known, so it is asked again."""
    with pytest.raises(InvalidAmount):
        Money.parse_typed(text, "GBP")
    with pytest.raises(InvalidRate):
        parse_rate(text)


@pytest.mark.parametrize("text", ["1e999", "1E+2", "1e-999", "9" * 13, "0." + "0" * 12 + "1", " 2e0 "])
def test_a_rate_in_exponent_notation_or_beyond_what_is_stored_is_refused(text: str) -> None:
    """ "/fx RUB 1e999" was set: a rate of a thousand digits, and every rouble price then overflowed."""
    with pytest.raises(InvalidRate):
        parse_rate(text)
    assert parse_rate("105.20") == Decimal("105.20") and parse_rate("0.000012") == Decimal("0.000012")


@pytest.mark.parametrize(
    ("typed", "amount", "rest"),
    [
        ("1 000 ошибка", "1000", "ошибка"),
        ("1 000,50 wire 77", "1000,50", "wire 77"),
        ("12 345 678.9", "12345678.9", ""),
        ("2.00 50 late", "2.00", "50 late"),
        ("2,5 3 boxes", "2,5", "3 boxes"),
        ("5 late delivery", "5", "late delivery"),
        ("-1 000 x", "-1000", "x"),
        ("abc 123", "abc", "123"),
        ("", "", ""),
    ],
)
def test_a_typed_amount_goes_on_over_groups_of_three_digits_and_ends_at_its_decimals(
    typed: str, amount: str, rest: str
) -> None:
    assert split_typed_amount(typed) == (amount, rest)


@pytest.mark.parametrize("typed", ["2 50 late", "1 000 5 boxes", "1000 000", "12345 678", "7 2nd time"])
def test_a_whole_amount_followed_by_a_number_is_refused_not_read_as_the_smaller_one(typed: str) -> None:
    """ "/refund CODE 2 50 late" recorded £2 with the reason "50 late": £250 may have been meant."""
    with pytest.raises(AmountEndUnclear):
        split_typed_amount(typed)
