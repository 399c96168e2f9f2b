"""Steps of the customer journey, shared by the end-to-end tests."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from functools import cache

from pypdf import PdfReader
from sqlalchemy import func, select, update

from bot.harness import DEMO_DATA, RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from sandbox.driver import Reply, SandboxGroup
from sandbox.forums import ForumTopic
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import hire


@cache
def _sample_rows() -> dict[str, dict[str, str]]:
    with (DEMO_DATA / "products.csv").open(encoding="utf-8", newline="") as file:
        return {row["sku"]: row for row in csv.DictReader(file)}


def sample_name(sku: str, language: str = "en") -> str:
    """A demo product's name as a customer reading ``language`` sees it (the products file's ``name_ru``)."""
    row = _sample_rows()[sku]
    return row.get(f"name_{language}") or row["name"]


async def add_to_cart(user: SandboxUser, sku: str, quantity: int = 1) -> Reply:
    return await user.send(f"/add {sku} {quantity}")


async def edit_product(shop: RunningBot, sku: str, change: Callable[[Product], object]) -> None:
    """A staff edit of the product, committed (as ``/product`` or a products file writes it)."""
    uow = shop.runtime.uow()
    async with uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None and product.id is not None
        product = await uow.products.get_untranslated(product.id)
        assert product is not None
        change(product)
        await uow.products.upsert(product)
        await uow.commit()


async def name_in_russian(shop: RunningBot, sku: str, name: str, description: str = "") -> None:
    """Give a product its Russian name (and description), as a products file's ``name_ru`` does."""

    def in_russian(product: Product) -> None:
        product.names["ru"] = name
        if description:
            product.descriptions["ru"] = description

    await edit_product(shop, sku, in_russian)


async def reprice(shop: RunningBot, sku: str, price: Money) -> None:
    """A manager's new price for the product in ``price``'s currency (``/product`` → ✏️ Price)."""
    await edit_product(shop, sku, lambda product: product.prices.update({price.currency: price}))


async def checkout_to_payment(user: SandboxUser, *, pickup: bool = False, location: bool = True) -> Reply:
    """From /checkout to the payment question, choosing the first shipping option."""
    reply = await user.send("/checkout")
    reply = await user.share_contact("+44 7911 123456")
    if pickup:
        reply = await user.press(reply.last, "🏬")
        return await user.press(reply.last, reply.last.button_texts()[0])
    reply = await user.press(reply.last, "🚚")
    reply = await user.send("221B Baker Street, London NW1 6XE")
    skip = reply.last.button_texts()[-1]  # "Skip" in the customer's language: other text is not a skip
    reply = await user.send_location(51.5237, -0.1585) if location else await user.send(skip)
    return await user.press(reply.last, reply.last.button_texts()[0])


async def place_cod_order(user: SandboxUser, **options: bool) -> Reply:
    reply = await checkout_to_payment(user, **options)
    reply = await user.press(reply.last, "💵")
    return await user.press(reply.last, "✅")


async def place_card_order(user: SandboxUser, sku: str, quantity: int = 1, *, pickup: bool = True) -> BotMessage:
    """An order paid by card (a pickup unless ``pickup=False``: by courier), up to the invoice
    Telegram shows (pay it with ``user.pay``; ``order_of_invoice`` is its order's code)."""
    await add_to_cart(user, sku, quantity)
    reply = await checkout_to_payment(user, pickup=pickup)
    reply = await user.press(reply.last, "💳")
    placed = await user.press(reply.last, "✅")
    return next(m for m in placed.new if m.kind == "invoice")


async def pay_the_difference(customer: SandboxUser, told: BotMessage, charge_id: str | None = None) -> int:
    """The customer presses 💳 Pay the difference on ``told`` and pays the invoice it sends: its amount."""
    asked = await customer.press(told, "💳 Pay the difference")
    difference = next(msg for msg in asked.new if msg.kind == "invoice")
    assert difference.invoice is not None
    await customer.pay(difference, charge_id=charge_id)
    return int(difference.invoice["total_amount"])


def order_of_invoice(invoice: BotMessage) -> str:
    """The code of the order an invoice asks payment for."""
    assert invoice.invoice is not None
    return str(invoice.invoice["payload"].split(":")[1])


async def business_customer(shop: RunningBot, user_id: int, name: str = "Corp", language: str = "en") -> SandboxUser:
    """A customer who started the bot and whom the shop made a business (it may pay on invoice)."""
    buyer = SandboxUser(shop.server, user_id, name, language_code=language)
    await buyer.send("/start")
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(
            update(m.CustomerRow).where(m.CustomerRow.telegram_id == user_id).values(is_business=True)
        )
    return buyer


async def place_invoice_order(buyer: SandboxUser, sku: str, quantity: int = 1, **options: bool) -> Reply:
    """A business customer's order on invoice, from the cart to Confirm (``checkout_to_payment``'s options)."""
    await add_to_cart(buyer, sku, quantity)
    reply = await checkout_to_payment(buyer, **options)
    reply = await buyer.press(reply.last, "🧾")
    return await buyer.press(reply.last, "✅")


async def support_question(
    shop: RunningBot, chat_id: int, customer: SandboxUser, question: str
) -> tuple[SandboxGroup, SandboxUser, ForumTopic]:
    """The support forum ``chat_id`` (the shop's ``support_chat_id``), Sofia hired to answer in it
    (id 77, role support), and the topic the customer's question opened there."""
    forum = SandboxGroup(shop.server, "Support", chat_id=chat_id, forum=True)
    agent = await hire(shop, 77, "Sofia", "support")
    await customer.send(question)
    [topic] = shop.server.forums[chat_id].values()
    return forum, agent, topic


def order_code(reply: Reply) -> str:
    placed = next(m for m in reply.new if "Order " in m.text or "Заказ " in m.text)
    words = placed.text.split("Order ", 1)[-1] if "Order " in placed.text else placed.text.split("Заказ ", 1)[-1]
    return words.split()[0]


async def scalar(running: RunningBot, query):
    async with running.runtime.sessions() as session:
        return await session.scalar(query)


async def count(running: RunningBot, model: type[m.Base]) -> int:
    return int(await scalar(running, select(func.count()).select_from(model)) or 0)


async def stock(running: RunningBot, sku: str) -> list[tuple[str, int, int]]:
    """(warehouse code, on hand, reserved) for a SKU."""
    async with running.runtime.sessions() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.StockRow.on_hand, m.StockRow.reserved)
            .join(m.StockRow, m.StockRow.warehouse_id == m.WarehouseRow.id)
            .join(m.ProductRow, m.ProductRow.id == m.StockRow.product_id)
            .where(m.ProductRow.sku == sku)
            .order_by(m.WarehouseRow.code)
        )
        return [(code, on_hand, reserved) for code, on_hand, reserved in rows]


async def bins(shop: RunningBot, sku: str) -> list[tuple[str, str, int]]:
    """(warehouse, bin, quantity) of ``sku``'s bins, by warehouse and bin."""
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.BinRow.code, m.BinStockRow.quantity)
            .join(m.BinRow, m.BinRow.id == m.BinStockRow.bin_id)
            .join(m.WarehouseRow, m.WarehouseRow.id == m.BinRow.warehouse_id)
            .join(m.ProductRow, m.ProductRow.id == m.BinStockRow.product_id)
            .where(m.ProductRow.sku == sku)
            .order_by(m.WarehouseRow.code, m.BinRow.code)
        )
        return [(w, b, int(q)) for w, b, q in rows]


async def order_row(running: RunningBot, code: str) -> m.OrderRow:
    row: m.OrderRow | None = await scalar(running, select(m.OrderRow).where(m.OrderRow.code == code))
    assert row is not None
    return row


async def line_quantities(running: RunningBot, code: str) -> dict[str, int]:
    """The order's lines as SKU -> quantity."""
    async with running.runtime.sessions() as session:
        rows = await session.execute(
            select(m.OrderLineRow.sku, m.OrderLineRow.quantity)
            .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
            .where(m.OrderRow.code == code)
        )
        return {sku: quantity for sku, quantity in rows}


async def payments(running: RunningBot, code: str) -> list[tuple[str, int]]:
    """The order's payment rows, oldest first: (kind, amount in minor units)."""
    async with running.runtime.sessions() as session:
        rows = await session.execute(
            select(m.PaymentRow.kind, m.PaymentRow.amount_minor)
            .join(m.OrderRow, m.OrderRow.id == m.PaymentRow.order_id)
            .where(m.OrderRow.code == code)
            .order_by(m.PaymentRow.id)
        )
        return [(kind, amount) for kind, amount in rows]


async def order_books(shop: RunningBot, code: str) -> dict[str, tuple[int, int]]:
    """The order's journal: account → (debits, credits), in minor units."""
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.JournalLineRow.account, m.JournalLineRow.debit_minor, m.JournalLineRow.credit_minor)
            .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
            .where(m.JournalEntryRow.source == f"order:{code}")
        )
        books: dict[str, tuple[int, int]] = {}
        for account, debit, credit in rows:
            was = books.get(account, (0, 0))
            books[account] = (was[0] + debit, was[1] + credit)
        return books


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def picked_order(shop: RunningBot, customer_id: int, items: dict[str, int]) -> str:
    code = await order(shop, customer_id, items)
    picker = await hire(shop, customer_id + 1000, "Pia", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Single order")
    await pick_everything(picker, reply)
    assert STEP.search(reply.last.text) is not None
    assert await status(shop, code) == "picked"
    return code


STEP = re.compile(r"📦 (\d+) × (\S+)")


async def order(shop: RunningBot, user_id: int, items: dict[str, int]) -> str:
    customer = SandboxUser(shop.server, user_id, f"C{user_id}")
    for sku, quantity in items.items():
        await add_to_cart(customer, sku, quantity)
    return order_code(await place_cod_order(customer))


async def status(shop: RunningBot, code: str) -> str:
    async with shop.runtime.sessions() as session:
        return str(await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code)))


async def pick_everything(picker: SandboxUser, reply: Reply) -> Reply:
    """Scan every line the round shows until it is finished."""
    for _ in range(50):
        step = STEP.search(reply.last.text)
        if step is None:
            return reply
        reply = await picker.send(f"{step.group(2)} {step.group(1)}")
    raise AssertionError("the round never finished")


async def jars_in(shop: RunningBot, *bins: tuple[str, str, int], cost: str = "") -> None:
    """A product JAR-1, a £5.00 jar in Gadgets (``cost``: its catalog cost, if any), counted into ``bins``: each a
    warehouse's code, a bin's and how many jars it holds."""
    runtime = shop.runtime
    jar = "JAR-1,Jar,Gadgets,5.00,GBP"
    products = (
        f"sku,name,category,price,currency,cost\n{jar},{cost}\n"
        if cost
        else f"sku,name,category,price,currency\n{jar}\n"
    )
    await import_products(runtime.uow(), runtime.clock, products)
    counts = "".join(f"JAR-1,{warehouse},{bin_code},{quantity}\n" for warehouse, bin_code, quantity in bins)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + counts)


async def jars(shop: RunningBot, in_a: int, in_b: int) -> None:
    """A product JAR-1 with ``in_a`` jars in LON's A-01-01-1 and ``in_b`` in B-01-01-1."""
    await jars_in(shop, ("LON", "A-01-01-1", in_a), ("LON", "B-01-01-1", in_b))


async def split_jar_order(shop: RunningBot, customer_id: int) -> str:
    """JAR-1 with 2 jars in MAN's A-01-01-1 and 2 in LON's; an order of 4, 2 from each. Its code."""
    await jars_in(shop, ("MAN", "A-01-01-1", 2), ("LON", "A-01-01-1", 2))
    return await order(shop, customer_id, {"JAR-1": 4})


async def two_jars_in_a_tote(shop: RunningBot, *, customer_id: int, picker_id: int) -> str:
    """3 jars in LON's A-01-01-1 and 2 in B-01-01-1; an order of 2 picked whole from A-01-01-1 by
    Pia, a picker: A-01-01-1 still counts 3, 2 of them in her tote. The order's code."""
    await jars(shop, 3, 2)
    code = await order(shop, customer_id, {"JAR-1": 2})
    pia = await hire(shop, picker_id, "Pia", "picker", "LON")
    round_one = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in round_one.last.text
    await pick_everything(pia, round_one)
    assert await status(shop, code) == "picked"
    return code


def breadcrumb(message: BotMessage) -> str:
    """A category page's first line: ``Catalog › Clothing › T-shirts``."""
    return message.text.splitlines()[0]


async def down(user: SandboxUser, message: BotMessage, name: str) -> BotMessage:
    """Page forward (▶, in any language) until the button for category ``name`` shows, then press it."""
    while not any(t.startswith(name + " (") for t in message.button_texts()):
        message = (await user.press(message, "▶")).last
    return (await user.press(message, name + " (")).last


def shown_anew(pressed: Reply) -> str:
    """The text the press sent as a new message (nothing edited, the press answered, no error said)."""
    assert pressed.callback_answer is not None and not pressed.callback_answer.get("show_alert"), pressed
    assert pressed.edited == [] and len(pressed.new) == 1, pressed.messages
    return pressed.new[0].text


_NO_INVOICE = {
    "en": "🧾 No invoice for this order: your credit limit is £20.00, your unpaid invoices come to £0.00 and this "
    "order to {total}.",
    "ru": "🧾 Счёт для этого заказа недоступен: ваш кредитный лимит 20,00\xa0£, неоплаченные счета — 0,00\xa0£, этот "
    "заказ — {total}.",
}


def no_invoice_over_limit(language: str, total: str) -> str:
    """What a business whose credit limit is £20.00, nothing unpaid, reads where its invoice is left out for an order
    of ``total``: written out here, not read from the catalog, so a wrong catalog entry fails the tests."""
    return _NO_INVOICE[language].format(total=total)
