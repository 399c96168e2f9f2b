"""Roles and access through the sandbox: invitations, the staff list, role changes,
per-member command menus, and refusals to customers and to the wrong role."""

from __future__ import annotations

import logging

import pytest

from bot.sandbox import SandboxUser
from bot.sandbox.harness import RunningBot
from tests.e2e.conftest import ADMIN, invite_token
from tests.fakes import FakeClock


def menu(shop: RunningBot, chat_id: int, language: str = "en") -> list[str]:
    commands = shop.server.commands.get(f"chat:{chat_id}:{language}", [])
    return [c["command"] for c in commands]


async def test_an_invitation_makes_a_picker_once_and_the_menu_follows_the_role(
    shop: RunningBot, clock: FakeClock
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert "staff" in menu(shop, ADMIN) and "invite" in menu(shop, ADMIN)  # set at start
    reply = await admin.send("/invite picker LON")
    token = invite_token(reply.last.text)
    assert "picker" in reply.last.text and "LON" in reply.last.text

    pete = SandboxUser(shop.server, 22, "Pete", language_code="ru")
    joined = await pete.send(f"/start inv_{token}")
    assert "сборщик" in joined.last.text  # told in Russian, with the role's Russian name
    assert set(menu(shop, 22, "ru")) >= {"stock", "pick", "queue"}
    assert "staff" not in menu(shop, 22, "ru") and "receive" not in menu(shop, 22, "ru")
    refused = await pete.send("/receive 85123A 1 LON")
    assert refused.last.text == "Ваша роль (сборщик) не позволяет это сделать."  # the role by its Russian name

    # Single use: a second person with the same link is refused and stays a customer.
    eve = SandboxUser(shop.server, 23, "Eve")
    again = await eve.send(f"/start inv_{token}")
    assert again.last.text == "This invitation link is invalid, expired or already used."
    assert menu(shop, 23) == []

    listing = await admin.send("/staff")
    assert "Pete — 22, picker, LON" in listing.last.text and "Ada — 1, admin" in listing.last.text

    promoted = await admin.send("/role 22 manager")
    assert promoted.last.text == "22 is now manager."
    assert "receive" in menu(shop, 22, "ru")
    revoked = await admin.send("/revoke 22")
    assert revoked.last.text == "22 is no longer staff."
    assert menu(shop, 22, "ru") == []
    assert (await pete.send("/staff")).last.text == "Эта команда только для сотрудников магазина."


async def test_an_invitation_expires_after_a_day(shop: RunningBot, clock: FakeClock) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite packer")).last.text)
    clock.advance(hours=24, minutes=1)
    late = SandboxUser(shop.server, 30, "Lou")
    assert (await late.send(f"/start inv_{token}")).last.text == (
        "This invitation link is invalid, expired or already used."
    )


async def test_staff_commands_are_refused_to_customers_and_wrong_roles_and_logged(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    customer = SandboxUser(shop.server, 40, "Carl")
    with caplog.at_level(logging.WARNING):
        for command in ("/staff", "/invite picker", "/role 1 picker", "/revoke 1"):
            assert (await customer.send(command)).last.text == "This command is for shop staff only."
    assert "refused staff action to user 40: '/invite picker'" in caplog.text

    token = invite_token((await admin.send("/invite support")).last.text)
    sam = SandboxUser(shop.server, 41, "Sam")
    await sam.send(f"/start inv_{token}")
    assert (await sam.send("/invite picker")).last.text == "Your role (support) does not allow this."


async def test_bad_staff_input_is_explained_and_changes_nothing(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert (await admin.send("/invite wizard")).last.text == (
        "Unknown role “wizard”. Roles: admin, manager, picker, packer, support."
    )
    assert (await admin.send("/invite picker NOWHERE")).last.text == "Nothing was found."
    assert (await admin.send("/invite")).last.text.startswith("Usage: /invite ROLE")
    assert (await admin.send("/role 1 picker")).last.text == "You cannot change or revoke your own role."
    assert (await admin.send("/role 999 picker")).last.text == "Nothing was found."
    listing = await admin.send("/staff")
    assert listing.last.text.count("•") == 1


async def test_help_lists_the_staff_commands_of_the_members_role(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite packer LON")).last.text)
    pat = SandboxUser(shop.server, 45, "Pat")
    await pat.send(f"/start inv_{token}")
    text = (await pat.send("/help")).last.text
    assert "Staff commands (packer)" in text and "/pack — Pack an order" in text and "/pick" not in text
    assert "Staff commands" not in (await SandboxUser(shop.server, 46, "Cy").send("/help")).last.text


STAFF_SAMPLES = {
    "staff": "",
    "invite": "picker",
    "role": "1 picker",
    "revoke": "1",
    "stock": "85123A",
    "receive": "85123A 1 LON",
    "adjust": "85123A LON 1 found",
    "move": "85123A 1 B-06-06-3 B-06-06-4",
    "reorder": "85123A LON 1",
    "lowstock": "",
    "po": "1",
    "queue": "LON",
    "order": "ABCDEFGH",
    "reviews": "",
    "pick": "",
    "pack": "ABCDEFGH",
    "ship": "ABCDEFGH DPD 123456",
    "delivered": "ABCDEFGH",
    "paid": "ABCDEFGH",
    "vip": "1 on",
    "journal": "",
    "customer": "1",
    "top": "customers",
    "trial": "",
    "ar": "",
    "returns": "",
    "rma": "RABCDEFG",
    "assist": "1",
    "fx": "RUB 90",
    "report": "week",
    "forecast": "85123A",
    "stockvalue": "",
    "slow": "30",
}


async def test_every_staff_command_is_refused_to_a_customer_with_or_without_arguments(shop: RunningBot) -> None:
    from handlers.menu import STAFF_COMMANDS

    assert {name for name, _, _ in STAFF_COMMANDS} <= set(STAFF_SAMPLES)
    customer = SandboxUser(shop.server, 47, "Cy")
    for name, args in STAFF_SAMPLES.items():
        for text in (f"/{name}", f"/{name} {args}".strip()):
            assert (await customer.send(text)).last.text == "This command is for shop staff only.", text


async def test_every_staff_command_outside_a_role_is_refused_with_the_role(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite support")).last.text)
    sue = SandboxUser(shop.server, 48, "Sue")
    await sue.send(f"/start inv_{token}")
    allowed = {
        "queue",
        "order",
        "reviews",
        "assist",
        "returns",
        "rma",
        "customer",
    }  # support may look at orders and customers, handle returns and assist customers
    for name, args in STAFF_SAMPLES.items():
        if name in allowed:
            continue
        reply = await sue.send(f"/{name} {args}".strip())
        assert reply.last.text == "Your role (support) does not allow this.", name
