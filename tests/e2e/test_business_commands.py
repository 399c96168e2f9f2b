"""The business customers' commands (/statement, /taxnumber) are in /help only for a business customer, and an
ordinary customer typing one is told it is for businesses and nothing changes, in English and Russian."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import business_customer, scalar

WORDS = {
    "en": {
        "statement": "A statement of account is for business customers who pay by invoice.",
        "tax": "A tax number on invoices is for business customers who pay by invoice; the shop makes an account "
        "a business one.",
        "forgotten": "You have no tax number now: the invoices of orders you place from now on print none.",
        "still kept": "You still have a tax number on file: GB 123 4567 89. To remove it: /taxnumber -",
    },
    "ru": {
        "statement": "Выписка по счетам — для покупателей-юрлиц, которые платят по счёту.",
        "tax": "Налоговый номер в счетах — для покупателей-юрлиц, которые платят по счёту; сделать аккаунт "
        "аккаунтом организации может магазин.",
        "forgotten": "Налоговый номер убран: в счетах заказов, оформленных с этого момента, его не будет.",
        "still kept": "У вас всё ещё сохранён налоговый номер: GB 123 4567 89. Убрать его: /taxnumber -",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_ordinary_customers_help_names_no_business_command_and_the_commands_refuse_them(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    buyer = SandboxUser(shop.server, 830, "Ivy", language_code=language)
    await buyer.send("/start")
    shown = (await buyer.send("/help")).last.text
    assert "/statement" not in shown and "/taxnumber" not in shown, shown
    assert "/catalog" in shown
    assert (await buyer.send("/statement")).last.text == words["statement"]
    assert (await buyer.send("/taxnumber")).last.text == words["tax"]
    assert (await buyer.send("/taxnumber GB 123 4567 89")).last.text == words["tax"]
    kept = await scalar(shop, select(m.CustomerRow.tax_number).where(m.CustomerRow.telegram_id == 830))
    assert kept is None


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_business_customers_help_names_the_statement_and_the_tax_number(
    shop: RunningBot, language: str
) -> None:
    buyer = await business_customer(shop, 831, "Café Lyon", language)
    shown = (await buyer.send("/help")).last.text
    assert "/statement — " in shown and "/taxnumber — " in shown, shown


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_no_longer_business_may_still_forget_the_tax_number_kept_but_not_set_one(
    shop: RunningBot, language: str
) -> None:
    """A business made an ordinary account kept its tax number, and ``/taxnumber -`` was refused "for businesses":
    the number stayed on file with no way for its owner to remove it; ``/taxnumber`` says that way."""
    words = WORDS[language]
    buyer = await business_customer(shop, 832, "Café Lyon", language)
    assert "GB 123 4567 89" in (await buyer.send("/taxnumber GB 123 4567 89")).last.text
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.CustomerRow).where(m.CustomerRow.telegram_id == 832).values(is_business=False))
    kept = select(m.CustomerRow.tax_number).where(m.CustomerRow.telegram_id == 832)

    refused = f"{words['tax']}\n{words['still kept']}"  # told how to remove the one kept, asked or setting one
    assert (await buyer.send("/taxnumber")).last.text == refused
    assert (await buyer.send("/taxnumber FR 123")).last.text == refused  # setting one: still refused
    assert await scalar(shop, kept) == "GB 123 4567 89"
    assert (await buyer.send("/taxnumber -")).last.text == words["forgotten"]
    assert await scalar(shop, kept) is None
