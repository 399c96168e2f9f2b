"""A domain error that carries a count is read with the plural form the count needs."""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from domain.csvfiles import problem
from domain.errors import ImportRejected
from domain.usecases.cart import CartFull
from handlers.errors import domain_message


def test_a_counted_error_agrees_with_its_count(i18n: I18n) -> None:
    with i18n.use_locale("en"):
        assert domain_message(ImportRejected([(2, problem("bad sku"))])) == "The file was rejected: 1 bad row."
        assert domain_message(CartFull(count=20)).startswith("Your cart already has 20 different products;")
    with i18n.use_locale("ru"):
        assert domain_message(CartFull(count=21)).startswith("В корзине уже 21 разный товар;")
        assert domain_message(CartFull(count=3)).startswith("В корзине уже 3 разных товара;")
