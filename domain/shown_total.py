"""The total a customer was shown before placing (the chat's review, the Mini App's page): an order is placed at it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money
from domain.orders import Order


class ShownTotalChanged(DomainError):
    """Something in the total shown moved before the order was placed: nothing is placed; the customer sees it anew."""


class CartTotalChanged(ShownTotalChanged):
    key = N_(
        "Prices or your cart changed since the review: the goods now come to {subtotal}. Nothing was ordered: "
        "check the order again and confirm."
    )


class ShippingChanged(ShownTotalChanged):
    key = N_("Shipping is now {price} (was {was}). Nothing was ordered: check the order again and confirm.")


class TotalChanged(ShownTotalChanged):
    key = N_("Your order now comes to {total} (was {was}). Nothing was ordered: check the order again and confirm.")


@dataclass(frozen=True, slots=True)
class ShownTotal:
    """What the customer confirmed: the goods before discounts and, where the screen sent them, the delivery's price
    (zero for a pickup) and the total (goods less discounts plus delivery; the tax is inside the prices). None: not
    sent (a page or a checkout begun before they were), so not compared."""

    goods: Money
    shipping: Money | None = None
    total: Money | None = None

    def check_goods(self, subtotal: Money) -> None:
        """Before anything is locked: a cart or a price changed since refuses at once."""
        if subtotal != self.goods:
            raise CartTotalChanged(subtotal=subtotal)

    def check(self, order: Order) -> None:
        """The order as it would be placed, against what was shown: its shipping named when that rose (a rate the
        shop raised), else its total when it rose (a promotion ended); an order is charged at most what the customer
        saw. A part that fell (a promotion begun since, a cheaper rate) is taken: refused, the customer was sent round
        a review again for a better price they would have accepted anyway (``cheaper_shipping`` says it after)."""
        self.check_goods(order.subtotal)
        shipping = order.shipping or Money.zero(order.currency)
        if _rose(shipping, self.shipping):
            raise ShippingChanged(price=shipping, was=self.shipping)
        if _rose(order.total, self.total):
            raise TotalChanged(total=order.total, was=self.total)

    def cheaper_shipping(self, order: Order) -> Money | None:
        """The delivery's price shown when the order took a lower one (a rate the shop lowered since), else None:
        the confirmation names the new price against it."""
        shipping = order.shipping or Money.zero(order.currency)
        return self.shipping if self.shipping is not None and shipping < self.shipping else None


def _rose(now: Money, shown: Money | None) -> bool:
    """A part of the total above what was shown (None: not sent, so not compared); one below is the customer's gain."""
    return shown is not None and now > shown
