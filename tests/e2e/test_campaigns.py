"""Campaigns through the sandbox: a manager writes one, picks a segment, previews it, sends a
test to themselves and sends it; customers who unsubscribed or blocked the bot get nothing
(their order messages still go); a click on the product link and an order after it show in
the report; an empty segment is refused with nothing sent. In English and in Russian."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot, running_bot
from domain.usecases.campaigns import send_due_campaigns
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, invite_token, refused_calls
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.fakes import FakeClock


async def manager(shop: RunningBot, user_id: int, language: str) -> SandboxUser:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite manager")).last.text)
    member = SandboxUser(shop.server, user_id, "Meg", language_code=language)
    await member.send(f"/start inv_{token}")
    return member


async def campaign_rows(shop: RunningBot, campaign_id: int) -> list[tuple[int, int]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.OutboxRow.chat_id, m.OutboxRow.priority).where(m.OutboxRow.campaign_id == campaign_id)
        )
        return sorted((chat, priority) for chat, priority in rows)


async def product_id(shop: RunningBot, sku: str) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku)) or 0)


async def test_a_campaign_is_written_previewed_tested_sent_and_reported(tmp_path: Path, clock: FakeClock) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'campaign.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
    ) as shop:
        await a_campaign_journey(shop)
        # the one call Telegram refused: the campaign to the customer who had blocked the bot
        assert refused_calls(shop) == [("sendMessage", "Forbidden: bot was blocked by the user")]


async def a_campaign_journey(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 501, "Alice")
    bob = SandboxUser(shop.server, 502, "Bob")
    carol = SandboxUser(shop.server, 503, "Carol")
    dan = SandboxUser(shop.server, 504, "Dan")
    for customer in (alice, bob, carol, dan):
        await customer.send("/start")
    meg = await manager(shop, 70, "en")
    out = await bob.send("/unsubscribe")
    assert out.last.text.startswith("You will get no more news from us")
    assert (await bob.send("/unsubscribe")).last.text == "You are already unsubscribed from our news."

    asked = await meg.send("/campaign new")
    assert asked.last.text.startswith("Send the campaign's message")
    drafted = await meg.send("<b>Winter sale</b> & 20 % off")
    assert "Campaign #1 saved as a draft" in drafted.last.text
    refused = await meg.send("NO-SUCH-SKU")
    assert refused.last.text == "Nothing was found."
    chose = await meg.send("85123A")
    assert "The button opens" in chose.last.text and "Everyone" in chose.last.button_texts()

    shown = await meg.press(chose.last, "VIP customers")
    assert shown.callback_answer == {
        "text": "Nobody in this segment can receive the campaign: nothing was sent.",
        "show_alert": True,
    }
    preview = await meg.press(chose.last, "Everyone")
    screen = preview.last
    # What the manager typed is what customers read: tags typed as text stay text.
    assert "Campaign #1: preview" in screen.text and screen.text.endswith("\n<b>Winter sale</b> & 20 % off")
    assert "not sent: 1 unsubscribed, 0 blocked the bot" in screen.text

    await meg.press(screen, "🧪 Send me a test")
    test = shop.server.chat_messages(70)[-1]
    assert test.text == "<b>Winter sale</b> & 20 % off"
    assert test.button_texts() == ["🛍 See it in the shop", "🔕 Unsubscribe from news"]
    assert await campaign_rows(shop, 1) == []  # a test is no send

    carol.block_bot()
    sent = await meg.press(screen, "🚀 Send now")
    assert "Campaign #1 is on its way to 5 customers." in sent.new[0].text
    rows = await campaign_rows(shop, 1)
    assert {chat for chat, _ in rows} >= {501, 503, 504} and 502 not in {chat for chat, _ in rows}
    assert {priority for _, priority in rows} == {10}
    await shop.runtime.notifier.drain()
    got = shop.server.chat_messages(501)[-1]
    assert got.text == "<b>Winter sale</b> & 20 % off"
    link = got.buttons()[0]["url"]
    pid = await product_id(shop, "85123A")
    assert link.endswith(f"?start=cmp1_{pid}")
    assert not any("Winter sale" in (m.text or "") for m in shop.server.chat_messages(502))

    card = await alice.send(f"/start cmp1_{pid}")
    assert "White Hanging Heart" in card.last.text
    await add_to_cart(alice, "85123A", 1)
    code = order_code(await place_cod_order(alice))
    # Bob unsubscribed from news, not from his orders.
    await add_to_cart(bob, "85123A", 1)
    assert order_code(await place_cod_order(bob))

    out = await dan.press(shop.server.chat_messages(504)[-1], "🔕 Unsubscribe from news")
    assert out.last.text.startswith("You will get no more news from us")
    report = (await meg.send("/campaign 1")).last.text
    assert "Campaign #1 · sent" in report
    assert "Blocked the bot: 1" in report and "Failed: 0" in report
    assert "Unsubscribed before (not sent): 1" in report and "Unsubscribed with its button: 1" in report
    assert "Clicks on its product link: 1" in report and "Orders within 7 days of a click: 1" in report
    assert code
    listing = (await meg.send("/campaign")).last.text
    assert "#1 · sent · Everyone" in listing
    back = await dan.send("/subscribe")
    assert back.last.text == "You will get our news again. /unsubscribe stops it."


async def test_an_empty_segment_is_refused_in_russian_and_nothing_is_sent(shop: RunningBot) -> None:
    await SandboxUser(shop.server, 511, "Ира", language_code="ru").send("/start")
    meg = await manager(shop, 71, "ru")
    await meg.send("/campaign new")
    drafted = await meg.send("Скидки!")
    assert "Кампания #1 сохранена как черновик" in drafted.last.text
    menu = await meg.press(drafted.last, "Без кнопки товара")
    asked = await meg.press(menu.last, "По языку")
    assert asked.last.text.startswith("Какой язык?")
    empty = await meg.send("de")
    assert empty.last.text == "В этом сегменте некому отправить кампанию: ничего не отправлено."
    bad = await meg.send("немецкий")
    assert bad.last.text == "«немецкий» — не код языка (например, en или ru)."
    shown = await meg.send("ru")
    assert "Кампания #1: предпросмотр" in shown.last.text
    async with shop.runtime.sessions() as session:
        assert (
            await session.scalar(select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.campaign_id == 1)) == 0
        )
    sent = await meg.press(shown.last, "🚀 Отправить сейчас")
    assert sent.new[0].text == "Кампания #1 отправляется покупателям: 2. Отчёт — /campaign 1."  # Ира and the manager
    await shop.runtime.notifier.drain()
    assert shop.server.chat_messages(511)[-1].text == "Скидки!"
    assert shop.server.chat_messages(511)[-1].button_texts() == ["🔕 Отписаться от новостей"]
    report = (await meg.send("/campaign 1")).last.text
    assert "Отправлено: 2" in report and "Заказов в течение 7 дней после клика: 0" in report


async def test_a_photo_campaign_to_an_uploaded_csv_is_scheduled_by_typed_time_and_sent_by_the_job(
    shop: RunningBot, clock: FakeClock
) -> None:
    for chat in (521, 522, 523):
        await SandboxUser(shop.server, chat, f"C{chat}").send("/start")
    meg = await manager(shop, 72, "en")
    await meg.send("/campaign new")
    drafted = await meg.send_photo(b"\x89PNG spring", caption="Spring sale: 10 % off")
    assert "Campaign #1 saved as a draft" in drafted.last.text
    chose = await meg.press(drafted.last, "No product button")
    asked = await meg.press(chose.last, "A list of customer ids (CSV)")
    assert asked.last.text.startswith("Send a CSV file of customer ids")

    # A bad line refuses the whole file, naming the line; nothing is saved.
    bad = await meg.send_document(b"customer_id,name\n521,Ann\nBob,522\n523,Cy\n", "list.csv")
    assert bad.last.text == ("Line 3: “Bob” is not a customer id. Nothing was saved; fix the file and send it again.")
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(m.CampaignRow.segment_kind)) is None
    async with shop.runtime.sessions() as session:
        ids = {
            chat: int(number)
            for chat, number in await session.execute(
                select(m.CustomerRow.telegram_id, m.CustomerRow.id).where(m.CustomerRow.telegram_id.in_([521, 522]))
            )
        }
    csv = f"customer_id,name\n{ids[521]},Ann\n{ids[522]},Bob\n".encode()
    preview = await meg.send_document(csv, "list.csv")
    assert "Campaign #1: preview" in preview.last.text

    # The test to oneself, then its unsubscribe button: the manager is unsubscribed, and told.
    await meg.press(preview.last, "🧪 Send me a test")
    test = shop.server.chat_messages(72)[-1]
    assert test.kind == "photo" and test.text == "Spring sale: 10 % off"
    out = await meg.press(test, "🔕 Unsubscribe from news")
    assert out.last.text.startswith("You will get no more news from us")
    async with shop.runtime.sessions() as session:
        opted_out = await session.scalar(
            select(func.count())
            .select_from(m.MarketingOptOutRow)
            .join(m.CustomerRow, m.CustomerRow.id == m.MarketingOptOutRow.customer_id)
            .where(m.CustomerRow.telegram_id == 72)
        )
    assert opted_out == 1

    zone = ZoneInfo(shop.runtime.settings.timezone)
    when = (clock.now() + timedelta(days=1)).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    asked = await meg.press(preview.last, "🕒 Schedule")
    assert asked.last.text.startswith("When should it go?")
    assert (await meg.send("tomorrow")).last.text.startswith("Type the time as YYYY-MM-DD HH:MM")
    scheduled = await meg.send(when)
    assert scheduled.last.text.startswith(f"Campaign #1 will be sent at {when}")
    assert await campaign_rows(shop, 1) == []
    assert await send_due_campaigns(shop.runtime.uow(), clock) == 0  # not due yet
    clock.advance(days=1, minutes=1)
    assert await send_due_campaigns(shop.runtime.uow(), clock) == 1
    assert await send_due_campaigns(shop.runtime.uow(), clock) == 0  # once
    await shop.runtime.notifier.drain()
    for chat in (521, 522):
        got = shop.server.chat_messages(chat)[-1]
        assert got.kind == "photo" and got.text == "Spring sale: 10 % off"
    assert not any("Spring" in (msg.text or "") for msg in shop.server.chat_messages(523))


async def test_a_bad_line_in_a_csv_of_customer_ids_is_named_in_russian(shop: RunningBot) -> None:
    await SandboxUser(shop.server, 531, "Ира", language_code="ru").send("/start")
    meg = await manager(shop, 73, "ru")
    await meg.send("/campaign new")
    drafted = await meg.send("Новинки недели")
    chose = await meg.press(drafted.last, "Без кнопки товара")
    await meg.press(chose.last, "Список id покупателей (CSV)")
    bad = await meg.send_document(b"id\n531\n\nx1\n", "ids.csv")
    assert (
        bad.last.text
        == "Строка 4: «x1» — не номер покупателя. Ничего не сохранено; исправьте файл и пришлите его снова."
    )
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(m.CampaignRow.segment_kind)) is None


async def test_a_campaign_to_thousands_counts_them_the_russian_way(shop: RunningBot) -> None:
    """A campaign's preview, its "on its way" and its report wrote 1200 where every other
    screen writes 1 200 (and 1,200 in English)."""
    async with shop.runtime.sessions() as session, session.begin():
        session.add_all(
            m.CustomerRow(telegram_id=900_000 + i, first_name=f"К{i}", created_at=shop.runtime.clock.now())
            for i in range(1200)
        )
    for i in range(1200):  # chats Telegram knows, as every customer's is
        shop.server.register_user(900_000 + i, f"К{i}")
    meg = await manager(shop, 72, "ru")
    async with shop.runtime.sessions() as session:
        everyone = int(await session.scalar(select(func.count()).select_from(m.CustomerRow)) or 0)
    assert 1200 < everyone < 1300
    grouped = f"1\u00a0{everyone - 1000:03d}"  # "1 2xx", a no-break space between the thousands
    await meg.send("/campaign new")
    drafted = await meg.send("Скидки!")
    menu = await meg.press(drafted.last, "Без кнопки товара")
    preview = await meg.press(menu.last, "Все")
    assert f"Получатели: {grouped}" in preview.last.text
    sent = await meg.press(preview.last, "🚀 Отправить сейчас")
    assert sent.new[0].text == f"Кампания #1 отправляется покупателям: {grouped}. Отчёт — /campaign 1."
    await shop.runtime.notifier.drain()
    report = (await meg.send("/campaign 1")).last.text
    assert f"В сегменте: {grouped}" in report and f"Отправлено: {grouped}" in report


CAMPAIGN_WORDS = {
    "en": {
        "no product": "No product button",
        "who": "Who gets the campaign?",
        "by language": "By language",
        "which language": "Which language?",
        "preview": "Campaign #{id}: preview",
        "another": "👥 Another segment",
        "everyone": "Everyone",
        "schedule": "🕒 Schedule",
        "when": "When should it go?",
        "cancel": "✖ Cancel it",
        "cancelled": "Campaign #1 is cancelled: nothing was sent.",
        "send": "🚀 Send now",
        "sent": "Campaign #2 is on its way to",
    },
    "ru": {
        "no product": "Без кнопки товара",
        "who": "Кому отправить кампанию?",
        "by language": "По языку",
        "which language": "Какой язык?",
        "preview": "Кампания #{id}: предпросмотр",
        "another": "👥 Другой сегмент",
        "everyone": "Все",
        "schedule": "🕒 Запланировать",
        "when": "Когда отправить?",
        "cancel": "✖ Отменить",
        "cancelled": "Кампания #1 отменена: ничего не отправлено.",
        "send": "🚀 Отправить сейчас",
        "sent": "Кампания #2 отправляется покупателям",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_campaigns_buttons_pressed_on_messages_over_48_hours_old_go_on_in_new_messages(
    shop: RunningBot, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: each of these buttons did its part and said nothing."""
    words = CAMPAIGN_WORDS[language]
    await SandboxUser(shop.server, 541, "Ann", language_code=language).send("/start")
    meg = await manager(shop, 74, language)
    await meg.send("/campaign new")
    drafted = await meg.send("Sale!")
    menu = await meg.press(drafted.last, words["no product"], too_old=True)
    assert menu.new[-1].text == words["who"] and words["by language"] in menu.new[-1].button_texts()
    asked = await meg.press(menu.new[-1], words["by language"], too_old=True)
    assert asked.new[-1].text.startswith(words["which language"])
    preview = (await meg.send(language)).last
    assert words["preview"].format(id=1) in preview.text
    again = await meg.press(preview, words["another"], too_old=True)
    assert again.new[-1].text == words["who"]
    shown = await meg.press(again.new[-1], words["everyone"], too_old=True)
    assert words["preview"].format(id=1) in shown.new[-1].text and shown.edited == []
    when = await meg.press(shown.new[-1], words["schedule"], too_old=True)
    assert when.new[-1].text.startswith(words["when"])
    cancelled = await meg.press(shown.new[-1], words["cancel"], too_old=True)
    assert cancelled.new[-1].text == words["cancelled"]

    await meg.send("/campaign new")
    drafted = await meg.send("Sale again!")
    menu = await meg.press(drafted.last, words["no product"])
    preview = (await meg.press(menu.last, words["everyone"])).last
    sent = await meg.press(preview, words["send"], too_old=True)
    assert sent.new[0].text.startswith(words["sent"])  # then the campaign itself, the manager being a customer too
    assert await campaign_rows(shop, 2) != []
