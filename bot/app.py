"""Building the bot: the aiogram Bot against a configurable Bot API server, the
Dispatcher with its long-lived dependencies and middlewares, and the command menus."""

from __future__ import annotations

import logging

from aiogram import Bot, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods.base import Response
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import CustomerI18nMiddleware, make_i18n
from bot.metrics import observe_updates
from bot.middlewares import (
    DuplicateUpdateMiddleware,
    EveryPressAnswered,
    PerUserSerialMiddleware,
    SeenUpdates,
    StateWritesMiddleware,
    UnitOfWorkMiddleware,
)
from bot.polling import DurableDispatcher
from bot.promo_guesses import PromoGuesses
from bot.telegram_session import JsonBodySession
from domain.ports import Clock
from domain.support_hours import SupportHours
from handlers import build_routers
from handlers.context import HandlerData, ShopSettings
from handlers.views.outgoing import OutgoingGuard
from handlers.views.rendering import Renderer
from storage.fsm import DatabaseStorage
from storage.inbox import UpdateInbox

log = logging.getLogger(__name__)

# aiogram parses every Bot API reply as ``Response[<method's return type>]``. pydantic keeps
# parametrised generics only weakly, so without a strong reference the class is rebuilt
# after garbage collection — measured at ~10 ms per call (bench/bot_throughput.py).
_RESPONSE_TYPES = [
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.GetUpdates,
        methods.SendMessage,
        methods.EditMessageText,
        methods.EditMessageReplyMarkup,
        methods.EditMessageCaption,
        methods.DeleteMessage,
        methods.AnswerCallbackQuery,
        methods.SendPhoto,
        methods.SendDocument,
        methods.SendInvoice,
        methods.AnswerPreCheckoutQuery,
        methods.SetMyCommands,
        methods.GetMe,
        methods.GetFile,
        methods.SendChatAction,
        methods.DeleteWebhook,
        methods.RefundStarPayment,
        methods.CopyMessage,
        methods.GetChat,
        methods.CreateForumTopic,
        methods.CloseForumTopic,
        methods.ReopenForumTopic,
    )
]


def make_bot(settings: Settings) -> Bot:
    session = JsonBodySession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(OutgoingGuard())  # every request within Telegram's limits, whatever was rendered
    # No link previews: a tracking or payment link would show a carrier's or t.me's page card under
    # the shop's message, and links reach people from handlers and the notifier alike.
    default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    return Bot(settings.bot_token, session=session, default=default)


def make_fsm_storage(settings: Settings, engine: AsyncEngine) -> BaseStorage:
    """Conversation state survives a restart: in Redis when ``REDIS_URL`` is set (several
    processes share it), else in the database (one process; see ``storage.fsm``)."""
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder

        from storage.fsm_redis import CountedRedisStorage

        # with_destiny: assisted orders keep their own FSM slot (see handlers.context.assist_context)
        return CountedRedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return DatabaseStorage(engine)


def shop_settings(settings: Settings) -> ShopSettings:
    return ShopSettings(
        default_currency=settings.default_currency,
        timezone=settings.timezone,
        catalog_page_size=settings.catalog_page_size,
        orders_page_size=settings.orders_page_size,
        hold_minutes=settings.hold_minutes,
        return_window_days=settings.return_window_days,
        invoice_net_days=settings.invoice_net_days,
        service_levels=settings.service_levels(),
        staff_chat_id=settings.staff_chat_id,
        support_chat_id=settings.support_chat_id or settings.staff_chat_id,
        support_sign_replies=settings.support_sign_replies,
        support_hours=SupportHours.parse(settings.support_hours),
        payment_provider_token=settings.payment_provider_token,
        checkout_policy=settings.checkout_policy(),
        webapp_url=settings.webapp_url,
        order_edit_window_minutes=settings.order_edit_window_minutes,
        shipping_countries=frozenset(settings.shipping_countries),
    )


def make_dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock, i18n: I18n | None = None
) -> DurableDispatcher:
    i18n = i18n or make_i18n(settings.default_locale, settings.locales_dir)
    engine: AsyncEngine = sessions.kw["bind"]
    deps: HandlerData = {
        "settings": shop_settings(settings),
        "renderer": Renderer(settings.timezone),
        "i18n": i18n,
        "promo_guesses": PromoGuesses(settings.promo_guess_limit, redis_url=settings.redis_url),
    }
    dp = DurableDispatcher(inbox=UpdateInbox(engine), storage=make_fsm_storage(settings, engine), **deps)
    observe_updates(dp)  # first: its time and statement count are the whole update's
    # Order matters: a repeated update is dropped first, then one user's updates queue (the
    # conversation state an update changed is written when it is done, inside that queue),
    # then the customer is loaded, then its language is chosen.
    storage = dp.storage
    redis = getattr(storage, "redis", None)  # RedisStorage's client, when REDIS_URL is set
    if redis is not None:  # without Redis, the update inbox drops a repeated update (bot.polling)
        dp.seen = SeenUpdates(redis)  # also what the replay at start leaves to another live process
        dp.update.outer_middleware(DuplicateUpdateMiddleware(dp.seen))
    dp.update.outer_middleware(PerUserSerialMiddleware(redis))
    if isinstance(storage, DatabaseStorage):
        dp.update.outer_middleware(StateWritesMiddleware(storage))
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessions, clock))
    dp.update.outer_middleware(CustomerI18nMiddleware(i18n))
    dp.callback_query.outer_middleware(EveryPressAnswered())
    dp.include_routers(*build_routers())
    return dp
