"""Last line of defence: domain errors become a polite, translated reply; anything else
is logged with its update and the person is told, in their language, to try again."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Unpack

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ErrorEvent, InaccessibleMessage, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from markupsafe import escape

from domain.errors import DomainError, NotFound
from domain.money import Money
from domain.staff import NotAllowed, WrongRole
from handlers.callbacks import shorten_name
from handlers.context import HandlerData
from handlers.views.dates import format_day
from handlers.views.labels import ERROR_PARAM_LABELS, label
from handlers.views.outgoing import answered
from handlers.views.rendering import PARAM_LIMIT, fill, fill_text, format_money, format_number, locale_for

router = Router(name=__name__)
log = logging.getLogger(__name__)


# Parameters that are a message key themselves (``N_``): a phrase several errors share, translated as a whole.
PHRASES = frozenset({"release"})
# A refusal's parameters that count units, written the reader's way ("only 2,500 available"):
# not a typed limit ("from 1 to 1000000", typed back as shown) nor a code.
COUNTS = frozenset(
    {"available", "reserved", "on_hand", "free", "quantity", "open", "left", "expected", "pack", "lower", "upper"}
)


def domain_message(error: DomainError, *, timezone: str, html: bool = True) -> str:
    """Translate the error's message key and fill in its parameters; parameters that carry a
    code (a status, a role) are shown by their name in the reader's language. Parameters are
    often what someone typed: shortened, and escaped for a message (``html``); an alert
    shows plain text. A product's name keeps its variant ("… (M / White)") when cut: the part
    that says which one is refused. A day (a preorder's release) is written as the shop's ``timezone``'s country
    writes the reader's language."""
    params = {
        name: label(ERROR_PARAM_LABELS[name], str(value))
        if name in ERROR_PARAM_LABELS
        else format_money(value)
        if isinstance(value, Money)
        else format_day(value, timezone)
        if isinstance(value, date) and not isinstance(value, datetime)
        else format_number(value)
        if name in COUNTS and type(value) is int
        else shorten_name(value, PARAM_LIMIT)
        if name == "name" and isinstance(value, str)
        else value
        for name, value in error.params.items()
        if name not in PHRASES
    }
    text = ngettext(error.key, error.plural, int(error.params[error.counted])) if error.plural else _(error.key)
    for name in PHRASES & error.params.keys():  # ours, not typed: put in whole (never shortened), before the rest
        phrase = _(str(error.params[name]))
        text = text.replace("{" + name + "}", str(escape(phrase)) if html else phrase)
    if not params:
        return text
    if html:
        return fill(text, **params)
    return fill_text(text, **params)


@router.errors()
async def on_error(event: ErrorEvent, **data: Unpack[HandlerData]) -> None:
    error = event.exception
    i18n = data["i18n"]
    if not isinstance(error, DomainError):
        log.exception("update %s failed", event.update.update_id, exc_info=error)
    elif isinstance(error, NotAllowed | WrongRole):
        user = data.get("event_from_user")
        attempt = event.update.message.text if event.update.message else event.update.event_type
        log.warning("refused staff action to user %s: %r", user.id if user else "?", attempt)
    locale = locale_for(data.get("reader", data.get("customer")), data.get("event_from_user"), i18n)
    query, zone = event.update.callback_query, data["settings"].timezone
    with i18n.context(), i18n.use_locale(locale):
        if query is not None and not answered(query.id):
            # Longer than an alert shows (a refusal in Russian): said in the chat instead (``OutgoingGuard``).
            await query.answer(_reply(error, zone, pressed=True, html=False), show_alert=True)
            return
        # A message, or a press already answered before the error: say it in the chat.
        message = event.update.message or (query.message if query else None)
        if message is not None:
            await _say(data["bot"], message, _reply(error, zone, pressed=query is not None, html=True))


async def _say(bot: Bot, message: Message | InaccessibleMessage, text: str) -> None:
    """In a forum, in the topic the message came from: in General, who wrote it is not looking.
    A topic closed to the bot (it lacks the right to manage topics) leaves General."""
    thread = message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None
    try:
        await bot.send_message(message.chat.id, text, message_thread_id=thread)
    except TelegramBadRequest as refused:
        if thread is None or "TOPIC_CLOSED" not in refused.message:
            raise
        await bot.send_message(message.chat.id, text)


def _reply(error: Exception, timezone: str, *, pressed: bool, html: bool) -> str:
    if isinstance(error, NotFound) and pressed:
        return _("This item is no longer available. Please open the menu again.")
    if isinstance(error, DomainError):
        return domain_message(error, html=html, timezone=timezone)
    return _("Sorry, something went wrong on our side. Please try again in a minute.")
