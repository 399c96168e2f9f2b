"""Picking: turning what orders need from a warehouse into pick lists in walking order.

The four methods:
* single — one order per round;
* batch — several orders in one round, chosen to share SKUs, within a cart capacity; each
  order goes to its own tote;
* zone — the picker's zone only, across the waiting orders (each order's tote is completed
  by the pickers of the other zones and consolidated at packing); like the others, it plans
  only what is not in hand or planned already, so an order picked before in part (a short
  pick answered, the rest of a split order) is picked again in whichever zone holds the rest;
* wave — the orders released together in a wave, all zones, zone after zone, each order in
  its tote; the wave number ties the round together for packing.

Walking order is serpentine: zone, then aisle, then up the rack positions on odd aisles
and back down on even ones, so a picker never walks an aisle twice.

``route_length`` measures a round on a simple grid (aisles side by side, a cross aisle at
each end, depot at the front of aisle 0); ``bench/picking_travel.py`` uses it to compare
methods."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.orders import HistoryEntry, OrderStatus
from domain.warehouse import BinCode

DEFAULT_CART_CAPACITY = 60  # units a picking cart carries
DEFAULT_BATCH_ORDERS = 6
AISLE_SPACING_M = 3.0
RACK_DEPTH_M = 1.0
AISLE_LENGTH_RACKS = 40


class PickMethod(StrEnum):
    SINGLE = "single"
    BATCH = "batch"
    ZONE = "zone"
    WAVE = "wave"


@dataclass(frozen=True, slots=True)
class Demand:
    """What one order needs of one product from this warehouse."""

    order_id: int
    product_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class BinStock:
    product_id: int
    bin_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PickTask:
    order_id: int
    product_id: int
    bin_code: str | None  # None: no bin holds it (the picker reports a short pick)
    quantity: int
    tote: int


def walking_key(code: str | None) -> tuple[str, int, int, int]:
    if code is None:
        return ("~", 0, 0, 0)  # unknown location: last
    b = BinCode.parse(code)
    rack = b.rack if b.aisle % 2 == 1 else -b.rack
    return (b.zone, b.aisle, rack, b.level)


def zone_of(code: str | None) -> str | None:
    return BinCode.parse(code).zone if code else None


def assign_bins(demands: Sequence[Demand], stock: Iterable[BinStock], totes: dict[int, int]) -> list[PickTask]:
    """Take each demand from the bins that hold the product, fullest first (fewest stops),
    never promising a bin more than it holds across the whole round; what no bin holds
    becomes a task without a bin."""
    left: dict[int, list[list[object]]] = defaultdict(list)
    for s in sorted(stock, key=lambda s: (-s.quantity, s.bin_code)):
        if s.quantity > 0:
            left[s.product_id].append([s.bin_code, s.quantity])
    tasks = []
    for d in demands:
        need = d.quantity
        for slot in left[d.product_id]:
            code, quantity = str(slot[0]), int(slot[1])  # type: ignore[call-overload]
            take = min(need, quantity)
            if take <= 0:
                continue
            slot[1] = quantity - take
            tasks.append(PickTask(d.order_id, d.product_id, code, take, totes[d.order_id]))
            need -= take
            if not need:
                break
        if need:
            tasks.append(PickTask(d.order_id, d.product_id, None, need, totes[d.order_id]))
    return sorted(tasks, key=lambda t: (walking_key(t.bin_code), t.tote))


def choose_batch(orders: Sequence[tuple[int, Sequence[Demand]]], *, max_orders: int, capacity: int) -> list[int]:
    """Orders for one batch round: the first in the queue, then those sharing the most SKUs
    with what is already on the cart (ties: queue order), while the cart has room."""
    if not orders:
        return []
    chosen = [orders[0][0]]
    skus = {d.product_id for d in orders[0][1]}
    units = sum(d.quantity for d in orders[0][1])
    rest = list(orders[1:])
    while rest and len(chosen) < max_orders:
        fits = [(i, o) for i, o in enumerate(rest) if units + sum(d.quantity for d in o[1]) <= capacity]
        if not fits:
            break
        index, (order_id, demands) = max(fits, key=lambda f: (len(skus & {d.product_id for d in f[1][1]}), -f[0]))
        chosen.append(order_id)
        skus |= {d.product_id for d in demands}
        units += sum(d.quantity for d in demands)
        rest.pop(index)
    return chosen


def _position(code: str) -> tuple[float, float]:
    b = BinCode.parse(code)
    return b.aisle * AISLE_SPACING_M, min(b.rack, AISLE_LENGTH_RACKS) * RACK_DEPTH_M


def route_length(bin_codes: Sequence[str], *, start_aisle: int = 0) -> float:
    """Metres walked from the depot (front of ``start_aisle``: aisle 0, or a zone picker's
    first aisle) through the bins in the given order and back. Inside an aisle one walks
    along it; between aisles, via the nearer end."""
    length = AISLE_LENGTH_RACKS * RACK_DEPTH_M
    here = (start_aisle * AISLE_SPACING_M, 0.0)
    total = 0.0
    for code in [*bin_codes]:
        there = _position(code)
        total += _walk(here, there, length)
        here = there
    return total + _walk(here, (start_aisle * AISLE_SPACING_M, 0.0), length)


def _walk(a: tuple[float, float], b: tuple[float, float], length: float) -> float:
    (ax, ay), (bx, by) = a, b
    if ax == bx:
        return abs(ay - by)
    across = abs(ax - bx)
    return across + min(ay + by, (length - ay) + (length - by))


@dataclass(slots=True)
class PickLine:
    seq: int
    order_id: int
    product_id: int
    bin_code: str | None
    tote: int
    quantity: int
    picked: int = 0
    short: int = 0
    id: int | None = None
    warehouse_id: int | None = None  # its round's, as read back (a bin code is unique only in its warehouse)
    pick_list_id: int | None = None  # its round, as read back

    @property
    def open(self) -> int:
        return self.quantity - self.picked - self.short

    @property
    def done(self) -> bool:
        return self.open == 0


@dataclass(slots=True)
class PickList:
    method: PickMethod
    warehouse_id: int
    picker_telegram_id: int
    lines: list[PickLine]
    zone: str | None = None
    wave: int | None = None
    finished: bool = False
    id: int | None = None

    @property
    def next_line(self) -> PickLine | None:
        return next((line for line in self.lines if not line.done), None)

    @property
    def order_ids(self) -> list[int]:
        return list(dict.fromkeys(line.order_id for line in self.lines))

    def tote_of(self, order_id: int) -> int:
        return next(line.tote for line in self.lines if line.order_id == order_id)


@dataclass(frozen=True, slots=True)
class RoundTote:
    """An order's tote in one picking round: whose round, which tote, and when it ended (None: open)."""

    pick_list_id: int
    picker_telegram_id: int
    tote: int
    finished_at: datetime | None


def on_hold_shelf(history: Sequence[HistoryEntry], rounds: Iterable[RoundTote]) -> list[RoundTote]:
    """The order's totes its rounds' ends sent to the hold shelf, for its latest hold: rounds that
    ended while it was on hold (from its last hold to the change that ended it). Told to put the
    tote there, their pickers are the ones to bring it to packing when the order goes there; a
    round that ended before the hold (a packer's short) or after it (the answer came first) said
    packing, and a hold before the latest was settled with its own."""
    held = [i for i, entry in enumerate(history) if entry.to_status is OrderStatus.ON_HOLD]
    if not held:
        return []
    since = history[held[-1]].at
    until = next((entry.at for entry in history[held[-1] + 1 :] if entry.to_status is not OrderStatus.ON_HOLD), None)
    return [
        r
        for r in rounds
        if r.finished_at is not None and since <= r.finished_at and (until is None or r.finished_at <= until)
    ]


def spoken_for(
    lines: Sequence[PickLine], shipped: Mapping[int, int], warehouse_id: int | None = None, *, planned: bool = True
) -> Counter[tuple[int, str]]:
    """(product, bin) → units of one order that its bins' counts still hold but the shelf does
    not give again: picked and not yet shipped (a bin's count comes down at shipment; the
    shipped units are taken from its earliest picks), or planned on an open line (``planned``;
    without it, only what is in a tote) — in the bins of ``warehouse_id`` (when given) alone, as
    two warehouses may each have a bin A-01-01-1."""
    gone = dict(shipped)
    held: Counter[tuple[int, str]] = Counter()
    for line in sorted(lines, key=lambda x: x.id or 0):
        if line.bin_code is None:
            continue
        leaving = min(line.picked, gone.get(line.product_id, 0))
        gone[line.product_id] = gone.get(line.product_id, 0) - leaving
        if warehouse_id is not None and line.warehouse_id != warehouse_id:
            continue
        held[(line.product_id, line.bin_code)] += line.picked - leaving + (line.open if planned else 0)
    return +held


def in_hand_at(
    lines: Sequence[PickLine], shipped: Mapping[int, int], warehouse_id: int, *, planned: bool
) -> Counter[int]:
    """Product → units of one order in hand at ``warehouse_id``: picked there and not yet shipped (a parcel's
    units leave from the order's earliest picks, as ``spoken_for`` takes them), and (``planned``) those its open
    lines there send a picker for. An item allocated in two warehouses is picked in each, from its own part. A line no
    bin held (``bin_code`` None; bins are never deleted) is never picked, so takes no shipped unit; its open units count
    as planned, unlike in ``spoken_for``'s bins: its picker's ⚠️ Short pick moves or holds them, and a count taking
    them too moved the part twice."""
    gone = dict(shipped)
    held: Counter[int] = Counter()
    for line in sorted(lines, key=lambda x: x.id or 0):
        leaving = min(line.picked, gone.get(line.product_id, 0))
        gone[line.product_id] = gone.get(line.product_id, 0) - leaving
        if line.warehouse_id == warehouse_id:
            held[line.product_id] += line.picked - leaving + (line.open if planned else 0)
    return +held


def leaving_from(
    lines: Sequence[PickLine], shipped: Mapping[int, int], wanted: Mapping[int, int]
) -> Counter[tuple[int, int, str]]:
    """(product, warehouse, bin) → units of ``wanted`` (product → units of a parcel) that leave
    from each pick of one order: its earliest picks not yet shipped (``shipped``: what earlier
    parcels took), the rule ``spoken_for`` reckons what is still in a tote by. A parcel of an
    order picked in two warehouses took the first warehouse's reservation instead, and the units
    it left in a tote were counted as on that warehouse's shelf."""
    gone, want = dict(shipped), dict(wanted)
    leaving: Counter[tuple[int, int, str]] = Counter()
    for line in sorted(lines, key=lambda x: x.id or 0):
        if line.bin_code is None:
            continue
        already = min(line.picked, gone.get(line.product_id, 0))
        gone[line.product_id] = gone.get(line.product_id, 0) - already
        take = min(line.picked - already, want.get(line.product_id, 0))
        if take > 0 and line.warehouse_id is not None:
            leaving[(line.product_id, line.warehouse_id, line.bin_code)] += take
            want[line.product_id] -= take
    return leaving


def lines_from_tasks(tasks: Sequence[PickTask]) -> list[PickLine]:
    return [
        PickLine(seq, t.order_id, t.product_id, t.bin_code, t.tote, t.quantity) for seq, t in enumerate(tasks, start=1)
    ]
