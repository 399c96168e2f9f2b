"""Cash a courier collected on delivery is recorded as the order's payment: a goodwill refund
(/refund) on it is capped by that cash, listed by /refunds as paid back in cash, paid back from
/order, and the books balance to the penny, on both engines, for staff reading English or Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_month_end import books_shop
from tests.e2e.books_reconcile import CASH, REFUNDS, moves
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, order_code, payments, place_cod_order
from tests.e2e.parcels import hire_in
from tests.e2e.returns import deliver
from tests.fakes import FakeClock

GOODWILL, TAX = "4950 Goodwill refunds and allowances", "2200 Sales tax payable"
WORDS = {
    "en": {
        "given": "💸 Goodwill refund of £2.00 on order {code} for “late delivery” recorded as owed back; "
        "the customer is told. The order was paid in cash: pay it back in cash, "
        "then press 💸 Refund paid back on /order {code}.",
        "too_much": "At most £7.60 can be given back on order {code}",
        "listed": "/order {code} — delivered — £2.00 — 💵 in cash",
        "button": "💸 Refund paid back: £2.00",
    },
    "ru": {
        "given": "💸 Компенсация 2,00\xa0£ по заказу {code} за «late delivery» записана к выплате; "
        "покупателю сообщили. Заказ оплачен наличными: верните их наличными "
        "и нажмите «💸 Деньги возвращены» в /order {code}.",
        "too_much": "Вернуть по заказу {code} можно не больше 7,60\xa0£",
        "listed": "/order {code} — доставлен — 2,00\xa0£ — 💵 наличными",
        "button": "💸 Деньги возвращены: 2,00\xa0£",
    },
}


@pytest.fixture
async def taxed_shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A shop with 20 % tax inside its prices, on each engine."""
    async with books_shop(database_url, clock, tax_rate=20) as running:
        yield running


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_goodwill_on_a_cash_order_is_paid_back_in_cash(taxed_shop: RunningBot, language: str) -> None:
    shop, words = taxed_shop, WORDS[language]
    before = await balances(shop)
    customer = SandboxUser(shop.server, 881, "Vera", language_code=language)
    await add_to_cart(customer, "85123A", 2)  # 2 × £2.95 + £3.70 shipping = £9.60, cash on delivery
    code = order_code(await place_cod_order(customer))
    await deliver(shop, code)
    assert await payments(shop, code) == [("payment", 960)]  # the cash the courier collected

    agent = await hire_in(shop, 882, "Sofia", "support", language)
    done = await agent.send(f"/refund {code} 2 late delivery")
    assert done.last.text == words["given"].format(code=code)
    too_much = await agent.send(f"/refund {code} 7.61 again")
    assert too_much.last.text.startswith(words["too_much"].format(code=code)), too_much.last.text
    assert await payments(shop, code) == [("payment", 960), ("goodwill", 200)]

    manager = await hire_in(shop, 883, "Mo", "manager", language)
    listed = (await manager.send("/refunds")).last.text
    assert words["listed"].format(code=code) in listed, listed
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    paid = await admin.press((await admin.send(f"/order {code}")).last, words["button"])
    assert paid.callback_answer is not None
    assert await payments(shop, code) == [("payment", 960), ("goodwill", 200), ("refunded", 200)]
    # £9.60 collected and £2.00 handed back: cash £7.60; goodwill's net (£2.00 less 33p of tax) in
    # 4950, nothing left owed in 2100; the sale booked once, at delivery.
    moved = await moves(shop, before)
    assert moved[CASH] == 760 and moved[GOODWILL] == 167 and REFUNDS not in moved
    assert f"/order {code}" not in (await manager.send("/refunds")).last.text
