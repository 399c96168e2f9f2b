"""The demo's figures typed by staff: a rate far off the current one asked about, amounts in thousands read whole."""

from __future__ import annotations

from collections.abc import Callable

from bot.demo_payments import paid_pickup_in_russian
from sandbox.driver import SandboxUser


async def rouble_goodwill(
    sam: SandboxUser, boris: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Boris pays in roubles, so an apology is in thousands: typed with a space between them, read whole; a reason
    starting with a digit leaves the amount's end unclear, so that one is refused, nothing recorded."""
    scene("Boris orders paper chains for the office party and pays in roubles by card, to pick up")
    code = await paid_pickup_in_russian(boris, "22086", 10)
    scene(
        "Sam gives Boris 1 000 ₽ back for a late pickup: a reason starting with a digit leaves where the amount ends"
        " unclear (1 000, or 1 000 and 2?), so it is refused; typed again, the thousands space is read whole"
    )
    await sam.send(f"/refund {code} 1 000 2 days late")
    await sam.send(f"/refund {code} 1 000 ready two days late")
    transcript.append("🔔 Борис's chat: " + "\n    ".join(boris.messages()[-1].text.splitlines()))


async def far_off_rates(ada: SandboxUser, scene: Callable[[str], None]) -> None:
    """/fx with a rate more than twice or under half the current one asks first: a slip cancelled, a real fall set."""
    scene(
        "A slip in /fx (RUB 1005 for 100.50, ×10): a rate more than ×2 or under ÷2 off the current one is asked"
        " about first, nothing changed; ✖️ leaves it. Then the rouble really falls (RUB 215, ×2.1): ✅ sets it"
    )
    asked = await ada.send("/fx RUB 1005")
    await ada.press(asked.last, "✖️ Cancel")
    asked = await ada.send("/fx RUB 215")
    await ada.press(asked.last, "✅ Set")
    await ada.send("/fx RUB")
