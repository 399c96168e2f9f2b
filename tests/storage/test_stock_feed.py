"""The stock feed's "changed since": a move after a token comes, one before does not, and none is missed by writers
committing while it is read (real concurrent tasks), on both engines; 0070 starts the rows from before it."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product, ProductStatus
from domain.money import Money
from domain.ports import SystemClock
from domain.usecases.imports.products import import_products
from domain.usecases.intake_stock import api_stock_changes, api_stock_feed
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.storage.migrations import migrate
from tests.storage.stock_feed_shop import SKUS, feed_shop, hold, read_feed, seen_levels


async def test_a_move_after_the_token_comes_and_one_before_does_not_nor_a_write_that_moves_no_available_unit(
    engine: AsyncEngine,
) -> None:
    uow, key, ids = await feed_shop(engine)
    await hold(uow, ids["F-01"], 3)  # before the token
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None and seen_levels(first.stock)["F-01"][0] == ("LON", 50, 3)
    await hold(uow, ids["F-05"], 2)
    async with uow:  # a reorder point: the counter is written, its available quantity stays
        await uow.inventory.set_reorder(ids["F-02"], 1, 10, 40)
        await uow.commit()
    seen, point = await read_feed(uow, key, first.point)
    assert seen == {"F-05": [("LON", 50, 2), ("MAN", 50, 0)]}
    assert (await read_feed(uow, key, point))[0] == {}  # nothing moved since
    await hold(uow, ids["F-01"], 4)
    assert (await read_feed(uow, key, point))[0] == {"F-01": [("LON", 50, 7), ("MAN", 50, 0)]}


async def test_a_read_pages_by_product_and_its_last_page_hands_on_its_own_mark(engine: AsyncEngine) -> None:
    uow, key, ids = await feed_shop(engine)
    first = await api_stock_feed(uow, key=key, skus=["F-00"])
    assert first.point is not None
    for sku in ("F-06", "F-01", "F-03", "F-04", "F-07"):
        await hold(uow, ids[sku], 1)
    page = await api_stock_changes(uow, key=key, point=first.point, limit=2)
    assert [sku for sku, _ in page.stock] == ["F-01", "F-03"] and page.more
    await hold(uow, ids["F-01"], 1)  # on a page already given: the next read brings it
    await hold(uow, ids["F-07"], 1)  # on a page still to come: this read brings it
    pages = [page]
    while pages[-1].more:
        pages.append(await api_stock_changes(uow, key=key, point=pages[-1].point, limit=2))
    assert [[sku for sku, _ in p.stock] for p in pages] == [["F-01", "F-03"], ["F-04", "F-06"], ["F-07"]]
    assert seen_levels(pages[2].stock)["F-07"][0] == ("LON", 50, 2)
    seen, _ = await read_feed(uow, key, pages[-1].point)
    assert seen == {"F-01": [("LON", 50, 2), ("MAN", 50, 0)], "F-07": [("LON", 50, 2), ("MAN", 50, 0)]}


async def test_a_writer_that_commits_after_a_read_took_its_token_comes_in_the_next_read(engine: AsyncEngine) -> None:
    """PostgreSQL numbers a write by its transaction, which may commit after a later-numbered one was
    read: the read's token still calls it new."""
    uow, key, ids = await feed_shop(engine)
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    written, go = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        writer = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
        async with writer:
            assert await writer.stock.try_reserve(ids["F-02"], 1, 5)
            written.set()
            await go.wait()
            await writer.commit()

    task = asyncio.create_task(slow_writer())
    await written.wait()
    if engine.dialect.name == "postgresql":  # SQLite's writers take turns: this one would wait for the first
        await hold(uow, ids["F-06"], 1)
    during, point = await read_feed(uow, key, first.point)
    assert "F-02" not in during or during["F-02"][0] == ("LON", 50, 0)
    go.set()
    await task
    after, _ = await read_feed(uow, key, point)
    assert after["F-02"] == [("LON", 50, 5), ("MAN", 50, 0)]


async def test_writers_committing_while_the_feed_is_read_leave_the_client_with_every_counter_as_it_ends(
    engine: AsyncEngine,
) -> None:
    uow, key, ids = await feed_shop(engine)
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    client = seen_levels(first.stock)
    point = first.point
    rng = random.Random(70)
    done, committed = asyncio.Event(), asyncio.Event()

    async def writer(seed: int) -> None:
        mine = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
        picks = random.Random(seed)
        for _ in range(25):
            product, warehouse = ids[picks.choice(SKUS)], picks.choice((1, 2))
            async with mine:
                if not await mine.stock.try_reserve(product, warehouse, 1):
                    await mine.stock.release(product, warehouse, 1)
                await mine.commit()
            committed.set()

    async def reader() -> None:
        nonlocal point
        while not done.is_set():
            await committed.wait()  # a read between commits (SQLite's reads may run without yielding)
            committed.clear()
            seen, point = await read_feed(uow, key, point, limit=rng.choice((1, 2, 3)))
            client.update(seen)

    writers = asyncio.gather(*(writer(seed) for seed in range(4)))
    reading = asyncio.create_task(reader())
    await writers
    done.set()
    committed.set()
    await reading
    seen, _ = await read_feed(uow, key, point, limit=3)
    client.update(seen)
    now = await api_stock_feed(uow, key=key, skus=SKUS)
    assert client == seen_levels(now.stock)


async def test_0070_starts_every_counter_below_any_token_handed_out_after_it(engine: AsyncEngine) -> None:
    uow, key, ids = await feed_shop(engine)
    counter = (m.StockRow.product_id, m.StockRow.warehouse_id)
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0069", down=True))
        await connection.commit()
        before = {(p, w): seq for p, w, seq in await connection.execute(select(*counter, m.StockRow.change_seq))}
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
        starts = {(p, w): seq for p, w, seq in await connection.execute(select(*counter, m.StockRow.available_seq))}
    assert len(starts) == 16 and starts == before  # its last write's number
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    assert (await read_feed(uow, key, first.point))[0] == {}
    async with engine.begin() as connection:  # a write by any path after it is numbered
        await connection.execute(update(m.StockRow).where(m.StockRow.product_id == ids["F-04"]).values(reserved=1))
    assert list((await read_feed(uow, key, first.point))[0]) == ["F-04"]


async def test_a_product_hidden_or_discontinued_after_the_token_comes_as_not_for_sale_and_back_when_active(
    engine: AsyncEngine,
) -> None:
    """Products are never deleted; one taken off sale keeps its stock, so only its status tells a channel to stop
    selling it: the change comes in the feed, with nothing available (an order through the API is refused)."""
    uow, key, ids = await feed_shop(engine)
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None and first.status == dict.fromkeys(SKUS, ProductStatus.ACTIVE)
    for sku, status in (("F-02", ProductStatus.HIDDEN), ("F-05", ProductStatus.DISCONTINUED)):
        async with uow:
            product = await uow.products.get(ids[sku])
            assert product is not None
            await uow.products.upsert(replace(product, status=status))
            await uow.commit()
    page = await api_stock_changes(uow, key=key, point=first.point)
    assert [sku for sku, _ in page.stock] == ["F-02", "F-05"]
    assert page.status == {"F-02": ProductStatus.HIDDEN, "F-05": ProductStatus.DISCONTINUED}
    assert (await read_feed(uow, key, page.point))[0] == {}  # brought once
    async with uow:
        product = await uow.products.get(ids["F-02"])
        assert product is not None
        await uow.products.upsert(replace(product, status=ProductStatus.ACTIVE))
        await uow.commit()
    back = await api_stock_changes(uow, key=key, point=page.point)
    assert back.status == {"F-02": ProductStatus.ACTIVE} and seen_levels(back.stock)["F-02"][0] == ("LON", 50, 0)


FAMILY = "sku,name,category,price,currency,parent,options\n"


async def test_a_product_or_variant_created_after_the_token_comes_in_the_next_read_with_its_status_and_no_stock(
    engine: AsyncEngine,
) -> None:
    """A new product has no counter until stock is counted, so nothing of it moved: a channel polling the changes
    never learnt of one a products file, /newproduct or the web catalog admin added; a full read alone showed it.
    A file of 600 (numbered by the bulk write itself) and a single product come alike; each once."""
    uow, key, _ = await feed_shop(engine)
    clock = SystemClock()
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    bulk = [f"N-{n:03d}" for n in range(600)]
    rows = "".join(f"{sku},New {sku},Feed,2.50,GBP,{sku},\n" for sku in bulk)
    await import_products(uow, clock, FAMILY + rows + "J-S,Jumper,Feed,30.00,GBP,J,Size=S\n")
    async with uow:  # one product alone, as /newproduct and the web catalog admin write it
        await uow.products.upsert(
            Product("ONE-1", "One", "Feed", {"GBP": Money(250, "GBP")}, status=ProductStatus.HIDDEN)
        )
        await uow.commit()
    seen, point = await read_feed(uow, key, first.point)
    assert seen == {sku: [] for sku in [*bulk, "J-S", "ONE-1"]}
    statuses: dict[str, ProductStatus] = {}
    at = first.point
    while True:
        page = await api_stock_changes(uow, key=key, point=at)
        statuses |= page.status
        at = page.point
        if not page.more:
            break
    assert statuses == {**dict.fromkeys([*bulk, "J-S"], ProductStatus.ACTIVE), "ONE-1": ProductStatus.HIDDEN}
    assert (await read_feed(uow, key, point))[0] == {}  # brought once
    await import_products(uow, clock, FAMILY + "J-M,Jumper,Feed,30.00,GBP,J,Size=M\n")  # a new variant
    added = await api_stock_changes(uow, key=key, point=point)
    assert (added.stock, added.status) == ([("J-M", [])], {"J-M": ProductStatus.ACTIVE})


async def test_0076_numbers_every_product_without_a_counter_so_a_token_from_before_it_brings_them(
    engine: AsyncEngine,
) -> None:
    """Products created before 0076 with no stock were missed by every poll: the migration numbers them once."""
    uow, key, _ = await feed_shop(engine)
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0076-1", down=True))
        await connection.commit()
    await import_products(uow, SystemClock(), FAMILY + "OLD-1,Old,Feed,2.50,GBP,OLD-1,\n")
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    assert (await read_feed(uow, key, first.point))[0] == {}  # as before 0076: missed
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
    seen, point = await read_feed(uow, key, first.point)
    assert seen == {"OLD-1": []}  # the products with counters are not read again
    assert (await read_feed(uow, key, point))[0] == {}
