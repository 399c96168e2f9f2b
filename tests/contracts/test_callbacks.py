"""CallbackRepository on SQL, both engines (no fake: the channel of an order is the API's
Idempotency-Key claims, which only SQL keeps)."""

from __future__ import annotations

from datetime import timedelta

from domain.callbacks import EventType, OrderEvent
from domain.orders import OrderStatus
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer
from tests.contracts.orders import a_channels_order

SOON = NOW + timedelta(seconds=30)


def _event(status: str, previous: str | None = "placed") -> OrderEvent:
    kind = EventType.STATUS_CHANGED if previous else EventType.PLACED
    return OrderEvent(kind, "BCDFGHJK", "PO-1", status, previous, "DPD", "TRK-1", NOW)


async def _channel_order(sql: UnitOfWork, channel: str = "market", code: str = "BCDFGHJK") -> int:
    customer = None if code == "BCDFGHJK" else await a_customer(sql, 1002)
    order, _ = await a_channels_order(sql, channel, code, customer)
    assert order.id is not None
    return order.id


async def test_an_event_is_kept_only_for_a_channel_order_whose_channel_set_a_url(sql: UnitOfWork) -> None:
    order_id = await _channel_order(sql)
    async with sql:
        assert await sql.callbacks.record(order_id, _event("picking")) is None  # no URL yet
        await sql.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        await sql.callbacks.set_url("other", "https://o.example/hook", "s2", NOW)
        first = await sql.callbacks.record(order_id, _event("picking"))
        await sql.callbacks.set_url("market", "https://m.example/v2", "s3", NOW)  # the URL and secret now
        await sql.commit()
    assert first is not None
    async with sql:
        due = await sql.callbacks.due(NOW, 10)
        assert [(d.id, d.channel, d.url, d.secret, d.type, d.attempts) for d in due] == [
            (first, "market", "https://m.example/v2", "s3", "order.status_changed", 0)
        ]
        assert due[0].data == {
            "order_code": "BCDFGHJK",
            "reference": "PO-1",
            "status": "picking",
            "previous_status": "placed",
            "carrier": "DPD",
            "tracking_number": "TRK-1",
            "return_code": None,
            "return_status": None,
            "original_order_code": None,
        }
        assert due[0].occurred_at == NOW
        assert await sql.callbacks.due(NOW - timedelta(seconds=1), 10) == []
        assert await sql.callbacks.due(NOW, 10, skip={"market"}) == []  # a channel failing this run
        assert [d.id for d in await sql.callbacks.due(NOW, 10, skip={"other"})] == [first]


async def test_a_failed_event_waits_until_its_retry_and_one_given_up_or_delivered_is_due_no_more(
    sql: UnitOfWork,
) -> None:
    order_id = await _channel_order(sql)
    async with sql:
        await sql.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        one = await sql.callbacks.record(order_id, _event(OrderStatus.PICKING.value))
        two = await sql.callbacks.record(order_id, _event(OrderStatus.PICKED.value, "picking"))
        three = await sql.callbacks.record(order_id, _event(OrderStatus.PACKED.value, "picked"))
        await sql.commit()
    assert one is not None and two is not None and three is not None
    async with sql:
        await sql.callbacks.failed(one, "HTTP 500", NOW, SOON)
        await sql.callbacks.failed(two, "HTTP 502", NOW, None)  # given up
        await sql.callbacks.delivered(three, NOW)
        await sql.commit()
    async with sql:
        assert await sql.callbacks.due(NOW, 10) == []
        again = await sql.callbacks.due(SOON, 10)
        assert [(d.id, d.attempts) for d in again] == [(one, 1)]
        state = await sql.callbacks.of_channel("market")
        assert state is not None and (state.url, state.pending, state.given_up) == ("https://m.example/hook", 1, 1)
        assert await sql.callbacks.of_channel("nobody") is None


async def test_a_channel_whose_url_is_removed_gets_nothing_more(sql: UnitOfWork) -> None:
    order_id = await _channel_order(sql)
    async with sql:
        await sql.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        assert await sql.callbacks.record(order_id, _event("picking")) is not None
        await sql.commit()
    async with sql:
        assert await sql.callbacks.remove("market") == 1
        assert await sql.callbacks.remove("market") is None
        await sql.commit()
    async with sql:
        assert await sql.callbacks.due(SOON, 10) == []
        assert await sql.callbacks.record(order_id, _event("picked", "picking")) is None
        assert await sql.callbacks.of_channel("market") is None


async def test_removing_a_url_drops_the_channels_events_waiting_and_keeps_those_delivered_or_given_up(
    sql: UnitOfWork,
) -> None:
    order_id = await _channel_order(sql)
    other = await _channel_order(sql, "other", code="CDFGHJKL")
    async with sql:
        await sql.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        await sql.callbacks.set_url("other", "https://o.example/hook", "s2", NOW)
        sent = await sql.callbacks.record(order_id, _event("picking"))
        dead = await sql.callbacks.record(order_id, _event("picked", "picking"))
        retried = await sql.callbacks.record(order_id, _event("packed", "picked"))
        waiting = await sql.callbacks.record(order_id, _event("shipped", "packed"))
        theirs = await sql.callbacks.record(other, _event("picking"))
        await sql.commit()
    assert sent and dead and retried and waiting and theirs
    async with sql:
        await sql.callbacks.delivered(sent, NOW)
        await sql.callbacks.failed(dead, "HTTP 500", NOW, None)
        await sql.callbacks.failed(retried, "HTTP 500", NOW, SOON)
        await sql.commit()
    async with sql:
        assert await sql.callbacks.remove("market") == 2  # the one waiting its retry and the one never tried
        assert await sql.callbacks.remove("market") is None
        await sql.commit()
    async with sql:
        await sql.callbacks.set_url("market", "https://m.example/v2", "s3", SOON)
        await sql.commit()
    async with sql:
        assert [d.id for d in await sql.callbacks.due(SOON + timedelta(hours=3), 10)] == [theirs]
        state = await sql.callbacks.of_channel("market")
        assert state is not None and (state.pending, state.given_up) == (0, 1)
