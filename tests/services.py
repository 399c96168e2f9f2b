"""Local services a test may need: a free TCP port, and a Redis server (or the test is skipped)."""

from __future__ import annotations

import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
PORT_TRIES = 5


async def redis_or_skip():
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(os.environ.get("ORDERGRAM_TEST_REDIS", "redis://127.0.0.1:6379/15"))
    try:
        await redis.ping()  # type: ignore[misc]  # redis-py types ping for sync and async alike
    except (OSError, RedisError) as exc:
        await redis.aclose()
        if os.environ.get("ORDERGRAM_REQUIRE_PG"):
            raise
        pytest.skip(f"no Redis: {exc}")
    return redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def listening(settings: Any, setting: str, start: Callable[[], Awaitable[T]]) -> tuple[T, str]:
    """``start()`` (a server of this process listening on the port ``settings.<setting>`` names,
    found by ``free_port``) and the server's address. ``free_port`` lets the port go before the
    server binds it, so another program may take it meanwhile: the server is then refused it
    (``ConfigError``) and started again on another (the webhook's URL moved with it)."""
    from bot.config import ConfigError

    for _ in range(PORT_TRIES):
        port = getattr(settings, setting)
        try:
            return await start(), f"http://127.0.0.1:{port}"
        except ConfigError as error:
            if "Address already in use" not in str(error):
                raise
        setattr(settings, setting, free_port())
        if setting == "webhook_port" and settings.webhook_url:
            settings.webhook_url = settings.webhook_url.replace(f":{port}/", f":{getattr(settings, setting)}/")
    pytest.fail(f"no free port in {PORT_TRIES} tries")
