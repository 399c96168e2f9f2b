"""StockRepository: what the fake and SQL both promise about counters and reservations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from domain.errors import InsufficientStock
from domain.ports import UnitOfWork
from domain.stock import Reservation, ReservationKind, StockDrift, StockInvariantBroken, StockLevel, StockMark
from domain.stock_counts import BinCount, CountsRefused
from tests.contracts.conftest import NOW, a_customer, a_product, a_warehouse
from tests.fakes import FakeUnitOfWork

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


async def test_locking_positions_makes_a_missing_counter_empty_and_leaves_a_counted_one_as_it_is(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    async with uow:
        await uow.stock.lock_positions([(shelf.product, elsewhere), (shelf.product, shelf.warehouse)])
        await uow.commit()
    async with uow:
        found = sorted(await uow.stock.levels([shelf.product]), key=lambda level: level.warehouse_id)
    assert found == sorted(
        [StockLevel(shelf.product, shelf.warehouse, 10, 0), StockLevel(shelf.product, elsewhere, 0, 0)],
        key=lambda level: level.warehouse_id,
    )


async def test_locking_products_changes_no_counter_and_the_transaction_goes_on_to_reserve(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    async with uow:
        await uow.stock.lock_products([])
        await uow.stock.lock_products([shelf.product + 1000, shelf.product, shelf.product])
        assert await uow.stock.try_reserve(shelf.product, shelf.warehouse, 4)
        await uow.commit()
    assert await level(uow, shelf) == StockLevel(shelf.product, shelf.warehouse, 10, 4)


async def test_trying_to_lock_free_products_takes_them_and_makes_a_missing_counter(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    async with uow:
        assert await uow.stock.try_lock_products([shelf.product, shelf.product], elsewhere)
        assert await uow.stock.try_lock_products([], elsewhere)
        assert await uow.stock.try_reserve(shelf.product, shelf.warehouse, 4)
        await uow.commit()
    async with uow:
        found = {level.warehouse_id: level for level in await uow.stock.levels([shelf.product])}
    assert found[elsewhere] == StockLevel(shelf.product, elsewhere, 0, 0)
    assert found[shelf.warehouse] == StockLevel(shelf.product, shelf.warehouse, 10, 4)


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


async def test_a_hold_can_be_changed_extended_and_deleted(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        added = await uow.stock.add_reservation(hold(shelf, 2))
        assert await uow.stock.change_reservation(added, by=3)
        await uow.stock.extend_holds(shelf.customer, LATER + timedelta(hours=1))
        await uow.commit()
    async with uow:
        (resized,) = await uow.stock.customer_holds(shelf.customer)
        await uow.stock.delete_reservation(resized)
        await uow.commit()
    assert (resized.id, resized.quantity, resized.expires_at) == (added.id, 5, LATER + timedelta(hours=1))
    async with uow:
        assert await uow.stock.customer_holds(shelf.customer) == []
        assert not await uow.stock.change_reservation(resized, by=1)  # its row is gone: nothing changed


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


async def test_a_products_holds_are_the_expired_ones_and_the_customers_own(uow: UnitOfWork, shelf: Shelf) -> None:
    other = Shelf(shelf.product, shelf.warehouse, await a_customer(uow, telegram_id=2002))
    elsewhere = Shelf(await a_product(uow, "CUP-1"), shelf.warehouse, shelf.customer)
    async with uow:
        due = await uow.stock.add_reservation(hold(other, 1, expires_at=NOW))
        await uow.stock.add_reservation(hold(other, 1))  # someone else's, not due
        mine_due = await uow.stock.add_reservation(hold(shelf, 2, expires_at=NOW - timedelta(minutes=1)))
        mine = await uow.stock.add_reservation(hold(shelf, 3))
        mine_open = await uow.stock.add_reservation(hold(shelf, 4, expires_at=None))
        await uow.stock.add_reservation(hold(elsewhere, 5))
        await uow.stock.add_reservation(
            Reservation(shelf.product, shelf.warehouse, 1, ReservationKind.ALLOCATION, shelf.customer, None, NOW, NOW)
        )
        await uow.commit()
    async with uow:
        assert await uow.stock.product_holds(shelf.product, shelf.customer, NOW) == [due, mine_due, mine, mine_open]


async def test_a_positions_reservations_are_its_holds_and_allocations_oldest_first(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    other_product = await a_product(uow, "CUP-1")
    async with uow:
        first = await uow.stock.add_reservation(hold(shelf, 1))
        allocated = await uow.stock.add_reservation(
            Reservation(shelf.product, shelf.warehouse, 2, ReservationKind.ALLOCATION, shelf.customer, None, None, NOW)
        )
        await uow.stock.add_reservation(hold(Shelf(shelf.product, elsewhere, shelf.customer), 3))
        await uow.stock.add_reservation(hold(Shelf(other_product, shelf.warehouse, shelf.customer), 4))
        await uow.commit()
    async with uow:
        assert await uow.stock.position_reservations(shelf.product, shelf.warehouse) == [first, allocated]
        assert await uow.stock.position_reservations(shelf.product, elsewhere + 1000) == []


async def test_reserving_where_most_takes_the_warehouse_with_the_most_when_it_has_it_all(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    async with uow:
        await uow.stock.set_bin_quantity(shelf.product, elsewhere, "A-01-01-1", 12, "count", "staff:1", NOW)
        await uow.commit()
    async with uow:
        assert await uow.stock.reserve_where_most(shelf.product, 5) == elsewhere  # 12 there, 10 here
        assert await uow.stock.reserve_where_most(shelf.product, 8) == shelf.warehouse  # 7 there, 10 here
        assert await uow.stock.reserve_where_most(shelf.product, 8) is None  # 7 and 2: split, not here
        assert await uow.stock.reserve_where_most(shelf.product + 1000, 1) is None
        await uow.commit()
    async with uow:
        levels = sorted(await uow.stock.levels([shelf.product]), key=lambda lv: lv.warehouse_id)
    assert [(lv.warehouse_id, lv.reserved) for lv in levels] == sorted([(shelf.warehouse, 8), (elsewhere, 5)])


async def test_drift_shows_counters_that_disagree_with_their_reservations(uow: UnitOfWork, shelf: Shelf) -> None:
    async with uow:
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 3)
        await uow.stock.add_reservation(hold(shelf, 3))
        await uow.commit()
    async with uow:
        assert await uow.stock.drift() == []
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 2)  # a counter moved with no reservation
        assert await uow.stock.drift() == [StockDrift(shelf.product, shelf.warehouse, 5, 3)]


async def _state(uow: UnitOfWork, shelf: Shelf) -> tuple[list[StockLevel], list[tuple[int, str, int]], list[int]]:
    """Counters, bins with something in them, and the movements' deltas (the fake keeps the
    last two as plain state: it has no inventory repository)."""
    async with uow:
        levels = sorted(await uow.stock.levels([shelf.product]), key=lambda lv: lv.warehouse_id)
        if isinstance(uow, FakeUnitOfWork):
            bins = [(w, code, q) for (p, w, code), q in uow.state.bins.items() if p == shelf.product and q]
            moves = [delta for p, _, _, delta, _ in uow.state.movements if p == shelf.product]
        else:
            bins = [(b.warehouse_id, b.bin_code, b.quantity) for b in await uow.inventory.bins([shelf.product])]
            moves = [m.delta for m in await uow.inventory.movements(shelf.product, 50)]
    return levels, sorted(b for b in bins if b[2]), sorted(moves)


async def test_many_counts_at_once_do_what_the_same_counts_one_at_a_time_do(uow: UnitOfWork, shelf: Shelf) -> None:
    elsewhere = await a_warehouse(uow, "MAN")
    counts = [
        BinCount(shelf.product, shelf.warehouse, "B-01-02-1", 6),  # 10 → 6
        BinCount(shelf.product, shelf.warehouse, "A-01-01-1", 0),  # a new bin, nothing in it: no move
        BinCount(shelf.product, elsewhere, "D-01-01-1", 3),  # a new counter and bin
        BinCount(shelf.product, shelf.warehouse, "C-02-01-1", 4),
        BinCount(shelf.product, shelf.warehouse, "B-01-02-1", 6),  # the same again: no move
    ]
    async with uow:
        assert await uow.stock.set_bin_quantities(counts, "count", "s", NOW) == [-4, 0, 3, 4, 0]
        await uow.commit()
    levels, bins, moves = await _state(uow, shelf)
    assert levels == [StockLevel(shelf.product, shelf.warehouse, 10, 0), StockLevel(shelf.product, elsewhere, 3, 0)]
    assert bins == [
        (shelf.warehouse, "B-01-02-1", 6),
        (shelf.warehouse, "C-02-01-1", 4),
        (elsewhere, "D-01-01-1", 3),
    ]
    assert moves == [-4, 3, 4, 10]  # the fixture's count of 10, then one per changed bin
    async with uow:
        assert await uow.stock.set_bin_quantities([], "count", "s", NOW) == []


async def test_many_counts_refused_name_each_count_below_reserved_and_write_nothing(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    async with uow:
        await uow.stock.try_reserve(shelf.product, shelf.warehouse, 8)
        await uow.commit()
    before = await _state(uow, shelf)
    counts = [
        BinCount(shelf.product, shelf.warehouse, "A-01-01-1", 1),  # 11 on hand
        BinCount(shelf.product, shelf.warehouse, "B-01-02-1", 5),  # 6: refused, 8 reserved (3 available)
        BinCount(shelf.product, shelf.warehouse, "B-01-02-1", 9),  # 10: fine
        BinCount(shelf.product, shelf.warehouse, "A-01-01-1", 0),  # 9 on hand: fine
    ]
    async with uow:
        with pytest.raises(CountsRefused) as refused:
            await uow.stock.set_bin_quantities(counts, "count", "s", NOW)
    assert refused.value.refused == [(1, 3)]
    assert await _state(uow, shelf) == before


async def test_the_feed_lists_a_product_whose_available_quantity_moved_after_the_mark_and_not_one_before(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    other = await a_product(uow, "MUG-2")
    async with uow:
        await uow.stock.set_bin_quantity(other, shelf.warehouse, "B-01-02-1", 5, "count", "staff:1", NOW)  # before
        await uow.commit()
    async with uow.read_only():
        mark = await uow.stock.feed_mark()
        assert await uow.stock.changed_since(mark, after=0, limit=10) == []
        everything = await uow.stock.changed_since(StockMark(0), after=0, limit=10)
    assert everything == sorted([(shelf.product, "MUG-1"), (other, "MUG-2")])
    async with uow:
        assert await uow.stock.try_reserve(shelf.product, shelf.warehouse, 2)
        await uow.commit()
    async with uow.read_only():
        assert await uow.stock.changed_since(mark, after=0, limit=10) == [(shelf.product, "MUG-1")]
        assert await uow.stock.changed_since(mark, after=shelf.product, limit=10) == []
        assert await uow.stock.changed_since(StockMark(0), after=everything[0][0], limit=1) == everything[1:]
        assert await uow.stock.levels_now([shelf.product]) == [StockLevel(shelf.product, shelf.warehouse, 10, 2)]
        assert await uow.stock.levels_now([]) == []
        assert await uow.stock.changed_since(await uow.stock.feed_mark(), after=0, limit=10) == []


async def test_a_product_created_after_the_mark_comes_in_the_feed_once_though_no_stock_of_it_moved(
    uow: UnitOfWork, shelf: Shelf
) -> None:
    """A new product has no counter until stock is counted: its creation is its change, or a channel polling what
    changed never learns of it."""
    async with uow.read_only():
        mark = await uow.stock.feed_mark()
    created = await a_product(uow, "MUG-9")
    async with uow.read_only():
        assert await uow.stock.changed_since(mark, after=0, limit=10) == [(created, "MUG-9")]
        assert await uow.stock.levels_now([created]) == []
        assert await uow.stock.changed_since(await uow.stock.feed_mark(), after=0, limit=10) == []


async def test_the_feed_names_its_database_the_same_on_every_read(uow: UnitOfWork) -> None:
    async with uow.read_only():
        first = await uow.stock.feed_origin()
    async with uow.read_only():
        again = await uow.stock.feed_origin()
    assert first and again == first
