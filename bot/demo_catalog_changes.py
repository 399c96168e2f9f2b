"""The demo's catalog changes a customer meets: an option hidden while its card was open, and a
product put back on sale by a products file telling those who asked for it."""

from __future__ import annotations

from collections.abc import Callable

from bot.harness import DEMO_DATA, RunningBot
from sandbox import SandboxUser

FAN = "15036"  # Assorted Colours Silk Fan: in the catalog, none in stock


async def catalog_changes(
    running: RunningBot, ada: SandboxUser, boris: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    chloe = SandboxUser(running.server, 1010, "Chloe", language_code="en", transcript=transcript)
    scene("The admin hides L / Navy while Chloe has the T-shirt's card open: the L button says so")
    card = (await chloe.send("/start p_TEE-S-NVY")).last
    await _status(ada, "TEE-L-NVY", "hidden")
    pressed = await chloe.press(card, "L")
    transcript.append(f"🤖 bot answers the press (an alert): {(pressed.callback_answer or {}).get('text')}")
    await _status(ada, "TEE-L-NVY", "active")

    scene("A product off sale gets stock; a products file puts it back on sale: those who asked are told")
    for customer in (chloe, boris):
        await customer.press((await customer.send(f"/start p_{FAN}")).last, "🔔")
    header, row = _products_row(FAN)
    off = f"{header},status\n{row},hidden\n".encode()
    await ada.send_document(off, "products.csv", "/import products")
    await ada.send_document(f"sku,warehouse,bin,quantity\n{FAN},LON,,24\n".encode(), "stock.csv", "/import stock")
    await running.runtime.notifier.drain()
    transcript.append("    (nobody is told: it is not on sale)")
    await ada.send_document(off.replace(b",hidden\n", b",active\n"), "products.csv", "/import products")
    await running.runtime.notifier.drain()
    for customer in (chloe, boris):
        told = customer.messages()[-1].text
        transcript.append(f"🔔 {customer.first_name}'s chat: " + "\n    ".join(told.splitlines()))


async def _status(ada: SandboxUser, sku: str, status: str) -> None:
    sheet = await ada.send(f"/product {sku}")
    await ada.press((await ada.press(sheet.last, "Status")).last, status)


def _products_row(sku: str) -> tuple[str, str]:
    """The demo products file's header and ``sku``'s row: the file states the whole product."""
    header, *rows = (DEMO_DATA / "products.csv").read_text(encoding="utf-8").splitlines()
    return header, next(row for row in rows if row.startswith(f"{sku},"))
