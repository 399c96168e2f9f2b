"""Product status rules, field edits as typed in chat, and translated names from CSV."""

import pytest

from domain.catalog import Dimensions, Discontinued, Product, ProductStatus
from domain.catalog_edits import (
    InvalidDimensions,
    InvalidName,
    InvalidWeight,
    NegativeAmount,
    NotALanguage,
    TooLong,
    UnknownField,
    apply_text,
    field_value,
    parse_dimensions,
    parse_weight,
)
from domain.errors import NotFound
from domain.money import InvalidAmount, Money
from domain.ports import SystemClock
from domain.product_file import parse_products
from domain.usecases.cart import NotForSale, add_to_cart, view_cart
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.product_cards import product_card, product_card_by_sku
from tests.fakes import FakeClock, FakeUnitOfWork

HEADER = "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description"
LANGUAGES = frozenset({"ru"})


def _mug() -> Product:
    return Product("MUG-1", "Mug", "Kitchen", {"EUR": Money(450, "EUR")})


def test_an_active_product_is_listed_and_orderable() -> None:
    mug = _mug()
    assert mug.listed and mug.orderable
    mug.check_orderable()


def test_a_hidden_product_is_neither_listed_nor_orderable() -> None:
    mug = _mug()
    mug.status = ProductStatus.HIDDEN
    assert not mug.listed and not mug.orderable


def test_a_discontinued_product_is_listed_but_refused_with_its_name() -> None:
    mug = _mug()
    mug.status = ProductStatus.DISCONTINUED
    assert mug.listed and not mug.orderable
    with pytest.raises(Discontinued) as refused:
        mug.check_orderable()
    assert refused.value.params == {"name": "Mug"}


def test_a_translated_name_is_shown_in_its_language_and_the_default_otherwise() -> None:
    mug = _mug()
    mug.names["ru"] = "Кружка"
    assert mug.in_language("ru").name == "Кружка" and mug.in_language("ru").description == ""
    assert mug.in_language("de") is mug and mug.name == "Mug"


def test_typed_values_are_checked_before_anything_changes() -> None:
    mug = _mug()
    for field, text, error in (
        ("name", " ", InvalidName),
        ("name", "x" * 257, InvalidName),
        ("description", "x" * 3001, TooLong),
        ("price_EUR", "-1", NegativeAmount),
        ("price_EUR", "1.234", InvalidAmount),
        ("weight", "heavy", InvalidWeight),
        ("dims", "10x20", InvalidDimensions),
        ("name_de", "Becher", NotALanguage),
        ("colour", "blue", UnknownField),
    ):
        with pytest.raises(error):
            apply_text(mug, field, text, languages=LANGUAGES, base_currency="EUR")
    assert mug == _mug()


def test_typed_values_are_set_and_a_dash_clears() -> None:
    mug = _mug()
    mug.barcode = "4006381333931"
    for field, text in (("price_GBP", "3.90"), ("name_ru", " Кружка  синяя "), ("barcode", "-"), ("cost", "1,20")):
        apply_text(mug, field, text, languages=LANGUAGES, base_currency="EUR")
    assert mug.prices["GBP"] == Money(390, "GBP") and mug.names == {"ru": "Кружка синяя"}
    assert mug.barcode is None and mug.cost == Money(120, "EUR")
    assert parse_dimensions("300 × 200 × 100 mm") == Dimensions(300, 200, 100) and parse_dimensions("-") is None
    assert parse_weight("350 g") == 350
    assert field_value(mug, "price_EUR") == Money(450, "EUR")


def test_name_and_description_columns_per_language_are_read_and_unknown_languages_refused() -> None:
    text = f"{HEADER},Name_RU,description_ru\nM-1,Mug,Kitchen,4.50,EUR,,300,,,,Nice,Кружка,Хорошая\n"
    parsed, problems = parse_products(text, languages=LANGUAGES)
    assert problems == []
    assert parsed[0][1].names == {"ru": "Кружка"} and parsed[0][1].descriptions == {"ru": "Хорошая"}
    _, problems = parse_products(f"{HEADER},name_xx\nM-1,Mug,Kitchen,4.50,EUR,,300,,,,,Becher\n", languages=LANGUAGES)
    assert problems == [(2, "name_xx: the bot does not speak “xx”")]
    parsed, _ = parse_products(f"{HEADER},status\nM-1,Mug,Kitchen,4.50,EUR,,300,,,,,Discontinued\n")
    assert parsed[0][1].status is ProductStatus.DISCONTINUED
    _, problems = parse_products(f"{HEADER},status\nM-1,Mug,Kitchen,4.50,EUR,,300,,,,,gone\n")
    assert problems == [(2, "status must be active, hidden or discontinued, got “gone”")]


@pytest.fixture
async def shop() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Rd,51.5,0,false\n")
    await import_products(
        uow, SystemClock(), f"{HEADER}\nMUG-1,Mug,Kitchen,4.50,EUR,,300,,,,\nMUG-2,Cup,Kitchen,3.00,EUR,,300,,,,\n"
    )
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nMUG-1,LON,A-01-01-1,5\nMUG-2,LON,A-01-01-2,5\n")
    return uow


async def _set(uow: FakeUnitOfWork, sku: str, status: ProductStatus) -> int:
    product = next(p for p in uow.state.products.values() if p.sku == sku)
    product.status = status
    assert product.id is not None
    return product.id


async def test_a_discontinued_product_in_the_cart_is_left_out_with_the_reason(shop: FakeUnitOfWork) -> None:
    clock = FakeClock()
    mug = next(p.id for p in shop.state.products.values() if p.sku == "MUG-1")
    assert mug is not None
    await add_to_cart(shop, clock, customer_id=1, product_id=mug, quantity=2, hold_minutes=30)
    await _set(shop, "MUG-1", ProductStatus.DISCONTINUED)
    with pytest.raises(Discontinued):
        await add_to_cart(shop, clock, customer_id=1, product_id=mug, quantity=1, hold_minutes=30)
    cart = await view_cart(shop, clock, customer_id=1, currency="EUR", fallback_currency="EUR")
    assert cart.lines == [] and cart.discontinued == ("Mug",) and cart.withdrawn == ()
    card = await product_card(shop, product_id=mug, currency="EUR", fallback_currency="EUR")
    assert card.product.status is ProductStatus.DISCONTINUED  # its card still opens, and says so


async def test_a_hidden_product_has_no_card_and_cannot_be_added(shop: FakeUnitOfWork) -> None:
    cup = await _set(shop, "MUG-2", ProductStatus.HIDDEN)
    with pytest.raises(NotFound):
        await product_card_by_sku(shop, sku="MUG-2", currency="EUR", fallback_currency="EUR")
    with pytest.raises(NotForSale):
        await add_to_cart(shop, FakeClock(), customer_id=1, product_id=cup, quantity=1, hold_minutes=30)


def test_the_price_then_is_the_one_before_the_first_audited_change_or_the_price_now_without_any() -> None:
    from datetime import UTC, datetime

    from domain.catalog_edits import ProductChange, price_then

    at = datetime(2026, 6, 1, tzinfo=UTC)

    def change(before: str, after: str) -> ProductChange:
        return ProductChange(1, at, "staff:1", "price_EUR", before, after)

    now = Money(400, "EUR")
    assert price_then([change("5.00 EUR", "4.50 EUR"), change("4.50 EUR", "4.00 EUR")], now) == Money(500, "EUR")
    assert price_then([], now) == now
    assert price_then([change("", "4.00 EUR")], now) is None  # it had no price then
    assert price_then([change("five EUR", "4.00 EUR")], now) is None  # not written by ``shown``


async def test_what_a_products_file_changes_on_stored_products_goes_into_their_audit_trail(
    shop: FakeUnitOfWork,
) -> None:
    clock = FakeClock()
    again = f"{HEADER}\nMUG-1,Mug,Kitchen,4.50,EUR,,300,,,,\nMUG-2,Cup,Kitchen,3.00,EUR,,300,,,,\n"
    made = list(shop.state.product_changes)  # the shop's own file made MUG-1 and MUG-2
    await import_products(shop, clock, again, actor="staff:7")
    assert shop.state.product_changes == made  # the same rows change nothing
    changed = (
        f"{HEADER},status,name_ru,cost\n"
        "MUG-1,Big mug,Kitchen,3.99,EUR,,300,,,,,hidden,Кружка,1.20\n"  # name, price, status, name_ru, cost
        "MUG-2,Cup,Kitchen,3.00,GBP,,300,,,,,active,,\n"  # a price in another currency: EUR kept
        "MUG-3,Jug,Kitchen,6.00,EUR,,300,,,,,active,,\n"  # new: its creation only
    )
    await import_products(shop, clock, changed, actor="staff:7", languages={"ru"})
    ids = {p.sku: p.id for p in shop.state.products.values()}
    trail = [(c.product_id, c.field, c.before, c.after, c.actor, c.at) for c in shop.state.product_changes[len(made) :]]
    mug, cup, jug, at = ids["MUG-1"], ids["MUG-2"], ids["MUG-3"], clock.now()
    assert sorted(trail, key=lambda t: (t[0] or 0, t[1])) == [
        (mug, "cost", "", "1.20 EUR", "staff:7", at),
        (mug, "name", "Mug", "Big mug", "staff:7", at),
        (mug, "name_ru", "", "Кружка", "staff:7", at),
        (mug, "price_EUR", "4.50 EUR", "3.99 EUR", "staff:7", at),
        (mug, "status", "active", "hidden", "staff:7", at),
        (cup, "price_GBP", "", "3.00 GBP", "staff:7", at),
        (jug, "created", "", "MUG-3", "staff:7", at),
    ]


def test_an_amount_kept_in_the_trail_reads_back_as_money_and_anything_else_as_none() -> None:
    from domain.catalog_edits import kept_money, shown

    assert kept_money(shown(Money(208, "GBP"))) == Money(208, "GBP")
    assert kept_money("1500 JPY") == Money(1500, "JPY")
    assert kept_money("") is None  # no price then
    assert kept_money("5") is None and kept_money("five EUR") is None  # not written by ``shown``
