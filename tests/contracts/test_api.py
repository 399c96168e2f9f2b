"""ApiRepository on SQL, both engines (no fake): which channel an order is, a replacement of its order included."""

from __future__ import annotations

from datetime import timedelta

from domain.apikeys import new_key
from domain.callbacks import EventType, OrderEvent
from domain.money import Money
from domain.orders import Channel, Order, OrderLine
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import a_channels_order, placed

LATER = NOW + timedelta(hours=1)


async def _another(sql: UnitOfWork, first: Order, code: str) -> int:
    """A replacement of ``first`` (what ``domain.usecases.exchanges`` places): another order of its customer."""
    line = first.lines[0]
    order = Order.place(
        code=code,
        customer_id=first.customer_id,
        currency="EUR",
        lines=[OrderLine(line.product_id, line.sku, line.name, 1, Money(0, "EUR"))],
        now=LATER,
        actor="staff:1",
        channel=Channel.SUPPORT,
        flags=frozenset({"REPLACEMENT"}),
    )
    async with sql:
        await sql.orders.add(order)
        await sql.commit()
    assert order.id is not None
    return order.id


async def test_a_replacement_of_a_channels_order_is_the_channels_across_its_keys_and_told_to_its_url(
    sql: UnitOfWork,
) -> None:
    first, key = await a_channels_order(sql)
    assert first.id is not None and key.id is not None
    async with sql:
        await sql.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        await sql.commit()
    replacement = await _another(sql, first, "RPLBCDFG")
    again = await _another(sql, first, "RPLCDFGH")  # a replacement of the replacement
    async with sql:
        assert not await sql.api.placed_by(key.id, replacement)
        assert await sql.api.adopt(first.id, replacement, LATER)
        assert await sql.api.adopt(replacement, again, LATER)  # the channel's now: its replacement is too
        await sql.api.revoke("market", LATER)
        _, rotated = new_key("market", LATER)  # the channel's next key sees them all
        await sql.api.add_key(rotated)
        await sql.commit()
    assert rotated.id is not None
    async with sql:
        assert await sql.api.placed_by(rotated.id, replacement) and await sql.api.placed_by(rotated.id, again)
        assert await sql.api.orders_placed(rotated.id, after=0, limit=10) == [first.id, replacement, again]
        event = OrderEvent(EventType.PLACED, "RPLBCDFG", "", "allocated", None, "", "", LATER, original="BCDFGHJK")
        assert await sql.callbacks.record(replacement, event) is not None
        # A channel's own Idempotency-Keys are its own still: none of them is the replacement's.
        assert await sql.api.claim(rotated.id, "k-2", "hash", LATER) is None
        await sql.commit()


async def test_a_replacement_of_an_order_no_channel_made_is_no_channels(sql: UnitOfWork) -> None:
    first = await placed(sql)  # a chat order
    assert first.id is not None
    replacement = await _another(sql, first, "RPLBCDFG")
    async with sql:
        _, key = new_key("market", NOW)
        await sql.api.add_key(key)
        assert not await sql.api.adopt(first.id, replacement, LATER)
        await sql.commit()
    assert key.id is not None
    async with sql:
        assert not await sql.api.placed_by(key.id, replacement)
        assert await sql.api.orders_placed(key.id, after=0, limit=10) == []


async def test_a_replacement_adopted_by_one_channel_is_never_another_channels(sql: UnitOfWork) -> None:
    first, _ = await a_channels_order(sql)
    assert first.id is not None
    replacement = await _another(sql, first, "RPLBCDFG")
    async with sql:
        _, other = new_key("rival", NOW)
        await sql.api.add_key(other)
        assert await sql.api.adopt(first.id, replacement, LATER)
        await sql.commit()
    assert other.id is not None
    async with sql:
        assert not await sql.api.placed_by(other.id, replacement) and not await sql.api.placed_by(other.id, first.id)
        assert await sql.api.orders_placed(other.id, after=0, limit=10) == []
