"""The Mini App in the end-to-end tests: its server beside the running bot, and initData signed as Telegram would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.harness import RunningBot
from bot.webapp import add_webapp
from bot.webapp.initdata import sign


def init_data(shop: RunningBot, user_id: int, first_name: str = "Ann", *, language: str = "en", age_s: int = 0) -> str:
    """What Telegram hands the Mini App of this bot for ``user_id``, signed with the bot's token."""
    fields = {
        "auth_date": str(int(shop.runtime.clock.now().timestamp()) - age_s),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": first_name, "language_code": language}),
    }
    return sign(fields, shop.runtime.settings.bot_token)


def tma(shop: RunningBot, user_id: int, **kwargs: object) -> dict[str, str]:
    return {"Authorization": f"tma {init_data(shop, user_id, **kwargs)}"}  # type: ignore[arg-type]


@asynccontextmanager
async def miniapp(shop: RunningBot) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """serve's web part (the Mini App under /app) for ``shop``, on a free local port."""
    app = web.Application()
    add_webapp(app, shop.runtime)
    async with TestClient(TestServer(app)) as client:
        yield client
