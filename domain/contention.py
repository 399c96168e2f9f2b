"""A transaction the database gave up to let another through, and running the use case again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Concatenate, ParamSpec, TypeVar

T = TypeVar("T")
U = TypeVar("U")
P = ParamSpec("P")
log = logging.getLogger(__name__)
ATTEMPTS = 3  # the first try and two more: a deadlock's or a conflict's other side is done by then
# What the update being handled let out that a try run again would let out twice (a Bot API
# request, conversation state written, whatever the storage), counted: see ``count_let_out``.
_LET_OUT: ContextVar[list[int] | None] = ContextVar("let_out", default=None)


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


async def with_fresh_tries(
    use_case: Callable[Concatenate[U, P], Awaitable[T]],
    unit_of_work: Callable[[], U],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``use_case(unit_of_work(), *args, **kwargs)`` with ``again_on_contention``: each try with a
    unit of work of its own. For a request (the Mini App, the API) whose one use case is all it
    writes: nothing was answered yet, so a try the database gave up is unseen."""
    return await again_on_contention(lambda: use_case(unit_of_work(), *args, **kwargs))


def count_let_out() -> list[int]:
    """Start counting what this update's context lets out from here on (``let_out``): the one item
    of the list returned is their number; once it is not 0 the try may not run again."""
    counter = [0]
    _LET_OUT.set(counter)
    return counter


def let_out() -> None:
    """Something left this try that a person or another process may have seen already: a request
    sent to Telegram (``handlers.views.outgoing``), conversation state written (``storage.fsm``)."""
    if (counter := _LET_OUT.get()) is not None:
        counter[0] += 1
