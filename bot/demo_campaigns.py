"""The demo's campaign scene: a manager writes to everyone with a product button, tests it, sends it; its report."""

from __future__ import annotations

from collections.abc import Callable

from bot.harness import RunningBot
from sandbox import SandboxUser


async def campaign_scene(
    running: RunningBot,
    ada: SandboxUser,
    alice: SandboxUser,
    boris: SandboxUser,
    transcript: list[str],
    scene: Callable[[str], None],
) -> None:
    scene("A campaign (/campaign): message, product button, segment, preview, a test, then send")
    await ada.send("/campaign new")
    drafted = await ada.send("Winter sale: 20 % off candle holders until Sunday!")
    campaign = drafted.last.text.split("#", 1)[1].split(" ", 1)[0]
    chose = await ada.send("85123A")
    preview = await ada.press(chose.last, "Everyone")
    await ada.press(preview.last, "🧪 Send me a test")
    await ada.press(preview.last, "🚀 Send now")
    await running.runtime.notifier.drain()  # at Telegram's pace, behind any order's message
    got = alice.messages()[-1]
    transcript.append("🔔 Alice's chat: " + got.text + "  " + " · ".join(f"[{t}]" for t in got.button_texts()))
    scene("Alice opens the product link (counted as a click); Boris unsubscribes with the button")
    link = str(got.buttons()[0]["url"]).split("?start=", 1)[1]
    await alice.send(f"/start {link}")
    await boris.press(boris.messages()[-1], boris.messages()[-1].button_texts()[-1])
    scene("The campaign's report")
    await ada.send(f"/campaign {campaign}")
