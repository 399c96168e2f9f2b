"""Discount rules one by one: allocation to lines, stacking, promo code refusals, the journal
with discounts, and a partial return of a discounted order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.accounting import Account
from domain.discounts import PricedLine, allocate, apply_promotions, with_code
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.promotions import (
    BadPeriod,
    DiscountKind,
    FixedAboveThreshold,
    OverlappingPromotion,
    PercentOutOfRange,
    PromoAboveOrder,
    PromoCode,
    PromoCurrency,
    PromoExpired,
    PromoFirstOrder,
    PromoMinimum,
    PromoNotForGroup,
    PromoNotForItems,
    PromoNotYet,
    Promotion,
    PromoUsedByYou,
    PromoUsedUp,
    Target,
    normalize_code,
    parse_percent,
)
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest, refund_for
from domain.usecases.bookkeeping import book_sale
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def promotion(**kw: object) -> Promotion:
    base: dict[str, object] = {
        "name": "P",
        "kind": DiscountKind.PERCENT,
        "target": Target.PRODUCTS,
        "starts_at": NOW,
        "ends_at": LATER,
        "percent": Decimal(10),
    }
    return Promotion(**(base | kw))  # type: ignore[arg-type]


def code(**kw: object) -> PromoCode:
    base: dict[str, object] = {
        "code": "C",
        "kind": DiscountKind.PERCENT,
        "starts_at": NOW,
        "ends_at": LATER,
        "percent": Decimal(10),
    }
    return PromoCode(**(base | kw))  # type: ignore[arg-type]


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30), st.data())
def test_line_discounts_add_up_to_the_order_discount_and_no_line_goes_negative(
    weights: list[int], data: st.DataObject
) -> None:
    amount = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    shares = allocate(amount, weights)
    assert sum(shares) == amount
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


def test_allocation_rounds_half_even_and_gives_the_remainder_to_the_largest_fractions() -> None:
    assert allocate(10, [10, 10, 10]) == [4, 3, 3]  # the unit rounding lost goes to the first of equals
    assert allocate(5, [250, 250]) == [3, 2]  # 2.5 and 2.5 round to 2 and 2; one unit back
    assert allocate(10, [100, 300]) == [2, 8]  # 2.5 → 2 (half-even), 7.5 → 8


def test_the_best_single_promotion_wins_per_line_and_the_order_promotion_comes_after() -> None:
    lines = [PricedLine(1, 2, eur(1000)), PricedLine(2, 1, eur(500))]
    ten = promotion(name="Ten", product_ids=frozenset({1, 2}), percent=Decimal(10))
    fixed = promotion(
        name="Three off",
        kind=DiscountKind.FIXED,
        amount=eur(300),
        product_ids=frozenset({1}),
        starts_at=NOW + timedelta(seconds=1),
    )
    over = promotion(name="Over 20", target=Target.ORDER, threshold=eur(1500), percent=Decimal(5))
    d = apply_promotions(lines, [ten, fixed, over], "EUR")
    # line 1: 10% = 200 vs 300×2 = 600 → 600; line 2: 50. Left 1400 + 450 = 1850 ≥ 1500 → 5% = 92.5 → 92
    assert d.per_line[0] + d.per_line[1] == 600 + 50 + 92
    assert [(a.label, a.amount.amount) for a in d.applied] == [("Ten", 50), ("Three off", 600), ("Over 20", 92)]


def test_buy_two_get_one_frees_the_cheapest_unit_of_the_set() -> None:
    lines = [PricedLine(1, 2, eur(1000)), PricedLine(2, 1, eur(400))]
    d = apply_promotions(lines, [promotion(kind=DiscountKind.BUY_GET, buy=2, product_ids=frozenset({1, 2}))], "EUR")
    assert d.per_line == (0, 400)


def test_a_code_on_restricted_items_is_spread_over_those_lines_only() -> None:
    lines = [PricedLine(1, 1, eur(1000), frozenset({7})), PricedLine(2, 1, eur(1000))]
    before = apply_promotions(lines, [], "EUR")
    c = code(category_id=7, kind=DiscountKind.FIXED, amount=eur(300))
    assert with_code(c, lines, before, 300).per_line == (300, 0)
    with pytest.raises(PromoNotForItems):
        code(product_ids=frozenset({9})).discount_on(0, 2000, "EUR")


@pytest.mark.parametrize(
    ("promo", "now", "used", "orders", "error"),
    [
        (code(), NOW - timedelta(days=1), 0, 0, PromoNotYet),
        (code(), LATER, 0, 0, PromoExpired),
        (code(max_uses=3, uses=3), NOW, 0, 0, PromoUsedUp),
        (code(per_customer=1), NOW, 1, 0, PromoUsedByYou),
        (code(first_order_only=True), NOW, 0, 1, PromoFirstOrder),
    ],
)
def test_each_promo_rule_refuses_with_its_own_reason(
    promo: PromoCode, now: datetime, used: int, orders: int, error: type
) -> None:
    with pytest.raises(error):
        promo.check_usable(now, used_by_customer=used, customer_orders=orders)


def test_a_code_for_customer_groups_refuses_other_groups_and_says_which_it_is_for() -> None:
    wholesale = code(groups=frozenset({"wholesale", "vip"}))
    wholesale.check_usable(NOW, used_by_customer=0, customer_orders=0, group="vip")
    with pytest.raises(PromoNotForGroup) as refused:
        wholesale.check_usable(NOW, used_by_customer=0, customer_orders=0, group="retail")
    assert refused.value.params["groups"] == "vip, wholesale"
    code().check_usable(NOW, used_by_customer=0, customer_orders=0, group="retail")  # no groups: everyone


def test_cart_rules_minimum_currency_and_a_fixed_code_above_the_items() -> None:
    with pytest.raises(PromoMinimum):
        code(minimum=eur(5000)).discount_on(1000, 1000, "EUR")
    with pytest.raises(PromoCurrency):
        code(kind=DiscountKind.FIXED, amount=Money(100, "USD")).discount_on(1000, 1000, "EUR")
    with pytest.raises(PromoAboveOrder):
        code(kind=DiscountKind.FIXED, amount=eur(5000)).discount_on(1000, 1000, "EUR")
    assert code(percent=Decimal("12.5")).discount_on(1000, 1000, "EUR") == 125


def test_codes_are_normalised_and_bad_promotions_refused() -> None:
    assert normalize_code(" summer 10 ") == "SUMMER10"
    with pytest.raises(PercentOutOfRange):
        parse_percent("150")
    with pytest.raises(FixedAboveThreshold):
        promotion(kind=DiscountKind.FIXED, target=Target.ORDER, amount=eur(2000), threshold=eur(1000)).check(NOW, [])
    with pytest.raises(BadPeriod):
        promotion(ends_at=NOW - timedelta(days=1)).check(NOW, [])
    running = promotion(name="Old", product_ids=frozenset({1, 2}))
    with pytest.raises(OverlappingPromotion):
        promotion(product_ids=frozenset({2, 3})).check(NOW, [running])
    promotion(product_ids=frozenset({3})).check(NOW, [running])  # other items: fine


def discounted_order() -> Order:
    lines = [
        OrderLine(1, "A", "A", 3, eur(1000), id=11, discount_minor=100),
        OrderLine(2, "B", "B", 1, eur(500), id=12),
    ]
    return Order.place(
        code="X", customer_id=1, currency="EUR", lines=lines, now=NOW, actor="t", tax_rate="20", shipping=eur(0)
    )


async def test_the_journal_balances_with_tax_after_discount_and_a_discounts_account() -> None:
    uow = FakeUnitOfWork()
    order = discounted_order()
    assert (order.subtotal, order.discount, order.total) == (eur(3500), eur(100), eur(3400))
    assert order.tax == eur(567)  # 3400 × 20/120
    async with uow:
        await book_sale(uow, order, NOW, debit=Account.CASH, memo=Memo.of("sale {code} (card)", code=order.code))
        await uow.commit()
    [posted] = uow.state.journal
    amounts = {line.account: (line.debit, line.credit) for line in posted.lines}
    assert amounts[Account.CASH] == (3400, 0) and amounts[Account.TAX_PAYABLE] == (0, 567)
    assert amounts[Account.DISCOUNTS] == (83, 0)  # 100 less the 17 of tax it no longer carries
    assert amounts[Account.REVENUE] == (0, 3400 - 567 + 83)


def test_a_partial_return_never_refunds_more_than_was_paid() -> None:
    order = discounted_order()  # line A: 3 × 10.00 − 1.00 = 29.00 paid

    def returned(n: int) -> ReturnRequest:
        line = ReturnLine(11, 1, "A", "A", n, eur(1000))
        return ReturnRequest(
            "R1", 1, 1, ReturnKind.REFUND, ReturnReason.CHANGED_MIND, ReturnMethod.DROP_OFF, [line], NOW
        )

    first = refund_for(returned(1), order, False, {})
    second = refund_for(returned(1), order, False, {11: 1})
    last = refund_for(returned(1), order, False, {11: 2})
    assert (first, second, last) == (eur(966), eur(967), eur(967))
    assert first + second + last == eur(2900)
