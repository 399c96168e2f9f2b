"""Set-ups and readers of test_catalog_management that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m


async def _product(shop: RunningBot, sku: str) -> m.ProductRow:
    async with shop.runtime.sessions() as session:
        return (await session.scalars(select(m.ProductRow).where(m.ProductRow.sku == sku))).one()


async def _price(shop: RunningBot, sku: str, currency: str = "GBP") -> int:
    row = await _product(shop, sku)
    async with shop.runtime.sessions() as session:
        return (
            await session.scalars(
                select(m.ProductPriceRow.amount_minor).where(
                    m.ProductPriceRow.product_id == row.id, m.ProductPriceRow.currency == currency
                )
            )
        ).one()


async def _changes(shop: RunningBot, sku: str) -> list[tuple[str, str, str, str]]:
    row = await _product(shop, sku)
    async with shop.runtime.sessions() as session:
        found = await session.execute(
            select(
                m.ProductChangeRow.actor, m.ProductChangeRow.field, m.ProductChangeRow.before, m.ProductChangeRow.after
            )
            .where(m.ProductChangeRow.product_id == row.id)
            .order_by(m.ProductChangeRow.id)
        )
        return [tuple(r) for r in found]  # type: ignore[misc]
