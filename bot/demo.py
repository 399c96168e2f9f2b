"""``ordergram demo``: the whole product in one offline run, printed as a chat transcript."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.sandbox.driver import SandboxUser
from bot.sandbox.harness import RunningBot, running_bot
from domain.customers import Role, StaffMember


async def run_demo(keep: Path | None = None) -> int:
    transcript: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ordergram-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}"
        async with running_bot(
            database_url, default_currency="GBP", payment_provider_token="sandbox:provider", staff_chat_id=-100500
        ) as running:
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

            scene("She adds a product to the cart (stock is held for her) and checks out")
            reply = await alice.send("/start p_85123A")
            reply = await alice.press(reply.last, "Add to cart")
            reply = await alice.press(reply.last, "➕")
            reply = await alice.send("🛒 Cart")
            reply = await alice.press(reply.last, "Checkout")
            reply = await alice.share_contact("+44 7911 123456")
            reply = await alice.press(reply.last, "Courier")
            reply = await alice.send("221B Baker Street, London NW1 6XE")
            reply = await alice.send_location(51.5237, -0.1585)
            reply = await alice.press(reply.last, reply.last.button_texts()[0])
            reply = await alice.press(reply.last, "Cash on delivery")
            reply = await alice.press(reply.last, "Confirm order")
            scene("She tracks her orders")
            reply = await alice.send("📦 My orders")
            await alice.press(reply.last, reply.last.button_texts()[0])

            scene("A customer whose Telegram speaks Russian says /start")
            await boris.send("/start")
            reply = await boris.send("/catalog")
            reply = await boris.press(reply.last, "Lighting")
            await boris.press(reply.last, reply.last.button_texts()[0])
            scene("A shared product link (deep link) opens the product card")
            await boris.send("/start p_85123A")
            scene("Boris knows the SKU, adds it by command, picks up in store and pays by card")
            await boris.send("/add 85123A 3")
            reply = await boris.send("/checkout")
            reply = await boris.send("+7 916 123-45-67")
            reply = await boris.press(reply.last, "Самовывоз")
            reply = await boris.press(reply.last, reply.last.button_texts()[0])
            reply = await boris.press(reply.last, "картой")
            reply = await boris.press(reply.last, "Подтвердить")
            invoice = next(m for m in reply.new if m.kind == "invoice")
            await boris.pre_checkout(invoice)
            reply = await boris.pay(invoice)
            scene("…then changes his mind and cancels: stock goes back, a refund is owed, staff are told")
            reply = await boris.send("/orders")
            reply = await boris.press(reply.last, reply.last.button_texts()[0])
            reply = await boris.press(reply.last, "Отменить заказ")
            await boris.press(reply.last, "Да, отменить")
            scene("Support places an order for Alice over the phone (/assist)")
            sam = SandboxUser(server, 1003, "Sam", language_code="en", transcript=transcript)
            await make_staff(running, 1003, "support")
            await sam.send("/assist 1001")
            await sam.send("/add 22197 4")
            reply = await sam.send("/checkout")
            reply = await sam.send("+44 7911 123456")
            reply = await sam.press(reply.last, "Pick up")
            reply = await sam.press(reply.last, reply.last.button_texts()[0])
            reply = await sam.press(reply.last, "Cash on delivery")
            await sam.press(reply.last, "Confirm order")
            await sam.send("/assist_end")
            transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))

            scene("What the staff chat received")
            for message in server.chat_messages(-100500):
                transcript.append("🏢 staff chat: " + "\n    ".join(message.text.splitlines()))
            scene("Search by typing")
            await boris.send("heart")

            scene("Boris switches the bot to English")
            reply = await boris.send("/language")
            await boris.press(reply.last, "English")
            await boris.send("/help")

    print("Ordergram demo — a sandbox Bot API server and the bot in one process, on a fresh SQLite database")
    print("\n".join(transcript))
    print()
    print("Command menus registered per language:", ", ".join(sorted(k for k in server.commands)))
    return 0


async def make_staff(running: RunningBot, telegram_id: int, role: str) -> None:
    """Demo shortcut for what an admin's invite link does (see the staff issue)."""
    uow = running.runtime.uow()
    async with uow:
        await uow.staff.put(StaffMember(telegram_id, Role(role)))
        await uow.commit()
