"""Variants: the option syntax, which combinations a card offers, and the products file's parent rows."""

import random

import pytest

from domain.catalog import Product
from domain.errors import DomainError, ImportRejected
from domain.money import Money
from domain.ports import SystemClock
from domain.product_file import parse_products
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.product_cards import product_card, product_card_by_sku
from domain.variants import OptionChoice, Sibling, check_family_category, option_rows, parse_options
from tests.fakes import FakeClock, FakeUnitOfWork

HEADER = "sku,name,category,price,currency,barcode,parent,options\n"
TEES = HEADER + (
    "TEE,T-shirt,Clothes,15.00,GBP,,,Size=S;Colour=Red\n"
    "TEE-M-RED,,,,,,TEE,Size=M;Colour=Red\n"
    "TEE-L-RED,,,17.00,GBP,,TEE,Size=L;Colour=Red\n"
    "TEE-S-BLUE,,,,,,TEE,Size=S;Colour=Blue\n"
)


NOWHERE = (
    "parent {parent}: no row has this SKU, nor is it a stored product: add its parent row, or give this row its own "
    "name, category, price and currency"
)


def test_a_variant_of_a_parent_code_no_row_carries_is_refused_naming_the_code_not_a_missing_currency() -> None:
    """A parent code mistyped (TSHIRT for TEE), or its row left out: the rows that leave a blank
    for it to fill were told to write a currency on "its parent row above it", which is not there."""
    text = HEADER + (
        "TEE,T-shirt,Clothes,15.00,GBP,,,Size=S\n"
        "TEE-M,T-shirt,Clothes,16.00,,,TSHIRT,Size=M\n"  # 3: a price, its currency the parent's
        "TEE-L,,,,,,TSHIRT,Size=L\n"  # 4: everything the parent's
        "TEE-XL,T-shirt XL,Clothes,18.00,GBP,,TSHIRT,Size=XL\n"  # a code of its own: every row gives all
    )
    _, problems = parse_products(text)
    assert [(line, str(why)) for line, why in problems] == [
        (3, NOWHERE.format(parent="TSHIRT")),
        (4, NOWHERE.format(parent="TSHIRT")),
    ]
    # A parent row that is there, below or bad itself, is still what the row is told about.
    below, bad = (
        parse_products(HEADER + "TEE-M,,,16.00,,,TEE,Size=M\nTEE,T-shirt,Clothes,15.00,GBP,,,Size=S\n")[1],
        parse_products(HEADER + "TEE,T-shirt,Clothes,,,,,Size=S\nTEE-M,,,,,,TEE,Size=M\n")[1],
    )
    assert [str(why) for _, why in below] == [
        "price is given without a currency: write it on this row or on its parent row above it"
    ]
    assert "price is required: neither this row nor its parent row TEE gives it" in [str(why) for _, why in bad]


def _variant(pid: int, size: str, colour: str) -> Product:
    return Product(
        f"T-{size}-{colour}", "Tee", "C", parent="T", option_names=("Size", "Colour"), options=(size, colour), id=pid
    )


def test_options_are_read_as_names_and_values_in_order() -> None:
    assert parse_options("Size = M ; Colour=Dark  red") == (("Size", "Colour"), ("M", "Dark red"))
    assert parse_options("Size=M|Colour=Red") == (("Size", "Colour"), ("M", "Red"))
    assert parse_options("") == ((), ())


@pytest.mark.parametrize("text", ["Size", "Size=", "=M", "Size=M;size=L", "Size=" + "x" * 65])
def test_malformed_options_are_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_options(text)


def test_a_fourth_option_is_refused() -> None:
    with pytest.raises(DomainError, match="at most 3"):
        parse_options("A=1;B=2;C=3;D=4")


def test_only_existing_combinations_are_offered_and_sold_out_ones_are_marked() -> None:
    variants = [_variant(1, "S", "Red"), _variant(2, "M", "Red"), _variant(3, "S", "Blue")]
    siblings = [Sibling(1, ("S", "Red")), Sibling(2, ("M", "Red")), Sibling(3, ("S", "Blue"))]
    rows = option_rows(variants[0], siblings, {1: 4, 2: 0, 3: 9})
    assert [row.name for row in rows] == ["Size", "Colour"]
    assert rows[0].choices == (OptionChoice("S", 1, True, False), OptionChoice("M", 2, False, True))
    assert rows[1].choices == (OptionChoice("Red", 1, True, False), OptionChoice("Blue", 3, False, False))
    # From M/Red there is no M/Blue: "Blue" opens the closest combination that exists, S/Blue.
    from_m = option_rows(variants[1], siblings, {1: 4, 2: 0, 3: 9})
    assert from_m[1].choices[1] == OptionChoice("Blue", 3, False, False)


def test_hidden_variants_get_no_button_but_keep_their_values_in_catalog_order() -> None:
    siblings = [
        Sibling(1, ("S", "Red"), listed=False),
        Sibling(2, ("M", "Red")),
        Sibling(3, ("S", "Blue")),
        Sibling(4, ("L", "Blue"), listed=False),  # the only L: no L button at all
    ]
    rows = option_rows(_variant(2, "M", "Red"), siblings, {2: 1, 3: 1})
    assert [(c.value, c.product_id) for c in rows[0].choices] == [("S", 3), ("M", 2)]
    assert [(c.value, c.product_id) for c in rows[1].choices] == [("Red", 2), ("Blue", 3)]
    only_hidden_differ = [Sibling(1, ("S", "Red")), Sibling(2, ("M", "Red"), listed=False)]
    assert option_rows(_variant(1, "S", "Red"), only_hidden_differ, {}) == []


def test_an_option_with_one_value_gets_no_buttons() -> None:
    siblings = [Sibling(1, ("S", "Red")), Sibling(2, ("M", "Red"))]
    assert [row.name for row in option_rows(_variant(1, "S", "Red"), siblings, {})] == ["Size"]


def test_a_one_option_card_offers_what_the_rule_for_several_options_offers() -> None:
    """The one-option path (``_one_option``) against the general rule: the same family with a
    second option every variant shares (a row of one value, so no buttons) goes the general way."""
    rng = random.Random(19)
    for _ in range(500):
        values = rng.choices(["S", "M", "L", "XL", "XXL"], k=rng.randint(1, 6))  # a value twice at times
        family = [
            Sibling(pid, (value,), rng.random() > 0.2, rng.random() > 0.2) for pid, value in enumerate(values, start=1)
        ]
        available = {s.id: rng.choice([0, 0, 3]) for s in family}
        widened = [Sibling(s.id, (*s.options, "Cotton"), s.listed, s.orderable) for s in family]
        for chosen in family:
            alone = Product("T", "Tee", "C", parent="T", option_names=("Size",), options=chosen.options, id=chosen.id)
            both = Product(
                "T", "Tee", "C", parent="T", option_names=("Size", "Cloth"), options=(*chosen.options, "Cotton")
            )
            assert option_rows(alone, family, available) == option_rows(both, widened, available), (family, chosen)


def test_variants_fill_their_blanks_from_the_parent_row() -> None:
    parsed, problems = parse_products(TEES)
    assert problems == []
    products = {p.sku: p for _, p in parsed}
    medium, large = products["TEE-M-RED"], products["TEE-L-RED"]
    assert (medium.name, medium.category, medium.prices) == ("T-shirt", "Clothes", {"GBP": Money(1500, "GBP")})
    assert large.prices == {"GBP": Money(1700, "GBP")}  # its own price overrides the parent's
    assert (medium.parent, medium.options, products["TEE"].parent_code) == ("TEE", ("M", "Red"), "TEE")


def test_a_variant_that_takes_its_parents_name_takes_its_translations_too() -> None:
    """A Russian reader read «Футболка» on S / Red and "T-shirt" on M / Red."""
    text = "sku,name,category,price,currency,parent,options,name_ru,description,description_ru\n" + (
        "TEE,T-shirt,Clothes,15.00,GBP,,Size=S;Colour=Red,Футболка,Soft,Мягкая\n"
        "TEE-M-RED,,,,,TEE,Size=M;Colour=Red,,,\n"
        "TEE-L-RED,,,,,TEE,Size=L;Colour=Red,Футболка L,,Большая\n"
        "TEE-XL-RED,Big tee,,,,TEE,Size=XL;Colour=Red,,Roomy,\n"
    )
    parsed, problems = parse_products(text)
    assert problems == []
    products = {p.sku: p for _, p in parsed}
    medium, large, huge = products["TEE-M-RED"], products["TEE-L-RED"], products["TEE-XL-RED"]
    assert (medium.names, medium.descriptions) == ({"ru": "Футболка"}, {"ru": "Мягкая"})
    assert (large.names, large.descriptions) == ({"ru": "Футболка L"}, {"ru": "Большая"})  # its own kept
    assert (huge.names, huge.descriptions) == ({}, {})  # named and described itself: not the parent's words
    assert medium.in_language("ru").name == "Футболка" and medium.in_language("ru").display_name == "Футболка (M / Red)"


def test_every_bad_variant_row_is_reported_with_its_line() -> None:
    text = HEADER + (
        "TEE,T-shirt,Clothes,,,,,Size=S;Colour=Red\n"  # 2: the parent row has no price
        "TEE-M,,,,,,TEE,Size=M;Colour=Red\n"  # 3: so neither has this variant
        "TEE-L,,,9,GBP,,TEE,Colour=Red;Size=L\n"  # 4: options in another order
        "TEE-M2,,,9,GBP,,TEE,Size=M;Colour=red\n"  # 5: M/Red again
        "TEE-X,,,9,GBP,,TEE,A=1;B=2;C=3;D=4\n"  # 6: four options
        "CAP-1,,,,,,CAP,Size=M\n"  # 7: no parent row, no name, category or price
        "MUG,Mug,Home,3,GBP,4006381333931,,\n"
        "MUG-2,Mug,Home,3,GBP,4006381333931,,\n"  # 9: a barcode twice
    )
    _, problems = parse_products(text)
    lines = {line for line, _ in problems}
    assert lines == {2, 3, 4, 5, 6, 7, 9}
    reasons = {line: [str(r) for at, r in problems if at == line] for line in lines}
    assert "price and currency are required" in reasons[2]
    assert any("price is required: neither this row nor its parent row TEE" in r for r in reasons[3])
    assert any("options of TEE must be Size, Colour" in r for r in reasons[4])
    assert any("TEE already has a variant M / red (SKU TEE-M)" in r for r in reasons[5])
    assert any("at most 3 options" in r for r in reasons[6])
    assert reasons[7] == [NOWHERE.format(parent="CAP")]
    assert any("duplicate barcode 4006381333931 (first on line 8)" in r for r in reasons[9])


async def _shop() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name\nLON,London\n")
    await import_products(uow, SystemClock(), TEES)
    await import_stock(uow, FakeClock(), "sku,warehouse,quantity\nTEE,LON,5\nTEE-M-RED,LON,0\nTEE-S-BLUE,LON,2\n")
    return uow


async def test_a_variant_added_later_must_match_the_stored_ones() -> None:
    uow = await _shop()
    commits = uow.commits
    for clash, reason in [
        ("TEE-S-RED2,T-shirt,Clothes,15,GBP,,TEE,Size=S;Colour=Red", "TEE already has a variant S / Red (SKU TEE)"),
        ("TEE-XL,T-shirt,Clothes,15,GBP,,TEE,Size=XL", "options of TEE must be Size, Colour"),
    ]:
        with pytest.raises(ImportRejected) as refused:
            await import_products(uow, SystemClock(), HEADER + clash + "\n")
        [(line, why)] = refused.value.problems
        assert line == 2 and reason in str(why)
    assert uow.commits == commits
    await import_products(uow, SystemClock(), HEADER + "TEE-XL,T-shirt,Clothes,15,GBP,,TEE,Size=XL;Colour=Red\n")
    assert [v.sku for v in await uow.products.variants("TEE")][-1] == "TEE-XL"


async def test_a_variant_row_without_its_parent_row_keeps_what_is_stored_for_its_blanks() -> None:
    uow = await _shop()
    # A size's new price alone, in the parent's currency: its name, category and barcode are kept.
    report = await import_products(uow, SystemClock(), HEADER + "TEE-L-RED,,,18.50,,,TEE,Size=L;Colour=Red\n")
    assert (report.created, report.updated) == (0, 1)
    [large] = [v for v in await uow.products.variants("TEE") if v.sku == "TEE-L-RED"]
    assert (large.name, large.category, large.prices) == ("T-shirt", "Clothes", {"GBP": Money(1850, "GBP")})
    # A new size of a stored T-shirt takes the parent's name, category and price.
    await import_products(uow, SystemClock(), HEADER + "TEE-XL-RED,,,,,,TEE,Size=XL;Colour=Red\n")
    [new] = [v for v in await uow.products.variants("TEE") if v.sku == "TEE-XL-RED"]
    assert (new.name, new.category, new.prices) == ("T-shirt", "Clothes", {"GBP": Money(1500, "GBP")})
    # A parent that is stored nowhere still leaves the row wanting, with its line and the code.
    with pytest.raises(ImportRejected) as refused:
        await import_products(uow, SystemClock(), HEADER + "CAP-M,,,,,,CAP,Size=M\n")
    assert [(line, str(why)) for line, why in refused.value.problems] == [(2, NOWHERE.format(parent="CAP"))]


async def test_a_variant_row_without_its_parent_row_keeps_what_is_stored_for_its_blanks_when_it_names_itself() -> None:
    """Only a row that left its name, category or price blank was filled from what is stored: one
    giving them had its stored description, weight and cost wiped by its blanks."""
    uow = await _shop()
    full = "sku,name,category,price,currency,barcode,parent,options,description,weight_g,cost\n"
    await import_products(uow, SystemClock(), full + "TEE-L-RED,,,17.00,,,TEE,Size=L;Colour=Red,Soft cotton,250,6.00\n")
    await import_products(uow, SystemClock(), HEADER + "TEE-L-RED,T-shirt,Clothes,18.50,GBP,,TEE,Size=L;Colour=Red\n")
    [large] = [v for v in await uow.products.variants("TEE") if v.sku == "TEE-L-RED"]
    assert (large.prices, large.description, large.weight_g, large.cost) == (
        {"GBP": Money(1850, "GBP")},
        "Soft cotton",
        250,
        Money(600, "GBP"),
    )


def test_a_familys_rows_give_the_parent_rows_category_or_are_refused_naming_it() -> None:
    tees = [(3, _variant(1, "S", "Red")), (2, Product("T", "Tee", "C", parent="T", option_names=("Size", "Colour")))]
    tees += [(4, _variant(2, "M", "Red")), (5, _variant(3, "L", "Red"))]
    tees[3][1].category = "Party"
    category, problems = check_family_category(tees)
    assert category == "C"  # the parent row's (line 2), though another row comes first
    [(line, why)] = problems
    assert line == 5 and str(why) == (
        "category must be C, as for T on line 2: a product's variants share one category; got Party"
    )
    category, problems = check_family_category(tees[2:])  # no parent row: the first row's
    assert category == "C" and [(line, "as for T on line 4" in str(why)) for line, why in problems] == [(5, True)]
    assert check_family_category([]) == ("", [])


async def test_a_file_moving_a_product_takes_its_stored_variants_along_and_refuses_a_split() -> None:
    uow = await _shop()
    with pytest.raises(ImportRejected) as refused:
        await import_products(
            uow,
            SystemClock(),
            HEADER + "TEE,T-shirt,Clothes,15,GBP,,,Size=S;Colour=Red\nTEE-M-RED,,Sale,,,,TEE,Size=M;Colour=Red\n",
        )
    [(line, _)] = refused.value.problems
    assert line == 3
    await import_products(uow, SystemClock(), HEADER + "TEE-L-RED,T-shirt,Sale,17,GBP,,TEE,Size=L;Colour=Red\n")
    assert {v.sku: v.category for v in await uow.products.variants("TEE")} == dict.fromkeys(
        ["TEE", "TEE-M-RED", "TEE-L-RED", "TEE-S-BLUE"], "Sale"
    )


async def test_the_card_offers_the_parents_variants_and_a_variant_sku_opens_it_chosen() -> None:
    uow = await _shop()
    card = await product_card_by_sku(uow, sku="tee-m-red", currency="GBP", fallback_currency="GBP")
    assert (card.product.sku, card.available, card.in_stock) == ("TEE-M-RED", 0, False)
    sizes = card.options[0]
    assert [(c.value, c.chosen, c.sold_out) for c in sizes.choices] == [
        ("S", False, False),
        ("M", True, True),
        ("L", False, True),
    ]
    blue = await product_card(
        uow, product_id=card.options[1].choices[1].product_id, currency="GBP", fallback_currency="GBP"
    )
    assert (blue.product.sku, blue.available) == ("TEE-S-BLUE", 2)


def test_a_discontinued_variant_is_marked_like_a_sold_out_one() -> None:
    siblings = [Sibling(1, ("S", "Red")), Sibling(2, ("M", "Red"), orderable=False)]
    rows = option_rows(_variant(1, "S", "Red"), siblings, {1: 1, 2: 5})  # in stock, but no longer sold
    assert rows[0].choices[1] == OptionChoice("M", 2, False, True)


def test_a_value_opens_a_variant_that_can_be_had_before_a_discontinued_one_as_close() -> None:
    siblings = [Sibling(1, ("S", "Red")), Sibling(2, ("M", "Blue"), orderable=False), Sibling(3, ("M", "Green"))]
    rows = option_rows(_variant(1, "S", "Red"), siblings, {1: 1, 2: 5, 3: 2})  # M / Blue: stock, but no longer sold
    assert rows[0].choices[1] == OptionChoice("M", 3, False, False)
