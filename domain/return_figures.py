"""Why goods come back: a period's return requests per reason (how many, units, refunds), the most returned products."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.accounting import to_base
from domain.money import Money
from domain.returns import SHOP_FAULT, ReturnReason

TOP_RETURNED = 5  # products listed: the report's message stays within Telegram's limit
TOP_REASONS = 3  # the dashboard's returns tile: a glance, the whole list is /report's


@dataclass(frozen=True, slots=True)
class ReasonTally:
    """As storage sums them: the return requests opened in a period for one reason on orders of one currency and
    rate, their units, and the refunds decided on them (refunded, or an exchange's difference owed back), minor units
    of ``currency``."""

    reason: ReturnReason
    currency: str
    fx_rate: str  # the orders' currency units per base unit
    returns: int
    units: int
    refunded: int


@dataclass(frozen=True, slots=True)
class ReturnedUnits:
    """Units of one product in the return requests opened in a period for one reason."""

    product_id: int
    reason: ReturnReason
    units: int


@dataclass(frozen=True, slots=True)
class ReasonFigures:
    reason: ReturnReason
    returns: int
    units: int
    refunded: Money  # base currency

    @property
    def shop_fault(self) -> bool:
        return self.reason in SHOP_FAULT


@dataclass(frozen=True, slots=True)
class ReturnedProduct:
    sku: str
    name: str
    units: int
    reason: ReturnReason  # the one most of its units came back for


def by_reason(tallies: Sequence[ReasonTally], base: str) -> list[ReasonFigures]:
    """Per reason, the most returns first (then the reasons' own order): refunds in ``base``, each currency and rate
    converted once and rounded (``to_base``), then summed."""
    found: dict[ReturnReason, tuple[int, int, int]] = {}
    for tally in tallies:
        returns, units, refunded = found.get(tally.reason, (0, 0, 0))
        in_base = to_base(Money(tally.refunded, tally.currency), tally.fx_rate, base)
        found[tally.reason] = (returns + tally.returns, units + tally.units, refunded + in_base)
    ranked = _ranked({reason: figures[0] for reason, figures in found.items()})
    return [ReasonFigures(r, found[r][0], found[r][1], Money(found[r][2], base)) for r in ranked]


def top_reasons(returns: Mapping[ReturnReason, int], limit: int = TOP_REASONS) -> list[tuple[ReturnReason, int]]:
    """The ``limit`` reasons with the most returns (the dashboard's open ones), ranked as ``by_reason`` ranks."""
    return [(reason, returns[reason]) for reason in _ranked(returns)[:limit]]


def _ranked(returns: Mapping[ReturnReason, int]) -> list[ReturnReason]:
    """The most returns first, then the reasons' own order."""
    order = list(ReturnReason)
    return sorted(returns, key=lambda reason: (-returns[reason], order.index(reason)))


def shop_fault_share(reasons: Sequence[ReasonFigures]) -> float | None:
    """Of the period's return requests, the share whose reason is the shop's fault (None: no returns)."""
    total = sum(r.returns for r in reasons)
    return sum(r.returns for r in reasons if r.shop_fault) / total if total else None


def most_returned(units: Sequence[ReturnedUnits], limit: int = TOP_RETURNED) -> list[tuple[int, int, ReturnReason]]:
    """The ``limit`` products with the most units returned (product id, units, main reason): the most units first,
    ties by product id; a product's main reason is the one most of its units came for (ties: the reasons' order)."""
    per_product: dict[int, dict[ReturnReason, int]] = {}
    for row in units:
        reasons = per_product.setdefault(row.product_id, {})
        reasons[row.reason] = reasons.get(row.reason, 0) + row.units
    order = list(ReturnReason)
    ranked = sorted(per_product, key=lambda product: (-sum(per_product[product].values()), product))[:limit]
    return [(p, sum(per_product[p].values()), _main(per_product[p], order)) for p in ranked]


def _main(reasons: Mapping[ReturnReason, int], order: list[ReturnReason]) -> ReturnReason:
    return min(reasons, key=lambda reason: (-reasons[reason], order.index(reason)))
