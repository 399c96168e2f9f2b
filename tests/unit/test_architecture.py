"""DESIGN.md's one rule between layers, enforced."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = {"aiogram", "sqlalchemy", "aiohttp", "apscheduler", "aiosqlite", "asyncpg", "redis", "alembic"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


DOMAIN_FILES = sorted((ROOT / "domain").rglob("*.py"))


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_no_framework(path: Path) -> None:
    assert not _imports(path) & FORBIDDEN_IN_DOMAIN


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_no_outer_layer(path: Path) -> None:
    assert not _imports(path) & {"bot", "handlers", "storage"}


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").rglob("*.py")), ids=lambda p: p.name)
def test_handlers_contain_no_sql(path: Path) -> None:
    imports = _imports(path)
    assert "sqlalchemy" not in imports
    assert "storage.repositories" not in path.read_text(encoding="utf-8")


MAX_MODULE_LINES = 700
NOT_SOURCE = {"tests", "migrations"}  # tests and Alembic's generated revisions are left out


def _source_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in NOT_SOURCE for part in path.relative_to(ROOT).parts)
    )


def test_no_source_module_is_over_700_lines() -> None:
    """A module a newcomer cannot read in one sitting is split by what it is about."""
    modules = _source_modules()
    assert ROOT / "storage" / "repositories" / "sql.py" in modules  # the scan sees the packages
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_the_check_itself_catches_a_framework_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport aiogram.types\n")
    assert _imports(bad) & FORBIDDEN_IN_DOMAIN == {"sqlalchemy", "aiogram"}
