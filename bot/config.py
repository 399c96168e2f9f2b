"""Configuration from the environment or a ``.env`` file (pydantic-settings).

A bad value stops start-up with one line naming the variable (see ``ConfigError``).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.logs import never_log
from domain.errors import UnknownCurrency
from domain.example_hosts import is_example_address
from domain.money import normalize_currency
from domain.replenishment import ProductClass, ServiceLevels
from domain.support_hours import SupportHours
from domain.usecases.checkout import CheckoutPolicy

PUBLIC_BOT_API = "https://api.telegram.org"
# What ``ordergram serve`` answers beside the webhook: the intake API, the Mini App, the probes.
TAKEN_PATHS = ("/api", "/app", "/healthz", "/readyz", "/metrics")


class ConfigError(Exception):
    """One readable line, e.g. ``ADMIN_IDS: 'x1' is not a Telegram user id``."""


class LogSettings(BaseSettings):
    """What ``ordergram`` needs before anything else: how to log (``bot.logs``)."""

    # An empty value (``LOG_LEVEL=`` in an env file) is unset, not a level.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class Settings(LogSettings):
    # An empty value (``TELEGRAM_API_URL=`` in an env file, ``export ADMIN_IDS=``) means "not
    # set": the default applies, as people who blank a line in a template expect.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    bot_token: str = ""
    telegram_api_url: str = PUBLIC_BOT_API
    database_url: str = Field(default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / 'ordergram.sqlite3'}")
    # `ordergram backup --prune FOLDER/` (the nightly one) removes its dated copies there older than this; 0 keeps all.
    backup_keep_days: int = Field(default=30, ge=0, le=3650)
    redis_url: str | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    notify_rate: float = Field(default=29.0, ge=0)  # messages/s overall (Telegram: ~30); 0 = unlimited
    notify_chat_interval: float = Field(default=1.05, ge=0)  # seconds between messages to one chat
    staff_chat_id: int | None = None
    # Customers' conversations: a forum supergroup gets a topic per customer; unset, or a plain
    # group, they go to STAFF_CHAT_ID's chat and staff answer by replying (README, "Support").
    support_chat_id: int | None = None
    support_sign_replies: bool = True  # the customer sees which staff member answered
    # When someone answers, in TIMEZONE ("Mon-Fri 09:00-18:00; Sat 10:00-14:00"); unset: always.
    # Outside them a customer who writes is told when a person will answer (README, "Support").
    support_hours: str = ""
    default_locale: str = "en"  # a language with a catalog (bot.i18n checks it at start)
    locales_dir: Path | None = None  # translations to use instead of the shipped ones (one folder per language)
    # Product photos stored as files are served from here only (its subfolders, links resolved):
    # a path stored before imports kept photos next to their CSV may name any image on the server.
    photo_dir: Path = Field(default_factory=Path.cwd)
    shop_settings_file: Path | None = None  # TOML: the shop's name, contacts and policies (see README)
    default_currency: str = "EUR"
    timezone: str = "UTC"
    payment_provider_token: str | None = None
    # Cash at the door or at the pickup counter (COD); false: customers pay by card (business buyers by invoice too).
    cash_on_delivery: bool = True
    # Where couriers take "Buy now" orders: ISO 3166-1 alpha-2 codes, comma-separated (e.g. GB,IE).
    # Unset: no "Buy now" button (Telegram's payment form asks for an address anywhere).
    shipping_countries: Annotated[tuple[str, ...], NoDecode] = ()
    webhook_url: str | None = None  # public HTTPS URL Telegram posts updates to; unset = long polling
    # Checked against X-Telegram-Bot-Api-Secret-Token on every POST. Unset: one is derived from
    # BOT_TOKEN (bot.serving.derived_webhook_secret), the same in every process, and registered.
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    hold_minutes: int = Field(default=30, ge=1, le=24 * 60)
    return_window_days: int = Field(default=14, ge=0, le=365)
    order_edit_window_minutes: int = Field(default=30, ge=0, le=7 * 24 * 60)  # 0: only staff edit orders
    followup_days: int = Field(default=3, ge=0, le=90)
    daily_report_hour: int = Field(default=8, ge=0, le=23)  # shop time (TIMEZONE)
    cart_reminder_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)  # an idle cart is reminded once
    catalog_page_size: int = Field(default=6, ge=1, le=20)
    orders_page_size: int = Field(default=5, ge=1, le=20)
    processing_days: int = Field(default=0, ge=0, le=30)
    pickup_ready_hours: int = Field(default=2, ge=0, le=240)
    transfer_days: int = Field(default=2, ge=0, le=30)
    invoice_net_days: int = Field(default=14, ge=0, le=180)
    # A customer's open unpaid orders (cash on delivery or at pickup, a card not yet paid) at most:
    # a script cannot reserve the shop's stock with orders it never pays for. 0: no cap.
    max_unpaid_orders: int = Field(default=5, ge=0, le=1000)
    # Replenishment policy: the share of units demanded served from stock (fill rate). With
    # SERVICE_LEVEL_BY_CLASS, per ABC class by revenue instead (A: the best sellers).
    service_level: float = Field(default=0.95, ge=0.5, le=0.999)
    service_level_by_class: bool = False
    service_level_a: float = Field(default=0.98, ge=0.5, le=0.999)
    service_level_b: float = Field(default=0.95, ge=0.5, le=0.999)
    service_level_c: float = Field(default=0.90, ge=0.5, le=0.999)
    forecast_hour: int = Field(default=2, ge=0, le=23)  # shop time: the nightly forecast job
    # The nightly job's policy becomes each stock row's reorder point and maximum (what the
    # reorder scan orders by); off: the levels people set stay (/forecast applies one by hand).
    forecast_auto_apply: bool = False
    tax_rate: Decimal = Field(default=Decimal(0), ge=0, lt=100)  # percent included in prices (VAT)
    jobs_tick_seconds: float = Field(default=60, ge=1, le=3600)  # how often the scheduler looks for due work
    notifier_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    # /healthz, /readyz and /metrics on their own listener (``ordergram run``; serve has them anyway)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_host: str = "127.0.0.1"
    ready_outbox_max_age_seconds: float = Field(default=900, gt=0)  # /readyz fails when a message waits longer
    # /metrics shows the shop's figures: only to ``Authorization: Bearer <METRICS_TOKEN>``; unset,
    # only to a scraper on this machine, straight to the port (bot.health.metrics_refusal).
    metrics_token: str | None = None
    # The Mini App (storefront /app/shop, staff dashboard /app/dashboard), served by ``ordergram
    # serve``: the public https:// address that reaches serve's port (unset: no menu button, and
    # /shop and /dashboard say it is not set up).
    webapp_url: str | None = None
    webapp_auth_max_age_seconds: int = Field(default=86400, ge=60, le=7 * 86400)  # initData older is refused
    webapp_session_hours: int = Field(default=12, ge=1, le=30 * 24)  # a browser sign-in of the dashboard lasts
    # Requests one intake API key may send (bot.api_limits): a runaway channel gets 429, the rest
    # of the shop does not feel it. ``limits``' notation; 0 = no limit.
    api_rate_limit: str = "30/second;600/minute"
    # Wrong API keys one client address may send (bot.api_lockout): over it, 429 before any key
    # it sends is checked, so keys cannot be guessed. Same notation; 0 = no limit.
    api_auth_failure_limit: str = "10/minute;100/hour"
    # Unknown promo codes one customer may type at the review (bot.promo_guesses): over it, no code
    # is checked. Enough for typos and a code misread from a flyer; far too few to find a code by
    # trying. Same notation; 0 = no limit.
    promo_guess_limit: str = "5/10 minutes;20/day"
    # Proxies whose X-Forwarded-For names the client (bot.client_address): addresses or networks,
    # comma-separated; the default trusts loopback and private networks (nginx in compose.yaml).
    trusted_proxies: str = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"

    def secrets(self) -> list[str | None]:
        """Values no log may show (``bot.logs.never_log``)."""
        return [
            self.bot_token,
            self.payment_provider_token,
            self.webhook_secret,
            self.metrics_token,
            urlsplit(self.database_url).password,
            urlsplit(self.redis_url or "").password,
        ]

    def service_levels(self) -> ServiceLevels:
        if not self.service_level_by_class:
            return ServiceLevels(self.service_level)
        levels = (self.service_level_a, self.service_level_b, self.service_level_c)
        return ServiceLevels(self.service_level, dict(zip(ProductClass, levels, strict=True)))

    def checkout_policy(self) -> CheckoutPolicy:
        return CheckoutPolicy(
            timezone=self.timezone,
            processing_days=self.processing_days,
            pickup_ready_hours=self.pickup_ready_hours,
            transfer_days=self.transfer_days,
            invoice_net_days=self.invoice_net_days,
            card_payments=bool(self.payment_provider_token),
            cash_on_delivery=self.cash_on_delivery,
            staff_chat_id=self.staff_chat_id,
            tax_rate=format(self.tax_rate.normalize(), "f"),
            max_unpaid_orders=self.max_unpaid_orders,
        )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> tuple[int, ...]:
        if value is None or value == "":
            return ()
        if isinstance(value, int):
            return (value,)
        if isinstance(value, (list, tuple)):
            return tuple(int(v) for v in value)
        ids = []
        for part in str(value).replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError(f"{part!r} is not a Telegram user id")
            ids.append(int(part))
        return tuple(ids)

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        try:
            return normalize_currency(value)
        except UnknownCurrency:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code") from None

    @field_validator("shipping_countries", mode="before")
    @classmethod
    def _countries(cls, value: object) -> tuple[str, ...]:
        parts = value if isinstance(value, (list, tuple)) else str(value or "").replace(";", ",").split(",")
        codes = tuple(str(part).strip().upper() for part in parts if str(part).strip())
        for code in codes:
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(f"{code!r} is not a two-letter country code (ISO 3166-1 alpha-2)")
        return codes

    @field_validator("cash_on_delivery")
    @classmethod
    def _some_way_to_pay(cls, value: bool, info: ValidationInfo) -> bool:
        # Checked here, not at checkout: a shop started so would offer a retail customer nothing to pay with.
        if not value and not info.data.get("payment_provider_token"):
            raise ValueError(
                "false leaves customers no way to pay (only business buyers could, by invoice): set "
                "PAYMENT_PROVIDER_TOKEN to take cards, or keep cash on delivery (CASH_ON_DELIVERY=true)"
            )
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", value):
            raise ValueError(f"{value!r} is not a language code like en, ru or pt_BR")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone ({_zone_meant(value)})") from None
        return value

    @field_validator("support_hours")
    @classmethod
    def _support_hours(cls, value: str) -> str:
        SupportHours.parse(value)  # its ValueError names the mistake
        return value.strip()

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"{_masked(value)!r} must be an https:// URL")
        # serve answers these paths itself on the webhook's server: under /api/v1 every POST
        # without an API key (Telegram's updates) was a 401, so no update was ever handled.
        path = urlsplit(value or "").path.rstrip("/")
        if any(path == taken or path.startswith(taken + "/") for taken in TAKEN_PATHS):
            raise ValueError(
                f"{_masked(value or '')!r}: {path} is served by Ordergram itself; choose another path, e.g. /telegram"
            )
        # Telegram posts every update there and nothing says so.
        _not_an_example(
            value, "Telegram would post every update there and none would reach the bot", "for long polling"
        )
        return value or None

    @field_validator("webapp_url")
    @classmethod
    def _webapp_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"{_masked(value)!r} must be an https:// URL")
        # Every customer's menu button and /shop, and staff's /dashboard, would open a page that is not the shop.
        _not_an_example(value, "the menu button, /shop and /dashboard would open it, not your shop", "for no Mini App")
        return value.rstrip("/") if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("only letters, digits, _ and - (1-256 characters), as Telegram requires")
        return value or None

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: str | None) -> str | None:
        # A bearer token's characters (RFC 6750), long enough not to be guessed.
        if value and not re.fullmatch(r"[A-Za-z0-9._~+/=-]{16,256}", value):
            raise ValueError(
                "16 to 256 letters, digits or -._~+/= (a bearer token; e.g. the output of openssl rand -hex 32)"
            )
        return value or None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9+]*://", value):
            raise ValueError(
                f"{_masked(value)!r} is not a database URL (like sqlite+aiosqlite:////srv/shop/ordergram.sqlite3 "
                "or postgresql+asyncpg://user@host/ordergram)"
            )
        scheme, rest = value.split("://", 1)
        backend, _, driver = scheme.partition("+")
        if backend == "sqlite":  # any SQLite driver name: storage.db runs SQLite its own way
            if rest.partition("?")[0].removeprefix("/") in ("", ":memory:"):  # else a shop lost whole at its stop
                raise ValueError(
                    f"{_masked(value)} names no database file (SQLite would keep the shop in memory and lose it when "
                    "Ordergram stops); give a path, like sqlite+aiosqlite:////srv/shop/ordergram.sqlite3"
                )
            return value
        if backend not in ("postgresql", "postgres"):
            raise ValueError(
                f"{scheme}://: Ordergram runs on SQLite or PostgreSQL (sqlite+aiosqlite:///… or postgresql+asyncpg://…)"
            )
        if driver != "asyncpg":  # else SQLAlchemy's ModuleNotFoundError (psycopg2…), a traceback at start
            shown = _masked(value).split("://", 1)[1]
            raise ValueError(f"Ordergram talks to PostgreSQL through asyncpg: write it postgresql+asyncpg://{shown}")
        if importlib.util.find_spec("asyncpg") is None:
            raise ValueError("PostgreSQL needs asyncpg, not installed here: pip install 'ordergram[postgres]'")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        # else redis-py's ValueError, a traceback at start
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"{_masked(value)!r} is not a Redis URL (like redis://127.0.0.1:6379/0, rediss://… or unix://…)"
            )
        return value or None

    @field_validator("api_rate_limit", "api_auth_failure_limit", "promo_guess_limit")
    @classmethod
    def _rate(cls, value: str, info: ValidationInfo) -> str:
        spec = value.strip().lower()
        if spec in ("0", "off"):
            return "0"
        # Checked here, not by importing limits: commands that never serve the API start without it.
        if not all(RATE.fullmatch(part.strip()) for part in re.split(r"[;,]", spec)):
            like = cls.model_fields[info.field_name or ""].default  # the setting's own default as the example
            raise ValueError(f"{value!r} is not a rate like {like} (or 0 for no limit)")
        return spec

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        for part in parts:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network (like 10.0.0.0/8)") from None
        return ",".join(parts)

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{_masked(value)!r} must start with http:// or https://")
        return value.rstrip("/")

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url or "").path or "/"

    def require_token(self) -> None:
        if not self.bot_token or ":" not in self.bot_token:
            raise ConfigError("BOT_TOKEN: required to run the bot (the token @BotFather gave you, like 123456:ABC...)")


def _not_an_example(value: str | None, lost: str, unset: str) -> None:
    """Refuse an address on a documentation domain (RFC 2606's example.com, .org and .net, never a shop's):
    a copy of an example left as it was. ``lost``: what would go there; ``unset``: what unsetting it means."""
    if is_example_address(value):
        raise ValueError(
            f"{_masked(value or '')!r} is an example address (a reserved documentation domain): {lost}; set your "
            f"shop's own https:// address, or unset it {unset}"
        )


def _masked(url: str) -> str:
    """``url`` as a refusal may quote it: a password in it (``user:password@``) shown as ***. Every refusal is
    printed and kept in the service's journal, and a URL refused is often one whose scheme was mistyped."""
    userinfo, at, host = url.rpartition("@")  # the last @: a password may hold one, unescaped
    if not at:
        return url
    # A scheme, even mistyped (``PostgreSQL+asyncpg://``, ``postgresql+asyncpg//``): the user name follows it.
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:?//", userinfo)
    start = scheme.end() if scheme else 0
    user, colon, _ = userinfo[start:].partition(":")
    return f"{userinfo[:start]}{user}{colon and ':***'}@{host}"


def _zone_meant(value: str) -> str:
    """The IANA zone a city's name alone (``London``, ``moscow``) most likely means, else an example of one."""
    from zoneinfo import available_timezones

    city = value.strip().replace(" ", "_").casefold()
    found = sorted(zone for zone in available_timezones() if zone.rsplit("/", 1)[-1].casefold() == city and "/" in zone)
    return f"did you mean {found[0]}?" if found else "such as Europe/London"


RATE = re.compile(r"[1-9][0-9]*\s*(/|\s+per\s+)\s*([1-9][0-9]*\s+)?(second|minute|hour|day)s?")


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise _config_error(exc) from None
    never_log(*settings.secrets())
    return settings


def load_log_settings(*, default_level: str = "INFO") -> LogSettings:
    """``LOG_LEVEL`` and ``LOG_FORMAT``; ``default_level`` when ``LOG_LEVEL`` is unset."""
    try:
        settings = LogSettings()
    except ValidationError as exc:
        raise _config_error(exc) from None
    if "log_level" not in settings.model_fields_set:
        settings.log_level = default_level  # type: ignore[assignment]
    return settings


# pydantic's own refusals ("Input should be a valid integer, unable to parse string as an integer") named neither
# the value nor what to write: each kind said as a person would, quoting what was given. Only typed (non-text)
# settings meet these, so no secret is ever quoted.
_KINDS = {
    "int_parsing": "{value!r} is not a whole number",
    "int_from_float": "{value!r} is not a whole number",
    "decimal_parsing": "{value!r} is not a number",
    "float_parsing": "{value!r} is not a number",
    "bool_parsing": "{value!r} is not true or false",
    "less_than_equal": "{value} is more than {le}, the most it may be",
    "greater_than_equal": "{value} is less than {ge}, the least it may be",
    "less_than": "{value} is not less than {lt}",
    "greater_than": "{value} is not more than {gt}",
    "literal_error": "{value!r} is not {expected}",
}


def _config_error(exc: ValidationError) -> ConfigError:
    """Every bad value, one line each: naming only the first had a shop restart once per mistake."""
    return ConfigError("\n".join(_refusal(error) for error in exc.errors()))


def _refusal(error: ErrorDetails) -> str:
    name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
    message = str(error["msg"]).removeprefix("Value error, ")
    said = _KINDS.get(error["type"])
    if said is not None:
        message = said.format(value=error["input"], **{k: str(v) for k, v in (error.get("ctx") or {}).items()})
    return f"{name}: {message}"


# Names other bots' guides use for the token: a shop following one wrote them into .env.
_TOKEN_NAMES = frozenset({"TELEGRAM_TOKEN", "TELEGRAM_BOT_TOKEN", "TOKEN", "API_TOKEN"})


def unknown_in_dotenv(path: Path = Path(".env")) -> list[str]:
    """What ``.env`` sets that no setting reads (``extra="ignore"`` drops it without a word), each with the
    setting likely meant: a misspelt ``STAFF_CHAT`` left new orders going to no one, and nothing said why."""
    import difflib

    from dotenv import dotenv_values

    if not path.is_file():
        return []
    names = sorted(name.upper() for name in Settings.model_fields)
    said = []
    for key in dotenv_values(path):
        if key.upper() in names:
            continue
        meant = ["BOT_TOKEN"] if key.upper() in _TOKEN_NAMES else difflib.get_close_matches(key.upper(), names, 1, 0.75)
        hint = f" (did you mean {meant[0]}?)" if meant else ""
        said.append(f"{path}: {key} is not an Ordergram setting and is ignored{hint}")
    return said
