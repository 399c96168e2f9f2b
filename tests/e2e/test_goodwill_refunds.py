"""/refund CODE AMOUNT reason through the sandbox: a goodwill refund on an order with no return,
bounded by what was paid less what was refunded, booked to 4950 with its tax, on /order, the
customer told in their language, paid back from /order."""

from __future__ import annotations

from pathlib import Path

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import order_books, order_of_invoice, payments, place_card_order, support_question
from tests.fakes import FakeClock


async def _paid_card_order(shop: RunningBot, customer: SandboxUser) -> str:
    invoice = await place_card_order(customer, "85123A", pickup=False)  # £2.95 and £3.70 shipping
    await customer.pre_checkout(invoice)
    await customer.pay(invoice)
    return order_of_invoice(invoice)


async def test_support_gives_a_goodwill_refund_booked_to_goodwill_and_a_manager_pays_it_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider", tax_rate="20") as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        code = await _paid_card_order(shop, boris)
        sale = await order_books(shop, code)

        done = await agent.send(f"/refund {code.lower()} 1.20 late delivery <b>")
        assert done.last.text == (
            f"💸 Goodwill refund of £1.20 on order {code} for “late delivery <b>” recorded as owed back; "
            f"the customer is told. It is paid back from /order {code} (💸 Refund paid back)."
        )
        assert await payments(shop, code) == [("payment", 665), ("goodwill", 120)]
        told = boris.messages()[-1].text
        assert "В качестве извинения" in told and "1,20\xa0£" in told and code in told
        books = await order_books(shop, code)
        # 4950 takes the net, 2200 the tax inside it (20 %), 2100 owes the customer the whole.
        assert books["4950 Goodwill refunds and allowances"] == (100, 0)
        assert books["2200 Sales tax payable"][0] - sale["2200 Sales tax payable"][0] == 20
        assert books["2100 Refunds owed to customers"] == (0, 120)

        screen = await agent.send(f"/order {code}")
        assert "goodwill refund owed · £1.20" in screen.last.text
        assert "💸 Goodwill refund £1.20 — Sofia (late delivery <b>)" in screen.last.text  # escaped, as typed

        admin = SandboxUser(shop.server, ADMIN, "Ada")
        journal = (await admin.send("/journal CN-000001")).last  # the entry names its credit note
        assert journal.file is not None, journal.text
        memo = f"goodwill refund owed, {code}: late delivery <b>; credit note CN-000001"
        assert memo in journal.file.content.decode("utf-8"), journal.file.content
        manager_screen = await admin.send(f"/order {code}")
        paid = await admin.press(manager_screen.last, "💸 Refund paid back: £1.20")
        assert paid.callback_answer and "£1.20" in paid.callback_answer["text"]
        assert (await payments(shop, code))[-1] == ("refunded", 120)
        assert (await order_books(shop, code))["2100 Refunds owed to customers"] == (120, 120)
        assert "Мы вернули вам 1,20\xa0£" in boris.messages()[-1].text


async def test_a_goodwill_refund_is_bounded_by_what_was_paid_less_what_was_refunded(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        anna = SandboxUser(shop.server, 501, "Anna")
        code = await _paid_card_order(shop, anna)
        await agent.send(f"/refund {code} 5 damaged box, kept")
        too_much = await agent.send(f"/refund {code} 1.66 again")
        assert too_much.last.text == (
            f"At most £1.65 can be given back on order {code}: what was paid less what was refunded already. "
            "Nothing was recorded."
        )
        for typed, says in [
            (f"/refund {code} 0 nothing", "A goodwill refund is more than zero; nothing was recorded."),
            (f"/refund {code} -2 minus", "A goodwill refund is more than zero; nothing was recorded."),
            (f"/refund {code} 1.234 pennies", "1.234"),
            (
                f"/refund {code} 1",
                f"Say why, for the timeline and the books: /refund CODE AMOUNT reason (e.g. /refund {code} 5",
            ),
            ("/refund", "Usage: /refund CODE AMOUNT reason"),
        ]:
            assert says in (await agent.send(typed)).last.text, typed
        assert await payments(shop, code) == [("payment", 665), ("goodwill", 500)]
        await agent.send(f"/refund {code} 1,65 rest")  # a decimal comma, as typed in Russian
        assert "nothing paid that is not refunded already" in (await agent.send(f"/refund {code} 1 more")).last.text
        assert await payments(shop, code) == [("payment", 665), ("goodwill", 500), ("goodwill", 165)]

        picker = await hire(shop, 78, "Pete", "picker", "LON")
        refused = await picker.send(f"/refund {code} 1 please")
        assert refused.last.text == "Your role (picker) does not allow this."
        assert len(await payments(shop, code)) == 3


async def test_a_russian_agent_reads_the_goodwill_refund_in_russian(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        agent = await hire(shop, 77, "Софья", "support", language="ru")
        anna = SandboxUser(shop.server, 501, "Anna")
        code = await _paid_card_order(shop, anna)
        done = await agent.send(f"/refund {code} 2,50 опоздала доставка")
        assert done.last.text.startswith(f"💸 Компенсация 2,50\xa0£ по заказу {code}")
        assert "As an apology, we are giving you back £2.50" in anna.messages()[-1].text
        too_much = await agent.send(f"/refund {code} 100 ещё")
        assert too_much.last.text.startswith("Вернуть по заказу")


async def test_a_refusal_in_a_customers_topic_is_said_in_that_topic(tmp_path: Path, clock: FakeClock) -> None:
    """Sofia, in Anna's topic, gave too much and later wrote after /close: each refusal went to the
    forum's General topic, where she was not looking, and her topic showed nothing."""
    support = -1009000
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'topic.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
        payment_provider_token="sandbox:provider",
        support_chat_id=support,
    ) as shop:
        anna = SandboxUser(shop.server, 501, "Anna")
        code = await _paid_card_order(shop, anna)
        forum, sofia, topic = await support_question(shop, support, anna, "Hello, my box arrived crushed")
        too_much = await forum.send(sofia, f"/refund {code} 100 crushed box", thread_id=topic.thread_id)
        assert [(m.text.split(":")[0], m.thread_id) for m in too_much.new] == [
            (f"At most £6.65 can be given back on order {code}", topic.thread_id)
        ]
        await forum.send(sofia, "/close", thread_id=topic.thread_id)
        late = await forum.send(sofia, "One more thing", thread_id=topic.thread_id)
        # The sandbox, as Telegram for a bot without the right to manage topics, refuses a closed
        # topic (TOPIC_CLOSED): the refusal is said in General rather than lost.
        assert [(m.text, m.thread_id) for m in late.new] == [
            ("This conversation is closed. The customer reopens it by writing again.", None)
        ]
        assert [c.description for c in shop.server.calls if not c.ok] == ["Bad Request: TOPIC_CLOSED"]
