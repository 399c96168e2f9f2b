"""ARCHITECTURE.md is a newcomer's map: every file, folder and module it names is where it says."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `storage/cache.py`, `bot/webapp/`, a bare `shop_cart.py` beside its folder's name, `domain.ports.payments`.
PATH = re.compile(r"`([\w/.-]+\.py|[\w-]+(?:/[\w-]+)*/)`")
MODULE = re.compile(r"`((?:bot|handlers|domain|storage|sandbox)(?:\.\w+)+)`")
TEMPLATE = re.compile(r"NNNN|<\w+>")  # a pattern for a new file (a migration, a concept), not a file
FOLDERS = ("bot", "handlers", "domain", "storage", "sandbox", "tests", "bench", "deploy")


def _missing(text: str, root: Path) -> list[str]:
    """The names in ``text`` that ``root`` has no file, folder or module for."""
    basenames = {path.name for folder in FOLDERS for path in (root / folder).rglob("*")}
    missing = []
    for name in PATH.findall(text):
        if TEMPLATE.search(name):
            continue
        bare = "/" not in name.rstrip("/")  # a file named beside its folder's path: somewhere in the tree
        if not ((root / name).exists() or (bare and name.rstrip("/") in basenames)):
            missing.append(name)
    for name in MODULE.findall(text):
        parts = name.split(".")
        # The longest prefix that is a module or package; what follows it is a name inside (a class, a function).
        depth = max(
            (i for i in range(1, len(parts) + 1) if _is_module(root, parts[:i])),
            default=0,
        )
        if depth < min(2, len(parts)):
            missing.append(name)
    return missing


def _is_module(root: Path, parts: list[str]) -> bool:
    path = root.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_every_file_folder_and_module_architecture_md_names_exists() -> None:
    assert _missing((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8"), ROOT) == []


def test_the_map_check_itself_catches_a_name_that_is_not_there(tmp_path: Path) -> None:
    (tmp_path / "domain" / "ports").mkdir(parents=True)
    (tmp_path / "domain" / "__init__.py").write_text("")
    (tmp_path / "domain" / "ports" / "__init__.py").write_text("")
    (tmp_path / "domain" / "ports" / "orders.py").write_text("")
    text = (
        "`domain/ports/orders.py` `orders.py` `domain/ports/` `domain.ports.orders.OrderRepository` "
        "`domain/ports/gone.py` `gone.py` `domain/lost/` `domain.gone` `storage/migrations/versions/NNNN_what.py`"
    )
    assert _missing(text, tmp_path) == ["domain/ports/gone.py", "gone.py", "domain/lost/", "domain.gone"]
