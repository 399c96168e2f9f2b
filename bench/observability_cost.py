"""What metrics and the per-update log record cost per update (``bot.metrics``, ``bot.logs``).

The same small bot — one handler that runs three SQL statements on SQLite and answers — is fed
updates straight into the dispatcher (no HTTP; the sandbox's method handlers answer in the same
call, as in ``dispatch_cost.py``), once bare, once observed (metrics middlewares, statement
counting), and observed with ``LOG_LEVEL=INFO`` writing the per-update record as text and as
JSON (``LOG_FORMAT=json``) to an in-memory stream. Rounds are interleaved, so the machine's
noise falls on all four alike. Prints the median µs per update of each and the differences.

    python bench/observability_cost.py [--rounds 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
from pathlib import Path

from aiogram import Dispatcher
from aiogram.types import Message, Update
from dispatch_cost import in_process_bot
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.logs import setup_logging
from bot.metrics import observe_updates, watch_engine
from sandbox import SandboxServer, SandboxUser
from storage.db import create_engine


def small_bot(engine: AsyncEngine, observed: bool) -> Dispatcher:
    dp = Dispatcher()
    if observed:
        observe_updates(dp)

    @dp.message()
    async def answer(message: Message) -> None:
        async with engine.connect() as connection:
            for _ in range(3):
                await connection.execute(text("SELECT 1"))
        await message.answer(message.text or "?")

    return dp


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    server = SandboxServer()
    tg = in_process_bot(server)
    user = SandboxUser(server, 5000, "U", wait=False)
    with tempfile.TemporaryDirectory() as tmp:
        bare_engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bare.sqlite3'}")
        watched_engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'watched.sqlite3'}")
        watch_engine(watched_engine)
        bare, observed = small_bot(bare_engine, False), small_bot(watched_engine, True)
        timings: dict[str, list[float]] = {
            "bare": [],
            "metrics": [],
            "metrics + text log": [],
            "metrics + JSON log": [],
        }

        async def one(label: str, dp: Dispatcher, level: str, fmt: str = "json") -> None:
            setup_logging(level, fmt, stream=io.StringIO())  # a fresh stream: it does not grow
            await user.send("hello")
            pending, server.updates = server.updates, []
            update = Update.model_validate(pending[0], context={"bot": tg})
            started = time.perf_counter()
            await dp.feed_update(tg, update)
            timings[label].append(time.perf_counter() - started)

        for _ in range(args.rounds):
            await one("bare", bare, "WARNING")
            await one("metrics", observed, "WARNING")
            await one("metrics + text log", observed, "INFO", "text")
            await one("metrics + JSON log", observed, "INFO")
        await bare_engine.dispose()
        await watched_engine.dispose()
    medians = {label: statistics.median(times) * 1e6 for label, times in timings.items()}
    print(f"{'update':<24}{'median µs':>10}{'+ µs':>8}")
    for label, median in medians.items():
        print(f"{label:<24}{median:>10.0f}{median - medians['bare']:>8.0f}")


if __name__ == "__main__":
    asyncio.run(main())
