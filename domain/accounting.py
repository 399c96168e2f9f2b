"""The accounting journal: double entry, in the shop's base currency, amounts exact.

Each business event posts one entry whose debits equal its credits (``JournalEntry``
refuses anything else), linked to its source document (``order:CODE``, ``po:N``,
``return:RMA``). Amounts in an order's currency are brought to the base currency with the
rate the order was placed with, so the books never move with later rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.i18n import N_
from domain.memos import TEXT_LIMIT, Memo
from domain.money import Money


class Account(StrEnum):
    CASH = "1000 Cash"
    RECEIVABLE = "1100 Accounts receivable"
    INVENTORY = "1200 Inventory"
    PAYABLE = "2000 Accounts payable"
    REFUNDS_PAYABLE = "2100 Refunds owed to customers"
    TAX_PAYABLE = "2200 Sales tax payable"
    # Equity: the other side of stock that came in without a purchase order (opening stock
    # imported, goods-in, units found in a count), for the accountant to reclassify.
    STOCK_WITHOUT_ORDER = "3000 Opening stock and goods without an order"
    REVENUE = "4000 Sales"
    SHIPPING_INCOME = "4100 Shipping income"
    DISCOUNTS = "4800 Sales discounts"  # contra-revenue: sales are booked at list price, less this
    SALES_RETURNS = "4900 Sales returns"
    # Contra-revenue: money given back on a sale that stands, no goods returned (a late delivery,
    # a damaged box kept: /refund), net of the tax inside it, kept apart from returns.
    GOODWILL = "4950 Goodwill refunds and allowances"
    COGS = "5000 Cost of goods sold"
    WRITE_OFFS = "5100 Inventory write-offs"
    # A standard-cost shop's two variances (``domain.usecases.revaluation``): stock on hand
    # revalued when its unit cost changes, and a receipt's price above or below that cost.
    # 5200 also takes stock costed in a currency revalued at a new rate (/fx).
    INVENTORY_REVALUATION = "5200 Inventory revaluation"
    PURCHASE_PRICE_VARIANCE = "5300 Purchase price variance"
    # A foreign-currency purchase's payable is its total converted whole, its stock a unit at a
    # time (as the stock value counts it): the pennies between them, no price variance.
    CURRENCY_ROUNDING = "5400 Currency conversion rounding"
    # A supplier paid in a currency at another rate than its goods were received: the realised
    # exchange gain or loss on the payable, not a revaluation of stock (entries booked to 5200
    # before this account existed stay there: the journal is append-only).
    EXCHANGE_DIFFERENCES = "5500 Exchange gains and losses"


class Unbalanced(DomainError):
    key = N_("A journal entry must balance: debits {debits}, credits {credits}.")


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: Account
    debit: int = 0  # minor units of the base currency
    credit: int = 0


@dataclass(frozen=True, slots=True)
class JournalEntry:
    at: datetime
    source: str  # the document: order:CODE, po:N, return:RMA
    memo: str  # in English, as ``ordergram export journal`` writes it
    currency: str
    lines: tuple[JournalLine, ...] = field(default_factory=tuple)
    id: int | None = None
    keyed: Memo | None = None  # the memo's keys and values, read in the reader's language; None before they were kept

    def __post_init__(self) -> None:
        debits, credits = sum(x.debit for x in self.lines), sum(x.credit for x in self.lines)
        if debits != credits or any(x.debit < 0 or x.credit < 0 for x in self.lines):
            raise Unbalanced(debits=debits, credits=credits)

    @property
    def total(self) -> int:
        return sum(x.debit for x in self.lines)


def to_base(money: Money, fx_rate: str, base: str) -> int:
    """``fx_rate`` is order-currency units per one base unit (``Order.fx_rate``)."""
    if money.currency == base:
        return money.amount
    return Money.from_decimal(money.to_decimal() / Decimal(fx_rate), base).amount


def entry(
    at: datetime, source: str, memo: Memo, currency: str, *pairs: tuple[Account, Account, int]
) -> JournalEntry | None:
    """An entry from (debit account, credit account, amount) pairs, one line per account and
    side (a sale's cash is one debit, however many credits it pays for); zero amounts are
    left out, and an entry with nothing in it is not made."""
    debits: dict[Account, int] = {}
    credits: dict[Account, int] = {}
    for debit, credit, amount in pairs:
        if amount:
            debits[debit] = debits.get(debit, 0) + amount
            credits[credit] = credits.get(credit, 0) + amount
    lines = [JournalLine(a, debit=v) for a, v in debits.items()]
    lines += [JournalLine(a, credit=v) for a, v in credits.items()]
    return JournalEntry(at, source, memo.text(limit=TEXT_LIMIT), currency, tuple(lines), keyed=memo) if lines else None


CSV_HEADER = ("entry", "date", "source", "memo", "account", "debit", "credit", "currency")


def journal_rows(
    entries: list[JournalEntry],
    timezone: str = "UTC",
    date_format: str | None = None,
    memo: Callable[[JournalEntry], str] = lambda e: e.memo,
) -> list[tuple[str, ...]]:
    """One row per journal line, amounts as exact decimals in their currency, dated in the
    shop's time zone (with its offset): the day it shows is the day it is filed under.
    ``date_format`` (``strftime``'s), for a spreadsheet: its local time written so, no offset;
    ``memo``, for a person: each entry's memo in their language."""
    zone = ZoneInfo(timezone)
    rows: list[tuple[str, ...]] = []
    for e in entries:
        local, said = e.at.astimezone(zone), memo(e)
        for line in e.lines:
            rows.append(
                (
                    str(e.id or ""),
                    local.strftime(date_format) if date_format else local.isoformat(),
                    e.source,
                    said,
                    line.account.value,
                    str(Money(line.debit, e.currency).to_decimal()) if line.debit else "",
                    str(Money(line.credit, e.currency).to_decimal()) if line.credit else "",
                    e.currency,
                )
            )
    return rows


AGING_BUCKETS = ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90"))


def aging_bucket(days_overdue: int) -> str:
    """Receivables aging: not yet due, 1–30, 31–60, 61–90 days overdue, or 90+."""
    for limit, name in AGING_BUCKETS:
        if days_overdue <= limit:
            return name
    return "90+"
