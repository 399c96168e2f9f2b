"""Set-ups and readers of test_variant_management that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, invite_token


async def manager_in(shop: RunningBot, user_id: int, language: str) -> SandboxUser:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite manager")).last.text)
    manager = SandboxUser(shop.server, user_id, "Mia", language_code=language)
    await manager.send(f"/start inv_{token}")
    return manager
