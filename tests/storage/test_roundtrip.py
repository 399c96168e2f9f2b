"""Storage on SQLite and PostgreSQL: migrations, round trips, atomic use cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Dimensions, Product
from domain.customers import Address, Customer, Role, StaffMember
from domain.errors import IllegalTransition, ImportRejected
from domain.fx import FxRate
from domain.money import Money
from domain.orders import HistoryEntry, Order, OrderLine, OrderStatus
from domain.ports import SystemClock
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.orders import transition_order
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def uow_for(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine))


async def test_migrations_from_empty_match_the_models(engine: AsyncEngine) -> None:
    def compared(thing: object, name: str | None, kind: str, reflected: bool, _to: object) -> bool:
        # PostgreSQL's trigram indexes (migration 0071) are made only where pg_trgm can be created;
        # SQLite's trigram table and its FTS5 shadow tables (0072) are the search's, kept by triggers.
        # The database's own name (0073) is on no model, so ``ordergram copy`` never copies it.
        left_out = (kind == "index" and (name or "").endswith("_trgm")) or (
            kind == "table" and ((name or "").startswith("product_search") or name == "database_identity")
        )
        return not (reflected and left_out)

    def diff(connection):
        opts = {"compare_type": True, "include_object": compared}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, m.Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []
        version = await connection.scalar(select(func.count()).select_from(m.Base.metadata.tables["customers"]))
        assert version == 0


async def test_customer_round_trip_keeps_every_field(engine: AsyncEngine) -> None:
    uow = uow_for(engine)
    async with uow:
        await uow.customers.add(
            Customer(
                telegram_id=9_000_000_001,
                first_name="<b>&",
                last_name="Ø",
                username="u",
                phone="+447911123456",
                language="ru",
                currency="GBP",
                is_business=True,
                is_vip=True,
                addresses=[Address("1 Road", 51.5, -0.1), Address("2 Lane", None, None)],
                created_at=NOW,
            )
        )
        await uow.commit()
    async with uow:
        by_telegram = await uow.customers.get_by_telegram_id(9_000_000_001)
        assert by_telegram is not None and by_telegram.addresses == []  # the per-update lookup stays one query
        loaded = await uow.customers.get(by_telegram.id or 0)
        await uow.staff.put(StaffMember(42, Role.PICKER, "LON"))
        await uow.commit()
    assert loaded is not None
    assert (loaded.first_name, loaded.language, loaded.is_vip, loaded.created_at) == ("<b>&", "ru", True, NOW)
    assert [(a.text, a.latitude) for a in loaded.addresses] == [("1 Road", 51.5), ("2 Lane", None)]  # as saved
    async with uow:
        plain = await uow.customers.add(Customer(telegram_id=9_000_000_002, first_name="P", created_at=NOW))
        await uow.commit()
    async with uow:
        again = await uow.customers.get(plain.id or 0)
    assert again is not None and again.first_name == "P" and again.addresses == []  # no address: none made up
    async with uow:
        staff = await uow.staff.get(42)
    assert staff == StaffMember(42, Role.PICKER, "LON", staff.id if staff else None)


async def test_product_prices_are_exact_and_per_currency(engine: AsyncEngine) -> None:
    uow = uow_for(engine)
    product = Product(
        sku="MUG-1",
        name="Mug",
        category="Kitchen",
        barcode="4006381333931",
        weight_g=300,
        dimensions=Dimensions(100, 90, 95),
        prices={"EUR": Money(999_999_999_999, "EUR"), "JPY": Money(1500, "JPY")},
    )
    async with uow:
        await uow.products.upsert(product)
        await uow.commit()
    async with uow:
        loaded = await uow.products.get_by_sku("MUG-1")
    assert loaded is not None
    assert loaded.prices == {"EUR": Money(999_999_999_999, "EUR"), "JPY": Money(1500, "JPY")}
    assert loaded.dimensions == Dimensions(100, 90, 95) and loaded.category == "Kitchen"


async def test_fx_history_keeps_the_exact_rate_text(engine: AsyncEngine) -> None:
    uow = uow_for(engine)
    async with uow:
        await uow.fx.add(FxRate("USD", "RUB", Decimal("92.50"), NOW), "staff:1")
        await uow.fx.add(FxRate("USD", "RUB", Decimal("93.123456789"), NOW.replace(hour=13)), "staff:1")
        await uow.commit()
    async with uow:
        latest = await uow.fx.latest("USD", "RUB")
    assert latest is not None and latest.rate == Decimal("93.123456789")


async def test_order_round_trip_with_history_and_compare_and_set(engine: AsyncEngine) -> None:
    uow = uow_for(engine)
    async with uow:
        customer = await uow.customers.add(Customer(telegram_id=1, first_name="A", created_at=NOW))
        product = await uow.products.upsert(Product(sku="S", name="N", category="C", prices={"EUR": Money(450, "EUR")}))
        order = Order.place(
            code="BCDFGHJK",
            customer_id=customer.id or 0,
            currency="EUR",
            lines=[OrderLine(product.id or 0, "S", "N", 2, Money(450, "EUR"))],
            now=NOW,
            actor="customer:1",
            shipping=Money(300, "EUR"),
        )
        await uow.orders.add(order)
        await uow.commit()
    clock = FakeClock(NOW)
    await transition_order(uow_for(engine), clock, code="BCDFGHJK", target=OrderStatus.AWAITING_PAYMENT, actor="system")
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None
    assert loaded.total == Money(1200, "EUR") and loaded.status is OrderStatus.AWAITING_PAYMENT
    assert [(h.from_status, h.to_status) for h in loaded.history] == [
        (None, OrderStatus.PLACED),
        (OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT),
    ]
    stale = loaded  # another staff member's copy, loaded before the next move
    await transition_order(uow_for(engine), clock, code="BCDFGHJK", target=OrderStatus.PAID, actor="system")
    async with uow:
        entry = stale.transition(OrderStatus.CANCELLED, now=NOW, actor="staff:2")
        with pytest.raises(IllegalTransition):
            await uow.orders.record_transition(stale, entry)


async def _replacement(uow: SqlUnitOfWork, units: int, paid: int) -> Order:
    """A replacement's order of ``units`` sent in exchange (free, paid ``paid`` in all, at a list
    price of €4.50), as stored."""
    async with uow:
        customer = await uow.customers.add(Customer(telegram_id=1, first_name="A", created_at=NOW))
        product = await uow.products.upsert(Product(sku="S", name="N", category="C", prices={"EUR": Money(450, "EUR")}))
        sent = OrderLine(product.id or 0, "S", "N", units, Money(0, "EUR"), paid_minor=paid, list_price_minor=450)
        order = Order.place(
            code="BCDFGHJK", customer_id=customer.id or 0, currency="EUR", lines=[sent], now=NOW, actor="staff:1"
        )
        await uow.orders.add(order)
        await uow.commit()
    async with uow:
        placed = await uow.orders.get_by_code("BCDFGHJK")
    assert placed is not None
    return placed


async def test_an_edited_line_sent_in_exchange_keeps_what_its_units_left_were_paid(engine: AsyncEngine) -> None:
    """``save_edit`` wrote a kept line's quantity and discount but not ``paid_minor``: a
    replacement lowered from 3 units to 1 still said all 3 were paid, and refunded them."""
    uow = uow_for(engine)
    loaded = await _replacement(uow, 3, 1000)
    async with uow:
        loaded.lines = [replace(loaded.lines[0], quantity=1, paid_minor=334)]
        await uow.orders.save_edit(loaded, HistoryEntry(NOW, "staff:1", loaded.status, loaded.status, "edited"))
        await uow.commit()
    async with uow:
        again = await uow.orders.get_by_code("BCDFGHJK")
    assert again is not None
    assert [(x.quantity, x.paid_minor, x.list_price_minor) for x in again.lines] == [(1, 334, 450)]


async def test_a_returned_unit_sent_in_exchange_is_worth_its_list_price_not_its_free_one(engine: AsyncEngine) -> None:
    uow = uow_for(engine)
    placed = await _replacement(uow, 1, 400)
    line = placed.lines[0]
    back = ReturnLine(line.id or 0, line.product_id, "S", "N", 1, line.unit_price)
    kind, reason, method = ReturnKind.REFUND, ReturnReason.DAMAGED, ReturnMethod.DROP_OFF
    request = ReturnRequest("RBCDFGHJ", placed.id or 0, placed.customer_id, kind, reason, method, [back], NOW)
    async with uow:
        await uow.returns.add(request, NOW)
        await uow.commit()
    async with uow:
        loaded = await uow.returns.get_by_code("RBCDFGHJ")
    assert loaded is not None and [x.unit_price for x in loaded.lines] == [Money(450, "EUR")]


async def test_every_return_reason_fits_its_column_and_comes_back_with_the_customer_s_note(
    engine: AsyncEngine,
) -> None:
    uow = uow_for(engine)
    placed = await _replacement(uow, 1, 400)
    line = placed.lines[0]
    codes = {reason: "R" + "BCDFGHJKLM"[n] * 7 for n, reason in enumerate(ReturnReason)}
    async with uow:
        for reason, rma in codes.items():
            back = ReturnLine(line.id or 0, line.product_id, "S", "N", 1, line.unit_price)
            request = ReturnRequest(
                rma, placed.id or 0, placed.customer_id, ReturnKind.EXCHANGE, reason, ReturnMethod.DROP_OFF, [back], NOW
            )
            await uow.returns.add(replace(request, note=f"{reason.value}: it is torn"), NOW)
        await uow.commit()
    async with uow:
        loaded = {reason: await uow.returns.get_by_code(rma) for reason, rma in codes.items()}
    assert {r: (x.reason, x.note) for r, x in loaded.items() if x} == {r: (r, f"{r.value}: it is torn") for r in codes}


async def test_a_failed_import_leaves_the_database_untouched(engine: AsyncEngine, clock: FakeClock) -> None:
    uow = uow_for(engine)
    await import_warehouses(uow, "code,name,address,latitude,longitude,pickup_point\nW1,Main,,,,\n")
    await import_products(
        uow,
        SystemClock(),
        "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
        "A,Mug,K,1,EUR,,,,,,\nB,Cup,K,1,EUR,,,,,,\n",
    )
    await import_stock(uow, clock, "sku,warehouse,bin,quantity\nA,W1,A-01-01-1,5\n")
    with pytest.raises(ImportRejected):
        await import_stock(uow, clock, "sku,warehouse,bin,quantity\nB,W1,A-01-01-1,7\nA,W1,A-01-01-1,-1\n")
    async with uow:
        rows = (await uow.session.execute(select(m.StockRow.on_hand))).scalars().all()
        movements = await uow.session.scalar(select(func.count()).select_from(m.InventoryMovementRow))
    assert rows == [5] and movements == 1


async def test_warehouse_zones_come_from_bins(engine: AsyncEngine, clock: FakeClock) -> None:
    uow = uow_for(engine)
    async with uow:
        await uow.warehouses.upsert(Warehouse("LON", "London", is_pickup_point=True))
        await uow.commit()
    await import_products(
        uow,
        SystemClock(),
        "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
        "A,Mug,K,1,EUR,,,,,,\n",
    )
    await import_stock(uow, clock, "sku,warehouse,bin,quantity\nA,LON,B-01-01-1,5\nA,LON,A-02-01-1,1\n")
    async with uow:
        (warehouse,) = await uow.warehouses.all()
        (level,) = await uow.stock.levels([1])
    assert warehouse.zones == ("A", "B") and warehouse.is_pickup_point
    assert (level.on_hand, level.reserved) == (6, 0)


async def test_api_keys_made_before_scopes_keep_every_scope(tmp_path) -> None:
    """Upgrading must not break a shop's channels: old keys keep everything they could do."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from domain.apikeys import Scope
    from storage.db import create_engine
    from storage.migrate import alembic_config

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    before_scopes = ScriptDirectory.from_config(config).get_revision("0011").down_revision

    def to(revision: str):
        def run(connection: object) -> None:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

        return run

    async with engine.connect() as connection:
        await connection.run_sync(to(str(before_scopes)))
        await connection.execute(
            text(
                "INSERT INTO api_keys (name, prefix, key_hash, created_at) "
                "VALUES ('web shop', 'abcd1234', :hash, '2026-11-01 10:00:00')"
            ),
            {"hash": "0" * 64},
        )
        await connection.commit()
        await connection.run_sync(to("head"))
        await connection.commit()
    uow = uow_for(engine)
    async with uow.read_only():
        keys = await uow.api.keys()
    await engine.dispose()
    could = frozenset(Scope) - {Scope.CUSTOMERS}  # setting business terms came with scopes
    assert [(k.name, k.scopes) for k in keys] == [("web shop", could)]
