"""/policies: the shop's returns, delivery and privacy policies in the reader's language,
one button each; and the shop's name and contacts that /start, /help and receipts show."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from domain.ports import UnitOfWork
from domain.shop import ShopIdentity
from domain.usecases.shop import shop_identity
from handlers.callbacks import PolicyChoice, rows_of
from handlers.views.pressed import show_in_place
from handlers.views.rendering import Renderer, language_named_in

router = Router(name=__name__)

POLICY_TITLES = {"returns": __("↩️ Returns"), "delivery": __("🚚 Delivery"), "privacy": __("🔒 Privacy")}


async def identity_of_shop(uow: UnitOfWork, i18n: I18n) -> ShopIdentity:
    return await shop_identity(uow, i18n.default_locale)


def shop_context(identity: ShopIdentity, language: str) -> dict[str, object]:
    """What /start, /help and the order confirmation show of the shop (``shop/about.html.j2``)."""
    return {
        "shop_name": identity.name or "",
        "contacts": list(identity.contacts.values()),
        "has_policies": bool(identity.policies(language)),
    }


def policy_buttons(identity: ShopIdentity, language: str, shown: str = "") -> InlineKeyboardMarkup:
    return rows_of(
        *(
            (("· " if kind == shown else "") + str(POLICY_TITLES[kind]), PolicyChoice(kind=kind))
            for kind in identity.policies(language)
        ),
        width=3,
    )


@router.message(Command("policies"))
async def show_policies(message: Message, uow: UnitOfWork, i18n: I18n, renderer: Renderer) -> None:
    identity = await identity_of_shop(uow, i18n)
    language = i18n.current_locale
    text = renderer.render("shop/policies.html.j2", **shop_context(identity, language))
    await message.answer(text, reply_markup=policy_buttons(identity, language))


@router.callback_query(PolicyChoice.filter())
async def show_policy(
    query: CallbackQuery, callback_data: PolicyChoice, uow: UnitOfWork, i18n: I18n, renderer: Renderer
) -> None:
    identity = await identity_of_shop(uow, i18n)
    language = i18n.current_locale
    found = identity.policy(callback_data.kind, language)
    if found is None:  # removed since the button was sent
        await query.answer(_("The shop no longer has this policy."), show_alert=True)
        return
    await query.answer()
    text, written_in = found
    page = renderer.render(
        "shop/policy.html.j2",
        title=str(POLICY_TITLES[callback_data.kind]),
        text=text,
        other_language=language_named_in(written_in, language) if written_in != language else "",
        **shop_context(identity, language),
    )
    await show_in_place(query, page, policy_buttons(identity, language, callback_data.kind))
