"""SQLite without FTS5's trigram tokenizer: the upgrade goes on, the search reads every name and finds the same,
and a library upgraded later gets the trigram table at the next migrate or start."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import SystemClock
from domain.usecases.catalog import search_products
from domain.usecases.imports.products import import_products
from storage import search_table
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork
from tests.storage.migrations import migrate

HEADER = "sku,name,name_ru,category,price,currency,barcode,status\n"
ROWS = [
    ("MUG-1", "Ceramic mug 50%_off", "Кружка керамическая", "4006381333931", "active"),
    ("MUG-2", "Enamel mug", "Кружка эмалированная", "", "active"),
    ("TWL-1", "Bath towel", "Полотенце банное", "", "active"),
    ("TWL-2", "Beach towel", "Полотенце пляжное", "", "hidden"),
    ("TREE-1", "Christmas tree", "Ёлка новогодняя", "5901234123457", "active"),
    ("TREE-2", "Tree stand", "Подставка для ёлки", "", "active"),
    ("HAT-1", 'Hat "Panama"', "Шляпа панама", "", "active"),
    ("SCF-1", "Woollen scarf", "Шарф шерстяной", "", "active"),
    ("TEA-1", "Tea cup", "Чашка", "", "active"),
] + [
    (f"P{i}", f"Product {i} {'Linen apron' if i % 7 == 0 else 'Cotton napkin'}", f"Салфетка {i}", "", "active")
    for i in range(60)
]
PRODUCTS = HEADER + "".join(
    f'{s},"{n.replace(chr(34), chr(34) * 2)}",{r},Home,3.00,GBP,{b},{st}\n' for s, n, r, b, st in ROWS
)
# Typos, word forms, Russian (with and without ё), codes, barcodes, short texts, FTS5's own syntax.
TEXTS = [
    "mug",
    "MUG",
    "mugs",
    "ceramik mug",
    "keramic",
    "towel bath",
    "towels",
    "кружки",
    "кружка",
    "полотенца",
    "елка",
    "ЁЛКА",
    "ёлки",
    "шляпа",
    "шляпы",
    "шерстяной",
    "шарф",
    "mug-1",
    "MUG-2",
    "tree-",
    "p1",
    "P42",
    "4006381333931",
    "5901234123457",
    "50%",
    "%_",
    "_",
    '"panama"',
    'hat "',
    "AND",
    "NOT mug",
    "mu",
    "ё",
    "е",
    "napkin 14",
    "apron",
    "linen apron 21",
    "product 3",
    "салфетка 5",
    "nothing here",
    "c*",
    "tow",
    "tre",
]


def _refusing_trigram_tables(dbapi_connection: Any, _record: Any) -> None:
    """An old library, as the app sees one: it refuses to make any virtual table (as SQLite before 3.34
    refuses the trigram tokenizer, or one without FTS5 the module). The app's own check still runs."""
    deny = sqlite3.SQLITE_CREATE_VTABLE

    def authorize(action: int, *_: Any) -> int:
        return sqlite3.SQLITE_DENY if action == deny else sqlite3.SQLITE_OK

    dbapi_connection.set_authorizer(authorize)


async def _migrated(path: Path, *, old_library: bool) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    if old_library:
        event.listen(engine.sync_engine, "connect", _refusing_trigram_tables)
    await upgrade_to_head(engine)
    return engine


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """The same catalog in a database with the trigram table and in one an old library migrated."""
    indexed = await _migrated(tmp_path / "indexed.sqlite3", old_library=False)
    old = await _migrated(tmp_path / "old.sqlite3", old_library=True)
    for engine in (indexed, old):
        await import_products(_uow(engine), SystemClock(), PRODUCTS)
        async with engine.begin() as connection:  # a SKU an import refuses, written by another tool
            await connection.execute(text("UPDATE products SET sku = 'ЧАЙ-1' WHERE sku = 'TEA-1'"))
    yield indexed, old
    await indexed.dispose()
    await old.dispose()


def _uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine, base_currency="GBP"))


async def _tables(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'product_search%'"))
        return {name: sql for name, sql in rows.all()}


async def _answers(engine: AsyncEngine) -> dict[str, Any]:
    """What every text finds: the customer's search (typos corrected, word forms) and the staff list."""
    uow, found = _uow(engine), {}
    for typed in TEXTS:
        async with uow.read_only() as work:
            exact = await work.products.search(typed, 0, 100, word_forms=False)
            staff = await work.products.staff_list(typed, None, None, 0, 100)
        results = await search_products(uow, text=typed, page=0, page_size=100, currency="GBP", fallback_currency="GBP")
        found[typed] = (
            [p.sku for p in exact[0]],
            exact[1],
            [c.product.sku for c in results.cards],
            results.total,
            results.corrected,
            [p.sku for p in staff[0]],
            staff[1],
        )
    return found


async def test_an_old_sqlite_library_upgrades_to_head_without_the_trigram_table_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        engine = await _migrated(tmp_path / "old.sqlite3", old_library=True)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one() >= "0072"
        assert await _tables(engine) == {}
        assert any("cannot make an FTS5 trigram table" in r.getMessage() for r in caplog.records), caplog.text
        await import_products(_uow(engine), SystemClock(), PRODUCTS)
        async with _uow(engine).read_only() as uow:
            products, total = await uow.products.search("керамическ", 0, 10)
        assert [p.sku for p in products] == ["MUG-1"] and total == 1
        async with engine.begin() as connection:  # down past 0072 and up again, the table never made
            await connection.run_sync(migrate(engine, "0071", down=True))
        await upgrade_to_head(engine)
        assert await _tables(engine) == {}
    finally:
        await engine.dispose()


async def test_every_search_finds_the_same_with_the_trigram_table_and_without_it(
    both: tuple[AsyncEngine, AsyncEngine],
) -> None:
    indexed, old = both
    assert await _tables(indexed) and not await _tables(old)
    with_table, without = await _answers(indexed), await _answers(old)
    assert with_table == without
    assert with_table["ЁЛКА"][0] == ["TREE-1"] and with_table["mug-1"][5] == ["MUG-1"]  # not vacuous
    assert (
        with_table["keramic"][4] == "ceramic"
        and with_table["ceramik mug"][2] == ["MUG-1"]
        and with_table["4006381333931"][5] == ["MUG-1"]
    )
    assert sum(bool(answer[2]) for answer in with_table.values()) >= 25


async def test_the_staff_list_reads_names_through_the_trigram_table_not_every_product(
    both: tuple[AsyncEngine, AsyncEngine],
) -> None:
    indexed, _ = both
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "LIKE" in statement:
            captured.append((statement, parameters))

    event.listen(indexed.sync_engine, "before_cursor_execute", capture)
    try:
        async with _uow(indexed).read_only() as uow:
            products, total = await uow.products.staff_list("шерстян", None, None, 0, 10)
    finally:
        event.remove(indexed.sync_engine, "before_cursor_execute", capture)
    assert [p.sku for p in products] == ["SCF-1"] and total == 1
    async with indexed.connect() as connection:
        plans = [
            "\n".join(row[-1] for row in (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p)).all())
            for s, p in captured
        ]
    assert len(plans) == 2 and all("VIRTUAL TABLE INDEX" in plan for plan in plans), plans
    assert not any(re.search(r"SCAN (products|product_translations)\b(?! USING COVERING INDEX)", p) for p in plans), (
        plans
    )


async def test_a_library_upgraded_later_gets_the_trigram_table_at_the_next_migrate_the_same_as_0072_makes(
    tmp_path: Path,
) -> None:
    old = await _migrated(tmp_path / "shop.sqlite3", old_library=True)
    await import_products(_uow(old), SystemClock(), PRODUCTS)
    await old.dispose()
    upgraded = await _migrated(tmp_path / "shop.sqlite3", old_library=False)  # at head: only the table is made
    fresh = await _migrated(tmp_path / "fresh.sqlite3", old_library=False)
    try:
        assert await _tables(upgraded) == await _tables(fresh) != {}
        async with upgraded.connect() as connection:
            rows = (await connection.execute(text("SELECT rowid, names FROM product_search"))).all()
        assert len(rows) == len(ROWS) and any("ёлка" not in n and "елка новогодняя" in n for _, n in rows)
        await import_products(
            _uow(upgraded), SystemClock(), HEADER + "NEW-1,Velvet cushion,Подушка,Home,5,GBP,,active\n"
        )
        async with _uow(upgraded).read_only() as uow:
            assert [p.sku for p in (await uow.products.search("подушк", 0, 10))[0]] == ["NEW-1"]
            assert [p.sku for p in (await uow.products.search("новогодн", 0, 10))[0]] == ["TREE-1"]
    finally:
        await upgraded.dispose()
        await fresh.dispose()


async def test_the_capability_check_asks_the_library_itself(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'probe.sqlite3'}")
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(search_table.possible)  # this machine's SQLite is 3.34 or newer
            event.listen(engine.sync_engine, "connect", _refusing_trigram_tables)
            await engine.dispose()
        async with engine.connect() as connection:
            assert not await connection.run_sync(search_table.possible)
            assert not await connection.run_sync(search_table.present)  # the probe left nothing behind
    finally:
        await engine.dispose()


async def test_whether_the_trigram_table_exists_is_asked_once_per_session_factory(
    both: tuple[AsyncEngine, AsyncEngine],
) -> None:
    for engine in both:
        asked: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_: Any, asked: list[str] = asked) -> None:
            if "sqlite_master" in statement:
                asked.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", record)
        try:
            uow = _uow(engine)
            for typed in ("mug", "towel", "шарф"):
                async with uow.read_only() as work:
                    await work.products.search(typed, 0, 10)
                async with uow as work:
                    await work.products.staff_list(typed, None, None, 0, 10)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", record)
        assert len(asked) == 1, asked


REPOSITORY = str(Path(__file__).resolve().parents[2])  # this worktree's code, not the installed one

# One start-up, as a separate process runs it: the engine the app makes, waiting for the go file so that
# every process reaches ``upgrade_to_head`` at the same moment.
_STARTING = textwrap.dedent(
    """
    import asyncio, logging, sys, time
    from pathlib import Path
    from storage.db import create_engine
    from storage.migrate import upgrade_to_head

    async def main() -> None:
        logging.basicConfig(level=logging.INFO)
        engine = create_engine(f"sqlite+aiosqlite:///{sys.argv[1]}")
        go = Path(sys.argv[2])
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(main())
    """
)


async def test_two_processes_starting_at_once_after_a_library_upgrade_both_start_and_fill_the_table_once(
    tmp_path: Path,
) -> None:
    path, go = tmp_path / "shop.sqlite3", tmp_path / "go"
    old = await _migrated(path, old_library=True)
    await import_products(_uow(old), SystemClock(), PRODUCTS)
    await old.dispose()
    environment = {**os.environ, "PYTHONPATH": REPOSITORY}
    starting = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _STARTING,
            str(path),
            str(go),
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    go.touch()
    finished = [await process.communicate() for process in starting]
    assert [process.returncode for process in starting] == [0, 0, 0], [err.decode()[-2000:] for _, err in finished]
    made = sum("the SQLite trigram table was made" in err.decode() for _, err in finished)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    fresh = await _migrated(tmp_path / "fresh.sqlite3", old_library=False)
    try:
        assert await _tables(engine) == await _tables(fresh) != {}
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT rowid FROM product_search ORDER BY rowid"))).scalars().all()
            products = (await connection.execute(text("SELECT id FROM products ORDER BY id"))).scalars().all()
        assert rows == products and len(rows) == len(ROWS)
        assert made == 1  # one process made and filled it; the others found it made
    finally:
        await engine.dispose()
        await fresh.dispose()
