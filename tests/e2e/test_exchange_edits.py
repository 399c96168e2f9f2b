"""A replacement (an exchange) changed before it is picked: a line sent in exchange lowered gives
back what the units taken off were paid, on the order they were paid on, and keeps what the rest
were paid, so a later refund of them is exact; raising one is refused (the units added would go
out free); the replacement cancelled gives back what all its units were paid. Money, stock and
the books checked."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from domain.usecases.orders import cancel_my_order
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.exchange_refunds import balanced, lines_of, refunded, replacement_of, shoes_on_sale, through
from tests.e2e.invoice_returns import account
from tests.e2e.jobs import _invoice_order
from tests.e2e.journeys import order_row, payments, scalar
from tests.e2e.returns import deliver, delivered


async def test_a_replacement_line_lowered_gives_back_what_the_units_taken_off_were_paid_and_no_more_later(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 980, {"SHOE-L": 3})  # 3 × £15.00
    large = (await lines_of(shop, code))["SHOE-L"][0]
    rma = await through(shop, 980, code, ReturnKind.EXCHANGE, {large: None}, count=3)  # the same again, free
    replacement = await replacement_of(shop, rma)
    assert (await lines_of(shop, replacement))[large][1:] == ("SHOE-L", 0, 4500)

    admin = SandboxUser(shop.server, ADMIN, "Ada")
    edited = await admin.send(f"/edit {replacement} SHOE-L 1")
    assert "1" in edited.last.text
    made = await lines_of(shop, replacement)
    assert made[large][1:] == ("SHOE-L", 0, 1500)  # the one unit still sent was paid £15.00
    row = await order_row(shop, replacement)
    assert (row.shipping_minor, row.total_minor) == (0, 0)  # still sent at the shop's cost (was £4.70)
    # The two taken off were paid £30.00 on the first order: owed back there.
    assert (
        await payments(shop, code) == [("payment", 4970), ("refund_owed", 3000)]
        and await payments(shop, replacement) == []
    )
    assert await balanced(shop)

    await deliver(shop, replacement)
    assert await refunded(shop, 980, replacement, made[large][0]) == 1500  # not the £45.00 of three
    assert await balanced(shop)


async def test_a_replacement_line_swapped_up_and_lowered_gives_back_only_what_the_first_order_paid(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 981, {"SHOE-L": 2})  # 2 × £15.00
    large = (await lines_of(shop, code))["SHOE-L"][0]
    rma = await through(shop, 981, code, ReturnKind.EXCHANGE, {large: "SHOE-XL"}, count=2)
    replacement = await replacement_of(shop, rma)
    assert (await lines_of(shop, replacement))[large][1:] == ("SHOE-XL", 500, 4000)  # £5.00 more a pair

    await SandboxUser(shop.server, ADMIN, "Ada").send(f"/edit {replacement} SHOE-XL 1")
    made = await lines_of(shop, replacement)
    assert made[large][1:] == ("SHOE-XL", 500, 2000)
    # The £5.00 no longer charged leaves the replacement's total (the XL's promotion is not taken
    # off a swap's difference: the units were paid at list prices); the £15.00 paid is owed back.
    row = await order_row(shop, replacement)
    assert (row.shipping_minor, row.discount_minor, row.total_minor) == (0, 0, 500)
    assert await payments(shop, code) == [("payment", 3420), ("refund_owed", 1500)]
    assert await balanced(shop)


async def test_raising_a_replacement_line_is_refused_and_changes_nothing(shop: RunningBot) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 982, {"SHOE-L": 1})
    large = (await lines_of(shop, code))["SHOE-L"][0]
    replacement = await replacement_of(shop, await through(shop, 982, code, ReturnKind.EXCHANGE, {large: None}))
    before = (await lines_of(shop, replacement), (await order_row(shop, replacement)).version)

    refused = await SandboxUser(shop.server, ADMIN, "Ada").send(f"/edit {replacement} SHOE-L 3")
    assert refused.last.text == (
        "Trail shoe (L) was sent in exchange for goods returned: it can be lowered, not raised. Nothing was changed."
    )
    ru = await SandboxUser(shop.server, ADMIN, "Ada", language_code="ru").send(f"/edit {replacement} SHOE-L 2")
    assert ru.last.text.startswith("Товар «Trail shoe (L)» отправлен в обмен")  # agrees with any name
    assert (await lines_of(shop, replacement), (await order_row(shop, replacement)).version) == before
    assert await payments(shop, code) == [("payment", 1870)] and await balanced(shop)


async def test_a_replacement_cancelled_gives_back_what_its_units_were_paid_less_what_it_charged(
    shop: RunningBot,
) -> None:
    """The goods came back and were restocked: cancelling what was to be sent for them owed
    nothing, so the customer had paid for goods they neither kept nor got."""
    await shoes_on_sale(shop)
    code = await delivered(shop, 983, {"SHOE-L": 2, "SHOE-M": 1})  # 2 × £15.00 and £12.00
    ordered = await lines_of(shop, code)
    large, medium = ordered["SHOE-L"][0], ordered["SHOE-M"][0]
    rma = await through(shop, 983, code, ReturnKind.EXCHANGE, {large: None, medium: "SHOE-XL"})
    replacement = await replacement_of(shop, rma)
    assert await payments(shop, code) == [("payment", 4670)]  # the M swapped up to XL: £8.00 charged on the replacement
    customer_id = int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 983)))
    await cancel_my_order(
        shop.runtime.uow(), shop.runtime.clock, customer_id=customer_id, code=replacement, staff_chat_id=None
    )
    # One L (£15.00) and the M (£12.00) were paid on the first order: owed back there; the £8.00
    # the replacement charged (cash on delivery, never collected) is not.
    assert (
        await payments(shop, code) == [("payment", 4670), ("refund_owed", 2700)]
        and await payments(shop, replacement) == []
    )
    assert await balanced(shop)


async def test_a_replacement_cancelled_takes_an_unpaid_invoice_down_and_owes_nothing_back(shop: RunningBot) -> None:
    code = await _invoice_order(shop, 984)  # 10 × £2.95 + £7.30 shipping, on account, unpaid
    await deliver(shop, code)
    line = (await lines_of(shop, code))["85123A"][0]
    rma = await through(shop, 984, code, ReturnKind.EXCHANGE, {line: None}, count=2)
    replacement = await replacement_of(shop, rma)
    customer_id = int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 984)))
    await cancel_my_order(
        shop.runtime.uow(), shop.runtime.clock, customer_id=customer_id, code=replacement, staff_chat_id=None
    )
    # The two units were never paid: the invoice asks £5.90 less (was a refund owed of £5.90).
    assert await payments(shop, code) == [("credit_note", 590)] and await payments(shop, replacement) == []
    assert await account(shop, Account.RECEIVABLE) == 3090 and await account(shop, Account.REFUNDS_PAYABLE) == 0
    assert await balanced(shop)
    await shop.runtime.notifier.drain()
    told = [t.text for t in shop.server.chat_messages(984) if replacement in t.text][-1]
    assert told.startswith(f"🧾 Your invoice for order {code} is reduced by £5.90 for goods of the replacement")
    assert "it now asks for £30.90" in told
