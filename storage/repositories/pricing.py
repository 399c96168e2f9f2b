"""Price rules per customer group (``domain.pricing``): read per group on every card and cart."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money
from domain.pricing import RETAIL, PriceRule, Scope
from storage import models as m
from storage.cache import CacheView
from storage.repositories.cached import fills
from storage.repositories.sql import _chunks, _table, direct, fetch, run

_RULES = _table(m.PriceRuleRow)
_ORDER = (_RULES.c.price_group, _RULES.c.scope, _RULES.c.target, _RULES.c.currency, _RULES.c.min_quantity)
# A card and a cart read their customer's group's rules: kept in the reference section.
_GROUP = fills("reference", select(_RULES).where(_RULES.c.price_group == bindparam("group")).order_by(*_ORDER))
_ALL = select(_RULES).order_by(*_ORDER)
_CUSTOMERS = _table(m.CustomerRow)
# A write deciding on a customer's price list (a quantity's terms) reads their group and its
# rules in one statement: one row per rule, or one row of NULL rules when the group has none.
_CUSTOMER_RULES = direct(
    select(_CUSTOMERS.c.price_group.label("customer_group"), _RULES)
    .select_from(_CUSTOMERS.outerjoin(_RULES, _RULES.c.price_group == _CUSTOMERS.c.price_group))
    .where(_CUSTOMERS.c.id == bindparam("customer_id"))
    .order_by(*_ORDER)
)
_KEY = ("price_group", "currency", "scope", "target", "min_quantity")


def _rule(row: Any) -> PriceRule:
    return PriceRule(
        group=row.price_group,
        currency=row.currency,
        scope=Scope(row.scope),
        target=row.target,
        min_quantity=row.min_quantity,
        price=Money(row.price_minor, row.currency) if row.price_minor is not None else None,
        percent=Decimal(row.percent) if row.percent is not None else None,
        min_order=row.min_order,
        pack=row.pack,
        id=row.id,
    )


def _values(rule: PriceRule) -> dict[str, object]:
    return {
        "price_group": rule.group,
        "currency": rule.currency,
        "scope": rule.scope.value,
        "target": rule.target,
        "min_quantity": rule.min_quantity,
        "price_minor": rule.price.amount if rule.price is not None else None,
        "percent": str(rule.percent) if rule.percent is not None else None,
        "min_order": rule.min_order,
        "pack": rule.pack,
    }


class SqlPriceRules:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def for_group(self, group: str) -> list[PriceRule]:
        """Every rule of the group, any currency (rules are frozen: shared as they are)."""
        key = ("price_rules", group)
        if self.cache is not None and (cached := self.cache.get("reference", key)) is not None:
            return list(cast(tuple[PriceRule, ...], cached))
        rules = [_rule(row) for row in await fetch(self.s, _GROUP, {"group": group})]
        if self.cache is not None:
            self.cache.put("reference", key, tuple(rules))
        return rules

    async def for_customer(self, customer_id: int) -> tuple[str, list[PriceRule]]:
        """The customer's price group and its rules, from the database (``RETAIL``'s for no
        such customer)."""
        rows = await fetch(self.s, _CUSTOMER_RULES, {"customer_id": customer_id})
        if not rows:
            return RETAIL, await self.for_group(RETAIL)
        return rows[0].customer_group, [_rule(row) for row in rows if row.id is not None]

    async def all(self) -> list[PriceRule]:
        return [_rule(row) for row in await fetch(self.s, _ALL)]

    async def put(self, rule: PriceRule) -> PriceRule:
        """Add the rule, or replace the one with the same group, currency, target and break."""
        values = _values(rule)
        await run(self.s, delete(_RULES).where(*(_RULES.c[k] == values[k] for k in _KEY)))
        result = await run(self.s, _RULES.insert().values(**values))
        (new_id,) = cast(Sequence[int], result.inserted_primary_key)
        return PriceRule(**{**_domain_fields(rule), "id": new_id})

    async def remove(self, rule_id: int) -> PriceRule | None:
        rows = await fetch(self.s, select(_RULES).where(_RULES.c.id == rule_id))
        if not rows:
            return None
        await run(self.s, delete(_RULES).where(_RULES.c.id == rule_id))
        return _rule(rows[0])

    async def replace_groups(self, groups: Iterable[str], rules: Iterable[PriceRule]) -> None:
        """The groups' lists become ``rules`` (an import: other groups' lists stay)."""
        for chunk in _chunks(sorted(set(groups))):  # a file's groups, however many
            await run(self.s, delete(_RULES).where(_RULES.c.price_group.in_(chunk)))
        values = [_values(rule) for rule in rules]
        if values:
            await run(self.s, _RULES.insert(), values)


def _domain_fields(rule: PriceRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in PriceRule.__slots__}
