"""Backorders and preorders: a product's terms, the waiting part of an order, and who is filled first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.catalog import normalize_sku
from domain.csvfiles import Columns, Problem, Row, parse_all
from domain.errors import DomainError
from domain.i18n import N_

BACKORDER_FLAG = "BACKORDER"  # an order with a part still waiting: not picked until it is whole
SPLIT_FLAG = "SPLIT"  # ...unless its customer chose to have what is there sent now, the rest in a later parcel
MAX_BACKORDER_LIMIT = 1_000_000


class NothingWaiting(DomainError):
    key = N_("Nothing of this order is waiting any more: it has been allocated or cancelled.")


class NoSplit(DomainError):
    key = N_("Order {code} can no longer be split: nothing of it is waiting, nothing is ready, or picking has begun.")


class PreorderFull(DomainError):
    key = N_("{name}: only {available} more can be preordered now. Your cart was not changed; please adjust it.")


class ReleasedAlready(DomainError):
    key = N_("A preorder's release date must be after today.")


class BadBackorderTerms(DomainError):
    key = N_("Write: on, on LIMIT, preorder YYYY-MM-DD, preorder YYYY-MM-DD LIMIT, or off.")


@dataclass(frozen=True, slots=True)
class BackorderTerms:
    """May a product be ordered beyond what is available? ``allowed``: a backorder; a
    ``release_date``: a preorder (allowed until then, and after if ``allowed``); ``limit``:
    how many units may wait at once (None: any number)."""

    product_id: int
    allowed: bool = False
    limit: int | None = None
    release_date: date | None = None

    def is_preorder(self, today: date) -> bool:
        return self.release_date is not None and self.release_date > today

    def accepts(self, today: date) -> bool:
        return self.allowed or self.is_preorder(today)

    def room(self, waiting: int, today: date) -> int | None:
        """Units that may still wait (None: no limit); 0 when the product takes none."""
        if not self.accepts(today):
            return 0
        return None if self.limit is None else max(self.limit - waiting, 0)


def parse_terms(product_id: int, text: str) -> BackorderTerms | None:
    """What a manager types or a products file holds: ``on``, ``on 50``, ``preorder
    2027-01-15``, ``preorder 2027-01-15 100``, ``off`` (None: no terms)."""
    words = text.strip().lower().split()
    if not words or words == ["off"]:
        return None
    try:
        if words[0] == "on" and len(words) <= 2:
            return BackorderTerms(product_id, True, _limit(words[1:]))
        if words[0] == "preorder" and 2 <= len(words) <= 3:
            return BackorderTerms(product_id, False, _limit(words[2:]), date.fromisoformat(words[1]))
    except ValueError:
        pass
    raise BadBackorderTerms()


def _limit(words: list[str]) -> int | None:
    if not words:
        return None
    limit = int(words[0])
    if not 1 <= limit <= MAX_BACKORDER_LIMIT:
        raise ValueError(limit)
    return limit


def terms_text(terms: BackorderTerms | None) -> str:
    """The inverse of ``parse_terms``: how the sheet and a products file show them."""
    if terms is None or not (terms.allowed or terms.release_date):
        return "off"
    head = f"preorder {terms.release_date.isoformat()}" if terms.release_date else "on"
    return f"{head} {terms.limit}" if terms.limit is not None else head


class BackorderStatus(StrEnum):
    WAITING = "waiting"
    FILLED = "filled"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Backorder:
    """The part of an order line that stock did not cover when it was placed."""

    order_id: int
    product_id: int
    customer_id: int
    quantity: int  # still waiting
    created_at: datetime
    vip: bool = False
    filled: int = 0
    cancelled: int = 0
    status: BackorderStatus = BackorderStatus.WAITING
    id: int | None = None


def fill_sequence(waiting: list[Backorder]) -> list[Backorder]:
    """Who is filled first: VIP customers, then the oldest (ties by id)."""
    return sorted(waiting, key=lambda b: (not b.vip, b.created_at, b.id or 0))


def expected_date(po_date: date | None, release_date: date | None, today: date) -> date | None:
    """When a waiting part should arrive: the open purchase order's expected date, but not
    before a preorder's release date; the release date alone when nothing is on order."""
    if release_date is not None and release_date > today:
        return max(release_date, po_date) if po_date is not None else release_date
    return po_date


# Read from a products file, beside its other columns: its own reading names a missing sku column.
BACKORDER_COLUMNS = Columns((), ("sku", "backorder"))


def parse_backorder_column(text: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """A products file's optional ``backorder`` column: (SKU, terms as ``parse_terms``
    reads them) of the rows that give one; an empty cell keeps what is known."""

    def one(row: Row) -> tuple[str, str]:
        value = row["backorder"]
        if not value:
            return "", ""
        row.check(parse_terms, 0, value, default=None, column="backorder")
        try:
            return normalize_sku(row["sku"]), value
        except DomainError:  # the products file's own reading names a bad SKU: once is enough
            return "", ""

    parsed, problems = parse_all(text, BACKORDER_COLUMNS, one)
    return [(sku, value) for sku, value in parsed if value], problems
