"""Goods costed in dollars moved while the first dollar rate is set: 1200 Inventory ends at what /stockvalue counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import OrderLine
from domain.purchasing import Supplier, SupplyTerms
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.bin_counts import record_count
from domain.usecases.imports.stock import import_stock
from domain.usecases.inventory import adjust, receive
from domain.usecases.return_handling import decide_return, inspect_line, mark_received
from domain.usecases.returns import request_return
from domain.usecases.transfers import transfer
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.first_rate_race import against_the_first_rate, books_after, settled
from tests.storage.requests import delivered_paid_by_card

ADMIN, BUYER = 931, 932
DOLLARS = Money(300, "USD")  # a unit's cost: €2.40 at 1.25, the rate set


async def _mugs_in_dollars(engine: AsyncEngine, clock: FakeClock, on_hand: int) -> tuple[int, int]:
    """Mugs costed at $3.00 (no dollar rate yet: valued at nothing, none in 1200), ``on_hand`` of them in W1's bin
    A-01-01-1, and an admin: the mug's and W1's ids."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(900, "EUR")}, cost=DOLLARS))
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", is_pickup_point=True))
        await uow.stock.set_bin_quantity(mug.id or 0, shop.id or 0, "A-01-01-1", on_hand, "count", "t", clock.now())
        await uow.staff.put(StaffMember(telegram_id=ADMIN, role=Role.ADMIN))
        await uow.commit()
    return mug.id or 0, shop.id or 0


def _counts(engine: AsyncEngine, clock: FakeClock, w1: int, mugs: tuple[int, int]) -> Callable[[], Awaitable[object]]:
    """/count of W1's A-01-01-1: ``mugs`` counted there, and what the books had at the first scan."""

    async def counts() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        counted = {"MUG": mugs}
        return await record_count(
            uow, clock, staff_id=ADMIN, warehouse_id=w1, bin_code="A-01-01-1", counted=counted, started=clock.now()
        )

    return counts


async def test_a_return_restocked_as_the_first_rate_is_set_comes_into_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A mug sent back goes on the shelf while the first dollar rate is set: the restock, reading no rate, booked it
    nothing, and the rate's revaluation, not seeing it on the shelf yet, brought in only the two there before."""
    mug, _ = await _mugs_in_dollars(engine, clock, 2)
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        rae = await work.customers.add(Customer(telegram_id=BUYER, first_name="Rae", created_at=clock.now()))
        lines = [OrderLine(mug, "MUG", "Mug", 1, Money(900, "EUR"))]
        placed = await delivered_paid_by_card(work, clock, "DFGHJKLQ", rae.id or 0, lines)
    request = await request_return(
        uow(),
        clock,
        customer_id=rae.id or 0,
        code=placed.code,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={placed.lines[0].id or 0: 1},
        window_days=14,
    )
    await decide_return(uow(), clock, staff_id=ADMIN, rma=request.rma_code, approve=True)
    await mark_received(uow(), clock, staff_id=ADMIN, rma=request.rma_code)
    line = request.lines[0].id or 0

    async def restock() -> object:
        return await inspect_line(uow(), clock, staff_id=ADMIN, rma=request.rma_code, line_id=line, restock=True)

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, restock), 3, ADMIN)


async def test_a_transfer_to_a_dearer_cost_as_the_first_rate_is_set_brings_its_units_in_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """W1 buys mugs at $3.00, W2 at the catalog's €2.00: three move to W2 while the first dollar rate is set. The
    transfer, reading no rate, brought them in at W2's cost; the rate's revaluation, still seeing them in W1, brought
    them in at the dollar cost too."""
    mug, w1 = await _mugs_in_dollars(engine, clock, 4)
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(900, "EUR")}, cost=Money(200, "EUR")))
        await uow.warehouses.upsert(Warehouse("W2", "Depot"))
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        [supplier] = await uow.purchasing.suppliers()
        await uow.purchasing.set_terms([SupplyTerms(mug, w1, supplier.id or 0, 1, 0, DOLLARS)])
        await uow.commit()

    async def moves() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await transfer(uow, clock, staff_id=ADMIN, sku="MUG", quantity=3, source="W1", target="W2", new_bin=True)

    results = await against_the_first_rate(engine, clock, ADMIN, moves)
    assert not [r for r in results if isinstance(r, BaseException)], results
    inventory, worth, unbalanced = await books_after(engine, ADMIN)
    assert worth == 1 * 240 + 3 * 200  # one left at $3.00, three at W2's €2.00
    assert inventory == worth
    assert unbalanced == {}


async def test_goods_received_as_the_first_rate_is_set_come_into_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """/receive MUG 5 W1 while the first dollar rate is set: the receipt booked nothing (no rate) and the rate's
    revaluation brought in only the two mugs on the shelf before."""
    await _mugs_in_dollars(engine, clock, 2)

    async def receives() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await receive(uow, clock, staff_id=ADMIN, sku="MUG", quantity=5, warehouse_code="W1")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, receives), 7, ADMIN)


async def test_a_stock_file_counting_more_as_the_first_rate_is_set_comes_into_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A stock file counts six mugs where two were while the first dollar rate is set: the four found were booked
    nothing (no rate) and the rate's revaluation brought in only the two."""
    await _mugs_in_dollars(engine, clock, 2)

    async def imports() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await import_stock(uow, clock, "sku,warehouse,bin,quantity\nMUG,W1,A-01-01-1,6\n", actor="staff:931")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, imports), 6, ADMIN)


async def test_stock_found_by_adjust_as_the_first_rate_is_set_comes_into_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """/adjust MUG W1 +4 (found) while the first dollar rate is set: the four found were booked nothing (no rate) and
    the rate's revaluation brought in only the two mugs on the shelf before."""
    await _mugs_in_dollars(engine, clock, 2)

    async def finds() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await adjust(uow, clock, staff_id=ADMIN, sku="MUG", warehouse_code="W1", delta=4, reason="found")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, finds), 6, ADMIN)


async def test_stock_lost_by_adjust_as_the_first_rate_is_set_leaves_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """/adjust MUG W1 -3 (broken) while the first dollar rate is set: the loss wrote nothing off (no rate) and the
    rate's revaluation, still seeing five mugs, brought in the three gone too."""
    await _mugs_in_dollars(engine, clock, 5)

    async def loses() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await adjust(uow, clock, staff_id=ADMIN, sku="MUG", warehouse_code="W1", delta=-3, reason="broken")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, loses), 2, ADMIN)


async def test_a_bin_count_finding_more_as_the_first_rate_is_set_comes_into_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """/count of A-01-01-1 finds five mugs where the books had two while the first dollar rate is set: the three found
    were booked nothing (no rate) and the rate's revaluation brought in only the two."""
    _, w1 = await _mugs_in_dollars(engine, clock, 2)
    await settled(
        engine, await against_the_first_rate(engine, clock, ADMIN, _counts(engine, clock, w1, (5, 2))), 5, ADMIN
    )


async def test_a_bin_count_finding_fewer_as_the_first_rate_is_set_leaves_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """/count of A-01-01-1 finds one mug where the books had four while the first dollar rate is set: the three lost
    were written off at nothing (no rate) and the rate's revaluation, still seeing four, brought them all in."""
    _, w1 = await _mugs_in_dollars(engine, clock, 4)
    await settled(
        engine, await against_the_first_rate(engine, clock, ADMIN, _counts(engine, clock, w1, (1, 4))), 1, ADMIN
    )
