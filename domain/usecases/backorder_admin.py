"""Managers setting a product's backorder and preorder terms in chat (``/backorder``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.backorders import BackorderTerms, ReleasedAlready, expected_date, parse_terms
from domain.catalog import Product
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.staff import require


@dataclass(frozen=True, slots=True)
class TermsSheet:
    """What a manager sees of a product's backorder terms."""

    sku: str
    product: Product  # named in the reader's language by the screen
    terms: BackorderTerms | None
    waiting: int  # units customers wait for now
    expected: date | None


async def backorder_terms(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, sku: str, text: str | None = None
) -> TermsSheet:
    """``/backorder SKU [on [LIMIT] | preorder DATE [LIMIT] | off]``: show, or set then show.
    Turning them off takes no new backorders; parts already waiting go on waiting."""
    await require(uow, staff_id, Permission.MANAGE_CATALOG)
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        pid = product.id or 0
        if text is not None:
            terms = parse_terms(pid, text)
            if (
                terms is not None
                and terms.release_date is not None
                and not terms.is_preorder(shop_day(clock.now(), uow.timezone))
            ):
                raise ReleasedAlready()  # a typo for a year ahead took no orders, without a word
            await uow.backorders.set_terms(pid, terms)
        terms = (await uow.backorders.terms([pid])).get(pid)
        waiting = (await uow.backorders.waiting_units([pid])).get(pid, 0)
        po_date = (await uow.purchasing.expected_dates([pid])).get(pid)
        await uow.commit()
    release = terms.release_date if terms else None
    return TermsSheet(
        product.sku,
        product,
        terms,
        waiting,
        expected_date(po_date, release, shop_day(clock.now(), uow.timezone)),
    )
