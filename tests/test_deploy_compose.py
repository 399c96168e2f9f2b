"""deploy/compose.yaml: each bot process is probed with what its image has (no curl or wget)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.health import healthz

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _probe() -> list[str]:
    """The bots' healthcheck command (bot2 is bot1's anchor, so it is probed the same)."""
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert re.search(r"^  bot2: \*bot$", compose, flags=re.MULTILINE), "bot2 no longer shares bot1's service"
    bot = compose.split("  bot1: &bot\n", 1)[1].split("\n  bot2:", 1)[0]
    check = re.search(r"^    healthcheck:\n      test: (\[.*\])$", bot, flags=re.MULTILINE)
    assert check is not None, "no healthcheck for bot1 and bot2"
    command: list[str] = json.loads(check.group(1))
    return command


def test_the_bots_healthcheck_uses_the_images_python_not_a_tool_the_slim_image_lacks() -> None:
    command, dockerfile = _probe(), (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "python:3.11-slim" in dockerfile and "curl" not in dockerfile and "wget" not in dockerfile
    assert command[:3] == ["CMD", "python", "-c"] and "http://127.0.0.1:8080/healthz" in command[3]
    assert 'WEBHOOK_PORT: "8080"' in (DEPLOY / "compose.yaml").read_text(encoding="utf-8")


async def _exit_code(code: str) -> int:
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stderr=subprocess.DEVNULL)
    return await asyncio.wait_for(process.wait(), 30)


async def test_the_bots_healthcheck_passes_while_healthz_answers_and_fails_when_it_does_not() -> None:
    probe = _probe()[3]
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    code = probe.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    try:
        assert await _exit_code(code) == 0
    finally:
        await runner.cleanup()
    assert await _exit_code(code) != 0  # nothing answers: unhealthy


def test_prometheus_scrapes_every_bot_with_the_metrics_token() -> None:
    """/metrics asks for METRICS_TOKEN: a scrape configuration without it would get only 403s."""
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    scrape = (DEPLOY / "prometheus.yml").read_text(encoding="utf-8")
    assert re.search(r"authorization:\n\s+type: Bearer\n\s+credentials_file: /run/secrets/metrics_token\b", scrape)
    assert 'targets: ["bot1:8080", "bot2:8080"]' in scrape
    prometheus = re.split(r"\n\S", compose.split("\n  prometheus:\n", 1)[1], maxsplit=1)[0]
    assert (
        "secrets: [metrics_token]" in prometheus and "./prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus
    )
    assert "ports:" not in prometheus  # not published: the private network only
    assert re.search(r"^secrets:\n  metrics_token:\n    file: ", compose, flags=re.MULTILINE)


def test_the_env_example_sets_no_webhook_secret_a_shop_could_keep_as_published() -> None:
    """A secret copied as the template wrote it is known to everyone who read the template: updates could be forged
    to the webhook. Left unset, every process derives the same one from the bot token, which only the shop has."""
    example = (DEPLOY / "ordergram.env.example").read_text(encoding="utf-8")
    active = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert "WEBHOOK_SECRET" not in active, active.get("WEBHOOK_SECRET")
    assert re.search(r"^# WEBHOOK_SECRET=$", example, flags=re.MULTILINE)


@pytest.mark.parametrize("name", ["WEBHOOK_URL", "WEBAPP_URL"])
def test_the_env_example_sets_no_public_address_a_shop_could_keep_as_published(name: str) -> None:
    """A copy left as the template wrote it pointed Telegram's webhook at shop.example.com (every update lost without
    a word) and the Mini App's menu button and /shop there. Commented out, the shop writes its own address."""
    example = (DEPLOY / "ordergram.env.example").read_text(encoding="utf-8")
    active = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert name not in active, active.get(name)
    assert re.search(rf"^# {name}=https://", example, flags=re.MULTILINE)


def test_the_env_example_names_no_documentation_domain_start_up_would_refuse() -> None:
    """Every address in the template, switched on or not, is one start-up takes: none on example.com/.org/.net."""
    example = (DEPLOY / "ordergram.env.example").read_text(encoding="utf-8")
    assert not re.search(r"\bexample\.(com|org|net)\b", example, flags=re.IGNORECASE), example
