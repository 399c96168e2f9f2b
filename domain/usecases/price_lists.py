"""A customer group's price list read to price cards and carts (``domain.pricing``)."""

from __future__ import annotations

from domain.ports import UnitOfWork
from domain.pricing import PriceList, PriceRule, Scope


async def price_list_for(uow: UnitOfWork, group: str) -> PriceList:
    """Inside an open unit of work: the group's rules, with the category tree only when a
    rule is for a category (both reads come from the read cache on read-only work)."""
    return await _with_tree(uow, group, await uow.price_rules.for_group(group))


async def customer_price_list(uow: UnitOfWork, customer_id: int) -> PriceList:
    """``price_list_for`` the customer's group, the group and its rules read together."""
    return await _with_tree(uow, *await uow.price_rules.for_customer(customer_id))


async def _with_tree(uow: UnitOfWork, group: str, rules: list[PriceRule]) -> PriceList:
    if not any(rule.scope is Scope.CATEGORY for rule in rules):
        return PriceList(group, rules)
    parents = {node.id: node.parent_id for node in await uow.products.category_nodes()}
    return PriceList(group, rules, parents)
