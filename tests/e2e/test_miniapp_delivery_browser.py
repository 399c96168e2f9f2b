"""The storefront's checkout asks how the order comes, as the chat's does: a courier or a pickup point,
each with what it costs, neither chosen for the customer, the choice kept through a reload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page, need_browser
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart, count
from tests.e2e.miniapp import init_data, miniapp
from tests.fakes import FakeClock

CUSTOMER = 501
WORDS = {
    "en": {
        "legend": "How would you like to get your order?",
        "courier": "🚚 Courier delivery from £",
        "pickup": "🏬 Pick up at a store free",
        "choose": "Choose courier delivery or pickup at a store.",
        "free": "Delivery: free",
        "cod": "Cash on delivery",
        "cod_pickup": "Pay at pickup",
        "arrives": ", arrives ",
        "shop_on": "Continue shopping",
        "categories": "Categories",
    },
    "ru": {
        "legend": "Как вы хотите получить заказ?",
        "courier": "🚚 Доставка курьером от ",
        "pickup": "🏬 Самовывоз из магазина бесплатно",
        "choose": "Выберите доставку курьером или самовывоз из магазина.",
        "free": "Доставка: бесплатно",
        "cod": "Оплата при получении",
        "cod_pickup": "Оплата при получении в магазине",
        "arrives": ", прибудет ",
        "shop_on": "Продолжить покупки",
        "categories": "Категории",
    },
}


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    need_browser()
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.example.com") as bot:
        yield bot


async def placed(shop: RunningBot) -> tuple[str | None, int, int]:
    async with shop.runtime.sessions() as session:
        order = (await session.scalars(select(m.OrderRow))).one()
    return order.delivery_method, order.shipping_minor, order.total_minor


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_the_checkout_asks_courier_or_pickup_with_their_costs_and_keeps_the_choice_through_a_reload(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """A pickup point left at "—" sent the order to a courier at the last saved address with the first
    rate, unpriced and unchosen: how the order came was never asked."""
    from playwright.async_api import expect

    said = WORDS[language]
    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language), "23843", 2)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"delivery-{language}", reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        choice = page.locator("fieldset.delivery")
        await expect(choice.locator("legend")).to_have_text(said["legend"])
        courier, pickup = choice.locator("label").nth(0), choice.locator("label").nth(1)
        await expect(courier).to_contain_text(said["courier"])
        await expect(pickup).to_have_text(said["pickup"])
        await expect(choice.locator("input:checked")).to_have_count(0)  # the customer's to choose
        await expect(page.locator('select[name="pickup"]')).to_be_hidden()
        await expect(page.locator('input[name="address"]')).to_be_hidden()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator("#place-order").click()
        await expect(page.locator("#error")).to_have_text(said["choose"])
        assert await count(shop, m.OrderRow) == 0
        await courier.click()
        await expect(page.locator("#error")).to_be_hidden()  # answered by the choice
        rate = page.locator('select[name="rate"]')
        await expect(rate).to_be_visible()
        chosen = rate.locator("option:checked")
        await expect(chosen).to_contain_text(said["arrives"])  # the chat's button: its price and arrival
        price = (await chosen.inner_text()).split(" — ")[1].split(said["arrives"])[0]
        await expect(page.locator(".delivery-cost")).to_have_text(said["free"].split(":")[0] + ": " + price)
        await expect(page.get_by_role("radio", name=said["cod"])).to_be_visible()
        await pickup.click()
        await expect(rate).to_be_hidden()
        await expect(page.locator(".delivery-cost")).to_have_text(said["free"])
        await expect(page.get_by_role("radio", name=said["cod_pickup"])).to_be_checked()
        the_one_there_is = page.locator('select[name="pickup"] option:checked')
        await expect(the_one_there_is).to_contain_text("Manchester store")
        await page.reload()
        await expect(page.locator("fieldset.delivery input:checked")).to_have_value("pickup")
        await expect(page.locator('select[name="pickup"]')).to_be_visible()
        await expect(page.locator('select[name="pickup"]')).not_to_have_value("")
        await expect(page.locator(".delivery-cost")).to_have_text(said["free"])
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        await page.get_by_role("button", name=said["shop_on"]).click()  # the way on from the order
        await expect(page.locator("#view h2").first).to_have_text(said["categories"])
    assert await placed(shop) == ("pickup", 0, 2 * 208)  # free, as it said


async def test_a_courier_chosen_in_the_checkout_is_the_orders_with_the_price_it_showed(shop: RunningBot) -> None:
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    async with miniapp(shop) as client, browser_page("delivery-courier", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.get_by_role("radio", name="🚚 Courier delivery").click()
        await page.locator('input[name="address"]').fill("1 High Street, Leeds")
        rate = page.locator('select[name="rate"]')
        await rate.select_option(index=(await rate.locator("option").count()) - 1)
        cost = await page.locator(".delivery-cost").inner_text()
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        total = await page.locator(".total").inner_text()
    method, shipping, paid = await placed(shop)
    assert method == "courier" and shipping > 0 and paid == 208 + shipping
    assert cost == f"Delivery: £{shipping / 100:.2f}" and total == f"Total: £{paid / 100:.2f}"
