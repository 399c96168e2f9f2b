"""README "Trying the bot locally": `python -m sandbox` in one shell, `ordergram run` against it in another,
and a person chatting with the bot in the first — the two commands as README writes them."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shlex
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from sandbox.__main__ import TOKEN, _typed
from sandbox.driver import Reply, SandboxUser
from sandbox.server import SandboxServer

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


def _shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A shop folder made as README's *Your first shop* makes it, the current directory; its environment."""
    shop = {name: value for name, value in os.environ.items() if name not in {n.upper() for n in Settings.model_fields}}
    shop["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{shop.get('PATH', '')}"
    (tmp_path / ".env").write_text("BOT_TOKEN=123456:ABC\nDEFAULT_CURRENCY=GBP\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in set(os.environ) - set(shop):
        monkeypatch.delenv(name)
    for command in (
        ["migrate"],
        ["sample", "samples"],
        *(["import", k, f"samples/{k}.csv"] for k in ("warehouses", "products", "stock")),
    ):
        assert main(command) == 0  # `ordergram …` in the shop's folder
    return shop


async def test_the_readme_commands_start_a_sandbox_a_person_chats_with_the_bot_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README said the sandbox is what the tests start in process: it had no command of its own, so trying the
    bot locally needed a Telegram account. `python -m sandbox` is one, and a person types to the bot through it."""
    sandbox_command, bot_env, bot_command = _readme_commands()
    assert sandbox_command == ["python", "-m", "sandbox"] and bot_command == ["ordergram", "run"]
    assert bot_env["TELEGRAM_API_URL"] == "http://127.0.0.1:8081"  # the sandbox's default port
    shop = await asyncio.to_thread(_shop, tmp_path, monkeypatch)
    await _session(shop, tmp_path, first=True)
    # Tried again another day: a new sandbox's updates were numbered from 1 again, and the shop's inbox,
    # remembering update 1, ignored them ("delivered again"): the bot never answered.
    await _session(shop, tmp_path, first=False)


class _Console:
    """Shell 1's console as a person uses it: lines typed, and what it printed read up to a text."""

    def __init__(self, sandbox: asyncio.subprocess.Process) -> None:
        assert sandbox.stdin is not None and sandbox.stdout is not None
        self.stdin, self.stdout = sandbox.stdin, sandbox.stdout
        self.seen: list[str] = []

    def type(self, line: str) -> None:
        self.stdin.write(f"{line}\n".encode())

    async def until(self, text: str) -> str:
        """The first line printed from here on with ``text`` in it."""
        return await _line_with(self.stdout, text, self.seen)


@contextlib.asynccontextmanager
async def _console(shop: dict[str, str], folder: Path, *options: str) -> AsyncIterator[_Console]:
    """Shell 1's sandbox (README's command), shell 2's bot against it as README starts it; both stopped
    after, as a person stops them, and each must end well (exit status 0)."""
    sandbox_command, bot_env, bot_command = _readme_commands()
    sandbox = await asyncio.create_subprocess_exec(
        sys.executable,
        *sandbox_command[1:],
        "--port",
        "0",  # a free port here: 8081 may be another test's
        *options,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=shop,
        cwd=ROOT,
    )
    console = _Console(sandbox)
    bot = None
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", await console.until("sandbox Bot API:"))
        assert url is not None
        told = await console.until("ordergram run")
        assert told.split() == [f"TELEGRAM_API_URL={url.group()}", f"BOT_TOKEN={bot_env['BOT_TOKEN']}", *bot_command]
        env = {**shop, **bot_env, "TELEGRAM_API_URL": url.group()}
        bot = await asyncio.create_subprocess_exec(
            *bot_command, cwd=folder, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        yield console
        bot.send_signal(signal.SIGINT)  # Ctrl+C in shell 2, /quit in shell 1: the bot's long poll is let go
        console.type("/quit")
        assert await asyncio.wait_for(sandbox.wait(), 30) == 0
        assert await asyncio.wait_for(bot.wait(), 30) == 0
    finally:
        for process in (bot, sandbox):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


async def _session(shop: dict[str, str], folder: Path, *, first: bool) -> None:
    """A few lines typed in shell 1 to the bot running in shell 2."""
    async with _console(shop, folder) as console:
        console.type("/start")
        await console.until("🤖 bot: Hello, Olga!")
        if first:
            console.type("/catalog")
            await console.until("[Kitchen (7)]")
            console.type("[Kitchen]")  # pressed by its text
            assert (await console.until("Catalog › Kitchen")).startswith("✏️ bot (edited): ")
            console.type("[Nowhere]")
            await console.until("(no button “Nowhere” in the chat")


async def test_a_keyboard_button_is_pressed_by_its_text_and_one_asking_for_the_contact_or_location_shares_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[Skip]` at checkout's location step raised "no single button 'Skip' among []": the console pressed only
    the buttons under a message, and the error took the sandbox server down with it (the bot then said "Cannot
    connect" every second). A button of the keyboard below the text field is pressed as Telegram presses it: its
    text is sent, or the user's contact (`--phone`) or location for a button asking for it; a mistyped one is
    told with the buttons there are, and the chat goes on."""
    shop = await asyncio.to_thread(_shop, tmp_path, monkeypatch)
    async with _console(shop, tmp_path, "--phone", "+44 7700 900123", "--location", "51.5237,-0.1585") as console:
        console.type("/start")
        await console.until("🤖 bot: Hello, Olga!")
        console.type("/add 23843 1")
        await console.until("🤖 bot:")
        for location in ("[Skip]", "[Share location]"):
            console.type("/checkout")
            await console.until("[📱 Share my phone number]")
            console.type("[Share my phone number]")  # shares the contact: the bot takes its number
            await console.until("Thank you, +447700900123.")
            await console.until("[🚚 Courier delivery]")  # the next message: a press before it finds no button
            console.type("[Courier delivery]")
            await console.until("Type the delivery address")
            console.type("221B Baker Street, London NW1 6XE")
            await console.until("[📍 Share location] [Skip]")
            console.type("[Skp]")
            told = await console.until("(no button “Skp” in the chat")
            assert "[📍 Share location] [Skip]" in told
            console.type(location)
            await console.until("No problem." if location == "[Skip]" else "Location saved.")
            console.type("/cancel")
            await console.until("🤖 bot:")


class _Failing(SandboxUser):
    """A user whose message "boom" fails, as any action may (the server refusing it, a bug)."""

    def __init__(self) -> None:
        super().__init__(SandboxServer(token=TOKEN), 111111111, "Olga", wait=False)
        self.sent_texts: list[str] = []

    async def send(self, text: str) -> Reply:
        if text == "boom":
            raise RuntimeError("the server refused it")
        self.sent_texts.append(text)
        return Reply()


async def test_a_line_that_fails_is_told_and_the_console_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error in one typed line ended the console, and with it the sandbox server the bot was polling."""
    user = _Failing()
    monkeypatch.setattr(sys, "stdin", io.StringIO("boom\n[Nowhere]\nstill here\n/quit\nnever sent\n"))
    await _typed(user, "+44 7911 123456", (51.5, -0.1))
    assert capsys.readouterr().out.splitlines() == [
        "(“boom” failed: RuntimeError: the server refused it)",
        "(no button “Nowhere” in the chat; it has none)",
    ]
    assert user.sent_texts == ["still here"]
