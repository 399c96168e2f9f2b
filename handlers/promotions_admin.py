"""/promotion and /promocode for managers: list what runs, create, end."""

from __future__ import annotations

import shlex

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.i18n import N_
from domain.ports import Clock, UnitOfWork
from domain.usecases.promotion_admin import (
    create_code,
    create_promotion,
    end_code,
    end_promotion,
    promotion_board,
)
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)

PROMOTION_USAGE = N_(
    "Usage:\n/promotion — running and coming\n"
    "/promotion new NAME percent=10|off=5.00|buy=2 category=NAME|products=SKU,product:CODE|over=50.00 "
    "until=YYYY-MM-DD [from=YYYY-MM-DD]\n"
    "/promotion end ID\n"
    "products=: a SKU is that one variant; product:CODE is every size and colour of the product, later ones too."
)
CODE_USAGE = N_(
    "Usage:\n/promocode — codes not yet over\n"
    "/promocode new CODE percent=10|off=5.00 until=YYYY-MM-DD [from=…] [min=20.00] [uses=100] "
    "[per_customer=1] [first_order] [category=NAME] [products=SKU,product:CODE] [groups=wholesale,vip]\n"
    "/promocode end CODE\n"
    "products=: a SKU is that one variant; product:CODE is every size and colour of the product, later ones too."
)


def _parse(args: str) -> tuple[list[str], dict[str, str]] | None:
    """Words and ``key=value`` options (quotes keep spaces: ``"Winter sale"``); None if the
    quotes do not close."""
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    plain = [w for w in words if "=" not in w and w != "first_order"]
    options = dict(w.split("=", 1) for w in words if "=" in w)
    options = {k.strip().lower(): v for k, v in options.items()}
    if "first_order" in words:
        options["first_order"] = "yes"
    return plain, options


@router.message(Command("promotion"))
async def promotion_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    parsed = _parse(command.args or "")
    if parsed is None or (parsed[0] and parsed[0][0].lower() not in ("new", "end")):
        await message.answer(_(PROMOTION_USAGE))
        return
    words, options = parsed
    if not words:
        promotions, _codes, now = await promotion_board(uow, clock, staff_id=staff_id)
        await message.answer(renderer.render("staff/promotions.html.j2", promotions=promotions, codes=None, now=now))
        return
    if words[0].lower() == "end":
        if len(words) != 2 or not words[1].isdecimal():
            await message.answer(_(PROMOTION_USAGE))
            return
        ended = await end_promotion(uow, clock, staff_id=staff_id, promotion_id=int(words[1]))
        await message.answer(fill(_("Promotion “{name}” ended."), name=ended.name))
        return
    if len(words) < 2:
        await message.answer(_(PROMOTION_USAGE))
        return
    added = await create_promotion(uow, clock, staff_id=staff_id, name=" ".join(words[1:]), options=options)
    await message.answer(renderer.render("staff/promotions.html.j2", promotions=[added], codes=None, now=clock.now()))


@router.message(Command("promocode"))
async def promocode_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    parsed = _parse(command.args or "")
    if parsed is None or (parsed[0] and parsed[0][0].lower() not in ("new", "end")):
        await message.answer(_(CODE_USAGE))
        return
    words, options = parsed
    if not words:
        _promotions, codes, now = await promotion_board(uow, clock, staff_id=staff_id)
        await message.answer(renderer.render("staff/promotions.html.j2", promotions=None, codes=codes, now=now))
        return
    if len(words) != 2:
        await message.answer(_(CODE_USAGE))
        return
    if words[0].lower() == "end":
        ended = await end_code(uow, clock, staff_id=staff_id, code=words[1])
        await message.answer(fill(_("Promo code {code} ended."), code=ended.code))
        return
    added = await create_code(uow, clock, staff_id=staff_id, code=words[1], options=options)
    await message.answer(renderer.render("staff/promotions.html.j2", promotions=None, codes=[added], now=clock.now()))
