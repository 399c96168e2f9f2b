"""Choosing shipping boxes: the smallest standard box that takes every item (each item
must fit inside in some orientation, the items' volume within a fill factor, the weight
within the box's limit), or, when none does, a split into several boxes."""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import Dimensions
from domain.errors import DomainError
from domain.i18n import N_

FILL_FACTOR = 0.8  # items never fill a box completely: padding, odd shapes
BOX_TARE_SHARE = 0.1  # cardboard and padding add about a tenth to the weight


class NoBoxFits(DomainError):
    key = N_("No standard box takes {sku}. Pack it separately and record its weight by hand.")


class BoxTooSmall(DomainError):
    key = N_("Box {box} is too small for this order.")


@dataclass(frozen=True, slots=True)
class Box:
    code: str
    name: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    @property
    def sorted_dims(self) -> tuple[int, ...]:
        return tuple(sorted((self.length_mm, self.width_mm, self.height_mm)))


@dataclass(frozen=True, slots=True)
class Item:
    sku: str
    weight_g: int
    dimensions: Dimensions | None

    @property
    def volume_mm3(self) -> int:
        return self.dimensions.volume_mm3 if self.dimensions else 0


@dataclass(frozen=True, slots=True)
class PackagePlan:
    box: Box
    items: tuple[Item, ...]

    @property
    def weight_g(self) -> int:
        """Estimated: the items plus the box and padding."""
        net = sum(i.weight_g for i in self.items)
        return round(net * (1 + BOX_TARE_SHARE))


def _dims(item: Item) -> tuple[int, ...]:
    """An item's dimensions as a sort key (``Dimensions`` has no order; no dimensions first)."""
    d = item.dimensions
    return (d.length_mm, d.width_mm, d.height_mm) if d else ()


def item_fits(item: Item, box: Box) -> bool:
    if item.weight_g > box.max_weight_g:
        return False
    if item.dimensions is None:
        return True
    d = item.dimensions
    return all(i <= b for i, b in zip(sorted((d.length_mm, d.width_mm, d.height_mm)), box.sorted_dims, strict=True))


def box_takes(box: Box, items: tuple[Item, ...] | list[Item]) -> bool:
    return (
        all(item_fits(i, box) for i in items)
        and sum(i.volume_mm3 for i in items) <= box.volume_mm3 * FILL_FACTOR
        and sum(i.weight_g for i in items) <= box.max_weight_g
    )


SEARCH_BUDGET = 50_000  # placements the exact search may try before it keeps the best found
SEARCH_MAX_ITEMS = 200  # deeper than this the search (recursive) is not tried: first-fit alone


def choose_boxes(items: list[Item], boxes: list[Box]) -> list[PackagePlan]:
    """The fewest packages, then the least total box volume: one box (the smallest) when
    any takes everything; else a split, which exists whenever every item fits some box on
    its own (``NoBoxFits`` names the first that does not).

    A split is searched for exactly (branch and bound over which package each item joins,
    seeded with first-fit decreasing) within ``SEARCH_BUDGET`` placements, which covers
    small orders whole; a bigger order keeps the best packing found by then, never worse
    than first-fit decreasing, and always valid."""
    by_size = sorted(boxes, key=lambda b: (b.volume_mm3, b.max_weight_g, b.code))
    if not by_size or not items:
        return []
    for box in by_size:
        if box_takes(box, items):
            return [PackagePlan(box, tuple(items))]
    packer = _Packer(by_size)
    for item in items:
        if packer.smallest(item.volume_mm3, item.weight_g, packer.fits(item)) is None:
            raise NoBoxFits(sku=item.sku)
    return packer.best_split(items)


class _Packer:
    """Packages as (volume, weight, boxes every item fits as a bit mask): which boxes take a
    package is then a few comparisons, whatever it holds."""

    def __init__(self, by_size: list[Box]) -> None:
        self.boxes = by_size
        self.capacity = [(b.volume_mm3 * FILL_FACTOR, b.max_weight_g) for b in by_size]

    def fits(self, item: Item) -> int:
        return sum(1 << i for i, box in enumerate(self.boxes) if item_fits(item, box))

    def smallest(self, volume: int, weight: int, fits: int) -> int | None:
        for i, (room, limit) in enumerate(self.capacity):
            if fits >> i & 1 and volume <= room and weight <= limit:
                return i
        return None

    def best_split(self, items: list[Item]) -> list[PackagePlan]:
        # Identical items side by side, biggest first: a hard item placed early prunes most.
        ordered = sorted(items, key=lambda i: (-i.volume_mm3, -i.weight_g, i.sku, _dims(i)))
        masks = [self.fits(i) for i in ordered]
        best = min(
            (self._first_fit(ordered, masks, key) for key in self._orders(ordered)),
            key=lambda packing: self._cost(packing[1]),
        )
        if len(ordered) <= SEARCH_MAX_ITEMS:
            best = self._search(ordered, masks, best)
        assignment, chosen = best
        grouped: list[list[Item]] = [[] for _ in chosen]
        for item, package in zip(ordered, assignment, strict=True):
            grouped[package].append(item)
        return [PackagePlan(self.boxes[box], tuple(group)) for box, group in zip(chosen, grouped, strict=True)]

    def _cost(self, chosen: list[int]) -> tuple[int, int]:
        return len(chosen), sum(self.boxes[i].volume_mm3 for i in chosen)

    def _orders(self, ordered: list[Item]) -> list[list[int]]:
        """Item orders for first-fit decreasing: by volume, by weight, by the larger share of
        the biggest box's room or weight limit."""
        room, limit = max(c[0] for c in self.capacity), max(c[1] for c in self.capacity)
        indices = range(len(ordered))
        return [
            list(indices),
            sorted(indices, key=lambda k: -ordered[k].weight_g),
            sorted(indices, key=lambda k: -max(ordered[k].volume_mm3 / room, ordered[k].weight_g / limit)),
        ]

    def _first_fit(self, ordered: list[Item], masks: list[int], order: list[int]) -> tuple[list[int], list[int]]:
        assignment = [0] * len(ordered)
        packages: list[tuple[int, int, int, int]] = []  # volume, weight, fits, smallest box
        for k in order:
            item, mask = ordered[k], masks[k]
            for j, (volume, weight, fits, _) in enumerate(packages):
                box = self.smallest(volume + item.volume_mm3, weight + item.weight_g, fits & mask)
                if box is not None:
                    packages[j] = (volume + item.volume_mm3, weight + item.weight_g, fits & mask, box)
                    assignment[k] = j
                    break
            else:
                box = self.smallest(item.volume_mm3, item.weight_g, mask)
                assert box is not None  # every item fits some box alone (checked first)
                packages.append((item.volume_mm3, item.weight_g, mask, box))
                assignment[k] = len(packages) - 1
        return assignment, [p[3] for p in packages]

    def _search(
        self, ordered: list[Item], masks: list[int], incumbent: tuple[list[int], list[int]]
    ) -> tuple[list[int], list[int]]:
        """Branch and bound: each item joins a package or opens one; a branch stops as soon
        as it cannot beat the best (a package's smallest box only grows as it fills)."""
        best_assignment, best_boxes = incumbent
        best_cost = self._cost(best_boxes)
        n = len(ordered)
        assignment = [0] * n
        packages: list[list[int]] = []  # [volume, weight, fits, smallest box]
        budget = SEARCH_BUDGET
        volumes = [b.volume_mm3 for b in self.boxes]

        def bound() -> tuple[int, int]:
            return len(packages), sum(volumes[p[3]] for p in packages)

        def place(k: int) -> None:
            nonlocal budget, best_cost, best_assignment, best_boxes
            if k == n:
                cost = bound()
                if cost < best_cost:
                    best_cost, best_assignment, best_boxes = cost, assignment.copy(), [p[3] for p in packages]
                return
            item, mask = ordered[k], masks[k]
            # An item identical to the one before goes no earlier: the same packings in another order.
            first = assignment[k - 1] if k and ordered[k] == ordered[k - 1] else 0
            for j in range(first, len(packages)):
                if budget <= 0:
                    return
                budget -= 1
                volume, weight, fits, was = packages[j]
                box = self.smallest(volume + item.volume_mm3, weight + item.weight_g, fits & mask)
                if box is None:
                    continue
                packages[j] = [volume + item.volume_mm3, weight + item.weight_g, fits & mask, box]
                if bound() < best_cost:
                    assignment[k] = j
                    place(k + 1)
                packages[j] = [volume, weight, fits, was]
            box = self.smallest(item.volume_mm3, item.weight_g, mask)
            if box is None or budget <= 0:
                return
            budget -= 1
            packages.append([item.volume_mm3, item.weight_g, mask, box])
            if bound() < best_cost:
                assignment[k] = len(packages) - 1
                place(k + 1)
            packages.pop()

        place(0)
        return best_assignment, best_boxes


@dataclass(frozen=True, slots=True)
class Package:
    order_id: int
    seq: int
    box_code: str | None  # None: packed without a standard box (the shop's own wrapping)
    weight_g: int
    packed_by: int
