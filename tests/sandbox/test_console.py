"""README "Trying the bot locally": `python -m sandbox` in one shell, `ordergram run` against it in another,
and a person chatting with the bot in the first — the two commands as README writes them."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _readme_commands() -> tuple[list[str], dict[str, str], list[str]]:
    """The sandbox's command, and the bot's environment and command, from the section's code block."""
    section = README.read_text(encoding="utf-8").split("### Trying the bot locally, without Telegram")[1]
    block = section.split("```bash\n")[1].split("```")[0]
    sandbox, bot = (shlex.split(line, comments=True) for line in block.strip().splitlines())
    env = dict(word.split("=", 1) for word in bot if "=" in word)
    return sandbox, env, [word for word in bot if "=" not in word]


async def _line_with(stream: asyncio.StreamReader, text: str, seen: list[str]) -> str:
    while text not in (line := (await asyncio.wait_for(stream.readline(), 60)).decode()):
        if not line:
            raise AssertionError(f"no “{text}” in: {''.join(seen)}")
        seen.append(line)
    seen.append(line)
    return line


async def test_the_readme_commands_start_a_sandbox_a_person_chats_with_the_bot_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README said the sandbox is what the tests start in process: it had no command of its own, so trying the
    bot locally needed a Telegram account. `python -m sandbox` is one, and a person types to the bot through it."""
    sandbox_command, bot_env, bot_command = _readme_commands()
    assert sandbox_command == ["python", "-m", "sandbox"] and bot_command == ["ordergram", "run"]
    assert bot_env["TELEGRAM_API_URL"] == "http://127.0.0.1:8081"  # the sandbox's default port
    shop = {name: value for name, value in os.environ.items() if name not in {n.upper() for n in Settings.model_fields}}
    shop["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{shop.get('PATH', '')}"
    (tmp_path / ".env").write_text("BOT_TOKEN=123456:ABC\nDEFAULT_CURRENCY=GBP\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in set(os.environ) - set(shop):
        monkeypatch.delenv(name)
    for command in (
        ["migrate"],
        ["sample", "samples"],
        *(["import", k, f"samples/{k}.csv"] for k in ("warehouses", "products")),
    ):
        assert await asyncio.to_thread(main, command) == 0  # `ordergram …` in the shop's folder
    await _session(shop, tmp_path, sandbox_command, bot_env, bot_command, first=True)
    # Tried again another day: a new sandbox's updates were numbered from 1 again, and the shop's inbox,
    # remembering update 1, ignored them ("delivered again"): the bot never answered.
    await _session(shop, tmp_path, sandbox_command, bot_env, bot_command, first=False)


async def _session(
    shop: dict[str, str],
    folder: Path,
    sandbox_command: list[str],
    bot_env: dict[str, str],
    bot_command: list[str],
    *,
    first: bool,
) -> None:
    """Shell 1's sandbox, shell 2's bot against it, a few lines typed in shell 1; both stopped."""
    sandbox = await asyncio.create_subprocess_exec(
        sys.executable,
        *sandbox_command[1:],
        "--port",
        "0",  # a free port here: 8081 may be another test's
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=shop,
        cwd=ROOT,
    )
    assert sandbox.stdin is not None and sandbox.stdout is not None
    seen: list[str] = []
    bot = None
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", await _line_with(sandbox.stdout, "sandbox Bot API:", seen))
        assert url is not None
        told = await _line_with(sandbox.stdout, "ordergram run", seen)
        assert told.split() == [f"TELEGRAM_API_URL={url.group()}", f"BOT_TOKEN={bot_env['BOT_TOKEN']}", *bot_command]
        env = {**shop, **bot_env, "TELEGRAM_API_URL": url.group()}
        bot = await asyncio.create_subprocess_exec(
            *bot_command, cwd=folder, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        sandbox.stdin.write(b"/start\n")
        await _line_with(sandbox.stdout, "🤖 bot: Hello, Olga!", seen)
        if first:
            sandbox.stdin.write(b"/catalog\n")
            await _line_with(sandbox.stdout, "[Kitchen (7)]", seen)
            sandbox.stdin.write(b"[Kitchen]\n")  # pressed by its text
            assert (await _line_with(sandbox.stdout, "Catalog › Kitchen", seen)).startswith("✏️ bot (edited): ")
            sandbox.stdin.write(b"[Nowhere]\n")
            await _line_with(sandbox.stdout, "(no button “Nowhere” in the chat)", seen)
        bot.send_signal(signal.SIGINT)  # Ctrl+C in shell 2, /quit in shell 1: the bot's long poll is let go
        sandbox.stdin.write(b"/quit\n")
        assert await asyncio.wait_for(sandbox.wait(), 30) == 0
        assert await asyncio.wait_for(bot.wait(), 30) == 0
    finally:
        for process in (bot, sandbox):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
