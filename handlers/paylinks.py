"""Payment links: /paylink ORDER for staff, and Telegram's createInvoiceLink behind the domain's port."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import LabeledPrice, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.payments import InvoiceSpec
from domain.ports import Clock, UnitOfWork
from domain.usecases.paylinks import PaymentLink, payment_link
from handlers.context import ShopSettings
from handlers.views.rendering import fill, format_money, shorten

router = Router(name=__name__)
MAX_TITLE = 32  # Telegram's limit for an invoice's title


class TelegramInvoiceLinks:
    """``InvoiceLinks`` through the Bot API, the invoice worded in its reader's language."""

    def __init__(self, bot: Bot, i18n: I18n, provider_token: str) -> None:
        self.bot, self.i18n, self.provider_token = bot, i18n, provider_token

    def _words(self, invoice: InvoiceSpec) -> tuple[str, list[LabeledPrice]]:
        locale = invoice.language if invoice.language in self.i18n.available_locales else self.i18n.default_locale
        title = shorten(self.i18n.gettext(invoice.title_key, locale=locale).format(**invoice.title_params), MAX_TITLE)
        prices = [LabeledPrice(label=self.i18n.gettext(key, locale=locale), amount=a) for key, a in invoice.prices]
        return title, prices

    async def create(self, invoice: InvoiceSpec) -> str:
        title, prices = self._words(invoice)
        return await self.bot.create_invoice_link(
            title=title,
            description=invoice.description or title,
            payload=invoice.payload,
            provider_token=self.provider_token,
            currency=invoice.currency,
            prices=prices,
            need_shipping_address=invoice.need_shipping_address or None,
            is_flexible=invoice.is_flexible or None,
        )

    async def send(self, chat_id: int, invoice: InvoiceSpec) -> None:
        """The same invoice as a message in a chat (``sendInvoice``)."""
        title, prices = self._words(invoice)
        await self.bot.send_invoice(
            chat_id,
            title=title,
            description=invoice.description or title,
            payload=invoice.payload,
            provider_token=self.provider_token,
            currency=invoice.currency,
            prices=prices,
            need_shipping_address=invoice.need_shipping_address or None,
            is_flexible=invoice.is_flexible or None,
        )


def invoice_links(bot: Bot, i18n: I18n, provider_token: str | None) -> TelegramInvoiceLinks | None:
    """None without a payment provider: the use case then says card payments are off."""
    return TelegramInvoiceLinks(bot, i18n, provider_token) if provider_token else None


def link_sent_text(link: PaymentLink) -> str:
    """What the staff member who asked for the link reads."""
    if link.sent:
        sentence = _("💳 Payment link for order {code} ({amount}) sent to the customer:\n{url}")
    else:
        sentence = _("💳 The customer of order {code} has no chat with the bot. Send them this link to pay {amount}:")
        sentence += "\n{url}"
    return fill(sentence, code=link.order.code, amount=format_money(link.due), url=link.url)


@router.message(Command("paylink"))
async def paylink(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
    settings: ShopSettings,
) -> None:
    assert message.from_user is not None
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Usage: /paylink ORDER-CODE — send the customer a link to pay what the order owes."))
        return
    links = invoice_links(bot, i18n, settings.payment_provider_token)
    link = await payment_link(uow, clock, links, code=code, staff_id=message.from_user.id)
    await message.answer(link_sent_text(link))
