"""``ordergram demo``: the whole product in one offline run, printed as a chat transcript."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from babel import Locale

from bot.dbtools import shown
from bot.demo_api_batch import connector_catches_up
from bot.demo_api_callbacks import order_feed_and_callback
from bot.demo_backorders import preorder_filled_by_a_purchase_order, short_pick_split, split_by_the_customer
from bot.demo_campaigns import campaign_scene
from bot.demo_catalog_admin import catalog_admin
from bot.demo_catalog_changes import catalog_changes
from bot.demo_debit_notes import debit_note
from bot.demo_edit import address_fixed, edited_order
from bot.demo_miniapp import mini_app
from bot.demo_parcels import split_shipment_and_pickup
from bot.demo_payments import bought_now, paid_by_link
from bot.demo_picking_rules import picking_rules
from bot.demo_pricing import price_lists
from bot.demo_promos import promotions_and_codes
from bot.demo_reports import manager_reports, paused_forecast, sales_summary
from bot.demo_support_hours import after_hours_question
from bot.demo_tax_numbers import own_tax_number
from bot.demo_warehouse import hire, warehouse_day
from bot.demo_web_shop import web_shop
from bot.harness import DEMO_DATA, RunningBot, running_bot
from domain.orders import OrderStatus
from domain.ports import SystemClock
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.jobs import daily_digest, follow_up_deliveries, sweep_holds
from domain.usecases.orders import transition_order
from domain.usecases.purchasing import reorder_scan
from handlers.output.barcodes import barcode_png
from sandbox.driver import SandboxGroup, SandboxUser
from sandbox.server import BotMessage, SandboxServer


class MovableClock(SystemClock):
    """Real time, plus however far the demo has moved it (to show what jobs do later)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


async def run_demo(keep: Path | None = None) -> int:
    transcript: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ordergram-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}"
        kept = "kept" if keep else "removed at the end"
        print(f"database: {shown(database_url)} (the demo's own, {kept})", file=sys.stderr)
        async with running_bot(
            database_url,
            clock=MovableClock(),
            default_currency="GBP",
            timezone="Europe/London",  # a UK shop: its days turn at London's midnight, its dates read as a Briton's
            payment_provider_token="sandbox:provider",
            shipping_countries="GB,IE",  # where "Buy now" delivers
            staff_chat_id=STAFF_CHAT,
            support_chat_id=SUPPORT_CHAT,
            tax_rate="20",  # UK VAT, included in prices: the books split it out
            admin_ids=[ADMIN_ID],
        ) as running:
            server = running.server

            def scene(title: str) -> None:
                transcript.append("")
                transcript.append(f"── {title} " + "─" * max(0, 60 - len(title)))

            alice = SandboxUser(server, 1001, "Alice", language_code="en", transcript=transcript)
            boris = SandboxUser(server, 1002, "Борис", language_code="ru", transcript=transcript)
            ada = SandboxUser(server, ADMIN_ID, "Ada", language_code="en", transcript=transcript)

            scene("The admin sets exchange rates against the base currency (GBP)")
            await ada.send("/fx RUB 100.50")
            await ada.send("/fx EUR 1.17")

            scene(
                "The admin gives the shop its name, tax number, legal address, bank details for payment, support"
                " contact and policies, per language (/settings)"
            )
            await ada.send("/settings name Corner Gifts")
            await ada.send("/settings tax_number GB 123 4567 89")
            await ada.send(f"/settings address {SHOP_ADDRESS}")  # printed under the name on invoices
            await ada.send(f"/settings bank {SHOP_BANK}")  # on an unpaid invoice and in /statement
            await ada.send("/settings telegram @corner_gifts_help")
            await ada.send("/settings returns en Return any item within 14 days, unused, for a full refund.")
            await ada.send("/settings returns ru Вернуть товар можно в течение 14 дней, без следов использования.")
            await ada.send("/settings delivery en Orders leave within one working day.")
            scene("Setting up: the admin's own id (/whoami), and the bot added to the staff group says its id")
            await ada.send("/whoami")
            await SandboxGroup(server, "Shop staff", chat_id=STAFF_CHAT, transcript=transcript).add_bot(by=ada)

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
            alice_order = _order_code(reply.last.text)
            scene("She tracks her orders")
            reply = await alice.send("📦 My orders")
            await alice.press(reply.last, reply.last.button_texts()[0])
            scene("She mistypes an order code in /track: the bot says so and offers her orders")
            await alice.send("/track NOPE123")
            scene("She mistypes a search: the bot searches for the catalog's word instead and says so")
            await alice.send("/search rabit light")

            scene("A customer whose Telegram speaks Russian says /start: prices in roubles")
            await boris.send("/start")
            reply = await boris.send("/catalog")
            reply = await boris.press(reply.last, "Lighting")
            await boris.press(reply.last, reply.last.button_texts()[0])
            scene("Boris reads the shop's policies (/policies): in Russian where written, else in English")
            reply = await boris.send("/policies")
            reply = await boris.press(reply.last, "Возврат")
            await boris.press(reply.last, "Доставка")
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
            sam = await hire(
                ada, SandboxUser(server, 1003, "Sam", language_code="en", transcript=transcript), "support"
            )
            await sam.send("/assist 1001")
            await sam.send("/add 22197 4")
            reply = await sam.send("/checkout")
            reply = await sam.send("+44 7911 123456")
            reply = await sam.press(reply.last, "Pick up")
            reply = await sam.press(reply.last, reply.last.button_texts()[0])
            reply = await sam.press(reply.last, "Pay at pickup")
            await sam.press(reply.last, "Confirm order")
            await sam.send("/assist_end")
            transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))
            await paid_by_link(sam, alice, transcript, scene)
            await bought_now(alice, transcript, scene)

            await _business_buyer(server, ada, transcript, scene)
            await own_tax_number(server, transcript, scene)
            await price_lists(server, ada, transcript, scene)
            await warehouse_day(server, ada, alice, alice_order, transcript, scene)
            await edited_order(server, ada, transcript, scene)
            await address_fixed(server, transcript, scene)
            await split_shipment_and_pickup(running, ada, ADMIN_ID, transcript, scene)

            await _support_conversation(server, ada, alice, alice_order, transcript, scene)
            await campaign_scene(running, ada, alice, boris, transcript, scene)

            scene("What the staff chat received")
            for message in server.chat_messages(STAFF_CHAT):
                transcript.append("🏢 staff chat: " + "\n    ".join(message.text.splitlines()))
            await _catalog_in_chat(ada, boris, scene)
            scene("Search by typing")
            await boris.send("heart")

            await _tshirt_variants(running, ada, transcript, scene)
            await _tshirt_in_russian(ada, boris, scene)
            await catalog_changes(running, ada, boris, transcript, scene)
            await preorder_filled_by_a_purchase_order(running, ada, transcript, scene)
            await split_by_the_customer(running, ada, ADMIN_ID, transcript, scene)
            await short_pick_split(running, ada, ADMIN_ID, transcript, scene)
            await promotions_and_codes(running, ada, transcript, scene)
            await debit_note(running, ada, transcript, scene)  # after Hal's INV-000002

            scene("Boris would rather see prices in euros (/currency)")
            reply = await boris.send("/currency")
            await boris.press(reply.last, "EUR")
            await boris.send("/start p_85123A")
            scene("Boris switches the bot to English")
            reply = await boris.send("/language")
            await boris.press(reply.last, "English")
            await boris.send("/help")

            await _scheduled_jobs(running, alice, ada, transcript, scene, keep)
        await after_hours_question(folder, transcript, scene)  # a shop of its own, after this one stopped
        await picking_rules(folder, transcript, scene)  # a warehouse floor of its own

    print("Ordergram demo — a sandbox Bot API server and the bot in one process, on a fresh SQLite database")
    print("\n".join(transcript))
    print()
    print(_menus_sentence(server.commands))
    print()
    print(FIRST_SHOP)  # where a shop owner who watched it goes next
    return 0


def _menus_sentence(menus: dict[str, list[dict[str, Any]]]) -> str:
    """What the command menus the bot registered amount to, in one sentence (the sandbox
    keys them by scope, chat and language)."""
    scopes = [key.split(":") for key in menus]
    names = sorted(Locale.parse(code).english_name or code for kind, _, code in scopes if kind == "default" and code)
    languages = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or "one language"
    staff_chats = {chat for kind, chat, _ in scopes if kind == "chat"}
    chats = f"{len(staff_chats)} staff chat" + ("" if len(staff_chats) == 1 else "s")
    return f"The bot set up its customers' command menu in {languages} and a staff menu in {chats}."


ADMIN_ID = 1000
# The demo's last line (English, as all its narration): README's section that sets up a real shop.
FIRST_SHOP = (
    'Your own shop next: README.md, section "Your first shop" (the bot\'s token, a warehouse, products and stock '
    "from CSV files, then `ordergram run`), about fifteen minutes."
)
STAFF_CHAT = -100500  # the staff group's chat id (STAFF_CHAT_ID)
SHOP_ADDRESS = "Corner Gifts Ltd, 12 Market Street, Bath BA1 1AA"
SHOP_BANK = "Corner Gifts Ltd · sort code 20-00-00 · account 12345678"


async def _scheduled_jobs(
    running: RunningBot,
    alice: SandboxUser,
    ada: SandboxUser,
    transcript: list[str],
    scene: Callable[[str], None],
    keep: Path | None,
) -> None:
    """What the scheduler does on its own, with the clock moved forward."""
    runtime, clock = running.runtime, running.runtime.clock
    assert isinstance(clock, MovableClock)
    scene("Alice leaves something in her cart; two hours later the hold sweeper reminds her once")
    await alice.send("/add 22197 2")
    clock.advance(timedelta(hours=2, minutes=1))
    await sweep_holds(runtime.uow(), clock, remind_after=timedelta(hours=2))
    await runtime.notifier.drain()
    reminder = running.server.chat_messages(alice.id)[-1]
    transcript.append("🔔 Alice's chat: " + "\n    ".join(reminder.text.splitlines()))
    await alice.press(reminder, "Open my cart")
    scene("Alice returns one of the two holders (damaged), with a photo; support approves, receives, restocks, refunds")
    code = _order_code("\n".join(m.text for m in running.server.chat_messages(alice.id)))
    reply = await alice.send(f"/track {code}")
    reply = await alice.press(reply.last, "Return")
    reply = await alice.press(reply.last, "White Hanging Heart")
    reply = await alice.send("1")
    reply = await alice.press(reply.last, "Continue")
    reply = await alice.press(reply.last, "Damaged")
    reply = await alice.send("The glass arrived cracked")  # kept with the request: support read it on /rma
    reply = await alice.send_photo(barcode_png("85123A"))
    reply = await alice.press(reply.last, "Done")
    reply = await alice.press(reply.last, "bring it to a store")
    rma = re.search(r"\b(R[2-9B-Z]{7})\b", reply.last.text)
    assert rma is not None
    await runtime.notifier.drain()  # the staff chat hears of it with what she wrote
    told = next(m for m in running.server.chat_messages(STAFF_CHAT) if rma.group(1) in m.text)
    transcript.append("🏢 staff chat: " + "\n    ".join(told.text.splitlines()))
    sam = SandboxUser(running.server, 1003, "Sam", language_code="en", transcript=transcript)
    reply = await sam.send(f"/rma {rma.group(1)}")
    for button in ("Approve", "Parcel received", "Restock 85123A", "Refund"):
        reply = await sam.press(reply.last, button)
    await runtime.notifier.drain()
    for message in running.server.chat_messages(alice.id)[-3:]:
        transcript.append("🔔 Alice's chat: " + "\n    ".join(message.text.splitlines()))
    scene("Three days after delivery the follow-up asks Alice to rate her order")
    clock.advance(timedelta(days=3))
    await follow_up_deliveries(runtime.uow(), clock, after=timedelta(days=3))
    await runtime.notifier.drain()
    ask = running.server.chat_messages(alice.id)[-1]
    transcript.append("🔔 Alice's chat: " + "\n    ".join(ask.text.splitlines()))
    transcript.append("    " + " ".join(f"[{b}]" for b in ask.button_texts()))
    await alice.press(ask, "5⭐")
    await alice.send("Lovely, and well packed!")
    await ada.send("/reviews")
    scene(
        "The hourly reorder scan drafts a purchase order; the admin approves it, sends the supplier its PDF"
        " and books the goods in by barcode; the supplier is short of one line, so the admin closes what"
        " is not coming (/po close), then pays the supplier in two parts (/po pay)"
    )
    await reorder_scan(runtime.uow(), clock, staff_chat_id=STAFF_CHAT)
    await runtime.notifier.drain()
    draft = running.server.chat_messages(STAFF_CHAT)[-1]
    transcript.append("🏢 staff chat: " + "\n    ".join(draft.text.splitlines()))
    number = re.search(r"purchase order (\d+)", draft.text)
    assert number is not None
    reply = await ada.send(f"/po {number.group(1)}")
    await ada.press(reply.last, "Approve")
    await ada.press(reply.last, "PDF for the supplier")  # the order as a document to send the supplier
    await ada.send(f"/po receive {number.group(1)} 2008407700002 42")  # 84077's barcode, scanned off the box
    await ada.send(f"/po receive {number.group(1)} 22616 18")
    await ada.send(f"/po close {number.group(1)}")
    # The supplier's invoice is paid by bank transfer, part now and the rest later: the
    # payable (2000) clears against cash, and /trial below shows 2000 at zero.
    part = await ada.send(f"/po pay {number.group(1)} 5 transfer 1")
    rest = re.search(r"still owed £([\d,]+\.\d\d)", part.last.text)
    assert rest is not None
    await ada.send("/ap")  # what suppliers are still owed, oldest first: this order's rest
    await ada.send(f"/po pay {number.group(1)} {rest.group(1).replace(',', '')}")
    await ada.send(f"/po {number.group(1)}")  # each payment listed: when, how much, who, the note
    await ada.send("/stock 84077")
    scene("The books: every sale, shipment, refund and receipt is a balanced journal entry")
    # 17003's opening stock came in without a cost, booked at nothing: given one now, its units
    # on hand enter inventory (5200/3000 in domain.usecases.revaluation), so /trial's 1200
    # is still /stockvalue's total below.
    await ada.press((await ada.send("/product 17003")).last, "Unit cost")
    await ada.send("0.12")
    await ada.send("/trial")
    # A paid order cancelled, a goodwill refund: their money goes back, and the books say when.
    owed = await ada.send("/refunds")
    owing = re.findall(r"/order (\w+)", owed.last.text)
    assert owing
    for code in owing:
        order = await ada.send(f"/order {code}")
        await ada.press(order.last, "Refund paid back")
    await ada.send("/refunds")
    await ada.send("/journal")
    await manager_reports(ada, transcript, scene, keep)
    await paused_forecast(running, ada, transcript, scene)
    token = await web_shop(running, alice, transcript, scene)
    await order_feed_and_callback(running, token, ADMIN_ID, transcript, scene)
    await connector_catches_up(running, token, transcript, scene)
    await mini_app(running, (alice.id, alice.first_name), (ada.id, ada.first_name), transcript, scene, keep)
    await catalog_admin(running, alice, (ada.id, ada.first_name), transcript, scene, keep)
    scene("Every morning the staff chat gets yesterday's figures")
    clock.advance(timedelta(days=1))
    await sales_summary(running, transcript)
    await daily_digest(runtime.uow(), clock, staff_chat_id=STAFF_CHAT, timezone=runtime.settings.timezone, hour=0)
    await runtime.notifier.drain()
    report = running.server.chat_messages(STAFF_CHAT)[-1]
    transcript.append("🏢 staff chat: " + "\n    ".join(report.text.splitlines()))
    await ada.send("/report week")


async def _tshirt_variants(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    server = running.server
    scene("A T-shirt in sizes and colours: one card, the options chosen with buttons (✖ = sold out)")
    for kind in ("products", "stock"):
        name = f"tshirts-{kind}.csv"
        await ada.send_document((DEMO_DATA / name).read_bytes(), name, f"/import {kind}")
    scene("The admin adds an XXL in navy in chat (/product, ➕ Add variant): the parent's name, its own price")
    sheet = await ada.send("/product TEE-XL-NVY")
    await ada.press(sheet.last, "Add variant")
    await ada.send("TEE-XXL-NVY")
    barcode = await ada.send("Size=XXL; Colour=Navy")
    await ada.press(barcode.last, "Skip")
    await ada.send("14.00")
    chloe = SandboxUser(server, 1010, "Chloe", language_code="en", transcript=transcript)
    reply = await chloe.send("/start p_TEE")
    reply = await chloe.press(reply.last, "Navy")
    reply = await chloe.press(reply.last, "L")  # the price follows the variant
    reply = await chloe.press(reply.last, "M")
    reply = await chloe.press(reply.last, "Add to cart")
    reply = await chloe.send("🛒 Cart")
    reply = await chloe.press(reply.last, "Checkout")
    reply = await chloe.share_contact("+44 7700 900123")
    reply = await chloe.press(reply.last, "Courier")
    reply = await chloe.send("10 Downing Street, London SW1A 2AA")
    reply = await chloe.send_location(51.5034, -0.1276)
    reply = await chloe.press(reply.last, reply.last.button_texts()[0])
    reply = await chloe.press(reply.last, "Cash on delivery")
    code = _order_code((await chloe.press(reply.last, "Confirm order")).last.text)
    await _deliver(running, code)
    transcript.append(f"    (order {code} is picked, packed, shipped and delivered as above)")

    scene("A size swap: Chloe exchanges the M for an L; the replacement charges the £1.00 difference")
    reply = await chloe.send(f"/return {code} exchange")
    reply = await chloe.press(reply.last, "(M / Navy)")
    reply = await chloe.press(reply.last, "Continue")
    reply = await chloe.press(reply.last, "L / Navy")
    reply = await chloe.press(reply.last, "Doesn't fit")  # offered first for a size swap: not the shop's fault
    reply = await chloe.press(reply.last, "Skip")
    rma = re.findall(r"\bR[2-9B-Z]{7}\b", (await chloe.press(reply.last, "store")).last.text)[0]
    shown = await ada.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock TEE-M-NVY", "Send the replacement"):
        shown = await ada.press(shown.last, step)
    replacement = re.findall(r"replacement is order (\w+)", chloe.messages()[-1].text)[0]
    await ada.send(f"/order {replacement}")


async def _tshirt_in_russian(ada: SandboxUser, boris: SandboxUser, scene: Callable[[str], None]) -> None:
    scene(
        "The T-shirt's options in Russian: a products file's options_ru for its sizes (its summary names TEE and"
        " TEE-XXL-NVY, left without words), /product ✏️ Options (ru) for TEE; Boris chooses «Размер» and «Цвет»; TEE,"
        " which the file gives no name_ru, is named in Russian by its sizes' shared name"
    )
    name = "tshirts-ru.csv"
    await ada.send_document((DEMO_DATA / name).read_bytes(), name, "/import products")
    sheet = await ada.send("/product TEE")
    await ada.press(sheet.last, "Options (ru)")
    await ada.send("Размер=S; Цвет=Белый")
    reply = await boris.send("/start p_TEE")
    await boris.press(reply.last, "Синий")


async def _deliver(running: RunningBot, code: str) -> None:
    """What the warehouse day shows in chat, done directly: picked, packed, shipped, delivered."""
    runtime = running.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor=f"staff:{ADMIN_ID}")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN_ID, code=code, carrier="DPD", tracking="TEE12345")
    await mark_delivered(runtime.uow(), runtime.clock, staff_id=ADMIN_ID, code=code)
    await runtime.notifier.drain()


async def _catalog_in_chat(ada: SandboxUser, boris: SandboxUser, scene: Callable[[str], None]) -> None:
    scene(
        "The admin edits products in chat (/product): a new price, a category typed as a path in the tree and"
        " named in Russian, a second photo, a Russian name; the history"
    )
    sheet = await ada.send("/product 23084")
    await ada.press(sheet.last, "Price (GBP)")
    await ada.send("2.25")
    await ada.press(sheet.last, "✏️ Category")  # not "Category (ru)", its name in Russian
    moved = await ada.send("lighting > Night lights")  # the stored Lighting, a new category inside it
    await ada.press(moved.last, "Category (ru)")
    await ada.send("Освещение > Ночники")  # Boris browses them so (a products file's category_ru does the same)
    sheet = await ada.send("/product 85123A")
    await ada.press(sheet.last, "Photos")
    added = await ada.send_photo((DEMO_DATA / "photos" / "23166.png").read_bytes())
    await ada.press(added.last, "Done")
    await ada.press(sheet.last, "Name (ru)")
    saved = await ada.send("Белое подвесное сердце-подсвечник")
    await ada.press(saved.last, "History")
    scene("Boris sees the card in Russian, its two photos as an album")
    await boris.send("/start p_85123A")
    scene("Boris browses the catalog: Lighting and Night lights named in Russian")
    reply = await boris.send("/catalog")
    reply = await boris.press(reply.last, "Освещение")
    await boris.press(reply.last, "Ночники")
    scene("The admin discontinues a product: its card says so and it can no longer be ordered")
    sheet = await ada.send("/product 21790")
    status = await ada.press(sheet.last, "Status")
    await ada.press(status.last, "discontinued")
    await boris.send("/add 21790")


SUPPORT_CHAT = -100900  # the support group, a forum: a topic per customer (SUPPORT_CHAT_ID)


async def _support_conversation(
    server: SandboxServer,
    ada: SandboxUser,
    alice: SandboxUser,
    code: str,
    transcript: list[str],
    scene: Callable[[str], None],
) -> None:
    forum = SandboxGroup(server, "Support", chat_id=SUPPORT_CHAT, transcript=transcript, forum=True)
    scene("Alice asks about her order (💬 Contact us): her own topic in the support group")
    reply = await alice.send(f"/track {code}")
    reply = await alice.press(reply.last, "Contact us")
    await alice.send("Can the courier call me before coming?")
    topic = next(iter(server.forums[SUPPORT_CHAT].values()))
    transcript.append(f"💬 new topic in Support: {topic.name}")
    for message in forum.topic(topic.thread_id):
        transcript.append("💬 in the topic: " + "\n    ".join(message.text.splitlines()))
    scene("Staff see what waits for an answer (/conversations), answer inside the topic; Alice gets it signed; /close")
    await ada.send("/conversations")
    await forum.send(ada, "Of course, the courier will call 30 minutes ahead.", thread_id=topic.thread_id)
    transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))
    await forum.send(ada, "/close", thread_id=topic.thread_id)
    await alice.press(alice.messages()[-1], "5⭐")
    await ada.send("/customer 1001")
    scene("Support send Alice her receipt again from the order's screen, in her language")
    reply = await ada.send(f"/order {code}")
    await ada.press(reply.last, "Send the receipt to the customer")
    receipt = alice.messages()[-1]
    transcript.append(f"🔔 Alice's chat: 📄 {receipt.file.file_name if receipt.file else receipt.text}")
    scene("Alice orders one more by mistake and asks support to cancel it: /cancelorder, before picking")
    await alice.send("/add 22197 1")
    reply = await alice.send("/checkout")
    reply = await alice.send("+44 7911 123456")
    reply = await alice.press(reply.last, "Pick up")
    reply = await alice.press(reply.last, reply.last.button_texts()[0])
    reply = await alice.press(reply.last, "Pay at pickup")
    mistake = _order_code((await alice.press(reply.last, "Confirm order")).last.text)
    await ada.send(f"/cancelorder {mistake}")
    transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))


def _order_code(text: str) -> str:
    match = re.search(r"Order (\w{8})", text)
    return match.group(1) if match else ""


async def _business_buyer(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Payment terms for a business, and a buyer who does what people do: types where a
    button is expected, taps Confirm twice, presses a button from a step already left."""
    scene("The admin makes a customer a business: invoices due in 30 days, a £500 credit limit, its VAT number")
    acme = SandboxUser(server, 1006, "Acme Ltd", language_code="en", transcript=transcript)
    await acme.send("/start")
    await ada.send("/customer 1006 business on 30 500")
    await ada.send("/customer 1006 tax GB 987 6543 21")
    scene("The business buyer checks out; at the payment step he types instead of pressing")
    await acme.send("/add 22197 10")
    await acme.send("/checkout")
    reply = await acme.send("+44 7700 900123")
    reply = await acme.press(reply.last, "Pick up")
    reply = await acme.press(reply.last, reply.last.button_texts()[0])
    payment = reply.last
    await acme.send("invoice please")
    invoice_button = _button_data(payment, "Invoice")
    reply = await acme.press(payment, "Invoice")
    scene("…gives his purchase order number at the review: it goes on the order and its invoice")
    await acme.press(reply.last, "Add your PO number")
    review = (await acme.send("PO-4471")).last
    confirm_button = _button_data(review, "Confirm order")
    code = _order_code((await acme.press(review, "Confirm order")).last.text)
    scene("…taps Confirm again, then a payment button from the step already left")
    for label, data in (("Confirm order", confirm_button), ("Invoice", invoice_button)):
        answered = await acme.press_data(review, data, label=label)
        transcript.append(f"🤖 bot answers the press: {(answered.callback_answer or {}).get('text')}")
    scene('The buyer\'s accounts department calls about "our PO-4471": the admin finds the order by the PO number')
    await ada.send("/order PO-4471")
    scene("…finds he typed his PO number wrong and corrects it from the order's screen (it has not shipped)")
    tracked = (await acme.send(f"/track {code}")).messages
    screen = next(message for message in tracked if "🧾 Change your PO number" in message.button_texts())
    await acme.press(screen, "🧾 Change your PO number")
    await acme.send("PO-4417")
    scene("The business pays its invoice in two bank transfers; the admin records each part")
    await ada.send(f"/paid {code} 5")
    scene(
        "…between the two, the buyer reads his statement of account (what is still open, his credit left, where to"
        " pay) and takes his invoice, INV-…, as a PDF: the shop's address under its name, its bank details"
    )
    await acme.send("/statement")
    await acme.send(f"/receipt {code}")
    await ada.send(f"/paid {code}")


def _button_data(message: BotMessage, label: str) -> str:
    """What a button sends back, kept to press it again once its message has moved on."""
    return next(str(b["callback_data"]) for b in message.buttons() if label in b["text"])
