"""``ordergram run`` as a real process pointed at a sandbox Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from sandbox import SandboxServer, SandboxUser
from sandbox.server import BotMessage
from tests.services import PORT_TRIES, free_port

ROOT = Path(__file__).resolve().parents[1]


async def start_ordergram(
    server: SandboxServer, workdir: Path, command: str = "run", **env: str
) -> asyncio.subprocess.Process:
    variables = _variables(server, workdir, env)
    await migrated(variables["DATABASE_URL"])  # as `ordergram migrate` before the first run: run refuses an empty shop
    return await _started(workdir, command, variables)


async def start_unmigrated(
    server: SandboxServer, workdir: Path, command: str = "run", **env: str
) -> asyncio.subprocess.Process:
    """``start_ordergram`` on the database as the test left it (a schema behind: the process migrates it at start)."""
    return await _started(workdir, command, _variables(server, workdir, env))


def _variables(server: SandboxServer, workdir: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'run.sqlite3'}",
        **env,
    }


async def _started(workdir: Path, command: str, variables: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        command,
        env=variables,
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


PORT_TAKEN = "cannot listen on 127.0.0.1:{port}: Address already in use"


Start = Callable[..., Awaitable[asyncio.subprocess.Process]]  # as start_ordergram: (server, workdir, command, **env)


async def start_on_a_free_port(
    server: SandboxServer,
    workdir: Path,
    command: str,
    env_for: Callable[[int], dict[str, str]],
    listening: str = "setWebhook",
    start: Start = start_ordergram,
) -> tuple[asyncio.subprocess.Process, int]:
    """``start`` with ``env_for(port)`` (the port it listens on), once it listens: it calls
    ``listening`` (a Bot API method: the webhook registered, or deleted before polling) only after it
    does. ``free_port`` finds a port free but lets it go before the process binds it, so another
    program may take it meanwhile: the process then stops saying so (exit code 2), and it is
    started again on another (``start`` again: a process stopped so had already migrated the
    database, so a test of the start-up's migration starts from its old database each time)."""
    for _ in range(PORT_TRIES):
        port = free_port()
        before = _calls(server, listening)
        process = await start(server, workdir, command, **env_for(port))

        def listening_or_stopped(before: int = before, process: asyncio.subprocess.Process = process) -> bool:
            return _calls(server, listening) > before or process.returncode is not None

        await wait_until(process, listening_or_stopped, "listening", 120)
        if process.returncode is None:
            return process, port
        _, stderr = await process.communicate()
        if process.returncode != 2 or PORT_TAKEN.format(port=port) not in stderr.decode():
            pytest.fail(f"ordergram {command} did not start: {stderr.decode()[-2000:]}")
    pytest.fail(f"no free port in {PORT_TRIES} tries")


async def start_polling(
    server: SandboxServer, workdir: Path, command: str, env: dict[str, str], start: Start = start_ordergram
) -> asyncio.subprocess.Process:
    """``run`` or ``serve`` (no WEBHOOK_URL: updates by polling) with ``env``, once it has deleted any
    webhook before it polls; ``serve``, which listens for its intake API, on a port found free
    (``start_on_a_free_port``)."""

    def env_for(port: int) -> dict[str, str]:
        return {**env, "WEBHOOK_PORT": str(port)} if command == "serve" else env

    process, _ = await start_on_a_free_port(server, workdir, command, env_for, "deleteWebhook", start)
    return process


def _calls(server: SandboxServer, method: str) -> int:
    return sum(call.method == method and call.ok for call in server.calls)


async def migrated(url: str) -> None:
    from storage.db import create_engine
    from storage.migrate import upgrade_to_head

    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def stop_ordergram(process: asyncio.subprocess.Process, server: SandboxServer) -> str:
    """SIGTERM, as an operator stops it (killed if it does not stop within 30 s), then the
    sandbox; what the process wrote to stderr."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await server.release_pollers()  # a long poll in flight returns now, not at its timeout
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await server.stop()
    return stderr.decode()


async def stop_all(processes: list[asyncio.subprocess.Process], shown: int) -> list[str]:
    """SIGTERM to every process still running, then each one's stderr (killed if it does not stop
    within 30 s); its last ``shown`` characters printed, which pytest shows when the test fails."""
    outputs = []
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        except TimeoutError:
            process.kill()
            _, stderr = await process.communicate()
        outputs.append(stderr.decode())
        print(stderr.decode()[-shown:])
    return outputs


async def wait_until(
    process: asyncio.subprocess.Process, ready: Callable[[], bool], what: str, seconds: float = 30
) -> None:
    """Up to ``seconds`` for the process to get ready; its stderr is shown if it dies first."""
    for _ in range(int(seconds * 10)):
        if ready():
            return
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    if process.returncode is None:
        process.kill()
    _, stderr = await process.communicate()
    pytest.fail(f"{what} did not happen: {stderr.decode()[-2000:]}")


async def demo_shop(workdir: Path) -> None:
    """The demo catalog in the database ``start_ordergram`` uses (prices in GBP)."""
    from bot.catalog_files import files_next_to
    from bot.config import load_settings
    from bot.harness import DEMO_DATA
    from bot.runtime import open_database
    from domain.ports import SystemClock
    from domain.usecases.imports.lists import import_carriers, import_warehouses
    from domain.usecases.imports.products import import_products
    from domain.usecases.imports.stock import import_stock
    from storage.uow import SqlUnitOfWork

    settings = load_settings(database_url=f"sqlite+aiosqlite:///{workdir / 'run.sqlite3'}", default_currency="GBP")
    engine, sessions = await open_database(settings)
    try:
        products = DEMO_DATA / "products.csv"
        await import_warehouses(SqlUnitOfWork(sessions), (DEMO_DATA / "warehouses.csv").read_text(encoding="utf-8"))
        await import_products(
            SqlUnitOfWork(sessions), SystemClock(), products.read_text(encoding="utf-8"), files_next_to(products)
        )
        stock = (DEMO_DATA / "stock.csv").read_text(encoding="utf-8")
        await import_stock(SqlUnitOfWork(sessions), SystemClock(), stock)
        await import_carriers(SqlUnitOfWork(sessions), (DEMO_DATA / "carriers.csv").read_text(encoding="utf-8"))
    finally:
        await engine.dispose()


async def shown(process: asyncio.subprocess.Process, user: SandboxUser, text: str) -> BotMessage:
    """The newest message in the user's chat once it contains ``text``."""
    last = lambda: user.server.last_message(user.id)  # noqa: E731
    await wait_until(process, lambda: (m := last()) is not None and text in m.text, f"a reply with {text!r}")
    message = last()
    assert message is not None
    return message
