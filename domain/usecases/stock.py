"""Holding and releasing stock. Counters change only through the repository's
conditional updates, so concurrent buyers can never oversell."""

from __future__ import annotations

from datetime import timedelta

from domain.errors import InsufficientStock, NotFound
from domain.ports import Clock, UnitOfWork
from domain.stock import Reservation, ReservationKind, StockDrift, check_quantity


async def hold_stock(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    product_id: int,
    quantity: int,
    hold_minutes: int,
) -> Reservation:
    """Place a cart hold in the warehouse with the most available stock that can cover it."""
    check_quantity(quantity)
    async with uow:
        levels = sorted(await uow.stock.levels([product_id]), key=lambda lv: lv.available, reverse=True)
        for level in levels:
            if level.available < quantity:
                continue
            # The read above is only a hint; the conditional UPDATE decides.
            if await uow.stock.try_reserve(product_id, level.warehouse_id, quantity):
                now = clock.now()
                hold = await uow.stock.add_reservation(
                    Reservation(
                        product_id=product_id,
                        warehouse_id=level.warehouse_id,
                        quantity=quantity,
                        kind=ReservationKind.HOLD,
                        customer_id=customer_id,
                        order_id=None,
                        expires_at=now + timedelta(minutes=hold_minutes),
                        created_at=now,
                    )
                )
                await uow.commit()
                return hold
        available = max((lv.available for lv in levels), default=0)
        raise InsufficientStock(available=max(available, 0))


async def release_reservation(uow: UnitOfWork, *, reservation_id: int) -> None:
    async with uow:
        reservation = await uow.stock.get_reservation(reservation_id)
        if reservation is None:
            raise NotFound()
        await uow.stock.release(reservation.product_id, reservation.warehouse_id, reservation.quantity)
        await uow.stock.delete_reservation(reservation_id)
        await uow.commit()


async def stock_drift(uow: UnitOfWork) -> list[StockDrift]:
    """Counters that disagree with the sum of their reservation rows (should be none)."""
    async with uow.read_only():
        return await uow.stock.drift()
