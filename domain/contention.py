"""A transaction the database gave up to let another through, and running the use case again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
ATTEMPTS = 3  # the first try and two more: a deadlock's or a conflict's other side is done by then


class Contention(Exception):
    """Raised by a unit of work whose transaction the database chose to end (PostgreSQL's deadlock
    victim, 40P01; a serialization failure, 40001): nothing of it was written, and the use case
    run again from the start, reading afresh, is right. Not a refusal: no person is told of it
    unless the tries run out."""


async def again_on_contention(run: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """``run`` (a whole use case: its transaction, from the start) up to ``attempts`` times while
    it ends in ``Contention``; the last one's is raised. No pause between: the other transaction
    holds its locks to its end, and the next try waits for them there."""
    for attempt in range(1, attempts + 1):
        try:
            return await run()
        except Contention:
            if attempt == attempts:
                raise
            log.warning("transaction given up by the database (attempt %d of %d): running it again", attempt, attempts)
    raise AssertionError("unreachable")
