"""Races on SQLite and PostgreSQL: two staff shipping the last units of one line at the same
instant (one parcel leaves, the other is refused with the reason; stock counters, parcels
and the order's status agree), and one pickup code shown at two counters (handed over once,
paid once)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.customers import Customer, Role, StaffMember
from domain.orders import Order, PaymentMethod
from domain.parcels import PickupCode
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.parcels import NotReadyToShip, ship_parcel
from domain.usecases.payments import invoice_payload, record_card_payment
from domain.usecases.pickup import PickupCodeUsed, hand_over
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

SHIPPERS = (601, 602)


async def test_the_last_units_of_a_line_leave_in_exactly_one_parcel(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product, shop = await mugs_at_a_pickup_shop(uow, clock, 50)
        customer = await uow.customers.add(Customer(telegram_id=9_100, first_name="C", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, product.id or 0, 3, clock.now())
        for staff_id in SHIPPERS:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.PACKER, warehouse_code="W1"))
        await uow.commit()
    placed = await place_order(
        SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer.id or 0, shop.id)
    )
    async with sessions() as session, session.begin():  # picked and packed (their own tests prove those steps)
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == placed.code).values(status="packed"))
    await ship_parcel(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=601,
        code=placed.code,
        carrier="DPD",
        tracking="FIRST1",
        items={"MUG": 1},
    )

    start = asyncio.Event()

    async def ship(staff_id: int) -> str:
        await start.wait()
        try:
            await ship_parcel(
                SqlUnitOfWork(sessions),
                clock,
                staff_id=staff_id,
                code=placed.code,
                carrier="DPD",
                tracking=f"LAST{staff_id}",
                items={"MUG": 2},
            )
        except NotReadyToShip as refused:  # the other parcel took the last units: the order is shipped
            return f"refused: {refused.params['status']}"
        return "shipped"

    tasks = [asyncio.create_task(ship(staff_id)) for staff_id in SHIPPERS]
    start.set()
    outcomes = sorted(await asyncio.gather(*tasks))
    assert outcomes == ["refused: shipped", "shipped"]

    async with sessions() as session:
        parcels = await session.scalar(select(func.count()).select_from(m.ParcelRow))
        units = await session.scalar(select(func.sum(m.ParcelLineRow.quantity)))
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == placed.code))
        counter = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        reservations = await session.scalar(select(func.count()).select_from(m.ReservationRow))
    assert (parcels, units, status) == (2, 3, "shipped")
    assert tuple(counter) == (47, 0) and reservations == 0


async def _packed_pickup_order(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, *, card: bool = False
) -> Order:
    """2 mugs (EUR 20.00) for pickup at W1, packed, pickup code BCD234; paid by card before
    when ``card``, else cash due at the counter. Both ``SHIPPERS`` are packers at W1."""
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product, shop = await mugs_at_a_pickup_shop(uow, clock, 50)
        customer = await uow.customers.add(Customer(telegram_id=9_200, first_name="C", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, product.id or 0, 2, clock.now())
        for staff_id in SHIPPERS:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.PACKER, warehouse_code="W1"))
        await uow.commit()
    request = pickup_cash_on_delivery(customer.id or 0, shop.id)
    if card:
        request = replace(request, payment_method=PaymentMethod.CARD)
    placed = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(card_payments=card), request)
    if card:
        await record_card_payment(
            SqlUnitOfWork(sessions), clock, payload=invoice_payload(placed), amount=2000, currency="EUR",
            telegram_charge_id="tg_1", provider_charge_id="prov_1", staff_chat_id=None,
        )  # fmt: skip
    async with sessions() as session, session.begin():
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == placed.code).values(status="packed"))
    uow = SqlUnitOfWork(sessions)
    async with uow:
        await uow.parcels.add_pickup_code(PickupCode(placed.id or 0, "BCD234", clock.now()))
        await uow.commit()
    return placed


async def test_a_pickup_code_shown_at_two_counters_at_once_hands_the_order_over_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    placed = await _packed_pickup_order(sessions, clock)

    start = asyncio.Event()

    async def counter(staff_id: int) -> str:
        await start.wait()
        try:
            done = await hand_over(SqlUnitOfWork(sessions), clock, staff_id=staff_id, code="BCD234")
        except PickupCodeUsed:
            return "refused"
        return f"collected {done.collected.amount}"

    tasks = [asyncio.create_task(counter(staff_id)) for staff_id in SHIPPERS]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["collected 2000", "refused"]
    async with sessions() as session:
        payments = (await session.scalars(select(m.PaymentRow.amount_minor))).all()
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == placed.code))
        counter_row = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
    assert payments == [2000] and status == "completed" and tuple(counter_row) == (48, 0)


async def test_a_pickup_order_paid_by_card_is_handed_over_without_taking_money_again(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    placed = await _packed_pickup_order(sessions, clock, card=True)

    done = await hand_over(SqlUnitOfWork(sessions), clock, staff_id=SHIPPERS[0], code="BCD234")
    assert done.collected.amount == 0  # paid before: nothing is due at the counter
    async with sessions() as session:
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == placed.code))
        counter_row = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
    assert [tuple(p) for p in payments] == [("payment", 2000)] and status == "completed"
    assert tuple(counter_row) == (48, 0)
