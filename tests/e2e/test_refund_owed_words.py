"""A customer who paid by card and cancels is told what is owed back, then where to see it — the
two ran together ("…the way you paid.Details: /track CODE"): the template's block tag ate the line
break. Its /track then still promised "Expected delivery: 27 Nov (Royal Mail Tracked 48)." for an
order that is not coming. In English and Russian, through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import order_of_invoice, place_card_order, status

WORDS = {
    "en": ("Cancel order", "Yes, cancel it", "the way you paid.\nDetails: /track {code}", "Expected delivery"),
    "ru": ("Отменить заказ", "Да, отменить", "которым вы платили.\nПодробнее: /track {code}", "Ожидаемая доставка"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_paid_order_cancelled_says_what_is_owed_back_and_on_its_own_line_where_to_see_it(
    paying_shop: RunningBot, language: str
) -> None:
    cancel, confirm, told, expected = WORDS[language]
    bob = SandboxUser(paying_shop.server, 705, "Bob", language_code=language)
    invoice = await place_card_order(bob, "85123A", 2, pickup=False)
    code = order_of_invoice(invoice)
    await bob.pay(invoice)
    asked = await bob.press((await bob.send(f"/track {code}")).last, cancel)
    await bob.press(asked.last, confirm)
    await paying_shop.runtime.notifier.drain()
    owed = bob.messages()[-1].text
    assert owed.startswith("💸") and owed.endswith(told.format(code=code)), owed
    assert await status(paying_shop, code) == "cancelled"
    detail = (await bob.send(f"/track {code}")).last.text
    assert code in detail and expected not in detail and "Royal Mail" not in detail  # no delivery promised
    async with paying_shop.runtime.sessions() as session:
        rows = await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor).order_by(m.PaymentRow.id))
        assert [tuple(row) for row in rows] == [("payment", 960), ("refund_owed", 960)]
