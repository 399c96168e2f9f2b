"""A journal memo as message keys and their values: its English text for the journal, any language for a reader."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A memo's text is at most this long in the journal (``journal_entries.memo``); its keys and values keep all.
TEXT_LIMIT = 256


def _english(key: str) -> str:
    return key


def _as_written(name: str, value: str) -> str:
    return value


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a memo: a message key (``N_``: English, its values named in braces) and its
    values, each text as written (a code, an amount, a staff member's reason: never translated)
    or a part of its own (what a refund owed is for)."""

    key: str
    values: tuple[tuple[str, str | Part], ...] = ()

    def text(self, translate: Callable[[str], str] = _english, show: Callable[[str, str], str] = _as_written) -> str:
        """The part in ``translate``'s language, each text value as ``show`` writes it (name, value):
        a reader's numbers and words, the journal's as kept."""
        values = {
            name: show(name, value) if isinstance(value, str) else value.text(translate, show)
            for name, value in self.values
        }
        try:
            return translate(self.key).format(**values)
        except (KeyError, IndexError, ValueError):  # a translation naming a value the key lacks: the English
            return self.key.format(**values)

    def to_json(self) -> list[Any]:
        return [self.key, {name: v if isinstance(v, str) else v.to_json() for name, v in self.values}]

    @staticmethod
    def from_json(data: list[Any]) -> Part:
        key, values = data
        return Part(key, tuple((n, v if isinstance(v, str) else Part.from_json(v)) for n, v in values.items()))


@dataclass(frozen=True, slots=True)
class Memo:
    """What happened (the first part), then notes (an order's rate, its promo code, products
    without a cost), written "; "-joined as the journal has always kept them."""

    parts: tuple[Part, ...]

    @staticmethod
    def of(key: str, /, **values: object) -> Memo:
        """A memo of one part: ``key`` an ``N_`` message key (tests/unit/test_memo_keys.py checks every
        call), each value written as text (an amount as ``12.50 GBP``) unless it is a ``Part``."""
        return Memo((_part(key, values),))

    @property
    def key(self) -> str:
        return self.parts[0].key

    def text(
        self,
        translate: Callable[[str], str] = _english,
        limit: int | None = None,
        show: Callable[[str, str], str] = _as_written,
    ) -> str:
        """The memo in ``translate``'s language, its values as ``show`` writes them; within ``limit``
        characters the first part is shortened so the notes after it still show."""
        first, *notes = (part.text(translate, show) for part in self.parts)
        whole = "; ".join([first, *notes])
        if limit is None or len(whole) <= limit:
            return whole
        tail = "".join(f"; {note}" for note in notes)[: limit // 2]
        return (first[: limit - len(tail)] + tail)[:limit]

    def note(self, key: str, /, **values: object) -> Memo:
        """This memo with a note after it (``key`` an ``N_`` message key)."""
        return Memo((*self.parts, _part(key, values)))

    def within(self, key: str, /, **values: object) -> Memo:
        """This memo's first part as the ``{rest}`` of ``key`` ("refund owed, {rest}"), beside ``values``."""
        return Memo((Part(key, (*_part(key, values).values, ("rest", self.parts[0]))), *self.parts[1:]))

    def params(self) -> str:
        """The values as the journal keeps them beside the key (``journal_entries.memo_params``): JSON."""
        notes = [part.to_json() for part in self.parts[1:]]
        return json.dumps({"values": self.parts[0].to_json()[1], **({"notes": notes} if notes else {})})

    @staticmethod
    def read(key: str, params: str) -> Memo:
        """A memo as ``params`` keeps it."""
        data = json.loads(params or "{}")
        first = Part.from_json([key, data.get("values", {})])
        return Memo((first, *(Part.from_json(note) for note in data.get("notes", []))))


def _part(key: str, values: dict[str, object]) -> Part:
    return Part(key, tuple((name, v if isinstance(v, Part) else str(v)) for name, v in values.items()))
