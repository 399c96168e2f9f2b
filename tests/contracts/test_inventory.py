"""InventoryRepository: what the fake and SQL both promise (the fake keeps only what a stock count reads)."""

from __future__ import annotations

from datetime import timedelta

from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_product, a_warehouse


async def test_the_bins_holding_products_are_listed_by_warehouse_and_code_and_empty_ones_are_not(
    uow: UnitOfWork,
) -> None:
    product, warehouse = await a_product(uow), await a_warehouse(uow)
    async with uow:
        for code, quantity in (("B-01-02-1", 10), ("a-1-1-1", 4), ("C-01-01-1", 0)):
            await uow.stock.set_bin_quantity(product, warehouse, code, quantity, "count", "s", NOW)
        await uow.commit()
    async with uow:
        found = await uow.inventory.bins([product])
        assert [(b.product_id, b.warehouse_id, b.bin_code, b.quantity) for b in found] == [
            (product, warehouse, "A-01-01-1", 4),
            (product, warehouse, "B-01-02-1", 10),
        ]
        assert await uow.inventory.bins([product + 1000]) == []


async def test_a_bins_contents_are_what_it_holds_of_each_product_in_its_own_warehouse_only(uow: UnitOfWork) -> None:
    jar, mug = await a_product(uow, "JAR-1"), await a_product(uow, "MUG-2")
    london, leeds = await a_warehouse(uow), await a_warehouse(uow, "LDS")
    async with uow:
        for product, warehouse, code, quantity in (
            (mug, london, "A-01-01-1", 3),
            (jar, london, "A-01-01-1", 5),
            (jar, leeds, "A-01-01-1", 7),  # the same code in another warehouse is another shelf
            (jar, london, "B-01-01-1", 2),
            (mug, london, "C-01-01-1", 0),
        ):
            await uow.stock.set_bin_quantity(product, warehouse, code, quantity, "count", "s", NOW)
        await uow.stock.set_bin_quantity(mug, london, "C-01-01-1", 0, "count", "s", NOW)
        await uow.commit()
    async with uow:
        found = await uow.inventory.bin_contents(london, "A-01-01-1")
        assert sorted((b.product_id, b.warehouse_id, b.bin_code, b.quantity) for b in found) == sorted(
            [(jar, london, "A-01-01-1", 5), (mug, london, "A-01-01-1", 3)]
        )
        assert await uow.inventory.bin_contents(london, "C-01-01-1") == []  # emptied: nothing listed
        assert await uow.inventory.bin_contents(london, "Z-09-09-9") == []


async def test_the_products_moved_at_a_warehouse_for_a_reason_since_a_moment_are_found_however_many_moves_came_after(
    uow: UnitOfWork,
) -> None:
    jar, mug, cup = await a_product(uow, "JAR-1"), await a_product(uow, "MUG-2"), await a_product(uow, "CUP-3")
    london, leeds = await a_warehouse(uow), await a_warehouse(uow, "LDS")
    later = NOW + timedelta(minutes=5)
    async with uow:
        await uow.stock.set_bin_quantity(jar, london, "A-01-01-1", 4, "count: bin A-01-01-1", "s", NOW)
        await uow.stock.set_bin_quantity(mug, london, "A-01-01-1", 2, "count: bin A-01-01-1", "s", later)
        await uow.stock.set_bin_quantity(cup, leeds, "A-01-01-1", 2, "count: bin A-01-01-1", "s", later)  # elsewhere
        for n in range(60):  # the jar busy since, in another bin
            await uow.stock.set_bin_quantity(jar, london, "B-01-01-1", n + 1, "receipt", "s", later)
        await uow.commit()
    async with uow:
        ids = [jar, mug, cup]
        assert await uow.inventory.moved_for(london, "count: bin A-01-01-1", ids, NOW) == {jar, mug}
        assert await uow.inventory.moved_for(london, "count: bin A-01-01-1", ids, later) == {mug}
        assert await uow.inventory.moved_for(london, "count: bin A-01-01-1", [cup], NOW) == set()
        assert await uow.inventory.moved_for(leeds, "count: bin A-01-01-1", ids, NOW) == {cup}


async def test_a_warehouse_has_the_bins_stock_was_ever_put_in_even_emptied_and_no_other_warehouse_s(
    uow: UnitOfWork,
) -> None:
    jar = await a_product(uow, "JAR-1")
    london, leeds = await a_warehouse(uow), await a_warehouse(uow, "LDS")
    async with uow:
        await uow.stock.set_bin_quantity(jar, london, "b-2-1-1", 4, "count", "s", NOW)
        await uow.stock.set_bin_quantity(jar, london, "A-01-01-1", 3, "count", "s", NOW)
        await uow.stock.set_bin_quantity(jar, london, "A-01-01-1", 0, "count", "s", NOW)  # emptied: still a bin
        await uow.stock.set_bin_quantity(jar, leeds, "C-01-01-1", 2, "count", "s", NOW)
        await uow.commit()
    async with uow:
        assert await uow.inventory.bin_codes(london) == ["A-01-01-1", "B-02-01-1"]
        assert await uow.inventory.has_bin(london, "A-01-01-1") and await uow.inventory.has_bin(london, "B-02-01-1")
        assert not await uow.inventory.has_bin(london, "C-01-01-1")  # Leeds's
        assert not await uow.inventory.has_bin(london, "Z-99-99-9")
        assert await uow.inventory.bin_codes(leeds + london + 1000) == []
