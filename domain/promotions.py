"""Promotions (automatic discounts over a period) and promo codes: what they are and the
rules that accept or refuse one, each refusal saying exactly why."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money, decimal_mark
from domain.shop_days import shop_day


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"  # off each unit of a covered line; off the whole order for an order promotion
    BUY_GET = "buy_get"  # buy N, get one more free (the cheapest units of the set)


class Target(StrEnum):
    CATEGORY = "category"  # the category and every one below it
    PRODUCTS = "products"
    ORDER = "order"  # the whole order, from a threshold


# ------------------------------------------------------------------------------ refusals
class PercentOutOfRange(DomainError):
    key = N_("A percent discount must be more than 0 and at most 100, not {percent}.")


class InvalidPercent(DomainError):
    key = N_("{text} is not a percentage.")


class FixedAboveThreshold(DomainError):
    key = N_("{amount} off is more than the order it applies to ({threshold}).")


class BadPeriod(DomainError):
    key = N_("A promotion must end after it starts and not in the past.")


class OverlappingPromotion(DomainError):
    key = N_("“{name}” already discounts these items from {start} to {end}; end it first or choose other dates.")


class BadBuyGet(DomainError):
    key = N_("“Buy N get 1” needs N from 1 to 99 and a set of products or a category.")


class PromoRefused(DomainError):
    """A promo code that does not apply: the customer may go on without it."""


class PromoUnknown(PromoRefused):
    key = N_("There is no promo code {code}.")


class PromoNotYet(PromoRefused):
    key = N_("Promo code {code} can be used from {start}.")


class PromoExpired(PromoRefused):
    key = N_("Promo code {code} expired on {end}.")


class PromoUsedUp(PromoRefused):
    key = N_("Promo code {code} has been used up.")


class PromoUsedByYou(PromoRefused):
    key = N_("You have already used promo code {code} as many times as it allows ({limit}).")


class PromoMinimum(PromoRefused):
    key = N_("Promo code {code} needs an order of at least {minimum}; your items come to {total}.")


class PromoNotForItems(PromoRefused):
    key = N_("Promo code {code} is not for the items in your cart.")


class PromoFirstOrder(PromoRefused):
    key = N_("Promo code {code} is for a first order only.")


class PromoNotForGroup(PromoRefused):
    key = N_("Promo code {code} is for {groups} customers only.")


class PromoCurrency(PromoRefused):
    key = N_("Promo code {code} is for orders in {currency}.")


class PromoAboveOrder(PromoRefused):
    key = N_("Promo code {code} takes off {amount}, more than the items it is for come to ({total}).")


class PromoCodeTaken(DomainError):
    key = N_("Promo code {code} already exists.")


class InvalidPromoCode(DomainError):
    key = N_("{code} is not a valid promo code: 3 to 32 letters, digits, - or _.")


class PromoLostRace(PromoRefused):
    """At confirmation: the code was valid at review but another order took its last use."""

    key = N_(
        "Promo code {code} has just been used up by another order. Your order was not placed; confirm again without it."
    )


CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{2,31}$")


def normalize_code(text: str) -> str:
    """What people type: `` summer 10 `` and ``Summer10`` are ``SUMMER10``."""
    return "".join(text.split()).upper()


def valid_code(text: str) -> str:
    code = normalize_code(text)
    if not CODE_PATTERN.match(code):
        raise InvalidPromoCode(code=text.strip()[:40])
    return code


def parse_percent(text: str) -> Decimal:
    try:
        value = Decimal(decimal_mark(text.strip().rstrip("%")))
    except InvalidOperation:
        raise InvalidPercent(text=text) from None
    if not value.is_finite():
        raise InvalidPercent(text=text)
    if not 0 < value <= 100:
        raise PercentOutOfRange(percent=text)
    return value


@dataclass(frozen=True, slots=True)
class Promotion:
    name: str
    kind: DiscountKind
    target: Target
    starts_at: datetime
    ends_at: datetime
    percent: Decimal = Decimal(0)
    amount: Money | None = None  # FIXED
    buy: int = 0  # BUY_GET: buy this many, the next one is free
    threshold: Money | None = None  # ORDER: goods worth at least this
    category_id: int | None = None  # CATEGORY
    product_ids: frozenset[int] = frozenset()  # PRODUCTS: variants named by SKU
    families: frozenset[str] = frozenset()  # PRODUCTS: parent codes (product:CODE), every variant, present and future
    target_text: str = ""  # the category's name or the SKUs, as staff typed them
    ended_at: datetime | None = None  # ended early by staff
    created_by: int = 0
    id: int | None = None

    @property
    def until(self) -> datetime:
        return min(self.ends_at, self.ended_at) if self.ended_at else self.ends_at

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.until

    def covers(self, product_id: int, categories: frozenset[int], family: str = "") -> bool:
        if self.target is Target.CATEGORY:
            return self.category_id in categories
        if self.target is Target.PRODUCTS:
            return product_id in self.product_ids or family in self.families
        return True

    def last_day(self, zone: tzinfo = UTC) -> date:
        """The last day it discounts in the shop's ``zone`` (``until`` is the midnight there
        after it), as ``until=`` was typed."""
        return shop_day(self.until - timedelta(microseconds=1), zone)

    def overlaps(self, other: Promotion) -> bool:
        """Same items (the same category, a shared product, or both the whole order) over
        a shared stretch of time."""
        if self.starts_at >= other.until or other.starts_at >= self.until or self.target is not other.target:
            return False
        if self.target is Target.CATEGORY:
            return self.category_id == other.category_id
        if self.target is Target.PRODUCTS:  # families: their variants are in product_ids too when checked
            return bool(self.product_ids & other.product_ids or self.families & other.families)
        return True

    def check(self, now: datetime, existing: Sequence[Promotion], zone: tzinfo = UTC) -> None:
        """Refuses a new promotion that could not work as written (days named in ``zone``)."""
        if self.ends_at <= self.starts_at or self.ends_at <= now:
            raise BadPeriod()
        if self.kind is DiscountKind.PERCENT and not 0 < self.percent <= 100:
            raise PercentOutOfRange(percent=str(self.percent))
        if self.kind is DiscountKind.BUY_GET and (not 1 <= self.buy <= 99 or self.target is Target.ORDER):
            raise BadBuyGet()
        fixed, threshold = self.amount, self.threshold
        if self.kind is DiscountKind.FIXED and fixed and threshold and threshold.amount < fixed.amount:
            raise FixedAboveThreshold(amount=self.amount, threshold=self.threshold)
        for other in existing:
            if self.overlaps(other):
                raise OverlappingPromotion(
                    name=other.name,
                    start=shop_day(other.starts_at, zone).isoformat(),
                    end=other.last_day(zone).isoformat(),
                )


@dataclass(frozen=True, slots=True)
class PromoCode:
    code: str  # normalised
    kind: DiscountKind  # PERCENT or FIXED
    starts_at: datetime
    ends_at: datetime
    percent: Decimal = Decimal(0)
    amount: Money | None = None
    minimum: Money | None = None  # goods (after promotions) at least this
    max_uses: int | None = None  # in total
    per_customer: int | None = None
    first_order_only: bool = False
    category_id: int | None = None
    product_ids: frozenset[int] = frozenset()
    families: frozenset[str] = frozenset()  # parent codes: every variant of each, present and future
    target_text: str = ""
    uses: int = 0  # counted in each order's transaction
    groups: frozenset[str] = frozenset()  # customer groups (``domain.pricing``) it is for; empty: everyone
    ended_at: datetime | None = None
    created_by: int = 0
    id: int | None = None

    @property
    def until(self) -> datetime:
        return min(self.ends_at, self.ended_at) if self.ended_at else self.ends_at

    def last_day(self, zone: tzinfo = UTC) -> date:
        """The last day it may be used in the shop's ``zone`` (``until`` is the midnight there
        after it), as ``until=`` was typed."""
        return shop_day(self.until - timedelta(microseconds=1), zone)

    @property
    def restricted(self) -> bool:
        return self.category_id is not None or bool(self.product_ids) or bool(self.families)

    def covers(self, product_id: int, categories: frozenset[int], family: str = "") -> bool:
        if not self.restricted:
            return True
        return (
            product_id in self.product_ids
            or family in self.families
            or (self.category_id is not None and self.category_id in categories)
        )

    def check_new(self, now: datetime) -> None:
        if self.ends_at <= self.starts_at or self.ends_at <= now:
            raise BadPeriod()
        if self.kind is DiscountKind.PERCENT and not 0 < self.percent <= 100:
            raise PercentOutOfRange(percent=str(self.percent))
        if self.amount is not None and self.minimum is not None and self.minimum.amount < self.amount.amount:
            raise FixedAboveThreshold(amount=self.amount, threshold=self.minimum)

    def check_usable(
        self,
        now: datetime,
        *,
        used_by_customer: int,
        customer_orders: int,
        group: str = "retail",
        zone: tzinfo = UTC,
    ) -> None:
        """The rules that do not depend on the cart, in the order a customer can act on them
        (days named as the shop in ``zone`` reads them)."""
        if self.groups and group not in self.groups:
            raise PromoNotForGroup(code=self.code, groups=", ".join(sorted(self.groups)))
        if now < self.starts_at:
            # Days, not text: each screen writes them as the shop's country writes the reader's language.
            raise PromoNotYet(code=self.code, start=shop_day(self.starts_at, zone))
        if now >= self.until:
            raise PromoExpired(code=self.code, end=self.last_day(zone))
        if self.max_uses is not None and self.uses >= self.max_uses:
            raise PromoUsedUp(code=self.code)
        if self.per_customer is not None and used_by_customer >= self.per_customer:
            raise PromoUsedByYou(code=self.code, limit=self.per_customer)
        if self.first_order_only and customer_orders > 0:
            raise PromoFirstOrder(code=self.code)

    def discount_on(self, eligible: int, goods: int, currency: str) -> int:
        """What the code takes off: ``eligible`` is what the lines it is for still cost,
        ``goods`` the whole cart after promotions (the minimum is checked against it)."""
        for money in (self.amount, self.minimum):
            if money is not None and money.currency != currency:
                raise PromoCurrency(code=self.code, currency=money.currency)
        if eligible <= 0:
            raise PromoNotForItems(code=self.code)
        if self.minimum is not None and goods < self.minimum.amount:
            raise PromoMinimum(code=self.code, minimum=self.minimum, total=Money(goods, currency))
        if self.kind is DiscountKind.PERCENT:
            return int((Decimal(eligible) * self.percent / 100).to_integral_value())
        assert self.amount is not None  # a fixed code has its amount
        if self.amount.amount > eligible:
            raise PromoAboveOrder(code=self.code, amount=self.amount, total=Money(eligible, currency))
        return self.amount.amount
