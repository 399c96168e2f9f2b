"""Price lists and buy again through the bot: staff set a wholesale list and put a customer
on it; the customer's card and cart show the list's price and why, the minimum and pack are
refused with the rule, the order keeps the list's prices; buy again refills the cart at
today's prices, naming what is no longer sold.

Demo data used: 85123A "White Hanging Heart T-Light Holder" £2.95 (Lighting), 806 in LON;
22197 "Popcorn Holder" £0.85 (Home decor), 1094 in LON."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, place_cod_order, scalar
from tests.e2e.price_lists import wholesale_list


async def _rules(shop: RunningBot) -> list[tuple[str, str, int, int | None, str | None]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(
                m.PriceRuleRow.scope,
                m.PriceRuleRow.target,
                m.PriceRuleRow.min_quantity,
                m.PriceRuleRow.price_minor,
                m.PriceRuleRow.percent,
            ).order_by(m.PriceRuleRow.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_wholesale_customer_sees_and_pays_their_list_prices(shop: RunningBot) -> None:
    await wholesale_list(shop)
    assert await _rules(shop) == [
        ("variant", "85123A", 1, 250, None),
        ("variant", "22197", 10, None, "5"),
        ("variant", "22197", 50, None, "12"),
        ("product", "22197", 1, None, None),
    ]
    corp = SandboxUser(shop.server, 700, "Corp", username="corp")
    await corp.send("/start")
    retail = await corp.send("/start p_85123A")
    assert "£2.95" in retail.last.text and "wholesale" not in retail.last.text

    support = await hire(shop, 701, "Sue", "support")
    assert (
        await support.send("/customer @corp group wholesale")
    ).last.text == "Your role (support) does not allow this."
    assert (await support.send("/pricelist")).last.text == "Your role (support) does not allow this."
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert "not a customer group" in (await admin.send("/customer @corp group who?")).last.text
    grouped = await admin.send("/customer @corp group Wholesale")
    assert grouped.last.text == "Corp now buys at the “wholesale” price list."
    assert "Price list: wholesale" in (await admin.send("/customer @corp")).last.text

    card = await corp.send("/start p_85123A")
    assert "Price: £2.95 £2.50 · wholesale price" in card.last.text
    assert "<s>£2.95</s> <b>£2.50</b>" in (card.last.html or "")
    popcorn = await corp.send("/start p_22197")
    assert "Price: £0.85" in popcorn.last.text
    assert "10+ units −5 %: £0.81" in popcorn.last.text and "50+ units −12 %: £0.75" in popcorn.last.text
    assert "Minimum order: 10. Sold in packs of 5." in popcorn.last.text

    refused = await add_to_cart(corp, "22197", 3)
    assert refused.last.text == "Popcorn Holder is sold from 10 units on your price list: order 10 or more."
    refused = await add_to_cart(corp, "22197", 12)
    assert refused.last.text == "Popcorn Holder is sold in packs of 5 on your price list: order 10 or 15, not 12."
    await add_to_cart(corp, "22197", 10)
    await add_to_cart(corp, "85123A", 2)
    cart = await corp.send("/cart")
    text = cart.last.text
    assert "Popcorn Holder × 10 — £8.10" in text and "£0.85 £0.81 each · 10+ units −5 %" in text, text
    assert "White Hanging Heart T-Light Holder × 2 — £5.00" in text and "£2.95 £2.50 each · wholesale price" in text
    assert "Subtotal: £13.10" in text
    # ➕ on the popcorn line steps a whole pack: 15 at the same break
    plus = next(b for b in cart.last.buttons() if b["text"] == "➕ Popcorn Hol…")
    more = await corp.press_data(cart.last, plus["callback_data"])
    assert "Popcorn Holder × 15 — £12.15" in more.last.text

    placed = await place_cod_order(corp)
    code = order_code(placed)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    async with shop.runtime.sessions() as session:
        lines = (
            await session.execute(
                select(m.OrderLineRow.sku, m.OrderLineRow.quantity, m.OrderLineRow.unit_price_minor)
                .where(m.OrderLineRow.order_id == order.id)
                .order_by(m.OrderLineRow.sku)
            )
        ).all()
    assert [tuple(line) for line in lines] == [("22197", 15, 81), ("85123A", 2, 250)]


async def test_buy_again_refills_the_cart_at_todays_prices_and_names_what_is_gone_in_russian(
    shop: RunningBot,
) -> None:
    manager = await wholesale_list(shop)
    olga = SandboxUser(shop.server, 710, "Ольга", username="olga", language_code="ru")
    await olga.send("/start")
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/customer @olga group wholesale")
    card = await olga.send("/start p_85123A")
    assert "Цена: 2,95\xa0£ 2,50\xa0£ · оптовая цена" in card.last.text, card.last.text
    await add_to_cart(olga, "85123A", 4)
    await add_to_cart(olga, "22197", 10)
    await add_to_cart(olga, "23166", 1)
    cart = await olga.send("/cart")
    assert "0,85\xa0£ 0,81\xa0£ за шт. · от 10 шт. −5 %" in cart.last.text, cart.last.text
    code = order_code(await place_cod_order(olga))

    # Since then: the list's 85123A price is gone, the jar withdrawn, Popcorn Holders discontinued.
    board = await manager.send("/pricelist wholesale")
    rule_id = next(line.split()[0].lstrip("#") for line in board.last.text.splitlines() if "85123A" in line)
    assert (await manager.send(f"/pricelist remove {rule_id}")).last.text == f"Price rule {rule_id} removed."
    async with shop.runtime.sessions() as session:
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "22197").values(status="discontinued"))
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "23166").values(status="hidden"))
        await session.commit()

    detail = await olga.send(f"/track {code}")
    again = await olga.press(detail.last, "🛒")
    summary, shown = again.new[-2], again.new[-1]
    assert "Белый подвесной подсвечник «Сердце» × 4" in summary.text and "White" not in summary.text, summary.text
    assert "Белый подвесной подсвечник «Сердце»: теперь 2,95\xa0£ за штуку (в заказе было" in summary.text
    assert "Товар «Стаканчик для попкорна» снят с продажи и пропущен." in summary.text, summary.text
    assert "Товар «Банка для хранения с керамической крышкой, средняя» больше не продаётся и пропущен." in summary.text
    assert "× 4 — 11,80\xa0£" in shown.text and "попкорн" not in shown.text, shown.text
    async with shop.runtime.sessions() as session:
        in_cart = (await session.execute(select(m.CartLineRow.quantity))).scalars().all()
    assert in_cart == [4]


async def test_buy_again_pressed_twice_fills_the_cart_to_the_order_once(shop: RunningBot) -> None:
    """A double tap (or a second press) added the order's quantities again: 3 became 6."""
    buyer = SandboxUser(shop.server, 711, "Bob")
    await buyer.send("/start")
    await add_to_cart(buyer, "85123A", 3)
    code = order_code(await place_cod_order(buyer))
    detail = (await buyer.send(f"/track {code}")).last
    await buyer.press(detail, "🛒 Buy again")
    again = await buyer.press(detail, "🛒 Buy again")
    assert "White Hanging Heart T-Light Holder × 3" in again.new[-2].text
    async with shop.runtime.sessions() as session:
        assert (await session.execute(select(m.CartLineRow.quantity))).scalars().all() == [3]


API_ORDER: dict[str, Any] = {
    "customer": {"name": "Wendy Web", "phone": "+44 7700 900123", "email": "wendy@example.com"},
    "lines": [{"sku": "85123A", "quantity": 2}],
    "currency": "GBP",
    "payment": "paid",
    "address": "10 Downing Street, London SW1A 2AA",
    "latitude": 51.5034,
    "longitude": -0.1276,
    "shipping": "3.70",
}


async def test_an_api_order_for_a_wholesale_customer_is_priced_and_checked_by_their_list(shop: RunningBot) -> None:
    await wholesale_list(shop)
    runtime = shop.runtime
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="b2b portal", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    auth = {"Authorization": f"Bearer {token}"}
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app)) as client:
        retail = await client.post("/api/v1/orders", json=API_ORDER, headers={**auth, "Idempotency-Key": "a"})
        assert retail.status == 201 and (await retail.json())["total"] == "9.60"
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        grouped = await admin.send("/customer +44 7700 900123 group wholesale")
        assert grouped.last.text == "Wendy Web now buys at the “wholesale” price list."
        listed = await client.post("/api/v1/orders", json=API_ORDER, headers={**auth, "Idempotency-Key": "b"})
        assert listed.status == 201 and (await listed.json())["total"] == "8.70"  # 2 × £2.50 + £3.70
        short = {**API_ORDER, "lines": [{"sku": "22197", "quantity": 12}]}
        refused = await client.post("/api/v1/orders", json=short, headers={**auth, "Idempotency-Key": "c"})
        problem = await refused.json()
    assert (refused.status, problem["field"]) == (422, "lines.0.quantity"), problem
    assert "from 10 in multiples of 5" in problem["detail"]


async def test_a_line_added_before_the_list_set_a_minimum_is_refused_at_confirmation(shop: RunningBot) -> None:
    await wholesale_list(shop)
    dana = SandboxUser(shop.server, 720, "Dana", username="dana")
    await add_to_cart(dana, "22197", 3)  # retail: no minimum yet
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @dana group wholesale")
    reply = await checkout_to_payment(dana)
    reply = await dana.press(reply.last, "💵")
    refused = await dana.press(reply.last, "✅")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == (
        "Popcorn Holder is sold from 10 units on your price list: order 10 or more."
    )
    assert await scalar(shop, select(m.OrderRow.id)) is None


async def test_a_round_percent_off_reads_as_typed_in_english_and_russian(shop: RunningBot) -> None:
    """10 % was stored and shown as "−1E+1 %" (a normalised Decimal); 12,5 % reads "12,5" in Russian."""
    english = await hire(shop, 62, "Max", "manager")
    saved = await english.send("/pricelist add wholesale GBP product:22197 10%")
    assert "· −10 %" in saved.last.text and "E+" not in saved.last.text, saved.last.text
    russian = await hire(shop, 63, "Маша", "manager", language="ru")
    saved = await russian.send("/pricelist add vip GBP 85123A 12,5% from 20")
    assert "· −12,5 %" in saved.last.text, saved.last.text
    board = await russian.send("/pricelist")
    assert "−10 %" in board.last.text and "−12,5 %" in board.last.text and "E+" not in board.last.text
    assert [rule[-1] for rule in await _rules(shop)] == ["10", "12.5"]


async def test_a_wholesale_customer_reads_their_list_price_in_search_a_category_page_and_the_mini_app_grid(
    shop: RunningBot,
) -> None:
    """The card said £2.50 (their list's price) while the search results, the category page and the
    Mini App's grid listed the same product at the retail £2.95."""
    from tests.e2e.miniapp import miniapp, tma

    await wholesale_list(shop)
    corp = SandboxUser(shop.server, 702, "Corp", username="corp2")
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @corp2 group wholesale")
    found = await corp.send("/search heart")
    assert "(85123A) — £2.50" in found.last.text, found.last.text
    lighting = next(c for c in (await corp.send("/catalog")).last.button_texts() if c.startswith("Lighting"))
    page = await corp.press((await corp.send("/catalog")).last, lighting)
    assert "White Hanging Heart T-Light Holder — £2.50" in page.last.text, page.last.text
    async with miniapp(shop) as client:
        grid = await (await client.get("/app/api/shop/products", params={"q": "heart"}, headers=tma(shop, 702))).json()
    assert next(p["price"]["text"] for p in grid["products"] if p["sku"] == "85123A") == "£2.50"
    retail = SandboxUser(shop.server, 703, "Rita")
    assert "(85123A) — £2.95" in (await retail.send("/search heart")).last.text


async def test_a_price_list_price_of_zero_or_below_is_refused_naming_the_price_and_nothing_is_saved(
    shop: RunningBot,
) -> None:
    """``/pricelist add wholesale GBP 85123A 0`` made the holder free for every wholesale customer."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    for typed, shown in (("0", "£0.00"), ("-2.50", "-£2.50"), ("0,00", "£0.00")):
        refused = await admin.send(f"/pricelist add wholesale GBP 85123A {typed}")
        assert refused.last.text == f"The price must be more than 0, got {shown}: to give goods away, use a promotion."
    ru = SandboxUser(shop.server, ADMIN, "Ada", language_code="ru")
    refused = await ru.send("/pricelist add wholesale GBP 85123A 0")
    assert refused.last.text.startswith("Цена должна быть больше 0")
    assert await _rules(shop) == []
    saved = await admin.send("/pricelist add wholesale GBP 85123A 0.01")
    assert "Price rule saved" in saved.last.text and await _rules(shop) == [("variant", "85123A", 1, 1, None)]


async def test_a_price_rule_in_a_currency_the_shop_does_not_take_is_refused_in_russian_and_nothing_is_saved(
    shop: RunningBot,
) -> None:
    olga = await hire(shop, 725, "Olga", "manager", language="ru")
    refused = (
        await olga.send("/pricelist add wholesale JPY 85123A 300")
    ).last.text  # no /fx JPY: no customer pays in yen
    assert refused == "Магазин не принимает JPY. Доступно: GBP."
    assert await scalar(shop, select(func.count()).select_from(m.PriceRuleRow)) == 0
    await olga.send("/fx JPY 190")
    assert "JPY · 300\xa0¥" in (await olga.send("/pricelist add wholesale JPY 85123A 300")).last.text
