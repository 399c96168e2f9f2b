"""/metrics shows the shop's figures (orders placed, holds, the outbox): only to Prometheus holding
METRICS_TOKEN, or, with none set, to a scraper on this machine; /healthz and /readyz stay open to probes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from unittest import mock

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.config import ConfigError, load_settings
from bot.harness import RunningBot, running_bot
from bot.health import metrics_refusal, start_ops_server
from bot.serving import start_webhook
from sandbox import SandboxUser
from tests.fakes import FakeClock
from tests.services import free_port, listening

TOKEN = "k3y-for-prometheus-0123456789abcdef"


async def get(url: str, **headers: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as answer:
        return answer.status, await answer.text(), answer.headers.get("WWW-Authenticate", "")


@pytest.fixture
async def shop_with_token(tmp_path: Path) -> AsyncIterator[tuple[RunningBot, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'metrics.sqlite3'}"
    async with running_bot(url, clock=FakeClock(), health_port=free_port(), metrics_token=TOKEN) as bot:
        await SandboxUser(bot.server, 999, "Olga").send("/start")
        runner, base = await listening(bot.runtime.settings, "health_port", lambda: start_ops_server(bot.runtime))
        assert runner is not None
        try:
            yield bot, base
        finally:
            await runner.cleanup()


async def test_metrics_without_the_token_are_refused_and_say_how_to_authenticate(
    shop_with_token: tuple[RunningBot, str],
) -> None:
    _, base = shop_with_token
    status, body, challenge = await get(f"{base}/metrics")
    assert status == 401 and challenge.startswith("Bearer")
    assert "ordergram_" not in body and "METRICS_TOKEN" in body


@pytest.mark.parametrize("authorization", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", TOKEN, f"Basic {TOKEN}", ""])
async def test_metrics_with_a_wrong_token_are_refused(
    shop_with_token: tuple[RunningBot, str], authorization: str
) -> None:
    _, base = shop_with_token
    status, body, _ = await get(f"{base}/metrics", Authorization=authorization)
    assert status == 401 and "ordergram_orders_placed" not in body


async def test_metrics_with_the_token_show_the_figures_even_through_a_proxy(
    shop_with_token: tuple[RunningBot, str],
) -> None:
    _, base = shop_with_token
    status, body, _ = await get(
        f"{base}/metrics", Authorization=f"bearer {TOKEN}", **{"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 200 and "ordergram_updates_total" in body


async def test_the_probes_stay_open_without_a_token(shop_with_token: tuple[RunningBot, str]) -> None:
    _, base = shop_with_token
    assert (await get(f"{base}/healthz"))[0] == 200
    assert (await get(f"{base}/readyz"))[0] in (200, 503)  # an answer about readiness, not a refusal


async def test_without_a_token_metrics_are_refused_to_a_request_a_proxy_relayed(tmp_path: Path) -> None:
    """The hole: serve's port behind nginx (or any proxy on this machine) answered /metrics to the
    internet unless the proxy happened to block the path."""
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'serve.sqlite3'}", webhook_port=free_port()) as bot:
        await SandboxUser(bot.server, 1, "Ada").send("/start")
        runner, base = await listening(
            bot.runtime.settings, "webhook_port", lambda: start_webhook(bot.runtime, with_api=True, polling=True)
        )
        try:
            for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
                status, body, _ = await get(f"{base}/metrics", **{header: "203.0.113.9"})
                assert status == 403 and "ordergram_" not in body and "METRICS_TOKEN" in body, header
            status, body, _ = await get(f"{base}/metrics")  # a scraper on this machine, straight to the port
            assert status == 200 and "ordergram_updates_total" in body
            assert (await get(f"{base}/healthz", **{"X-Forwarded-For": "203.0.113.9"}))[0] == 200
        finally:
            await runner.cleanup()


def _request_from(peer: str, **headers: str) -> web.Request:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (peer, 40000) if name == "peername" else default
    return make_mocked_request("GET", "/metrics", headers=headers, transport=transport)


@pytest.mark.parametrize("peer", ["10.0.0.7", "192.168.1.20", "172.17.0.3", "203.0.113.9", "fd00::1"])
def test_without_a_token_metrics_are_refused_to_another_machine_even_on_a_private_network(peer: str) -> None:
    refusal = metrics_refusal(_request_from(peer), None)
    assert refusal is not None and refusal.status == 403


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_without_a_token_metrics_are_served_to_this_machine(peer: str) -> None:
    assert metrics_refusal(_request_from(peer), None) is None


async def test_a_token_header_of_bytes_that_are_no_text_is_refused_not_a_server_error(
    shop_with_token: tuple[RunningBot, str],
) -> None:
    """aiohttp hands such bytes on as surrogates, which ``str.encode`` refused: a 500."""
    _, base = shop_with_token
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401 ")


def test_with_a_token_even_this_machine_must_present_it() -> None:
    refusal = metrics_refusal(_request_from("127.0.0.1"), TOKEN)
    assert refusal is not None and refusal.status == 401
    assert metrics_refusal(_request_from("127.0.0.1", Authorization=f"Bearer {TOKEN}"), TOKEN) is None


@pytest.mark.parametrize("value", ["short", "has space in it 0123456789", "ключ-0123456789abcdef"])
def test_a_weak_or_malformed_metrics_token_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^METRICS_TOKEN: "):
        load_settings(metrics_token=value)


def test_the_metrics_token_is_never_logged() -> None:
    assert TOKEN in load_settings(metrics_token=TOKEN).secrets()
