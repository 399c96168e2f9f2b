"""The database ranks /queue by the domain's rule: on a mixed set of orders (priority flags,
promised dates or none, no delivery, equal times placed, split between warehouses) the
order the database gives, whole and page by page, is ``sorted(orders, key=queue_key)``."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.queue_rank import PRIORITY_FLAGS, queue_key
from domain.usecases.order_queue import QUEUE_STATUSES, queue_page
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.storage.seeding import load_seeder

END = date(2026, 12, 1)
ADMIN = 100  # the seeder's staff
FLAGS = ["", "VIP", "GIFT", "BACKORDER", "REPLACEMENT", "BACKORDER,SPLIT", "GIFT,VIP", "", "SPLIT"]
STATUSES = ["allocated", "picking", "picked", "packed", "allocated", "shipped", "placed"]  # the last two never queue
ETAS = ["2026-12-05", None, "2026-12-03", "2026-12-05", "2026-12-09", None]


async def _mixed_queue(database_url: str, engine: AsyncEngine) -> None:
    """Sixty-three orders made open in a mix the rule has to sort out."""
    await engine.dispose()  # the seeder takes the SQLite file alone while it writes
    await load_seeder().seed(database_url, scale=0.001, seed=3, end=END, data=None)
    async with engine.begin() as connection:
        ids = (await connection.execute(text("SELECT id FROM orders WHERE status = 'completed' ORDER BY id"))).all()
        product = await connection.scalar(text("SELECT min(id) FROM products"))
        for i, (order_id,) in zip(range(63), ids, strict=False):
            await connection.execute(
                text(
                    "UPDATE orders SET status = :status, flags = :flags, eta = :eta, "
                    "delivery_method = CASE WHEN :none THEN NULL ELSE delivery_method END WHERE id = :id"
                ),
                {
                    "status": STATUSES[i % len(STATUSES)],
                    "flags": FLAGS[i % len(FLAGS)],
                    "eta": date.fromisoformat(e) if (e := ETAS[i % len(ETAS)]) else None,
                    "none": i % 10 == 4,  # no delivery: a date left on the row is no promise
                    "id": order_id,
                },
            )
            if i % 4 == 1:  # the same as the order before it but for the id: placed at the same moment
                await connection.execute(
                    text(
                        "UPDATE orders SET (created_at, flags, eta, delivery_method) = "
                        "(SELECT created_at, flags, eta, delivery_method FROM orders WHERE id = :a) WHERE id = :b"
                    ),
                    {"a": ids[i - 1][0], "b": order_id},
                )
            for warehouse in (1, 2) if i % 5 == 0 else (1 + i // 4 % 2,):
                await connection.execute(
                    text(
                        "INSERT INTO reservations (product_id, warehouse_id, quantity, kind, order_id, created_at) "
                        "SELECT :p, :w, 1, 'allocation', id, created_at FROM orders WHERE id = :id"
                    ),
                    {"p": product, "w": warehouse, "id": order_id},
                )


async def test_the_database_ranks_the_queue_as_the_domain_rule_does(database_url: str, engine: AsyncEngine) -> None:
    await _mixed_queue(database_url, engine)
    uow = SqlUnitOfWork(session_factory(engine))
    for warehouse in (1, 2):
        async with uow.read_only():
            expected = sorted(await uow.orders.to_fulfil(QUEUE_STATUSES, warehouse), key=queue_key)
            ranked, total = await uow.orders.queue(QUEUE_STATUSES, warehouse, 0, None)
        assert [o.code for o in ranked] == [o.code for o in expected] and total == len(expected) > 20
        # The mix is real: both sides of each key, and ties left to the later keys.
        assert {bool(o.flags & PRIORITY_FLAGS) for o in expected} == {True, False}
        assert {o.delivery is None for o in expected} == {True, False}
        assert any(o.delivery and o.delivery.eta is None for o in expected)
        assert any(queue_key(a)[:-1] == queue_key(b)[:-1] for a, b in itertools.pairwise(expected))
        code = "LON" if warehouse == 1 else None
        pages, page = [], 0
        while True:
            found = await queue_page(
                uow, staff_id=ADMIN, page=page, page_size=7, warehouse_code=code, warehouse_id=warehouse
            )
            assert found.total == total and found.offset == page * 7 and not found.moved
            pages += [e.order.code for e in found.entries]
            if page + 1 == found.pages:
                break
            page += 1
        assert pages == [o.code for o in expected]
        past = await queue_page(uow, staff_id=ADMIN, page=page + 3, page_size=7, warehouse_id=warehouse)
        assert past.moved and past.page == page and [e.order.code for e in past.entries] == pages[page * 7 :]
