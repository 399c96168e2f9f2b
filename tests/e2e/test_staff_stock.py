"""Stock commands through the sandbox: look-up per warehouse and bin, receipts, adjustments,
moves, reorder points; every change recorded as a movement; bad input changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.purchasing import import_reorder
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, stock_row
from tests.e2e.variants import tshirts


async def _movements(shop: RunningBot) -> list[tuple[int, str, str]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.InventoryMovementRow.delta, m.InventoryMovementRow.reason, m.InventoryMovementRow.actor).order_by(
                m.InventoryMovementRow.id
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def _on_hand(shop: RunningBot, sku: str, warehouse: str) -> tuple[int, int]:
    on_hand, reserved = await stock_row(shop, sku, warehouse, m.StockRow.on_hand, m.StockRow.reserved)
    return on_hand, reserved


async def test_a_manager_receives_adjusts_and_moves_stock_and_sees_it_per_bin(shop: RunningBot) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    before = await _on_hand(shop, "85123A", "LON")
    stock = await manager.send("/stock 85123A")
    assert "White Hanging Heart" in stock.last.text and "LON" in stock.last.text
    assert f"{before[0]} on hand" in stock.last.text

    received = await manager.send("/receive 85123A 24 LON A-09-01-1 new")
    assert received.last.text == "Received 24 × 85123A into LON A-09-01-1."
    assert await _on_hand(shop, "85123A", "LON") == (before[0] + 24, before[1])

    moved = await manager.send("/move 85123A 10 A-09-01-1 A-09-02-1 new")
    assert moved.last.text == "Moved 10 × 85123A in LON: A-09-01-1 → A-09-02-1."
    adjusted = await manager.send("/adjust 85123A LON -3 damaged in transit")
    assert f"{before[0] + 21} on hand" in adjusted.last.text

    view = await manager.send("/stock 85123A")
    assert "A-09-02-1: 10" in view.last.text and "adjustment: damaged in transit" in view.last.text
    deltas = [(d, r) for d, r, a in await _movements(shop) if a == "staff:50"]
    assert deltas[0] == (24, "receipt")
    assert (10, "move A-09-01-1 → A-09-02-1") in deltas and (-10, "move A-09-01-1 → A-09-02-1") in deltas
    assert sum(d for d, r in deltas if r.startswith("adjustment")) == -3


async def test_stock_changes_that_break_a_rule_are_refused_and_change_nothing(shop: RunningBot) -> None:
    manager = await hire(shop, 51, "Max", "manager")
    before = await _on_hand(shop, "85123A", "LON")
    count = len(await _movements(shop))
    refusals = {
        "/receive 85123A lots LON": "Quantity must be a whole number from 1 to 1000000.",
        "/receive 85123A 0 LON": "Quantity must be a whole number from 1 to 1000000.",
        "/receive NOSUCH 5 LON": "Nothing was found.",
        "/receive 85123A 5 NOWHERE": "There is no warehouse NOWHERE. The warehouses are: LON, MAN.",
        "/receive 85123A 5 LON shelf": "shelf is not a bin code of the form ZONE-AISLE-RACK-LEVEL.",
        "/adjust 85123A LON -3": "Say why: a reason is required for every adjustment.",
        f"/adjust 85123A LON -{before[0] + 1} lost": f"Only {before[0]} of 85123A on hand in LON.",
        "/move 85123A 5 Z-01-01-1 A-01-01-1 LON": "Bin Z-01-01-1 holds only 0 of 85123A.",
        "/move 85123A 5 A-01-01-1 A-01-01-1": "The two bins are the same.",
    }
    for command, expected in refusals.items():
        assert (await manager.send(command)).last.text == expected, command
    assert await _on_hand(shop, "85123A", "LON") == before
    assert len(await _movements(shop)) == count


async def test_low_stock_lists_what_is_at_or_under_its_reorder_point(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert (await admin.send("/lowstock LON")).last.text == "Nothing is at or under its reorder point."
    manchester = (await admin.send("/lowstock MAN")).last.text  # the demo's reorder.csv: two low items
    assert "84077" in manchester and "MAN: 3 available, reorder at 5" in manchester
    on_hand, reserved = await _on_hand(shop, "85123A", "LON")
    saved = await admin.send(f"/reorder 85123A LON {on_hand - reserved} {on_hand + 100}")
    assert saved.last.text == "Reorder point saved."
    assert (await admin.send("/reorder 22197 LON 1 500")).last.text == "Reorder point saved."
    low = await admin.send("/lowstock LON")
    assert "85123A" in low.last.text and "22197" not in low.last.text


async def test_pickers_may_look_up_stock_but_not_change_it_and_customers_neither(shop: RunningBot) -> None:
    picker = await hire(shop, 52, "Pia", "picker", "LON")
    assert "White Hanging Heart" in (await picker.send("/stock 85123A")).last.text
    assert (await picker.send("/receive 85123A 5 LON")).last.text == "Your role (picker) does not allow this."
    customer = SandboxUser(shop.server, 53, "Cy")
    for command in ("/stock 85123A", "/receive 85123A 5 LON", "/adjust 85123A LON 1 x", "/lowstock"):
        assert (await customer.send(command)).last.text == "This command is for shop staff only.", command


async def test_stock_finds_a_product_by_a_name_that_is_no_sku(shop: RunningBot) -> None:
    manager = await hire(shop, 53, "Noa", "manager")
    by_name = await manager.send("/stock hanging heart")  # two words: no SKU has a space
    assert "White Hanging Heart" in by_name.last.text and "LON" in by_name.last.text


async def test_a_long_low_stock_list_is_one_message_that_says_how_many_more_are_low(shop: RunningBot) -> None:
    """A whole catalog under its reorder points (a shop that set them all at once) was sent as
    one message per 4,096 characters: 40,000 low variants made 732 messages in the chat."""
    runtime, count = shop.runtime, 300
    skus = [f"LOW-{i:03d}" for i in range(count)]
    products = "".join(f"{sku},Low thing {sku},Gadgets,1.50,GBP\n" for sku in skus)
    await import_products(runtime.uow(), runtime.clock, "sku,name,category,price,currency\n" + products)
    stock = "".join(f"{sku},LON,A-01-01-1,1\n" for sku in skus)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)
    reorder = "".join(f"{sku},LON,5,50,CANDLES,1,1,1.10,GBP\n" for sku in skus)
    await import_reorder(
        runtime.uow(),
        runtime.clock,
        "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n" + reorder,
    )
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    low = await admin.send("/lowstock LON")
    assert len(low.messages) == 1
    text = low.last.text
    shown = text.count("LON: 1 available, reorder at 5")
    assert 0 < shown < count and text.endswith(f"… and {count - shown} more.")


async def _jacket(shop: RunningBot, sizes: list[str], colours: list[str]) -> list[str]:
    """A jacket in every size × colour (JKT is the first), a variant's quantity its number, in LON."""
    runtime, rows, skus = shop.runtime, [], []
    for n, (size, colour) in enumerate((s, c) for s in sizes for c in colours):
        sku = "JKT" if n == 0 else f"JKT-{n}"
        head = "Rain jacket,Clothing,30.00,GBP" if n == 0 else ",,,"
        rows.append(f"{sku},{head},{'' if n == 0 else 'JKT'},Size={size};Colour={colour}\n")
        skus.append(sku)
    products = "sku,name,category,price,currency,parent,options\n" + "".join(rows)
    await import_products(runtime.uow(), runtime.clock, products)
    stock = "".join(f"{sku},LON,A-07-01-1,{n + 1}\n" for n, sku in enumerate(skus))
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)
    return skus


async def test_stock_by_a_name_or_the_code_of_a_product_with_variants_shows_every_variant(shop: RunningBot) -> None:
    await _jacket(shop, ["M", "L"], ["Navy", "Red"])
    manager = await hire(shop, 54, "Ivo", "manager")
    for query in ("rain jacket", "JKT"):
        screen = await manager.send(f"/stock {query}")
        text = screen.last.text
        assert len(screen.messages) == 1 and text.startswith("Rain jacket · JKT · 4 variants"), query
        for n, (label, sku) in enumerate([("M / Navy", "JKT"), ("M / Red", "JKT-1"), ("L / Navy", "JKT-2")]):
            assert f"• {label} · {sku}\n   🏬 LON: {n + 1} on hand, 0 reserved, {n + 1} available" in text, query
        assert "• L / Red · JKT-3\n   🏬 LON: 4 on hand, 0 reserved, 4 available" in text and "more." not in text


async def test_a_variants_own_sku_shows_that_variant_with_its_bins_and_names_its_siblings(shop: RunningBot) -> None:
    await _jacket(shop, ["M", "L"], ["Navy", "Red"])
    manager = await hire(shop, 55, "Ines", "manager")
    text = (await manager.send("/stock JKT-2")).last.text
    assert text.startswith("Rain jacket (L / Navy) · JKT-2") and "A-07-01-1: 3" in text
    assert "One of 4 variants: /stock JKT shows them all." in text and "M / Red" not in text


async def test_a_scanned_barcode_shows_its_variant_even_the_first_one(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 58, "Kai", "manager")
    scanned = (await manager.send("/stock 2009000000001")).last.text  # TEE's own barcode: S / White
    assert scanned.startswith("Organic cotton T-shirt (S / White) · TEE · 2009000000001")
    assert "One of 7 variants: /stock TEE shows them all." in scanned and "M / Navy" not in scanned
    whole = (await manager.send("/stock tee")).last.text
    assert whole.startswith("Organic cotton T-shirt · TEE · 7 variants") and "• XL / Navy · TEE-XL-NVY\n" in whole


async def test_a_product_with_150_variants_is_paged_and_every_variant_is_on_a_page(shop: RunningBot) -> None:
    """It was one message cut at 24 lines with "… and N more" and no way to see the rest."""
    skus = await _jacket(shop, [str(size) for size in range(30, 60)], ["Black", "White", "Navy", "Red", "Green"])
    manager = await hire(shop, 56, "Jon", "manager")
    screen = await manager.send("/stock rain jacket")
    page = screen.last
    assert len(screen.messages) == 1 and len(page.text) <= 4096
    assert page.text.startswith("Rain jacket · JKT · 150 variants\nVariants 1–12 of 150:\n")
    assert page.text.endswith("Page 1 of 13") and "more." not in page.text
    assert page.button_texts() == ["Next ▶"] and "• 30 / Black · JKT\n" in page.text
    seen = re.findall(r"^• .* · (\S+)$", page.text, re.MULTILINE)
    for number in range(2, 14):
        turned = await manager.press(page, "Next")
        assert turned.callback_answer is not None and not turned.callback_answer.get("text")
        page = turned.last
        assert f"Page {number} of 13" in page.text and page.text.startswith("Rain jacket · JKT · 150 variants\n")
        seen += re.findall(r"^• .* · (\S+)$", page.text, re.MULTILINE)
    assert seen == skus  # each variant once, in order
    assert page.button_texts() == ["◀ Previous"] and "Variants 145–150 of 150:" in page.text
    back = (await manager.press(page, "Previous")).last
    assert "Page 12 of 13" in back.text and back.button_texts() == ["◀ Previous", "Next ▶"]
    to_last = next(b["callback_data"] for b in back.buttons() if "Next" in b["text"])
    assert "Page 13 of 13" in (await manager.press_data(back, to_last)).last.text
    twice = await manager.press_data(back, to_last)  # the same screen again: "message is not modified" is no error
    assert twice.callback_answer is not None and not twice.callback_answer.get("text") and twice.messages == []


async def test_a_page_button_of_an_older_stock_look_up_is_refused_politely(shop: RunningBot) -> None:
    await _jacket(shop, [str(size) for size in range(30, 60)], ["Black", "White", "Navy", "Red", "Green"])
    manager = await hire(shop, 59, "Lea", "manager")
    old = (await manager.send("/stock rain jacket")).last
    await manager.send("/stock JKT-5")  # one variant: no pages, the older buttons stay valid
    still = await manager.press(old, "Next")
    assert "Page 2 of 13" in still.last.text
    await manager.send("/stock JKT")  # another look-up with pages
    stale = await manager.press(old, "Next")
    assert stale.callback_answer is not None and stale.callback_answer.get("show_alert")
    assert stale.callback_answer["text"] == "This stock list is out of date. Please send /stock again."
    assert stale.messages == []  # the message is left as it was
    current = (await manager.send("/stock JKT")).last  # a page past the last (variants delisted since): the last
    key = next(b["callback_data"] for b in current.buttons() if "Next" in b["text"]).rsplit(":", 1)[1]
    past = await manager.press_data(current, f"stp:40:{key}")
    assert past.callback_answer is not None and not past.callback_answer.get("show_alert")
    assert past.callback_answer["text"] == "The list has changed since: this is its last page now."
    assert "Page 13 of 13" in past.last.text and past.last.button_texts() == ["◀ Previous"]


@pytest.mark.parametrize(
    ("language", "next_", "page"), [("en", "Next ▶", "Page {} of 13"), ("ru", "Далее ▶", "Страница {} из 13")]
)
async def test_a_stock_page_button_pressed_on_a_list_over_48_hours_old_shows_the_page_in_a_new_message(
    shop: RunningBot, language: str, next_: str, page: str
) -> None:
    """Telegram hands such a message over as inaccessible: it cannot be edited, and ▶ showed nothing."""
    await _jacket(shop, [str(size) for size in range(30, 60)], ["Black", "White", "Navy", "Red", "Green"])
    manager = await hire(shop, 60, "Noa", "manager", language=language)
    await manager.send(f"/language {language}")
    listed = (await manager.send("/stock JKT")).last
    turned = await manager.press(listed, next_, too_old=True)
    assert turned.edited == [] and len(turned.new) == 1, turned.messages
    assert page.format(2) in turned.new[0].text and "• 32 / Navy · JKT-" in turned.new[0].text
    assert page.format(3) in (await manager.press(turned.new[0], next_)).last.text  # its own buttons turn on


async def test_stock_of_a_product_with_variants_reads_in_russian(shop: RunningBot) -> None:
    await _jacket(shop, [str(size) for size in range(30, 60)], ["Black", "White", "Navy", "Red", "Green"])
    olga = await hire(shop, 57, "Olga", "manager", language="ru")
    await olga.send("/language ru")
    page = (await olga.send("/stock JKT")).last
    text = page.text
    assert text.startswith("Rain jacket · JKT · 150 вариантов\nВарианты 1–12 из 150:")
    assert text.endswith("Страница 1 из 13")
    assert "• 30 / Black · JKT\n   🏬 LON: в наличии 1, в резерве 0, доступно 1" in text and len(text) <= 4096
    assert page.button_texts() == ["Далее ▶"]
    second = (await olga.press(page, "Далее")).last
    assert "Варианты 13–24 из 150:" in second.text and second.button_texts() == ["◀ Назад", "Далее ▶"]


async def test_found_goods_booked_by_adjust_tell_the_customers_waiting_for_them_in_their_language(
    shop: RunningBot,
) -> None:
    """/receive, a purchase order's receipt and a stock count told those who asked to hear when
    an out-of-stock product was back; a positive /adjust (goods found) made it available in silence."""
    told = {}
    for user_id, language in ((620, "en"), (621, "ru")):
        customer = SandboxUser(shop.server, user_id, "Alex", language_code=language)
        card = await customer.send("/start p_85099B")
        await customer.press(card.last, "Notify me" if language == "en" else "Сообщить")
        told[language] = (customer, len(customer.messages()))
    manager = await hire(shop, 86, "Mo", "manager", "LON")
    await manager.send("/adjust 85099B LON +3 found behind the rack")
    await shop.runtime.notifier.drain()
    for language, (customer, before) in told.items():
        (message,) = customer.messages()[before:]
        assert ("is back in stock" if language == "en" else "снова в наличии") in message.text, message.text
    await manager.send("/adjust 85099B LON +2 found more")
    await shop.runtime.notifier.drain()
    assert all(len(customer.messages()) == before + 1 for customer, before in told.values())  # told once


async def test_large_unit_counts_are_grouped_the_readers_way(shop: RunningBot) -> None:
    """Counts were printed ungrouped ("119784314 units"): each reader's locale groups them."""
    runtime = shop.runtime
    await import_products(
        runtime.uow(), runtime.clock, "sku,name,category,price,currency\nBULK-1,Bulk screws,Gadgets,0.10,GBP\n"
    )
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nBULK-1,LON,A-05-01-1,119784314\n")
    manager = await hire(shop, 60, "Uma", "manager")
    english = (await manager.send("/stock BULK-1")).last.text
    assert "LON: 119,784,314 on hand, 0 reserved, 119,784,314 available" in english
    assert " · +119,784,314 · stock import" in english
    assert "A-05-01-1: 119,784,314" in english
    await manager.send("/receive BULK-1 2500 LON A-05-03-1 new")
    too_many = await manager.send("/move BULK-1 3000 A-05-03-1 A-05-04-1")  # a refusal's counts too
    assert too_many.last.text == "Bin A-05-03-1 holds only 2,500 of BULK-1."
    received = await manager.send("/receive BULK-1 1000000 LON A-05-01-1")
    assert received.last.text.startswith("Received 1,000,000 × BULK-1 into LON A-05-01-1.\n")  # no cost: not booked
    assert re.search(r"LON: 120,\d{3},\d{3} units · ", (await manager.send("/stockvalue")).last.text)
    olga = await hire(shop, 61, "Olga", "manager", language="ru")
    await olga.send("/language ru")
    russian = (await olga.send("/stock BULK-1")).last.text
    assert "LON: в наличии 120\xa0786\xa0814, в резерве 0, доступно 120\xa0786\xa0814" in russian
    assert re.search(r"LON: 120\xa0\d{3}\xa0\d{3} шт. · ", (await olga.send("/stockvalue")).last.text)
    moved = await olga.send("/move BULK-1 2500 A-05-01-1 A-05-02-1 LON new")
    assert "2\xa0500 × BULK-1" in moved.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_move_or_an_adjustment_beyond_what_is_there_says_where_and_how_many_are(
    shop: RunningBot, language: str
) -> None:
    """A manager of no one warehouse moving from a bin both warehouses have was told the bin held
    0 (it held 10 in one, 7 in the other); taking off more than was on hand said "0 would be left,
    0 are reserved"."""
    runtime = shop.runtime
    await import_stock(
        runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n22197,LON,MAIN-0-0-0,10\n22197,MAN,MAIN-0-0-0,7\n"
    )
    manager = await hire(shop, 92, "Mo", "manager", language=language)
    before = await _movements(shop)
    moved = await manager.send("/move 22197 5 MAIN-0-0-0 A-01-01-1")
    assert (
        moved.last.text
        == {"en": "Which warehouse? Add its code: LON, MAN.", "ru": "Какой склад? Добавьте его код: LON, MAN."}[
            language
        ]
    )
    on_hand, _ = await _on_hand(shop, "22197", "MAN")
    adjusted = await manager.send(f"/adjust 22197 MAN -{on_hand + 1} lost")
    assert (
        adjusted.last.text
        == {
            "en": f"Only {on_hand} of 22197 on hand in MAN.",
            "ru": f"На складе MAN только {on_hand} шт. 22197.",
        }[language]
    )
    assert await _movements(shop) == before
    done = await manager.send("/move 22197 5 MAIN-0-0-0 A-01-01-1 MAN new")
    assert done.last.text.startswith({"en": "Moved 5 × 22197 in MAN", "ru": "Перемещено 5 × 22197 на MAN"}[language])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_maximum_level_under_the_reorder_point_is_refused_saying_so(shop: RunningBot, language: str) -> None:
    """ "/reorder SKU LON 10 5" was refused as "Quantity must be a whole number from 1 to 1000000"."""
    manager = await hire(shop, 93, "Mo", "manager", language=language)
    refused = await manager.send("/reorder 22197 LON 10 5")
    assert (
        refused.last.text
        == {
            "en": "The maximum level (5) must be at least the reorder point (10).",
            "ru": "Максимальный уровень (5) должен быть не меньше точки заказа (10).",
        }[language]
    )
    assert (await manager.send("/reorder 22197 LON 10 10")).last.text != refused.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_without_a_bin_of_a_product_kept_in_other_bins_is_refused_naming_them(
    shop: RunningBot, language: str
) -> None:
    """A warehouse counted without bins: "85123A,LON,790" set the default bin to 790 beside the
    bin that held its 806, and LON had twice what was on its shelves."""
    before = await _on_hand(shop, "85123A", "LON")
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    counted = b"sku,warehouse,quantity\n85099B,LON,5\n85123A,LON,790\n"  # 85099B has no bin in LON yet
    refused = await manager.send_document(counted, "stock.csv", "/import")
    expected = {
        "en": "85123A is kept in bin(s) B-06-06-3 in LON: name the bin (a row without one counts MAIN-00-00-0)",
        "ru": "85123A лежит на складе LON в ячейках B-06-06-3: укажите ячейку (строка без неё считает MAIN-00-00-0)",
    }[language]
    assert f"stock.csv:3: {expected}" in refused.last.text and "stock.csv:2" not in refused.last.text
    assert await _on_hand(shop, "85123A", "LON") == before
    named = b"sku,warehouse,bin,quantity\n85123A,LON,B-06-06-3,796\n"
    await manager.send_document(named, "stock.csv", "/import")
    assert (await _on_hand(shop, "85123A", "LON"))[0] == before[0] - 10


async def _set_status(shop: RunningBot, sku: str, status: str) -> None:
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == sku).values(status=status))


@pytest.mark.parametrize(("status", "named"), [("hidden", "hidden"), ("discontinued", "discontinued")])
async def test_staff_see_and_change_the_stock_of_a_hidden_or_discontinued_product_its_status_named(
    shop: RunningBot, status: str, named: str
) -> None:
    """/stock of a hidden product said "not found" (its shelves are still counted and moved);
    customers still cannot find it."""
    manager = await hire(shop, 52, "Mo", "manager")
    await manager.send("/receive 85123A 4 LON A-09-01-1 new")
    on_hand = (await _on_hand(shop, "85123A", "LON"))[0]
    await _set_status(shop, "85123A", status)
    shown = (await manager.send("/stock 85123A")).last.text
    assert "White Hanging Heart" in shown and f"{on_hand} on hand" in shown and f"· {named}" in shown
    assert (await manager.send("/adjust 85123A LON -1 damaged")).last.text.startswith("85123A in LON:")
    assert (await manager.send("/move 85123A 2 A-09-01-1 A-09-02-1 LON new")).last.text.startswith("Moved 2 × 85123A")
    assert (await manager.send("/reorder 85123A LON 5")).last.text == "Reorder point saved."
    assert "85123A" in (await manager.send("/forecast 85123A")).last.text
    assert await _on_hand(shop, "85123A", "LON") == (on_hand - 1, (await _on_hand(shop, "85123A", "LON"))[1])
    customer = SandboxUser(shop.server, 700, "Cat")
    added = (await customer.send("/add 85123A")).last.text
    assert "Added" not in added
    if status == "hidden":
        assert "White Hanging Heart" not in (await customer.send("/search 85123A")).last.text


async def test_staff_find_a_hidden_product_by_its_name_its_status_named_and_customers_still_do_not(
    shop: RunningBot,
) -> None:
    """/stock by a name searched as customers do, so a hidden product was "not found" while a
    typed SKU found it."""
    manager = await hire(shop, 60, "Uma", "manager")
    await _set_status(shop, "85123A", "hidden")
    shown = (await manager.send("/stock hanging heart")).last.text
    assert "White Hanging Heart" in shown and "85123A" in shown and "· hidden" in shown
    customer = SandboxUser(shop.server, 701, "Cy")
    assert "White Hanging Heart" not in (await customer.send("/search hanging heart")).last.text


async def test_the_code_of_a_product_whose_first_variant_is_hidden_shows_that_variant_too(shop: RunningBot) -> None:
    """/stock JKT with JKT hidden listed its other variants only, not the one typed."""
    await _jacket(shop, ["M", "L"], ["Navy", "Red"])
    await _set_status(shop, "JKT", "hidden")
    manager = await hire(shop, 61, "Vic", "manager")
    for query in ("JKT", "rain jacket"):
        text = (await manager.send(f"/stock {query}")).last.text
        assert "• M / Navy · JKT · hidden\n   🏬 LON: 1 on hand, 0 reserved, 1 available" in text, query
        assert "• M / Red · JKT-1\n   🏬 LON: 2 on hand" in text, query


async def test_goods_sent_where_the_product_never_lay_name_the_default_bin_as_stock_shows_it(shop: RunningBot) -> None:
    """/transfer to a warehouse that never held the product said it arrived in MAIN-0-0-0 and its
    movement read '→ LON:MAIN-0-0-0', while /stock listed the bin as MAIN-00-00-0: the night
    manager looked for two bins."""
    manager = await hire(shop, 93, "Mo", "manager", "MAN")
    sent = await manager.send("/transfer 84077 2 MAN LON")
    assert sent.last.text == "Transferred 2 × 84077: MAN S-01-04-1 → LON MAIN-00-00-0."
    view = (await manager.send("/stock 84077")).last.text
    assert "▫️ MAIN-00-00-0: 2" in view and "MAIN-0-0-0" not in view


HELD_BACK = {
    "en": (
        "Refused: 2 would be left on hand, but 4 are reserved, 4 of them for orders ({code}). At most 1 can be"
        " taken off now; to take off more, change those orders first: report them short at picking or packing"
        " (/pick, Short pick, or /short: the order is held and its customer asked), or edit or cancel them"
        " (/order CODE)."
    ),
    "ru": (
        "Отклонено: в наличии осталось бы 2, а в резерве 4, из них 4 под заказы ({code}). Сейчас можно списать"
        " не больше 1; чтобы списать больше, сначала разберитесь с этими заказами: отметьте их недостачу при"
        " сборке или упаковке (/pick, «Недостача» или /short: заказ встанет на удержание, а покупателя спросят),"
        " либо измените или отмените их (/order КОД)."
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_write_off_beyond_what_orders_leave_says_how_many_can_go_and_how_the_rest_does(
    shop: RunningBot, language: str
) -> None:
    """Three jars broke on the night shift while an order held 4 of 5: the write-off was refused
    with the two numbers and no way on (how many could go now, what to do about the rest, and
    which orders hold it)."""
    from tests.e2e.journeys import jars, order, stock

    await jars(shop, 3, 2)
    code = await order(shop, 371, {"JAR-1": 4})
    manager = await hire(shop, 94, "Mo", "manager", "LON", language=language)
    before = await stock(shop, "JAR-1")
    assert (await manager.send("/adjust JAR-1 LON -3 broken")).last.text == HELD_BACK[language].format(code=code)
    assert await stock(shop, "JAR-1") == before


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_low_stock_says_a_discontinued_product_is_not_reordered(shop: RunningBot, language: str) -> None:
    """84077 is low at MAN (the demo's reorder.csv), then discontinued: the reorder scan buys no
    more of it, so /lowstock must not read as if it still needed buying."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    sheet = await admin.press((await admin.send("/product 84077")).last, "Status")
    await admin.press(sheet.last, "discontinued")
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    low = (await manager.send("/lowstock MAN")).last.text.splitlines()
    said = {"en": "⛔ discontinued: not reordered", "ru": "⛔ снят с продажи: не дозаказывается"}[language]
    assert next(line for line in low if "84077" in line).endswith(said)
    assert said not in next(line for line in low if "22616" in line)
