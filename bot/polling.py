"""Taking updates without losing one: every update is recorded in the database (the
inbox) before Telegram is told it arrived, and marked once handled.

aiogram's own polling confirms an update (the next ``getUpdates`` offset) as soon as it
has started a task for it, so a crash lost whatever was still being handled. Here a batch
of ``getUpdates`` is committed to ``update_inbox`` before the call that confirms it; a
crash before the commit means Telegram sends the batch again, a crash after it means the
rows not marked handled are replayed at the next start. An update id already in the inbox
is not handled again (a redelivery after a crash, a webhook retry): the inbox is the
durable memory of handled ids. Marks are written in small batches (``MARK_DELAY``): a
crash may replay an update handled in the last moment before it, which the idempotent
handlers make safe; nothing marked is ever handled twice.

Webhook mode records the update before answering 200 (``InboxRequestHandler``)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher, loggers
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.methods import GetUpdates
from aiogram.types import TelegramObject, Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.telegram_session import json_text
from handlers.gates import Entrances
from storage.inbox import UpdateInbox

if TYPE_CHECKING:
    from bot.middlewares import SeenUpdates

log = logging.getLogger(__name__)
MARK_DELAY = 0.05  # seconds: handled ids are marked together, one write per this interval at most
SHUTDOWN_GRACE = 20.0  # seconds a clean stop waits for updates in flight before leaving them to the replay
LOOK_AGAIN_S = 2.0  # how often a replay looks again at updates another process had in hand
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class DurableDispatcher(Dispatcher):
    """aiogram's Dispatcher with polling through the inbox (``start_polling`` as usual:
    signals, stop_polling, start-up and shut-down hooks are aiogram's)."""

    def __init__(self, *, inbox: UpdateInbox, seen: SeenUpdates | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox
        self.seen = seen  # with Redis (several processes): which updates a live process has in hand
        self._bot_id: int | None = None
        self._waiting: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._handled: list[int] = []
        self._marking: asyncio.Task[None] | None = None
        self._entrances = Entrances()

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        """``Router.propagate_event`` for the dispatcher itself: with no outer middleware of the
        update's kind (a message's), entered without wrapping the empty chain, as its routers are
        below (``tests/unit/test_entrances.py`` pins the aiogram method)."""
        observer = self.observers.get(update_type)
        if observer is None or observer.outer_middleware:
            return await super().propagate_event(update_type, event, **kwargs)
        kwargs["event_router"] = self
        return await self._propagate_event(observer=observer, update_type=update_type, event=event, **kwargs)

    async def _propagate_event(
        self, observer: TelegramEventObserver | None, update_type: str, event: Any, **kwargs: Any
    ) -> Any:
        """aiogram's ``Router._propagate_event`` for the dispatcher itself, line for line,
        except that a router whose gate is closed to the update is passed over without being
        entered (``handlers.gates.Entrances``: the rule and what it saves), and a router without
        outer middlewares of that kind is entered as ``Router.propagate_event`` enters it, less
        the wrapping of its empty middleware chain. ``tests/unit/test_entrances.py`` pins the
        aiogram methods this copies."""
        response = UNHANDLED
        if observer:
            result, data = await observer.check_root_filters(event, **kwargs)
            if not result:
                return UNHANDLED
            kwargs.update(data)
            response = await observer.trigger(event, **kwargs)
            if response is REJECTED:
                return UNHANDLED
            if response is not UNHANDLED:
                return response
        raw_state = kwargs.get("raw_state")
        for router in self._entrances.opened(self.sub_routers, update_type, event, raw_state):
            observer = router.observers.get(update_type)
            if observer is not None and not observer.outer_middleware:
                # ``Router.propagate_event`` with nothing to wrap (pinned beside the method above):
                # its empty middleware chain, closure and two more copies of the context were
                # ~4 µs a router entered.
                kwargs["event_router"] = router
                response = await router._propagate_event(
                    observer=observer, update_type=update_type, event=event, **kwargs
                )
            else:
                response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            if response is not UNHANDLED:
                break
        return response

    async def replay(self, bot: Bot, **kwargs: Any) -> int:
        """Handle, in order, what a stopped process recorded and did not finish. With several
        processes an unhandled row may be one another live process is handling right now (a
        rolling restart): those are left to it, and looked at again until it marks them or
        its claim lapses (it crashed), when they are replayed here."""
        left = await self.inbox.unhandled(bot.id)
        kept_off = await self._replay(bot, left, kwargs)
        if kept_off:
            self._waiting = asyncio.create_task(self._replay_when_let_go(bot, kept_off, kwargs))
        return len(left) - len(kept_off)

    async def _replay(self, bot: Bot, rows: list[tuple[int, str]], kwargs: dict[str, Any]) -> set[int]:
        kept_off: set[int] = set()
        for update_id, payload in rows:
            if self.seen is not None and not await self.seen.take_in_hand(bot.id, update_id):
                kept_off.add(update_id)
                continue
            log.info("update %s was recorded but not handled before a stop: handling it now", update_id)
            update = Update.model_validate_json(payload, context={"bot": bot})
            await self.handle_recorded(bot, update, **{**kwargs, "replayed": True})
        return kept_off

    async def _replay_when_let_go(self, bot: Bot, kept_off: set[int], kwargs: dict[str, Any]) -> None:
        while kept_off:
            await asyncio.sleep(LOOK_AGAIN_S)
            try:
                rows = [row for row in await self.inbox.unhandled(bot.id) if row[0] in kept_off]
                kept_off = await self._replay(bot, rows, kwargs)
            except Exception:  # the database or Redis away for a moment: look again
                log.warning("could not look at updates another process had in hand; trying again", exc_info=True)

    async def record(self, bot: Bot, updates: list[Update]) -> list[Update]:
        """Commit a batch to the inbox; returns the updates not seen before, in order."""
        sent: dict[int, dict[str, Any]] = getattr(bot.session, "update_payloads", {})  # as Telegram sent them
        batch = [(u.update_id, _payload(u, sent)) for u in updates]
        fresh = await self.inbox.record(bot.id, batch, datetime.now(UTC))
        for update in updates:
            if update.update_id not in fresh:
                log.info("update %s delivered again: ignored", update.update_id)
        return [u for u in updates if u.update_id in fresh]

    async def handle_recorded(self, bot: Bot, update: Update, **kwargs: Any) -> None:
        # A handler's error is logged and counts as handled (as in aiogram's polling); a
        # cancelled one (a stop mid-update) is not marked, so the next start replays it.
        await self._process_update(bot=bot, update=update, **kwargs)
        self._bot_id = bot.id
        self._handled.append(update.update_id)
        if self._marking is None:
            self._marking = asyncio.create_task(self._mark_soon())

    def handle_in_background(self, bot: Bot, update: Update, **kwargs: Any) -> None:
        task = asyncio.create_task(self.handle_recorded(bot, update, **kwargs))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _mark_soon(self) -> None:
        await asyncio.sleep(MARK_DELAY)
        await self.flush_marks()

    async def flush_marks(self) -> None:
        self._marking = None
        handled, self._handled = self._handled, []
        if handled and self._bot_id is not None:
            try:
                await self.inbox.mark_handled(self._bot_id, handled, datetime.now(UTC))
            except Exception:
                self._handled[:0] = handled  # tried again with the next marks; replayed only after a crash
                log.exception("could not mark %d handled updates (they may be replayed)", len(handled))
                return
            if self.seen is not None:
                try:
                    await self.seen.let_go(self._bot_id, handled)
                except Exception:  # the claims lapse by themselves; they only keep a replay off until then
                    log.warning("could not let go of %d handled updates in Redis", len(handled), exc_info=True)

    async def settle(self) -> None:
        """Let updates in flight finish (for a while), then mark what was handled."""
        if self._waiting is not None:  # what another process had in hand: it, or the next start, finishes it
            self._waiting.cancel()
        if self._in_flight:
            _, late = await asyncio.wait(set(self._in_flight), timeout=SHUTDOWN_GRACE)
            for task in late:  # past the grace: rolled back and left unmarked, for a replay to do whole
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._marking is not None:
            self._marking.cancel()
        await self.flush_marks()
        if self.seen is not None:  # what is still in hand is another process's to replay, at once
            await self.seen.stop()

    async def _polling(
        self,
        bot: Bot,
        polling_timeout: int = 30,
        handle_as_tasks: bool = True,
        backoff_config: BackoffConfig = BACKOFF,
        allowed_updates: list[str] | None = None,
        tasks_concurrency_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        """As aiogram's, with the batch recorded before the offset moves past it. With
        ``handle_as_tasks`` users are served side by side (one user's updates stay in order,
        ``bot.middlewares.PerUserSerialMiddleware``); without it each update is handled
        before the next ``getUpdates``, which is what the sandbox's driver waits for."""
        await bot.me()
        await self.replay(bot, **kwargs)
        get_updates = GetUpdates(timeout=polling_timeout, allowed_updates=allowed_updates)
        timeout = {"request_timeout": int(bot.session.timeout + polling_timeout)} if bot.session.timeout else {}
        backoff = Backoff(config=backoff_config)
        loggers.dispatcher.info("Run durable polling for bot id=%d", bot.id)
        try:
            while True:
                try:
                    updates = await bot(get_updates, **timeout)
                    fresh = await self.record(bot, updates)
                except Exception as error:  # noqa: BLE001 - any failure: wait and ask again
                    loggers.dispatcher.error("Failed to fetch updates - %s: %s", type(error).__name__, error)
                    await backoff.asleep()
                    continue
                backoff.reset()
                if updates:  # committed above, so the next call may confirm them
                    get_updates.offset = updates[-1].update_id + 1
                for update in fresh:
                    if handle_as_tasks:
                        self.handle_in_background(bot, update, **kwargs)
                    else:
                        await self.handle_recorded(bot, update, **kwargs)
        finally:
            await self.settle()


def _payload(update: Update, sent: dict[int, dict[str, Any]]) -> str:
    """The update as the inbox keeps it: as Telegram sent it, else as aiogram dumps it."""
    raw = sent.get(update.update_id)
    return json_text(raw) if raw is not None else update.model_dump_json(exclude_unset=True, by_alias=True)


class InboxRequestHandler(SimpleRequestHandler):
    """Webhook updates: recorded in the inbox before the 200 that acknowledges them, then
    handled in the background; one already recorded is answered 200 and not handled again."""

    dispatcher: DurableDispatcher

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        # As bytes: aiogram's str comparison raised TypeError on a header past ASCII (a 500 and a
        # traceback for anyone who found the URL); such a header is simply not the secret.
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return not self.secret_token or hmac.compare_digest(given, self.secret_token.encode())

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        raw = await request.json(loads=bot.session.json_loads)
        update = Update.model_validate(raw, context={"bot": bot})
        fresh = await self.dispatcher.inbox.record(bot.id, [(update.update_id, json_text(raw))], datetime.now(UTC))
        if update.update_id in fresh:
            self.dispatcher.handle_in_background(bot, update, **self.data)
        else:
            log.info("update %s delivered again: ignored", update.update_id)
        return web.json_response({}, dumps=bot.session.json_dumps)
