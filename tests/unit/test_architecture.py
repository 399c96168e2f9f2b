"""DESIGN.md's one rule between layers, enforced."""

import ast
import inspect
import typing
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject

from handlers import build_routers
from handlers.context import HandlerData

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


def _modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}


# The rules beside the use cases are pure: a use case reads and writes through the ports, a rule only decides.
@pytest.mark.parametrize("path", sorted((ROOT / "domain").glob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_rule_modules_import_no_use_case(path: Path) -> None:
    assert not {m for m in _modules_imported(path) if m == "domain.usecases" or m.startswith("domain.usecases.")}


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


def _modules_said_in_no_line(paths: list[Path]) -> list[str]:
    """The modules (empty ones aside) that do not open with a docstring whose first line says what they are."""
    unsaid = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) if text.strip() else "empty"
        if not doc or not doc.splitlines()[0].strip():
            unsaid.append(path.name if not path.is_relative_to(ROOT) else str(path.relative_to(ROOT)))
    return unsaid


def test_every_module_says_in_its_first_line_what_it_is_about() -> None:
    """Source, tests, benches and migrations: a reader knows what a module holds before reading it."""
    modules = sorted(
        p for p in ROOT.rglob("*.py") if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    )
    assert ROOT / "tests" / "unit" / "test_architecture.py" in modules
    assert _modules_said_in_no_line(modules) == []


def test_the_docstring_check_itself_catches_a_module_without_one(tmp_path: Path) -> None:
    (tmp_path / "said.py").write_text('"""What it is."""\n\nX = 1\n')
    (tmp_path / "unsaid.py").write_text("# a comment is not a docstring\nX = 1\n")
    (tmp_path / "empty.py").write_text("")
    assert _modules_said_in_no_line(sorted(tmp_path.glob("*.py"))) == ["unsaid.py"]


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


SANDBOX_USERS_IN_BOT = {
    "bot/demo.py",
    "bot/demo_backorders.py",
    "bot/demo_books.py",
    "bot/demo_business.py",
    "bot/demo_campaigns.py",
    "bot/demo_catalog_admin.py",
    "bot/demo_catalog_changes.py",
    "bot/demo_debit_notes.py",
    "bot/demo_edit.py",
    "bot/demo_jobs.py",
    "bot/demo_opening.py",
    "bot/demo_parcels.py",
    "bot/demo_payments.py",
    "bot/demo_picking_rules.py",
    "bot/demo_pricing.py",
    "bot/demo_product_edits.py",
    "bot/demo_promos.py",
    "bot/demo_reports.py",
    "bot/demo_stock_feed.py",
    "bot/demo_support.py",
    "bot/demo_support_hours.py",
    "bot/demo_tax_numbers.py",
    "bot/demo_typed_amounts.py",
    "bot/demo_variants.py",
    "bot/demo_warehouse.py",
    "bot/demo_web_shop.py",
    "bot/harness.py",
}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "bot").rglob("*.py") if p.relative_to(ROOT).as_posix() not in SANDBOX_USERS_IN_BOT),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_in_bot_only_the_demo_uses_the_sandbox(path: Path) -> None:
    assert "sandbox" not in _imports(path)


# The package graph (DESIGN.md): the composition root on top, then handlers, then storage
# and domain; the sandbox Bot API server is used by the composition root (the demo) and
# the tests only. An import inside a function counts as much as one at the top.
MAY_IMPORT = {
    "bot": {"handlers", "storage", "domain", "sandbox"},
    "handlers": {"domain"},
    "storage": {"domain"},
    "domain": set(),
    "sandbox": set(),
}


def package_graph(root: Path) -> dict[str, set[str]]:
    """Which of our top-level packages each one imports."""
    packages = [name for name in MAY_IMPORT if (root / name / "__init__.py").is_file()]
    return {
        name: set().union(*(_imports(path) for path in (root / name).rglob("*.py"))) & set(packages) - {name}
        for name in packages
    }


def test_the_packages_import_each_other_without_a_cycle() -> None:
    graph = package_graph(ROOT)
    TopologicalSorter(graph).prepare()  # raises CycleError, naming the cycle


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    graph = package_graph(ROOT)
    if package not in graph:
        pytest.skip(f"no {package}/ package in this tree")
    assert graph[package] <= MAY_IMPORT[package], f"{package}/ imports {sorted(graph[package] - MAY_IMPORT[package])}"


def test_the_graph_check_itself_catches_a_cycle(tmp_path: Path) -> None:
    for name, imports in {"handlers": "import bot.app\n", "bot": "def f():\n    from handlers import x\n"}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(imports)
    graph = package_graph(tmp_path)
    assert graph == {"handlers": {"bot"}, "bot": {"handlers"}}
    with pytest.raises(CycleError):
        TopologicalSorter(graph).prepare()


# What a handler is given is named by its parameters (aiogram passes data by name): each
# name must be one documented in handlers.context.HandlerData, with the type it has there;
# filters add their own results (the callback data, the command).
FROM_FILTERS = {"callback_data", "command"}


def _handlers(router: Router) -> Iterator[HandlerObject]:
    for observer in router.observers.values():
        yield from observer.handlers
    for child in router.sub_routers:
        yield from _handlers(child)


def test_a_handler_asks_only_for_documented_data_of_its_documented_type() -> None:
    documented = typing.get_type_hints(HandlerData)
    wrong = []
    handlers = [handler for router in build_routers() for handler in _handlers(router)]
    for handler in handlers:
        hints = typing.get_type_hints(handler.callback)
        _event, *rest = inspect.signature(handler.callback).parameters.values()
        for parameter in rest:
            if parameter.kind is parameter.VAR_KEYWORD or parameter.name in FROM_FILTERS:
                continue
            if documented.get(parameter.name) != hints[parameter.name]:
                wrong.append(f"{handler.callback.__qualname__}({parameter.name}: {hints[parameter.name]})")
    assert len(handlers) > 100
    assert wrong == []


def _imports_of_test_modules(paths: list[Path]) -> list[str]:
    """``file: module`` for each import of a ``test_*`` module of ours (a helper belongs in a helper module)."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names if alias.name.split(".")[0] == "tests"]
            elif isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "tests"):
                base = "." * node.level + (node.module or "")
                modules = [base] + [f"{base}.{alias.name}".replace("..", ".") for alias in node.names]
            else:
                continue
            found += [f"{path.name}: {m}" for m in modules if m.rsplit(".", 1)[-1].startswith("test_")]
    return found


def test_no_test_module_imports_another_test_module() -> None:
    """A shared step lives in journeys.py or a helper module: importing a test module runs its tests' set-up
    twice over, and a helper moved or renamed in one test file silently breaks another."""
    modules = sorted((ROOT / "tests").rglob("test_*.py"))
    assert ROOT / "tests" / "e2e" / "test_picking.py" in modules
    assert _imports_of_test_modules(modules) == []


def test_the_test_import_check_itself_catches_each_way_of_importing_a_test_module(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text(
        "from tests.e2e.test_picking import order\nimport tests.test_cli\nfrom tests.e2e import test_dispatch\n"
        "from .test_b import x\nfrom tests.e2e.journeys import status\nfrom aiohttp.test_utils import TestClient\n"
        "def f():\n    from tests.test_run_webhook import free_port\n"
    )
    assert _imports_of_test_modules([tmp_path / "test_a.py"]) == [
        "test_a.py: tests.e2e.test_picking",
        "test_a.py: tests.test_cli",
        "test_a.py: tests.e2e.test_dispatch",
        "test_a.py: .test_b",
        "test_a.py: tests.test_run_webhook",
    ]


def _repository_graph(root: Path) -> dict[str, set[str]]:
    """Each storage repository module and the others it imports, at the top or inside a function."""
    graph: dict[str, set[str]] = {}
    for path in sorted((root / "storage" / "repositories").glob("*.py")):
        name, found = f"storage.repositories.{path.stem}", set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {module for module in found if module.startswith("storage.repositories.")} - {name}
    return graph


def test_the_storage_repositories_import_each_other_without_a_cycle() -> None:
    # An import inside a method to dodge a cycle hides it from readers and from this check's
    # package graph: what two repositories share lives in a module both import.
    TopologicalSorter(_repository_graph(ROOT)).prepare()  # raises CycleError, naming the cycle
