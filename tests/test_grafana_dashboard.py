"""deploy/grafana-dashboard.json queries only what /metrics exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bot.harness import running_bot
from bot.metrics import metrics_text
from sandbox import SandboxUser

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana-dashboard.json"
SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")  # every query names its metric with a {instance=~…} selector
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}


def queries(dashboard: dict[str, Any]) -> list[str]:
    found = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    found += [variable["definition"] for variable in dashboard["templating"]["list"]]
    return found


def exposed(exposition: str) -> set[str]:
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


async def test_every_metric_the_dashboard_queries_is_exposed(tmp_path: Path) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'grafana.sqlite3'}", demo_catalog=False) as bot:
        await SandboxUser(bot.server, 601, "Alice").send("/start")  # the bot is polling (a stop finds it so)
        names = exposed((await metrics_text(bot.runtime)).decode())
    used = {name for query in queries(dashboard) for name in SELECTOR.findall(query)}
    used |= {"ordergram_updates_total"}  # the process picker's label_values(…)
    assert {name for name in used if name.startswith("ordergram_")} >= {
        "ordergram_updates_total",
        "ordergram_update_duration_seconds_bucket",
        "ordergram_update_db_statements_bucket",
        "ordergram_bot_api_calls_total",
        "ordergram_outbox_backlog",
        "ordergram_outbox_oldest_age_seconds",
        "ordergram_notifications_total",
        "ordergram_orders_placed_total",
        "ordergram_holds_active",
        "ordergram_job_runs_total",
        "ordergram_job_failures_total",
        "ordergram_cache_lookups_total",
    }
    assert used - names == set()


def test_every_panel_queries_prometheus_through_the_imported_data_source() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    inputs = {item["name"] for item in dashboard["__inputs"]}
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["targets"], panel["title"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}, panel["title"]
    assert inputs == {"DS_PROMETHEUS"}
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
