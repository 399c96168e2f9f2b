"""SubscriptionRepository: what the fake and SQL both promise."""

from __future__ import annotations

from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def test_a_subscriber_waits_for_their_product_only_and_subscribes_once(uow: UnitOfWork) -> None:
    ann, bob = await a_customer(uow, 1), await a_customer(uow, 2)
    mug, cup = await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1")
    async with uow:
        assert await uow.subscriptions.subscribe(ann, mug, NOW)
        assert not await uow.subscriptions.subscribe(ann, mug, NOW)  # already waiting
        assert await uow.subscriptions.subscribe(bob, cup, NOW)
        await uow.commit()
    async with uow:
        assert await uow.subscriptions.waiting([mug]) == [(ann, mug)]
        assert sorted(await uow.subscriptions.waiting([mug, cup])) == sorted([(ann, mug), (bob, cup)])
        assert await uow.subscriptions.waiting([]) == []
