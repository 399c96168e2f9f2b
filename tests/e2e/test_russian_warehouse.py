"""A Russian-speaking warehouse and its manager through the sandbox: every screen of receiving,
picking, packing, shipping and returns reads in Russian, with Russian numbers and plurals."""

from __future__ import annotations

import re

from bot.harness import RunningBot
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import (
    STEP,
    add_to_cart,
    name_in_russian,
    order_code,
    pdf_text,
    pick_everything,
    place_cod_order,
    status,
)
from tests.e2e.returns import deliver, ship
from tests.e2e.variants import tshirts


async def russian_order(shop: RunningBot, user_id: int, items: dict[str, int]) -> str:
    customer = SandboxUser(shop.server, user_id, "Анна", language_code="ru")
    for sku, quantity in items.items():
        await add_to_cart(customer, sku, quantity)
    return order_code(await place_cod_order(customer))


async def test_an_order_s_routing_reads_in_russian_to_a_russian_manager(shop: RunningBot) -> None:
    code = await russian_order(shop, 400, {"85123A": 1})
    manager = await hire(shop, 401, "Мария", "manager", "LON", language="ru")
    shown = (await manager.send(f"/order {code}")).last.text
    routing = shown.split("Маршрутизация\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert routing[:3] == ["LON", "LON может отгрузить все позиции", "ближе всего к адресу доставки: LON 13 км"]


async def test_a_forecast_reads_russian_numbers_to_a_russian_manager(shop: RunningBot) -> None:
    manager = await hire(shop, 402, "Мария", "manager", "LON", language="ru")
    shown = (await manager.send("/forecast 85123A")).last
    assert re.search(r"\d\.\d", shown.text) is None, shown.text  # no English decimal point anywhere
    assert "(croston=0,499, tsb=0,501)" in shown.text
    assert "Спрос за неделю: 50\xa0% ≤ 431,5 · 80\xa0% ≤ 1\xa0112,9 · 95\xa0% ≤ 2\xa0218,0" in shown.text
    assert "Предлагается: точка заказа 1\xa0943, заказывать до 3\xa0189" in shown.text
    assert "(уровень обслуживания 95,0\xa0%; ожидается 95,3\xa0%;" in shown.text
    assert shown.button_texts() == ["Применить 1\xa0943 / 3\xa0189 на LON"]


async def test_an_order_shipped_with_another_carrier_names_no_service_that_carrier_lacks(shop: RunningBot) -> None:
    """Chosen: Royal Mail Tracked 48; shipped with DPD. It read «DPD Tracked 48», a service
    no one sells."""
    code = await russian_order(shop, 403, {"85123A": 1})
    await ship(shop, code)  # with DPD, not delivered yet: /track expects it
    await shop.runtime.notifier.drain()
    customer = SandboxUser(shop.server, 403, "Анна", language_code="ru")
    tracked = (await customer.send(f"/track {code}")).last.text
    assert "Ожидаемая доставка: 27 нояб. 2026\u202fг. (DPD)." in tracked
    manager = await hire(shop, 404, "Мария", "manager", "LON", language="ru")
    shown = (await manager.send(f"/order {code}")).last.text
    assert "Курьер: 221B Baker Street, London NW1 6XE · DPD · срок 27 нояб. 2026\u202fг." in shown


async def picked(shop: RunningBot, code: str) -> None:
    picker = await hire(shop, 405, "Пётр", "picker", "LON", language="ru")
    round_ = await picker.press((await picker.send("/pick")).last, "Один заказ")
    assert STEP.search(round_.last.text)
    await pick_everything(picker, round_)


async def test_a_packing_slip_in_russian_names_the_customer_and_the_time_without_seconds(shop: RunningBot) -> None:
    """It read «Оформлен 25 нояб. 2026 г., 09:00:00 · для Анна»: a name cannot follow «для»
    undeclined, and no one reads seconds on paper."""
    code = await russian_order(shop, 406, {"85123A": 1})
    await picked(shop, code)
    packer = await hire(shop, 407, "Ольга", "packer", "LON", language="ru")
    await packer.send(f"/pack {code}")
    boxes = await packer.send("85123A")
    assert boxes.last.text.endswith("Подтвердите или выберите другую коробку для всего заказа.")  # not «для всего»
    weighed = await packer.press((await packer.press(boxes.last, "Как предложено")).last, "оценку")
    slip = (await packer.press(weighed.last, "Упаковочный лист")).last.file
    assert slip is not None
    assert "Оформлен 25 нояб. 2026\u202fг., 09:00 · покупатель: Анна\n" in pdf_text(slip.content)
    assert re.search(r"\nУпаковано: коробка S · [\d\u00a0]+ г\n", pdf_text(slip.content))  # the parcel's box


async def test_a_stale_short_pick_button_of_a_line_already_picked_reports_no_shortage(shop: RunningBot) -> None:
    """The Short pick button of a step already scanned reported the shortage on the line the
    round was at by then: «0» put a line nobody looked at short and the order on hold."""
    code = await russian_order(shop, 408, {"22197": 1, "85123A": 2})
    picker = await hire(shop, 409, "Пётр", "picker", "LON", language="ru")
    first = await picker.press((await picker.send("/pick")).last, "Один заказ")
    assert "1 × 22197" in first.last.text
    second = await picker.send("22197")
    assert "2 × 85123A" in second.last.text
    stale = await picker.press(first.last, "Недостача")
    assert stale.callback_answer == {
        "text": "Эта строка уже собрана: кнопки — у последнего шага обхода.",
        "show_alert": True,
    }
    assert stale.new == []  # no question asked
    assert "Нужен 85123A" in (await picker.send("0")).last.text  # no count awaited: "0" is a scan
    assert await status(shop, code) == "picking"
    await pick_everything(picker, second)
    assert await status(shop, code) == "picked"


async def test_a_size_exchange_asks_for_the_item_by_its_name_not_its_button(shop: RunningBot) -> None:
    """It asked «На какой вариант обменять TEE-M-NVY Organic cotton T-shirt (M / Navy) (≤ 2) ·
    📦 1 TRTEE?»: the line's button, with its limit and parcel, in a sentence."""
    await tshirts(shop)
    code = await russian_order(shop, 410, {"TEE-M-NVY": 2})
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    customer = SandboxUser(shop.server, 410, "Анна", language_code="ru")
    lines = await customer.press((await customer.send(f"/track {code}")).last, "Обменять")
    assert lines.last.text == "Какие товары обменять? Нажмите на каждый; можно выбрать несколько."  # not «вернуть»
    await customer.press(lines.last, "(M / Navy)")  # the list becomes "How many?" in place (1794e77c)
    chosen = await customer.send("1")
    asked = await customer.press(chosen.last, "Далее")
    assert asked.last.text == "На какой вариант обменять TEE-M-NVY Organic cotton T-shirt (M / Navy)?"


async def test_a_short_pick_reads_in_russian_to_the_customer_and_in_the_order_s_history_and_stock(
    shop: RunningBot,
) -> None:
    """The customer's «приостановлен» message went on «short pick: 21212», and /order and
    /stock showed the reasons in English."""
    code = await russian_order(shop, 411, {"21212": 2})  # all of it in one bin, B-02-08-2
    picker = await hire(shop, 412, "Пётр", "picker", "LON", language="ru")
    step = await picker.press((await picker.send("/pick")).last, "Один заказ")
    await picker.press(step.last, "Недостача")
    await picker.send("1")
    assert await status(shop, code) == "on_hold"
    await shop.runtime.notifier.drain()
    told = next(m.text for m in shop.server.chat_messages(411) if "приостановлен" in m.text)
    assert told.splitlines()[1] == "недостача при сборке: 21212"
    manager = await hire(shop, 413, "Мария", "manager", "LON", language="ru")
    history = (await manager.send(f"/order {code}")).last.text
    assert "— приостановлен — Пётр (недостача при сборке: 21212)" in history
    movements = (await manager.send("/stock 21212")).last.text
    assert f"недостача при сборке {code}" in movements and "short pick" not in movements


async def test_packing_or_shipping_too_early_quotes_the_status_in_russian(shop: RunningBot) -> None:
    """«Заказ … в статусе подтверждён, готовится: …» read as a broken sentence; the status,
    a phrase of its own, is quoted."""
    code = await russian_order(shop, 414, {"85123A": 1})
    packer = await hire(shop, 415, "Ольга", "packer", "LON", language="ru")
    assert (await packer.send(f"/pack {code}")).last.text == (
        f"Заказ {code} в статусе «подтверждён, готовится»: упаковать можно только собранный заказ."
    )
    assert (await packer.send(f"/ship {code} DPD 123456")).last.text == (
        f"Заказ {code} в статусе «подтверждён, готовится»: отгрузить можно только упакованный заказ."
    )


async def test_order_history_and_stock_movements_name_the_staff_who_acted(shop: RunningBot) -> None:
    """They read «staff:412»; the product's history already named people."""
    code = await russian_order(shop, 416, {"85123A": 1})
    await picked(shop, code)  # by Пётр
    manager = await hire(shop, 417, "Мария", "manager", "LON", language="ru")
    history = (await manager.send(f"/order {code}")).last.text
    assert "— собирается — Пётр" in history and "staff:" not in history
    await manager.send("/move 85123A 1 B-06-06-3 A-01-02-1 LON new")
    movements = (await manager.send("/stock 85123A")).last.text
    assert "перемещение B-06-06-3 → A-01-02-1 · Мария" in movements and "staff:" not in movements


async def test_a_russian_packer_types_the_weight_as_the_bot_writes_it(shop: RunningBot) -> None:
    """«1 250 г» (grouped, the Cyrillic unit, as the bot shows weights) and «1,25 кг» were
    refused as not a whole number of grams."""
    for customer_id, typed in ((418, "1\xa0250 г"), (419, "1,25 кг")):
        code = await russian_order(shop, customer_id, {"85123A": 1})
        await picked(shop, code)
        packer = await hire(shop, customer_id + 100, "Ольга", "packer", "LON", language="ru")
        await packer.send(f"/pack {code}")
        await packer.press((await packer.send("85123A")).last, "Как предложено")
        packed = await packer.send(typed)
        assert packed.last.text.startswith(f"📦 Заказ {code} упакован: S 1\xa0250 г"), packed.last.text
    code = await russian_order(shop, 420, {"85123A": 1})
    await picked(shop, code)
    packer = await hire(shop, 520, "Ольга", "packer", "LON", language="ru")
    await packer.send(f"/pack {code}")
    await packer.press((await packer.send("85123A")).last, "Как предложено")
    for wrong in ("тяжёлая", "0 г", "1,5 г", "200 кг"):
        assert (await packer.send(wrong)).last.text == "Вес — целое число граммов от 1 до 100000."
    assert await status(shop, code) == "picked"


async def test_a_purchase_order_reads_its_unit_costs_in_russian(shop: RunningBot) -> None:
    """«84077 × 42 @ 0,25 £»: the «@» is English shorthand; and «ожидается …» stood alone."""
    drafted = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    manager = await hire(shop, 421, "Мария", "manager", "MAN", language="ru")
    draft = (await manager.send(f"/po {drafted[0].id}")).last
    assert "• 84077 × 42 по 0,25\xa0£" in draft.text.splitlines() and "• 22616 × 30 по 0,40\xa0£" in draft.text
    await manager.press(draft, "Утвердить")
    shown = (await manager.send(f"/po {drafted[0].id}")).last.text.splitlines()
    assert "Итого: 22,50\xa0£ · ожидается 30 нояб. 2026\u202fг." in shown


async def test_a_stock_count_file_s_summary_names_its_kind_in_russian(shop: RunningBot) -> None:
    """It began «stock: создано 0, …»: the file's kind as typed, in English."""
    manager = await hire(shop, 422, "Мария", "manager", "LON", language="ru")
    counted = b"sku,warehouse,bin,quantity\n85123A,LON,B-06-06-3,796\n"
    done = await manager.send_document(counted, "stock.csv", "/import")
    assert done.last.text == "Остатки (stock): задано ячеек — 1, без изменений — 0; в ячейках файла единиц: 796."


async def test_a_long_name_on_a_packing_slip_and_a_receipt_is_cut_between_words(shop: RunningBot) -> None:
    """«Набор бумажных формочек для кексов, 72 шту» and «…72 штуки в упа»: the papers cut a long
    name wherever its room ended; now between words, with «…»."""
    await name_in_russian(shop, "21212", "Набор бумажных формочек для кексов, 72 штуки в упаковке")
    code = await russian_order(shop, 416, {"21212": 1})
    await picked(shop, code)
    packer = await hire(shop, 417, "Ольга", "packer", "LON", language="ru")
    await packer.send(f"/pack {code}")
    boxes = await packer.send("21212")
    weighed = await packer.press((await packer.press(boxes.last, "Как предложено")).last, "оценку")
    slip = (await packer.press(weighed.last, "Упаковочный лист")).last.file
    assert slip is not None
    assert "\nНабор бумажных формочек для кексов, 72…\n" in pdf_text(slip.content)
    customer = SandboxUser(shop.server, 416, "Анна", language_code="ru")
    receipt = (await customer.send(f"/receipt {code}")).last.file
    assert receipt is not None
    assert "21212  Набор бумажных формочек для кексов, 72 штуки в…\n" in pdf_text(receipt.content)


async def test_a_wave_or_zone_round_names_its_method_once(shop: RunningBot) -> None:
    """A wave round was headed «Обход 1 · волна · волна 1 · LON» ("wave · wave 1"), a zone
    round «зона · зона A»: the method said twice."""
    await russian_order(shop, 410, {"22197": 1})
    picker = await hire(shop, 411, "Пётр", "picker", "LON", language="ru")
    wave = await picker.press((await picker.send("/pick")).last, "Волна")
    assert wave.last.text.splitlines()[0] == "Обход 1 · волна 1 · LON"
    await pick_everything(picker, wave)
    await russian_order(shop, 412, {"22197": 1})
    zones = await picker.press((await picker.send("/pick")).last, "Моя зона")
    zone = await picker.press(zones.last, "A")
    assert zone.last.text.splitlines()[0] == "Обход 2 · зона A · LON"
