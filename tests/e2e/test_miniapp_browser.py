"""The Mini App in a real browser (Chromium): the storefront's journey to a cash-on-delivery order,
the live dashboard, forged initData, and the mobile viewport in a dark theme."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.money import Money
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page, held_back
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, count, place_cod_order, reprice, stock
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

CUSTOMER = 501
FEWER, MORE = re.compile(r"^Fewer: "), re.compile(r"^More: ")  # a cart line's − and +, as a screen reader names them


async def test_storefront_browse_add_to_cart_and_check_out_cash_on_delivery(shop: RunningBot) -> None:
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    async with miniapp(shop) as client, browser_page("storefront", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Party").click()
        birdie = page.locator('article[data-sku="23843"]')
        await expect(birdie).to_contain_text("£2.08")
        await birdie.locator("button.add").click()
        await expect(page.locator("#cart-count")).to_have_text("1")
        assert "Paper Craft" in (await ann.send("/cart")).last.text  # the chat's cart is the Mini App's
        await add_to_cart(ann, "23166", 2)  # and the other way round
        await page.locator("#cart-button").click()
        await expect(page.locator('li[data-sku="23166"] .quantity')).to_have_text("2")
        assert await page.evaluate("window.__telegram.mainButton") == "Checkout"
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.locator("#place-order").click()
        placed = page.locator(".placed")
        await expect(placed).to_contain_text("placed")
        await expect(page.locator(".total")).to_have_text("Total: £4.58")  # the order's, pickup: no shipping
        code = await placed.get_attribute("data-order")
    async with shop.runtime.sessions() as session:
        order = await session.scalar(select(m.OrderRow).where(m.OrderRow.code == code))
    assert order is not None and order.payment_method == "cod" and order.total_minor == 208 + 2 * 125
    await shop.runtime.notifier.drain()
    assert any(code and code in x.text for x in ann.messages())  # the chat's order confirmation
    assert "empty" in (await ann.send("/cart")).last.text


async def test_open_in_shop_from_a_chat_card_shows_that_product_and_back_goes_to_the_categories(
    shop: RunningBot,
) -> None:
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    card = await ann.send("/start p_23843")
    markup = card.last.reply_markup or {}
    url = next(b["web_app"]["url"] for row in markup["inline_keyboard"] for b in row if "web_app" in b)
    query = url.split("/app/shop", 1)[1]  # the public WEBAPP_URL stands for this test server
    async with miniapp(shop) as client, browser_page("open-in-shop", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop" + query)))
        await expect(page.locator('article.product[data-sku="23843"]')).to_be_visible()
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")
        await expect(page.get_by_role("button", name="Party")).to_be_visible()


async def test_dashboard_shows_a_chat_order_pushed_on_its_stream_and_a_picker_sees_no_money(shop: RunningBot) -> None:
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    async with miniapp(shop) as client, browser_page("dashboard", init_data(shop, ADMIN)) as page:
        streams: list[str] = []
        page.on("request", lambda r: streams.append(r.url) if "/app/api/dashboard/events" in r.url else None)
        await page.goto(str(client.make_url("/app/dashboard")))
        today = page.locator('[data-figure="today_orders"]')
        await expect(today).to_have_text("0")
        await expect(page.locator("#live")).to_be_visible()
        await add_to_cart(ann, "23843", 1)
        await place_cod_order(ann)
        # Pushed on the stream the page opened, not read again on a reconnect (nor polled): a bound of 2 s on a
        # loaded machine failed runs that were right.
        await expect(today).to_have_text("1")
        assert len(streams) == 1
        await expect(page.locator('[data-figure="today_revenue"]')).to_contain_text("£")
    await hire(shop, 601, "Pia", "picker", "LON")
    async with miniapp(shop) as client, browser_page("dashboard-picker", init_data(shop, 601)) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        await expect(page.locator('[data-tile="by_status"]')).to_be_visible()
        assert await page.locator('[data-tile="today"]').count() == 0
        assert "£" not in await page.locator("#tiles").inner_text()


async def test_forged_initdata_shows_an_error_and_no_data(shop: RunningBot) -> None:
    from playwright.async_api import expect

    forged = init_data(shop, CUSTOMER).replace("Ann", "Eve")
    async with miniapp(shop) as client, browser_page("forged", forged) as page:
        statuses: list[int] = []
        page.on("response", lambda r: statuses.append(r.status) if "/app/api/" in r.url else None)
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("#error")).to_contain_text("not signed")
        assert await page.locator("article").count() == 0
        assert statuses and set(statuses) == {401}


@pytest.mark.parametrize("path", ["/app/shop", "/app/dashboard"])
async def test_mobile_viewport_in_a_dark_theme_has_no_horizontal_scroll(shop: RunningBot, path: str) -> None:
    from playwright.async_api import expect

    async with (
        miniapp(shop) as client,
        browser_page("dark" + path.replace("/", "-"), init_data(shop, ADMIN), theme=DARK) as page,
    ):
        await page.goto(str(client.make_url(path)))
        await expect(page.locator("article, .tile").first).to_be_visible()
        assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999", "button_color": "#2481cc",
         "button_text_color": "#ffffff", "secondary_bg_color": "#efeff3"}  # fmt: skip
SCHEME = "getComputedStyle(document.documentElement).colorScheme"
BACKGROUND = "getComputedStyle(document.body).backgroundColor"


@pytest.mark.parametrize("path", ["/app/shop", "/app/dashboard"])
async def test_the_browsers_own_controls_follow_telegrams_theme_and_its_switch(shop: RunningBot, path: str) -> None:
    """A select's list, a radio and the scroll bars are the browser's: in the dark theme they
    are dark too, and a theme switched with the app open is followed without reopening it."""
    from playwright.async_api import expect

    async with (
        miniapp(shop) as client,
        browser_page("scheme" + path.replace("/", "-"), init_data(shop, ADMIN), theme=DARK) as page,
    ):
        await page.goto(str(client.make_url(path)))
        await expect(page.locator("article, .tile").first).to_be_visible()
        assert await page.evaluate(SCHEME) == "dark"
        await page.evaluate("([params, scheme]) => window.__switchTheme(params, scheme)", [LIGHT, "light"])
        assert await page.evaluate(SCHEME) == "light"
        assert await page.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
        await page.evaluate("([params, scheme]) => window.__switchTheme(params, scheme)", [DARK, "dark"])
        assert await page.evaluate(SCHEME) == "dark"
        assert await page.evaluate(BACKGROUND) == "rgb(23, 33, 43)"


async def test_product_page_offers_only_existing_variants_marks_sold_out_and_adds_the_chosen_one(
    shop: RunningBot,
) -> None:
    from playwright.async_api import expect

    from tests.e2e.variants import tshirts

    await tshirts(shop)
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    async with shop.runtime.sessions() as session:
        tee = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "TEE"))
    async with miniapp(shop) as client, browser_page("variants", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url(f"/app/shop?product={tee}")))
        product = page.locator("article.product")
        await expect(product).to_have_attribute("data-sku", "TEE")
        sizes = page.locator('[data-option="Size"] button')
        await expect(sizes).to_have_text(["S", "M", "L", "XL ✖"])  # XL exists only in Navy, sold out
        await expect(page.locator('[data-option="Size"] button.chosen')).to_have_text("S")
        await page.locator('[data-option="Colour"] button[data-value="Navy"]').click()
        await expect(product).to_have_attribute("data-sku", "TEE-S-NVY")  # the size kept, the colour changed
        await page.locator('[data-option="Size"] button[data-value="L"]').click()
        await expect(product).to_have_attribute("data-sku", "TEE-L-NVY")
        await expect(product.locator(".price")).to_have_text("£13.00")  # its own price
        await page.locator('[data-option="Size"] button[data-value="M"]').click()
        await expect(product).to_have_attribute("data-sku", "TEE-M-NVY")
        await expect(product.locator(".price")).to_have_text("£12.00")
        await expect(product.locator(".stock")).to_have_text("Only 3 left")
        await page.locator('[data-option="Size"] button[data-value="XL"]').click()
        await expect(product).to_have_attribute("data-sku", "TEE-XL-NVY")
        await expect(product.locator("button.add")).to_have_count(0)  # sold out: nothing to add
        await page.locator('[data-option="Size"] button[data-value="M"]').click()
        await product.locator("button.add").click()
        await expect(product).to_contain_text("In cart: 1")
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")  # Back leaves the product, not the last choice
        await expect(page.get_by_role("button", name="Party")).to_be_visible()
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 1)]  # the chosen variant is held…
    assert await stock(shop, "TEE") == [("LON", 6, 0)]  # …not the one the page opened on
    assert "(M / Navy)" in (await ann.send("/cart")).last.text


async def test_dashboard_tiles_open_their_detail_views_and_back_returns_to_the_live_tiles(shop: RunningBot) -> None:
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "23843", 1)
    await place_cod_order(ann)
    async with miniapp(shop) as client, browser_page("dashboard-details", init_data(shop, ADMIN)) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        chart = page.locator('[data-tile="chart"] svg.chart')
        await expect(chart.locator('rect[data-orders="1"]')).to_have_count(1)  # drawn by the server, parsed as SVG
        await expect(chart.locator("polyline.revenue")).to_have_count(1)
        lon = page.locator('[data-tile="picking"] tr[data-warehouse="LON"]')
        await expect(lon.locator('[data-stage="allocated"]')).to_have_text("1")
        await lon.get_by_role("link", name="LON").click()
        row = page.locator("#detail table.list tr").nth(1)
        await expect(row).to_contain_text("LON")
        code = (await row.locator("a").first.inner_text()).strip()
        await row.locator("a").first.click()
        await expect(page.locator(f'#detail h2[data-order="{code}"]')).to_be_visible()
        await expect(page.locator('#detail .timeline li[data-status="allocated"]')).to_have_count(1)
        await expect(page.locator('#detail [data-part="payment"]')).to_have_text("Payment: cash on delivery")
        await page.locator("#detail").get_by_role("link", name="23843").click()
        await expect(page.locator('#detail h2[data-sku="23843"]')).to_be_visible()
        await expect(page.locator('#detail [data-warehouse="LON"] table')).to_be_visible()
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#tiles")).to_be_visible()
        assert await page.evaluate("window.__telegram.backVisible") is False
    await hire(shop, 601, "Pia", "picker", "LON")
    async with miniapp(shop) as client, browser_page("dashboard-chart-picker", init_data(shop, 601)) as page:
        await page.goto(str(client.make_url("/app/dashboard#chart")))
        await expect(page.locator("#detail svg.chart rect[data-orders='1']")).to_have_count(1)
        assert await page.locator("#detail polyline.revenue").count() == 0  # a picker sees no revenue
        assert "£" not in await page.locator("#detail").inner_text()
        await page.goto(str(client.make_url("/app/dashboard#list/unsent")))
        await expect(page.locator("#error")).to_contain_text("does not allow")


async def test_a_dashboard_view_still_coming_when_back_is_pressed_is_not_drawn_over_the_tiles(shop: RunningBot) -> None:
    """An order's view answering after Back (a slow connection) was drawn over the tiles, the tiles hidden under it."""
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "23843", 1)
    await place_cod_order(ann)
    async with miniapp(shop) as client, browser_page("dashboard-late-view", init_data(shop, ADMIN)) as page:
        late = await held_back(page, re.compile(r"/app/api/dashboard/orders/"))
        await page.goto(str(client.make_url("/app/dashboard")))
        await page.locator('[data-tile="picking"] tr[data-warehouse="LON"]').get_by_role("link", name="LON").click()
        await page.locator("#detail table.list tr").nth(1).locator("a").first.click()
        await page.evaluate("window.__pressBack()")  # the order not come yet
        await expect(page.locator("#tiles")).to_be_visible()
        await late.release()
        await expect(page.locator("#tiles")).to_be_visible()
        await expect(page.locator("#detail")).to_be_hidden()
        assert await page.evaluate("window.__telegram.backVisible") is False


@pytest.mark.parametrize(("language", "choose"), [("en", "Choose options"), ("ru", "Выбрать вариант")])
async def test_a_product_with_variants_on_the_grid_opens_its_options_rather_than_adding_one_unchosen(
    shop: RunningBot, language: str, choose: str
) -> None:
    """The grid shows a T-shirt by its first variant: adding from there put an S / White in the
    cart that nobody chose (and said "Out of stock" when only that one was sold out)."""
    from playwright.async_api import expect

    from tests.e2e.variants import tshirts

    await tshirts(shop)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("grid-variants", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Clothing").click()
        tee = page.locator('article.card[data-sku="TEE"]')
        await expect(tee).to_be_visible()
        await expect(tee.locator("button.add")).to_have_count(0)
        await expect(tee.locator("button.choose")).to_have_text(choose)
        await tee.locator("button.choose").click()
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE")
        await expect(page.locator('[data-option="Size"] button')).to_have_count(4)
        await expect(page.locator("#cart-count")).to_have_text("0")
        assert errors == []
    assert await stock(shop, "TEE") == [("LON", 6, 0)]  # nothing held


@pytest.mark.parametrize(("language", "more"), [("en", "Show more"), ("ru", "Показать ещё")])
async def test_a_category_or_search_of_more_than_a_page_shows_every_product_page_by_page(
    shop: RunningBot, language: str, more: str
) -> None:
    """30 socks: the grid showed the first 24 and no way to the other 6."""
    from playwright.async_api import expect

    from domain.usecases.imports.products import import_products

    rows = "".join(f"SOCK{n:02d},Wool sock {n:02d},Socks,3.00,GBP\n" for n in range(30))
    await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency\n" + rows)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("grid-pages", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))

        async def search() -> None:
            await page.locator("#search").fill("wool sock")
            await page.locator("#search").press("Enter")

        for open_list in (page.get_by_role("button", name="Socks (30)").click, search):
            await open_list()
            cards = page.locator("article.card")
            await expect(cards).to_have_count(24)
            await page.get_by_role("button", name=more).click()
            await expect(cards).to_have_count(30)
            assert sorted(await cards.evaluate_all("cards => cards.map(c => c.dataset.sku)")) == [
                f"SOCK{n:02d}" for n in range(30)
            ]
            await expect(page.get_by_role("button", name=more)).to_be_hidden()
        assert errors == []


@pytest.mark.parametrize(("language", "more"), [("en", "Show more"), ("ru", "Показать ещё")])
async def test_show_more_tapped_twice_while_its_page_comes_shows_that_page_once(
    shop: RunningBot, language: str, more: str
) -> None:
    """A second tap on "Show more" before the next page had come asked for the same page again, and the grid showed
    its six socks twice."""
    from playwright.async_api import expect

    from domain.usecases.imports.products import import_products

    rows = "".join(f"SOCK{n:02d},Wool sock {n:02d},Socks,3.00,GBP\n" for n in range(30))
    await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency\n" + rows)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("grid-twice", reader) as page:
        second = await held_back(page, "**/app/api/shop/products?*", lambda request: "page=1" in request.url)
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Socks (30)").click()
        cards = page.locator("article.card")
        await expect(cards).to_have_count(24)
        await page.get_by_role("button", name=more).click()
        await page.get_by_role("button", name=more).click()  # the page asked for has not come yet
        await second.release()
        await expect(page.get_by_role("button", name=more)).to_be_hidden()
        skus = await cards.evaluate_all("cards => cards.map(c => c.dataset.sku)")
        assert sorted(skus) == [f"SOCK{n:02d}" for n in range(30)]
        assert len(second.urls) == 1


@pytest.mark.parametrize(
    ("language", "notify", "told"),
    [
        ("en", "🔔 Notify me when back in stock", "We will message you once it is back in stock."),
        ("ru", "🔔 Сообщить о поступлении", "Мы напишем вам, как только товар появится."),
    ],
)
async def test_a_sold_out_variant_in_the_storefront_takes_a_back_in_stock_request_as_the_chat_card_does(
    shop: RunningBot, language: str, notify: str, told: str
) -> None:
    from playwright.async_api import expect

    from tests.e2e.variants import tshirts

    await tshirts(shop)
    async with shop.runtime.sessions() as session:
        ids = {sku: pid for sku, pid in await session.execute(select(m.ProductRow.sku, m.ProductRow.id))}
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("notify-me", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url(f"/app/shop?product={ids['TEE-M-NVY']}")))
        await expect(page.locator("article.product button.add")).to_be_visible()
        await expect(page.locator("button.notify")).to_have_count(0)  # in stock: nothing to ask for
        await page.locator('[data-option="Size"] button[data-value="XL"]').click()
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE-XL-NVY")
        await page.get_by_role("button", name=notify).click()
        await expect(page.locator(".notified")).to_have_text(told)
        assert errors == []
    async with shop.runtime.sessions() as session:
        asked = select(m.StockSubscriptionRow.product_id).join(m.CustomerRow)
        assert (await session.scalars(asked.where(m.CustomerRow.telegram_id == CUSTOMER))).all() == [ids["TEE-XL-NVY"]]


@pytest.mark.parametrize(
    ("terms", "label", "said", "waits"),
    [
        (
            "on",
            "🛒 Order now, ships when it arrives",
            "Out of stock, but you can order it now",
            "1 not in stock: it will wait for the next delivery, date not known yet",
        ),
        (
            "preorder 2026-12-20",
            "🗓 Preorder",
            "Preorder: released on 20 Dec 2026. Expected by 20 Dec 2026.",
            "1 on preorder, expected by 20 Dec 2026",
        ),
    ],
)
async def test_a_sold_out_product_on_backorder_or_preorder_is_offered_on_the_grid_as_the_chat_card_offers_it(
    shop: RunningBot, terms: str, label: str, said: str, waits: str
) -> None:
    """The grid said "Out of stock" and offered nothing, while the chat's card and the product
    page offered to order it: the grid's cards never learnt of backorders. The cart then says
    the line waits, and until when, as the chat's cart does (it said nothing)."""
    from playwright.async_api import expect

    from domain.catalog import Product
    from domain.money import Money

    uow = shop.runtime.uow()
    async with uow:
        await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Night Sky", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    await (await hire(shop, 90, "Mia", "manager")).send(f"/backorder MOON-1 {terms}")
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    card = (await ann.send("/start p_MOON-1")).last
    assert label in card.button_texts() and said.split(". ")[-1] in card.text  # what the chat's card offers and says
    async with miniapp(shop) as client, browser_page("backorder-grid", init_data(shop, CUSTOMER)) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Night Sky (1)").click()
        lamp = page.locator('article.card[data-sku="MOON-1"]')
        await expect(lamp.locator("button.add")).to_have_text(label)
        await lamp.locator("button.add").click()
        await expect(page.locator("#cart-count")).to_have_text("1")
        await page.locator("#search").fill("moon")
        await page.locator("#search").press("Enter")  # a search's grid says the same
        await expect(page.locator('article.card[data-sku="MOON-1"] button.add')).to_have_text(label)
        await page.locator('article.card[data-sku="MOON-1"] button.open').click()
        await expect(page.locator("article.product .stock")).to_contain_text(said)
        await expect(page.locator("article.product button.add")).to_have_text(label)
        await page.locator("#cart-button").click()
        await expect(page.locator('li[data-sku="MOON-1"] .waiting')).to_contain_text(waits)
        assert errors == []
    chats = (await ann.send("/cart")).last.text
    assert "Moon Lamp × 1" in chats and waits in chats


async def test_a_customer_whose_price_list_sets_a_minimum_and_packs_adds_and_steps_by_them_in_the_storefront(
    shop: RunningBot,
) -> None:
    """Popcorn Holders from 10, in packs of 5 on the wholesale list: "Add to cart" asked for 1 and
    ➕/➖ for one more or less, each refused, so the storefront could not order it at all."""
    from playwright.async_api import expect

    from tests.e2e.price_lists import wholesale_list

    await wholesale_list(shop)
    corp = SandboxUser(shop.server, CUSTOMER, "Corp", username="corp")
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @corp group wholesale")
    async with miniapp(shop) as client, browser_page("packs", init_data(shop, CUSTOMER)) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#search").fill("popcorn")
        await page.locator("#search").press("Enter")
        terms = (
            "📦 Minimum order: 10. Sold in packs of 5."  # said before "Add to cart" puts 10 in, as the chat's card says
        )
        await expect(page.locator('article.card[data-sku="22197"] .terms')).to_have_text(terms)
        await page.locator('article.card[data-sku="22197"] button.open').click()
        await expect(page.locator("article.product .terms")).to_have_text(terms)
        breaks = await page.locator("article.product .breaks li").all_inner_texts()
        card = (await corp.send("/start p_22197")).last.text
        assert terms in card and len(breaks) == 2 and all(b in card for b in breaks), (breaks, card)
        await page.evaluate("window.__pressBack()")
        await page.locator('article.card[data-sku="22197"] button.add').click()
        await expect(page.locator("#cart-count")).to_have_text("10")
        await page.locator('article.card[data-sku="22197"] button.add').click()
        await expect(page.locator("#cart-count")).to_have_text("15")
        await page.locator("#cart-button").click()
        line = page.locator('li[data-sku="22197"]')
        each = await line.locator(".each").inner_text()  # the list's price and why, as the chat's cart says it
        assert "each · 10+ units −5 %" in each and each in (await corp.send("/cart")).last.text
        await line.get_by_role("button", name=FEWER).click()
        await expect(line.locator(".quantity")).to_have_text("10")
        await line.get_by_role("button", name=MORE).click()
        await expect(line.locator(".quantity")).to_have_text("15")
        await line.get_by_role("button", name=FEWER).click()
        await line.get_by_role("button", name=FEWER).click()
        await expect(page.locator(".empty")).to_be_visible()  # below the minimum: the line goes
        await expect(page.locator("#error")).to_be_hidden()
        assert errors == []


async def test_a_category_inside_another_shows_its_trail_and_each_step_opens_that_category(shop: RunningBot) -> None:
    """The grid named only the category it showed: three levels down, nothing said where it was."""
    from playwright.async_api import expect

    from domain.usecases.imports.products import import_products

    rows = "HOOD,Hoodie,Clothing > Tops > Hoodies,30.00,GBP\nCAP,Cap,Clothing > Hats,9.00,GBP\n"
    await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency\n" + rows)
    async with miniapp(shop) as client, browser_page("trail", init_data(shop, CUSTOMER)) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Clothing (2)").click()
        await page.get_by_role("button", name="Tops (1)").click()
        await page.get_by_role("button", name="Hoodies (1)").click()
        trail = page.locator("nav.trail")
        await expect(trail).to_have_text("Clothing › Tops › Hoodies")
        await expect(page.locator('article.card[data-sku="HOOD"]')).to_be_visible()
        await trail.get_by_role("button", name="Clothing").click()
        await expect(page.locator("section h2")).to_have_text("Clothing")
        await expect(page.locator("nav.trail")).to_have_count(0)  # a top category: its name says it all
        await expect(page.get_by_role("button", name="Hats (1)")).to_be_visible()
        await page.evaluate("window.__pressBack()")  # Back returns to where the trail was pressed
        await expect(page.locator("nav.trail")).to_have_text("Clothing › Tops › Hoodies")
        assert errors == []


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Nothing found for “zzz <b>”. Try another word, a SKU or a barcode."),
        ("ru", "По запросу «zzz <b>» ничего не нашлось. Попробуйте другое слово, артикул или штрихкод."),
    ],
)
async def test_a_search_that_finds_nothing_says_so_as_the_chat_does(shop: RunningBot, language: str, said: str) -> None:
    """The storefront showed the search's heading over an empty grid, as if still loading."""
    from playwright.async_api import expect

    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("not-found", reader) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("article.card").first).to_be_visible()
        await page.locator("#search").fill("zzz <b>")
        await page.locator("#search").press("Enter")
        await expect(page.locator("section .empty")).to_have_text(said)
        await expect(page.locator("article.card")).to_have_count(0)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "No results for “<popcron>”. Showing results for “<popcorn>”."),
        ("ru", "Ничего не нашлось по запросу «<popcron>». Показаны результаты по запросу «<popcorn>»."),
    ],
)
async def test_a_mistyped_search_shows_what_was_meant_and_says_so_as_the_chat_does(
    shop: RunningBot, language: str, said: str
) -> None:
    from playwright.async_api import expect

    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("corrected", reader) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("article.card").first).to_be_visible()
        await page.locator("#search").fill("<popcron>")
        await page.locator("#search").press("Enter")
        await expect(page.locator("section .corrected")).to_have_text(said)
        await expect(page.locator("article.card")).to_have_count(1)
        await expect(page.locator('article.card[data-sku="22197"]')).to_be_visible()


async def test_a_refused_add_or_quantity_change_stays_on_screen(shop: RunningBot) -> None:
    """The page was redrawn after the refusal, which hid the message at once: nothing said why."""
    from playwright.async_api import expect

    from tests.e2e.variants import tshirts

    await tshirts(shop)
    async with shop.runtime.sessions() as session:
        medium = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "TEE-M-NVY"))
    async with miniapp(shop) as client, browser_page("refused", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url(f"/app/shop?product={medium}")))
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE-M-NVY")
        await add_to_cart(SandboxUser(shop.server, 502, "Bob"), "TEE-M-NVY", 3)  # the last 3, meanwhile
        await page.locator("article.product button.add").click()
        await expect(page.locator("#error")).to_contain_text("is out of stock")
        await expect(page.locator("#error")).to_be_visible()
        await page.locator('[data-option="Colour"] button[data-value="White"]').click()  # M / White: 8
        # M / Navy's page (its Add refused) stays until White's is drawn: an Add tapped before then was Navy's.
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE-M-WHT")
        await page.locator("article.product button.add").click()
        await expect(page.locator("#cart-count")).to_have_text("1")
        await page.locator("#cart-button").click()
        line = page.locator('li[data-sku="TEE-M-WHT"]')
        for _ in range(7):
            await line.get_by_role("button", name=MORE).click()
        await expect(line.locator(".quantity")).to_have_text("8")
        await line.get_by_role("button", name=MORE).click()
        await expect(page.locator("#error")).to_contain_text("only 8 available")
        await expect(page.locator("#error")).to_be_visible()
        await expect(line.locator(".quantity")).to_have_text("8")


async def sign_in_link(shop: RunningBot) -> str:
    reply = await SandboxUser(shop.server, ADMIN, "Ada").send("/dashboard")
    markup = reply.last.reply_markup or {}
    return str(next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b))


async def test_the_chats_sign_in_link_signs_a_real_browser_in(shop: RunningBot) -> None:
    """Opened in a browser, the link's page posts its button's form with the page's own origin
    (the page was served "no-referrer", so Chromium said "Origin: null" and every sign-in was
    refused as cross-site); the dashboard then reads with the cookie, live."""
    from playwright.async_api import expect

    token = (await sign_in_link(shop)).split("token=", 1)[1]
    async with miniapp(shop) as client, browser_page("sign-in", "") as page:
        await page.goto(str(client.make_url(f"/app/login?token={token}")))
        await page.click("#sign-in")
        await expect(page.locator('[data-tile="by_status"]')).to_be_visible()
        await expect(page.locator("#live")).to_be_visible()
        assert page.url.endswith("/app/dashboard")


async def test_a_browser_signed_in_with_the_chats_link_signs_out_from_the_dashboard(shop: RunningBot) -> None:
    """On a shared computer the staff member presses Sign out: the session is gone on the
    server, the page says how to sign in again and keeps no figures; Telegram's app has no button."""
    from playwright.async_api import expect

    token = (await sign_in_link(shop)).split("token=", 1)[1]
    async with miniapp(shop) as client, browser_page("sign-out", "") as page:
        await page.goto(str(client.make_url(f"/app/login?token={token}")))
        await page.click("#sign-in")
        await expect(page.locator("#live")).to_be_visible()
        await page.click("#sign-out")
        await expect(page.locator("#error")).to_contain_text("/dashboard")
        await expect(page.locator("[data-tile]")).to_have_count(0)
        await expect(page.locator("#sign-out")).to_be_hidden()
        async with shop.runtime.sessions() as session:
            assert (await session.scalars(select(m.WebSessionRow.telegram_id))).all() == []
        await page.reload()
        await expect(page.locator("#error")).to_contain_text("/dashboard")  # the cookie is worthless now
    async with miniapp(shop) as client, browser_page("no-sign-out", init_data(shop, ADMIN)) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        await expect(page.locator("#live")).to_be_visible()
        await expect(page.locator("#sign-out")).to_be_hidden()


async def test_a_price_raised_while_the_checkout_page_is_open_is_said_and_the_page_shows_the_new_total(
    shop: RunningBot,
) -> None:
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "85123A", 2)
    async with miniapp(shop) as client, browser_page("storefront", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await expect(page.locator("form.checkout .price")).to_have_text("Subtotal: £5.90")
        await page.locator('input[name="phone"]').fill("+44 7911 000000")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await reprice(shop, "85123A", Money(350, "GBP"))
        await page.locator("#place-order").click()
        await expect(page.locator("#error")).to_contain_text("the goods now come to £7.00. Nothing was ordered")
        await expect(page.locator("form.checkout .price")).to_have_text("Subtotal: £7.00")  # read again
        await expect(page.locator('input[name="phone"]')).to_have_value("+44 7911 000000")  # what was typed stays
        assert await count(shop, m.OrderRow) == 0
        await page.locator("#place-order").click()
        await expect(page.locator(".total")).to_have_text("Total: £7.00")


async def test_a_cart_of_100_lines_in_the_storefront_lists_them_all_and_changes_the_last(shop: RunningBot) -> None:
    """A cart holds as many lines as an API order now: the cart page lists the 100, the last
    one's + works, the subtotal is theirs and Checkout is still there."""
    from playwright.async_api import expect

    from tests.e2e.cart_100_lines import SKUS, price, stocked

    await stocked(shop)
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    for sku in SKUS[:100]:
        await add_to_cart(ann, sku)
    async with miniapp(shop) as client, browser_page("cart100", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("#cart-count")).to_have_text("100")
        await page.locator("#cart-button").click()
        await expect(page.locator("ul.lines li")).to_have_count(100)
        last = page.locator(f'li[data-sku="{SKUS[99]}"]')
        await last.get_by_role("button", name=MORE).click()
        await expect(last.locator(".quantity")).to_have_text("2")
        total = sum(price(i) for i in range(100)) + price(99)
        await expect(page.locator("p.price")).to_have_text(f"Subtotal: £{total}")
        await expect(page.locator("#to-checkout")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def test_the_dashboards_low_stock_list_shows_what_is_on_order_in_russian(shop: RunningBot) -> None:
    from playwright.async_api import expect

    from domain.usecases.reorder_scan import reorder_scan

    manager = await hire(shop, 96, "Мо", "manager", "MAN", language="ru")
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    await manager.press((await manager.send(f"/po {po.id}")).last, "Утвердить")
    reader = init_data(shop, 96, language="ru")
    async with miniapp(shop) as client, browser_page("dashboard-low-stock", reader) as page:
        await page.goto(str(client.make_url("/app/dashboard#list/low_stock")))
        await expect(page.locator("#detail table.list th").last).to_have_text("Заказано")
        row = page.locator("#detail table.list tr", has_text="84077")
        await expect(row.locator("td").last).to_have_text("заказано: 42, ожидается 30 нояб. 2026\u202fг.")


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "12,500 / 15,000"), ("ru", "12\u00a0500 / 15\u00a0000")],
)
async def test_the_dashboards_low_stock_list_groups_what_is_available_and_the_reorder_point_the_readers_way(
    shop: RunningBot, language: str, shown: str
) -> None:
    """The chat's /lowstock grouped them; the list wrote "12500 / 15000" in either language."""
    from playwright.async_api import expect

    manager = await hire(shop, 97, "Mo", "manager", "MAN", language=language)
    await manager.send("/receive 85099B 12500 MAN")
    await manager.send("/reorder 85099B MAN 15000 20000")
    async with (
        miniapp(shop) as client,
        browser_page(f"dashboard-low-stock-{language}", init_data(shop, 97, language=language)) as page,
    ):
        await page.goto(str(client.make_url("/app/dashboard#list/low_stock")))
        row = page.locator("#detail table.list tr", has_text="85099B")
        await expect(row.locator("td").nth(3)).to_have_text(shown)
