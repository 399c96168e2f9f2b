"""A domain error that carries a count is read with the plural form the count needs; one that carries a day, as the
shop's country writes the reader's language."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import I18n

from domain.csvfiles import problem
from domain.errors import ImportRejected
from domain.promotions import PromoExpired
from domain.usecases.cart import CartFull
from domain.usecases.held_stock import RELEASE, BelowOrdersHold, HeldForOrders, HeldForOrdersAndCarts
from handlers.errors import domain_message

ZONE = "Europe/London"


def test_a_counted_error_agrees_with_its_count(i18n: I18n) -> None:
    with i18n.use_locale("en"):
        assert (
            domain_message(ImportRejected([(2, problem("bad sku"))]), timezone=ZONE)
            == "The file was rejected: 1 bad row."
        )
        assert domain_message(CartFull(count=20), timezone=ZONE).startswith(
            "Your cart already has 20 different products;"
        )
    with i18n.use_locale("ru"):
        assert domain_message(CartFull(count=21), timezone=ZONE).startswith("В корзине уже 21 разный товар;")
        assert domain_message(CartFull(count=3), timezone=ZONE).startswith("В корзине уже 3 разных товара;")


def test_a_dated_error_writes_its_day_as_the_shops_country_does(i18n: I18n) -> None:
    expired = PromoExpired(code="NYE", end=date(2026, 12, 31))
    with i18n.use_locale("en"):
        assert domain_message(expired, timezone="Europe/London") == "Promo code NYE expired on 31 Dec 2026."
        assert domain_message(expired, timezone="America/New_York") == "Promo code NYE expired on Dec 31, 2026."
    with i18n.use_locale("ru"):
        said = "Промокод NYE действовал по 31 дек. 2026\u202fг. включительно."
        assert domain_message(expired, timezone="Europe/Moscow") == said


def test_the_way_out_of_an_orders_hold_is_one_translated_phrase_in_each_refusal(i18n: I18n) -> None:
    """A count, a count with carts and /adjust each say how held units leave with the same words, kept once."""
    refusals = (
        HeldForOrders(reserved=2, sku="JAR-1", warehouse="LON", orders="A1", release=RELEASE),
        HeldForOrdersAndCarts(
            reserved=3, sku="JAR-1", warehouse="LON", in_orders=2, in_carts=1, orders="A1", release=RELEASE
        ),
        BelowOrdersHold(on_hand=2, reserved=4, in_orders=4, orders="A1", free=1, release=RELEASE),
    )
    for refusal in refusals:
        assert "report them short" not in refusal.key
    for language, way_out in (
        ("en", "report them short at picking or packing (/pick, Short pick, or /short: the order is held and its"),
        ("ru", "отметьте их недостачу при сборке или упаковке (/pick, «Недостача» или /short: заказ встанет на"),
    ):
        with i18n.use_locale(language):
            for refusal in refusals:
                assert way_out in domain_message(refusal, timezone=ZONE), (language, refusal.key)
