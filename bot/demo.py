"""``ordergram demo``: the whole product in one offline run, printed as a chat transcript; its scenes in demo_*.py."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from babel import Locale

from bot.dbtools import shown
from bot.demo_api_batch import connector_catches_up
from bot.demo_api_callbacks import order_feed_and_callback
from bot.demo_backorders import preorder_filled_by_a_purchase_order, short_pick_split, split_by_the_customer
from bot.demo_books import the_books
from bot.demo_business import business_buyer
from bot.demo_campaigns import campaign_scene
from bot.demo_catalog_admin import catalog_admin
from bot.demo_catalog_changes import catalog_changes
from bot.demo_debit_notes import debit_note
from bot.demo_edit import address_fixed, edited_order
from bot.demo_jobs import morning_figures, purchase_order, scheduled_jobs
from bot.demo_miniapp import mini_app
from bot.demo_opening import first_customers, shop_set_up
from bot.demo_parcels import split_shipment_and_pickup
from bot.demo_payments import bought_now, paid_by_link
from bot.demo_picking_rules import picking_rules
from bot.demo_pricing import price_lists
from bot.demo_product_edits import catalog_in_chat
from bot.demo_promos import promotions_and_codes
from bot.demo_reports import manager_reports, paused_forecast
from bot.demo_shop import ADMIN_ID, STAFF_CHAT, SUPPORT_CHAT, MovableClock
from bot.demo_stock_feed import product_off_sale, restored_from_backup
from bot.demo_support import support_conversation
from bot.demo_support_hours import after_hours_question
from bot.demo_tax_numbers import own_tax_number
from bot.demo_typed_amounts import far_off_rates, rouble_goodwill
from bot.demo_variants import tshirt_in_russian, tshirt_variants
from bot.demo_warehouse import warehouse_day
from bot.demo_web_shop import web_shop
from bot.harness import running_bot
from sandbox.driver import SandboxUser


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

            await shop_set_up(server, ada, transcript, scene)
            alice_order, sam = await first_customers(server, ada, alice, boris, transcript, scene)
            await paid_by_link(sam, alice, transcript, scene)
            await bought_now(alice, transcript, scene)

            await business_buyer(server, ada, transcript, scene)
            await own_tax_number(server, ada, transcript, scene)
            await price_lists(server, ada, transcript, scene)
            await warehouse_day(server, ada, alice, alice_order, transcript, scene)
            await edited_order(server, ada, transcript, scene)
            await address_fixed(server, transcript, scene)
            await split_shipment_and_pickup(running, ada, ADMIN_ID, transcript, scene)

            await support_conversation(server, ada, alice, alice_order, transcript, scene)
            await campaign_scene(running, ada, alice, boris, transcript, scene)

            scene("What the staff chat received")
            for message in server.chat_messages(STAFF_CHAT):
                transcript.append("🏢 staff chat: " + "\n    ".join(message.text.splitlines()))
            await catalog_in_chat(ada, boris, scene)
            scene("Search by typing: Boris types a Russian word, the demo shop's products are named in Russian too")
            await boris.send("подсвечник")

            await tshirt_variants(running, ada, transcript, scene)
            await tshirt_in_russian(ada, boris, scene)
            await catalog_changes(running, ada, boris, transcript, scene)
            await preorder_filled_by_a_purchase_order(running, ada, transcript, scene)
            await split_by_the_customer(running, ada, ADMIN_ID, transcript, scene)
            await short_pick_split(running, ada, ADMIN_ID, transcript, scene)
            await promotions_and_codes(running, ada, transcript, scene)
            await debit_note(running, ada, transcript, scene)  # after Hal's INV-000002
            await rouble_goodwill(sam, boris, transcript, scene)  # after the picking scenes: his order waits
            await far_off_rates(ada, scene)  # after Boris's rouble order, which keeps its rate

            scene("Boris would rather see prices in euros (/currency)")
            reply = await boris.send("/currency")
            await boris.press(reply.last, "EUR")
            await boris.send("/start p_85123A")
            scene("Boris switches the bot to English")
            reply = await boris.send("/language")
            await boris.press(reply.last, "English")
            await boris.send("/help")

            await scheduled_jobs(running, alice, ada, transcript, scene)
            await purchase_order(running, ada, transcript, scene)
            await the_books(ada, scene)
            await manager_reports(ada, transcript, scene, keep)
            await paused_forecast(running, ada, transcript, scene)
            key = await web_shop(running, alice, transcript, scene)
            await order_feed_and_callback(running, key, ADMIN_ID, transcript, scene)
            await connector_catches_up(running, key, transcript, scene)
            await mini_app(running, (alice.id, alice.first_name), (ada.id, ada.first_name), transcript, scene, keep)
            await catalog_admin(running, alice, (ada.id, ada.first_name), transcript, scene, keep)
            changes_token, backup = await product_off_sale(running, key, ada, folder, transcript, scene)
            await morning_figures(running, transcript, scene)
            await ada.send("/report week")
        await after_hours_question(folder, transcript, scene)  # a shop of its own, after this one stopped
        await picking_rules(folder, transcript, scene)  # a warehouse floor of its own
        await restored_from_backup(backup, key, changes_token, transcript, scene)  # the shop put back

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


# The demo's last line (English, as all its narration): README's section that sets up a real shop.
FIRST_SHOP = (
    'Your own shop next: README.md, section "Your first shop" (the bot\'s token, a warehouse, products and stock '
    "from CSV files, then `ordergram run`), about fifteen minutes."
)
