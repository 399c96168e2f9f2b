"""``ordergram run`` and ``serve``: the bot's process, its updates by long polling or by webhook, with
the intake API, the Mini App and the probes when serving; it stops cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, Settings
from bot.logs import never_log

if TYPE_CHECKING:
    from aiohttp import web

    from bot.runtime import Runtime


def run_bot(settings: Settings, *, with_api: bool) -> int:
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    settings.require_token()
    if settings.health_port == settings.webhook_port and (with_api or settings.webhook_url):
        # Else the probes' listener takes the port first and the server is refused it, as if
        # another program held it.
        raise ConfigError(
            f"HEALTH_PORT: {settings.health_port} is WEBHOOK_PORT too; give it another port, or unset it "
            "(serve answers /healthz, /readyz and /metrics on WEBHOOK_PORT)"
        )
    say_if_no_staff_chat(settings)
    say_if_polling_beside_others(settings)
    try:
        asyncio.run(_run(settings, with_api=with_api))
    except TelegramUnauthorizedError:
        print("configuration error: BOT_TOKEN: the Bot API rejected this token", file=sys.stderr)
        return 2
    except TelegramNetworkError as exc:
        print(f"cannot reach the Bot API at TELEGRAM_API_URL: {exc.message}", file=sys.stderr)
        return 3
    return 0


async def _run(settings: Settings, *, with_api: bool = False) -> None:
    from bot.health import start_ops_server
    from bot.runtime import start_runtime
    from bot.scheduler import Jobs

    settings.require_token()
    runtime = await start_runtime(settings)
    await say_if_vat_at_zero(runtime)  # the shop's tax number is read now: the file applied, the chat's over it
    await say_if_redis_away(getattr(runtime.dp.storage, "redis", None))
    notifier = asyncio.create_task(runtime.notifier.run(settings.notifier_interval_seconds))
    jobs = Jobs(runtime)
    await jobs.claim()  # before any listener opens: the first /readyz finds the lead taken
    jobs.start()
    ops = None
    try:
        ops = await start_ops_server(runtime)  # HEALTH_PORT: /healthz, /readyz, /metrics
        if settings.webhook_url:
            await serve_webhook(runtime, with_api=with_api)
        elif with_api:
            await serve_webhook(runtime, with_api=True, polling=True)
        else:
            await runtime.bot.delete_webhook(drop_pending_updates=False)
            await runtime.dp.start_polling(runtime.bot, handle_signals=True, close_bot_session=False)
    finally:
        if ops is not None:
            await ops.cleanup()
        await jobs.stop()
        runtime.notifier.stop()
        await notifier
        await runtime.close()


def say_if_no_staff_chat(settings: Settings) -> None:
    """Said once at start: without ``STAFF_CHAT_ID`` what the staff are told goes nowhere, unsaid."""
    if settings.staff_chat_id is None:
        logging.getLogger(__name__).warning(
            "STAFF_CHAT_ID is not set: new orders, cancellations, short-pick alerts, the daily report, reorder "
            "drafts and the other staff alerts are sent to no one. Add the staff group's id to .env "
            "(STAFF_CHAT_ID=-100…: the bot posts it when added to the group, or send /chatid@your_bot there) and "
            "restart"
        )


def say_if_polling_beside_others(settings: Settings) -> None:
    """Said once at start: ``REDIS_URL`` is the sign of several processes, and without ``WEBHOOK_URL`` each polls;
    Telegram answers all but one 409 Conflict. Not refused: one process with Redis is a shop's right."""
    if settings.redis_url and not settings.webhook_url:
        logging.getLogger(__name__).warning(
            "REDIS_URL is set (several processes) but WEBHOOK_URL is not: this process takes its updates by long "
            "polling, which Telegram gives to one process at a time; a second one is answered 409 Conflict and the "
            "two cut each other off, replying seconds late. With several processes set WEBHOOK_URL (README, "
            '"Several processes need the webhook"); one process alone may ignore this'
        )


async def say_if_vat_at_zero(runtime: Runtime) -> None:
    """Said once at start: a shop with a (VAT) tax number left TAX_RATE at its default, 0, so its invoices name the
    number and show no VAT in their totals — and nothing else would ever say so."""
    from domain.shop import vat_at_zero
    from domain.usecases.shop import shop_identity

    settings = runtime.settings
    if settings.tax_rate:  # the rule below holds then whatever the number: no read
        return
    number = (await shop_identity(runtime.uow(), settings.default_locale)).tax_number
    if vat_at_zero(number, str(settings.tax_rate)):
        logging.getLogger(__name__).warning(
            "TAX_RATE is 0 while the shop's tax number (%s) is set: its invoices and receipts print the number but "
            "show no VAT included, as 0 %%, and the books record none. Set TAX_RATE to the VAT rate included in your "
            "prices (TAX_RATE=20 in .env) and restart; a shop that charges no VAT removes the tax number instead "
            "(/settings tax_number -, or tax_number in SHOP_SETTINGS_FILE)",
            number,
        )


async def say_if_redis_away(redis: Any) -> None:
    """A mistyped or stopped ``REDIS_URL`` said once at start: the process runs on (it recovers
    when Redis answers, README "Deployment"), but every update waits on Redis until then."""
    if redis is None:
        return
    try:
        await asyncio.wait_for(redis.ping(), timeout=5)
    except Exception as error:  # noqa: BLE001 - whatever the client says is the reason
        logging.getLogger(__name__).warning(
            "REDIS_URL: Redis does not answer (%s); until it does, every update is answered "
            '"Sorry, something went wrong" and /readyz fails',
            str(error).splitlines()[0] if str(error) else type(error).__name__,
        )


async def serve_webhook(runtime: Runtime, *, with_api: bool = False, polling: bool = False) -> None:
    """Receive updates on ``WEBHOOK_HOST:WEBHOOK_PORT`` at the path of ``WEBHOOK_URL`` (put a
    TLS proxy in front), register the webhook with Telegram, run until SIGINT/SIGTERM. With
    ``with_api`` the intake API is served by the same server; with ``polling`` updates come
    by long polling instead (no public URL needed) and the server carries only the API."""
    runner = await start_webhook(runtime, with_api=with_api, polling=polling)
    if polling:
        await runtime.bot.delete_webhook(drop_pending_updates=False)
        try:
            await runtime.dp.start_polling(runtime.bot, handle_signals=True, close_bot_session=False)
        finally:
            await runner.cleanup()
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).info("receiving updates at %s", runtime.settings.webhook_url)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await runtime.dp.settle()


def derived_webhook_secret(bot_token: str) -> str:
    """The webhook's secret when ``WEBHOOK_SECRET`` is unset: an HMAC of the bot token, so webhook
    mode never runs unauthenticated, yet every process of the shop (and every restart) derives
    the same one without configuration. Whoever could compute it already holds the token, which
    controls the bot anyway. 64 hex digits: within Telegram's alphabet; never logged."""
    return hmac.new(bot_token.encode(), b"ordergram webhook secret", hashlib.sha256).hexdigest()


async def start_webhook(runtime: Runtime, *, with_api: bool = False, polling: bool = False) -> web.AppRunner:
    """The server of ``serve_webhook``, listening; unless ``polling``, the webhook is
    registered with Telegram and every POST must carry its secret token."""
    from aiogram.webhook.aiohttp_server import setup_application
    from aiohttp import web

    from bot.api import MAX_BODY, add_api
    from bot.health import add_ops_routes, listen
    from bot.polling import InboxRequestHandler

    settings = runtime.settings
    app = web.Application(client_max_size=MAX_BODY)
    if with_api:
        from bot.webapp import add_webapp, set_menu_button
        from handlers.paylinks import invoice_links

        links = invoice_links(runtime.bot, runtime.i18n, settings.payment_provider_token)
        add_api(app, runtime.sessions, settings, runtime.clock, links)
        add_ops_routes(app, runtime)
        add_webapp(app, runtime)  # the Mini App under /app
        await set_menu_button(runtime)
    secret = settings.webhook_secret or derived_webhook_secret(settings.bot_token)
    never_log(secret)
    if not polling:
        InboxRequestHandler(runtime.dp, runtime.bot, secret_token=secret).register(app, path=settings.webhook_path)
        setup_application(app, runtime.dp, bot=runtime.bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    if not polling:  # what a stopped process recorded and did not finish, before anything newer arrives
        await runtime.dp.replay(runtime.bot)
    await listen(runner, settings.webhook_host, settings.webhook_port, "WEBHOOK_HOST/WEBHOOK_PORT")
    served = ([] if polling else [f"the webhook ({settings.webhook_path})"]) + (
        ["the intake API (/api/v1)", "the Mini App (/app)", "/healthz, /readyz, /metrics"] if with_api else []
    )
    # Where to point the proxy and the probes, said once: the operator should not have to guess.
    logging.getLogger(__name__).info(
        "listening on http://%s:%s: %s", settings.webhook_host, settings.webhook_port, "; ".join(served)
    )
    if not polling:
        await runtime.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=secret,
            allowed_updates=runtime.dp.resolve_used_update_types(),
        )
    return runner
