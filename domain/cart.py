"""The cart: what a customer wants (lines) and how much of it stock holds for them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.catalog import Product
from domain.family_names import line_names
from domain.fx import Rates
from domain.money import Money, sum_money
from domain.orders import OrderLine
from domain.pricing import NO_TERMS, OrderingTerms, PriceRule
from domain.variants import Sibling


@dataclass(frozen=True, slots=True)
class CartLine:
    product: Product
    quantity: int  # wanted
    held: int  # backed by unexpired holds
    unit_price: Money  # the price list's price for this customer and quantity (promotions apply on top)
    expires_at: datetime | None
    # Backorders (``domain.backorders``): units beyond stock that will wait, when they are
    # expected (None: not known yet), and whether the product is a preorder.
    waiting: int = 0
    expected: date | None = None
    preorder: bool = False
    base_price: Money | None = None  # the product's own price, when the list gives another
    price_rule: PriceRule | None = None  # why ``unit_price`` is what it is (None: the base price)
    terms: OrderingTerms = NO_TERMS  # the quantities the ➖/➕ buttons step through

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def expired(self) -> bool:
        """Part of the line is no longer held; checkout re-takes it if stock allows."""
        return self.held + self.waiting < self.quantity


@dataclass(frozen=True, slots=True)
class Cart:
    lines: list[CartLine]
    currency: str
    withdrawn: tuple[str, ...] = ()  # names of products no longer sold, left out of the cart
    rates: Rates | None = None  # the rates it was priced with (None: base-currency prices only)
    unpriced: tuple[str, ...] = ()  # names of products with no price the shop takes now, left out
    discontinued: tuple[str, ...] = ()  # names of discontinued products, refused and left out

    @property
    def fx_rate(self) -> str:
        """What an order placed from this cart keeps as its rate (``Order.fx_rate``)."""
        return self.rates.rate_text(self.currency) if self.rates is not None else "1"

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def subtotal(self) -> Money:
        return sum_money([line.total for line in self.lines], self.currency)

    @property
    def weight_g(self) -> int:
        return sum(line.product.weight_g * line.quantity for line in self.lines)

    @property
    def expires_at(self) -> datetime | None:
        return min((line.expires_at for line in self.lines if line.expires_at), default=None)

    @property
    def has_expired_lines(self) -> bool:
        return any(line.expired for line in self.lines)

    @property
    def has_waiting_lines(self) -> bool:
        return any(line.waiting for line in self.lines)

    def order_lines(self, families: Mapping[str, Sequence[Sibling]]) -> list[OrderLine]:
        """The lines as an order keeps them: SKU, name (with its translations, a variant's its family's where it has
        none of its own: ``families``, each parent code's siblings) and price copied at placement."""
        return [
            OrderLine(
                line.product.id or 0,
                line.product.sku,
                line.product.display_name,
                line.quantity,
                line.unit_price,
                names=line_names(line.product, families.get(line.product.parent_code, ())),
            )
            for line in self.lines
        ]


def order_currency(products: list[Product], preferred: str, rates: Rates) -> str:
    """The customer's currency when the shop takes it and every product has a price in it
    (its own or converted), else the base currency."""
    if rates.offers(preferred) and all(rates.price(p.prices, preferred) for p in products):
        return preferred
    return rates.base
