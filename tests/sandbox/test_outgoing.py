"""Splitting and shortening what the bot sends, judged by the sandbox's Telegram HTML parser."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, cast

from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, User

from handlers.views.outgoing import (
    MAX_ALERT,
    OutgoingGuard,
    answered,
    shorten_message,
    split_message,
    telegram_length,
    track_answers,
)
from sandbox.html import parse_html


def _random_html(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 60)):
        kind = rng.random()
        if kind < 0.2:
            parts.append("<b>" + "x" * rng.randint(0, 300) + "\n" + "&lt;&amp;" * rng.randint(0, 5) + "</b>")
        elif kind < 0.3:
            parts.append('<a href="https://example.com/?a=1&amp;b=2">link ' + "😀" * rng.randint(0, 100) + "</a>")
        elif kind < 0.4:
            parts.append("<i><code>" + "q w " * rng.randint(0, 200) + "</code></i>")
        else:
            parts.append("word " * rng.randint(0, 400) + "\n")
    return "".join(parts)


def test_every_piece_is_valid_html_within_the_limit_and_nothing_is_lost() -> None:
    rng = random.Random(7)
    for _ in range(400):
        html, limit = _random_html(rng), rng.choice((50, 100, 1024, 4096))
        pieces = split_message(html, limit)
        shown = [parse_html(piece) for piece in pieces]  # raises on a broken piece
        assert all(telegram_length(text) <= limit for text in shown)
        assert "".join("".join(shown).split()) == "".join(parse_html(html).split())
        assert telegram_length(parse_html(shorten_message(html, limit))) <= limit


def test_a_message_is_cut_after_a_whole_line_and_its_tags_carried_over() -> None:
    lines = "\n".join(f"line {n}" for n in range(30))
    first, second = split_message(f"<b>{lines}</b>", 100)[:2]
    assert first.endswith("\n</b>") and second.startswith("<b>line ")


def test_an_emoji_outside_the_basic_plane_counts_twice_as_telegram_counts_it() -> None:
    assert telegram_length("😀a") == 3
    assert [parse_html(p) for p in split_message("😀" * 5, 4, html=False)] == ["😀😀", "😀😀", "😀"]


def test_a_shortened_text_ends_in_an_ellipsis_inside_its_tags() -> None:
    assert shorten_message("<b>" + "word " * 50 + "</b>", 20) == "<b>word word word word…</b>"
    assert shorten_message("short", 20) == "short"


def _press(message: Message | None) -> CallbackQuery:
    return CallbackQuery(
        id="q1", from_user=User(id=5, is_bot=False, first_name="Mo"), chat_instance="c", message=message
    )


async def _guarded(method: Any) -> list[Any]:
    sent: list[Any] = []

    async def make_request(bot: Any, request: Any) -> bool:
        sent.append(request)
        return True

    await OutgoingGuard()(cast(Any, make_request), cast(Bot, None), method)
    return sent


async def test_an_answer_longer_than_a_press_shows_is_said_whole_in_the_topic_it_was_pressed_in() -> None:
    refusal = "Заказ ABC оплачен в web shop & <b>не</b> здесь. " * 5  # 250 characters
    forum = Chat(id=-100, type="supergroup", is_forum=True)
    track_answers(
        _press(
            Message(message_id=9, date=datetime(2026, 12, 7), chat=forum, message_thread_id=4, is_topic_message=True)
        )
    )
    answer, said = await _guarded(AnswerCallbackQuery(callback_query_id="q1", text=refusal, show_alert=True))
    assert isinstance(answer, AnswerCallbackQuery) and answer.text is None and answered("q1")
    assert isinstance(said, SendMessage) and (said.chat_id, said.message_thread_id) == (-100, 4)
    assert parse_html(said.text) == refusal


async def test_an_answer_longer_than_a_press_shows_with_no_chat_to_say_it_in_is_cut_to_fit() -> None:
    track_answers(_press(None))  # pressed on an inline message: no chat the bot may write in
    [answer] = await _guarded(AnswerCallbackQuery(callback_query_id="q1", text="word " * 60, show_alert=True))
    assert isinstance(answer, AnswerCallbackQuery) and answer.text is not None
    assert telegram_length(answer.text) <= MAX_ALERT and answer.text.endswith("…")
