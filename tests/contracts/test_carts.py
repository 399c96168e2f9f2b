"""CartRepository: what the fake and SQL both promise."""

from __future__ import annotations

from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def test_a_cart_line_set_twice_keeps_the_last_quantity(uow: UnitOfWork) -> None:
    customer, mug, cup = await a_customer(uow), await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1")
    async with uow:
        await uow.carts.set(customer, mug, 2, NOW)
        await uow.carts.set(customer, mug, 5, NOW)
        await uow.carts.set(customer, cup, 1, NOW)
        await uow.commit()
    async with uow:
        assert await uow.carts.lines(customer) == {mug: 5, cup: 1}


async def test_a_quantity_of_zero_or_less_removes_the_line(uow: UnitOfWork) -> None:
    customer, mug, cup = await a_customer(uow), await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1")
    async with uow:
        await uow.carts.set(customer, mug, 2, NOW)
        await uow.carts.set(customer, cup, 1, NOW)
        await uow.carts.set(customer, mug, 0, NOW)
        await uow.carts.set(customer, cup, -1, NOW)
        await uow.carts.set(customer, mug, 0, NOW)  # removing what is not there is no error
        await uow.commit()
    async with uow:
        assert await uow.carts.lines(customer) == {}


async def test_carts_are_per_customer(uow: UnitOfWork) -> None:
    ann, bob, mug = await a_customer(uow, 1), await a_customer(uow, 2), await a_product(uow)
    async with uow:
        await uow.carts.set(ann, mug, 3, NOW)
        await uow.commit()
    async with uow:
        assert (await uow.carts.lines(ann), await uow.carts.lines(bob)) == ({mug: 3}, {})


async def test_the_lines_read_are_the_callers_to_change(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        await uow.carts.set(customer, mug, 1, NOW)
        (await uow.carts.lines(customer))[mug] = 99
        assert await uow.carts.lines(customer) == {mug: 1}
