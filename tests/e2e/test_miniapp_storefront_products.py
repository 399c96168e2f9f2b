"""The storefront's products and cart as the chat's: names in the reader's language, variants,
discontinued, backordered and hidden ones, holds."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, name_in_russian, place_cod_order
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.fakes import FakeClock

pytestmark = pytest.mark.miniapp  # the shop fixture serves the Mini App
CUSTOMER = 501


HEART_RU, HEART_EN = "Подсвечник «Белое сердце»", "White Hanging Heart T-Light Holder"


@pytest.mark.parametrize(("language", "name", "searched"), [("ru", HEART_RU, "T-Light"), ("en", HEART_EN, "сердце")])
async def test_the_storefront_names_products_in_the_customers_language_from_the_list_to_the_placed_order(
    shop: RunningBot, language: str, name: str, searched: str
) -> None:
    """A Russian customer reads the Russian name (and description) on the list, the product's
    page, the cart and the placed order; an English one the shop's; a search by a name in the
    other language still finds it."""
    await name_in_russian(shop, "85123A", HEART_RU, "Русское описание")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/shop/products", params={"q": searched}, headers=headers)).json()
        listed = next(p for p in found["products"] if p["sku"] == "85123A")
        lighting = next(
            c
            for c in await (await client.get("/app/api/shop/categories", headers=headers)).json()
            if c["name"] == {"en": "Lighting", "ru": "Освещение"}[language]  # the demo's category_ru
        )
        shelf = await (await client.get(f"/app/api/shop/products?category={lighting['id']}", headers=headers)).json()
        assert listed["name"] == name and next(p["name"] for p in shelf["products"] if p["sku"] == "85123A") == name
        page = await (await client.get(f"/app/api/shop/products/{listed['id']}", headers=headers)).json()
        assert page["name"] == name and (page["description"] == "Русское описание") is (language == "ru")
        added = await client.post(
            "/app/api/shop/cart", json={"product_id": listed["id"], "quantity": 2}, headers=headers
        )
        assert [line["name"] for line in (await added.json())["lines"]] == [name]
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert [line["name"] for line in cart["lines"]] == [name]
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201
        assert [line["name"] for line in (await placed.json())["lines"]] == [name]
    async with shop.runtime.sessions() as session:  # the line keeps the shop's name as sold, whoever bought
        assert await session.scalar(select(m.OrderLineRow.name)) == HEART_EN


GLIDERS_RU = "Планеры Второй мировой, ассорти"


@pytest.mark.parametrize(
    ("language", "gone", "discontinued"),
    [
        (
            "ru",
            f"{GLIDERS_RU}: сейчас доступно только 0.",
            f"Товар «{HEART_RU}» снят с продажи и больше не заказывается.",
        ),
        ("en", "World War 2 Gliders Asstd Designs: only 0 available now.", f"{HEART_EN} is discontinued"),
    ],
)
async def test_the_storefronts_refusals_name_the_product_in_the_customers_language(
    shop: RunningBot, clock: FakeClock, language: str, gone: str, discontinued: str
) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    await name_in_russian(shop, "84077", GLIDERS_RU)
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "85123A", "84077")
        await client.post("/app/api/shop/cart", json={"product_id": ids["84077"], "quantity": 2}, headers=headers)
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        clock.advance(minutes=31)
        await add_to_cart(SandboxUser(shop.server, 502, "Bob"), "84077", 3)  # the expired hold went to Bob
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        refused = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert refused.status == 409 and gone in (await refused.json())["detail"]
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(
                update(m.ProductRow).where(m.ProductRow.sku == "85123A").values(status="discontinued")
            )
        added = await client.post(
            "/app/api/shop/cart", json={"product_id": ids["85123A"], "quantity": 1}, headers=headers
        )
        assert added.status == 422 and discontinued in (await added.json())["detail"]


@pytest.mark.parametrize(("language", "tee"), [("en", "Organic cotton T-shirt"), ("ru", "Футболка")])
async def test_the_storefronts_cart_and_placed_order_say_which_variant_each_line_is(
    shop: RunningBot, language: str, tee: str
) -> None:
    """Two sizes of one T-shirt are two lines the customer can tell apart, as in the chat's cart."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    for sku in ("TEE-M-NVY", "TEE-L-NVY"):
        await name_in_russian(shop, sku, "Футболка")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        for product in (await found_ids(client, headers, "TEE-M-NVY", "TEE-L-NVY")).values():
            added = await client.post(
                "/app/api/shop/cart", json={"product_id": product, "quantity": 1}, headers=headers
            )
        lines = (await added.json())["lines"]
        assert [(x["sku"], x["name"]) for x in lines] == [
            ("TEE-M-NVY", f"{tee} (M / Navy)"),
            ("TEE-L-NVY", f"{tee} (L / Navy)"),
        ]
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert [x["name"] for x in cart["lines"]] == [f"{tee} (M / Navy)", f"{tee} (L / Navy)"]
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        placed = await (await client.post("/app/api/shop/checkout", json=order, headers=headers)).json()
        assert sorted(x["name"] for x in placed["lines"]) == [f"{tee} (L / Navy)", f"{tee} (M / Navy)"]


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Discontinued: this product can no longer be ordered."), ("ru", "Снят с продажи")],
)
async def test_a_discontinued_variant_in_stock_is_said_so_and_offers_no_add_in_the_storefront(
    shop: RunningBot, language: str, said: str
) -> None:
    """As the chat's card: it said "In stock" and offered "Add to cart", which was then refused."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(status="discontinued"))
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "TEE-L-NVY", "TEE-M-NVY")
        gone = await (await client.get(f"/app/api/shop/products/{ids['TEE-L-NVY']}", headers=headers)).json()
        assert gone["available"] == 10 and gone["can_add"] is False and said in gone["stock_text"]
        sold = await (await client.get(f"/app/api/shop/products/{ids['TEE-M-NVY']}", headers=headers)).json()
        assert sold["can_add"] is True and said not in sold["stock_text"]
        found = await (await client.get("/app/api/shop/products", params={"q": "TEE-L-NVY"}, headers=headers)).json()
        assert found["products"][0]["can_add"] is False and said in found["products"][0]["stock_text"]


@pytest.mark.parametrize(
    ("language", "terms", "said"),
    [
        ("en", "on", "Out of stock, but you can order it now: it ships when the next delivery arrives."),
        ("ru", "on", "Нет в наличии, но можно заказать сейчас"),
        ("en", "preorder 2026-12-20", "Preorder: released on 20 Dec 2026."),
        ("ru", "preorder 2026-12-20", "Предзаказ: выходит 20 дек. 2026\u202fг."),
    ],
)
async def test_a_sold_out_variant_on_backorder_or_preorder_can_be_ordered_in_the_storefront_as_in_chat(
    shop: RunningBot, language: str, terms: str, said: str
) -> None:
    """The chat's card offers to order it; the storefront said "Out of stock" and offered nothing to add."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    manager = await hire(shop, 90, "Mia", "manager")
    await manager.send(f"/backorder TEE-XL-NVY {terms}")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        xl = (await found_ids(client, headers, "TEE-XL-NVY"))["TEE-XL-NVY"]
        page = await (await client.get(f"/app/api/shop/products/{xl}", headers=headers)).json()
        assert said in page["stock_text"] and (page["can_add"], page["can_notify"]) == (True, False)
        added = await client.post("/app/api/shop/cart", json={"product_id": xl, "quantity": 2}, headers=headers)
        assert added.status == 200 and [(x["sku"], x["quantity"]) for x in (await added.json())["lines"]] == [
            ("TEE-XL-NVY", 2)
        ]


@pytest.mark.parametrize(
    ("language", "hidden", "discontinued"),
    [
        (
            "en",
            "T-shirt (M / Navy) is no longer sold",
            "T-shirt (L / Navy) is discontinued and can no longer be ordered",
        ),
        ("ru", "Товар «Футболка (M / Navy)» больше не продаётся", "Товар «Футболка (L / Navy)» снят с продажи"),
    ],
)
async def test_the_storefronts_cart_says_which_lines_were_left_out_and_why(
    shop: RunningBot, language: str, hidden: str, discontinued: str
) -> None:
    """A variant hidden or discontinued since it was added left the cart without a word (the
    chat's cart names it); a discontinued one was not even in the cart's answer."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    for sku in ("TEE-M-NVY", "TEE-L-NVY"):
        await name_in_russian(shop, sku, "Футболка")
    headers = tma(shop, CUSTOMER, language="ru")
    async with miniapp(shop) as client:
        for product in (await found_ids(client, headers, "TEE-M-NVY", "TEE-L-NVY", "TEE-S-NVY")).values():
            await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 1}, headers=headers)
        for sku, status in (("TEE-M-NVY", "hidden"), ("TEE-L-NVY", "discontinued")):
            async with shop.runtime.sessions() as session, session.begin():
                await session.execute(update(m.ProductRow).where(m.ProductRow.sku == sku).values(status=status))
        headers = tma(shop, CUSTOMER, language=language)
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
    assert [x["sku"] for x in cart["lines"]] == ["TEE-S-NVY"]
    assert len(cart["left_out"]) == 2
    assert hidden in cart["left_out"][0] and discontinued in cart["left_out"][1]


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "That option is no longer sold; the card shows what is."),
        ("ru", "Этот вариант больше не продаётся; карточка показывает, что есть сейчас."),
    ],
)
async def test_a_variant_hidden_since_its_button_was_shown_opens_what_is_sold_and_says_so(
    shop: RunningBot, language: str, notice: str
) -> None:
    """As the chat's card does; the storefront answered 404 "Nothing was found" and kept the stale page."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "TEE-L-NVY")
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(status="hidden"))
        response = await client.get(f"/app/api/shop/products/{ids['TEE-L-NVY']}", headers=headers)
        assert response.status == 200
        page = await response.json()
        assert page["sku"] == "TEE" and page["notice"] == notice
        assert ids["TEE-L-NVY"] not in [c["product_id"] for row in page["options"] for c in row["choices"]]
        unchanged = await (await client.get(f"/app/api/shop/products/{page['id']}", headers=headers)).json()
        assert "notice" not in unchanged


@pytest.mark.parametrize(
    ("language", "held", "expired"),
    [
        ("en", "Items are held for you until 25 Nov 2026", "Some holds have expired; availability is checked again"),
        ("ru", "Товары зарезервированы для вас до 25 нояб. 2026", "Резерв истёк у товаров с ⏳"),
    ],
)
async def test_the_storefronts_cart_says_until_when_it_is_held_and_when_a_hold_expired(
    shop: RunningBot, clock: FakeClock, language: str, held: str, expired: str
) -> None:
    """As the chat's cart does: the storefront's said nothing, so an expired hold looked reserved."""
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        product = (await found_ids(client, headers, "85123A"))["85123A"]
        added = await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 2}, headers=headers)
        cart = await added.json()
        assert held in cart["hold_note"] and [x["expired"] for x in cart["lines"]] == [False]
        clock.advance(minutes=31)
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert expired in cart["hold_note"] and [x["expired"] for x in cart["lines"]] == [True]


async def test_the_customer_holding_the_last_units_is_not_offered_a_back_in_stock_request(shop: RunningBot) -> None:
    """As the chat's card, which shows the cart's quantity instead: the storefront offered to tell
    them when the product they held the last 3 of came back."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        medium = (await found_ids(client, headers, "TEE-M-NVY"))["TEE-M-NVY"]
        await client.post("/app/api/shop/cart", json={"product_id": medium, "quantity": 3}, headers=headers)
        page = await (await client.get(f"/app/api/shop/products/{medium}", headers=headers)).json()
    assert (page["in_cart"], page["can_add"], page["can_notify"]) == (3, False, False)


async def test_a_preorder_whose_limit_is_taken_is_not_offered_on_the_chat_card_nor_in_the_storefront(
    shop: RunningBot,
) -> None:
    """Both offered "🗓 Preorder" once the limit's last unit was preordered, and the cart then
    refused it ("only 0 more can be preordered now")."""
    from domain.catalog import Product
    from domain.money import Money

    uow = shop.runtime.uow()
    async with uow:
        await uow.products.upsert(Product("MOON-2", "Moon Lamp", "Night Sky", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    await (await hire(shop, 90, "Mia", "manager")).send("/backorder MOON-2 preorder 2026-12-20 1")
    bob = SandboxUser(shop.server, 93, "Bob")
    await add_to_cart(bob, "MOON-2", 1)
    await place_cod_order(bob, pickup=True)  # the one unit the preorder takes
    card = (await SandboxUser(shop.server, CUSTOMER, "Ann").send("/start p_MOON-2")).last
    assert "🗓 Preorder" not in card.button_texts() and "Out of stock" in card.text
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        found = (await (await client.get("/app/api/shop/products", params={"q": "MOON-2"}, headers=headers)).json())[
            "products"
        ][0]
        page = await (await client.get(f"/app/api/shop/products/{found['id']}", headers=headers)).json()
    for shown in (found, page):
        assert (shown["can_add"], shown["waits"], shown["stock_text"]) == (False, None, "Out of stock")
