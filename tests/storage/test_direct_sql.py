"""Hot statements straight to sqlite3 (``storage.repositories.sql.direct``) give what SQLAlchemy gives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from domain.stock import Reservation, ReservationKind
from storage.db import WriteInReadOnlyWork, session_factory
from storage.repositories import stock
from storage.repositories.sql import fetch
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_database
from tests.contracts.conftest import NOW, a_customer, a_product, a_warehouse

LATER = NOW + timedelta(minutes=30)


@pytest.fixture
async def uow(tmp_path: Path) -> AsyncIterator[SqlUnitOfWork]:
    engine = await empty_database(f"sqlite+aiosqlite:///{tmp_path / 'direct.sqlite3'}")
    yield SqlUnitOfWork(session_factory(engine))
    await engine.dispose()


async def _hold(uow: SqlUnitOfWork) -> Reservation:
    product, warehouse, customer = await a_product(uow), await a_warehouse(uow), await a_customer(uow)
    async with uow:
        await uow.stock.set_bin_quantity(product, warehouse, "A-01-01-1", 5, "count", "staff:1", NOW)
        kept = await uow.stock.add_reservation(
            Reservation(product, warehouse, 2, ReservationKind.HOLD, customer, None, LATER, NOW)
        )
        await uow.commit()
    return kept


async def test_a_direct_read_gives_the_rows_sqlalchemy_gives_with_their_types(uow: SqlUnitOfWork) -> None:
    kept = await _hold(uow)
    params = {"product_id": kept.product_id, "customer_id": kept.customer_id, "now": NOW}
    async with uow:
        direct = await fetch(uow.session, stock._PRODUCT_HOLDS, params)  # the first: it begins the transaction
        assert [tuple(row) for row in await fetch(uow.session, stock._PRODUCT_HOLDS, params)] == list(
            map(tuple, direct)
        )
        through_sqlalchemy = (await uow.session.execute(stock._PRODUCT_HOLDS, params)).all()
    assert [tuple(row) for row in direct] == [tuple(row) for row in through_sqlalchemy]
    assert direct[0].expires_at == LATER and direct[0].expires_at.tzinfo is not None
    assert await _holds_of(uow, kept) == [kept]


async def _holds_of(uow: SqlUnitOfWork, kept: Reservation) -> list[Reservation]:
    async with uow.read_only():
        return await uow.stock.customer_holds(kept.customer_id or 0)


async def test_a_direct_write_clears_the_cached_rows_it_names_when_it_commits(uow: SqlUnitOfWork) -> None:
    kept = await _hold(uow)
    assert await _holds_of(uow, kept) == [kept]  # now in the read cache
    async with uow:
        await uow.stock.levels([kept.product_id])
        await uow.stock.extend_holds(kept.customer_id or 0, LATER + timedelta(hours=1))
        assert await uow.stock.reserve_where_most(kept.product_id, 3) == kept.warehouse_id
        await uow.commit()
    (extended,) = await _holds_of(uow, kept)
    assert extended.expires_at == LATER + timedelta(hours=1)
    async with uow.read_only():
        (level,) = await uow.stock.levels([kept.product_id])
    assert (level.on_hand, level.reserved) == (5, 3)


async def test_a_direct_write_in_read_only_work_is_refused(uow: SqlUnitOfWork) -> None:
    kept = await _hold(uow)
    async with uow.read_only():
        await uow.stock.levels([kept.product_id])
        await uow.stock.customer_holds(kept.customer_id or 0)
        with pytest.raises(WriteInReadOnlyWork):
            await uow.stock.extend_holds(kept.customer_id or 0, LATER)


async def test_a_direct_write_the_database_refuses_raises_sqlalchemys_error(uow: SqlUnitOfWork) -> None:
    kept = await _hold(uow)
    async with uow:
        await uow.stock.levels([kept.product_id])
        with pytest.raises(IntegrityError):  # no such product: the foreign key refuses it
            await uow.stock.add_reservation(
                Reservation(kept.product_id + 1000, kept.warehouse_id, 1, ReservationKind.HOLD, None, None, LATER, NOW)
            )
