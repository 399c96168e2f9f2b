"""Steps of the customer journey, shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from sandbox import SandboxUser
from sandbox.driver import Reply
from sandbox.server import BotMessage
from storage import models as m


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
    reply = await user.send_location(51.5237, -0.1585) if location else await user.send("Skip")
    return await user.press(reply.last, reply.last.button_texts()[0])


async def place_cod_order(user: SandboxUser, **options: bool) -> Reply:
    reply = await checkout_to_payment(user, **options)
    reply = await user.press(reply.last, "💵")
    return await user.press(reply.last, "✅")


async def place_card_order(user: SandboxUser, sku: str, quantity: int = 1) -> BotMessage:
    """A pickup order paid by card, up to the invoice Telegram shows (pay it with ``user.pay``)."""
    await add_to_cart(user, sku, quantity)
    reply = await checkout_to_payment(user, pickup=True)
    reply = await user.press(reply.last, "💳")
    placed = await user.press(reply.last, "✅")
    return next(m for m in placed.new if m.kind == "invoice")


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
