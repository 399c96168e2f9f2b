"""The driver's updates are what Telegram sends: aiogram parses each kind into its type."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, LabeledPrice, Message, PreCheckoutQuery

from sandbox import SandboxServer, SandboxUser, busy
from sandbox.server import BotMessage


@pytest.fixture
async def echo() -> AsyncIterator[tuple[SandboxServer, Bot, list[Any]]]:
    """A minimal bot that records what it received and answers each update."""
    server = SandboxServer()
    await server.start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    seen: list[Any] = []
    dp = Dispatcher()

    @dp.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact is not None
        seen.append(("contact", message.contact.phone_number))
        await message.answer("got contact")

    @dp.message(F.location)
    async def location(message: Message) -> None:
        assert message.location is not None
        seen.append(("location", message.location.latitude, message.location.longitude))
        await message.answer("got location")

    @dp.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo
        downloaded = await bot.download(message.photo[-1].file_id)
        seen.append(("photo", downloaded.read() if downloaded else None, message.caption))
        await message.answer("got photo")

    @dp.message(F.successful_payment)
    async def paid(message: Message) -> None:
        assert message.successful_payment is not None
        seen.append(("paid", message.successful_payment.total_amount, message.successful_payment.invoice_payload))
        await message.answer("thanks")

    @dp.message(F.text == "invoice")
    async def invoice(message: Message) -> None:
        total = [LabeledPrice(label="Total", amount=900)]
        await message.answer_invoice(
            title="Order", description="Two mugs", payload="order:1", currency="EUR", prices=total, provider_token="t"
        )

    @dp.message(F.text == "buttons")
    async def buttons(message: Message) -> None:
        from aiogram.utils.keyboard import InlineKeyboardBuilder

        kb = InlineKeyboardBuilder()
        kb.button(text="Yes", callback_data="yes")
        await message.answer("Sure?", reply_markup=kb.as_markup())

    @dp.callback_query(F.data == "yes")
    async def pressed(query: CallbackQuery) -> None:
        seen.append(("pressed", query.data))
        await query.answer("done")
        if isinstance(query.message, Message):
            await query.message.edit_text("Confirmed")

    @dp.pre_checkout_query()
    async def checkout(query: PreCheckoutQuery) -> None:
        seen.append(("pre_checkout", query.total_amount, query.invoice_payload))
        await query.answer(ok=True)

    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, handle_as_tasks=False, polling_timeout=1))
    yield server, bot, seen
    await dp.stop_polling()
    await server.release_pollers()
    await asyncio.wait_for(task, 5)
    await bot.session.close()
    await server.stop()


async def test_every_kind_of_user_action_reaches_the_bot(echo: tuple[SandboxServer, Bot, list[Any]]) -> None:
    server, _, seen = echo
    user = SandboxUser(server, 42, "Ann")
    assert (await user.share_contact("+447911123456")).last.text == "got contact"
    assert (await user.send_location(51.5, -0.12)).last.text == "got location"
    assert (await user.send_photo(b"JPEGDATA", caption="broken mug")).last.text == "got photo"
    question = await user.send("buttons")
    pressed = await user.press(question.last, "Yes")
    assert pressed.callback_answer == {"text": "done", "show_alert": None}
    assert pressed.edited[0].text == "Confirmed" and pressed.edited[0].message_id == question.last.message_id
    invoice = (await user.send("invoice")).last
    assert invoice.kind == "invoice" and invoice.invoice is not None and invoice.invoice["total_amount"] == 900
    answer = await user.pre_checkout(invoice)
    assert answer.pre_checkout_answer == {"ok": True, "error_message": None}
    assert (await user.pay(invoice)).last.text == "thanks"
    assert seen == [
        ("contact", "+447911123456"),
        ("location", 51.5, -0.12),
        ("photo", b"JPEGDATA", "broken mug"),
        ("pressed", "yes"),
        ("pre_checkout", 900, "order:1"),
        ("paid", 900, "order:1"),
    ]


async def test_a_second_answer_to_the_same_callback_is_refused(echo: tuple[SandboxServer, Bot, list[Any]]) -> None:
    server, bot, _ = echo
    user = SandboxUser(server, 43, "Ben")
    question = await user.send("buttons")
    reply = await user.press(question.last, "Yes")
    assert reply.callback_answer is not None
    query_id = next(q for q, a in server.callback_answers.items() if a)
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id, text="again")


async def test_a_bench_forgets_a_chats_history_but_its_newest_message_which_still_works(
    echo: tuple[SandboxServer, Bot, list[Any]],
) -> None:
    server, _, seen = echo
    user, other = SandboxUser(server, 44, "Cat"), SandboxUser(server, 45, "Dan")
    await user.send("buttons")
    await other.share_contact("+447911123456")
    question = await user.send("buttons")
    server.forget_history()
    assert [m.message_id for m in server.chat_messages(44)] == [question.last.message_id]
    assert [m.text for m in server.chat_messages(45)] == ["got contact"]
    assert set(server.messages) == {(44, question.last.message_id), (45, server.chat_messages(45)[0].message_id)}
    assert server.calls == [] and server.requested == [] and server.user_messages == {} and server.sent_updates == {}
    pressed = await user.press(question.last, "Yes")  # the newest message is still there to press and edit
    assert pressed.edited[0].text == "Confirmed" and seen[-1] == ("pressed", "yes")


class _Stopwatch:
    """``time`` for ``sandbox.busy``: moves only when a test moves it, and a microsecond at each
    read (work takes some time), so what is counted is known whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 1e-6
        return self.now


def _stopwatch(monkeypatch: pytest.MonkeyPatch) -> _Stopwatch:
    stopwatch = _Stopwatch()
    monkeypatch.setattr(busy, "time", stopwatch)
    return stopwatch


async def _until(state: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):  # only against a hang
        while not state():  # noqa: ASYNC110 - a lock's waiters tell no one: looked at after each step of the others
            await asyncio.sleep(0)


WAITED_S = 300.0  # on the stopwatch: a wait the sandbox's own work must leave out


async def test_the_sandboxs_own_work_leaves_out_its_waits_for_a_lock_held_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``busy_s`` is Telegram's side of an in-process bench: an update pushed while a poller
    holds the server's lock waits for it, and the other tasks that run meanwhile (the bot's
    work) are not the server's."""
    stopwatch = _stopwatch(monkeypatch)
    server = SandboxServer()
    user = SandboxUser(server, 7, "Ann", wait=False)
    held, release = asyncio.Event(), asyncio.Event()
    lock = server._updates_arrived._lock  # type: ignore[attr-defined]

    async def poller_holding_the_lock() -> None:
        async with server._updates_arrived:
            held.set()
            await release.wait()  # others run meanwhile

    holder = asyncio.create_task(poller_holding_the_lock())
    await held.wait()
    before = server.busy_s
    pushing = asyncio.create_task(user.send("hello"))  # pushed; waking the pollers waits for the lock
    await _until(lambda: bool(lock._waiters))
    stopwatch.now += WAITED_S
    release.set()
    await asyncio.gather(pushing, holder)
    assert len(server.updates) == 1
    assert 0 < server.busy_s - before < WAITED_S  # the wait is not counted; the push itself is


async def test_a_long_poll_with_nothing_to_deliver_is_no_work_of_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    stopwatch = _stopwatch(monkeypatch)
    server = SandboxServer()
    await server.start()
    try:
        before = server.busy_s
        async with aiohttp.ClientSession() as http:
            poll = asyncio.ensure_future(http.post(f"{server.url}/bot{server.token}/getUpdates", json={"timeout": 60}))
            await _until(lambda: bool(server._updates_arrived._waiters))
            stopwatch.now += WAITED_S
            await server.release_pollers()
            async with await poll as reply:
                assert (await reply.json()) == {"ok": True, "result": []}
        assert server.busy_s - before < WAITED_S
    finally:
        await server.stop()


@pytest.mark.parametrize("pressed", ["➖", "➖ Mug", "Mug"])
async def test_a_press_that_could_mean_two_buttons_is_refused(pressed: str) -> None:
    """Two lines' buttons alike, or a part of both: the test says which it means, never the first."""
    buttons = [{"text": "➖ Mug", "callback_data": "a"}, {"text": "➖ Mug", "callback_data": "b"}]
    two = BotMessage(1, 1, "text", "Cart", None, {"inline_keyboard": [buttons]}, 0)
    with pytest.raises(AssertionError, match="no single button"):
        await SandboxUser(SandboxServer(), 44, "Cy").press(two, pressed)
