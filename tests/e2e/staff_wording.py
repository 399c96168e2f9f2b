"""Set-ups and readers of test_staff_wording that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, invite_token


async def hire_russian(shop: RunningBot, user_id: int, name: str, role: str, warehouse: str = "") -> SandboxUser:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send(f"/invite {role} {warehouse}".strip())).last.text)
    member = SandboxUser(shop.server, user_id, name, language_code="ru")
    await member.send(f"/start inv_{token}")
    return member
