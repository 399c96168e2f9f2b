"""End-to-end fixtures: a shop running against the sandbox (staff, payments, the API), and what tests ask of it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.api import make_api_app
from bot.harness import RunningBot, running_bot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from storage import models as m
from storage.db import create_engine
from tests.conftest import _truncate_all
from tests.e2e.browser import need_browser
from tests.e2e.miniapp import URL
from tests.fakes import FakeClock


@pytest.fixture
async def api(shop: RunningBot) -> AsyncIterator[tuple[TestClient[Any, Any], dict[str, str]]]:
    """A client of the intake API on ``shop``, and the headers of a key with every scope."""
    runtime = shop.runtime
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="web shop", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def running(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The bot on the demo catalog, card payments on, a staff chat, and a clock we control.

    After each test, every call the bot made must have been accepted by the sandbox:
    no message broke Telegram's limits or HTML rules on the way.
    """
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        payment_provider_token="sandbox:provider",
        staff_chat_id=-100500,
    ) as bot:
        yield bot
        assert refused_calls(bot) == [], "the sandbox refused calls the bot made"


ADMIN = 1
NOT_MODIFIED = "Bad Request: message is not modified"


def refused_calls(bot: RunningBot) -> list[tuple[str, str]]:
    """Calls the sandbox refused. An edit to what the message already shows is Telegram's
    "message is not modified": the bot takes it as done (a double tap), so it is no refusal."""
    return [
        (c.method, c.description) for c in bot.server.calls if not c.ok and not c.description.startswith(NOT_MODIFIED)
    ]


@asynccontextmanager
async def staff_shop(tmp_path: Path, clock: FakeClock, **settings: Any) -> AsyncIterator[RunningBot]:
    """The demo shop with an admin (``ADMIN``) and a staff chat, ``settings`` on top; every
    call accepted."""
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'staff.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
        **settings,
    ) as bot:
        yield bot
        assert refused_calls(bot) == []


@asynccontextmanager
async def shop_on(database_url: str, clock: FakeClock, **settings: Any) -> AsyncIterator[RunningBot]:
    """The demo shop on ``database_url`` (the ``database_url`` fixture's: each engine), its
    PostgreSQL database emptied first, in pounds, ``settings`` on top."""
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        await _truncate_all(engine)
        await engine.dispose()
    async with running_bot(database_url, clock=clock, default_currency="GBP", **settings) as bot:
        yield bot


@pytest.fixture
async def shop_on_each_engine(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """``shop_on`` as a fixture: the demo shop on SQLite and on PostgreSQL in turn."""
    async with shop_on(database_url, clock) as bot:
        yield bot


def serving(request: pytest.FixtureRequest) -> dict[str, Any]:
    """In a module marked ``browser``, the setting that serves the shop's Mini App for Chromium (skipped without it);
    in one marked ``miniapp``, the same for its API, no browser needed."""
    if request.node.get_closest_marker("miniapp"):
        return {"webapp_url": URL}
    if not request.node.get_closest_marker("browser"):
        return {}
    need_browser()
    return {"webapp_url": URL}


@pytest.fixture
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A staffed shop; in a module marked ``browser``, serving its Mini App."""
    async with staff_shop(tmp_path, clock, **serving(request)) as bot:
        yield bot


@pytest.fixture
async def paying_shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """``shop`` taking card payments through the sandbox's provider as well (two ways to pay: card and cash)."""
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider", **serving(request)) as bot:
        yield bot


async def stock_row(shop: RunningBot, sku: str, warehouse: str, *columns: Any) -> tuple[Any, ...]:
    """``columns`` of the stock row of ``sku`` at ``warehouse`` (e.g. ``m.StockRow.on_hand``)."""
    async with shop.runtime.sessions() as session:
        row = (
            await session.execute(
                select(*columns)
                .join(m.ProductRow, m.ProductRow.id == m.StockRow.product_id)
                .join(m.WarehouseRow, m.WarehouseRow.id == m.StockRow.warehouse_id)
                .where(m.ProductRow.sku == sku, m.WarehouseRow.code == warehouse)
            )
        ).one()
    return tuple(row)


def invite_token(text: str) -> str:
    match = re.search(r"start=inv_([\w-]+)", text)
    assert match, text
    return match.group(1)


async def hire(
    shop: RunningBot, user_id: int, name: str, role: str, warehouse: str = "", *, language: str = "en"
) -> SandboxUser:
    """Someone the admin invited for ``role`` and who opened the link (their app in ``language``)."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send(f"/invite {role} {warehouse}".strip())).last.text)
    member = SandboxUser(shop.server, user_id, name, language_code=language)
    await member.send(f"/start inv_{token}")
    return member
