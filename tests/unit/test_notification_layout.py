"""Every notification template, every branch of its ifs taken and not, in English and Russian:
no two sentences run together where a block tag ate a line break, no empty lines piled up, no
line starting with a space (the cancelled-order notice read "…the way you paid.Details: …")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiogram.utils.i18n import I18n
from jinja2 import BaseLoader, ChainableUndefined, Environment, FileSystemLoader
from jinja2.filters import FILTERS

from handlers.views.rendering import TEMPLATES_DIR, Renderer

FOLDER = TEMPLATES_DIR / "notifications"
TEMPLATES = sorted(path.name for path in FOLDER.glob("*.j2"))
BRANCH = re.compile(r"{%(-?)\s*(if|elif)\s(?:(?!loop\.).)*?(-?)%}", re.S)  # a loop's own place decides itself
# A value or a word run into the next line's first word: "ago.Your", "samplefoo", "in cashsample", a
# closing tag or a word straight before the next line's words or emoji ("</b>2.", "received 5⚠️").
GLUED = re.compile(r"[a-zа-яё][A-ZА-ЯЁ]|sample\w|[^\W\d_]sample|</[a-z]+>\w|\w[\u2600-\u27bf\U0001f300-\U0001faff]")
INCLUDE = re.compile(r"""{%-?\s*include\s+["']([^"']+)["']""")
RUN_TOGETHER = re.compile(r"[^\s\d][.!?;](?=[^\s\d.…)»\"'<,:/])")  # "дн.:" is an abbreviation, no run
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|xlsx|pdf)\b")  # "FILE.csv" names a file: no sentence ends in it


class Sample(ChainableUndefined):
    """Whatever a template reads that the test does not give: a word, a count of 2, a list of two."""

    def __str__(self) -> str:
        return "sample"

    def __html__(self) -> str:
        return "sample"

    def __iter__(self) -> Iterator[Sample]:
        return iter([Sample(), Sample()])

    def __len__(self) -> int:
        return 2

    def __int__(self, *args: Any, **kwargs: Any) -> Any:
        return 2

    def __float__(self, *args: Any, **kwargs: Any) -> Any:
        return 2.0

    def __bool__(self) -> bool:
        return True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return type(self)()

    def __getitem__(self, *args: Any, **kwargs: Any) -> Any:
        return type(self)()

    def __lt__(self, *args: Any, **kwargs: Any) -> Any:
        return False

    __le__ = __gt__ = __ge__ = __lt__
    # Sums a template works out (an offset plus the row's number, a count less those shown): a word too.
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __floordiv__ = __call__


class Empty(Sample):
    """A screen with nothing in its sections: every list it reads is empty."""

    def __iter__(self) -> Iterator[Sample]:
        return iter([])

    def __len__(self) -> int:
        return 0


# Staff screens drawn from one view object, whose sections may each be empty or full.
STAFF = [
    f"staff/{name}.html.j2"
    for name in [
        "ap",
        "ar",
        "campaign_preview",
        "campaign_report",
        "fx",
        "fx_set",
        "invite",
        "list",
        "lowstock",
        "order",
        "pack_progress",
        "pack_start",
        "pick_done",
        "pick_step",
        "po_list",
        "pricelist",
        "pricelist_rule",
        "pricelist_set",
        "product",
        "product_history",
        "returns",
        "backorder_terms",
        "customer",
        "settings",
        "slow",
        "stock_value",
        "top",
        "promotions",
        "report",
        "stock",
        "pack_boxes",
        "packed",
        "conversations",
        "forecast",
        "refunds_owed",
        "queue",
        "campaigns",
        "trial",
        "po",
        "reviews",
        "rma",
    ]
]

# Screens that indent some lines on purpose, and by how much: a line under its heading (a promotion's
# terms, a currency's revenue, a warehouse's bins, a review's words, a parcel of a returned line).
# Any other leading space is still a line broken where it should not be.
INDENTED = {
    "staff/promotions.html.j2": "  ",
    "staff/report.html.j2": "  ",
    "staff/stock.html.j2": "   ",
    "staff/reviews.html.j2": "   ",
    "staff/rma.html.j2": "   ",
}


def samples(template: str, undefined: type[Sample]) -> dict[str, Any]:
    """What a screen reads that a word cannot stand for: rows of tuples (as many as the word's list)."""
    word, rows = undefined(), len(undefined())
    given: dict[str, dict[str, Any]] = {
        "staff/campaigns.html.j2": {"campaigns": [(word, "sample", "sample")] * rows},
        "staff/trial.html.j2": {
            "balance": SimpleNamespace(rows=[(word, word, word)] * rows, totals=lambda: [(word, word)])
        },
        # A line off its supplier's terms: its pack, least order and the quantities either side.
        "staff/po.html.j2": {"off": {word: (word, word, word, word)}},
        # An invoice's line names the notes it can (credit, then debit) and counts those it leaves out.
        "staff/ar.html.j2": {
            "receivables": [SimpleNamespace(notes=SimpleNamespace(named=lambda: ([word] * rows, [word] * rows, word)))]
            * rows
        },
    }
    return given.get(template, {})


def switches_of(name: str) -> list[str]:
    """The switch variables standing for the template's conditions (its includes' too)."""
    source = (TEMPLATES_DIR / name).read_text()
    own = [_switch(name, n) for n in range(len(BRANCH.findall(source)))]
    return own + [s for included in INCLUDE.findall(source) for s in switches_of(included)]


def _switch(name: str, n: int) -> str:
    return "b_" + re.sub(r"\W", "_", name) + f"_{n}"


class Switched(BaseLoader):
    """The templates with each ``if``/``elif`` condition replaced by a switch the test sets."""

    def __init__(self) -> None:
        self.files = FileSystemLoader(TEMPLATES_DIR)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.files.get_source(environment, template)
        counter = iter(range(10_000))

        def replaced(match: re.Match[str]) -> str:
            left, keyword, right = match.groups()
            return f"{{%{left} {keyword} {_switch(template, next(counter))} {right}%}}"

        return BRANCH.sub(replaced, source), filename, uptodate


def combinations(switches: list[str]) -> Iterator[dict[str, bool]]:
    """All off, all on, and each one alone on and alone off: every branch taken and skipped."""
    yield dict.fromkeys(switches, False)
    yield dict.fromkeys(switches, True)
    for switch in switches:
        yield {**dict.fromkeys(switches, False), switch: True}
        yield {**dict.fromkeys(switches, True), switch: False}


def environment(language: str, i18n: I18n, undefined: type[Sample] = Sample) -> Environment:
    """The renderer's own settings and catalog for ``language``; its formatting filters give a word."""
    real = Renderer().env
    env = real.overlay(loader=Switched(), undefined=undefined, cache_size=0)
    env.filters = {**real.filters, **{k: _word for k in real.filters if k not in FILTERS}}
    counted = cast(Callable[..., Any], real.globals["ngettext"])
    env.globals = {
        **real.globals,
        "money_of": _word,
        "ngettext": lambda one, many, num, **values: counted(one, many, int(num), **values),
    }
    env.translate = partial(i18n.gettext, locale=language)
    return env


def _word(*args: object, **kwargs: object) -> str:
    return "sample"


def problems(text: str, indent: str = "") -> list[str]:
    found = [f"run together: {m.group()!r}" for m in RUN_TOGETHER.finditer(FILE_NAME.sub("file", text))]
    found += [f"glued: {m.group()!r}" for m in GLUED.finditer(text)]
    found += ["three line breaks in a row"] if "\n\n\n" in text else []
    found += [
        f"starts with a space: {line!r}"
        for line in text.splitlines()
        if line.startswith(" ") and not (indent and line.startswith(indent) and line[len(indent) :][:1].strip())
    ]
    return found


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", TEMPLATES)
def test_no_notification_runs_two_sentences_together_whichever_branches_it_takes(
    i18n: I18n, name: str, language: str
) -> None:
    i18n.current_locale = language
    env = environment(language, i18n)
    template = f"notifications/{name}"
    failures = set()
    for switches in combinations(switches_of(template)):
        text = env.get_template(template).render(**switches).strip()
        failures |= {f"{problem} (on: {sorted(k for k, v in switches.items() if v)})" for problem in problems(text)}
    assert not failures, "\n".join(sorted(failures))


@pytest.mark.parametrize("undefined", [Sample, Empty], ids=["full", "empty"])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("template", STAFF)
def test_no_staff_screen_runs_lines_together_whichever_branches_it_takes(
    i18n: I18n, template: str, language: str, undefined: type[Sample]
) -> None:
    i18n.current_locale = language
    env = environment(language, i18n, undefined)
    failures = set()
    for switches in combinations(switches_of(template)):
        text = env.get_template(template).render(**samples(template, undefined), **switches).strip()
        found = problems(text, INDENTED.get(template, ""))
        failures |= {f"{problem} (on: {sorted(k for k, v in switches.items() if v)})" for problem in found}
    assert not failures, "\n".join(sorted(failures))


def test_the_layout_check_itself_catches_lines_run_together_and_lets_files_and_indents_be() -> None:
    assert problems("1. /order A — 💵 in cashsample. /order B") == ["glued: 'hsample'"]
    assert problems("1. /order A — <b>sample</b>sample. /order B") == ["glued: '</b>s'"]
    assert problems("• 84077 × 20 at £1.00 — received sample⚠️ off the supplier's terms") == ["glued: 'e⚠'"]
    assert problems("or “ordergram import boxes FILE.csv”).") == []
    assert problems("срок поставки 5 дн.: расчёт на 7 дн.") == []
    assert problems("Done.Next") == ["run together: 'e.'"]
    assert problems("Bins\n   ▫️ A-01: 3", "   ") == []
    assert problems("Bins\n    ▫️ A-01: 3", "   ") == ["starts with a space: '    ▫️ A-01: 3'"]
    assert problems("Bins\n   ▫️ A-01: 3") == ["starts with a space: '   ▫️ A-01: 3'"]
