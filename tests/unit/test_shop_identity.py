"""The shop's identity rules: what a value may be, and which value wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.i18n import make_i18n
from domain.customers import InvalidPhone, normalize_phone, pick_language
from domain.shop import (
    BadEmail,
    BadUsername,
    ShopIdentity,
    ShopTextControl,
    ShopTextTooLong,
    Source,
    merge,
    normalize,
)
from handlers.views.rendering import language_name


def test_values_are_kept_tidy_and_refused_with_the_reason_and_the_limit() -> None:
    assert normalize("telegram", " https://t.me/corner_help ") == "corner_help"
    assert normalize("telegram", "@corner_help") == "corner_help"
    assert normalize("phone", "+44 20 7946 0958") == "+442079460958"
    assert normalize("returns", "Line one\r\nLine two\tend") == "Line one\nLine two\tend"
    with pytest.raises(ShopTextTooLong) as too_long:
        normalize("returns", "x" * 3001)
    assert too_long.value.params == {"field": "returns", "length": 3001, "limit": 3000}
    for name, value, error in (
        ("telegram", "@ab", BadUsername),
        ("telegram", "@1corner", BadUsername),
        ("email", "a@b", BadEmail),
        ("email", "<script>@x.io", BadEmail),
        ("phone", "call me", InvalidPhone),
        ("name", "Shop\x00", ShopTextControl),
        ("privacy", "abc\u2066def", ShopTextControl),
    ):
        with pytest.raises(error):
            normalize(name, value)


def test_an_edit_in_chat_wins_over_the_settings_file_whatever_the_order_read() -> None:
    rows = [
        ("name", "", Source.CHAT, "Chat Books"),
        ("name", "", Source.FILE, "File Books"),
        ("email", "", Source.FILE, "file@shop.example"),
        ("returns", "ru", Source.FILE, "Возврат"),
    ]
    for order in (rows, rows[::-1]):
        identity = merge(order, "en")
        assert identity.name == "Chat Books" and identity.contacts == {"email": "file@shop.example"}


def test_a_policy_is_read_in_the_readers_language_else_the_shops_else_any() -> None:
    identity = ShopIdentity({("returns", "en"): "EN", ("returns", "ru"): "RU", ("privacy", "ru"): "P-RU"}, "en")
    assert identity.policy("returns", "ru") == ("RU", "ru")
    assert identity.policy("returns", "de") == ("EN", "en")
    assert identity.policy("privacy", "de") == ("P-RU", "ru")
    assert identity.policy("delivery", "en") is None
    assert identity.policies("de") == ["returns", "privacy"]


def test_languages_are_named_in_themselves_from_babels_data() -> None:
    assert [language_name(code) for code in ("en", "ru", "de", "pt_BR", "zz")] == [
        "English",
        "Русский",
        "Deutsch",
        "Português (Brasil)",
        "zz",
    ]


def test_only_languages_with_a_catalog_are_picked() -> None:
    assert pick_language(None, "de-AT", "en", ("en", "ru")) == "en"
    assert pick_language(None, "de-AT", "en", ("en", "de")) == "de"
    assert pick_language("ru", "de", "en", ("en", "ru", "de")) == "ru"
    assert pick_language("fr", None, "ru", ("en", "ru")) == "ru"  # a choice whose catalog was removed


def test_a_default_locale_without_a_catalog_stops_start_up() -> None:
    with pytest.raises(ConfigError, match=r"DEFAULT_LOCALE: 'fr' has no catalog in .* \(found: en, ru\)"):
        make_i18n("fr")


def test_a_locales_dir_that_is_not_a_folder_stops_start_up_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"LOCALES_DIR: there is no folder .*nope"):
        make_i18n("en", tmp_path / "nope")


def test_a_message_for_a_language_without_a_catalog_is_sent_in_the_shops_default() -> None:
    from typing import Any, cast

    from bot.notifier import Notifier
    from domain.customers import Customer
    from handlers.views.rendering import Renderer
    from storage.outbox import OutboxMessage
    from tests.fakes import FakeClock

    hans = Customer(telegram_id=5, first_name="Hans", telegram_language="de-AT")
    assert hans.notification_language == "de"  # kept: a catalog added later would serve him
    notifier = Notifier(cast(Any, None), cast(Any, None), Renderer(), make_i18n("ru"), FakeClock())
    params = {"code": "ABCD2345", "status": "shipped", "reason": ""}
    for language in ("de", "", "ru"):
        text, _ = notifier.render(OutboxMessage(1, 5, "order_status", language, params, 0))
        assert "ABCD2345" in text and "Заказ" in text, (language, text)


@pytest.mark.parametrize("phone", ["+44 (0) 7700 900123", "0044 (0)7700-900123", "+44(0)7700900123"])
def test_the_trunk_zero_after_a_country_code_is_dropped(phone: str) -> None:
    assert normalize_phone(phone) == "+447700900123"


def test_a_trunk_zero_without_a_country_code_is_refused_not_read_as_another_country() -> None:
    with pytest.raises(InvalidPhone):  # dropped, "(0)20 7946 0958" read as +2079460958: Egypt
        normalize_phone("(0)20 7946 0958")
