"""A migration that landed is never edited, renumbered or withdrawn: shops that ran it would never
get the change (Alembic skips a revision a database is stamped with); a new revision says it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from storage.migrate import MIGRATIONS_DIR

LANDED = Path(__file__).parents[1] / "fixtures" / "landed_migrations.sha256"


def _landed() -> dict[str, str]:
    lines = LANDED.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line and not line.startswith("#"))}


def test_a_landed_migration_is_never_edited_renumbered_or_withdrawn() -> None:
    changed = []
    for name, digest in _landed().items():
        script = MIGRATIONS_DIR / "versions" / name
        if not script.exists():
            changed.append(f"{name}: withdrawn or renamed")
        elif hashlib.sha256(script.read_bytes()).hexdigest() != digest:
            changed.append(f"{name}: edited")
    assert changed == [], "write a new revision instead (CONTRIBUTING.md, Migrate): " + "; ".join(changed)


def test_each_revision_number_is_landed_once() -> None:
    numbers = [name[:4] for name in _landed()]
    on_disk = [script.name[:4] for script in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")]
    assert len(set(numbers)) == len(numbers)
    assert len(set(on_disk)) == len(on_disk)


def test_every_migration_on_main_is_in_the_landed_list() -> None:
    """A revision that lands is checksummed with it: one left out could be edited unnoticed."""
    on_disk = sorted(script.name for script in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    assert [name for name in on_disk if name not in _landed()] == []
