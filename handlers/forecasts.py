"""/forecast SKU: demand forecast per warehouse with the suggested replenishment policy,
and a button that applies it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.staff import Permission, can
from domain.usecases.forecasts import QUANTILES, apply_reorder_point, product_forecast
from domain.usecases.staff import staff_member
from domain.weeks import MIN_WEEKS
from handlers.callbacks import button
from handlers.callbacks_staff import ApplyReorder
from handlers.context import ShopSettings
from handlers.views.rendering import Renderer, format_number

router = Router(name=__name__)


@router.message(Command("forecast"))
async def forecast_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, settings: ShopSettings, renderer: Renderer
) -> None:
    assert message.from_user is not None
    sku = (command.args or "").strip()
    if not sku:
        await message.answer(_("Usage: /forecast SKU"))
        return
    product, found = await product_forecast(
        uow,
        clock,
        staff_id=message.from_user.id,
        sku=sku,
        levels=settings.service_levels,
        currency=settings.default_currency,
    )
    rows = [
        [
            button(
                _("Apply {point} / {top} at {warehouse}").format(
                    point=format_number(f.policy.reorder_point),
                    top=format_number(f.policy.order_up_to),
                    warehouse=f.warehouse,
                ),
                ApplyReorder(
                    product_id=product.id or 0,
                    warehouse_id=f.warehouse_id,
                    point=f.policy.reorder_point,
                    top=f.policy.order_up_to,
                ),
            )
        ]
        for f in found
        if f.policy is not None and f.changes
    ]
    # Only who may change reorder points is offered the button: to anyone else every press was a refusal.
    if rows and not can(await staff_member(uow, message.from_user.id), Permission.EDIT_STOCK):
        rows = []
    await message.answer(
        renderer.render(
            "staff/forecast.html.j2",
            product=product,
            forecasts=found,
            min_weeks=MIN_WEEKS,
            quantiles=QUANTILES,
            today=shop_day(clock.now(), settings.timezone),
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None,
    )


@router.callback_query(ApplyReorder.filter(), F.from_user)
async def apply_button(query: CallbackQuery, callback_data: ApplyReorder, uow: UnitOfWork) -> None:
    product, warehouse = await apply_reorder_point(
        uow,
        staff_id=query.from_user.id,
        product_id=callback_data.product_id,
        warehouse_id=callback_data.warehouse_id,
        point=callback_data.point,
        order_up_to=callback_data.top,
    )
    await query.answer(
        _("{sku} at {warehouse}: reorder point {point}, order up to {top}.").format(
            sku=product.sku,
            warehouse=warehouse,
            point=format_number(callback_data.point),  # as the button wrote them
            top=format_number(callback_data.top),
        ),
        show_alert=True,
    )
