"""An exchange's replacement order: what is in stock to swap to, what each line was paid, the order placed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.accounting import Account
from domain.catalog import Product
from domain.credit_notes import EXCHANGE_DIFFERENCE, Issued
from domain.editing import check_channel_paid
from domain.errors import NotFound
from domain.fx import Rates
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Channel, Order, OrderLine, OrderStatus, PaymentMethod, ReturnStatus, new_order_code
from domain.ports import Clock, UnitOfWork
from domain.returns import NotASwap, NotOnSale, ReplacementShort, ReturnRequest, share
from domain.shop_days import shop_day
from domain.stock import Reservation, ReservationKind
from domain.usecases.bookkeeping import book_sale
from domain.usecases.callbacks import replacement_placed
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.fx import shop_rates
from domain.usecases.invoice_terms import invoice_due_date, number_invoice
from domain.usecases.orders import apply_transition
from domain.usecases.price_lists import customer_price_list
from domain.usecases.product_lookup import line_names_of
from domain.usecases.return_money import give_back

MAX_REPLACEMENTS = 20  # replacements of replacements followed back, at most


async def home_warehouse(uow: UnitOfWork, order: Order) -> int:
    """Returned goods go back to the warehouse the order was shipped from."""
    warehouses = await uow.warehouses.all()
    for code in order.routing:
        found = next((w for w in warehouses if w.code == code), None)
        if found is not None and found.id is not None:
            return found.id
    if not warehouses or warehouses[0].id is None:
        raise NotFound()
    return warehouses[0].id


async def reservable(uow: UnitOfWork, warehouse: int, product_ids: list[int]) -> dict[int, int]:
    """Per product, what a replacement reserved from ``warehouse`` could take: the one rule for
    what an exchange offers, what it accepts and what is sent (stock elsewhere is not routed to)."""
    left = dict.fromkeys(product_ids, 0)
    for level in await uow.stock.levels(product_ids):
        if level.warehouse_id == warehouse and level.product_id in left:
            left[level.product_id] += level.available
    return left


async def require_in_stock(uow: UnitOfWork, warehouse: int, product_id: int, name: str, quantity: int) -> None:
    left = (await reservable(uow, warehouse, [product_id]))[product_id]
    if left < quantity:
        raise ReplacementShort(name=name, available=max(left, 0))


def require_on_sale(wanted: Product) -> None:
    """A variant that stopped being sold since it was offered is refused for what it is, not
    as if the customer had asked for another product."""
    wanted.check_orderable()
    if not wanted.orderable:
        raise NotOnSale(name=wanted.display_name)


async def taken_back(uow: UnitOfWork, order_id: int, request: ReturnRequest) -> dict[int, int]:
    """Per line of the order, the units resolved returns other than ``request`` took back, refunded
    or exchanged: what the cumulative rule (``domain.returns.share``) counts as gone before."""
    taken: dict[int, int] = defaultdict(int)
    for other in await uow.returns.for_order(order_id):
        if other.id != request.id and other.status in (ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED):
            for line in other.lines:
                taken[line.order_line_id] += line.quantity
    return taken


@dataclass(frozen=True, slots=True)
class Paid:
    """What a line's units cost the customer: one unit at list prices (a swap charges or owes the
    difference from it), and all of them in all, after discounts (refunds give it back)."""

    price: Money
    total: Money


async def paid_for(uow: UnitOfWork, order: Order, line: OrderLine, depth: int = 0) -> Paid:
    """On a first order, the line's price, and what the line cost after discounts. On a
    replacement, the figures its line keeps (``list_price_minor``, ``paid_minor``); a line made
    before those were kept is priced by the rule it was priced by then, per unit: what the unit
    it replaced was paid (found through the returned line asking for its product), plus what
    it charged, less, on a swap down, its share of what its return owed back."""
    if "REPLACEMENT" not in order.flags or depth > MAX_REPLACEMENTS:
        return Paid(line.unit_price, line.net)
    currency = line.unit_price.currency
    if line.paid_minor is not None and line.list_price_minor is not None:
        return Paid(Money(line.list_price_minor, currency), Money(line.paid_minor, currency))
    made = [r for r in await uow.returns.for_customer(order.customer_id) if r.replacement_order_id == order.id]
    if line.replaces_line_id is not None:
        found = [(r, x) for r in made for x in r.lines if x.order_line_id == line.replaces_line_id]
    else:
        found = [(r, x) for r in made for x in r.lines if (x.swap_product_id or x.product_id) == line.product_id]
    origin = await uow.orders.get_by_id(found[0][0].order_id) if found else None
    replaced = next((x for x in origin.lines if x.id == found[0][1].order_line_id), None) if origin else None
    if origin is None or replaced is None or replaced.quantity <= 0:
        return Paid(line.unit_price, line.net)
    before = await paid_for(uow, origin, replaced, depth + 1)
    request, returned = found[0]
    owed = line.unit_price * 0
    if returned.swap_product_id is not None and not line.unit_price.amount and request.refund is not None:
        down = [
            x
            for x, made_line in zip(request.lines, order.lines, strict=False)
            if x.swap_product_id and not made_line.unit_price.amount
        ]
        owed = Money(request.refund.amount // (sum(x.quantity for x in down) or returned.quantity), currency)
    unit = Money(before.total.amount // replaced.quantity, currency)
    return Paid(before.price + line.unit_price - owed, (unit + line.unit_price - owed) * line.quantity)


async def _bought(uow: UnitOfWork, order: Order, line: OrderLine) -> int:
    """How many units the line a replacement's ``line`` was sent for was bought as, on the first
    order of the chain: the quantity break its price was reached at (a replacement's line may be
    fewer units than were bought)."""
    quantity = line.quantity
    for _ in range(MAX_REPLACEMENTS):
        if "REPLACEMENT" not in order.flags or line.replaces_line_id is None:
            break
        made = [r for r in await uow.returns.for_customer(order.customer_id) if r.replacement_order_id == order.id]
        origin = await uow.orders.get_by_id(made[0].order_id) if made else None
        replaced = next((x for x in origin.lines if x.id == line.replaces_line_id), None) if origin else None
        if origin is None or replaced is None:
            break
        order, line, quantity = origin, replaced, replaced.quantity
    return quantity


async def _replacement_lines(uow: UnitOfWork, order: Order, request: ReturnRequest) -> tuple[list[OrderLine], Money]:
    """The replacement's lines: the same goods at no charge, or for a size swap the other
    variant charged at what its price on the customer's price list is above the returned one's;
    and what is owed back where the other variant costs less. Each line keeps the line it replaces, what all its units
    were paid in all (their share of that line by the cumulative rule, counting the units taken
    back from it before, plus what the swap charged, less what it owed back) and the list price
    a unit stands at, so a later swap or refund is priced against that line alone, exactly."""
    latest = await shop_rates(uow)
    # At the order's own rate: a swap charges the price difference, not the currency's move since.
    fixed = {order.currency: Decimal(order.fx_rate)} if order.currency != latest.base else {}
    rates = Rates(latest.base, {**latest.by_quote, **fixed})
    # The other variant at the customer's own price list, as the one returned was sold to them:
    # a wholesale customer swapping between sizes their list prices alike owes nothing.
    prices = await customer_price_list(uow, order.customer_id)
    lines: list[OrderLine] = []
    owed = Money(0, order.currency)
    ordered = {x.id: x for x in order.lines}
    before = await taken_back(uow, order.id or 0, request)
    for line in request.lines:
        replaced = ordered.get(line.order_line_id)
        if replaced is None:
            raise NotFound()
        paid = await paid_for(uow, order, replaced)
        taken = share(paid.total, replaced.quantity, before[line.order_line_id], line.quantity)
        before[line.order_line_id] += line.quantity
        if line.swap_product_id is None:
            free, named = line.unit_price * 0, replaced.names
            lines.append(
                OrderLine(
                    line.product_id,
                    line.sku,
                    line.name,
                    line.quantity,
                    free,
                    names=named,
                    replaces_line_id=replaced.id,
                    paid_minor=taken.amount,
                    list_price_minor=paid.price.amount,
                )
            )
            continue
        wanted = await uow.products.get(line.swap_product_id)
        if wanted is not None:
            require_on_sale(wanted)
        base = rates.price(wanted.prices, order.currency) if wanted is not None else None
        if wanted is None or wanted.id is None or base is None:
            raise NotASwap(sku=line.sku)
        # At the quantity break the replaced line was bought at, as its own price was.
        item = prices.item(wanted.sku, wanted.parent_code, wanted.category_id)
        price = prices.price(item, base, await _bought(uow, order, replaced)).unit
        difference = price - paid.price  # per unit, at list prices
        charged = difference if difference.amount > 0 else difference * 0
        # Owed back at most what the units were paid: on a deep discount the list prices' gap
        # would have given back more than the customer ever paid.
        moved = max(difference * line.quantity, -taken, key=lambda m: m.amount)
        # A swap owed back less than the list prices' gap stands that much less below them (per
        # unit, as it was paid): a swap back up charges only what it owed back.
        unit = Money(taken.amount // line.quantity, taken.currency)
        owed = owed + charged * line.quantity - moved
        lines.append(
            OrderLine(
                wanted.id,
                wanted.sku,
                wanted.display_name,
                line.quantity,
                charged,
                names=await line_names_of(uow, wanted),
                replaces_line_id=replaced.id,
                paid_minor=(taken + moved).amount,  # what was paid, plus charged, less owed back
                list_price_minor=(paid.price + max(difference, -unit, key=lambda m: m.amount)).amount,
            )
        )
    return lines, owed


async def check_swap_charge(
    uow: UnitOfWork, order: Order, request: ReturnRequest, *, by_customer: bool, support: bool = True
) -> None:
    """An exchange for dearer of an order another channel took payment for is refused as an edit making it dearer
    is (``check_channel_paid``): its replacement's difference is not asked in Telegram. A cheaper swap is owed back
    on the order, at the channel where it was paid (``/refunds`` says so), as the edit's is."""
    paid_at = await paid_at_channel(uow, order)
    if paid_at is None:
        return
    lines, _ = await _replacement_lines(uow, order, request)
    charge = sum((line.unit_price * line.quantity for line in lines), Money(0, order.currency))
    check_channel_paid(order.code, paid_at, charge, by_customer=by_customer, support=support)


async def _due(uow: UnitOfWork, order: Order, policy: CheckoutPolicy, now: datetime) -> date | None:
    """When a replacement on account is due: as checkout dates an invoice (without a date, a
    dearer size's difference was never reminded, nor listed by /ar)."""
    if order.payment_method is not PaymentMethod.INVOICE:
        return None
    customer = await uow.customers.get(order.customer_id)
    return invoice_due_date(now, policy, customer) if customer is not None else shop_day(now, uow.timezone)


async def place_replacement(
    uow: UnitOfWork, clock: Clock, order: Order, request: ReturnRequest, staff_id: int, policy: CheckoutPolicy
) -> tuple[Order, list[Issued]]:
    """The same goods again at no charge — or another variant, the price difference charged on
    the replacement or owed back on the order — from the warehouse the order left. On account,
    the replacement is an invoice due on the business's terms (``policy``) from now. With it, the
    credit note of what the difference owed back or took off the order's unpaid invoice (none: nothing)."""
    await check_swap_charge(uow, order, request, by_customer=False)  # a price risen since it was asked
    warehouse = await home_warehouse(uow, order)
    now = clock.now()
    code = new_order_code()
    while await uow.orders.get_by_code(code) is not None:
        code = new_order_code()
    lines, owed = await _replacement_lines(uow, order, request)
    replacement = Order.place(
        code=code,
        customer_id=order.customer_id,
        currency=order.currency,
        fx_rate=order.fx_rate,
        tax_rate=order.tax_rate,  # what it charges or refunds carries the first order's tax
        lines=lines,
        now=now,
        actor=f"staff:{staff_id}",
        shipping=order.shipping * 0 if order.shipping else None,
        channel=Channel.SUPPORT,
        payment_method=order.payment_method,
        delivery=order.delivery,
        contact_phone=order.contact_phone,
        routing=[*order.routing[:1], f"replacement for {order.code} (return {request.rma_code})"],
        flags=frozenset({"REPLACEMENT"}),
        invoice_due=await _due(uow, order, policy, now),
        # The goods of the first sale, to the same buyer: its invoice names the numbers the first one did.
        buyer_tax_number=order.buyer_tax_number,
        seller_tax_number=order.seller_tax_number,
    )
    await uow.orders.add(replacement)
    if replacement.payment_method is PaymentMethod.INVOICE and replacement.total.amount > 0:
        # A dearer size on account is sold on account, as checkout books an invoice order.
        await book_sale(
            uow,
            replacement,
            now,
            debit=Account.RECEIVABLE,
            memo=Memo.of(N_("sale {code} (invoice)"), code=replacement.code),
        )
    # Its lines come in the first order's order, not the lock order: every counter it reserves is
    # locked in the lock order first (ARCHITECTURE.md, "Lock order"), as a checkout of the same
    # items takes them, or each held one the other waited for.
    await uow.stock.lock_positions([(line.product_id, warehouse) for line in lines])
    for line in lines:
        if not await uow.stock.try_reserve(line.product_id, warehouse, line.quantity):
            await require_in_stock(uow, warehouse, line.product_id, line.name, line.quantity)
            raise ReplacementShort(name=line.name, available=0)  # taken between the two reads
        await uow.stock.add_reservation(
            Reservation(
                line.product_id,
                warehouse,
                line.quantity,
                ReservationKind.ALLOCATION,
                None,
                replacement.id,
                None,
                now,
            )
        )
    await apply_transition(
        uow,
        replacement,
        OrderStatus.ALLOCATED,
        clock=clock,
        actor=f"staff:{staff_id}",
        reason="replacement",
        notify=False,
    )
    await replacement_placed(uow, order, replacement, now)  # a channel's order's replacement is the channel's
    if replacement.payment_method is PaymentMethod.INVOICE and replacement.total.amount > 0:
        await number_invoice(uow, replacement, now)  # booked on account above: an invoice; last, after the counters
    notes: list[Issued] = []
    if owed.amount > 0:
        source = f"return:{request.rma_code}"
        memo = Memo.of(N_("price difference, exchange {rma}"), rma=request.rma_code)
        # What is owed back and taken off the invoice: one credit note, named by the entry taking the invoice down.
        # Its number is taken last, after the replacement's counters and invoice (ARCHITECTURE.md, "Lock order"):
        # taken before them, a cancellation holding a counter of the new size and waiting for the credit notes'
        # sequence deadlocked with it.
        request.refund, _, notes = await give_back(
            uow, order, owed, now, source=source, memo=memo, reason=EXCHANGE_DIFFERENCE
        )
    return replacement, notes
