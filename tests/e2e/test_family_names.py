"""A variant with no name of its own in the reader's language takes its family's before the shop's default
language's (en and ru): the demo's T-shirt in S / White, the one size without ``name_ru``, turned English
on the card, in search, in the cart and in the Mini App while its other sizes read Russian."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select

from bot.harness import DEMO_DATA, RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import checkout_to_payment, order_code, pdf_text, place_cod_order, scalar
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.returns import ask_return, delivered
from tests.e2e.variants import exchange, tshirts

NAME = {"en": "Organic cotton T-shirt", "ru": "Футболка из органического хлопка"}


async def _russian_sizes(shop: RunningBot) -> None:
    """The demo's T-shirts with its Russian file: every size named in Russian but the parent's own (S / White)."""
    await tshirts(shop)
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, (DEMO_DATA / "tshirts-ru.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_size_without_its_own_translation_is_named_as_its_family_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    name = NAME[language]
    vera = SandboxUser(shop.server, 983, "Вера", language_code=language)
    added = (await vera.send("/add TEE")).last.text
    assert f"{name} (S / White)" in added, added
    await vera.send("/add TEE-L-NVY")
    cart = (await vera.send("/cart")).last.text
    assert f"{name} (S / White)" in cart and cart.count(name) == 2, cart
    found = (await vera.send("cotton")).last
    assert name in found.text, found.text
    card = (await vera.send("/start p_TEE")).last
    assert name in card.text, card.text
    navy = (await vera.press(card, "Navy" if language == "en" else "Синий")).last
    assert name in navy.text, navy.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_mini_app_names_a_size_without_its_own_translation_as_its_family(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    headers = tma(shop, 984, language=language)
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/shop/products", params={"q": "TEE"}, headers=headers)).json()
        tee = found["products"][0]
        assert tee["name"].startswith(NAME[language]), tee
        page = await (await client.get(f"/app/api/shop/products/{tee['id']}", headers=headers)).json()
        assert page["name"].startswith(NAME[language]), page


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_names_a_size_without_its_own_translation_as_its_family_wherever_its_customer_reads_it(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    named = f"{NAME[language]} (S / White)"
    vera = SandboxUser(shop.server, 985, "Вера", language_code=language)
    await vera.send("/add TEE")
    placed = await place_cod_order(vera)
    code = order_code(placed)
    confirmation = next(msg for msg in placed.new if code in msg.text and "×" in msg.text)
    assert f"{named} × 1" in confirmation.text, confirmation.text
    stored = select(m.OrderLineRow.names).join(m.OrderRow).where(m.OrderRow.code == code)
    assert json.loads(await scalar(shop, stored)).get("ru") == f"{NAME['ru']} (S / White)"  # kept as sold
    tracked = (await vera.send(f"/track {code}")).last.text
    assert f"{named} × 1" in tracked, tracked
    shown = (await vera.press((await vera.send("/orders")).last, code)).last.text  # /orders, then the order
    assert f"{named} × 1" in shown, shown
    receipt = (await vera.send(f"/receipt {code}")).last
    assert receipt.file is not None
    assert f"TEE  {named}" in " ".join(pdf_text(receipt.file.content).split("\n")), pdf_text(receipt.file.content)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_exchange_for_a_size_without_its_own_translation_names_the_replacement_as_its_family(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    code = await delivered(shop, 986, {"TEE-M-WHT": 1})
    eli = SandboxUser(shop.server, 986, "Эли", language_code=language)
    replacement = await exchange(eli, shop, code, "TEE-M-WHT", "S / White", language)  # to the parent's own size
    tracked = (await eli.send(f"/track {replacement}")).last.text
    assert f"{NAME[language]} (S / White) × 1" in tracked, tracked


async def test_placing_an_order_reads_no_family_from_the_database_while_the_cards_have_it_cached(
    shop: RunningBot,
) -> None:
    await _russian_sizes(shop)
    vera = SandboxUser(shop.server, 987, "Вера", language_code="ru")
    for sku in ("TEE", "TEE-M-WHT", "TEE-L-NVY"):  # three lines of one family
        await vera.send(f"/add {sku}")
    payment = await checkout_to_payment(vera)
    confirm = await vera.press(payment.last, "💵")
    statements: list[str] = []

    def sent(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = shop.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", sent)
    try:
        placed = await vera.press(confirm.last, "✅")
    finally:
        event.remove(engine, "before_cursor_execute", sent)
    assert f"{NAME['ru']} (S / White) × 1" in placed.last.text, placed.last.text
    assert [s for s in statements if "product_groups.code =" in s] == []  # no family read, per line or at all


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_reports_top_and_most_returned_products_name_a_size_without_its_own_translation_as_its_family(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    code = await delivered(shop, 988, {"TEE": 1})
    await ask_return(shop, SandboxUser(shop.server, 988, "C988"), code, "TEE", "Doesn't fit")
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    text = (await manager.send("/report today")).new[0].text
    most = text[text.index({"en": "Most returned", "ru": "Чаще всего возвращали"}[language]) :]
    assert f"1. TEE {NAME[language]}" in most, most
    top = text[text.index({"en": "Top products", "ru": "Лучшие товары"}[language]) :]
    assert f"1. TEE {NAME[language]}" in top, top
