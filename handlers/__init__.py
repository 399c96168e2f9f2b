"""aiogram routers: parse an update, call one use case, render a reply."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command

from handlers import (
    accounts,
    assist,
    backorders,
    backorders_admin,
    bin_count,
    buynow,
    campaigns,
    cart,
    catalog,
    checkout,
    checkout_payment,
    checkout_shipping,
    dispatch,
    errors,
    fallback,
    feedback,
    forecasts,
    fulfilment,
    help,
    identity,
    imports,
    inventory,
    language,
    marketing,
    miniapp,
    new_bins,
    new_product,
    order_edit,
    order_edit_address,
    order_edit_staff,
    order_po,
    orders,
    owed_back,
    paylinks,
    payments,
    picking,
    po_number,
    price_lists,
    pricing,
    products,
    promo,
    promotions_admin,
    purchasing,
    reports,
    return_details,
    return_swaps,
    returns,
    returns_staff,
    search,
    shop,
    shop_settings,
    staff,
    staff_photos,
    start,
    statement,
    support,
    support_staff,
    tax_number,
    variants_admin,
)
from handlers.gates import StaffGate, gate_routers
from handlers.menu import STAFF_PERMISSIONS, STAFF_SUBCOMMANDS

_routers: list[Router] = []


def _filters_in_the_loop(router: Router) -> None:
    """aiogram runs a synchronous filter (``F.text == …``, ``F.contact``, a bare FSM
    ``State``) in a worker thread, a thread hop per filter per update that reaches it:
    most of the time of a checkout step on a busy bot. Ours are pure and take microseconds,
    so they run in the event loop instead."""
    for observer in router.observers.values():
        for handler in observer.handlers:
            for event_filter in handler.filters or ():
                if not event_filter.awaitable:
                    event_filter.callback = _in_loop(event_filter.callback)
                    event_filter.awaitable = True
    for child in router.sub_routers:
        _filters_in_the_loop(child)


def _in_loop(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def run(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return run


STAFF_MODULES = (
    staff,
    inventory,
    bin_count,
    fulfilment,
    order_edit_staff,
    owed_back,
    picking,
    dispatch,
    staff_photos,  # after the rounds' and packing's steps: a photo outside any step
    purchasing,
    new_bins,  # the answers to /receive's and /po receive's question about a new bin
    returns_staff,
    accounts,
    pricing,
    price_lists,
    products,
    new_product,  # /newproduct's steps, after /product's as when they were one router
    backorders_admin,
    variants_admin,
    reports,
    forecasts,
    shop_settings,
    imports,
    paylinks,
    promotions_admin,
    campaigns,
)


def commands_of(router: Router) -> set[str]:
    """The command names its message handlers answer to."""
    return {
        name
        for handler in router.message.handlers
        for event_filter in handler.filters or ()
        if isinstance(event_filter.callback, Command)
        for name in event_filter.callback.commands
        if isinstance(name, str)
    }


def build_routers() -> list[Router]:
    """All routers in the order they are tried; the catch-alls come last. The dispatcher
    includes them directly: each level of routers costs every update ~12 µs in aiogram.

    Module routers follow the aiogram idiom (one module-level ``Router`` each), and a
    router can have only one parent. One process may build several dispatchers in turn
    (the test suite, the demo), so the routers are prepared once and moved to the newest
    dispatcher.
    """
    if not _routers:
        staff_routers = [r.router for r in STAFF_MODULES]
        for staff_router in staff_routers:  # non-staff are refused before any of their handlers
            staff_router.message.middleware(
                StaffGate(STAFF_PERMISSIONS, staff_only=True, subcommands=STAFF_SUBCOMMANDS)
            )
            staff_router.callback_query.middleware(
                StaffGate(STAFF_PERMISSIONS, staff_only=True, subcommands=STAFF_SUBCOMMANDS)
            )
        customer_routers = [
            r.router
            for r in (
                start,
                language,
                help,
                shop,
                miniapp,
                identity,
                assist,
                promo,
                po_number,
                statement,
                tax_number,
                checkout,  # its steps in order: contact and address, shipping, payment to Confirm
                checkout_shipping,
                checkout_payment,
                order_edit,
                order_edit_address,
                buynow,
                payments,
                catalog,
                cart,
                marketing,
            )
        ]
        _routers.extend(
            [
                *customer_routers,
                orders.router,
                backorders.router,
                returns.router,  # a return's steps: the lines, an exchange's swaps, then the rest
                return_swaps.router,
                return_details.router,
                feedback.router,
                order_po.router,  # a typed PO number for a placed order: before staff commands and support
                *staff_routers,
                support.router,  # before the catch-alls: questions, and everything while a conversation is open
                support_staff.router,  # the support chat: replies, edits, /close (the customer's side above)
                fallback.router,  # presses and messages nothing else took (not plain text: a search)
                search.router,  # plain text outside a conversation is a search: last
                errors.router,  # errors reach it from the dispatcher wherever they arose; updates seldom get here
            ]
        )
        for router in _routers:
            if router not in staff_routers and commands_of(router) & STAFF_PERMISSIONS.keys():
                router.message.middleware(StaffGate(STAFF_PERMISSIONS, staff_only=False, subcommands=STAFF_SUBCOMMANDS))
        for router in _routers:
            gate_routers(router)  # reads the filters as declared, before they are wrapped below
            _filters_in_the_loop(router)
    for router in _routers:
        if router.parent_router is not None:
            router.parent_router.sub_routers.remove(router)
            router._parent_router = None
    return list(_routers)
