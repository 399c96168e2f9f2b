"""What repositories share to feed the read cache (``storage.cache``): snapshots and hand-outs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from operator import attrgetter
from types import UnionType
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from sqlalchemy import Table
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement

from storage.cache import feeds

T = TypeVar("T")
S = TypeVar("S", bound=ClauseElement)
SNAPSHOT_CHUNK = 1_000  # rows turned into domain objects between yields to the event loop


def fills(section: str, statement: S) -> S:
    """Declare, where a statement is built, that what it reads is kept in the cached
    ``section``: every table it reads (FROM, JOIN, subqueries) then clears that section when
    a write to it commits (``storage.cache.SECTIONS_FED_BY``). A cached read that sends a
    statement not declared so is caught by ``tests/storage/test_cache_rules.py``."""
    feeds(section, {element.name for element in visitors.iterate(statement) if isinstance(element, Table)})
    return statement


def copier(kind: type[T]) -> Callable[[T], T]:
    """How the read cache copies a ``kind`` (a slotted domain dataclass) to keep or to hand
    out: the copy shares nothing a caller could change (a product's ``prices``, a customer's
    ``addresses``) with the original, so no caller's change reaches the next caller. Frozen
    values (``Money``, ``Dimensions``) and immutable ones (str, tuples) are shared as they are."""
    return cast(Callable[[T], T], _copier(cast(type, kind)))


Copy = Callable[[Any], Any]


def _is_mutable_dataclass(kind: object) -> bool:
    return isinstance(kind, type) and dataclasses.is_dataclass(kind) and not cast(Any, kind).__dataclass_params__.frozen


@cache
def _copier(kind: type) -> Copy:
    """Worked out once per class from its fields' types. Cached reads run on every update:
    the values are read in one ``attrgetter`` call and set through the slots' descriptors
    (~1 µs a product against ~1.8 µs for a loop of ``getattr``/``setattr``; ``copy.copy``
    goes through ``__reduce_ex__`` and is slower still)."""
    hints = get_type_hints(kind)
    slots: tuple[str, ...] = cast(Any, kind).__slots__
    deep = tuple((name, how) for name in slots if (how := _copy_of(hints.get(name))) is not None)
    copied = {name for name, _ in deep}
    shared = tuple(name for name in slots if name not in copied)
    read_shared: Callable[[object], Any] = (
        attrgetter(*shared) if len(shared) > 1 else lambda obj: tuple(getattr(obj, n) for n in shared)
    )
    set_shared: tuple[Callable[[object, Any], None], ...] = tuple(getattr(kind, name).__set__ for name in shared)
    copy_deep = tuple((getattr(kind, name).__set__, attrgetter(name), how) for name, how in deep)

    def copy(obj: object) -> object:
        new: object = object.__new__(kind)
        for put, value in zip(set_shared, read_shared(obj), strict=False):
            put(new, value)
        for put, read, how in copy_deep:
            put(new, how(read(obj)))
        return new

    return copy


def _copy_of(hint: Any) -> Copy | None:
    """How to copy a value of this type so that it shares nothing mutable, or None when it
    is immutable and may be shared."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        inner = [how for arg in args if arg is not type(None) and (how := _copy_of(arg)) is not None]
        if len(inner) > 1:
            raise TypeError(f"no hand-out copy for {hint}")  # a union of several mutable types: none yet
        return _or_none(inner[0]) if inner else None
    if origin in (list, set) or hint in (list, set):
        return _each(origin or hint, _copy_of(args[0]) if args else None)
    if origin is dict or hint is dict:
        return _values(_copy_of(args[1]) if args else None)
    if _is_mutable_dataclass(hint):
        return _copier(hint)
    return None


def _or_none(how: Copy) -> Copy:
    return lambda value: None if value is None else how(value)


def _each(kind: Copy, item: Copy | None) -> Copy:
    if item is None:
        return kind
    return lambda value: kind(item(v) for v in value)


def _values(item: Copy | None) -> Copy:
    if item is None:
        return dict
    return lambda value: {key: item(v) for key, v in value.items()}
