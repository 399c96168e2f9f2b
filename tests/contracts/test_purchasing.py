"""PurchasingRepository: what the fake and SQL both promise (the fake buys nothing on terms
or on purchase orders)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.money import Money
from domain.ports import UnitOfWork
from domain.purchasing import OnOrder, PoLine, PoPayment, PoStatus, PurchaseOrder, Supplier
from tests.contracts.conftest import NOW, a_product, a_warehouse


async def test_products_bought_on_no_terms_have_none(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.purchasing.terms([1, 2]) == [] and await uow.purchasing.terms() == []


async def test_products_never_received_on_a_purchase_order_have_no_last_price(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.purchasing.last_received_costs([1, 2]) == []


async def test_products_on_no_sent_purchase_order_have_nothing_on_order(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.purchasing.on_order([1, 2]) == {}


async def _ordered(uow: UnitOfWork, warehouse_id: int, currency: str, lines: list[tuple[int, int]]) -> PurchaseOrder:
    """A purchase order sent for ``warehouse_id`` in ``currency``: (product, unit cost) per line, ten units each."""
    async with uow:
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0]
        assert supplier.id is not None
        po = await uow.purchasing.add(PurchaseOrder(supplier.id, warehouse_id, currency, created_at=NOW), "t")
        po.lines, po.status = [PoLine(p, "", 10, Money(cost, currency)) for p, cost in lines], PoStatus.APPROVED
        await uow.purchasing.save(po, "t")
        await uow.commit()
        return po


async def _arrives(uow: UnitOfWork, po: PurchaseOrder, units: int, at: datetime) -> None:
    """``units`` of each of its lines come in at ``at``."""
    async with uow:
        for line in po.lines:
            line.received, line.received_at = line.received + units, at
        po.status = PoStatus.PARTIAL
        await uow.purchasing.save(po, "t")
        await uow.commit()


async def _received(uow: UnitOfWork, warehouse_id: int, currency: str, lines: list[tuple[int, int, int]]) -> None:
    """A purchase order for ``warehouse_id`` in ``currency``: (product, unit cost, units received) per line."""
    async with uow:
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0]
        assert supplier.id is not None
        po_lines = [PoLine(p, "", 10, Money(cost, currency)) for p, cost, _ in lines]
        po = await uow.purchasing.add(PurchaseOrder(supplier.id, warehouse_id, currency, created_at=NOW), "t")
        po.lines, po.status = po_lines, PoStatus.PARTIAL
        await uow.purchasing.save(po, "t")
        for line, (_, _, received) in zip(po.lines, lines, strict=True):
            line.received, line.received_at = received, (NOW if received else None)
        await uow.purchasing.save(po, "t")
        await uow.commit()


async def _two_products_two_warehouses(uow: UnitOfWork) -> tuple[int, int, int, int]:
    """A lamp and a mug, London and Leeds."""
    lamp, mug = await a_product(uow, "LAMP-1"), await a_product(uow, "MUG-1")
    return lamp, mug, await a_warehouse(uow, "LON"), await a_warehouse(uow, "LDS")


# SQL's alone (``sql``): the fake buys nothing on purchase orders.


async def test_the_last_price_is_the_latest_order_s_line_received_there_latest_first(sql: UnitOfWork) -> None:
    uow = sql
    lamp, mug, london, leeds = await _two_products_two_warehouses(uow)
    await _received(uow, london, "GBP", [(lamp, 800, 10), (mug, 100, 5)])
    await _received(uow, leeds, "EUR", [(lamp, 1050, 3)])
    await _received(uow, london, "GBP", [(lamp, 900, 2), (mug, 999, 0)])  # the mug's line: nothing in yet
    async with uow:
        assert await uow.purchasing.last_received_costs([lamp, mug, 999]) == [
            (lamp, london, Money(900, "GBP")),
            (lamp, leeds, Money(1050, "EUR")),
            (mug, london, Money(100, "GBP")),
        ]
        assert await uow.purchasing.last_received_costs([mug]) == [(mug, london, Money(100, "GBP"))]


async def test_the_stock_value_counts_a_product_without_terms_or_cost_at_its_last_price(sql: UnitOfWork) -> None:
    uow = sql
    lamp, mug, london, leeds = await _two_products_two_warehouses(uow)
    await _received(uow, london, "GBP", [(lamp, 800, 10)])
    await _received(uow, london, "GBP", [(lamp, 900, 2)])
    async with uow:  # the lamp at LDS was never bought there: the last price anywhere
        await uow.stock.set_bin_quantity(lamp, london, "A-01-01-1", 12, "t", "t", NOW)
        await uow.stock.set_bin_quantity(lamp, leeds, "A-01-01-1", 3, "t", "t", NOW)
        await uow.stock.set_bin_quantity(mug, london, "A-01-01-1", 4, "t", "t", NOW)  # never bought: unknown
        await uow.commit()
    async with uow:
        rows = sorted(await uow.inventory.valued_positions("GBP"), key=lambda r: (r[0], r[1] or ""))
    assert rows == sorted(
        [(london, "GBP", 12, 10800, 1), (london, None, 4, 0, 1), (leeds, "GBP", 3, 2700, 1)],
        key=lambda r: (r[0], r[1] or ""),
    )


async def test_the_last_price_is_the_one_received_latest_though_its_order_was_placed_first(sql: UnitOfWork) -> None:
    uow = sql
    lamp, _, london, _ = await _two_products_two_warehouses(uow)
    early = await _ordered(uow, london, "GBP", [(lamp, 700)])  # placed first, delayed at the supplier
    late = await _ordered(uow, london, "GBP", [(lamp, 900)])
    await _arrives(uow, late, 5, NOW + timedelta(days=3))
    await _arrives(uow, early, 5, NOW + timedelta(days=9))
    async with uow:
        assert await uow.purchasing.last_received_costs([lamp]) == [(lamp, london, Money(700, "GBP"))]
        await uow.stock.set_bin_quantity(lamp, london, "A-01-01-1", 10, "t", "t", NOW)
        await uow.commit()
    async with uow:  # the stock's value takes the same price: 10 × £7.00
        assert await uow.inventory.valued_positions("GBP") == [(london, "GBP", 10, 7000, 1)]
    await _arrives(uow, late, 5, NOW + timedelta(days=12))  # the rest of the later order, later still
    async with uow:
        assert await uow.purchasing.last_received_costs([lamp]) == [(lamp, london, Money(900, "GBP"))]


async def test_the_latest_received_comes_first_across_products_and_warehouses(sql: UnitOfWork) -> None:
    uow = sql
    lamp, mug, london, leeds = await _two_products_two_warehouses(uow)
    mugs = await _ordered(uow, london, "GBP", [(mug, 100)])
    lamps = await _ordered(uow, leeds, "EUR", [(lamp, 1050)])
    await _arrives(uow, lamps, 1, NOW + timedelta(days=1))
    await _arrives(uow, mugs, 1, NOW + timedelta(days=2))
    async with uow:
        assert await uow.purchasing.last_received_costs([lamp, mug]) == [
            (mug, london, Money(100, "GBP")),
            (lamp, leeds, Money(1050, "EUR")),
        ]


async def test_orders_owing_their_supplier_are_listed_oldest_first_and_counted(sql: UnitOfWork) -> None:
    """More received than paid: owed. Nothing in yet, or everything paid: not owed."""
    uow = sql
    lamp, _, london, _ = await _two_products_two_warehouses(uow)
    orders = [await _ordered(uow, london, "GBP", [(lamp, 100 + n)]) for n in range(4)]
    for po in orders[:3]:
        await _arrives(uow, po, 2, NOW)  # the fourth: nothing in yet
    async with uow:
        paid = orders[1]  # paid in full: 2 × £1.01
        paid.paid_minor = 202
        await uow.purchasing.save(paid, "t")
        await uow.purchasing.add_payment(PoPayment(paid.id or 0, NOW, Money(202, "GBP"), 42, "wire"))
        await uow.commit()
    async with uow:
        assert [po.id for po in await uow.purchasing.owing(1)] == [orders[0].id]
        assert [po.id for po in await uow.purchasing.owing(10)] == [orders[0].id, orders[2].id]
        assert await uow.purchasing.owing_count() == 2
        (kept,) = await uow.purchasing.payments(paid.id or 0)
        assert (kept.amount, kept.paid_by, kept.note, kept.paid_at) == (Money(202, "GBP"), 42, "wire", NOW)
        assert await uow.purchasing.payments(orders[0].id or 0) == []


async def test_on_order_counts_sent_orders_still_bringing_units_by_warehouse_not_drafts(sql: UnitOfWork) -> None:
    """A draft is not on order (nobody sent it); a sent order counts what it still brings, per
    warehouse, with the earliest expected day; one fully received brings nothing."""
    lamp, mug, london, leeds = await _two_products_two_warehouses(sql)
    first = await _ordered(sql, london, "GBP", [(lamp, 100), (mug, 100)])
    second = await _ordered(sql, london, "GBP", [(lamp, 100)])
    in_leeds = await _ordered(sql, leeds, "GBP", [(lamp, 100)])
    async with sql:
        first.expected_on, second.expected_on = date(2026, 12, 9), date(2026, 12, 2)
        await sql.purchasing.save(first, "t")
        await sql.purchasing.save(second, "t")
        in_leeds.status = PoStatus.DRAFT
        await sql.purchasing.save(in_leeds, "t")
        await sql.commit()
    await _arrives(sql, first, 4, NOW)
    async with sql:
        assert await sql.purchasing.on_order([lamp, mug]) == {
            (lamp, london): OnOrder(6 + 10, date(2026, 12, 2)),
            (mug, london): OnOrder(6, date(2026, 12, 9)),
        }
    await _arrives(sql, second, 10, NOW)
    async with sql:
        assert (await sql.purchasing.on_order([lamp]))[(lamp, london)] == OnOrder(6, date(2026, 12, 9))
