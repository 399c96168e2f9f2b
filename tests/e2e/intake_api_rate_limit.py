"""Set-ups and readers of test_intake_api_rate_limit that other test modules use too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.api import make_api_app
from bot.harness import RunningBot


@asynccontextmanager
async def client_of(shop: RunningBot, **settings: Any) -> AsyncIterator[TestClient[Any, Any]]:
    """The intake API of ``shop`` as one process configured with ``settings`` would serve it."""
    runtime = shop.runtime
    config = runtime.settings.model_copy(update=settings)
    async with TestClient(TestServer(make_api_app(runtime.sessions, config, runtime.clock))) as client:
        yield client
