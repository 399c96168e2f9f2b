"""A cash-on-delivery order whose customer gave up a part is worth what was collected for it (its payment row),
not its total, in a customer's lifetime value on /customer and on /top customers, on both engines, en/ru."""

from __future__ import annotations

import pytest

from tests.e2e.books_month_end import books_shop
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import delivered_with_three_given_up
from tests.fakes import FakeClock

# 5 × 22151 at £0.42 and £4.70 shipping (£6.80); 3 dropped (£1.26): the courier collects £5.54
WORDS = {"en": ("Lifetime value: £5.54", "£5.54"), "ru": ("Сумма за всё время: 5,54\xa0£", "5,54\xa0£")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cash_order_counts_what_was_collected_in_the_customers_value_not_the_parts_given_up(
    database_url: str, clock: FakeClock, language: str
) -> None:
    value, ranked = WORDS[language]
    async with books_shop(database_url, clock) as shop:
        await delivered_with_three_given_up(shop, 196, "TRK-V1")

        manager = await hire_in(shop, 199, "Mo", "manager", language)
        assert value in (await manager.send("/customer 196")).last.text
        top = (await manager.send("/top customers")).last.text.splitlines()
        assert next(line for line in top if "196" in line).split(" — ")[1] == ranked, top
        await manager.send("/fx RUB 100")  # another currency: the candidates ranked from exact figures
        top = (await manager.send("/top customers")).last.text.splitlines()
        assert next(line for line in top if "196" in line).split(" — ")[1] == ranked, top
