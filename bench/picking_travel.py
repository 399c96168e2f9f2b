"""Walking distance of single-order, batch, zone and wave picking for the same orders.

A generated warehouse grid (4 zones × 10 aisles × 40 rack positions × 4 levels; each
product in one random bin) and real orders: invoices of the UCI Online Retail data in
``../shared/data`` when it is there (the busiest days first), else a seeded synthetic mix
with the same shape. Each method plans its rounds with Ordergram's own picking code
(``domain.picking``: serpentine walking order, batch choice by shared SKUs within a cart
capacity) and walks them on the grid (``route_length``).

    python bench/picking_travel.py [--orders 240] [--batch 6] [--wave 12]

Prints metres walked per method and the saving against single-order picking
(target: batch and wave ≥ 30 % less).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
from collections import Counter, defaultdict
from pathlib import Path

from domain.picking import (
    DEFAULT_CART_CAPACITY,
    BinStock,
    Demand,
    assign_bins,
    choose_batch,
    route_length,
    walking_key,
    zone_of,
)

ROOT = Path(__file__).resolve().parents[1]
UCI = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"
ZONES = "ABCD"
AISLES_PER_ZONE = 10
RACKS = 40
MAX_UNITS_PER_LINE = 6  # the data is partly wholesale; a picking cart counts retail units


def load_orders(count: int) -> tuple[list[list[tuple[str, int]]], str]:
    if UCI.exists():
        by_invoice: dict[str, dict[str, int]] = defaultdict(Counter)
        day_of: dict[str, str] = {}
        with gzip.open(UCI, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["InvoiceNo"].startswith("C") or int(row["Quantity"]) <= 0:
                    continue
                by_invoice[row["InvoiceNo"]][row["StockCode"]] += int(row["Quantity"])
                day_of[row["InvoiceNo"]] = row["InvoiceDate"][:10]
        per_day = Counter(day_of.values())
        busiest = [day for day, _ in per_day.most_common()]
        chosen = [inv for day in busiest for inv in sorted(i for i, d in day_of.items() if d == day)][:count]
        orders = [[(sku, min(q, MAX_UNITS_PER_LINE)) for sku, q in by_invoice[i].items()][:30] for i in chosen]
        return orders, f"UCI Online Retail, {len(orders)} invoices from its busiest days"
    rng = random.Random(3)
    skus = [f"S{i:04d}" for i in range(1500)]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(skus))]
    orders = [
        [(sku, rng.randint(1, 3)) for sku in set(rng.choices(skus, weights, k=rng.randint(1, 12)))]
        for _ in range(count)
    ]
    return orders, f"synthetic (seeded), {count} orders (../shared/data not found)"


def layout(skus: set[str]) -> dict[str, str]:
    rng = random.Random(5)
    bins = [
        f"{zone}-{z * AISLES_PER_ZONE + a + 1:02d}-{rack:02d}-{level}"
        for z, zone in enumerate(ZONES)
        for a in range(AISLES_PER_ZONE)
        for rack in range(1, RACKS + 1)
        for level in range(1, 5)
    ]
    rng.shuffle(bins)
    return {sku: bins[i % len(bins)] for i, sku in enumerate(sorted(skus))}


def walk(codes: list[str], start_aisle: int = 0) -> float:
    stops = sorted(set(codes), key=walking_key)
    return route_length(stops, start_aisle=start_aisle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=240)
    parser.add_argument("--batch", type=int, default=6, help="orders per batch round")
    parser.add_argument("--wave", type=int, default=12, help="orders released per wave")
    parser.add_argument(
        "--capacity",
        type=int,
        default=200,
        help="units a batch cart carries (the invoices are wholesale-sized: ~50 units each)",
    )
    args = parser.parse_args()
    raw, source = load_orders(args.orders)
    ids = {sku: n for n, sku in enumerate(sorted({sku for order in raw for sku, _ in order}), start=1)}
    where = layout(set(ids))
    stock = [BinStock(ids[sku], code, 10_000) for sku, code in where.items()]
    demands = [(n, [Demand(n, ids[sku], q) for sku, q in order]) for n, order in enumerate(raw, start=1)]

    def bins_of(order_ids: list[int]) -> list[str]:
        wanted = [d for oid, found in demands if oid in order_ids for d in found]
        tasks = assign_bins(wanted, stock, {oid: 1 for oid in order_ids})
        return [t.bin_code for t in tasks if t.bin_code]

    single = sum(walk(bins_of([oid])) for oid, _ in demands)

    def batched(capacity: int) -> tuple[float, int]:
        metres, rounds, queue = 0.0, 0, list(demands)
        while queue:
            chosen = choose_batch(queue, max_orders=args.batch, capacity=capacity)
            metres += walk(bins_of(chosen))
            rounds += 1
            queue = [q for q in queue if q[0] not in chosen]
        return metres, rounds

    batch, rounds = batched(args.capacity)
    small_cart, small_rounds = batched(DEFAULT_CART_CAPACITY)

    wave = zone = 0.0
    for start in range(0, len(demands), args.wave):
        released = [oid for oid, _ in demands[start : start + args.wave]]
        codes = bins_of(released)
        wave += walk(codes)
        for z, name in enumerate(ZONES):
            mine = [c for c in codes if zone_of(c) == name]
            if mine:
                zone += walk(mine, start_aisle=z * AISLES_PER_ZONE + 1)

    lines = sum(len(order) for order in raw)
    print(f"orders: {source}; {lines} lines; grid {len(ZONES)} zones × {AISLES_PER_ZONE} aisles × {RACKS} racks")
    print(f"{'single order':14} {single / 1000:9.2f} km   {single / len(demands):7.1f} m/order")
    for name, metres, note in (
        ("batch", batch, f"{rounds} rounds of ≤ {args.batch} orders, ≤ {args.capacity} units"),
        (
            f"batch ≤{DEFAULT_CART_CAPACITY}u",
            small_cart,
            f"{small_rounds} rounds: a retail cart is small for these orders",
        ),
        ("wave", wave, f"waves of {args.wave} orders, one picker"),
        ("zone", zone, f"waves of {args.wave} orders, one picker per zone"),
    ):
        saving = 1 - metres / single
        print(f"{name:14} {metres / 1000:9.2f} km   {metres / len(demands):7.1f} m/order   {saving:6.1%} less ({note})")
    print("target: batch and wave ≥ 30 % less than single-order picking")


if __name__ == "__main__":
    main()
