"""Repositories: SQL in, domain objects out. They never commit."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, CursorResult, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from domain.accounting import Account, JournalEntry, JournalLine
from domain.apikeys import ApiKey, KeyNameTaken, Scope
from domain.catalog import Category, Dimensions, Product
from domain.customers import Address, Customer, Role, StaffMember
from domain.errors import IllegalTransition, InsufficientStock
from domain.feedback import Review
from domain.fx import FxRate
from domain.money import Money
from domain.notifications import Notification
from domain.orders import (
    Channel,
    Delivery,
    DeliveryMethod,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    ReturnStatus,
)
from domain.packing import Box, Package
from domain.payments import Payment, PaymentKind
from domain.picking import PickLine, PickList, PickMethod
from domain.purchasing import OPEN_STATUSES, PoLine, PoStatus, PurchaseOrder, Supplier, SupplyTerms
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from domain.shipping import CarrierRate, Zone
from domain.staff import StaffInvite
from domain.stock import (
    BinQuantity,
    Movement,
    ReorderLevel,
    Reservation,
    ReservationKind,
    StockDrift,
    StockInvariantBroken,
    StockLevel,
)
from domain.warehouse import BinCode, Warehouse
from storage import models as m
from storage.cache import ABSENT, SNAPSHOT_MAX_ROWS, WRITES_ROWS, CacheView
from storage.db import DIALECT, IN_LOOP_SQL

T = TypeVar("T")


async def bin_id_for(session: AsyncSession, warehouse_id: int, bin_code: str) -> int:
    """The bin's row id, the bin being created on first use (bins come from counts and moves)."""
    code = str(BinCode.parse(bin_code))
    found = await session.scalar(
        select(m.BinRow.id).where(m.BinRow.warehouse_id == warehouse_id, m.BinRow.code == code)
    )
    if found is None:
        row = m.BinRow(warehouse_id=warehouse_id, code=code, zone=BinCode.parse(code).zone)
        session.add(row)
        await session.flush()
        found = row.id
    return found


async def run(
    session: AsyncSession, statement: Executable, params: Any = None, *, rows: set[Hashable] | None = None
) -> CursorResult[Any]:
    """A Core write on the unit of work's connection. The hot paths (holds, the cart,
    placing an order) use statements built once at import with named parameters: the
    ORM's per-statement work (building, cache key, identity map, flush) cost ~0.1 ms a
    statement, and a checkout runs dozens. Parameter names follow the columns they bind,
    which is how ``storage.db`` sees which rows a write named (``KEY_COLUMN``); a write
    whose parameters do not name them (a delete by row id) says so with ``rows``.

    On embedded SQLite, once the transaction has its connection (its first statement took
    it, and the BEGIN, inside SQLAlchemy's greenlet, where waiting is possible), the next
    statements run straight from here: they are ``sqlite3`` calls in this thread either
    way, and the greenlet round trip cost more than the statement (``storage.sqlite_inline``)."""
    connection = session.sync_session.info.get(IN_LOOP_SQL)
    if connection is not None:
        return cast(CursorResult[Any], _execute_on(connection, statement, params, rows))
    return cast(CursorResult[Any], await session.run_sync(_execute, statement, params, rows))


async def fetch(session: AsyncSession, statement: Executable, params: Any = None) -> Sequence[Row[Any]]:
    """A Core read, as ``run``; the rows are fetched before it returns (one hop into
    SQLAlchemy's greenlet per statement at most, not one per call on the result)."""
    connection = session.sync_session.info.get(IN_LOOP_SQL)
    if connection is not None:
        return cast(Sequence[Row[Any]], connection.execute(statement, params).all())
    return cast(Sequence[Row[Any]], await session.run_sync(_fetch, statement, params))


def _copied(obj: T) -> T:
    """A shallow copy of a slotted domain dataclass handed out from the read cache (the
    caller may change its copy; the cached one must not change). Twice as fast as
    ``copy.copy``, which goes through ``__reduce_ex__``; cached reads run on every update."""
    new = object.__new__(type(obj))
    for name in type(obj).__slots__:  # type: ignore[attr-defined]
        object.__setattr__(new, name, getattr(obj, name))
    return new


def _execute(session: Session, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    return _execute_on(session.connection(), statement, params, rows)


def _execute_on(connection: Connection, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    options = {WRITES_ROWS: rows} if rows is not None else None
    return connection.execute(statement, params, execution_options=options)


def _fetch(session: Session, statement: Executable, params: Any) -> Any:
    return session.connection().execute(statement, params).all()


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


_INSERT_FOR: dict[str, Any] = {
    "sqlite": sqlite_insert,
    "postgresql": postgresql_insert,
}  # INSERTs that take ON CONFLICT


async def _upsert(
    session: AsyncSession, model: Any, values: dict[str, Any], key: str, *, returning: str | None = None
) -> Any:
    """Insert, or update the row with the same ``key``, in one statement: processes that
    start together (two bots with the same ``ADMIN_IDS``, on a new database) write the same
    row at once, and get-then-insert made all but one fail on PostgreSQL."""
    table = _table(model)
    statement = _INSERT_FOR[session.info[DIALECT]](table).values(**values)
    changed = {name: value for name, value in values.items() if name != key}
    statement = statement.on_conflict_do_update(index_elements=[table.c[key]], set_=changed)
    if returning is None:
        await run(session, statement)
        return None
    return (await fetch(session, statement.returning(table.c[returning])))[0][0]


SNAPSHOT_CHUNK = 1_000  # rows turned into domain objects between yields to the event loop


def _by_product(levels: Iterable[StockLevel], product_ids: Iterable[int]) -> dict[Hashable, list[StockLevel]]:
    """Levels grouped per product; every one of ``product_ids`` present, if only with []."""
    grouped: dict[Hashable, list[StockLevel]] = {pid: [] for pid in product_ids}
    for level in levels:
        grouped.setdefault(level.product_id, []).append(level)
    return grouped


def _chunks(items: Sequence[T], size: int = 900) -> list[Sequence[T]]:
    """SQLite limits bound parameters per statement; stay well under it."""
    return [items[i : i + size] for i in range(0, len(items), size)]


_CUSTOMERS = _table(m.CustomerRow)
_A = _table(m.AddressRow).c
# A customer with their saved addresses in one statement: one row per address (or one with
# no address), ordered as the addresses were saved.
_CUSTOMER_WITH_ADDRESSES = (
    select(_CUSTOMERS, _A.id.label("address_id"), _A.text.label("address_text"), _A.latitude, _A.longitude)
    .select_from(_CUSTOMERS.outerjoin(_table(m.AddressRow), _A.customer_id == _CUSTOMERS.c.id))
    .where(_CUSTOMERS.c.id == bindparam("id"))
    .order_by(_A.id)
)
_CUSTOMER_BY_TELEGRAM_ID = select(_CUSTOMERS).where(_CUSTOMERS.c.telegram_id == bindparam("telegram_id"))
_UPDATE_CUSTOMER = update(_CUSTOMERS).where(_CUSTOMERS.c.id == bindparam("customers_id"))


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
            is_vip=row.is_vip,
            unreachable=row.unreachable,
            addresses=addresses,
            created_at=row.created_at,
            id=row.id,
        )

    async def get(self, customer_id: int) -> Customer | None:
        """With saved addresses (checkout needs them)."""
        rows = await fetch(self.s, _CUSTOMER_WITH_ADDRESSES, {"id": customer_id})
        if not rows:
            return None
        saved = [
            Address(r.address_text, r.latitude, r.longitude, r.address_id) for r in rows if r.address_id is not None
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
            "is_vip": c.is_vip,
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
                    customer_id=customer.id, text=address.text, latitude=address.latitude, longitude=address.longitude
                )
                self.s.add(row)
                await self.s.flush()
                address.id = row.id


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


class SqlProducts:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def _prices(self, product_ids: Sequence[int]) -> dict[int, dict[str, Money]]:
        prices: dict[int, dict[str, Money]] = defaultdict(dict)
        if product_ids:
            rows = await self.s.scalars(select(m.ProductPriceRow).where(m.ProductPriceRow.product_id.in_(product_ids)))
            for p in rows:
                prices[p.product_id][p.currency] = Money(p.amount_minor, p.currency)
        return prices

    @staticmethod
    def _to_domain(row: Any, category: str, prices: dict[str, Money]) -> Product:  # ORM or Core row
        dims = (row.length_mm, row.width_mm, row.height_mm)
        return Product(
            sku=row.sku,
            name=row.name,
            category=category,
            category_id=row.category_id,
            prices=prices,
            barcode=row.barcode,
            description=row.description,
            weight_g=row.weight_g,
            dimensions=Dimensions(*dims) if all(d is not None for d in dims) else None,  # type: ignore[arg-type]
            photo_file_id=row.photo_file_id,
            active=row.active,
            id=row.id,
        )

    async def _many(self, rows: Sequence[m.ProductRow]) -> list[Product]:
        prices = await self._prices([r.id for r in rows])
        names = await self._category_names({r.category_id for r in rows})
        return [self._to_domain(r, names[r.category_id], prices.get(r.id, {})) for r in rows]

    async def _category_names(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self.s.execute(select(m.CategoryRow.id, m.CategoryRow.name).where(m.CategoryRow.id.in_(ids)))
        return {cid: name for cid, name in rows}

    async def get(self, product_id: int) -> Product | None:
        if self.cache is not None:
            cached = self.cache.get("catalog", product_id)
            if cached is None and await self._load_catalog():
                cached = self.cache.get("catalog", product_id)
            if cached is ABSENT:
                return None
            if cached is not None:
                return _copied(cast(Product, cached))
        return self._cached(await self._one(_PRODUCT_BY_ID, {"id": product_id}))

    async def get_by_sku(self, sku: str) -> Product | None:
        if self.cache is not None:
            product_id = self.cache.get("catalog", ("sku", sku))
            if product_id is None and await self._load_catalog():
                product_id = self.cache.get("catalog", ("sku", sku))
            if product_id is ABSENT:
                return None
            if product_id is not None:
                return await self.get(cast(int, product_id))
        return self._cached(await self._one(_PRODUCT_BY_SKU, {"sku": sku}))

    async def _one(self, statement: Executable, params: dict[str, object]) -> Product | None:
        """One product with its category and prices in one statement (one row per price)."""
        rows = await fetch(self.s, statement, params)
        if not rows:
            return None
        return self._to_domain(rows[0], rows[0].category, self._price_map(rows))

    @staticmethod
    def _with_prices() -> Select[Any]:
        p, c, pp = m.ProductRow.__table__.c, m.CategoryRow.__table__.c, m.ProductPriceRow.__table__.c
        return select(*p, c.name.label("category"), pp.currency, pp.amount_minor).select_from(
            m.ProductRow.__table__.join(m.CategoryRow.__table__, c.id == p.category_id).outerjoin(
                m.ProductPriceRow.__table__, pp.product_id == p.id
            )
        )

    async def _load_catalog(self) -> bool:
        """Load the whole catalog into the read cache when it is due (``storage.cache``):
        product cards are the hottest read there is, and customers browse all of it."""
        assert self.cache is not None
        if not self.cache.wants_snapshot("catalog"):
            return False
        try:
            count = await self.s.scalar(select(func.count()).select_from(m.ProductRow))
            if (count or 0) > SNAPSHOT_MAX_ROWS:
                self.cache.snapshot_done("catalog", None)
                return False
            rows = await fetch(self.s, self._with_prices().order_by(m.ProductRow.id))
            snapshot: dict[Hashable, object] = {}
            for built, product in enumerate(self._products_of(rows), 1):
                snapshot[product.id] = product
                snapshot[("sku", product.sku)] = product.id
                if built % SNAPSHOT_CHUNK == 0:
                    await asyncio.sleep(0)  # ~0.1 s for 10,000 products: let other updates run meanwhile
        except BaseException:
            self.cache.snapshot_abandoned("catalog")
            raise
        self.cache.snapshot_done("catalog", snapshot)
        return True

    def _cached(self, product: Product | None) -> Product | None:
        if self.cache is not None and product is not None:
            self.cache.put("catalog", product.id, _copied(product))
            self.cache.put("catalog", ("sku", product.sku), product.id)
        return product

    async def ids_by_sku(self, skus: Sequence[str]) -> dict[str, int]:
        if not skus:
            return {}
        rows = await self.s.execute(select(m.ProductRow.sku, m.ProductRow.id).where(m.ProductRow.sku.in_(skus)))
        return {sku: pid for sku, pid in rows}

    async def upsert(self, product: Product) -> Product:
        await self.upsert_many([product])
        return product

    async def upsert_many(self, products: Sequence[Product]) -> None:
        """Insert or update by SKU in a handful of statements, however many products."""
        categories = await self._category_ids({p.category for p in products})
        rows: dict[str, m.ProductRow] = {}
        for chunk in _chunks([p.sku for p in products]):
            for found in await self.s.scalars(select(m.ProductRow).where(m.ProductRow.sku.in_(chunk))):
                rows[found.sku] = found
        for product in products:
            if product.sku not in rows:
                rows[product.sku] = m.ProductRow(sku=product.sku)
                self.s.add(rows[product.sku])
            row = rows[product.sku]
            dims = product.dimensions
            row.name, row.category_id = product.name, categories[product.category]
            row.barcode, row.description, row.weight_g = product.barcode, product.description, product.weight_g
            row.length_mm, row.width_mm, row.height_mm = (
                (dims.length_mm, dims.width_mm, dims.height_mm) if dims else (None, None, None)
            )
            if product.photo_file_id:
                row.photo_file_id = product.photo_file_id
            row.active = product.active
        await self.s.flush()
        prices: dict[tuple[int, str], m.ProductPriceRow] = {}
        for ids in _chunks([row.id for row in rows.values()]):
            for price_row in await self.s.scalars(
                select(m.ProductPriceRow).where(m.ProductPriceRow.product_id.in_(ids))
            ):
                prices[(price_row.product_id, price_row.currency)] = price_row
        for product in products:
            row = rows[product.sku]
            product.id, product.category_id = row.id, row.category_id
            for price in product.prices.values():
                existing = prices.get((row.id, price.currency))
                if existing is None:
                    self.s.add(m.ProductPriceRow(product_id=row.id, currency=price.currency, amount_minor=price.amount))
                else:
                    existing.amount_minor = price.amount
        await self.s.flush()

    async def _category_ids(self, names: set[str]) -> dict[str, int]:
        found = {
            name: cid
            for cid, name in await self.s.execute(
                select(m.CategoryRow.id, m.CategoryRow.name).where(m.CategoryRow.name.in_(names))
            )
        }
        missing = [m.CategoryRow(name=name) for name in sorted(names - found.keys())]
        if missing:
            self.s.add_all(missing)
            await self.s.flush()
            found.update({row.name: row.id for row in missing})
        return found

    async def get_many(self, product_ids: Sequence[int]) -> list[Product]:
        """The cached ones from the read cache (read-only work), the rest in one query."""
        found: list[Product] = []
        missing = list(product_ids)
        if self.cache is not None and missing:
            if any(self.cache.get("catalog", pid) is None for pid in missing):
                await self._load_catalog()
            hits = {pid: self.cache.get("catalog", pid) for pid in missing}
            found = [_copied(cast(Product, hit)) for hit in hits.values() if hit is not None and hit is not ABSENT]
            missing = [pid for pid, hit in hits.items() if hit is None]
        if missing:
            rows = await fetch(self.s, _PRODUCTS_BY_ID, {"ids": missing})
            found += [cast(Product, self._cached(product)) for product in self._products_of(rows)]
        return found

    @classmethod
    def _products_of(cls, rows: Sequence[Any]) -> Iterator[Product]:
        """Products from ``_with_prices`` rows ordered by product: one row per price."""
        for _, group in groupby(rows, key=lambda r: r.id):
            lines = list(group)
            yield cls._to_domain(lines[0], lines[0].category, cls._price_map(lines))

    @staticmethod
    def _price_map(rows: Sequence[Any]) -> dict[str, Money]:
        return {r.currency: Money(r.amount_minor, r.currency) for r in rows if r.currency is not None}

    async def search(self, text: str, offset: int, limit: int) -> tuple[list[Product], int]:
        """Name (case-insensitive substring), exact SKU, or exact barcode; exact hits first."""
        needle = text.strip()
        p = m.ProductRow
        pattern = "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        exact = (p.sku == needle.upper()) | (p.barcode == needle)
        where = (p.active.is_(True), exact | func.lower(p.name).like(pattern, escape="\\"))
        total = await self.s.scalar(select(func.count()).select_from(p).where(*where)) or 0
        rows = (
            await self.s.scalars(
                select(p).where(*where).order_by(exact.desc(), p.name, p.id).offset(offset).limit(limit)
            )
        ).all()
        return await self._many(rows), total

    async def categories(self) -> list[Category]:
        c, p = m.CategoryRow, m.ProductRow
        rows = await self.s.execute(
            select(c.id, c.name, func.count(p.id))
            .join(p, p.category_id == c.id)
            .where(p.active.is_(True))
            .group_by(c.id, c.name)
            .order_by(c.name)
        )
        return [Category(cid, name, n) for cid, name, n in rows]

    async def category(self, category_id: int) -> Category | None:
        row = await self.s.get(m.CategoryRow, category_id)
        return Category(row.id, row.name, 0) if row else None

    async def in_category(self, category_id: int, offset: int, limit: int) -> tuple[list[Product], int]:
        where = (m.ProductRow.category_id == category_id, m.ProductRow.active.is_(True))
        total = await self.s.scalar(select(func.count()).select_from(m.ProductRow).where(*where)) or 0
        rows = (
            await self.s.scalars(
                select(m.ProductRow)
                .where(*where)
                .order_by(m.ProductRow.name, m.ProductRow.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        return await self._many(rows), total


_PRODUCT_BY_ID = SqlProducts._with_prices().where(m.ProductRow.id == bindparam("id"))
_PRODUCT_BY_SKU = SqlProducts._with_prices().where(m.ProductRow.sku == bindparam("sku"))
_PRODUCTS_BY_ID = (
    SqlProducts._with_prices().where(m.ProductRow.id.in_(bindparam("ids", expanding=True))).order_by(m.ProductRow.id)
)
_WAREHOUSES = select(_table(m.WarehouseRow)).order_by(m.WarehouseRow.code)
_ZONES = (
    select(m.BinRow.warehouse_id, m.BinRow.zone)
    .where(m.BinRow.warehouse_id.in_(bindparam("ids", expanding=True)))
    .distinct()
    .order_by(m.BinRow.zone)
)


class SqlWarehouses:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache
        self._read: list[Warehouse] | None = None  # this transaction's read, for checkout's several routings

    async def _zones(self, warehouse_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        zones: dict[int, list[str]] = defaultdict(list)
        for row in await fetch(self.s, _ZONES, {"ids": list(warehouse_ids)}):
            zones[row.warehouse_id].append(row.zone)
        return {wid: tuple(z) for wid, z in zones.items()}

    @staticmethod
    def _to_domain(row: Any, zones: tuple[str, ...]) -> Warehouse:  # ORM or Core row
        return Warehouse(
            row.code, row.name, row.address, row.latitude, row.longitude, row.is_pickup_point, zones, row.id
        )

    async def get_by_code(self, code: str) -> Warehouse | None:
        row = await self.s.scalar(select(m.WarehouseRow).where(m.WarehouseRow.code == code))
        if row is None:
            return None
        return self._to_domain(row, (await self._zones([row.id])).get(row.id, ()))

    async def ids_by_code(self, codes: Sequence[str]) -> dict[str, int]:
        if not codes:
            return {}
        rows = await self.s.execute(
            select(m.WarehouseRow.code, m.WarehouseRow.id).where(m.WarehouseRow.code.in_(codes))
        )
        return {code: wid for code, wid in rows}

    async def upsert(self, warehouse: Warehouse) -> Warehouse:
        self._read = None
        row = await self.s.scalar(select(m.WarehouseRow).where(m.WarehouseRow.code == warehouse.code))
        if row is None:
            row = m.WarehouseRow(code=warehouse.code)
            self.s.add(row)
        row.name = warehouse.name
        row.address = warehouse.address
        row.latitude = warehouse.latitude
        row.longitude = warehouse.longitude
        row.is_pickup_point = warehouse.is_pickup_point
        await self.s.flush()
        warehouse.id = row.id
        return warehouse

    async def all(self) -> list[Warehouse]:
        if self.cache is not None and (cached := self.cache.get("reference", "warehouses")) is not None:
            return [_copied(w) for w in cast(list[Warehouse], cached)]
        warehouses = await self._all()
        if self.cache is not None:
            self.cache.put("reference", "warehouses", [_copied(w) for w in warehouses])
        return warehouses

    async def _all(self) -> list[Warehouse]:
        if self._read is None:
            rows = await fetch(self.s, _WAREHOUSES)
            zones = await self._zones([r.id for r in rows])
            self._read = [self._to_domain(r, zones.get(r.id, ())) for r in rows]
        return [_copied(w) for w in self._read]


_STOCK = _table(m.StockRow)
_RES = _table(m.ReservationRow)


def _stock_update(condition: ColumnElement[bool], **values: object) -> Executable:
    """A counter changed only when ``condition`` holds: the row count says whether it did."""
    c = _STOCK.c
    return (
        update(_STOCK)
        .where(
            c.product_id == bindparam("stock_product_id"), c.warehouse_id == bindparam("stock_warehouse_id"), condition
        )
        .values(**values)
    )


_LEVELS_OF = select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
    _STOCK.c.product_id.in_(bindparam("ids", expanding=True))
)
_QTY: BindParameter[int] = bindparam("quantity")
_RESERVE = _stock_update(_STOCK.c.on_hand - _STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved + _QTY)
_RELEASE = _stock_update(_STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved - _QTY)
_SHIP = _stock_update(_STOCK.c.reserved >= _QTY, reserved=_STOCK.c.reserved - _QTY, on_hand=_STOCK.c.on_hand - _QTY)
_RECOUNT = _stock_update(_STOCK.c.on_hand + _QTY >= _STOCK.c.reserved, on_hand=_STOCK.c.on_hand + _QTY)  # QTY: delta
_ADD_RESERVATION = insert(_RES)
_RESERVATION_BY_ID = select(_RES).where(_RES.c.id == bindparam("id"))
_DELETE_RESERVATION = delete(_RES).where(_RES.c.id == bindparam("reservation_id"))
_RESIZE_RESERVATION = (
    update(_RES).where(_RES.c.id == bindparam("reservation_id")).values(quantity=bindparam("new_quantity"))
)
_HOLD = _RES.c.kind == ReservationKind.HOLD.value
_CUSTOMER_HOLDS = select(_RES).where(_RES.c.customer_id == bindparam("customer_id"), _HOLD).order_by(_RES.c.id)
_EXPIRED_HOLDS = select(_RES).where(
    _RES.c.product_id == bindparam("product_id"), _HOLD, _RES.c.expires_at <= bindparam("now")
)
_EXTEND_HOLDS = (
    update(_RES)
    .where(_RES.c.customer_id == bindparam("reservations_customer_id"), _HOLD)
    .values(expires_at=bindparam("until"))
)
_ORDER_RESERVATIONS = select(_RES).where(_RES.c.order_id == bindparam("order_id"))


class SqlStock:
    """Counters change only through conditional UPDATEs whose row count decides success:
    correct under concurrency on SQLite (no SELECT ... FOR UPDATE) and PostgreSQL alike."""

    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]:
        if not product_ids:
            return []
        if self.cache is not None:
            hits = [self.cache.get("levels", pid) for pid in product_ids]
            if any(hit is None for hit in hits) and await self._load_levels():
                hits = [self.cache.get("levels", pid) for pid in product_ids]
            if all(hit is not None for hit in hits):
                return [level for hit in hits if hit is not ABSENT for level in cast(list[StockLevel], hit)]
        rows = await fetch(self.s, _LEVELS_OF, {"ids": list(product_ids)})
        levels = [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]
        if self.cache is not None:
            for pid, found in _by_product(levels, product_ids).items():
                self.cache.put("levels", pid, found)  # StockLevel is frozen: shared safely
        return levels

    async def _load_levels(self) -> bool:
        """Every stock counter into the read cache when due: browsing shows availability
        on every card (``storage.cache``)."""
        assert self.cache is not None
        if not self.cache.wants_snapshot("levels"):
            return False
        t = m.StockRow.__table__.c
        try:
            count = await self.s.scalar(select(func.count()).select_from(m.StockRow))
            if (count or 0) > SNAPSHOT_MAX_ROWS:
                self.cache.snapshot_done("levels", None)
                return False
            statement = select(t.product_id, t.warehouse_id, t.on_hand, t.reserved)
            rows = (await (await self.s.connection()).execute(statement)).all()
            grouped: dict[Hashable, list[StockLevel]] = {}
            for built, row in enumerate(rows, 1):
                level = StockLevel(*row)
                grouped.setdefault(level.product_id, []).append(level)
                if built % SNAPSHOT_CHUNK == 0:
                    await asyncio.sleep(0)
        except BaseException:
            self.cache.snapshot_abandoned("levels")
            raise
        self.cache.snapshot_done("levels", grouped)
        return True

    async def _conditional(self, statement: Executable, product_id: int, warehouse_id: int, quantity: int) -> bool:
        # "stock_product_id": the write names its row to the read cache (``KEY_COLUMN``)
        params = {"stock_product_id": product_id, "stock_warehouse_id": warehouse_id, "quantity": quantity}
        return bool((await run(self.s, statement, params)).rowcount)

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool:
        return await self._conditional(_RESERVE, product_id, warehouse_id, quantity)

    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        if not await self._conditional(_RELEASE, product_id, warehouse_id, quantity):
            raise StockInvariantBroken()

    async def commit(self, product_id: int, warehouse_id: int, quantity: int) -> None:
        if not await self._conditional(_SHIP, product_id, warehouse_id, quantity):
            raise StockInvariantBroken()

    async def _bin_id(self, warehouse_id: int, bin_code: str) -> int:
        return await bin_id_for(self.s, warehouse_id, bin_code)

    async def _ensure_counter(self, product_id: int, warehouse_id: int) -> None:
        if await self.s.get(m.StockRow, (product_id, warehouse_id)) is None:
            self.s.add(m.StockRow(product_id=product_id, warehouse_id=warehouse_id, on_hand=0, reserved=0))
            await self.s.flush()

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int:
        """Set a bin's count; the warehouse counter moves by the same delta, refused if it
        would drop below what is reserved. Returns the delta (recorded as a movement)."""
        bin_id = await self._bin_id(warehouse_id, bin_code)
        await self._ensure_counter(product_id, warehouse_id)
        current = await self.s.get(m.BinStockRow, (product_id, bin_id))
        delta = quantity - (current.quantity if current else 0)
        if delta == 0:
            return 0
        if not await self._conditional(_RECOUNT, product_id, warehouse_id, delta):
            level = await self.levels([product_id])
            available = sum(lv.available for lv in level if lv.warehouse_id == warehouse_id)
            raise InsufficientStock(available=max(available, 0))
        if current is None:
            self.s.add(m.BinStockRow(product_id=product_id, bin_id=bin_id, quantity=quantity))
        else:
            current.quantity = quantity
        self.s.add(
            m.InventoryMovementRow(
                product_id=product_id,
                warehouse_id=warehouse_id,
                bin_id=bin_id,
                delta=delta,
                reason=reason,
                actor=actor,
                at=at,
            )
        )
        await self.s.flush()
        return delta

    async def add_reservation(self, reservation: Reservation) -> Reservation:
        values = {
            "product_id": reservation.product_id,
            "warehouse_id": reservation.warehouse_id,
            "quantity": reservation.quantity,
            "kind": reservation.kind.value,
            "customer_id": reservation.customer_id,
            "order_id": reservation.order_id,
            "expires_at": reservation.expires_at,
            "created_at": reservation.created_at,
        }
        result = await run(self.s, _ADD_RESERVATION, values)
        return replace(reservation, id=result.inserted_primary_key[0])  # type: ignore[index]

    @staticmethod
    def _reservation(row: Any) -> Reservation:  # ORM or Core row
        return Reservation(
            row.product_id,
            row.warehouse_id,
            row.quantity,
            ReservationKind(row.kind),
            row.customer_id,
            row.order_id,
            row.expires_at,
            row.created_at,
            row.id,
        )

    async def _reservations(self, statement: Executable, **params: object) -> list[Reservation]:
        return [self._reservation(row) for row in await fetch(self.s, statement, params)]

    async def get_reservation(self, reservation_id: int) -> Reservation | None:
        found = await self._reservations(_RESERVATION_BY_ID, id=reservation_id)
        return found[0] if found else None

    async def delete_reservation(self, reservation: Reservation) -> None:
        params = {"reservation_id": reservation.id}
        await run(self.s, _DELETE_RESERVATION, params, rows={reservation.customer_id})

    async def customer_holds(self, customer_id: int) -> list[Reservation]:
        if self.cache is not None and (cached := self.cache.get("holds", customer_id)) is not None:
            return list(cast(list[Reservation], cached))
        holds = await self._reservations(_CUSTOMER_HOLDS, customer_id=customer_id)
        if self.cache is not None:
            self.cache.put("holds", customer_id, list(holds))  # Reservation is frozen
        return holds

    async def expired_holds(self, product_id: int, now: datetime) -> list[Reservation]:
        return await self._reservations(_EXPIRED_HOLDS, product_id=product_id, now=now)

    async def resize_reservation(self, reservation: Reservation, quantity: int) -> None:
        params = {"reservation_id": reservation.id, "new_quantity": quantity}
        await run(self.s, _RESIZE_RESERVATION, params, rows={reservation.customer_id})

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None:
        await run(self.s, _EXTEND_HOLDS, {"reservations_customer_id": customer_id, "until": expires_at})

    async def order_reservations(self, order_id: int) -> list[Reservation]:
        return await self._reservations(_ORDER_RESERVATIONS, order_id=order_id)

    async def drift(self) -> list[StockDrift]:
        r = m.ReservationRow
        sums = (
            select(r.product_id, r.warehouse_id, func.sum(r.quantity).label("total"))
            .group_by(r.product_id, r.warehouse_id)
            .subquery()
        )
        t = m.StockRow
        rows = await self.s.execute(
            select(t.product_id, t.warehouse_id, t.reserved, func.coalesce(sums.c.total, 0))
            .outerjoin(sums, (sums.c.product_id == t.product_id) & (sums.c.warehouse_id == t.warehouse_id))
            .where(t.reserved != func.coalesce(sums.c.total, 0))
        )
        return [StockDrift(p, w, counter, int(total)) for p, w, counter, total in rows]


class SqlInventory:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]:
        if not product_ids:
            return []
        b, bs = m.BinRow, m.BinStockRow
        rows = await self.s.execute(
            select(bs.product_id, b.warehouse_id, b.code, bs.quantity)
            .join(b, b.id == bs.bin_id)
            .where(bs.product_id.in_(product_ids), bs.quantity > 0)
            .order_by(b.warehouse_id, b.code)
        )
        return [BinQuantity(p, w, code, q) for p, w, code, q in rows]

    async def last_bin(self, product_id: int, warehouse_id: int) -> str | None:
        mv, b = m.InventoryMovementRow, m.BinRow
        return await self.s.scalar(
            select(b.code)
            .join(mv, mv.bin_id == b.id)
            .where(mv.product_id == product_id, mv.warehouse_id == warehouse_id)
            .order_by(mv.id.desc())
            .limit(1)
        )

    async def movements(self, product_id: int, limit: int) -> list[Movement]:
        mv, b = m.InventoryMovementRow, m.BinRow
        rows = await self.s.execute(
            select(mv.product_id, mv.warehouse_id, b.code, mv.delta, mv.reason, mv.actor, mv.at)
            .outerjoin(b, b.id == mv.bin_id)
            .where(mv.product_id == product_id)
            .order_by(mv.id.desc())
            .limit(limit)
        )
        return [Movement(*row) for row in rows]

    async def reorder_levels(self, warehouse_id: int | None) -> list[ReorderLevel]:
        t = m.StockRow
        query = select(t).where(t.reorder_point > 0).order_by(t.warehouse_id, t.product_id)
        if warehouse_id is not None:
            query = query.where(t.warehouse_id == warehouse_id)
        return [
            ReorderLevel(StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved), r.reorder_point, r.max_level)
            for r in await self.s.scalars(query)
        ]

    async def positions(self) -> list[StockLevel]:
        t = m.StockRow
        rows = await self.s.scalars(select(t).where(t.on_hand > 0).order_by(t.warehouse_id, t.product_id))
        return [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]

    async def set_reorder(self, product_id: int, warehouse_id: int, point: int, max_level: int | None) -> None:
        row = await self.s.get(m.StockRow, (product_id, warehouse_id))
        if row is None:
            row = m.StockRow(product_id=product_id, warehouse_id=warehouse_id, on_hand=0, reserved=0)
            self.s.add(row)
        row.reorder_point, row.max_level = point, max_level
        await self.s.flush()


class SqlPicking:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def lock_planning(self, warehouse_id: int) -> None:
        """Until this transaction ends, no other picker plans a round in this warehouse: on
        PostgreSQL a row lock on the warehouse (the next planner then reads this round,
        committed); SQLite's write transactions are serial already (FOR UPDATE is left out)."""
        await self.s.execute(select(m.WarehouseRow.id).where(m.WarehouseRow.id == warehouse_id).with_for_update())

    @staticmethod
    def _line(row: m.PickLineRow, bin_code: str | None) -> PickLine:
        return PickLine(
            row.seq, row.order_id, row.product_id, bin_code, row.tote, row.quantity, row.picked, row.short, row.id
        )

    async def add(self, pick_list: PickList, at: datetime) -> PickList:
        row = m.PickListRow(
            method=pick_list.method.value,
            warehouse_id=pick_list.warehouse_id,
            zone=pick_list.zone,
            wave=pick_list.wave,
            picker_telegram_id=pick_list.picker_telegram_id,
            status="open",
            created_at=at,
        )
        self.s.add(row)
        await self.s.flush()
        pick_list.id = row.id
        for line in pick_list.lines:
            await self.add_line(pick_list, line)
        return pick_list

    async def add_line(self, pick_list: PickList, line: PickLine) -> PickLine:
        assert pick_list.id is not None
        row = m.PickLineRow(
            pick_list_id=pick_list.id,
            seq=line.seq,
            order_id=line.order_id,
            product_id=line.product_id,
            bin_id=await bin_id_for(self.s, pick_list.warehouse_id, line.bin_code) if line.bin_code else None,
            tote=line.tote,
            quantity=line.quantity,
            picked=line.picked,
            short=line.short,
        )
        self.s.add(row)
        await self.s.flush()
        line.id = row.id
        return line

    async def _lines(self, where: ColumnElement[bool]) -> list[PickLine]:
        pl, b = m.PickLineRow, m.BinRow
        rows = await self.s.execute(select(pl, b.code).outerjoin(b, b.id == pl.bin_id).where(where).order_by(pl.seq))
        return [self._line(row, code) for row, code in rows]

    async def open_for(self, picker_telegram_id: int) -> PickList | None:
        t = m.PickListRow
        row = await self.s.scalar(
            select(t).where(t.picker_telegram_id == picker_telegram_id, t.status == "open").order_by(t.id).limit(1)
        )
        if row is None:
            return None
        lines = await self._lines(m.PickLineRow.pick_list_id == row.id)
        return PickList(
            PickMethod(row.method), row.warehouse_id, row.picker_telegram_id, lines, row.zone, row.wave, False, row.id
        )

    async def save_line(self, line: PickLine) -> None:
        await self.s.execute(
            update(m.PickLineRow)
            .where(m.PickLineRow.id == line.id)
            .values(picked=line.picked, short=line.short)
            .execution_options(synchronize_session=False)
        )

    async def finish(self, pick_list_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.PickListRow)
            .where(m.PickListRow.id == pick_list_id)
            .values(status="done", finished_at=at)
            .execution_options(synchronize_session=False)
        )

    async def orders_being_picked(self, warehouse_id: int) -> set[int]:
        pl, t = m.PickLineRow, m.PickListRow
        rows = await self.s.scalars(
            select(pl.order_id).join(t, t.id == pl.pick_list_id).where(t.warehouse_id == warehouse_id).distinct()
        )
        return set(rows)

    async def lines_for_order(self, order_id: int) -> list[PickLine]:
        return await self._lines(m.PickLineRow.order_id == order_id)

    async def next_wave(self) -> int:
        return int(await self.s.scalar(select(func.coalesce(func.max(m.PickListRow.wave), 0))) or 0) + 1


class SqlPacking:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def boxes(self) -> list[Box]:
        rows = await self.s.scalars(select(m.BoxRow).order_by(m.BoxRow.code))
        return [Box(r.code, r.name, r.length_mm, r.width_mm, r.height_mm, r.max_weight_g) for r in rows]

    async def replace_boxes(self, boxes: Sequence[Box]) -> None:
        await self.s.execute(delete(m.BoxRow))
        self.s.add_all(
            m.BoxRow(
                code=b.code,
                name=b.name,
                length_mm=b.length_mm,
                width_mm=b.width_mm,
                height_mm=b.height_mm,
                max_weight_g=b.max_weight_g,
            )
            for b in boxes
        )
        await self.s.flush()

    async def add_package(self, package: Package, at: datetime) -> None:
        self.s.add(
            m.PackageRow(
                order_id=package.order_id,
                seq=package.seq,
                box_code=package.box_code,
                weight_g=package.weight_g,
                packed_by=package.packed_by,
                packed_at=at,
            )
        )
        await self.s.flush()

    async def packages(self, order_id: int) -> list[Package]:
        rows = await self.s.scalars(
            select(m.PackageRow).where(m.PackageRow.order_id == order_id).order_by(m.PackageRow.seq)
        )
        return [Package(r.order_id, r.seq, r.box_code, r.weight_g, r.packed_by) for r in rows]


class SqlJobs:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def expired_holds(self, now: datetime, limit: int) -> list[Reservation]:
        r = m.ReservationRow
        rows = await self.s.scalars(
            select(r)
            .where(r.kind == ReservationKind.HOLD.value, r.expires_at <= now)
            .order_by(r.expires_at, r.id)
            .limit(limit)
        )
        return [SqlStock._reservation(row) for row in rows]

    async def idle_carts(self, idle_since: datetime) -> list[Customer]:
        """Customers whose cart has not changed since ``idle_since`` and who were not
        reminded after its last change."""
        c, cl = m.CustomerRow, m.CartLineRow
        last_change = (
            select(cl.customer_id, func.max(cl.updated_at).label("changed")).group_by(cl.customer_id).subquery()
        )
        rows = await self.s.scalars(
            select(c)
            .join(last_change, last_change.c.customer_id == c.id)
            .where(
                last_change.c.changed <= idle_since,
                c.unreachable.is_(False),
                (c.cart_reminded_at.is_(None)) | (c.cart_reminded_at < last_change.c.changed),
            )
            .order_by(c.id)
        )
        return [SqlCustomers._to_domain(row, []) for row in rows]

    async def mark_cart_reminded(self, customer_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.CustomerRow)
            .where(m.CustomerRow.id == customer_id)
            .values(cart_reminded_at=at)
            .execution_options(synchronize_session=False)
        )

    async def delivered_not_followed_up(self, delivered_before: datetime) -> list[Order]:
        o, h = m.OrderRow, m.OrderHistoryRow
        delivered = select(h.order_id).where(h.to_status == OrderStatus.DELIVERED.value, h.at <= delivered_before)
        rows = await self.s.scalars(
            select(o)
            .where(o.status == OrderStatus.DELIVERED.value, o.followed_up_at.is_(None), o.id.in_(delivered))
            .order_by(o.id)
        )
        return await SqlOrders(self.s)._load(rows.all())

    async def mark_followed_up(self, order_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(followed_up_at=at)
            .execution_options(synchronize_session=False)
        )

    async def save_review(self, review: Review) -> None:
        row = await self.s.get(m.ReviewRow, review.order_id)
        if row is None:
            row = m.ReviewRow(order_id=review.order_id, customer_id=review.customer_id)
            self.s.add(row)
        row.stars, row.text, row.created_at = review.stars, review.text, review.created_at
        await self.s.flush()

    async def review(self, order_id: int) -> Review | None:
        row = await self.s.get(m.ReviewRow, order_id)
        return Review(row.order_id, row.customer_id, row.stars, row.text, row.created_at) if row else None

    async def latest_reviews(self, limit: int) -> list[Review]:
        rv, o = m.ReviewRow, m.OrderRow
        rows = await self.s.execute(
            select(rv, o.code).join(o, o.id == rv.order_id).order_by(rv.created_at.desc()).limit(limit)
        )
        return [Review(r.order_id, r.customer_id, r.stars, r.text, r.created_at, code) for r, code in rows]

    async def unpaid_invoices(self, due_by: date) -> list[tuple[Order, int]]:
        """Invoice orders due by ``due_by``, not cancelled, with less paid than their total;
        each with how many reminders it has had."""
        o, pay = m.OrderRow, m.PaymentRow
        paid = (
            select(func.coalesce(func.sum(pay.amount_minor), 0))
            .where(pay.order_id == o.id, pay.kind == PaymentKind.PAYMENT.value)
            .scalar_subquery()
        )
        rows = (
            await self.s.scalars(
                select(o)
                .where(
                    o.payment_method == PaymentMethod.INVOICE.value,
                    o.invoice_due <= due_by,
                    o.status != OrderStatus.CANCELLED.value,
                    paid < o.total_minor,
                )
                .order_by(o.invoice_due, o.id)
            )
        ).all()
        orders = await SqlOrders(self.s)._load(rows)
        return [(order, row.dunning_stage) for order, row in zip(orders, rows, strict=True)]

    async def set_dunning_stage(self, order_id: int, stage: int) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(dunning_stage=stage)
            .execution_options(synchronize_session=False)
        )

    async def claim_daily_run(self, name: str, day: date) -> bool:
        """True once per ``day``: the job's run for that day is recorded."""
        t = m.JobRunRow
        return await self._claim(t, name, t.last_run_on < day, last_run_on=day)

    async def placed_between(self, start: datetime, end: datetime) -> list[Order]:
        o = m.OrderRow
        rows = (await self.s.scalars(select(o).where(o.created_at >= start, o.created_at < end).order_by(o.id))).all()
        return await SqlOrders(self.s)._load(rows)

    async def moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> int:
        h = m.OrderHistoryRow
        found = await self.s.scalar(
            select(func.count(func.distinct(h.order_id))).where(h.to_status == status.value, h.at >= start, h.at < end)
        )
        return int(found or 0)

    async def orders_moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> list[Order]:
        h, o = m.OrderHistoryRow, m.OrderRow
        moved = select(h.order_id).where(h.to_status == status.value, h.at >= start, h.at < end)
        rows = (await self.s.scalars(select(o).where(o.id.in_(moved)).order_by(o.id))).all()
        return await SqlOrders(self.s)._load(rows)

    async def take_lock(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lock: ours if free, expired or already ours."""
        t = m.JobLockRow
        return await self._claim(t, name, (t.holder == holder) | (t.expires_at < now), holder=holder, expires_at=until)

    async def _claim(
        self, table: type[m.JobRunRow] | type[m.JobLockRow], name: str, free: ColumnElement[bool], **values: object
    ) -> bool:
        """Claim the row ``name`` where ``free`` holds, or create it: the row count of the
        conditional UPDATE decides, and of two processes creating it only one INSERT wins."""
        result = await self.s.execute(
            update(table).where(table.name == name, free).values(**values).execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        if await self.s.get(table, name) is not None:
            return False
        try:
            async with self.s.begin_nested():
                self.s.add(table(name=name, **values))
        except IntegrityError:
            return False
        return True


class SqlPurchasing:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def upsert_suppliers(self, suppliers: Sequence[Supplier]) -> None:
        existing = {r.code: r for r in await self.s.scalars(select(m.SupplierRow))}
        for supplier in suppliers:
            row = existing.get(supplier.code) or m.SupplierRow(code=supplier.code)
            row.name, row.contact, row.lead_time_days = supplier.name, supplier.contact, supplier.lead_time_days
            self.s.add(row)
        await self.s.flush()

    async def suppliers(self) -> list[Supplier]:
        rows = await self.s.scalars(select(m.SupplierRow).order_by(m.SupplierRow.code))
        return [Supplier(r.code, r.name, r.contact, r.lead_time_days, r.id) for r in rows]

    async def set_terms(self, terms: Sequence[SupplyTerms]) -> None:
        for t in terms:
            row = await self.s.get(m.SupplyTermsRow, (t.product_id, t.warehouse_id))
            if row is None:
                row = m.SupplyTermsRow(product_id=t.product_id, warehouse_id=t.warehouse_id)
                self.s.add(row)
            row.supplier_id, row.pack_size, row.min_order_qty = t.supplier_id, t.pack_size, t.min_order_qty
            row.unit_cost_minor, row.currency = t.unit_cost.amount, t.unit_cost.currency
        await self.s.flush()

    async def terms(self) -> list[SupplyTerms]:
        rows = await self.s.scalars(select(m.SupplyTermsRow))
        return [
            SupplyTerms(
                r.product_id,
                r.warehouse_id,
                r.supplier_id,
                r.pack_size,
                r.min_order_qty,
                Money(r.unit_cost_minor, r.currency),
            )
            for r in rows
        ]

    async def incoming(self, product_ids: Sequence[int]) -> dict[tuple[int, int], int]:
        """Units still expected on open purchase orders (drafts included: their need is covered)."""
        po, line = m.PurchaseOrderRow, m.PoLineRow
        query = (
            select(line.product_id, po.warehouse_id, func.sum(line.quantity - line.received))
            .join(po, po.id == line.po_id)
            .where(po.status.in_([s.value for s in OPEN_STATUSES]))
            .group_by(line.product_id, po.warehouse_id)
        )
        if product_ids:
            query = query.where(line.product_id.in_(product_ids))
        return {(p, w): int(q or 0) for p, w, q in await self.s.execute(query)}

    async def _load(self, rows: Sequence[m.PurchaseOrderRow]) -> list[PurchaseOrder]:
        currency = {r.id: r.currency for r in rows}
        lines: dict[int, list[PoLine]] = defaultdict(list)
        if currency:
            pl, p = m.PoLineRow, m.ProductRow
            found = await self.s.execute(
                select(pl, p.sku).join(p, p.id == pl.product_id).where(pl.po_id.in_(list(currency))).order_by(pl.id)
            )
            for row, sku in found:
                cost = Money(row.unit_cost_minor, currency[row.po_id])
                lines[row.po_id].append(PoLine(row.product_id, sku, row.quantity, cost, row.received, row.id))
        return [
            PurchaseOrder(
                r.supplier_id,
                r.warehouse_id,
                r.currency,
                PoStatus(r.status),
                lines[r.id],
                r.created_at,
                r.expected_on,
                r.id,
            )
            for r in rows
        ]

    async def open_draft(self, supplier_id: int, warehouse_id: int) -> PurchaseOrder | None:
        po = m.PurchaseOrderRow
        row = await self.s.scalar(
            select(po).where(
                po.supplier_id == supplier_id, po.warehouse_id == warehouse_id, po.status == PoStatus.DRAFT.value
            )
        )
        return (await self._load([row]))[0] if row else None

    async def add(self, po: PurchaseOrder, actor: str) -> PurchaseOrder:
        row = m.PurchaseOrderRow(
            supplier_id=po.supplier_id,
            warehouse_id=po.warehouse_id,
            status=po.status.value,
            currency=po.currency,
            created_at=po.created_at,
            expected_on=po.expected_on,
            updated_by=actor,
        )
        self.s.add(row)
        await self.s.flush()
        po.id = row.id
        await self.save(po, actor)
        return po

    async def save(self, po: PurchaseOrder, actor: str) -> None:
        row = await self.s.get(m.PurchaseOrderRow, po.id)
        assert row is not None
        row.status, row.expected_on, row.updated_by = po.status.value, po.expected_on, actor
        for line in po.lines:
            if line.id is None:
                stored = m.PoLineRow(
                    po_id=row.id,
                    product_id=line.product_id,
                    quantity=line.quantity,
                    unit_cost_minor=line.unit_cost.amount,
                )
                self.s.add(stored)
                await self.s.flush()
                line.id = stored.id
            else:
                await self.s.execute(
                    update(m.PoLineRow)
                    .where(m.PoLineRow.id == line.id)
                    .values(quantity=line.quantity, received=line.received)
                    .execution_options(synchronize_session=False)
                )
        await self.s.flush()

    async def get(self, po_id: int) -> PurchaseOrder | None:
        row = await self.s.get(m.PurchaseOrderRow, po_id)
        return (await self._load([row]))[0] if row else None

    async def recent(self, limit: int) -> list[PurchaseOrder]:
        po = m.PurchaseOrderRow
        open_first = case((po.status.in_([s.value for s in OPEN_STATUSES]), 0), else_=1)
        rows = (await self.s.scalars(select(po).order_by(open_first, po.id.desc()).limit(limit))).all()
        return await self._load(rows)


class SqlReturns:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, request: ReturnRequest, at: datetime) -> ReturnRequest:
        row = m.ReturnRow(
            rma_code=request.rma_code,
            order_id=request.order_id,
            customer_id=request.customer_id,
            kind=request.kind.value,
            reason=request.reason.value,
            method=request.method.value,
            status=request.status.value,
            note=request.note,
            photos=json.dumps(request.photos),
            currency=request.lines[0].unit_price.currency,
            created_at=request.created_at,
            updated_at=at,
        )
        self.s.add(row)
        await self.s.flush()
        request.id = row.id
        for line in request.lines:
            stored = m.ReturnLineRow(
                return_id=row.id, order_line_id=line.order_line_id, product_id=line.product_id, quantity=line.quantity
            )
            self.s.add(stored)
            await self.s.flush()
            line.id = stored.id
        return request

    async def save(self, request: ReturnRequest, at: datetime) -> None:
        await self.s.execute(
            update(m.ReturnRow)
            .where(m.ReturnRow.id == request.id)
            .values(
                status=request.status.value,
                reject_reason=request.reject_reason,
                refund_minor=request.refund.amount if request.refund else None,
                replacement_order_id=request.replacement_order_id,
                photos=json.dumps(request.photos),
                updated_at=at,
            )
            .execution_options(synchronize_session=False)
        )
        for line in request.lines:
            await self.s.execute(
                update(m.ReturnLineRow)
                .where(m.ReturnLineRow.id == line.id)
                .values(restocked=line.restocked, written_off=line.written_off)
                .execution_options(synchronize_session=False)
            )

    async def _load(self, rows: Sequence[m.ReturnRow]) -> list[ReturnRequest]:
        if not rows:
            return []
        rl, ol, o = m.ReturnLineRow, m.OrderLineRow, m.OrderRow
        ids = [r.id for r in rows]
        found = await self.s.execute(
            select(rl, ol.sku, ol.name, ol.unit_price_minor)
            .join(ol, ol.id == rl.order_line_id)
            .where(rl.return_id.in_(ids))
            .order_by(rl.id)
        )
        codes = dict((await self.s.execute(select(o.id, o.code).where(o.id.in_([r.order_id for r in rows])))).all())
        lines: dict[int, list[ReturnLine]] = defaultdict(list)
        currency = {r.id: r.currency for r in rows}
        for line, sku, name, price in found:
            lines[line.return_id].append(
                ReturnLine(
                    line.order_line_id,
                    line.product_id,
                    sku,
                    name,
                    line.quantity,
                    Money(price, currency[line.return_id]),
                    line.restocked,
                    line.written_off,
                    line.id,
                )
            )
        return [
            ReturnRequest(
                r.rma_code,
                r.order_id,
                r.customer_id,
                ReturnKind(r.kind),
                ReturnReason(r.reason),
                ReturnMethod(r.method),
                lines[r.id],
                r.created_at,
                ReturnStatus(r.status),
                r.note,
                list(json.loads(r.photos or "[]")),
                r.reject_reason,
                Money(r.refund_minor, r.currency) if r.refund_minor is not None else None,
                r.replacement_order_id,
                codes.get(r.order_id, ""),
                r.id,
            )
            for r in rows
        ]

    async def get_by_code(self, rma_code: str) -> ReturnRequest | None:
        row = await self.s.scalar(select(m.ReturnRow).where(m.ReturnRow.rma_code == rma_code))
        return (await self._load([row]))[0] if row else None

    async def for_order(self, order_id: int) -> list[ReturnRequest]:
        return await self._where(m.ReturnRow.order_id == order_id)

    async def for_customer(self, customer_id: int) -> list[ReturnRequest]:
        return await self._where(m.ReturnRow.customer_id == customer_id)

    async def _where(self, condition: ColumnElement[bool]) -> list[ReturnRequest]:
        t = m.ReturnRow
        return await self._load((await self.s.scalars(select(t).where(condition).order_by(t.id))).all())

    async def requested_between(self, start: datetime, end: datetime) -> int:
        t = m.ReturnRow
        found = await self.s.scalar(select(func.count()).where(t.created_at >= start, t.created_at < end))
        return int(found or 0)

    async def open(self, limit: int) -> list[ReturnRequest]:
        t = m.ReturnRow
        waiting = [ReturnStatus.REQUESTED.value, ReturnStatus.APPROVED.value, ReturnStatus.RECEIVED.value]
        rows = (await self.s.scalars(select(t).where(t.status.in_(waiting)).order_by(t.created_at).limit(limit))).all()
        return await self._load(rows)


class SqlApi:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _key(row: m.ApiKeyRow) -> ApiKey:
        scopes = frozenset(Scope(name) for name in row.scopes.split())
        return ApiKey(row.name, row.prefix, row.key_hash, row.created_at, row.revoked_at, row.id, scopes)

    async def add_key(self, key: ApiKey) -> ApiKey:
        if await self.s.scalar(select(m.ApiKeyRow.id).where(m.ApiKeyRow.name == key.name)) is not None:
            raise KeyNameTaken(name=key.name)
        row = m.ApiKeyRow(
            name=key.name,
            prefix=key.prefix,
            key_hash=key.key_hash,
            created_at=key.created_at,
            scopes=" ".join(sorted(key.scopes)),
        )
        self.s.add(row)
        await self.s.flush()
        key.id = row.id
        return key

    async def key_by_prefix(self, prefix: str) -> ApiKey | None:
        row = await self.s.scalar(select(m.ApiKeyRow).where(m.ApiKeyRow.prefix == prefix))
        return self._key(row) if row else None

    async def keys(self) -> list[ApiKey]:
        return [self._key(r) for r in await self.s.scalars(select(m.ApiKeyRow).order_by(m.ApiKeyRow.name))]

    async def revoke(self, name: str, at: datetime) -> bool:
        k = m.ApiKeyRow
        done = await self.s.execute(
            update(k)
            .where(k.name == name, k.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def claim(
        self, key_id: int, idempotency_key: str, body_hash: str, at: datetime
    ) -> tuple[str, int | None] | None:
        r = m.ApiRequestRow
        try:
            async with self.s.begin_nested():  # a concurrent first use waits here, then loses
                self.s.add(r(api_key_id=key_id, idempotency_key=idempotency_key, body_hash=body_hash, created_at=at))
        except IntegrityError:
            first = (
                await self.s.execute(
                    select(r.body_hash, r.order_id).where(r.api_key_id == key_id, r.idempotency_key == idempotency_key)
                )
            ).one()
            return first.body_hash, first.order_id
        return None

    async def placed_by(self, key_id: int, order_id: int) -> bool:
        r = m.ApiRequestRow
        found = await self.s.scalar(select(r.id).where(r.api_key_id == key_id, r.order_id == order_id).limit(1))
        return found is not None

    async def settle(self, key_id: int, idempotency_key: str, order_id: int) -> None:
        r = m.ApiRequestRow
        await self.s.execute(
            update(r)
            .where(r.api_key_id == key_id, r.idempotency_key == idempotency_key)
            .values(order_id=order_id)
            .execution_options(synchronize_session=False)
        )


IMPORTED = "import"


class SqlDemand:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def record(self, rows: Sequence[tuple[int, int, date, int]], source: str) -> None:
        values = [
            {"product_id": p, "warehouse_id": w, "day": d, "quantity": q, "source": source[:32]}
            for p, w, d, q in rows
            if q > 0
        ]
        if values:
            await self.s.execute(insert(m.DemandRow), values)

    async def daily(self, product_ids: Sequence[int] | None, since: date) -> list[tuple[int, int, date, int]]:
        d = m.DemandRow
        query = select(d.product_id, d.warehouse_id, d.day, func.sum(d.quantity)).where(d.day >= since)
        if product_ids is not None:
            query = query.where(d.product_id.in_(product_ids))
        rows = await self.s.execute(query.group_by(d.product_id, d.warehouse_id, d.day).order_by(d.day))
        return [(p, w, day, int(q)) for p, w, day, q in rows]

    async def replace_imported(self, rows: Sequence[tuple[int, int, date, int]]) -> int:
        d = m.DemandRow
        pairs = sorted({(p, w) for p, w, _, _ in rows})
        before: set[tuple[int, int, date]] = set()
        for product_id, warehouse_id in pairs:
            mine = (d.product_id == product_id) & (d.warehouse_id == warehouse_id) & (d.source == IMPORTED)
            before |= {(product_id, warehouse_id, day) for day in await self.s.scalars(select(d.day).where(mine))}
            await self.s.execute(delete(d).where(mine))
        await self.record(rows, IMPORTED)
        return sum(1 for p, w, day, _ in rows if (p, w, day) in before)

    async def last_sold(self) -> dict[tuple[int, int], date]:
        d = m.DemandRow
        rows = await self.s.execute(
            select(d.product_id, d.warehouse_id, func.max(d.day)).group_by(d.product_id, d.warehouse_id)
        )
        return {(p, w): day for p, w, day in rows}


BOOKS_CURRENCY = "books_currency"


class SqlJournal:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def post(self, entry: JournalEntry) -> None:
        row = m.JournalEntryRow(
            at=entry.at,
            source=entry.source,
            memo=entry.memo[:256],
            currency=entry.currency,
            debit_total=sum(x.debit for x in entry.lines),
            credit_total=sum(x.credit for x in entry.lines),
        )
        self.s.add(row)
        await self.s.flush()
        self.s.add_all(
            m.JournalLineRow(entry_id=row.id, account=x.account.value, debit_minor=x.debit, credit_minor=x.credit)
            for x in entry.lines
        )
        await self.s.flush()

    async def entries(self, start: datetime, end: datetime) -> list[JournalEntry]:
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = (await self.s.scalars(select(e).where(e.at >= start, e.at < end).order_by(e.at, e.id))).all()
        lines: dict[int, list[JournalLine]] = defaultdict(list)
        if rows:
            found = await self.s.scalars(select(line).where(line.entry_id.in_([r.id for r in rows])).order_by(line.id))
            for x in found:
                lines[x.entry_id].append(JournalLine(Account(x.account), x.debit_minor, x.credit_minor))
        return [JournalEntry(r.at, r.source, r.memo, r.currency, tuple(lines[r.id]), r.id) for r in rows]

    async def books_currency(self) -> str | None:
        return await self.s.scalar(select(m.ShopSettingRow.value).where(m.ShopSettingRow.key == BOOKS_CURRENCY))

    async def keep_books_in(self, currency: str) -> None:
        await _upsert(self.s, m.ShopSettingRow, {"key": BOOKS_CURRENCY, "value": currency}, "key")

    async def entry_count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(m.JournalEntryRow)) or 0)

    async def balances(self, until: datetime) -> dict[tuple[str, str], tuple[int, int]]:
        """Debits and credits per (account, currency) up to ``until``."""
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = await self.s.execute(
            select(line.account, e.currency, func.sum(line.debit_minor), func.sum(line.credit_minor))
            .join(e, e.id == line.entry_id)
            .where(e.at < until)
            .group_by(line.account, e.currency)
            .order_by(line.account, e.currency)
        )
        return {(account, currency): (int(d or 0), int(c or 0)) for account, currency, d, c in rows}


_ORDERS = _table(m.OrderRow)
_ORDER_LINES = _table(m.OrderLineRow)
_ORDER_HISTORY = _table(m.OrderHistoryRow)
_ADD_ORDER = insert(_ORDERS)
_ADD_ORDER_LINE = insert(_ORDER_LINES)
_ADD_HISTORY = insert(_ORDER_HISTORY)
_ORDER_BY_ID = select(_ORDERS).where(_ORDERS.c.id == bindparam("id"))
_ORDER_BY_CODE = select(_ORDERS).where(_ORDERS.c.code == bindparam("code"))
_ORDER_BY_CHECKOUT_KEY = select(_ORDERS).where(_ORDERS.c.checkout_key == bindparam("checkout_key"))
_LINES_OF_ORDERS = select(_ORDER_LINES).where(_ORDER_LINES.c.order_id.in_(bindparam("ids", expanding=True)))
_HISTORY_OF_ORDERS = (
    select(_ORDER_HISTORY)
    .where(_ORDER_HISTORY.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_ORDER_HISTORY.c.id)
)
# Compare-and-set on the previous status, so two staff pressing buttons at once cannot
# both move the order.
_MOVE_ORDER = (
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"), _ORDERS.c.status == bindparam("from_status"))
    .values(
        status=bindparam("new_status"),
        held_from=bindparam("new_held_from"),
        updated_at=bindparam("at"),
        tracking_number=bindparam("new_tracking_number"),
        carrier=bindparam("new_carrier"),
    )
)


class SqlOrders:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, order: Order) -> Order:
        now = order.created_at
        values = {
            "code": order.code,
            "customer_id": order.customer_id,
            "status": order.status.value,
            "held_from": order.held_from.value if order.held_from else None,
            "currency": order.currency,
            "subtotal_minor": order.subtotal.amount,
            "shipping_minor": order.shipping.amount if order.shipping else 0,
            "total_minor": order.total.amount,
            "fx_rate": order.fx_rate,
            "tax_rate": order.tax_rate,
            "flags": ",".join(sorted(order.flags)),
            "created_at": now,
            "updated_at": now,
            **self._details(order),
        }
        order.id = (await run(self.s, _ADD_ORDER, values)).inserted_primary_key[0]  # type: ignore[index]
        lines = [
            {
                "order_id": order.id,
                "product_id": line.product_id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price.amount,
            }
            for line in order.lines
        ]
        if lines:
            await run(self.s, _ADD_ORDER_LINE, lines)
        if order.history:
            await run(self.s, _ADD_HISTORY, [self._history_row(order.id, entry) for entry in order.history])
        return order

    @staticmethod
    def _details(order: Order) -> dict[str, object]:
        d = order.delivery
        return {
            "channel": order.channel.value,
            "payment_method": order.payment_method.value,
            "delivery_method": d.method.value if d else None,
            "address": d.address if d else "",
            "latitude": d.latitude if d else None,
            "longitude": d.longitude if d else None,
            "pickup_warehouse_id": d.pickup_warehouse_id if d else None,
            "carrier": d.carrier if d else "",
            "service": d.service if d else "",
            "eta": d.eta if d else None,
            "ready_by": d.ready_by if d else None,
            "contact_phone": order.contact_phone,
            "invoice_due": order.invoice_due,
            "routing": json.dumps(order.routing, ensure_ascii=False),
            "checkout_key": order.checkout_key,
            "tracking_number": order.tracking_number,
            "gift_message": order.gift_message,
        }

    @staticmethod
    def _delivery(row: Any) -> Delivery | None:  # ORM or Core row
        if row.delivery_method is None:
            return None
        return Delivery(
            DeliveryMethod(row.delivery_method),
            row.address,
            row.latitude,
            row.longitude,
            row.pickup_warehouse_id,
            row.carrier,
            row.service,
            row.eta,
            row.ready_by,
        )

    async def get_by_checkout_key(self, key: str) -> Order | None:
        return await self._first(_ORDER_BY_CHECKOUT_KEY, checkout_key=key)

    async def _first(self, statement: Executable, **params: object) -> Order | None:
        row = next(iter(await fetch(self.s, statement, params)), None)
        return (await self._load([row]))[0] if row else None

    async def get_by_tracking(self, tracking: str) -> Order | None:
        if not tracking:
            return None
        o = m.OrderRow
        row = await self.s.scalar(select(o).where(o.tracking_number == tracking).order_by(o.id.desc()).limit(1))
        return (await self._load([row]))[0] if row else None

    async def for_customer(self, customer_id: int, offset: int, limit: int) -> tuple[list[Order], int]:
        o = m.OrderRow
        total = await self.s.scalar(select(func.count()).select_from(o).where(o.customer_id == customer_id)) or 0
        rows = (
            await self.s.scalars(
                select(o)
                .where(o.customer_id == customer_id)
                .order_by(o.created_at.desc(), o.id.desc())
                .offset(offset)
                .limit(limit)
            )
        ).all()
        return await self._load(rows), total

    @staticmethod
    def _history_row(order_id: int, entry: HistoryEntry) -> dict[str, object]:
        return {
            "order_id": order_id,
            "at": entry.at,
            "actor": entry.actor,
            "from_status": entry.from_status.value if entry.from_status else None,
            "to_status": entry.to_status.value,
            "reason": entry.reason,
        }

    async def to_fulfil(self, statuses: Sequence[OrderStatus], warehouse_id: int | None) -> list[Order]:
        """Orders in these statuses, with an allocation in the warehouse when one is given."""
        o, r = m.OrderRow, m.ReservationRow
        query = select(o).where(o.status.in_([s.value for s in statuses])).order_by(o.created_at, o.id)
        if warehouse_id is not None:
            allocated = select(r.order_id).where(r.warehouse_id == warehouse_id, r.order_id.is_not(None))
            query = query.where(o.id.in_(allocated))
        return await self._load((await self.s.scalars(query)).all())

    async def value_by_customer(self) -> list[tuple[int, str, int, int]]:
        """Per customer and currency: what their orders (not cancelled) came to, less the
        refunds owed to them, and how many orders — the ranking's figures."""
        o, pay = m.OrderRow, m.PaymentRow
        refunds = (
            select(func.coalesce(func.sum(pay.amount_minor), 0))
            .where(pay.order_id == o.id, pay.kind == PaymentKind.REFUND_OWED.value)
            .scalar_subquery()
        )
        rows = await self.s.execute(
            select(o.customer_id, o.currency, func.sum(o.total_minor - refunds), func.count())
            .where(o.status != OrderStatus.CANCELLED.value)
            .group_by(o.customer_id, o.currency)
        )
        return [(c, cur, int(v or 0), int(n)) for c, cur, v, n in rows]

    async def set_flags(self, order_id: int, flags: frozenset[str]) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(flags=",".join(sorted(flags)))
            .execution_options(synchronize_session=False)
        )

    async def get_by_id(self, order_id: int) -> Order | None:
        return await self._first(_ORDER_BY_ID, id=order_id)

    async def get_by_code(self, code: str) -> Order | None:
        return await self._first(_ORDER_BY_CODE, code=code)

    async def _load(self, rows: Sequence[Any]) -> list[Order]:
        """Orders (ORM or Core rows) with their lines and history in three queries,
        however many orders."""
        ids = [row.id for row in rows]
        lines: dict[int, list[Any]] = defaultdict(list)
        history: dict[int, list[Any]] = defaultdict(list)
        if ids:
            for line in await fetch(self.s, _LINES_OF_ORDERS, {"ids": ids}):
                lines[line.order_id].append(line)
            for entry in await fetch(self.s, _HISTORY_OF_ORDERS, {"ids": ids}):
                history[entry.order_id].append(entry)
        return [self._order(row, lines[row.id], history[row.id]) for row in rows]

    def _order(self, row: Any, lines: list[Any], history: list[Any]) -> Order:
        return Order(
            code=row.code,
            customer_id=row.customer_id,
            currency=row.currency,
            lines=[
                OrderLine(x.product_id, x.sku, x.name, x.quantity, Money(x.unit_price_minor, row.currency), x.id)
                for x in sorted(lines, key=lambda x: x.id)
            ],
            status=OrderStatus(row.status),
            shipping=Money(row.shipping_minor, row.currency),
            fx_rate=row.fx_rate,
            tax_rate=row.tax_rate,
            flags=frozenset(f for f in row.flags.split(",") if f),
            held_from=OrderStatus(row.held_from) if row.held_from else None,
            created_at=row.created_at,
            history=[
                HistoryEntry(
                    h.at,
                    h.actor,
                    OrderStatus(h.from_status) if h.from_status else None,
                    OrderStatus(h.to_status),
                    h.reason,
                )
                for h in history
            ],
            channel=Channel(row.channel),
            payment_method=PaymentMethod(row.payment_method),
            delivery=self._delivery(row),
            contact_phone=row.contact_phone,
            invoice_due=row.invoice_due,
            routing=list(json.loads(row.routing or "[]")),
            checkout_key=row.checkout_key,
            tracking_number=row.tracking_number,
            gift_message=row.gift_message,
            id=row.id,
        )

    async def record_transition(self, order: Order, entry: HistoryEntry) -> None:
        """Compare-and-set on the previous status, so two staff pressing buttons at once
        cannot both move the order."""
        assert order.id is not None and entry.from_status is not None  # a new order is added, not moved
        values = {
            "order_id": order.id,
            "from_status": entry.from_status.value,
            "new_status": order.status.value,
            "new_held_from": order.held_from.value if order.held_from else None,
            "at": entry.at,
            "new_tracking_number": order.tracking_number,
            "new_carrier": order.delivery.carrier if order.delivery else "",
        }
        if not (await run(self.s, _MOVE_ORDER, values)).rowcount:
            current = await self.s.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id))
            raise IllegalTransition(current=current or "?", target=entry.to_status.value)
        await run(self.s, _ADD_HISTORY, self._history_row(order.id, entry))


_FX = _table(m.FxRateRow)
_NEWEST_RATES = (
    select(func.max(_FX.c.id).label("id"))
    .where(or_(_FX.c.base == bindparam("base"), _FX.c.quote == bindparam("base")))
    .group_by(_FX.c.base, _FX.c.quote)
    .subquery()
)
_LATEST_AGAINST = select(_FX).join(_NEWEST_RATES, _NEWEST_RATES.c.id == _FX.c.id)


class SqlFx:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def add(self, rate: FxRate, actor: str) -> None:
        self.s.add(m.FxRateRow(base=rate.base, quote=rate.quote, rate=rate.rate_text, set_at=rate.set_at, set_by=actor))
        await self.s.flush()

    async def latest(self, base: str, quote: str) -> FxRate | None:
        row = await self.s.scalar(
            select(m.FxRateRow)
            .where(m.FxRateRow.base == base, m.FxRateRow.quote == quote)
            .order_by(m.FxRateRow.set_at.desc(), m.FxRateRow.id.desc())
            .limit(1)
        )
        return _fx(row) if row else None

    async def latest_against(self, base: str) -> list[FxRate]:
        if self.cache is not None and (cached := self.cache.get("reference", ("fx", base))) is not None:
            return list(cast(list[FxRate], cached))
        rates = [_fx(row) for row in await fetch(self.s, _LATEST_AGAINST, {"base": base})]
        if self.cache is not None:
            self.cache.put("reference", ("fx", base), list(rates))
        return rates

    async def history(self, base: str, quote: str, limit: int) -> list[tuple[FxRate, str]]:
        pair = or_(
            and_(m.FxRateRow.base == base, m.FxRateRow.quote == quote),
            and_(m.FxRateRow.base == quote, m.FxRateRow.quote == base),
        )
        rows = await self.s.scalars(
            select(m.FxRateRow).where(pair).order_by(m.FxRateRow.set_at.desc(), m.FxRateRow.id.desc()).limit(limit)
        )
        return [(_fx(row), row.set_by) for row in rows]


def _fx(row: Any) -> FxRate:  # ORM or Core row
    return FxRate(row.base, row.quote, Decimal(row.rate), row.set_at)


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, payment: Payment) -> bool:
        if payment.telegram_charge_id is not None:
            seen = await self.s.scalar(
                select(m.PaymentRow.id).where(m.PaymentRow.telegram_charge_id == payment.telegram_charge_id)
            )
            if seen is not None:
                return False
        self.s.add(
            m.PaymentRow(
                order_id=payment.order_id,
                kind=payment.kind.value,
                method=payment.method,
                amount_minor=payment.amount.amount,
                currency=payment.amount.currency,
                telegram_charge_id=payment.telegram_charge_id,
                provider_charge_id=payment.provider_charge_id,
                at=payment.at,
            )
        )
        await self.s.flush()
        return True

    async def for_order(self, order_id: int) -> list[Payment]:
        return (await self.for_orders([order_id]))[order_id]

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Payment]]:
        """Each order's payments in the order they were recorded (every id present, if only
        with []), a few statements however many orders: the receivables report lists all."""
        found: dict[int, list[Payment]] = {order_id: [] for order_id in order_ids}
        p = m.PaymentRow
        for chunk in _chunks(list(found)):
            for r in await self.s.scalars(select(p).where(p.order_id.in_(chunk)).order_by(p.id)):
                found[r.order_id].append(
                    Payment(
                        r.order_id,
                        PaymentKind(r.kind),
                        r.method,
                        Money(r.amount_minor, r.currency),
                        r.at,
                        r.telegram_charge_id,
                        r.provider_charge_id,
                        r.id,
                    )
                )
        return found


class SqlCarriers:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def all(self) -> list[CarrierRate]:
        if self.cache is not None and (cached := self.cache.get("reference", "carriers")) is not None:
            return list(cast(list[CarrierRate], cached))
        rates = await self._all()
        if self.cache is not None:
            self.cache.put("reference", "carriers", list(rates))
        return rates

    async def _all(self) -> list[CarrierRate]:
        rows = await self.s.scalars(select(m.CarrierRateRow).order_by(m.CarrierRateRow.id))
        return [
            CarrierRate(
                r.carrier,
                r.service,
                Zone(r.zone),
                Money(r.base_minor, r.currency),
                Money(r.per_kg_minor, r.currency),
                r.transit_days,
                r.cutoff_hour,
                r.max_weight_g,
                r.id,
                r.tracking_url,
            )
            for r in rows
        ]

    async def replace_all(self, rates: Sequence[CarrierRate]) -> None:
        """A rate file is the whole table: services not in it are no longer offered."""
        existing = {
            (r.carrier, r.service, r.zone, r.currency): r for r in await self.s.scalars(select(m.CarrierRateRow))
        }
        keep = set()
        for rate in rates:
            key = (rate.carrier, rate.service, rate.zone.value, rate.base.currency)
            row = existing.get(key) or m.CarrierRateRow(
                carrier=rate.carrier, service=rate.service, zone=rate.zone.value, currency=rate.base.currency
            )
            row.base_minor, row.per_kg_minor = rate.base.amount, rate.per_kg.amount
            row.transit_days, row.cutoff_hour, row.max_weight_g = rate.transit_days, rate.cutoff_hour, rate.max_weight_g
            row.tracking_url = rate.tracking_url
            self.s.add(row)
            keep.add(key)
        for key, row in existing.items():
            if key not in keep:
                await self.s.delete(row)
        await self.s.flush()


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, notification: Notification, at: datetime) -> None:
        self.s.add(
            m.OutboxRow(
                chat_id=notification.chat_id,
                template=notification.template,
                language=notification.language,
                params=json.dumps(notification.params, ensure_ascii=False, default=str),
                created_at=at,
                next_attempt_at=at,
                attempts=0,
            )
        )
        await self.s.flush()


class SqlSubscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def subscribe(self, customer_id: int, product_id: int, at: datetime) -> bool:
        row = await self.s.get(m.StockSubscriptionRow, (customer_id, product_id))
        if row is not None and row.notified_at is None:
            return False
        if row is None:
            self.s.add(m.StockSubscriptionRow(customer_id=customer_id, product_id=product_id, created_at=at))
        else:
            row.created_at, row.notified_at = at, None
        await self.s.flush()
        return True

    async def waiting(self, product_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not product_ids:
            return []
        t = m.StockSubscriptionRow
        rows = await self.s.execute(
            select(t.customer_id, t.product_id).where(t.product_id.in_(product_ids), t.notified_at.is_(None))
        )
        return [(c, p) for c, p in rows]

    async def mark_notified(self, customer_id: int, product_id: int, at: datetime) -> None:
        t = m.StockSubscriptionRow
        await self.s.execute(
            update(t).where(t.customer_id == customer_id, t.product_id == product_id).values(notified_at=at)
        )


_CART = _table(m.CartLineRow)
_CART_LINES = select(_CART.c.product_id, _CART.c.quantity).where(_CART.c.customer_id == bindparam("customer_id"))
_THIS_LINE = and_(
    _CART.c.customer_id == bindparam("cart_lines_customer_id"), _CART.c.product_id == bindparam("cart_lines_product_id")
)
_REMOVE_CART_LINE = delete(_CART).where(_THIS_LINE)


def _cart_line_upsert(insert_for: Any) -> Executable:
    """Set a cart line whether or not it is there yet, in one statement (was an UPDATE, then
    an INSERT when it changed nothing: two statements for every first add, and a race
    between two of them)."""
    statement = insert_for(_CART).values(
        customer_id=bindparam("cart_lines_customer_id"),
        product_id=bindparam("cart_lines_product_id"),
        quantity=bindparam("new_quantity"),
        updated_at=bindparam("at"),
    )
    changed = {"quantity": statement.excluded.quantity, "updated_at": statement.excluded.updated_at}
    return cast(
        Executable,
        statement.on_conflict_do_update(index_elements=[_CART.c.customer_id, _CART.c.product_id], set_=changed),
    )


_SET_CART_LINE_BY_DIALECT = {dialect: _cart_line_upsert(insert_for) for dialect, insert_for in _INSERT_FOR.items()}
_CLEAR_CART = delete(_CART).where(_CART.c.customer_id == bindparam("cart_lines_customer_id"))


class SqlCarts:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def lines(self, customer_id: int) -> dict[int, int]:
        if self.cache is not None and (cached := self.cache.get("carts", customer_id)) is not None:
            return dict(cast(dict[int, int], cached))
        rows = await fetch(self.s, _CART_LINES, {"customer_id": customer_id})
        lines = {row.product_id: row.quantity for row in rows}
        if self.cache is not None:
            self.cache.put("carts", customer_id, dict(lines))
        return lines

    async def set(self, customer_id: int, product_id: int, quantity: int, at: datetime) -> None:
        line = {"cart_lines_customer_id": customer_id, "cart_lines_product_id": product_id}
        if quantity <= 0:
            await run(self.s, _REMOVE_CART_LINE, line)
            return
        upsert = _SET_CART_LINE_BY_DIALECT[self.s.info[DIALECT]]
        await run(self.s, upsert, {**line, "new_quantity": quantity, "at": at})

    async def clear(self, customer_id: int) -> None:
        await run(self.s, _CLEAR_CART, {"cart_lines_customer_id": customer_id})
