"""A goodwill refund (/refund) is money given back: /report's refunds and net, a customer's lifetime
value on /customer and /top customers take it off, as a return's refund is, on both engines."""

from __future__ import annotations

import pytest

from sandbox import SandboxUser
from tests.e2e.books_month_end import books_shop
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.parcels import hire_in
from tests.e2e.returns import deliver
from tests.fakes import FakeClock

WORDS = {
    "en": ("Refunds owed on these orders: £2.00 · net: £7.60", "Lifetime value: £7.60"),
    "ru": ("Возвраты денег по этим заказам: 2,00\xa0£ · чистая выручка: 7,60\xa0£", "Сумма за всё время: 7,60\xa0£"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_goodwill_refund_is_taken_off_the_reports_refunds_and_the_customers_value(
    database_url: str, clock: FakeClock, language: str
) -> None:
    async with books_shop(database_url, clock) as shop:
        vera = SandboxUser(shop.server, 891, "Vera")
        await add_to_cart(vera, "85123A", 2)  # £5.90 + £3.70 shipping, cash on delivery
        code = order_code(await place_cod_order(vera))
        await deliver(shop, code)
        await (await hire(shop, 892, "Sofia", "support")).send(f"/refund {code} 2 late delivery")

        manager = await hire_in(shop, 893, "Mo", "manager", language)
        report, value = WORDS[language]
        assert report in (await manager.send("/report today")).new[0].text
        assert value in (await manager.send("/customer 891")).last.text
        top = (await manager.send("/top customers")).last.text.splitlines()
        assert next(line for line in top if "891" in line).split(" — ")[1] in ("£7.60", "7,60\xa0£")
