"""PriceRuleRepository: what the fake and SQL both promise."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.customers import Customer
from domain.money import Money
from domain.ports import UnitOfWork
from domain.pricing import PriceRule, Scope
from tests.contracts.conftest import NOW

FIXED = PriceRule("wholesale", "EUR", Scope.VARIANT, "MUG-1", 1, price=Money(400, "EUR"))
BREAK = PriceRule("wholesale", "EUR", Scope.CATEGORY, "7", 10, percent=Decimal("5"))
TERMS = PriceRule("wholesale", "", Scope.PRODUCT, "MUG", 1, min_order=10, pack=5)
VIP = PriceRule("vip", "EUR", Scope.PRODUCT, "MUG", 1, percent=Decimal("12.5"))


def _plain(rules: list[PriceRule]) -> list[PriceRule]:
    return [replace(rule, id=None) for rule in rules]


async def test_a_groups_rules_come_back_as_put_in_a_stable_order(uow: UnitOfWork) -> None:
    async with uow:
        for rule in (FIXED, BREAK, TERMS, VIP):
            stored = await uow.price_rules.put(rule)
            assert stored.id is not None
        await uow.commit()
    async with uow.read_only():
        assert _plain(await uow.price_rules.for_group("wholesale")) == [BREAK, TERMS, FIXED]
        assert _plain(await uow.price_rules.for_group("vip")) == [VIP]
        assert await uow.price_rules.for_group("retail") == []
        assert _plain(await uow.price_rules.all()) == [VIP, BREAK, TERMS, FIXED]


async def test_a_rule_with_the_same_key_replaces_the_old_one_and_remove_takes_one_away(uow: UnitOfWork) -> None:
    async with uow:
        await uow.price_rules.put(FIXED)
        kept = await uow.price_rules.put(BREAK)
        await uow.price_rules.put(replace(FIXED, price=Money(380, "EUR")))
        await uow.commit()
    async with uow:
        assert _plain(await uow.price_rules.for_group("wholesale")) == [BREAK, replace(FIXED, price=Money(380, "EUR"))]
        removed = await uow.price_rules.remove(kept.id or 0)
        assert await uow.price_rules.remove(999_999) is None
        await uow.commit()
    assert removed is not None and replace(removed, id=None) == BREAK
    async with uow:
        assert _plain(await uow.price_rules.for_group("wholesale")) == [replace(FIXED, price=Money(380, "EUR"))]


async def test_replacing_groups_leaves_the_other_groups_lists(uow: UnitOfWork) -> None:
    async with uow:
        await uow.price_rules.put(FIXED)
        await uow.price_rules.put(VIP)
        await uow.commit()
    async with uow:
        await uow.price_rules.replace_groups(["wholesale", "b2b"], [BREAK, replace(TERMS, group="b2b")])
        await uow.commit()
    async with uow:
        assert _plain(await uow.price_rules.all()) == [replace(TERMS, group="b2b"), VIP, BREAK]


async def test_a_customers_rules_are_their_groups_and_no_customer_has_the_retail_list(uow: UnitOfWork) -> None:
    retail = replace(VIP, group="retail")
    async with uow:
        for rule in (FIXED, BREAK, TERMS, retail):
            await uow.price_rules.put(rule)
        ann = await uow.customers.add(
            Customer(telegram_id=1001, first_name="Ann", price_group="wholesale", created_at=NOW)
        )
        bob = await uow.customers.add(Customer(telegram_id=1002, first_name="Bob", price_group="b2b", created_at=NOW))
        await uow.commit()
    async with uow:
        group, rules = await uow.price_rules.for_customer(ann.id or 0)
        assert (group, _plain(rules)) == ("wholesale", [BREAK, TERMS, FIXED])
        assert await uow.price_rules.for_customer(bob.id or 0) == ("b2b", [])
        group, rules = await uow.price_rules.for_customer(999_999)
        assert (group, _plain(rules)) == ("retail", [retail])
