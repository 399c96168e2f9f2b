"""Status callbacks to an intake API channel: a real HTTP receiver gets each change of the
channel's orders, signed, at least once (retried with the same event id), never a change that was
rolled back, never another channel's order."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer
from sqlalchemy import func, select, update

from bot.api_models import CallbackEvent
from bot.callbacks import CallbackPoster
from bot.harness import RunningBot
from bot.scheduler import Jobs
from domain.apikeys import Scope
from domain.callbacks import MAX_ATTEMPTS, RUN_BUDGET
from domain.orders import OrderStatus
from domain.returns import ReturnKind
from domain.usecases.api_keys import create_api_key, revoke_api_key
from domain.usecases.callbacks import channel_callback, remove_callback, set_callback
from domain.usecases.dispatch import ship_order
from domain.usecases.orders import apply_transition, transition_order
from domain.usecases.return_handling import confirm_refund
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.exchange_refunds import replacement_of, through
from tests.e2e.intake_api import ORDER
from tests.e2e.journeys import order
from tests.e2e.returns import deliver

HANG = 299  # an answer the receiver sends only after 2 s
NO_DNS_NAME = "https://" + "a" * 70 + ".example/hook"  # a label over 63 characters: no host name can be sent to


@dataclass
class Receiver:
    """A channel's HTTP endpoint: what it was sent (headers, raw body), answering as told."""

    server: BaseTestServer
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer in turn, then 200
    took: Callable[[], None] | None = None  # called at each POST: a receiver taking its time

    def url(self, path: str = "/hook") -> str:
        return str(self.server.make_url(path))

    def events(self, path: str = "/hook") -> list[dict[str, Any]]:
        return [json.loads(body) for headers, body in self.got if headers["X-Path"] == path]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box: list[Receiver] = []

    async def hook(request: web.Request) -> web.Response:
        got = box[0]
        got.got.append(({**request.headers, "X-Path": request.path}, await request.read()))
        answer = got.answers.pop(0) if got.answers else 200
        if got.took is not None:
            got.took()
        if answer == HANG:
            await asyncio.sleep(2)
        return web.Response(status=answer)

    app = web.Application()
    app.router.add_post("/{path:.*}", hook)
    async with TestServer(app) as server:
        box.append(Receiver(server))
        yield box[0]


@pytest.fixture
async def jobs(shop: RunningBot) -> AsyncIterator[Jobs]:
    """The scheduled jobs of the shop's process: their tick delivers the due callbacks."""
    running = Jobs(shop.runtime)
    yield running
    await running.poster.close()


def verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """As README tells a receiver to check it."""
    parts = dict(part.split("=", 1) for part in headers["Ordergram-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


async def _place(client: Any, auth: dict[str, str], key: str = "cb-1") -> str:
    answer = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": key})
    assert answer.status == 201, await answer.text()
    return str((await answer.json())["code"])


async def _events(shop: RunningBot) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(m.ApiEventRow)) or 0)


async def test_a_channel_is_told_each_status_change_of_its_order_signed_up_to_shipped_with_tracking(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    secret = await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    packer = await hire(shop, 70, "Pax", "packer", "LON")
    shipped = await packer.send(f"/ship {code} DPD 15501234567890")
    assert shipped.last.text == f"Order {code} is shipped with DPD, tracking 15501234567890. The customer was told."
    assert receiver.got == []  # written with the changes, sent by the jobs' tick

    assert await jobs.deliver_callbacks() == 5
    events = receiver.events()
    assert [(e["type"], e["previous_status"], e["status"]) for e in events] == [
        ("order.placed", None, events[0]["status"]),
        ("order.status_changed", "allocated", "picking"),
        ("order.status_changed", "picking", "picked"),
        ("order.status_changed", "picked", "packed"),
        ("order.status_changed", "packed", "shipped"),
    ]
    assert events[0]["status"] == "allocated"  # placed paid, stock allocated in the same request
    assert {e["order_code"] for e in events} == {code} and {e["reference"] for e in events} == {"WEB-1001"}
    assert events[-1]["carrier"] == "DPD" and events[-1]["tracking_number"] == "15501234567890"
    assert events[-1]["order_url"] == f"/api/v1/orders/{code}"
    assert len({e["id"] for e in events}) == 5 and all(e["occurred_at"] for e in events)
    for headers, body in receiver.got:
        assert verified(secret, headers, body)
        assert headers["Ordergram-Event-Id"] == str(json.loads(body)["id"])
        assert headers["Content-Type"] == "application/json"
        assert not verified("ogwh_another", headers, body)
        assert CallbackEvent.model_validate_json(body).order_code == code  # as the OpenAPI document says
    document = await (await client.get("/api/v1/openapi.json")).json()
    posted = document["webhooks"]["orderStatus"]["post"]
    assert posted["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CallbackEvent"
    }
    assert set(document["components"]["schemas"]["CallbackEvent"]["properties"]) == set(events[-1])
    assert await jobs.deliver_callbacks() == 0  # delivered once each
    assert len(receiver.got) == 5
    linked = await client.get(f"/api/v1/orders/{code}", headers=auth)
    assert (await linked.json())["status"] == "shipped"


async def test_a_receiver_failing_twice_gets_the_same_event_three_times_then_never_again(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    secret = await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    await _place(client, auth)
    receiver.answers = [500, 503]
    assert await jobs.deliver_callbacks() == 0
    assert await jobs.deliver_callbacks() == 0  # not due yet: it waits 30 s
    runtime.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 0
    runtime.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 0  # the second wait is a minute
    runtime.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 1
    runtime.clock.advance(hours=5)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 0
    assert len(receiver.got) == 3
    assert len({body for _, body in receiver.got}) == 1  # the same event, the same bytes
    assert {headers["Ordergram-Event-Id"] for headers, _ in receiver.got} == {str(receiver.events()[0]["id"])}
    assert all(verified(secret, headers, body) for headers, body in receiver.got)
    async with runtime.sessions() as session:
        row = (await session.scalars(select(m.ApiEventRow))).one()
    assert row.attempts == 3 and row.delivered_at is not None and row.last_error == "HTTP 503"


async def test_a_receiver_that_never_takes_it_is_given_up_after_the_last_try_logged_and_counted(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs, caplog: pytest.LogCaptureFixture
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    receiver.answers = [500] * (MAX_ATTEMPTS + 5)
    for _ in range(MAX_ATTEMPTS + 3):
        await jobs.deliver_callbacks()
        runtime.clock.advance(hours=3)  # type: ignore[attr-defined]
    assert len(receiver.got) == MAX_ATTEMPTS
    state = await channel_callback(runtime.uow(), "web shop")
    assert state is not None and (state.pending, state.given_up) == (0, 1)
    assert any("given up" in r.message and code in r.message and "HTTP 500" in r.message for r in caplog.records)


async def test_a_status_change_rolled_back_tells_the_channel_nothing(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    before = await _events(shop)
    uow = runtime.uow()
    async with uow:  # a move whose transaction fails after it was recorded
        order = await uow.orders.get_by_code(code)
        assert order is not None
        await apply_transition(uow, order, OrderStatus.PICKING, clock=runtime.clock, actor="staff:1")
        await uow.rollback()
    assert await _events(shop) == before
    await jobs.deliver_callbacks()
    assert [e["type"] for e in receiver.events()] == ["order.placed"]


async def test_a_channel_is_never_told_of_another_channels_orders_nor_of_chat_orders(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await create_api_key(runtime.uow(), runtime.clock, name="market")
    await set_callback(runtime.uow(), runtime.clock, channel="market", url=receiver.url("/market"))
    code = await _place(client, auth)  # the web shop's, which set no callback
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKING, actor="staff:1")
    assert await _events(shop) == 0
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url("/web"))
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKED, actor="staff:1")
    chat = await order(shop, 300, {"85123A": 1})  # a customer's in chat: no channel to tell
    await transition_order(runtime.uow(), runtime.clock, code=chat, target=OrderStatus.CANCELLED, actor="staff:1")
    assert await _events(shop) == 1
    await jobs.deliver_callbacks()
    assert receiver.events("/market") == []
    assert [e["status"] for e in receiver.events("/web")] == ["picked"]  # told from when it asked


async def test_a_callback_url_belongs_to_an_active_channel_and_is_an_http_address(shop: RunningBot) -> None:
    from domain.callbacks import InvalidCallbackUrl
    from domain.usecases.callbacks import NoSuchChannel

    runtime = shop.runtime
    with pytest.raises(NoSuchChannel):
        await set_callback(runtime.uow(), runtime.clock, channel="nobody", url="https://shop.test/hook")
    await create_api_key(runtime.uow(), runtime.clock, name="market")
    for bad in (
        "ftp://example.com/x",
        "example.com/hook",
        "https:///nohost",
        "https://a b.example/",
        "h" * 3000,
        NO_DNS_NAME,
        "https://example.com:99999/hook",
        "https://shop.example.com/hook",  # a documentation domain: events sent there are lost
        "https://example.org/hook",
    ):
        with pytest.raises(InvalidCallbackUrl):
            await set_callback(runtime.uow(), runtime.clock, channel="market", url=bad)
    first = await set_callback(runtime.uow(), runtime.clock, channel="market", url="https://shop.test/a")
    second = await set_callback(runtime.uow(), runtime.clock, channel="market", url="https://shop.test/b")
    assert first != second and second.startswith("ogwh_")  # a new secret each time it is set
    state = await channel_callback(runtime.uow(), "market")
    assert state is not None and state.url == "https://shop.test/b"
    assert timedelta(0) <= runtime.clock.now() - state.set_at


async def test_a_channel_whose_receiver_fails_is_tried_once_a_run_so_a_dead_one_does_not_hold_up_the_jobs(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    """Each try of a dead receiver may wait out the timeout, and the jobs' tick waits for them: after
    a failure, the channel's other events wait for the next run (not counted as tries)."""
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    for step in (OrderStatus.PICKING, OrderStatus.PICKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    receiver.answers = [500]
    assert await jobs.deliver_callbacks() == 0
    assert len(receiver.got) == 1
    assert await jobs.deliver_callbacks() == 2  # the later two, due, the first waiting its 30 s
    runtime.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 1
    async with runtime.sessions() as session:
        tries = list(await session.scalars(select(m.ApiEventRow.attempts).order_by(m.ApiEventRow.id)))
    assert tries == [2, 1, 1]
    assert [e["status"] for e in receiver.events()] == ["allocated", "picking", "picked", "allocated"]


async def test_a_receiver_that_does_not_answer_in_time_gets_the_event_again_later(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    await _place(client, auth)
    await jobs.poster.close()
    jobs.poster = CallbackPoster(timeout=0.2)
    receiver.answers = [HANG]
    assert await jobs.deliver_callbacks() == 0
    async with runtime.sessions() as session:
        row = (await session.scalars(select(m.ApiEventRow))).one()
    assert (row.attempts, row.delivered_at, row.last_error) == (1, None, "no answer in 0.2 s")
    runtime.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await jobs.deliver_callbacks() == 1
    assert len({body for _, body in receiver.got}) == 1 and len(receiver.got) == 2


async def _delivered(client: Any, auth: dict[str, str], shop: RunningBot) -> tuple[str, int]:
    """A channel's order of a chat customer (4242), shipped and delivered: its code and its line's id."""
    runtime = shop.runtime
    body = {**ORDER, "customer": {**ORDER["customer"], "telegram_id": 4242}}
    answer = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "ret-1"})
    code = (await answer.json())["code"]
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking="DPD-1234")
    runtime.clock.advance(hours=20)  # type: ignore[attr-defined]
    delivered = await client.post("/api/v1/shipments/DPD-1234/events", json={"event": "delivered"}, headers=auth)
    assert delivered.status == 200, await delivered.text()
    return code, await _line_of(shop, code)


async def _line_of(shop: RunningBot, code: str) -> int:
    """The id of order ``code``'s (first) line."""
    async with shop.runtime.sessions() as session:
        line = await session.scalar(
            select(m.OrderLineRow.id)
            .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
            .where(m.OrderRow.code == code)
            .order_by(m.OrderLineRow.id)
        )
    return int(line or 0)


async def test_a_return_of_a_channels_order_is_told_at_each_step_and_its_refund_once_paid(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    code, line = await _delivered(client, auth, shop)
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    rma = await through(shop, 4242, code, ReturnKind.REFUND, {line: None})
    await confirm_refund(runtime.uow(), runtime.clock, staff_id=ADMIN, rma=rma)
    await jobs.deliver_callbacks()
    told = [(e["type"], e["return_code"], e["return_status"], e["status"]) for e in receiver.events()]
    assert told == [
        ("order.return_changed", rma, "return_requested", "delivered"),
        ("order.return_changed", rma, "approved", "delivered"),
        ("order.return_changed", rma, "received", "delivered"),
        ("order.return_changed", rma, "refunded", "delivered"),
        ("order.refund_paid", rma, "refunded", "delivered"),
    ]
    # A return's step leaves the order's status as it was: no previous one to tell, as the document says.
    assert {e["previous_status"] for e in receiver.events()} == {None}
    document = await (await client.get("/api/v1/openapi.json")).json()
    previous = document["components"]["schemas"]["CallbackEvent"]["properties"]["previous_status"]["description"]
    assert "order.placed" in previous and "order.return_changed" in previous and "order.refund_paid" in previous


async def test_a_replacement_of_a_channels_order_is_the_channels_listed_found_and_told_naming_the_original(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    """An exchange told the channel its return was exchanged, then nothing of the replacement: not
    picked, not shipped, no tracking, and GET said no such order."""
    client, auth = api
    runtime = shop.runtime
    code, line = await _delivered(client, auth, shop)
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    rma = await through(shop, 4242, code, ReturnKind.EXCHANGE, {line: None})
    new = await replacement_of(shop, rma)
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=new, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=new, carrier="DPD", tracking="DPD-5678")
    await jobs.deliver_callbacks()
    told = [
        (e["type"], e["order_code"], e["original_order_code"], e["status"], e["previous_status"], e["return_status"])
        for e in receiver.events()
    ]
    assert told == [
        ("order.return_changed", code, None, "delivered", None, "return_requested"),
        ("order.return_changed", code, None, "delivered", None, "approved"),
        ("order.return_changed", code, None, "delivered", None, "received"),
        ("order.placed", new, code, "allocated", None, None),
        ("order.return_changed", code, None, "delivered", None, "exchanged"),
        ("order.status_changed", new, code, "picking", "allocated", None),
        ("order.status_changed", new, code, "picked", "picking", None),
        ("order.status_changed", new, code, "packed", "picked", None),
        ("order.status_changed", new, code, "shipped", "packed", None),
    ]
    assert receiver.events()[-1]["tracking_number"] == "DPD-5678"
    assert all(CallbackEvent.model_validate(e) for e in receiver.events())

    listed = await (await client.get("/api/v1/orders", headers=auth)).json()
    assert [(o["code"], o["original_order_code"], o["status"]) for o in listed["orders"]] == [
        (code, None, "delivered"),
        (new, code, "shipped"),
    ]
    found = await client.get(f"/api/v1/orders/{new}", headers=auth)
    assert found.status == 200, await found.text()
    assert (await found.json())["original_order_code"] == code
    document = await (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert "original_order_code" in schemas["OrderOut"]["properties"]
    assert "replace" in schemas["CallbackEvent"]["properties"]["original_order_code"]["description"]


async def test_a_replacement_of_a_chat_order_is_no_channels(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    chat = await order(shop, 4242, {"85123A": 1})
    await deliver(shop, chat)
    rma = await through(shop, 4242, chat, ReturnKind.EXCHANGE, {await _line_of(shop, chat): None})
    new = await replacement_of(shop, rma)
    await transition_order(runtime.uow(), runtime.clock, code=new, target=OrderStatus.PICKING, actor="staff:1")
    assert await _events(shop) == 0
    assert (await client.get(f"/api/v1/orders/{new}", headers=auth)).status == 404
    assert (await (await client.get("/api/v1/orders", headers=auth)).json())["orders"] == []


async def test_removing_a_callback_drops_the_events_waiting_so_a_new_url_starts_from_then_on(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    """The events waiting for a receiver that failed were sent, hours old, to the next URL set."""
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url("/old"))
    code = await _place(client, auth)
    assert await jobs.deliver_callbacks() == 1  # the placing: delivered, kept
    receiver.answers = [500]
    for step in (OrderStatus.PICKING, OrderStatus.PICKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    assert await jobs.deliver_callbacks() == 0  # failed: both wait
    assert await remove_callback(runtime.uow(), channel="web shop") == 2
    assert await remove_callback(runtime.uow(), channel="web shop") is None  # none to remove
    runtime.clock.advance(hours=3)  # type: ignore[attr-defined]
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url("/new"))
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.PACKED, actor="staff:1")
    assert await jobs.deliver_callbacks() == 1
    assert [e["status"] for e in receiver.events("/old")] == ["allocated", "picking"]
    assert [(e["status"], e["previous_status"]) for e in receiver.events("/new")] == [("packed", "picked")]
    state = await channel_callback(runtime.uow(), "web shop")
    assert state is not None and (state.pending, state.given_up) == (0, 0)
    async with runtime.sessions() as session:
        kept = list(await session.scalars(select(m.ApiEventRow.type).order_by(m.ApiEventRow.id)))
    assert kept == ["order.placed", "order.status_changed"]  # delivered ones stay; the dropped are gone


async def test_a_callback_url_the_client_cannot_send_to_is_a_failed_try_and_other_channels_are_still_told(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    """A URL kept before such hosts were refused at setting: its event (the oldest due) was an error out of
    the run, tried first again each tick, and no channel was told anything again."""
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url="https://shop.test/hook")
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(m.ApiCallbackRow).values(url=NO_DNS_NAME))
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="market", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    await set_callback(runtime.uow(), runtime.clock, channel="market", url=receiver.url("/market"))
    await _place(client, auth)  # the web shop's event first
    await _place(client, {"Authorization": f"Bearer {token}"}, key="cb-2")
    assert await jobs.deliver_callbacks() == 1
    assert [e["status"] for e in receiver.events("/market")] == ["allocated"]
    async with runtime.sessions() as session:
        rows = list(await session.scalars(select(m.ApiEventRow).order_by(m.ApiEventRow.id)))
    assert [(r.channel, r.attempts, r.delivered_at is None) for r in rows] == [
        ("web shop", 1, True),
        ("market", 1, False),
    ]
    assert rows[0].last_error and rows[0].failed_at is None  # tried again after its wait, as any failure


async def test_a_slow_receiver_with_a_backlog_takes_a_run_its_budget_and_the_rest_wait_for_the_next_tick(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    """A receiver answering 2xx in 8 s each, with events piled up (it was down): the jobs' tick waited for all of
    them, sweeps and reminders behind it. A run starts no delivery after RUN_BUDGET; the rest go next tick, in order."""
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    receiver.took = lambda: runtime.clock.advance(seconds=8)  # type: ignore[attr-defined]
    assert RUN_BUDGET.total_seconds() == 20  # the README says so
    assert await jobs.deliver_callbacks() == 3  # at 0, 8 and 16 s; none begun at 24 s
    assert await jobs.deliver_callbacks() == 1
    assert [e["status"] for e in receiver.events()] == ["allocated", "picking", "picked", "packed"]


async def test_a_channel_whose_key_is_revoked_is_told_nothing_more_until_it_has_a_key_again(
    api, shop: RunningBot, receiver: Receiver, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=receiver.url())
    code = await _place(client, auth)
    await revoke_api_key(runtime.uow(), runtime.clock, name="web shop")  # the key leaked: the channel is shut
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKING, actor="staff:1")
    await jobs.deliver_callbacks()
    assert receiver.got == []  # neither the placing waiting to go nor the move made after
    assert await _events(shop) == 1
    await create_api_key(runtime.uow(), runtime.clock, name="web shop")  # the channel's next key
    await jobs.deliver_callbacks()
    assert [e["type"] for e in receiver.events()] == ["order.placed"]


async def test_a_url_the_client_refuses_is_not_quoted_in_the_events_error_its_token_kept_out_of_logs(
    api, shop: RunningBot, jobs: Jobs
) -> None:
    client, auth = api
    runtime = shop.runtime
    await set_callback(runtime.uow(), runtime.clock, channel="web shop", url="https://shop.test/hook")
    async with runtime.sessions() as session, session.begin():  # kept before such ports were refused at setting
        await session.execute(update(m.ApiCallbackRow).values(url="https://example.com:99999/hook?token=SECRET"))
    await _place(client, auth)
    await jobs.deliver_callbacks()
    async with runtime.sessions() as session:
        error = await session.scalar(select(m.ApiEventRow.last_error))
    assert error == "InvalidUrlClientError: the URL cannot be sent to"
