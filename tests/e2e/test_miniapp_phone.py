"""The storefront on a small phone (360×740 touch screen, Telegram's dark theme) read in Russian:
whatever the catalog holds stays readable and on the screen."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from domain.fx import FxRate
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page, need_browser
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart, stock
from tests.e2e.miniapp import init_data, miniapp
from tests.fakes import FakeClock

IVAN = 501
LONG = ("Очень" * 52)[:256]  # the longest name a product may have, and not one space to break at
LONG_TEXT = "Ж" * 3000  # the longest description
HOSTILE = "<img src=x onerror=window.__xss=1><b>Жирный</b> Кружка"
# Every visible element whose words are wider than its box, or whose box leaves the screen.
OVERFLOWING = """() => [...document.querySelectorAll("body *")].filter((e) => {
  if (!e.getClientRects().length) return false;
  const box = e.getBoundingClientRect();
  const spills = getComputedStyle(e).overflowX === "visible" && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0;
  return spills || box.right > window.innerWidth + 0.5 || box.left < -0.5;
}).map((e) => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`)"""
# How many lines an element's words take on the screen.
LINES = """(e) => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; }"""


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    need_browser()
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        uow = bot.runtime.uow()
        async with uow:  # a Russian reader pays in roubles
            await uow.fx.add(FxRate("GBP", "RUB", Decimal("100"), bot.runtime.clock.now()), "test")
            await uow.commit()
        yield bot


async def product_ids(shop: RunningBot) -> dict[str, int]:
    async with shop.runtime.sessions() as session:
        return {sku: pid for sku, pid in await session.execute(select(m.ProductRow.sku, m.ProductRow.id))}


async def test_a_longest_or_html_product_name_stays_readable_on_a_phone_and_prices_stay_whole(
    shop: RunningBot,
) -> None:
    """The page's heading and description ran thousands of px off the screen (cut off,
    unreadable), the grid's card grew taller than the screen, and the cart squeezed its prices
    into a column of single digits ("4 / 0 / 2 / , / 0 / 0 / ₽")."""
    from playwright.async_api import expect

    runtime = shop.runtime
    products = f'LONG,{LONG},{LONG_TEXT},Посуда,1234.56,GBP\nHTML,"{HOSTILE}",,Посуда,3.50,GBP\n'
    await import_products(runtime.uow(), runtime.clock, "sku,name,description,category,price,currency\n" + products)
    stock = "LONG,LON,A-01-01-1,5\nHTML,LON,A-01-01-2,5\n"
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)
    ids = await product_ids(shop)
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-names", reader, theme=DARK, phone=True) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Посуда (2)").click()
        card = page.locator('article.card[data-sku="LONG"]')
        await expect(card.locator(".price")).to_have_text("123\xa0456,00\xa0₽")
        assert await page.evaluate(OVERFLOWING) == []
        assert (await card.bounding_box() or {"height": 1e9})["height"] < 370  # half the screen at most
        await expect(page.locator('article.card[data-sku="HTML"] .name')).to_have_text(HOSTILE)  # words, not markup
        for sku in ("LONG", "HTML"):
            await page.goto(str(client.make_url(f"/app/shop?product={ids[sku]}")))
            await page.locator(f'article.product[data-sku="{sku}"] button.add').click()
            await expect(page.locator("article.product")).to_contain_text("В корзине: 1")
            assert await page.evaluate(OVERFLOWING) == [], sku
        await page.locator("#cart-button").click()
        lines = page.locator(".lines li")
        await expect(lines).to_have_count(2)
        assert await page.evaluate(OVERFLOWING) == []
        for line in await lines.all():
            assert await line.locator(".total").evaluate(LINES) == 1, await line.inner_text()
        assert (await lines.first.bounding_box() or {"height": 1e9})["height"] < 370
        assert await page.locator("img[src=x]").count() == 0 and await page.evaluate("window.__xss") is None
        assert errors == []


async def test_the_checkout_on_a_phone_puts_each_payment_choice_beside_its_words_within_the_screen(
    shop: RunningBot,
) -> None:
    """The radio button took the form's whole width, alone on its line above its words, and
    pushed the label 8 px past the screen's edge."""
    from playwright.async_api import expect

    ivan = SandboxUser(shop.server, IVAN, "Иван", language_code="ru")
    await add_to_cart(ivan, "23843", 1)
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-checkout", reader, theme=DARK, phone=True) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        cod = page.get_by_role("radio", name="Наличными при получении")
        await expect(cod).to_be_checked()
        assert await page.evaluate(OVERFLOWING) == []
        radio: Any = await cod.bounding_box()
        words: Any = await page.locator("form.checkout label", has=cod).evaluate(
            """(label) => { const r = document.createRange(); r.selectNodeContents(label.lastChild);
            const b = r.getBoundingClientRect(); return { x: b.left, y: b.top, height: b.height }; }"""
        )
        assert radio["x"] + radio["width"] <= words["x"]  # beside its words…
        assert words["y"] < radio["y"] + radio["height"] and radio["y"] < words["y"] + words["height"]  # …on their line


CONTROL = re.compile(r'^\s*- (button|searchbox|textbox|combobox|radio|link|checkbox)(?: "(.*?)")?(?: \[.*\])?:?\s*$')


async def unnamed_controls(page: Any) -> list[str]:
    """The controls a screen reader would announce without a word (a bare "›", "+" or "🛒 0")."""
    found = []
    for line in (await page.locator("body").aria_snapshot()).splitlines():
        control = CONTROL.match(line)
        if control and not re.search(r"[^\W\d_]", control.group(2) or ""):
            found.append(line.strip())
    return found


async def test_every_storefront_control_is_named_in_words_of_the_readers_language(shop: RunningBot) -> None:
    """A screen reader announced the grid's "›", the cart's "−" and "+" and the header's "🛒 0"
    as bare symbols, and a sold-out size only as "XL ✖"."""
    from playwright.async_api import expect

    from tests.e2e.variants import tshirts

    await tshirts(shop)
    ivan = SandboxUser(shop.server, IVAN, "Иван", language_code="ru")
    await add_to_cart(ivan, "23843", 1)
    medium = (await product_ids(shop))["TEE-M-NVY"]
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-names-of-controls", reader, phone=True) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("article.card").first).to_be_visible()
        assert await unnamed_controls(page) == []
        await expect(page.get_by_role("button", name="Корзина, товаров: 1")).to_be_visible()
        await expect(page.get_by_role("searchbox", name="Поиск товаров")).to_be_visible()
        first = page.locator("article.card").first
        shown = await first.locator(".name").inner_text()
        await first.get_by_role("button", name=f"Подробнее: {shown}").click()
        await expect(page.locator("article.product h2")).to_have_text(shown)
        await page.goto(str(client.make_url(f"/app/shop?product={medium}")))
        await expect(page.locator('[data-option="Size"] button')).to_have_count(4)
        assert await unnamed_controls(page) == []
        await expect(page.get_by_role("button", name="XL — нет в наличии")).to_be_visible()
        await page.get_by_role("button", name="Корзина, товаров: 1").click()
        line = page.locator('li[data-sku="23843"]')
        await expect(line).to_be_visible()
        name = await line.locator(".name").inner_text()
        assert await unnamed_controls(page) == []
        await line.get_by_role("button", name=f"Больше: {name}").click()
        await expect(line.locator(".quantity")).to_have_text("2")
        await line.get_by_role("button", name=f"Меньше: {name}").click()
        await expect(line.locator(".quantity")).to_have_text("1")
        await page.locator("#to-checkout").click()
        await expect(page.locator("form.checkout")).to_be_visible()
        assert await unnamed_controls(page) == []


# Counts the answers the page has read: what the page does with an answer runs before anything
# that sees the count go up.
READS = """const json = Response.prototype.json; let read = 0;
Response.prototype.json = function () {
  return json.call(this).finally(() => { document.documentElement.dataset.read = String(++read); });
};"""


async def test_a_screen_tapped_open_stays_when_what_the_last_one_was_loading_arrives(shop: RunningBot) -> None:
    """On a slow connection, 🛒 tapped while the first category's products were on their way:
    the cart showed, then the late products were drawn under it (or the storefront's front
    page replaced it) — the customer lost the screen they had asked for."""
    from playwright.async_api import Route, expect

    ivan = SandboxUser(shop.server, IVAN, "Иван", language_code="ru")
    await add_to_cart(ivan, "23843", 1)
    arrived = asyncio.Event()

    async def slowly(route: Route) -> None:
        await arrived.wait()
        await route.continue_()

    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-slow", reader, phone=True) as page:
        await page.add_init_script(READS)
        await page.route(re.compile(r"/app/api/shop/products\?"), slowly)
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("#view h2")).to_have_text("Категории")  # the products are still on their way
        await page.locator("#cart-button").click()
        await expect(page.locator("#view > h2")).to_have_text("Корзина")
        read = int(await page.locator("html").get_attribute("data-read") or 0)
        arrived.set()  # the late products are read (and drawn, if at all) before the count goes up
        await expect(page.locator("html")).to_have_attribute("data-read", str(read + 1))
        await expect(page.locator("#view > h2")).to_have_text("Корзина")
        await expect(page.locator("#view article.card")).to_have_count(0)
        await expect(page.locator('li[data-sku="23843"]')).to_be_visible()


async def test_a_refused_add_far_up_a_long_grid_is_said_where_the_customer_is_looking(shop: RunningBot) -> None:
    """The refusal was written at the foot of the page, a screen or more below the card tapped:
    on a phone nothing seemed to happen."""
    from playwright.async_api import expect

    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-refusal", reader, phone=True) as page:
        await page.goto(str(client.make_url("/app/shop")))
        first = page.locator("article.card").first
        await expect(first.locator("button.add")).to_be_visible()
        sku = await first.get_attribute("data-sku") or ""
        assert await page.evaluate("document.documentElement.scrollHeight > window.innerHeight")
        available = sum(on_hand - reserved for _, on_hand, reserved in await stock(shop, sku))
        await add_to_cart(SandboxUser(shop.server, 502, "Борис"), sku, available)  # the last ones, meanwhile
        await first.locator("button.add").click()
        await expect(page.locator("#error")).to_contain_text("нет в наличии")  # none left for her
        await expect(page.locator("#error")).to_be_in_viewport()
        await expect(first.locator("button.add")).to_be_in_viewport()  # still where they were
        await page.locator("#error").tap()  # over the page: a tap puts it away
        await expect(page.locator("#error")).to_be_hidden()


async def test_a_managers_dashboard_order_page_on_a_phone_shows_what_the_order_has_and_no_null(
    shop: RunningBot,
) -> None:
    """An order not yet being picked (or without a customer's name) showed the word "null" where
    its picking table would be: the page's absent parts were written out as text."""
    from playwright.async_api import expect

    from tests.e2e.conftest import hire
    from tests.e2e.journeys import place_cod_order

    ivan = SandboxUser(shop.server, IVAN, "Иван", language_code="ru")
    await add_to_cart(ivan, "23843", 1)
    await place_cod_order(ivan)
    async with shop.runtime.sessions() as session:
        code = await session.scalar(select(m.OrderRow.code))
    await hire(shop, 90, "Мария", "manager")
    reader = init_data(shop, 90, "Мария", language="ru")
    async with miniapp(shop) as client, browser_page("phone-dashboard-order", reader, theme=DARK, phone=True) as page:
        await page.goto(str(client.make_url(f"/app/dashboard#order/{code}")))
        detail = page.locator("#detail")
        await expect(detail.locator(f'h2[data-order="{code}"]')).to_have_text(f"Заказ {code} — подтверждён, готовится")
        await expect(detail.locator(".timeline li")).to_have_count(2)
        assert "null" not in await detail.inner_text()
        assert await page.evaluate(OVERFLOWING) == []


async def test_a_quiet_days_dashboard_says_its_revenue_in_money_and_its_empty_tiles_in_words(shop: RunningBot) -> None:
    """With no orders the revenue read a bare "0" (no currency, unlike every other day) and
    "Orders by status" was an empty box, as if still loading."""
    from playwright.async_api import expect

    from tests.e2e.conftest import hire

    await hire(shop, 90, "Мария", "manager")
    reader = init_data(shop, 90, "Мария", language="ru")
    async with miniapp(shop) as client, browser_page("phone-dashboard-quiet", reader, theme=DARK, phone=True) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        await expect(page.locator('[data-figure="today_orders"]')).to_have_text("0")
        await expect(page.locator('[data-figure="today_revenue"]')).to_have_text("0,00\xa0£")
        await expect(page.locator('[data-tile="last_week"] [data-figure="last_week_revenue"]')).to_have_text(
            "0,00\xa0£"
        )
        await expect(page.locator('[data-tile="by_status"]')).to_contain_text("Сейчас здесь пусто.")
        assert await page.evaluate(OVERFLOWING) == []


async def test_what_the_storefront_says_of_a_long_name_or_search_wraps_on_a_phone(shop: RunningBot) -> None:
    """A cart line left out (discontinued meanwhile) named a 256-character name in a sentence that
    ran off the screen, as did "nothing found" for a long search without spaces."""
    from playwright.async_api import expect

    runtime = shop.runtime
    await import_products(
        runtime.uow(), runtime.clock, f"sku,name,category,price,currency\nLONG,{LONG},Посуда,2.00,GBP\n"
    )
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nLONG,LON,A-01-01-1,5\n")
    ivan = SandboxUser(shop.server, IVAN, "Иван", language_code="ru")
    await add_to_cart(ivan, "LONG", 1)
    async with shop.runtime.sessions() as session:  # discontinued while it sits in the cart
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "LONG").values(status="discontinued"))
        await session.commit()
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-long-words", reader, theme=DARK, phone=True) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("article.card").first).to_be_visible()
        await page.locator("#cart-button").click()
        await expect(page.locator(".left-out")).to_contain_text("снят с продажи")
        assert await page.evaluate(OVERFLOWING) == []
        await page.locator("#search").fill("я" * 64)
        await page.locator("#search").press("Enter")
        await expect(page.locator("section .empty")).to_contain_text("ничего не нашлось")
        assert await page.evaluate(OVERFLOWING) == []


async def test_a_screen_opened_from_the_keyboard_takes_the_focus_to_its_heading(shop: RunningBot) -> None:
    """The button pressed was drawn over by the new screen and the focus fell back to the page's
    top: a keyboard or screen reader user started again from the search field each time."""
    from playwright.async_api import expect

    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-focus", reader, phone=True) as page:
        await page.goto(str(client.make_url("/app/shop")))
        party = page.get_by_role("button", name="Для праздника (3)")  # the demo's category_ru
        await party.focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("#view section h2")).to_have_text("Для праздника")
        await expect(page.locator("#view section h2")).to_be_focused()
        card = page.locator("article.card").first
        await card.locator("button.open").focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("article.product h2")).to_be_focused()
        await page.locator("#search").focus()
        await page.locator("#search").fill("пусто")
        await page.keyboard.press("Enter")
        await expect(page.locator("section .empty")).to_be_visible()
        await expect(page.locator("#search")).to_be_focused()  # typing goes on where it was


async def test_a_screens_heading_given_the_focus_is_not_boxed_like_a_control(shop: RunningBot) -> None:
    """A product opened from a chat card ("Open in shop") showed its name in a white frame, as if it
    were a field to type in: the focus a screen reader starts from, drawn as a keyboard's ring."""
    from playwright.async_api import expect

    ids = await product_ids(shop)
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-heading", reader, theme=DARK, phone=True) as page:
        await page.goto(str(client.make_url(f"/app/shop?product={ids['23843']}")))
        heading = page.locator("article.product h2")
        await expect(heading).to_be_focused()  # still where a screen reader goes on from
        assert await heading.evaluate("(h) => getComputedStyle(h).outlineStyle") == "none"


async def test_the_last_button_of_a_page_scrolled_to_its_end_stays_above_the_phones_bottom_bar(
    shop: RunningBot,
) -> None:
    """Telegram in full screen (and a browser with ``viewport-fit=cover``) draws the page under the
    phone's home bar, whose height it gives as a safe-area inset: "Place order" at the checkout's
    end, scrolled to as far as it goes, sat 8 px from the screen's edge, under the bar."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, IVAN, "Иван", language_code="ru"), "23843", 1)
    reader = init_data(shop, IVAN, "Иван", language="ru")
    async with miniapp(shop) as client, browser_page("phone-home-bar", reader, phone=True) as page:
        await page.set_viewport_size({"width": 360, "height": 420})  # a short screen: the form scrolls
        await page.goto(str(client.make_url("/app/shop")))
        # What Telegram's script sets on the page in full screen: the home bar's height.
        await page.evaluate("document.documentElement.style.setProperty('--tg-safe-area-inset-bottom', '34px')")
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        button = page.locator("#place-order")
        await page.locator('input[name="phone"]').fill("+7 912 345-67-89")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        box: Any = await button.bounding_box()
        assert box["y"] + box["height"] <= 420 - 34, box
        await page.route("**/app/api/shop/checkout", lambda route: route.abort())
        await button.click()
        await expect(page.locator("#error")).to_be_visible()
        error: Any = await page.locator("#error").bounding_box()
        assert error["y"] + error["height"] <= 420 - 34, error  # a refusal too is said above the bar
