"""Typed callback data of staff's buttons (picking, packing, purchasing, returns, stock, /product, campaigns)."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.campaigns import SegmentKind
from domain.catalog import ProductStatus
from domain.picking import PickMethod
from handlers.callbacks import Code, Number

Currency = Annotated[str, Field(max_length=3, pattern=r"^[0-9A-Za-z]*$")]  # an ISO 4217 code


class QueuePageCb(CallbackData, prefix="qp"):
    """A page of a warehouse's fulfilment queue (staff ``/queue``)."""

    warehouse_id: Number
    page: Number


class PickStartCb(CallbackData, prefix="ps"):
    method: PickMethod
    warehouse: Number = 0  # its id; 0: the picker's own (or the only) warehouse
    zone: Code = ""


class PickWarehouseCb(CallbackData, prefix="pwh"):
    warehouse: Number


class PickResumeCb(CallbackData, prefix="pres"):
    """Go on with the round the picker has open (asked for another while it was)."""


class PickShortCb(CallbackData, prefix="pshort"):
    line_id: Number


class PickSkipCb(CallbackData, prefix="pskip"):
    """Leave the round's current line for later: asked again at the end."""

    line_id: Number


class PackBoxCb(CallbackData, prefix="pb"):
    code: Code
    box: Number = 0  # 0: the proposed packages; n: the n-th box offered (a box's code may not fit)


class PackBoxPageCb(CallbackData, prefix="pbg"):
    """Another page of the boxes offered at packing: a shop's 130 sizes passed a message's 100 buttons."""

    code: Code
    page: Number


class PackWeightCb(CallbackData, prefix="pw"):
    code: Code


class PoCb(CallbackData, prefix="po"):
    number: Number
    action: Code  # view, approve, discard, pdf


class RmaCb(CallbackData, prefix="rma"):
    rma: Code
    # approve, reject, back (from reject's question), received, restock, writeoff, resolve, refund_instead, refund_paid
    action: Code
    line_id: Number = 0


class SendReceiptCb(CallbackData, prefix="srcp"):
    """Staff send an order's receipt (PDF) to its customer's chat."""

    code: Code


class OwedBackCb(CallbackData, prefix="obk"):
    """An order's refund owed confirmed paid back: ``seen``, the amount the button showed."""

    code: Code
    seen: Number


class PaidAgainCb(CallbackData, prefix="pda"):
    """Another payment of the same amount on an order confirmed (a /paid repeated): ``minor``, the amount
    asked about; ``seen``, how many payments the order had when asked (the question is stale otherwise)."""

    code: Code
    minor: Number
    seen: Number


class OwedBackPageCb(CallbackData, prefix="obp"):
    page: Number


class StockPageCb(CallbackData, prefix="stp"):
    """A page of staff's last /stock: the text stays in the conversation's data as a search's
    does; ``key`` tells a button of an older /stock from the current one."""

    page: Number
    key: Code


class ApplyReorder(CallbackData, prefix="rop"):
    product_id: Number
    warehouse_id: Number
    point: Number
    top: Number  # order-up-to: the maximum level


# ------------------------------------------------------------------ /product, /newproduct
class ProductSheetCb(CallbackData, prefix="psh"):
    """Show a product's sheet again (also leaves an edit in progress)."""

    product_id: Number


class ProductEditCb(CallbackData, prefix="pe"):
    product_id: Number
    field: Code  # name, price_EUR, name_ru … (domain.catalog_edits.field_value)


class ProductStatusCb(CallbackData, prefix="pst"):
    product_id: Number
    status: ProductStatus


class ProductCategoryCb(CallbackData, prefix="pcat"):
    product_id: Number
    category_id: Number


class ProductPhotosCb(CallbackData, prefix="pph"):
    product_id: Number
    action: Literal["clear"]


class NewProductSkip(CallbackData, prefix="pnx"):
    """/newproduct: go on without the optional barcode or photo."""

    step: Literal["barcode", "photo"]


class ProductOptionsCb(CallbackData, prefix="pop"):
    """/product: this variant's option values, the parent's option names, or a new variant."""

    product_id: Number
    action: Literal["values", "names", "add"]


class VariantSkip(CallbackData, prefix="pvs"):
    """➕ Add variant: go on without the optional barcode, or with the parent's price."""

    step: Literal["barcode", "price"]


class ProductHistoryCb(CallbackData, prefix="phi"):
    product_id: Number
    page: Number


class CampaignCb(CallbackData, prefix="cpa"):
    """A step of a campaign for the manager writing it."""

    campaign_id: Number
    action: Literal["noproduct", "test", "send", "schedule", "cancel", "report", "segments"]


class CampaignSegmentCb(CallbackData, prefix="cps"):
    campaign_id: Number
    kind: SegmentKind


class FxRateCb(CallbackData, prefix="fxr"):
    """A rate far off the current one, confirmed (``set``) or left (``no``): ``rate``, its exact text with
    "_" for the point; ``seen``, the token of the rate it was asked against (the question is stale otherwise)."""

    first: Currency
    second: Currency
    rate: Annotated[str, Field(max_length=25, pattern=r"^[0-9A-Za-z_]*$")]  # 12 digits each side of the point
    seen: Number
    action: Literal["set", "no"]


class BinCountCb(CallbackData, prefix="bcn"):
    """A step of a bin count: ``token`` names the count it was shown for (a button of an earlier one is stale)."""

    token: Number
    action: Literal["done", "confirm", "cancel"]


class NewBinCb(CallbackData, prefix="nbin"):
    """An answer to "Bin … does not exist in …": ``create`` it, receive (or move) into the ``near`` bin at ``index``,
    or ``cancel``. The goods asked about stay in the conversation's data; ``token`` tells an older question's button,
    ``kind`` (``receive``, ``po``, ``move``, ``transfer``, ``count``) what its answer says nothing was done to."""

    action: Code
    token: Number
    index: Number = 0
    kind: Code = "receive"
