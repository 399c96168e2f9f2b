"""Product photos of the Mini App (``/app/photo/ID``): served without sign-in, as the catalog they
show, so what one costs the shop must not grow with what strangers ask."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import staff_shop
from tests.e2e.miniapp import miniapp
from tests.fakes import FakeClock

PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what Telegram hands back; its bytes are only passed on


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.example.com") as bot:
        yield bot


async def telegram_photo(shop: RunningBot, sku: str) -> int:
    """The product's photo made a Telegram-hosted one (as /product or the web catalog admin store it)."""
    stored = shop.server._store_file(PICTURE, "photo.png", "image/png")
    async with shop.runtime.sessions() as session:
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == sku).values(photo_file_id=stored.file_id))
        await session.commit()
        return int(await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku)) or 0)


def downloads(shop: RunningBot) -> int:
    return sum(1 for call in shop.server.calls if call.method == "getFile")


async def test_many_strangers_asking_for_one_photo_at_once_cost_one_download_from_telegram(shop: RunningBot) -> None:
    product_id = await telegram_photo(shop, "85123A")
    async with miniapp(shop) as app:
        before = downloads(shop)
        answers = await asyncio.gather(*(app.get(f"/app/photo/{product_id}") for _ in range(12)))
        assert [a.status for a in answers] == [200] * 12
        assert {await a.read() for a in answers} == {PICTURE}
        assert downloads(shop) - before == 1  # each stranger's request fetched it again from Telegram
        assert (await app.get(f"/app/photo/{product_id}")).status == 200
        assert downloads(shop) - before == 1


async def test_a_hidden_products_photo_is_not_found_and_a_discontinued_ones_is_shown_as_its_card_is(
    shop: RunningBot,
) -> None:
    """Strangers may count ids: they get the photos of what the catalog lists, never of a hidden product."""
    hidden, discontinued = await telegram_photo(shop, "85123A"), await telegram_photo(shop, "84077")
    async with shop.runtime.sessions() as session:
        for product_id, status in ((hidden, "hidden"), (discontinued, "discontinued")):
            await session.execute(update(m.ProductRow).where(m.ProductRow.id == product_id).values(status=status))
        await session.commit()
    async with miniapp(shop) as app:
        refused = await app.get(f"/app/photo/{hidden}")
        assert refused.status == 404 and refused.content_type == "application/problem+json"
        assert (await app.get(f"/app/photo/{discontinued}")).status == 200
        assert (await app.get("/app/photo/999999")).status == 404
    assert downloads(shop) == 1  # the hidden one's was never fetched
