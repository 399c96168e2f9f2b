"""A shop with a tax number started with TAX_RATE at 0 (its default) is told so once: its invoices show no VAT."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxServer
from tests.running_process import start_polling, stop_ordergram, wait_until

AT_ZERO = (
    "TAX_RATE is 0 while the shop's tax number (GB 123 4567 89) is set: its invoices and receipts print the number "
    "but show no VAT included, as 0 %, and the books record none. Set TAX_RATE to the VAT rate included in your "
    "prices (TAX_RATE=20 in .env) and restart; a shop that charges no VAT removes the tax number instead "
    "(/settings tax_number -, or tax_number in SHOP_SETTINGS_FILE)"
)


@pytest.mark.parametrize(
    ("command", "tax_rate", "warned"),
    [("run", "", True), ("serve", "", True), ("run", "20", False)],
    ids=["run at 0", "serve at 0", "run at 20"],
)
async def test_a_shop_with_a_tax_number_started_at_tax_rate_0_is_warned_that_invoices_show_no_vat(
    tmp_path: Path, command: str, tax_rate: str, warned: bool
) -> None:
    (tmp_path / "shop.toml").write_text('name = "Hammer & Tongs"\ntax_number = "GB 123 4567 89"\n', encoding="utf-8")
    server = SandboxServer()
    await server.start()
    env = {"SHOP_SETTINGS_FILE": str(tmp_path / "shop.toml"), "TAX_RATE": tax_rate, "STAFF_CHAT_ID": "-100500"}
    process = await start_polling(server, tmp_path, command, env)
    try:
        await wait_until(process, lambda: "getUpdates" in server.requested, "polling")  # start-up is over
    finally:
        stderr = await stop_ordergram(process, server)
    said = [line for line in stderr.splitlines() if "TAX_RATE" in line]
    assert [line.partition("WARNING ")[2] or line for line in said] == ([f"bot.serving: {AT_ZERO}"] if warned else [])
