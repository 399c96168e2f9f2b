"""CustomerRepository: what the fake and SQL both promise."""

from __future__ import annotations

from datetime import timedelta

from domain.customers import Address, Customer
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW


async def test_an_added_customer_is_found_by_id_and_by_telegram_id(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.customers.add(
            Customer(telegram_id=77, first_name="Ann", username="ann", language="ru", is_vip=True, created_at=NOW)
        )
        await uow.commit()
    async with uow:
        by_id = await uow.customers.get(added.id or 0)
        by_telegram = await uow.customers.get_by_telegram_id(77)
        assert await uow.customers.get_by_telegram_id(78) is None
        assert await uow.customers.get((added.id or 0) + 1000) is None
    assert by_id is not None and by_telegram is not None
    assert by_id.id == by_telegram.id == added.id
    assert (by_id.first_name, by_id.username, by_id.language, by_id.is_vip, by_id.created_at) == (
        "Ann",
        "ann",
        "ru",
        True,
        NOW,
    )


async def test_saved_addresses_come_with_get_only_and_carry_ids(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.customers.add(
            Customer(telegram_id=77, first_name="Ann", addresses=[Address("1 Road", 51.5, -0.1)], created_at=NOW)
        )
        await uow.commit()
    assert added.addresses[0].id is not None  # the caller's object learns the new address's id
    async with uow:
        full = await uow.customers.get(added.id or 0)
        light = await uow.customers.get_by_telegram_id(77)
    assert full is not None and [(a.text, a.latitude, a.id) for a in full.addresses] == [
        ("1 Road", 51.5, added.addresses[0].id)
    ]
    assert light is not None and light.addresses == []  # the per-update lookup reads no addresses


async def test_an_update_changes_fields_and_adds_new_addresses_keeping_saved_ones(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.customers.add(
            Customer(telegram_id=77, first_name="Ann", addresses=[Address("1 Road")], created_at=NOW)
        )
        await uow.commit()
    async with uow:
        customer = await uow.customers.get(added.id or 0)
        assert customer is not None
        customer.first_name, customer.phone = "Anna", "+447911123456"
        customer.addresses = [Address("2 Lane")]  # the saved "1 Road" is not in the list
        customer.created_at = NOW + timedelta(days=1)  # when a customer joined is not rewritten
        await uow.customers.update(customer)
        await uow.commit()
    async with uow:
        again = await uow.customers.get(added.id or 0)
    assert again is not None and (again.first_name, again.phone, again.created_at) == ("Anna", "+447911123456", NOW)
    assert sorted(a.text for a in again.addresses) == ["1 Road", "2 Lane"]
    assert all(a.id is not None for a in again.addresses)


async def test_nothing_is_kept_without_a_commit(uow: UnitOfWork) -> None:
    async with uow:
        await uow.customers.add(Customer(telegram_id=77, first_name="Ann", created_at=NOW))
    async with uow:
        assert await uow.customers.get_by_telegram_id(77) is None


async def test_customers_are_found_by_many_telegram_ids_at_once_and_the_unknown_left_out(uow: UnitOfWork) -> None:
    async with uow:
        for telegram_id, name in ((77, "Ann"), (78, "Bob")):
            await uow.customers.add(
                Customer(telegram_id=telegram_id, first_name=name, addresses=[Address("1 Road")], created_at=NOW)
            )
        await uow.commit()
    async with uow:
        found = await uow.customers.by_telegram_ids([78, 77, 79, 77])
        none = await uow.customers.by_telegram_ids([])
    assert {t: (c.first_name, c.telegram_id, c.addresses) for t, c in found.items()} == {
        77: ("Ann", 77, []),  # without addresses, as get_by_telegram_id reads it
        78: ("Bob", 78, []),
    }
    assert none == {}


async def test_a_locked_customer_reads_and_changes_as_before(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.customers.add(Customer(telegram_id=79, first_name="Bo", created_at=NOW))
        await uow.commit()
    async with uow:
        await uow.customers.lock(added.id or 0)  # held to the end of this transaction
        await uow.customers.lock((added.id or 0) + 1000)  # no such customer: nothing to wait for
        found = await uow.customers.get(added.id or 0)
        assert found is not None
        found.first_name = "Bob"
        await uow.customers.update(found)
        await uow.commit()
    async with uow:
        again = await uow.customers.get(added.id or 0)
    assert again is not None and again.first_name == "Bob"


async def test_a_customer_free_or_locked_by_this_transaction_is_taken_without_waiting(uow: UnitOfWork) -> None:
    async with uow:
        ann = await uow.customers.add(Customer(telegram_id=81, first_name="Ann", created_at=NOW))
        bo = await uow.customers.add(Customer(telegram_id=82, first_name="Bo", created_at=NOW))
        await uow.commit()
    async with uow:
        await uow.customers.lock(ann.id or 0)
        assert await uow.customers.try_lock(ann.id or 0)  # a lock this transaction holds is its own
        assert await uow.customers.try_lock(bo.id or 0)
        await uow.commit()


async def test_an_address_used_counts_its_orders_and_a_forgotten_one_is_gone_for_its_customer_only(
    uow: UnitOfWork,
) -> None:
    async with uow:
        ann = await uow.customers.add(
            Customer(telegram_id=77, first_name="Ann", addresses=[Address("1 Road"), Address("2 Lane")], created_at=NOW)
        )
        bob = await uow.customers.add(Customer(telegram_id=78, first_name="Bob", created_at=NOW))
        await uow.commit()
    road, lane = (a.id or 0 for a in ann.addresses)
    async with uow:
        await uow.customers.address_used(road, NOW)
        await uow.customers.address_used(road, NOW + timedelta(days=1))
        assert not await uow.customers.forget_address(bob.id or 0, lane)  # not Bob's
        await uow.commit()
    async with uow:
        loaded = await uow.customers.get(ann.id or 0)
    assert loaded is not None
    assert [(a.text, a.uses, a.used_at) for a in loaded.addresses] == [
        ("1 Road", 2, NOW + timedelta(days=1)),
        ("2 Lane", 0, None),
    ]
    async with uow:
        assert await uow.customers.forget_address(ann.id or 0, lane)
        await uow.commit()
    async with uow:
        assert not await uow.customers.forget_address(ann.id or 0, lane)  # gone already
        loaded = await uow.customers.get(ann.id or 0)
    assert loaded is not None and [a.text for a in loaded.addresses] == ["1 Road"]
