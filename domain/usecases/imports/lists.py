"""The shop's lists from CSV: warehouses, carriers' rates, shipping boxes and customers."""

from __future__ import annotations

from dataclasses import replace

from domain.csvfiles import problem
from domain.customers import Customer
from domain.errors import ImportRejected
from domain.i18n import N_
from domain.imports import parse_boxes, parse_carriers, parse_customers, parse_warehouses
from domain.ports import Clock, UnitOfWork
from domain.shipping import CarrierRate
from domain.usecases.customers import fill_contacts, find_customer
from domain.usecases.imports.report import ImportReport


async def import_warehouses(uow: UnitOfWork, text: str) -> ImportReport:
    parsed, problems = parse_warehouses(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        found = [await uow.warehouses.get_by_code(w.code) for _, w in parsed]
        stored = {w.code: replace(w, id=None, zones=()) for w in found if w is not None}
        for _, warehouse in parsed:
            await uow.warehouses.upsert(warehouse)
        await uow.commit()
    created = sum(1 for _, w in parsed if w.code not in stored)
    same = sum(1 for _, w in parsed if stored.get(w.code) == replace(w, id=None, zones=()))
    return ImportReport(created=created, updated=len(parsed) - created - same, unchanged=same)


async def import_carriers(uow: UnitOfWork, text: str) -> ImportReport:
    """The file is the whole rate table: services missing from it are no longer offered."""
    rates, problems = parse_carriers(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        before = {_rate_key(r): replace(r, id=None) for r in await uow.carriers.all()}
        await uow.carriers.replace_all(rates)
        await uow.commit()
    created = sum(1 for r in rates if _rate_key(r) not in before)
    same = sum(1 for r in rates if before.get(_rate_key(r)) == replace(r, id=None))
    return ImportReport(created=created, updated=len(rates) - created - same, unchanged=same)


def _rate_key(rate: CarrierRate) -> tuple[str, str, str, str]:
    return rate.carrier, rate.service, rate.zone.value, rate.base.currency


async def import_boxes(uow: UnitOfWork, text: str) -> ImportReport:
    """The standard shipping boxes; the file replaces the whole list."""
    boxes, problems = parse_boxes(text)
    if problems:
        raise ImportRejected(problems)
    if not boxes:
        raise ImportRejected([(1, problem(N_("the file has no boxes")))])
    async with uow:
        before = {b.code: b for b in await uow.packing.boxes()}
        await uow.packing.replace_boxes(boxes)
        await uow.commit()
    created = sum(1 for b in boxes if b.code not in before)
    same = sum(1 for b in boxes if before.get(b.code) == b)
    return ImportReport(created=created, updated=len(boxes) - created - same, unchanged=same)


async def import_customers(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Customers and business terms from a previous system: each row is matched by Telegram
    id, else phone, else email; a match gets the row's business flag and terms (and a phone
    or email it lacked), anyone else is added (without a chat until they write to the bot)."""
    parsed, problems = parse_customers(text, uow.base_currency)
    if problems:
        raise ImportRejected(problems)
    created = same = 0
    async with uow:
        for row in parsed:
            found = await find_customer(uow, telegram_id=row.telegram_id, phone=row.phone, email=row.email)
            if found is None:
                first, _, last = row.name.partition(" ")
                found = await uow.customers.add(
                    Customer(
                        row.telegram_id, first, last or None, phone=row.phone, email=row.email, created_at=clock.now()
                    )
                )
                created += 1
            else:
                before = (found.phone, found.email, found.is_business, found.payment_terms_days, found.credit_limit)
                await fill_contacts(uow, found, phone=row.phone, email=row.email)
                after = (found.phone, found.email, row.business, row.payment_terms_days, row.credit_limit)
                same += before == after
            found.is_business = row.business
            found.payment_terms_days, found.credit_limit = row.payment_terms_days, row.credit_limit
            await uow.customers.update(found)
        await uow.commit()
    return ImportReport(created=created, updated=len(parsed) - created - same, unchanged=same)
