"""The stock feed's "changed since": a move after a token comes, one before does not, and none is missed by writers
committing while it is read (real concurrent tasks), on both engines; 0070 starts the rows from before it."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.apikeys import ApiKey, Scope
from domain.ports import SystemClock
from domain.stock import StockLevel
from domain.usecases.api_keys import create_api_key
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.intake_stock import FeedPoint, StockChanges, api_stock_changes, api_stock_feed
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.storage.migrations import migrate

SKUS = [f"F-{n:02d}" for n in range(8)]
Levels = dict[str, list[tuple[str, int, int]]]  # SKU -> (warehouse, on hand, reserved) each


async def _shop(engine: AsyncEngine) -> tuple[SqlUnitOfWork, ApiKey, dict[str, int]]:
    """Eight products with 50 on hand in London and Manchester each, and a key that reads stock."""
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    clock = SystemClock()
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    rows = "".join(f"{sku},Product {sku},Feed,2.50,GBP\n" for sku in SKUS)
    await import_products(uow, clock, "sku,name,category,price,currency\n" + rows)
    counts = "".join(f"{sku},{w},A-01-01-1,50\n" for sku in SKUS for w in ("LON", "MAN"))
    await import_stock(uow, clock, "sku,warehouse,bin,quantity\n" + counts)
    _, key = await create_api_key(uow, clock, name="web shop", scopes=frozenset({Scope.STOCK_READ}))
    async with engine.connect() as connection:
        found = (await connection.execute(select(m.ProductRow.sku, m.ProductRow.id))).all()
    ids = {sku: product_id for sku, product_id in found}
    return uow, key, ids


def _seen(stock: list[tuple[str, list[tuple[str, StockLevel]]]]) -> Levels:
    return {sku: [(w, lv.on_hand, lv.reserved) for w, lv in levels] for sku, levels in stock}


async def _read(uow: SqlUnitOfWork, key: ApiKey, point: FeedPoint, limit: int = 100) -> tuple[Levels, FeedPoint]:
    """Every page of one read of the feed, as a client follows it; the point to ask from next."""
    seen: Levels = {}
    while True:
        page: StockChanges = await api_stock_changes(uow, key=key, point=point, limit=limit)
        seen |= _seen(page.stock)
        point = page.point
        if not page.more:
            return seen, point


async def _hold(uow: SqlUnitOfWork, product_id: int, quantity: int) -> None:
    async with uow:
        assert await uow.stock.try_reserve(product_id, 1, quantity) or await uow.stock.try_reserve(product_id, 2, 1)
        await uow.commit()


async def test_a_move_after_the_token_comes_and_one_before_does_not_nor_a_write_that_moves_no_available_unit(
    engine: AsyncEngine,
) -> None:
    uow, key, ids = await _shop(engine)
    await _hold(uow, ids["F-01"], 3)  # before the token
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None and _seen(first.stock)["F-01"][0] == ("LON", 50, 3)
    await _hold(uow, ids["F-05"], 2)
    async with uow:  # a reorder point: the counter is written, its available quantity stays
        await uow.inventory.set_reorder(ids["F-02"], 1, 10, 40)
        await uow.commit()
    seen, point = await _read(uow, key, first.point)
    assert seen == {"F-05": [("LON", 50, 2), ("MAN", 50, 0)]}
    assert (await _read(uow, key, point))[0] == {}  # nothing moved since
    await _hold(uow, ids["F-01"], 4)
    assert (await _read(uow, key, point))[0] == {"F-01": [("LON", 50, 7), ("MAN", 50, 0)]}


async def test_a_read_pages_by_product_and_its_last_page_hands_on_its_own_mark(engine: AsyncEngine) -> None:
    uow, key, ids = await _shop(engine)
    first = await api_stock_feed(uow, key=key, skus=["F-00"])
    assert first.point is not None
    for sku in ("F-06", "F-01", "F-03", "F-04", "F-07"):
        await _hold(uow, ids[sku], 1)
    page = await api_stock_changes(uow, key=key, point=first.point, limit=2)
    assert [sku for sku, _ in page.stock] == ["F-01", "F-03"] and page.more
    await _hold(uow, ids["F-01"], 1)  # on a page already given: the next read brings it
    await _hold(uow, ids["F-07"], 1)  # on a page still to come: this read brings it
    pages = [page]
    while pages[-1].more:
        pages.append(await api_stock_changes(uow, key=key, point=pages[-1].point, limit=2))
    assert [[sku for sku, _ in p.stock] for p in pages] == [["F-01", "F-03"], ["F-04", "F-06"], ["F-07"]]
    assert _seen(pages[2].stock)["F-07"][0] == ("LON", 50, 2)
    seen, _ = await _read(uow, key, pages[-1].point)
    assert seen == {"F-01": [("LON", 50, 2), ("MAN", 50, 0)], "F-07": [("LON", 50, 2), ("MAN", 50, 0)]}


async def test_a_writer_that_commits_after_a_read_took_its_token_comes_in_the_next_read(engine: AsyncEngine) -> None:
    """PostgreSQL numbers a write by its transaction, which may commit after a later-numbered one was
    read: the read's token still calls it new."""
    uow, key, ids = await _shop(engine)
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
        await _hold(uow, ids["F-06"], 1)
    during, point = await _read(uow, key, first.point)
    assert "F-02" not in during or during["F-02"][0] == ("LON", 50, 0)
    go.set()
    await task
    after, _ = await _read(uow, key, point)
    assert after["F-02"] == [("LON", 50, 5), ("MAN", 50, 0)]


async def test_writers_committing_while_the_feed_is_read_leave_the_client_with_every_counter_as_it_ends(
    engine: AsyncEngine,
) -> None:
    uow, key, ids = await _shop(engine)
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    client = _seen(first.stock)
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
            seen, point = await _read(uow, key, point, limit=rng.choice((1, 2, 3)))
            client.update(seen)

    writers = asyncio.gather(*(writer(seed) for seed in range(4)))
    reading = asyncio.create_task(reader())
    await writers
    done.set()
    committed.set()
    await reading
    seen, _ = await _read(uow, key, point, limit=3)
    client.update(seen)
    now = await api_stock_feed(uow, key=key, skus=SKUS)
    assert client == _seen(now.stock)


async def test_0070_starts_every_counter_below_any_token_handed_out_after_it(engine: AsyncEngine) -> None:
    uow, key, ids = await _shop(engine)
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
    assert (await _read(uow, key, first.point))[0] == {}
    async with engine.begin() as connection:  # a write by any path after it is numbered
        await connection.execute(update(m.StockRow).where(m.StockRow.product_id == ids["F-04"]).values(reserved=1))
    assert list((await _read(uow, key, first.point))[0]) == ["F-04"]
