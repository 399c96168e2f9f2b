"""StockRepository: what the fake and SQL both promise about counters and reservations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from domain.errors import InsufficientStock
from domain.ports import UnitOfWork
from domain.stock import Reservation, ReservationKind, StockDrift, StockInvariantBroken, StockLevel
from tests.contracts.conftest import NOW, a_customer, a_product, a_warehouse

LATER = NOW + timedelta(minutes=30)


@dataclass
class Shelf:
    product: int
    warehouse: int
    customer: int


@pytest.fixture
async def shelf(uow: UnitOfWork) -> Shelf:
    """Ten mugs counted into London's bin B-01-02-1, and a customer to hold them."""
    shelf = Shelf(await a_product(uow), await a_warehouse(uow), await a_customer(uow))
    async with uow:
        await uow.stock.set_bin_quantity(shelf.product, shelf.warehouse, "B-01-02-1", 10, "count", "staff:1", NOW)
        await uow.commit()
    return shelf


def hold(shelf: Shelf, quantity: int, expires_at: datetime | None = LATER) -> Reservation:
    return Reservation(
        shelf.product, shelf.warehouse, quantity, ReservationKind.HOLD, shelf.customer, None, expires_at, NOW
    )


async def level(uow: UnitOfWork, shelf: Shelf) -> StockLevel:
    async with uow:
        (found,) = await uow.stock.levels([shelf.product])
    return found


async def test_a_bin_count_moves_on_hand_by_the_delta_it_returns(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        assert await uow.stock.set_bin_quantity(shelf.product, shelf.warehouse, "B-01-02-1", 7, "count", "s", NOW) == -3
        assert await uow.stock.set_bin_quantity(shelf.product, shelf.warehouse, "B-01-02-1", 7, "count", "s", NOW) == 0
        assert await uow.stock.set_bin_quantity(shelf.product, shelf.warehouse, "A-01-01-1", 4, "count", "s", NOW) == 4
        await uow.commit()
    assert await level(uow, shelf) == StockLevel(shelf.product, shelf.warehouse, 11, 0)
    async with uow:
        assert await uow.stock.levels([shelf.product + 1000]) == []
        assert await uow.stock.levels([]) == []


async def test_a_reservation_within_what_is_available_counts_and_beyond_it_fails(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        assert await uow.stock.try_reserve(shelf.product, shelf.warehouse, 6)
        assert not await uow.stock.try_reserve(shelf.product, shelf.warehouse, 5)  # 4 left
        assert await uow.stock.try_reserve(shelf.product, shelf.warehouse, 4)
        await uow.commit()
    assert await level(uow, shelf) == StockLevel(shelf.product, shelf.warehouse, 10, 10)


async def test_reserving_where_nothing_was_ever_counted_fails_and_leaves_no_counter(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    async with uow:
        assert not await uow.stock.try_reserve(shelf.product, elsewhere, 1)
        await uow.commit()
    async with uow:
        assert await uow.stock.levels([shelf.product]) == [StockLevel(shelf.product, shelf.warehouse, 10, 0)]


async def test_a_release_gives_stock_back_and_never_more_than_was_reserved(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 3)
        await uow.stock.release(shelf.product, shelf.warehouse, 2)
        await uow.commit()
    assert await level(uow, shelf) == StockLevel(shelf.product, shelf.warehouse, 10, 1)
    async with uow:
        with pytest.raises(StockInvariantBroken):
            await uow.stock.release(shelf.product, shelf.warehouse, 2)


async def test_a_count_may_not_drop_below_what_is_reserved(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 8)
        await uow.commit()
    async with uow:
        with pytest.raises(InsufficientStock):
            await uow.stock.set_bin_quantity(shelf.product, shelf.warehouse, "B-01-02-1", 7, "count", "s", NOW)
    assert await level(uow, shelf) == StockLevel(shelf.product, shelf.warehouse, 10, 8)


async def test_holds_are_read_back_per_customer_in_the_order_they_were_made(uow: UnitOfWork, shelf: Shelf) -> None:
    other = Shelf(shelf.product, shelf.warehouse, await a_customer(uow, telegram_id=2002))
    async with uow:
        first = await uow.stock.add_reservation(hold(shelf, 2))
        await uow.stock.add_reservation(hold(other, 1))
        second = await uow.stock.add_reservation(hold(shelf, 3, expires_at=None))
        allocation = Reservation(
            shelf.product, shelf.warehouse, 1, ReservationKind.ALLOCATION, shelf.customer, None, None, NOW
        )
        await uow.stock.add_reservation(allocation)
        await uow.commit()
    assert first.id is not None and second.id is not None and first.id != second.id
    async with uow:
        assert await uow.stock.customer_holds(shelf.customer) == [first, second]  # allocations are not holds
        assert await uow.stock.customer_holds(shelf.customer + 1000) == []


async def test_a_hold_can_be_resized_extended_and_deleted(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        added = await uow.stock.add_reservation(hold(shelf, 2))
        await uow.stock.resize_reservation(added, 5)
        await uow.stock.extend_holds(shelf.customer, LATER + timedelta(hours=1))
        await uow.commit()
    async with uow:
        (resized,) = await uow.stock.customer_holds(shelf.customer)
        await uow.stock.delete_reservation(resized)
        await uow.commit()
    assert (resized.id, resized.quantity, resized.expires_at) == (added.id, 5, LATER + timedelta(hours=1))
    async with uow:
        assert await uow.stock.customer_holds(shelf.customer) == []


async def test_expired_holds_are_those_of_the_product_due_by_now(uow: UnitOfWork, shelf: Shelf) -> None:
    other_product = await a_product(uow, "CUP-1")
    async with uow:
        due = await uow.stock.add_reservation(hold(shelf, 1, expires_at=NOW))  # due exactly now: expired
        await uow.stock.add_reservation(hold(shelf, 1, expires_at=NOW + timedelta(seconds=1)))
        await uow.stock.add_reservation(hold(shelf, 1, expires_at=None))
        await uow.stock.add_reservation(
            Reservation(other_product, shelf.warehouse, 1, ReservationKind.HOLD, shelf.customer, None, NOW, NOW)
        )
        await uow.commit()
    async with uow:
        assert await uow.stock.expired_holds(shelf.product, NOW) == [due]


async def test_drift_shows_counters_that_disagree_with_their_reservations(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 3)
        await uow.stock.add_reservation(hold(shelf, 3))
        await uow.commit()
    async with uow:
        assert await uow.stock.drift() == []
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 2)  # a counter moved with no reservation
        assert await uow.stock.drift() == [StockDrift(shelf.product, shelf.warehouse, 5, 3)]
