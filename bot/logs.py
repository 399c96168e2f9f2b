"""Logging set-up (``LOG_LEVEL``, ``LOG_FORMAT=text|json``): secrets redacted, the update in context."""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "***"
UPDATES_LOGGER = "ordergram.updates"  # one record per handled update

# Libraries that log every routine step at INFO: once a minute (APScheduler's "Running job"
# and "executed successfully") or once per update (aiogram's own "Update id=… is handled",
# which our per-update record replaces). Their INFO is shown only at LOG_LEVEL=DEBUG.
ROUTINE_AT_INFO = ("apscheduler", "aiogram.event", "alembic.runtime.plugins")
# Libraries whose DEBUG is every SQL statement with its parameters (customers' data) or every
# sqlite3 call: LOG_LEVEL=DEBUG is for Ordergram's own reasoning, not a statement trace.
QUIET_EVEN_AT_DEBUG = ("sqlalchemy", "aiosqlite", "asyncio")

# What may carry a credential, whatever logged it (aiohttp and aiogram put the bot token in
# request URLs; a traceback may quote a URL with a password), each with a piece of text a line
# must contain to hold it (None: always looked for). Known values are redacted too
# (``never_log``): ``load_settings`` registers every secret of the configuration.
SECRET_SHAPES: tuple[tuple[str | None, str], ...] = (
    # A Telegram bot token (id:secret), or a Telegram Payments provider token (id:LIVE:secret):
    # one shape, as the two alternatives after their common start scan a line twice as fast.
    # Its start is ``(?<!\d)\d{4,}`` (4+ digits, none before them) written digit first, so the
    # engine skips to the next digit instead of trying every position: ~5.3 → ~3.6 µs a line
    # (``tests/test_logs.py`` compares the matches of the two forms).
    (None, r"\d(?<!\d\d)\d{3,}:(?:[A-Za-z0-9_-]{30,}|(?:TEST|LIVE):[A-Za-z0-9_:-]+)"),
    ("og_", r"\bog_[0-9a-f]{8}_[A-Za-z0-9_-]+"),  # an Ordergram API key (domain.apikeys)
    ("Bearer ", r"(?<=Bearer )[^\s\"',;]+"),
    ("://", r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),  # user:password in a URL
)
# Performance rule: a line is written for every update, and one pass of a regular expression
# over it costs ~4 µs (the five shapes as one alternation ~20 µs, two thirds of the record's
# whole cost); a substring test costs ~50 ns. So a shape whose text a line does not contain is
# not looked for, and the known values only when one of them is in the line. Whatever the one
# expression of all of them redacted is redacted (``tests/test_logs.py`` compares the two).
_ALWAYS = re.compile("|".join(shape for needle, shape in SECRET_SHAPES if needle is None))
_NEEDING = tuple((needle, re.compile(shape)) for needle, shape in SECRET_SHAPES if needle is not None)
_known: set[str] = set()
_known_values: re.Pattern[str] | None = None


def never_log(*secrets: str | None) -> None:
    """Redact these values from every log record from now on (the shortest are ignored:
    redacting "a" would make every line unreadable and protect nothing)."""
    global _known_values
    new = {secret for secret in secrets if secret and len(secret) >= 6} - _known
    if new:
        _known.update(new)
        _known_values = re.compile("|".join(re.escape(s) for s in sorted(_known, key=len, reverse=True)))


MAX_LOGGED_TEXT = 200  # characters of a client's text (a request path) a log line quotes


def quoted(text: str, limit: int = MAX_LOGGED_TEXT) -> str:
    """A client's text (a request path) for a log line: shortened, and ``repr``'d so a line break,
    a terminal escape or a direction control in it is written escaped and the record stays one line."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def redact(text: str) -> str:
    """``text`` with every stretch that any shape or known value matches in it replaced: each
    is looked for in the text as given (one pass's replacement must not hide another's match),
    and overlapping stretches are replaced as one."""
    spans: list[tuple[int, int]] = []
    if _known_values is not None and any(secret in text for secret in _known):
        spans += [match.span() for match in _known_values.finditer(text)]
    spans += [match.span() for match in _ALWAYS.finditer(text)]
    for needle, shape in _NEEDING:
        if needle in text:
            spans += [match.span() for match in shape.finditer(text)]
    if not spans:
        return text
    spans.sort()
    kept, (start, end) = [], spans[0]
    for next_start, next_end in spans[1:]:
        if next_start <= end:  # overlapping or touching: one stretch
            end = max(end, next_end)
        else:
            kept.append((start, end))
            start, end = next_start, next_end
    kept.append((start, end))
    parts: list[str] = []
    last = 0
    for start, end in kept:
        parts += (text[last:start], REDACTED)
        last = end
    parts.append(text[last:])
    return "".join(parts)


@dataclass(slots=True)
class UpdateContext:
    """The update being handled, for every record logged while it is (and for the metrics:
    ``bot.metrics`` counts the database statements it ran into ``statements``)."""

    update_id: int
    user_id: int | None = None
    handler: str = ""
    statements: int = 0
    duplicate: bool = False  # already taken by a process sharing Redis (this one, earlier, or another)


CURRENT_UPDATE: ContextVar[UpdateContext | None] = ContextVar("ordergram_update", default=None)


class _InUpdate(logging.Filter):
    """Adds ``update_id`` and ``user_id`` to records logged while an update is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        update = CURRENT_UPDATE.get()
        if update is not None and not hasattr(record, "update_id"):
            record.update_id = update.update_id
            record.user_id = update.user_id
        return True


class _RoutineToDebug(logging.Filter):
    """Shows the routine INFO of ``ROUTINE_AT_INFO`` libraries as DEBUG (or not at all)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and record.name.startswith(ROUTINE_AT_INFO):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return self.level <= logging.DEBUG
        return True


class _SecondsKept(logging.Formatter):
    """``logging.Formatter`` whose default ``asctime`` is made once a second: a line is
    written for every update, and ``strftime`` of the same second each time was ~2 µs of it.
    The text is the one ``formatTime`` gives (the second's, then its milliseconds)."""

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self._second: int | None = None
        self._second_text = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._second_text = time.strftime(self.default_time_format, self.converter(second))
            self._second = second
        msec_format = self.default_msec_format
        return msec_format % (self._second_text, record.msecs) if msec_format else self._second_text


class _Redacting(logging.Formatter):
    """Formats with ``inner``, then redacts: the message, its arguments, a traceback and
    any extra field all pass through here, whoever logged them."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def _json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def setup_logging(level: str, fmt: str, *, stream: IO[str] | None = None) -> logging.Handler:
    """Send every record to ``stream`` (stderr) at ``level`` and above, as text or one JSON
    object per line. Called once at start-up; calling it again replaces what it set up."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Redacting(_json_formatter() if fmt == "json" else _SecondsKept(TEXT_FORMAT)))
    numeric = logging.getLevelName(level.upper())
    handler.addFilter(_RoutineToDebug(numeric))
    handler.addFilter(_InUpdate())
    handler.set_name("ordergram")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "ordergram"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in QUIET_EVEN_AT_DEBUG:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    # Performance rule: above DEBUG the routine INFO of these libraries is dropped by the filter
    # above, but only after its record was made (the caller found, the record built, the filters
    # run): ~9 µs for aiogram's "Update id=… is handled", once per update. The same records are
    # dropped at the logger, before any is made; at DEBUG every one is let through, as before.
    for name in ROUTINE_AT_INFO:
        logging.getLogger(name).setLevel(logging.NOTSET if numeric <= logging.DEBUG else max(numeric, logging.WARNING))
    return handler


def configure(command: str) -> None:
    """``ordergram COMMAND``'s logging, from ``LOG_LEVEL`` and ``LOG_FORMAT``. The demo's output
    is the chat transcript: it logs warnings only, unless ``LOG_LEVEL`` says otherwise. As
    ``logging.basicConfig``, it leaves alone logging that whoever runs ``main`` set up already
    (an application embedding it, a test runner)."""
    from bot.config import load_log_settings

    settings = load_log_settings(default_level="WARNING" if command == "demo" else "INFO")
    if not any(handler.get_name() != "ordergram" for handler in logging.getLogger().handlers):
        setup_logging(settings.log_level, settings.log_format)
