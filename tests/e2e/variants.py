"""Set-ups and readers of test_variants that other test modules use too."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.harness import DEMO_DATA, RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.returns import delivered, press_line, rma_of

WORDS = {
    "en": {"add": "🛒 Add to cart", "13": "£13.00", "12": "£12.00", "exchange": "Exchange", "continue": "Continue"}
    | {"same": "The same again", "reason": "Changed my mind", "skip": "Skip", "store": "store"}
    | {"replacement": r"replacement is order (\w+)"},
    "ru": {"add": "🛒 В корзину", "13": "13,00", "12": "12,00", "exchange": "Обменять", "continue": "Далее"}
    | {"same": "Такой же", "reason": "Передумал", "skip": "Пропустить", "store": "магазин"}
    | {"replacement": r"Замена — заказ (\w+)"},
}


async def tshirts(shop: RunningBot) -> None:
    runtime = shop.runtime
    await import_products(
        runtime.uow(), runtime.clock, (DEMO_DATA / "tshirts-products.csv").read_text(encoding="utf-8")
    )
    await import_stock(runtime.uow(), runtime.clock, (DEMO_DATA / "tshirts-stock.csv").read_text(encoding="utf-8"))


# Options translated per row (``options_ru``); M / Navy left untranslated: its values read as the shop writes them.
TRANSLATED_TEES = (
    "sku,name,name_ru,category,price,currency,parent,options,options_ru\n"
    "TEE,T-shirt,Футболка,Clothing,12.00,GBP,,Size=S;Colour=White,Размер=S;Цвет=Белый\n"
    "TEE-M-WHT,,,,,,TEE,Size=M;Colour=White,Размер=M;Цвет=Белый\n"
    "TEE-S-NVY,,,,,,TEE,Size=S;Colour=Navy,Размер=S;Цвет=Синий\n"
    "TEE-M-NVY,,,,,,TEE,Size=M;Colour=Navy,\n"
)


async def translated_tees(shop: RunningBot) -> None:
    """Four T-shirts, three with their options in Russian, five of each in stock at LON."""
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, TRANSLATED_TEES)
    stock = "".join(
        f"{sku},LON,A-05-01-{n},5\n" for n, sku in enumerate(("TEE", "TEE-M-WHT", "TEE-S-NVY", "TEE-M-NVY"), 1)
    )
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)


async def ordered_lines(shop: RunningBot, code: str) -> list[tuple[str, str, int, int]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.OrderLineRow.sku, m.OrderLineRow.name, m.OrderLineRow.quantity, m.OrderLineRow.unit_price_minor)
            .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
            .where(m.OrderRow.code == code)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def journal_totals(shop: RunningBot) -> tuple[int, int]:
    async with shop.runtime.sessions() as session:
        debit, credit = (
            await session.execute(
                select(func.sum(m.JournalLineRow.debit_minor), func.sum(m.JournalLineRow.credit_minor))
            )
        ).one()
    return int(debit or 0), int(credit or 0)


async def swap(shop: RunningBot, customer_id: int, ordered: str, wanted: str) -> tuple[str, str]:
    """``ordered`` delivered, returned and exchanged for ``wanted``: (order code, replacement code)."""
    code = await delivered(shop, customer_id, {ordered: 1})
    return code, await exchange(SandboxUser(shop.server, customer_id, "Eli"), shop, code, ordered, wanted)


async def exchange(
    customer: SandboxUser, shop: RunningBot, code: str, ordered: str, wanted: str, language: str = "en"
) -> str:
    """The customer exchanges the delivered ``ordered`` for ``wanted`` in their language and a
    manager sees it through; the replacement order's code."""
    words = WORDS[language]
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["exchange"])
    lines = await press_line(shop, customer, lines.last, code, ordered)
    which = await customer.press(lines.last, words["continue"])
    assert ordered in which.last.text and words["same"] in which.last.button_texts()
    reasons = await customer.press(which.last, wanted)
    photos = await customer.press(reasons.last, words["reason"])
    method = await customer.press(photos.last, words["skip"])
    rma = rma_of((await customer.press(method.last, words["store"])).last.text)
    manager = await hire(shop, 92 + customer.id, "Meg", "manager")
    shown = await manager.send(f"/rma {rma}")
    assert f"{ordered}</code>" in (shown.last.html or "") and (wanted == words["same"] or "→" in shown.last.text)
    for step in ("Approve", "Parcel received", f"Restock {ordered}", "Send the replacement"):
        shown = await manager.press(shown.last, step)
    told = shop.server.chat_messages(customer.id)[-1].text
    return re.search(words["replacement"], told).group(1)  # type: ignore[union-attr]
