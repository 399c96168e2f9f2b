"""What a customer on a 390×844 phone met at the storefront's checkout: the first payment method chosen for them
(an order placed with a way of paying they never picked), and an empty phone answered by the browser's own English
"Please fill out this field" bubble. Each unanswered field is now said in the reader's language, beside it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import CONTRAST, DARK, browser_page
from tests.e2e.checkout_shipping import raise_dpd
from tests.e2e.journeys import add_to_cart, count
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

ANN = 551
WORDS = {
    "en": {
        "pay_how": "How would you like to pay?",
        "choose_payment": "Choose how you would like to pay.",
        "type_phone": "Type your phone number with the country code.",
        "choose_delivery": "Choose courier delivery or pickup at a store.",
        "type_address": "Type the address to deliver to.",
        "choose_rate": "Choose a shipping option.",
    },
    "ru": {
        "pay_how": "Как вы хотите оплатить?",
        "choose_payment": "Выберите способ оплаты.",
        "type_phone": "Введите номер телефона с кодом страны.",
        "choose_delivery": "Выберите доставку курьером или самовывоз из магазина.",
        "type_address": "Введите адрес доставки.",
        "choose_rate": "Выберите способ доставки.",
    },
}
THEMES = [("en", None), ("ru", DARK)]
RAISED = {"en": "Shipping is now ", "ru": "Доставка теперь стоит "}  # a courier rate changed since the page


@asynccontextmanager
async def at_checkout(shop: RunningBot, name: str, language: str, theme: dict[str, str] | None) -> AsyncIterator[Any]:
    """Ann's checkout in the Mini App on a 390×844 phone, a 23843 in her cart from the chat."""
    await add_to_cart(SandboxUser(shop.server, ANN, "Ann", language_code=language), "23843")
    reader = init_data(shop, ANN, language=language)
    async with miniapp(shop) as client, browser_page(name, reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator("form.checkout").wait_for()
        yield page


async def beside(said: Any, field: Any) -> None:
    """``said`` is drawn just under ``field``, on the screen, and read against its background."""
    from playwright.async_api import expect

    await expect(said).to_be_in_viewport()
    under: Any = await said.bounding_box()
    box: Any = await field.bounding_box()
    assert 0 <= under["y"] - (box["y"] + box["height"]) <= 16, (under, box)  # next to it, not at the screen's foot
    assert under["x"] < box["x"] + box["width"] and box["x"] < under["x"] + under["width"]
    assert await said.evaluate(CONTRAST) >= 4.5


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_no_payment_method_is_chosen_for_the_customer_and_place_order_says_to_choose_one_beside_it(
    paying_shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """Card was checked as the page opened: a customer who never looked at the payment choice placed an order to
    pay by card. Of two ways to pay none is chosen; Place order without one says so under the choice."""
    from playwright.async_api import expect

    words = WORDS[language]
    async with at_checkout(paying_shop, f"payment-choice-{language}", language, theme) as page:
        payment = page.locator("fieldset.payment")
        await expect(payment.locator("legend")).to_have_text(words["pay_how"])
        await expect(payment.locator('input[name="payment"]')).to_have_count(2)
        await expect(payment.locator("input:checked")).to_have_count(0)  # the customer's to choose
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.locator("#place-order").click()
        said = payment.locator(".field-error")
        await expect(said).to_have_text(words["choose_payment"])
        await expect(payment.locator('input[name="payment"]').first).to_be_focused()
        await expect(page.locator("#error")).to_be_hidden()  # said where it is answered, not over the screen's foot
        await beside(said, payment.locator("label.choice").last)
        await page.locator('input[name="phone"]').focus()
        await page.evaluate("window.__pressMain()")  # Telegram's own Place order asks the same
        await expect(payment.locator('input[name="payment"]').first).to_be_focused()
        await expect(said).to_have_text(words["choose_payment"])
        assert await count(paying_shop, m.OrderRow) == 0
        await payment.locator('input[value="cod"]').check()
        await expect(said).to_be_hidden()  # answered
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
    async with paying_shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.OrderRow.payment_method))).one() == "cod"  # the one chosen


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_an_empty_phone_is_said_in_the_readers_language_beside_it_and_the_focus_goes_there(
    paying_shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """An empty phone got the browser's own "Please fill out this field" bubble, in English whatever the reader's
    language, and Telegram's Place order sent it to the shop, whose refusal floated at the screen's foot."""
    from playwright.async_api import expect

    words = WORDS[language]
    async with at_checkout(paying_shop, f"phone-empty-{language}", language, theme) as page:
        phone, address = page.locator('input[name="phone"]'), page.locator('input[name="address"]')
        await phone.fill("   ")
        await page.locator('input[name="delivery"][value="courier"]').check()
        await address.fill("")
        await page.locator('input[name="payment"][value="cod"]').check()
        await page.locator("#place-order").click()
        said = page.locator("#phone-error")
        await expect(said).to_have_text(words["type_phone"])
        await expect(said).to_have_class("field-error")
        await expect(phone).to_be_focused()
        await expect(phone).to_have_attribute("aria-invalid", "true")
        await expect(phone).to_have_attribute("aria-describedby", "phone-error")
        await beside(said, phone)
        # Every field left unanswered is said, the focus on the first of them.
        await expect(page.locator("#address-error")).to_have_text(words["type_address"])
        await expect(address).to_have_attribute("aria-invalid", "true")
        await expect(page.locator("#error")).to_be_hidden()
        assert await page.evaluate("document.querySelector('form.checkout').checkValidity()") is True  # no bubble
        await address.focus()
        await page.evaluate("window.__pressMain()")  # Telegram's own Place order: the same, nothing sent
        await expect(phone).to_be_focused()
        await phone.fill("+44 7911 123456")
        await expect(said).to_be_hidden()  # answered as it is typed
        await expect(phone).not_to_have_attribute("aria-invalid", "true")
        await page.locator("#place-order").click()
        await expect(address).to_be_focused()
        await address.fill("1 High Street, Leeds")
        await expect(page.locator("#address-error")).to_be_hidden()
        await expect(page.locator("#rate-error")).to_have_text(words["choose_rate"])  # of several, none chosen
        await page.locator('input[name="rate"]').first.check()
        assert await count(paying_shop, m.OrderRow) == 0
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
    async with paying_shop.runtime.sessions() as session:
        order = (await session.scalars(select(m.OrderRow))).one()
    assert (order.contact_phone, order.delivery_method) == ("+447911123456", "courier")


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_a_way_the_order_comes_left_unchosen_is_said_beside_the_choice(
    paying_shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    words = WORDS[language]
    async with at_checkout(paying_shop, f"delivery-unchosen-{language}", language, theme) as page:
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator("#place-order").click()
        delivery = page.locator("fieldset.delivery")
        said = delivery.locator(".field-error")
        await expect(said).to_have_text(words["choose_delivery"])
        await expect(delivery.locator('input[name="delivery"]').first).to_be_focused()
        await beside(said, delivery.locator("label.choice").last)
        await expect(page.locator("fieldset.payment .field-error")).to_have_text(words["choose_payment"])
        await delivery.locator('input[value="pickup"]').check()
        await expect(said).to_be_hidden()
        await expect(page.locator("fieldset.payment .field-error")).to_be_visible()  # still unanswered
    assert await count(paying_shop, m.OrderRow) == 0


async def courier_to(page: Any) -> Any:
    """The phone typed, courier chosen and an address typed: the courier's rates (a fieldset)."""
    await page.locator('input[name="phone"]').fill("+44 7911 123456")
    await page.locator('input[name="delivery"][value="courier"]').check()
    await page.locator('input[name="address"]').fill("221B Baker Street, London NW1 6XE")
    return page.locator("fieldset.rates")


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_of_several_courier_rates_none_is_chosen_for_the_customer_and_place_order_says_to_choose_one(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """Courier chosen, its first rate was checked and its price added: a customer who never looked at the rates
    paid for the first one. Of several none is chosen, no delivery price is said, and Place order asks for one."""
    from playwright.async_api import expect

    async with at_checkout(shop, f"rates-choice-{language}", language, theme) as page:
        rates = await courier_to(page)
        await page.locator('input[name="payment"][value="cod"]').check()
        radios = rates.locator('input[name="rate"]')
        assert await radios.count() > 1
        await expect(rates.locator("input:checked")).to_have_count(0)  # the customer's to choose
        await expect(page.locator(".delivery-cost")).to_be_hidden()
        await expect(page.locator("p.total")).to_be_hidden()
        await page.locator("#place-order").click()
        said = rates.locator(".field-error")
        await expect(said).to_have_text(WORDS[language]["choose_rate"])
        await expect(radios.first).to_be_focused()
        await expect(page.locator("#error")).to_be_hidden()
        await beside(said, rates.locator("label.choice").last)
        assert await count(shop, m.OrderRow) == 0
        chosen = rates.locator("label.choice").nth(1)
        await chosen.locator("input").check()
        await expect(said).to_be_hidden()  # answered
        await expect(page.locator(".delivery-cost")).to_be_visible()
        words = await chosen.inner_text()
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
    async with shop.runtime.sessions() as session:
        carrier, service = (await session.execute(select(m.OrderRow.carrier, m.OrderRow.service))).one()
    assert carrier in words and service in words, (carrier, service, words)  # the rate chosen, not the first


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_a_single_courier_rate_is_chosen_with_its_price_said(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """Where one rate delivers the cart there is nothing to choose: it is checked and its price said."""
    from playwright.async_api import expect

    async with shop.runtime.sessions() as session, session.begin():  # the demo's Royal Mail alone: every zone
        await session.execute(delete(m.CarrierRateRow).where(m.CarrierRateRow.carrier != "Royal Mail"))
    async with at_checkout(shop, f"rate-single-{language}", language, theme) as page:
        rates = await courier_to(page)
        await expect(rates.locator('input[name="rate"]')).to_have_count(1)
        await expect(rates.locator("input:checked")).to_have_count(1)
        await expect(page.locator(".delivery-cost")).to_be_visible()
        await expect(page.locator("p.total")).to_be_visible()


@pytest.mark.parametrize(("language", "theme"), THEMES)
async def test_a_courier_rate_raised_while_the_checkout_page_is_open_is_said_and_the_new_price_offered(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    """“Place order” placed at a delivery price the page never showed; now it orders nothing, says the change and
    reads the page again, the rate at its new price, at which the order is then placed."""
    from playwright.async_api import expect

    async with at_checkout(shop, f"rate-raised-{language}", language, theme) as page:
        rates = await courier_to(page)
        dpd = rates.locator("label.choice", has_text="DPD")
        shown = await dpd.inner_text()
        await dpd.locator("input").check()
        await page.locator('input[name="payment"][value="cod"]').check()
        await raise_dpd(shop, 100)
        await page.locator("#place-order").click()
        await expect(page.locator("#error")).to_contain_text(RAISED[language])
        await expect(dpd).not_to_have_text(shown)  # the page read again: the rate at its price now
        assert await count(shop, m.OrderRow) == 0
        now = await dpd.inner_text()
        await dpd.locator("input").check()
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
    async with shop.runtime.sessions() as session:
        carrier, shipping = (await session.execute(select(m.OrderRow.carrier, m.OrderRow.shipping_minor))).one()
    price = (
        f"£{shipping // 100}.{shipping % 100:02d}" if language == "en" else f"{shipping // 100},{shipping % 100:02d}"
    )
    assert carrier == "DPD" and price in now, (price, now)  # placed at the price the page said the second time
