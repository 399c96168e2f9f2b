"""Per-update dependencies: a unit of work and the customer behind the update."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Collection
from typing import Any, cast

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import CURRENT_UPDATE
from domain.contention import ATTEMPTS, Contention, count_let_out
from domain.ports import Clock
from domain.usecases.assisted import assisted_customer
from domain.usecases.customers import ensure_customer
from handlers.context import HandlerData, assist_context
from handlers.views.outgoing import answered, track_answers
from storage.fsm import DatabaseStorage
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]  # what an aiogram middleware wraps


class UnitOfWorkMiddleware(BaseMiddleware):
    """Gives every handler ``uow`` (reusable, one transaction per use case) and, for
    human senders, ``customer`` — registering first-time users on the way (the keys
    are documented with their types in ``handlers.context.HandlerData``).

    An update whose use case the database gave up (``domain.contention.Contention``: a deadlock's
    victim, a serialization failure) is handled again from the start with a fresh unit of work,
    up to ``ATTEMPTS`` tries, instead of the person being told something went wrong. Only while
    that is all the try did: its transaction rolled back with its outbox rows and the update's
    inbox mark (so nobody is told twice), and nothing else of it was seen — no request sent to
    Telegram, no commit of the update's unit of work, no conversation state written. A try that
    did more ends as any error does. Here, not a middleware of its own: one less layer an update."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        fields = cast(HandlerData, data)
        fields["clock"] = self.clock
        user: User | None = data.get("event_from_user")
        given = dict(data)  # as the update came: each try starts from it, not from what one before left
        await self._sender(fields, user)
        # The update's own work: its first commit marks the update handled (storage.uow).
        update_id = event.update_id if isinstance(event, Update) else None
        bot = data.get("bot")
        update = (bot.id, update_id) if update_id is not None and bot is not None else None
        attempt = 1  # a while loop, not a range: this runs for every update
        while True:
            if attempt > 1:  # the try given up may have changed ``customer`` (a mutable object) or data's keys
                data.clear()
                data.update(given)
                await self._sender(fields, user)
            fields["uow"] = work = SqlUnitOfWork(self.sessions, update=update)
            let_out = count_let_out()  # requests sent, conversation state written (any storage)
            try:
                return await handler(event, data)
            except Contention:
                if attempt == ATTEMPTS or let_out[0] or work.commits:
                    raise
            attempt += 1
            log.warning("update %s: its transaction was given up by the database; handled again", update_id)

    async def _sender(self, fields: HandlerData, user: User | None) -> None:
        """``customer`` and ``reader``: the sender, registered on the way (not the update's own work)."""
        if user is None or user.is_bot:
            return
        uow = SqlUnitOfWork(self.sessions)
        fields["customer"] = fields["reader"] = await ensure_customer(
            uow,
            self.clock,
            telegram_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            language_code=user.language_code,
        )
        await self._assisting(fields, uow, user.id)

    async def _assisting(self, data: HandlerData, uow: SqlUnitOfWork, staff_telegram_id: int) -> None:
        """Support staff acting for a customer: handlers then see that customer, while
        replies stay in the staff member's chat and language (``reader``)."""
        assist = assist_context(data)
        if assist is None:
            return
        target_id = (await assist.get_data()).get("customer_id")
        if not target_id:
            return
        target = await assisted_customer(uow, staff_telegram_id=staff_telegram_id, customer_id=int(target_id))
        if target is None:
            await assist.clear()
            return
        data["customer"] = target
        data["assisting"] = True


UPDATE_MEMORY_S = 24 * 3600  # Telegram retries an undelivered update for at most a day
USER_LOCK_S = 10  # a killed process's hold on a user's updates lapses after this (a live one renews it)
IN_HAND_S = 900  # at the latest, a claim on an update lapses after this, whoever holds it
ALIVE_S = 10  # a process not heard from for this long is taken for dead: its claims lapse at once

# A claim holds the token of the process that took the update; the process keeps a key saying
# it is alive (``ALIVE_S``, renewed three times as often). Another process may replay an update
# whose claimant's key is gone: a process killed mid-update has its updates replayed seconds
# after a replacement starts, not once a fixed lapse meant to outlast any update has passed.
# A claim of a version before tokens (its value is 1) keeps its lapse: it may be a live old
# process's, in the middle of a rolling upgrade.
_TAKE_OVER = """
local owner = redis.call('GET', KEYS[1])
if owner and (owner == '1' or redis.call('EXISTS', ARGV[3] .. owner) == 1) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


class SeenUpdates:
    """Update ids already taken by any process sharing one Redis (``SET NX EX``), remembered
    for a day: Telegram (or a proxy) delivering the same update twice, to either process,
    gets it handled once. On one process without Redis the update inbox remembers them
    (``bot.polling``).

    An update taken is also *in hand* until the inbox marks it handled (``let_go``), while its
    taker is alive (see ``_TAKE_OVER``): a process starting beside a live one replays from the
    inbox only what no live process has in hand."""

    def __init__(
        self, redis: Any, ttl_s: float = UPDATE_MEMORY_S, in_hand_s: float = IN_HAND_S, alive_s: float = ALIVE_S
    ) -> None:
        self.redis, self.ttl_s, self.in_hand_s, self.alive_s = redis, ttl_s, in_hand_s, alive_s
        self.token = secrets.token_hex(8)  # this process, as its claims name it
        self._beating: asyncio.Task[None] | None = None
        self._alive_key: str | None = None
        self._take_over = redis.register_script(_TAKE_OVER)

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        await self._keep_alive(bot_id)
        async with self.redis.pipeline(transaction=False) as both:  # one round trip, as before
            both.set(f"ordergram:{bot_id}:update:{update_id}", 1, nx=True, ex=int(self.ttl_s))
            both.set(_in_hand(bot_id, update_id), self.token, nx=True, ex=int(self.in_hand_s))
            taken, _ = await both.execute()
        return bool(taken)

    async def take_in_hand(self, bot_id: int, update_id: int) -> bool:
        """Claim a recorded update for a replay; False while a live process has it in hand."""
        await self._keep_alive(bot_id)
        args = [self.token, int(self.in_hand_s), _alive(bot_id, "")]
        return bool(await self._take_over(keys=[_in_hand(bot_id, update_id)], args=args))

    async def let_go(self, bot_id: int, update_ids: Collection[int]) -> None:
        """The updates are marked handled in the inbox: nobody needs to keep off them now."""
        if update_ids:
            await self.redis.delete(*(_in_hand(bot_id, update_id) for update_id in update_ids))

    async def _keep_alive(self, bot_id: int) -> None:
        """Beating from the first claim on: the key is there before any claim naming it."""
        if self._beating is None or self._beating.done():
            self._alive_key = key = _alive(bot_id, self.token)
            await self.redis.set(key, 1, px=int(self.alive_s * 1000))
            self._beating = asyncio.create_task(self._beat(key))

    async def _beat(self, key: str) -> None:
        while True:
            await asyncio.sleep(self.alive_s / 3)
            try:
                await self.redis.set(key, 1, px=int(self.alive_s * 1000))
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("could not tell Redis this process is alive", exc_info=True)

    async def stop(self) -> None:
        """A clean stop: the claims it leaves (updates it did not finish) lapse at once."""
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
            self._beating = None
        if self._alive_key is not None:
            with contextlib.suppress(Exception):  # Redis away: the key lapses by itself
                await self.redis.delete(self._alive_key)


def _in_hand(bot_id: int, update_id: int) -> str:
    return f"ordergram:{bot_id}:in-hand:{update_id}"


def _alive(bot_id: int, token: str) -> str:
    return f"ordergram:{bot_id}:alive:{token}"


class DuplicateUpdateMiddleware(BaseMiddleware):
    def __init__(self, seen: SeenUpdates) -> None:
        self.seen = seen

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot = data.get("bot")
        update_id = getattr(event, "update_id", None)
        if data.get("replayed"):  # recorded before a crash, counted as seen then, never handled
            return await handler(event, data)
        if bot is not None and update_id is not None and not await self.seen.first_time(bot.id, update_id):
            current = CURRENT_UPDATE.get()
            if current is None:  # no UpdateMetrics around it to say so
                log.info("update %s delivered again: ignored", update_id)
            else:  # UpdateMetrics logs and counts it as a duplicate, not as handled
                current.duplicate = True
            return None
        return await handler(event, data)


class PerUserSerialMiddleware(BaseMiddleware):
    """aiogram handles updates as concurrent tasks; one person's updates must not interleave
    (a double tap, a contact shared while the previous step is still being saved). Updates
    of the same user wait for each other; different users still run in parallel. Locks are
    dropped when no update of that user is in flight, so memory does not grow."""

    def __init__(self, redis: Any | None = None, hold_s: float = USER_LOCK_S) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.redis = redis  # with several processes, a Redis lock keeps a user's updates in line across them
        self.hold_s = hold_s

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        lock = self._locks.get(user.id) or self._locks.setdefault(user.id, asyncio.Lock())
        self._waiting[user.id] = self._waiting.get(user.id, 0) + 1
        queued = lock.locked()
        try:
            async with lock:
                if self.redis is None:
                    if queued:
                        await _state_now(data)
                    return await handler(event, data)
                # No blocking timeout: a holder either finishes or, killed, stops renewing its
                # hold, which then lapses; giving up first would drop this update.
                lock = self.redis.lock(f"ordergram:user:{user.id}", timeout=self.hold_s)
                await lock.acquire()
                renewal = _Renewal(lock, self.hold_s)
                try:
                    await _state_now(data)  # another process may have moved it
                    return await handler(event, data)
                finally:
                    await renewal.release()
        finally:
            self._waiting[user.id] -= 1
            if not self._waiting[user.id]:
                del self._waiting[user.id], self._locks[user.id]


class _Renewal:
    """A user's Redis lock renewed every half of its hold while the update runs: a slow
    update (a big report) keeps its user's next one waiting, a killed process's lapses soon.
    Nothing is scheduled but a timer until the update has run for half the hold."""

    def __init__(self, lock: Any, hold_s: float) -> None:
        self.lock, self.hold_s = lock, hold_s
        self._renewing: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(hold_s / 2, self._renew_soon)

    def _renew_soon(self) -> None:
        self._renewing = asyncio.create_task(self._renew())

    async def _renew(self) -> None:
        try:
            await self.lock.reacquire()
        except Exception:  # Redis away, or the hold lapsed: the update goes on without it
            log.warning("could not renew a user's lock", exc_info=True)
            return
        self._timer = asyncio.get_running_loop().call_later(self.hold_s / 2, self._renew_soon)

    async def release(self) -> None:
        self._timer.cancel()
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        try:
            await self.lock.release()
        except Exception:  # lapsed (Redis was away too long): the update itself was handled
            log.warning("a user's lock had lapsed before its update was done", exc_info=True)


async def _state_now(data: dict[str, Any]) -> None:
    """aiogram reads the conversation state before an update queues behind the same user's
    previous one; read it again once that one is done, so filters and handlers see the step
    it moved to (a contact shared while /checkout is still being answered is step 1's answer)."""
    state: FSMContext | None = data.get("state")
    if state is not None:
        data["raw_state"] = await state.get_state()


class StateWritesMiddleware(BaseMiddleware):
    """The conversation state an update changed is written once, when it has been handled
    (``storage.fsm.DatabaseStorage.one_update``); inside the user's lock, so one user's
    writes reach the database in order."""

    def __init__(self, storage: DatabaseStorage) -> None:
        self.storage = storage

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.storage.one_update():
            return await handler(event, data)


class EveryPressAnswered(BaseMiddleware):
    """Telegram keeps a pressed button spinning until the press is answered: whatever a
    handler did, the press is answered when it returns (silently, when the handler did not
    answer it). A handler that fails leaves it to the error handler, which answers with
    the error."""

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        track_answers(event if isinstance(event, CallbackQuery) else None)
        result = await handler(event, data)
        if isinstance(event, CallbackQuery) and not answered(event.id):
            await event.answer()
        return result
