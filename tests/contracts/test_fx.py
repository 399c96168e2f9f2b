"""FxRepository: what the fake and SQL both promise."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.fx import FxRate
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW


async def test_the_newest_rate_of_each_pair_with_the_currency_on_either_side(uow: UnitOfWork) -> None:
    async with uow:
        await uow.fx.add(FxRate("EUR", "GBP", Decimal("0.85"), NOW), "staff:1")
        await uow.fx.add(FxRate("EUR", "GBP", Decimal("0.86"), NOW + timedelta(days=1)), "staff:1")
        await uow.fx.add(FxRate("USD", "EUR", Decimal("0.92"), NOW), "staff:1")
        await uow.fx.add(FxRate("USD", "RUB", Decimal("92.5"), NOW), "staff:1")
        await uow.commit()
    async with uow:
        found = await uow.fx.latest_against("EUR")
        assert await uow.fx.latest_against("JPY") == []
    assert sorted(found, key=lambda r: r.base) == [
        FxRate("EUR", "GBP", Decimal("0.86"), NOW + timedelta(days=1)),
        FxRate("USD", "EUR", Decimal("0.92"), NOW),
    ]


async def test_of_two_rates_for_a_pair_the_one_set_last_wins(uow: UnitOfWork) -> None:
    async with uow:
        await uow.fx.add(FxRate("EUR", "GBP", Decimal("0.86"), NOW + timedelta(days=1)), "staff:1")
        await uow.fx.add(FxRate("EUR", "GBP", Decimal("0.84"), NOW), "staff:2")  # a correction, dated earlier
        await uow.commit()
    async with uow:
        assert await uow.fx.latest_against("GBP") == [FxRate("EUR", "GBP", Decimal("0.84"), NOW)]


async def test_a_currency_locked_by_a_unit_is_locked_again_by_the_next(uow: UnitOfWork) -> None:
    async with uow:
        await uow.fx.lock("USD")
        await uow.fx.lock("USD")  # held already: taken again at once
        await uow.fx.add(FxRate("EUR", "USD", Decimal("1.1"), NOW), "staff:1")
        await uow.commit()
    async with uow:
        await uow.fx.lock("USD")  # let go at the last commit
        assert await uow.fx.latest_against("USD") == [FxRate("EUR", "USD", Decimal("1.1"), NOW)]
