"""Where a variant card's extra CPU goes: each piece of a card's reply, both kinds interleaved in one process.

``bot_throughput.py --beside 1`` says how much slower variant cards are browsed than plain ones in
one catalog; its process CPU per update moves by a fifth between a run's turns on a busy machine.
This says where the difference is, piece by piece, with the CPU clock of this process (what
other processes do weighs on both kinds alike): a card of a random product of each kind in turn,
``--rounds`` cards a kind per turn, the kinds' turns alternating ``--pairs`` times (a first pair
uncounted: caches loading). The pieces are those of a deep link's card (``/start p_<SKU>``):

  * use case: ``product_card_by_sku`` (the product, its siblings and their stock, option rows), for
    nobody in particular (no cart read, no backorder offer: the same for both kinds);
  * keyboard: ``handlers.catalog.card_keyboard`` (the option buttons and the rest);
  * text: the card's template rendered;
  * method: the ``SendMessage`` made; body: its JSON body as the bot's session sends it;
  * sandbox: Telegram's side (the body read, the message checked and stored, the reply written);
  * reply: the reply read back into a ``Message`` by the bot's session (``JsonBodySession.checked``).

    python bench/card_pieces.py [--products 2000] [--rounds 300] [--pairs 8]

The catalog is ``bot_throughput.py``'s with ``--variants 4 --beside 1``: as many products again
with one variant each. No HTTP, dispatch or update inbox: those are the same for both kinds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from aiogram.methods import SendMessage
from aiohttp import web
from bot_throughput import DEMO, catalog_csv, shop_settings  # the same shop as the throughput bench

from bot.runtime import start_runtime
from bot.telegram_session import JsonBodySession, json_bytes, request_body
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.product_cards import product_card_by_sku
from handlers.catalog import card_keyboard
from handlers.views.rendering import Renderer
from sandbox import SandboxServer

PIECES = ("use case", "keyboard", "text", "method", "body", "sandbox", "reply")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=300, help="cards of a kind per turn")
    parser.add_argument("--pairs", type=int, default=8, help="turns of each kind, counted")
    args = parser.parse_args()
    server = SandboxServer()
    await server.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = shop_settings(server, Path(tmp) / "pieces.sqlite3")
        runtime = await start_runtime(settings)
        await import_warehouses(runtime.uow(), (DEMO / "warehouses.csv").read_text(encoding="utf-8"))
        kinds: dict[str, list[str]] = {}
        for kind, variants, prefix in (("4 variants", 4, "B"), ("1 variant", 1, "P")):
            products_csv, stock_csv, kinds[kind] = catalog_csv(args.products, variants, prefix=prefix)
            await import_products(runtime.uow(), runtime.clock, products_csv)
            await import_stock(runtime.uow(), runtime.clock, stock_csv)
        bot, renderer, uow, rng = runtime.bot, Renderer(settings.timezone), runtime.uow(), random.Random(3)
        session = bot.session
        assert isinstance(session, JsonBodySession)
        spent: dict[str, dict[str, float]] = {kind: defaultdict(float) for kind in kinds}
        clock = time.process_time
        with runtime.i18n.context(), runtime.i18n.use_locale("en"):
            for pair in range(args.pairs + 1):
                for kind, skus in kinds.items():
                    for _ in range(args.rounds):
                        sku = rng.choice(skus)
                        at = [clock()]
                        card = await product_card_by_sku(
                            uow, sku=sku, currency="GBP", fallback_currency="GBP", customer_id=None, language="en"
                        )
                        at.append(clock())
                        keyboard = card_keyboard(card)
                        at.append(clock())
                        text = renderer.render("product_card.html.j2", card=card, caption=False)
                        at.append(clock())
                        method = SendMessage(chat_id=5000, text=text, reply_markup=keyboard)
                        at.append(clock())
                        body = request_body(session, bot, method, {})
                        sent = json_bytes(body)
                        at.append(clock())
                        message = await server.m_sendMessage(json.loads(sent))
                        reply = web.json_response({"ok": True, "result": message}).body
                        at.append(clock())
                        assert isinstance(reply, bytes)
                        session.checked(bot, method, 200, reply.decode(), body)
                        at.append(clock())
                        if pair:  # the first pair loads the read cache
                            for piece, started, ended in zip(PIECES, at[:-1], at[1:], strict=True):
                                spent[kind][piece] += ended - started
                    server.forget_history()
        await runtime.close()
    await server.stop()
    cards = args.pairs * args.rounds
    (many, many_spent), (one, one_spent) = spent.items()
    print(f"CPU µs a card ({cards:,} of each kind, {args.products:,} products of each, interleaved)")
    print(f"{'piece':10s} {many:>11s} {one:>11s} {'extra':>8s}")
    for piece in (*PIECES, "total"):
        a = (sum(many_spent.values()) if piece == "total" else many_spent[piece]) / cards * 1e6
        b = (sum(one_spent.values()) if piece == "total" else one_spent[piece]) / cards * 1e6
        print(f"{piece:10s} {a:11.1f} {b:11.1f} {a - b:+8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
