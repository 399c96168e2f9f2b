"""Money, dates and numbers follow the reader's locale (Babel, the shop's time zone): a
currency code is never glued to its digits ("RUB889.44"), and dates are written the way
the reader writes them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.harness import RunningBot, running_bot
from domain.money import Money
from handlers.views.dates import format_moment
from handlers.views.rendering import format_money, format_number, format_share
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, order_code, pdf_text, place_cod_order
from tests.fakes import FakeClock

CODES = "RUB|EUR|USD|GBP|KZT|JPY"
GLUED = re.compile(rf"\b(?:{CODES})\d|\d(?:{CODES})\b")  # a code glued to digits (order codes are not money)


def test_a_currency_without_a_symbol_is_spaced_from_its_digits_in_every_locale() -> None:
    for locale in ("en", "ru", "de"):
        for currency in ("RUB", "EUR", "USD", "GBP", "KZT", "JPY"):
            for minor in (88944, -88944, 123456789):
                shown = format_money(Money(minor, currency), locale)
                assert not GLUED.search(shown), (locale, currency, shown)
    assert format_money(Money(88944, "RUB"), "en") == "RUB\u00a0889.44"
    assert format_money(Money(88944, "RUB"), "ru") == "889,44\u00a0₽"
    assert format_money(Money(88944, "EUR"), "en") == "€889.44"


async def test_numbers_and_shares_are_the_readers(shop: RunningBot) -> None:
    i18n = shop.runtime.i18n
    with i18n.context():
        with i18n.use_locale("en"):
            assert (format_number(1234.56, 1), format_share(0.953, 1)) == ("1,234.6", "95.3%")
        with i18n.use_locale("ru"):
            assert (format_number(1234.56, 1), format_share(0.953, 1)) == ("1\u00a0234,6", "95,3\u00a0%")


async def test_key_screens_in_english_and_russian_show_no_glued_codes_and_local_dates(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx KZT 600")  # a currency with no symbol in either language
    await admin.send("/fx RUB 100")
    placed_at = shop.runtime.clock.now()
    # TIMEZONE unset (UTC, no country): English day first, as the world writes it, not the US's 11/25/26, 9:00 AM.
    expected_dates = {"en": format_moment(placed_at, "UTC", "en"), "ru": "25 нояб. 2026\u202fг., 09:00"}
    assert expected_dates["en"] == "25 Nov 2026, 9:00\u202fam"
    for user_id, language, currency in ((820, "en", "KZT"), (821, "ru", "KZT"), (822, "en", "RUB")):
        user = SandboxUser(shop.server, user_id, "Kim", language_code=language)
        menu = await user.send("/currency")
        await user.press(menu.last, currency)
        screens = [(await user.send("/start p_85123A")).last.text]
        await add_to_cart(user, "85123A", 2)
        screens.append((await user.send("/cart")).last.text)
        placed = await place_cod_order(user)
        screens.extend(message.text for message in placed.new)
        detail = (await user.send(f"/track {order_code(placed)}")).last.text
        screens.append(detail)
        for screen in screens:
            assert not GLUED.search(screen), (language, currency, screen)
        assert expected_dates[language] in detail, detail
    report = (await admin.send("/report today")).last.text + (await admin.send("/forecast 85123A")).last.text
    assert not GLUED.search(report)


async def test_a_pdf_receipt_dates_the_order_in_the_shops_time_zone_the_readers_way(tmp_path: Path) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'tz.sqlite3'}",
        clock=FakeClock(),
        timezone="Europe/Moscow",
        default_currency="GBP",
    ) as bot:
        for user_id, language, when in (
            (830, "en", "25 Nov 2026, 12:00\u202fpm"),  # to the minute; World English: Babel has no en_RU
            (831, "ru", "25 нояб. 2026 г., 12:00"),
        ):
            user = SandboxUser(bot.server, user_id, "Kim", language_code=language)
            await add_to_cart(user, "85123A", 1)
            code = order_code(await place_cod_order(user))
            receipt = (await user.send(f"/receipt {code}")).last
            assert receipt.file is not None
            text = pdf_text(receipt.file.content)
            assert when.replace("\u202f", " ") in text.replace("\u202f", " "), text


async def test_a_number_that_rounds_to_zero_is_never_printed_negative(shop: RunningBot) -> None:
    # The forecast's safety stock (reorder point less a lead demand a hair above it) read "-0.0".
    i18n = shop.runtime.i18n
    with i18n.context():
        with i18n.use_locale("en"):
            assert [format_number(v, 1) for v in (-0.0, -0.04, -0.06)] == ["0.0", "0.0", "-0.1"]
            assert format_number(-0.4) == "0"
        with i18n.use_locale("ru"):
            assert [format_number(v, 1) for v in (-0.0, -0.04)] == ["0,0", "0,0"]


async def test_paper_dates_follow_the_shops_country_in_the_readers_language(tmp_path: Path) -> None:
    """An English receipt in a London shop read "Nov 25, 2026, 9:00 AM", the US's way, while chat wrote en_GB's."""
    for timezone, expected in (
        ("Europe/London", {"en": "25 Nov 2026, 09:00", "ru": "25 нояб. 2026 г., 09:00"}),  # 24-hour, day first
        ("America/New_York", {"en": "Nov 25, 2026, 4:00 AM", "ru": "25 нояб. 2026 г., 04:00"}),
    ):
        async with running_bot(
            f"sqlite+aiosqlite:///{tmp_path / f'{timezone[-6:]}.sqlite3'}",
            clock=FakeClock(),
            timezone=timezone,
            default_currency="GBP",
        ) as bot:
            for user_id, language in ((840, "en"), (841, "ru")):
                user = SandboxUser(bot.server, user_id, "Kim", language_code=language)
                await add_to_cart(user, "85123A", 1)
                code = order_code(await place_cod_order(user))
                receipt = (await user.send(f"/receipt {code}")).last
                assert receipt.file is not None
                text = pdf_text(receipt.file.content).replace("\u202f", " ").replace("\xa0", " ")
                assert expected[language] in text, (timezone, language, text)
