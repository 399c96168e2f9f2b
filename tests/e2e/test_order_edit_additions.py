"""A customer adds a product to their order while editing it, and an edit prices promotions and
the order's promo code again, through the sandbox in English and Russian. Stock, money, the
journal and history checked.

Demo data: 85123A "White Hanging Heart T-Light Holder" £2.95 (806 in LON), 22197 "Popcorn
Holder" £0.85 (1094 in LON)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    name_in_russian,
    order_code,
    order_of_invoice,
    order_row,
    place_card_order,
    scalar,
    stock,
)
from tests.e2e.order_edit_additions import _unbalanced_entries

STAFF_CHAT = -100500
WORDS = {
    "en": {
        "edit": "✏️ Edit",
        "add": "➕ Add a product",
        "which": "Which product",
        "changed": "Order {code} was changed.",
        "minimum": "Popcorn Holder is sold from 10 units on your price list: order 10 or more.",
        "pack": "Popcorn Holder is sold in packs of 5 on your price list: order {lower} or {upper}, not {quantity}.",
        "what": "What should be added to order {code}?",
        "tap": "Tap a product to add 3 to order {code}:",
        "by": "Order {code} was changed by Sue (staff).",
        "link": "💳 Link to pay the £2.55 difference on order {code}:",
        "owed": "Refund owed: £2.55",
        "short": "Popcorn Holder: only 2 available. Nothing was changed.",
        "popcorn": "Popcorn Holder",
        "heart": "Heart",
    },
    "ru": {
        "edit": "✏️ Изменить",
        "add": "➕ Добавить товар",
        "which": "Какой товар",
        "changed": "Заказ {code} изменён.",
        "minimum": "По вашему прайс-листу Стаканчик для попкорна продаётся от 10 шт.: закажите 10 или больше.",
        "pack": "По вашему прайс-листу Стаканчик для попкорна продаётся упаковками по 5 шт.: закажите {lower} или"
        " {upper}, а не {quantity}.",
        "what": "Что добавить в заказ {code}?",
        "tap": "Нажмите на товар, чтобы добавить 3 шт. в заказ {code}:",
        "by": "Заказ {code} изменил(а) Sue (сотрудник).",
        "link": "💳 Ссылка для оплаты разницы 2,55\xa0£ по заказу {code}:",
        "owed": "К возврату: 2,55\xa0£",
        "short": "Стаканчик для попкорна: доступно только 2. Ничего не изменено.",
        "popcorn": "Стаканчик для попкорна",  # the demo's name_ru
        "heart": "Сердце",
    },
}


@pytest.fixture
def shop(paying_shop: RunningBot) -> RunningBot:
    """Here the shop takes card payments too (a difference to pay is sent as a link)."""
    return paying_shop


async def _lines(shop: RunningBot, code: str) -> dict[str, tuple[int, int]]:
    """Per SKU: (quantity, discount in minor units)."""
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.OrderLineRow.sku, m.OrderLineRow.quantity, m.OrderLineRow.discount_minor)
            .join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
            .where(m.OrderRow.code == code)
        )
        return {sku: (quantity, discount) for sku, quantity, discount in rows}


async def _add(user: SandboxUser, code: str, words: dict[str, str], search: str, choice: str) -> tuple[str, str]:
    """From the order's view: Edit → Add a product → search → the product; (the press's alert, the last text)."""
    screen = await user.press((await user.send(f"/track {code}")).last, words["edit"])
    asked = await user.press(screen.last, words["add"])
    assert words["which"] in asked.last.text
    offered = await user.send(search)
    added = await user.press(offered.last, choice)
    answer = str((added.callback_answer or {}).get("text", ""))
    return answer, added.new[-1].text if added.new else ""


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_adds_a_new_product_to_a_paid_order_and_pays_the_difference_once(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    nina = SandboxUser(shop.server, 731 if language == "en" else 732, "Nina", language_code=language)
    invoice = await place_card_order(nina, "85123A", 1)
    await nina.pay(invoice, charge_id=f"tg-first-{language}")
    code = order_of_invoice(invoice)
    popcorn_before = await stock(shop, "22197")

    screen = await nina.press((await nina.send(f"/track {code}")).last, words["edit"])
    asked = await nina.press(screen.last, words["add"])
    offered = await nina.send("popcorn")
    assert any("22197" in text for text in offered.last.button_texts())
    added = await nina.press(offered.last, "22197")
    told = next(msg for msg in added.new if msg.kind != "invoice")
    assert words["changed"].format(code=code) in told.text and f"➕ {words['popcorn']} × 1" in told.text
    assert words["heart"] not in told.text  # what changed, not the whole order again
    difference = next(msg for msg in added.new if msg.kind == "invoice")
    assert difference.invoice is not None and difference.invoice["total_amount"] == 85
    assert asked.last.text  # the question was asked in the customer's language

    order = await order_row(shop, code)
    assert (order.total_minor, order.version) == (380, 1)
    assert await _lines(shop, code) == {"85123A": (1, 0), "22197": (1, 0)}
    on_hand, reserved = popcorn_before[0][1], popcorn_before[0][2]
    assert await stock(shop, "22197") == [("LON", on_hand, reserved + 1)]
    actors = select(m.OrderHistoryRow.actor).where(
        m.OrderHistoryRow.order_id == order.id, m.OrderHistoryRow.reason.like("edited:%22197 0→1%")
    )
    assert await scalar(shop, actors) == f"customer:{order.customer_id}"

    await nina.pay(difference, charge_id=f"tg-diff-{language}")
    await nina.pay(difference, charge_id=f"tg-diff-{language}")  # Telegram redelivers it
    paid = select(func.sum(m.PaymentRow.amount_minor)).where(
        m.PaymentRow.order_id == order.id, m.PaymentRow.kind == "payment"
    )
    assert await scalar(shop, paid) == 380
    assert await _unbalanced_entries(shop) == 0
    await shop.runtime.notifier.drain()
    staff = [msg.text for msg in shop.server.chat_messages(STAFF_CHAT) if f"Order {code} was changed by" in msg.text]
    assert len(staff) == 1 and "Popcorn Holder" in staff[0]


async def test_adding_a_product_with_no_stock_left_is_refused_and_changes_nothing(shop: RunningBot) -> None:
    olga = SandboxUser(shop.server, 733, "Olga", language_code="ru")
    await add_to_cart(olga, "85123A", 2)
    reply = await checkout_to_payment(olga, pickup=True)
    code = order_code(await olga.press((await olga.press(reply.last, "💵")).last, "✅"))
    hearts = await stock(shop, "85123A")
    async with shop.runtime.sessions() as session, session.begin():
        popcorn = select(m.ProductRow.id).where(m.ProductRow.sku == "22197").scalar_subquery()
        await session.execute(update(m.StockRow).where(m.StockRow.product_id == popcorn).values(reserved=0, on_hand=0))

    await name_in_russian(shop, "22197", "Подставка для попкорна")
    answer, _ = await _add(olga, code, WORDS["ru"], "22197", "22197")
    assert answer == "Подставка для попкорна: доступно только 0. Ничего не изменено."  # named in her language
    assert await _lines(shop, code) == {"85123A": (2, 0)}
    assert (await order_row(shop, code)).version == 0 and await stock(shop, "85123A") == hearts
    assert await stock(shop, "22197") == [("LON", 0, 0)]


async def test_an_edit_applies_promotions_and_the_code_to_new_lines_and_drops_a_code_under_its_minimum(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/promocode new SAVE10 percent=10 min=5.00 until=2026-12-31")
    await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')
    bea = SandboxUser(shop.server, 734, "Bea")
    await add_to_cart(bea, "85123A", 2)
    reply = await checkout_to_payment(bea, pickup=True)
    review = await bea.press(reply.last, "💵")
    applied = await bea.send("/promo SAVE10")
    code = order_code(await bea.press(applied.last, "Confirm order"))
    order = await order_row(shop, code)
    assert (order.total_minor, order.discount_minor) == (513, 77) and review.last.text

    # Goods £5.90 − £0.20 (Hearts week) + £0.85 = £6.55; SAVE10 takes 10 % = £0.655 → £0.66 (half-even),
    # spread 57 + 9 over what each line still costs (£5.70, £0.85).
    answer, told = await _add(bea, code, WORDS["en"], "22197", "22197")
    assert f"Order {code} is changed." in answer
    assert "Discounts: −£0.77 → −£0.86" in told and "Total: £5.13 → £5.89" in told
    order = await order_row(shop, code)
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (675, 86, 589)
    assert await _lines(shop, code) == {"85123A": (2, 77), "22197": (1, 9)}
    assert order.promo_code == "SAVE10" and "SAVE10" in order.discounts
    assert await scalar(shop, select(m.PromoCodeUseRow.amount_minor)) == 66

    # Both hearts out: £0.85 is under SAVE10's £5.00 minimum, so the code goes, with the reason.
    screen = await bea.press((await bea.send(f"/track {code}")).last, "✏️ Edit")
    bin_ = next(b for b in screen.last.buttons() if b["text"].startswith("🗑"))  # the first line's: the hearts
    removed = await bea.press_data(screen.last, bin_["callback_data"], label="🗑")
    told = removed.new[-1].text
    assert "Promo code SAVE10 no longer applies: it needs an order of at least £5.00." in told
    assert "Total: £5.89 → £0.85" in told
    order = await order_row(shop, code)
    assert (order.total_minor, order.discount_minor, order.promo_code) == (85, 0, "")
    assert await _lines(shop, code) == {"22197": (1, 0)}
    assert await scalar(shop, select(m.PromoCodeRow.uses)) == 0
    assert await scalar(shop, select(func.count()).select_from(m.PromoCodeUseRow)) == 0
    reasons = select(m.OrderHistoryRow.reason).where(m.OrderHistoryRow.reason.like("%promo code SAVE10 dropped%"))
    assert await scalar(shop, reasons) is not None
    assert await _unbalanced_entries(shop) == 0


async def test_a_product_added_by_a_wholesale_customer_comes_at_their_price_list_price(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/pricelist add wholesale GBP 22197 0.60")
    corp = SandboxUser(shop.server, 735, "Corp", username="corp_buys")
    await corp.send("/start")
    await admin.send("/customer @corp_buys group wholesale")
    await add_to_cart(corp, "85123A", 1)
    reply = await checkout_to_payment(corp, pickup=True)
    code = order_code(await corp.press((await corp.press(reply.last, "💵")).last, "✅"))

    _, told = await _add(corp, code, WORDS["en"], "22197", "22197")
    assert "➕ Popcorn Holder × 1" in told and "Total: £2.95 → £3.55" in told
    price = select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.sku == "22197")
    assert await scalar(shop, price) == 60


def _plus_minus(screen: BotMessage, name: str) -> tuple[str, str]:
    """The callback data of a line's ➕ and ➖ on an edit screen."""
    buttons = screen.buttons()
    minus = next(i for i, b in enumerate(buttons) if b["text"].startswith(f"➖ {name}"))
    return buttons[minus + 1]["callback_data"], buttons[minus]["callback_data"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_edit_follows_the_price_lists_minimum_and_packs_and_a_refused_one_changes_nothing(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/pricelist terms wholesale product:22197 min 10 pack 5")
    corp = SandboxUser(shop.server, 736, "Corp", username="corp_packs", language_code=language)
    await corp.send("/start")
    await admin.send("/customer @corp_packs group wholesale")
    await add_to_cart(corp, "85123A", 2)
    reply = await checkout_to_payment(corp, pickup=True)
    code = order_code(await corp.press((await corp.press(reply.last, "💵")).last, "✅"))
    popcorn = await stock(shop, "22197")

    manager = await hire(shop, 737, "Max", "manager", language=language)
    for typed, refused in ((3, words["minimum"]), (12, words["pack"].format(lower=10, upper=15, quantity=12))):
        assert (await manager.send(f"/edit {code} 22197 {typed}")).last.text == refused
        assert await _lines(shop, code) == {"85123A": (2, 0)} and (await order_row(shop, code)).version == 0
        assert await stock(shop, "22197") == popcorn

    _, told = await _add(corp, code, words, "22197", "22197")  # "add one" comes at the list's minimum, as ➕ in a cart
    assert f"➕ {words['popcorn']} × 10" in told
    assert await _lines(shop, code) == {"85123A": (2, 0), "22197": (10, 0)}
    screen = await corp.press((await corp.send(f"/track {code}")).last, words["edit"])
    plus, _ = _plus_minus(screen.last, words["popcorn"][:9])
    await corp.press_data(screen.last, plus)  # a whole pack more
    assert await _lines(shop, code) == {"85123A": (2, 0), "22197": (15, 0)}
    assert await stock(shop, "22197") == [("LON", popcorn[0][1], popcorn[0][2] + 15)]
    again = await corp.press((await corp.send(f"/track {code}")).last, words["edit"])
    _, minus = _plus_minus(again.last, words["popcorn"][:9])
    await corp.press_data(again.last, minus)
    assert await _lines(shop, code) == {"85123A": (2, 0), "22197": (10, 0)}
    stale = await corp.press_data(screen.last, plus)  # a button drawn before the last change
    assert stale.callback_answer is not None and code in str(stale.callback_answer["text"])
    assert (await order_row(shop, code)).version == 3


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staff_add_a_line_on_their_edit_screen_and_the_difference_is_collected_by_link_then_owed_back(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    pia = SandboxUser(shop.server, 738, "Pia", language_code=language)
    invoice = await place_card_order(pia, "85123A", 1)
    await pia.pay(invoice, charge_id=f"tg-pia-{language}")
    code = order_of_invoice(invoice)
    popcorn = await stock(shop, "22197")
    sue = await hire(shop, 739, "Sue", "support", language=language)

    screen = await sue.send(f"/edit {code}")
    asked = await sue.press(screen.last, words["add"])
    assert asked.last.text.startswith(words["what"].format(code=code))
    nothing = await sue.send("no such thing at all 3")
    assert nothing.last.button_texts() == []
    offered = await sue.send("22197 3")
    assert offered.last.text == words["tap"].format(code=code)
    async with shop.runtime.sessions() as session, session.begin():  # someone else takes all but two first
        product = select(m.ProductRow.id).where(m.ProductRow.sku == "22197").scalar_subquery()
        await session.execute(
            update(m.StockRow).where(m.StockRow.product_id == product).values(reserved=m.StockRow.on_hand - 2)
        )
    short = await sue.press(offered.last, "22197")
    assert short.callback_answer is not None and short.callback_answer["text"] == words["short"]
    assert await _lines(shop, code) == {"85123A": (1, 0)} and (await order_row(shop, code)).version == 0
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.StockRow).where(m.StockRow.product_id == product).values(reserved=popcorn[0][2]))

    added = await sue.press(offered.last, "22197")
    texts = [msg.text for msg in added.new]
    assert any(words["by"].format(code=code) in text and f"{words['popcorn']} × 3" in text for text in texts), texts
    link_text = next(text for text in texts if text.startswith(words["link"].format(code=code)))
    order = await order_row(shop, code)
    assert (order.total_minor, order.version) == (550, 1)
    assert await _lines(shop, code) == {"85123A": (1, 0), "22197": (3, 0)}
    assert await stock(shop, "22197") == [("LON", popcorn[0][1], popcorn[0][2] + 3)]
    actor = select(m.OrderHistoryRow.actor).where(m.OrderHistoryRow.reason.like("edited:%22197 0→3%"))
    assert await scalar(shop, actor) == "staff:739"

    await shop.runtime.notifier.drain()
    assert words["changed"].format(code=code) in pia.messages()[-1].text  # the customer is told, with a pay button
    url = re.search(r"https://t\.me/\S+", link_text)
    assert url is not None
    link = pia.open_invoice_link(url.group(0))
    assert link.invoice is not None and link.invoice["total_amount"] == 255
    await pia.pay(link, charge_id=f"tg-pia-diff-{language}")
    await pia.pay(link, charge_id=f"tg-pia-diff-{language}")  # Telegram redelivers it
    paid = select(func.sum(m.PaymentRow.amount_minor)).where(
        m.PaymentRow.order_id == order.id, m.PaymentRow.kind == "payment"
    )
    assert await scalar(shop, paid) == 550

    screen = await sue.send(f"/edit {code}")
    buttons = screen.last.buttons()
    remove = buttons[next(i for i, b in enumerate(buttons) if b["text"].startswith(f"➖ {words['popcorn'][:9]}")) + 2]
    removed = await sue.press_data(screen.last, remove["callback_data"])
    assert any(words["owed"] in msg.text for msg in removed.new)
    owed = select(m.PaymentRow.amount_minor).where(
        m.PaymentRow.order_id == order.id, m.PaymentRow.kind == "refund_owed"
    )
    assert await scalar(shop, owed) == 255
    assert await stock(shop, "22197") == popcorn
    assert await _unbalanced_entries(shop) == 0


async def test_staff_typing_a_name_that_ends_in_a_number_get_that_product_not_that_many(shop: RunningBot) -> None:
    """ "Holder 15" is a product's name before it is "Holder" × 15; a text that names nothing
    whole is read with its last number as the quantity, as before."""
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "22197").values(name="Popcorn Holder 15"))
    rita = SandboxUser(shop.server, 741, "Rita")
    invoice = await place_card_order(rita, "85123A", 1)
    await rita.pay(invoice, charge_id="tg-rita")
    code = order_of_invoice(invoice)
    sue = await hire(shop, 742, "Sue", "support")
    await sue.press((await sue.send(f"/edit {code}")).last, WORDS["en"]["add"])
    named = await sue.send("holder 15")
    assert named.last.text == f"Tap a product to add 1 to order {code}:"
    assert any("22197" in text for text in named.last.button_texts())
    await sue.press((await sue.send(f"/edit {code}")).last, WORDS["en"]["add"])
    counted = await sue.send("22197 3")
    assert counted.last.text == WORDS["en"]["tap"].format(code=code)
