"""Stock counters and their reservations (holds and allocations): conditional writes, locks in one order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Executable, Integer, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from domain.errors import InsufficientStock
from domain.stock import Reservation, ReservationKind, StockDrift, StockInvariantBroken, StockLevel, StockMark
from domain.stock_counts import BinCount
from storage import identity
from storage import models as m
from storage.cache import CacheView
from storage.repositories import stock_changes, stock_counts, stock_levels
from storage.repositories.cached import fills
from storage.repositories.sql import _chunks, _table, direct, fetch, insert_if_missing, run
from storage.repositories.warehouses import bin_id_for

_STOCK = _table(m.StockRow)
_RES = _table(m.ReservationRow)


def _stock_update(condition: ColumnElement[bool], **values: object) -> Executable:
    """A counter changed only when ``condition`` holds: the row count says whether it did."""
    c = _STOCK.c
    return (
        update(_STOCK)
        .where(
            c.product_id == bindparam("stock_product_id"), c.warehouse_id == bindparam("stock_warehouse_id"), condition
        )
        .values(**values)
    )


# The lock order (ARCHITECTURE.md, "Lock order"): a transaction that writes several stock counters
# locks them by (product_id, warehouse_id), ascending, before it writes any of them out of that
# order; two that lock the same counters in opposite orders deadlock on PostgreSQL.
LOCK_ORDER = (_STOCK.c.product_id, _STOCK.c.warehouse_id)
_LOCK_PRODUCTS = (
    select(_STOCK.c.product_id)
    .where(_STOCK.c.product_id.in_(bindparam("ids", expanding=True)))
    .order_by(*LOCK_ORDER)
    .with_for_update()
)
_QTY: BindParameter[int] = bindparam("quantity")
_RESERVE = direct(_stock_update(_STOCK.c.on_hand - _STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved + _QTY))
_RELEASE = direct(_stock_update(_STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved - _QTY))
_RECOUNT = _stock_update(_STOCK.c.on_hand + _QTY >= _STOCK.c.reserved, on_hand=_STOCK.c.on_hand + _QTY)  # QTY: delta
_ADD_RESERVATION = direct(insert(_RES))
_DELETE_RESERVATION = direct(delete(_RES).where(_RES.c.id == bindparam("reservation_id")))
_CHANGE_RESERVATION = direct(
    update(_RES)
    .where(_RES.c.id == bindparam("reservation_id"))
    .values(quantity=_RES.c.quantity + bindparam("units", type_=Integer))
)
_HOLD = _RES.c.kind == ReservationKind.HOLD.value
_CUSTOMER_HOLDS = fills(
    "holds", select(_RES).where(_RES.c.customer_id == bindparam("customer_id"), _HOLD).order_by(_RES.c.id)
)
_EXPIRED_HOLDS = select(_RES).where(
    _RES.c.product_id == bindparam("product_id"), _HOLD, _RES.c.expires_at <= bindparam("now")
)
_PRODUCT_HOLDS = direct(
    select(_RES)
    .where(
        _RES.c.product_id == bindparam("product_id"),
        _HOLD,
        (_RES.c.customer_id == bindparam("customer_id")) | (_RES.c.expires_at <= bindparam("now")),
    )
    .order_by(_RES.c.id)
)
# The single-warehouse case of taking a hold in one statement (the levels' read only chose the
# warehouse): the one with the most available, reserved only if it has it all. The subquery
# merely picks; the outer condition decides, as ``_RESERVE``'s does, so two buyers racing for
# the last units cannot both win. The bind is the outer one's name: the write names its row.
_AVAILABLE = _STOCK.c.on_hand - _STOCK.c.reserved
_OTHER = _STOCK.alias("most")  # an alias, or the subquery would be correlated to the updated row
_MOST_AVAILABLE = (
    select(_OTHER.c.warehouse_id)
    .where(_OTHER.c.product_id == bindparam("stock_product_id"), _OTHER.c.on_hand - _OTHER.c.reserved >= _QTY)
    .order_by((_OTHER.c.on_hand - _OTHER.c.reserved).desc(), _OTHER.c.warehouse_id)
    .limit(1)
    .scalar_subquery()
)
_RESERVE_WHERE_MOST = direct(
    update(_STOCK)
    .where(_STOCK.c.product_id == bindparam("stock_product_id"), _STOCK.c.warehouse_id == _MOST_AVAILABLE)
    .where(_AVAILABLE >= _QTY)
    .values(reserved=_STOCK.c.reserved + _QTY)
    .returning(_STOCK.c.warehouse_id)
)
_EXTEND_HOLDS = direct(
    update(_RES)
    .where(_RES.c.customer_id == bindparam("reservations_customer_id"), _HOLD)
    .values(expires_at=bindparam("until"))
)
# In the lock order: what releases or consumes an order's reservations one by one takes their
# counters' locks in it.
_ORDER_RESERVATIONS = (
    select(_RES)
    .where(_RES.c.order_id == bindparam("order_id"))
    .order_by(_RES.c.product_id, _RES.c.warehouse_id, _RES.c.id)
)

_POSITION_RESERVATIONS = (
    select(_RES)
    .where(_RES.c.product_id == bindparam("product_id"), _RES.c.warehouse_id == bindparam("warehouse_id"))
    .order_by(_RES.c.id)
)


class SqlStock:
    """Counters change only through conditional UPDATEs whose row count decides success:
    correct under concurrency on SQLite (no SELECT ... FOR UPDATE) and PostgreSQL alike."""

    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]:
        return await stock_levels.levels(self.s, self.cache, product_ids)

    async def feed_mark(self) -> StockMark:
        return await stock_changes.mark(self.s)

    async def feed_origin(self) -> str:
        return await identity.origin(self.s)

    async def changed_since(self, since: StockMark, *, after: int, limit: int) -> list[tuple[int, str]]:
        return await stock_changes.changed_since(self.s, since, after, limit)

    async def levels_now(self, product_ids: Sequence[int]) -> list[StockLevel]:
        return await stock_changes.levels_now(self.s, list(product_ids))

    async def _conditional(self, statement: Executable, product_id: int, warehouse_id: int, quantity: int) -> bool:
        # "stock_product_id": the write names its row to the read cache (``KEY_COLUMN``)
        params = {"stock_product_id": product_id, "stock_warehouse_id": warehouse_id, "quantity": quantity}
        return bool((await run(self.s, statement, params)).rowcount)

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool:
        return await self._conditional(_RESERVE, product_id, warehouse_id, quantity)

    async def reserve_where_most(self, product_id: int, quantity: int) -> int | None:
        rows = (await run(self.s, _RESERVE_WHERE_MOST, {"stock_product_id": product_id, "quantity": quantity})).all()
        return int(rows[0][0]) if rows else None

    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        if not await self._conditional(_RELEASE, product_id, warehouse_id, quantity):
            raise StockInvariantBroken()

    async def _bin_id(self, warehouse_id: int, bin_code: str) -> int:
        return await bin_id_for(self.s, warehouse_id, bin_code)

    async def _ensure_counter(self, product_id: int, warehouse_id: int) -> None:
        if await self.s.get(m.StockRow, (product_id, warehouse_id)) is None:
            values = {"product_id": product_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
            await insert_if_missing(self.s, m.StockRow, values)

    async def lock_positions(self, places: Iterable[tuple[int, int]]) -> None:
        """Each (product, warehouse) counter, made if missing, locked to the transaction's end
        in the lock order (``LOCK_ORDER``; PostgreSQL; SQLite's write transactions are serial
        already): a bin read after this is not changed by another transaction before this one's
        count is set."""
        for product_id, warehouse_id in sorted(set(places)):
            await self._ensure_counter(product_id, warehouse_id)
            s = m.StockRow
            await self.s.execute(
                select(s.product_id).where(s.product_id == product_id, s.warehouse_id == warehouse_id).with_for_update()
            )

    async def lock_products(self, product_ids: Iterable[int]) -> None:
        """Every counter of these products, in every warehouse, locked to the transaction's end
        in the lock order, by one statement a chunk (PostgreSQL: its ``ORDER BY`` is the order
        the rows are locked in; SQLite's writers are serial already)."""
        ids = sorted(set(product_ids))
        if not ids or self.s.get_bind().dialect.name == "sqlite":
            return
        for chunk in _chunks(ids):  # chunks in ascending order: the order holds across them
            await self.s.execute(_LOCK_PRODUCTS, {"ids": list(chunk)})

    async def try_lock_products(self, product_ids: Iterable[int], warehouse_id: int) -> bool:
        """Every counter row of the products, skipping those another transaction holds: False when one was
        skipped; the rows it did lock stay locked until the caller's rollback."""
        ids = sorted(set(product_ids))
        for product_id in ids:
            await self._ensure_counter(product_id, warehouse_id)
        if not ids or self.s.get_bind().dialect.name == "sqlite":
            return True
        s = m.StockRow
        # SKIP LOCKED, not NOWAIT: a refused NOWAIT ends PostgreSQL's transaction; a skipped row is only missing.
        wanted = await self.s.scalar(select(func.count()).select_from(s).where(s.product_id.in_(ids)))
        held = (
            await self.s.execute(
                select(s.product_id, s.warehouse_id)
                .where(s.product_id.in_(ids))
                .order_by(s.product_id, s.warehouse_id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        return len(held) == wanted

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int:
        """Set a bin's count; the warehouse counter moves by the same delta, refused if it
        would drop below what is reserved. Returns the delta (recorded as a movement)."""
        bin_id = await self._bin_id(warehouse_id, bin_code)
        await self._ensure_counter(product_id, warehouse_id)
        current = await self.s.get(m.BinStockRow, (product_id, bin_id))
        delta = quantity - (current.quantity if current else 0)
        if delta == 0:
            return 0
        if not await self._conditional(_RECOUNT, product_id, warehouse_id, delta):
            level = await self.levels([product_id])
            available = sum(lv.available for lv in level if lv.warehouse_id == warehouse_id)
            raise InsufficientStock(available=max(available, 0))
        if current is None:
            self.s.add(m.BinStockRow(product_id=product_id, bin_id=bin_id, quantity=quantity))
        else:
            current.quantity = quantity
        self.s.add(
            m.InventoryMovementRow(
                product_id=product_id,
                warehouse_id=warehouse_id,
                bin_id=bin_id,
                delta=delta,
                reason=reason,
                actor=actor,
                at=at,
            )
        )
        await self.s.flush()
        return delta

    async def set_bin_quantities(self, counts: Sequence[BinCount], reason: str, actor: str, at: datetime) -> list[int]:
        """Many counts in a few statements (``storage.repositories.stock_counts``)."""
        return await stock_counts.set_bin_quantities(self.s, counts, reason, actor, at)

    async def add_reservation(self, reservation: Reservation) -> Reservation:
        values = {
            "product_id": reservation.product_id,
            "warehouse_id": reservation.warehouse_id,
            "quantity": reservation.quantity,
            "kind": reservation.kind.value,
            "customer_id": reservation.customer_id,
            "order_id": reservation.order_id,
            "expires_at": reservation.expires_at,
            "created_at": reservation.created_at,
        }
        result = await run(self.s, _ADD_RESERVATION, values)
        return replace(reservation, id=result.inserted_primary_key[0])  # type: ignore[index]

    @staticmethod
    def _reservation(row: Any) -> Reservation:  # ORM or Core row
        return Reservation(
            row.product_id,
            row.warehouse_id,
            row.quantity,
            ReservationKind(row.kind),
            row.customer_id,
            row.order_id,
            row.expires_at,
            row.created_at,
            row.id,
        )

    async def _reservations(self, statement: Executable, **params: object) -> list[Reservation]:
        return [self._reservation(row) for row in await fetch(self.s, statement, params)]

    async def delete_reservation(self, reservation: Reservation) -> None:
        params = {"reservation_id": reservation.id}
        await run(self.s, _DELETE_RESERVATION, params, rows={reservation.customer_id})

    async def customer_holds(self, customer_id: int) -> list[Reservation]:
        if self.cache is not None and (cached := self.cache.get("holds", customer_id)) is not None:
            return list(cast(tuple[Reservation, ...], cached))
        holds = await self._reservations(_CUSTOMER_HOLDS, customer_id=customer_id)
        if self.cache is not None:
            self.cache.put("holds", customer_id, tuple(holds))  # Reservation is frozen
        return holds

    async def expired_holds(self, product_id: int, now: datetime) -> list[Reservation]:
        return await self._reservations(_EXPIRED_HOLDS, product_id=product_id, now=now)

    async def product_holds(self, product_id: int, customer_id: int, now: datetime) -> list[Reservation]:
        return await self._reservations(_PRODUCT_HOLDS, product_id=product_id, customer_id=customer_id, now=now)

    async def change_reservation(self, reservation: Reservation, *, by: int) -> bool:
        params = {"reservation_id": reservation.id, "units": by}
        return (await run(self.s, _CHANGE_RESERVATION, params, rows={reservation.customer_id})).rowcount == 1

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None:
        await run(self.s, _EXTEND_HOLDS, {"reservations_customer_id": customer_id, "until": expires_at})

    async def order_reservations(self, order_id: int) -> list[Reservation]:
        return await self._reservations(_ORDER_RESERVATIONS, order_id=order_id)

    async def position_reservations(self, product_id: int, warehouse_id: int) -> list[Reservation]:
        return await self._reservations(_POSITION_RESERVATIONS, product_id=product_id, warehouse_id=warehouse_id)

    async def drift(self) -> list[StockDrift]:
        r = m.ReservationRow
        sums = (
            select(r.product_id, r.warehouse_id, func.sum(r.quantity).label("total"))
            .group_by(r.product_id, r.warehouse_id)
            .subquery()
        )
        t = m.StockRow
        rows = await self.s.execute(
            select(t.product_id, t.warehouse_id, t.reserved, func.coalesce(sums.c.total, 0))
            .outerjoin(sums, (sums.c.product_id == t.product_id) & (sums.c.warehouse_id == t.warehouse_id))
            .where(t.reserved != func.coalesce(sums.c.total, 0))
        )
        return [StockDrift(p, w, counter, int(total)) for p, w, counter, total in rows]
