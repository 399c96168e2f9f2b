"""The demo's stock feed: a product taken off sale comes with its status; a restored shop refuses older tokens."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.dbtools import backup
from bot.demo_web_shop import serving_api
from bot.harness import RunningBot, running_bot
from sandbox.driver import SandboxUser

OFF_SALE = "47566"  # Party Bunting: in stock at both warehouses, in no other scene


async def product_off_sale(
    running: RunningBot, token: str, ada: SandboxUser, folder: Path, transcript: list[str], scene: Callable[[str], None]
) -> tuple[str, Path]:
    """Last night's backup, then the web shop's sync; the admin hides a product in chat and the next sync says so
    (products are never deleted). The changes_token the web shop keeps, and the backup."""
    scene(
        "The nightly backup runs (ordergram backup); the web shop syncs its stock; the admin hides the Party Bunting:"
        " the next sync brings it with nothing available and its status, as a product is never deleted"
    )
    kept = folder / "nightly-backup.sqlite3"
    said = io.StringIO()
    with contextlib.redirect_stdout(said):  # what the command prints, into the transcript
        assert backup(str(running.runtime.settings.database_url), kept) == 0
    transcript.append(f"$ ordergram backup {kept.name}   → {said.getvalue().strip().replace(str(folder) + '/', '')}")
    async with serving_api(running) as root, aiohttp.ClientSession() as http:
        synced = await _levels(http, root, token, {"limit": "100"})
        transcript.append(
            f"🌐 web shop: GET /api/v1/stock/levels?limit=100 (its sync) → 200 {_entry(synced, OFF_SALE)}"
        )
        sheet = await ada.send(f"/product {OFF_SALE}")
        status = await ada.press(sheet.last, "Status")
        await ada.press(status.last, "hidden")
        moved = await _levels(http, root, token, {"changed_since": synced["changes_token"]})
        transcript.append(f"🌐 web shop: GET /api/v1/stock/levels?changed_since=… (its next sync) → 200 {_rows(moved)}")
    return str(moved["changes_token"]), kept


async def restored_from_backup(
    kept: Path, key: str, changes_token: str, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """The shop started on last night's backup (README, "Backups and restore"): the web shop's token names the
    database before it, so it is refused saying to read every product again, and that read's token is good."""
    scene(
        "The server is lost: the shop is started on last night's backup (DATABASE_URL pointed at the copy); the web"
        " shop's kept token names the database before, so it is refused and the web shop reads every product again"
        " (the bunting is on sale in the backup)"
    )
    async with (
        running_bot(f"sqlite+aiosqlite:///{kept}", demo_catalog=False, default_currency="GBP") as restored,
        serving_api(restored) as root,
        aiohttp.ClientSession() as http,
    ):
        headers = {"Authorization": f"Bearer {key}"}
        url = f"{root}/api/v1/stock/levels"
        async with http.get(url, params={"changed_since": changes_token}, headers=headers) as answer:
            problem: dict[str, Any] = await answer.json()
        shown = {k: problem[k] for k in ("field", "detail")}
        transcript.append(
            f"🌐 web shop: GET /api/v1/stock/levels?changed_since=… (its kept token) → {answer.status} {shown}"
        )
        again = await _levels(http, root, key, {"limit": "100"})
        note = f"every product again: {len(again['stock'])}, and a new changes_token"
        transcript.append(f"🌐 web shop: GET /api/v1/stock/levels?limit=100 ({note}) → 200 {_entry(again, OFF_SALE)}")
        after = await _levels(http, root, key, {"changed_since": again["changes_token"]})
        transcript.append(f"🌐 web shop: GET /api/v1/stock/levels?changed_since=… (its next sync) → 200 {_rows(after)}")


async def _levels(http: aiohttp.ClientSession, root: str, key: str, params: dict[str, str]) -> dict[str, Any]:
    async with http.get(
        f"{root}/api/v1/stock/levels", params=params, headers={"Authorization": f"Bearer {key}"}
    ) as got:
        assert got.status == 200, await got.text()
        body: dict[str, Any] = await got.json()
    return body


def _rows(feed: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(entry["sku"], entry["available"], entry["status"]) for entry in feed["stock"]]


def _entry(feed: dict[str, Any], sku: str) -> str:
    return f"… {next(row for row in _rows(feed) if row[0] == sku)} …"
