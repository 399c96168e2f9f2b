"""Every Bot API request passes here on its way out: what the bot says always fits Telegram."""

from __future__ import annotations

from contextvars import ContextVar
from html.parser import HTMLParser
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message
from markupsafe import escape

from domain.contention import let_out

MAX_TEXT = 4096  # Telegram's limits, in characters after entity parsing
MAX_CAPTION = 1024
MAX_ALERT = 200  # a button press's answer, an alert's or a toast's
ELLIPSIS = "…"
EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup)
CAPTIONED = (SendPhoto, SendDocument, EditMessageCaption)

# The button presses answered while handling the current update (see ``answered``).
_answered: ContextVar[set[str] | None] = ContextVar("answered_callback_queries", default=None)
# Where the press being handled was made, (chat, forum topic), by its id: an answer too long for one is said there.
_pressed_in: ContextVar[dict[str, tuple[int, int | None]] | None] = ContextVar("pressed_in", default=None)


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the basic plane counts twice."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def too_long(text: str, limit: int) -> bool:
    # Nearly every message is under half the limit, which no text of that many characters
    # can exceed: measured only when it might (this runs on every request).
    return len(text) > limit // 2 and telegram_length(text) > limit


class _Tokens(HTMLParser):
    """Telegram HTML as tokens: ``(kind, raw markup, tag, characters shown)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tokens: list[tuple[str, str, str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("open", self.get_starttag_text() or f"<{tag}>", tag, 0))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("close", f"</{tag}>", tag, 0))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("text", data, "", telegram_length(data)))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(("entity", f"&{name};", "", 1))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(("entity", f"&#{name};", "", 1))


def _tokens(text: str, html: bool) -> list[tuple[str, str, str, int]]:
    """The tokens of ``text``, its text cut after each line break (where a piece may end)."""
    if html:
        parser = _Tokens()
        parser.feed(text)
        parser.close()
        tokens = parser.tokens
    else:
        tokens = [("text", text, "", 0)]
    return [
        (kind, line, tag, telegram_length(line)) if kind == "text" else (kind, raw, tag, length)
        for kind, raw, tag, length in tokens
        for line in (raw.splitlines(keepends=True) if kind == "text" else (raw,))
    ]


def _cut(data: str, budget: int) -> int:
    """Where to cut ``data`` so its first part shows at most ``budget`` characters: after
    the last space that fits, else as far as fits."""
    end = used = 0
    while end < len(data):
        width = 2 if ord(data[end]) > 0xFFFF else 1
        if used + width > budget:
            break
        used += width
        end += 1
    if end == len(data) or data[end] == " ":
        return end
    at = data.rfind(" ", 0, end)
    return at + 1 if at > 0 else end


def _pieces(text: str, limit: int, html: bool) -> list[tuple[str, str]]:
    """``text`` as pieces showing at most ``limit`` characters each, as (content, the end
    tags that close what the content left open); the next piece opens those tags again.
    A piece ends after its last whole line when it has one, else at a space."""
    tokens = _tokens(text, html)
    pieces: list[tuple[str, str]] = []
    current: list[str] = []
    opened: list[tuple[str, str]] = []  # (tag, its raw start tag), outermost first
    used = 0
    line_end: tuple[int, list[tuple[str, str]], int] | None = None  # (parts, tags open, next token)

    def finish() -> None:
        nonlocal current, used, line_end
        pieces.append(("".join(current), "".join(f"</{tag}>" for tag, _raw in reversed(opened))))
        current, used, line_end = [raw for _tag, raw in opened], 0, None

    i = 0
    while i < len(tokens):
        kind, raw, tag, length = tokens[i]
        if kind in ("text", "entity") and used + length > limit:
            if line_end is not None:  # back to the end of the last whole line
                parts, opened[:], i = line_end[0], line_end[1], line_end[2]
                del current[parts:]
            elif kind == "text":
                at = _cut(raw, limit - used) or (0 if used else 1)
                current.append(raw[:at])
                tokens[i] = (kind, raw[at:], tag, telegram_length(raw[at:]))
            finish()
            continue
        if kind == "open":
            opened.append((tag, raw))
        elif kind == "close" and opened and opened[-1][0] == tag:
            opened.pop()
        current.append(raw)
        used += length
        i += 1
        if kind == "text" and raw.endswith("\n"):
            line_end = (len(current), list(opened), i)
    if used:
        finish()
    return pieces


def split_message(text: str, limit: int = MAX_TEXT, *, html: bool = True) -> list[str]:
    """``text`` in pieces that each show at most ``limit`` characters, cut after a line
    where one fits; every piece is well-formed HTML (tags open at a cut are closed before
    it and opened again after it)."""
    if not too_long(text, limit):
        return [text]  # markup only makes the text shown shorter
    return [body + closing for body, closing in _pieces(text, limit, html) if body.strip()]


def shorten_message(text: str, limit: int, *, html: bool = True) -> str:
    """``text`` cut at a safe boundary to show at most ``limit`` characters, ending in "…"."""
    if not too_long(text, limit):
        return text
    pieces = _pieces(text, limit - len(ELLIPSIS), html)
    if len(pieces) < 2:
        return text
    body, closing = pieces[0]
    return body.rstrip() + ELLIPSIS + closing


def answered(query_id: str) -> bool:
    """Whether the button press ``query_id`` was answered while handling this update."""
    seen = _answered.get()
    return seen is not None and query_id in seen


def track_answers(query: CallbackQuery | None = None) -> None:
    """Start recording the answers sent while handling a button press (``query``), and where it was pressed. Not
    reset at the end: the error handler, which runs after the handler is left, still reads it (each update runs in
    its own task's context, or replaces it in sequential polling)."""
    _answered.set(set())
    pressed = query.message if query is not None else None
    if query is None or pressed is None:
        _pressed_in.set(None)
        return
    thread = pressed.message_thread_id if isinstance(pressed, Message) and pressed.is_topic_message else None
    _pressed_in.set({query.id: (pressed.chat.id, thread)})


class OutgoingGuard(BaseRequestMiddleware):
    """Keeps every request within Telegram's rules, whatever a template rendered from the
    data: a message longer than 4096 characters goes as several (the buttons with the last
    one); an edit or a caption is shortened with "…" instead. An answer to a press longer than
    Telegram shows (a refusal in Russian) answers it plainly and is said in the chat instead,
    whole. An edit that changes nothing is done already, not an error (a double tap on a button)."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        let_out()  # a person may see it: the update is not run again (``domain.contention``)
        if isinstance(method, SendMessage) and too_long(method.text, MAX_TEXT):
            return await self._in_pieces(make_request, bot, method)
        if isinstance(method, EditMessageText) and method.text and too_long(method.text, MAX_TEXT):
            method = cast(Any, method.model_copy(update={"text": self._shortened(bot, method, method.text, MAX_TEXT)}))
        elif isinstance(method, CAPTIONED) and method.caption and too_long(method.caption, MAX_CAPTION):
            caption = self._shortened(bot, method, method.caption, MAX_CAPTION)
            method = cast(Any, method.model_copy(update={"caption": caption}))
        elif isinstance(method, AnswerCallbackQuery) and method.text and too_long(method.text, MAX_ALERT):
            where = (_pressed_in.get() or {}).get(method.callback_query_id)
            if where is not None:
                return await self._said_in_chat(make_request, bot, method, method.text, where)
            # Pressed where nothing can be sent (an inline message): as much as the answer shows.
            method = cast(Any, method.model_copy(update={"text": shorten_message(method.text, MAX_ALERT, html=False)}))
        return await self._sent(make_request, bot, method)

    async def _sent(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        result: Any
        try:
            result = await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EDITS) and "message is not modified" in error.message:
                return True  # the screen already shows exactly this
            if not isinstance(method, AnswerCallbackQuery) or "query is too old" not in error.message:
                raise
            # Too late to answer (Telegram waits ~15 s): the spinner has stopped already, so the
            # press is as answered as it will be; what the handler does next must still happen.
            result = True
        if isinstance(method, AnswerCallbackQuery):
            seen = _answered.get()
            if seen is not None:
                seen.add(method.callback_query_id)
        return result

    async def _said_in_chat(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: AnswerCallbackQuery,
        text: str,
        where: tuple[int, int | None],
    ) -> Any:
        """The press answered plainly, then ``text`` (plain, as an answer is) sent where it was pressed: in a forum, in
        its topic, or in General when the topic is closed to the bot."""
        result = await self._sent(make_request, bot, method.model_copy(update={"text": None, "show_alert": None}))
        chat, thread = where
        said = SendMessage(chat_id=chat, text=str(escape(text)), message_thread_id=thread, parse_mode="HTML")
        try:
            await make_request(bot, cast(Any, said))
        except TelegramBadRequest as refused:
            if thread is None or "TOPIC_CLOSED" not in refused.message:
                raise
            await make_request(bot, cast(Any, said.model_copy(update={"message_thread_id": None})))
        return result

    @staticmethod
    def _is_html(bot: Bot, method: TelegramMethod[Any]) -> bool:
        mode = getattr(method, "parse_mode", None)
        if isinstance(mode, Default):
            mode = bot.default[mode.name]
        return isinstance(mode, str) and mode.upper() == "HTML"  # ParseMode is a str

    def _shortened(self, bot: Bot, method: TelegramMethod[Any], text: str, limit: int) -> str:
        return shorten_message(text, limit, html=self._is_html(bot, method))

    async def _in_pieces(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: SendMessage
    ) -> Any:
        pieces = split_message(method.text, MAX_TEXT, html=self._is_html(bot, method))
        for piece in pieces[:-1]:
            await make_request(bot, cast(Any, method.model_copy(update={"text": piece, "reply_markup": None})))
        return await make_request(bot, cast(Any, method.model_copy(update={"text": pieces[-1]})))
