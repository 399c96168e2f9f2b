"""A customer group's price list read to price cards and carts (``domain.pricing``)."""

from __future__ import annotations

from domain.ports import UnitOfWork
from domain.pricing import PriceList, Scope


async def price_list_for(uow: UnitOfWork, group: str) -> PriceList:
    """Inside an open unit of work: the group's rules, with the category tree only when a
    rule is for a category (both reads come from the read cache on read-only work)."""
    rules = await uow.price_rules.for_group(group)
    if not any(rule.scope is Scope.CATEGORY for rule in rules):
        return PriceList(group, rules)
    parents = {node.id: node.parent_id for node in await uow.products.category_nodes()}
    return PriceList(group, rules, parents)
