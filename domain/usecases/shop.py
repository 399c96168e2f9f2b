"""Reading and changing the shop's identity: an admin in chat, or the settings file at start."""

from __future__ import annotations

from collections.abc import Iterable

from domain.customers import Customer
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.shop import ShopIdentity, Source, check_field, check_language, merge, normalize
from domain.staff import Permission
from domain.tax_numbers import as_placed
from domain.usecases.staff import require


async def shop_identity(uow: UnitOfWork, default_language: str) -> ShopIdentity:
    """The chat's values over the settings file's (from the read cache: other processes'
    changes show within its reference TTL, this process's at once)."""
    async with uow.read_only():
        return merge(await uow.shop.identity(), default_language)


async def keep_tax_numbers(uow: UnitOfWork, order: Order, customer: Customer | None) -> ShopIdentity:
    """The buyer's and the shop's tax numbers kept on a new order ("" for none), so its invoices print those of
    the day it was placed; returns the shop's identity, read in the order's transaction."""
    shop = merge(await uow.shop.identity(), "")
    order.buyer_tax_number = (customer.tax_number if customer else None) or ""
    order.seller_tax_number = shop.tax_number or ""
    return shop


async def change_shop_setting(
    uow: UnitOfWork,
    *,
    admin_id: int,
    field: str,
    language: str,
    value: str | None,
    languages: Iterable[str],
    default_language: str,
) -> ShopIdentity:
    """Keep an admin's value (None: forget it, so the settings file's shows again)."""
    await require(uow, admin_id, Permission.MANAGE_SHOP)
    name = check_field(field)
    language = check_language(name, language, languages)
    kept = None if value is None else normalize(name, value)
    async with uow:
        await uow.shop.set_value(name, language, Source.CHAT, kept)
        await uow.commit()
        return merge(await uow.shop.identity(), default_language)


async def load_settings_file(uow: UnitOfWork, values: Iterable[tuple[str, str, str]], languages: Iterable[str]) -> int:
    """The settings file's (field, language, value) entries replace what the file said
    before; an admin's edits in chat stay and win. Returns how many values were kept."""
    offered = tuple(languages)
    rows = []
    for field, language, value in values:
        name = check_field(field)
        rows.append((name, check_language(name, language, offered), normalize(name, value)))
    async with uow:
        await uow.shop.replace_source(Source.FILE, rows)
        await uow.commit()
    return len(rows)


async def order_tax_numbers(uow: UnitOfWork, order: Order) -> tuple[str | None, str | None]:
    """(The buyer's, the shop's) tax numbers as the order's invoices print them (``as_placed``): what an order
    placed before they were kept lacks is read as it is today."""
    buyer, seller = order.buyer_tax_number, order.seller_tax_number
    if buyer is not None and seller is not None:
        return buyer or None, seller or None
    async with uow.read_only():
        customer = await uow.customers.get(order.customer_id) if buyer is None else None
        shop = merge(await uow.shop.identity(), "") if seller is None else None
    return (
        as_placed(buyer, customer.tax_number if customer else None),
        as_placed(seller, shop.tax_number if shop else None),
    )
