"""Delivers the outbox: renders each message in its recipient's language and sends it
within Telegram's broadcast limits (kept a little under ~30 messages/s overall and 1/s per
chat), honouring ``retry_after`` on 429, backing off on network and server errors, and
marking a customer unreachable on 403 (they blocked the bot).

Delivery is at least once: a message is claimed with a lease (``storage.outbox``), sent,
then marked sent. If the process dies before sending, the lease runs out and another pass
(or process) sends it; several processes never claim the same row. The one window left is
a crash after Telegram accepted the message and before it is marked sent (milliseconds):
the Bot API has no idempotency key, so that message would be sent again."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiolimiter import AsyncLimiter

from bot.metrics import NOTIFICATIONS
from bot.outage import Outage, unreachable
from domain.notifications import Notification
from domain.ports import Clock
from handlers.output.barcodes import qr_png
from handlers.views.notification_buttons import buttons_for
from handlers.views.rendering import Renderer
from storage.outbox import OutboxMessage, OutboxStore

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


MAX_CONCURRENT_SENDS = 8
MAX_IDLE_CHAT_LIMITERS = 10_000
# A send that woke up late for its even slot (the event loop was busy elsewhere) lets the next
# ones go sooner, making up at most this much, so a busy moment costs no throughput; the
# window still caps every second.
CATCH_UP = 0.1
# Rows claimed at a time, and how few may be left unsent before the next claim: the next batch
# is read while the last of this one is still being sent, so the limiter is never left idle,
# and a new order notification (claimed first) waits behind at most ~CLAIM_BATCH messages.
CLAIM_BATCH = 50
REFILL_BELOW = 25


class Pacer:
    """The overall limit: never more than ``count`` sends start in any ``window`` seconds
    (``per_second`` per second; a log of the last ``count`` send times), evenly spaced. Waiters are served
    in turn (one lock), so one sleeps at a time rather than all waking for every slot.

    A leaky bucket of one (evenly spaced, nothing carried over) loses a little of every slot
    the event loop wakes late for, which on a busy machine is several percent; here a late
    send's lateness is made up from the next slots, up to ``CATCH_UP``, and the window keeps
    the count honest whatever the timing."""

    def __init__(
        self,
        per_second: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.now, self.sleep = now, sleep
        self.count = max(1, int(per_second))
        self.window = self.count / per_second
        self.spacing = self.window / self.count
        self._sent: deque[float] = deque(maxlen=self.count)
        self._slot = 0.0  # when the next send is due if sends were perfectly even
        self._turn = asyncio.Lock()

    async def wait(self) -> None:
        async with self._turn:
            while True:
                now = self.now()
                due = max(self._slot, self._sent[0] + self.window if len(self._sent) == self.count else now)
                if due <= now:
                    break
                await self.sleep(due - now)
            # Behind by a little (a late wake-up): the next slots come sooner to make it up.
            # Behind by more (nothing was sent for a while): start evenly again, no burst.
            self._slot = (self._slot if self._slot >= now - CATCH_UP else now) + self.spacing
            self._sent.append(now)


# Telegram's limit is per bot, not per process: with several processes (``REDIS_URL``) the
# pacer's state lives in Redis, one clock and one log for all of them, and each send asks there
# at the moment it would leave — the same rule as ``Pacer``: at most ``count`` departures in any
# ``window`` (a log of the last ones) and evenly spaced slots, a late one made up from the next
# slots up to ``CATCH_UP``. The answer is 0 (go: the departure is logged) or how many
# microseconds to wait before asking again; a process that loses a slot to another asks again.
_DEPART = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local count, window, spacing, catch_up = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local slot = tonumber(redis.call('GET', KEYS[2]) or '0')
local due = math.max(slot, now)
if redis.call('ZCARD', KEYS[1]) >= count then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  due = math.max(due, tonumber(oldest[2]) + window)
end
if due > now then return due - now end
redis.call('ZADD', KEYS[1], now, now .. '-' .. redis.call('INCR', KEYS[3]))
if slot < now - catch_up then slot = now end
redis.call('SET', KEYS[2], slot + spacing, 'PX', 60000)
redis.call('PEXPIRE', KEYS[1], 60000)
redis.call('PEXPIRE', KEYS[3], 60000)
return 0
"""


class SharedPacer:
    """``Pacer`` for several processes sending as one bot: ``per_second`` sends a second for
    the bot as a whole, decided in Redis (``_DEPART``) at each departure."""

    def __init__(
        self,
        redis: Any,
        bot_id: int,
        per_second: float,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        prefix = f"ordergram:{bot_id}:notify"
        self.keys = [f"{prefix}:sent", f"{prefix}:next-slot", f"{prefix}:seq"]
        count = max(1, int(per_second))
        window = count / per_second
        self.args = [count, round(window * 1e6), max(1, round(window / count * 1e6)), round(CATCH_UP * 1e6)]
        self.script, self.sleep = redis.register_script(_DEPART), sleep

    async def wait(self) -> None:
        while wait_us := int(await self.script(keys=self.keys, args=self.args)):
            await self.sleep(wait_us / 1_000_000)


class SendLimits:
    """The limits in front of every send: overall (``Pacer``, or ``SharedPacer`` when several
    processes share the bot) and per chat (a leaky bucket of one, aiolimiter).
    ``overall_per_second=0`` or ``chat_interval=0`` switches that limit off.

    The default overall rate, 29 (``NOTIFY_RATE``), is one under Telegram's 30 as counted at its
    end: network jitter of up to one slot (~34 ms) may bring one more send into a second there,
    never a 31st."""

    def __init__(self, overall_per_second: float, chat_interval: float, *, shared: SharedPacer | None = None) -> None:
        self.overall: Pacer | SharedPacer | None = None
        if overall_per_second > 0:
            self.overall = shared or Pacer(overall_per_second)
        self.chat_interval = chat_interval
        self.chats: dict[int, AsyncLimiter] = {}

    async def wait(self, chat_id: int) -> None:
        if self.chat_interval > 0:
            if len(self.chats) > MAX_IDLE_CHAT_LIMITERS:  # forget chats that have been quiet
                self.chats = {c: lim for c, lim in self.chats.items() if not lim.has_capacity(1)}
            await self.chats.setdefault(chat_id, AsyncLimiter(1, self.chat_interval)).acquire()
        if self.overall is not None:
            await self.overall.wait()


def photo_for(message: OutboxMessage) -> BufferedInputFile | None:
    """The picture a notification is sent with (its text becomes the caption): the pickup
    code as a QR code the counter scans."""
    if message.template == "order_ready_for_pickup":
        code = str(message.params.get("pickup_code", ""))
        return BufferedInputFile(qr_png(code), filename=f"pickup-{code}.png")
    return None


class Notifier:
    def __init__(
        self,
        store: OutboxStore,
        bot: Bot,
        renderer: Renderer,
        i18n: I18n,
        clock: Clock,
        limits: SendLimits | None = None,
    ) -> None:
        self.store = store
        self.bot = bot
        self.renderer = renderer
        self.i18n = i18n
        self.clock = clock
        self.limits = limits or SendLimits(0, 0)
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the current pass, then return from ``run`` (cancelling mid-query would
        leave a database connection half-used)."""
        self._stopping = True
        self._wake.set()

    def render(self, message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
        language = message.language if message.language in self.i18n.available_locales else self.i18n.default_locale
        with self.i18n.context(), self.i18n.use_locale(language):
            text = self.renderer.render(f"notifications/{message.template}.html.j2", **message.params)
            return text, buttons_for(message.template, message.params)

    async def _send(self, message: OutboxMessage) -> None:
        if message.template == "campaign":  # its product button is a deep link to this bot
            message = replace(message, params={**message.params, "bot": (await self.bot.me()).username or ""})
        text, buttons = self.render(message)
        photo: BufferedInputFile | str | None = photo_for(message) or message.params.get("photo")  # a campaign's
        if photo:
            await self.bot.send_photo(message.chat_id, photo, caption=text, reply_markup=buttons)
        else:
            await self.bot.send_message(message.chat_id, text, reply_markup=buttons)

    async def deliver(self, message: OutboxMessage, *, paced: bool = True) -> bool:
        """Send one message; False when its chat refused the bot (403), so the messages
        still queued for that chat are failed with it rather than tried one by one."""
        if paced:
            await self.limits.wait(message.chat_id)
        now = self.clock.now()
        try:
            await self._send(message)
        except TelegramRetryAfter as flood:
            NOTIFICATIONS.labels("rate_limited").inc()
            await self.store.retry_at(message.id, now + timedelta(seconds=flood.retry_after), "429")
        except TelegramForbiddenError as blocked:
            NOTIFICATIONS.labels("unreachable").inc()
            await self.store.mark_unreachable(message.chat_id, now, str(blocked))
            return False
        except TelegramBadRequest as bad:
            NOTIFICATIONS.labels("refused").inc()
            log.error("outbox %s refused by Telegram: %s", message.id, bad)
            await self.store.failed(message.id, now, str(bad))
        except (TelegramNetworkError, TelegramServerError) as transient:
            if message.attempts >= MAX_ATTEMPTS:
                NOTIFICATIONS.labels("failed").inc()
                await self.store.failed(message.id, now, str(transient))
            else:
                NOTIFICATIONS.labels("retry").inc()
                await self.store.retry_at(message.id, now + timedelta(seconds=2**message.attempts), str(transient))
        else:
            NOTIFICATIONS.labels("sent").inc()
            await self.store.sent(message.id, self.clock.now())
        return True

    async def drain(self) -> int:
        """Send everything that is due now; returns how many messages were attempted.
        Chats are served side by side; within a chat, messages keep their order. Claiming
        runs ahead of sending (see ``CLAIM_BATCH``), never behind a batch's last send."""
        slots = asyncio.Semaphore(MAX_CONCURRENT_SENDS)
        queues: dict[int, deque[OutboxMessage]] = {}  # chat → its claimed messages not yet sent
        workers: set[asyncio.Task[None]] = set()
        failures: list[BaseException] = []
        settled = asyncio.Event()
        unsent = attempted = 0

        async def one_chat(chat_id: int) -> None:
            nonlocal unsent
            queue = queues[chat_id]
            try:
                while queue:
                    async with slots:
                        delivered = await self.deliver(queue[0])
                    queue.popleft()
                    unsent -= 1
                    settled.set()
                    if not delivered:
                        break  # the rest were failed with the chat
            finally:
                unsent -= len(queue)  # failed with the chat, or left leased by an error
                del queues[chat_id]
                settled.set()

        def finished(worker: asyncio.Task[None]) -> None:
            workers.discard(worker)
            if not worker.cancelled() and (error := worker.exception()) is not None:
                failures.append(error)

        try:
            exhausted = False
            while not failures:
                if not exhausted and unsent < REFILL_BELOW:
                    batch = await self.store.claim(self.clock.now(), limit=CLAIM_BATCH)
                    # A short batch took all that was due: no claim again to find nothing (a
                    # pass that found one order's confirmation claimed three times). What is
                    # written meanwhile wakes the next pass (``wake``, after its commit).
                    exhausted = len(batch) < CLAIM_BATCH
                    for message in batch:
                        if message.chat_id in queues:
                            queues[message.chat_id].append(message)
                        else:
                            queues[message.chat_id] = deque([message])
                            worker = asyncio.create_task(one_chat(message.chat_id))
                            workers.add(worker)
                            worker.add_done_callback(finished)
                    unsent += len(batch)
                    attempted += len(batch)
                    continue
                if exhausted and not unsent:
                    break
                settled.clear()  # no await since ``unsent`` was read: no settlement is missed
                await settled.wait()
        finally:  # the sends under way finish, even after a failure (its chat's rows stay leased)
            await asyncio.gather(*workers, return_exceptions=True)
        if failures:
            raise failures[0]
        return attempted

    async def send_reply(self, notification: Notification) -> None:
        """A message its handler's use case wrote already claimed (``add_reply``), sent now as
        the reply (not paced as a broadcast), rendered from what the row holds (its
        parameters as JSON gives them back), and marked sent as a claimed row is."""
        assert notification.id is not None  # written: the id comes from its row
        params = json.loads(json.dumps(notification.params, ensure_ascii=False, default=str))
        message = OutboxMessage(
            notification.id, notification.chat_id, notification.template, notification.language, params, 1
        )
        await self.deliver(message, paced=False)

    async def deliver_now(self, chat_id: int) -> None:
        """What is due for one chat, sent now, as a reply would be (not paced as a broadcast):
        a handler whose answer is an outbox message (the "order placed" confirmation) calls
        this after its commit. The outbox keeps it safe: a crash before this call leaves the
        message to the notifier's next pass, and a row claimed here is not sent by the pass."""
        for message in await self.store.claim(self.clock.now(), chat_id=chat_id):
            await self.deliver(message, paced=False)

    async def run(self, interval: float) -> None:
        outage = Outage(
            log,
            "notifier",
            waiting=f"messages wait in the outbox, trying again every {interval:g} s",
            back="sending what waited",
        )
        while not self._stopping:
            try:
                await self.drain()
            except Exception as error:
                if unreachable(error):
                    outage.failed(error)
                else:
                    log.exception("notifier pass failed")
            else:
                outage.answered()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
