"""Price lists: which price applies (group × currency × quantity break), ordering terms, the
rules staff type and import, and a wholesale customer's cart priced and checked by them."""

from decimal import Decimal

import pytest

from domain.errors import ImportRejected
from domain.money import Money
from domain.pricing import (
    BelowMinimumOrder,
    InvalidGroup,
    InvalidPriceRule,
    NotAPackMultiple,
    OrderingTerms,
    PricedItem,
    PriceList,
    PriceRule,
    Scope,
    normalize_group,
    ordering_terms,
    parse_percent,
    parse_target,
    resolve_price,
)
from domain.usecases.cart import MAX_CART_QUANTITY, add_to_cart, change_cart_line, view_cart
from domain.usecases.customers import ensure_customer
from domain.usecases.pricing import import_prices
from domain.usecases.product_cards import product_card_by_sku
from tests.fakes import FakeClock, FakeUnitOfWork

EUR = "EUR"
ITEM = PricedItem("MUG-1-BLUE", "MUG-1", (7, 3))  # category 7 (Mugs) inside 3 (Kitchen)
BASE = Money(1000, EUR)


def rule(scope: Scope, target: str, *, at: int = 1, price: int | None = None, off: str | None = None, **kw: object):
    return PriceRule(
        str(kw.get("group", "wholesale")),
        str(kw.get("currency", EUR)),
        scope,
        target,
        at,
        Money(price, str(kw.get("currency", EUR))) if price is not None else None,
        Decimal(off) if off is not None else None,
    )


def unit(rules: list[PriceRule], quantity: int = 1, base: Money = BASE) -> int:
    return resolve_price(rules, ITEM, base, quantity).unit.amount


def test_without_a_rule_the_base_price_applies_and_no_reason_is_given() -> None:
    resolved = resolve_price([], ITEM, BASE, 5)
    assert resolved.unit == BASE and resolved.rule is None and not resolved.reduced


def test_variant_beats_product_beats_nearest_category_beats_outer_category() -> None:
    outer = rule(Scope.CATEGORY, "3", off="50")
    inner = rule(Scope.CATEGORY, "7", off="10")
    product = rule(Scope.PRODUCT, "MUG-1", price=950)
    variant = rule(Scope.VARIANT, "MUG-1-BLUE", price=980)
    assert unit([outer]) == 500
    assert unit([outer, inner]) == 900  # the nearer category wins though the outer is cheaper
    assert unit([outer, inner, product]) == 950
    assert unit([outer, inner, product, variant]) == 980  # the most specific wins, not the cheapest


def test_the_best_quantity_break_reached_applies() -> None:
    rules = [rule(Scope.PRODUCT, "MUG-1", at=10, off="5"), rule(Scope.PRODUCT, "MUG-1", at=50, off="12")]
    assert [unit(rules, q) for q in (1, 9, 10, 49, 50, 500)] == [1000, 1000, 950, 950, 880, 880]
    assert resolve_price(rules, ITEM, BASE, 50).rule == rules[1]


def test_a_fixed_price_and_a_percent_at_one_scope_the_lower_wins() -> None:
    fixed = rule(Scope.PRODUCT, "MUG-1", price=920)
    percent = rule(Scope.PRODUCT, "MUG-1", at=10, off="10")
    assert unit([fixed, percent], 1) == 920
    assert unit([fixed, percent], 10) == 900
    assert resolve_price([fixed, percent], ITEM, BASE, 10).rule == percent


def test_a_rule_in_another_currency_does_not_apply() -> None:
    rub = rule(Scope.PRODUCT, "MUG-1", price=50_000, currency="RUB")
    assert unit([rub]) == 1000
    assert unit([rub], base=Money(99_000, "RUB")) == 50_000


def test_percent_off_rounds_half_even_to_the_minor_unit() -> None:
    # 2.50 × 0.95 = 2.375 → 2.38 (half-even: 7 is odd, goes up); 2.30 × 0.95 = 2.185 → 2.18
    assert unit([rule(Scope.PRODUCT, "MUG-1", off="5")], base=Money(250, EUR)) == 238
    assert unit([rule(Scope.PRODUCT, "MUG-1", off="5")], base=Money(230, EUR)) == 218
    assert unit([rule(Scope.PRODUCT, "MUG-1", off="12.5", currency="JPY")], base=Money(999, "JPY")) == 874  # 874.125


def test_rules_for_other_products_and_categories_do_not_apply() -> None:
    assert unit([rule(Scope.VARIANT, "MUG-1", price=1), rule(Scope.CATEGORY, "8", price=1)]) == 1000


def test_ordering_terms_come_from_the_most_specific_rules_in_any_currency() -> None:
    terms_rule = PriceRule("wholesale", "", Scope.CATEGORY, "3", min_order=6, pack=3)
    product_terms = PriceRule("wholesale", "", Scope.PRODUCT, "MUG-1", min_order=10, pack=5)
    assert ordering_terms([terms_rule], ITEM) == OrderingTerms(6, 3)
    assert ordering_terms([terms_rule, product_terms], ITEM) == OrderingTerms(10, 5)
    assert ordering_terms([rule(Scope.PRODUCT, "MUG-1", price=1)], ITEM) == OrderingTerms()


def test_minimum_and_pack_refusals_name_the_rule() -> None:
    terms = OrderingTerms(10, 5)
    assert terms.allows(0) and terms.allows(10) and terms.allows(15)
    with pytest.raises(BelowMinimumOrder) as below:
        terms.check(5, "Mug")
    assert below.value.params == {"name": "Mug", "minimum": 10}
    with pytest.raises(NotAPackMultiple) as odd:
        terms.check(12, "Mug")
    assert odd.value.params == {"name": "Mug", "pack": 5, "lower": 10, "upper": 15, "quantity": 12}
    assert (terms.first, terms.up(0), terms.up(10), terms.down(15), terms.down(10), terms.fit(12)) == (
        10,
        10,
        15,
        10,
        0,
        15,
    )
    assert OrderingTerms(7, 5).first == 10  # a minimum between packs: the next whole pack


def test_a_minimum_pack_or_break_no_cart_line_can_hold_is_refused() -> None:
    """A minimum of 50,000 was saved, and the group's customers were told to order 50,000 or
    more, which a cart line (9,999 at most) refuses: the product could not be bought at all."""
    most = MAX_CART_QUANTITY
    assert PriceRule("wholesale", "", Scope.VARIANT, "X", min_order=most, pack=most).check()
    assert rule(Scope.VARIANT, "X", at=most, price=100).check()
    for refused in (
        PriceRule("wholesale", "", Scope.VARIANT, "X", min_order=most + 1),
        PriceRule("wholesale", "", Scope.VARIANT, "X", pack=most + 1),
        rule(Scope.VARIANT, "X", at=most + 1, price=100),
    ):
        with pytest.raises(InvalidPriceRule):
            refused.check()


def test_rules_themselves_are_checked() -> None:
    with pytest.raises(InvalidPriceRule):
        rule(Scope.PRODUCT, "X", off="100").check()
    with pytest.raises(InvalidPriceRule):
        PriceRule("wholesale", EUR, Scope.PRODUCT, "X").check()  # sets nothing
    with pytest.raises(InvalidPriceRule):
        parse_percent("150%")
    assert parse_percent("-5%".lstrip("-")) == Decimal(5) and parse_percent("12,5") == Decimal("12.5")
    assert normalize_group(" Wholesale ") == "wholesale"
    with pytest.raises(InvalidGroup):
        normalize_group("who le")
    assert parse_target("mug-1") == (Scope.VARIANT, "MUG-1")
    assert parse_target("product:mug") == (Scope.PRODUCT, "MUG")
    assert parse_target("category:Kitchen  ware") == (Scope.CATEGORY, "Kitchen ware")


def test_a_price_list_walks_up_the_category_tree() -> None:
    prices = PriceList("wholesale", [rule(Scope.CATEGORY, "1", off="10")], {3: 2, 2: 1, 1: None})
    item = prices.item("MUG-1", "MUG-1", 3)
    assert item.categories == (3, 2, 1)
    assert prices.price(item, BASE).unit == Money(900, EUR)
    cyclic = PriceList("wholesale", [rule(Scope.CATEGORY, "9", off="10")], {1: 2, 2: 1})
    assert cyclic.item("X", "X", 1).categories == (1, 2)


PRICES = """group,target,currency,price,percent,from,min_order,pack
wholesale,MUG-1,EUR,4.00,,,,
wholesale,category:Kitchen,EUR,,5,10,,
wholesale,category:Kitchen,EUR,,12,50,,
wholesale,product:BAG-1,,,,,2,2
"""


async def _wholesaler(uow: FakeUnitOfWork) -> int:
    customer = await ensure_customer(uow, FakeClock(), telegram_id=77, first_name="Bulk")
    stored = uow.state.customers[77]
    stored.price_group = "wholesale"
    return customer.id or 0


async def test_an_imported_price_list_prices_a_wholesale_customers_cart_and_card(shop: FakeUnitOfWork) -> None:
    report = await import_prices(shop, PRICES)
    assert (report.created, report.updated) == (4, 0)
    customer_id = await _wholesaler(shop)
    mug = shop.state.products[next(i for i, p in shop.state.products.items() if p.sku == "MUG-2")]
    await add_stock(shop, mug.id or 0, 5)
    await add_to_cart(shop, FakeClock(), customer_id=customer_id, product_id=mug.id or 0, quantity=1, hold_minutes=30)
    cart = await view_cart(shop, FakeClock(), customer_id=customer_id, currency=EUR, fallback_currency=EUR)
    (line,) = cart.lines
    assert line.unit_price == Money(400, EUR) and line.price_rule is None  # no rule for MUG-2 below 10
    card = await product_card_by_sku(
        shop, sku="MUG-1", currency=EUR, fallback_currency=EUR, customer_id=customer_id, price_group="wholesale"
    )
    assert (card.price, card.base_price) == (Money(400, EUR), Money(450, EUR))
    assert [(b.rule.min_quantity if b.rule else 0) for b in card.breaks] == []  # the variant's fixed price wins
    retail = await product_card_by_sku(shop, sku="MUG-1", currency=EUR, fallback_currency=EUR)
    assert retail.price == Money(450, EUR) and retail.price_rule is None


async def test_the_cart_reprices_a_line_when_a_break_is_reached(shop: FakeUnitOfWork) -> None:
    await import_prices(shop, PRICES)
    customer_id = await _wholesaler(shop)
    mug2 = next(p for p in shop.state.products.values() if p.sku == "MUG-2")
    await add_stock(shop, mug2.id or 0, 60)
    await add_to_cart(shop, FakeClock(), customer_id=customer_id, product_id=mug2.id or 0, quantity=10, hold_minutes=30)
    cart = await view_cart(shop, FakeClock(), customer_id=customer_id, currency=EUR, fallback_currency=EUR)
    assert cart.lines[0].unit_price == Money(380, EUR) and cart.lines[0].base_price == Money(400, EUR)
    assert cart.subtotal == Money(3800, EUR)
    assert cart.order_lines({})[0].unit_price == Money(380, EUR)  # the order keeps the list's price
    await add_to_cart(shop, FakeClock(), customer_id=customer_id, product_id=mug2.id or 0, quantity=40, hold_minutes=30)
    cart = await view_cart(shop, FakeClock(), customer_id=customer_id, currency=EUR, fallback_currency=EUR)
    assert cart.lines[0].unit_price == Money(352, EUR) and cart.lines[0].price_rule is not None
    assert cart.lines[0].price_rule.min_quantity == 50


async def test_minimum_and_pack_are_refused_at_add_and_at_the_buttons_and_nothing_changes(
    shop: FakeUnitOfWork,
) -> None:
    await import_prices(shop, PRICES)
    customer_id = await _wholesaler(shop)
    bag = next(p for p in shop.state.products.values() if p.sku == "BAG-1")
    await add_stock(shop, bag.id or 0, 10)
    with pytest.raises(BelowMinimumOrder):
        await add_to_cart(
            shop, FakeClock(), customer_id=customer_id, product_id=bag.id or 0, quantity=1, hold_minutes=30
        )
    assert shop.state.carts.get(customer_id, {}) == {}
    await add_to_cart(shop, FakeClock(), customer_id=customer_id, product_id=bag.id or 0, quantity=2, hold_minutes=30)
    with pytest.raises(NotAPackMultiple):
        await change_cart_line(
            shop,
            FakeClock(),
            customer_id=customer_id,
            product_id=bag.id or 0,
            expected=2,
            quantity=3,
            hold_minutes=30,
        )
    assert shop.state.carts[customer_id] == {bag.id: 2}
    cart = await view_cart(shop, FakeClock(), customer_id=customer_id, currency=EUR, fallback_currency=EUR)
    assert cart.lines[0].terms == OrderingTerms(2, 2)


async def test_a_bad_price_file_is_refused_whole_with_line_numbers(shop: FakeUnitOfWork) -> None:
    bad = PRICES + "wholesale,NOPE-1,EUR,1.00,,,,\nwholesale,MUG-1,EUR,1.00,5,,,\nwho le,MUG-2,EUR,1,,,,\n"
    with pytest.raises(ImportRejected) as rejected:
        await import_prices(shop, bad)
    assert [line for line, _ in rejected.value.problems] == [6, 7, 8]  # the unknown target with the rest
    assert shop.state.price_rules == {}
    with pytest.raises(ImportRejected) as missing:
        await import_prices(shop, PRICES + "wholesale,NOPE-1,EUR,1.00,,,,\n")
    assert [line for line, _ in missing.value.problems] == [6]
    assert shop.state.price_rules == {}


async def add_stock(uow: FakeUnitOfWork, product_id: int, quantity: int) -> None:
    from domain.usecases.imports.stock import import_stock

    sku = uow.state.products[product_id].sku
    await import_stock(uow, FakeClock(), f"sku,warehouse,bin,quantity\n{sku},LON,A-01-01-9,{quantity}\n")


async def test_a_price_file_names_its_unknown_targets_with_its_other_bad_lines(shop: FakeUnitOfWork) -> None:
    """One run names every bad line: a bad price no longer hides an unknown SKU until it is fixed."""
    header = "group,target,currency,price,percent,from,min_order,pack\n"
    bad = header + "wholesale,NOPE-9,EUR,4.00,,,,\nwholesale,MUG-1,EUR,x,,,,\n"
    with pytest.raises(ImportRejected) as rejected:
        await import_prices(shop, bad)
    assert sorted({line for line, _ in rejected.value.problems}) == [2, 3]
