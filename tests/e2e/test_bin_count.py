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
from tests.e2e.bin_counts import as_the_books_say
from tests.e2e.conftest import hire
from tests.e2e.journeys import bins, order, status, stock
from tests.e2e.short_picks import STAFF_CHAT
from tests.e2e.split_shipments import shelf_says

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


HELD = {
    "en": {
        "warned": "⚠️ 2 × 22151 held for order {code}: not on the shelf. ✅ Confirm takes them off the order: it gets"
        " them from another warehouse that has them free, or is put on hold and its customer asked.",
        "held": "• Order {code}: 2 × 22151 missing, the order is on hold and its customer asked.",
    },
    "ru": {
        "warned": "⚠️ 2 × 22151 отложено для заказа {code}, на полке их нет. ✅ Подтвердить снимет их с заказа: он"
        " получит их с другого склада, где они свободны, или будет приостановлен, а покупателя спросят, как быть.",
        "held": "• Заказ {code}: не хватает 2 × 22151, заказ приостановлен, покупателя спросили, как быть.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_below_what_an_order_holds_is_recorded_and_the_order_is_held_and_its_customer_asked(
    shop: RunningBot, language: str
) -> None:
    """22151 (only LON has it): the books say 5 on the shelf, an order holds 3, Mia counts 1. The confirm screen
    names the order before anything is done; confirmed, the count is recorded as counted, the order gives up the 2
    that are gone (nowhere else has them: it is held, the 2 wait as a backorder, its customer asked as a short pick
    asks) and the staff chat is told."""
    w, h = W[language], HELD[language]
    await shelf_says(shop, 5)
    code = await order(shop, 332, {"22151": 3})
    ((_, bin_code, _),) = [b for b in await bins(shop, "22151") if b[2]]
    mia = await hire(shop, 126, "Mia", "manager", "LON", language=language)
    await mia.send(f"/count {bin_code}")
    await mia.send("22151 1")
    summary = await mia.press((await as_the_books_say(shop, mia, bin_code, "22151")).last, w["done"])
    assert "22151 5 → 1 (−4)" in summary.last.text
    assert h["warned"].format(code=code) in summary.last.text, summary.last.text
    assert await stock(shop, "22151") == [("LON", 5, 3)]  # nothing done before ✅ Confirm
    recorded = await mia.press(summary.last, w["confirm"])
    assert recorded.last.text.splitlines()[1:] == [h["held"].format(code=code)], recorded.last.text
    assert bin_code in recorded.last.text.splitlines()[0]
    assert await stock(shop, "22151") == [("LON", 1, 1)]  # 1 on the shelf, still the order's
    assert await status(shop, code) == "on_hold"
    await shop.runtime.notifier.drain()
    asked = shop.server.chat_messages(332)[-1].text  # the customer, in their language, as a short pick asks
    assert asked.startswith("⚠️ We are short of 2 × ") and code in asked, asked
    staff = [msg.text for msg in shop.server.chat_messages(STAFF_CHAT) if msg.text.startswith("🔎 Count of bin")]
    assert staff and staff[-1].startswith(f"🔎 Count of bin {bin_code} in LON: 2 × 22151 (") and code in staff[-1]
    async with shop.runtime.sessions() as session:
        moved = await session.scalar(
            select(m.InventoryMovementRow.delta).where(m.InventoryMovementRow.reason == f"count: bin {bin_code}")
        )
        waiting = list(await session.scalars(select(m.BackorderRow.quantity)))
    assert moved == -4 and waiting == [2]
    assert all(c.ok for c in shop.server.calls)


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
    await mia.send("/count Z-09-09-9 new")
    for sku in skus:
        reply = await mia.send(f"{sku} 1")
    summary = (await mia.press(reply.last, w["done"])).last.text
    assert sum(1 for line in summary.splitlines() if line.startswith("• ")) == 60
    assert more in summary, summary


MANY = {
    "en": {
        "named": " and 22 more orders: not on the shelf. ✅ Confirm takes them off those orders: each gets its part"
        " from another warehouse that has it free, or is put on hold and its customer asked.",
        "more": "…and 2 more orders.",
    },
    "ru": {
        "named": " и ещё 22 заказа, на полке их нет. ✅ Подтвердить снимет их с этих заказов: каждый получит свою часть"
        " с другого склада, где она свободна, или будет приостановлен, а покупателя спросят, как быть.",
        "more": "…и ещё 2 заказа.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_below_what_many_orders_hold_names_ten_of_them_and_counts_the_rest_keeping_its_explanation(
    shop: RunningBot, language: str
) -> None:
    """32 one-unit orders hold 22151 and Mia counts none: the confirm screen names the newest 10 and says how many
    more, its explanation whole (all named, it ran past a message and was cut off); recorded, 30 are listed and the
    2 more counted."""
    w, many = W[language], MANY[language]
    await shelf_says(shop, 40)
    codes = [await order(shop, 400 + n, {"22151": 1}) for n in range(32)]
    ((_, bin_code, _),) = [b for b in await bins(shop, "22151") if b[2]]
    mia = await hire(shop, 127, "Mia", "manager", "LON", language=language)
    await mia.send(f"/count {bin_code}")
    await mia.send("22151 0")
    summary = (await mia.press((await as_the_books_say(shop, mia, bin_code, "22151")).last, w["done"])).last
    named = ", ".join(reversed(codes[-10:]))  # the newest first
    assert f"{named}{many['named']}" in summary.text, summary.text
    assert not any(code in summary.text for code in codes[:22])
    recorded = (await mia.press(summary, w["confirm"])).last.text.splitlines()
    assert len([line for line in recorded if line.startswith("• ")]) == 30
    assert recorded[-1] == many["more"], recorded
    assert await status(shop, codes[0]) == "on_hold"
    assert all(c.ok for c in shop.server.calls)
