"""Two managers editing one parent's variants at the same instant, on SQLite and PostgreSQL:
the same variant added is created once, the other refused naming it; names typed on two
variants at once leave the family one name, audited, neither refused; so do categories."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.errors import DomainError
from domain.money import Money
from domain.usecases.catalog_admin import edit_product
from domain.usecases.variant_admin import NewVariant, add_variant, rename_options
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import at_once, worst_interleaving

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
    assert sorted(o for o in outcomes if o != "created") == [f"TEE already has a variant L (SKU {winner})."] * 2
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


async def _tee_with_size_option(engine: AsyncEngine) -> int:
    """TEE (size=M) whose option is named in lower case; two managers. The product's id."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        tee = Product("TEE", "Tee", "Clothes", {"GBP": Money(1200, "GBP")}, option_names=("size",), options=("M",))
        await uow.products.upsert(tee)
        for manager in MANAGERS[:2]:
            await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.commit()
    return tee.id or 0


async def _option_names(engine: AsyncEngine) -> dict[str, str]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.ProductRow.sku, m.ProductGroupRow.option1_name).join(
                m.ProductGroupRow, m.ProductGroupRow.id == m.ProductRow.group_id
            )
        )
        return {sku: name for sku, name in rows}


def _rename_and_add(engine: AsyncEngine, clock: FakeClock, tee: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    sessions = session_factory(engine)
    draft = NewVariant(sku="TEE-L", options="size=L")
    return (
        lambda: rename_options(SqlUnitOfWork(sessions), clock, product_id=tee, text="Size", staff_id=MANAGERS[0]),
        lambda: add_variant(SqlUnitOfWork(sessions), clock, product_id=tee, draft=draft, staff_id=MANAGERS[1]),
    )


def _locks_the_parent(statement: str) -> bool:
    return "FOR UPDATE" in statement and "product_groups" in statement


@pytest.mark.postgres
async def test_a_variant_added_while_the_options_are_renamed_takes_the_new_names(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the rename holds the parent; the new variant's product is
    read meanwhile, then waits for the parent. One read before the lock wrote the old name back
    on the whole family, while its audit trail said it was renamed."""
    tee = await _tee_with_size_option(pg_engine)
    rename, add = _rename_and_add(pg_engine, clock, tee)
    results = await worst_interleaving(pg_engine, rename, add, locks=_locks_the_parent)
    assert all(not isinstance(r, BaseException) for r in results), results
    assert await _option_names(pg_engine) == {"TEE": "Size", "TEE-L": "Size"}


async def test_a_variant_added_and_the_options_renamed_at_once_leave_the_family_the_new_names(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    tee = await _tee_with_size_option(engine)
    results = await at_once(*_rename_and_add(engine, clock, tee))
    assert all(not isinstance(r, BaseException) for r in results), results
    assert await _option_names(engine) == {"TEE": "Size", "TEE-L": "Size"}


async def _option_renames(engine: AsyncEngine) -> list[tuple[str, str]]:
    """The audit trail's option renames, oldest first."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.ProductChangeRow.before, m.ProductChangeRow.after)
            .where(m.ProductChangeRow.field == "option_names")
            .order_by(m.ProductChangeRow.id)
        )
        return [(before, after) for before, after in rows]


def _two_renames(engine: AsyncEngine, clock: FakeClock, tee: int, texts: tuple[str, str]) -> list[Callable[[], Any]]:
    sessions = session_factory(engine)
    return [
        lambda: rename_options(SqlUnitOfWork(sessions), clock, product_id=tee, text=texts[0], staff_id=MANAGERS[0]),
        lambda: rename_options(SqlUnitOfWork(sessions), clock, product_id=tee, text=texts[1], staff_id=MANAGERS[1]),
    ]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("second", "renames"),
    [
        ("Taille", [("size", "Size"), ("Size", "Taille")]),
        ("Size", [("size", "Size")]),  # nothing left to rename: not audited twice
    ],
)
async def test_a_rename_made_while_another_holds_the_parent_audits_the_names_that_one_left(
    pg_engine: AsyncEngine, clock: FakeClock, second: str, renames: list[tuple[str, str]]
) -> None:
    """The worst interleaving, forced: one rename holds the parent; the other reads the product
    meanwhile, then waits for the parent. Read before the lock, it audited "size" as the names
    it replaced and compared what was typed with them, not with what the first left."""
    tee = await _tee_with_size_option(pg_engine)
    first, then = _two_renames(pg_engine, clock, tee, ("Size", second))
    results = await worst_interleaving(pg_engine, first, then, locks=_locks_the_parent)
    assert all(not isinstance(r, BaseException) for r in results), results
    assert await _option_names(pg_engine) == {"TEE": second}
    assert await _option_renames(pg_engine) == renames


async def test_two_renames_at_once_leave_one_audit_trail_from_the_old_names_to_the_last(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    tee = await _tee_with_size_option(engine)
    results = await at_once(*_two_renames(engine, clock, tee, ("Size", "Taille")))
    assert all(not isinstance(r, BaseException) for r in results), results
    final = (await _option_names(engine))["TEE"]
    first = "Size" if final == "Taille" else "Taille"
    assert await _option_renames(engine) == [("size", first), (first, final)]
