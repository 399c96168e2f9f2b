"""Managers create, list and end promotions and promo codes (``/promotion``, ``/promocode``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.pricing import InvalidPriceTarget, Scope, normalize_group, parse_target
from domain.promotions import (
    DiscountKind,
    PromoCode,
    PromoCodeTaken,
    Promotion,
    Target,
    parse_percent,
    valid_code,
)
from domain.shop_days import day_start
from domain.staff import Permission
from domain.usecases.staff import require


class UnknownOption(DomainError):
    key = N_("Unknown option “{option}”. Options: {allowed}.")


class NeedsDiscount(DomainError):
    key = N_("Say what it takes off: percent=10, off=5.00 or buy=2 (buy 2, get 1 free).")


class NeedsEnd(DomainError):
    key = N_("Say when it ends: until=YYYY-MM-DD.")


class BadDate(DomainError):
    key = N_("{text} is not a date (YYYY-MM-DD).")


class UnknownCategory(DomainError):
    key = N_("There is no category “{name}”.")


class UnknownSku(DomainError):
    key = N_("There is no product {sku}.")


class BadCount(DomainError):
    key = N_("{option} must be a whole number from 1 to 1000000, not {text}.")


class NegativeAmount(DomainError):
    key = N_("{option} cannot be negative: {value}.")


class OneTarget(DomainError):
    key = N_("Choose one of category=, products= or over= (the whole order above an amount).")


PROMOTION_OPTIONS = ("percent", "off", "buy", "category", "products", "over", "from", "until")
CODE_OPTIONS = (
    "percent",
    "off",
    "min",
    "uses",
    "per_customer",
    "first_order",
    "category",
    "products",
    "groups",
    "from",
    "until",
)


@dataclass(frozen=True, slots=True)
class _Common:
    kind: DiscountKind
    percent: Decimal
    amount: Money | None
    starts_at: datetime
    ends_at: datetime
    category_id: int | None
    product_ids: frozenset[int]
    families: frozenset[str]
    target_text: str


def _day(text: str, end: bool, zone: tzinfo) -> datetime:
    """A day of the shop's ``zone``: ``from`` at its midnight, ``until`` at the midnight after it
    (the whole day counts)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(text=text) from None
    return day_start(day + timedelta(days=1 if end else 0), zone)


def _count(options: Mapping[str, str], name: str) -> int | None:
    text = options.get(name)
    if text is None:
        return None
    if not text.isdecimal() or not 1 <= int(text) <= 1_000_000:
        raise BadCount(option=name, text=text)
    return int(text)


def _at_least_zero(options: Mapping[str, str], name: str, currency: str) -> Money | None:
    """``min=`` or ``over=``: an amount in the base currency, 0 or more (a negative one reads as
    a minimum, yet every order meets it)."""
    if name not in options:
        return None
    amount = Money.parse_typed(options[name], currency)
    if amount.amount < 0:
        raise NegativeAmount(option=name, value=options[name])
    return amount


def _check_options(options: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    for option in options:
        if option not in allowed:
            raise UnknownOption(option=option, allowed=", ".join(allowed))


async def _common(uow: UnitOfWork, now: datetime, options: Mapping[str, str]) -> _Common:
    base = uow.base_currency
    kinds = [k for k in ("percent", "off", "buy") if k in options]
    if len(kinds) != 1:
        raise NeedsDiscount()
    if "until" not in options:
        raise NeedsEnd()
    percent = parse_percent(options["percent"]) if "percent" in options else Decimal(0)
    amount = Money.parse_typed(options["off"], base) if "off" in options else None
    if amount is not None and amount.amount <= 0:
        raise NeedsDiscount()
    kind = {"percent": DiscountKind.PERCENT, "off": DiscountKind.FIXED, "buy": DiscountKind.BUY_GET}[kinds[0]]
    category_id, text = None, ""
    if "category" in options:
        name = options["category"].strip()
        node = next((n for n in await uow.products.category_nodes() if n.name.casefold() == name.casefold()), None)
        if node is None:
            raise UnknownCategory(name=name)
        category_id, text = node.id, node.name
    ids, families = set[int](), set[str]()
    if "products" in options:
        named = []
        for item in (s for s in options["products"].split(",") if s.strip()):
            scope, code = parse_target(item)
            if scope is Scope.CATEGORY:
                raise InvalidPriceTarget(target=item.strip()[:40])
            if scope is Scope.PRODUCT:  # the whole family, variants added later too
                if not await uow.products.variants(code):
                    raise UnknownSku(sku=code)
                families.add(code)
                named.append(f"product:{code}")
                continue
            product = await uow.products.get_by_sku(code)
            if product is None or product.id is None:
                raise UnknownSku(sku=item.strip()[:40])
            ids.add(product.id)
            named.append(code)
        text = ", ".join(named)
    zone = ZoneInfo(uow.timezone)
    starts = _day(options["from"], end=False, zone=zone) if "from" in options else now
    ends = _day(options["until"], end=True, zone=zone)
    return _Common(kind, percent, amount, starts, ends, category_id, frozenset(ids), frozenset(families), text)


async def _with_variants(uow: UnitOfWork, promotion: Promotion) -> Promotion:
    """For the overlap check: a family's variants as they are now, among the promotion's products."""
    if not promotion.families:
        return promotion
    ids = {p.id for code in sorted(promotion.families) for p in await uow.products.variants(code) if p.id is not None}
    return replace(promotion, product_ids=promotion.product_ids | ids)


async def create_promotion(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, name: str, options: Mapping[str, str]
) -> Promotion:
    """Refused when it could not work as written or overlaps a running one on the same items."""
    member = await require(uow, staff_id, Permission.MANAGE_PROMOTIONS)
    _check_options(options, PROMOTION_OPTIONS)
    async with uow:
        now = clock.now()
        c = await _common(uow, now, options)
        targets = [t for t in ("category", "products", "over") if t in options]
        if len(targets) != 1:
            raise OneTarget()
        target = {"category": Target.CATEGORY, "products": Target.PRODUCTS, "over": Target.ORDER}[targets[0]]
        threshold = _at_least_zero(options, "over", uow.base_currency)
        promotion = Promotion(
            name=" ".join(name.split())[:128],
            kind=c.kind,
            target=target,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            percent=c.percent,
            amount=c.amount,
            buy=_count(options, "buy") or 0,
            threshold=threshold,
            category_id=c.category_id,
            product_ids=c.product_ids,
            families=c.families,
            target_text=c.target_text or (str(threshold.to_decimal()) if threshold else ""),
            created_by=member.telegram_id,
        )
        running = [await _with_variants(uow, p) for p in await uow.promotions.promotions(now)]
        (await _with_variants(uow, promotion)).check(now, running, ZoneInfo(uow.timezone))
        added = await uow.promotions.add_promotion(promotion)
        await uow.commit()
        return added


async def create_code(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, options: Mapping[str, str]
) -> PromoCode:
    member = await require(uow, staff_id, Permission.MANAGE_PROMOTIONS)
    _check_options(options, CODE_OPTIONS)
    normalized = valid_code(code)
    async with uow:
        now = clock.now()
        c = await _common(uow, now, options)
        if c.kind is DiscountKind.BUY_GET:
            raise NeedsDiscount()
        if await uow.promotions.code(normalized) is not None:
            raise PromoCodeTaken(code=normalized)
        promo = PromoCode(
            code=normalized,
            kind=c.kind,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            percent=c.percent,
            amount=c.amount,
            minimum=_at_least_zero(options, "min", uow.base_currency),
            max_uses=_count(options, "uses"),
            per_customer=_count(options, "per_customer"),
            first_order_only="first_order" in options,
            groups=frozenset(normalize_group(g) for g in options.get("groups", "").split(",") if g.strip()),
            category_id=c.category_id,
            product_ids=c.product_ids,
            families=c.families,
            target_text=c.target_text,
            created_by=member.telegram_id,
        )
        promo.check_new(now)
        added = await uow.promotions.add_code(promo)
        await uow.commit()
        return added


async def promotion_board(
    uow: UnitOfWork, clock: Clock, *, staff_id: int
) -> tuple[list[Promotion], list[PromoCode], datetime]:
    """What runs now or is still to come, and the codes not yet over."""
    await require(uow, staff_id, Permission.MANAGE_PROMOTIONS)
    async with uow.read_only():
        now = clock.now()
        return await uow.promotions.promotions(now), await uow.promotions.codes(now), now


async def end_promotion(uow: UnitOfWork, clock: Clock, *, staff_id: int, promotion_id: int) -> Promotion:
    """From now on; orders already placed keep their discounts."""
    await require(uow, staff_id, Permission.MANAGE_PROMOTIONS)
    async with uow:
        ended = await uow.promotions.end_promotion(promotion_id, clock.now())
        if ended is None:
            raise NotFound()
        await uow.commit()
        return ended


async def end_code(uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str) -> PromoCode:
    await require(uow, staff_id, Permission.MANAGE_PROMOTIONS)
    async with uow:
        ended = await uow.promotions.end_code(valid_code(code), clock.now())
        if ended is None:
            raise NotFound()
        await uow.commit()
        return ended
