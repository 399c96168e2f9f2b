"""Delivers the outbox: renders each message in its recipient's language and sends it,
honouring ``retry_after`` on 429, backing off on network and server errors, and marking a
customer unreachable on 403 (they blocked the bot)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n

from bot.rendering import Renderer
from domain.ports import Clock
from storage.outbox import OutboxMessage, OutboxStore

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class Notifier:
    def __init__(self, store: OutboxStore, bot: Bot, renderer: Renderer, i18n: I18n, clock: Clock) -> None:
        self.store = store
        self.bot = bot
        self.renderer = renderer
        self.i18n = i18n
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the current pass, then return from ``run`` (cancelling mid-query would
        leave a database connection half-used)."""
        self._stopping = True
        self._wake.set()

    def render(self, message: OutboxMessage) -> str:
        with self.i18n.context(), self.i18n.use_locale(message.language or self.i18n.default_locale):
            return self.renderer.render(f"notifications/{message.template}.html.j2", **message.params)

    async def deliver(self, message: OutboxMessage) -> None:
        now = self.clock.now()
        try:
            await self.bot.send_message(message.chat_id, self.render(message))
        except TelegramRetryAfter as flood:
            await self.store.retry_at(message.id, now + timedelta(seconds=flood.retry_after), "429")
        except TelegramForbiddenError as blocked:
            await self.store.mark_unreachable(message.chat_id)
            await self.store.failed(message.id, now, str(blocked))
        except TelegramBadRequest as bad:
            log.error("outbox %s refused by Telegram: %s", message.id, bad)
            await self.store.failed(message.id, now, str(bad))
        except (TelegramNetworkError, TelegramServerError) as transient:
            if message.attempts >= MAX_ATTEMPTS:
                await self.store.failed(message.id, now, str(transient))
            else:
                await self.store.retry_at(message.id, now + timedelta(seconds=2**message.attempts), str(transient))
        else:
            await self.store.sent(message.id, self.clock.now())

    async def drain(self) -> int:
        """Send everything that is due now; returns how many messages were attempted."""
        attempted = 0
        while batch := await self.store.claim(self.clock.now()):
            for message in batch:
                await self.deliver(message)
            attempted += len(batch)
        return attempted

    async def run(self, interval: float) -> None:
        while not self._stopping:
            try:
                await self.drain()
            except Exception:
                log.exception("notifier pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
