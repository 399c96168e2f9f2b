"""The API's carrier endpoint: a parcel's tracking event moves its order on."""

from __future__ import annotations

from aiohttp import web

from bot.api_body import read_json, validated
from bot.api_context import CLOCK, request_key, request_uow
from bot.api_models import ShipmentEventIn, ShipmentEventOut
from bot.api_problems import not_found
from domain.contention import with_fresh_tries
from domain.errors import NotFound
from domain.usecases.dispatch import CarrierEvent
from domain.usecases.intake_stock import api_carrier_event


async def post_shipment_event(request: web.Request) -> web.Response:
    data, _ = await read_json(request)
    body = validated(ShipmentEventIn, data)
    tracking = request.match_info["tracking"]
    no_parcel = not_found("tracking", f"no parcel has the tracking number {ascii(tracking)[1:-1]}")
    if not 1 <= len(tracking) <= 64 or not tracking.isprintable():
        raise no_parcel
    try:
        order, changed = await with_fresh_tries(
            api_carrier_event,
            lambda: request_uow(request),
            request.app[CLOCK],
            key=request_key(request),
            tracking=tracking,
            event=CarrierEvent(body.event),
            location=body.location,
        )
    except NotFound:
        raise no_parcel from None
    return web.json_response(
        ShipmentEventOut(order=order.code, status=order.status, changed=changed).model_dump(mode="json")
    )
