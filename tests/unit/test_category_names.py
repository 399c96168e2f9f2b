"""The products file's ``category_ru``-style columns: a category path translated name by name."""

from __future__ import annotations

from domain.category_names import parse_category_names
from domain.csvfiles import problem

HEADER = "sku,name,category,category_ru,category_de,price,currency\n"


def test_a_translated_path_names_each_category_of_the_path_in_its_language() -> None:
    names, problems = parse_category_names(
        HEADER + "T-1,Tee,Clothing > T-shirts,Одежда > Футболки,Kleidung > T-Shirts,1,GBP\nM-1,Mug,Kitchen,,,1,GBP\n"
    )
    assert problems == []
    assert names == {
        "Clothing": {"ru": "Одежда", "de": "Kleidung"},
        "T-shirts": {"ru": "Футболки", "de": "T-Shirts"},
    }  # an empty cell translates nothing (keeps what is known)


def test_a_later_row_names_a_category_again_and_its_name_wins() -> None:
    names, _ = parse_category_names(HEADER + "T-1,Tee,Clothing,Одежда,,1,GBP\nT-2,Tee,Clothing,Одёжка,,1,GBP\n")
    assert names == {"Clothing": {"ru": "Одёжка"}}


def test_a_translation_of_another_length_without_a_category_or_in_a_language_the_bot_lacks_is_a_bad_row() -> None:
    text = HEADER + "T-1,Tee,Clothing > T-shirts,Одежда,,1,GBP\nT-2,Tee,,Одежда,,1,GBP\nT-3,Tee,Hats,,Hüte,1,GBP\n"
    names, problems = parse_category_names(text, languages={"en", "ru"})
    assert names == {}
    assert problems == [
        (
            2,
            problem(
                "{column} does not translate category name by name ({given} of {wanted}): give each name of its path",
                column="category_ru",
                given=1,
                wanted=2,
            ),
        ),
        (
            3,
            problem(
                "{column} is given without category: write the category it translates on this row", column="category_ru"
            ),
        ),
        (4, problem("{column}: the bot does not speak “{value}”", column="category_de", value="de")),
    ]


def test_a_dash_removes_the_row_categorys_own_name_in_that_language_and_names_none_above_it() -> None:
    """As ``/product``'s ✏️ Category (ru) takes «-»: it named the category «-» for every Russian reader."""
    names, problems = parse_category_names(HEADER + "T-1,Tee,Clothing > T-shirts, - ,,1,GBP\n")
    assert problems == [] and names == {"T-shirts": {"ru": ""}}  # "": removed (``translate_categories``)
