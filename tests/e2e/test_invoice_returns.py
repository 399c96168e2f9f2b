"""Goods returned from a business's invoice order: what the invoice still asks for is taken down
first (a credit note against the receivable), and only what was paid is owed back, as a
cancellation or a short pick settles it; the customer told, the books balanced."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from tests.e2e.conftest import hire
from tests.e2e.exchange_refunds import lines_of, through
from tests.e2e.invoice_returns import account
from tests.e2e.jobs import _invoice_order
from tests.e2e.journeys import payments
from tests.e2e.returns import deliver
from tests.e2e.variants import journal_totals


async def test_a_return_from_an_unpaid_invoice_takes_the_invoice_down_and_owes_nothing_back(shop: RunningBot) -> None:
    code = await _invoice_order(shop, 990)  # 10 × £2.95 + £7.30 shipping, on account
    await deliver(shop, code)
    line = (await lines_of(shop, code))["85123A"][0]
    assert await account(shop, Account.RECEIVABLE) == 3680
    rma = await through(shop, 990, code, ReturnKind.REFUND, {line: None}, count=2)
    assert await payments(shop, code) == [("credit_note", 590)]  # was a refund owed of £5.90 never paid
    assert await account(shop, Account.RECEIVABLE) == 3090 and await account(shop, Account.REFUNDS_PAYABLE) == 0
    manager = await hire(shop, 98, "Mo", "manager")
    assert "£30.90" in (await manager.send("/ar")).last.text
    shown = await manager.send(f"/rma {rma}")
    assert "Refund owed" not in shown.last.text and "Refund paid back" not in str(shown.last.reply_markup)
    await shop.runtime.notifier.drain()
    told = [t.text for t in shop.server.chat_messages(990) if rma in t.text][-1]
    assert "reduced by £5.90" in told and "£30.90" in told and "We will refund" not in told
    debit, credit = await journal_totals(shop)
    assert debit == credit

    await manager.send(f"/paid {code}")  # the rest settled by transfer: a later return is owed back
    await through(shop, 990, code, ReturnKind.REFUND, {line: None}, count=1)
    assert await payments(shop, code) == [("credit_note", 590), ("payment", 3090), ("refund_owed", 295)]
    assert await account(shop, Account.RECEIVABLE) == 0 and await account(shop, Account.REFUNDS_PAYABLE) == -295
    debit, credit = await journal_totals(shop)
    assert debit == credit
