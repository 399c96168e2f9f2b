"""Set-ups and readers of test_family_category that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m

FAMILY = ("TEE", "TEE-M-WHT", "TEE-L-WHT", "TEE-S-NVY", "TEE-M-NVY", "TEE-L-NVY", "TEE-XL-NVY")


async def categories(shop: RunningBot) -> dict[str, str]:
    """Each T-shirt variant's category, by SKU."""
    p, c = m.ProductRow, m.CategoryRow
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(p.sku, c.name).join(c, c.id == p.category_id).where(p.sku.in_(FAMILY)))
        return dict(rows.all())


async def audit(shop: RunningBot) -> list[tuple[str, str, str, str, str]]:
    p, change = m.ProductRow, m.ProductChangeRow
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(p.sku, change.actor, change.field, change.before, change.after)
            .join(p, p.id == change.product_id)
            .where(p.sku.in_(FAMILY), change.field == "category")
            .order_by(p.sku)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]
