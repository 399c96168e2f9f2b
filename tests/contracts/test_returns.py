"""ReturnRepository's period reads: return requests per reason (counts, units, refunds) and units per product."""

from __future__ import annotations

from datetime import timedelta

from domain.money import Money
from domain.orders import Order, OrderLine, ReturnStatus
from domain.ports import UnitOfWork
from domain.return_figures import ReasonTally, ReturnedUnits
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from tests.contracts.conftest import NOW, a_customer, a_product

DAY = timedelta(days=1)


async def _order(uow: UnitOfWork, code: str, customer: int, currency: str, fx_rate: str) -> Order:
    """An order of two mugs and three plates in ``currency``, read back with its lines' ids."""
    mug, plate = await a_product(uow, "MUG-1"), await a_product(uow, "PLATE-1")
    order = Order.place(
        code=code,
        customer_id=customer,
        currency=currency,
        lines=[
            OrderLine(mug, "MUG-1", "Mug", 2, Money(500, currency)),
            OrderLine(plate, "PLATE-1", "Plate", 3, Money(300, currency)),
        ],
        now=NOW - 10 * DAY,
        actor="customer:1001",
        fx_rate=fx_rate,
    )
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    async with uow:
        found = await uow.orders.get_by_code(code)
    assert found is not None
    return found


async def _return(
    uow: UnitOfWork,
    rma: str,
    order: Order,
    reason: ReturnReason,
    quantities: list[int],
    *,
    at: timedelta = timedelta(),
    refund: int | None = None,
) -> None:
    """A request for ``quantities`` of the order's lines (0: not that line), opened at NOW + ``at``; refunded if
    ``refund`` is given."""
    lines = [
        ReturnLine(line.id or 0, line.product_id, line.sku, line.name, quantity, line.unit_price)
        for line, quantity in zip(order.lines, quantities, strict=True)
        if quantity
    ]
    kind, method = ReturnKind.REFUND, ReturnMethod.DROP_OFF
    request = ReturnRequest(rma, order.id or 0, order.customer_id, kind, reason, method, lines, NOW + at)
    async with uow:
        await uow.returns.add(request, NOW + at)
        if refund is not None:
            for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED):
                request.move(status)
            request.refund = Money(refund, order.currency)
            await uow.returns.save(request, NOW + at)
        await uow.commit()


async def test_requests_of_a_period_are_summed_per_reason_and_currency_with_their_refunds(uow: UnitOfWork) -> None:
    customer = await a_customer(uow)
    euros = await _order(uow, "BCDFGHJK", customer, "EUR", "1")
    pounds = await _order(uow, "BCDFGHJL", customer, "GBP", "0.85")
    await _return(uow, "RBCDFGH1", euros, ReturnReason.DOESNT_FIT, [2, 1], refund=1300)
    await _return(uow, "RBCDFGH2", pounds, ReturnReason.DOESNT_FIT, [1, 0], refund=500)
    await _return(uow, "RBCDFGH3", euros, ReturnReason.DAMAGED, [0, 2])  # not resolved yet: nothing refunded
    await _return(uow, "RBCDFGH4", pounds, ReturnReason.DOESNT_FIT, [0, 1], at=-2 * DAY, refund=300)  # before
    await _return(uow, "RBCDFGH5", euros, ReturnReason.DAMAGED, [1, 0], at=DAY)  # at the period's end: after
    async with uow.read_only():
        tallies = await uow.returns.reasons_between(NOW - DAY, NOW + DAY)
        empty = await uow.returns.reasons_between(NOW + 2 * DAY, NOW + 3 * DAY)
    assert tallies == [
        ReasonTally(ReturnReason.DAMAGED, "EUR", "1", 1, 2, 0),
        ReasonTally(ReturnReason.DOESNT_FIT, "EUR", "1", 1, 3, 1300),
        ReasonTally(ReturnReason.DOESNT_FIT, "GBP", "0.85", 1, 1, 500),
    ]
    assert empty == []


async def test_units_of_a_period_are_summed_per_product_and_reason(uow: UnitOfWork) -> None:
    customer = await a_customer(uow)
    order = await _order(uow, "BCDFGHJK", customer, "EUR", "1")
    mug, plate = order.lines[0].product_id, order.lines[1].product_id
    await _return(uow, "RBCDFGH1", order, ReturnReason.DOESNT_FIT, [1, 1])
    await _return(uow, "RBCDFGH2", order, ReturnReason.DOESNT_FIT, [1, 0], refund=500)
    await _return(uow, "RBCDFGH3", order, ReturnReason.DAMAGED, [0, 2])
    await _return(uow, "RBCDFGH4", order, ReturnReason.DAMAGED, [0, 1], at=-2 * DAY)  # before the period
    async with uow.read_only():
        units = await uow.returns.units_between(NOW - DAY, NOW + DAY)
    assert units == sorted(
        [
            ReturnedUnits(mug, ReturnReason.DOESNT_FIT, 2),
            ReturnedUnits(plate, ReturnReason.DAMAGED, 2),
            ReturnedUnits(plate, ReturnReason.DOESNT_FIT, 1),
        ],
        key=lambda row: (row.product_id, row.reason.value),
    )
