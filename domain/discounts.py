"""Discounts on a cart: the promotions that apply, the promo code, and exact allocation to lines.

Stacking, in this order, each step on what the previous ones left of a line:

1. **Line promotions** (a category or a product set: percent, fixed off each unit, buy N get 1):
   the best single one per line — the largest discount wins, ties to the older promotion.
2. **Order promotions** (the whole order above a threshold): the best single one whose
   threshold the goods reach after step 1, spread over every line.
3. **The promo code**, if one was entered: on the lines it is for, after steps 1 and 2.

Every amount is integer minor units; an amount spread over lines is split in proportion to
what each line still costs, rounded half-even, the rounding remainder given to the lines
rounded furthest from their exact share, so the line discounts add up to the discount exactly
and no line is ever discounted below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from domain.money import Money
from domain.promotions import DiscountKind, PromoCode, Promotion, Target


@dataclass(frozen=True, slots=True)
class PricedLine:
    """What discounts need of a cart line: the unit price it carries (a price list's, if
    any), how many, the categories it sits in (its own and every one above), and its
    product's parent code (a ``product:CODE`` target covers every variant)."""

    product_id: int
    quantity: int
    unit_price: Money
    categories: frozenset[int] = frozenset()
    family: str = ""

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """One discount as the cart, the review and the receipt show it."""

    label: str  # the promotion's name, or the code
    amount: Money
    code: str = ""  # set for the promo code's line


@dataclass(frozen=True, slots=True)
class Discounts:
    """Per line (in the cart's order) the discount in minor units, and what they came from."""

    currency: str
    per_line: tuple[int, ...]
    applied: tuple[AppliedDiscount, ...] = ()
    code: PromoCode | None = None
    promotion_ids: tuple[int, ...] = field(default=())

    @property
    def total(self) -> Money:
        return Money(sum(self.per_line), self.currency)

    @property
    def code_amount(self) -> Money:
        return next((a.amount for a in self.applied if a.code), Money.zero(self.currency))


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """``amount`` split in proportion to ``weights`` (non-negative, amount at most their sum):
    each share rounded half-even, then the few units rounding gained or lost moved to or
    from the shares rounded furthest the other way. The shares add up to ``amount`` and each
    stays within 0 … its weight."""
    whole = sum(weights)
    if amount < 0 or amount > whole:
        raise ValueError("an allocation must be between zero and the sum of the weights")
    if amount == 0 or whole == 0:
        return [0] * len(weights)
    exact = [Decimal(amount) * w / whole for w in weights]
    shares = [int(x.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) for x in exact]
    shares = [min(max(s, 0), w) for s, w in zip(shares, weights, strict=True)]
    gap = amount - sum(shares)
    step = 1 if gap > 0 else -1
    # Rounded down the most first when units are missing; rounded up the most when too many.
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i]) * step)
    while gap:
        for i in order:
            if gap and 0 <= shares[i] + step <= weights[i]:
                shares[i] += step
                gap -= step
    return shares


def _percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def line_discounts(promotion: Promotion, lines: Sequence[PricedLine]) -> list[int]:
    """What a line promotion takes off each line (0 where it does not apply)."""
    covered = [promotion.covers(line.product_id, line.categories, line.family) for line in lines]
    pairs = list(zip(lines, covered, strict=True))
    currency = lines[0].unit_price.currency if lines else ""
    if promotion.kind is DiscountKind.PERCENT:
        return [_percent_of(line.total.amount, promotion.percent) if c else 0 for line, c in pairs]
    if promotion.kind is DiscountKind.FIXED:
        if promotion.amount is None or promotion.amount.currency != currency:
            return [0] * len(lines)
        off = promotion.amount.amount
        return [min(off, line.unit_price.amount) * line.quantity if c else 0 for line, c in pairs]
    # Buy N get 1: across the set, every (N+1)-th unit is free, the cheapest units first.
    chosen = [(i, line) for i, (line, c) in enumerate(pairs) if c]
    units = sorted((line.unit_price.amount, i) for i, line in chosen for _ in range(line.quantity))
    free = len(units) // (promotion.buy + 1)
    result = [0] * len(lines)
    for price, i in units[:free]:
        result[i] += price
    return result


def order_discount(promotion: Promotion, goods: int, currency: str) -> int:
    """What an order promotion takes off goods now worth ``goods`` (0 under its threshold)."""
    threshold = promotion.threshold
    if threshold is not None and (threshold.currency != currency or goods < threshold.amount):
        return 0
    if promotion.kind is DiscountKind.PERCENT:
        return _percent_of(goods, promotion.percent)
    if promotion.amount is None or promotion.amount.currency != currency:
        return 0
    return min(promotion.amount.amount, goods)


def apply_promotions(lines: Sequence[PricedLine], promotions: Sequence[Promotion], currency: str) -> Discounts:
    """Steps 1 and 2 of the stacking rule (see the module)."""
    per_line = [0] * len(lines)
    best: list[Promotion | None] = [None] * len(lines)
    for promotion in sorted((p for p in promotions if p.target is not Target.ORDER), key=_age):
        for i, off in enumerate(line_discounts(promotion, lines)):
            if off > per_line[i]:
                per_line[i], best[i] = min(off, lines[i].total.amount), promotion
    applied: list[AppliedDiscount] = []
    used: list[int] = []
    for promotion in sorted({id(p): p for p in best if p is not None}.values(), key=_age):
        amount = sum(off for off, p in zip(per_line, best, strict=True) if p is promotion)
        applied.append(AppliedDiscount(promotion.name, Money(amount, currency)))
        used.append(promotion.id or 0)
    left = [line.total.amount - off for line, off in zip(lines, per_line, strict=True)]
    candidates = [(order_discount(p, sum(left), currency), p) for p in promotions if p.target is Target.ORDER]
    # The largest discount; between equals, the older promotion (the first in age order).
    candidates.sort(key=lambda c: _age(c[1]))
    amount, chosen = max(candidates, key=lambda c: c[0], default=(0, None))
    if chosen is not None and amount > 0:
        for i, share in enumerate(allocate(amount, left)):
            per_line[i] += share
        applied.append(AppliedDiscount(chosen.name, Money(amount, currency)))
        used.append(chosen.id or 0)
    return Discounts(currency, tuple(per_line), tuple(applied), None, tuple(used))


def _age(promotion: Promotion) -> tuple[datetime, int]:
    return (promotion.starts_at, promotion.id or 0)


def code_base(code: PromoCode, lines: Sequence[PricedLine], before: Discounts) -> list[int]:
    """What each line still costs that the code may take from (0 for lines it is not for)."""
    return [
        line.total.amount - off if code.covers(line.product_id, line.categories, line.family) else 0
        for line, off in zip(lines, before.per_line, strict=True)
    ]


def with_code(code: PromoCode, lines: Sequence[PricedLine], before: Discounts, amount: int) -> Discounts:
    """Step 3: ``amount`` (already validated: at most what the lines it is for still cost)
    spread over those lines."""
    shares = allocate(amount, code_base(code, lines, before))
    per_line = tuple(off + share for off, share in zip(before.per_line, shares, strict=True))
    applied = (*before.applied, AppliedDiscount(code.code, Money(amount, before.currency), code=code.code))
    return Discounts(before.currency, per_line, applied, code, before.promotion_ids)


def no_discounts(lines: Sequence[PricedLine], currency: str) -> Discounts:
    return Discounts(currency, tuple(0 for _ in lines))


def by_product(discounts: Discounts, lines: Sequence[PricedLine]) -> Mapping[int, int]:
    return {line.product_id: off for line, off in zip(lines, discounts.per_line, strict=True)}
