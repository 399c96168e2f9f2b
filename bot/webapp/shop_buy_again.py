"""The order screen's 🛒 Buy again in the storefront: the chat's use case, what it could not add said, then the cart."""

from __future__ import annotations

from aiohttp import web

from bot.webapp.payloads import path_code
from bot.webapp.security import customer_of, runtime_of
from bot.webapp.shop_cart import cart_json
from domain.contention import with_fresh_tries
from domain.usecases.buy_again import buy_again
from handlers.catalog import customer_currency, reading_language
from handlers.views.buy_again import buy_again_notes


async def post_buy_again(request: web.Request) -> web.Response:
    """The chat's 🛒 Buy again for the customer's own order (another's: not found); the cart as it now is."""
    runtime, customer = runtime_of(request), await customer_of(request)
    settings = runtime.settings
    result = await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
        buy_again,
        runtime.uow,
        runtime.clock,
        customer_id=customer.id or 0,
        code=path_code(request),
        hold_minutes=settings.hold_minutes,
        language=reading_language(),
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
    )
    return web.json_response({"said": buy_again_notes(result).sentences(), "cart": await cart_json(runtime, customer)})
