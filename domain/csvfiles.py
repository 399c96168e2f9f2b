"""Reading the CSV files spreadsheets write: bytes to text, the delimiter, rows and their problems."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from domain.errors import DomainError, ImportRejected, Reason, UnknownCurrency
from domain.i18n import N_
from domain.money import Money, currency_exponent, normalize_currency

T = TypeVar("T")
DELIMITERS = ",;\t"
MAX_PROBLEMS_SHOWN = 50  # a file with every row bad says so without printing 100,000 lines

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 with BOM"
UTF16 = "UTF-16"
WINDOWS_1251 = "Windows-1251"


class RowError(DomainError):
    """A reason a row is bad: a message key with its parameters, read in the reader's language."""


class RowStopped(RowError):
    """A row that cannot go on for a problem it recorded already: said only if it recorded none (a
    reorder file's unit_cost of 0.333 was told as "is not a valid amount" and "is required" both)."""


def problem(key: str, /, **params: Any) -> Reason:
    return Reason.of(RowError(key, **params))


Problem = tuple[int, Reason]  # (line in the file, reason)


@dataclass(frozen=True, slots=True)
class CsvText:
    """A file's text and how it was read: the encoding is named in the import summary."""

    text: str
    encoding: str = UTF8


class UnreadableFile(RowError):
    key = N_("This is not a text file in UTF-8 or Windows-1251: {what}. Save it as “CSV UTF-8” and import it again.")


def decode_csv(data: bytes) -> CsvText:
    """Strict UTF-8 first (a BOM, as Excel's "CSV UTF-8" writes, is dropped); then UTF-16
    with its BOM (Excel's "Unicode text"); then Windows-1251 (what a Russian Excel writes
    as plain "CSV"), accepted only when every non-ASCII letter it gives is Cyrillic, since
    any byte string decodes as some single-byte code page. Anything else is refused on the
    line of its first bad byte, naming the problem."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportRejected([(1, problem(UnreadableFile.key, what=N_("an Excel workbook (.xlsx), not CSV")))])
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: the .xls 1C and old Excels save
        raise ImportRejected([(1, problem(UnreadableFile.key, what=N_("an Excel 97–2003 workbook (.xls), not CSV")))])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return CsvText(data.decode("utf-16"), UTF16)
        except UnicodeDecodeError:
            pass
    encoding = UTF8_BOM if data.startswith(b"\xef\xbb\xbf") else UTF8
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if b"\x00" not in data:
            text = data.decode("cp1251", errors="replace")
            if _plausibly_cyrillic(text):
                return CsvText(text, WINDOWS_1251)
        bad = f"0x{data[exc.start]:02X}"
        raise ImportRejected([(line, problem(UnreadableFile.key, what=bad))]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected([(line, problem(UnreadableFile.key, what="NUL"))])
    return CsvText(text, encoding)


_WORD = re.compile(r"[^\W\d_]+")


# The Unicode blocks named Cyrillic: a word wholly in them is a Cyrillic word.
_CYRILLIC_WORD = re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]+")


def _plausibly_cyrillic(text: str) -> bool:
    """Russian as Windows-1251 gives words wholly in Cyrillic; a Western file read so gives
    Latin words with a Cyrillic letter inside ("Café" as "Cafй"): then it is not this. Each
    distinct word is matched whole by a regular expression (letter by letter through
    ``unicodedata``, a 4 MB file took 3 s under the profiler)."""
    if "\ufffd" in text:
        return False
    # Counted in C, each distinct word judged once: a catalog repeats its words.
    words = [(w, n) for w, n in Counter(_WORD.findall(text)).items() if not w.isascii()]
    if not words:
        return False
    cyrillic = sum(n for w, n in words if _CYRILLIC_WORD.fullmatch(w))
    return cyrillic >= 0.95 * sum(n for _, n in words)


def sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon (Excel where the decimal mark is a comma) or tab, from the header."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: header_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


_GROUPING = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d{3})")


def decimal_point(raw: str) -> str:
    """ "1 234,50" (a decimal comma, spaces grouping thousands) as "1234.50"; in files whose
    delimiter is not a comma, where spreadsheets in such locales write numbers so."""
    if "," not in raw:
        return raw
    return _GROUPING.sub("", raw).replace(".", "").replace(",", ".")


@dataclass(frozen=True, slots=True)
class Columns:
    """A format's header: columns every file must have, those it may leave out, and
    prefixes of extra columns (``price_`` for ``price_RUB``)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    decimal: frozenset[str] = field(default_factory=frozenset)  # numbers that may have a fraction
    languages: tuple[str, ...] = ()  # prefixes of per-language columns (``name_`` for ``name_ru``)
    kind: str = ""  # the import it is read for (``prices``): a wrong header names it with its columns

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional

    def name(self, raw: str) -> str:
        """A header cell as the column it names: case and spaces do not matter."""
        lowered = raw.strip().lower()
        for prefix in self.languages:
            if lowered.startswith(prefix) and len(lowered) > len(prefix):
                return lowered
        for prefix in self.prefixes:
            if lowered.startswith(prefix) and len(lowered) > len(prefix):
                return prefix + raw.strip()[len(prefix) :].upper()
        return lowered if lowered in self.all else raw.strip()


class Row:
    """One row's values and every problem found in it: each check records its problem and
    carries on, so the operator fixes a row once, not once per column."""

    def __init__(self, line: int, values: dict[str, str], *, decimal_comma: bool) -> None:
        self.line = line
        self.values = values
        self.decimal_comma = decimal_comma
        self.problems: list[Reason] = []

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def fail(self, key: str, /, **params: Any) -> None:
        self._add(problem(key, **params))

    def _add(self, reason: Reason) -> None:
        if reason not in self.problems:  # one bad currency spoils every price column once
            self.problems.append(reason)

    def check(self, parse: Callable[..., T], *args: Any, default: T, column: str = "") -> T:
        """``column``: the column the value came from, named before a reason that does not name it."""
        try:
            return parse(*args)
        except DomainError as exc:
            self.failed(exc, column)
            return default

    def failed(self, error: DomainError, column: str = "") -> None:
        self._add(Reason.of(error, column))

    def required(self, name: str) -> str:
        if not self[name]:
            self.fail(N_("{column} is required"), column=name)
        return self[name]

    def number(self, name: str) -> str:
        """A decimal as written, with a decimal comma read as a point where the file has one."""
        return decimal_point(self[name]) if self.decimal_comma else self[name]

    def int(self, name: str, *, required: bool = False, minimum: int = 0) -> int:
        raw = self[name]
        if not raw:
            if required:
                self.fail(N_("{column} is required"), column=name)
            return 0
        try:  # "1 500" as a decimal comma's Excel saves a cell grouped in thousands, as a price's
            number = int(_GROUPING.sub("", raw) if self.decimal_comma else raw)
        except ValueError:
            self.fail(N_("{column} must be a whole number, got “{value}”"), column=name, value=raw)
            return 0
        if number < minimum:
            if minimum == 0:
                self.fail(N_("{column} must not be negative, got {value}"), column=name, value=raw)
            else:
                self.fail(
                    N_("{column} must be at least {minimum}, got {value}"), column=name, minimum=minimum, value=raw
                )
            return 0
        return number

    def float(self, name: str, low: float, high: float) -> float | None:
        raw = self.number(name)
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            self.fail(N_("{column} must be a number, got “{value}”"), column=name, value=self[name])
            return None
        if not low <= number <= high:
            self.fail(
                N_("{column} must be between {low} and {high}, got {value}"),
                column=name,
                low=str(low),
                high=str(high),
                value=self[name],
            )
            return None
        return number

    def bool(self, name: str) -> bool:
        raw = self[name].lower()
        # A Russian Excel saves TRUE and FALSE cells as ИСТИНА and ЛОЖЬ; people type да and нет.
        if raw in ("", "0", "false", "no", "n", "ложь", "нет"):
            return False
        if raw in ("1", "true", "yes", "y", "истина", "да"):
            return True
        self.fail(N_("{column} must be true or false, got “{value}”"), column=name, value=self[name])
        return False


def unknown_columns(text: str, columns: Columns) -> list[str]:
    """Header cells that name no column of the format: a typo (``weigth_g``) is ignored,
    and the summary says so."""
    header_line = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    cells = next(csv.reader([header_line], delimiter=sniff_delimiter(header_line)), [])
    names = [columns.name(cell) for cell in cells if cell.strip()]
    known = columns.prefixes + columns.languages
    return [n for n in names if n not in columns.all and not n.startswith(known)]


UNCLOSED_QUOTE = N_(
    'the quote (") opened on line {line} is not closed: close it, or write a quote inside a cell as two ("")'
)


def _unclosed_quote(raw: str, delimiter: str) -> int | None:
    """The line (0 for ``raw``'s first; ``raw`` is one row's lines) a quoted cell opens on that is never
    closed, or goes over a line break up to a quote with more after it: another row's quote, which the csv
    module (not strict) takes as its end. A cell on one line with more after its quote (``"Big" lamp``) is
    read as it always was. Jumps from quote to quote in C: the row may be the rest of a 10 MB file."""
    ends = re.compile(f"[{re.escape(delimiter)}\n]")
    at = 0
    while at < len(raw):
        if raw[at] == '"':
            close = raw.find('"', at + 1)
            while close != -1 and raw.startswith('""', close):  # a doubled quote is one quote in the cell
                close = raw.find('"', close + 2)
            if close == -1:
                return raw.count("\n", 0, at)
            after = raw[close + 1 : close + 2]
            if after in ("", delimiter, "\n"):
                at = close + 2
                continue
            if "\n" in raw[at:close]:
                return raw.count("\n", 0, at)
            at = close + 1  # the rest of the cell: its quotes are characters of it
        found = ends.search(raw, at)
        at = found.end() if found else len(raw)
    return None


class _Quotes:
    """Rows over several lines, and the last, looked at for a quote left open (most files have no such row
    but the last): a row as spreadsheets write it matched whole in C, only another scanned (``_unclosed_quote``)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.text, self.delimiter = text, delimiter
        self.last = text.count("\n")  # the file's last line: a quote opened on it takes in only its line break
        self.lines: list[str] | None = None  # split at the first row looked at
        d = re.escape(delimiter)
        cell = f'(?:"(?:[^"]++|"")*+"|[^"{d}\n][^{d}\n]*+)?+'
        self.written = re.compile(f"{cell}(?:{d}{cell})*+")

    def unclosed(self, first: int, last: int) -> int | None:
        """The line a quote left open in the row read from lines ``first`` to ``last`` opened on."""
        if first == last < self.last:  # one line: only a quoted cell goes on over a line break
            return None
        if self.lines is None:
            self.lines = self.text.split("\n")
        raw = "\n".join(self.lines[first - 1 : last])
        if self.written.fullmatch(raw):
            return None
        opened = _unclosed_quote(raw, self.delimiter)
        return None if opened is None else first + opened


class WrongHeader(DomainError):
    """The file's, not a row's: without its header no row can be read, so none is counted as bad."""


class HeaderLacksColumns(WrongHeader):
    key = N_(
        "The file's header is wrong: it lacks the column(s) {missing}. A {kind} file has the columns {expected}. "
        "Nothing was imported."
    )


class HeaderQuoteOpen(WrongHeader):
    key = N_(
        "The file's header is wrong: a quote (\") opened in it is not closed: close it, or write a quote inside a cell "
        'as two (""). Nothing was imported.'
    )


def read_rows(text: str, columns: Columns, problems: list[Problem]) -> Iterator[Row]:
    """The file's rows with their line numbers. A header without a required column, or with a quote left open, is
    raised as the header's (``WrongHeader``), by every importer alike: without it no row can be read. A line break
    typed in a cell is a newline, as a chat message's is: Notepad and Excel write it as CRLF, which was kept.
    A quote left open (``UNCLOSED_QUOTE``) is said on the line it opened, not as the problems of
    the one row the csv module makes of everything after it."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):  # a quote left open on the last line takes its line break, as any other's
        text += "\n"
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    quotes = _Quotes(text, delimiter)
    header: list[str] = []
    read = 0
    for cells in reader:
        line, read = read + 1, reader.line_num
        if any(c.strip() for c in cells):
            if quotes.unclosed(line, read) is not None:
                raise HeaderQuoteOpen()
            header = [columns.name(c) for c in cells]
            break
    missing = [c for c in columns.required if c not in header]
    if missing:
        raise HeaderLacksColumns(missing=", ".join(missing), kind=columns.kind, expected=", ".join(columns.all))
    read = reader.line_num
    for cells in reader:
        # A row is named by the line it starts on: a quoted cell may go on over several lines.
        line, read = read + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line
        if (opened := quotes.unclosed(line, read)) is not None:
            problems.append((opened, problem(UNCLOSED_QUOTE, line=opened)))
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append((line, problem(N_("more values than columns"))))
            continue
        values = dict.fromkeys(columns.optional, "")
        values.update({name: cell.strip() for name, cell in zip(header, cells, strict=False)})
        yield Row(line, values, decimal_comma=delimiter != ",")


def parse_all(text: str, columns: Columns, parse: Callable[[Row], T]) -> tuple[list[T], list[Problem]]:
    """Every row parsed, or every problem of every bad row."""
    problems: list[Problem] = []
    parsed: list[T] = []
    for row in read_rows(text, columns, problems):
        try:
            result = parse(row)
        except RowStopped as exc:
            if not row.problems:
                row.problems.append(Reason.of(exc))
        except DomainError as exc:  # a check that cannot carry on
            row.problems.append(Reason.of(exc))
        if row.problems:
            problems.extend((row.line, reason) for reason in row.problems)
        else:
            parsed.append(result)
    return parsed, problems


DUPLICATE = N_("duplicate {what} {value} (first on line {first})")


def flag_duplicates(items: list[tuple[int, str]], what: str, problems: list[Problem]) -> None:
    first_seen: dict[str, int] = {}
    for line, key in items:
        if key in first_seen:
            duplicate = problem(DUPLICATE, what=what, value=key, first=first_seen[key])
            problems.append((line, duplicate))
        else:
            first_seen[key] = line


def shown_problems(problems: list[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> tuple[list[Problem], int]:
    """The first ``limit`` problems in line order, and how many more there are."""
    ordered = sorted(problems, key=lambda p: p[0])
    return ordered[:limit], max(len(ordered) - limit, 0)


_DOTTED_THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")


def _places(currency: str) -> int:
    try:
        return currency_exponent(normalize_currency(currency))
    except DomainError:  # an unknown code: the currency column's own problem
        return 2


def money(row: Row, column: str, currency: str) -> Money | None:
    """A non-negative amount; None (with the problem recorded) when it is not one."""
    written = row[column].strip()
    # Where the file writes decimal commas, "1.234,50" groups thousands with a dot, so "1.250"
    # is 1250 as much as 1.25: a guess would price a product a thousand times wrong.
    if row.decimal_comma and _DOTTED_THOUSANDS.fullmatch(written) and _places(currency) < 3:
        whole = written.replace(".", "")
        fraction = Decimal(written).quantize(Decimal(1).scaleb(-_places(currency)))
        row.fail(
            N_("{column}: {value} could be {whole} or {comma}: write {whole}, or {comma} with a decimal comma."),
            column=column,
            value=written[:40],
            whole=whole,
            comma=str(fraction).replace(".", ","),
        )
        return None
    try:
        price = Money.parse(row.number(column), currency)
    except UnknownCurrency as exc:  # the currency column's problem; a price_XXX column's is its own
        row.failed(exc, column if column.startswith("price_") else "currency")
        return None
    except DomainError as exc:
        if "text" in exc.params:  # the amount as the file writes it ("12,5x"), not as it was read
            exc = type(exc)(exc.key, **{**exc.params, "text": row[column][:40]})
        row.failed(exc, column)
        return None
    if price.amount < 0:
        row.fail(N_("{column} must not be negative, got {value}"), column=column, value=row[column])
        return None
    return price
