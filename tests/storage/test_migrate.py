"""Start-up upgrades a database that is behind, and leaves one at head alone without Alembic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.migrate import alembic_config, at_head, script_heads, upgrade_to_head


def test_the_heads_read_from_the_scripts_are_alembics_heads() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script_heads() == frozenset(scripts.get_heads())
    assert len(script_heads()) == 1


async def test_a_migrated_database_is_at_head_on_both_engines(engine: AsyncEngine) -> None:
    assert await at_head(engine)


async def test_a_new_database_is_not_at_head_and_start_up_migrates_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        assert not await at_head(engine)
        await upgrade_to_head(engine)
        assert await at_head(engine)
    finally:
        await engine.dispose()


async def test_a_database_one_revision_behind_is_upgraded(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    (head,) = script_heads()
    previous = str(ScriptDirectory.from_config(config).get_revision(head).down_revision)

    def to_previous(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, previous)

    try:
        async with engine.connect() as connection:
            await connection.run_sync(to_previous)
            await connection.commit()
        assert not await at_head(engine)
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            stamped = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert stamped == [head]
    finally:
        await engine.dispose()


async def test_the_status_migration_keeps_what_was_taken_off_sale_hidden_both_ways(engine: AsyncEngine) -> None:
    """0022 turns the ``active`` flag into a status; downgrading turns it back."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def migrate(to: str, down: bool) -> Callable[[Connection], None]:
        def run(connection: Connection) -> None:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, to)

        return run

    insert = (
        "INSERT INTO products (id, sku, name, description, category_id, weight_g, active) VALUES "
        "(9001, 'ON-1', 'On', '', 9001, 0, true), (9002, 'OFF-1', 'Off', '', 9001, 0, false)"
    )
    async with engine.connect() as connection:
        await connection.run_sync(migrate("0016", down=True))
        await connection.execute(text("INSERT INTO categories (id, name) VALUES (9001, 'Old')"))
        await connection.execute(text(insert))
        await connection.commit()  # SQLite takes the migration's foreign_keys=OFF only outside a transaction
        await connection.run_sync(migrate("head", down=False))
        statuses = (await connection.execute(text("SELECT sku, status FROM products ORDER BY id"))).all()
        await connection.commit()
        await connection.run_sync(migrate("0016", down=True))
        flags = (await connection.execute(text("SELECT sku, active FROM products ORDER BY id"))).all()
        await connection.commit()
        await connection.run_sync(migrate("head", down=False))
        await connection.execute(text("DELETE FROM products WHERE id IN (9001, 9002)"))
        await connection.execute(text("DELETE FROM categories WHERE id = 9001"))
        await connection.commit()
    assert [tuple(row) for row in statuses] == [("ON-1", "active"), ("OFF-1", "hidden")]
    assert [(sku, bool(active)) for sku, active in flags] == [("ON-1", True), ("OFF-1", False)]


async def test_start_up_leaves_a_database_a_newer_version_migrated_as_it_is(tmp_path: Path) -> None:
    """An old version's process restarted during a rolling upgrade starts on the new schema
    (migrations are additive) instead of failing in Alembic ("Can't locate revision")."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'newer.sqlite3'}")
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
            await connection.commit()
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            stamped = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert stamped == ["9999"]
    finally:
        await engine.dispose()
