"""Thousands of seeded random and hostile inputs through the sandbox, as customers and an
admin: random unicode, long and HTML-looking text, odd arguments for every command, old
buttons replayed and their data mutated, media at odd moments, checkouts interrupted at
every step. Every message gets a reply, every button press an answer, Telegram refuses no
call and nothing is logged as an error.

A failure prints the seed and the inputs that went unanswered; ``ORDERGRAM_FUZZ_SEED=N``
replays a run, ``ORDERGRAM_FUZZ_ROUNDS=N`` makes it longer.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram.filters import Command

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import Reply
from sandbox.server import BotMessage
from tests.e2e.conftest import ADMIN, refused_calls, shop_on
from tests.fakes import FakeClock

SEED = int(os.environ.get("ORDERGRAM_FUZZ_SEED", "16"))
ROUNDS = int(os.environ.get("ORDERGRAM_FUZZ_ROUNDS", "2500"))  # 2,400 gave 2,960 inputs once /whoami and /chatid joined
CUSTOMERS = (801, 802, 803)

HTML_LOOKING = (
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "<a href='javascript:x'>x</a>",
    "&amp;",
    '& < > "',
    "<<>>",
    "&#0;",
    "&nbsp;",
    "<tg-spoiler>",
    "<b><i>x</b></i>",
    "<pre><code class='x'>",
)
UNICODE_RANGES = (
    (0x20, 0x7E),  # ASCII
    (0x400, 0x4FF),  # Cyrillic
    (0x590, 0x6FF),  # Hebrew, Arabic (right to left)
    (0x200B, 0x200F),  # zero-width and direction marks
    (0x1F300, 0x1F64F),  # emoji outside the basic plane
    (0x0300, 0x036F),  # combining marks
    (0x4E00, 0x4E80),  # CJK
)
WORDS = (
    "85123A",
    "84077",
    "85099B",
    "LON",
    "MAN",
    "A-01-01-1",
    "B-06-06-3",
    "1",
    "2",
    "0",
    "-1",
    "+1",
    "1.5",
    "nan",
    "99999999999999999999",
    "RUB",
    "EUR",
    "USD",
    "105.20",
    "picker",
    "packer",
    "manager",
    "support",
    "admin",
    "on",
    "off",
    "today",
    "week",
    "month",
    "exchange",
    "customers",
    "@alice",
    "+447911123456",
    "2026-01-01",
    "DHL",
    "TRACK12345",
    "heart",
)


def random_text(rng: random.Random, longest: int = 60) -> str:
    low, high = rng.choice(UNICODE_RANGES)
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, longest)))


def hostile(rng: random.Random) -> str:
    """A value someone might type: random unicode, markup, a long text, or a word we know."""
    kind = rng.random()
    if kind < 0.25:
        return random_text(rng)
    if kind < 0.45:
        return rng.choice(HTML_LOOKING)
    if kind < 0.5:
        return rng.choice(("x", "<b>", "я", "😀")) * rng.choice((100, 1000, 4096))
    return rng.choice(WORDS)


def commands_of(bot: RunningBot) -> list[str]:
    """Every command some handler takes, read from the routers (a new command is fuzzed too)."""
    names: set[str] = set()
    for router in bot.runtime.dp.sub_routers:
        for handler in router.message.handlers:
            for event_filter in handler.filters or ():
                if isinstance(event_filter.callback, Command):
                    names.update(c for c in event_filter.callback.commands if isinstance(c, str))
    return sorted(names)


def mutated(rng: random.Random, data: str) -> str:
    """Callback data as a modified client or a stale build could send it (≤ 64 bytes)."""
    parts = data.split(":")
    choice = rng.random()
    if choice < 0.4 and len(parts) > 1:
        parts[rng.randrange(1, len(parts))] = rng.choice(
            ("nan", "-1", "0", "", "99999999999999999999", "x", "1e9", "True", "ü", str(rng.randint(0, 10**6)))
        )
    elif choice < 0.55:
        parts = parts[: rng.randint(1, len(parts))]
    elif choice < 0.7:
        parts.append(rng.choice(("1", "x", "")))
    elif choice < 0.85:
        parts[0] = rng.choice(
            ("pv", "cq", "cv", "co", "od", "ol", "oc", "op", "cd", "ca", "cs", "cm", "cc", "cg", "zz")
        )
    else:
        return random_text(rng, 20).encode()[:64].decode(errors="ignore") or "?"
    return ":".join(parts).encode()[:64].decode(errors="ignore") or "?"


class Fuzzer:
    def __init__(self, bot: RunningBot, rng: random.Random) -> None:
        self.bot, self.rng = bot, rng
        self.commands = commands_of(bot)
        self.admin = SandboxUser(bot.server, ADMIN, "Ada")
        self.customers = [
            SandboxUser(bot.server, uid, f"Customer {uid}", language_code=language)
            for uid, language in zip(CUSTOMERS, ("en", "ru", None), strict=True)
        ]
        self.unanswered: list[str] = []
        self.inputs = 0

    # ------------------------------------------------------------- checking
    async def said(self, user: SandboxUser, what: str, act: Callable[[], Awaitable[Reply]]) -> Reply:
        """A message from ``user``: the bot must put something in their chat."""
        self.inputs += 1
        reply = await act()
        if not reply.messages:
            self.unanswered.append(f"{user.id}: {what[:120]!r} got no reply")
        return reply

    async def pressed(self, user: SandboxUser, message: BotMessage, data: str) -> Reply:
        """A button press: it must be answered."""
        self.inputs += 1
        reply = await user.press_data(message, data)
        if reply.callback_answer is None:
            self.unanswered.append(f"{user.id}: press {data!r} was not answered")
        return reply

    # --------------------------------------------------------------- inputs
    def buttons(self, user: SandboxUser) -> list[tuple[BotMessage, str]]:
        """Every inline button still on a message in the user's chat, old ones included."""
        return [
            (message, button["callback_data"])
            for message in user.messages()
            for button in message.buttons()
            if "callback_data" in button
        ]

    async def command(self, user: SandboxUser, name: str = "") -> None:
        name = name or self.rng.choice(self.commands)
        args = [hostile(self.rng) for _ in range(self.rng.choice((0, 1, 1, 2, 3, 4, 5)))]
        if name in ("role", "revoke") and args and args[0] == str(ADMIN):
            args[0] = "2"  # the admin stays an admin, so staff commands keep running
        text = " ".join([f"/{name}", *args])
        await self.said(user, text, lambda: user.send(text))

    async def text(self, user: SandboxUser) -> None:
        text = hostile(self.rng) if self.rng.random() < 0.7 else random_text(self.rng, 300)
        if text.startswith("/"):
            text = " " + text
        await self.said(user, text, lambda: user.send(text))

    async def media(self, user: SandboxUser) -> None:
        rng = self.rng
        kind = rng.choice(("contact", "location", "photo", "document", "sticker"))
        if kind == "contact":
            phone = rng.choice(("+44 7911 123456", "12", hostile(rng)[:30] or "1"))
            await self.said(user, f"contact {phone}", lambda: user.share_contact(phone))
        elif kind == "location":
            point = (rng.uniform(-90, 90), rng.uniform(-180, 180))
            await self.said(user, f"location {point}", lambda: user.send_location(*point))
        elif kind == "photo":
            caption = rng.choice((None, hostile(rng)[:1024]))
            await self.said(user, f"photo {caption!r}", lambda: user.send_photo(rng.randbytes(64), caption))
        elif kind == "document":
            name = rng.choice(("stock.csv", "x.pdf", "<b>.txt"))
            await self.said(user, f"document {name}", lambda: user.send_document(rng.randbytes(32), name))
        else:
            await self.said(user, "sticker", lambda: user.send_sticker())

    async def button(self, user: SandboxUser) -> None:
        buttons = self.buttons(user)
        if not buttons:
            await self.command(user)
            return
        message, data = self.rng.choice(buttons)
        if self.rng.random() < 0.4:
            data = mutated(self.rng, data)
        await self.pressed(user, message, data)

    async def checkout_interrupted(self, user: SandboxUser) -> None:
        """A checkout cut at a random step by a random input, then carried on if it can be."""
        steps: list[Callable[[Reply], Awaitable[Reply] | None]] = [
            lambda _r: user.send("/checkout"),
            lambda _r: user.share_contact("+44 7911 123456"),
            lambda r: self.tap(user, r, self.rng.choice(("🚚", "🏬"))),
            lambda r: user.send("221B Baker Street, London NW1 6XE") if "address" in r.text else self.tap(user, r, ""),
            lambda r: user.send("Skip") if "location" in r.text else self.tap(user, r, ""),
            lambda r: self.tap(user, r, ""),
            lambda r: self.tap(user, r, self.rng.choice(("🎁", "✅"))),
            lambda r: user.send(hostile(self.rng)[:300]) if "gift card" in r.text else self.tap(user, r, "✅"),
            lambda r: self.tap(user, r, "✅"),
        ]
        await self.said(user, "/add 85123A 1", lambda: user.send("/add 85123A 1"))
        cut = self.rng.randrange(len(steps))
        reply = Reply()
        for number, step in enumerate(steps):
            if number == cut:
                await self.rng.choice((self.text, self.media, self.button, self.command))(user)
                if self.rng.random() < 0.5:
                    return
            act = step(reply)
            if act is None:
                return
            self.inputs += 1
            reply = await act
            if not (reply.messages or reply.callback_answer):
                self.unanswered.append(f"{user.id}: checkout step {number} got no reply")

    def tap(self, user: SandboxUser, reply: Reply, text: str) -> Awaitable[Reply] | None:
        """Press a button containing ``text`` (any, for "") on the newest message with buttons."""
        for message in reversed(reply.messages):
            matches = [b for b in message.buttons() if "callback_data" in b and text in b["text"]]
            if matches:
                return user.press_data(message, self.rng.choice(matches)["callback_data"])
        return None

    async def run(self, rounds: int) -> None:
        for name in self.commands:  # each command at least once, as staff and as a customer
            for user in (self.admin, self.rng.choice(self.customers)):
                await self.command(user, name)
        actions = (self.command, self.command, self.text, self.media, self.button, self.button)
        for _ in range(rounds):
            user = self.admin if self.rng.random() < 0.45 else self.rng.choice(self.customers)
            if user is not self.admin and self.rng.random() < 0.08:
                await self.checkout_interrupted(user)
            else:
                await self.rng.choice(actions)(user)


def what_was_sent(bot: RunningBot, log_message: str) -> str:
    """The input behind "update N failed", to read in a failure."""
    words = log_message.split()
    if len(words) < 2 or not words[1].isdigit() or int(words[1]) not in bot.server.sent_updates:
        return log_message
    update = bot.server.sent_updates[int(words[1])]
    if "callback_query" in update:
        return f"press {update['callback_query']['data']!r}"
    message = update.get("message", {})
    return repr(message.get("text") or sorted(message))


@pytest.fixture
async def fuzzed_shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The demo shop with an admin, on each engine (PostgreSQL also checks column sizes)."""
    async with shop_on(
        database_url, clock, payment_provider_token="sandbox:provider", staff_chat_id=-100500, admin_ids=[ADMIN]
    ) as bot:
        yield bot


async def test_every_input_is_answered_and_nothing_is_refused(
    fuzzed_shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fuzzer = Fuzzer(fuzzed_shop, random.Random(SEED))
    await fuzzer.run(ROUNDS)
    errors = [
        f"{r.exc_info[1]!r} on {what_was_sent(fuzzed_shop, r.getMessage())}"[:400] if r.exc_info else r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR
    ]
    refused = refused_calls(fuzzed_shop)
    summary = f"seed {SEED}, {fuzzer.inputs} inputs"
    assert fuzzer.inputs >= 3000, summary
    assert refused == [], f"{summary}: {len(refused)} refused calls, e.g. {refused[:10]}"
    assert errors == [], f"{summary}: {len(errors)} errors logged, e.g. {errors[:8]}"
    assert fuzzer.unanswered == [], f"{summary}: {len(fuzzer.unanswered)} unanswered, e.g. {fuzzer.unanswered[:15]}"
