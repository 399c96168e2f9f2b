"""What repositories share to feed the read cache (``storage.cache``): snapshots and hand-outs."""

from __future__ import annotations

from storage.repositories.sql import T


def _copied(obj: T) -> T:
    """A shallow copy of a slotted domain dataclass handed out from the read cache (the
    caller may change its copy; the cached one must not change). Twice as fast as
    ``copy.copy``, which goes through ``__reduce_ex__``; cached reads run on every update."""
    new = object.__new__(type(obj))
    for name in type(obj).__slots__:  # type: ignore[attr-defined]
        object.__setattr__(new, name, getattr(obj, name))
    return new


SNAPSHOT_CHUNK = 1_000  # rows turned into domain objects between yields to the event loop
