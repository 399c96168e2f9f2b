"""Set-ups of the checkout's delivery step that several test modules use: a bag in the cart, the options for
Baker Street, one chosen; the shop's rate table changed between two steps."""

from __future__ import annotations

from sqlalchemy import update

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.journeys import add_to_cart

BAKER_STREET = (51.5237, -0.1585)


async def to_delivery_options(user: SandboxUser) -> BotMessage:
    """/checkout, the contact, 🚚, the address, the location: the step-3 list."""
    await user.send("/checkout")
    reply = await user.share_contact("+44 7911 123456")
    await user.press(reply.last, "🚚")
    await user.send("221B Baker Street, London NW1 6XE")
    return (await user.send_location(*BAKER_STREET)).last


async def chosen(user: SandboxUser, option: str) -> BotMessage:
    """One bag in the cart and ``option`` chosen for it: the payment question."""
    await add_to_cart(user, "22355", 1)
    return (await user.press(await to_delivery_options(user), option)).last


async def raise_dpd(shop: RunningBot, by_minor: int) -> None:
    """The shop's rate table changed: DPD's base price, every zone (the admin's edit, committed)."""
    async with shop.runtime.sessions() as session, session.begin():
        rates = update(m.CarrierRateRow).where(m.CarrierRateRow.carrier == "DPD")
        await session.execute(rates.values(base_minor=m.CarrierRateRow.base_minor + by_minor))
