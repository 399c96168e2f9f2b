"""Size swaps that can no longer be made, through the sandbox: a variant discontinued, hidden or
sold out between the customer's choice and the replacement is refused with that reason, in the
reader's language, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.returns import ReplacementShort, ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.returns import request_return
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, payments, place_cod_order, scalar, stock
from tests.e2e.returns import ask_return, deliver, delivered, rma_of
from tests.e2e.variants import WORDS, exchange, journal_totals, ordered_lines, swap, tshirts
from tests.fakes import FakeClock

REFUSED = {
    "en": "Organic cotton T-shirt (L / Navy) is discontinued and can no longer be ordered.",
    "ru": "Товар «Organic cotton T-shirt (L / Navy)» снят с продажи и больше не заказывается.",
}
SOLD_OUT = {
    "en": "Organic cotton T-shirt (L / Navy): only 0 available.",
    "ru": "Organic cotton T-shirt (L / Navy): доступно только 0.",
}
HIDDEN = {
    "en": "Organic cotton T-shirt (L / Navy) is not on sale now, so it cannot be sent in exchange.",
    "ru": "Товар «Organic cotton T-shirt (L / Navy)» сейчас не продаётся, поэтому его нельзя выдать в обмен.",
}


async def set_status(shop: RunningBot, sku: str, status: str) -> None:
    manager = await hire(shop, 95, "Mo", "manager")
    sheet = await manager.send(f"/product {sku}")
    await manager.press((await manager.press(sheet.last, "✏️ Status")).last, status)


async def returns_and_orders(shop: RunningBot) -> tuple[int, int]:
    async with shop.runtime.sessions() as session:
        returns = await session.scalar(select(func.count()).select_from(m.ReturnRow))
        orders = await session.scalar(select(func.count()).select_from(m.OrderRow))
    return int(returns or 0), int(orders or 0)


async def delivered_tee(shop: RunningBot, customer_id: int, language: str) -> tuple[str, SandboxUser]:
    """The T-shirts catalog, and a customer (in ``language``) with TEE-M-NVY delivered: the order's code."""
    await tshirts(shop)
    code = await delivered(shop, customer_id, {"TEE-M-NVY": 1})
    return code, SandboxUser(shop.server, customer_id, "Eli", language_code=language)


async def asked_for_large(customer: SandboxUser, code: str, language: str) -> BotMessage:
    """The customer's exchange of TEE-M-NVY for L / Navy (offered: active, in stock), up to
    how the parcel comes back; the message asking it."""
    words = WORDS[language]
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["exchange"])
    which = await customer.press((await customer.press(lines.last, "(M / Navy)")).last, words["continue"])
    reasons = await customer.press(which.last, "L / Navy")
    photos = await customer.press(reasons.last, words["reason"])
    return (await customer.press(photos.last, words["skip"])).last


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_swap_to_a_variant_discontinued_hidden_or_sold_out_after_it_was_offered_is_refused_with_that_reason(
    shop: RunningBot, language: str
) -> None:
    code, customer = await delivered_tee(shop, 930, language)
    method = await asked_for_large(customer, code, language)
    await set_status(shop, "TEE-L-NVY", "discontinued")
    before = await returns_and_orders(shop)
    refused = await customer.press(method, WORDS[language]["store"])
    assert refused.callback_answer is not None and refused.callback_answer["text"] == REFUSED[language]
    assert await returns_and_orders(shop) == before

    await set_status(shop, "TEE-L-NVY", "hidden")
    hidden = await customer.press(method, WORDS[language]["store"])
    assert hidden.callback_answer is not None and hidden.callback_answer["text"] == HIDDEN[language]
    assert await returns_and_orders(shop) == before

    await set_status(shop, "TEE-L-NVY", "active")
    none_left = "sku,warehouse,bin,quantity\nTEE-L-NVY,LON,A-05-02-3,0\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, none_left)
    sold_out = await customer.press(method, WORDS[language]["store"])  # refused when asked, not when sent
    assert sold_out.callback_answer is not None and sold_out.callback_answer["text"] == SOLD_OUT[language]
    assert await returns_and_orders(shop) == before


async def test_a_replacement_whose_variant_was_discontinued_or_sold_out_meanwhile_is_refused_naming_it(
    shop: RunningBot,
) -> None:
    code, customer = await delivered_tee(shop, 931, "en")
    method = await asked_for_large(customer, code, "en")
    rma = rma_of((await customer.press(method, "store")).last.text)
    manager = await hire(shop, 96, "Meg", "manager")
    shown = await manager.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock TEE-M-NVY"):
        shown = await manager.press(shown.last, step)
    before = (await returns_and_orders(shop), await stock(shop, "TEE-L-NVY"), await journal_totals(shop))

    await set_status(shop, "TEE-L-NVY", "discontinued")
    refused = await manager.press(shown.last, "Send the replacement")
    assert refused.callback_answer is not None and refused.callback_answer["text"] == REFUSED["en"]

    await set_status(shop, "TEE-L-NVY", "active")
    none_left = "sku,warehouse,bin,quantity\nTEE-L-NVY,LON,A-05-02-3,0\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, none_left)
    sold_out = await manager.press(shown.last, "Send the replacement")
    assert sold_out.callback_answer is not None
    assert sold_out.callback_answer["text"] == "Organic cotton T-shirt (L / Navy): only 0 available."
    assert (await returns_and_orders(shop), await journal_totals(shop)) == (before[0], before[2])
    assert await stock(shop, "TEE-L-NVY") == [("LON", 0, 0)]
    assert await payments(shop, code) == [("payment", 1570)]


ALREADY = {
    "en": "Everything in order {code} that can come back is already in a return: {rma}.",
    "ru": "Всё, что можно вернуть из заказа {code}, уже в возврате: {rma}.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_second_exchange_of_an_order_already_all_in_one_names_that_return_not_the_window(
    shop: RunningBot, language: str
) -> None:
    code, customer = await delivered_tee(shop, 932, language)
    rma = rma_of(
        (await customer.press(await asked_for_large(customer, code, language), WORDS[language]["store"])).last.text
    )
    before = await returns_and_orders(shop)
    again = await customer.press((await customer.send(f"/track {code}")).last, WORDS[language]["exchange"])
    assert again.last.text == ALREADY[language].format(code=code, rma=rma)
    assert (await customer.send(f"/return {code}")).last.text == ALREADY[language].format(code=code, rma=rma)
    assert await returns_and_orders(shop) == before


async def test_swapping_a_replacement_again_is_priced_against_what_was_paid_for_it_not_the_difference(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 940, "TEE-M-NVY", "L / Navy")  # £12.00, then £1.00 more for L
    await deliver(shop, replacement)
    await shop.runtime.notifier.drain()
    back = await exchange(SandboxUser(shop.server, 940, "Eli"), shop, replacement, "TEE-L-NVY", "M / Navy")
    assert await ordered_lines(shop, back) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 0)]
    assert await payments(shop, replacement) == [
        ("payment", 100),
        ("refund_owed", 100),
    ]  # the £1.00 paid for L, owed back
    assert await payments(shop, code) == [("payment", 1570)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_free_replacement_swapped_for_a_dearer_size_charges_only_the_difference(shop: RunningBot) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 941, "TEE-M-NVY", "The same again")  # a free M for the £12.00 one
    assert await ordered_lines(shop, replacement) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 0)]
    await deliver(shop, replacement)
    await shop.runtime.notifier.drain()
    dearer = await exchange(SandboxUser(shop.server, 941, "Eli"), shop, replacement, "TEE-M-NVY", "L / Navy")
    assert await ordered_lines(shop, dearer) == [("TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, 100)]
    assert await payments(shop, replacement) == [] and await payments(shop, code) == [("payment", 1570)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_swap_down_and_back_up_charges_the_difference_that_was_owed_back(shop: RunningBot) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 942, "TEE-L-NVY", "M / Navy")  # £13.00, £1.00 owed back for M
    assert await payments(shop, code) == [("payment", 1670), ("refund_owed", 100)]
    await deliver(shop, replacement)
    await shop.runtime.notifier.drain()
    up = await exchange(SandboxUser(shop.server, 942, "Eli"), shop, replacement, "TEE-M-NVY", "L / Navy")
    assert await ordered_lines(shop, up) == [("TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, 100)]
    assert await payments(shop, replacement) == []
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def refunded(shop: RunningBot, customer_id: int, replacement: str) -> None:
    """The replacement's M delivered, sent back by the customer and refunded by a manager."""
    await deliver(shop, replacement)
    await shop.runtime.notifier.drain()
    rma = await ask_return(
        shop, SandboxUser(shop.server, customer_id, "Eli"), replacement, "TEE-M-NVY", "Changed my mind"
    )
    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock TEE-M-NVY", "Refund"):
        shown = await manager.press(shown.last, step)


async def test_a_free_replacement_returned_for_a_refund_refunds_what_the_item_was_paid(shop: RunningBot) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 943, "TEE-M-NVY", "The same again")  # £12.00, then a free M
    await refunded(shop, 943, replacement)
    assert await payments(shop, replacement) == [("refund_owed", 1200)]
    assert await payments(shop, code) == [("payment", 1570)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_replacement_of_an_item_bought_on_a_sale_refunds_what_was_paid_not_its_price(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Tee week" off=2.00 products=TEE-M-NVY until=2026-12-31')
    assert "Tee week" in made.last.text
    code, replacement = await swap(shop, 945, "TEE-M-NVY", "The same again")  # £12.00 less £2.00, then a free M
    assert await ordered_lines(shop, code) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 1200)]
    await refunded(shop, 945, replacement)
    assert await payments(shop, replacement) == [("refund_owed", 1000)]  # the £10.00 paid, not the £12.00 price
    assert await payments(shop, code) == [("payment", 1370)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_replacement_carries_the_tax_rate_of_the_order_it_replaces(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20) as taxed:
        await tshirts(taxed)
        code, replacement = await swap(taxed, 946, "TEE-M-NVY", "L / Navy")  # £1.00 more, VAT included
        async with taxed.runtime.sessions() as session:
            rates = dict(
                (
                    await session.execute(
                        select(m.OrderRow.code, m.OrderRow.tax_rate).where(m.OrderRow.code.in_([code, replacement]))
                    )
                ).all()
            )
    assert rates == {code: "20", replacement: "20"}


async def test_two_lines_swapped_to_one_size_are_checked_against_its_stock_together(shop: RunningBot) -> None:
    await tshirts(shop)  # M / Navy: 3 at LON
    code = await delivered(shop, 947, {"TEE-S-NVY": 2, "TEE-L-NVY": 2})
    async with shop.runtime.sessions() as session:
        lines = dict(
            (
                await session.execute(
                    select(m.OrderLineRow.sku, m.OrderLineRow.id)
                    .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
                    .where(m.OrderRow.code == code)
                )
            ).all()
        )
        medium = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "TEE-M-NVY"))
    assert medium is not None
    before = await returns_and_orders(shop)
    with pytest.raises(ReplacementShort) as refused:  # 2 + 2 wanted of the 3 there are
        await request_return(
            shop.runtime.uow(),
            shop.runtime.clock,
            customer_id=int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 947))),
            code=code,
            kind=ReturnKind.EXCHANGE,
            reason=ReturnReason.CHANGED_MIND,
            method=ReturnMethod.DROP_OFF,
            quantities={lines["TEE-S-NVY"]: 2, lines["TEE-L-NVY"]: 2},
            swaps={lines["TEE-S-NVY"]: medium, lines["TEE-L-NVY"]: medium},
            window_days=14,
        )
    assert refused.value.params == {"name": "Organic cotton T-shirt (M / Navy)", "available": 3}
    assert await returns_and_orders(shop) == before


async def test_an_exchange_names_an_item_with_markup_and_a_long_name_as_typed_and_within_limits(
    shop: RunningBot,
) -> None:
    name = "<b>Tee & co" + "ж" * 245  # as long as a products file allows (256 characters)
    products = (
        "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
        f"ODD,{name},Clothing,5.00,GBP,,100,,Size=<i>S</i>\nODD-M,,,,,,,ODD,Size=<i>M</i>\n"
    )
    await import_products(shop.runtime.uow(), shop.runtime.clock, products)
    counted = "sku,warehouse,bin,quantity\nODD,LON,A-09-01-1,5\nODD-M,LON,A-09-01-2,5\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, counted)
    code = await delivered(shop, 944, {"ODD": 1})
    customer = SandboxUser(shop.server, 944, "Eli")
    lines = await customer.press((await customer.send(f"/track {code}")).last, "Exchange")
    which = await customer.press((await customer.press(lines.last, "Tee & co")).last, "Continue")
    assert which.last.text.startswith("Exchange ODD <b>Tee & co") and which.last.text.endswith("for which one?")
    assert "<i>M</i>" in which.last.button_texts()


async def test_a_second_tap_on_a_returns_step_already_taken_changes_nothing_and_is_no_error(shop: RunningBot) -> None:
    code, customer = await delivered_tee(shop, 946, "en")
    rma = rma_of((await customer.press(await asked_for_large(customer, code, "en"), "store")).last.text)
    manager = await hire(shop, 98, "Meg", "manager")
    sheet = (await manager.send(f"/rma {rma}")).last
    told = len(shop.server.chat_messages(customer.id))
    approved = await manager.press(sheet, "Approve")
    again = await manager.press_data(sheet, f"rma:{rma}:approve:0")  # the same button, tapped twice
    assert again.callback_answer == {"text": f"Return {rma} is already approved by Meg.", "show_alert": True}
    assert len(shop.server.chat_messages(customer.id)) == told + 1  # told once
    shown = await manager.press(approved.last, "Parcel received")
    shown = await manager.press(shown.last, "Restock TEE-M-NVY")
    await manager.press(shown.last, "Send the replacement")
    before = (await returns_and_orders(shop), await stock(shop, "TEE-L-NVY"), await journal_totals(shop))
    twice = await manager.press_data(sheet, f"rma:{rma}:resolve:0")
    assert twice.callback_answer is not None and not twice.callback_answer["text"]
    assert twice.messages == [] and "exchanged" in sheet.text  # the screen, changed in place, shows it already
    assert (await returns_and_orders(shop), await stock(shop, "TEE-L-NVY"), await journal_totals(shop)) == before


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Return {rma} is already rejected by Sue."),
        ("ru", "Возврат {rma} уже отклонён: это сделал(а) Sue."),
    ],
)
async def test_a_stale_approve_of_a_return_rejected_meanwhile_says_the_return_is_rejected(
    shop: RunningBot, language: str, refusal: str
) -> None:
    code, customer = await delivered_tee(shop, 947, "en")
    rma = rma_of((await customer.press(await asked_for_large(customer, code, "en"), "store")).last.text)
    late = await hire(shop, 99, "Lev", "manager", language=language)
    stale = (await late.send(f"/rma {rma}")).last
    sue = await hire(shop, 100, "Sue", "manager")
    await sue.press((await sue.send(f"/rma {rma}")).last, "Reject")
    await sue.send("Worn")
    refused = await late.press_data(stale, f"rma:{rma}:approve:0")
    assert refused.callback_answer is not None and refused.callback_answer["text"] == refusal.format(rma=rma)


async def test_a_swap_on_a_rouble_order_keeps_its_rate_so_the_books_see_the_pound_difference(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 101, "Mo", "manager")
    await manager.send("/fx RUB 100")
    ivan = SandboxUser(shop.server, 948, "Ivan", language_code="ru")
    await add_to_cart(ivan, "TEE-M-NVY", 1)
    code = order_code(await place_cod_order(ivan))
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    await manager.send("/fx RUB 120")  # a later rate: the exchange keeps the order's
    replacement = await exchange(ivan, shop, code, "TEE-M-NVY", "L / Navy", "ru")  # £12.00 → £13.00
    assert await ordered_lines(shop, replacement) == [("TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, 10000)]
    async with shop.runtime.sessions() as session:
        rate = await session.scalar(select(m.OrderRow.fx_rate).where(m.OrderRow.code == replacement))
    assert rate == "100"
    sales = (await balances(shop))["4000 Sales"]
    await deliver(shop, replacement)  # the ₽100.00 difference collected: £1.00 of sales
    after = (await balances(shop))["4000 Sales"]
    assert after[1] - sales[1] == 100


async def test_an_exchange_offers_only_sizes_the_replacement_can_take_from_the_warehouse_the_order_left(
    shop: RunningBot,
) -> None:
    """L in stock only in Manchester was offered for an order shipped from London, then refused
    when asked ("only 0 available"): the replacement is reserved where the order left."""
    await tshirts(shop)
    code = await delivered(shop, 945, {"TEE-S-NVY": 1})  # stocked only in London
    moved = "sku,warehouse,bin,quantity\nTEE-L-NVY,LON,A-05-02-3,0\nTEE-L-NVY,MAN,S-05-02-3,10\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, moved)
    customer = SandboxUser(shop.server, 945, "Eli")
    lines = await customer.press((await customer.send(f"/track {code}")).last, "Exchange")
    which = await customer.press((await customer.press(lines.last, "(S / Navy)")).last, "Continue")
    assert "M / Navy" in which.last.button_texts()
    assert "L / Navy" not in which.last.button_texts()
    await customer.send("/cancel")

    replacement = await exchange(customer, shop, code, "TEE-S-NVY", "M / Navy")
    assert await ordered_lines(shop, replacement) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 0)]
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 1)]  # held for the replacement, where the order left
    assert sorted(await stock(shop, "TEE-L-NVY")) == [("LON", 0, 0), ("MAN", 10, 0)]
