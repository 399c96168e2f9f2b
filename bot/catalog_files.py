"""Files that come with a catalog CSV (product photos), found next to the CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def files_next_to(csv_file: Path) -> Callable[[str], str | None]:
    """Photo paths in a catalog file are relative to that file."""

    def resolve(path: str) -> str | None:
        candidate = (csv_file.parent / path).resolve()
        return str(candidate) if candidate.is_file() else None

    return resolve
