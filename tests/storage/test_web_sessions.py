"""Browser sessions of the staff dashboard are rows: signing in opens one, and signing out,
expiry and removing the staff member end it at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Role, StaffMember
from domain.usecases.dashboard import create_login_link, my_sessions, session_owner, sign_in, sign_out
from domain.usecases.staff import make_admins, set_role
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

ADMIN, PACKER = 7, 8


def cookie_for(telegram_id: int) -> str:
    return f"{telegram_id}.{secrets.token_urlsafe(16)}"


async def signed_in(sessions: object, clock: FakeClock, telegram_id: int, hours: int = 12) -> str:
    uow = SqlUnitOfWork(sessions)  # type: ignore[arg-type]
    token = await create_login_link(uow, clock, telegram_id=telegram_id)
    _member, cookie = await sign_in(
        SqlUnitOfWork(sessions),  # type: ignore[arg-type]
        clock,
        token=token,
        cookie_for=cookie_for,
        hours=hours,
        agent="Firefox",
    )
    return cookie


async def test_removing_a_staff_member_ends_every_session_of_theirs_and_no_one_elses(engine: AsyncEngine) -> None:
    sessions, clock = session_factory(engine), FakeClock()
    await make_admins(SqlUnitOfWork(sessions), [ADMIN])
    async with SqlUnitOfWork(sessions) as uow:
        await uow.staff.put(StaffMember(telegram_id=PACKER, role=Role.PACKER))
        await uow.commit()
    laptop, phone = await asyncio.gather(*(signed_in(sessions, clock, PACKER) for _ in range(2)))
    mine = await signed_in(sessions, clock, ADMIN)
    listed = await my_sessions(SqlUnitOfWork(sessions), clock, telegram_id=PACKER)
    assert [(s.telegram_id, s.agent) for s in listed] == [(PACKER, "Firefox")] * 2
    assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=laptop) == PACKER

    await set_role(SqlUnitOfWork(sessions), admin_id=ADMIN, telegram_id=PACKER, role=None)
    for cookie in (laptop, phone):
        assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=cookie) is None
    assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=mine) == ADMIN
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.WebSessionRow)) == 1


async def test_a_session_ends_when_it_expires_or_is_signed_out_and_only_its_hash_is_stored(engine: AsyncEngine) -> None:
    sessions, clock = session_factory(engine), FakeClock()
    await make_admins(SqlUnitOfWork(sessions), [ADMIN])
    short = await signed_in(sessions, clock, ADMIN, hours=1)
    other = await signed_in(sessions, clock, ADMIN, hours=12)
    async with sessions() as session:
        stored = set((await session.scalars(select(m.WebSessionRow.token_hash))).all())
    assert short not in stored and other not in stored and len(stored) == 2
    clock.advance(minutes=61)
    assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=short) is None
    assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=other) == ADMIN
    await sign_out(SqlUnitOfWork(sessions), telegram_id=ADMIN, cookie=other)
    assert await session_owner(SqlUnitOfWork(sessions), clock, cookie=other) is None
    await signed_in(sessions, clock, ADMIN)  # a new sign-in forgets the expired row
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.WebSessionRow)) == 1
