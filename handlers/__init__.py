"""aiogram routers: parse an update, call one use case, render a reply."""

from aiogram import Router

from bot.middlewares import StaffOnlyMiddleware
from handlers import (
    assist,
    cart,
    catalog,
    checkout,
    dispatch,
    errors,
    feedback,
    fulfilment,
    help,
    inventory,
    language,
    orders,
    payments,
    picking,
    purchasing,
    search,
    staff,
    start,
)

_root: Router | None = None


def build_router() -> Router:
    """All routers in the order they are tried; the catch-alls come last.

    Module routers follow the aiogram idiom (one module-level ``Router`` each), and a
    router can have only one parent. One process may build several dispatchers in turn
    (the test suite, the demo), so the composed root is built once and moved to the
    newest dispatcher.
    """
    global _root
    if _root is None:
        for staff_router in (
            staff.router,
            inventory.router,
            fulfilment.router,
            picking.router,
            dispatch.router,
            purchasing.router,
        ):
            staff_router.message.middleware(StaffOnlyMiddleware())
            staff_router.callback_query.middleware(StaffOnlyMiddleware())
        _root = Router(name="ordergram")
        _root.include_routers(
            errors.router,
            start.router,
            language.router,
            help.router,
            assist.router,
            checkout.router,
            payments.router,
            catalog.router,
            cart.router,
            orders.router,
            feedback.router,
            staff.router,
            inventory.router,
            fulfilment.router,
            picking.router,
            dispatch.router,
            purchasing.router,
            search.router,  # plain text outside a conversation is a search: last
        )
    elif _root.parent_router is not None:
        _root.parent_router.sub_routers.remove(_root)
        _root._parent_router = None
    return _root
