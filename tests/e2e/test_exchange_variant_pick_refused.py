"""A variant picked at an exchange's "for which one?" that is refused there leaves the customer a way on and nothing
half-written, in English and Russian: only a dearer one an order's channel must be paid for was handled, and any
other refusal (sold out or discontinued since it was offered, the order's items taken by another return meanwhile)
was said below while the question stayed live and the return half asked, until /cancel. A variant gone is refused
in place of the question, which offers what is left to pick; a change to the order itself drops the exchange."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.imports.stock import import_stock
from domain.usecases.returns import request_return
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.journeys import scalar
from tests.e2e.returns import delivered, rma_of
from tests.e2e.variants import WORDS, tshirts

SAID = {
    "en": {
        "sold out": "Organic cotton T-shirt (L / Navy): only 0 available.",
        "question": "Exchange TEE-M-NVY Organic cotton T-shirt (M / Navy) for which one?",
        "why": "Why?",
        "already": "Everything in order {code} that can come back is already in a return: {rma}.",
        "not opened": "This exchange was not opened.",
    },
    "ru": {
        "sold out": "Organic cotton T-shirt (L / Navy): доступно только 0.",
        "question": "На какой вариант обменять TEE-M-NVY Organic cotton T-shirt (M / Navy)?",
        "why": "Почему?",
        "already": "Всё, что можно вернуть из заказа {code}, уже в возврате: {rma}.",
        "not opened": "Обмен не оформлен.",
    },
}


async def returns_count(shop: RunningBot) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(m.ReturnRow)) or 0)


async def asked_which(shop: RunningBot, customer_id: int, language: str) -> tuple[str, SandboxUser, BotMessage]:
    """A customer in ``language`` exchanging their delivered TEE-M-NVY, asked which variant they want instead: the
    order's code, the customer, the question."""
    await tshirts(shop)
    code = await delivered(shop, customer_id, {"TEE-M-NVY": 1})
    customer = SandboxUser(shop.server, customer_id, "Eli", language_code=language)
    words = WORDS[language]
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["exchange"])
    which = (await customer.press((await customer.press(lines.last, "(M / Navy)")).last, words["continue"])).last
    assert "L / Navy" in which.button_texts()
    return code, customer, which


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_sold_out_since_it_was_offered_is_refused_in_place_and_another_can_be_picked(
    shop: RunningBot, language: str
) -> None:
    said, words = SAID[language], WORDS[language]
    _, customer, which = await asked_which(shop, 950, language)
    none_left = "sku,warehouse,bin,quantity\nTEE-L-NVY,LON,A-05-02-3,0\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, none_left)

    picked = await customer.press(which, "L / Navy")
    assert picked.new == [] and picked.callback_answer is not None
    assert which.text.startswith(f"{said['sold out']}\n\n{said['question']}")
    assert "L / Navy" not in which.button_texts() and {words["same"], "S / Navy"} <= set(which.button_texts())
    assert await returns_count(shop) == 0

    reasons = await customer.press(which, "S / Navy")  # another picked: the exchange goes on
    assert reasons.new == [] and which.text == said["why"]
    photos = await customer.press(which, words["reason"])
    method = await customer.press(photos.last, words["skip"])
    rma_of((await customer.press(method.last, words["store"])).last.text)
    wanted = select(m.ReturnLineRow.swap_product_id).join(m.ReturnRow, m.ReturnRow.id == m.ReturnLineRow.return_id)
    small = select(m.ProductRow.id).where(m.ProductRow.sku == "TEE-S-NVY")
    assert await scalar(shop, wanted) == await scalar(shop, small)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_taken_by_another_return_meanwhile_drops_the_exchange_with_nothing_left_live(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    code, customer, which = await asked_which(shop, 951, language)
    runtime = shop.runtime
    async with runtime.sessions() as session:
        line_id = await session.scalar(
            select(m.OrderLineRow.id)
            .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
            .where(m.OrderRow.code == code)
        )
    customer_id = await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 951))
    other = await request_return(  # the same item sent back from the Mini App while the chat asked
        runtime.uow(),
        runtime.clock,
        customer_id=int(customer_id or 0),
        code=code,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={int(line_id or 0): 1},
        window_days=runtime.settings.return_window_days,
    )

    picked = await customer.press(which, "L / Navy")
    assert picked.new == [] and picked.callback_answer is not None
    assert which.text.startswith(said["already"].format(code=code, rma=other.rma_code))
    assert said["not opened"] in which.text and which.buttons() == []  # no question left live
    assert await returns_count(shop) == 1
    typed = await customer.send("1")  # the exchange's steps are over: a number is no quantity
    assert not any(said["why"] == message.text for message in typed.messages)
