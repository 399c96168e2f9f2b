"""Purchasing through the sandbox: the reorder scan drafts a purchase order (once), managers
get it in the staff chat, edit, approve and receive it partly then fully; stock grows with
movements recorded; bad input changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.purchasing import import_reorder
from domain.usecases.imports.stock import import_stock
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import bins, stock


async def test_a_reorder_scan_drafts_once_and_the_po_is_approved_and_received(shop: RunningBot) -> None:
    runtime = shop.runtime
    drafted = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500)
    assert [(line.sku, line.quantity) for po in drafted for line in po.lines] == [("84077", 42), ("22616", 30)]
    assert await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500) == []  # covered by the draft
    await runtime.notifier.drain()
    draft = shop.server.chat_messages(-100500)[-1]
    number = int(re.search(r"purchase order (\d+)", draft.text).group(1))  # type: ignore[union-attr]
    assert "84077 × 42" in draft.text and "22616 × 30" in draft.text and "Total: £22.50" in draft.text
    assert draft.button_texts() == ["✅ Approve", "✏️ Edit", "🗑 Discard"]

    manager = await hire(shop, 80, "Mo", "manager", "MAN")
    await SandboxUser(shop.server, 80, "Mo", wait=False).press(draft, "Edit")  # in the staff chat
    await manager.send("/help")  # handled after the button: the staff chat has its answer by now
    shown = shop.server.chat_messages(-100500)[-1]
    assert f"Purchase order {number}" in shown.text and "Homeware Wholesale Ltd" in shown.text
    edited = await manager.send(f"/po qty {number} 84077 48")
    assert "84077 × 48" in edited.last.text
    assert (await manager.send(f"/po qty {number} 84077 0")).last.text == (
        "Quantity must be a whole number from 1 to 1000000."
    )
    approved = await manager.press(edited.last, "Approve")
    assert approved.last.text == f"Purchase order {number} is approved."
    assert (await manager.send(f"/po qty {number} 84077 60")).last.text == (
        f"Purchase order {number} is approved: it can no longer be changed that way."
    )

    assert "48 incoming" in (await manager.send("/stock 84077")).last.text
    before = dict((w, on_hand) for w, on_hand, _ in await stock(shop, "84077"))
    partial = await manager.send(f"/po receive {number} 84077 20")
    assert partial.last.text == (
        f"Received into MAN:\n• 84077 × 20 → bin S-01-04-1\nPurchase order {number} is now partly received."
    )
    assert (await manager.send(f"/po receive {number} 84077 29")).last.text == (
        f"Only 28 of 84077 are still expected on purchase order {number}. "
        "Units beyond the order (an over-delivery kept) come in with /receive 84077 QTY MAN."
    )
    done = await manager.send(f"/po receive {number}")
    assert done.last.text == (
        "Received into MAN:\n• 84077 × 28 → bin S-01-04-1\n• 22616 × 30 → bin S-01-01-1\n"
        f"Purchase order {number} is now received."
    )
    after = dict((w, on_hand) for w, on_hand, _ in await stock(shop, "84077"))
    assert after["MAN"] == before["MAN"] + 48
    async with runtime.sessions() as session:
        reasons = (
            await session.scalars(
                select(m.InventoryMovementRow.delta).where(m.InventoryMovementRow.reason == f"PO {number} receipt")
            )
        ).all()
    assert sorted(reasons) == [20, 28, 30]
    listing = await manager.send("/po")
    assert f"/po_{number}" in listing.last.text and "received" in listing.last.text
    assert f"Purchase order {number} — received" in (await manager.send(f"/po_{number}")).last.text  # the link
    assert await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500) == []  # stock is back above


async def test_purchase_orders_are_for_managers(shop: RunningBot) -> None:
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    picker = await hire(shop, 81, "Pip", "picker", "MAN")
    assert (await picker.send(f"/po {po.id}")).last.text == "Your role (picker) does not allow this."  # nor look
    assert (await picker.send(f"/po receive {po.id}")).last.text == "Your role (picker) does not allow this."
    manager = await hire(shop, 82, "Mel", "manager", "MAN")
    assert (await manager.send(f"/po receive {po.id}")).last.text == NOT_APPROVED["en"].format(number=po.id)
    assert (await manager.send("/po 9999")).last.text == "Nothing was found."
    for text in ("/po 99999999999", "/po receive 99999999999", "/po close 99999999999", "/po qty 99999999999 84077 5"):
        assert (await manager.send(text)).last.text == "Nothing was found.", text  # no such PO, not a bad quantity
    assert (await manager.send(f"/po qty {po.id} 84077 99999999999")).last.text == (
        "Quantity must be a whole number from 1 to 1000000."
    )
    assert (await manager.send("/po frobnicate 1 2")).last.text.startswith("Usage: /po")


async def test_a_held_order_hears_when_the_missing_stock_is_expected(shop: RunningBot) -> None:
    from domain.usecases.imports.purchasing import import_reorder
    from domain.usecases.jobs import daily_digest
    from tests.e2e.journeys import order, status

    code = await order(shop, 350, {"21212": 2})
    picker = await hire(shop, 83, "Pia", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Single order")
    await picker.press(reply.last, "Short pick")
    await picker.send("0")  # no other bin, no other warehouse: the order is held
    assert await status(shop, code) == "on_hold"

    runtime = shop.runtime
    await import_reorder(
        runtime.uow(),
        runtime.clock,
        "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
        "21212,LON,1000,1200,HOMEWARE,24,0,0.20,GBP\n",
    )
    drafted = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    po = next(p for p in drafted if any(line.sku == "21212" for line in p.lines))
    manager = await hire(shop, 84, "Max", "manager", "LON")
    shown = await manager.send(f"/po {po.id}")
    await manager.press(shown.last, "Approve")
    told = shop.server.chat_messages(350)[-1].text
    assert f"Part of your order {code} is out of stock" in told and "30 Nov 2026" in told  # 5 days after approval

    runtime.clock.advance(days=1)  # type: ignore[attr-defined]
    await daily_digest(runtime.uow(), runtime.clock, staff_chat_id=-100500, timezone="UTC", hour=8)
    await runtime.notifier.drain()
    assert f"Late or on hold: {code}" in shop.server.chat_messages(-100500)[-1].text


async def test_a_purchase_order_of_many_lines_is_one_message_in_the_staff_chat_and_on_po(shop: RunningBot) -> None:
    """A shop that set reorder points for its whole catalog at once had purchase orders of
    20,000 lines: the scan's note was 185 messages in the staff chat, and /po N as many."""
    runtime, count = shop.runtime, 300
    skus = [f"RE-{i:03d}" for i in range(count)]
    products = "".join(f"{sku},Restocked thing {sku},Gadgets,1.50,GBP\n" for sku in skus)
    await import_products(runtime.uow(), runtime.clock, "sku,name,category,price,currency\n" + products)
    await import_stock(
        runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + "".join(f"{s},LON,A-01-01-1,1\n" for s in skus)
    )
    reorder = "".join(f"{sku},LON,5,50,CANDLES,1,1,1.10,GBP\n" for sku in skus)
    await import_reorder(
        runtime.uow(),
        runtime.clock,
        "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n" + reorder,
    )
    before = len(shop.server.chat_messages(-100500))
    drafted = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500)
    big = next(po for po in drafted if len(po.lines) == count)
    await runtime.notifier.drain()
    told = [msg for msg in shop.server.chat_messages(-100500)[before:] if f"purchase order {big.id}" in msg.text]
    assert len(told) == 1 and told[0].text.splitlines()[-2].startswith("… and ")
    assert "Total: £" in told[0].text and told[0].button_texts() == ["✅ Approve", "✏️ Edit", "🗑 Discard"]
    manager = await hire(shop, 81, "Mo", "manager", "LON")
    shown = await manager.send(f"/po {big.id}")
    assert len(shown.messages) == 1 and "… and " in shown.last.text and "Total: £" in shown.last.text


async def test_a_second_scan_tops_up_the_drafts_line_and_the_whole_of_it_is_received_by_its_sku(
    shop: RunningBot,
) -> None:
    """A manager cut a drafted line to 1; the next scan added a second line of the same SKU, and
    /po receive N SKU QTY (and /po qty) reached only the first: "only 1 is still expected"."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 85, "Mo", "manager", "MAN")
    await manager.send(f"/po qty {po.id} 84077 1")
    (again,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    assert again.id == po.id
    async with runtime.sessions() as session:
        lines = (
            await session.execute(
                select(m.ProductRow.sku, m.PoLineRow.quantity)
                .join(m.ProductRow, m.ProductRow.id == m.PoLineRow.product_id)
                .where(m.PoLineRow.po_id == po.id)
            )
        ).all()
    quantities = dict(lines)
    assert len(lines) == 2 and quantities["84077"] == 37, lines  # 1 + the 3 packs of 12 the scan finds short
    await manager.press((await manager.send(f"/po {po.id}")).last, "Approve")
    received = await manager.send(f"/po receive {po.id} 84077 37")
    assert received.last.text.endswith(f"\nPurchase order {po.id} is now partly received.")
    assert "• 84077 × 37 → bin" in received.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_supplier_is_bought_from_in_one_currency_and_the_scan_never_meets_two(
    shop: RunningBot, language: str
) -> None:
    """A reorder file that bought from a supplier in pounds and roubles drafted one purchase order
    of both: the scan failed adding them (every night, for every product) and /po N with it."""
    manager = await hire(shop, 87, "Mo", "manager", language=language)
    header = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
    mixed = header + "21212,LON,1000,1200,HOMEWARE,24,0,0.20,GBP\n22197,LON,5000,6000,HOMEWARE,12,0,25.00,RUB\n"
    refused = await manager.send_document(mixed.encode(), "reorder.csv", "/import reorder")
    expected = {
        "en": "supplier HOMEWARE is bought from in GBP for warehouse LON: a purchase order has one currency",
        "ru": "у поставщика HOMEWARE закупки для склада LON в GBP: в заказе поставщику одна валюта",
    }[language]
    assert f"reorder.csv:3: {expected}" in refused.last.text, refused.last.text
    alone = header + "22616,MAN,5,30,HOMEWARE,6,6,40.00,RUB\n"  # 84077 is bought from HOMEWARE in GBP for MAN
    assert (
        "reorder.csv:2: " in (await manager.send_document(alone.encode(), "reorder.csv", "/import reorder")).last.text
    )
    async with shop.runtime.sessions() as session:
        currencies = set((await session.scalars(select(m.SupplyTermsRow.currency))).all())
    assert currencies == {"GBP"}
    drafted = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    assert {po.currency for po in drafted} == {"GBP"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_order_names_the_warehouse_its_goods_are_received_into(
    shop: RunningBot, language: str
) -> None:
    """With two warehouses, /po and /po N named the supplier but not where the goods go: a manager
    at one store could book another's delivery (/po receive puts it in the order's warehouse)."""
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)  # for MAN
    manager = await hire(shop, 94, "Mo", "manager", "LON", language=language)
    shown = await manager.send(f"/po {po.id}")
    assert {"en": "Warehouse: MAN", "ru": "Склад: MAN"}[language] in shown.last.text.splitlines(), shown.last.text
    listed = await manager.send("/po")
    assert f"/po_{po.id} — MAN — Homeware Wholesale Ltd" in listed.last.text, listed.last.text


async def test_the_staff_chats_note_of_a_drafted_purchase_order_names_its_warehouse(shop: RunningBot) -> None:
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    await shop.runtime.notifier.drain()
    note = shop.server.chat_messages(-100500)[-1].text
    assert note.startswith(f"🧾 Draft purchase order {po.id} (reorder scan):\nWarehouse: MAN\n"), note


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_order_whose_rest_is_not_coming_is_closed_and_the_scan_orders_it_again(
    shop: RunningBot, language: str
) -> None:
    """A supplier sent 20 of 42 and no more: the 22 stayed "incoming" for good, so the reorder scan
    never ordered that product again, and nothing could close the order."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    await manager.send(f"/po receive {po.id} 84077 1")  # 4 on hand of a reorder point of 5: still low
    picker = await hire(shop, 97, "Pip", "picker", "MAN")
    assert (await picker.send(f"/po close {po.id}")).last.text == "Your role (picker) does not allow this."
    closed = await manager.send(f"/po close {po.id}")
    assert (
        closed.last.text
        == {
            "en": f"Purchase order {po.id} is closed: what it still expected is no longer coming.",
            "ru": f"Заказ поставщику {po.id} закрыт: то, что по нему ещё ожидалось, больше не придёт.",
        }[language]
    )
    assert {"en": "closed", "ru": "закрыт"}[language] in (await manager.send(f"/po {po.id}")).last.text
    refused = await manager.send(f"/po receive {po.id}")
    assert refused.last.text.startswith(
        {"en": f"Purchase order {po.id} is closed", "ru": f"Заказ поставщику {po.id} в статусе «закрыт»"}[language]
    )
    (again,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    assert again.id != po.id and [line.sku for line in again.lines] == ["84077", "22616"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_terms_moved_to_another_currency_wait_for_the_draft_in_the_old_one_to_be_discarded(
    shop: RunningBot, language: str
) -> None:
    """Every HOMEWARE term for MAN moved to roubles while a draft in pounds was open: the next scan
    topped the pound draft up with rouble lines and failed adding them up."""
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)  # HOMEWARE, MAN, GBP
    manager = await hire(shop, 98, "Mo", "manager", language=language)
    header = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
    roubles = header + "84077,MAN,50,400,HOMEWARE,6,12,25.00,RUB\n22616,MAN,50,300,HOMEWARE,6,6,40.00,RUB\n"
    refused = await manager.send_document(roubles.encode(), "reorder.csv", "/import reorder")
    expected = {
        "en": f"supplier HOMEWARE has draft purchase order {po.id} in GBP for warehouse MAN: discard it first",
        "ru": f"у поставщика HOMEWARE есть черновик заказа {po.id} в GBP для склада MAN: сначала отмените его",
    }[language]
    assert f"reorder.csv:2: {expected} (/po {po.id})" in refused.last.text, refused.last.text
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Discard", "ru": "Отменить"}[language])
    done = await manager.send_document(roubles.encode(), "reorder.csv", "/import reorder")
    assert {"en": "0 created, 2 updated", "ru": "создано 0, изменено 2"}[language] in done.last.text, done.last.text
    (again,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    assert again.currency == "RUB" and again.total.currency == "RUB"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_order_says_when_goods_are_expected_only_while_some_still_are(
    shop: RunningBot, language: str
) -> None:
    """A closed order (its rest not coming) and a received one still said "expected Nov 30" on
    /po and /po N: a buyer reading the list took them for goods on the way."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    expected = {"en": "expected 30 Nov 2026", "ru": "ожидается 30 нояб. 2026\u202fг."}[language]
    assert expected in (await manager.send(f"/po {po.id}")).last.text
    await manager.send(f"/po receive {po.id} 84077 1")
    assert expected in (await manager.send("/po")).last.text  # partly received: the rest is on its way
    await manager.send(f"/po close {po.id}")
    closed = (await manager.send(f"/po {po.id}")).last.text
    assert expected not in closed
    # 1 of 42 × £0.25 came: £0.25 of the £22.50 ordered is what the supplier bills
    assert {"en": "Total: £22.50 · received £0.25 of it", "ru": "Итого: 22,50\xa0£ · получено на 0,25\xa0£"}[
        language
    ] in closed
    assert expected not in (await manager.send("/po")).last.text
    (again,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    await manager.press((await manager.send(f"/po {again.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    await manager.send(f"/po receive {again.id}")
    listing = (await manager.send("/po")).last.text
    assert expected not in (await manager.send(f"/po {again.id}")).last.text and expected not in listing


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_po_subcommand_without_its_order_number_is_answered_with_the_usage(
    shop: RunningBot, language: str
) -> None:
    """/po receive, /po close and /po qty alone were read as /po N with N "receive": "Nothing was found"."""
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    usage = {"en": "Usage: /po", "ru": "Формат: /po"}[language]
    for text in ("/po receive", "/po close", "/po qty", "/po qty 1 84077"):
        assert (await manager.send(text)).last.text.startswith(usage), text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_goods_are_received_on_a_purchase_order_by_barcode_into_the_bin_named_and_the_reply_says_where(
    shop: RunningBot, language: str
) -> None:
    """A receiving clerk scans the box (its barcode, not the SKU) and shelves it in a bin of their
    choosing: /po receive took only SKUs, always chose the bin itself and never said which."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    scanned = await manager.send(f"/po receive {po.id} 2008407700002 12 b-02-03-1 new")  # 84077's barcode
    assert (
        scanned.last.text
        == {
            "en": f"Received into MAN:\n• 84077 × 12 → bin B-02-03-1\nPurchase order {po.id} is now partly received.",
            "ru": "Принято на склад MAN:\n• 84077 × 12 → ячейка B-02-03-1\n"
            f"Заказ поставщику {po.id} теперь: получен частично.",
        }[language]
    )
    in_man = dict((b, q) for w, b, q in await bins(shop, "84077") if w == "MAN")
    assert in_man == {"S-01-04-1": 3, "B-02-03-1": 12}
    refused = await manager.send(f"/po receive {po.id} 84077 1 NOT-A-BIN")
    assert (
        refused.last.text
        == {
            "en": "NOT-A-BIN is not a bin code of the form ZONE-AISLE-RACK-LEVEL.",
            "ru": "NOT-A-BIN — не код ячейки вида ЗОНА-РЯД-СТЕЛЛАЖ-ЯРУС.",
        }[language]
    )
    assert (await manager.send(f"/po receive {po.id} 9999999999999 1")).last.text == {
        "en": f"9999999999999 is not on purchase order {po.id}: its lines are 84077, 22616.",
        "ru": f"9999999999999 нет в заказе поставщику {po.id}: в нём 84077, 22616.",
    }[language]
    assert dict((b, q) for w, b, q in await bins(shop, "84077") if w == "MAN") == in_man  # refusals change nothing


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_order_is_sent_to_its_supplier_as_a_pdf_in_the_buyers_language(
    shop: RunningBot, language: str
) -> None:
    """A buyer had no document to send the supplier: /po N was a chat message only."""
    from tests.e2e.journeys import pdf_text

    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    shown = (await manager.send(f"/po {po.id}")).last
    pdf_button = {"en": "PDF for the supplier", "ru": "PDF для поставщика"}[language]
    document = (await manager.press(shown, pdf_button)).last.file
    assert document is not None and document.file_name == f"purchase-order-{po.id}.pdf"
    text = pdf_text(document.content)
    words = {
        "en": [f"Purchase order {po.id}", "Status: draft", "Supplier: Homeware Wholesale Ltd", "Total: £22.50"],
        "ru": [f"Заказ поставщику {po.id}", "Статус: черновик", "Поставщик: Homeware Wholesale Ltd", "Итого: 22,50 £"],
    }[language]
    assert all(word in text for word in words), text
    assert "84077" in text and "World War 2 Gliders" in text and "(MAN)" in text
    await manager.press(shown, {"en": "Approve", "ru": "Утвердить"}[language])
    await manager.send(f"/po receive {po.id} 84077 40")
    shown = (await manager.send(f"/po {po.id}")).last
    assert shown.button_texts() == [{"en": "📄 PDF for the supplier", "ru": "📄 PDF для поставщика"}[language]]
    text = pdf_text((await manager.press(shown, pdf_button)).last.file.content)  # type: ignore[union-attr]
    expected = {
        "en": ["Received", "Expected by 30 Nov 2026", "received £10.00 of it"],  # 40 × £0.25
        "ru": ["Получено", "Ожидается к 30 нояб. 2026", "получено на 10,00"],
    }
    assert all(word in text for word in expected[language]), text
    support = await hire(shop, 97, "Sue", "support", language=language)
    refused = await support.press(shown, pdf_button)
    assert refused.callback_answer is not None and refused.new == []  # no document for a role that may not see


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_draft_line_edited_off_the_suppliers_packs_or_minimum_is_flagged_with_what_would_do(
    shop: RunningBot, language: str
) -> None:
    """84077 is bought from HOMEWARE in packs of 6, at least 12: /po qty N 84077 20 was taken
    without a word, and the supplier would not deliver 20. The warning is a line of its own under
    its line (it ran on after the line's cost: "… at £1.00⚠️ off the supplier's terms")."""
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    assert "⚠️" not in (await manager.send(f"/po {po.id}")).last.text  # the scan orders whole packs
    edited = (await manager.send(f"/po qty {po.id} 84077 20")).last.text
    assert {
        "en": "⚠️ off the supplier's terms (packs of 6, at least 12): order 18 or 24",
        "ru": "⚠️ не по условиям поставщика (упаковки по 6, не меньше 12): закажите 18 или 24",
    }[language] in edited.splitlines()
    under = (await manager.send(f"/po qty {po.id} 84077 6")).last.text
    assert {
        "en": "⚠️ off the supplier's terms (packs of 6, at least 12): order 12",
        "ru": "⚠️ не по условиям поставщика (упаковки по 6, не меньше 12): закажите 12",
    }[language] in under.splitlines()
    assert under.count("⚠️") == 1  # 22616's 30 is 5 packs of 6: as the supplier sells it
    assert "⚠️" not in (await manager.send(f"/po qty {po.id} 84077 18")).last.text


async def test_an_approved_or_discarded_draft_s_message_keeps_no_approve_or_discard_button(shop: RunningBot) -> None:
    """After ✅ Approve the /po message and the staff chat's note still offered Approve and
    Discard: a second manager tapped them and was refused."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500)
    await runtime.notifier.drain()
    note = shop.server.chat_messages(-100500)[-1]
    manager = await hire(shop, 96, "Mo", "manager", "MAN")
    shown = (await manager.send(f"/po {po.id}")).last
    approved = await manager.press(shown, "Approve")
    assert [m.button_texts() for m in approved.edited] == [["📄 PDF for the supplier"]]
    assert f"Purchase order {po.id} — approved" in approved.edited[0].text and "/po qty" not in approved.edited[0].text
    assert approved.last.text == f"Purchase order {po.id} is approved."
    stale = await SandboxUser(shop.server, 96, "Mo").press(note, "Discard")  # the note, pressed before it changed
    assert stale.callback_answer is not None and "approved" in stale.callback_answer["text"]
    await import_reorder(
        runtime.uow(),
        runtime.clock,
        "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
        "21212,LON,1000,1200,HOMEWARE,24,0,0.20,GBP\n",
    )
    (draft,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    discarded = await manager.press((await manager.send(f"/po {draft.id}")).last, "Discard")
    assert [m.button_texts() for m in discarded.edited] == [[]]  # a discarded order has nothing to press


async def test_an_over_delivery_is_refused_on_the_order_in_russian_with_how_to_keep_the_extra(shop: RunningBot) -> None:
    """The supplier sent 50 of 42 ordered: the refusal named what was still expected but not what
    to do with the 8 extra the shop keeps."""
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    ivan = await hire(shop, 96, "Ivan", "manager", "MAN", language="ru")
    await ivan.press((await ivan.send(f"/po {po.id}")).last, "Утвердить")
    refused = await ivan.send(f"/po receive {po.id} 84077 50")
    assert refused.last.text == (
        f"По заказу поставщику {po.id} ещё ожидается только 42 шт. 84077. "
        "Сверх заказа (если излишек оставляете) принимайте через /receive 84077 КОЛ-ВО MAN."
    )
    kept = await ivan.send("/receive 84077 8 MAN")
    assert kept.last.text.startswith("Принято 8 × 84077 на MAN"), kept.last.text


ON_ORDER = {
    "en": {
        "draft": "· 42 on a draft purchase order: approve it in /po",
        "sent": "· on order: 42, expected 30 Nov 2026",
        "part": "· on order: 40, expected 30 Nov 2026",
    },
    "ru": {
        "draft": "· 42 в черновике заказа поставщику: утвердите его в /po",
        "sent": "· заказано: 42, ожидается 30 нояб. 2026\u202fг.",
        "part": "· заказано: 40, ожидается 30 нояб. 2026\u202fг.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_lowstock_tells_a_draft_from_what_is_on_order_and_says_when_it_is_expected(
    shop: RunningBot, language: str
) -> None:
    """/lowstock read «42 incoming» («в пути 42») for a draft nobody had approved, as for goods the
    supplier was sending, and never said when they come: a shift lead could not tell whether to
    approve, wait or reorder."""
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    said = ON_ORDER[language]
    assert "/po" not in (await manager.send("/lowstock MAN")).last.text  # nothing ordered yet
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)

    low = (await manager.send("/lowstock MAN")).last.text.splitlines()
    assert next(line for line in low if "84077" in line).endswith(said["draft"])
    assert next(line for line in low if "22616" in line).endswith(said["draft"].replace("42", "30"))

    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    low = (await manager.send("/lowstock MAN")).last.text.splitlines()
    assert next(line for line in low if "84077" in line).endswith(said["sent"])
    assert "/po" not in "\n".join(low)

    await manager.send(f"/po receive {po.id} 84077 2")  # 5 available: still at the reorder point
    low = (await manager.send("/lowstock MAN")).last.text.splitlines()
    assert next(line for line in low if "84077" in line).endswith(said["part"])


NOT_APPROVED = {
    "en": (
        "Purchase order {number} is a draft: approve it first (✅ Approve on /po {number}), "
        "then its goods can be received or the order closed."
    ),
    "ru": (
        "Заказ поставщику {number} — черновик: сначала утвердите его (✅ Утвердить в /po {number}), "
        "затем можно принимать товар или закрыть заказ."
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_receiving_a_draft_purchase_order_says_to_approve_it_first(shop: RunningBot, language: str) -> None:
    """The night's delivery came for a purchase order nobody had approved: /po receive said it
    'can no longer be changed that way', as if it were too late, and not what to do."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 98, "Mo", "manager", "MAN", language=language)
    before = await stock(shop, "84077")
    for command in (f"/po receive {po.id} 84077 1", f"/po receive {po.id}", f"/po close {po.id}"):
        assert (await manager.send(command)).last.text == NOT_APPROVED[language].format(number=po.id)
    assert await stock(shop, "84077") == before  # nothing received
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    assert "84077 × 1" in (await manager.send(f"/po receive {po.id} 84077 1")).last.text
