"""A card order an edit raised after its invoice was paid: /track and the order's screen in
/orders say what is still to pay and carry the button that pays it, as the payment's reply did."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import order_of_invoice, place_card_order
from tests.fakes import FakeClock

SHOWN = {
    "en": ("💳 Still to pay: £5.90", "💳 Pay the difference", "/orders"),
    "ru": ("💳 Осталось оплатить: 5,90\u00a0£", "💳 Оплатить разницу", "/orders"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_order_with_a_difference_left_shows_it_and_its_pay_button_on_track_and_orders(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    still, pay, orders = SHOWN[language]
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        olga = SandboxUser(shop.server, 742, "Olga", language_code=language)
        stale = await place_card_order(olga, "85123A", 1)
        code = order_of_invoice(stale)
        manager = await hire(shop, 743, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 3")  # £2.95 → £8.85 before the invoice was paid
        await olga.pay(stale, charge_id="tg-stale")
        tracked = (await olga.send(f"/track {code}")).last
        assert still in tracked.text.splitlines() and pay in tracked.button_texts()
        listed = (await olga.send(orders)).last
        screen = (await olga.press(listed, code)).last
        assert still in screen.text.splitlines() and pay in screen.button_texts()
        rest = await olga.press(screen, pay)  # the button pays it, as the reply's did
        await olga.pay(next(msg for msg in rest.new if msg.kind == "invoice"), charge_id="tg-stale-rest")
        tracked = (await olga.send(f"/track {code}")).last
        assert not any("💳" in line for line in tracked.text.splitlines()) and pay not in tracked.button_texts()
