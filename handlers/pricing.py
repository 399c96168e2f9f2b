"""/fx for managers: exchange rates against the base currency, set and reviewed."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.fx import FxRate
from domain.ports import Clock, UnitOfWork
from domain.usecases.fx import rate_board
from domain.usecases.rate_changes import RateAlreadySet, RateFarOff, set_rate
from handlers.callbacks import rows_of
from handlers.callbacks_staff import FxRateCb
from handlers.views.pressed import show_in_place
from handlers.views.rendering import Renderer, fill, fill_text, format_change, format_rate

router = Router(name=__name__)


@router.message(Command("fx"))
async def fx_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    """``/fx`` the rates; ``/fx RUB`` one pair's history; ``/fx RUB 105.20`` or
    ``/fx GBP RUB 105.20`` sets a rate (1 GBP = 105.20 RUB)."""
    assert message.from_user is not None
    args = (command.args or "").split()
    if len(args) > 3:
        await message.answer(_("Usage: /fx [CURRENCY] or /fx [BASE] CURRENCY RATE, e.g. /fx RUB 105.20"))
        return
    if len(args) >= 2:
        try:
            rate = await set_rate(uow, clock, staff_id=message.from_user.id, args=args)
        except RateFarOff as far:  # a typo reprices every price in the currency: asked first
            await _ask(message, far)
            return
        await message.answer(_rate_set(renderer, rate))
        return
    board = await rate_board(uow, staff_id=message.from_user.id, currency=args[0] if args else None)
    await message.answer(renderer.render("staff/fx.html.j2", board=board, asked=args[0].upper() if args else None))


def _rate_set(renderer: Renderer, rate: FxRate) -> str:
    return renderer.render("staff/fx_set.html.j2", rate=rate)


async def _ask(message: Message, far: RateFarOff) -> None:
    """The rate, the current one and the change, with ✅ Set / ✖️ Cancel: nothing is kept until ✅."""
    p = far.params
    rate = format_rate(p["rate"])
    change = format_change(p["change"])
    old = format_rate(p["old"])
    text = fill(
        _(RateFarOff.key), base=p["base"], quote=p["quote"], currency=p["currency"], rate=rate, old=old, change=change
    )
    packed = {"first": p["base"], "second": p["quote"], "rate": format(p["rate"], "f").replace(".", "_")}
    keyboard = rows_of(
        (
            _("✅ Set 1 {base} = {rate} {quote}").format(base=p["base"], rate=rate, quote=p["quote"]),
            FxRateCb(**packed, seen=p["seen"], action="set"),
        ),
        (_("✖️ Cancel"), FxRateCb(**packed, seen=p["seen"], action="no")),
    )
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(FxRateCb.filter())
async def fx_confirmed(
    query: CallbackQuery, callback_data: FxRateCb, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    """✅: the rate set as asked, if the current rate is still the one the question showed; ✖️: nothing."""
    quote = callback_data.second if callback_data.first == uow.base_currency else callback_data.first
    if callback_data.action == "no":
        await query.answer()
        await show_in_place(query, _("✖️ The {currency} rate is unchanged; see /fx {currency}.").format(currency=quote))
        return
    args = [callback_data.first, callback_data.second, callback_data.rate.replace("_", ".")]
    try:
        rate = await set_rate(uow, clock, staff_id=query.from_user.id, args=args, seen=callback_data.seen)
    except RateAlreadySet as done:  # a second tap before the first's edit showed: its own change, not "out of date"
        p = done.params
        await query.answer(
            fill_text(_(RateAlreadySet.key), base=p["base"], rate=format_rate(p["rate"]), quote=p["quote"])
        )
        return
    await query.answer()
    await show_in_place(query, _rate_set(renderer, rate))
