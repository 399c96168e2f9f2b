"""Set-ups and readers of test_catalog_admin_web that other test modules use too."""

from __future__ import annotations

import io

from aiohttp import FormData
from PIL import Image
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m


async def product_id(shop: RunningBot, sku: str) -> int:
    async with shop.runtime.sessions() as session:
        found = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku))
    assert found is not None
    return found


MADE = ("created", "variant_added")  # what the fixture's import audits of a product and its variants being made


async def changes(shop: RunningBot, sku: str) -> list[tuple[str, str, str, str]]:
    """The product's audited changes since it was made."""
    pid = await product_id(shop, sku)
    async with shop.runtime.sessions() as session:
        rows = await session.scalars(
            select(m.ProductChangeRow)
            .where(m.ProductChangeRow.product_id == pid, m.ProductChangeRow.field.not_in(MADE))
            .order_by(m.ProductChangeRow.id)
        )
        return [(r.actor, r.field, r.before, r.after) for r in rows]


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def upload(name: str, content: bytes, field: str = "photo", **fields: str) -> FormData:
    form = FormData()
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field(field, content, filename=name, content_type="application/octet-stream")
    return form
