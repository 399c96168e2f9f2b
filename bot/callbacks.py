"""Delivery of the intake API channels' status callbacks over HTTP (aiohttp), run by the scheduled
jobs' tick (``bot/scheduler.py``): the events are found in the data (``api_events``), so a restart
loses none; a delivery given up is logged and counted (``ordergram_api_callbacks``)."""

from __future__ import annotations

import logging

import aiohttp

from bot.metrics import API_CALLBACKS
from domain.callbacks import CallbackFailed
from domain.ports import Clock, UnitOfWork
from domain.usecases.callbacks import DeliveryRun, deliver_callbacks

log = logging.getLogger(__name__)
TIMEOUT_S = 10.0  # a receiver not answering by then is a failure, tried again later


class CallbackPoster:
    """POSTs a signed event; anything but a 2xx answer in time raises ``CallbackFailed``, a URL it cannot
    send to included (an error out of the run would leave that event the first due, tried first each tick, and
    no channel told again).
    Redirects are not followed (a signed body goes where the channel said, nowhere else)."""

    def __init__(self, timeout: float = TIMEOUT_S) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __call__(self, url: str, headers: dict[str, str], body: bytes) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(url, data=body, headers=headers, allow_redirects=False) as answer:
                if not 200 <= answer.status < 300:
                    raise CallbackFailed(f"HTTP {answer.status}")
        except TimeoutError:
            raise CallbackFailed(f"no answer in {self.timeout.total:g} s") from None
        except (aiohttp.InvalidURL, ValueError) as error:
            # A URL it cannot send to (a host no DNS name, a port out of range): this event's failure, not the run's;
            # named by its kind only, since the error quotes the whole URL, whose query may hold the receiver's token.
            raise CallbackFailed(f"{type(error).__name__}: the URL cannot be sent to") from None
        except aiohttp.ClientError as error:
            raise CallbackFailed(f"{type(error).__name__}: {error}") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def deliver_due_callbacks(uow: UnitOfWork, clock: Clock, poster: CallbackPoster) -> DeliveryRun:
    run = await deliver_callbacks(uow, clock, poster)
    API_CALLBACKS.labels("delivered").inc(run.delivered)
    API_CALLBACKS.labels("retried").inc(run.retried)
    API_CALLBACKS.labels("given_up").inc(len(run.given_up))
    for event, error in run.given_up:
        log.warning(
            "callbacks: event %s (%s of order %s) given up for channel %r after %s tries; last error: %s",
            event.id,
            event.type,
            event.data.get("order_code", "?"),
            event.channel,
            event.attempts + 1,
            error,
        )
    if run.retried:
        log.info("callbacks: %s deliveries failed and wait for another try", run.retried)
    return run
