"""The storefront's checkout asks how the order comes, as the chat's does: a courier or a pickup point,
each with what it costs, neither chosen for the customer, the choice kept through a reload."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page
from tests.e2e.journeys import add_to_cart, count
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

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
        "cod": "Наличными при получении",
        "cod_pickup": "Оплата при получении в магазине",
        "arrives": ", прибудет ",
        "shop_on": "Продолжить покупки",
        "categories": "Категории",
    },
}


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
        await expect(page.locator("fieldset.points")).to_be_hidden()
        await expect(page.locator('input[name="address"]')).to_be_hidden()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator("#place-order").click()
        await expect(choice.locator(".field-error")).to_have_text(said["choose"])  # under the choice
        assert await count(shop, m.OrderRow) == 0
        await courier.click()
        await expect(choice.locator(".field-error")).to_be_hidden()  # answered by the choice
        rate = page.locator("fieldset.rates")  # each rate a radio, its whole text beside it
        await expect(rate).to_be_visible()
        await expect(rate.locator("input:checked")).to_have_count(0)  # of several rates, the customer's to choose
        await expect(page.locator(".delivery-cost")).to_be_hidden()  # no price before a rate is chosen
        await rate.locator("input").first.check()
        chosen = rate.locator("label:has(input:checked)")
        await expect(chosen).to_contain_text(said["arrives"])  # the chat's button: its price and arrival
        price = (await chosen.inner_text()).split(" — ")[1].split(said["arrives"])[0]
        await expect(page.locator(".delivery-cost")).to_have_text(said["free"].split(":")[0] + ": " + price)
        await expect(page.get_by_role("radio", name=said["cod"])).to_be_visible()
        await pickup.click()
        await expect(rate).to_be_hidden()
        await expect(page.locator(".delivery-cost")).to_have_text(said["free"])
        await expect(page.get_by_role("radio", name=said["cod_pickup"])).to_be_checked()
        the_one_there_is = page.locator('fieldset.points label:has(input[name="pickup"]:checked)')
        await expect(the_one_there_is).to_contain_text("Manchester store")
        await page.reload()
        await expect(page.locator("fieldset.delivery input:checked")).to_have_value("pickup")
        await expect(page.locator('input[name="pickup"]:checked')).to_be_visible()  # as chosen before the reload
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
        rate = page.locator('input[name="rate"]')
        await rate.nth((await rate.count()) - 1).check()
        cost = await page.locator(".delivery-cost").inner_text()
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        total = await page.locator(".total").inner_text()
    method, shipping, paid = await placed(shop)
    assert method == "courier" and shipping > 0 and paid == 208 + shipping
    assert cost == f"Delivery: £{shipping / 100:.2f}" and total == f"Total: £{paid / 100:.2f}"


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_every_courier_rate_is_read_whole_on_a_390_px_phone(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """The rates were a <select>: at 390 px its closed box cut "Royal Mail Tracked 48 — £3.70, arrives …"
    off after the price, so the arrival day (what tells the rates apart) was not read."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language), "23843", 1)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"rates-{language}", reader, theme=theme) as page:
        offered = await (await client.get("/app/api/shop/checkout", headers={"Authorization": f"tma {reader}"})).json()
        texts = [q["text"] for q in offered["shipping"]]
        assert len(texts) >= 2
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="delivery"][value="courier"]').check()
        labels = page.locator("fieldset.rates label")
        await expect(labels).to_have_text(texts)  # each whole, as the chat's buttons say them
        for i in range(len(texts)):
            box = await labels.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert await labels.nth(i).evaluate("(node) => node.scrollWidth <= node.clientWidth")
        await expect(page.locator('input[name="rate"]:checked')).to_have_count(
            0
        )  # of several, the customer's to choose
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


TOTALS = {
    "en": {"discount": "🏷 Hearts week: −£0.59", "pickup": "Total: £2.36", "total": "Total: "},
    "ru": {"discount": "🏷 Hearts week: −0,59\xa0£", "pickup": "Итого: 2,36\xa0£", "total": "Итого: "},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_checkout_shows_the_total_with_discounts_before_the_order_is_placed(
    shop: RunningBot, language: str
) -> None:
    """The checkout showed the subtotal and the delivery only: a running promotion's discount was first
    seen on the placed order, where the chat's review shows it, and the total, before Confirm."""
    from playwright.async_api import expect

    from tests.e2e.conftest import ADMIN

    words = TOTALS[language]
    made = '/promotion new "Hearts week" percent=20 products=85123A until=2026-12-31'
    assert "Hearts week" in (await SandboxUser(shop.server, ADMIN, "Ada").send(made)).last.text
    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language), "85123A", 1)  # £2.95
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"review-{language}", reader) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await expect(page.locator("form.checkout .discount")).to_have_text([words["discount"]])
        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="rate"]').first.check()
        chosen = await page.locator('input[name="rate"]:checked').get_attribute("value")
        offered = await (await client.get("/app/api/shop/checkout", headers={"Authorization": f"tma {reader}"})).json()
        rate = next(q for q in offered["shipping"] if str(q["id"]) == chosen)
        assert rate["total"]["minor"] == 236 + rate["price"]["minor"]  # the goods after discounts, and the delivery
        await expect(page.locator("form.checkout .total")).to_have_text(words["total"] + rate["total"]["text"])
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await expect(page.locator("form.checkout .total")).to_have_text(words["pickup"])
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        await expect(page.locator(".total")).to_have_text(words["pickup"])  # what it said it would come to
    assert await placed(shop) == ("pickup", 0, 236)


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Shipping is now £{now} (was £{was})."), ("ru", "Доставка теперь стоит {now}\xa0£ (было {was}\xa0£).")],
)
async def test_a_courier_rate_lowered_after_the_checkout_page_is_taken_and_the_placed_page_says_the_new_price(
    shop: RunningBot, language: str, said: str
) -> None:
    """As the chat's ✅ Confirm: the order takes the lower delivery price, and the placed page says it, not only a
    total lower than the checkout's."""
    from playwright.async_api import expect
    from sqlalchemy import update

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    data = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"delivery-lowered-{language}", data) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="address"]').fill("1 High Street, Leeds")
        rate = page.locator('input[name="rate"]')
        await rate.nth((await rate.count()) - 1).check()
        async with shop.runtime.sessions() as session, session.begin():  # the shop's rate table, lowered by 10p
            await session.execute(update(m.CarrierRateRow).values(base_minor=m.CarrierRateRow.base_minor - 10))
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        note = await page.locator("#placed-note").inner_text()
    method, shipping, paid = await placed(shop)
    assert method == "courier" and paid == 208 + shipping

    def shown(minor: int) -> str:
        text = f"{minor // 100}.{minor % 100:02d}"
        return text if language == "en" else text.replace(".", ",")

    assert note == said.format(now=shown(shipping), was=shown(shipping + 10))
