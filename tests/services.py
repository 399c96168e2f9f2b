"""Local services a test may need: a free TCP port, and a Redis server (or the test is skipped)."""

from __future__ import annotations

import os
import socket

import pytest


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
