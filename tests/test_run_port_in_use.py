"""A port another program holds stops ``ordergram serve`` (its port) and ``run`` (HEALTH_PORT)
with one line naming the settings and exit code 2, as any bad setting does: it was a traceback."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from sandbox import SandboxServer
from tests.running_process import start_ordergram


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
