"""The shop's own identity: an admin sets its name, contacts and policies per language in
/settings (or a settings file), and customers see them in /start, /help, /policies, the
order confirmation and the receipt — in their language."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import ConfigError
from bot.harness import RunningBot, running_bot
from bot.shop_file import EXAMPLE, read_values
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls
from tests.e2e.journeys import add_to_cart, order_code, pdf_text, place_cod_order
from tests.fakes import FakeClock

RETURNS_EN = "Return any item within 14 days.\nUnused, in its box."
RETURNS_RU = "Возврат в течение 14 дней.\nБез следов использования."


async def identity_rows(shop: RunningBot) -> list[tuple[str, str, str, str]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(
                m.ShopIdentityRow.field, m.ShopIdentityRow.language, m.ShopIdentityRow.source, m.ShopIdentityRow.value
            ).order_by(m.ShopIdentityRow.field, m.ShopIdentityRow.language, m.ShopIdentityRow.source)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def set_up_identity(admin: SandboxUser) -> None:
    for text in (
        "/settings name Corner Books",
        "/settings telegram @corner_help",
        "/settings email help@corner.example",
        f"/settings returns en {RETURNS_EN}",
        f"/settings returns ru {RETURNS_RU}",
        "/settings privacy en We keep your address only to deliver.",
    ):
        reply = await admin.send(text)
        assert reply.last.text.startswith("✅ Saved."), (text, reply.last.text)


async def test_an_admin_sets_the_identity_and_customers_see_it_in_start_help_and_policies(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await set_up_identity(admin)
    overview = (await admin.send("/settings")).last.text
    assert "name: Corner Books\ntelegram: @corner_help\nphone: —\nemail: help@corner.example" in overview
    assert "returns ru: 52 characters · Возврат в течение 14 дней." in overview

    alice = SandboxUser(shop.server, 801, "Alice", language_code="en")
    start = (await alice.send("/start")).last.text
    assert start.startswith("Hello, Alice!\nWelcome to Corner Books.")
    assert "Questions? Write to us: @corner_help · help@corner.example" in start
    assert "Returns, delivery and privacy: /policies" in start
    assert "Corner Books · How to use this bot" in (await alice.send("/help")).last.text

    policies = await alice.send("/policies")
    assert policies.last.text.startswith("Our policies")
    assert policies.last.button_texts() == ["↩️ Returns", "🔒 Privacy"]  # no delivery policy written
    returns = await alice.press(policies.last, "↩️ Returns")
    assert returns.last.text.startswith("↩️ Returns\n\nReturn any item within 14 days.\nUnused, in its box.")
    assert returns.last.message_id == policies.last.message_id  # the same message, edited

    boris = SandboxUser(shop.server, 802, "Борис", language_code="ru")
    start_ru = (await boris.send("/start")).last.text
    assert "Добро пожаловать в Corner Books." in start_ru and "Вопросы? Напишите нам: @corner_help" in start_ru
    policies_ru = await boris.send("/policies")
    assert policies_ru.last.button_texts() == ["↩️ Возврат", "🔒 Конфиденциальность"]
    assert RETURNS_RU in (await boris.press(policies_ru.last, "↩️ Возврат")).last.text
    privacy_ru = (await boris.press(policies_ru.last, "🔒 Конфиденциальность")).last.text
    assert "На вашем языке этого текста пока нет; вот он на языке: английский." in privacy_ru
    assert "We keep your address only to deliver." in privacy_ru


async def test_bad_or_oversized_settings_are_refused_with_the_limit_and_change_nothing(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/settings name Corner Books")
    before = await identity_rows(shop)
    too_long = "That is {n} characters; “{field}” takes at most {limit}. Nothing was changed."
    username = "@a<b> is not a Telegram username: 5–32 letters, digits and _, starting with a letter."
    phone = "“12” does not look like a phone number. Please include the country code, e.g. +44 20 7946 0958."
    fields = "name, telegram, phone, email, tax_number, address, bank, returns, delivery, privacy"
    refusals = [
        ("/settings name " + "x" * 65, too_long.format(n=65, field="name", limit=64)),
        ("/settings returns en " + "y" * 3001, too_long.format(n=3001, field="returns", limit=3000)),
        ("/settings telegram @a<b>", username),
        ("/settings email not-an-address", "not-an-address does not look like an e-mail address."),
        ("/settings phone 12", phone),
        ("/settings name Evil\u202eShop", "The text contains invisible control characters; type it as plain text."),
        ("/settings name Two\nlines", "“name” is one line: type it without line breaks."),
        (
            "/settings returns xx Text",
            "Say the policy's language first: en, ru. For example: /settings returns en TEXT",
        ),
        ("/settings motto Hi", f"Unknown setting “motto”. Settings: {fields}."),
        ("/settings name", "Type the new value after the setting's name, or “-” to clear it."),
    ]
    for text, refusal in refusals:
        assert (await admin.send(text)).last.text == refusal, text
    assert await identity_rows(shop) == before
    ru = (await SandboxUser(shop.server, ADMIN, "Ada", language_code="ru").send("/settings name " + "я" * 70)).last
    assert ru.text == "Длина текста — 70 симв., а в «name» помещается не больше 64. Ничего не изменено."


async def test_html_in_a_shop_name_or_policy_reads_as_typed(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/settings name <b>Bold</b> & Co")
    await admin.send("/settings delivery en Free over <i>£50</i> & more")
    alice = SandboxUser(shop.server, 803, "Alice")
    start = (await alice.send("/start")).last
    assert "Welcome to <b>Bold</b> & Co." in start.text
    assert start.html is not None and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in start.html
    policies = await alice.send("/policies")
    assert "Free over <i>£50</i> & more" in (await alice.press(policies.last, "🚚 Delivery")).last.text


async def test_only_an_admin_may_change_the_identity(shop: RunningBot) -> None:
    manager = await hire(shop, 810, "Max", "manager", "LON")
    assert (await manager.send("/settings name Max's")).last.text == "Your role (manager) does not allow this."
    assert await identity_rows(shop) == []


async def test_clearing_a_policy_takes_its_button_away_and_an_old_button_says_so(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/settings delivery en Two days.")
    alice = SandboxUser(shop.server, 804, "Alice")
    policies = await alice.send("/policies")
    await admin.send("/settings delivery en -")
    pressed = await alice.press(policies.last, "🚚 Delivery")
    assert pressed.callback_answer is not None
    assert pressed.callback_answer["text"] == "The shop no longer has this policy."
    assert (await alice.send("/policies")).last.text.startswith("The shop has not published its policies yet.")


async def test_the_order_confirmation_and_the_receipt_carry_the_shop_and_its_contacts(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await set_up_identity(admin)
    await admin.send("/settings phone +44 20 7946 0958")
    alice = SandboxUser(shop.server, 805, "Alice")
    await add_to_cart(alice, "85123A", 1)
    placed = await place_cod_order(alice)
    confirmation = next(msg.text for msg in placed.new if "is placed" in msg.text)
    assert "Questions? Write to us: @corner_help · +442079460958 · help@corner.example" in confirmation
    assert "Returns, delivery and privacy: /policies" in confirmation
    receipt = await alice.send(f"/receipt {order_code(placed)}")
    assert receipt.last.file is not None
    text = pdf_text(receipt.last.file.content)
    assert "Corner Books" in text and "@corner_help" in text
    assert "Return any item within 14 days." in text and "Unused, in its box." in text


@contextlib.asynccontextmanager
async def shop_with_file(tmp_path: Path, content: str) -> AsyncIterator[RunningBot]:
    settings_file = tmp_path / "shop.toml"
    settings_file.write_text(content, encoding="utf-8")
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'file.sqlite3'}",
        clock=FakeClock(),
        admin_ids=[ADMIN],
        demo_catalog=False,
        shop_settings_file=settings_file,
    ) as bot:
        yield bot
        assert refused_calls(bot) == []


SETTINGS_FILE = """
name = "File Books"
tax_number = "gb 123 4567 89"
[support]
telegram = "@file_books"
[policies.ru]
returns = "Возврат из файла."
"""


async def test_the_settings_file_shows_and_an_edit_in_chat_wins_until_cleared(tmp_path: Path) -> None:
    async with shop_with_file(tmp_path, SETTINGS_FILE) as shop:
        alice = SandboxUser(shop.server, 806, "Alice")
        assert "Welcome to File Books." in (await alice.send("/start")).last.text
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        await admin.send("/settings name Chat Books")
        assert "Welcome to Chat Books." in (await alice.send("/start")).last.text
        await admin.send("/settings name -")
        assert "Welcome to File Books." in (await alice.send("/start")).last.text
        assert "tax_number: GB 123 4567 89" in (await admin.send("/settings")).last.text  # as invoices print it
        policies = await alice.send("/policies")
        assert "Возврат из файла." in (await alice.press(policies.last, "↩️ Returns")).last.text


async def test_a_bad_settings_file_stops_start_up_naming_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"SHOP_SETTINGS_FILE: .*unknown policies.en.refunds"):
        async with shop_with_file(tmp_path, '[policies.en]\nrefunds = "x"\n'):
            pass
    with pytest.raises(ConfigError, match="does not look like a tax number"):
        async with shop_with_file(tmp_path, 'tax_number = "n/a"\n'):
            pass
    with pytest.raises(ConfigError, match="“name” takes at most 64"):
        async with shop_with_file(tmp_path, f'name = "{"n" * 65}"\n'):
            pass


FILE_ADDRESS = "12 Charing Cross Road, London WC2H 0EP"
FILE_BANK = "Barclays, sort code 20-00-00, account 12345678"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_settings_file_gives_the_address_and_bank_details_as_settings_address_and_bank_do(
    tmp_path: Path, language: str
) -> None:
    content = f'name = "File Books"\naddress = "{FILE_ADDRESS}"\nbank = "{FILE_BANK}"\n'
    async with shop_with_file(tmp_path, content) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
        overview = (await admin.send("/settings")).last.text
        assert f"address: {FILE_ADDRESS}" in overview and f"bank: {FILE_BANK}" in overview, overview
        await admin.send("/settings bank Chat Bank, account 1")  # an edit in chat wins over the file's
        overview = (await admin.send("/settings")).last.text
        assert "bank: Chat Bank, account 1" in overview and f"address: {FILE_ADDRESS}" in overview, overview
        await admin.send("/settings bank -")  # cleared in chat: the file's shows again
        assert f"bank: {FILE_BANK}" in (await admin.send("/settings")).last.text


async def test_the_settings_example_and_an_unknown_key_name_the_address_and_bank(tmp_path: Path) -> None:
    example = tmp_path / "example.toml"
    example.write_text(EXAMPLE, encoding="utf-8")
    assert {field for field, _, _ in read_values(example)} >= {"address", "bank"}
    keys = "name, tax_number, address, bank, support, policies"
    with pytest.raises(ConfigError, match=f"unknown key 'iban' \\({keys}\\)"):
        async with shop_with_file(tmp_path, 'iban = "GB00"\n'):
            pass
