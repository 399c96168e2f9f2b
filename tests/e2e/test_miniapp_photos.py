"""Product photos of the Mini App (``/app/photo/ID``): served without sign-in, as the catalog they
show, so what one costs the shop must not grow with what strangers ask."""

from __future__ import annotations

import asyncio
import logging
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
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
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


async def photo_reference(shop: RunningBot, sku: str, reference: str) -> int:
    async with shop.runtime.sessions() as session:
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == sku).values(photo_file_id=reference))
        await session.commit()
        return int(await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku)) or 0)


def forget_refused_downloads(shop: RunningBot) -> None:
    """The getFile calls a test had Telegram refuse on purpose (the shop's teardown checks the rest)."""
    shop.server.calls[:] = [call for call in shop.server.calls if call.ok or call.method != "getFile"]


async def test_a_photo_telegram_no_longer_has_is_not_found_logged_once_and_not_asked_for_again_at_once(
    shop: RunningBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    product_id = await photo_reference(shop, "85123A", "AgACAgQAAxkBAAIBgone")
    caplog.set_level(logging.INFO)
    async with miniapp(shop) as app:
        answers = [await app.get(f"/app/photo/{product_id}") for _ in range(3)]
        assert [(a.status, a.content_type) for a in answers] == [(404, "application/problem+json")] * 3
        assert downloads(shop) == 1  # the grid asks again and again: Telegram is asked once a while
        clock.advance(minutes=10)
        assert (await app.get(f"/app/photo/{product_id}")).status == 404
        assert downloads(shop) == 2
    told = [r for r in caplog.records if r.name.startswith("bot.webapp")]
    assert [r.levelno for r in told] == [logging.WARNING] * 2, [r.getMessage() for r in told]
    assert all(r.exc_info is None and str(product_id) in r.getMessage() for r in told)
    forget_refused_downloads(shop)


async def test_a_photo_while_telegram_is_down_is_a_502_without_a_traceback_and_shown_once_it_is_back(
    shop: RunningBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    product_id = await telegram_photo(shop, "85123A")
    shop.server.down.add("getfile")
    async with miniapp(shop) as app:
        answers = await asyncio.gather(*(app.get(f"/app/photo/{product_id}") for _ in range(2)))
        answers.append(await app.get(f"/app/photo/{product_id}"))
        assert [(a.status, a.content_type) for a in answers] == [(502, "application/problem+json")] * 3
        assert "Internal error" not in {(await a.json())["title"] for a in answers}
        assert downloads(shop) == 1
        shop.server.down.clear()
        clock.advance(minutes=10)
        shown = await app.get(f"/app/photo/{product_id}")
        assert shown.status == 200 and await shown.read() == PICTURE
    assert not [r for r in caplog.records if r.exc_info is not None]
    forget_refused_downloads(shop)


async def test_a_photo_is_revalidated_on_each_view_so_hiding_its_product_takes_it_down_at_once(
    shop: RunningBot,
) -> None:
    product_id = await telegram_photo(shop, "85123A")
    async with miniapp(shop) as app:
        first = await app.get(f"/app/photo/{product_id}")
        assert first.status == 200 and "no-cache" in first.headers["Cache-Control"]
        assert "max-age=3600" not in first.headers["Cache-Control"]
        tag = first.headers["ETag"]
        again = await app.get(f"/app/photo/{product_id}", headers={"If-None-Match": tag})
        assert again.status == 304 and await again.read() == b""
        async with shop.runtime.sessions() as session:
            await session.execute(update(m.ProductRow).where(m.ProductRow.id == product_id).values(status="hidden"))
            await session.commit()
        gone = await app.get(f"/app/photo/{product_id}", headers={"If-None-Match": tag})
        assert gone.status == 404 and gone.headers["Cache-Control"] == "no-store"
    assert downloads(shop) == 1


async def test_a_photo_view_decides_on_the_listed_product_alone_without_building_its_card(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A grid asks for a photo per product on every view: its card (variants, stock, rates, the
    price list) was built each time only for its photo."""
    from domain.usecases import product_cards

    shown, hidden = await telegram_photo(shop, "85123A"), await telegram_photo(shop, "84077")
    async with shop.runtime.sessions() as session:
        await session.execute(update(m.ProductRow).where(m.ProductRow.id == hidden).values(status="hidden"))
        await session.commit()

    async def no_card(*_: object, **__: object) -> None:
        raise AssertionError("a photo view built a product card")

    monkeypatch.setattr(product_cards, "_card_of", no_card)
    async with miniapp(shop) as app:
        served = await app.get(f"/app/photo/{shown}")
        assert served.status == 200 and await served.read() == PICTURE
        assert (await app.get(f"/app/photo/{hidden}")).status == 404
        assert (await app.get("/app/photo/999999")).status == 404


async def test_a_stored_photo_file_is_served_only_from_the_shops_photo_folder(tmp_path: Path, clock: FakeClock) -> None:
    """A ``file:`` photo stored before imports kept photos next to their CSV may name any image
    the server can read: only one under PHOTO_DIR (links resolved) is served."""
    folder, elsewhere = tmp_path / "photos", tmp_path / "private"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "lamp.png").write_bytes(PICTURE)
    (elsewhere / "scan.png").write_bytes(PICTURE + b"secret")
    (folder / "link.png").symlink_to(elsewhere / "scan.png")
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test", photo_dir=folder) as shop:
        async with shop.runtime.sessions() as session:
            ids = {}
            for sku, path in (
                ("85123A", folder / "lamp.png"),
                ("22197", elsewhere / "scan.png"),
                ("23166", folder / "link.png"),
            ):
                await session.execute(
                    update(m.ProductRow).where(m.ProductRow.sku == sku).values(photo_file_id=f"file:{path}")
                )
                ids[sku] = int(await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku)) or 0)
            await session.commit()
        async with miniapp(shop) as app:
            inside = await app.get(f"/app/photo/{ids['85123A']}")
            assert inside.status == 200 and await inside.read() == PICTURE
            assert inside.content_type == "image/png" and "no-cache" in inside.headers["Cache-Control"]
            again = await app.get(f"/app/photo/{ids['85123A']}", headers={"If-None-Match": inside.headers["ETag"]})
            assert again.status == 304 and await again.read() == b""  # revalidated, not sent again
            assert (await app.get(f"/app/photo/{ids['22197']}")).status == 404
            assert (await app.get(f"/app/photo/{ids['23166']}")).status == 404
