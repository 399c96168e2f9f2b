"""The accounting journal through real flows: a cash-on-delivery sale, an invoice issued and
paid, a purchase order received, a refund owed and paid back. Every entry balances, the
trial balance agrees, and the journal exports as CSV from chat and from the command line."""

from __future__ import annotations

import csv
import io

from sqlalchemy import event, func, select

from bot.harness import RunningBot
from domain.usecases.purchasing import approve_po, receive_po
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import _by_source, balances
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.jobs import _invoice_order
from tests.e2e.returns import ask_return, delivered


async def test_sales_purchases_and_refunds_post_balanced_entries(shop: RunningBot) -> None:
    runtime = shop.runtime
    code = await delivered(shop, 500, {"85123A": 2})  # COD £5.90 + £3.70 shipping; cost £1.10 each
    books = await balances(shop)
    assert (
        books["1000 Cash"] == (960, 0) and books["4000 Sales"] == (0, 590) and books["4100 Shipping income"] == (0, 370)
    )
    opening = books["3000 Opening stock and goods without an order"][1]  # the demo's stock import
    assert books["5000 Cost of goods sold"] == (220, 0) and books["1200 Inventory"] == (opening, 220)

    invoice = await _invoice_order(shop, 501)  # 10 × £2.95 on account
    manager = await hire(shop, 97, "Mo", "manager")
    aging = await manager.send("/ar")
    assert invoice in aging.last.text and "current" in aging.last.text
    await manager.send(f"/paid {invoice}")
    assert (await manager.send("/ar")).last.text == "No open invoices."

    drafted = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    po = drafted[0]
    await approve_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=po.id or 0)
    await receive_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=po.id or 0)
    books = await balances(shop)
    assert books["2000 Accounts payable"] == (0, po.total.amount)

    rma = await ask_return(shop, SandboxUser(shop.server, 500, "C500"), code, "85123A", "Changed my mind")
    shown = await manager.send(f"/rma {rma}")
    for button in ("Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back"):
        shown = await manager.press(shown.last, button)
    books = await balances(shop)
    assert books["4900 Sales returns"] == (295, 0) and books["2100 Refunds owed to customers"] == (295, 295)
    assert books["1200 Inventory"][0] >= opening + 110  # the restocked holder's cost is back in inventory

    async with runtime.sessions() as session:
        unbalanced = await session.scalar(
            select(func.count())
            .select_from(m.JournalEntryRow)
            .where(m.JournalEntryRow.debit_total != m.JournalEntryRow.credit_total)
        )
        lines = await session.execute(
            select(
                m.JournalLineRow.entry_id, func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor)
            ).group_by(m.JournalLineRow.entry_id)
        )
    assert unbalanced == 0 and all(net == 0 for _, net in lines)
    assert sum(d for d, _ in books.values()) == sum(c for _, c in books.values())

    trial = await manager.send("/trial")
    assert "Trial balance" in trial.last.text and "1000 Cash" in trial.last.text
    totals = [line for line in trial.last.text.splitlines() if line.startswith("Totals")]
    left, right = totals[0].removeprefix("Totals: ").split(" = ")
    assert left == right
    sent = await manager.send("/journal")
    assert sent.last.file is not None and (sent.last.file.file_name or "").startswith("journal-")
    rows = list(csv.DictReader(io.StringIO(sent.last.file.content.decode())))
    assert {r["source"] for r in rows} >= {f"order:{code}", f"order:{invoice}", f"po:{po.id}", f"return:{rma}"}


async def _cancel(shop: RunningBot, user_id: int, code: str) -> None:
    buyer = SandboxUser(shop.server, user_id, "Corp")
    detail = await buyer.send(f"/track {code}")
    ask = await buyer.press(detail.last, "Cancel order")
    done = await buyer.press(ask.last, "Yes, cancel it")
    assert "cancelled" in done.last.text


async def test_a_cancelled_invoice_is_credited_and_a_paid_one_refunded(shop: RunningBot) -> None:
    unpaid = await _invoice_order(shop, 520)  # 10 × £2.95 + £7.30 shipping on account: a receivable
    await _cancel(shop, 520, unpaid)
    books = await _by_source(shop, f"order:{unpaid}")
    assert books["1100 Accounts receivable"] == (3680, 3680)  # the credit note takes the receivable off
    # The goods come back as sales returns; the shipping never given is taken off shipping income.
    assert books["4000 Sales"] == (0, 2950) and books["4900 Sales returns"] == (2950, 0)
    assert books["4100 Shipping income"] == (730, 730)
    async with shop.runtime.sessions() as session:
        kinds = list(await session.scalars(select(m.PaymentRow.kind).join(m.OrderRow).where(m.OrderRow.code == unpaid)))
    assert kinds == []  # nothing was paid, nothing is owed back

    paid = await _invoice_order(shop, 521)
    manager = await hire(shop, 98, "Mo", "manager")
    await manager.send(f"/paid {paid}")  # settled by bank transfer, then cancelled before picking
    await _cancel(shop, 521, paid)
    books = await _by_source(shop, f"order:{paid}")
    assert books["1100 Accounts receivable"] == (3680, 3680)  # invoiced, then paid: nothing left to credit
    assert books["2100 Refunds owed to customers"] == (0, 3680)
    assert books["4900 Sales returns"] == (2950, 0) and books["4100 Shipping income"] == (730, 730)
    async with shop.runtime.sessions() as session:
        rows = (
            await session.execute(
                select(m.PaymentRow.kind, m.PaymentRow.amount_minor).join(m.OrderRow).where(m.OrderRow.code == paid)
            )
        ).all()
    assert sorted(rows) == [("payment", 3680), ("refund_owed", 3680)]
    assert (await manager.send("/ar")).last.text == "No open invoices."


async def test_receivables_read_every_invoice_s_payments_at_once(shop: RunningBot) -> None:
    """/ar lists every open invoice with what is still owed: the payments of all of them come
    in one statement, not one per invoice."""
    first = await _invoice_order(shop, 511)
    second = await _invoice_order(shop, 512)
    manager = await hire(shop, 98, "Ma", "manager")
    await manager.send(f"/paid {first}")
    third = await _invoice_order(shop, 513)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = shop.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        aging = await manager.send("/ar")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert second in aging.last.text and third in aging.last.text and first not in aging.last.text
    assert len([s for s in statements if "FROM payments" in s and "orders" not in s]) == 1
