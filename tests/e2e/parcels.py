"""Set-ups and readers of test_parcels that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, invite_token
from tests.e2e.journeys import add_to_cart, order_code, pick_everything, place_cod_order, status


async def hire_in(shop: RunningBot, user_id: int, name: str, role: str, language: str) -> SandboxUser:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send(f"/invite {role} LON")).last.text)
    member = SandboxUser(shop.server, user_id, name, language_code=language)
    await member.send(f"/start inv_{token}")
    return member


async def packed_order(
    shop: RunningBot, customer: SandboxUser, items: dict[str, int], language: str, *, pickup: bool = False
) -> tuple[str, SandboxUser]:
    for sku, quantity in items.items():
        await add_to_cart(customer, sku, quantity)
    code = order_code(await place_cod_order(customer, pickup=pickup))
    picker = await hire_in(shop, customer.id + 1000, "Pia", "picker", "en")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"
    packer = await hire_in(shop, customer.id + 2000, "Pax", "packer", language)
    reply = await packer.send(f"/pack {code}")
    for sku, quantity in items.items():
        reply = await packer.send(f"{sku} {quantity}")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    assert await status(shop, code) == "packed"
    return code, packer
