"""BackorderRepository: what the fake and SQL both promise."""

from __future__ import annotations

from datetime import date, timedelta

from domain.backorders import Backorder, BackorderStatus, BackorderTerms
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def _order(uow: UnitOfWork, customer: int, product: int, code: str) -> int:
    order = Order.place(
        code=code,
        customer_id=customer,
        currency="EUR",
        lines=[OrderLine(product, "MUG-1", "Mug", 5, Money(500, "EUR"))],
        now=NOW,
        actor="test",
    )
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    assert order.id is not None
    return order.id


async def test_terms_are_kept_per_product_and_forgotten_when_off(uow: UnitOfWork) -> None:
    mug, cup = await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1")
    async with uow:
        await uow.backorders.set_terms(mug, BackorderTerms(mug, True, 50))
        await uow.backorders.set_terms(cup, BackorderTerms(cup, False, None, date(2027, 1, 15)))
        await uow.commit()
    async with uow:
        assert await uow.backorders.terms([mug, cup]) == {
            mug: BackorderTerms(mug, True, 50),
            cup: BackorderTerms(cup, False, None, date(2027, 1, 15)),
        }
        await uow.backorders.set_terms(mug, BackorderTerms(mug, True, None))
        await uow.backorders.set_terms(cup, None)
        await uow.commit()
    async with uow:
        assert await uow.backorders.terms([mug, cup]) == {mug: BackorderTerms(mug, True, None)}


async def test_preorders_are_the_products_with_a_release_date_and_it(uow: UnitOfWork) -> None:
    mug, cup, lamp = await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1"), await a_product(uow, "LAMP-1")
    async with uow:
        await uow.backorders.set_terms(mug, BackorderTerms(mug, True, 50))
        await uow.backorders.set_terms(cup, BackorderTerms(cup, False, None, date(2027, 1, 15)))
        await uow.backorders.set_terms(lamp, BackorderTerms(lamp, True, 5, date(2027, 2, 1)))
        await uow.commit()
    async with uow.read_only():
        assert dict(await uow.backorders.preorders()) == {cup: date(2027, 1, 15), lamp: date(2027, 2, 1)}
    async with uow:
        await uow.backorders.set_terms(cup, None)
        await uow.commit()
    async with uow.read_only():  # the terms taken off are seen at once (the cache is cleared by the write)
        assert dict(await uow.backorders.preorders()) == {lamp: date(2027, 2, 1)}


async def test_waiting_parts_come_vip_first_then_oldest_and_fill_or_cancel_only_as_seen(uow: UnitOfWork) -> None:
    ann, bob = await a_customer(uow, 1), await a_customer(uow, 2)
    mug = await a_product(uow, "MUG-1")
    first, second = await _order(uow, ann, mug, "BCDFGHJK"), await _order(uow, bob, mug, "BCDFGHJM")
    async with uow:
        old = await uow.backorders.add(Backorder(first, mug, ann, 3, NOW))
        new = await uow.backorders.add(Backorder(second, mug, bob, 2, NOW + timedelta(minutes=1)))
        vip = await uow.backorders.add(Backorder(second, mug, bob, 1, NOW + timedelta(minutes=2), vip=True))
        await uow.commit()
    assert old.id and new.id and vip.id
    async with uow:
        await uow.backorders.lock_order(first)  # held to the end of this transaction; nothing else changes
        assert await uow.backorders.try_lock_order(first)  # a lock this transaction holds is its own
        assert await uow.backorders.try_lock_order(second)
        await uow.backorders.lock_terms([mug])
        assert [b.id for b in await uow.backorders.waiting([mug])] == [vip.id, old.id, new.id]
        assert await uow.backorders.waiting_units([mug]) == {mug: 6}
        assert not await uow.backorders.fill(old.id, 2, 1)  # it waits 3, not 2: changed meanwhile
        assert await uow.backorders.fill(old.id, 3, 2)
        assert not await uow.backorders.cancel(new.id, 1)
        assert await uow.backorders.cancel(new.id, 2)
        assert await uow.backorders.fill(vip.id, 1, 1)
        await uow.commit()
    async with uow:
        got = await uow.backorders.get(old.id)
        assert got is not None and (got.quantity, got.filled, got.status) == (1, 2, BackorderStatus.WAITING)
        parts = await uow.backorders.for_order(second)
        assert [(b.quantity, b.filled, b.cancelled, b.status) for b in parts] == [
            (0, 0, 2, BackorderStatus.CANCELLED),
            (0, 1, 0, BackorderStatus.FILLED),
        ]
        assert [b.id for b in await uow.backorders.waiting([mug])] == [old.id]
        assert await uow.backorders.waiting_units([mug]) == {mug: 1}
        assert await uow.backorders.waiting_units(None) == {mug: 1}
        assert await uow.backorders.waiting_units([]) == {}
        assert await uow.backorders.get(9999) is None
        assert not await uow.backorders.cancel(new.id, 0)
