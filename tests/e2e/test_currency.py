"""Prices and orders in the customer's currency, converted from the base (GBP) at the rate a
manager set; the order keeps its rate and the books stay in GBP."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.harness import RunningBot
from domain.fx import FxRate
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, place_cod_order
from tests.e2e.returns import deliver


async def test_a_russian_customer_pays_in_roubles_and_the_books_stay_in_pounds(shop: RunningBot) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    set_reply = await manager.send("/fx RUB 100")
    assert "1 GBP = 100 RUB" in set_reply.last.text

    ivan = SandboxUser(shop.server, 700, "Ivan", language_code="ru")
    card = await ivan.send("/start p_85123A")
    assert "295,00" in card.last.text and "₽" in card.last.text  # £2.95 at 100, Russian format
    await add_to_cart(ivan, "85123A", 2)
    code = order_code(await place_cod_order(ivan))

    await manager.send("/fx RUB 120")  # a later rate changes nothing on the placed order
    async with shop.runtime.sessions() as session:
        row = (await session.scalars(select(m.OrderRow).where(m.OrderRow.code == code))).one()
    assert (row.currency, row.fx_rate, row.subtotal_minor, row.shipping_minor) == ("RUB", "100", 59000, 37000)

    await deliver(shop, code)
    books = await balances(shop)
    # Exactly the pounds the prices came from: £5.90 of goods, £3.70 of shipping.
    assert books["1000 Cash"] == (960, 0) and books["4000 Sales"] == (0, 590)
    async with shop.runtime.sessions() as session:
        currencies = set(await session.scalars(select(m.JournalEntryRow.currency)))
    assert currencies == {"GBP"}

    history = await manager.send("/fx RUB")
    shown = history.last.text.splitlines()
    assert "1 GBP = 120 RUB" in shown and [line for line in shown if line.endswith(" · Mo")] == shown[-2:]  # by name


async def test_customers_choose_among_the_currencies_the_shop_takes(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx GBP EUR 1.17")
    alice = SandboxUser(shop.server, 800, "Alice")  # English: USD is usual, but not offered
    assert "£2.95" in (await alice.send("/start p_85123A")).last.text
    menu = await alice.send("/currency")
    assert menu.last.button_texts() == ["✅ GBP", "EUR"]
    await alice.press(menu.last, "EUR")
    assert "€3.45" in (await alice.send("/start p_85123A")).last.text  # 2.95 × 1.17 = 3.4515
    await add_to_cart(alice, "85123A", 2)
    assert "€6.90" in (await alice.send("/cart")).last.text


async def test_rates_are_refused_without_the_base_and_to_roles_that_may_not_set_them(shop: RunningBot) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    wrong = await manager.send("/fx EUR USD 1.1")
    assert "against the base currency GBP" in wrong.last.text
    bad = await manager.send("/fx RUB lots")
    assert "not a valid exchange rate" in bad.last.text
    support = await hire(shop, 98, "Sue", "support")
    assert "does not allow" in (await support.send("/fx RUB 90")).last.text
    assert "staff only" in (await SandboxUser(shop.server, 900, "Eve").send("/fx")).last.text
    assert "No rates yet" in (await support.send("/fx")).last.text  # nothing was set
    async with shop.runtime.sessions() as session:
        assert list(await session.scalars(select(m.FxRateRow))) == []


async def test_a_card_payment_in_roubles_and_its_cancellation_are_booked_in_pounds(running: RunningBot) -> None:
    uow = running.runtime.uow()
    async with uow:
        await uow.fx.add(FxRate("GBP", "RUB", Decimal("100"), running.runtime.clock.now()), "test")
        await uow.commit()
    boris = SandboxUser(running.server, 602, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A", 3)
    reply = await checkout_to_payment(boris, pickup=True)
    reply = await boris.press(reply.last, "картой")
    placed = await boris.press(reply.last, "Подтвердить")
    invoice = next(x for x in placed.new if x.kind == "invoice")
    assert invoice.invoice is not None
    assert (invoice.invoice["total_amount"], invoice.invoice["currency"]) == (88500, "RUB")  # 3 × £2.95 at 100
    await boris.pre_checkout(invoice)
    await boris.pay(invoice)
    reply = await boris.send("/orders")
    reply = await boris.press(reply.last, reply.last.button_texts()[0])
    reply = await boris.press(reply.last, "Отменить заказ")
    await boris.press(reply.last, "Да, отменить")

    books = await balances(running)
    assert books["1000 Cash"] == (885, 0) and books["4000 Sales"] == (0, 885)
    assert books["4900 Sales returns"] == (885, 0) and books["2100 Refunds owed to customers"] == (0, 885)
    async with running.runtime.sessions() as session:
        assert set(await session.scalars(select(m.JournalEntryRow.currency))) == {"GBP"}


async def test_a_manager_removes_a_products_own_rouble_price_with_a_dash_and_the_converted_one_applies_again(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    await manager.send("/fx RUB 100")
    ivan = SandboxUser(shop.server, 701, "Ivan", language_code="ru")
    sheet = await manager.send("/product 85123A")
    asked = await manager.press(sheet.last, "✏️ Price (RUB)")
    assert "- removes it (the price in GBP converted at the rate applies)" in asked.last.text
    await manager.send("310.50")
    assert "310,50\xa0₽" in (await ivan.send("/start p_85123A")).last.text  # its own price, not £2.95 × 100
    again = await manager.send("/product 85123A")
    await manager.press(again.last, "✏️ Price (RUB)")
    removed = await manager.send("-")
    assert "Saved." in removed.last.text and "Price (RUB)" not in removed.last.text.split("✅")[0]
    assert "295,00\xa0₽" in (await ivan.send("/start p_85123A")).last.text  # converted from £2.95 again
    history = await manager.press(removed.last, "History (3)")  # made by the demo file, set, removed
    assert "Price (RUB): RUB\xa0310.50 → —" in history.last.text  # as money, the reader's way
    await manager.press(removed.last, "✏️ Price (GBP)")  # the shop's own currency keeps a price
    assert (await manager.send("-")).last.text == "- is not a valid amount in GBP."
