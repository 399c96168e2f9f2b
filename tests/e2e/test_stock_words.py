"""Staff words (en/ru): a stock count under what orders hold is refused naming those orders and the way
out; order flags read as words; /transfer, /po, a reorder file's amount and a file without a caption say
what is true and what to do."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, bins, jars, order, stock

SAID: dict[str, dict[str, Any]] = {
    "en": {
        "held": [
            "Nothing was imported: 1 row has problems.",
            "stock.csv:2: 2 of JAR-1 at LON are held for orders ({code}); a count leaving fewer than 2 there needs"
            " those orders changed first: report them short at picking or packing (/pick, Short pick, or /short:"
            " the order is held and its customer asked), or edit or cancel them (/order CODE). Then import the"
            " count again.",
        ],
        "carts": "stock.csv:2: 3 of JAR-1 at LON are held: 2 for orders ({code}), 1 in customers' carts; a count"
        " leaving fewer than 3 there needs those orders changed first: report them short at picking or packing"
        " (/pick, Short pick, or /short: the order is held and its customer asked), or edit or cancel them"
        " (/order CODE); a cart's"
        " hold ends by itself. Then import the count again.",
        "flags": "gift, replacement, sent in parts, short: awaiting the customer's answer, VIP, waiting for stock",
        "transfer": "Only 5 of JAR-1 can be transferred from LON.",
        "not on po": "NOPE-1 is not on purchase order {number}: its lines are 84077, 22616.",
        "create": "Purchase orders are drafted by the reorder scan",
        "cost": "reorder.csv:2: unit_cost: 0.333 is not a valid amount in EUR.",
        "uncaptioned": "This file was not imported: send it again with the caption /import KIND",
    },
    "ru": {
        "held": [
            "Ничего не загружено: ошибки в 1 строке.",
            "stock.csv:2: 2 шт. JAR-1 на LON удерживаются заказами ({code}); чтобы по пересчёту осталось меньше 2,"
            " сначала разберитесь с этими заказами: отметьте их недостачу при сборке или упаковке (/pick, «Недостача»"
            " или /short: заказ встанет на удержание, а покупателя спросят), либо измените или отмените их (/order"
            " КОД). Затем загрузите пересчёт снова.",
        ],
        "carts": "stock.csv:2: 3 шт. JAR-1 на LON удерживаются: 2 заказами ({code}), 1 корзинами покупателей;"
        " чтобы по пересчёту осталось меньше 3, сначала разберитесь с этими заказами: отметьте их недостачу при"
        " сборке или упаковке (/pick, «Недостача» или /short: заказ встанет на удержание, а покупателя спросят),"
        " либо измените или отмените их (/order КОД); корзина отпускает товар сама. Затем загрузите пересчёт снова.",
        "flags": "VIP, ждёт поступления, замена, недостача: ждём ответа покупателя, отправка частями, подарок",
        "transfer": "С LON можно передать только 5 шт. JAR-1.",
        "not on po": "NOPE-1 нет в заказе поставщику {number}: в нём 84077, 22616.",
        "create": "Заказы поставщикам составляет проверка запасов",
        "cost": "reorder.csv:2: unit_cost: 0.333 — неверная сумма в EUR.",
        "uncaptioned": "Файл не загружен: отправьте его снова с подписью /import ВИД",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_below_what_orders_hold_is_refused_naming_the_orders_and_the_way_out(
    shop: RunningBot, language: str
) -> None:
    """3 on hand, 2 held for an order, a count of 1: "Only 1 available." said neither why nor what to do."""
    said = SAID[language]
    await jars(shop, 3, 0)
    code = await order(shop, 350, {"JAR-1": 2})
    manager = await hire(shop, 351, "Mo", "manager", "LON", language=language)
    before, shelved = await stock(shop, "JAR-1"), await bins(shop, "JAR-1")
    counted = b"sku,warehouse,bin,quantity\nJAR-1,LON,A-01-01-1,1\n"
    reply = await manager.send_document(counted, "stock.csv", caption="/import stock")
    assert reply.last.text.splitlines() == [said["held"][0], said["held"][1].format(code=code)]
    await add_to_cart(SandboxUser(shop.server, 352, "C352"), "JAR-1", 1)  # a cart holds one more
    reply = await manager.send_document(counted, "stock.csv", caption="/import stock")
    assert reply.last.text.splitlines()[1] == said["carts"].format(code=code)
    assert await stock(shop, "JAR-1") == [("LON", 3, 3)] and before == [("LON", 3, 2)]
    assert await bins(shop, "JAR-1") == shelved  # nothing imported


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_orders_flags_read_as_words_on_order_and_queue(shop: RunningBot, language: str) -> None:
    """/order and /queue showed "BACKORDER", "GIFT"… in capitals, in Russian too."""
    code = await order(shop, 360, {"85123A": 1})
    async with shop.runtime.sessions() as session, session.begin():
        row = await session.scalar(select(m.OrderRow).where(m.OrderRow.code == code))
        assert row is not None
        row.flags = "BACKORDER,GIFT,REPLACEMENT,SHORT,SPLIT,VIP"
    manager = await hire(shop, 361, "Mo", "manager", "LON", language=language)
    title = (await manager.send(f"/order {code}")).last.text.splitlines()[0]
    assert title.split(" — ")[2] == SAID[language]["flags"], title
    queue = (await manager.send("/queue")).last.text
    (line,) = [line for line in queue.splitlines() if code in line]
    assert line.endswith(" — " + SAID[language]["flags"]), line
    assert not any(flag in title + line for flag in ("BACKORDER", "GIFT", "SPLIT", "SHORT", "REPLACEMENT"))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_transfer_over_what_is_free_with_nothing_held_says_only_what_can_go(
    shop: RunningBot, language: str
) -> None:
    await jars(shop, 3, 2)
    manager = await hire(shop, 370, "Mo", "manager", "LON", language=language)
    assert (await manager.send("/transfer JAR-1 9 LON MAN")).last.text == SAID[language]["transfer"]
    assert await stock(shop, "JAR-1") == [("LON", 5, 0)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_sku_not_on_the_purchase_order_and_po_create_say_what_is_there_and_how(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 380, "Mo", "manager", "MAN", language=language)
    await manager.press((await manager.send(f"/po {po.id}")).last, {"en": "Approve", "ru": "Утвердить"}[language])
    before = await bins(shop, "84077")
    assert (await manager.send(f"/po receive {po.id} NOPE-1 100")).last.text == said["not on po"].format(number=po.id)
    assert await bins(shop, "84077") == before
    assert (await manager.send("/po create")).last.text.startswith(said["create"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_reorder_amount_with_too_many_decimals_is_one_problem(shop: RunningBot, language: str) -> None:
    manager = await hire(shop, 390, "Mo", "manager", "LON", language=language)
    reorder = (
        "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
        "84077,MAN,10,50,ACME,6,12,0.333,EUR\n"
    )
    reply = await manager.send_document(reorder.encode(), "reorder.csv", caption="/import reorder")
    lines = reply.last.text.splitlines()
    assert lines[1:] == [SAID[language]["cost"]], lines


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_file_staff_send_without_a_caption_is_answered_with_how_to_import_it(
    shop: RunningBot, language: str
) -> None:
    manager = await hire(shop, 395, "Mo", "manager", "LON", language=language)
    reply = await manager.send_document(b"sku,warehouse,bin,quantity\n85123A,LON,,3\n", "counts.csv")
    assert reply.last.text.startswith(SAID[language]["uncaptioned"]), reply.last.text
    assert "Contact us" not in reply.last.text and "Связаться" not in reply.last.text
