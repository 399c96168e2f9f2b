"""/journal CODE: an accountant asks the books about one order, by its code, its invoice number (INV-…) or a credit
note's (CN-…), and gets that order's entries only; a credit note's entries name its number — in English and Russian."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from domain.returns import ReturnKind
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.exchange_refunds import balanced, lines_of, replacement_of, shoes_on_sale, through
from tests.e2e.jobs import _invoice_order as invoice_of_ten
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.e2e.returns import deliver, delivered
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.short_picks import SKU
from tests.e2e.variants import tshirts

COLUMNS = {
    "en": ("source", "memo", "utf-8", ","),
    "ru": ("источник", "содержание", "utf-8-sig", ";"),
}
SAID = {
    "en": {
        "unknown": "Nothing in the books is called ZZ-404: give an order code, an invoice number (INV-000001), a "
        "credit note number (CN-000001) or a debit note number (DN-000001).",
        "usage": "/journal CODE: one order's entries, named by its code, its invoice (INV-…), a credit note (CN-…) "
        "or a debit note (DN-…).",
        "note": "credit note CN-000001 for order {code}: ",
        "debit": "debit note DN-000001 for order {code}: ",
    },
    "ru": {
        "unknown": "В учёте нет ничего под номером ZZ-404: укажите код заказа, номер счёта (INV-000001), "
        "кредит-ноты (CN-000001) или дебет-ноты (DN-000001).",
        "usage": "/journal КОД: проводки одного заказа — по его коду, номеру счёта (INV-…), кредит-ноты (CN-…) "
        "или дебет-ноты (DN-…).",
        "note": "кредит-нота CN-000001 к заказу {code}: ",
        "debit": "дебет-нота DN-000001 к заказу {code}: ",
    },
}


async def _journal(manager: SandboxUser, language: str, args: str) -> tuple[str, list[dict[str, str]]]:
    sent = (await manager.send(f"/journal {args}")).last
    assert sent.file is not None, sent.text
    _, _, encoding, delimiter = COLUMNS[language]
    rows = list(csv.DictReader(io.StringIO(sent.file.content.decode(encoding)), delimiter=delimiter))
    return sent.file.file_name or "", rows


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_journal_of_one_order_is_found_by_its_code_invoice_or_credit_note_and_lists_its_entries_only(
    shop: RunningBot, language: str
) -> None:
    source, memo, _, _ = COLUMNS[language]
    said = SAID[language]
    _, paid = await _invoice_order(shop, 561, "en", 3)  # INV-000001
    _, cancelled = await _invoice_order(shop, 562, "en", 2)  # INV-000002
    manager = await hire(shop, 563, "Mia", "manager", language=language)
    await manager.send(f"/paid {paid}")
    await manager.send(f"/cancelorder {cancelled}")  # the invoice is cancelled by credit note CN-000001

    for asked, code in ((paid, paid), (paid.lower(), paid), ("INV-000001", paid), ("inv-000002", cancelled)):
        name, rows = await _journal(manager, language, asked)
        assert name == f"journal-{code}.csv" and rows, (asked, name)
        assert {row[source] for row in rows} == {f"order:{code}"}, asked
    _, sold_and_paid = await _journal(manager, language, paid)
    assert len({row[memo] for row in sold_and_paid}) == 2  # the sale, then the payment

    _, credited = await _journal(manager, language, "CN-000001")
    assert {row[source] for row in credited} == {f"order:{cancelled}"}
    noted = [row[memo] for row in credited if said["note"].format(code=cancelled) in row[memo]]
    assert noted, [row[memo] for row in credited]

    refused = (await manager.send("/journal ZZ-404")).last
    assert refused.file is None and refused.text == said["unknown"], refused.text
    usage = (await manager.send("/journal 2026-12-02 2026-12-01")).last.text
    assert said["usage"] in usage, usage


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_return_or_a_cheaper_swap_off_an_unpaid_invoice_books_its_credit_note_by_number(
    shop: RunningBot, language: str
) -> None:
    _, memo, _, _ = COLUMNS[language]
    note = {"en": "credit note {cn} for order {code}: ", "ru": "кредит-нота {cn} к заказу {code}: "}[language]
    returned = await invoice_of_ten(shop, 571)  # 10 × £2.95 on account, unpaid
    await deliver(shop, returned)
    line = (await lines_of(shop, returned))["85123A"][0]
    rma = await through(shop, 571, returned, ReturnKind.REFUND, {line: None}, count=2)  # CN-000001
    await tshirts(shop)
    buyer = await business_customer(shop, 572)
    swapped = order_code(await place_invoice_order(buyer, "TEE-L-NVY", pickup=True))
    await deliver(shop, swapped)
    tee = (await lines_of(shop, swapped))["TEE-L-NVY"][0]
    swap = await through(shop, 572, swapped, ReturnKind.EXCHANGE, {tee: "TEE-M-NVY"})  # CN-000002: £1.00 less
    manager = await hire(shop, 573, "Mia", "manager", language=language)

    for number, code, rma_code in (("CN-000001", returned, rma), ("CN-000002", swapped, swap)):
        _, rows = await _journal(manager, language, number)
        memos = [row[memo] for row in rows if rma_code in row[memo]]
        named = [text for text in memos if text.startswith(note.format(cn=number, code=code))]
        assert len(set(named)) == 1, memos  # the entry taking the invoice down names its document
        assert not [text for text in memos if text.startswith(note.split(" ")[0] + ",")], memos
    assert await balanced(shop)


async def test_an_order_whose_code_reads_as_a_credit_note_number_is_still_found_by_its_code(shop: RunningBot) -> None:
    """Codes are of 23456789BCDFGHJKMNPQRSTVWXYZ: CN234567 is an order's code as well as what CN-234567 is typed
    as. With no credit note of that number, /journal CN234567 found nothing, though the order was there."""
    _, code = await _invoice_order(shop, 581, "en", 3)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == code).values(code="CN234567"))
        moved = update(m.JournalEntryRow).where(m.JournalEntryRow.source == f"order:{code}")
        await session.execute(moved.values(source="order:CN234567"))
    manager = await hire(shop, 583, "Mia", "manager")
    name, rows = await _journal(manager, "en", "CN234567")
    assert name == "journal-CN234567.csv" and {row["source"] for row in rows} == {"order:CN234567"}, rows


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_orders_journal_includes_what_its_exchanges_replacements_booked_such_as_an_exchange_refund(
    shop: RunningBot, language: str
) -> None:
    """Units sent in exchange taken off a replacement are owed back on the order they were paid on, but booked under
    the replacement's source (``order:REPLACEMENT``): /journal of the first order left that refund out."""
    source, memo, _, _ = COLUMNS[language]
    edited = {"en": "replacement {code} edited: ", "ru": "замена {code} изменена: "}[language]
    await shoes_on_sale(shop)
    code = await delivered(shop, 591, {"SHOE-L": 3})  # 3 × £15.00
    large = (await lines_of(shop, code))["SHOE-L"][0]
    rma = await through(shop, 591, code, ReturnKind.EXCHANGE, {large: None}, count=3)  # the same again, free
    replacement = await replacement_of(shop, rma)
    await SandboxUser(shop.server, ADMIN, "Ada").send(f"/edit {replacement} SHOE-L 1")  # £30.00 owed back on {code}
    manager = await hire(shop, 593, "Mia", "manager", language=language)

    name, rows = await _journal(manager, language, code)
    assert name == f"journal-{code}.csv"
    assert {row[source] for row in rows} >= {f"order:{code}", f"order:{replacement}"}, rows
    refund = [row for row in rows if edited.format(code=replacement) in row[memo]]
    assert refund and {row[source] for row in refund} == {f"order:{replacement}"}, [row[memo] for row in rows]
    _, own = await _journal(manager, language, replacement)  # the replacement's own journal is unchanged
    assert {row[source] for row in own} == {f"order:{replacement}"}, own
    assert await balanced(shop)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_code_typed_with_a_dash_after_four_digits_is_an_order_not_a_date(
    shop: RunningBot, language: str
) -> None:
    """Codes are of 23456789BCDFGHJKMNPQRSTVWXYZ and typed with a dash (2345-BCDF): one whose first four characters are
    digits was read as a date and got the usage message. A date is told by its full form, YYYY-MM-DD."""
    said = SAID[language]
    _, code = await _invoice_order(shop, 601, "en", 3)
    _, other = await _invoice_order(shop, 602, "en", 2)
    async with shop.runtime.sessions() as session, session.begin():
        for old, new in ((code, "2345BCDF"), (other, "22221122")):  # the second is also 2222-11-22 run together
            await session.execute(update(m.OrderRow).where(m.OrderRow.code == old).values(code=new))
            moved = update(m.JournalEntryRow).where(m.JournalEntryRow.source == f"order:{old}")
            await session.execute(moved.values(source=f"order:{new}"))
    manager = await hire(shop, 603, "Mia", "manager", language=language)
    source = COLUMNS[language][0]

    for typed, new in (("2345-BCDF", "2345BCDF"), ("2222-1122", "22221122"), ("22221122", "22221122")):
        name, rows = await _journal(manager, language, typed)
        assert name == f"journal-{new}.csv" and rows and {row[source] for row in rows} == {f"order:{new}"}, typed
    for dated in ("2026-13-01", "2026-12-32"):  # a date's form, not a day: the usage, not "nothing is called"
        refused = (await manager.send(f"/journal {dated}")).last
        assert refused.file is None and said["usage"] in refused.text, refused.text
    whole = (await manager.send("/journal 2026-11-01 2026-12-31")).last  # a period still is one
    assert whole.file is not None and whole.file.file_name == "journal-2026-11-01-2026-12-31.csv"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_journal_of_one_order_is_found_by_its_debit_note_whose_entry_names_it(
    shop: RunningBot, language: str
) -> None:
    """A rise on a numbered invoice is booked as "debit note DN-000001 for order CODE: …", and /journal DN-000001
    finds that order's entries, as /journal CN-000001 finds a credit note's."""
    _, memo, _, _ = COLUMNS[language]
    _, code = await _invoice_order(shop, 591, "en", 2)  # INV-000001
    manager = await hire(shop, 593, "Mia", "manager", language=language)
    await manager.send(f"/edit {code} {SKU} 3")  # DN-000001
    for asked in ("DN-000001", "dn-1"):
        name, rows = await _journal(manager, language, asked)
        assert name == f"journal-{code}.csv" and {row["source" if language == "en" else "источник"] for row in rows}
    _, rows = await _journal(manager, language, "DN-000001")
    named = [row[memo] for row in rows if row[memo].startswith(SAID[language]["debit"].format(code=code))]
    assert named, [row[memo] for row in rows]
    refused = (await manager.send("/journal DN-000002")).last
    assert refused.file is None and "DN-000002" in refused.text
