"""aiogram routers: parse an update, call one use case, render a reply."""

from aiogram import Router

from handlers import catalog, errors, help, language, start


def build_router() -> Router:
    """All routers in the order they are tried; the catch-alls come last."""
    root = Router(name="ordergram")
    root.include_routers(errors.router, start.router, language.router, help.router, catalog.router)
    return root
