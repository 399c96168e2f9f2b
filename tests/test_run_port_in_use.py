"""A port another program holds stops ``ordergram serve`` (its port) and ``run`` (HEALTH_PORT)
with one line naming the settings and exit code 2, as any bad setting does: it was a traceback;
a test's process whose port was taken so is started again on another."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.harness import running_bot
from bot.health import start_ops_server
from sandbox import SandboxServer
from tests import running_process
from tests.running_process import start_on_a_free_port, start_ordergram, stop_all
from tests.services import free_port, listening


@pytest.mark.parametrize(
    ("command", "setting", "names"),
    [("serve", "WEBHOOK_PORT", "WEBHOOK_HOST/WEBHOOK_PORT"), ("run", "HEALTH_PORT", "HEALTH_HOST/HEALTH_PORT")],
)
async def test_a_port_in_use_stops_start_up_with_one_line_naming_the_settings(
    tmp_path: Path, command: str, setting: str, names: str
) -> None:
    server = SandboxServer()
    await server.start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await start_ordergram(server, tmp_path, command, **{setting: str(port)})
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await server.stop()
    said = stderr.decode()
    assert process.returncode == 2, said
    assert "Traceback" not in said
    assert (
        f"configuration error: {names}: cannot listen on 127.0.0.1:{port}: Address already in use" in said.splitlines()
    )


async def test_a_test_whose_port_another_program_took_after_it_was_found_free_starts_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``free_port`` lets the port go before the process binds it: a program taking it meanwhile
    (here: held from the start) stops the process at start-up, and the test's process is started
    again on another port instead of the test failing."""
    server = SandboxServer()
    await server.start()
    process = None
    try:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            held = taken.getsockname()[1]
            offered = iter([held])
            monkeypatch.setattr(running_process, "free_port", lambda: next(offered, 0) or free_port())

            def env_for(port: int) -> dict[str, str]:
                return {"WEBHOOK_PORT": str(port), "WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook"}

            process, port = await start_on_a_free_port(server, tmp_path, "serve", env_for)
        assert port != held
        assert server.webhook is not None and server.webhook["url"] == f"http://127.0.0.1:{port}/tg/hook"
    finally:
        if process is not None:
            await stop_all([process], shown=2000)
        await server.stop()


async def test_a_server_of_the_test_process_whose_port_another_program_took_listens_on_another(
    tmp_path: Path,
) -> None:
    """As above, for the probes' server a test starts in its own process (``listening``)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        held = taken.getsockname()[1]
        database = f"sqlite+aiosqlite:///{tmp_path / 'probes.sqlite3'}"
        async with running_bot(database, health_port=held, demo_catalog=False) as bot:
            runner, base = await listening(bot.runtime.settings, "health_port", lambda: start_ops_server(bot.runtime))
            assert runner is not None
            try:
                assert base != f"http://127.0.0.1:{held}"
                async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as answer:
                    assert answer.status == 200
            finally:
                await runner.cleanup()
