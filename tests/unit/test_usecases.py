"""Use cases on in-memory fakes: the business rules without a database."""

import copy
from datetime import timedelta

import pytest

from domain.errors import InsufficientStock, NotFound
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus
from domain.ports import SystemClock
from domain.usecases.cart import add_to_cart, set_cart_quantity
from domain.usecases.catalog import browse_category
from domain.usecases.customers import ensure_customer, set_language
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.orders import transition_order
from domain.usecases.product_cards import product_card, product_card_by_sku
from domain.usecases.stock import stock_drift
from tests.fakes import FakeClock, FakeUnitOfWork


async def test_a_new_user_is_registered_once_and_renames_are_remembered() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    first = await ensure_customer(uow, clock, telegram_id=5, first_name="Ann")
    again = await ensure_customer(uow, clock, telegram_id=5, first_name="Ann")
    assert first.id == again.id and uow.commits == 1
    renamed = await ensure_customer(uow, clock, telegram_id=5, first_name="Anna", username="anna")
    assert (renamed.first_name, renamed.username) == ("Anna", "anna") and uow.commits == 2


async def test_language_choice_is_stored() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    await ensure_customer(uow, clock, telegram_id=5, first_name="Ann")
    await set_language(uow, telegram_id=5, language="ru", offered=("en", "ru"))
    assert uow.state.customers[5].language == "ru"


async def test_availability_is_summed_over_warehouses(shop: FakeUnitOfWork) -> None:
    card = await product_card_by_sku(shop, sku="mug-1", currency="EUR", fallback_currency="EUR")
    assert card.available == 8 and card.in_stock and not card.is_low
    assert card.price == Money(450, "EUR")
    bag = await product_card_by_sku(shop, sku="BAG-1", currency="USD", fallback_currency="EUR")
    assert bag.is_low and bag.price == Money(999, "EUR")


async def test_a_category_lists_its_children_with_their_counts_and_pages_its_products(shop: FakeUnitOfWork) -> None:
    top = await browse_category(shop, category_id=0, page=0, page_size=5, currency="EUR", fallback_currency="EUR")
    assert [(c.name, c.product_count) for c in top.children] == [("Bags", 1), ("Kitchen", 2)]
    assert top.category is None and top.cards == []
    kitchen = top.children[1]
    page = await browse_category(
        shop, category_id=kitchen.id, page=0, page_size=1, currency="EUR", fallback_currency="EUR"
    )
    assert (page.pages, page.total, [c.product.sku for c in page.cards]) == (2, 2, ["MUG-1"])
    assert [c.name for c in page.trail] == ["Kitchen"] and page.parent_id is None


async def test_a_stale_page_number_shows_the_last_page_and_a_missing_category_is_not_found(
    shop: FakeUnitOfWork,
) -> None:
    top = await browse_category(shop, category_id=0, page=0, page_size=5, currency="EUR", fallback_currency="EUR")
    kitchen = top.children[1]
    late = await browse_category(
        shop, category_id=kitchen.id, page=9, page_size=1, currency="EUR", fallback_currency="EUR"
    )
    assert (late.page, late.pages, len(late.cards)) == (1, 2, 1)
    with pytest.raises(NotFound):
        await browse_category(shop, category_id=999_999, page=0, page_size=1, currency="EUR", fallback_currency="EUR")


async def test_a_hold_takes_the_warehouse_that_can_cover_it(shop: FakeUnitOfWork) -> None:
    mug = shop.state.products[next(i for i, p in shop.state.products.items() if p.sku == "MUG-1")]
    await add_to_cart(shop, FakeClock(), customer_id=1, product_id=mug.id or 0, quantity=4, hold_minutes=30)
    (hold,) = shop.state.reservations.values()
    man = next(w.id for w in shop.state.warehouses.values() if w.code == "MAN")
    assert hold.warehouse_id == man and hold.quantity == 4
    assert hold.expires_at is not None and (hold.expires_at - hold.created_at).total_seconds() == 1800
    card = await product_card(shop, product_id=mug.id or 0, currency="EUR", fallback_currency="EUR")
    assert card.available == 4
    assert await stock_drift(shop) == []


async def test_adding_a_product_again_grows_its_hold_in_that_warehouse_and_renews_it(shop: FakeUnitOfWork) -> None:
    mug_id = next(i for i, p in shop.state.products.items() if p.sku == "MUG-1")
    clock = FakeClock()
    await add_to_cart(shop, clock, customer_id=1, product_id=mug_id, quantity=1, hold_minutes=30)
    clock.advance(minutes=5)
    await add_to_cart(shop, clock, customer_id=1, product_id=mug_id, quantity=2, hold_minutes=30)
    (hold,) = shop.state.reservations.values()
    assert hold.quantity == 3 and hold.expires_at == clock.now() + timedelta(minutes=30)
    assert sum(level.reserved for level in shop.state.stock.values()) == 3
    assert await stock_drift(shop) == []


async def test_a_hold_splits_across_warehouses_and_over_asking_changes_nothing(shop: FakeUnitOfWork) -> None:
    mug_id = next(i for i, p in shop.state.products.items() if p.sku == "MUG-1")
    await add_to_cart(shop, FakeClock(), customer_id=2, product_id=mug_id, quantity=7, hold_minutes=30)
    assert sorted(r.quantity for r in shop.state.reservations.values()) == [2, 5]  # MAN's 5 first, then LON
    before = copy.deepcopy(shop.state)
    with pytest.raises(InsufficientStock) as caught:
        await add_to_cart(shop, FakeClock(), customer_id=1, product_id=mug_id, quantity=2, hold_minutes=30)
    assert caught.value.params == {"available": 1}
    assert (shop.state.stock, shop.state.reservations, shop.state.carts) == (
        before.stock,
        before.reservations,
        before.carts,
    )


async def test_releasing_a_hold_gives_the_stock_back(shop: FakeUnitOfWork) -> None:
    mug_id = next(i for i, p in shop.state.products.items() if p.sku == "MUG-1")
    await add_to_cart(shop, FakeClock(), customer_id=1, product_id=mug_id, quantity=2, hold_minutes=30)
    await set_cart_quantity(shop, FakeClock(), customer_id=1, product_id=mug_id, quantity=1, hold_minutes=30)
    assert sum(level.reserved for level in shop.state.stock.values()) == 1
    await set_cart_quantity(shop, FakeClock(), customer_id=1, product_id=mug_id, quantity=0, hold_minutes=30)
    assert all(level.reserved == 0 for level in shop.state.stock.values())
    assert shop.state.reservations == {} and shop.state.carts.get(1, {}) == {}


async def test_transition_use_case_records_history_and_refuses_illegal_moves() -> None:
    uow, clock = FakeUnitOfWork(), FakeClock()
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="EUR",
        lines=[OrderLine(1, "A", "A", 1, Money(100, "EUR"))],
        now=clock.now(),
        actor="c",
    )
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    clock.advance(minutes=5)
    moved = await transition_order(uow, clock, code="bcdf-ghjk", target=OrderStatus.CANCELLED, actor="customer:1")
    assert moved.status is OrderStatus.CANCELLED
    assert uow.state.orders["BCDFGHJK"].history[-1].at == clock.now()
    with pytest.raises(Exception, match="cannot go"):
        await transition_order(uow, clock, code="BCDFGHJK", target=OrderStatus.PAID, actor="customer:1")
    with pytest.raises(NotFound):
        await transition_order(uow, clock, code="NOPE", target=OrderStatus.PAID, actor="customer:1")


async def test_a_cart_holds_at_most_twenty_different_products(shop: FakeUnitOfWork) -> None:
    from domain.orders import MAX_ORDER_LINES
    from domain.usecases.cart import CartFull

    header = "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
    rows = "".join(f"P-{i},Item {i},K,1,EUR,,,,,,\n" for i in range(MAX_ORDER_LINES + 1))
    await import_products(shop, SystemClock(), header + rows)
    await import_stock(
        shop,
        FakeClock(),
        "sku,warehouse,bin,quantity\n" + "".join(f"P-{i},LON,A-01-01-1,5\n" for i in range(MAX_ORDER_LINES + 1)),
    )
    ids = {p.sku: p.id or 0 for p in shop.state.products.values()}
    for i in range(MAX_ORDER_LINES):
        await add_to_cart(shop, FakeClock(), customer_id=1, product_id=ids[f"P-{i}"], quantity=1, hold_minutes=30)
    with pytest.raises(CartFull):
        await add_to_cart(
            shop, FakeClock(), customer_id=1, product_id=ids[f"P-{MAX_ORDER_LINES}"], quantity=1, hold_minutes=30
        )
    await add_to_cart(shop, FakeClock(), customer_id=1, product_id=ids["P-0"], quantity=1, hold_minutes=30)
    assert shop.state.carts[1][ids["P-0"]] == 2


def test_business_terms_are_read_exactly_or_refused() -> None:
    from domain.customers import InvalidPaymentTerms, business_terms

    assert business_terms("30", "5000.50", "EUR") == (30, 500050)
    assert business_terms("", "", "EUR") == (None, None)
    assert business_terms("0", "1500", "JPY") == (0, 1500)
    assert business_terms("30", "1,5", "EUR") == (30, 150)  # a decimal comma, as the customers file reads it
    for days, limit in (
        ("-1", ""),
        ("366", ""),
        ("30.5", ""),
        ("", "5,000"),
        ("", "1.001"),
        ("", "-1"),
        ("", "NaN"),
        # typed forms Python's int and Decimal take but a person does not mean
        ("", "1e3"),
        ("", "-0"),
        ("", "1_000"),
        ("3_0", ""),
        ("+30", ""),
        ("", "Infinity"),
    ):
        with pytest.raises(InvalidPaymentTerms):
            business_terms(days, limit, "EUR")
