"""Buy again: a past order's lines put in the cart at today's prices and availability."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.money import Money
from domain.orders import OrderLine
from domain.ports import Clock, UnitOfWork
from domain.usecases.cart import CartFull, ProductUnavailable, _item, _set_quantity, load_cart
from domain.usecases.fx import shop_rates
from domain.usecases.orders import _own_order
from domain.usecases.price_lists import price_list_for


class Skipped(StrEnum):
    WITHDRAWN = "withdrawn"  # hidden or deleted: no longer sold
    DISCONTINUED = "discontinued"
    UNPRICED = "unpriced"  # no price in a currency the shop takes now
    SOLD_OUT = "sold_out"
    CART_FULL = "cart_full"


@dataclass(frozen=True, slots=True)
class BuyAgain:
    """What went into the cart (name, quantity the cart now has), what went in short of the
    order's quantity (name, ordered, what the cart now has), what was left out and why, and
    what costs another price today than the order paid (name, then, now: each a unit)."""

    code: str
    added: list[tuple[str, int]] = field(default_factory=list)
    short: list[tuple[str, int, int]] = field(default_factory=list)
    skipped: list[tuple[str, Skipped]] = field(default_factory=list)
    repriced: list[tuple[str, Money, Money]] = field(default_factory=list)

    @property
    def nothing_added(self) -> bool:
        return not self.added and not self.short

    @property
    def did_not_fit(self) -> int:
        """How many products were left out because the cart was full: counted, not named (a
        business's 100-line order named 80 of them, three messages long)."""
        return sum(1 for _, reason in self.skipped if reason is Skipped.CART_FULL)


async def buy_again(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    code: str,
    hold_minutes: int,
    language: str,
    currency: str,
    fallback_currency: str,
) -> BuyAgain:
    """The cart is filled to hold at least each line of the customer's own order, rounded up to
    the price list's minimum and packs (what it holds already counts: pressed twice, or a double
    tap, it adds nothing more; it added the order again); when less is available, what is (in
    whole packs); withdrawn, discontinued, unpriced and sold-out products are named and skipped.
    The cart prices the lines as it always does: today's prices, the customer's list. Each is
    named in ``language`` where translated, as the cart names it (a product gone from the
    catalog as its line was sold: ``OrderLine.named_in``). A line the cart (in ``currency``,
    as the customer's cart is shown) prices other than the order did is named with both prices,
    so a changed price is read before checkout, not found on the bill."""
    async with uow:
        await uow.customers.lock(customer_id)  # before the cart is read: ``_set_quantity``
        order = await _own_order(uow, customer_id, code)
        customer = await uow.customers.get(customer_id)
        prices = await price_list_for(uow, customer.price_group if customer else "retail")
        rates = await shop_rates(uow)
        wanted: dict[int, int] = {}
        for line in order.lines:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
        names = {line.product_id: line.named_in(language) for line in order.lines}
        result = BuyAgain(order.code)
        for product_id, quantity in wanted.items():
            product = await uow.products.get(product_id)
            name = product.in_language(language).display_name if product is not None else names[product_id]
            reason = (
                Skipped.WITHDRAWN
                if product is None or not product.listed
                else Skipped.DISCONTINUED
                if not product.orderable
                else Skipped.UNPRICED
                if not rates.sells(product.prices)
                else None
            )
            if product is None or reason is not None:
                result.skipped.append((name, reason or Skipped.WITHDRAWN))
                continue
            terms = prices.terms(_item(prices, product))
            lines = await uow.carts.lines(customer_id)
            before = lines.get(product_id, 0)
            target = terms.fit(max(before, quantity))
            if target == before:  # the cart holds the order's quantity already
                result.added.append((name, before))
                continue
            try:
                await _set_quantity(uow, clock, lines, customer_id, product_id, target, hold_minutes, language)
                result.added.append((name, target))
                continue
            except CartFull:
                result.skipped.append((name, Skipped.CART_FULL))
                continue
            except ProductUnavailable as short:
                available = int(short.params["available"])
            fitting = available // terms.pack * terms.pack
            if fitting < terms.first or fitting <= before:
                result.skipped.append((name, Skipped.SOLD_OUT))
                continue
            await _set_quantity(
                uow, clock, await uow.carts.lines(customer_id), customer_id, product_id, fitting, hold_minutes
            )
            result.short.append((name, quantity, fitting))
        if result.added or result.short:
            await _repriced(uow, clock, result, order.lines, customer_id, currency, fallback_currency, language)
        await uow.commit()
    return result


async def _repriced(
    uow: UnitOfWork,
    clock: Clock,
    result: BuyAgain,
    sold: list[OrderLine],
    customer_id: int,
    currency: str,
    fallback: str,
    language: str,
) -> None:
    """Each product of the order the cart now prices another way (same currency, another unit price)."""
    then = {line.product_id: line.unit_price for line in sold}
    cart = await load_cart(uow, clock.now(), customer_id, currency, fallback, language=language)
    for line in cart.lines:
        was = then.get(line.product.id or 0)
        if was is not None and was.currency == line.unit_price.currency and was.amount != line.unit_price.amount:
            result.repriced.append((line.product.in_language(language).display_name, was, line.unit_price))
