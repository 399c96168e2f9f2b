"""README "Your first shop", run as written: its shell blocks in an empty folder, its Telegram
steps (after each `ordergram run`) through the sandbox Bot API."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from sandbox import SandboxGroup, SandboxServer, SandboxUser
from sandbox.server import BotMessage
from tests.running_process import wait_until

ROOT = Path(__file__).resolve().parents[1]


def walkthrough() -> tuple[str, list[str]]:
    """The section's text and its ```bash blocks, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Your first shop\n", 1)[1].split("\n## ", 1)[0]
    return section, re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, f"the walkthrough no longer shows {pattern}"
    return match.group(1)


def operator_environment(server: SandboxServer) -> dict[str, str]:
    """A shell with `ordergram` on PATH and none of this machine's shop settings: the folder's
    .env is the configuration. Only the Bot API is the sandbox instead of api.telegram.org."""
    settings = {name.upper() for name in Settings.model_fields}
    clean = {name: value for name, value in os.environ.items() if name not in settings}
    path = f"{Path(sys.executable).parent}{os.pathsep}{clean.get('PATH', '')}"
    return {**clean, "PATH": path, "TELEGRAM_API_URL": server.url}


async def answer(process: asyncio.subprocess.Process, user: SandboxUser, text: str) -> BotMessage:
    """What the bot (a real process, answering in its own time) says to ``user`` sending ``text``."""
    before = len(user.messages())
    await user.send(text)
    await wait_until(process, lambda: len(user.messages()) > before, f"an answer to {text}")
    return user.messages()[-1]


async def run_the_bot(
    server: SandboxServer,
    folder: Path,
    env: dict[str, str],
    in_telegram: Callable[[asyncio.subprocess.Process], Awaitable[None]],
) -> None:
    """`ordergram run` as a real process until the Telegram steps are done, then Ctrl+C."""
    polls = server.requested.count("getUpdates")
    process = await asyncio.create_subprocess_exec(
        "ordergram", "run", cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await wait_until(process, lambda: server.requested.count("getUpdates") > polls, "polling", 60)
        await in_telegram(process)
        process.send_signal(signal.SIGINT)
        await server.release_pollers()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0 and b"Traceback" not in stderr, stderr.decode()


async def test_the_readme_first_shop_walkthrough_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section, blocks = walkthrough()
    commands = "\n".join(blocks)
    admin_id = int(_found(r"ADMIN_IDS=(\d+)", commands))
    group_id = int(_found(r"STAFF_CHAT_ID=(-\d+)", commands))
    assert f"`{admin_id}`" in section and f"`{group_id}`" in section  # the ids the prose says the bot gives
    server = SandboxServer(token=_found(r"BOT_TOKEN=(\S+)", commands))
    server.bot_username = _found(r"/chatid@(\w+)", section)
    await server.start()
    env = operator_environment(server)

    def in_the_shop_folder(argv: list[str]) -> int:
        """``ordergram ARGV`` run in the shop's folder with the operator's environment."""
        with monkeypatch.context() as patch:
            patch.chdir(tmp_path)
            for name in set(os.environ) - set(env):
                patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            return main(argv)

    owner = SandboxUser(server, admin_id, "Olga", language_code="en", wait=False)
    customer = SandboxUser(server, 222222222, "Carl", language_code="en", wait=False)
    group = SandboxGroup(server, "Bloom staff", chat_id=group_id)

    async def first_run(process: asyncio.subprocess.Process) -> None:
        whoami = await answer(process, owner, "/whoami")
        assert f"Your Telegram user id: {admin_id}" in whoami.text
        assert "Role: customer (not shop staff)" in whoami.text and f"ADMIN_IDS={admin_id}" in whoami.text
        await group.add_bot(by=owner)
        await wait_until(process, lambda: bool(server.chat_messages(group_id)), "the bot's message in the group")
        assert f"STAFF_CHAT_ID={group_id}" in server.chat_messages(group_id)[-1].text
        await group.send(owner, f"/chatid@{server.bot_username}")
        await wait_until(process, lambda: len(server.chat_messages(group_id)) == 2, "an answer to /chatid")
        assert f"This group's chat id: {group_id}" in server.chat_messages(group_id)[-1].text

    async def the_shop_is_open(process: asyncio.subprocess.Process) -> None:
        assert "Role: admin (shop staff)" in (await answer(process, owner, "/whoami")).text
        assert "/stock" in (await answer(process, owner, "/help")).text
        print((await answer(process, owner, "/stock 85123A")).text)
        assert (await answer(process, customer, "/start")).text.startswith("Hello, Carl!")
        assert "Kitchen" in " ".join((await answer(process, customer, "/catalog")).button_texts())

    telegram_steps: list[Callable[[asyncio.subprocess.Process], Awaitable[None]]] = [first_run, the_shop_is_open]
    try:
        for block in blocks:
            lines = block.strip().splitlines()
            if lines == ["ordergram run"]:
                await run_the_bot(server, tmp_path, env, telegram_steps.pop(0))
            elif all(line.startswith("ordergram ") for line in lines):
                for line in lines:  # the console script's entry point, in this process (seconds saved each)
                    assert await asyncio.to_thread(in_the_shop_folder, shlex.split(line)[1:]) == 0, line
            else:
                done = await asyncio.to_thread(
                    subprocess.run,
                    ["bash", "-euo", "pipefail", "-c", block],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                assert done.returncode == 0, (block, done.stderr)
    finally:
        await server.stop()
    assert telegram_steps == []  # both runs happened
    with sqlite3.connect(tmp_path / "ordergram.sqlite3") as db:  # the default database, in the shop's folder
        assert db.execute("SELECT count(*) FROM products").fetchone() == (36,)
        assert db.execute("SELECT telegram_id, role FROM staff").fetchall() == [(admin_id, "admin")]
    db.close()
