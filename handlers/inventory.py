"""Stock commands for staff: /stock, /receive, /adjust, /move, /lowstock, /reorder."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.errors import InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.usecases.inventory import (
    MAX_RECEIPT,
    StockView,
    adjust,
    low_stock,
    move,
    receive,
    set_reorder_point,
    stock_view,
)
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)
# /lowstock's lines in the chat: a catalog under its reorder points at once (a reorder file for
# every variant) was otherwise hundreds of messages; the rest is counted (/lowstock WAREHOUSE
# narrows it).
MAX_LOW_STOCK_SHOWN = 40
# A product with variants found by /stock is a line per variant and one per warehouse holding it:
# this many lines of them in all (a shoe in 184 sizes × colours was several messages), shared
# by the products found, the rest counted. A line is at most ~120 characters and a product's
# heading and footer ~200: five products found stay within one message of 4,096.
MAX_VARIANT_LINES = 24


def _args(command: CommandObject) -> list[str]:
    return (command.args or "").split()


def _number(text: str, *, signed: bool = False) -> int:
    """A typed quantity; anything else is the usual quantity message."""
    body = text[1:] if signed and text[:1] in "+-" else text
    if not body.isdecimal() or len(body) > 9:  # more digits is no count (nor fits a database column)
        raise InvalidQuantity(maximum=MAX_RECEIPT)
    return -int(body) if text.startswith("-") else int(body)


def _who(message: Message) -> int:
    assert message.from_user is not None
    return message.from_user.id


@router.message(Command("stock"))
async def show_stock(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    if not (command.args or "").strip():
        await message.answer(_("Usage: /stock SKU, barcode or part of a name"))
        return
    views = await stock_view(uow, staff_id=_who(message), query=command.args or "")
    shown, more = _first_variants(views)
    await message.answer(renderer.render("staff/stock.html.j2", views=shown, more=more))


def _first_variants(views: list[StockView]) -> tuple[list[StockView], list[int]]:
    """Each product's first variants within its share of ``MAX_VARIANT_LINES`` (at least one),
    and how many more each has."""
    share = MAX_VARIANT_LINES // max(sum(1 for v in views if v.variants), 1)
    shown, more = [], []
    for view in views:
        lines, taken = 0, 0
        for variant in view.variants:
            lines += 1 + max(len(variant.warehouses), 1)
            if taken and lines > share:
                break
            taken += 1
        shown.append(replace(view, variants=view.variants[:taken]))
        more.append(len(view.variants) - taken)
    return shown, more


@router.message(Command("receive"))
async def receive_goods(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    args = _args(command)
    if len(args) not in (3, 4):
        await message.answer(_("Usage: /receive SKU QTY WAREHOUSE [BIN], e.g. /receive 85123A 24 LON A-01-02-1"))
        return
    quantity = _number(args[1])
    product, warehouse, bin_code = await receive(
        uow,
        clock,
        staff_id=_who(message),
        sku=args[0],
        quantity=quantity,
        warehouse_code=args[2],
        bin_code=args[3] if len(args) == 4 else None,
    )
    await message.answer(
        fill(
            _("Received {quantity} × {sku} into {warehouse} {bin}."),
            quantity=quantity,
            sku=product.sku,
            warehouse=warehouse.code,
            bin=bin_code,
        )
    )


@router.message(Command("adjust"))
async def adjust_stock(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    args = _args(command)
    if len(args) < 3:
        await message.answer(_("Usage: /adjust SKU WAREHOUSE ±QTY REASON, e.g. /adjust 85123A LON -2 damaged"))
        return
    product, warehouse, level = await adjust(
        uow,
        clock,
        staff_id=_who(message),
        sku=args[0],
        warehouse_code=args[1],
        delta=_number(args[2], signed=True),
        reason=" ".join(args[3:]),
    )
    await message.answer(
        fill(
            _("{sku} in {warehouse}: {on_hand} on hand, {available} available."),
            sku=product.sku,
            warehouse=warehouse.code,
            on_hand=level.on_hand,
            available=level.available,
        )
    )


@router.message(Command("move"))
async def move_stock(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    args = _args(command)
    if len(args) not in (4, 5):
        await message.answer(_("Usage: /move SKU QTY FROM-BIN TO-BIN [WAREHOUSE]"))
        return
    quantity = _number(args[1])
    product, warehouse, source, target = await move(
        uow,
        clock,
        staff_id=_who(message),
        sku=args[0],
        quantity=quantity,
        from_bin=args[2],
        to_bin=args[3],
        warehouse_code=args[4] if len(args) == 5 else None,
    )
    await message.answer(
        fill(
            _("Moved {quantity} × {sku} in {warehouse}: {source} → {target}."),
            quantity=quantity,
            sku=product.sku,
            warehouse=warehouse.code,
            source=source,
            target=target,
        )
    )


@router.message(Command("reorder"))
async def reorder_point(message: Message, command: CommandObject, uow: UnitOfWork) -> None:
    args = _args(command)
    if len(args) not in (3, 4):
        await message.answer(_("Usage: /reorder SKU WAREHOUSE POINT [MAX], e.g. /reorder 85123A LON 20 100"))
        return
    point = _number(args[2]) if args[2] != "0" else 0
    top = _number(args[3]) if len(args) == 4 else None
    await set_reorder_point(
        uow, staff_id=_who(message), sku=args[0], warehouse_code=args[1], point=point, max_level=top
    )
    await message.answer(_("Reorder point saved."))


@router.message(Command("lowstock"))
async def show_low_stock(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    args = _args(command)
    lines = await low_stock(uow, staff_id=_who(message), warehouse_code=args[0] if args else None)
    shown, more = lines[:MAX_LOW_STOCK_SHOWN], max(len(lines) - MAX_LOW_STOCK_SHOWN, 0)
    await message.answer(renderer.render("staff/lowstock.html.j2", lines=shown, more=more))
