"""/count BIN: a bin counted blind (the books' items listed, never their figures), scans and barcode photos adding
up, the differences shown books → counted and, confirmed, recorded as stock adjustments in one go (en and ru)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from handlers.output.barcodes import barcode_png
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, status, stock

W = {
    "en": {
        "listed": "Counting bin B-06-06-3 in LON.",
        "hidden": "their figures are hidden",
        "counted": "{sku}: {units} counted in bin B-06-06-3.",
        "done": "✅ Done counting",
        "confirm": "✅ Confirm",
        "cancel": "✖️ Cancel",
        "differ": "2 items differ: ✅ Confirm records them as stock adjustments.",
        "recorded": "Bin B-06-06-3 counted: 2 differences recorded as stock adjustments.",
        "over": "This count is over: /count BIN starts a new one.",
        "cancelled": "Count of bin B-06-06-3 cancelled: nothing recorded.",
        "unknown": "No item has the code NOPE-1.",
    },
    "ru": {
        "listed": "Пересчёт ячейки B-06-06-3 на складе LON.",
        "hidden": "количества скрыты",
        "counted": "{sku}: в ячейке B-06-06-3 насчитано {units}.",
        "done": "✅ Пересчёт закончен",
        "confirm": "✅ Подтвердить",
        "cancel": "✖️ Отмена",
        "differ": "2 позиции расходятся: ✅ Подтвердить — записать расхождения как корректировки остатков.",
        "recorded": "Ячейка B-06-06-3 пересчитана: 2 расхождения записаны как корректировки остатков.",
        "over": "Этот пересчёт уже закончен: /count ЯЧЕЙКА начинает новый.",
        "cancelled": "Пересчёт ячейки B-06-06-3 отменён: ничего не записано.",
        "unknown": "Нет товара с кодом NOPE-1.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_bin_counted_blind_records_each_difference_as_an_adjustment_by_its_counter(
    shop: RunningBot, language: str
) -> None:
    w = W[language]
    mia = await hire(shop, 120, "Mia", "manager", "LON", language=language)
    (_, hearts, _), *_ = await stock(shop, "85123A")
    (_, popcorn, _), *_ = await stock(shop, "22197")
    opened = await mia.send("/count b-6-6-3")
    assert opened.last.text.startswith(w["listed"]) and w["hidden"] in opened.last.text
    assert "85123A" in opened.last.text and "22693" in opened.last.text
    assert "806" not in opened.last.text and "312" not in opened.last.text  # blind: the books' figures unseen
    said = await mia.send("85123A 800")
    assert said.last.text == w["counted"].format(sku="85123A", units="800")
    photo = await mia.send_photo(barcode_png("2008512350000", ean=True))  # one more, off the box's barcode
    assert photo.last.text == w["counted"].format(sku="85123A", units="801")
    assert (await mia.send("22693 312")).last.text == w["counted"].format(sku="22693", units="312")
    assert (await mia.send("NOPE-1 2")).last.text == w["unknown"]
    found = await mia.send("22197 x5")  # found on the wrong shelf
    summary = await mia.press(found.last, w["done"])
    text = summary.last.text
    assert "85123A 806 → 801 (−5)" in text and "22693 312 → 312 ✅" in text and "22197 0 → 5 (+5)" in text, text
    assert text.endswith(w["differ"])
    recorded = await mia.press(summary.last, w["confirm"])
    assert recorded.last.text == w["recorded"]
    assert (await stock(shop, "85123A"))[0][1] == hearts - 5 and (await stock(shop, "22197"))[0][1] == popcorn + 5
    async with shop.runtime.sessions() as session:
        moves = (
            await session.execute(
                select(m.InventoryMovementRow.delta, m.InventoryMovementRow.actor, m.InventoryMovementRow.reason).where(
                    m.InventoryMovementRow.reason == "count: bin B-06-06-3"
                )
            )
        ).all()
        books = await session.scalar(select(m.JournalEntryRow.id).where(m.JournalEntryRow.source == "count:LON"))
    assert sorted(moves) == [(-5, "staff:120", "count: bin B-06-06-3"), (5, "staff:120", "count: bin B-06-06-3")]
    assert books is not None  # the stock value follows: units lost written off, found ones brought in
    again = await mia.press(said.last, w["done"])  # an earlier step's button: the count is over
    assert again.callback_answer is not None and again.callback_answer["text"] == w["over"]
    assert (await stock(shop, "85123A"))[0][1] == hearts - 5
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cancelled_count_records_nothing(shop: RunningBot, language: str) -> None:
    w = W[language]
    mia = await hire(shop, 121, "Mia", "manager", "LON", language=language)
    before = await stock(shop, "85123A")
    await mia.send("/count B-06-06-3")
    said = await mia.send("85123A 3")
    summary = await mia.press(said.last, w["done"])
    assert (await mia.press(summary.last, w["cancel"])).last.text == w["cancelled"]
    assert await stock(shop, "85123A") == before


async def test_a_pick_after_the_item_was_counted_is_no_difference(shop: RunningBot) -> None:
    """Mia counted 806 hearts; then Pia picked 2 of them into her tote (the bin counts them until the parcel leaves)
    before Mia confirmed: the shelf and the books moved together, so nothing differs and nothing is written off."""
    code = await order(shop, 330, {"85123A": 2})
    mia = await hire(shop, 122, "Mia", "manager", "LON")
    pia = await hire(shop, 123, "Pia", "picker", "LON")
    (_, hearts, _), *_ = await stock(shop, "85123A")
    await mia.send("/count B-06-06-3")
    await mia.send("85123A 806")
    said = await mia.send("22693 312")
    await pia.press((await pia.send("/pick")).last, "Single order")
    await pia.send("85123A 2")  # into her tote: the bin still counts them
    assert await status(shop, code) == "picked"
    summary = await mia.press(said.last, W["en"]["done"])
    assert "85123A 806 → 806 ✅" in summary.last.text, summary.last.text
    assert summary.last.text.endswith("Everything counted matches the books.")
    await mia.press(summary.last, W["en"]["confirm"])
    assert (await stock(shop, "85123A"))[0][1] == hearts  # nothing lost: the two are in a tote


async def test_a_count_under_what_orders_hold_is_refused_naming_them_and_nothing_is_recorded(shop: RunningBot) -> None:
    """The hearts' shelf found empty while an order holds two: the count is refused (as /adjust and a stock file are),
    naming the order, so the shortage is reported where it is picked (/pick's ⚠️ Short pick) instead."""
    code = await order(shop, 331, {"85123A": 2})
    mia = await hire(shop, 124, "Mia", "manager", "LON")
    before = await stock(shop, "85123A")
    await mia.send("/count B-06-06-3")
    said = await mia.send("22693 312")  # no hearts at all
    summary = await mia.press(said.last, W["en"]["done"])
    assert "85123A 806 → 0 (−806)" in summary.last.text
    refused = await mia.press(summary.last, W["en"]["confirm"])
    told = (refused.callback_answer or {}).get("text") or refused.last.text
    assert code in told, (told, refused.callback_answer, [m.text for m in refused.new])
    assert await stock(shop, "85123A") == before


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_hostile_or_mistyped_input_to_a_count_is_answered_and_counts_nothing(
    shop: RunningBot, language: str
) -> None:
    mia = await hire(shop, 125, "Mia", "manager", "LON", language=language)
    before = await stock(shop, "85123A")
    usage = (await mia.send("/count")).last.text
    assert usage.startswith(("Usage: /count BIN", "Использование: /count ЯЧЕЙКА"))
    refused = (await mia.send("/count <b>A3</b>")).last.text
    assert refused.startswith("<b>A3</b>") and ("ZONE-AISLE" in refused or "ЗОНА-РЯД" in refused)  # as typed
    assert "NOWHERE" in (await mia.send("/count B-06-06-3 NOWHERE")).last.text  # no such warehouse, the codes listed
    await mia.send("/count B-06-06-3")
    assert "Я" * 300 not in (await mia.send("85123A " + "Я" * 5000)).last.text  # refused, shortened
    said = await mia.send("85123A 2")
    assert said.last.text == W[language]["counted"].format(sku="85123A", units="2")
    summary = await mia.press(said.last, W[language]["done"])
    await mia.press(summary.last, W[language]["cancel"])
    assert await stock(shop, "85123A") == before
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize(("language", "more"), [("en", "…and 2 more."), ("ru", "…и ещё 2.")])
async def test_a_count_of_more_items_than_its_summary_lists_says_how_many_more_confirm_records(
    shop: RunningBot, language: str, more: str
) -> None:
    """The summary lists 60 items; ✅ Confirm records every difference, so one not listed is counted out loud."""
    w = W[language]
    mia = await hire(shop, 121, "Mia", "manager", "LON", language=language)
    skus = [f"CNT-{n}" for n in range(62)]
    async with shop.runtime.uow() as uow:
        for sku in skus:
            await uow.products.upsert(Product(sku, f"Jar {sku}", "Kitchen", {"GBP": Money(500, "GBP")}))
        await uow.commit()
    await mia.send("/count Z-09-09-9")
    for sku in skus:
        reply = await mia.send(f"{sku} 1")
    summary = (await mia.press(reply.last, w["done"])).last.text
    assert sum(1 for line in summary.splitlines() if line.startswith("• ")) == 60
    assert more in summary, summary
