"""Translations: gettext catalogs in ``locales/`` through aiogram's I18n, and the
middleware that picks each update's language (stored choice → Telegram → default).

The languages the bot speaks are the folders of ``locales/`` (or ``LOCALES_DIR``) with a
compiled catalog: adding a language is adding ``locales/<code>/LC_MESSAGES/messages.mo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.config import ConfigError
from bot.middlewares import Handler
from handlers.views.rendering import locale_for


def locales_dir() -> Path:
    """The folder of the compiled catalogs (``<language>/LC_MESSAGES/messages.mo``): inside the
    package when installed from a wheel (pyproject.toml ships the repository's top-level
    ``locales/`` as ``bot/locales``), else the checkout's ``locales/`` (an editable install)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "locales", package.parent / "locales"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no translation catalogs in {package / 'locales'} (is Ordergram installed from a wheel?)")


def make_i18n(default_locale: str, path: Path | None = None) -> I18n:
    """The catalogs of every language found in ``path`` (default: the shipped ones)."""
    if path is not None and not path.is_dir():  # else os.listdir's FileNotFoundError, a traceback at start
        raise ConfigError(f"LOCALES_DIR: there is no folder {path} (one subfolder of catalogs per language)")
    i18n = I18n(path=path or locales_dir(), default_locale=default_locale, domain="messages")
    if default_locale not in i18n.available_locales:
        offered = ", ".join(sorted(i18n.available_locales)) or "none"
        raise ConfigError(f"DEFAULT_LOCALE: {default_locale!r} has no catalog in {i18n.path} (found: {offered})")
    return i18n


class CustomerI18nMiddleware(I18nMiddleware):
    """Runs after the customer middleware, so ``data['customer']`` is already loaded."""

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """aiogram's, with the catalog and the language set and reset directly rather than
        through two generator context managers: it runs on every update."""
        locale = await self.get_locale(event=event, data=data) or self.i18n.default_locale
        if self.i18n_key:
            data[self.i18n_key] = self.i18n
        if self.middleware_key:
            data[self.middleware_key] = self
        catalog = I18n.set_current(self.i18n)
        language = self.i18n.ctx_locale.set(locale)
        try:
            return await handler(event, data)
        finally:
            self.i18n.ctx_locale.reset(language)
            I18n.reset_current(catalog)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        reader = data.get("reader", data.get("customer"))  # staff assisting a customer read their own language
        return locale_for(reader, data.get("event_from_user"), self.i18n)
