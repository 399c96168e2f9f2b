"""Editing an order before picking, in one transaction: stock re-held all or nothing, routing
and shipping decided again (``reprice``), the difference charged or owed back and booked, a
history row with who did it, and both sides told what changed."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.accounting import Account, to_base
from domain.catalog import normalize_sku
from domain.credit_notes import ORDER_CHANGED, Issued, credit_note_memo, issued, link
from domain.debit_notes import debit_note_memo
from domain.editing import (
    EDITABLE,
    EditConflict,
    EditDiff,
    LineChange,
    NothingToChange,
    OrderChanges,
    Settlement,
    changed_lines,
    check_channel_paid,
    check_editable,
    check_terms,
    diff_orders,
    settle,
    stepped,
)
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import Delivery, DeliveryMethod, EmptyOrder, HistoryEntry, Order, OrderLine, normalize_order_code
from domain.payments import Payment, PaymentKind, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.pricing import RETAIL, OrderingTerms, PriceList
from domain.promotions import PromoMinimum
from domain.routing import RoutingDecision, RoutingImpossible, route
from domain.shipping import Zone, haversine_km, quotes, zone_for
from domain.staff import Permission
from domain.usecases.bookkeeping import book_difference, book_discount_change, book_refund, tax_held, tax_step
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.checkout import CheckoutPolicy, ShippingUnavailable, allocation_rows, pickup_ready_by
from domain.usecases.credit_notes import credit_invoice, debit_invoice
from domain.usecases.exchange_refunds import give_back_exchanged, lock_origin
from domain.usecases.fx import shop_rates
from domain.usecases.orders import release_allocations
from domain.usecases.price_lists import price_list_for
from domain.usecases.product_lookup import line_names_of
from domain.usecases.promotions import labels, order_discounts
from domain.usecases.staff import require
from domain.usecases.stock import release_expired_holds
from domain.warehouse import Warehouse


class NotEnoughForEdit(DomainError):
    key = N_("{name}: only {available} available. Nothing was changed.")


class NotForSaleNow(DomainError):
    key = N_("{name} cannot be added: it is not on sale now.")


class UnknownSku(DomainError):
    key = N_("No product with SKU {sku}.")


class NotAPickupPoint(DomainError):
    key = N_("{code} is not a pickup point.")


@dataclass(frozen=True, slots=True)
class EditPolicy:
    checkout: CheckoutPolicy
    window_minutes: int = 30  # ORDER_EDIT_WINDOW_MINUTES: how long a customer may change their order
    support: bool = True  # a support chat to point a refused customer to (💬 Contact us)


@dataclass(frozen=True, slots=True)
class EditOutcome:
    order: Order
    diff: EditDiff
    settlement: Settlement
    credit_notes: list[Issued] = field(default_factory=list)  # of what is owed back: its reply's buttons
    debit_notes: list[Issued] = field(default_factory=list)  # of what the issued invoice rose by


async def find_order(uow: UnitOfWork, code: str, customer_id: int | None) -> Order:
    """The order of this code (of this customer's, unless None)."""
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise NotFound()  # another customer's order is simply not found: codes reveal nothing
    return order


async def order_to_edit(
    uow: UnitOfWork,
    clock: Clock,
    policy: EditPolicy,
    *,
    code: str,
    customer_id: int | None = None,
    staff_id: int | None = None,
) -> Order:
    """The order as the edit screen shows it (its version goes into every button)."""
    if staff_id is not None:
        await require(uow, staff_id, Permission.EDIT_ORDERS)
    async with uow.read_only():
        order = await find_order(uow, code, customer_id)
    check_editable(order, now=clock.now(), by_customer=staff_id is None, window_minutes=policy.window_minutes)
    return order


async def edit_order(
    uow: UnitOfWork,
    clock: Clock,
    policy: EditPolicy,
    *,
    code: str,
    version: int,
    changes: OrderChanges,
    customer_id: int | None = None,
    staff_id: int | None = None,
    language: str = "",
) -> EditOutcome:
    """Apply ``changes`` to the order as it was at ``version`` (what the editor saw). Refused
    with nothing changed when someone else edited it since, when picking has started, or
    when stock does not cover the new lines; a refusal names products in ``language`` (the
    editor's) where translated."""
    if staff_id is not None:
        await require(uow, staff_id, Permission.EDIT_ORDERS)
    actor = f"staff:{staff_id}" if staff_id is not None else f"customer:{customer_id}"
    now = clock.now()
    async with uow:
        order = await find_order(uow, code, customer_id if staff_id is None else None)
        by_customer = staff_id is None
        check_editable(order, now=now, by_customer=by_customer, window_minutes=policy.window_minutes)
        if order.version != version:
            raise EditConflict(code=order.code)
        assert order.id is not None
        changes = await _resolved(uow, changes)
        before = copy.deepcopy(order)
        prices = await _price_list(uow, order)
        terms = await _terms(uow, order, changes, prices, language)
        changes = replace(changes, lines=stepped(order.lines, changes.lines, terms))
        added = await _priced(uow, order, changes, prices, language)
        lines = changed_lines(order.lines, changes.lines, added, language)
        exchanged = list(order.lines)  # what a line sent in exchange was before (``give_back_exchanged``)
        check_terms(order.lines, changes.lines, terms)
        if not lines:
            raise EmptyOrder()
        delivery = changes.delivery or order.delivery
        if _same(order.lines, lines) and delivery == order.delivery:
            raise NothingToChange(code=order.code)
        await _lock(uow, order, version, now=now, by_customer=by_customer, window=policy.window_minutes)
        await lock_origin(uow, order)  # a replacement: the order it replaces, before the counters and numbers
        order.lines, order.delivery = lines, delivery
        warehouses = await uow.warehouses.all()
        decision, point = await _rehold(uow, order, warehouses, now, language)
        await reprice(uow, clock, policy.checkout, order, decision=decision, warehouses=warehouses, point=point)
        dropped, minimum = await _rediscount(uow, order, now)
        names = {w.id or 0: w.name for w in warehouses}
        diff = replace(diff_orders(before, order, names), promo_dropped=dropped, promo_minimum=minimum)
        payments = await uow.payments.for_order(order.id)
        settlement = settle(order, before.total, payments)
        paid_at = await paid_at_channel(uow, order)
        # Its raise rolls back the holds taken.
        check_channel_paid(order.code, paid_at, settlement.charge, by_customer=by_customer, support=policy.support)
        entry = HistoryEntry(now, actor, order.status, order.status, diff.summary())
        order.history.append(entry)
        order.version = version + 1
        await uow.orders.save_edit(order, entry)
        notes, debits = await _settle(uow, order, settlement, now, invoice_owed(before.total, payments), before)
        if "REPLACEMENT" in order.flags:
            given_back, exchange = await give_back_exchanged(uow, order, exchanged, lines, now, cancelled=False)
            settlement = replace(settlement, refund=settlement.refund + given_back)
            notes += exchange
        await _tell(uow, policy, order, diff, settlement, actor, now, by_customer, notes, debits)
        await uow.commit()
        return EditOutcome(order, diff, settlement, notes, debits)


async def _resolved(uow: UnitOfWork, changes: OrderChanges) -> OrderChanges:
    """SKUs and a pickup point's code, as staff type them, made ids."""
    lines = list(changes.lines)
    for sku, quantity in changes.by_sku:
        product = await uow.products.get_by_sku(normalize_sku(sku))
        if product is None or product.id is None:
            raise UnknownSku(sku=sku)
        lines.append(LineChange(product.id, quantity))
    delivery = changes.delivery
    if changes.pickup_code:
        pickup = await uow.warehouses.get_by_code(changes.pickup_code.strip().upper())
        if pickup is None or not pickup.is_pickup_point:
            raise NotAPickupPoint(code=changes.pickup_code)
        delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=pickup.id)
    return OrderChanges(tuple(lines), delivery)


def _same(old: list[OrderLine], new: list[OrderLine]) -> bool:
    return {line.product_id: line.quantity for line in old} == {line.product_id: line.quantity for line in new}


async def _price_list(uow: UnitOfWork, order: Order) -> PriceList:
    """The order's customer's price list (their group's), read in the edit's transaction."""
    customer = await uow.customers.get(order.customer_id)
    return await price_list_for(uow, customer.price_group if customer is not None else RETAIL)


async def _terms(
    uow: UnitOfWork, order: Order, changes: OrderChanges, prices: PriceList, language: str
) -> dict[int, tuple[str, OrderingTerms]]:
    """The ordering terms (minimum, pack) of each product whose quantity the edit sets."""
    have = {line.product_id: line.quantity for line in order.lines}
    touched = sorted({c.product_id for c in changes.lines if c.quantity and c.quantity != have.get(c.product_id, 0)})
    if prices.empty or not touched:
        return {}
    return {
        p.id: (p.in_language(language).display_name, prices.terms(prices.item(p.sku, p.parent_code, p.category_id)))
        for p in await uow.products.get_many(touched)
        if p.id is not None
    }


async def _priced(
    uow: UnitOfWork, order: Order, changes: OrderChanges, prices: PriceList, language: str
) -> dict[int, OrderLine]:
    """Products the edit adds, at today's price in the order's currency, by the customer's
    price list (their group's price for that quantity) as a cart would price them."""
    on_order = {line.product_id for line in order.lines}
    wanted = {c.product_id: c.quantity for c in changes.lines if c.product_id not in on_order and c.quantity}
    if not wanted:
        return {}
    products = {p.id: p for p in await uow.products.get_many(sorted(wanted))}
    rates = await shop_rates(uow)
    priced = {}
    for product_id, quantity in sorted(wanted.items()):
        product = products.get(product_id)
        base = rates.price(product.prices, order.currency) if product is not None and product.orderable else None
        if product is None or base is None:
            raise NotForSaleNow(name=product.in_language(language).display_name if product else str(product_id))
        item = prices.item(product.sku, product.parent_code, product.category_id)
        unit = prices.price(item, base, quantity).unit
        names = await line_names_of(uow, product)
        priced[product_id] = OrderLine(product_id, product.sku, product.display_name, 1, unit, names=names)
    return priced


async def _lock(uow: UnitOfWork, order: Order, version: int, *, now: datetime, by_customer: bool, window: int) -> None:
    """Locks in one order everywhere, so two of these never deadlock on PostgreSQL: the
    order's warehouses (where pickers plan rounds, ``lock_planning``) by id, then the order
    row (version bumped), then stock rows. A picker who planned first has moved the order
    to picking by the time the order row is ours: the compare-and-set fails, and why is said."""
    reservations = await uow.stock.order_reservations(order.id or 0)
    for warehouse_id in sorted({r.warehouse_id for r in reservations}):
        await uow.picking.lock_planning(warehouse_id)
    if await uow.orders.claim_edit(order.id or 0, version, sorted(EDITABLE)):
        return
    current = await uow.orders.get_by_id(order.id or 0)
    if current is None:
        raise NotFound()
    check_editable(current, now=now, by_customer=by_customer, window_minutes=window)
    raise EditConflict(code=order.code)


async def _destination(
    order: Order, warehouses: list[Warehouse]
) -> tuple[tuple[float, float] | None, Warehouse | None]:
    delivery = order.delivery
    if delivery is None or delivery.method is DeliveryMethod.COURIER:
        return (delivery.point if delivery else None), None
    pickup = next((w for w in warehouses if w.id == delivery.pickup_warehouse_id), None)
    if pickup is None or not pickup.is_pickup_point:
        raise NotFound()
    point = None if pickup.latitude is None or pickup.longitude is None else (pickup.latitude, pickup.longitude)
    return point, pickup


async def _rehold(
    uow: UnitOfWork, order: Order, warehouses: list[Warehouse], now: datetime, language: str = ""
) -> tuple[RoutingDecision, tuple[float, float] | None]:
    """The order's stock goes back and the new lines are routed and reserved again: if any
    reservation fails, the transaction rolls back and the old allocation stands."""
    wanted: dict[int, int] = {}
    for line in order.lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    # Released, then reserved where routed: every counter of old and new lines in the lock order first.
    held = [r.product_id for r in await uow.stock.order_reservations(order.id or 0)]
    await uow.stock.lock_products([*wanted, *held])
    await release_allocations(uow, order)
    for product_id in sorted(wanted):
        await release_expired_holds(uow, product_id, now)
    point, pickup = await _destination(order, warehouses)
    available = {
        (lv.product_id, lv.warehouse_id): max(lv.available, 0) for lv in await uow.stock.levels(sorted(wanted))
    }
    try:
        decision = route(wanted, available, warehouses, point, pickup=pickup is not None)
    except RoutingImpossible as impossible:
        name = next(line.named_in(language) for line in order.lines if line.product_id == impossible.product_id)
        raise NotEnoughForEdit(name=name, available=impossible.params["available"]) from None
    for allocation in sorted(decision.allocations, key=lambda a: (a.product_id, a.warehouse_id)):
        if not await uow.stock.try_reserve(allocation.product_id, allocation.warehouse_id, allocation.quantity):
            name = next(line.named_in(language) for line in order.lines if line.product_id == allocation.product_id)
            raise NotEnoughForEdit(name=name, available=0)
    await allocation_rows(uow, order, decision, now)
    order.routing = [*decision.warehouse_codes, *decision.reasons]
    return decision, point


async def reprice(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    order: Order,
    *,
    decision: RoutingDecision,
    warehouses: list[Warehouse],
    point: tuple[float, float] | None,
) -> None:
    """The one place an edited order's price is decided again: shipping for the new weight,
    zone and method (the same carrier service when it still serves them, else the cheapest).
    Promotions, when the shop has them, are re-evaluated here too."""
    delivery = order.delivery
    if delivery is None:
        return
    free = "REPLACEMENT" in order.flags  # an exchange's replacement is sent at the shop's cost, edited or not
    if delivery.method is DeliveryMethod.PICKUP:
        pickup = next((w for w in warehouses if w.id == delivery.pickup_warehouse_id), None)
        transfer = any(code != (pickup.code if pickup else None) for code in decision.warehouse_codes)
        order.delivery = replace(delivery, carrier="", service="", eta=None)
        order.delivery = replace(order.delivery, ready_by=pickup_ready_by(clock.now(), policy, transfer))
        order.shipping = Money.zero(order.currency)
        return
    products = {p.id: p for p in await uow.products.get_many(sorted({line.product_id for line in order.lines}))}
    weight = sum(
        (products[line.product_id].weight_g if line.product_id in products else 0) * line.quantity
        for line in order.lines
    )
    found = quotes(
        await uow.carriers.all(),
        zone=_zone(decision, warehouses, point),
        weight_g=weight,
        currency=order.currency,
        local_now=clock.now().astimezone(ZoneInfo(policy.timezone)),
        processing_days=policy.processing_days,
        fx=await shop_rates(uow),
    )
    same = [q for q in found if (q.rate.carrier, q.rate.service) == (delivery.carrier, delivery.service)]
    if not found:
        raise ShippingUnavailable()
    chosen = (same or found)[0]
    order.delivery = replace(
        delivery, carrier=chosen.rate.carrier, service=chosen.rate.service, eta=chosen.eta, ready_by=None
    )
    order.shipping = chosen.price * 0 if free else chosen.price


async def _rediscount(uow: UnitOfWork, order: Order, now: datetime) -> tuple[str, Money | None]:
    """Promotions and the order's promo code applied to the edited lines as at checkout; a
    code no longer met is dropped (its use given back) and the reason goes into the diff. Not
    on an exchange's replacement: its lines are priced by the exchange (a swap's difference of
    list prices, what was paid kept with them), and a promotion taken off them would make a
    later refund give back more than was paid."""
    if "REPLACEMENT" in order.flags:
        return "", None
    code = await uow.promotions.code(order.promo_code) if order.promo_code else None
    order.lines, discounts, refused = await order_discounts(uow, order, order.lines, now)
    order.discounts = labels(discounts)
    if code is None or code.id is None:
        return "", None
    if refused is None:
        await uow.promotions.change_code_use(code.id, order.id or 0, discounts.code_amount)
        return "", None
    await uow.promotions.change_code_use(code.id, order.id or 0, None)
    order.promo_code = ""
    return code.code, code.minimum if isinstance(refused, PromoMinimum) else None


def _zone(decision: RoutingDecision, warehouses: list[Warehouse], point: tuple[float, float] | None) -> Zone:
    first = next(w for w in warehouses if w.code == decision.warehouse_codes[0])
    if point is None or first.latitude is None or first.longitude is None:
        return zone_for(None)
    return zone_for(haversine_km(first.latitude, first.longitude, point[0], point[1]))


async def _settle(
    uow: UnitOfWork, order: Order, settlement: Settlement, now: datetime, owed: Money, before: Order
) -> tuple[list[Issued], list[Issued]]:
    """A charge is booked when it is paid (``record_difference_payment``); the rest now. ``owed``:
    what an invoice asked before the edit. The tax taken back is what the order held before
    (``before``) less what it holds now, so edits one unit at a time take back exactly the tax
    the sale booked on what they took off (each refund's tax rounded apart drifted a penny).
    The credit note of what is owed back and taken off the invoice (``invoice_reduction``), or the debit note of
    what a numbered invoice rose by (``invoice_rise``), if any."""
    source = f"order:{order.code}"
    refund, note = settlement.refund, settlement.credit_note
    (refund_shipping, refund_shipping_tax, refund_tax), (note_shipping, note_shipping_tax, note_tax) = _fall_parts(
        before, order, refund, note
    )
    refund_tax_base, note_tax_base = _fall_tax_in_base(
        uow.base_currency, before, order, refund, (note_shipping, note_shipping_tax, note_tax)
    )
    if settlement.emptied and not note.amount:  # all that was paid goes back: the tax the books still hold
        held, refund_tax_base = await tax_held(uow, order)
        refund_shipping, refund_shipping_tax, refund_tax = None, None, held
    # What is owed back and what the invoice no longer asks: one credit note of all it fell by, issued before either
    # part is booked so that it keeps the tax each takes back (``credited_tax``), its rows linked to it.
    credited = await credit_invoice(uow, order, refund, note, ORDER_CHANGED, now)
    notes = issued(order.code, credited)
    if refund.amount:
        memo = Memo.of(N_("{code} edited"), code=order.code).within(N_("refund owed, {rest}"))
        await book_refund(
            uow,
            order,
            refund,
            now,
            source=source,
            memo=memo,
            shipping=refund_shipping,
            goods_tax=refund_tax,
            shipping_tax=refund_shipping_tax,
            tax_in_base=refund_tax_base if refund_tax is not None else None,
            note=credited,
        )
        kind, method = PaymentKind.REFUND_OWED, order.payment_method.value
        await uow.payments.add(Payment(order.id or 0, kind, method, refund, now, credit_note_id=link(credited)))
    if note.amount:
        memo = credit_note_memo(Memo.of(N_("invoice {code} edited"), code=order.code), notes)
        await book_refund(
            uow,
            order,
            note,
            now,
            source=source,
            memo=memo,
            credit=Account.RECEIVABLE,
            owed_before=owed,
            shipping=note_shipping,
            goods_tax=note_tax,
            shipping_tax=note_shipping_tax,
            tax_in_base=note_tax_base if note_tax is not None else None,
            note=credited,
        )
    if refund.amount or note.amount or settlement.emptied:  # units back at list price, even with no money
        await book_discount_change(uow, order, now, Memo.of(N_("discount of {code} edited"), code=order.code))
    debits: list[Issued] = []
    if settlement.receivable.amount:
        more = settlement.receivable
        # Its document first, as a credit note's is taken before the fall is booked, so the entry names it.
        debited = await debit_invoice(uow, order, more, now, free_before=before.no_charge_replacement)
        debits = [] if debited is None else [(order.code, debited.number)]
        memo = debit_note_memo(Memo.of(N_("invoice {code} edited: more sold"), code=order.code), debits)
        taxed = before.tax if more == order.total - before.total else None  # the whole rise on account: its tax before
        await book_difference(
            uow, order, more, now, debit=Account.RECEIVABLE, memo=memo, owed_before=owed, tax_before=taxed, note=debited
        )
    return notes, debits


Part = tuple[Money | None, Money | None, Money | None]  # of a fall given back: shipping, its tax, the goods' tax


def _fall_parts(before: Order, order: Order, refund: Money, note: Money) -> tuple[Part, Part]:
    """How an edit's fall, given back as a refund owed and/or a credit note, is booked: the
    shipping it no longer charges (a lighter parcel, a pickup instead) takes back shipping
    income, the refund's first, not sales (it went to sales returns); and the tax given back
    is what the order held before less what it holds now, on the shipping as on the goods, so
    edits one unit at a time take back exactly the tax the sale booked on what they took off.
    Not the whole fall: as before."""
    if refund + note != before.total - order.total:
        return (None, None, None), (None, None, None)
    zero = Money.zero(order.currency)
    shipped_before, shipped = before.shipping or zero, order.shipping or zero
    fallen = shipped_before - shipped if shipped < shipped_before else zero
    refund_shipping = fallen if fallen < refund else refund
    note_shipping = fallen - refund_shipping if fallen - refund_shipping < note else note
    shipping_tax = before.included_tax(shipped_before) - order.included_tax(shipped)
    note_shipping_tax = shipping_tax if not refund_shipping.amount else order.included_tax(note_shipping)
    refund_shipping_tax = shipping_tax - note_shipping_tax
    tax = before.tax - order.tax
    note_tax = tax if not refund.amount else order.included_tax(note)
    refund_tax = tax - note_tax
    return (
        (refund_shipping, refund_shipping_tax, refund_tax - refund_shipping_tax),
        (note_shipping, note_shipping_tax, note_tax - note_shipping_tax),
    )


def _fall_tax_in_base(base: str, before: Order, order: Order, refund: Money, note: Part) -> tuple[int, int]:
    """The tax a fall takes back in the base currency, the refund's and the credit note's: what
    the order held before converted less what it holds now converted, as its books hold them (the
    difference converted on its own could leave a unit in 2200 on an order in another currency).
    The credit note's share is its own tax converted when a refund takes the rest."""
    whole = tax_step(before.tax, order.tax, order.fx_rate, base)
    if not refund.amount:
        return 0, whole
    _, note_shipping_tax, note_tax = note
    note_base = (
        to_base(note_tax + note_shipping_tax, order.fx_rate, base)
        if note_tax is not None and note_shipping_tax is not None
        else 0
    )
    return whole - note_base, note_base


async def _editor(uow: UnitOfWork, order: Order, actor: str) -> str:
    """Who edited, as staff know them: the person's name in Telegram (the history keeps ``actor``)."""
    kind, _, number = actor.partition(":")
    if kind == "customer":
        person = await uow.customers.get(order.customer_id)
    else:
        person = await uow.customers.get_by_telegram_id(int(number))
    return person.display_name if person is not None and person.display_name else actor


async def _tell(
    uow: UnitOfWork,
    policy: EditPolicy,
    order: Order,
    diff: EditDiff,
    settlement: Settlement,
    actor: str,
    now: datetime,
    by_customer: bool,
    notes: list[Issued],
    debits: list[Issued],
) -> None:
    """The customer hears of staff's edits (they see their own as the reply); staff hear of all."""
    params = {**diff.params(), "charge_minor": settlement.charge.amount, "refund_minor": settlement.refund.amount}
    if not by_customer:
        customer = await uow.customers.get(order.customer_id)
        language = customer.notification_language if customer is not None else ""
        named = {**params, **diff.in_language(language).params(), "credit_notes": notes, "debit_notes": debits}
        told = for_customer(customer, "order_edited", named)
        if told is not None:
            await uow.outbox.add(told, now)
    if policy.checkout.staff_chat_id is not None:
        staff_params = {
            **params,
            "actor": actor,
            "by_customer": by_customer,
            "editor": await _editor(uow, order, actor),
        }
        await uow.outbox.add(Notification(policy.checkout.staff_chat_id, "staff_order_edited", "", staff_params), now)
