"""``ordergram demo``: the whole product in one offline run, printed as a chat transcript."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.sandbox.driver import SandboxUser
from bot.sandbox.harness import running_bot


async def run_demo(keep: Path | None = None) -> int:
    transcript: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ordergram-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}"
        async with running_bot(database_url, default_currency="GBP") as running:
            server = running.server

            def scene(title: str) -> None:
                transcript.append("")
                transcript.append(f"── {title} " + "─" * max(0, 60 - len(title)))

            alice = SandboxUser(server, 1001, "Alice", language_code="en", transcript=transcript)
            boris = SandboxUser(server, 1002, "Борис", language_code="ru", transcript=transcript)

            scene("A customer says /start in English")
            await alice.send("/start")
            scene("She browses the catalog")
            reply = await alice.send("🛍 Catalog")
            reply = await alice.press(reply.last, "Kitchen")
            reply = await alice.press(reply.last, "Next")
            reply = await alice.press(reply.last, reply.last.button_texts()[0])
            await alice.press(reply.last, "Back")

            scene("A customer whose Telegram speaks Russian says /start")
            await boris.send("/start")
            reply = await boris.send("/catalog")
            reply = await boris.press(reply.last, "Lighting")
            await boris.press(reply.last, reply.last.button_texts()[0])
            scene("A shared product link (deep link) opens the product card")
            await boris.send("/start p_85123A")
            scene("Boris switches the bot to English")
            reply = await boris.send("/language")
            await boris.press(reply.last, "English")
            await boris.send("/help")

    print("Ordergram demo — a sandbox Bot API server and the bot in one process, on a fresh SQLite database")
    print("\n".join(transcript))
    print()
    print("Command menus registered per language:", ", ".join(sorted(k for k in server.commands)))
    return 0
