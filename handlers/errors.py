"""Last line of defence: domain errors become a polite, translated reply; anything else
is logged with its update and the person is told, in their language, to try again."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.i18n import locale_for
from bot.labels import ERROR_PARAM_LABELS, label
from bot.rendering import format_money
from domain.errors import DomainError, NotFound
from domain.money import Money
from domain.staff import NotAllowed, WrongRole

router = Router(name=__name__)
log = logging.getLogger(__name__)


def domain_message(error: DomainError) -> str:
    """Translate the error's message key and fill in its parameters; parameters that carry a
    code (a status, a role) are shown by their name in the reader's language."""
    params = {
        name: label(ERROR_PARAM_LABELS[name], str(value))
        if name in ERROR_PARAM_LABELS
        else format_money(value)
        if isinstance(value, Money)
        else value
        for name, value in error.params.items()
    }
    text = ngettext(error.key, error.plural, int(error.params[error.counted])) if error.plural else _(error.key)
    return text.format(**params) if params else text


@router.errors()
async def on_error(event: ErrorEvent, i18n: I18n, **data: Any) -> None:
    error = event.exception
    if not isinstance(error, DomainError):
        log.exception("update %s failed", event.update.update_id, exc_info=error)
    elif isinstance(error, NotAllowed | WrongRole):
        user = data.get("event_from_user")
        attempt = event.update.message.text if event.update.message else event.update.event_type
        log.warning("refused staff action to user %s: %r", user.id if user else "?", attempt)
    locale = locale_for(data.get("reader", data.get("customer")), data.get("event_from_user"), i18n.default_locale)
    with i18n.context(), i18n.use_locale(locale):
        if isinstance(error, NotFound) and event.update.callback_query:
            text = _("This item is no longer available. Please open the menu again.")
        elif isinstance(error, DomainError):
            text = domain_message(error)
        else:
            text = _("Sorry, something went wrong on our side. Please try again in a minute.")
        if event.update.callback_query:
            await event.update.callback_query.answer(text[:200], show_alert=True)
        elif event.update.message:
            await event.update.message.answer(text)
