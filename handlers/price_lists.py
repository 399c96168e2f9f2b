"""/pricelist for managers: price rules per customer group shown, added, removed."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.ports import UnitOfWork
from domain.usecases.pricing import (
    add_price_rule,
    price_list_board,
    remove_price_rule,
    set_ordering_terms,
)
from handlers.views.rendering import Renderer

router = Router(name=__name__)


def _usage() -> str:
    return _(
        "Usage: /pricelist [GROUP]; /pricelist add GROUP CURRENCY TARGET PRICE|PERCENT% [from N]; "
        "/pricelist terms GROUP TARGET [min N] [pack N]; /pricelist remove ID. "
        "TARGET: a SKU, product:CODE or category:NAME. "
        "E.g. /pricelist add wholesale EUR MUG-1 4.50 or /pricelist add wholesale EUR category:Kitchen 5% from 10"
    )


def _options(words: list[str], names: tuple[str, ...]) -> dict[str, int] | None:
    """``from 10``, ``min 20 pack 5`` → {"from": 10, …}; None when the words are not that."""
    if len(words) % 2:
        return None
    found: dict[str, int] = {}
    for name, value in zip(words[::2], words[1::2], strict=True):
        if name.lower() not in names or name.lower() in found or not value.isdecimal() or len(value) > 6:
            return None
        found[name.lower()] = int(value)
    return found


@router.message(Command("pricelist"))
async def pricelist_command(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    words = (command.args or "").split()
    action = words[0].lower() if words else ""
    if action == "add" and len(words) >= 5:
        options = _options(words[5:], ("from",))
        if options is None:
            await message.answer(_usage())
            return
        group, currency, target, value = words[1:5]
        shown = await add_price_rule(
            uow,
            staff_id=staff_id,
            group=group,
            currency=currency,
            target=target,
            value=value,
            from_quantity=options.get("from", 1),
        )
        await message.answer(renderer.render("staff/pricelist_set.html.j2", shown=shown))
        return
    if action == "terms" and len(words) >= 3:
        options = _options(words[3:], ("min", "pack"))
        if not options:
            await message.answer(_usage())
            return
        shown = await set_ordering_terms(
            uow,
            staff_id=staff_id,
            group=words[1],
            target=words[2],
            minimum=options.get("min"),
            pack=options.get("pack"),
        )
        await message.answer(renderer.render("staff/pricelist_set.html.j2", shown=shown))
        return
    if action == "remove" and len(words) == 2 and words[1].isdecimal() and len(words[1]) <= 12:
        removed = await remove_price_rule(uow, staff_id=staff_id, rule_id=int(words[1]))
        await message.answer(_("Price rule {id} removed.").format(id=removed.id))
        return
    if action in ("add", "terms", "remove") or len(words) > 1:
        await message.answer(_usage())
        return
    board = await price_list_board(uow, staff_id=staff_id, group=words[0] if words else None)
    await message.answer(renderer.render("staff/pricelist.html.j2", board=board))
