"""Two managers editing one parent's variants at the same instant, on SQLite and PostgreSQL:
the same variant added is created once, the other refused naming it; names typed on two
variants at once leave the family one name, audited, neither refused; so do categories."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.errors import DomainError
from domain.money import Money
from domain.usecases.catalog_admin import edit_product
from domain.usecases.variant_admin import NewVariant, add_variant
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

MANAGERS = (601, 602, 603)


async def test_managers_adding_the_same_combination_at_once_create_it_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        tee = Product("TEE", "Tee", "Clothes", {"GBP": Money(1200, "GBP")}, option_names=("Size",), options=("M",))
        await uow.products.upsert(tee)
        for manager in MANAGERS:
            await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.commit()
    start = asyncio.Event()

    async def add(staff_id: int) -> str:
        await start.wait()
        draft = NewVariant(sku=f"TEE-L-{staff_id}", options="Size=L")
        try:
            await add_variant(SqlUnitOfWork(sessions), clock, product_id=tee.id or 0, draft=draft, staff_id=staff_id)
        except DomainError as refused:
            return str(refused)
        return "created"

    tasks = [asyncio.create_task(add(staff_id)) for staff_id in MANAGERS]
    start.set()
    outcomes = await asyncio.gather(*tasks)

    assert outcomes.count("created") == 1
    winner = f"TEE-L-{MANAGERS[outcomes.index('created')]}"
    assert sorted(o for o in outcomes if o != "created") == [f"TEE already has a variant L (SKU {winner})"] * 2
    async with sessions() as session:
        larges = await session.scalar(select(func.count()).where(m.ProductRow.option1 == "L"))
        audited = await session.scalar(select(func.count()).select_from(m.ProductChangeRow))
    assert larges == 1 and audited == 2  # created, and variant added on TEE


async def _edited_at_once(engine: AsyncEngine, clock: FakeClock, field: str, texts: dict[str, str]) -> None:
    """TEE-S, TEE-M and TEE-L, one family in Clothes; two managers type ``field`` on the variants
    ``texts`` names (SKU → text) at the same instant. Neither may be a deadlock's victim."""
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        tees = [
            Product(
                f"TEE-{size}",
                "Tee",
                "Clothes",
                {"GBP": Money(1200, "GBP")},
                parent="TEE",
                option_names=("Size",),
                options=(size,),
            )
            for size in ("S", "M", "L")
        ]
        await uow.products.upsert_many(tees)
        for manager in MANAGERS[:2]:
            await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.commit()
    ids = {tee.sku: tee.id or 0 for tee in tees}
    start = asyncio.Event()

    async def edit(sku: str, staff_id: int, text: str) -> None:
        await start.wait()
        await edit_product(
            SqlUnitOfWork(sessions),
            clock,
            product_id=ids[sku],
            field=field,
            text=text,
            staff_id=staff_id,
            languages=frozenset({"en"}),
        )

    tasks = [
        asyncio.create_task(edit(sku, manager, text))
        for (sku, text), manager in zip(texts.items(), MANAGERS, strict=False)
    ]
    start.set()
    await asyncio.gather(*tasks)


async def test_managers_renaming_two_variants_at_once_leave_the_family_one_name(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _edited_at_once(engine, clock, "name", {"TEE-S": "Cotton tee", "TEE-M": "Linen tee"})
    async with session_factory(engine)() as session:
        names = set((await session.scalars(select(m.ProductRow.name))).all())
        audited = await session.scalar(select(func.count()).select_from(m.ProductChangeRow))
    assert len(names) == 1 and names <= {"Cotton tee", "Linen tee"}
    assert audited == 6  # each rename reached the three variants


async def test_managers_moving_two_variants_at_once_leave_the_family_in_one_category(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """The second move reads the first's, committed: every row audited from where it was."""
    await _edited_at_once(engine, clock, "category", {"TEE-S": "Kitchen", "TEE-L": "Party"})
    async with session_factory(engine)() as session:
        ids = set((await session.scalars(select(m.ProductRow.category_id))).all())
        final = await session.scalar(select(m.CategoryRow.name).where(m.CategoryRow.id.in_(ids)))
        changes = (await session.execute(select(m.ProductChangeRow.before, m.ProductChangeRow.after))).all()
    assert len(ids) == 1 and final in {"Kitchen", "Party"}
    first = "Party" if final == "Kitchen" else "Kitchen"
    assert sorted(tuple(c) for c in changes) == sorted([("Clothes", first)] * 3 + [(first, final)] * 3)
