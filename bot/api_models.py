"""The intake API's request and response bodies: their JSON Schemas make the OpenAPI document."""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from domain.catalog import ProductStatus
from domain.orders import MAX_ORDER_LINES, Order, OrderStatus, PaymentMethod
from domain.stock import MAX_LINE_QUANTITY
from domain.text import BIDI_CONTROLS


class _Strict(BaseModel):
    # No coercion: "1" is not a quantity, 1.0 is not a count; a client sending either has
    # a bug it should hear about rather than an order it did not mean.
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # A NUL is refused by PostgreSQL in any text column and a lone surrogate ("\\ud800", which
        # pydantic lets through an optional field) by UTF-8 itself: each was a 500. No name, address
        # or reference holds a control character; line breaks and tabs are what a web form sends.
        # Nor a direction override, which shows staff a name or phone otherwise than it is.
        # After the field's own checks, on every field (its name is the error's): one rule for all.
        if isinstance(value, str) and any(
            (unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r") or c in BIDI_CONTROLS for c in value
        ):
            raise PydanticCustomError(
                "unstorable", "no control characters (such as NUL), direction overrides or lone surrogates"
            )
        return value


class CustomerIn(_Strict):
    name: str = Field(min_length=1, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    telegram_id: int | None = Field(default=None, ge=1, le=2**53)
    business: bool | None = Field(
        default=None,
        description="true: a business customer that may pay by invoice, on the terms below; false: not one; "
        "absent: unchanged. Needs the key's `customers` scope.",
    )
    payment_terms_days: int | None = Field(
        default=None, ge=0, le=365, description="invoices due after this many days (absent: the shop's default)"
    )
    credit_limit: str | None = Field(
        default=None,
        pattern=r"^\d{1,12}(\.\d{1,4})?$",
        description="most its unpaid invoices may come to, in the shop's base currency (absent: no limit)",
    )


class LineIn(_Strict):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)  # as a chat cart's line: one limit


class OrderIn(_Strict):
    customer: CustomerIn
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, upper case")
    payment: Literal["paid", "cod", "invoice", "link"] = Field(
        description="paid at the channel, cash on delivery (unless the shop set CASH_ON_DELIVERY=false), invoice "
        "(business customers only), or link: the "
        "customer pays by card through a Telegram payment link (returned as payment_link, and sent to their chat)"
    )
    address: str | None = Field(default=None, max_length=500, description="courier delivery to this address…")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    pickup_point: str | None = Field(default=None, max_length=16, description="…or pickup at this warehouse code")
    shipping: str = Field(default="0", pattern=r"^\d{1,12}(\.\d{1,4})?$", description="delivery charged, decimal")
    reference: str = Field(default="", max_length=64, description="the channel's own order number")
    promo_code: str | None = Field(
        default=None,
        max_length=40,
        description="a promo code, as a customer types it (case and spaces do not matter); one that does not "
        "apply is refused (422, field promo_code) with the reason, and nothing is placed",
    )


class ReceiptIn(_Strict):
    sku: str = Field(min_length=1, max_length=64)
    warehouse: str = Field(min_length=1, max_length=16)
    quantity: int = Field(ge=1, le=1_000_000)
    bin: str | None = Field(default=None, max_length=32)
    reason: str = Field(default="receipt", min_length=1, max_length=200)


class ShipmentEventIn(_Strict):
    event: Literal["in_transit", "delivered"]
    location: str = Field(default="", max_length=200)


class LineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    unit_price: str


class WaitingOut(BaseModel):
    sku: str
    quantity: int = Field(description="units of the line that wait for stock (a backorder or preorder)")


class StepOut(BaseModel):
    at: str
    status: OrderStatus
    actor: str


class ParcelLineOut(BaseModel):
    sku: str
    quantity: int


class ParcelOut(BaseModel):
    carrier: str
    tracking_number: str
    tracking_url: str = Field(description="the carrier's tracking page for it (empty when the shop has none)")
    status: Literal["shipped", "delivered"]
    shipped_at: str
    delivered_at: str | None
    lines: list[ParcelLineOut] = Field(description="what left in it")


class OrderOut(BaseModel):
    code: str
    status: OrderStatus
    channel: str
    currency: str
    subtotal: str
    discount: str = Field(default="0", description="promotions and the promo code, off the subtotal")
    promo_code: str = Field(default="", description="the promo code the order used, normalised")
    reference: str = Field(
        default="",
        description="the channel's own order number (a business's PO number), on one line as the invoice prints it",
    )
    shipping: str
    total: str
    tax: str = Field(default="0", description="the tax the total includes (TAX_RATE: prices include it)")
    invoice_due: str | None = Field(default=None, description="payment invoice: the day it is due (YYYY-MM-DD)")
    invoice_number: str | None = Field(
        default=None,
        description="payment invoice: the number its invoice is filed under, INV-000001 (null: an invoice issued "
        "before invoices were numbered, or no invoice)",
    )
    still_to_pay: str | None = Field(
        default=None,
        description="payment invoice: its total less what was paid and credited so far (0 once settled)",
    )
    payment: Literal["paid", "card", "cod", "invoice"] = Field(
        description='how it is paid: paid (the channel took the payment, as the request said "paid"), card (paid or '
        'to be paid by card in Telegram: a "link"), cod (cash on delivery or at pickup) or invoice'
    )
    tracking_number: str = Field(description="the last parcel's tracking number (every parcel's is in parcels)")
    buyer_tax_number: str | None = Field(
        default=None, description="the customer's VAT number or ИНН as its invoices print it: kept when it was placed"
    )
    seller_tax_number: str | None = Field(
        default=None, description="the shop's VAT number or ИНН as its invoices print it: kept when it was placed"
    )
    lines: list[LineOut]
    timeline: list[StepOut]
    payment_link: str | None = Field(default=None, description='with payment "link": the link that pays the order')
    waiting: list[WaitingOut] = Field(
        default_factory=list,
        description="lines short of stock whose product takes backorders or preorders: the order waits for them "
        "(not picked until they are allocated), as a chat order does",
    )
    parcels: list[ParcelOut] = Field(
        default_factory=list, description="the parcels it left in, oldest first, with their carrier and tracking"
    )
    original_order_code: str | None = Field(
        default=None,
        description="a replacement (an exchange of a return of the channel's order): the code of the channel's "
        "order it was first sent for; null for the channel's own orders",
    )


class OrderPageOut(BaseModel):
    orders: list[OrderOut] = Field(description="the channel's orders, oldest first")
    next_cursor: str | None = Field(
        description="send it back as ?cursor= (with the same filters) for the next page; null: this was the last"
    )


class WarehouseStockOut(BaseModel):
    warehouse: str
    on_hand: int
    reserved: int
    available: int


class StockOut(BaseModel):
    sku: str
    status: ProductStatus = Field(
        description="active: for sale; hidden or discontinued: taken off sale (an order for it is refused), its "
        "stock kept as counted. Products are never deleted: one taken off sale, or back on, comes in changed_since"
    )
    available: int = Field(description="what an order can take now: the warehouses' together, 0 when not active")
    warehouses: list[WarehouseStockOut]


class StockPageOut(BaseModel):
    stock: list[StockOut] = Field(
        description="each product's stock as GET /stock?sku= gives it: the SKUs named, in the order asked, "
        "or a page of every product's, in the order they were added"
    )
    unknown: list[str] = Field(description="SKUs named that no product has (none when paging)")
    next_cursor: str | None = Field(
        description="send it back as ?cursor= (with the same limit) for the next page; null: this was the last "
        "(always, when SKUs are named). With ?changed_since=: more changed products wait now; send it back as "
        "?changed_since= at once"
    )
    changes_token: str | None = Field(
        default=None,
        description="stock as of this answer: keep it and send it back as ?changed_since= to be given only the "
        "products whose available quantity moved since. Paging every product, the first page's covers all the "
        "pages (null on the others)",
    )


class ReceiptOut(BaseModel):
    sku: str
    warehouse: str
    bin: str
    quantity: int


class ShipmentEventOut(BaseModel):
    order: str
    status: OrderStatus
    changed: bool


class CallbackEvent(BaseModel):
    """What a channel's callback URL is POSTed (``domain.callbacks.callback_body``), signed in
    ``Ordergram-Signature``; the receiver de-duplicates by ``id``."""

    id: int
    type: Literal["order.placed", "order.status_changed", "order.return_changed", "order.refund_paid"]
    occurred_at: str = Field(description="ISO 8601 with its offset: when the change happened")
    order_code: str
    reference: str = Field(description="the channel's own order number, as it sent it")
    status: OrderStatus = Field(description="the order's status when the change happened")
    previous_status: OrderStatus | None = Field(
        description="the order's status before the change: on order.status_changed only; null for order.placed, "
        "and for order.return_changed and order.refund_paid, which leave the order's status as it was (the "
        "return's is return_status)"
    )
    carrier: str | None
    tracking_number: str | None
    return_code: str | None = Field(description="a return's events: its RMA code (null for the order's own)")
    return_status: str | None = Field(
        description="a return's events: return_requested, approved, rejected, received, refunded or exchanged"
    )
    original_order_code: str | None = Field(
        description="a replacement's events (an exchange of a return: the goods sent again, or another size): "
        "the code of the channel's order it was first sent for, through replacements of replacements; the "
        "replacement is the channel's, listed and found as its other orders. Null for the channel's own orders"
    )
    order_url: str = Field(description="the order as it is now: GET it with the channel's key")


class FieldError(BaseModel):
    field: str
    detail: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str = Field(
        description='one per kind of problem: every 422 naming a field at fault is "Invalid request", whether '
        "the schema or a later check (an unknown SKU) finds it; a refused promo code and a passed credit limit "
        "have their own"
    )
    status: int
    detail: str
    field: str | None = Field(
        default=None,
        description="the field or header at fault: lines.0.quantity, Idempotency-Key, …; left out of a problem about "
        "none (a 403, a 405)",
    )
    errors: list[FieldError] | None = Field(
        default=None, description="with field: every field at fault, the first being field (one list to read)"
    )
    scope: str | None = Field(default=None, description="with 403: the scope the key does not have")
    retry_after: int | None = Field(
        default=None, description="with 429: seconds until the key may send again (the Retry-After header's value)"
    )
    max_orders: int | None = Field(default=None, description="with a batch's 413: the most orders a batch may hold")


MAX_BATCH = 100  # orders a batch: a connector catching up sends the rest in the next


class BatchOrderIn(_Strict):
    idempotency_key: str = Field(
        min_length=1,
        max_length=255,
        description="this order's own key, as the Idempotency-Key header of POST /orders: a retry places nothing twice",
    )
    order: OrderIn


class BatchEntryIn(BatchOrderIn):
    """An entry as read: its order checked apart (as POST /orders checks a body), so a fault names its field alike."""

    order: dict[str, Any]  # type: ignore[assignment]


class BatchIn(_Strict):
    orders: list[BatchOrderIn] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"up to {MAX_BATCH} orders (fewer where API_RATE_LIMIT allows fewer), each placed on its own",
    )


class BatchResultOut(BaseModel):
    index: int = Field(description="the order's place in the request, from 0")
    idempotency_key: str | None
    outcome: Literal["created", "already_placed", "refused"]
    status: int = Field(description="what POST /orders would have answered for this order alone: 201, 200 or 4xx")
    order: OrderOut | None = Field(default=None, description="with created and already_placed: the order")
    problem: Problem | None = Field(default=None, description="with refused: the problem POST /orders gives")


class BatchOut(BaseModel):
    results: list[BatchResultOut] = Field(description="one for each order sent, in the request's order")
    created: int
    already_placed: int
    refused: int


API_PAYMENTS: dict[PaymentMethod, Literal["card", "cod", "invoice"]] = {
    PaymentMethod.CARD: "card",
    PaymentMethod.COD: "cod",
    PaymentMethod.INVOICE: "invoice",
}


def payment_out(order: Order) -> Literal["paid", "card", "cod", "invoice"]:
    """The request's own "paid" for an order the channel took payment for: "card" sent its staff
    looking for a Telegram charge to refund."""
    if order.paid_at is not None:  # "": a channel whose name is not known
        return "paid"
    return API_PAYMENTS[order.payment_method]
