"""Option names and values per language: a product read in a language, the card's buttons named so, and
the products file's ``options_ru`` checked across a parent's rows."""

from __future__ import annotations

from domain.catalog import Product
from domain.catalog_edits import file_changes
from domain.ports import SystemClock
from domain.product_file import parse_products
from domain.usecases.imports.products import import_products
from domain.variants import OptionRow, Sibling, option_rows, rows_in_language, sibling_words
from tests.fakes import FakeUnitOfWork

RU = ("ru", ("Размер", "Цвет"), ("M", "Красный"))


def _tee(sku: str, size: str, colour: str, *words: tuple[str, tuple[str, ...], tuple[str, ...]]) -> Product:
    return Product(
        sku,
        "Tee",
        "Clothes",
        parent="TEE",
        option_names=("Size", "Colour"),
        options=(size, colour),
        option_translations=tuple(words),
        names={"ru": "Футболка"},
    )


def test_a_product_read_in_a_language_names_its_options_so_and_its_order_line_keeps_them() -> None:
    tee = _tee("TEE-M-RED", "M", "Red", RU)
    assert tee.in_language("ru").display_name == "Футболка (M / Красный)"
    assert tee.in_language("ru").option_names == ("Размер", "Цвет")
    assert tee.in_language("de") is tee and tee.display_name == "Tee (M / Red)"
    assert tee.translated_names == {"ru": "Футболка (M / Красный)"}
    unnamed = Product("TEE-M-RED", "Tee", "Clothes", parent="TEE", option_names=("Size",), options=("M",))
    unnamed.option_translations = (("ru", ("Размер",), ("М",)),)
    assert unnamed.translated_names == {"ru": "Tee (М)"}  # the options alone translated: kept as sold too


def test_a_translation_for_other_options_than_the_products_is_not_used() -> None:
    """Given a third option since, the two translated would name the wrong ones: the shop's words instead."""
    tee = Product(
        "TEE-M-RED",
        "Tee",
        "Clothes",
        parent="TEE",
        option_names=("Size", "Colour", "Fit"),
        options=("M", "Red", "Slim"),
        option_translations=(RU,),
    )
    assert tee.option_words("ru") is None and tee.in_language("ru") is tee and sibling_words(tee) == ()


def test_the_buttons_are_chosen_on_the_stored_values_and_named_in_the_readers_language() -> None:
    chosen = _tee("TEE-M-RED", "M", "Red", RU)
    siblings = [
        Sibling(1, ("M", "Red"), words=(("ru", ("M", "Красный")),)),
        Sibling(2, ("L", "Red")),  # untranslated: its L as it is, its Red as a sibling translates it
        Sibling(3, ("M", "Blue"), words=(("ru", ("M", "Синий")),)),
    ]
    available = {1: 1, 2: 1, 3: 0}
    rows = option_rows(chosen, siblings, available)
    shown = rows_in_language(rows, chosen, siblings, "ru")
    assert [(r.name, [(c.value, c.product_id, c.chosen, c.sold_out) for c in r.choices]) for r in shown] == [
        ("Размер", [("M", 1, True, False), ("L", 2, False, False)]),
        ("Цвет", [("Красный", 1, True, False), ("Синий", 3, False, True)]),
    ]
    assert rows_in_language(rows, chosen, siblings, "en") is rows  # nothing in English: the rows as made
    assert rows_in_language(rows, chosen, [Sibling(s.id, s.options) for s in siblings], "ru") is rows
    assert isinstance(shown[0], OptionRow)


def test_a_parents_rows_translating_names_or_a_value_unlike_each_other_are_refused_by_line() -> None:
    header = "sku,name,category,price,currency,parent,options,options_ru\n"
    parent = "TEE,Tee,Clothes,9.00,GBP,,Size=S;Colour=Red,Размер=S;Цвет=Красный\n"
    alike = parent + "TEE-M,,,,,TEE,Size=M;Colour=Red,размер=M;цвет=Красный\nTEE-L,,,,,TEE,Size=L;Colour=Red,\n"
    parsed, problems = parse_products(header + alike)
    assert (
        problems == [] and parsed[2][1].option_translations == ()
    )  # names alike whatever their case; one untranslated
    unlike = (
        parent
        + "TEE-M,,,,,TEE,Size=M;Colour=Red,Рост=M;Цвет=Красный\nTEE-L,,,,,TEE,Size=L;Colour=Red,Размер=L;Цвет=Алый\n"
    )
    _parsed, problems = parse_products(header + unlike)
    assert [(line, reason.error.params.get("got")) for line, reason in problems] == [(3, "Рост, Цвет"), (4, "Алый")]


def test_a_products_file_translating_a_stored_variants_options_is_a_change_audited_as_options_ru() -> None:
    stored = _tee("TEE-M-RED", "M", "Red")
    translated = _tee("TEE-M-RED", "M", "Red", RU)
    assert file_changes(translated, stored) == [("options_ru", "", "Размер=M; Цвет=Красный")]
    assert file_changes(translated, translated) == []


async def test_a_file_giving_a_variant_other_values_removes_the_words_of_its_old_ones_unless_it_gives_new() -> None:
    """«Размер: M» would go on naming an L."""
    uow = FakeUnitOfWork()
    header = "sku,name,name_ru,category,price,currency,parent,options,options_ru\n"
    tees = "TEE,Tee,Футболка,Clothes,9.00,GBP,,Size=S,Размер=S\n"
    tees += "TEE-M,,,,,,TEE,Size=M,Размер=M\nTEE-L,,,,,,TEE,Size=L,Размер=L\n"
    await import_products(uow, SystemClock(), header + tees)
    moved = "TEE-M,,,,,,TEE,Size=XL,\nTEE-L,,,,,,TEE,Size=XXL,Размер=XXL\n"  # an XL without words, an XXL with its own
    await import_products(uow, SystemClock(), header + moved)
    async with uow:
        found = {sku: await uow.products.get_by_sku(sku) for sku in ("TEE", "TEE-M", "TEE-L")}
    assert {sku: p.in_language("ru").display_name for sku, p in found.items() if p is not None} == {
        "TEE": "Футболка (S)",
        "TEE-M": "Футболка (XL)",
        "TEE-L": "Футболка (XXL)",
    }
    assert [p.option_translations for p in found.values() if p is not None] == [
        (("ru", ("Размер",), ("S",)),),
        (),
        (("ru", ("Размер",), ("XXL",)),),
    ]
