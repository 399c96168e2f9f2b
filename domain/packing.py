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


def choose_boxes(items: list[Item], boxes: list[Box]) -> list[PackagePlan]:
    """One box if any takes everything (the smallest); else first-fit decreasing into the
    largest box, each package then shrunk to the smallest box that still takes it."""
    by_size = sorted(boxes, key=lambda b: (b.volume_mm3, b.max_weight_g))
    if not by_size or not items:
        return []
    for box in by_size:
        if box_takes(box, items):
            return [PackagePlan(box, tuple(items))]
    largest = by_size[-1]
    packages: list[list[Item]] = []
    for item in sorted(items, key=lambda i: (-i.volume_mm3, -i.weight_g, i.sku)):
        if not item_fits(item, largest):
            raise NoBoxFits(sku=item.sku)
        target = next((p for p in packages if box_takes(largest, [*p, item])), None)
        if target is None:
            packages.append([item])
        else:
            target.append(item)
    return [PackagePlan(next(b for b in by_size if box_takes(b, p)), tuple(p)) for p in packages]


@dataclass(frozen=True, slots=True)
class Package:
    order_id: int
    seq: int
    box_code: str
    weight_g: int
    packed_by: int
