"""Typo-tolerant search: the catalog's words, and a mistyped word corrected to the closest of them."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

# The rule. A search that finds nothing (as typed, then by stems) corrects each word of the text
# that is not a word of the catalog — product names in every language, category names — to the
# closest one, and searches again: "jumpr" → "jumper", "lantren" → "lantern", "tshirt" → "t-shirt",
# «свича» → «свеча». Closest is the fewest edits, a swap of two neighbouring letters counting as one
# (OSA): at most one for a word of 4–5 letters, two from 6 on; among as close, the most alike by
# letters kept (Indel), then the alphabetically first, so a text is always corrected alike. A word of
# three letters or fewer ("mug", "tee") is too short to guess, and one with a digit is a code, not a
# word: neither is corrected. Compared as a search compares names: lower case, "ё" read as "е". A
# correction that only changed words' forms ("mugs" → "mug", ``word_form``) is searched but not said.
MIN_CORRECTED = 4
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def folded(text: str) -> str:
    return text.lower().replace("ё", "е")


def words_of(names: Iterable[str]) -> set[str]:
    """Every word of ``names``, folded; a hyphenated word both whole and in its parts. Not a number
    or a code ("no. 17", "50x90"): a word is corrected to a word, never to a code. The names are
    read as one text and each distinct word checked once: a catalog says "mug" thousands of times
    (100,000 names: ~0.3 s, against ~1.3 s name by name)."""
    words: set[str] = set()
    for word in set(_WORD.findall(folded("\n".join(names)))):
        if _is_word(word):
            words.add(word)
            if "-" in word:
                words.update(part for part in word.split("-") if _is_word(part))
    return words


def _is_word(word: str) -> bool:
    return word.isalpha() or word.replace("-", "").replace("'", "").replace("’", "").isalpha()


def word_form(typed: str, meant: str) -> bool:
    """Another form of one word rather than a mistyping of it: one is the other with an ending
    ("mugs", "mug"; «свечами», «свеча») or only the last letter differs («кружки», «кружка»).
    "jumpr" for "jumper" and «свитр» for «свитер» lose a letter inside the word: mistyped."""
    if typed.startswith(meant) or meant.startswith(typed):
        return True
    return len(typed) == len(meant) and typed[:-1] == meant[:-1]


def allowed_edits(word: str) -> int:
    return 1 if len(word) < 6 else 2


@dataclass(frozen=True)
class SearchWords:
    """A catalog's vocabulary, grouped by length (``by_length[n]``: the words of ``n`` letters, sorted):
    a word is compared only with words whose length is within its allowed edits. Immutable all
    through, as the read cache hands the one vocabulary to every search."""

    by_length: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, names: Iterable[str]) -> SearchWords:
        words = words_of(names)
        grouped: list[list[str]] = [[] for _ in range(max(map(len, words), default=-1) + 1)]
        for word in sorted(words):
            grouped[len(word)].append(word)
        return cls(tuple(map(tuple, grouped)))

    def _of_length(self, n: int) -> tuple[str, ...]:
        return self.by_length[n] if 0 <= n < len(self.by_length) else ()

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        same = self._of_length(len(word))
        at = bisect_left(same, word)  # sorted: a lookup, not a scan
        return at < len(same) and same[at] == word

    def __len__(self) -> int:
        return sum(map(len, self.by_length))

    def closest(self, word: str) -> str | None:
        """The catalog's word ``word`` was meant to be, or None (known already, too short, a code, too far)."""
        word = folded(word)
        if len(word) < MIN_CORRECTED or not _is_word(word) or word in self:
            return None
        edits = allowed_edits(word)
        found = [
            (distance, -Indel.normalized_similarity(word, choice), choice)
            for n in range(len(word) - edits, len(word) + edits + 1)
            for choice, distance, _ in process.extract(
                word, self._of_length(n), scorer=OSA.distance, score_cutoff=edits, limit=None
            )
        ]
        return min(found)[2] if found else None

    def only_word_forms(self, text: str, corrected: str) -> bool:
        """Whether ``corrected`` changed only the forms of ``text``'s words ("mugs" → "mug", «кружки» →
        «кружка»), not their spelling: a search by word forms finds those without a word said
        (``word_form``), so the correction must not say the customer mistyped them."""
        pairs = zip(_WORD.findall(folded(text)), _WORD.findall(folded(corrected)), strict=False)
        return all(word_form(typed, meant) for typed, meant in pairs)

    def corrected(self, text: str) -> str:
        """``text`` with its mistyped words corrected, or "" when none is."""
        changed = False

        def fix(match: re.Match[str]) -> str:
            nonlocal changed
            closest = self.closest(match.group())
            changed = changed or closest is not None
            return closest or match.group()

        fixed = _WORD.sub(fix, text)
        return fixed if changed else ""
