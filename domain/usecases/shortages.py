"""A short pick the customer decides: the missing part waits as a backorder while they choose to
have what is there sent now (the rest in a second parcel), to wait for it all, or to drop it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from domain.accounting import Account
from domain.backorders import Backorder, BackorderStatus
from domain.catalog import Product
from domain.credit_notes import OUT_OF_STOCK, credit_note_memo, issued, link
from domain.errors import NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.notifications import Notification, for_customer
from domain.orders import COUNT_HOLD, DeliveryMethod, Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.parcels import all_delivered, status_after_parcel
from domain.payments import Payment, PaymentKind, amount_paid, invoice_owed, settle_cancelled_part
from domain.picking import in_hand_at
from domain.ports import Clock, UnitOfWork
from domain.shortages import SHORT_FLAG, ChoiceGone, ShortChoice, choices, flags_after, ready_to_pack, still_to_pick
from domain.usecases.backorder_fill import dropped, fill_backorders
from domain.usecases.bookkeeping import book_dropped_discount, book_refund, tax_step
from domain.usecases.credit_notes import credit_invoice
from domain.usecases.hold_shelf import bring_to_packing
from domain.usecases.orders import apply_transition, cancel_before_picking
from domain.usecases.parcels import deliver_order
from domain.usecases.stock_books import Loss


async def hold_short(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    product: Product,
    places: Mapping[tuple[int, str | None], int],
    actor: str,
    *,
    packing: bool = False,
    write_off: bool = True,
    reason: str = "",
) -> tuple[int, list[Loss]]:
    """Inside the short pick's unit of work, the order just held: units of ``product`` are in
    no bin (``places``: warehouse id and the bin that was short → units missing there; lost at
    packing, they may have been picked in several warehouses). Each warehouse's allocation of
    them goes, each bin's count comes down by them (they are not there: left counted, the stock
    would be sold again), they wait as one backorder that no arrival fills before the customer
    answers, and the customer is asked (told, with ``packing``, that the units were picked and
    went missing on the way to packing, not that the shelf lacked them; with a bin count's hold
    ``reason``, that a count found the shelf short before anyone picked). Returns the units the
    bins could not give up and the losses, for the caller to book last (``write_off_short``)."""
    missing, now = sum(places.values()), clock.now()
    # The flags as they are now, under the order's lock: those read when the round (or the
    # packing) began were written back, undoing a /vip given or a waiting part filled meanwhile.
    await uow.parcels.lock_order(order.id or 0)
    if (fresh := await uow.orders.get_by_id(order.id or 0)) is not None:
        order.flags = fresh.flags
    kept, losses = 0, list[Loss]()
    for place, units in places.items():
        await release_part(uow, order.id or 0, product.id or 0, place[0], units)
        if write_off:  # a bin count (``write_off`` False) sets the bins' counts itself
            left, loss = await write_off_short(uow, clock, order, product, place, units, actor, packing=packing)
            kept, losses = kept + left, losses + ([loss] if loss is not None else [])
    await uow.backorders.add(
        Backorder(order.id or 0, product.id or 0, order.customer_id, missing, now, "VIP" in order.flags)
    )
    order.flags = order.flags | {SHORT_FLAG}
    await uow.orders.set_flags(order.id or 0, order.flags)
    expected = (await uow.purchasing.expected_dates([product.id or 0])).get(product.id or 0)
    pickup = order.delivery is not None and order.delivery.method is DeliveryMethod.PICKUP
    customer = await uow.customers.get(order.customer_id)
    line = next((x for x in order.lines if x.product_id == product.id), None)
    language = customer.notification_language if customer is not None else ""
    params = {
        "code": order.code,
        "name": line.named_in(language) if line is not None else product.display_name,
        "quantity": missing,
        "expected": expected.isoformat() if expected else "",
        "choices": [c.value for c in choices(pickup)],
        "settle": await _cancelled_part_settled(uow, order),
        "packing": "yes" if packing else "",
        "counted": "yes" if reason.startswith(COUNT_HOLD) else "",
    }
    if (told := for_customer(customer, "order_short", params)) is not None:
        await uow.outbox.add(told, now)
    return kept, losses


async def write_off_short(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    product: Product,
    place: tuple[int, str | None],
    missing: int,
    actor: str,
    *,
    packing: bool = False,
) -> tuple[int, Loss | None]:
    """``missing`` units of ``product`` gone from a bin (``place``: warehouse and bin; not found
    there by a picker, or, with ``packing``, picked from it and lost before the bench) come off
    its count: left counted, they were sold again and the next round sent to the empty bin. As
    many as the bin holds and never below what the warehouse has reserved (the counter refuses
    it): the one rule for every short. Returns how many could not be written off, for the caller
    to say (a recount settles them), and the loss, for the caller to book as its last rows
    (``stock_books.book_losses``: booked here, the rows written after it held a currency's rate
    out of the lock order, or read the rates before the currency was held)."""
    warehouse_id, bin_code = place
    bins = await uow.inventory.bins([product.id or 0])
    there = next((b for b in bins if b.warehouse_id == warehouse_id and b.bin_code == bin_code), None)
    level = next((lv for lv in await uow.stock.levels([product.id or 0]) if lv.warehouse_id == warehouse_id), None)
    room = level.on_hand - level.reserved if level is not None else 0
    lost = min(missing, there.quantity if there is not None else 0, max(room, 0))
    if there is None or lost <= 0:
        return missing, None
    reason, now = f"lost at packing {order.code}" if packing else f"short pick {order.code}", clock.now()
    await uow.stock.set_bin_quantity(
        product.id or 0, warehouse_id, there.bin_code, there.quantity - lost, reason, actor, now
    )
    memo = Memo.of(
        N_("{sku}: {units} lost at packing, order {code}")
        if packing
        else N_("{sku}: {units} not found, short pick {code}"),
        sku=product.sku,
        units=lost,
        code=order.code,
    )
    return missing - lost, Loss(now, f"order:{order.code}", memo, (product.id or 0, warehouse_id), lost)


async def _cancelled_part_settled(uow: UnitOfWork, order: Order) -> str:
    """How a cancelled part would be settled, for the question: taken off a business's invoice,
    refunded where something was paid, else simply not paid for (cash on delivery)."""
    if order.payment_method is PaymentMethod.INVOICE:
        return "invoice"
    paid = amount_paid(await uow.payments.for_order(order.id or 0), order.currency)
    return "refund" if paid.amount > 0 else "unpaid"


async def release_part(uow: UnitOfWork, order_id: int, product_id: int, warehouse_id: int, units: int) -> None:
    """``units`` of the order's allocation of a product in a warehouse go back (rows shrink or go)."""
    left = units
    for reservation in await uow.stock.order_reservations(order_id):
        if reservation.product_id != product_id or reservation.warehouse_id != warehouse_id or not left:
            continue
        take = min(reservation.quantity, left)
        await uow.stock.release(product_id, warehouse_id, take)
        if take == reservation.quantity:
            await uow.stock.delete_reservation(reservation)
        else:
            await uow.stock.change_reservation(reservation, by=-take)
        left -= take


async def choose_short(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    code: str,
    choice: ShortChoice,
    staff_chat_id: int | None,
) -> Order:
    """The customer's answer to a short pick. One answer counts: the order's row is taken
    first, and an order no longer held for it (answered already, cancelled, released by staff)
    is refused with nothing changed. Picking, packing and shipping then follow the flags."""
    async with uow:
        found = await uow.orders.get_by_code(normalize_order_code(code))
        if found is None or found.customer_id != customer_id:
            raise NotFound()
        await uow.backorders.lock_order(found.id or 0)  # against a second press, a fill or a cancel
        order = await uow.orders.get_by_id(found.id or 0)
        if order is None:
            raise NotFound()
        pickup = order.delivery is not None and order.delivery.method is DeliveryMethod.PICKUP
        if order.status is not OrderStatus.ON_HOLD or SHORT_FLAG not in order.flags or choice not in choices(pickup):
            raise ChoiceGone(code=order.code)
        now, actor = clock.now(), f"customer:{customer_id}"
        held_at = next((e.at for e in reversed(order.history) if e.to_status is OrderStatus.ON_HOLD), now)
        parts = [b for b in await uow.backorders.for_order(order.id or 0) if b.status is BackorderStatus.WAITING]
        short = [b for b in parts if b.created_at >= held_at]
        order.flags = flags_after(order.flags, choice, other_waiting=len(short) < len(parts))
        await uow.orders.set_flags(order.id or 0, order.flags)
        if choice is ShortChoice.CANCEL:
            for part in short:
                await uow.backorders.cancel(part.id or 0, part.quantity)
        whole = (
            choice is ShortChoice.CANCEL
            and len(short) == len(parts)
            and not await uow.stock.order_reservations(order.id or 0)
            and not await uow.parcels.for_order(order.id or 0)
        )
        if whole:  # nothing of it is left to send: cancelled whole, as a customer's cancel is
            await cancel_before_picking(uow, clock, order, actor=actor, staff_chat_id=None, held=True)
        else:
            not_yet: Counter[int] = Counter()
            for part in short if choice is ShortChoice.CANCEL else []:
                not_yet[part.product_id] += part.quantity
            for part in short if choice is ShortChoice.CANCEL else []:
                not_yet[part.product_id] -= part.quantity  # cancelled above, refunded from here on
                await refund_part(uow, order, part.product_id, part.quantity, now, not_yet)
            await apply_transition(uow, order, order.held_from or OrderStatus.PICKING, clock=clock, actor=actor)
            if choice is not ShortChoice.CANCEL:  # stock that came while they thought fills it now
                await fill_backorders(uow, now, {part.product_id: None for part in short})
                order = await uow.orders.get_by_id(order.id or 0) or order
            await advance_if_picked(uow, clock, order, actor)
        if staff_chat_id is not None:
            params = {"code": order.code, "choice": choice.value}
            await uow.outbox.add(Notification(staff_chat_id, "staff_short_choice", "", params), now)
        await uow.commit()
        return order


async def picked_and_shipped(uow: UnitOfWork, order: Order) -> tuple[Counter[int], Counter[int]]:
    """Product → units of the order picked so far, in every warehouse, and units that left in parcels: what the
    order as a whole has in hand (one warehouse's, ``in_hand_here``)."""
    picked: Counter[int] = Counter()
    for line in await uow.picking.lines_for_order(order.id or 0):
        picked[line.product_id] += line.picked
    return picked, await _shipped(uow, order.id or 0)


async def _shipped(uow: UnitOfWork, order_id: int) -> Counter[int]:
    shipped: Counter[int] = Counter()
    for parcel in await uow.parcels.for_order(order_id):
        for item in parcel.lines:
            shipped[item.product_id] += item.quantity
    return shipped


async def in_hand_here(uow: UnitOfWork, order_id: int, warehouse_id: int, *, planned: bool) -> Counter[int]:
    """Product → units of the order in hand at this warehouse (``domain.picking.in_hand_at``): the order-wide
    sums of ``picked_and_shipped`` set one warehouse's picks against another's part of the same item."""
    lines = await uow.picking.lines_for_order(order_id)
    return in_hand_at(lines, await _shipped(uow, order_id), warehouse_id, planned=planned)


async def advance_if_picked(uow: UnitOfWork, clock: Clock, order: Order, actor: str) -> None:
    """An order being picked whose every allocated unit is in hand (and that does not wait to
    leave whole) is ready to pack: after an answer, or a waiting part cancelled; a picked one
    that is not (a packer's short answered with a wait) goes back to picking. A partially
    shipped order whose only part left was cancelled (waiting, or short on its second round) has
    shipped (delivered, if its parcels are)."""
    if order.status not in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PARTIALLY_SHIPPED):
        return
    parcels = await uow.parcels.for_order(order.id or 0)
    if parcels and status_after_parcel(order, parcels, await dropped(uow, order)) is OrderStatus.SHIPPED:
        await apply_transition(uow, order, OrderStatus.SHIPPED, clock=clock, actor=actor)
        if all_delivered(parcels):
            await deliver_order(uow, clock, order, actor)
        return
    if order.status is OrderStatus.PARTIALLY_SHIPPED:
        return
    lines = await uow.picking.lines_for_order(order.id or 0)
    if not all(line.done for line in lines):
        return  # a picker is still at it: their last scan moves it on
    reserved: Counter[int] = Counter()
    for reservation in await uow.stock.order_reservations(order.id or 0):
        reserved[reservation.product_id] += reservation.quantity
    picked, shipped = await picked_and_shipped(uow, order)
    in_hand = sum(max(picked[p] - shipped[p], 0) for p in picked)
    ready = ready_to_pack(order.flags, still_to_pick(reserved, picked, shipped), in_hand)
    if ready and order.status is OrderStatus.PICKING:
        await apply_transition(uow, order, OrderStatus.PICKED, clock=clock, actor=actor)
        await bring_to_packing(uow, clock, order)
    elif not ready and order.status is OrderStatus.PICKED:  # short at packing: the rest is picked when it comes
        await apply_transition(uow, order, OrderStatus.PICKING, clock=clock, actor=actor)


async def refund_part(
    uow: UnitOfWork,
    order: Order,
    product_id: int,
    units: int,
    now: datetime,
    not_yet: Mapping[int, int] | None = None,
) -> None:
    """Units of one line that will not be sent (cancelled already): an unpaid business invoice
    is taken down by their value (a credit note against the receivable, as a cancellation books
    it), and what was paid for them is owed back (booked against the sale, the customer told);
    nothing when nothing was paid nor invoiced (cash on delivery books the delivery net of them).
    ``not_yet``: units cancelled with them whose refund comes after this one. A part is worth
    what the parts dropped so far are (``net_of``, ⌊P·k/n⌋ of a line) less what those before it
    were, and a refund of the whole part takes back their tax the same way, so parts of a
    discounted line dropped one at a time give back exactly what was paid and taxed on them."""
    line = next((x for x in order.lines if x.product_id == product_id), None)
    if line is None:
        return
    payments = await uow.payments.for_order(order.id or 0)
    invoice = order.payment_method is PaymentMethod.INVOICE
    gone = Counter(await dropped(uow, order))
    gone.subtract(not_yet or {})
    prior = gone.copy()
    prior[product_id] -= units
    value = order.net_of(gone) - order.net_of(prior)  # what all dropped so far are worth less those before
    credit, refund = settle_cancelled_part(invoice, value, order.total, payments)
    source = f"order:{order.code}"
    # The invoice falls by the part's credit and its refund: one credit note for both.
    credited = await credit_invoice(uow, order, refund, credit, OUT_OF_STOCK, now)
    notes = issued(order.code, credited)
    if credit.amount > 0:
        method = order.payment_method.value
        note = Payment(order.id or 0, PaymentKind.CREDIT_NOTE, method, credit, now, credit_note_id=link(credited))
        await uow.payments.add(note)
        memo = Memo.of(N_("invoice {code}: {units} × {sku} no longer sent"), code=order.code, units=units, sku=line.sku)
        memo = credit_note_memo(memo, notes)
        owed_before = invoice_owed(order.total, payments)
        await book_refund(
            uow,
            order,
            credit,
            now,
            source=source,
            memo=memo,
            credit=Account.RECEIVABLE,
            owed_before=owed_before,
            note=credited,
        )
        owed = invoice_owed(order.total, [*payments, note])
        customer = await uow.customers.get(order.customer_id)
        reduced = {"code": order.code, "credit_minor": credit.amount, "owed_minor": owed.amount}
        reduced["currency"] = order.currency
        if not refund.amount:  # no refund message to carry the note: this one does
            reduced["credit_notes"] = notes
        if (told := for_customer(customer, "invoice_reduced", reduced)) is not None:
            await uow.outbox.add(told, now)  # the next reminder names the new amount too
    if credit.amount > 0 or refund.amount > 0:  # the units go back at list price, as a return takes them
        memo = Memo.of(
            N_("{units} × {sku} of {code} not sent: their discount"), units=units, sku=line.sku, code=order.code
        )
        await book_dropped_discount(uow, order, gone, prior, now, memo)
    if refund.amount <= 0:
        return
    kind, method = PaymentKind.REFUND_OWED, order.payment_method.value
    await uow.payments.add(Payment(order.id or 0, kind, method, refund, now, credit_note_id=link(credited)))
    memo = Memo.of(N_("{units} × {sku} of {code} no longer awaited"), units=units, sku=line.sku, code=order.code)
    memo = memo.within(N_("refund owed, {rest}"))
    tax, tax_in_base = None, None
    if refund == value:
        after, earlier = order.included_tax(order.net_of(gone)), order.included_tax(order.net_of(prior))
        tax, tax_in_base = after - earlier, tax_step(after, earlier, order.fx_rate, uow.base_currency)
    await book_refund(
        uow, order, refund, now, source=source, memo=memo, goods_tax=tax, tax_in_base=tax_in_base, note=credited
    )
    params = {"code": order.code, "refund_minor": refund.amount, "currency": order.currency, "part": True}
    params["credit_notes"] = notes
    if (told := for_customer(await uow.customers.get(order.customer_id), "order_refund_owed", params)) is not None:
        await uow.outbox.add(told, now)
