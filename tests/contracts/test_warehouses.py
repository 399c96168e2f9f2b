"""WarehouseRepository: what the fake and SQL both promise."""

from __future__ import annotations

from domain.ports import UnitOfWork
from domain.warehouse import Warehouse
from tests.contracts.conftest import NOW, a_product, a_warehouse


async def test_an_upserted_warehouse_is_found_by_code_and_updated_in_place(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.warehouses.upsert(Warehouse("LON", "London", "1 Dock", 51.5, -0.1, is_pickup_point=True))
        await uow.commit()
    async with uow:
        again = await uow.warehouses.upsert(Warehouse("LON", "London East", "2 Dock"))
        await uow.commit()
    assert added.id is not None and again.id == added.id
    async with uow:
        loaded = await uow.warehouses.get_by_code("LON")
        assert await uow.warehouses.get_by_code("MAN") is None
    assert loaded == Warehouse("LON", "London East", "2 Dock", None, None, False, (), added.id)


async def test_a_stored_warehouse_does_not_change_with_the_callers_object(uow: UnitOfWork) -> None:
    async with uow:
        warehouse = await uow.warehouses.upsert(Warehouse("LON", "London"))
        await uow.commit()
    warehouse.name = "changed after saving"
    async with uow:
        loaded = await uow.warehouses.get_by_code("LON")
        assert loaded is not None
        loaded.name = "changed after reading"
    async with uow:
        assert (await uow.warehouses.get_by_code("LON")) == Warehouse("LON", "London", id=warehouse.id)


async def test_zones_are_those_of_the_bins_in_use_not_what_upsert_was_given(uow: UnitOfWork) -> None:
    async with uow:
        await uow.warehouses.upsert(Warehouse("LON", "London", zones=("Z",)))
        await uow.commit()
    product, lon = await a_product(uow), await a_warehouse(uow, "LON")
    async with uow:
        assert (await uow.warehouses.get_by_code("LON") or Warehouse("?", "?")).zones == ()
        await uow.stock.set_bin_quantity(product, lon, "B-01-02-1", 3, "count", "staff:1", NOW)
        await uow.stock.set_bin_quantity(product, lon, "A-01-01-1", 2, "count", "staff:1", NOW)
        await uow.commit()
    async with uow:
        assert (await uow.warehouses.get_by_code("LON") or Warehouse("?", "?")).zones == ("A", "B")


async def test_ids_by_code_names_only_known_codes(uow: UnitOfWork) -> None:
    lon, man = await a_warehouse(uow, "LON"), await a_warehouse(uow, "MAN")
    async with uow:
        assert await uow.warehouses.ids_by_code(["LON", "MAN", "NYC"]) == {"LON": lon, "MAN": man}
        assert await uow.warehouses.ids_by_code([]) == {}
