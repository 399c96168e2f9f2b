"""A migration that landed is never edited, renumbered or withdrawn: shops that ran it would never
get the change (Alembic skips a revision a database is stamped with); a new revision says it."""

from __future__ import annotations

import ast
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


APP_PACKAGES = {"storage", "domain", "bot", "handlers"}
# Landed before the rule, and never edited (their hashes above): each imports
# storage.models.base.UtcDateTime, 0047 also domain.money.Money. They mean what that code means when
# they run, so a change to it changes them for a shop that has not run them yet; keep it compatible.
IMPORTS_APP_CODE = {
    "0024_parcels.py",
    "0030_sales_summary.py",
    "0042_carrier_events.py",
    "0043_po_line_received_at.py",
    "0047_po_payments.py",
    "0055_address_uses.py",
    "0057_cash_on_delivery_payments.py",
}


def _app_imports(script: Path) -> list[str]:
    """The modules of the app's own packages that ``script`` imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return [name for name in found if name.split(".")[0] in APP_PACKAGES]


def test_a_migration_imports_nothing_from_the_app() -> None:
    """A revision runs as it was written, for every shop, long after the app's code has moved on:
    what it needs (a column type, a rule, a price) is written into it as it was that day."""
    scripts = sorted((MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    importing = {s.name: imports for s in scripts if (imports := _app_imports(s)) and s.name not in IMPORTS_APP_CODE}
    assert importing == {}, "copy what the revision needs into it (CONTRIBUTING.md, Migrate)"
    assert sorted(s.name for s in scripts if s.name in IMPORTS_APP_CODE and _app_imports(s)) == sorted(
        IMPORTS_APP_CODE
    )  # each listed one still imports app code: the list names no more than it must


def test_the_migration_import_check_itself_catches_each_way_of_importing_app_code(tmp_path: Path) -> None:
    script = tmp_path / "0099_x.py"
    script.write_text(
        "import sqlalchemy as sa\nfrom alembic import op\nfrom storage.models.base import UtcDateTime\n"
        "import domain.money\ndef upgrade():\n    from bot.config import load_settings\n"
    )
    assert sorted(_app_imports(script)) == ["bot.config", "domain.money", "storage.models.base"]
