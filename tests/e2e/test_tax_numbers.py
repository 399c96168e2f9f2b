"""Tax numbers on invoices: the shop's own (a setting) and a business customer's (kept on the customer by a
manager) are printed on the invoice PDF, as EU/UK VAT invoices and Russian ones (ИНН) need; what is not a tax
number is refused, saying so, and changes nothing.

Demo data used: 85123A at £2.95, 806 in LON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import delete, select, update

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "set": "Café Lyon's tax number is now FR 12 345678901; invoices print it.",
        "bad": "“<b>1</b>” does not look like a tax number: 4 to 32 Latin letters, digits, spaces, dots, dashes or "
        "slashes, at least 4 of them digits. Nothing was changed.",
        "profile": "🧾 Tax number: FR 12 345678901",
        "cleared": "Café Lyon has no tax number now; invoices print none.",
        "shop": "VAT / tax number: GB 123 4567 89",
        "buyer": "Customer's VAT / tax number: FR 12 345678901",
        "receipt": "🧾 Invoice (PDF)",
    },
    "ru": {
        "set": "Налоговый номер Café Lyon теперь FR 12 345678901; он печатается в счетах.",
        "bad": "«<b>1</b>» не похоже на налоговый номер: от 4 до 32 латинских букв, цифр, пробелов, точек, "
        "дефисов или косых черт, из них хотя бы 4 цифры. Ничего не изменено.",
        "profile": "🧾 Налоговый номер (ИНН, VAT): FR 12 345678901",
        "cleared": "У Café Lyon теперь нет налогового номера; в счетах его не будет.",
        "shop": "ИНН / налоговый номер продавца: GB 123 4567 89",
        "buyer": "ИНН / налоговый номер покупателя: FR 12 345678901",
        "receipt": "🧾 Счёт (PDF)",
    },
}


async def tax_number(shop: RunningBot, telegram_id: int) -> str | None:
    number = await scalar(shop, select(m.CustomerRow.tax_number).where(m.CustomerRow.telegram_id == telegram_id))
    assert number is None or isinstance(number, str)
    return number


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_prints_the_shops_and_the_business_customers_tax_numbers(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    admin = await hire(shop, 800, "Ada", "admin", language=language)
    assert (await admin.send("/settings tax_number <b>1</b>")).last.text == words["bad"]  # escaped, read as typed
    saved = await admin.send("/settings tax_number  gb 123  4567 89 ")
    assert "GB 123 4567 89" in saved.last.text, saved.last.text
    buyer = await business_customer(shop, 801, "Café Lyon", language)
    manager = await hire(shop, 802, "Mia", "manager", language=language)
    assert (await manager.send("/customer 801 tax <b>1</b>")).last.text == words["bad"]
    assert await tax_number(shop, 801) is None
    assert (await manager.send("/customer 801 tax fr 12 345678901")).last.text == words["set"]
    assert await tax_number(shop, 801) == "FR 12 345678901"
    assert words["profile"] in (await manager.send("/customer 801")).last.text

    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    document = await invoice_document(buyer, code, words["receipt"])
    assert words["shop"] in document and words["buyer"] in document, document

    assert (await manager.send("/customer 801 tax -")).last.text == words["cleared"]
    assert await tax_number(shop, 801) is None
    document = await invoice_document(buyer, code, words["receipt"])  # as the order was placed
    assert words["shop"] in document and words["buyer"] in document, document
    later = order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    document = await invoice_document(buyer, later, words["receipt"])
    assert words["shop"] in document and words["buyer"] not in document, document


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_prints_the_tax_numbers_its_order_was_placed_with(shop: RunningBot, language: str) -> None:
    """The buyer's accountant reclaims the tax against the numbers of the day: a later change, theirs or the
    shop's, does not rewrite an invoice already issued. Orders placed before numbers were kept print today's."""
    words = WORDS[language]
    admin = await hire(shop, 805, "Ada", "admin", language=language)
    await admin.send("/settings tax_number GB 123 4567 89")
    buyer = await business_customer(shop, 806, "Café Lyon", language)
    manager = await hire(shop, 807, "Mia", "manager", language=language)
    await manager.send("/customer 806 tax FR 12 345678901")
    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    snapshot = select(m.OrderRow.buyer_tax_number, m.OrderRow.seller_tax_number).where(m.OrderRow.code == code)
    async with shop.runtime.sessions() as session:
        assert tuple((await session.execute(snapshot)).one()) == ("FR 12 345678901", "GB 123 4567 89")

    await manager.send("/customer 806 tax FR 98 765432109")  # the chain moved its seat
    await admin.send("/settings tax_number GB 999 8888 77")
    document = await invoice_document(buyer, code, words["receipt"])
    assert words["shop"] in document and words["buyer"] in document, document
    assert "FR 98 765432109" not in document and "GB 999 8888 77" not in document, document

    async with shop.runtime.sessions() as session, session.begin():  # as if placed before the snapshot was kept
        await session.execute(
            update(m.OrderRow).where(m.OrderRow.code == code).values(buyer_tax_number=None, seller_tax_number=None)
        )
        order_id = select(m.OrderRow.id).where(m.OrderRow.code == code).scalar_subquery()
        await session.execute(delete(m.IssuedInvoiceRow).where(m.IssuedInvoiceRow.order_id == order_id))  # and 0066
    document = await invoice_document(buyer, code, words["receipt"])
    assert words["shop"].replace("GB 123 4567 89", "GB 999 8888 77") in document, document
    assert words["buyer"].replace("FR 12 345678901", "FR 98 765432109") in document, document


AT_ZERO = {
    "en": "⚠️ TAX_RATE is 0: invoices print this number but show 0 % VAT until TAX_RATE is set to the VAT rate "
    "included in your prices, in the bot's settings file .env (or its environment), e.g. TAX_RATE=20, and the bot "
    "restarted.",
    "ru": "⚠️ TAX_RATE равен 0: счета печатают этот номер, но НДС в них 0 %, пока в TAX_RATE не указана ставка НДС, "
    "включённая в ваши цены, — в файле настроек бота .env (или в его окружении), например TAX_RATE=20, — и бот не "
    "перезапущен.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_admin_setting_the_shops_tax_number_at_tax_rate_0_is_told_invoices_show_no_vat(
    shop: RunningBot, language: str
) -> None:
    admin = await hire(shop, 820, "Ada", "admin", language=language)
    saved = (await admin.send("/settings tax_number GB 123 4567 89")).last.text
    assert "GB 123 4567 89" in saved and saved.endswith(AT_ZERO[language]), saved
    assert AT_ZERO[language] not in (await admin.send("/settings tax_number -")).last.text  # no number: no VAT to show
    assert AT_ZERO[language] not in (await admin.send("/settings name Corner Books")).last.text


async def test_an_admin_setting_the_shops_tax_number_with_a_tax_rate_is_not_warned(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        admin = await hire(shop, 821, "Ada", "admin")
        saved = (await admin.send("/settings tax_number GB 123 4567 89")).last.text
    assert "GB 123 4567 89" in saved and "TAX_RATE" not in saved, saved


async def test_support_cannot_set_a_customers_tax_number(shop: RunningBot) -> None:
    await business_customer(shop, 803, "Café Lyon")
    support = await hire(shop, 804, "Sue", "support")
    refused = await support.send("/customer 803 tax FR12345678901")
    assert refused.last.text == "Your role (support) does not allow this."
    assert await tax_number(shop, 803) is None


OWN = {
    "en": {
        "none": "You have no tax number yet. Type /taxnumber and your VAT number or ИНН (e.g. /taxnumber GB 123 4567 "
        "89): the invoices of orders you place from then on print it.",
        "set": "Your tax number is now FR 12 345678901: the invoices of orders you place from now on print it. To "
        "remove it: /taxnumber -",
        "shown": "Your tax number: FR 12 345678901. To change it: /taxnumber NUMBER; to remove it: /taxnumber -",
        "cleared": "You have no tax number now: the invoices of orders you place from now on print none.",
        "help": "/taxnumber — for a business: your VAT number or ИНН, printed on your invoices",
    },
    "ru": {
        "none": "Налоговый номер у вас ещё не указан. Отправьте /taxnumber и ваш ИНН или номер плательщика НДС "
        "(например, /taxnumber 7707083893): он будет в счетах заказов, оформленных после этого.",
        "set": "Ваш налоговый номер теперь FR 12 345678901: он будет в счетах заказов, оформленных с этого момента. "
        "Убрать его: /taxnumber -",
        "shown": "Ваш налоговый номер: FR 12 345678901. Изменить: /taxnumber НОМЕР; убрать: /taxnumber -",
        "cleared": "Налоговый номер убран: в счетах заказов, оформленных с этого момента, его не будет.",
        "help": "/taxnumber — для организаций: ваш ИНН или номер плательщика НДС для счетов",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_buyer_keeps_their_own_tax_number_checked_as_staff_input_is(shop: RunningBot, language: str) -> None:
    words, own = WORDS[language], OWN[language]
    buyer = await business_customer(shop, 808, "Café Lyon", language)
    assert own["help"] in (await buyer.send("/help")).last.text
    assert (await buyer.send("/taxnumber")).last.text == own["none"]
    assert (await buyer.send("/taxnumber <b>1</b>")).last.text == words["bad"]  # escaped, read as typed
    assert await tax_number(shop, 808) is None
    assert (await buyer.send("/taxnumber  fr 12  345678901")).last.text == own["set"]
    assert await tax_number(shop, 808) == "FR 12 345678901"
    assert (await buyer.send("/taxnumber")).last.text == own["shown"]
    code = order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    assert words["buyer"] in await invoice_document(buyer, code, words["receipt"])

    assert (await buyer.send("/taxnumber -")).last.text == own["cleared"]
    assert await tax_number(shop, 808) is None
    assert words["buyer"] in await invoice_document(buyer, code, words["receipt"])  # placed with it


async def test_staff_set_a_tax_number_only_after_the_word_tax_not_a_word_containing_it(shop: RunningBot) -> None:
    """``/customer … tax`` is a word: "taxes" or "@taxi" is part of who is meant, and a number may hold TAX."""
    await business_customer(shop, 809, "Café Lyon")
    manager = await hire(shop, 810, "Mia", "manager")
    typed_by_staff = ("/customer 809 taxes FR 12 345678901", "/customer @taxi FR 123456789", "/customer 809 syntax 1")
    for typed in typed_by_staff:
        reply = (await manager.send(typed)).last.text
        assert "tax number" not in reply and "Usage: /customer CUSTOMER tax" not in reply, (typed, reply)
    assert await tax_number(shop, 809) is None
    assert (await manager.send("/customer 809 TAX tax 1234 5678")).last.text == (
        "Café Lyon's tax number is now TAX 1234 5678; invoices print it."
    )
    assert await tax_number(shop, 809) == "TAX 1234 5678"


STATEMENT = {
    "en": "🧾 Your tax number: FR 12 345678901 · ours: GB 123 4567 89",
    "ru": "🧾 Ваш налоговый номер: FR 12 345678901 · наш: GB 123 4567 89",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_statement_and_the_api_name_the_tax_numbers(
    shop: RunningBot, api: tuple[TestClient[Any, Any], dict[str, str]], language: str
) -> None:
    """The buyer's accountant matches the statement and the ERP's copy of each order against the invoices."""
    client, auth = api
    admin = await hire(shop, 811, "Ada", "admin", language=language)
    await admin.send("/settings tax_number GB 123 4567 89")
    buyer = await business_customer(shop, 812, "Café Lyon", language)
    await buyer.send("/taxnumber FR 12 345678901")
    order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    assert STATEMENT[language] in (await buyer.send("/statement")).last.text

    body = {
        "customer": {"name": "Café Lyon", "telegram_id": 812},
        "lines": [{"sku": "85123A", "quantity": 1}],
        "currency": "GBP",
        "payment": "invoice",
        "address": "1 Rue de Lyon, London SW1A 2AA",
        "reference": "PO-77",
    }
    placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "tax-1"})
    code = (await placed.json())["code"]
    await buyer.send("/taxnumber FR 98 765432109")
    shown = await (await client.get(f"/api/v1/orders/{code}", headers=auth)).json()
    assert (shown["buyer_tax_number"], shown["seller_tax_number"]) == ("FR 12 345678901", "GB 123 4567 89"), shown
    async with shop.runtime.sessions() as session, session.begin():  # placed before numbers were kept
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == code).values(buyer_tax_number=None))
    shown = await (await client.get(f"/api/v1/orders/{code}", headers=auth)).json()
    assert shown["buyer_tax_number"] == "FR 98 765432109"
