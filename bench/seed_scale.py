"""Bulk-seed a shop at scale: catalog, customers, two years of orders and what follows them.

    python bench/seed_scale.py sqlite+aiosqlite:///scale.sqlite3 [--scale 1] [--seed 24]
    python bench/seed_scale.py postgresql+asyncpg://postgres@127.0.0.1:5432/scale --scale 0.1

At ``--scale 1``: 10,000 products, 5 warehouses (stock, bins, supply terms), 100,000
customers, 1,000,000 orders (~3,000,000 lines) over the two years before ``--end``, with
their history, payments, packages, tracking numbers, returns, balanced journal entries and
demand rows; open orders hold allocations and a few customers have carts with holds. The
database must be empty (the schema is created with the project's migrations first).

Invariants kept: stock ``reserved`` = the sum of its reservations and ``on_hand`` = its bins;
order totals = the sum of their lines plus shipping; each status is reached by allowed
transitions (history rows), paid orders have their payment, shipped ones a package, a
tracking number, demand rows and cost of goods; every journal entry balances.

Shapes come from ``../shared/data`` when present: basket sizes (rescaled to ~3 lines per
order), units per line, unit prices, product popularity, hour of day and weekday, and the
returned share of lines from UCI Online Retail; the card / cash share and the category
names from Olist. Otherwise from ``DEFAULT_SHAPES`` (documented there). Deterministic for a
given ``--seed`` and ``--end``. Rows go in with ``executemany`` in large batches on SQLite
(journal off and synchronous off while seeding only) and ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sqlalchemy.engine import make_url  # noqa: E402

from domain.accounting import Account, entry  # noqa: E402
from domain.i18n import N_  # noqa: E402
from domain.memos import Memo  # noqa: E402
from domain.orders import CODE_ALPHABET, CODE_LENGTH  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402

DATA = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), None)
DAYS = 730
LINES_PER_ORDER = 3.0
CHUNK = 20_000  # orders generated and written per transaction
WAREHOUSES = [  # code, name, share of orders, latitude, longitude, pickup point
    ("LON", "London", 0.35, 51.507, -0.128, True),
    ("MAN", "Manchester", 0.25, 53.481, -2.243, False),
    ("BHX", "Birmingham", 0.20, 52.486, -1.890, False),
    ("GLA", "Glasgow", 0.12, 55.864, -4.252, False),
    ("BRS", "Bristol", 0.08, 51.455, -2.588, False),
]
BINS_PER_WAREHOUSE = 20
A = Account
AT_NOON = datetime(2000, 1, 1, 12, tzinfo=UTC)  # entries are made for their lines; the time is the row's
LIFECYCLE = ("paid", "allocated", "picking", "picked", "packed", "shipped", "delivered", "completed")
OPEN_STATUSES = ("placed", "paid", "allocated", "picking", "picked", "packed")  # stock still allocated
STAFF = [(100, "admin", None), (101, "picker", "LON"), (102, "packer", "LON"), (103, "manager", None)]
CANCEL_RATE = 0.03
PICKUP_SHARE = 0.10
SHIPPING_MINOR = 499
COST_SHARE = 0.55  # supply cost as a share of the price
FIRST_NAMES = ["Anna", "Ben", "Chloe", "Dmitry", "Elena", "Farah", "George", "Hana", "Ivan", "Julia", "Kofi", "Lena"]
LAST_NAMES = ["Smith", "Ivanova", "Khan", "Brown", "Petrov", "Jones", "Garcia", "Novak", "Taylor", "Wilson"]
# Seconds between the steps of an order's life (low, high), in order of the lifecycle.
STEP_DELAYS = {
    "paid": (5, 600),
    "allocated": (60, 3_600),
    "picking": (600, 14_400),
    "picked": (300, 3_600),
    "packed": (300, 3_600),
    "shipped": (1_800, 21_600),
    "delivered": (86_400, 4 * 86_400),
    "completed": (7 * 86_400, 7 * 86_400 + 3_600),
}


@dataclass(frozen=True)
class Shapes:
    """The distributions the orders are drawn from, and where they came from."""

    source: str
    basket: np.ndarray  # lines per order, one sample per observed order
    quantities: np.ndarray  # units per line, one sample per observed line
    prices_minor: np.ndarray  # unit prices, one sample per observed product
    popularity: np.ndarray  # relative sales by rank, best first
    hours: np.ndarray  # 24 weights
    weekdays: np.ndarray  # 7 weights, Monday first
    return_rate: float  # share of delivered orders with a return
    card_share: float  # share of orders paid by card (the rest: cash on delivery)
    names: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def default_shapes() -> Shapes:
    """Documented parameters: baskets geometric with mean ~3 lines; units 1 (60 %), 2 (25 %),
    3 (8 %), 6 (5 %), 12 (2 %); prices log-normal around 8.00; popularity Zipf (s = 1);
    orders mostly 9:00–22:00 with a lunchtime and an evening peak, weekends a little quieter;
    2 % of delivered orders returned; 75 % paid by card."""
    k = np.arange(1, 13)
    basket = np.repeat(k, np.round(1000 * (2 / 3) ** (k - 1)).astype(int))
    quantities = np.repeat([1, 2, 3, 6, 12], [60, 25, 8, 5, 2])
    prices = np.round(np.exp(np.random.default_rng(0).normal(np.log(800), 0.8, 4000))).astype(np.int64) + 50
    hours = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 16, 18, 20, 24, 22, 18, 16, 16, 18, 22, 26, 24, 16, 8, 3], float)
    return Shapes(
        "documented parameters",
        basket,
        quantities,
        prices,
        1.0 / np.arange(1, 4001),
        hours,
        np.array([1.0, 1.0, 1.0, 1.05, 1.1, 0.8, 0.9]),
        0.02,
        0.75,
    )


@cache
def load_shapes(data: Path | None) -> Shapes:
    """Shapes from UCI Online Retail and Olist under ``data``, else the documented defaults."""
    fallback = default_shapes()
    uci = data / "online_retail" / "online_retail.csv.gz" if data else None
    if uci is None or not uci.exists():
        return fallback
    lines_per_invoice: Counter[str] = Counter()
    by_code: Counter[str] = Counter()
    names: dict[str, str] = {}
    prices: dict[str, int] = {}
    hours = np.zeros(24)
    weekdays = np.zeros(7)
    quantities: list[int] = []
    seen: set[str] = set()
    cancelled = total = 0
    with gzip.open(uci, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            total += 1
            invoice, qty, price = row["InvoiceNo"], int(row["Quantity"]), float(row["UnitPrice"])
            if invoice.startswith("C"):
                cancelled += 1
                continue
            if qty <= 0 or price <= 0:
                continue
            code = row["StockCode"]
            lines_per_invoice[invoice] += 1
            by_code[code] += 1
            quantities.append(min(qty, 48))
            if row["Description"]:
                names.setdefault(code, row["Description"].strip().capitalize())
            prices.setdefault(code, round(price * 100))
            if invoice not in seen:
                seen.add(invoice)
                at = datetime.fromisoformat(row["InvoiceDate"])
                hours[at.hour] += 1
                weekdays[at.weekday()] += 1
    counts = np.array(list(lines_per_invoice.values()))
    basket = np.maximum(1, np.round(counts * LINES_PER_ORDER / counts.mean())).astype(int)
    # A wholesaler's day (7:00–20:00, no Saturdays): blended with the default so an online
    # shop's night and weekend orders still come.
    hours = 0.8 * hours / hours.sum() + 0.2 * fallback.hours / fallback.hours.sum()
    weekdays = 0.8 * weekdays / weekdays.sum() + 0.2 * fallback.weekdays / fallback.weekdays.sum()
    card_share, categories = fallback.card_share, fallback.categories
    olist = data / "olist" if data else None
    if olist and (olist / "olist_order_payments_dataset.csv.gz").exists():
        with gzip.open(olist / "olist_order_payments_dataset.csv.gz", "rt", encoding="utf-8") as f:
            kinds = Counter(r["payment_type"] for r in csv.DictReader(f) if r["payment_sequential"] == "1")
        card_share = (kinds["credit_card"] + kinds["debit_card"]) / sum(kinds.values())
    if olist and (olist / "product_category_name_translation.csv.gz").exists():
        with gzip.open(olist / "product_category_name_translation.csv.gz", "rt", encoding="utf-8-sig") as f:
            categories = [r["product_category_name_english"].replace("_", " ").capitalize() for r in csv.DictReader(f)]
    return Shapes(
        "UCI Online Retail + Olist",
        basket,
        np.array(quantities),
        np.array(list(prices.values()), dtype=np.int64),
        np.array(sorted(by_code.values(), reverse=True), float),
        hours,
        weekdays,
        cancelled / total,
        card_share,
        list(names.values()),
        categories,
    )


def order_code(order_id: int) -> str:
    """A unique 8-character code per id (an odd multiplier, prime to 28, scrambles the ids)."""
    n = (order_id * 2_654_435_761) % len(CODE_ALPHABET) ** CODE_LENGTH
    digits = []
    for _ in range(CODE_LENGTH):
        n, d = divmod(n, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[d])
    return "".join(digits)


EPOCH = datetime(1970, 1, 1)


class Writer:
    """Where rows go, and how this engine wants its datetimes and dates."""

    stamp: Callable[[int], object]
    day: Callable[[int], object]

    async def begin(self) -> None: ...
    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...
    async def commit(self) -> None: ...
    async def count(self, table: str) -> int:
        raise NotImplementedError

    async def finish(self, tables: Sequence[str]) -> None: ...
    async def close(self) -> None: ...


def _sqlite_stamp(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).isoformat(" ") + ".000000"  # SQLAlchemy's SQLite format


def _sqlite_day(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).date().isoformat()


class SqliteWriter(Writer):
    """``executemany`` with the journal and fsync off while seeding; WAL again at the end."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072", "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        self.stamp, self.day = _sqlite_stamp, _sqlite_day

    async def begin(self) -> None:
        self.db.execute("BEGIN")

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    async def commit(self) -> None:
        self.db.execute("COMMIT")

    async def count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    async def finish(self, tables: Sequence[str]) -> None:
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.close()

    async def close(self) -> None:
        self.db.close()


class PostgresWriter(Writer):
    """``COPY`` through asyncpg; the id sequences moved past the seeded ids at the end."""

    def __init__(self, connection: Any) -> None:
        self.db = connection
        self.tx: Any = None
        self.stamp = lambda s: EPOCH_UTC + timedelta(seconds=s)
        self.day = lambda s: (EPOCH + timedelta(seconds=s)).date()

    @classmethod
    async def connect(cls, url: str) -> PostgresWriter:
        import asyncpg  # type: ignore[import-untyped]  # the postgres extra

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(await asyncpg.connect(dsn))

    async def begin(self) -> None:
        self.tx = self.db.transaction()
        await self.tx.start()

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        await self.db.copy_records_to_table(table, records=rows, columns=list(columns))

    async def commit(self) -> None:
        await self.tx.commit()

    async def count(self, table: str) -> int:
        return int(await self.db.fetchval(f'SELECT count(*) FROM "{table}"'))

    async def finish(self, tables: Sequence[str]) -> None:
        for table in tables:
            sequence = await self.db.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
            if sequence:
                await self.db.execute(
                    f'SELECT setval($1, (SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)', sequence
                )
        await self.db.execute("ANALYZE")
        await self.db.close()

    async def close(self) -> None:
        await self.db.close()


EPOCH_UTC = EPOCH.replace(tzinfo=UTC)

COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(columns.split())
    for table, columns in {
        "categories": "id name",
        "product_groups": "id code",
        "products": "id sku name description category_id weight_g status more_photos group_id",
        "product_prices": "product_id currency amount_minor",
        "warehouses": "id code name address latitude longitude is_pickup_point",
        "bins": "id warehouse_id code zone",
        "suppliers": "id code name contact lead_time_days",
        "supply_terms": "product_id warehouse_id supplier_id pack_size min_order_qty unit_cost_minor currency",
        "staff": "id telegram_id role warehouse_code",
        "boxes": "code name length_mm width_mm height_mm max_weight_g",
        "shop_settings": "key value",
        "customers": "id telegram_id first_name last_name phone language is_business is_vip unreachable created_at",
        "addresses": "id customer_id text",
        "orders": "id code customer_id status currency subtotal_minor shipping_minor total_minor fx_rate tax_rate "
        "flags created_at updated_at channel payment_method delivery_method address pickup_warehouse_id carrier "
        "service eta contact_phone routing tracking_number dunning_stage gift_message",
        "order_lines": "id order_id product_id sku name quantity unit_price_minor",
        "order_history": "order_id at actor from_status to_status reason",
        "payments": "order_id kind method amount_minor currency telegram_charge_id at",
        "packages": "order_id seq box_code weight_g packed_by packed_at",
        "reservations": "product_id warehouse_id quantity kind customer_id order_id expires_at created_at",
        "returns": "id rma_code order_id customer_id kind reason method status note photos reject_reason "
        "refund_minor currency created_at updated_at",
        "return_lines": "return_id order_line_id product_id quantity restocked written_off",
        "journal_entries": "id at source memo memo_key memo_params currency debit_total credit_total",
        "journal_lines": "entry_id account debit_minor credit_minor",
        "demand": "product_id warehouse_id day quantity source",
        "cart_lines": "customer_id product_id quantity updated_at",
        "stock": "product_id warehouse_id on_hand reserved reorder_point max_level",
        "bin_stock": "product_id bin_id quantity",
    }.items()
}
TABLES = list(COLUMNS)
EXPLICIT_IDS = [t for t, columns in COLUMNS.items() if "id" in columns]  # their sequences move on


@dataclass
class Counts:
    """Rows written per table (the order of ``COLUMNS``)."""

    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))


class Seeder:
    """Draws the shop from ``shapes`` with one random generator and hands rows to a writer."""

    def __init__(self, writer: Writer, shapes: Shapes, *, scale: float, seed: int, end: date, currency: str) -> None:
        self.w, self.shapes, self.currency = writer, shapes, currency
        self.rng = np.random.default_rng(seed)
        self.n_products = max(20, round(10_000 * scale))
        self.n_customers = max(10, round(100_000 * scale))
        self.n_orders = max(50, round(1_000_000 * scale))
        self.end = int((datetime.combine(end, datetime.min.time()) - EPOCH).total_seconds())
        self.start = self.end - DAYS * 86_400
        self.rows = Counts().rows
        self.reserved: defaultdict[tuple[int, int], int] = defaultdict(int)

    async def put(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            await self.w.write(table, COLUMNS[table], rows)
            self.rows[table] += len(rows)

    async def run(self) -> dict[str, int]:
        await self.w.begin()
        await self.catalog()
        await self.people()
        await self.w.commit()
        for first in range(0, self.n_orders, CHUNK):
            await self.w.begin()
            await self.orders(first, min(first + CHUNK, self.n_orders))
            await self.w.commit()
        await self.w.begin()
        await self.carts()
        await self.stock()
        await self.w.commit()
        return self.rows

    async def catalog(self) -> None:
        rng, s, cur = self.rng, self.shapes, self.currency
        categories = s.categories or [f"Category {i}" for i in range(1, 21)]
        await self.put("categories", [(i + 1, name) for i, name in enumerate(categories)])
        n = self.n_products
        names = s.names or [f"Product {i}" for i in range(1, 4001)]
        self.names = [f"{names[i % len(names)]} #{i + 1}" for i in range(n)]
        self.skus = [f"SKU{i + 1:06d}" for i in range(n)]
        self.prices = rng.choice(s.prices_minor, n).tolist()
        self.weights = rng.integers(50, 3_000, n).tolist()
        self.costs = [max(1, round(p * COST_SHARE)) for p in self.prices]
        category_of = rng.integers(1, len(categories) + 1, n).tolist()
        # Popularity by rank, stretched over this catalog, ranks dealt out at random.
        ranks = np.interp(np.arange(n) * len(s.popularity) / n, np.arange(len(s.popularity)), s.popularity)
        self.popularity = rng.permutation(ranks / ranks.sum())
        await self.put("product_groups", [(i + 1, self.skus[i]) for i in range(n)])  # one variant each
        await self.put(
            "products",
            [
                (i + 1, self.skus[i], self.names[i], "", category_of[i], self.weights[i], "active", "", i + 1)
                for i in range(n)
            ],
        )
        await self.put("product_prices", [(i + 1, cur, self.prices[i]) for i in range(n)])
        await self.put(
            "warehouses",
            [
                (i + 1, code, name, f"1 {name} Road", lat, lon, pickup)
                for i, (code, name, _, lat, lon, pickup) in enumerate(WAREHOUSES)
            ],
        )
        self.bins = [
            [w * BINS_PER_WAREHOUSE + b + 1 for b in range(BINS_PER_WAREHOUSE)] for w in range(len(WAREHOUSES))
        ]
        await self.put(
            "bins",
            [
                (self.bins[w][b], w + 1, f"{'AB'[b % 2]}-{b // 2 + 1:02d}-1", "AB"[b % 2])
                for w in range(len(WAREHOUSES))
                for b in range(BINS_PER_WAREHOUSE)
            ],
        )
        await self.put("suppliers", [(i, f"SUP{i}", f"Supplier {i}", "", 5 + i) for i in range(1, 11)])
        await self.put(
            "supply_terms",
            [(p + 1, w + 1, p % 10 + 1, 6, 0, self.costs[p], cur) for p in range(n) for w in range(len(WAREHOUSES))],
        )
        await self.put("staff", [(i + 1, *member) for i, member in enumerate(STAFF)])
        await self.put(
            "boxes",
            [
                ("S", "Small", 250, 180, 100, 2_000),
                ("M", "Medium", 400, 300, 200, 10_000),
                ("L", "Large", 600, 400, 400, 25_000),
            ],
        )
        await self.put("shop_settings", [("books_currency", cur)])

    async def people(self) -> None:
        rng, n = self.rng, self.n_customers
        created = (self.start - rng.integers(0, 400 * 86_400, n)).tolist()
        russian = (rng.random(n) < 0.2).tolist()
        stamp = self.w.stamp
        await self.put(
            "customers",
            [
                (
                    i + 1,
                    7_000_000_000 + i + 1,
                    FIRST_NAMES[i % 12],
                    LAST_NAMES[i % 10],
                    self.phone(i + 1),
                    "ru" if russian[i] else "en",
                    False,
                    i % 97 == 0,
                    False,
                    stamp(created[i]),
                )
                for i in range(n)
            ],
        )
        await self.put("addresses", [(i + 1, i + 1, self.address(i + 1)) for i in range(n)])
        # Repeat customers: a few order often, most now and then (shuffled power law).
        weights = self.rng.permutation(1.0 / (np.arange(n) + 5.0) ** 0.7)
        self.customer_weights = weights / weights.sum()
        # Order times for the whole period, drawn once and sorted so ids follow time.
        s = self.shapes
        day_weights = np.array([s.weekdays[(3 + d + self.start // 86_400) % 7] for d in range(DAYS)])
        day_weights *= 1 + 0.5 * np.arange(DAYS) / DAYS  # the shop grows
        days = rng.choice(DAYS, self.n_orders, p=day_weights / day_weights.sum())
        hours = rng.choice(24, self.n_orders, p=s.hours / s.hours.sum())
        self.times = np.sort(self.start + days * 86_400 + hours * 3_600 + rng.integers(0, 3_600, self.n_orders))

    async def orders(self, first: int, last: int) -> None:
        """Orders ``first`` + 1 … ``last`` and everything their lives left behind by ``end``."""
        rng, s, n = self.rng, self.shapes, last - first
        sizes = rng.choice(s.basket, n).tolist()
        products = rng.choice(self.n_products, sum(sizes), p=self.popularity).tolist()
        quantities = rng.choice(s.quantities, sum(sizes)).tolist()
        customers = (rng.choice(self.n_customers, n, p=self.customer_weights) + 1).tolist()
        shares = np.array([x[2] for x in WAREHOUSES])
        warehouses = (rng.choice(len(WAREHOUSES), n, p=shares / shares.sum()) + 1).tolist()
        card, pickup = (rng.random(n) < s.card_share).tolist(), (rng.random(n) < PICKUP_SHARE).tolist()
        cancel, returned = (rng.random(n) < CANCEL_RATE).tolist(), (rng.random(n) < s.return_rate).tolist()
        delays = {k: rng.integers(lo, hi, n).tolist() for k, (lo, hi) in STEP_DELAYS.items()}
        cancel_after = rng.integers(60, 86_400, n).tolist()
        created = self.times[first:last].tolist()
        self.out: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        out, stamp, day, end, cur = self.out, self.w.stamp, self.w.day, self.end, self.currency
        line_id, cursor = self.rows["order_lines"] + 1, 0
        for i in range(n):
            order_id, code = first + i + 1, order_code(first + i + 1)
            customer, wh, t0 = customers[i], warehouses[i], created[i]
            chosen: dict[int, int] = {}  # a product drawn twice is one line
            for k in range(cursor, cursor + sizes[i]):
                chosen[products[k]] = chosen.get(products[k], 0) + quantities[k]
            cursor += sizes[i]
            mine = [(line_id + j, order_id, p + 1, self.skus[p], self.names[p], q, self.prices[p])
                    for j, (p, q) in enumerate(chosen.items())]  # fmt: skip
            line_id += len(mine)
            out["order_lines"] += mine
            subtotal = sum(x[5] * x[6] for x in mine)
            shipping = 0 if pickup[i] else SHIPPING_MINOR
            total, method = subtotal + shipping, "card" if card[i] else "cod"
            steps = [("placed", t0)]  # what this order went through by ``end``
            if cancel[i] and t0 + cancel_after[i] <= end:
                steps.append(("cancelled", t0 + cancel_after[i]))
            elif not cancel[i]:
                t = t0
                for status in LIFECYCLE if card[i] else LIFECYCLE[1:]:
                    t += delays[status][i]
                    if t > end:
                        break
                    steps.append((status, t))
            reached, (status, updated) = dict(steps), steps[-1]
            for (before, _), (to, at) in zip([(None, 0), *steps], steps, strict=False):
                actor = f"customer:{customer}" if to in ("placed", "cancelled") else "staff:101"
                out["order_history"].append((order_id, stamp(at), actor, before, to, ""))
            shipped = reached.get("shipped")
            where = ("pickup", "", 1, "", "") if pickup[i] else ("courier", self.address(customer), None, "DemoPost",
                                                                  "standard")  # fmt: skip
            eta = day(shipped + 2 * 86_400) if shipped and not pickup[i] else None
            routing, tracking = f'["{WAREHOUSES[wh - 1][0]}"]', f"DP{order_id:010d}" if shipped else ""
            head = (order_id, code, customer, status, cur, subtotal, shipping, total, "1", "0", "")
            out["orders"].append((*head, stamp(t0), stamp(updated), "telegram", method, *where, eta,
                                  self.phone(customer), routing, tracking, 0, ""))  # fmt: skip
            if status in OPEN_STATUSES:
                for _, _, p, _, _, q, _ in mine:
                    out["reservations"].append((p, wh, q, "allocation", customer, order_id, None, stamp(t0)))
                    self.reserved[(p, wh)] += q
            if paid_at := reached.get("paid") or reached.get("delivered"):
                charge = f"tg-{code}" if card[i] else None
                sale = N_("sale {code} (card)") if card[i] else N_("sale {code} (cash on delivery)")
                out["payments"].append((order_id, "payment", method, total, cur, charge, stamp(paid_at)))
                self.post(paid_at, f"order:{code}", Memo.of(sale, code=code),
                          (A.CASH, A.REVENUE, subtotal), (A.CASH, A.SHIPPING_INCOME, shipping))  # fmt: skip
            if "packed" in reached:
                weight = sum(self.weights[x[2] - 1] * x[5] for x in mine)
                box = "S" if weight <= 2_000 else "M" if weight <= 10_000 else "L"
                out["packages"].append((order_id, 1, box, weight, 102, stamp(reached["packed"])))
            if shipped:
                cost = sum(self.costs[x[2] - 1] * x[5] for x in mine)
                shipment = Memo.of(N_("shipment {code}"), code=code)
                self.post(shipped, f"order:{code}", shipment, (A.COGS, A.INVENTORY, cost))
                out["demand"] += [(x[2], wh, day(shipped), x[5], f"shipment {code}") for x in mine]
            if returned[i] and "delivered" in reached and reached["delivered"] + 3 * 86_400 <= end:
                self.give_back(order_id, customer, method, mine[0], reached["delivered"] + 86_400)
        for table, rows in out.items():
            await self.put(table, rows)

    def give_back(self, order_id: int, customer: int, method: str, line: tuple[Any, ...], at: int) -> None:
        """A refunded return of one line, restocked: the payments and entries the bot makes."""
        out, stamp, cur = self.out, self.w.stamp, self.currency
        rma, return_id = f"R{order_id:08d}", self.rows["returns"] + len(out["returns"]) + 1
        refund, cost = line[5] * line[6], line[5] * self.costs[line[2] - 1]
        out["returns"].append((return_id, rma, order_id, customer, "refund", "changed_mind", "drop_off", "refunded",
                               "", "[]", "", refund, cur, stamp(at), stamp(at + 86_400)))  # fmt: skip
        out["return_lines"].append((return_id, line[0], line[2], line[5], line[5], 0))
        out["payments"].append((order_id, "refund_owed", method, refund, cur, None, stamp(at + 86_400)))
        out["payments"].append((order_id, "refunded", f"rma:{rma}", refund, cur, None, stamp(at + 2 * 86_400)))
        source = f"return:{rma}"
        self.post(at + 86_400, source, Memo.of(N_("return {rma}: restocked"), rma=rma), (A.INVENTORY, A.COGS, cost))
        owed = Memo.of(N_("return {rma}"), rma=rma).within(N_("refund owed, {rest}"))
        self.post(at + 86_400, source, owed, (A.SALES_RETURNS, A.REFUNDS_PAYABLE, refund))
        paid = Memo.of(N_("refund paid, return {rma}"), rma=rma)
        self.post(at + 2 * 86_400, source, paid, (A.REFUNDS_PAYABLE, A.CASH, refund))

    def post(self, at: int, source: str, memo: Memo, *pairs: tuple[Account, Account, int]) -> None:
        """One journal entry made by the domain's own ``entry`` (balanced, zero lines left out), its
        memo kept as the bot keeps it: the English, and its message key and values for /journal."""
        made = entry(AT_NOON, source, memo, self.currency, *pairs)
        if made is None:
            return
        entry_id = self.rows["journal_entries"] + len(self.out["journal_entries"]) + 1
        self.out["journal_entries"].append((entry_id, self.w.stamp(at), source, made.memo, memo.key, memo.params(),
                                            made.currency, made.total, made.total))  # fmt: skip
        self.out["journal_lines"] += [(entry_id, x.account.value, x.debit, x.credit) for x in made.lines]

    def address(self, customer: int) -> str:
        return f"{customer % 300 + 1} High Street, Town {(customer - 1) % 500}"

    def phone(self, customer: int) -> str:
        return f"+4470{customer:08d}"

    async def carts(self) -> None:
        """1 % of customers have a cart right now, each line backed by a hold."""
        rng, stamp = self.rng, self.w.stamp
        shoppers = rng.choice(self.n_customers, max(1, self.n_customers // 100), replace=False) + 1
        cart, holds = [], []
        for customer in shoppers.tolist():
            for p in set(rng.choice(self.n_products, int(rng.integers(1, 4)), p=self.popularity).tolist()):
                wh = 1 + customer % len(WAREHOUSES)
                cart.append((customer, p + 1, 1, stamp(self.end - 300)))
                holds.append((p + 1, wh, 1, "hold", customer, None, stamp(self.end + 1_800), stamp(self.end - 300)))
                self.reserved[(p + 1, wh)] += 1
        await self.put("cart_lines", cart)
        await self.put("reservations", holds)

    async def stock(self) -> None:
        """On hand = reserved + what is free (some products sold out), all of it in one bin."""
        free = self.rng.integers(0, 300, (self.n_products, len(WAREHOUSES)))
        free[self.rng.random(free.shape) < 0.05] = 0
        stock, bins = [], []
        for p in range(self.n_products):
            for w in range(len(WAREHOUSES)):
                reserved = self.reserved.get((p + 1, w + 1), 0)
                on_hand = reserved + int(free[p, w])
                stock.append((p + 1, w + 1, on_hand, reserved, 10, None))
                if on_hand:
                    bins.append((p + 1, self.bins[w][p % BINS_PER_WAREHOUSE], on_hand))
        await self.put("stock", stock)
        await self.put("bin_stock", bins)


async def seed(
    url: str,
    *,
    scale: float = 1.0,
    seed: int = 24,
    end: date | None = None,
    currency: str = "EUR",
    data: Path | None = DATA,
) -> dict[str, int]:
    """Migrate the (empty) database at ``url`` and fill it; the rows written per table."""
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        writer: Writer = SqliteWriter(parsed.database or "")
    else:
        writer = await PostgresWriter.connect(url)
    for table in ("products", "customers", "orders"):
        if await writer.count(table):
            await writer.close()
            raise SystemExit(f"{table} has rows already: seed an empty database")
    shapes = load_shapes(data)
    seeder = Seeder(writer, shapes, scale=scale, seed=seed, end=end or datetime.now(UTC).date(), currency=currency)
    try:
        rows = await seeder.run()
    except BaseException:
        await writer.close()
        raise
    await writer.finish(EXPLICIT_IDS)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "url", help="SQLAlchemy URL of an empty database (sqlite+aiosqlite:///… or postgresql+asyncpg://…)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 orders (default)")
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--end", type=date.fromisoformat, default=None, help="last day of the period (default today)")
    parser.add_argument("--currency", default="EUR", help="the shop's base currency (DEFAULT_CURRENCY)")
    args = parser.parse_args()
    began = time.perf_counter()
    shapes = load_shapes(DATA)
    print(
        f"shapes: {shapes.source}; mean basket {shapes.basket.mean():.2f} lines, "
        f"returns {shapes.return_rate:.1%}, card {shapes.card_share:.0%}"
    )
    rows = asyncio.run(seed(args.url, scale=args.scale, seed=args.seed, end=args.end, currency=args.currency))
    elapsed = time.perf_counter() - began
    for table, count in rows.items():
        print(f"{table:>16} {count:>12,}")
    total = sum(rows.values())
    print(f"{'total':>16} {total:>12,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")


if __name__ == "__main__":
    main()
