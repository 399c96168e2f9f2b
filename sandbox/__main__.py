"""``python -m sandbox``: the sandbox Bot API server on a port, to try the bot locally without
Telegram, and a chat with the bot in this terminal as one Telegram user.

In another shell the bot runs against it (``TELEGRAM_API_URL``, ``BOT_TOKEN`` as printed); here a
typed line is a message to the bot, ``[Text]`` presses the button of that text on the bot's latest
message that has one (or on the keyboard below the text field), and the bot's messages (new and
edited) are printed as they arrive."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Iterable
from typing import Any

from sandbox.driver import SandboxUser, file_size
from sandbox.server import BotMessage, SandboxServer

TOKEN = "123456:SANDBOX-TOKEN"
PHONE = "+44 7911 123456"
LOCATION = (51.5237, -0.1585)  # 221B Baker Street, London


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="The sandbox Bot API server, and a chat with the bot in this terminal as one user.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0: any free port (default 8081)")
    parser.add_argument("--token", default=TOKEN, help=f"the bot's token the server accepts (default {TOKEN})")
    parser.add_argument("--user-id", type=int, default=111111111, help="your Telegram user id in the sandbox")
    parser.add_argument("--name", default="Olga", help="your first name in the sandbox")
    parser.add_argument("--language", default="en", help="your Telegram language (en, ru, …)")
    parser.add_argument("--phone", default=PHONE, help=f"the number a 📱 button shares (default {PHONE})")
    parser.add_argument(
        "--location",
        type=_location,
        default=LOCATION,
        metavar="LAT,LON",
        help="where a 📍 button says you are (default {},{})".format(*LOCATION),
    )
    return parser


def _location(text: str) -> tuple[float, float]:
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not LAT,LON: {text!r}") from None
    return latitude, longitude


def shown(message: BotMessage, edited: bool) -> str:
    """A bot message as the chat shows it: its text (or file), then its buttons."""
    text = message.text or (
        f"📄 {message.file.file_name} ({file_size(len(message.file.content))})" if message.file else ""
    )
    lines = ("✏️ bot (edited): " if edited else "🤖 bot: ") + "\n    ".join(text.splitlines())
    buttons = " ".join(f"[{label}]" for label in message.button_texts())
    return lines + (f"\n    {buttons}" if buttons else "")


async def _printed(server: SandboxServer, chat_id: int) -> None:
    """Prints the bot's messages in the chat as they come, and again when edited."""
    seen: dict[int, int] = {}
    while True:
        for message in server.chat_messages(chat_id):
            if seen.get(message.message_id) != message.edits:
                print(shown(message, edited=message.message_id in seen), flush=True)
                seen[message.message_id] = message.edits
        await asyncio.sleep(0.1)


async def _typed(user: SandboxUser, phone: str, location: tuple[float, float]) -> None:
    """Each line typed: a press (``[Text]``) or a message; ``/quit`` or end of input stops. A line that
    fails is told and the chat goes on: its error once ended the server too, and the bot lost it."""
    loop = asyncio.get_running_loop()
    while (line := (await loop.run_in_executor(None, sys.stdin.readline))) and line.strip() != "/quit":
        text = line.strip()
        if not text:
            continue
        try:
            if text.startswith("[") and text.endswith("]"):
                await _press(user, text[1:-1], phone, location)
            else:
                await user.send(text)
        except Exception as error:  # noqa: BLE001 - any: the console and the server go on
            print(f"(“{text}” failed: {type(error).__name__}: {error})", flush=True)


async def _press(user: SandboxUser, label: str, phone: str, location: tuple[float, float]) -> None:
    """Presses the button reading ``label`` as Telegram does: one under a message sends the bot its
    callback; one of the keyboard below the text field sends its text, or shares the contact or the
    location it asks for."""
    found = _button(user, label)
    if isinstance(found, str):
        print(found, flush=True)
        return
    message, button = found
    keyboard = "keyboard" in (message.reply_markup or {})
    if "callback_data" in button:
        await user.press_data(message, button["callback_data"], label=button["text"])
    elif keyboard and button.get("request_contact"):
        await user.share_contact(phone)
    elif keyboard and button.get("request_location"):
        await user.send_location(*location)
    elif keyboard and set(button) == {"text"}:
        await user.send(button["text"])
    else:  # a link, a Mini App, a request for a chat…: what the console has no part of
        action = ", ".join(f"{key} {value}" for key, value in button.items() if key != "text")
        print(f"(the console does not press “{button['text']}”: {action})", flush=True)


def _button(user: SandboxUser, label: str) -> tuple[BotMessage, dict[str, Any]] | str:
    """The button ``label`` reads (or, if none does, a unique one it is part of) on the latest message
    that has one, with its message; or why there is none, naming the buttons there are."""
    keyboard = user.reply_keyboard()
    under = [m for m in user.messages() if "inline_keyboard" in (m.reply_markup or {})]
    pressable = [(m, b) for m in (*under, *([keyboard] if keyboard else [])) for b in m.buttons()]
    for matches in (
        [(m, b) for m, b in pressable if b["text"] == label],
        [(m, b) for m, b in pressable if label in b["text"]],
    ):
        if matches:
            newest = max(m.message_id for m, _ in matches)
            on_it = [(m, b) for m, b in matches if m.message_id == newest]
            if len(on_it) == 1:
                return on_it[0]
            return f"(“{label}” is on {len(on_it)} buttons: {_labels(b for _, b in on_it)}; type more of one)"
    there = [*(under[-1].buttons() if under else []), *(keyboard.buttons() if keyboard else [])]
    return f"(no button “{label}” in the chat; " + (f"there are {_labels(there)})" if there else "it has none)")


def _labels(buttons: Iterable[dict[str, Any]]) -> str:
    return " ".join(f"[{button['text']}]" for button in buttons)


async def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = SandboxServer(token=args.token)
    # Updates numbered on from the clock (milliseconds), as Telegram's only grow: numbered from 1 again, a
    # shop tried before would take this session's updates for ones it handled then and ignore them.
    server.next_update_id = int(time.time() * 1000)
    url = await server.start(args.host, args.port)
    print(f"sandbox Bot API: {url} (bot token {args.token}). Start the bot against it in another shell:", flush=True)
    print(f"    TELEGRAM_API_URL={url} BOT_TOKEN={args.token} ordergram run", flush=True)
    print(f"Type to the bot as {args.name} (user id {args.user_id}); [Text] presses a button; /quit stops.", flush=True)
    user = SandboxUser(server, args.user_id, args.name, language_code=args.language, wait=False)
    printer = asyncio.create_task(_printed(server, user.id))
    try:
        await _typed(user, args.phone, args.location)
        await asyncio.sleep(0.3)  # what the bot answered to the last line
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer
        await server.release_pollers()
        await server.stop()
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main()))
