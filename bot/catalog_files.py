"""Files that come with a catalog CSV (product photos), found next to the CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from domain.catalog import PhotoOutsideFolder


def files_next_to(csv_file: Path) -> Callable[[str], str | None]:
    """Photo paths in a catalog file are relative to that file, in its folder or below: a file
    from elsewhere (a supplier's feed) must not make any image the server can read (an absolute
    path, ``..``, a link out) a product photo that anyone sees."""
    folder = csv_file.parent.resolve()

    def resolve(path: str) -> str | None:
        candidate = (folder / path).resolve()
        if not candidate.is_relative_to(folder):
            raise PhotoOutsideFolder(path=path)
        return str(candidate) if candidate.is_file() else None

    return resolve
