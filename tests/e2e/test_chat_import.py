"""Staff import set-up files in chat: a CSV with the caption /import KIND, answered in their language."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.types import Update
from babel.dates import format_date
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.imports.stock import history_start
from handlers.views.dates import dates_locale
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.catalog_admin_web import upload
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import count
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

SHEETS = Path(__file__).parent.parent / "fixtures" / "spreadsheets"


async def test_an_admin_imports_excel_products_and_a_sheets_stock_file_in_chat(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    products = (SHEETS / "products-excel.csv").read_bytes()
    reply = await admin.send_document(products, "catalog.csv", caption="/import products")
    assert reply.last.text == "products: 3 created, 0 updated, 0 unchanged."
    reply = await admin.send_document((SHEETS / "stock-sheets.tsv").read_bytes(), "stock.tsv", caption="/import")
    assert reply.last.text == "stock: 2 bins set, 1 unchanged; units in the file's bins: 43."
    reply = await admin.send_document(products, "products.csv", caption="/import")  # the kind from the file name
    assert reply.last.text == "products: 0 created, 0 updated, 3 unchanged."
    typo = b"code,name,adress\nLEE,Leeds,1 Road\n"
    reply = await admin.send_document(typo, "warehouses.csv", caption="/import")
    assert reply.last.text == (
        "warehouses: 1 created, 0 updated, 0 unchanged. Column(s) ignored, not part of the format: adress."
    )
    card = await admin.send("/stock XL-2")
    assert "Picnic hamper" in card.text and "3" in card.text


async def test_a_windows_1251_file_is_read_and_named_and_bad_rows_come_back_in_russian(shop: RunningBot) -> None:
    await hire(shop, 801, "Olga", "manager")
    olga = SandboxUser(shop.server, 801, "Olga", language_code="ru")
    await olga.send("/language ru")
    reply = await olga.send_document(
        (SHEETS / "products-cp1251.csv").read_bytes(), "товары.csv", caption="/import products"
    )
    assert reply.last.text == (
        "Товары (products): создано 2, изменено 0, без изменений 0. 2 товара с ценой только в RUB — магазин эту"
        " валюту не принимает (принимает GBP): купить их нельзя, пока вы не зададите курс через /fx."
        " Прочитан в кодировке Windows-1251."
    )
    bad = "sku;warehouse;bin;quantity\r\nRU-1;MSK;;5\r\nNOPE;LON;;x\r\n".encode("utf-8-sig")
    reply = await olga.send_document(bad, "остатки <1>.csv", caption="/import stock")
    assert reply.last.text.splitlines() == [  # every bad line in one reply, the missing warehouse too
        "Ничего не загружено: ошибки в 2 строках.",
        "остатки <1>.csv:2: склада MSK нет — сначала загрузите склады (warehouses)",
        "остатки <1>.csv:3: quantity: нужно целое число, а указано «x»",
    ]


@pytest.mark.parametrize(
    ("timezone", "language", "ignored"),
    [
        ("Europe/London", "en", "2 rows before 25 Nov 2024 ignored: forecasts keep 104 weeks."),  # en_GB
        ("Europe/London", "ru", "2 строки до 25 нояб. 2024\u202fг. пропущены: прогноз хранит 104 недели."),
        ("America/New_York", "en", "2 rows before Nov 25, 2024 ignored: forecasts keep 104 weeks."),
    ],
)
async def test_the_import_summarys_first_kept_day_reads_as_the_shops_country_writes_the_readers_language(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str, ignored: str
) -> None:
    """A London shop's import summary read "before Nov 25, 2024", the US's way, in chat and on the Mini App's page."""
    today = clock.now().date()
    rows = "sku,warehouse,date,quantity\n22197,LON,2001-01-02,4\n22197,LON,2001-01-03,4\n"
    rows += f"22197,LON,{today - timedelta(days=14)},3\n"
    async with staff_shop(tmp_path, clock, timezone=timezone) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
        if language == "ru":  # an admin's chosen language, as a customer's
            await admin.press((await admin.send("/language")).last, "Русский")
        reply = await admin.send_document(rows.encode(), "demand.csv", caption="/import")
        assert reply.last.text.endswith(" " + ignored)
        async with miniapp(shop) as client:
            done = await client.post(
                "/app/api/catalog/import",
                data=upload("demand.csv", rows.encode(), "file", kind="demand"),
                headers=tma(shop, ADMIN, language=language),
            )
            assert done.status == 200
            assert (await done.json())["summary"].endswith(" " + ignored)


async def test_demand_older_than_the_kept_history_is_counted_in_the_readers_date_format(shop: RunningBot) -> None:
    today = shop.runtime.clock.now().date()
    rows = "sku,warehouse,date,quantity\n22197,LON,2001-01-02,4\n22197,LON,2001-01-03,4\n"
    rows += f"22197,LON,{today - timedelta(days=14)},3\n"
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    reply = await admin.send_document(rows.encode(), "demand.csv", caption="/import")
    start, zone = history_start(today), shop.runtime.settings.timezone
    day = {language: format_date(start, "medium", locale=dates_locale(language, zone)) for language in ("en", "ru")}
    assert reply.last.text == (
        f"demand: 1 created, 0 updated, 0 unchanged. 2 rows before {day['en']} ignored: forecasts keep 104 weeks."
    )
    await hire(shop, 804, "Olga", "manager")
    olga = SandboxUser(shop.server, 804, "Olga", language_code="ru")
    await olga.send("/language ru")
    reply = await olga.send_document(rows.encode(), "demand.csv", caption="/import")
    assert f"2 строки до {day['ru']} пропущены" in reply.last.text, reply.last.text


async def test_a_picker_may_not_import_and_a_customer_is_not_told_how(shop: RunningBot) -> None:
    picker = await hire(shop, 802, "Pat", "picker")
    reply = await picker.send_document(b"code,name\nX,Y\n", "warehouses.csv", caption="/import warehouses")
    assert reply.last.text == "Your role (picker) does not allow this."
    customer = SandboxUser(shop.server, 803, "Carl")
    reply = await customer.send_document(b"code,name\nX,Y\n", "warehouses.csv", caption="/import warehouses")
    assert reply.last.text == "This command is for shop staff only."
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert (await admin.send("/import")).last.text.startswith("Send a CSV file with the caption /import KIND")
    reply = await admin.send_document(b"PK\x03\x04 zip", "products.xlsx", caption="/import products")
    assert reply.last.text.splitlines()[1] == (
        "products.xlsx:1: This is not a text file in UTF-8 or Windows-1251: an Excel workbook (.xlsx), not CSV."
        " Save it as “CSV UTF-8” and import it again."
    )


async def test_a_products_file_refuses_a_name_or_description_longer_than_chat_takes_naming_the_lines_in_russian(
    shop: RunningBot,
) -> None:
    await hire(shop, 802, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 802, "Olga", language_code="ru")
    long = (
        "sku,name,category,price,currency,description,description_ru\n"
        f"LONG-1,{'N' * 257},Lighting,1.00,GBP,,\n"  # /product refuses it: "A name has 1 to 256 characters."
        f"LONG-2,Lamp,Lighting,1.00,GBP,{'D' * 3001},\n"  # and this: "Up to 3000 characters"
        f"LONG-3,Lamp,Lighting,1.00,GBP,,{'Ж' * 3001}\n"
        "LONG-4,Lamp,Lighting,1.00,GBP,Fine,Хорошо\n"
    )
    reply = await olga.send_document(long.encode(), "products.csv", caption="/import")
    assert reply.last.text.splitlines() == [
        "Ничего не загружено: ошибки в 3 строках.",
        "products.csv:2: name: больше 256 символов",
        "products.csv:3: description: больше 3000 символов",
        "products.csv:4: description_ru: больше 3000 символов",
    ]
    customer = SandboxUser(shop.server, 803, "Bob")
    assert (await customer.send("/start p_LONG-4")).last.text == "Nothing was found."  # all or nothing


async def test_a_price_list_in_a_currency_the_shop_does_not_take_is_refused_naming_the_line_in_russian(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx EUR 1.17")
    await hire(shop, 805, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 805, "Olga", language_code="ru")
    prices = (
        "group;target;currency;price;percent;from\r\n"
        "wholesale;85123A;GBP;2,50;;\r\n"
        "wholesale;85123A;EUR;2,90;;\r\n"
        "wholesale;85123A;USD;3,10;;\r\n"  # no rate: no customer could ever pay it
        "wholesale;22197;rub;;5;10\r\n"
    ).encode("utf-8-sig")
    reply = await olga.send_document(prices, "prices.csv", caption="/import")
    assert reply.last.text.splitlines() == [
        "Ничего не загружено: ошибки в 2 строках.",
        "prices.csv:4: currency: магазин не принимает USD (принимает GBP, EUR) — сначала задайте курс через /fx",
        "prices.csv:5: currency: магазин не принимает RUB (принимает GBP, EUR) — сначала задайте курс через /fx",
    ]
    assert (await admin.send("/pricelist")).last.text.startswith("Price lists\nNo price rules yet.")
    fixed = prices.replace(b"USD", b"GBP").replace(b"85123A;GBP;2,50", b"22197;GBP;0,90").replace(b"rub", b"EUR")
    reply = await admin.send_document(fixed, "prices.csv", caption="/import")
    assert reply.last.text == "prices: 4 created, 0 updated, 0 unchanged."


async def test_a_bad_amount_currency_or_backorder_cell_is_named_by_its_column_in_russian(shop: RunningBot) -> None:
    await hire(shop, 806, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 806, "Olga", language_code="ru")
    products = (
        "sku;name;category;price;currency;cost;price_USD;backorder\r\n"
        "COL-1;Лампа;Lighting;12,5x;GBP;1,234;1e3;maybe\r\n"  # which of four numbers is wrong?
        "COL-2;Кружка;Kitchen;3,00;РУБ;1,00;;\r\n"
    ).encode("cp1251")
    reply = await olga.send_document(products, "products.csv", caption="/import")
    assert reply.last.text.splitlines() == [
        "Ничего не загружено: ошибки в 2 строках.",
        "products.csv:2: backorder: Напишите: on, on ЛИМИТ, preorder ГГГГ-ММ-ДД, preorder ГГГГ-ММ-ДД ЛИМИТ или off.",
        "products.csv:2: cost: 1,234 — неверная сумма в GBP.",
        "products.csv:2: price: 12,5x — неверная сумма в GBP.",
        "products.csv:2: price_USD: 1e3: напишите сумму цифрами, например 12,50, без экспоненты.",
        "products.csv:3: currency: Неизвестный код валюты: РУБ.",
    ]
    customer = SandboxUser(shop.server, 807, "Bob")
    assert (await customer.send("/start p_COL-2")).last.text == "Nothing was found."


async def test_products_priced_only_in_a_currency_the_shop_does_not_take_are_named_in_the_summary(
    shop: RunningBot,
) -> None:
    """Allowed (a rate may come later), but not in silence: no customer can buy them until then."""
    products = (
        b"sku,name,category,price,currency,price_EUR\n"
        b"USD-1,Lamp,Lighting,12.00,USD,\n"
        b"USD-2,Mug,Kitchen,3.00,usd,\n"
        b"EUR-1,Vase,Kitchen,9.00,GBP,10.00\n"  # sold in pounds: taken
    )
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    reply = await admin.send_document(products, "products.csv", caption="/import")
    assert reply.last.text == (
        "products: 3 created, 0 updated, 0 unchanged. 2 products are priced only in USD, which the shop does not"
        " take (it takes GBP): no customer can buy them until you set a rate with /fx."
    )
    await hire(shop, 808, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 808, "Olga", language_code="ru")
    reply = await olga.send_document(products, "products.csv", caption="/import")
    assert reply.last.text == (
        "Товары (products): создано 0, изменено 0, без изменений 3. 2 товара с ценой только в USD — магазин"
        " эту валюту не принимает (принимает GBP): купить их нельзя, пока вы не зададите курс через /fx."
    )
    await admin.send("/fx USD 1.27")
    reply = await admin.send_document(products, "products.csv", caption="/import")
    assert reply.last.text == "products: 0 created, 0 updated, 3 unchanged."


async def test_an_old_excel_workbook_from_1c_is_named_as_such_in_russian(shop: RunningBot) -> None:
    await hire(shop, 809, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 809, "Olga", language_code="ru")
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Номенклатура".encode("utf-16-le")  # OLE2, as 1C saves
    reply = await olga.send_document(xls, "Номенклатура.xls", caption="/import products")
    assert reply.last.text.splitlines()[1] == (
        "Номенклатура.xls:1: Это не текстовый файл в UTF-8 или Windows-1251: это книга Excel 97–2003 (.xls),"
        " а не CSV. Сохраните его как «CSV UTF-8» и загрузите снова."
    )


async def test_a_file_over_telegrams_download_limit_is_answered_with_the_command_that_imports_it(
    shop: RunningBot,
) -> None:
    """Bots may download files up to 20 MB; the bot says what to do before trying, in Russian too."""
    await hire(shop, 810, "Olga", "manager", language="ru")
    olga = SandboxUser(shop.server, 810, "Olga", language_code="ru")
    header = b"sku,warehouse,bin,quantity\n"
    huge = header + b"85123A,LON,A-01-01-1,1\n" * (22 * 1024 * 1024 // 23)  # 22 MB of stock counts
    reply = await olga.send_document(huge, "stock.csv", caption="/import")
    assert reply.last.text == "Файл больше 10 МБ: загрузите его командой ordergram import."
    assert [c.method for c in shop.server.calls if c.method == "getFile"] == []


def _big_products_file(rows: int) -> bytes:
    lines = ["sku,name,category,price,currency"]
    lines += [f"BIG{i:06d},Big thing {i},Bulk/Shelf {i % 7},{1 + i % 97}.{i % 100:02d},GBP" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def test_customers_are_answered_while_a_big_file_imports_and_the_import_holds_its_update_till_done(
    shop: RunningBot,
) -> None:
    """The harness handles updates one at a time; a customer's /start is handed to the
    dispatcher beside the import in progress, as polling does with different people's
    updates: it is answered before the import's result, and the import's own update is
    still in hand (not marked handled) until its result is sent."""
    warehouses = await count(shop, m.WarehouseRow)
    carl = SandboxUser(shop.server, 805, "Carl", wait=False)
    admin = SandboxUser(shop.server, ADMIN, "Ada", wait=False)
    importing = shop.server.next_activity(ADMIN)
    sending = asyncio.create_task(admin.send_document(_big_products_file(10_000), "products.csv", caption="/import"))
    await asyncio.wait_for(importing, 60)  # "Importing products.csv…": the handler is in the import now
    update = Update.model_validate(
        {
            "update_id": 10**9,
            "message": {
                "message_id": 10**6,
                "date": int(shop.runtime.clock.now().timestamp()),
                "chat": {"id": carl.id, "type": "private", "first_name": "Carl"},
                "from": carl.user,
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        },
        context={"bot": shop.runtime.bot},
    )
    await shop.runtime.dp.handle_recorded(shop.runtime.bot, update)
    await shop.runtime.dp.flush_marks()  # what was handled so far is marked so
    summary = "products: 10,000 created, 0 updated, 0 unchanged."
    assert summary not in [message.text for message in shop.server.messages.values()]  # still importing
    async with shop.runtime.sessions() as session:
        in_hand = await session.scalar(
            select(func.count()).select_from(m.UpdateInboxRow).where(m.UpdateInboxRow.handled_at.is_(None))
        )
    assert in_hand == 1  # the file's update: a stop now would replay it, and the sender would hear
    await sending
    answered = await SandboxUser(shop.server, ADMIN, "Ada").send("/whoami")  # after the import's update
    sent = [message for message in shop.server.messages.values() if message.chat_id in (ADMIN, 805)]
    texts = [message.text for message in sent]
    assert "Importing products.csv… The result will follow here." in texts
    done = texts.index(summary)
    greeted = next(i for i, message in enumerate(sent) if message.chat_id == 805)
    assert texts[greeted].startswith("Hello, Carl!")
    assert greeted < done  # the customer did not wait for the import
    assert texts.index(answered.last.text) > done  # the sender's next update waited its turn
    assert await count(shop, m.ProductRow) >= 10_000
    assert await count(shop, m.WarehouseRow) == warehouses
