"""Price lists: customers put in a group, a group's rules shown, added, removed and imported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.categories import CategoryNode
from domain.csvfiles import Problem, problem
from domain.customers import Customer
from domain.errors import ImportRejected, NotFound
from domain.i18n import N_
from domain.imports import PriceRow, parse_prices
from domain.money import Money, normalize_currency
from domain.ports import UnitOfWork
from domain.pricing import (
    PriceRule,
    Scope,
    UnknownPriceTarget,
    normalize_group,
    parse_percent,
    parse_target,
)
from domain.staff import Permission
from domain.usecases.fx import CurrencyNotOffered, shop_rates
from domain.usecases.imports.report import ImportReport
from domain.usecases.insight import find_customer
from domain.usecases.staff import require

MAX_RULES_SHOWN = 60


async def set_price_group(uow: UnitOfWork, *, staff_id: int, reference: str, group: str) -> Customer:
    """Put a customer (Telegram id, @username or phone) on a group's price list."""
    await require(uow, staff_id, Permission.MANAGE_CUSTOMERS)
    name = normalize_group(group)
    async with uow:
        customer = await find_customer(uow, reference)
        customer.price_group = name
        await uow.customers.update(customer)
        await uow.commit()
        return customer


@dataclass(frozen=True, slots=True)
class ShownRule:
    rule: PriceRule
    label: str  # the target as staff know it: a SKU, a product code, a category's name


@dataclass(frozen=True, slots=True)
class PriceListBoard:
    rules: list[ShownRule]
    more: int
    group: str | None


def _label(rule: PriceRule, categories: dict[int, CategoryNode]) -> str:
    if rule.scope is not Scope.CATEGORY:
        return rule.target
    node = categories.get(int(rule.target)) if rule.target.isdecimal() else None
    return node.name if node is not None else rule.target


async def price_list_board(uow: UnitOfWork, *, staff_id: int, group: str | None = None) -> PriceListBoard:
    """``/pricelist [GROUP]``: the rules of one group or of all, with their ids."""
    await require(uow, staff_id, Permission.SET_PRICES)
    name = normalize_group(group) if group else None
    async with uow.read_only():
        rules = await uow.price_rules.for_group(name) if name else await uow.price_rules.all()
        categories = {node.id: node for node in await uow.products.category_nodes()}
    shown = [ShownRule(rule, _label(rule, categories)) for rule in rules[:MAX_RULES_SHOWN]]
    return PriceListBoard(shown, max(len(rules) - MAX_RULES_SHOWN, 0), name)


async def _resolve_target(uow: UnitOfWork, text: str) -> tuple[Scope, str, str]:
    """(scope, stored target, label) of a typed target that exists."""
    scope, value = parse_target(text)
    if scope is Scope.VARIANT:
        if await uow.products.get_by_sku(value) is None:
            raise UnknownPriceTarget(scope="SKU", target=value)
        return scope, value, value
    if scope is Scope.PRODUCT:
        if not await uow.products.variants(value):
            raise UnknownPriceTarget(scope="product", target=value)
        return scope, value, value
    found = [n for n in await uow.products.category_nodes() if n.name.casefold() == value.casefold()]
    if len(found) != 1:  # two categories of one name: ambiguous, refused like a missing one
        raise UnknownPriceTarget(scope="category", target=value)
    return scope, str(found[0].id), found[0].name


async def add_price_rule(
    uow: UnitOfWork,
    *,
    staff_id: int,
    group: str,
    currency: str,
    target: str,
    value: str,
    from_quantity: int = 1,
) -> ShownRule:
    """``/pricelist add GROUP CURRENCY TARGET PRICE|PERCENT% [from N]``: a fixed price
    (``4.50``) or a percent off the base price (``5%`` or ``-5%``), from a quantity."""
    await require(uow, staff_id, Permission.SET_PRICES)
    name, code = normalize_group(group), normalize_currency(currency)
    text = value.strip()
    if text.endswith("%"):
        rule = PriceRule(name, code, Scope.VARIANT, "", from_quantity, percent=parse_percent(text.lstrip("-−")))
    else:
        rule = PriceRule(name, code, Scope.VARIANT, "", from_quantity, price=Money.parse_typed(text, code))
    rule.check()
    async with uow:
        rates = await shop_rates(uow)
        if not rates.offers(code):  # no customer pays in it, so the rule would never apply
            raise CurrencyNotOffered(currency=code, available=", ".join(rates.currencies))
        scope, stored, label = await _resolve_target(uow, target)
        saved = await uow.price_rules.put(replace(rule, scope=scope, target=stored))
        await uow.commit()
    return ShownRule(saved, label)


async def set_ordering_terms(
    uow: UnitOfWork, *, staff_id: int, group: str, target: str, minimum: int | None, pack: int | None
) -> ShownRule:
    """``/pricelist terms GROUP TARGET [min N] [pack N]``: a minimum order and a pack size."""
    await require(uow, staff_id, Permission.SET_PRICES)
    rule = PriceRule(normalize_group(group), "", Scope.VARIANT, "", 1, min_order=minimum, pack=pack).check()
    async with uow:
        scope, stored, label = await _resolve_target(uow, target)
        saved = await uow.price_rules.put(replace(rule, scope=scope, target=stored))
        await uow.commit()
    return ShownRule(saved, label)


async def remove_price_rule(uow: UnitOfWork, *, staff_id: int, rule_id: int) -> PriceRule:
    await require(uow, staff_id, Permission.SET_PRICES)
    async with uow:
        removed = await uow.price_rules.remove(rule_id)
        if removed is None:
            raise NotFound()
        await uow.commit()
    return removed


TARGET_MISSING = N_("{target} does not exist — import products first")
CURRENCY_NOT_TAKEN = N_(
    "currency: the shop does not take {currency} (it takes {available}) — set its rate with /fx first"
)


async def _currencies_not_taken(uow: UnitOfWork, rows: Sequence[PriceRow]) -> list[Problem]:
    """A rule in a currency no customer can pay in would never apply, as ``/pricelist add`` refuses it."""
    rates = await shop_rates(uow)
    available = ", ".join(rates.currencies)
    return [
        (row.line, problem(CURRENCY_NOT_TAKEN, currency=row.rule.currency, available=available))
        for row in rows
        if row.rule.currency and not rates.offers(row.rule.currency)
    ]


async def _targets(uow: UnitOfWork, rows: Sequence[PriceRow]) -> tuple[list[PriceRule], list[Problem]]:
    nodes = await uow.products.category_nodes()
    skus = await uow.products.ids_by_sku(sorted({r.rule.target for r in rows if r.rule.scope is not Scope.CATEGORY}))
    rules: list[PriceRule] = []
    problems: list[Problem] = []
    for row in rows:
        rule = row.rule
        if rule.scope is Scope.CATEGORY:
            found = [n for n in nodes if n.name.casefold() == rule.target.casefold()]
            if len(found) != 1:
                problems.append((row.line, problem(TARGET_MISSING, target=f"category:{rule.target}")))
                continue
            rule = replace(rule, target=str(found[0].id))
        elif rule.scope is Scope.VARIANT and rule.target not in skus:
            problems.append((row.line, problem(TARGET_MISSING, target=rule.target)))
            continue
        elif rule.scope is Scope.PRODUCT and rule.target not in skus and not await uow.products.variants(rule.target):
            problems.append((row.line, problem(TARGET_MISSING, target=f"product:{rule.target}")))
            continue
        rules.append(rule)
    return rules, problems


async def import_prices(uow: UnitOfWork, text: str) -> ImportReport:
    """The file is the whole price list of each group it names: the groups' old rules go,
    other groups' lists stay. All or nothing: one bad row and nothing is changed."""
    parsed, problems = parse_prices(text)
    if not parsed:
        raise ImportRejected(problems or [(1, problem(N_("the file has no price rules")))])
    async with uow:
        rules, unknown = await _targets(uow, parsed)  # named with the lines' other problems: one run names all
        if problems := sorted(problems + unknown + await _currencies_not_taken(uow, parsed)):
            raise ImportRejected(problems)
        groups = sorted({rule.group for rule in rules})
        before = {_key(r): replace(r, id=None) for g in groups for r in await uow.price_rules.for_group(g)}
        await uow.price_rules.replace_groups(groups, rules)
        await uow.commit()
    created = sum(1 for r in rules if _key(r) not in before)
    same = sum(1 for r in rules if before.get(_key(r)) == r)
    return ImportReport(created=created, updated=len(rules) - created - same, unchanged=same)


def _key(rule: PriceRule) -> tuple[str, str, str, str, int]:
    return rule.group, rule.currency, rule.scope.value, rule.target, rule.min_quantity
