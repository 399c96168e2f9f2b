"""The category tree: counts with descendants, breadcrumbs, and paths in a products file."""

import pytest

from domain.categories import (
    CategoryNode,
    CategoryTree,
    InvalidCategoryPath,
    Spelling,
    breadcrumbs,
    category_path,
    plan_parents,
)
from domain.errors import ImportRejected
from domain.ports import SystemClock
from domain.usecases.catalog import browse_category
from domain.usecases.imports.products import import_products
from tests.fakes import FakeUnitOfWork

HEADER = "sku,name,category,price,currency\n"

TREE = CategoryTree(
    [
        CategoryNode(1, "Clothing", None, 1),
        CategoryNode(2, "T-shirts", 1, 3),
        CategoryNode(3, "V-neck", 2, 2),
        CategoryNode(4, "Hats", 1, 0),
        CategoryNode(5, "Garden", None, 4),
        CategoryNode(6, "Empty", None, 0),
    ]
)


def test_a_count_includes_every_category_below() -> None:
    assert [TREE.total(i) for i in (1, 2, 3, 4, 5, 6)] == [6, 5, 2, 0, 4, 0]


def test_children_are_by_name_and_empty_branches_are_hidden() -> None:
    assert [(c.name, c.product_count) for c in TREE.children(None)] == [("Clothing", 6), ("Garden", 4)]
    assert [c.name for c in TREE.children(1)] == ["T-shirts"]


def test_the_trail_runs_from_the_top_down() -> None:
    assert [c.name for c in TREE.trail(3)] == ["Clothing", "T-shirts", "V-neck"]


def test_a_deep_trail_keeps_the_top_and_the_last_names() -> None:
    assert breadcrumbs(["A", "B", "C"]) == ["A", "B", "C"]
    assert breadcrumbs(["A", "B", "C", "D", "E", "F"]) == ["A", "…", "D", "E", "F"]


def test_a_500_deep_chain_counts_without_recursion() -> None:
    chain = CategoryTree(CategoryNode(i, f"C{i}", i - 1 or None, 1) for i in range(1, 501))
    assert chain.total(1) == 500 and len(chain.trail(500)) == 500


def test_a_stored_cycle_is_not_reachable_and_does_not_hang() -> None:
    looped = CategoryTree([CategoryNode(1, "A", 2, 1), CategoryNode(2, "B", 1, 1), CategoryNode(3, "C", None, 1)])
    assert [c.name for c in looped.children(None)] == ["C"]
    assert [c.name for c in looped.trail(1)] == ["B", "A"]


def test_a_path_is_split_on_the_arrow_and_an_empty_name_is_refused() -> None:
    assert category_path(" Clothing >  T-shirts ") == ("Clothing", "T-shirts")
    assert category_path("Mugs") == ("Mugs",)
    for bad in ("Clothing >", "> T-shirts", "A >> B", "x" * 129):
        with pytest.raises(InvalidCategoryPath):
            category_path(bad)


def test_a_cycle_in_a_file_is_refused_with_its_line() -> None:
    links, problems = plan_parents([(2, "A > B"), (3, "B > C"), (4, "C > A")], {})
    assert links == {"B": "A", "C": "B"}
    assert problems == [(4, "category A cannot be inside C: C is already inside A")]


def test_a_cycle_with_the_stored_tree_is_refused() -> None:
    _, problems = plan_parents([(2, "T-shirts > Clothing")], {"Clothing": None, "T-shirts": "Clothing"})
    assert problems == [(2, "category Clothing cannot be inside T-shirts: T-shirts is already inside Clothing")]
    _, itself = plan_parents([(5, "A > A")], {})
    assert [line for line, _ in itself] == [5]


def test_one_name_with_two_parents_in_a_file_is_refused() -> None:
    _, problems = plan_parents([(2, "Men > Shirts"), (3, "Men > Shirts"), (4, "Women > Shirts")], {})
    assert problems == [(4, "category Shirts is under Men on line 2, not under Women")]


async def test_a_products_file_builds_the_tree_and_the_product_goes_in_the_last_name() -> None:
    uow = FakeUnitOfWork()
    await import_products(
        uow, SystemClock(), HEADER + "A,Tee,Clothing > T-shirts > V-neck,5,EUR\nB,Cap,Clothing > Hats,3,EUR\n"
    )
    top = await browse_category(uow, category_id=0, page=0, page_size=6, currency="EUR", fallback_currency="EUR")
    assert [(c.name, c.product_count) for c in top.children] == [("Clothing", 2)]
    clothing = await browse_category(
        uow, category_id=top.children[0].id, page=0, page_size=6, currency="EUR", fallback_currency="EUR"
    )
    assert [(c.name, c.product_count) for c in clothing.children] == [("Hats", 1), ("T-shirts", 1)]
    product = next(p for p in uow.state.products.values() if p.sku == "A")
    assert product.category == "V-neck"


async def test_a_category_spelled_in_another_case_is_the_one_already_there_in_a_file_or_stored() -> None:
    uow = FakeUnitOfWork()
    await import_products(uow, SystemClock(), HEADER + "A,Tee,Clothing > T-shirts,5,EUR\nB,Cap,clothing > HATS,3,EUR\n")
    await import_products(uow, SystemClock(), HEADER + "C,Vest,CLOTHING > t-shirts,4,EUR\nD,Hood,hats,6,EUR\n")
    assert sorted(uow.state.categories) == ["Clothing", "HATS", "T-shirts"]
    assert {p.sku: p.category for p in uow.state.products.values()} == {
        "A": "T-shirts",
        "B": "HATS",
        "C": "T-shirts",
        "D": "HATS",
    }
    top = await browse_category(uow, category_id=0, page=0, page_size=6, currency="EUR", fallback_currency="EUR")
    assert [(c.name, c.product_count) for c in top.children] == [("Clothing", 4)]


def test_a_name_is_spelled_as_stored_and_a_stored_name_typed_exactly_is_itself() -> None:
    spelling = Spelling(["Kitchen", "kitchen", "Garden"])  # both Kitchens from before the rule
    assert spelling.path("kitchen") == "kitchen" and spelling.path("Kitchen") == "Kitchen"
    assert spelling.path("KITCHEN") == spelling.path("kITCHEN") == "Kitchen"
    assert spelling.path("garden >  new  pots") == "Garden > new pots"
    assert spelling.path("GARDEN > New Pots") == "Garden > new pots"  # a new name as first spelled


async def test_a_file_with_a_cycle_imports_nothing() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ImportRejected) as caught:
        await import_products(uow, SystemClock(), HEADER + "A,Tee,A > B,5,EUR\nB,Cap,B > A,3,EUR\n")
    assert caught.value.problems == [(3, "category A cannot be inside B: B is already inside A")]
    with pytest.raises(ImportRejected) as malformed:
        await import_products(uow, SystemClock(), HEADER + "A,Tee,A > B,5,EUR\nC,Mug,>,1,EUR\n")
    assert [line for line, _ in malformed.value.problems] == [3]
    assert uow.state.products == {} and uow.state.categories == {}


async def test_a_category_shows_its_children_first_then_its_own_products_paged_together() -> None:
    uow = FakeUnitOfWork()
    rows = "".join(f"P{i},Item {i:02},Clothing,1,EUR\n" for i in range(5))
    await import_products(
        uow, SystemClock(), HEADER + rows + "K1,Kid,Clothing > Hats,1,EUR\nK2,Kid,Clothing > Coats,1,EUR\n"
    )
    clothing = next(i for n, i in uow.state.categories.items() if n == "Clothing")
    first = await browse_category(
        uow, category_id=clothing, page=0, page_size=3, currency="EUR", fallback_currency="EUR"
    )
    second = await browse_category(
        uow, category_id=clothing, page=1, page_size=3, currency="EUR", fallback_currency="EUR"
    )
    assert [c.name for c in first.children] == ["Coats", "Hats"]
    assert [c.product.name for c in first.cards] == ["Item 00"]
    assert second.children == [] and [c.product.name for c in second.cards] == ["Item 01", "Item 02", "Item 03"]
    assert (first.total, first.pages) == (7, 3)
