"""The web catalog admin in a real browser (Chromium): a price edited in the page is the chat card's
price, a category saved on one variant says how many variants moved, a bad CSV line is named in
the page, photos upload, other roles see no admin, phones fit."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.browser import DARK, browser_page, held_back
from tests.e2e.catalog_admin_web import changes, png
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.miniapp import init_data, miniapp
from tests.e2e.variants import translated_tees, tshirts

pytestmark = pytest.mark.browser

CUSTOMER = 501
MANAGER = 801


async def test_catalog_admin_edit_a_price_and_see_it_on_the_product_card_in_chat(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    assert "£2.08" in (await ann.send("/start p_23843")).last.text
    async with miniapp(shop) as client, browser_page("catalog-price", init_data(shop, MANAGER)) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        await page.locator("#catalog-link").click()  # the dashboard links a manager to the catalog
        await page.locator("#q").fill("23843")
        row = page.locator('#products li[data-sku="23843"]')
        await expect(row).to_contain_text("£2.08")
        await expect(page.locator("#products li")).to_have_count(1)
        await row.locator("button.open").click()
        price = page.locator('form[data-name="price_GBP"]')
        await expect(price.locator("input")).to_have_value("2.08")
        await price.locator("input").fill("3.10")
        await price.locator('button[type="submit"]').click()
        await expect(page.locator('form[data-name="price_GBP"] .ok')).to_have_text("Saved ✅")
        await expect(page.locator(".history li").first).to_contain_text("£2.08 → £3.10")
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")
        await expect(row).to_contain_text("£3.10")
    assert "£3.10" in (await ann.send("/start p_23843")).last.text
    assert await changes(shop, "23843") == [(f"staff:{MANAGER}", "price_GBP", "2.08 GBP", "3.10 GBP")]


async def test_a_category_saved_on_one_variant_says_in_the_page_how_many_variants_moved(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await tshirts(shop)
    await hire(shop, MANAGER, "Max", "manager")
    async with miniapp(shop) as client, browser_page("catalog-family", init_data(shop, MANAGER)) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("TEE-M-NVY")
        await page.locator('#products li[data-sku="TEE-M-NVY"] button.open').click()
        category = page.locator('form[data-name="category"]')
        await category.locator("input").fill("Party")
        await category.locator('button[type="submit"]').click()
        await expect(page.locator('form[data-name="category"] .ok')).to_have_text(
            "Saved ✅ 7 variants of TEE moved to Party: a product's variants share one category."
        )
    assert [after for _, field, _, after in await changes(shop, "TEE-XL-NVY") if field == "category"] == ["Party"]


async def test_a_csv_with_a_bad_line_shows_its_line_number_and_imports_nothing(shop: RunningBot) -> None:
    from playwright.async_api import expect

    bad = b"sku,name,category,price,currency\nNEW-1,New mug,Kitchen,3.50,GBP\nNEW-2,Other mug,Kitchen,lots,GBP\n"
    async with miniapp(shop) as client, browser_page("catalog-import", init_data(shop, ADMIN)) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#import-kind").select_option("products")
        await page.locator("#import-file").set_input_files(
            files=[{"name": "mugs.csv", "mimeType": "text/csv", "buffer": bad}]
        )
        await page.locator("#import-button").click()
        result = page.locator("#import-result")
        await expect(result).to_contain_text("Nothing was imported: 1 row has problems.")
        await expect(result.locator('li[data-line="3"]')).to_contain_text("Line 3")
        await page.locator("#q").fill("NEW-")
        await expect(page.locator("#found")).to_have_text("0 found")


async def test_a_photo_uploads_from_the_page_and_a_text_file_is_refused_with_a_message(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await SandboxUser(shop.server, ADMIN, "Ada").send("/start")
    async with miniapp(shop) as client, browser_page("catalog-photo", init_data(shop, ADMIN, language="ru")) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await expect(page.locator("h1")).to_have_text("Каталог")
        # The file's kinds were the codes /import takes («warehouses»), on a page otherwise in Russian.
        await expect(page.locator('#import-kind option[value="warehouses"]')).to_have_text("Склады (warehouses)")
        # "Next" with the connection lost said nothing (the error escaped the page) and lost the page count.
        rows, listing = page.locator("#products li"), re.compile(r"/app/api/catalog/products\?")
        first = await rows.first.get_attribute("data-sku")
        await page.route(listing, lambda route: route.abort())
        await page.locator("#next").click()
        error = page.locator("#error")
        await expect(error).to_have_text("Нет связи. Проверьте интернет и попробуйте ещё раз.")
        await error.click()  # put away
        await page.unroute(listing)
        await page.locator("#next").click()
        await expect(rows.first).not_to_have_attribute("data-sku", first or "")
        await page.locator("#prev").click()  # back to the first page: the failed tap did not count
        await expect(rows.first).to_have_attribute("data-sku", first or "")
        await page.locator("#q").fill("23166")
        await page.locator('#products li[data-sku="23166"] button.open').click()
        count = page.locator('[data-figure="photos"]')
        before = await count.inner_text()
        form = page.locator('form[data-name="photos"]')
        await form.locator('input[type="file"]').set_input_files(
            files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture at all"}]
        )
        await form.locator('button[type="submit"]').click()
        await expect(form.locator(".error")).to_contain_text("Это не изображение")
        assert await count.inner_text() == before
        await form.locator('input[type="file"]').set_input_files(
            files=[{"name": "mug.png", "mimeType": "image/png", "buffer": png()}]
        )
        await form.locator('button[type="submit"]').click()
        await expect(page.locator('form[data-name="photos"] .ok')).to_be_visible()
        assert await count.inner_text() != before
    assert [field for _, field, _, _ in await changes(shop, "23166")] == ["photos"]


async def test_a_picker_sees_no_catalog_link_and_the_catalog_page_refuses_them(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await hire(shop, 601, "Pia", "picker", "LON")
    async with miniapp(shop) as client, browser_page("catalog-picker", init_data(shop, 601)) as page:
        await page.goto(str(client.make_url("/app/dashboard")))
        await expect(page.locator('[data-tile="by_status"]')).to_be_visible()
        assert await page.locator("#catalog-link").is_hidden()
        await page.goto(str(client.make_url("/app/catalog")))
        await expect(page.locator("#error")).to_contain_text("does not allow")
        assert await page.locator("#admin").is_hidden()
        assert await page.locator("#products li").count() == 0


async def test_the_catalog_fits_a_phone_in_a_dark_theme_and_its_amounts_open_a_number_keypad(shop: RunningBot) -> None:
    """A price, a cost or a weight typed on a phone opened the letters keyboard."""
    from playwright.async_api import expect

    async with (
        miniapp(shop) as client,
        browser_page("catalog-dark", init_data(shop, ADMIN), theme=DARK) as page,
    ):
        await page.goto(str(client.make_url("/app/catalog")))
        await expect(page.locator("#products li").first).to_be_visible()
        assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        await page.locator("#products li button.open").first.click()
        await expect(page.locator('form[data-name="name"]')).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        await expect(page.locator('form[data-name="price_GBP"] input')).to_have_attribute("inputmode", "decimal")
        await expect(page.locator('form[data-name="cost"] input')).to_have_attribute("inputmode", "decimal")
        await expect(page.locator('form[data-name="weight"] input')).to_have_attribute("inputmode", "numeric")
        await expect(page.locator('form[data-name="name"] input')).not_to_have_attribute("inputmode", re.compile("."))


async def test_the_catalog_and_dashboard_in_russian_name_their_links_and_filters_in_russian(shop: RunningBot) -> None:
    """The pages are served before they know their reader: the catalog's link back read "Dashboard"
    and the dashboard's "Catalog" in Russian pages, and the catalog's search and both filters had no
    name a screen reader could say (a placeholder only)."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("catalog-ru", init_data(shop, ADMIN, language="ru")) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await expect(page.locator("#products li").first).to_be_visible()
        await expect(page.get_by_role("link", name="Панель")).to_have_attribute("href", "/app/dashboard")
        await expect(page.get_by_role("searchbox", name="Поиск по артикулу, названию или штрихкоду")).to_be_visible()
        await expect(page.get_by_role("combobox", name="Статус", exact=True)).to_have_value("")
        await expect(page.get_by_role("combobox", name="Категория", exact=True)).to_have_value("")
        await page.get_by_role("link", name="Панель").click()
        await expect(page.locator("h1")).to_have_text("Панель")
        await expect(page.get_by_role("link", name="Каталог")).to_have_attribute("href", "/app/catalog")


@pytest.mark.parametrize(
    ("language", "said", "saved"),
    [
        ("en", "No connection. Check your network and try again.", "Saved ✅"),
        ("ru", "Нет связи. Проверьте интернет и попробуйте ещё раз.", "Сохранено ✅"),
    ],
)
async def test_a_product_opened_or_saved_offline_says_no_connection_and_works_again_once_back_online(
    shop: RunningBot, language: str, said: str, saved: str
) -> None:
    """A manager's › on a product with the connection lost did nothing at all (the error escaped the
    page): no word, the list as it was, as if the tap had missed."""
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    async with (
        miniapp(shop) as client,
        browser_page(f"catalog-offline-{language}", init_data(shop, MANAGER, language=language)) as page,
    ):
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        row = page.locator('#products li[data-sku="23843"]')
        await expect(page.locator("#products li")).to_have_count(1)
        one = re.compile(r"/app/api/catalog/products/[0-9]+")
        await page.route(one, lambda route: route.abort())
        await row.locator("button.open").click()
        error = page.locator("#error")
        await expect(error).to_have_text(said)
        await expect(page.locator("#list-view")).to_be_visible()  # still where the manager was
        await page.unroute(one)
        await row.locator("button.open").click()  # back online: the same tap opens it
        await expect(error).to_be_hidden()
        price = page.locator('form[data-name="price_GBP"]')
        await expect(price.locator("input")).to_have_value("2.08" if language == "en" else "2,08")
        await page.route(one, lambda route: route.abort())
        await price.locator("input").fill("3.10")
        await price.locator('button[type="submit"]').click()
        await expect(price.locator(".error")).to_have_text(said)
        await expect(price.locator("input")).to_have_value("3.10")  # what was typed stays for the next tap
        await page.unroute(one)
        await price.locator('button[type="submit"]').click()
        await expect(page.locator('form[data-name="price_GBP"] .ok')).to_have_text(saved)
        await expect(page.locator('form[data-name="price_GBP"] .error')).to_be_hidden()
    assert await changes(shop, "23843") == [(f"staff:{MANAGER}", "price_GBP", "2.08 GBP", "3.10 GBP")]


async def test_the_first_page_answering_after_a_search_does_not_draw_over_what_was_found(shop: RunningBot) -> None:
    """The catalog's first page is asked for as it opens; a search typed at once asked again, and whichever answer came
    last was drawn: on a slow first page the search's one product was drawn over by the whole first page."""
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    async with miniapp(shop) as client, browser_page("catalog-late-page", init_data(shop, MANAGER)) as page:
        late = await held_back(page, re.compile(r"/app/api/catalog/products\?"), lambda request: "q=&" in request.url)
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        rows = page.locator("#products li")
        await expect(rows).to_have_count(1)
        await late.release()  # the first page's answer, read by the page
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_have_attribute("data-sku", "23843")
        await expect(page.locator("#found")).to_have_text("1 found")


async def test_a_product_still_coming_when_back_is_pressed_is_not_drawn_over_the_list(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    async with miniapp(shop) as client, browser_page("catalog-late-product", init_data(shop, MANAGER)) as page:
        late = await held_back(page, re.compile(r"/app/api/catalog/products/[0-9]+$"))
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#products li button.open").first.click()
        await page.evaluate("window.__pressBack()")  # the product not come yet
        await late.release()
        await expect(page.locator("#list-view")).to_be_visible()
        await expect(page.locator("#product-view")).to_be_hidden()


async def test_a_variants_options_in_russian_are_saved_from_the_page_and_a_refusal_is_said_in_russian(
    shop: RunningBot,
) -> None:
    from playwright.async_api import expect

    await translated_tees(shop)
    await hire(shop, MANAGER, "Max", "manager", language="ru")
    reader = init_data(shop, MANAGER, language="ru")
    async with miniapp(shop) as client, browser_page("catalog-options", reader) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("TEE-M-NVY")
        await page.locator('#products li[data-sku="TEE-M-NVY"] button.open').click()
        options = page.locator('form[data-name="options_ru"]')
        await expect(options.locator("label")).to_contain_text("Опции (ru)")
        await options.locator("input").fill("Размер=M")
        await options.locator('button[type="submit"]').click()
        await expect(options.locator(".error")).to_have_text(
            "Укажите каждую опцию TEE на этом языке, в её порядке (Size, Colour): "
            "например, Size=M; Colour=Navy; - удаляет их."
        )
        await options.locator("input").fill("Размер=M; Цвет=Синий")
        await options.locator('button[type="submit"]').click()
        await expect(page.locator('form[data-name="options_ru"] .ok')).to_have_text("Сохранено ✅")
        await expect(page.locator(".history li").first).to_contain_text("Размер=M; Цвет=Синий")
    assert await changes(shop, "TEE-M-NVY") == [(f"staff:{MANAGER}", "options_ru", "", "Размер=M; Цвет=Синий")]


@pytest.mark.parametrize(("language", "saved"), [("en", "Saved ✅"), ("ru", "Сохранено ✅")])
async def test_a_refused_change_takes_away_the_saved_said_under_its_field_before(
    shop: RunningBot, language: str, saved: str
) -> None:
    """A price saved, then one mistyped ("abc"): the field said the refusal and, under it, still "Saved ✅" of the
    change before, and a manager read that "abc" was saved. The refusal alone is said."""
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    reader = init_data(shop, MANAGER, language=language)
    async with miniapp(shop) as client, browser_page(f"catalog-refused-{language}", reader) as page:
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        await page.locator('#products li[data-sku="23843"] button.open').click()
        price = page.locator('form[data-name="price_GBP"]')
        await price.locator("input").fill("3.10")
        await price.locator('button[type="submit"]').click()
        await expect(price.locator(".ok")).to_have_text(saved)
        await price.locator("input").fill("abc")
        await price.locator('button[type="submit"]').click()
        await expect(price.locator(".error")).to_contain_text("abc")
        await expect(price.locator(".ok")).to_have_count(0)
    assert await changes(shop, "23843") == [(f"staff:{MANAGER}", "price_GBP", "2.08 GBP", "3.10 GBP")]


@pytest.mark.parametrize(
    ("language", "shown", "saved", "cost"),
    [("en", "2.08", "3.10", ("1,5", "1.50")), ("ru", "2,08", "3,10", ("1.5", "1,50"))],
)
async def test_an_amount_in_the_catalog_admin_is_written_the_readers_way_and_read_back_either_way(
    shop: RunningBot, language: str, shown: str, saved: str, cost: tuple[str, str]
) -> None:
    """The Russian catalog admin showed the price "2.08" beside its hint "e.g. 12,50": an amount's field writes it
    with the reader's decimal sign, and takes it back typed with either sign."""
    from playwright.async_api import expect

    await hire(shop, MANAGER, "Max", "manager")
    async with (
        miniapp(shop) as client,
        browser_page(f"catalog-decimal-{language}", init_data(shop, MANAGER, language=language)) as page,
    ):
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        await page.locator('#products li[data-sku="23843"] button.open').click()
        price = page.locator('form[data-name="price_GBP"] input')
        await expect(price).to_have_value(shown)
        await price.fill(saved)  # as the field wrote it
        await page.locator('form[data-name="price_GBP"] button[type="submit"]').click()
        await expect(page.locator('form[data-name="price_GBP"] .ok')).to_be_visible()
        await expect(page.locator('form[data-name="price_GBP"] input')).to_have_value(saved)
        typed, written = cost
        await page.locator('form[data-name="cost"] input').fill(typed)  # the other sign
        await page.locator('form[data-name="cost"] button[type="submit"]').click()
        await expect(page.locator('form[data-name="cost"] .ok')).to_be_visible()
        await expect(page.locator('form[data-name="cost"] input')).to_have_value(written)
    assert (await changes(shop, "23843"))[0][1:] == ("price_GBP", "2.08 GBP", "3.10 GBP")


@pytest.mark.parametrize(
    ("language", "typed", "was", "now"),
    [("en", "3.10", "£2.08", "£3.10"), ("ru", "3,10", "2,08\u00a0£", "3,10\u00a0£")],
)
async def test_a_price_edit_in_the_pages_history_reads_as_money_in_the_readers_language_as_the_chats_does(
    shop: RunningBot, language: str, typed: str, was: str, now: str
) -> None:
    """The page's history showed the trail's raw "2.08 GBP → 3.10 GBP", in Russian too, where the rest of the
    admin says "2,08 £"; the chat's 📜 History says it the same way, through the same formatter."""
    from playwright.async_api import expect

    manager = await hire(shop, MANAGER, "Max", "manager", language=language)
    async with (
        miniapp(shop) as client,
        browser_page(f"catalog-history-money-{language}", init_data(shop, MANAGER, language=language)) as page,
    ):
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        await expect(page.locator("#products li")).to_have_count(1)
        await page.locator('#products li[data-sku="23843"] button.open').click()
        price = page.locator('form[data-name="price_GBP"]')
        await price.locator("input").fill(typed)
        await price.locator('button[type="submit"]').click()
        await expect(price.locator(".ok")).to_be_visible()
        entry = page.locator(".history li").first
        await expect(entry).to_contain_text(f"{was} → {now}")
        assert "GBP →" not in await entry.inner_text()
    sheet = await manager.send("/product 23843")
    history = await manager.press(sheet.last, "History" if language == "en" else "История")
    assert f"{was} → {now}" in history.last.text
    assert await changes(shop, "23843") == [(f"staff:{MANAGER}", "price_GBP", "2.08 GBP", "3.10 GBP")]
