"""A dashboard sign-in link is used once: of many concurrent uses exactly one signs in."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.staff import NotAllowed
from domain.usecases.dashboard import LoginLinkInvalid, create_login_link, use_login_link
from domain.usecases.staff import make_admins
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def test_concurrent_uses_of_one_sign_in_link_sign_in_exactly_once(engine: AsyncEngine) -> None:
    sessions, clock = session_factory(engine), FakeClock()
    await make_admins(SqlUnitOfWork(sessions), [7])
    token = await create_login_link(SqlUnitOfWork(sessions), clock, telegram_id=7)
    uses = [use_login_link(SqlUnitOfWork(sessions), clock, token=token) for _ in range(8)]
    results = await asyncio.gather(*uses, return_exceptions=True)
    signed_in = [r for r in results if not isinstance(r, BaseException)]
    assert [m.telegram_id for m in signed_in] == [7]
    assert all(isinstance(r, LoginLinkInvalid) for r in results if isinstance(r, BaseException))


async def test_a_sign_in_link_expires_and_is_only_for_staff(engine: AsyncEngine) -> None:
    sessions, clock = session_factory(engine), FakeClock()
    await make_admins(SqlUnitOfWork(sessions), [7])
    token = await create_login_link(SqlUnitOfWork(sessions), clock, telegram_id=7)
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(LoginLinkInvalid):
        await use_login_link(SqlUnitOfWork(sessions), clock, token=token)
    with pytest.raises(LoginLinkInvalid):
        await use_login_link(SqlUnitOfWork(sessions), clock, token="x" * 43)  # never issued
    with pytest.raises(NotAllowed):
        await create_login_link(SqlUnitOfWork(sessions), clock, telegram_id=8)  # a customer
