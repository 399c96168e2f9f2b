"""Cart lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, and_, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.cache import CacheView
from storage.db import DIALECT
from storage.repositories.cached import fills
from storage.repositories.sql import _INSERT_FOR, _table, direct, fetch, run

_CART = _table(m.CartLineRow)
_CART_LINES = direct(
    fills(
        "carts",
        select(_CART.c.product_id, _CART.c.quantity).where(_CART.c.customer_id == bindparam("customer_id")),
    )
)
_THIS_LINE = and_(
    _CART.c.customer_id == bindparam("cart_lines_customer_id"), _CART.c.product_id == bindparam("cart_lines_product_id")
)
_REMOVE_CART_LINE = delete(_CART).where(_THIS_LINE)


def _cart_line_upsert(insert_for: Any) -> Executable:
    """Set a cart line whether or not it is there yet, in one statement (was an UPDATE, then
    an INSERT when it changed nothing: two statements for every first add, and a race
    between two of them)."""
    statement = insert_for(_CART).values(
        customer_id=bindparam("cart_lines_customer_id"),
        product_id=bindparam("cart_lines_product_id"),
        quantity=bindparam("new_quantity"),
        updated_at=bindparam("at"),
    )
    changed = {"quantity": statement.excluded.quantity, "updated_at": statement.excluded.updated_at}
    return cast(
        Executable,
        statement.on_conflict_do_update(index_elements=[_CART.c.customer_id, _CART.c.product_id], set_=changed),
    )


_SET_CART_LINE_BY_DIALECT = {
    dialect: direct(_cart_line_upsert(insert_for)) for dialect, insert_for in _INSERT_FOR.items()
}
_CLEAR_CART = delete(_CART).where(_CART.c.customer_id == bindparam("cart_lines_customer_id"))


class SqlCarts:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def lines(self, customer_id: int) -> dict[int, int]:
        if self.cache is not None and (cached := self.cache.get("carts", customer_id)) is not None:
            return dict(cast(dict[int, int], cached))
        rows = await fetch(self.s, _CART_LINES, {"customer_id": customer_id})
        lines = {row.product_id: row.quantity for row in rows}
        if self.cache is not None:
            self.cache.put("carts", customer_id, dict(lines))
        return lines

    async def set(self, customer_id: int, product_id: int, quantity: int, at: datetime) -> None:
        line = {"cart_lines_customer_id": customer_id, "cart_lines_product_id": product_id}
        if quantity <= 0:
            await run(self.s, _REMOVE_CART_LINE, line)
            return
        upsert = _SET_CART_LINE_BY_DIALECT[self.s.info[DIALECT]]
        await run(self.s, upsert, {**line, "new_quantity": quantity, "at": at})

    async def clear(self, customer_id: int) -> None:
        await run(self.s, _CLEAR_CART, {"cart_lines_customer_id": customer_id})
