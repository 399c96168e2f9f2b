"""A chain buying for many branches: checkout offers the addresses it uses most (then those used last), not the
last five added, each order counting its address's use; and the buyer forgets an address they no longer ship to.

Demo data used: 85123A at £2.95, 806 in LON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.journeys import add_to_cart, business_customer, scalar

WORDS = {
    "en": {
        "forget": "🗑 Forget a saved address",
        "which": "Which saved address should we forget? Orders placed to it keep it.",
        "forgot": "Forgotten: Branch 3, 3 High Street, Leeds LS1 1AA",
        "back": "⬅ Back",
        "type": "Type the delivery address",
    },
    "ru": {
        "forget": "🗑 Удалить сохранённый адрес",
        "which": "Какой сохранённый адрес удалить? В уже оформленных заказах он останется.",
        "forgot": "Удалён: Branch 3, 3 High Street, Leeds LS1 1AA",
        "back": "⬅ Назад",
        "type": "Введите адрес доставки",
    },
}
HQ = "Head office, 1 King Street, Manchester M2 4LQ"


def branch(n: int) -> str:
    return f"Branch {n}, {n} High Street, Leeds LS1 1AA"


async def saved(shop: RunningBot, telegram_id: int) -> dict[str, tuple[int, datetime | None]]:
    customer = await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == telegram_id))
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.AddressRow.text, m.AddressRow.uses, m.AddressRow.used_at).where(
                m.AddressRow.customer_id == customer
            )
        )
        return {text: (uses, used_at) for text, uses, used_at in rows}


async def seed(shop: RunningBot, telegram_id: int) -> None:
    """The head office first, used most; then six branches, each ordered to once, the latest last."""
    customer = await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == telegram_id))
    start = datetime(2026, 11, 1, tzinfo=UTC)
    async with shop.runtime.sessions() as session, session.begin():
        session.add(m.AddressRow(customer_id=customer, text=HQ, uses=7, used_at=start))
        for n in range(1, 7):
            session.add(m.AddressRow(customer_id=customer, text=branch(n), uses=1, used_at=start + timedelta(days=n)))


async def address_step(buyer: SandboxUser) -> Reply:
    await add_to_cart(buyer, "85123A", 2)
    await buyer.send("/checkout")
    reply = await buyer.share_contact("+44 7911 123456")
    return await buyer.press(reply.last, "🚚")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_checkout_offers_the_addresses_used_most_and_the_buyer_forgets_one(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    buyer = await business_customer(shop, 831, "Café Chain", language)
    await seed(shop, 831)

    step = (await address_step(buyer)).last
    assert words["type"] in step.text
    offered = [text for text in step.button_texts() if text != words["forget"]]
    assert offered == [HQ, branch(6), branch(5), branch(4), branch(3)], offered  # the most used stays
    assert words["forget"] in step.button_texts()

    shipping = await buyer.press(step, HQ)
    payment = await buyer.press(shipping.last, shipping.last.button_texts()[0])
    review = await buyer.press(payment.last, "💵")
    await buyer.press(review.last, "✅")
    uses, used_at = (await saved(shop, 831))[HQ]
    assert uses == 8 and used_at is not None and used_at > datetime(2026, 11, 7, tzinfo=UTC)

    step = (await address_step(buyer)).last
    listed = await buyer.press(step, words["forget"])
    assert listed.last.text == words["which"]
    assert f"🗑 {branch(1)}" not in listed.last.button_texts()  # only those offered: the rest are not in the way
    back = await buyer.press(listed.last, words["back"])
    assert words["type"] in back.last.text
    listed = await buyer.press(back.last, words["forget"])
    gone = await buyer.press(listed.last, f"🗑 {branch(3)}")
    assert gone.callback_answer is not None
    assert gone.callback_answer["text"] == words["forgot"]
    assert branch(3) not in await saved(shop, 831)
    assert words["type"] in gone.last.text
    offered = [text for text in gone.last.button_texts() if text != words["forget"]]
    assert offered == [HQ, branch(6), branch(5), branch(4), branch(2)], offered
