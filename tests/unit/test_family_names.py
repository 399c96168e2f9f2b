"""A variant's name in a language it has none of its own in: its family's (``domain.family_names``)."""

from __future__ import annotations

from domain.catalog import Product
from domain.family_names import family_text, in_family_language, line_names
from domain.variants import Sibling

SHIRT = Product(sku="TEE", name="T-shirt", category="Clothing", option_names=("Size",), options=("S",), id=1)


def _sibling(pid: int, name: str = "", description: str = "", *, parent: bool = False) -> Sibling:
    texts = (("ru", name, description),) if name or description else ()
    return Sibling(pid, (str(pid),), texts=texts, parent=parent)


def test_the_parents_translation_names_a_variant_without_its_own() -> None:
    family = [_sibling(1, "Футболка", parent=True), _sibling(2), _sibling(3, "Майка")]
    assert family_text(family, "ru") == ("Футболка", "")


def test_without_the_parents_the_name_every_translated_sibling_shares_is_taken() -> None:
    family = [_sibling(1, parent=True), _sibling(2, "Футболка", "Хлопок"), _sibling(3, "Футболка", "Хлопок")]
    assert in_family_language(SHIRT, "ru", family).name == "Футболка"
    assert in_family_language(SHIRT, "ru", family).description == "Хлопок"


def test_siblings_translated_differently_give_no_name_and_the_default_languages_stays() -> None:
    family = [_sibling(1, parent=True), _sibling(2, "Футболка"), _sibling(3, "Майка")]
    assert in_family_language(SHIRT, "ru", family).name == "T-shirt"


def test_a_variants_own_translation_is_kept_over_its_familys() -> None:
    own = Product(
        sku="TEE-M", name="T-shirt", category="Clothing", option_names=("Size",), options=("M",), id=2, parent="TEE"
    )
    own.names["ru"] = "Футболка M"
    family = [_sibling(1, "Футболка", parent=True), _sibling(2, "Футболка M")]
    assert in_family_language(own, "ru", family).name == "Футболка M"
    assert in_family_language(own, "en", family).name == "T-shirt"


def test_an_order_line_keeps_its_familys_name_where_it_has_none_of_its_own_and_its_own_elsewhere() -> None:
    family = [_sibling(1, parent=True), _sibling(2, "Футболка", "Хлопок"), _sibling(3, "Футболка")]
    assert line_names(SHIRT, family) == {"ru": "Футболка (S)"}
    own = Product(sku="TEE-M", name="T-shirt", category="Clothing", option_names=("Size",), options=("M",), id=2)
    own.names["ru"] = "Майка"
    assert line_names(own, family) == {"ru": "Майка (M)"}
    assert line_names(SHIRT, [_sibling(1, parent=True), _sibling(2, "Футболка"), _sibling(3, "Майка")]) == {}
    assert line_names(SHIRT, []) == {}  # a family nobody translated (or not read): its own names only
