"""Discounts for a customer's cart: the running promotions, and a promo code checked rule by
rule; placement counts the code's use in the order's own transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.cart import Cart
from domain.categories import CategoryTree
from domain.discounts import Discounts, PricedLine, apply_promotions, code_base, with_code
from domain.orders import Order, OrderLine
from domain.ports import Clock, UnitOfWork
from domain.promotions import PromoCode, PromoLostRace, PromoRefused, PromoUnknown, Target, normalize_code
from domain.usecases.cart import load_cart


async def priced_lines(uow: UnitOfWork, cart: Cart, with_categories: bool = True) -> list[PricedLine]:
    """The cart's lines with the categories each sits in (its own and every one above), read
    only when some discount is for a category."""
    tree: CategoryTree | None = None
    lines = []
    for line in cart.lines:
        categories: frozenset[int] = frozenset()
        if with_categories and line.product.category_id is not None:
            tree = tree or CategoryTree(await uow.products.category_nodes())
            categories = frozenset(c.id for c in tree.trail(line.product.category_id)) | {line.product.category_id}
        product = line.product
        lines.append(PricedLine(product.id or 0, line.quantity, line.unit_price, categories, product.parent_code))
    return lines


async def _categories_of(
    uow: UnitOfWork, product_ids: list[int], with_categories: bool
) -> dict[int, tuple[frozenset[int], str]]:
    """Per product: its category and every one above it (when asked), and its parent code."""
    tree = CategoryTree(await uow.products.category_nodes()) if with_categories else None
    result = {}
    for product in await uow.products.get_many(product_ids):
        if product.id is not None:
            trail: frozenset[int] = frozenset()
            if tree is not None and product.category_id is not None:
                trail = frozenset(c.id for c in tree.trail(product.category_id)) | {product.category_id}
            result[product.id] = (trail, product.parent_code)
    return result


async def order_discounts(
    uow: UnitOfWork, order: Order, lines: list[OrderLine], now: datetime
) -> tuple[list[OrderLine], Discounts, PromoRefused | None]:
    """Inside an open unit of work: an edited order's lines discounted again as checkout
    discounts a cart (``domain.discounts``), with the promotions running when it was placed
    or now (an edit never loses a promotion to the passing of time), and the order's own
    code, its use already counted: only what depends on the goods (its minimum, its items)
    is checked again. A code that no longer applies is left off, and why is returned."""
    placed = order.created_at or now
    running = {p.id: p for p in await uow.promotions.promotions(placed) if p.active(placed)}
    running.update({p.id: p for p in await uow.promotions.promotions(now) if p.active(now)})
    code = await uow.promotions.code(order.promo_code) if order.promo_code else None
    by_category = any(p.target is Target.CATEGORY for p in running.values()) or bool(code and code.category_id)
    by_family = any(p.families for p in running.values()) or bool(code and code.families)
    found: dict[int, tuple[frozenset[int], str]] = {}
    if by_category or by_family:
        found = await _categories_of(uow, sorted({line.product_id for line in lines}), by_category)
    priced = [
        PricedLine(line.product_id, line.quantity, line.unit_price, *found.get(line.product_id, (frozenset(), "")))
        for line in lines
    ]
    discounts = apply_promotions(priced, list(running.values()), order.currency)
    dropped: PromoRefused | None = None
    if code is not None:
        goods = sum(line.total.amount for line in priced) - discounts.total.amount
        try:
            amount = code.discount_on(sum(code_base(code, priced, discounts)), goods, order.currency)
        except PromoRefused as refused:
            dropped = refused
        else:
            discounts = with_code(code, priced, discounts, amount)
    return discounted_lines(lines, discounts), discounts, dropped


async def _usable_code(uow: UnitOfWork, now: datetime, customer_id: int, text: str) -> PromoCode:
    """The code, if the rules that do not depend on the cart let this customer use it now."""
    code = await uow.promotions.code(normalize_code(text))
    if code is None:
        raise PromoUnknown(code=normalize_code(text)[:32] or text[:32])
    used = await uow.promotions.customer_uses(code.id or 0, customer_id) if code.per_customer is not None else 0
    earlier = (await uow.orders.for_customer(customer_id, 0, 1))[1] if code.first_order_only else 0
    customer = await uow.customers.get(customer_id) if code.groups else None
    group = customer.price_group if customer is not None else "retail"
    zone = ZoneInfo(uow.timezone)
    code.check_usable(now, used_by_customer=used, customer_orders=earlier, group=group, zone=zone)
    return code


async def discounts_for(
    uow: UnitOfWork, now: datetime, cart: Cart, customer_id: int, code: str = ""
) -> tuple[list[PricedLine], Discounts]:
    """Inside an open unit of work: the cart's discounts (the stacking rule is in
    ``domain.discounts``); a code that does not apply raises the reason."""
    running = [p for p in await uow.promotions.promotions(now) if p.active(now)] if cart.lines else []
    promo = await _usable_code(uow, now, customer_id, code) if code else None
    by_category = any(p.target is Target.CATEGORY for p in running) or bool(promo and promo.category_id)
    lines = await priced_lines(uow, cart, by_category)
    discounts = apply_promotions(lines, running, cart.currency)
    if promo is not None:
        goods = sum(line.total.amount for line in lines) - discounts.total.amount
        amount = promo.discount_on(sum(code_base(promo, lines, discounts)), goods, cart.currency)
        discounts = with_code(promo, lines, discounts, amount)
    return lines, discounts


async def cart_discounts(uow: UnitOfWork, clock: Clock, cart: Cart, customer_id: int, code: str = "") -> Discounts:
    """For a screen (cart, review): read only; raises the reason a code does not apply."""
    async with uow.read_only():
        return (await discounts_for(uow, clock.now(), cart, customer_id, code))[1]


async def check_code(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, currency: str, fallback_currency: str
) -> tuple[Cart, Discounts]:
    """A code typed or pressed at review: the cart with it applied, or the exact reason not."""
    async with uow.read_only():
        now = clock.now()
        cart = await load_cart(uow, now, customer_id, currency, fallback_currency)
        return cart, (await discounts_for(uow, now, cart, customer_id, code))[1]


def discounted_lines(lines: list[OrderLine], discounts: Discounts) -> list[OrderLine]:
    return [replace(line, discount_minor=off) for line, off in zip(lines, discounts.per_line, strict=True)]


def labels(discounts: Discounts) -> tuple[tuple[str, int], ...]:
    return tuple((a.label, a.amount.amount) for a in discounts.applied if a.amount.amount)


async def count_code_use(uow: UnitOfWork, order: Order, discounts: Discounts, now: datetime) -> None:
    """In the order's transaction, after the order row: the use is counted only if one is
    left; otherwise the whole order rolls back and the customer is told."""
    code = discounts.code
    if code is None:
        return
    amount = discounts.code_amount
    if not await uow.promotions.use_code(code.id or 0, order.customer_id, order.id or 0, amount, now):
        raise PromoLostRace(code=code.code)
    limit = code.per_customer  # the count now includes this order's use
    if limit is not None and await uow.promotions.customer_uses(code.id or 0, order.customer_id) > limit:
        raise PromoLostRace(code=code.code)
