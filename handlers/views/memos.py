"""Journal memos read in the reader's language: an entry keeps its memo's message key and values
(``domain.memos``), read through gettext; entries from before they were kept have only the English
(``ordergram export journal`` writes it), whose known kinds are translated by the patterns below."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from domain.accounting import JournalEntry
from domain.i18n import N_
from handlers.views.labels import actor_name
from handlers.views.rendering import format_number

# For entries without a memo key only (the journal is append-only: old entries stay as written).
# One memo is parts joined by "; " (what happened, then notes: the order's rate, its promo code,
# products without a cost). Each part is matched whole against these, first match wins; a part
# none matches (a staff member's reason, a kind added later) is kept as it was written.
# A pattern's ``rest`` group is a memo part of its own, translated the same way.
KINDS: tuple[tuple[str, str], ...] = (
    (r"refund owed, (?P<rest>.+)", N_("refund owed, {rest}")),
    (r"credit note, (?P<rest>.+)", N_("credit note, {rest}")),
    # The reason after the colon is staff's own words (``domain.usecases.goodwill``): kept as typed.
    (r"goodwill refund owed, (?P<code>\S+): (?P<why>.+)", N_("goodwill refund owed, {code}: {why}")),
    (r"sale (?P<code>\S+) \(card\)", N_("sale {code} (card)")),
    (r"sale (?P<code>\S+) \(invoice\)", N_("sale {code} (invoice)")),
    (r"sale (?P<code>\S+) \(cash on delivery\)", N_("sale {code} (cash on delivery)")),
    (r"sale (?P<code>\S+) \(paid at (?P<key>.+)\)", N_("sale {code} (paid at {key})")),
    (r"code (?P<code>\S+)", N_("code {code}")),
    (r"(?P<money>\S+ [A-Z]{3}) at (?P<rate>[\d.]+) (?P<pair>[A-Z]{3}/[A-Z]{3})", N_("{money} at {rate} {pair}")),
    (r"no cost known for (?P<skus>.+)", N_("no cost known for {skus}")),
    (r"shipment (?P<code>\S+)", N_("shipment {code}")),
    (r"invoice (?P<code>\S+) paid", N_("invoice {code} paid")),
    (r"invoice (?P<code>\S+) paid in part", N_("invoice {code} paid in part")),
    (r"invoice (?P<code>\S+) edited: more sold", N_("invoice {code} edited: more sold")),
    (r"invoice (?P<code>\S+) edited", N_("invoice {code} edited")),
    (r"invoice (?P<code>\S+) cancelled", N_("invoice {code} cancelled")),
    (r"(?P<code>[A-Z0-9-]+) edited", N_("{code} edited")),
    (r"(?P<code>[A-Z0-9-]+) cancelled", N_("{code} cancelled")),
    (r"discount of (?P<code>\S+) edited", N_("discount of {code} edited")),
    (r"discount of (?P<code>\S+) cancelled", N_("discount of {code} cancelled")),
    (r"edit of (?P<code>\S+) paid \(card\)", N_("edit of {code} paid (card)")),
    (
        r"edit of (?P<code>\S+) paid \(card\): the rest of its sale",
        N_("edit of {code} paid (card): the rest of its sale"),
    ),
    (r"balance of order (?P<code>\S+) paid by card", N_("balance of order {code} paid by card")),
    (
        r"balance of order (?P<code>\S+) paid by card: the rest of its sale",
        N_("balance of order {code} paid by card: the rest of its sale"),
    ),
    (r"card payment of (?P<code>\S+): (?P<paid>.+) of (?P<total>.+)", N_("card payment of {code}: {paid} of {total}")),
    (
        r"order (?P<code>\S+) charged (?P<paid>.+) for (?P<due>.+): to refund",
        N_("order {code} charged {paid} for {due}: to refund"),
    ),
    (r"refund paid, order (?P<code>\S+)", N_("refund paid, order {code}")),
    (r"refund paid, return (?P<rma>\S+)", N_("refund paid, return {rma}")),
    (r"return (?P<rma>\S+)", N_("return {rma}")),
    (r"return (?P<rma>\S+): restocked", N_("return {rma}: restocked")),
    (r"return (?P<rma>\S+): written off", N_("return {rma}: written off")),
    (r"return (?P<rma>\S+): restocked where its cost differs", N_("return {rma}: restocked where its cost differs")),
    (r"return (?P<rma>\S+): discount of the goods taken back", N_("return {rma}: discount of the goods taken back")),
    (r"price difference, exchange (?P<rma>\S+)", N_("price difference, exchange {rma}")),
    (r"not collected, cancelled parts of (?P<code>\S+)", N_("not collected, cancelled parts of {code}")),
    (
        r"(?P<units>\d+) × (?P<sku>\S+) of (?P<code>\S+) no longer awaited",
        N_("{units} × {sku} of {code} no longer awaited"),
    ),
    (
        r"invoice (?P<code>\S+): (?P<units>\d+) × (?P<sku>\S+) no longer sent",
        N_("invoice {code}: {units} × {sku} no longer sent"),
    ),
    (r"PO (?P<number>\d+): (?P<units>\d+) × (?P<sku>\S+) received", N_("PO {number}: {units} × {sku} received")),
    (r"PO (?P<number>\d+) paid (?P<paid>\S+ [A-Z]{3})(?P<note>: .*)?", N_("PO {number} paid {paid}{note}")),
    (
        r"PO (?P<number>\d+) paid in part (?P<paid>\S+ [A-Z]{3})(?P<note>: .*)?",
        N_("PO {number} paid in part {paid}{note}"),
    ),
    (
        r"stock import \((?P<actor>[^)]*)\): (?P<changed>\d+) of (?P<rows>\d+) rows changed",
        N_("stock import ({actor}): {changed} of {rows} rows changed"),
    ),
    (r"reorder terms: stock on hand at its new supply cost", N_("reorder terms: stock on hand at its new supply cost")),
    (r"(?P<sku>\S+): stock on hand at its new cost", N_("{sku}: stock on hand at its new cost")),
    (
        r"stock costed in (?P<currency>[A-Z]{3}) at the new rate (?P<rate>[\d.]+)"
        r" (?P<quote>[A-Z]{3})/(?P<base>[A-Z]{3})",
        N_("stock costed in {currency} at the new rate {rate} {quote}/{base}"),
    ),
)
_COMPILED: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), key) for p, key in KINDS)


# A memo's value that is an amount ("3650.44 RUB") or a rate ("105.20") is written as the reader
# writes numbers; a bare whole number stays as kept: it may be a SKU or an order's number.
_NUMBER = re.compile(r"(?P<number>[+-]?\d+(?:\.(?P<places>\d+))?)(?P<currency> [A-Z]{3})?")


def shown_value(name: str, value: str) -> str:
    """A memo's value as the reader writes it: numbers their way, who did it in their words."""
    if name == "actor":
        return actor_name(value)
    found = _NUMBER.fullmatch(value)
    if found is None or not (found["places"] or found["currency"]):
        return value
    return format_number(Decimal(found["number"]), len(found["places"] or "")) + (found["currency"] or "")


def entry_memo(entry: JournalEntry, translate: Callable[[str], str] = _) -> str:
    """An entry's memo in the reader's language: from its keys, else from its English."""
    if entry.keyed is not None:
        return entry.keyed.text(translate, show=shown_value)
    return journal_memo(entry.memo, translate)


def journal_memo(memo: str, translate: Callable[[str], str] = _) -> str:
    """``memo`` as the journal keeps it, in the reader's language: each known part translated."""
    return "; ".join(_part(part, translate) for part in memo.split("; "))


def _part(part: str, translate: Callable[[str], str]) -> str:
    for pattern, key in _COMPILED:
        found = pattern.fullmatch(part)
        if found is None:
            continue
        values = {name: shown_value(name, value or "") for name, value in found.groupdict().items()}
        if "rest" in values:
            values["rest"] = _part(values["rest"], translate)
        return translate(key).format(**values)
    return part
