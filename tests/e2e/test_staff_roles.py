"""Roles and access through the sandbox: invitations, the staff list, role changes,
per-member command menus, and refusals to customers and to the wrong role."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.replenishment import ServiceLevels
from domain.staff import WrongRole
from domain.usecases.forecasts import product_forecast
from domain.usecases.insight import customer_profile
from domain.usecases.purchasing import purchase_orders
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, invite_token, staff_shop
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


@pytest.mark.parametrize(
    ("language", "expiry"),
    [
        ("en", "Send this link to the person. It works once and expires 2 Jul 2026, 10:00."),
        ("ru", "Отправьте эту ссылку человеку. Она сработает один раз и истекает 2 июл. 2026\u202fг., 10:00."),
    ],
)
async def test_an_invitations_expiry_reads_as_the_shops_country_writes_it_in_the_readers_language_and_time(
    tmp_path: Path, language: str, expiry: str
) -> None:
    """A London shop read "expires 7/2/26, 10:00 AM": English as the US writes it (February, to a Briton)."""
    summer = FakeClock(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))  # 10:00 in London (BST)
    async with staff_shop(tmp_path, summer, timezone="Europe/London") as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
        if language == "ru":  # an admin's chosen language, as a customer's
            await admin.press((await admin.send("/language")).last, "Русский")
        said = (await admin.send("/invite packer")).last.text
    assert said.splitlines()[-2] == expiry


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
    assert (await admin.send("/invite picker NOWHERE")).last.text == (
        "There is no warehouse NOWHERE. The warehouses are: LON, MAN."
    )
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
    "dashboard": "",
    "invite": "picker",
    "role": "1 picker",
    "revoke": "1",
    "stock": "85123A",
    "receive": "85123A 1 LON",
    "adjust": "85123A LON 1 found",
    "count": "B-06-06-3 LON",
    "move": "85123A 1 B-06-06-3 B-06-06-4",
    "transfer": "85123A 1 LON MAN",
    "reorder": "85123A LON 1",
    "lowstock": "",
    "po": "1",
    "queue": "LON",
    "order": "ABCDEFGH",
    "edit": "ABCDEFGH",
    "cancelorder": "ABCDEFGH",
    "reviews": "",
    "pick": "",
    "pack": "ABCDEFGH",
    "ship": "ABCDEFGH DPD 123456",
    "short": "ABCDEFGH 85123A 0",
    "delivered": "ABCDEFGH",
    "handover": "BCD234",
    "paid": "ABCDEFGH",
    "vip": "1 on",
    "journal": "",
    "customer": "1",
    "top": "customers",
    "trial": "",
    "ar": "",
    "ap": "",
    "returns": "",
    "rma": "RABCDEFG",
    "refunds": "",
    "refund": "ORDER1 5 late delivery",
    "conversations": "",
    "assist": "1",
    "assist_end": "",
    "fx": "RUB 90",
    "pricelist": "add wholesale GBP 85123A 1.00",
    "report": "week",
    "forecast": "85123A",
    "stockvalue": "",
    "slow": "30",
    "settings": "name Evil Shop",
    "import": "products",
    "close": "",
    "product": "85123A",
    "newproduct": "",
    "paylink": "ABCDEFGH",
    "backorder": "85123A on 5",
    "promotion": "new Sale percent=10 over=10 until=2030-01-01",
    "promocode": "new EVIL percent=50 until=2030-01-01",
    "campaign": "1",
}


SUBCOMMAND_SAMPLES = {
    ("po", "qty"): "1 85123A 5",
    ("po", "receive"): "1",
    ("po", "close"): "1",
    ("po", "pay"): "1 10",
}
# Arguments no command takes: a role without the permission is refused before they are read.
BAD_ARGUMENTS = "abc 99999999999 -1 x"


async def test_every_staff_command_is_refused_to_a_customer_with_or_without_arguments(shop: RunningBot) -> None:
    from handlers.menu import STAFF_COMMANDS

    assert {name for name, _, _ in STAFF_COMMANDS} <= set(STAFF_SAMPLES)
    customer = SandboxUser(shop.server, 47, "Cy")
    for name, args in STAFF_SAMPLES.items():
        for text in (f"/{name}", f"/{name} {args}".strip()):
            assert (await customer.send(text)).last.text == "This command is for shop staff only.", text


async def test_a_picker_or_packer_cannot_read_a_customer(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 49, "Alice", username="alice")
    await alice.send("/start")
    support = await hire(shop, 50, "Sue", "support")
    assert "Alice" in (await support.send("/customer @alice")).last.text
    for user_id, role in ((51, "picker"), (52, "packer")):
        member = await hire(shop, user_id, role.title(), role, "LON")
        for text in ("/customer @alice", "/customer 49", "/customer"):
            reply = await member.send(text)
            assert [m.text for m in reply.new] == [f"Your role ({role}) does not allow this."], text
        with pytest.raises(WrongRole):  # and the use case checks again
            await customer_profile(shop.runtime.uow(), shop.runtime.clock, staff_id=user_id, reference="@alice")


async def test_every_command_the_routers_answer_is_a_customer_command_or_has_its_permission() -> None:
    """So a staff command cannot ship without its row in ``STAFF_COMMANDS``."""
    from handlers import STAFF_MODULES, build_routers, commands_of
    from handlers.menu import CUSTOMER_COMMANDS, CUSTOMER_COMMANDS_OFF_MENU, STAFF_PERMISSIONS

    for_everyone = {name for name, _ in CUSTOMER_COMMANDS} | CUSTOMER_COMMANDS_OFF_MENU
    staff_routers = {module.router for module in STAFF_MODULES}
    routers = build_routers()
    for router in routers:
        commands = commands_of(router)
        if router in staff_routers:
            assert commands <= STAFF_PERMISSIONS.keys(), (router.name, commands - STAFF_PERMISSIONS.keys())
        else:
            assert commands <= for_everyone | STAFF_PERMISSIONS.keys(), (router.name, commands - for_everyone)
    assert not for_everyone & STAFF_PERMISSIONS.keys()
    assert set().union(*(commands_of(router) for router in routers)) >= STAFF_PERMISSIONS.keys()
    assert set(STAFF_SAMPLES) == STAFF_PERMISSIONS.keys()


PLUMBING = {"update_inbox", "fsm_state"}  # every update is recorded; a refusal clears no conversation


async def tables_at_a_glance(shop: RunningBot) -> dict[str, object]:
    """Row counts of every table, and the figures a staff command could change in place."""
    async with shop.runtime.sessions() as session:
        seen: dict[str, object] = {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in m.Base.metadata.sorted_tables
            if table.name not in PLUMBING
        }
        seen["stock"] = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).all()
        seen["staff roles"] = (await session.execute(select(m.StaffRow.telegram_id, m.StaffRow.role))).all()
        seen["vip"] = (await session.execute(select(m.CustomerRow.id, m.CustomerRow.is_vip))).all()
    return seen


async def test_every_staff_command_is_allowed_or_refused_by_the_permission_table(shop: RunningBot) -> None:
    """Generated from ``STAFF_COMMANDS`` and ``ROLE_PERMISSIONS``: each role gets past the
    refusal exactly where its permissions allow; elsewhere it is refused with its role, before
    any handler runs (even a usage hint, even for arguments it cannot read), and nothing changes."""
    from domain.customers import Role
    from domain.staff import ROLE_PERMISSIONS
    from handlers.menu import STAFF_COMMANDS, STAFF_SUBCOMMANDS

    assert set(SUBCOMMAND_SAMPLES) == set(STAFF_SUBCOMMANDS)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    members = {Role.ADMIN: admin}
    for user_id, role in enumerate((Role.MANAGER, Role.PICKER, Role.PACKER, Role.SUPPORT), start=60):
        members[role] = await hire(shop, user_id, role.value.title(), role.value, "LON")
    before = await tables_at_a_glance(shop)
    refusals = set()
    for name, permission, _ in STAFF_COMMANDS:
        for role, member in members.items():
            if permission in ROLE_PERMISSIONS[role]:
                continue
            refusal = f"Your role ({role.value}) does not allow this."
            for text in (f"/{name}", f"/{name} {STAFF_SAMPLES[name]}".strip(), f"/{name} {BAD_ARGUMENTS}"):
                reply = await member.send(text)
                assert [m.text for m in reply.new] == [refusal], (role, text)
                refusals.add((name, role))
    for (name, subcommand), permission in STAFF_SUBCOMMANDS.items():
        for role, member in members.items():
            if permission in ROLE_PERMISSIONS[role]:
                continue
            refusal = f"Your role ({role.value}) does not allow this."
            sample = SUBCOMMAND_SAMPLES[name, subcommand]
            for text in (
                f"/{name} {subcommand}",
                f"/{name} {subcommand} {sample}",
                f"/{name} {subcommand} {BAD_ARGUMENTS}",
            ):
                reply = await member.send(text)
                assert [m.text for m in reply.new] == [refusal], (role, text)
                refusals.add((f"{name} {subcommand}", role))
    assert await tables_at_a_glance(shop) == before
    for name, permission, _ in STAFF_COMMANDS:
        for role, member in members.items():
            if permission not in ROLE_PERMISSIONS[role]:
                continue
            reply = await member.send(f"/{name}")
            answers = [m.text or m.kind for m in reply.new]
            assert answers, (role, name)
            assert not any("does not allow" in a or "staff only" in a or "went wrong" in a for a in answers), (
                role,
                name,
                answers,
            )
            if name == "assist":
                await member.send("/assist_end")
    assert ("customer", Role.PICKER) in refusals and ("customer", Role.PACKER) in refusals
    assert ("po receive", Role.PICKER) in refusals and ("po close", Role.PACKER) in refusals
    assert ("po pay", Role.PICKER) in refusals and ("po pay", Role.SUPPORT) in refusals
    # Purchasing (suppliers, their prices, what is owed them) is a manager's: a picker or packer does not see it
    assert ("po", Role.PICKER) in refusals and ("po", Role.PACKER) in refusals
    # and so are forecasts, which are for buying
    assert ("forecast", Role.PICKER) in refusals and ("forecast", Role.PACKER) in refusals
    for role in (Role.PICKER, Role.PACKER):
        with pytest.raises(WrongRole):  # and the use cases check again
            await purchase_orders(shop.runtime.uow(), staff_id=members[role].id)
        with pytest.raises(WrongRole):
            await product_forecast(
                shop.runtime.uow(),
                shop.runtime.clock,
                staff_id=members[role].id,
                sku="85123A",
                levels=ServiceLevels(0.95),
                currency="GBP",
            )
