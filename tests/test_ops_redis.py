"""/readyz with several processes: Redis, which every update needs, is one of its checks."""

from __future__ import annotations

import json
import os

import aiohttp
from redis.asyncio import Redis

from bot.harness import running_bot
from bot.health import start_ops_server
from bot.scheduler import Jobs
from sandbox import SandboxUser
from tests.conftest import empty_database
from tests.fakes import FakeClock
from tests.services import free_port, listening, redis_or_skip

REDIS_DB = os.environ.get("ORDERGRAM_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def _readyz(base: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/readyz") as answer:
        return answer.status, json.loads(await answer.text())


async def test_a_process_whose_redis_does_not_answer_is_not_ready_and_is_again_once_it_does(
    database_url: str,
) -> None:
    await (await redis_or_skip()).aclose()
    await (await empty_database(database_url)).dispose()
    async with running_bot(
        database_url, clock=FakeClock(), default_currency="GBP", health_port=free_port(), redis_url=REDIS_DB
    ) as bot:
        await SandboxUser(bot.server, 999, "Olga").send("/start")
        runner, base = await listening(bot.runtime.settings, "health_port", lambda: start_ops_server(bot.runtime))
        assert runner is not None
        storage = bot.runtime.dp.storage
        client = storage.redis  # type: ignore[attr-defined]
        try:
            await Jobs(bot.runtime).leading()
            status, body = await _readyz(base)
            assert (status, body["failed"]) == (200, [])
            assert body["checks"]["redis"] == {"ok": True}  # type: ignore[index]

            gone = Redis.from_url(f"redis://127.0.0.1:{free_port()}/7")  # Redis stopped: nothing listens
            storage.redis = gone  # type: ignore[attr-defined]
            status, body = await _readyz(base)
            assert (status, body["failed"]) == (503, ["redis"])
            assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}  # type: ignore[index]

            storage.redis = client  # type: ignore[attr-defined]
            await gone.aclose()
            assert (await _readyz(base))[0] == 200
        finally:
            storage.redis = client  # type: ignore[attr-defined]
            await runner.cleanup()


async def test_a_process_started_while_its_redis_does_not_answer_says_so_at_start(caplog) -> None:
    from bot.serving import say_if_redis_away

    away = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    with caplog.at_level("WARNING", logger="bot.serving"):
        await say_if_redis_away(away)
    await away.aclose()
    said = [r.getMessage() for r in caplog.records if r.name == "bot.serving"]
    assert len(said) == 1 and said[0].startswith("REDIS_URL: Redis does not answer (")
    assert "Sorry, something went wrong" in said[0]
