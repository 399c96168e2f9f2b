"""A support agent at work through the sandbox: changing an order for a customer, answering
with photos and long texts within Telegram's limits, cancelling an order on their behalf."""

from __future__ import annotations

from pathlib import Path

from sandbox import SandboxUser
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.fakes import FakeClock

SUPPORT = -1009000


async def test_an_address_changed_by_support_reads_one_change_a_line_for_staff_and_customer(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        await add_to_cart(boris, "85123A")
        code = order_code(await place_cod_order(boris))
        changed = await agent.send(f"/edit {code} address 10 Downing St <b>")
        assert changed.last.text.splitlines()[:3] == [
            f"✏️ Order {code} was changed by Sofia (staff).",
            "Delivery: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Shipping: £3.70 → £5.20",
        ]
        told = boris.messages()[-1].text.splitlines()  # the customer reads the same, in Russian
        assert told[1:3] == [
            "Доставка: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Доставка: 3,70\xa0£ → 5,20\xa0£",
        ]
