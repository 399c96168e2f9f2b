"""The demo's books: every sale, shipment, refund and receipt a balanced journal entry; refunds owed, paid back."""

from __future__ import annotations

import re
from collections.abc import Callable

from sandbox.driver import SandboxUser


async def the_books(ada: SandboxUser, scene: Callable[[str], None]) -> None:
    scene("The books: every sale, shipment, refund and receipt is a balanced journal entry")
    # 17003's opening stock came in without a cost, booked at nothing: given one now, its units
    # on hand enter inventory (5200/3000 in domain.usecases.revaluation), so /trial's 1200
    # is still /stockvalue's total below.
    await ada.press((await ada.send("/product 17003")).last, "Unit cost")
    await ada.send("0.12")
    await ada.send("/trial")
    # A paid order cancelled, a goodwill refund: their money goes back, and the books say when.
    owed = await ada.send("/refunds")
    owing = re.findall(r"/order (\w+)", owed.last.text)
    assert owing
    for code in owing:
        order = await ada.send(f"/order {code}")
        await ada.press(order.last, "Refund paid back")
    await ada.send("/refunds")
    await ada.send("/journal")
