"""UnitOfWork: one transaction per ``async with``, kept only when committed."""

from __future__ import annotations

import pytest

from domain.customers import Customer
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW


async def test_what_was_committed_stays_and_what_came_after_the_commit_does_not(uow: UnitOfWork) -> None:
    async with uow:
        await uow.customers.add(Customer(telegram_id=1, first_name="Ann", created_at=NOW))
        await uow.commit()
        await uow.customers.add(Customer(telegram_id=2, first_name="Bob", created_at=NOW))
    async with uow.read_only():
        found = (await uow.customers.get_by_telegram_id(1), await uow.customers.get_by_telegram_id(2))
    assert found[0] is not None and found[1] is None


async def test_a_use_case_that_raises_leaves_nothing_half_written(uow: UnitOfWork) -> None:
    with pytest.raises(RuntimeError):
        async with uow:
            await uow.customers.add(Customer(telegram_id=1, first_name="Ann", created_at=NOW))
            raise RuntimeError("the use case failed")
    async with uow:
        assert await uow.customers.get_by_telegram_id(1) is None
