"""``/taxnumber``: a customer keeps their own VAT number or ИНН, which the invoices of their orders print."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.usecases.customers import TaxNumberForBusinesses, set_my_tax_number
from handlers.views.rendering import fill

router = Router(name=__name__)
FORGET = "-"  # as staff's ``/customer … tax -``


@router.message(Command("taxnumber"))
async def my_tax_number(message: Message, command: CommandObject, customer: Customer, uow: UnitOfWork) -> None:
    """Alone: what is kept and how to change it; ``-``: none; anything else is checked, then kept."""
    assert message.from_user is not None
    typed = " ".join((command.args or "").split())
    # Asked alone too: "you have no tax number yet" would invite one. Forgetting one is anyone's: an account made
    # ordinary again keeps the number it had.
    if not customer.is_business and typed != FORGET:
        text = _(TaxNumberForBusinesses.key)
        if customer.tax_number is not None:  # kept from when it was a business: its owner may still remove it
            still = _("You still have a tax number on file: {number}. To remove it: /taxnumber -")
            text += "\n" + fill(still, number=customer.tax_number)
        await message.answer(text)
        return
    if not typed:
        await message.answer(_shown(customer))
        return
    number = None if typed == FORGET else typed
    changed = await set_my_tax_number(uow, telegram_id=message.from_user.id, number=number)
    if changed.tax_number is None:
        await message.answer(_("You have no tax number now: the invoices of orders you place from now on print none."))
        return
    text = _(
        "Your tax number is now {number}: the invoices of orders you place from now on print it. "
        "To remove it: /taxnumber -"
    )
    await message.answer(fill(text, number=changed.tax_number))


def _shown(customer: Customer) -> str:
    if customer.tax_number is None:
        return _(
            "You have no tax number yet. Type /taxnumber and your VAT number or ИНН (e.g. /taxnumber GB 123 4567 89): "
            "the invoices of orders you place from then on print it."
        )
    text = _("Your tax number: {number}. To change it: /taxnumber NUMBER; to remove it: /taxnumber -")
    return fill(text, number=customer.tax_number)
