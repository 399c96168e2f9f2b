"""The composed router: every filter runs in the event loop."""

from __future__ import annotations

from collections.abc import Iterator

from aiogram import Router

from handlers import build_router


def _routers(router: Router) -> Iterator[Router]:
    yield router
    for child in router.sub_routers:
        yield from _routers(child)


def test_no_filter_or_handler_is_handed_to_a_worker_thread() -> None:
    """aiogram runs non-awaitable callables with ``asyncio.to_thread``: a thread hop per
    ``F.text == …`` or FSM state check on every update that reaches it."""
    checked = 0
    for router in _routers(build_router()):
        for observer in router.observers.values():
            for handler in observer.handlers:
                assert handler.awaitable, handler.callback
                for event_filter in handler.filters or ():
                    assert event_filter.awaitable, (router.name, handler.callback, event_filter.callback)
                    checked += 1
    assert checked > 50  # the magic filters and checkout states are among them
