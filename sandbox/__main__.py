"""``python -m sandbox``: the sandbox Bot API server on a port, to try the bot locally without
Telegram, and a chat with the bot in this terminal as one Telegram user.

In another shell the bot runs against it (``TELEGRAM_API_URL``, ``BOT_TOKEN`` as printed); here a
typed line is a message to the bot, ``[Text]`` presses the button of that text on the bot's latest
message that has one, and the bot's messages (new and edited) are printed as they arrive."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time

from sandbox.driver import SandboxUser, file_size
from sandbox.server import BotMessage, SandboxServer

TOKEN = "123456:SANDBOX-TOKEN"


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
    return parser


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


async def _typed(user: SandboxUser) -> None:
    """Each line typed: a press (``[Text]``) or a message; ``/quit`` or end of input stops."""
    loop = asyncio.get_running_loop()
    while (line := (await loop.run_in_executor(None, sys.stdin.readline))) and line.strip() != "/quit":
        text = line.strip()
        if not text:
            continue
        if text.startswith("[") and text.endswith("]"):
            label = text[1:-1]
            pressable = [m for m in user.messages() if any(label in b for b in m.button_texts())]
            if not pressable:
                print(f"(no button “{label}” in the chat)", flush=True)
                continue
            await user.press(pressable[-1], label)
        else:
            await user.send(text)


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
        await _typed(user)
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
