"""The demo's T-shirt shop with a delivered order, and returns of it, as the storage race tests set them up."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.harness import DEMO_DATA
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.return_handling import decide_return, inspect_line, mark_received
from domain.usecases.returns import request_return
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import delivered_paid_by_card

# The demo's prices: an L / Navy at £13.00, an M / Navy at £12.00.
NAMES = {"TEE-L-NVY": "Organic cotton T-shirt (L / Navy)", "TEE-M-NVY": "Organic cotton T-shirt (M / Navy)"}
PRICES = {"TEE-L-NVY": 1300, "TEE-M-NVY": 1200}


async def delivered_tshirts(
    engine: AsyncEngine, clock: FakeClock, code: str, *, staff: int, customer: int, units: dict[str, int]
) -> tuple[Order, dict[str, int], int]:
    """The T-shirt shop (one warehouse, LON; ``staff`` its admin) and ``customer``'s order ``code`` of ``units`` (SKU →
    how many), paid by card and delivered; the credit notes' sequence exists, as after the shop's first note. The
    order (its lines with their ids), the products' ids by SKU, the warehouse's id."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        await work.warehouses.upsert(Warehouse("LON", "London", is_pickup_point=True))
        await work.commit()
    await import_products(uow(), clock, (DEMO_DATA / "tshirts-products.csv").read_text(encoding="utf-8"))
    await import_stock(uow(), clock, (DEMO_DATA / "tshirts-stock.csv").read_text(encoding="utf-8"))
    async with (work := uow()):
        ids = {sku: (await work.products.get_by_sku(sku)) for sku in NAMES}
        products = {sku: product.id for sku, product in ids.items() if product is not None and product.id}
        shop = (await work.warehouses.all())[0].id
        assert len(products) == len(NAMES) and shop
        buyer = await work.customers.add(Customer(telegram_id=customer, first_name="Rae", created_at=clock.now()))
        await work.staff.put(StaffMember(telegram_id=staff, role=Role.ADMIN))
        lines = [OrderLine(products[s], s, NAMES[s], n, Money(PRICES[s], "GBP")) for s, n in units.items()]
        placed = await delivered_paid_by_card(work, clock, code, buyer.id or 0, lines)
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO document_counters (name, last) VALUES ('credit_note', 0)"))
    return placed, products, shop


async def received_return(
    engine: AsyncEngine,
    clock: FakeClock,
    order: Order,
    sku: str,
    *,
    staff: int,
    swap_to: int | None = None,
    inspected: bool = True,
    units: int = 1,
) -> str:
    """``units`` of ``order``'s ``sku`` line sent back (for the money, or swapped for the product ``swap_to``),
    approved by ``staff`` and received; written off when ``inspected``. Its RMA."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    line = next(x.id or 0 for x in order.lines if x.sku == sku)
    request = await request_return(
        uow(),
        clock,
        customer_id=order.customer_id,
        code=order.code,
        kind=ReturnKind.REFUND if swap_to is None else ReturnKind.EXCHANGE,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={line: units},
        window_days=14,
        swaps=None if swap_to is None else {line: swap_to},
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=staff, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=staff, rma=rma)
    if inspected:
        await inspect_line(uow(), clock, staff_id=staff, rma=rma, line_id=request.lines[0].id or 0, restock=False)
    return rma
