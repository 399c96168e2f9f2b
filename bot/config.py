"""Configuration from the environment or a ``.env`` file (pydantic-settings).

A bad value stops start-up with one line naming the variable (see ``ConfigError``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.customers import SUPPORTED_LANGUAGES
from domain.errors import UnknownCurrency
from domain.money import normalize_currency
from domain.replenishment import ProductClass, ServiceLevels
from domain.usecases.checkout import CheckoutPolicy

PUBLIC_BOT_API = "https://api.telegram.org"


class ConfigError(Exception):
    """One readable line, e.g. ``ADMIN_IDS: 'x1' is not a Telegram user id``."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str = ""
    telegram_api_url: str = PUBLIC_BOT_API
    database_url: str = Field(default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / 'ordergram.sqlite3'}")
    redis_url: str | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    notify_rate: float = Field(default=29.0, ge=0)  # messages/s overall (Telegram: ~30); 0 = unlimited
    notify_chat_interval: float = Field(default=1.05, ge=0)  # seconds between messages to one chat
    staff_chat_id: int | None = None
    default_locale: str = "en"
    default_currency: str = "EUR"
    timezone: str = "UTC"
    payment_provider_token: str | None = None
    webhook_url: str | None = None  # public HTTPS URL Telegram posts updates to; unset = long polling
    # Checked against X-Telegram-Bot-Api-Secret-Token on every POST. Unset: one is derived from
    # BOT_TOKEN (bot.cli.derived_webhook_secret), the same in every process, and registered.
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    hold_minutes: int = Field(default=30, ge=1, le=24 * 60)
    return_window_days: int = Field(default=14, ge=0, le=365)
    followup_days: int = Field(default=3, ge=0, le=90)
    daily_report_hour: int = Field(default=8, ge=0, le=23)  # shop time (TIMEZONE)
    cart_reminder_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)  # an idle cart is reminded once
    catalog_page_size: int = Field(default=6, ge=1, le=20)
    orders_page_size: int = Field(default=5, ge=1, le=20)
    processing_days: int = Field(default=0, ge=0, le=30)
    pickup_ready_hours: int = Field(default=2, ge=0, le=240)
    transfer_days: int = Field(default=2, ge=0, le=30)
    invoice_net_days: int = Field(default=14, ge=0, le=180)
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
            staff_chat_id=self.staff_chat_id,
            tax_rate=format(self.tax_rate.normalize(), "f"),
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

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"{value!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"{value!r} must be an https:// URL")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("only letters, digits, _ and - (1-256 characters), as Telegram requires")
        return value or None

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} must start with http:// or https://")
        return value.rstrip("/")

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url or "").path or "/"

    def require_token(self) -> None:
        if not self.bot_token or ":" not in self.bot_token:
            raise ConfigError("BOT_TOKEN: required to run the bot (the token @BotFather gave you, like 123456:ABC...)")


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
