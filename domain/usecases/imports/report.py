"""What an import reports, and the refusal of a row naming what another file creates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from domain.categories import CategoryMove
from domain.csvfiles import UTF8, problem
from domain.errors import Reason
from domain.i18n import N_, N_plural
from domain.product_file import Untranslated


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a file did: rows that created something, changed something, or matched what
    was stored already; and rows skipped (demand before ``skipped_before``)."""

    created: int
    updated: int
    unchanged: int = 0
    skipped: int = 0
    skipped_before: date | None = None
    encoding: str = UTF8
    ignored_columns: tuple[str, ...] = ()
    # Products priced only in currencies the shop does not take (no rate yet): none can be bought.
    not_sold: int = 0
    not_sold_in: tuple[str, ...] = ()
    shop_currencies: tuple[str, ...] = ()
    # A stock count: the units its bins hold now (it creates nothing: it sets bins, ``updated``).
    units: int | None = None
    # Stored categories the file's paths put under another parent, with everything in them.
    relinked: tuple[CategoryMove, ...] = ()
    # Stored variants the file leaves out without words in a language it gives their siblings (allowed, said).
    untranslated: Untranslated = ()

    def read_as(self, encoding: str, ignored_columns: Sequence[str] = ()) -> ImportReport:
        return replace(self, encoding=encoding, ignored_columns=tuple(ignored_columns))


# A stock count's summary, in the chat and on the command line: a count creates nothing ("0 created,
# 4 updated" read as if the file did little), it sets bins (``updated``) to what they hold (``units``).
STOCK_COUNTED = N_plural(
    "{kind}: {n} bin set, {unchanged} unchanged; units in the file's bins: {units}.",
    "{kind}: {n} bins set, {unchanged} unchanged; units in the file's bins: {units}.",
)


SKU_MISSING = N_("SKU {code} does not exist — import products first")
WAREHOUSE_MISSING = N_("warehouse {code} does not exist — import warehouses first")
SUPPLIER_MISSING = N_("supplier {code} does not exist — import suppliers first")


def no_such(key: str, code: str) -> Reason:
    """A row naming what another file creates: which file to import first."""
    return problem(key, code=code)
