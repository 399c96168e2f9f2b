"""The Mini App in the end-to-end tests: its server beside the running bot, and initData signed as Telegram would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.harness import RunningBot
from bot.webapp import add_webapp
from bot.webapp.initdata import sign

URL = "https://shop.test"  # WEBAPP_URL of a shop serving its Mini App (``pytest.mark.miniapp``)


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


async def found_ids(client: Any, headers: dict[str, str], *skus: str) -> dict[str, int]:
    """Each SKU's product id, as the storefront's search finds it."""
    ids = {}
    for sku in skus:
        found = await (await client.get("/app/api/shop/products", params={"q": sku}, headers=headers)).json()
        ids[sku] = found["products"][0]["id"]
    return ids


async def next_snapshot(stream: ClientResponse) -> dict[str, Any]:
    data: dict[str, Any] | None = None
    while True:
        line = (await stream.content.readline()).decode()
        if line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
        elif line == "\n" and data is not None:
            return data


async def web_order(
    shop: RunningBot, client: TestClient[web.Request, web.Application], user_id: int, sku: str, key: str
) -> str:
    """An order placed in the Mini App: ``sku`` added, picked up at the first store, cash."""
    headers = tma(shop, user_id)
    cart = await (await client.get(f"/app/api/shop/products?q={sku}", headers=headers)).json()
    product = cart["products"][0]["id"]
    added = await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 1}, headers=headers)
    assert added.status == 200
    options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
    pickup = options["pickup_points"][0]["id"]
    order = {"key": key * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
    placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
    assert placed.status == 201, await placed.text()
    return str((await placed.json())["code"])
