"""Ordergram vs a bare aiogram echo bot, through the sandbox Bot API on one machine.

Measures, in one run (ratios are what matter on a noisy machine):
  * echo: updates/s of a bot that answers every message with its text — measured in
    slices alternating with Ordergram's (both bots run side by side, each polling its own
    sandbox; the idle one only long-polls), so a slow minute on a shared machine weighs
    on both sides of a ratio alike (each phase starts with an uncounted warm-up turn
    for both);
  * browsing: updates/s of Ordergram answering product deep links (`/start p_<SKU>`)
    with a 10,000-product catalog on SQLite;
  * checkout: updates/s of Ordergram customers completing whole checkouts
    (/add, /checkout, contact, pickup, point, payment, confirm: 7 updates each);
  * p95 reply latency of browsing at half of its measured peak rate (open loop).

Both bots poll the sandbox with aiogram's default concurrent update handling.

The sandbox stands in for Telegram in the same process, so its own work on each update
(decoding the bot's calls, checking and storing the messages, encoding replies and updates)
is charged to the side it serves: more for a card with option buttons than for an echo.
Each sandbox times that work (``SandboxServer.busy_s``: the parts that never wait; its HTTP
parsing is not included), and the bench prints it per side and the browsing and checkout
ratios with it taken out of both sides' time: what the bots themselves do, as when Telegram
runs elsewhere. The ratios above them are measured as before, with everything included.

    python bench/bot_throughput.py [--products 10000] [--variants 1] [--users 40] [--seconds 8] [--slices 4]

``--variants 4`` gives each product four sizes (40,000 sellable rows): the card then reads
its parent's variants and shows option buttons.

``--beside 1`` (with ``--variants 4``) imports as many products again with that many variants
each into the same catalog, and browses the two kinds in turn with the echo bot (an echo turn
before each): the same bot, process and catalog, the cards differing only in their variants.
So what variants cost browsing is one run's ratio, not the difference of two runs on a
machine whose speed moves between runs:

    python bench/bot_throughput.py --products 10000 --variants 4 --beside 1 --users 20 --seconds 6 --slices 6

Between those turns, outside the figures, both sandboxes forget their chats' history but each
chat's newest message (``forget_history``): Telegram keeps it, the bot's process does not, and
kept here it was what the collector ran for, more often in the turns of the cards with more
buttons (since 2026-12-07; the ratios before were charged with it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

from bot.config import Settings, load_settings
from bot.runtime import start_runtime
from domain.usecases.imports.lists import import_carriers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxServer, SandboxUser
from sandbox.server import BotMessage

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bot" / "demo_data"
WARM_UP_S = 1.0
WORDS = ["Mug", "Bag", "Lantern", "Candle", "Card", "Jar", "Heart", "Star", "Box", "Tin", "Bowl", "Plate"]


SIZES = ["S", "M", "L", "XL", "XXL", "3XL"]


def catalog_csv(products: int, variants: int = 1, prefix: str = "B") -> tuple[str, str, list[str]]:
    """``products`` parents; with ``variants`` > 1 each comes in that many sizes (its own SKU
    and stock, the price inherited from its parent row), and browsing opens random variants.
    SKUs are ``prefix`` and a number."""
    rng = random.Random(7)
    rows = ["sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description,parent,options"]
    stock = ["sku,warehouse,bin,quantity"]
    skus = []
    for i in range(products):
        sku = f"{prefix}{i:06d}"
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} no. {i}"
        options = "Size=S" if variants > 1 else ""
        rows.append(
            f"{sku},{name},Category {i % 25:02d},{rng.randint(50, 5000) / 100:.2f},GBP,,{rng.randint(50, 2000)},,,,,,"
            f"{options}"
        )
        family = [sku] + [f"{sku}-{size}" for size in SIZES[1:variants]]
        rows += [f"{v},,,,,,,,,,,{sku},Size={size}" for v, size in zip(family[1:], SIZES[1:], strict=False)]
        for v in family:
            skus.append(v)
            stock.append(f"{v},LON,A-{i % 20:02d}-{i % 50:02d}-{i % 4},{rng.randint(1000, 5000)}")
            if i % 3 == 0:
                stock.append(f"{v},MAN,S-{i % 10:02d}-{i % 30:02d}-1,{rng.randint(1000, 5000)}")
    return "\n".join(rows) + "\n", "\n".join(stock) + "\n", skus


async def timed(server: SandboxServer, user: SandboxUser, action: Callable[[], Awaitable[object]]) -> float:
    """Deliver one update and wait for the bot's first reply in that chat; seconds taken."""
    reply = server.next_activity(user.id)
    started = time.perf_counter()
    await action()
    await asyncio.wait_for(reply, 30)
    return time.perf_counter() - started


async def until(server: SandboxServer, user: SandboxUser, predicate: Callable[[], bool]) -> None:
    """Wait for the bot's activity in this user's chat until ``predicate`` holds. Per-chat
    waiters, as the echo side uses: waiting on the sandbox's shared condition woke all 40
    users on every message, the driver's cost then growing with the square of the users
    and counted against Ordergram's slices only."""
    while True:
        activity = server.next_activity(user.id)  # before the check: nothing slips between
        if predicate():
            activity.cancel()
            return
        await asyncio.wait_for(activity, 30)


async def closed_loop(users: list[SandboxUser], seconds: float, op: Callable[[SandboxUser], Awaitable[int]]) -> float:
    """Each user repeats ``op`` (which returns updates it sent) until time is up; updates/s."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def run(user: SandboxUser) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            sent = await op(user)  # not `done += await ...`: that reads `done` before awaiting
            done += sent

    started = time.perf_counter()
    await asyncio.gather(*(run(u) for u in users))
    return done / (time.perf_counter() - started)


async def open_loop(
    server: SandboxServer,
    users: list[SandboxUser],
    rate: float,
    seconds: float,
    send: Callable[[SandboxUser], Awaitable[object]],
) -> list[float]:
    """Send at a fixed rate regardless of replies; each user has at most one update in flight."""
    latencies: list[float] = []
    idle = list(users)
    tasks = set()

    async def one(user: SandboxUser) -> None:
        latencies.append(await timed(server, user, lambda: send(user)))
        idle.append(user)

    interval = 1 / rate
    next_at = time.perf_counter()
    end = next_at + seconds
    while next_at < end:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        if idle:
            task = asyncio.create_task(one(idle.pop(0)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        next_at += interval
    await asyncio.gather(*tasks)
    return latencies


@contextlib.asynccontextmanager
async def echo_bot(users: int) -> AsyncIterator[tuple[Callable[[float], Awaitable[float]], SandboxServer]]:
    """A bare aiogram echo bot; yields ``load(seconds) -> updates/s`` and its sandbox."""
    server = SandboxServer()
    await server.start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    people = [SandboxUser(server, 100 + i, f"U{i}", wait=False) for i in range(users)]

    async def op(user: SandboxUser) -> int:
        await timed(server, user, lambda: user.send("hello"))
        return 1

    try:
        yield (lambda seconds: closed_loop(people, seconds, op)), server
    finally:
        await dp.stop_polling()
        await server.release_pollers()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await bot.session.close()
        await server.stop()


@dataclass
class Ordergram:
    server: SandboxServer
    people: list[SandboxUser]
    skus: list[str]
    rng: random.Random
    beside: list[str]  # the SKUs of the catalog imported beside (``ordergram(beside=…)``)

    async def browse(self, seconds: float) -> float:
        return await self.browse_of(self.skus, seconds)

    async def browse_beside(self, seconds: float) -> float:
        return await self.browse_of(self.beside, seconds)

    async def browse_of(self, skus: list[str], seconds: float) -> float:
        async def op(user: SandboxUser) -> int:
            await timed(self.server, user, lambda: user.send(f"/start p_{self.rng.choice(skus)}"))
            return 1

        return await closed_loop(self.people, seconds, op)

    async def checkout(self, seconds: float) -> float:
        async def op(user: SandboxUser) -> int:
            await checkout_once(self.server, user, self.rng.choice(self.skus))
            return 7

        return await closed_loop(self.people, seconds, op)

    async def browsing_latencies(self, rate: float, seconds: float) -> list[float]:
        async def deep_link(user: SandboxUser) -> object:
            return await user.send(f"/start p_{self.rng.choice(self.skus)}")

        return await open_loop(self.server, self.people, rate, seconds, deep_link)


def shop_settings(server: SandboxServer, database: Path) -> Settings:
    """A benched shop's settings: the sandbox as Telegram, ``database`` its SQLite file."""
    return load_settings(
        bot_token=server.token,
        telegram_api_url=server.url,
        default_currency="GBP",
        database_url=f"sqlite+aiosqlite:///{database}",
        # Each simulated customer checks out again and again, paying at pickup: no cap on unpaid orders.
        max_unpaid_orders=0,
    )


@contextlib.asynccontextmanager
async def ordergram(
    products: int, users: int, variants: int = 1, beside: int | None = None
) -> AsyncIterator[Ordergram]:
    """Ordergram on its own sandbox and SQLite file, the catalog imported; ``beside``: as many
    products again (SKUs ``P…``) with that many variants each, in the same catalog."""
    server = SandboxServer()
    await server.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = shop_settings(server, Path(tmp) / "bench.sqlite3")
        runtime = await start_runtime(settings)
        products_csv, stock_csv, skus = catalog_csv(products, variants)
        started = time.perf_counter()
        await import_warehouses(runtime.uow(), (DEMO / "warehouses.csv").read_text(encoding="utf-8"))
        await import_products(runtime.uow(), runtime.clock, products_csv)
        await import_stock(runtime.uow(), runtime.clock, stock_csv)
        other: list[str] = []
        if beside is not None:
            products_csv, stock_csv, other = catalog_csv(products, beside, prefix="P")
            await import_products(runtime.uow(), runtime.clock, products_csv)
            await import_stock(runtime.uow(), runtime.clock, stock_csv)
        await import_carriers(runtime.uow(), (DEMO / "carriers.csv").read_text(encoding="utf-8"))
        print(
            f"  imported {products:,} products × {variants} variant(s)"
            + (f" and {products:,} × {beside}" if beside is not None else "")
            + " and their stock"
            f" in {time.perf_counter() - started:.1f} s"
        )
        polling = asyncio.create_task(
            runtime.dp.start_polling(runtime.bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
        )
        notifier = asyncio.create_task(runtime.notifier.run(1.0))
        people = [SandboxUser(server, 5000 + i, f"U{i}", wait=False) for i in range(users)]
        try:
            for user in people:  # registration is a one-off write; keep it out of the figures
                await timed(server, user, partial(user.send, "/start"))
            yield Ordergram(server, people, skus, random.Random(11), other)
        finally:
            runtime.notifier.stop()
            await runtime.dp.stop_polling()
            await server.release_pollers()
            for task in (polling, notifier):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.close()
            await server.stop()


@dataclass
class Tally:
    """One side's counted turns: updates answered, seconds taken, and the seconds its sandbox
    spent on its own work in them."""

    server: SandboxServer
    updates: float = 0.0
    seconds: float = 0.0
    sandbox: float = 0.0

    def counting(self, load: Callable[[float], Awaitable[float]]) -> Callable[[float], Awaitable[float]]:
        async def turn(seconds: float) -> float:
            busy, started = self.server.busy_s, time.perf_counter()
            rate = await load(seconds)
            elapsed = time.perf_counter() - started
            self.updates += rate * elapsed
            self.seconds += elapsed
            self.sandbox += self.server.busy_s - busy
            return rate

        return turn

    def clear(self) -> None:
        self.updates = self.seconds = self.sandbox = 0.0

    def rate_without_sandbox(self) -> float:
        """Updates/s had the sandbox's work taken no time (the loop is saturated: users wait on
        replies only)."""
        return self.updates / (self.seconds - self.sandbox)

    def sandbox_us(self) -> float:
        return self.sandbox / self.updates * 1e6


async def warmed_up(ours: Callable[[float], Awaitable[float]], turns: int = 6) -> None:
    """Warm-up turns until two in a row agree within 10 % (the caches are loaded)."""
    previous = await ours(WARM_UP_S)
    for _ in range(turns):
        rate = await ours(WARM_UP_S)
        if abs(rate - previous) <= 0.1 * previous:
            return
        previous = rate


async def alternating(
    echo: Callable[[float], Awaitable[float]],
    ours: Callable[[float], Awaitable[float]],
    seconds: float,
    slices: int,
    tallies: tuple[Tally, ...] = (),
    resets: Sequence[Callable[[], None]] = (),
) -> tuple[float, float]:
    """Echo and Ordergram loaded in turn, ``slices`` times each; mean updates/s of both.
    First, shorter turns are not counted: they pay one-off costs a running bot has long paid
    (Ordergram's first read of its catalog and stock into the read cache: ~0.15 s for 10,000
    products, over a second for 10,000 × 4 variants, which a single warm-up turn did not
    cover and so was charged to the first measured slice)."""
    await echo(WARM_UP_S)
    await warmed_up(ours)
    for tally in tallies:  # warm-up turns are not counted
        tally.clear()
    for reset in resets:
        reset()
    echo_rates, our_rates = [], []
    for _ in range(slices):
        echo_rates.append(await echo(seconds / slices))
        our_rates.append(await ours(seconds / slices))
    return statistics.fmean(echo_rates), statistics.fmean(our_rates)


def forget_history(*servers: SandboxServer) -> None:
    """Between turns, outside the figures: the sandboxes forget every chat's history but its newest
    message (``SandboxServer.forget_history``). Kept, the whole run's messages, each keyboard a dict
    a button, lived in this process — Telegram's memory, not the bot's — and were what made the
    collector run: ~20 objects kept an update (the message, its keyboard, the call and the update
    logged), five more for a 4-variant card's keyboard, so its turns drew more of the young
    collections (every 20,000 kept: a few a run, each ~20 ms under load, so one landing in a turn
    moved that side's CPU an update by 40–160 µs), and every older one scanned all of them. Forgotten
    between turns, no collection fell in either side's turns (2026-12-07, 10,000 × 4 and × 1)."""
    for server in servers:
        server.forget_history()


async def side_by_side(args: argparse.Namespace) -> None:
    """Browsing only, in turn: echo, Ordergram's cards of products with ``--variants``, and of
    those with ``--beside`` variants (one Ordergram, both kinds in its catalog)."""
    async with (
        echo_bot(args.users) as (echo, echo_server),
        ordergram(args.products, args.users, args.variants, beside=args.beside) as shop,
    ):
        sides = (Tally(echo_server), Tally(shop.server), Tally(shop.server))
        loads = [side.counting(load) for side, load in zip(sides, (echo, shop.browse, shop.browse_beside), strict=True)]
        await loads[0](WARM_UP_S)
        await warmed_up(loads[1])
        await warmed_up(loads[2])
        for side in sides:
            side.clear()
        cpu: dict[int, float] = {1: 0.0, 2: 0.0}
        for _ in range(args.slices):
            for which in (1, 2):
                forget_history(echo_server, shop.server)
                await loads[0](args.seconds / args.slices)
                forget_history(echo_server, shop.server)
                started = time.process_time()
                await loads[which](args.seconds / args.slices)
                cpu[which] += time.process_time() - started
    rates = [side.updates / side.seconds for side in sides]
    print()
    print(f"echo bot                     {rates[0]:8.1f} updates/s   (between the other two's turns)")
    for which, variants in ((1, args.variants), (2, args.beside)):
        side = sides[which]
        print(
            f"Ordergram, {variants} variant(s) a product {rates[which]:8.1f} updates/s"
            f"  {rates[which] / rates[0]:6.1%} of echo;"
            f" process CPU {cpu[which] / side.updates * 1e6:5.0f} µs an update, the sandbox's own work"
            f" {side.sandbox_us():4.0f} µs of it"
        )
    without = sides[1].rate_without_sandbox() / sides[2].rate_without_sandbox()
    print(
        f"browsing with {args.variants} variants against {args.beside}: {rates[1] / rates[2]:6.1%} of its rate"
        f" ({without:.1%} with the sandboxes' own work taken out; target: no drop)"
    )


async def checkout_once(server: SandboxServer, user: SandboxUser, sku: str) -> None:
    def last_has(label: str) -> Callable[[], bool]:
        def check() -> bool:  # runs on each activity in this chat: look at the last message only
            last = server.last_message(user.id)
            return last is not None and any(label in text for text in last.button_texts())

        return check

    def newest() -> BotMessage:
        last = server.last_message(user.id)
        assert last is not None
        return last

    async def press(label: str, then: str) -> None:
        await user.press(newest(), label)
        await until(server, user, last_has(then))

    await timed(server, user, lambda: user.send(f"/add {sku} 1"))
    await user.send("/checkout")
    await until(server, user, last_has("Share my phone"))
    await user.share_contact("+44 7911 123456")
    await until(server, user, last_has("Pick up"))
    await press("Pick up", "Manchester")
    await press("Manchester", "Pay at pickup")
    await press("Pay at pickup", "Confirm order")
    before = newest().message_id
    await user.press(newest(), "Confirm order")
    await until(server, user, lambda: newest().message_id > before)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=1, help="variants (sizes) per product, 1-6")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8.0, help="per phase and bot")
    parser.add_argument("--slices", type=int, default=4, help="turns each bot takes per phase")
    parser.add_argument("--beside", type=int, help="browse beside Ordergram with this many variants a product")
    args = parser.parse_args()
    if args.beside is not None:
        print(
            f"browsing in turn: echo bot, Ordergram with {args.products:,} products × {args.variants} variant(s),"
            f" and with × {args.beside}, {args.users} concurrent users each …"
        )
        await side_by_side(args)
        return
    print(
        f"echo bot and Ordergram ({args.products:,} products × {args.variants} variant(s)),"
        f" {args.users} concurrent users each …"
    )
    tallies: dict[str, tuple[Tally, Tally]] = {}
    async with echo_bot(args.users) as (echo, echo_server), ordergram(args.products, args.users, args.variants) as shop:
        rates = {}
        for phase, ours in (("browsing", shop.browse), ("checkout", shop.checkout)):
            sides = tallies[phase] = (Tally(echo_server), Tally(shop.server))
            loads = (sides[0].counting(echo), sides[1].counting(ours))
            rates[phase] = await alternating(*loads, args.seconds, args.slices, sides)
        (echo_browsing, browsing), (echo_checkout, checkout) = rates["browsing"], rates["checkout"]
        latencies = await shop.browsing_latencies(browsing / 2, args.seconds)
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) >= 20 else float("nan")
    print()
    print(f"echo bot              {echo_browsing:8.1f} updates/s   (beside browsing)")
    print(f"Ordergram browsing    {browsing:8.1f} updates/s   {browsing / echo_browsing:6.1%} of echo  (target ≥ 60 %)")
    print(f"echo bot              {echo_checkout:8.1f} updates/s   (beside checkout)")
    print(f"Ordergram checkout    {checkout:8.1f} updates/s   {checkout / echo_checkout:6.1%} of echo  (target ≥ 25 %)")
    print(
        f"browsing p95 latency  {p95:8.1f} ms at {browsing / 2:.0f} updates/s (half of peak; target ≤ 50 ms),"
        f" {len(latencies)} samples"
    )
    print()
    print("the sandbox's own work (Telegram's side, run in this process), per update of each side:")
    for phase, (theirs, ours_) in tallies.items():
        without = ours_.rate_without_sandbox() / theirs.rate_without_sandbox()
        print(
            f"  {phase:9s} echo {theirs.sandbox_us():5.0f} µs ({theirs.sandbox / theirs.seconds:4.0%} of its time),"
            f" Ordergram {ours_.sandbox_us():5.0f} µs ({ours_.sandbox / ours_.seconds:4.0%});"
            f" without it Ordergram is {without:6.1%} of echo"
        )


if __name__ == "__main__":
    asyncio.run(main())
