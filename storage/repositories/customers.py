"""Customers (with their saved addresses) and staff."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import Address, Customer, Role, StaffMember
from domain.staff import StaffInvite, WebSession
from storage import models as m
from storage.cache import CacheView
from storage.db import DIALECT
from storage.repositories.cached import copier, fills
from storage.repositories.sql import _chunks, _table, _upsert, fetch, run

_CUSTOMERS = _table(m.CustomerRow)
_A = _table(m.AddressRow).c
# A customer with their saved addresses in one statement: one row per address (or one with
# no address), ordered as the addresses were saved.
_CUSTOMER_WITH_ADDRESSES = (
    select(
        _CUSTOMERS,
        _A.id.label("address_id"),
        _A.text.label("address_text"),
        _A.latitude,
        _A.longitude,
        _A.uses.label("address_uses"),
        _A.used_at.label("address_used_at"),
    )
    .select_from(_CUSTOMERS.outerjoin(_table(m.AddressRow), _A.customer_id == _CUSTOMERS.c.id))
    .where(_CUSTOMERS.c.id == bindparam("id"))
    .order_by(_A.id)
)
_CUSTOMER_BY_TELEGRAM_ID = fills(
    "customers", select(_CUSTOMERS).where(_CUSTOMERS.c.telegram_id == bindparam("telegram_id"))
)
_CUSTOMERS_BY_TELEGRAM_IDS = select(_CUSTOMERS).where(_CUSTOMERS.c.telegram_id.in_(bindparam("ids", expanding=True)))
_UPDATE_CUSTOMER = update(_CUSTOMERS).where(_CUSTOMERS.c.id == bindparam("customers_id"))

_ADDRESS_USED = (
    update(_table(m.AddressRow))
    .where(_A.id == bindparam("address_id"))
    .values(uses=_A.uses + 1, used_at=bindparam("at"))
)
_FORGET_ADDRESS = delete(_table(m.AddressRow)).where(
    _A.id == bindparam("address_id"), _A.customer_id == bindparam("customer_id")
)
_copied = copier(Customer)  # what the read cache keeps and hands out shares nothing a caller changes


class SqlCustomers:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    @staticmethod
    def _to_domain(row: Any, addresses: list[Address]) -> Customer:  # ORM or Core rows
        return Customer(
            telegram_id=row.telegram_id,
            first_name=row.first_name,
            last_name=row.last_name,
            username=row.username,
            phone=row.phone,
            email=row.email,
            language=row.language,
            telegram_language=row.telegram_language,
            currency=row.currency,
            is_business=row.is_business,
            payment_terms_days=row.payment_terms_days,
            credit_limit=row.credit_limit_minor,
            tax_number=row.tax_number,
            is_vip=row.is_vip,
            price_group=row.price_group,
            unreachable=row.unreachable,
            addresses=addresses,
            created_at=row.created_at,
            id=row.id,
        )

    async def lock(self, customer_id: int) -> None:
        """The customer's row, locked to the transaction's end on PostgreSQL. SQLite's writers
        are serial already: nothing is sent (the cart takes it on every change, and on embedded
        SQLite the statement would build the session its hot path goes without)."""
        if self.s.info.get(DIALECT) != "postgresql":
            return
        await self.s.execute(select(m.CustomerRow.id).where(m.CustomerRow.id == customer_id).with_for_update())

    async def try_lock(self, customer_id: int) -> bool:
        if self.s.info.get(DIALECT) != "postgresql":
            return True
        query = select(m.CustomerRow.id).where(m.CustomerRow.id == customer_id).with_for_update(skip_locked=True)
        return (await self.s.execute(query)).scalar_one_or_none() is not None

    async def get(self, customer_id: int) -> Customer | None:
        """With saved addresses (checkout needs them)."""
        rows = await fetch(self.s, _CUSTOMER_WITH_ADDRESSES, {"id": customer_id})
        if not rows:
            return None
        saved = [
            Address(r.address_text, r.latitude, r.longitude, r.address_id, r.address_uses, r.address_used_at)
            for r in rows
            if r.address_id is not None
        ]
        return self._to_domain(rows[0], saved)

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None:
        """Without addresses: this runs on every update, so it stays one query, and read-only
        work takes it from the read cache when it can."""
        if self.cache is not None:
            # Keyed by row id (what writes name, so a phone saved clears one customer, not
            # all), found through a Telegram id index; a missing row goes to the database.
            customer_id = self.cache.get("customers", ("tg", telegram_id))
            cached = self.cache.get("customers", customer_id) if customer_id is not None else None
            if cached is not None:
                return _copied(cast(Customer, cached))
        customer = await self._one(_CUSTOMER_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
        if self.cache is not None and customer is not None:
            self.cache.put("customers", ("tg", telegram_id), customer.id)
            self.cache.put("customers", customer.id, _copied(customer))
        return customer

    async def get_by_phone(self, phone: str) -> Customer | None:
        return await self._one(select(_CUSTOMERS).where(_CUSTOMERS.c.phone == phone))

    async def get_by_email(self, email: str) -> Customer | None:
        where = func.lower(_CUSTOMERS.c.email) == email.lower()
        return await self._one(select(_CUSTOMERS).where(where))

    async def get_by_username(self, username: str) -> Customer | None:
        where = func.lower(_CUSTOMERS.c.username) == username.lower()
        return await self._one(select(_CUSTOMERS).where(where))

    async def by_telegram_ids(self, telegram_ids: Collection[int]) -> dict[int, Customer]:
        """Those of ``telegram_ids`` who are known, by Telegram id, without addresses, in one read."""
        found = {}
        for chunk in _chunks(sorted(set(telegram_ids))):
            for row in await fetch(self.s, _CUSTOMERS_BY_TELEGRAM_IDS, {"ids": list(chunk)}):
                found[row.telegram_id] = self._to_domain(row, [])
        return found

    async def _one(self, statement: Executable, params: dict[str, object] | None = None) -> Customer | None:
        """One customer, without addresses (``get`` reads those)."""
        row = next(iter(await fetch(self.s, statement, params)), None)
        return self._to_domain(row, []) if row is not None else None

    def _fields(self, c: Customer) -> dict[str, object]:
        return {
            "telegram_id": c.telegram_id,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "username": c.username,
            "phone": c.phone,
            "email": c.email,
            "language": c.language,
            "telegram_language": c.telegram_language,
            "currency": c.currency,
            "is_business": c.is_business,
            "payment_terms_days": c.payment_terms_days,
            "credit_limit_minor": c.credit_limit,
            "tax_number": c.tax_number,
            "is_vip": c.is_vip,
            "price_group": c.price_group,
            "unreachable": c.unreachable,
        }

    async def add(self, customer: Customer) -> Customer:
        row = m.CustomerRow(**self._fields(customer), created_at=customer.created_at)
        self.s.add(row)
        await self.s.flush()
        customer.id = row.id
        await self._sync_addresses(customer)
        return customer

    async def update(self, customer: Customer) -> None:
        # "customers_id": the write names its row to the read cache (``KEY_COLUMN``)
        await run(self.s, _UPDATE_CUSTOMER, {"customers_id": customer.id, **self._fields(customer)})
        await self._sync_addresses(customer)

    async def _sync_addresses(self, customer: Customer) -> None:
        for address in customer.addresses:
            if address.id is None:
                row = m.AddressRow(
                    customer_id=customer.id,
                    text=address.text,
                    latitude=address.latitude,
                    longitude=address.longitude,
                    uses=address.uses,
                    used_at=address.used_at,
                )
                self.s.add(row)
                await self.s.flush()
                address.id = row.id

    async def address_used(self, address_id: int, at: datetime) -> None:
        await run(self.s, _ADDRESS_USED, {"address_id": address_id, "at": at})

    async def forget_address(self, customer_id: int, address_id: int) -> bool:
        gone = await run(self.s, _FORGET_ADDRESS, {"address_id": address_id, "customer_id": customer_id})
        return bool(cast(Any, gone).rowcount)


class SqlStaff:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, telegram_id: int) -> StaffMember | None:
        row = await self.s.scalar(select(m.StaffRow).where(m.StaffRow.telegram_id == telegram_id))
        if row is None:
            return None
        return StaffMember(row.telegram_id, Role(row.role), row.warehouse_code, row.id)

    async def put(self, member: StaffMember) -> None:
        values = {"telegram_id": member.telegram_id, "role": member.role.value, "warehouse_code": member.warehouse_code}
        member.id = await _upsert(self.s, m.StaffRow, values, "telegram_id", returning="id")

    async def all(self) -> list[StaffMember]:
        rows = await self.s.scalars(select(m.StaffRow).order_by(m.StaffRow.role, m.StaffRow.telegram_id))
        return [StaffMember(r.telegram_id, Role(r.role), r.warehouse_code, r.id) for r in rows]

    async def remove(self, telegram_id: int) -> None:
        await self.s.execute(delete(m.StaffRow).where(m.StaffRow.telegram_id == telegram_id))

    async def add_invite(self, invite: StaffInvite) -> None:
        self.s.add(
            m.StaffInviteRow(
                token=invite.token,
                role=invite.role.value,
                warehouse_code=invite.warehouse_code,
                created_by=invite.created_by,
                created_at=invite.created_at,
                expires_at=invite.expires_at,
            )
        )
        await self.s.flush()

    async def get_invite(self, token: str) -> StaffInvite | None:
        row = await self.s.get(m.StaffInviteRow, token)
        if row is None:
            return None
        return StaffInvite(
            row.token,
            Role(row.role),
            row.warehouse_code,
            row.created_by,
            row.created_at,
            row.expires_at,
            row.used_by,
            row.used_at,
        )

    async def add_web_login(self, token_hash: str, telegram_id: int, at: datetime, expires_at: datetime) -> None:
        # Expired links and stream tickets can never be used again: each new one clears them out.
        await self.s.execute(delete(m.WebLoginRow).where(m.WebLoginRow.expires_at <= at))
        self.s.add(m.WebLoginRow(token_hash=token_hash, telegram_id=telegram_id, created_at=at, expires_at=expires_at))
        await self.s.flush()

    async def use_web_login(self, token_hash: str, at: datetime) -> int | None:
        """Whose link it is, once: a conditional UPDATE, so of two concurrent uses one wins."""
        t = m.WebLoginRow
        result = await self.s.execute(
            update(t)
            .where(t.token_hash == token_hash, t.used_at.is_(None), t.expires_at > at)
            .values(used_at=at)
            .returning(t.telegram_id)
            .execution_options(synchronize_session=False)
        )
        found = result.scalar_one_or_none()
        return None if found is None else int(found)

    async def add_web_session(self, session: WebSession) -> None:
        t = m.WebSessionRow
        await self.s.execute(delete(t).where(t.telegram_id == session.telegram_id, t.expires_at <= session.created_at))
        self.s.add(
            t(
                token_hash=session.token_hash,
                telegram_id=session.telegram_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                agent=session.agent,
            )
        )
        await self.s.flush()

    async def web_session(self, token_hash: str, at: datetime) -> int | None:
        t = m.WebSessionRow
        found = await self.s.scalar(select(t.telegram_id).where(t.token_hash == token_hash, t.expires_at > at))
        return None if found is None else int(found)

    async def web_sessions(self, telegram_id: int, at: datetime) -> list[WebSession]:
        t = m.WebSessionRow
        rows = await self.s.scalars(
            select(t).where(t.telegram_id == telegram_id, t.expires_at > at).order_by(t.created_at)
        )
        return [WebSession(r.token_hash, r.telegram_id, r.created_at, r.expires_at, r.agent) for r in rows]

    async def end_web_sessions(self, telegram_id: int, token_hash: str | None = None) -> int:
        t = m.WebSessionRow
        query = delete(t).where(t.telegram_id == telegram_id)
        if token_hash is not None:
            query = query.where(t.token_hash == token_hash)
        result = await self.s.execute(query.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def use_invite(self, token: str, telegram_id: int, at: datetime) -> bool:
        """Conditional: only the first of two concurrent uses gets the row."""
        t = m.StaffInviteRow
        result = await self.s.execute(
            update(t)
            .where(t.token == token, t.used_by.is_(None))
            .values(used_by=telegram_id, used_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
