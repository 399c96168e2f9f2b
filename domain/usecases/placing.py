"""Placing an order: a code no order has, and the order a cart places, whichever way in places it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from domain.cart import Cart
from domain.catalog import normalize_sku
from domain.discounts import Discounts
from domain.errors import DomainError
from domain.money import Money
from domain.orders import Order, new_order_code
from domain.ports import UnitOfWork
from domain.usecases.promotions import discounted_lines, labels
from domain.variants import Sibling

# Each parent code's siblings (``ProductRepository.siblings``): what a variant's order line is named from where it
# has no name of its own in a language (``domain.family_names.line_names``).
Families = Mapping[str, Sequence[Sibling]]


async def unique_order_code(uow: UnitOfWork) -> str:
    while True:
        code = new_order_code()
        if await uow.orders.get_by_code(code) is None:
            return code


async def place_cart(
    uow: UnitOfWork,
    cart: Cart,
    discounts: Discounts,
    *,
    customer_id: int,
    tax_rate: str,
    now: datetime,
    actor: str,
    shipping: Money | None,
    families: Families,
    **details: object,
) -> Order:
    """The order a cart places, by the same rule whichever way in places it (the checkout, Buy
    now, the intake API): a new code, the cart's lines less their discounts, in the cart's
    currency at its rate, the shop's tax rate, the discounts named and the promo code they used
    (none for Buy now: it has no review to type one at). How it is delivered, paid, routed and
    flagged differs on purpose from one way in to another: ``details``, each caller's own.

    A variant's line is named by its family where it has no name of its own (``families``, read before the
    transaction from the read cache: ``families_of``); a family not read then (the cart changed since) is read here."""
    missing = {line.product.parent_code for line in cart.lines if line.product.option_names} - families.keys()
    if missing:
        families = {**families, **{code: await uow.products.siblings(code) for code in sorted(missing)}}
    return Order.place(
        code=await unique_order_code(uow),
        customer_id=customer_id,
        currency=cart.currency,
        fx_rate=cart.fx_rate,
        tax_rate=tax_rate,
        lines=discounted_lines(cart.order_lines(families), discounts),
        now=now,
        actor=actor,
        shipping=shipping,
        promo_code=discounts.code.code if discounts.code else "",
        discounts=labels(discounts),
        **details,
    )


async def families_of(
    uow: UnitOfWork, product_ids: Iterable[int] = (), *, skus: Iterable[str] = (), cart_of: int | None = None
) -> Families:
    """In a read-only unit of its own, before the placing transaction: the families of the variants among
    ``product_ids``, ``skus`` (as typed: one not a SKU is left to the transaction to refuse) and the cart of
    customer ``cart_of``, which ``place_cart`` names their lines by. From the read cache's family entries, the ones
    the cards read (no query while they are loaded), not a query a family inside the transaction, which reads only
    the database: a name decides nothing, and a family renamed in another process within the cache's minute names
    the line as that process's cards did."""
    async with uow.read_only():
        ids = {*product_ids, *(await uow.carts.lines(cart_of) if cart_of is not None else ())}
        products = await uow.products.get_many(sorted(ids))
        for sku in skus:
            try:
                found = await uow.products.get_by_sku(normalize_sku(sku))
            except DomainError:
                continue
            products += [found] if found is not None else []
        codes = {p.parent_code for p in products if p.option_names}
        return {code: await uow.products.siblings(code) for code in sorted(codes)}
