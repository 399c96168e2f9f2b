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


def test_the_check_itself_catches_a_framework_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport aiogram.types\n")
    assert _imports(bad) & FORBIDDEN_IN_DOMAIN == {"sqlalchemy", "aiogram"}


# Every top-level package of the project but the sandbox itself, so a package added later is covered.
ORDERGRAM_PACKAGES = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"sandbox"}


@pytest.mark.parametrize("path", sorted((ROOT / "sandbox").rglob("*.py")), ids=lambda p: p.name)
def test_the_sandbox_imports_nothing_from_ordergram(path: Path) -> None:
    assert not _imports(path) & ORDERGRAM_PACKAGES


def test_the_sandbox_check_itself_catches_an_ordergram_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.runtime import start_runtime\nimport storage.uow\nimport aiohttp\n")
    assert _imports(bad) & ORDERGRAM_PACKAGES == {"bot", "storage"}


@pytest.mark.parametrize(
    "path",
    sorted(p for package in ("domain", "storage", "handlers") for p in (ROOT / package).rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_domain_storage_and_handlers_never_use_the_sandbox(path: Path) -> None:
    assert "sandbox" not in _imports(path)


SANDBOX_USERS_IN_BOT = {"bot/demo.py", "bot/harness.py"}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "bot").rglob("*.py") if p.relative_to(ROOT).as_posix() not in SANDBOX_USERS_IN_BOT),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_in_bot_only_the_demo_uses_the_sandbox(path: Path) -> None:
    assert "sandbox" not in _imports(path)
