"""aiogram's Bot API types are built on first use instead of all at import: about 100 MB less per process.

Performance corner. The rule it relies on: ``aiogram.types`` declares ~440 pydantic models with
``defer_build=True`` and then, at the end of its ``__init__``, calls ``model_rebuild()`` on every
one of them with one namespace holding every type, which builds all their validators and
serializers at once (each with its own copy of the schemas it nests): 150 MB resident for a
bare aiogram process, 58 MB without that loop. A bot validates a handful of them (``Update`` and
what the methods it calls return), so here that loop's calls are skipped and its namespace is
kept; when pydantic first needs a type's validator it calls ``model_rebuild`` again, and we
hand it the namespace aiogram would have given — for any aiogram model (a method, a
``Response[Message]``), so a type built inside another's schema resolves its names the same way.
The schemas come out the same; only when they are built changes (the first update of a process
pays ~0.3 s). ``tests/unit/test_aiogram_types.py`` builds every type this way and compares an
update's validation with aiogram's eager build in a fresh interpreter.

``install()`` must run before anything imports ``aiogram``; ``bot/__init__.py`` calls it, so
every entry point through ``bot`` (``ordergram``, the demo, the tests' conftest) gets it. If
``aiogram.types`` was imported before, nothing changes.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

_PACKAGE = "aiogram."
_TYPES = "aiogram.types."
_namespace: dict[str, Any] | None = None  # aiogram's namespace of every type, once its import loop ran
_installed = False


def install() -> None:
    """Defer aiogram's type builds to first use (once per process, before aiogram is imported)."""
    global _installed
    if _installed or "aiogram.types" in sys.modules:
        return
    _installed = True
    original = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]

    def model_rebuild(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        if cls.__module__.startswith(_PACKAGE):
            if _types_namespace is not None and not force and cls.__module__.startswith(_TYPES):
                _keep(_types_namespace)  # aiogram.types' import loop: build later, on first use
                return None
            if _types_namespace is None and _namespace is not None:
                _types_namespace = _namespace  # not whatever a caller's frame happens to hold
        result: bool | None = original(
            cls,
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,  # this wrapper is one frame more
            _types_namespace=_types_namespace,
        )
        return result

    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[method-assign, assignment]


def _keep(namespace: Mapping[str, Any]) -> None:
    global _namespace
    if _namespace is None:
        _namespace = dict(namespace)
