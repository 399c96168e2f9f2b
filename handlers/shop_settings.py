"""/settings: an admin sets the shop's name, support contacts, tax number and policies per language
(``/settings returns en TEXT``); "-" clears a value so the settings file's shows again."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.ports import UnitOfWork
from domain.shop import ADDRESS, BANK, CLEAR, FIELDS, POLICIES, TAX_NUMBER, ShopIdentity, check_field, vat_at_zero
from domain.usecases.shop import change_shop_setting
from handlers.context import ShopSettings
from handlers.shop import identity_of_shop
from handlers.views.rendering import Renderer

router = Router(name=__name__)


def _first_word(text: str) -> tuple[str, str]:
    """The first word and the rest: a policy's text keeps its line breaks."""
    match = re.match(r"\s*(\S+)\s?(.*)", text, re.DOTALL)
    return (match.group(1), match.group(2)) if match else ("", "")


def _overview(renderer: Renderer, identity: ShopIdentity, i18n: I18n, saved: tuple[str, str] | None = None) -> str:
    """Every value (or, after a change, ``saved``'s line only: the admin sees what was kept)."""
    languages = sorted(i18n.available_locales, key=lambda code: (code != i18n.default_locale, code))
    shown = {"name": identity.name or "", **identity.contacts, TAX_NUMBER: identity.tax_number or ""}
    shown |= {ADDRESS: identity.address or "", BANK: identity.bank or ""}
    single = [(name, shown.get(name, "")) for name in FIELDS if name not in POLICIES]
    policies = [(kind, [(lang, identity.values.get((kind, lang), "")) for lang in languages]) for kind in POLICIES]
    if saved is not None:
        single = [(name, value) for name, value in single if name == saved[0]]
        policies = [(kind, [(lang, t) for lang, t in texts if lang == saved[1]]) for kind, texts in policies]
        policies = [(kind, texts) for kind, texts in policies if kind == saved[0]]
    return renderer.render(
        "staff/settings.html.j2",
        saved=saved is not None,
        single=single,
        policies=policies,
        languages=" | ".join(languages),
    )


@router.message(Command("settings"))
async def settings_command(
    message: Message, command: CommandObject, uow: UnitOfWork, i18n: I18n, renderer: Renderer, settings: ShopSettings
) -> None:
    assert message.from_user is not None
    args = (command.args or "").strip()
    if not args:
        await message.answer(_overview(renderer, await identity_of_shop(uow, i18n), i18n))
        return
    name, rest = _first_word(args)
    field = check_field(name)
    language = ""
    if field in POLICIES:
        language, rest = _first_word(rest)
    value = rest.strip()
    identity = await change_shop_setting(
        uow,
        admin_id=message.from_user.id,
        field=field,
        language=language,
        value=None if value == CLEAR else value,
        languages=i18n.available_locales,
        default_language=i18n.default_locale,
    )
    text = _overview(renderer, identity, i18n, saved=(field, language))
    if field == TAX_NUMBER and vat_at_zero(identity.tax_number, settings.checkout_policy.tax_rate):
        # TAX_RATE is read at start, from the environment: the chat cannot set it, only say where it is set.
        text += "\n\n" + _(
            "⚠️ TAX_RATE is 0: invoices print this number but show 0 % VAT until TAX_RATE is set to the VAT rate "
            "included in your prices, in the bot's settings file .env (or its environment), e.g. TAX_RATE=20, and "
            "the bot restarted."
        )
    await message.answer(text)
