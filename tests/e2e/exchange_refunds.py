"""Set-ups and readers of test_exchange_refunds that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import scalar
from tests.e2e.returns import deliver
from tests.e2e.variants import journal_totals

# Sizes at four prices: a swap down owes a different difference from each.
SHOES = (
    "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
    "SHOE-S,Trail shoe,Shoes,10.00,GBP,,900,,Size=S\n"
    "SHOE-M,,,12.00,GBP,,,SHOE-S,Size=M\n"
    "SHOE-L,,,15.00,GBP,,,SHOE-S,Size=L\n"
    "SHOE-XL,,,20.00,GBP,,,SHOE-S,Size=XL\n"
)


STOCK = (
    "sku,warehouse,bin,quantity\n"
    "SHOE-S,LON,A-08-01-1,10\nSHOE-M,LON,A-08-01-2,10\nSHOE-L,LON,A-08-01-3,10\nSHOE-XL,LON,A-08-01-4,10\n"
)


async def shoes_on_sale(shop: RunningBot) -> None:
    """The shoes, and £2.00 off the XL: the lines of one order had different discounts."""
    await import_products(shop.runtime.uow(), shop.runtime.clock, SHOES)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, STOCK)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "XL week" off=2.00 products=SHOE-XL until=2026-12-31')
    assert "XL week" in made.last.text


async def replacement_of(shop: RunningBot, rma: str) -> str:
    """The code of the replacement return ``rma`` made."""
    made = select(m.OrderRow.code).join(m.ReturnRow, m.ReturnRow.replacement_order_id == m.OrderRow.id)
    return str(await scalar(shop, made.where(m.ReturnRow.rma_code == rma)))


async def lines_of(shop: RunningBot, code: str) -> dict[int | str, tuple[int, str, int, int | None]]:
    """Order ``code``'s lines as (id, SKU, unit price, what all its units were paid), by the line
    they replace (a replacement's) or by SKU."""
    line = m.OrderLineRow
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(line.id, line.sku, line.unit_price_minor, line.paid_minor, line.replaces_line_id)
            .join(m.OrderRow, m.OrderRow.id == line.order_id)
            .where(m.OrderRow.code == code)
        )
        return {origin or sku: (id_, sku, price, paid) for id_, sku, price, paid, origin in rows}


async def through(
    shop: RunningBot,
    customer: int,
    code: str,
    kind: ReturnKind,
    lines: dict[int, str | None],
    count: int = 1,
    reason: ReturnReason = ReturnReason.CHANGED_MIND,
) -> str:
    """Order ``code``'s lines (id → the SKU swapped to, or None) returned ``count`` units each,
    received, restocked and resolved by staff: the RMA code."""
    uow, clock = shop.runtime.uow, shop.runtime.clock
    customer_id = int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == customer)))
    wanted = {sku for sku in lines.values() if sku}
    async with shop.runtime.sessions() as session:
        found = await session.execute(select(m.ProductRow.sku, m.ProductRow.id).where(m.ProductRow.sku.in_(wanted)))
        ids = dict(found.all())
    request = await request_return(
        uow(),
        clock,
        customer_id=customer_id,
        code=code,
        kind=kind,
        reason=reason,
        method=ReturnMethod.DROP_OFF,
        quantities=dict.fromkeys(lines, count),
        swaps={line: ids[sku] for line, sku in lines.items() if sku},
        window_days=14,
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=ADMIN, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=ADMIN, rma=rma)
    for line in request.lines:
        await inspect_line(uow(), clock, staff_id=ADMIN, rma=rma, line_id=line.id or 0, restock=True)
    await resolve_return(uow(), clock, staff_id=ADMIN, rma=rma, policy=shop.runtime.settings.checkout_policy())
    return rma


async def exchanged(shop: RunningBot, customer: int, code: str, swaps: dict[int, str | None], count: int = 1) -> str:
    """The exchange (``count`` units of each line) through to its replacement, delivered: the
    replacement's code."""
    rma = await through(shop, customer, code, ReturnKind.EXCHANGE, swaps, count)
    replacement = await replacement_of(shop, rma)
    await deliver(shop, replacement)
    return replacement


async def refunded(shop: RunningBot, customer: int, code: str, line: int) -> int:
    """One unit of ``line`` returned for a refund: what was owed back."""
    rma = await through(shop, customer, code, ReturnKind.REFUND, {line: None})
    return int(await scalar(shop, select(m.ReturnRow.refund_minor).where(m.ReturnRow.rma_code == rma)))


async def balanced(shop: RunningBot) -> bool:
    """The journal balances, and what it owes customers is every refund owed, to the penny."""
    debit, credit = await journal_totals(shop)
    payable, kind = m.JournalLineRow, m.PaymentRow.kind
    owed = await scalar(shop, select(func.sum(m.PaymentRow.amount_minor)).where(kind == "refund_owed"))
    booked = await scalar(
        shop,
        select(func.sum(payable.credit_minor - payable.debit_minor)).where(
            payable.account == Account.REFUNDS_PAYABLE.value
        ),
    )
    return debit == credit and debit > 0 and int(owed or 0) == int(booked or 0)
