"""PurchasingRepository: what the fake and SQL both promise (the fake buys nothing on terms)."""

from __future__ import annotations

from domain.ports import UnitOfWork


async def test_products_bought_on_no_terms_have_none(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.purchasing.terms([1, 2]) == [] and await uow.purchasing.terms() == []
