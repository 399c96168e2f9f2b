"""Routing an order to warehouses.

Policy, in order: one warehouse that can ship everything; otherwise the fewest warehouses;
ties broken by distance to the delivery point (haversine), then by warehouse code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from domain.errors import InsufficientStock
from domain.shipping import haversine_km
from domain.warehouse import Warehouse


@dataclass(frozen=True, slots=True)
class Allocation:
    product_id: int
    warehouse_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    allocations: list[Allocation]
    warehouse_codes: list[str]
    reasons: list[str] = field(default_factory=list)


class RoutingImpossible(InsufficientStock):
    """Some line cannot be covered by all warehouses together."""

    def __init__(self, product_id: int, available: int) -> None:
        self.product_id = product_id
        super().__init__()
        self.params = {"available": available}


def _distance(warehouse: Warehouse, point: tuple[float, float] | None) -> float:
    if point is None or warehouse.latitude is None or warehouse.longitude is None:
        return 0.0
    return haversine_km(warehouse.latitude, warehouse.longitude, point[0], point[1])


WAITS_FOR_STOCK = "every line waits for stock: allocated when it arrives"


def restated(routing: list[str], shipping: dict[str, int], waiting: int) -> list[str]:
    """An order's routing once stock set aside later (a waiting part filled) changed where it ships
    from: ``shipping`` the units each warehouse (by code) holds for it now, ``waiting`` the units still
    waiting. Its warehouses first (those it was routed to in their order, then the others by code),
    then what is true now: "MAN can ship every line", "MAN ships 5" and "2 still wait for stock",
    or "split: LON ships 2, MAN ships 5"; the reasons it was placed with no longer hold."""
    codes = [c for c in routing if c in shipping] + sorted(c for c in shipping if c not in routing)
    parts = ", ".join(f"{code} ships {shipping[code]}" for code in sorted(shipping))
    if len(shipping) > 1:
        reasons = [f"split: {parts}"]
    elif shipping and not waiting:
        reasons = [f"{codes[0]} can ship every line"]
    else:
        reasons = [parts] if shipping else [WAITS_FOR_STOCK]
    if shipping and waiting:
        reasons.append(f"{waiting} still wait for stock")
    return [*dict.fromkeys(codes), *reasons]


def route(
    lines: dict[int, int],
    available: dict[tuple[int, int], int],
    warehouses: list[Warehouse],
    destination: tuple[float, float] | None,
    *,
    pickup: bool = False,
) -> RoutingDecision:
    """``lines`` maps product → quantity; ``available`` maps (product, warehouse) → units;
    ``pickup``: ``destination`` is the pickup point the customer collects from, not an address."""
    by_id = {w.id: w for w in warehouses if w.id is not None}
    for product_id, quantity in lines.items():
        total = sum(units for (p, _), units in available.items() if p == product_id)
        if total < quantity:
            raise RoutingImpossible(product_id, max(total, 0))
    ranked = sorted(by_id.values(), key=lambda w: (_distance(w, destination), w.code))
    for size in range(1, len(ranked) + 1):
        feasible = [
            combo
            for combo in combinations(ranked, size)
            if all(sum(available.get((p, w.id or 0), 0) for w in combo) >= q for p, q in lines.items())
        ]
        if feasible:
            best = min(
                feasible, key=lambda combo: (sum(_distance(w, destination) for w in combo), [w.code for w in combo])
            )
            return _split(lines, available, list(best), destination, size, len(feasible), pickup)
    raise AssertionError("unreachable: total stock covers every line")


def _split(
    lines: dict[int, int],
    available: dict[tuple[int, int], int],
    chosen: list[Warehouse],
    destination: tuple[float, float] | None,
    size: int,
    alternatives: int,
    pickup: bool = False,
) -> RoutingDecision:
    allocations: list[Allocation] = []
    for product_id, quantity in sorted(lines.items()):
        remaining = quantity
        for warehouse in chosen:  # nearest first
            take = min(remaining, available.get((product_id, warehouse.id or 0), 0))
            if take > 0:
                allocations.append(Allocation(product_id, warehouse.id or 0, take))
                remaining -= take
            if remaining == 0:
                break
    codes = [w.code for w in chosen]
    if not lines:  # every line waits (a backorder, a preorder): any warehouse "could", none has it
        reasons = [WAITS_FOR_STOCK]
        alternatives = 1
    elif size == 1:
        reasons = [f"{codes[0]} can ship every line"]
    else:
        reasons = [f"no single warehouse has every line; {size} warehouses needed"]
    if destination is not None:
        reasons.append(
            ("nearest to the pickup point: " if pickup else "nearest to the delivery point: ")
            + ", ".join(f"{w.code} {_distance(w, destination):.0f} km" for w in chosen)
        )
    if alternatives > 1:
        reasons.append(f"chosen among {alternatives} possible {'warehouses' if size == 1 else 'combinations'}")
    return RoutingDecision(allocations, codes, reasons)
