"""The demo's opening: the admin sets the shop up, then its first customers shop, in English and in Russian."""

from __future__ import annotations

from collections.abc import Callable

from bot.demo_payments import paid_pickup_in_russian
from bot.demo_shop import SHOP_ADDRESS, SHOP_BANK, STAFF_CHAT, order_code
from bot.demo_warehouse import hire
from sandbox.driver import SandboxGroup, SandboxUser
from sandbox.server import SandboxServer


async def shop_set_up(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Rates, the shop's identity and policies, the admin's id and the staff group."""
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


async def first_customers(
    server: SandboxServer,
    ada: SandboxUser,
    alice: SandboxUser,
    boris: SandboxUser,
    transcript: list[str],
    scene: Callable[[str], None],
) -> tuple[str, SandboxUser]:
    """Alice shops in English, Boris in Russian, Sam takes an order over the phone: Alice's order, and Sam."""
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
    alice_order = order_code(reply.last.text)
    scene("She tracks her orders")
    reply = await alice.send("📦 My orders")
    await alice.press(reply.last, reply.last.button_texts()[0])
    scene("She mistypes an order code in /track: the bot says so and offers her orders")
    await alice.send("/track NOPE123")
    scene("She mistypes a search: the bot searches for the catalog's word instead and says so")
    await alice.send("/search rabit light")

    scene("A customer whose Telegram speaks Russian says /start: prices in roubles, the catalog in Russian")
    await boris.send("/start")
    reply = await boris.send("/catalog")
    reply = await boris.press(reply.last, "Освещение")  # Lighting: the products file's category_ru
    await boris.press(reply.last, reply.last.button_texts()[0])
    scene("Boris reads the shop's policies (/policies): in Russian where written, else in English")
    reply = await boris.send("/policies")
    reply = await boris.press(reply.last, "Возврат")
    await boris.press(reply.last, "Доставка")
    scene("A shared product link (deep link) opens the product card")
    await boris.send("/start p_85123A")
    scene("Boris knows the SKU, adds it by command, picks up in store and pays by card")
    await paid_pickup_in_russian(boris, "85123A", 3)
    scene("…then changes his mind and cancels: stock goes back, a refund is owed, staff are told")
    reply = await boris.send("/orders")
    reply = await boris.press(reply.last, reply.last.button_texts()[0])
    reply = await boris.press(reply.last, "Отменить заказ")
    await boris.press(reply.last, "Да, отменить")
    scene("Support places an order for Alice over the phone (/assist)")
    sam = await hire(ada, SandboxUser(server, 1003, "Sam", language_code="en", transcript=transcript), "support")
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
    return alice_order, sam
