"""CSV parsing for bulk set-up. Every row is validated before anything is written;
problems are collected with their line numbers so one run reports all of them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from domain.catalog import Dimensions, Product, normalize_barcode, normalize_sku, photo_reference
from domain.customers import business_terms, normalize_phone
from domain.errors import DomainError
from domain.money import Money
from domain.packing import Box
from domain.purchasing import Supplier
from domain.shipping import CarrierRate, Zone
from domain.warehouse import BinCode, Warehouse

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "price",
    "currency",
    "barcode",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "description",
)
WAREHOUSE_COLUMNS = ("code", "name", "address", "latitude", "longitude", "pickup_point")
STOCK_COLUMNS = ("sku", "warehouse", "bin", "quantity")
DEMAND_COLUMNS = ("sku", "warehouse", "date", "quantity")
SUPPLIER_COLUMNS = ("code", "name", "contact", "lead_time_days")
REORDER_COLUMNS = (
    "sku",
    "warehouse",
    "reorder_point",
    "max_level",
    "supplier",
    "pack_size",
    "min_order_qty",
    "unit_cost",
    "currency",
)
BOX_COLUMNS = ("code", "name", "length_mm", "width_mm", "height_mm", "max_weight_g")
CARRIER_COLUMNS = (
    "carrier",
    "service",
    "zone",
    "base_price",
    "per_kg",
    "currency",
    "transit_days",
    "cutoff_hour",
    "max_weight_g",
)

CUSTOMER_COLUMNS = ("name", "telegram_id", "phone", "email", "business", "payment_terms_days", "credit_limit")

Problem = tuple[int, str]  # (line number in the file, reason)
T = TypeVar("T")


class RowError(ValueError):
    """A reason a row is bad, in plain English for the operator's terminal."""


@dataclass(frozen=True, slots=True)
class StockRow:
    line: int
    sku: str
    warehouse: str
    bin: str
    quantity: int


def _rows(text: str, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append((1, f"header is missing column(s): {', '.join(missing)}"))
        return
    reader.fieldnames = header
    for record in reader:
        if None in record:
            problems.append((reader.line_num, "more values than columns"))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue  # blank line
        yield reader.line_num, values


def _parse_all(
    text: str, columns: tuple[str, ...], parse: Callable[[int, dict[str, str]], T]
) -> tuple[list[T], list[Problem]]:
    problems: list[Problem] = []
    parsed: list[T] = []
    for line, values in _rows(text, columns, problems):
        try:
            parsed.append(parse(line, values))
        except (RowError, DomainError) as exc:
            problems.append((line, str(exc)))
    return parsed, problems


def _int(values: dict[str, str], name: str, *, required: bool = False, minimum: int = 0) -> int:
    raw = values.get(name, "")
    if not raw:
        if required:
            raise RowError(f"{name} is required")
        return 0
    try:
        number = int(raw)
    except ValueError:
        raise RowError(f"{name} must be a whole number, got {raw!r}") from None
    if number < minimum:
        rule = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
        raise RowError(f"{name} {rule}, got {number}")
    return number


def _float(values: dict[str, str], name: str, low: float, high: float) -> float | None:
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise RowError(f"{name} must be a number, got {raw!r}") from None
    if not low <= number <= high:
        raise RowError(f"{name} must be between {low} and {high}, got {raw}")
    return number


def _bool(values: dict[str, str], name: str) -> bool:
    raw = values.get(name, "").lower()
    if raw in ("", "0", "false", "no", "n"):
        return False
    if raw in ("1", "true", "yes", "y"):
        return True
    raise RowError(f"{name} must be true or false, got {raw!r}")


def _no_local_files(path: str) -> str | None:
    return None


def _product(line: int, v: dict[str, str], resolve_path: Callable[[str], str | None] = _no_local_files) -> Product:
    if not v["name"]:
        raise RowError("name is required")
    if not v["category"]:
        raise RowError("category is required")
    if not v["price"] or not v["currency"]:
        raise RowError("price and currency are required")
    prices = {}
    # ``price`` in ``currency`` is the base price; optional ``price_RUB``-style columns give a
    # market its own price instead of the converted one.
    for column, currency in [("price", v["currency"])] + [(k, k[6:]) for k in v if k.startswith("price_") and v[k]]:
        price = Money.parse(v[column], currency)
        if price.amount < 0:
            raise RowError(f"{column} must not be negative, got {v[column]}")
        prices[price.currency] = price
    dims = [_int(v, n) for n in ("length_mm", "width_mm", "height_mm")]
    return Product(
        sku=normalize_sku(v["sku"]),
        name=v["name"],
        category=v["category"],
        prices=prices,
        barcode=normalize_barcode(v["barcode"]) if v["barcode"] else None,
        description=v["description"],
        weight_g=_int(v, "weight_g"),
        dimensions=Dimensions(*dims) if all(dims) else None,
        photo_file_id=photo_reference(v.get("photo", ""), resolve_path),
    )


def _warehouse(line: int, v: dict[str, str]) -> Warehouse:
    code = v["code"].upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 16:
        raise RowError(f"code must be 1-16 letters or digits, got {v['code']!r}")
    if not v["name"]:
        raise RowError("name is required")
    lat = _float(v, "latitude", -90, 90)
    lon = _float(v, "longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise RowError("latitude and longitude go together")
    return Warehouse(code, v["name"], v["address"], lat, lon, _bool(v, "pickup_point"))


def _stock(line: int, v: dict[str, str]) -> StockRow:
    if not v["warehouse"]:
        raise RowError("warehouse is required")
    bin_code = str(BinCode.parse(v["bin"])) if v["bin"] else ""
    return StockRow(line, normalize_sku(v["sku"]), v["warehouse"].upper(), bin_code, _int(v, "quantity", required=True))


@dataclass(frozen=True, slots=True)
class DemandRow:
    line: int
    sku: str
    warehouse: str
    day: date
    quantity: int


def _demand(line: int, v: dict[str, str]) -> DemandRow:
    if not v["warehouse"]:
        raise RowError("warehouse is required")
    try:
        day = date.fromisoformat(v["date"])
    except ValueError:
        raise RowError(f"date must be YYYY-MM-DD, got {v['date']!r}") from None
    quantity = _int(v, "quantity", required=True, minimum=1)
    return DemandRow(line, normalize_sku(v["sku"]), v["warehouse"].upper(), day, quantity)


def parse_demand(text: str) -> tuple[list[DemandRow], list[Problem]]:
    """Sales history from a previous system: units sold per SKU, warehouse and day."""
    parsed, problems = _parse_all(text, DEMAND_COLUMNS, _demand)
    _flag_duplicates([(r.line, f"{r.sku}@{r.warehouse} on {r.day}") for r in parsed], "day", problems)
    return parsed, sorted(problems)


def _flag_duplicates(items: list[tuple[int, str]], what: str, problems: list[Problem]) -> None:
    first_seen: dict[str, int] = {}
    for line, key in items:
        if key in first_seen:
            problems.append((line, f"duplicate {what} {key} (first on line {first_seen[key]})"))
        else:
            first_seen[key] = line


def parse_products(
    text: str, resolve_path: Callable[[str], str | None] = _no_local_files
) -> tuple[list[tuple[int, Product]], list[Problem]]:
    """``photo`` is an optional extra column; ``resolve_path`` finds local image files."""
    parsed, problems = _parse_all(text, PRODUCT_COLUMNS, lambda line, v: (line, _product(line, v, resolve_path)))
    _flag_duplicates([(line, p.sku) for line, p in parsed], "SKU", problems)
    return parsed, sorted(problems)


def parse_warehouses(text: str) -> tuple[list[tuple[int, Warehouse]], list[Problem]]:
    parsed, problems = _parse_all(text, WAREHOUSE_COLUMNS, lambda line, v: (line, _warehouse(line, v)))
    _flag_duplicates([(line, w.code) for line, w in parsed], "warehouse code", problems)
    return parsed, sorted(problems)


def parse_stock(text: str) -> tuple[list[StockRow], list[Problem]]:
    parsed, problems = _parse_all(text, STOCK_COLUMNS, _stock)
    _flag_duplicates([(r.line, f"{r.sku}@{r.warehouse}/{r.bin}") for r in parsed], "stock line", problems)
    return parsed, sorted(problems)


def _carrier(line: int, v: dict[str, str]) -> CarrierRate:
    if not v["carrier"] or not v["service"]:
        raise RowError("carrier and service are required")
    try:
        zone = Zone(v["zone"].lower())
    except ValueError:
        raise RowError(f"zone must be one of {', '.join(z.value for z in Zone)}, got {v['zone']!r}") from None
    base = Money.parse(v["base_price"], v["currency"])
    per_kg = Money.parse(v["per_kg"] or "0", v["currency"])
    if base.amount < 0 or per_kg.amount < 0:
        raise RowError("prices must not be negative")
    cutoff = _int(v, "cutoff_hour", required=True)
    if cutoff > 24:
        raise RowError(f"cutoff_hour must be 0-24, got {cutoff}")
    weight = _int(v, "max_weight_g", required=True, minimum=1)
    tracking_url = v.get("tracking_url", "")  # optional column
    if tracking_url and (not tracking_url.startswith("https://") or "{tracking}" not in tracking_url):
        raise RowError("tracking_url must be an https:// address containing {tracking}")
    transit = _int(v, "transit_days", required=True)
    return CarrierRate(
        v["carrier"], v["service"], zone, base, per_kg, transit, cutoff, weight, tracking_url=tracking_url
    )


def parse_carriers(text: str) -> tuple[list[CarrierRate], list[Problem]]:
    parsed, problems = _parse_all(text, CARRIER_COLUMNS, lambda line, v: (line, _carrier(line, v)))
    keys = [(line, f"{r.carrier}/{r.service}/{r.zone.value}/{r.base.currency}") for line, r in parsed]
    _flag_duplicates(keys, "rate", problems)
    return [rate for _, rate in parsed], sorted(problems)


def _box(v: dict[str, str]) -> Box:
    code = v["code"].upper()
    if not code or len(code) > 16 or not code.replace("-", "").isalnum():
        raise RowError("code must be 1-16 letters, digits or dashes")
    if not v["name"]:
        raise RowError("name is required")
    return Box(
        code,
        v["name"],
        _int(v, "length_mm", required=True, minimum=1),
        _int(v, "width_mm", required=True, minimum=1),
        _int(v, "height_mm", required=True, minimum=1),
        _int(v, "max_weight_g", required=True, minimum=1),
    )


def parse_boxes(text: str) -> tuple[list[Box], list[Problem]]:
    parsed, problems = _parse_all(text, BOX_COLUMNS, lambda line, v: (line, _box(v)))
    _flag_duplicates([(line, b.code) for line, b in parsed], "box", problems)
    return [box for _, box in parsed], sorted(problems)


def _supplier(v: dict[str, str]) -> Supplier:
    code = v["code"].upper()
    if not code or len(code) > 32:
        raise RowError("code is required (at most 32 characters)")
    if not v["name"]:
        raise RowError("name is required")
    return Supplier(code, v["name"], v["contact"], _int(v, "lead_time_days", required=True))


def parse_suppliers(text: str) -> tuple[list[Supplier], list[Problem]]:
    parsed, problems = _parse_all(text, SUPPLIER_COLUMNS, lambda line, v: (line, _supplier(v)))
    _flag_duplicates([(line, s.code) for line, s in parsed], "supplier", problems)
    return [supplier for _, supplier in parsed], sorted(problems)


@dataclass(frozen=True, slots=True)
class ReorderRow:
    line: int
    sku: str
    warehouse: str
    reorder_point: int
    max_level: int | None
    supplier: str
    pack_size: int
    min_order_qty: int
    unit_cost: Money


def _reorder(line: int, v: dict[str, str]) -> ReorderRow:
    point = _int(v, "reorder_point", required=True)
    top = _int(v, "max_level") if v.get("max_level") else None
    if top is not None and top < point:
        raise RowError(f"max_level ({top}) must not be below reorder_point ({point})")
    if not v["supplier"]:
        raise RowError("supplier is required")
    return ReorderRow(
        line,
        normalize_sku(v["sku"]),
        v["warehouse"].upper(),
        point,
        top,
        v["supplier"].upper(),
        _int(v, "pack_size", required=True, minimum=1),
        _int(v, "min_order_qty"),
        Money.parse(v["unit_cost"], v["currency"]),
    )


def parse_reorder(text: str) -> tuple[list[ReorderRow], list[Problem]]:
    parsed, problems = _parse_all(text, REORDER_COLUMNS, _reorder)
    _flag_duplicates([(r.line, f"{r.sku}@{r.warehouse}") for r in parsed], "product and warehouse", problems)
    return parsed, sorted(problems)


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A customer known by Telegram id, else phone, else email (as the intake API matches
    them); a business with its payment terms, or not a business."""

    line: int
    name: str
    telegram_id: int | None
    phone: str | None
    email: str | None
    business: bool
    payment_terms_days: int | None
    credit_limit: int | None  # minor units of the base currency


def _customer(line: int, v: dict[str, str], currency: str) -> CustomerRow:
    name = v["name"]
    if not name or len(name) > 128:
        raise RowError("name is required (up to 128 characters)")
    telegram_id = _int(v, "telegram_id", minimum=1) if v["telegram_id"] else None
    phone = normalize_phone(v["phone"]) if v["phone"] else None
    email = v["email"].lower() or None
    if email is not None and ("@" not in email or len(email) > 254):
        raise RowError(f"email is not an email address, got {v['email']!r}")
    if telegram_id is None and phone is None and email is None:
        raise RowError("give a telegram_id, a phone or an email")
    business = _bool(v, "business")
    if not business and (v["payment_terms_days"] or v["credit_limit"]):
        raise RowError("payment_terms_days and credit_limit are for business customers (business true)")
    days, limit = business_terms(v["payment_terms_days"], v["credit_limit"], currency)
    return CustomerRow(line, name, telegram_id, phone, email, business, days, limit)


def parse_customers(text: str, currency: str) -> tuple[list[CustomerRow], list[Problem]]:
    """``currency``: the shop's base currency, the one credit limits are in."""
    parsed, problems = _parse_all(text, CUSTOMER_COLUMNS, lambda line, v: _customer(line, v, currency))
    for field in ("telegram_id", "phone", "email"):
        _flag_duplicates(
            [(r.line, str(getattr(r, field))) for r in parsed if getattr(r, field) is not None], field, problems
        )
    return parsed, sorted(problems)
