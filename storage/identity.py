"""The random name a database keeps (migration 0073), which the stock feed's tokens carry; a copy gets its own."""

from __future__ import annotations

import secrets
import sqlite3

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import DIALECT

_SQLITE = text("SELECT value FROM database_identity WHERE id = 1")
# PostgreSQL adds what a restore cannot keep: pg_restore makes the database (a new oid) or, with
# --clean, the stock table anew (a new oid); CREATE DATABASE … TEMPLATE copies the row but is a
# new database. A restore (or a copy) of its rows alone is then never taken for the database.
_POSTGRES = text(
    "SELECT value || '.' || (SELECT oid FROM pg_database WHERE datname = current_database())::text "
    "|| '.' || 'stock'::regclass::oid::text FROM database_identity WHERE id = 1"
)


async def origin(session: AsyncSession) -> str:
    """Whose change numbering a stock feed's marks are in; "" when the row is gone."""
    query = _POSTGRES if session.info[DIALECT] == "postgresql" else _SQLITE
    return str((await session.execute(query)).scalar_one_or_none() or "")


def renamed(connection: sqlite3.Connection) -> None:
    """A SQLite file just copied (a backup, a new shop from a migrated template) named anew, so
    tokens the original gave are refused by the copy put back in its place, not read in it."""
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'database_identity'")
    if found.fetchone() is not None:  # a copy of a database from before 0073 has none to change
        connection.execute("UPDATE database_identity SET value = ?", (secrets.token_hex(16),))
        connection.commit()
