"""Everything staff see of one order: its customer, payments, allocations, picks, parcels and history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from domain.catalog import Product
from domain.credit_notes import CreditNote, note_of
from domain.customers import Customer
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.money import Money
from domain.orders import Order, normalize_order_code
from domain.parcels import Parcel
from domain.payments import Payment
from domain.picking import PickLine
from domain.ports import UnitOfWork
from domain.staff import Permission, can
from domain.stock import Reservation
from domain.usecases.goodwill import TIMELINE_MARK
from domain.usecases.owed_back import owed_back_on
from domain.usecases.staff import require, staff_names
from domain.usecases.tracking import goodwill_on_timeline


@dataclass(frozen=True, slots=True)
class StaffOrderView:
    order: Order
    customer: Customer | None
    payments: list[Payment]
    allocations: dict[str, list[Reservation]]  # by warehouse code
    pick_lines: list[PickLine]
    products: dict[int, Product]
    parcels: list[Parcel] = field(default_factory=list)
    staff: dict[str, str] = field(default_factory=dict)  # staff who acted on it, by name (``staff_names``)
    owed_back: Money | None = None  # still to pay the customer outside returns, for who records payments
    sends_receipts: bool = False  # the reader may send the customer their receipt (support)
    edits_orders: bool = False  # the reader may correct the order's PO number (``order_reference``)
    # The timeline's goodwill refunds: the entry's place in the history → what was given (as /track shows them).
    goodwill: dict[int, Money] = field(default_factory=dict)
    credit_notes: list[CreditNote] = field(default_factory=list)  # oldest first

    def note_of(self, payment: Payment) -> str:
        """The number of the credit note a payment row belongs to (CN-000001), or nothing."""
        note = note_of(payment, self.credit_notes)
        return note.label if note is not None else ""

    def who(self, actor: str) -> str:
        """A history entry's actor as staff know them: the order's customer and staff by name
        (else the customer's Telegram id), anyone else as recorded."""
        customer = self.customer
        if customer is None or actor != f"customer:{customer.id}":
            return self.staff.get(actor, actor)
        return customer.display_name or str(customer.telegram_id or actor)

    def goodwill_why(self, place: int) -> str:
        """A goodwill refund's reason as staff typed it (its amount says what it was)."""
        return self.order.history[place].reason.removeprefix(TIMELINE_MARK)


class SeveralOrders(DomainError):
    key = N_("Several orders carry the reference {reference}: {codes}. Open one with /order CODE.")


async def _by_reference(uow: UnitOfWork, text: str) -> Order | None:
    """The one order carrying this reference; several are named for staff to choose."""
    reference = " ".join(text.split())
    codes = await uow.orders.codes_by_reference(reference, 6) if reference else []
    if len(codes) > 1:
        shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        raise SeveralOrders(reference=reference[:64], codes=shown)
    return await uow.orders.get_by_code(codes[0]) if codes else None


async def order_for_staff(uow: UnitOfWork, *, staff_id: int, code: str) -> StaffOrderView:
    """Everything about an order, including where it was routed and why. ``code`` may be the
    order code, its special code (``VIP-…``), the RMA code of one of its returns or the buyer's
    reference (their PO number) when one order carries it."""
    member = await require(uow, staff_id, Permission.VIEW_ORDERS)
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None:  # a return's RMA code leads to its order
            request = await uow.returns.get_by_code(code.strip().upper())
            order = await uow.orders.get_by_id(request.order_id) if request else None
        if order is None:  # the buyer's PO number, as they quote it on the phone
            order = await _by_reference(uow, code)
        if order is None or order.id is None:
            raise NotFound()
        warehouses = {w.id: w.code for w in await uow.warehouses.all()}
        # One row a SKU and warehouse: a part filled later from the same warehouse is summed with the rest.
        allocations: dict[str, list[Reservation]] = defaultdict(list)
        for reservation in await uow.stock.order_reservations(order.id):
            rows = allocations[warehouses.get(reservation.warehouse_id, "?")]
            same = next((i for i, r in enumerate(rows) if r.product_id == reservation.product_id), None)
            if same is None:
                rows.append(reservation)
            else:
                rows[same] = replace(rows[same], quantity=rows[same].quantity + reservation.quantity)
        products = {p.id or 0: p for p in await uow.products.get_many([line.product_id for line in order.lines])}
        payments = await uow.payments.for_order(order.id)
        return StaffOrderView(
            order,
            await uow.customers.get(order.customer_id),
            payments,
            dict(allocations),
            await uow.picking.lines_for_order(order.id),
            products,
            await uow.parcels.for_order(order.id),
            await staff_names(uow, {entry.actor for entry in order.history}),
            await owed_back_on(uow, order) if can(member, Permission.RECORD_PAYMENTS) else None,
            can(member, Permission.SUPPORT),
            can(member, Permission.EDIT_ORDERS),
            goodwill_on_timeline(order, payments),
            await uow.credit_notes.for_order(order.id),
        )
