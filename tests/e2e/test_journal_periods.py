"""/journal FROM TO: whole days of the shop's own time zone, both days included, as /report
counts its days; each entry dated in that zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.conftest import hire, staff_shop
from tests.e2e.jobs import _invoice_order
from tests.e2e.parcels import hire_in
from tests.fakes import FakeClock


async def test_the_journal_takes_shop_days_with_the_last_day_included(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 30, 22, 30, tzinfo=UTC))  # 1 December, 01:30 in Moscow
    async with staff_shop(tmp_path, clock, timezone="Europe/Moscow") as shop:
        code = await _invoice_order(shop, 620)  # the invoice's sale is booked at once
        manager = await hire(shop, 98, "Mo", "manager")

        dates: set[str] = set()

        async def sources(args: str) -> tuple[str, set[str]]:
            sent = (await manager.send(f"/journal {args}")).last
            assert sent.file is not None, sent.text
            rows = list(csv.DictReader(io.StringIO(sent.file.content.decode())))
            dates.update(r["date"] for r in rows)
            return sent.file.file_name or "", {r["source"] for r in rows}

        booked = {"import:stock", f"order:{code}"}  # the demo's opening stock, then the sale
        assert await sources("2026-12-01 2026-12-01") == ("journal-2026-12-01-2026-12-01.csv", booked)
        assert await sources("2026-11-01 2026-11-30") == ("journal-2026-11-01-2026-11-30.csv", set())
        assert (await sources(""))[1] == booked  # the last 30 days: today is 1 December there
        # Its time in the shop's zone, as the day it is filed under, without the "+03:00" that made
        # a spreadsheet read the whole date as text.
        assert dates == {"2026-12-01 01:30"}
        refused = await manager.send("/journal 2026-12-02 2026-12-01")
        assert refused.last.file is None and refused.last.text.startswith("Usage: /journal")


async def test_the_journal_sent_in_chat_opens_in_a_russian_spreadsheet_and_the_cli_export_stays_machine_readable(
    tmp_path: Path,
) -> None:
    """A Russian manager's Excel read the journal's UTF-8 without BOM as mojibake and its
    "12.50" amounts as text or dates: in Russian it is written as Russian spreadsheets write
    (BOM, ";", decimal commas); in English, and from ``ordergram export journal``, as before."""
    clock = FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    async with staff_shop(tmp_path, clock) as shop:
        await _invoice_order(shop, 621)
        ru = await hire_in(shop, 97, "Мила", "manager", "ru")
        en = await hire_in(shop, 96, "Mo", "manager", "en")
        sent_ru = (await ru.send("/journal")).last.file
        sent_en = (await en.send("/journal")).last.file
        assert sent_ru is not None and sent_en is not None
        # Its header and accounts in Russian, as /trial names them (they read "entry;date;…" and
        # "1200 Inventory" beside a /trial of «1200 Товарные запасы»).
        header = "проводка;дата;источник;содержание;счёт;дебет;кредит;валюта\n"
        assert sent_ru.content.startswith(("\ufeff" + header).encode())
        russian = list(csv.DictReader(io.StringIO(sent_ru.content.decode("utf-8-sig")), delimiter=";"))
        english = list(csv.DictReader(io.StringIO(sent_en.content.decode())))
        assert english and len(russian) == len(english)
        amounts = [(r["debit"], r["credit"]) for r in english]
        assert any("." in d + c for d, c in amounts)
        assert [(r["дебет"], r["кредит"]) for r in russian] == [
            (d.replace(".", ","), c.replace(".", ",")) for d, c in amounts
        ]
        # Memos read in the reader's language too (the journal keeps them in English).
        code = {r["source"] for r in english if r["source"].startswith("order:")}.pop().removeprefix("order:")
        assert f"sale {code} (invoice)" in [r["memo"] for r in english]
        assert f"продажа {code} (по счёту)" in [r["содержание"] for r in russian]
        assert not any("sale" in r["содержание"] or "stock import" in r["содержание"] for r in russian)
        assert {r["счёт"] for r in russian} >= {"1200 Товарные запасы", "1100 Дебиторская задолженность"}
        assert {r["account"] for r in english} >= {"1200 Inventory", "1100 Accounts receivable"}
        assert sent_en.content.startswith(b"entry,date,source,memo,account,debit,credit,currency\n")
        # Dated as each spreadsheet reads a date and time (ISO with an offset was text to Excel).
        assert {r["дата"] for r in russian} == {"01.12.2026 12:00"}
        assert {r["date"] for r in english} == {"2026-12-01 12:00"}
