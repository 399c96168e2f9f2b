"""Price lists: customer groups, price rules per group and currency, and which price applies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.catalog import normalize_sku
from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money

RETAIL = "retail"  # every customer's group until staff put them in another
WHOLESALE = "wholesale"
VIP = "vip"
GROUP_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
# The most a cart line holds (domain.usecases.cart.MAX_CART_QUANTITY): a minimum, pack or break
# above it was saved, and the group was told to order a quantity no cart line takes.
MAX_BREAK = 9_999


class InvalidGroup(DomainError):
    key = N_("“{group}” is not a customer group name: letters, digits, - and _, up to 32 characters (e.g. wholesale).")


class InvalidPriceRule(DomainError):
    key = N_(
        "A price rule has a fixed price or a percent off (more than 0, under 100), from a quantity of 1 or more, "
        "and may set a minimum order and a pack size of 1 or more: {detail}"
    )


class PriceNotPositive(DomainError):
    """A price list's price of 0 made goods free for a whole group, silently: a shop that gives
    goods away does it with a promotion, which says so and ends."""

    key = N_("The price must be more than 0, got {value}: to give goods away, use a promotion.")


class BelowMinimumOrder(DomainError):
    key = N_("{name} is sold from {minimum} units on your price list: order {minimum} or more.")


class NotAPackMultiple(DomainError):
    key = N_("{name} is sold in packs of {pack} on your price list: order {lower} or {upper}, not {quantity}.")


def normalize_group(text: str) -> str:
    group = text.strip().lower()
    if not GROUP_PATTERN.match(group):
        raise InvalidGroup(group=text[:40])
    return group


class Scope(StrEnum):
    """What a rule is for, most specific first: one variant (SKU), every variant of a product
    (its parent code), or every product in a category and in the categories below it."""

    VARIANT = "variant"
    PRODUCT = "product"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class PriceRule:
    """For ``group`` buying in ``currency``, from ``min_quantity`` units of one line: a fixed
    unit ``price`` or ``percent`` off the base price. ``min_order``/``pack`` are ordering
    terms (a minimum quantity, quantities in multiples of a pack); a rule with terms only
    has neither price nor percent, and no currency (terms hold in every currency)."""

    group: str
    currency: str
    scope: Scope
    target: str  # SKU, parent code, or the category's id as text
    min_quantity: int = 1
    price: Money | None = None
    percent: Decimal | None = None
    min_order: int | None = None
    pack: int | None = None
    id: int | None = None

    @property
    def sets_price(self) -> bool:
        return self.price is not None or self.percent is not None

    @property
    def sets_terms(self) -> bool:
        return self.min_order is not None or self.pack is not None

    def unit_price(self, base: Money) -> Money:
        """The price per unit this rule gives: percent off rounds half-even to the minor unit."""
        if self.price is not None:
            return self.price
        assert self.percent is not None
        return Money.from_decimal(base.to_decimal() * (100 - self.percent) / 100, base.currency)

    def check(self) -> PriceRule:
        """The rule itself, or InvalidPriceRule naming what is wrong."""
        if self.price is not None and self.percent is not None:
            raise InvalidPriceRule(detail="price and percent")
        if not self.sets_price and not self.sets_terms:
            raise InvalidPriceRule(detail="nothing set")
        if self.percent is not None and not (0 < self.percent < 100):
            raise InvalidPriceRule(detail=f"percent {self.percent}")
        if self.price is not None and self.price.currency != self.currency:
            raise InvalidPriceRule(detail=f"price {self.price}")
        if self.price is not None and self.price.amount <= 0:
            raise PriceNotPositive(value=self.price)
        if not 1 <= self.min_quantity <= MAX_BREAK:
            raise InvalidPriceRule(detail=f"from {self.min_quantity}")
        for value in (self.min_order, self.pack):
            if value is not None and not 1 <= value <= MAX_BREAK:
                raise InvalidPriceRule(detail=str(value))
        return self


def parse_percent(text: str) -> Decimal:
    """``5``, ``12.5`` or ``5%`` → a Decimal from over 0 to under 100, at most 2 decimals."""
    try:
        value = Decimal(text.strip().removesuffix("%").strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidPriceRule(detail=text[:20]) from None
    if not value.is_finite() or not 0 < value < 100 or value != value.quantize(Decimal("0.01")):
        raise InvalidPriceRule(detail=text[:20])
    # normalize() alone writes 10 as "1E+1": whole numbers are quantized to units instead.
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@dataclass(frozen=True, slots=True)
class PricedItem:
    """What a rule can match a product by: its SKU, its parent's code, and its category
    with the categories above it, nearest first."""

    sku: str
    parent: str
    categories: tuple[int, ...] = ()


def _rank(rule: PriceRule, item: PricedItem) -> int | None:
    """How specific the match is (lower wins), None when the rule is not for this item."""
    if rule.scope is Scope.VARIANT:
        return 0 if rule.target == item.sku else None
    if rule.scope is Scope.PRODUCT:
        return 1 if rule.target == item.parent else None
    for depth, category_id in enumerate(item.categories):  # the nearest category wins
        if rule.target == str(category_id):
            return 2 + depth
    return None


@dataclass(frozen=True, slots=True)
class ResolvedPrice:
    unit: Money  # what one unit costs this customer at this quantity
    base: Money  # the product's own price in the currency
    rule: PriceRule | None = None  # the rule that gave ``unit``; None: the base price

    @property
    def reduced(self) -> bool:
        return self.unit.amount < self.base.amount


def resolve_price(rules: Iterable[PriceRule], item: PricedItem, base: Money, quantity: int = 1) -> ResolvedPrice:
    """The price that applies. Of the rules for the group (the caller passes those), only
    price rules in the base price's currency whose quantity break ``quantity`` reaches count;
    the most specific scope wins outright (variant > product > nearest category > …), and
    within it the lowest unit price (the best break reached; a fixed price and a percent on
    the same break: the lower one; a tie: the higher break, then the fixed price)."""
    best: tuple[int, int, int, int, PriceRule] | None = None
    for rule in rules:
        if not rule.sets_price or rule.currency != base.currency or rule.min_quantity > quantity:
            continue
        rank = _rank(rule, item)
        if rank is None:
            continue
        key = (rank, rule.unit_price(base).amount, -rule.min_quantity, rule.price is None, rule)
        if best is None or key[:4] < best[:4]:
            best = key
    if best is None:
        return ResolvedPrice(base, base)
    return ResolvedPrice(best[4].unit_price(base), base, best[4])


def quantity_breaks(rules: Sequence[PriceRule], item: PricedItem, base: Money) -> list[ResolvedPrice]:
    """The prices bigger quantities unlock, as the card lists them ("10+ units −5 %")."""
    thresholds = sorted({r.min_quantity for r in rules if r.min_quantity > 1 and r.currency == base.currency})
    found = []
    for threshold in thresholds:
        resolved = resolve_price(rules, item, base, threshold)
        if resolved.rule is not None and resolved.rule.min_quantity == threshold:
            found.append(resolved)
    return found


@dataclass(frozen=True, slots=True)
class OrderingTerms:
    """A line's quantity is at least ``minimum`` and a multiple of ``pack``."""

    minimum: int = 1
    pack: int = 1

    @property
    def first(self) -> int:
        """The smallest quantity allowed."""
        return -(-self.minimum // self.pack) * self.pack

    def allows(self, quantity: int) -> bool:
        return quantity == 0 or (quantity >= self.minimum and quantity % self.pack == 0)

    def check(self, quantity: int, name: str) -> None:
        if self.allows(quantity):
            return
        if quantity < self.minimum:
            raise BelowMinimumOrder(name=name, minimum=self.first)
        lower = quantity // self.pack * self.pack
        raise NotAPackMultiple(
            name=name, pack=self.pack, lower=max(lower, self.first), upper=lower + self.pack, quantity=quantity
        )

    def up(self, quantity: int) -> int:
        """The next allowed quantity above ``quantity`` (the ➕ button)."""
        return max(self.first, (quantity // self.pack + 1) * self.pack)

    def down(self, quantity: int) -> int:
        """The next allowed quantity below ``quantity`` (the ➖ button); below the first, 0."""
        lower = (quantity - 1) // self.pack * self.pack
        return lower if lower >= self.first else 0

    def fit(self, quantity: int) -> int:
        """The allowed quantity nearest above ``quantity`` (buy again)."""
        return quantity if self.allows(quantity) and quantity else self.up(quantity - 1)


NO_TERMS = OrderingTerms()


def ordering_terms(rules: Iterable[PriceRule], item: PricedItem) -> OrderingTerms:
    """The minimum and pack of the most specific rules that set them (any currency); two
    rules at the same scope: the larger of each."""
    best_rank: int | None = None
    minimum = pack = 1
    for rule in rules:
        rank = _rank(rule, item) if rule.sets_terms else None
        if rank is None or (best_rank is not None and rank > best_rank):
            continue
        if best_rank is None or rank < best_rank:
            best_rank, minimum, pack = rank, 1, 1
        minimum = max(minimum, rule.min_order or 1)
        pack = max(pack, rule.pack or 1)
    return OrderingTerms(minimum, pack)


class PriceList:
    """One group's rules, ready to price products: ``parents`` maps a category id to its
    parent's (for category rules; empty when the list has none)."""

    def __init__(self, group: str, rules: Sequence[PriceRule], parents: dict[int, int | None] | None = None) -> None:
        self.group = group
        self.rules = tuple(rules)
        self.parents = parents or {}

    @property
    def empty(self) -> bool:
        return not self.rules

    def item(self, sku: str, parent: str, category_id: int | None) -> PricedItem:
        chain: list[int] = []
        current = category_id
        while current is not None and current not in chain and len(chain) < 64:  # stored cycles end here
            chain.append(current)
            current = self.parents.get(current)
        return PricedItem(sku, parent, tuple(chain))

    def price(self, item: PricedItem, base: Money, quantity: int = 1) -> ResolvedPrice:
        if not self.rules:
            return ResolvedPrice(base, base)
        return resolve_price(self.rules, item, base, quantity)

    def breaks(self, item: PricedItem, base: Money) -> list[ResolvedPrice]:
        return quantity_breaks(self.rules, item, base) if self.rules else []

    def terms(self, item: PricedItem) -> OrderingTerms:
        return ordering_terms(self.rules, item) if self.rules else NO_TERMS


class InvalidPriceTarget(DomainError):
    key = N_("“{target}” is not a price rule target: a SKU, product:CODE or category:NAME.")


class UnknownPriceTarget(DomainError):
    key = N_("There is no {scope} “{target}”.")


def parse_target(text: str) -> tuple[Scope, str]:
    """``MUG-1`` or ``sku:MUG-1`` (one variant), ``product:MUG`` (all its variants),
    ``category:Kitchen`` (a category by name, resolved by the caller)."""
    kind, colon, value = text.strip().partition(":")
    if not colon:
        kind, value = "sku", kind
    kind, value = kind.strip().lower(), " ".join(value.split())
    if not value or len(value) > 128:
        raise InvalidPriceTarget(target=text[:40])
    if kind in ("sku", "variant", "product"):
        try:
            code = normalize_sku(value)
        except DomainError:
            raise InvalidPriceTarget(target=text[:40]) from None
        return (Scope.PRODUCT if kind == "product" else Scope.VARIANT), code
    if kind == "category":
        return Scope.CATEGORY, value
    raise InvalidPriceTarget(target=text[:40])
