"""Bulk set-up CSV formats (products: ``domain.product_file``): every problem of every row found before any write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.catalog import normalize_sku
from domain.csvfiles import Columns, Problem, Row, RowError, RowStopped, flag_duplicates, money, parse_all
from domain.customers import business_terms, is_email, normalize_phone
from domain.i18n import N_
from domain.money import Money, normalize_currency
from domain.packing import Box
from domain.pricing import PriceRule, Scope, normalize_group, parse_percent, parse_target
from domain.purchasing import Supplier
from domain.shipping import CarrierRate, Zone
from domain.warehouse import DEFAULT_BIN, Warehouse, normal_bin

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

WAREHOUSES = Columns(WAREHOUSE_COLUMNS[:2], WAREHOUSE_COLUMNS[2:], kind="warehouses")

STOCK = Columns(("sku", "warehouse", "quantity"), ("bin",), kind="stock")

DEMAND = Columns(DEMAND_COLUMNS, kind="demand")

SUPPLIERS = Columns(("code", "name", "lead_time_days"), ("contact",), kind="suppliers")

REORDER = Columns(
    ("sku", "warehouse", "reorder_point", "supplier", "pack_size", "unit_cost", "currency"),
    ("max_level", "min_order_qty"),
    kind="reorder",
)

BOXES = Columns(BOX_COLUMNS, kind="boxes")

CARRIERS = Columns(tuple(c for c in CARRIER_COLUMNS if c != "per_kg"), ("per_kg", "tracking_url"), kind="carriers")

CUSTOMERS = Columns(CUSTOMER_COLUMNS[:1], CUSTOMER_COLUMNS[1:], kind="customers")


@dataclass(frozen=True, slots=True)
class StockRow:
    line: int
    sku: str
    warehouse: str
    bin: str
    quantity: int


def _warehouse(row: Row) -> Warehouse:
    code = row["code"].upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 16:
        row.fail(N_("code must be 1-16 letters or digits, got “{value}”"), value=row["code"])
    row.required("name")
    lat = row.float("latitude", -90, 90)
    lon = row.float("longitude", -180, 180)
    if (lat is None) != (lon is None) and not row.problems:
        row.fail(N_("latitude and longitude go together"))
    return Warehouse(code, row["name"], row["address"], lat, lon, row.bool("pickup_point"))


def _stock(row: Row) -> StockRow:
    sku = row.check(normalize_sku, row["sku"], default="")
    row.required("warehouse")
    bin_code = row.check(normal_bin, row["bin"], default="") if row["bin"] else ""
    quantity = row.int("quantity", required=True)
    return StockRow(row.line, sku, row["warehouse"].upper(), bin_code, quantity)


@dataclass(frozen=True, slots=True)
class DemandRow:
    line: int
    sku: str
    warehouse: str
    day: date
    quantity: int


def _day(text: str) -> date:
    """ISO, or DD.MM.YYYY as Excel in Russia and most of Europe saves a date cell; never
    01/02/2026, which is January in the US and February elsewhere."""
    try:
        if text.count(".") == 2:
            day, month, year = text.split(".")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(N_("date must be YYYY-MM-DD or DD.MM.YYYY, got “{value}”"), value=text) from None


def _demand(row: Row) -> DemandRow:
    sku = row.check(normalize_sku, row["sku"], default="")
    row.required("warehouse")
    day = row.check(_day, row["date"], default=date.min)
    quantity = row.int("quantity", required=True, minimum=1)
    return DemandRow(row.line, sku, row["warehouse"].upper(), day, quantity)


def parse_demand(text: str) -> tuple[list[DemandRow], list[Problem]]:
    """Sales history from a previous system: units sold per SKU, warehouse and day."""
    parsed, problems = parse_all(text, DEMAND, _demand)
    flag_duplicates([(r.line, f"{r.sku}@{r.warehouse} on {r.day}") for r in parsed], N_("day"), problems)
    return parsed, sorted(problems)


def parse_warehouses(text: str) -> tuple[list[tuple[int, Warehouse]], list[Problem]]:
    parsed, problems = parse_all(text, WAREHOUSES, lambda row: (row.line, _warehouse(row)))
    flag_duplicates([(line, w.code) for line, w in parsed], N_("warehouse code"), problems)
    return parsed, sorted(problems)


def parse_stock(text: str) -> tuple[list[StockRow], list[Problem]]:
    parsed, problems = parse_all(text, STOCK, _stock)
    # A bin left blank counts the default bin: a row naming it too would set the bin twice (the last won).
    keys = [(r.line, f"{r.sku}@{r.warehouse}/{r.bin or DEFAULT_BIN}") for r in parsed]
    flag_duplicates(keys, N_("stock line"), problems)
    return parsed, sorted(problems)


def _zone(text: str) -> Zone:
    try:
        return Zone(text.lower())
    except ValueError:
        raise RowError(
            N_("zone must be one of {zones}, got “{value}”"), zones=", ".join(z.value for z in Zone), value=text
        ) from None


def _carrier(row: Row) -> CarrierRate:
    if not row["carrier"] or not row["service"]:
        row.fail(N_("carrier and service are required"))
    zone = row.check(_zone, row["zone"], default=Zone.LOCAL)
    base = money(row, "base_price", row["currency"])
    per_kg = money(row, "per_kg", row["currency"]) if row["per_kg"] else base and Money(0, base.currency)
    cutoff = row.int("cutoff_hour", required=True)
    if cutoff > 24:
        row.fail(N_("cutoff_hour must be 0-24, got {value}"), value=row["cutoff_hour"])
    weight = row.int("max_weight_g", required=True, minimum=1)
    tracking_url = row["tracking_url"]
    if tracking_url and (not tracking_url.startswith("https://") or "{tracking}" not in tracking_url):
        row.fail(N_("tracking_url must be an https:// address containing {placeholder}"), placeholder="{tracking}")
    transit = row.int("transit_days", required=True)
    if base is None or per_kg is None:
        raise RowStopped(N_("base_price is required"))
    return CarrierRate(
        row["carrier"], row["service"], zone, base, per_kg, transit, cutoff, weight, tracking_url=tracking_url
    )


def parse_carriers(text: str) -> tuple[list[CarrierRate], list[Problem]]:
    parsed, problems = parse_all(text, CARRIERS, lambda row: (row.line, _carrier(row)))
    keys = [(line, f"{r.carrier}/{r.service}/{r.zone.value}/{r.base.currency}") for line, r in parsed]
    flag_duplicates(keys, N_("rate"), problems)
    return [rate for _, rate in parsed], sorted(problems)


def _box(row: Row) -> Box:
    code = row["code"].upper()
    if not code or len(code) > 16 or not code.replace("-", "").isalnum():
        row.fail(N_("code must be 1-16 letters, digits or dashes"))
    row.required("name")
    return Box(
        code,
        row["name"],
        row.int("length_mm", required=True, minimum=1),
        row.int("width_mm", required=True, minimum=1),
        row.int("height_mm", required=True, minimum=1),
        row.int("max_weight_g", required=True, minimum=1),
    )


def parse_boxes(text: str) -> tuple[list[Box], list[Problem]]:
    parsed, problems = parse_all(text, BOXES, lambda row: (row.line, _box(row)))
    flag_duplicates([(line, b.code) for line, b in parsed], N_("box"), problems)
    return [box for _, box in parsed], sorted(problems)


def _supplier(row: Row) -> Supplier:
    code = row["code"].upper()
    if not code or len(code) > 32:
        row.fail(N_("code is required (at most 32 characters)"))
    row.required("name")
    return Supplier(code, row["name"], row["contact"], row.int("lead_time_days", required=True))


def parse_suppliers(text: str) -> tuple[list[Supplier], list[Problem]]:
    parsed, problems = parse_all(text, SUPPLIERS, lambda row: (row.line, _supplier(row)))
    flag_duplicates([(line, s.code) for line, s in parsed], N_("supplier"), problems)
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


def _reorder(row: Row) -> ReorderRow:
    sku = row.check(normalize_sku, row["sku"], default="")
    row.required("warehouse")
    point = row.int("reorder_point", required=True)
    top = row.int("max_level") if row["max_level"] else None
    if top is not None and top < point:
        row.fail(N_("max_level ({top}) must not be below reorder_point ({point})"), top=top, point=point)
    row.required("supplier")
    pack = row.int("pack_size", required=True, minimum=1)
    least = row.int("min_order_qty")
    cost = money(row, "unit_cost", row["currency"])
    if cost is None:
        raise RowStopped(N_("unit_cost is required"))
    return ReorderRow(row.line, sku, row["warehouse"].upper(), point, top, row["supplier"].upper(), pack, least, cost)


def parse_reorder(text: str) -> tuple[list[ReorderRow], list[Problem]]:
    parsed, problems = parse_all(text, REORDER, _reorder)
    flag_duplicates([(r.line, f"{r.sku}@{r.warehouse}") for r in parsed], N_("product and warehouse"), problems)
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


def _customer(row: Row, currency: str) -> CustomerRow:
    name = row["name"]
    if not name or len(name) > 128:
        row.fail(N_("name is required (up to 128 characters)"))
    telegram_id = row.int("telegram_id", minimum=1) or None
    phone = row.check(normalize_phone, row["phone"], default=None) if row["phone"] else None
    email = row["email"].lower() or None
    if email is not None and not is_email(email):
        row.fail(N_("email is not an email address, got “{value}”"), value=row["email"])
    if not (row["telegram_id"] or row["phone"] or row["email"]):
        row.fail(N_("give a telegram_id, a phone or an email"))
    business = row.bool("business")
    if not business and (row["payment_terms_days"] or row["credit_limit"]):
        row.fail(N_("payment_terms_days and credit_limit are for business customers (business true)"))
    none: tuple[int | None, int | None] = (None, None)
    days, limit = row.check(
        business_terms, row["payment_terms_days"], row.number("credit_limit"), currency, default=none
    )
    return CustomerRow(row.line, name, telegram_id, phone, email, business, days, limit)


def parse_customers(text: str, currency: str) -> tuple[list[CustomerRow], list[Problem]]:
    """``currency``: the shop's base currency, the one credit limits are in."""
    parsed, problems = parse_all(text, CUSTOMERS, lambda row: _customer(row, currency))
    for column in ("telegram_id", "phone", "email"):
        flag_duplicates(
            [(r.line, str(getattr(r, column))) for r in parsed if getattr(r, column) is not None], column, problems
        )
    return parsed, sorted(problems)


PRICE_COLUMNS = ("group", "target", "currency", "price", "percent", "from", "min_order", "pack")

PRICES = Columns(PRICE_COLUMNS[:2], PRICE_COLUMNS[2:], decimal=frozenset({"price", "percent"}), kind="prices")


@dataclass(frozen=True, slots=True)
class PriceRow:
    """A price rule as the file gives it; a category target is still its name."""

    line: int
    rule: PriceRule


def _price_rule(row: Row) -> PriceRow:
    # A blank value is told once, as required: not also as a bad group, target or currency code.
    group = row.check(normalize_group, row["group"], default="") if row.required("group") else ""
    no_target = (Scope.VARIANT, "")
    scope, target = row.check(parse_target, row["target"], default=no_target) if row.required("target") else no_target
    price_text, percent_text = row.number("price"), row.number("percent")
    if price_text and percent_text:
        row.fail(N_("give a price or a percent, not both"))
    currency = ""
    if (price_text or percent_text or row["currency"]) and row.required("currency"):
        currency = row.check(normalize_currency, row["currency"], default="", column="currency")
    # Not ``money``: a price rule's 0 or below is refused by ``PriceRule.check``, in the words
    # ``/pricelist add`` uses (a product's own price of 0 is a free item; a price list's is not).
    price = None
    if price_text and currency:
        price = row.check(Money.parse, price_text, currency, default=None, column="price")
    percent = row.check(parse_percent, percent_text, default=None, column="percent") if percent_text else None
    minimum = row.int("from", minimum=1) or 1
    min_order = row.int("min_order", minimum=1) or None
    pack = row.int("pack", minimum=1) or None
    if not (price_text or percent_text or min_order or pack):
        row.fail(N_("give a price, a percent, a min_order or a pack"))
    rule = PriceRule(group, currency, scope, target, minimum, price, percent, min_order, pack)
    if not row.problems:
        row.check(rule.check, default=rule)
    return PriceRow(row.line, rule)


def _price_key(rule: PriceRule) -> str:
    return f"{rule.group} {rule.currency} {rule.scope}:{rule.target} {rule.min_quantity}+"


def parse_prices(text: str) -> tuple[list[PriceRow], list[Problem]]:
    """Price rules (``domain.pricing``): one per group, currency, target and quantity break."""
    parsed, problems = parse_all(text, PRICES, _price_rule)
    keys = [(r.line, _price_key(r.rule)) for r in parsed]
    flag_duplicates(keys, N_("price rule"), problems)
    return parsed, sorted(problems)
