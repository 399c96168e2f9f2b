"""A manager cancelling an order (/cancelorder) as its picker scans its last line, on SQLite and PostgreSQL: exactly
one of the two wins (picked, or cancelled with nothing picked: the scan, from the line's step, told to put the mug
back into its bin), and the bin and the stock counters are right."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.errors import DomainError
from domain.usecases.orders import MovedOnMeanwhile, ReturnInstead, cancel_for_customer
from domain.usecases.pick_cancel import ScannedForCancelled
from domain.usecases.picking import confirm_pick
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import in_a_pick_round, mugs_at_a_pickup_shop

PICKER, MANAGER = 501, 502
RACES = 4


async def test_a_cancel_and_the_last_scan_at_once_leave_exactly_one_winner_and_the_stock_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product, shop = await mugs_at_a_pickup_shop(uow, clock, RACES)
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        customers = []
        for i in range(RACES):
            buyer = Customer(telegram_id=9_100 + i, first_name=f"C{i}", created_at=clock.now())
            customer = await uow.customers.add(buyer)
            await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()

    outcomes: list[tuple[str, str]] = []
    for customer_id in customers:  # one race an order: the picker's single round of one mug
        order = await in_a_pick_round(sessions, clock, customer_id, shop, PICKER)
        start = asyncio.Event()
        async with sessions() as session:
            line_id = await session.scalar(select(m.PickLineRow.id).where(m.PickLineRow.order_id == order.id))
        step = (line_id or 0, order.id or 0)  # the scan sent from the line's step, as the chat sends it

        async def scan(start: asyncio.Event, step: tuple[int, int], code: str) -> str:
            await start.wait()
            try:
                await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=PICKER, scanned="MUG", step=step)
            except ScannedForCancelled as refused:  # the cancel first: the mug goes back to its bin, not counted
                assert refused.params["bin"] == "A-01-01-1" and refused.params["code"] == code, refused
                return "lost"
            return "won"

        async def cancel(start: asyncio.Event, code: str) -> str:
            await start.wait()
            try:
                await cancel_for_customer(
                    SqlUnitOfWork(sessions), clock, staff_id=MANAGER, code=code, staff_chat_id=None
                )
            except (MovedOnMeanwhile, ReturnInstead) as refused:  # the scan first: in the middle, or all before
                assert refused.params["status"] == "picked", refused
                return "lost"
            except DomainError as other:  # anything else is a bug of the race, not an answer
                raise AssertionError(other) from other
            return "won"

        # Each goes first in turn (SQLite's writers take turns in the order they asked), both at once.
        first, second = (scan(start, step, order.code), cancel(start, order.code))[:: 1 if len(outcomes) % 2 else -1]
        tasks = [asyncio.create_task(first), asyncio.create_task(second)]
        start.set()
        done = await asyncio.gather(*tasks)
        scanned, cancelled = done if len(outcomes) % 2 else done[::-1]
        assert {scanned, cancelled} == {"won", "lost"}  # exactly one wins
        async with sessions() as session:
            status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id))
            line = (
                await session.execute(
                    select(m.PickLineRow.picked, m.PickLineRow.short).where(m.PickLineRow.order_id == order.id)
                )
            ).one()
            held = await session.scalar(
                select(func.coalesce(func.sum(m.ReservationRow.quantity), 0)).where(
                    m.ReservationRow.order_id == order.id
                )
            )
            rounds_open = await session.scalar(
                select(func.count()).select_from(m.PickListRow).where(m.PickListRow.status == "open")
            )
        if scanned == "won":
            assert (status, tuple(line), held) == ("picked", (1, 0), 1)
        else:
            assert (status, tuple(line), held) == ("cancelled", (0, 1), 0)
        assert rounds_open == 0  # the round ended either way: by the scan, or by the cancel taking its only line
        outcomes.append((scanned, cancelled))

    picked = sum(1 for scanned, _ in outcomes if scanned == "won")
    if engine.dialect.name == "sqlite":  # taking turns, each went first once at least
        assert {("won", "lost"), ("lost", "won")} <= set(outcomes)
    async with sessions() as session:
        bin_count = await session.scalar(select(m.BinStockRow.quantity))
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
    assert bin_count == RACES  # nothing shipped: no count came down, nothing put back twice
    assert (on_hand, reserved) == (RACES, picked)  # only the picked orders still hold their mug
