"""Ordergram vs a bare aiogram echo bot, each a process of its own, as a shop runs it.

The sandbox Bot API servers and the simulated users live in this process; Ordergram is a
real ``ordergram run`` subprocess (``TELEGRAM_API_URL`` pointing at its sandbox, SQLite,
2,000 products by default) and the echo bot a bare aiogram process run the same way. Users
work in a closed loop (each sends its next input when the previous one is answered). Each
phase alternates slices of echo load and Ordergram load in one run (an uncounted warm-up
turn each first), so a slow spell on a shared machine weighs on both sides of a ratio:

  * browsing: product deep links, the category list and a category page, the cart, search;
  * add-to-cart: ``/add SKU 1``, each user from ten products of its own (never a full cart);
  * checkout: whole cash-on-delivery checkouts (7 updates each, counted per update);
  * staff: ``/stock SKU``, ``/order CODE``, ``/queue LON`` (the users are admins here).

Printed: updates/s per phase, the ratio to echo against its target, and the peak RSS of the
``ordergram run`` process (VmHWM) against 200 MB. Also each bot process's CPU time per
update it answered (user + system, from ``/proc``) and their ratio: on a machine shared with
other work the rates swing with whatever else runs, the CPU an update costs much less so,
which makes it the figure to compare changes by (the target stays the rate). ``--phases browsing,add-to-cart`` runs
only those; ``--latencies`` prints each kind of update's median and p95 reply time
(``/search``, a category press, …); ``--profile DIR`` records each phase's Ordergram slices
with py-spy (``DIR/PHASE.txt``, collapsed stacks of the ``ordergram run`` process) and
keeps its log (``DIR/run.log``).

    python bench/bot_throughput_oop.py [--products 2000] [--variants 1] [--users 40] [--seconds 8] [--slices 4]

``--variants 4`` gives each product four sizes (as ``bot_throughput --variants``): browsing
then opens random variants, whose cards show option buttons.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
sys.path.insert(0, str(ROOT / "bench"))

from bot_throughput import alternating, catalog_csv, checkout_once, closed_loop, timed, until  # noqa: E402

from sandbox import SandboxServer, SandboxUser  # noqa: E402
from sandbox.server import BotMessage  # noqa: E402

DEMO = ROOT / "bot" / "demo_data"
TARGETS = {"browsing": 0.60, "add-to-cart": 0.50, "checkout": 0.25, "staff": None}
RSS_TARGET_MB = 200
CART_PRODUCTS = 10  # per user in the add-to-cart phase
SEARCH_WORDS = ["mug", "bag", "lantern", "candle", "heart", "star"]


async def prepare_shop(database: Path, products: int, variants: int = 1) -> list[str]:
    """The catalog ``bot_throughput`` uses, imported the way a shop imports it."""
    from bot.config import load_settings
    from bot.runtime import open_database
    from domain.ports import SystemClock
    from domain.usecases.imports.lists import import_carriers, import_warehouses
    from domain.usecases.imports.products import import_products
    from domain.usecases.imports.stock import import_stock
    from storage.uow import SqlUnitOfWork

    settings = load_settings(database_url=f"sqlite+aiosqlite:///{database}", default_currency="GBP")
    engine, sessions = await open_database(settings)
    try:
        products_csv, stock_csv, skus = catalog_csv(products, variants)
        await import_warehouses(SqlUnitOfWork(sessions), (DEMO / "warehouses.csv").read_text(encoding="utf-8"))
        await import_products(SqlUnitOfWork(sessions), SystemClock(), products_csv)
        await import_stock(SqlUnitOfWork(sessions), SystemClock(), stock_csv)
        await import_carriers(SqlUnitOfWork(sessions), (DEMO / "carriers.csv").read_text(encoding="utf-8"))
    finally:
        await engine.dispose()
    return skus


@contextlib.asynccontextmanager
async def bot_process(server: SandboxServer, args: list[str], workdir: Path, **env: str) -> AsyncIterator[int]:
    """A bot as its own process polling ``server``; yields its pid once it polls. Should it
    die before it is stopped, the bench stops too and shows the end of its log."""
    variables = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_TOKEN": server.token,
                 "TELEGRAM_API_URL": server.url, **env}  # fmt: skip
    log = workdir / f"{Path(args[-1]).stem}.log"
    with log.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=variables, cwd=workdir, stdout=err, stderr=err
        )
    bench, stopping = asyncio.current_task(), False

    async def watch() -> None:
        await process.wait()
        if not stopping and bench is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            print(f"{' '.join(args)} exited with {process.returncode}:\n{tail}", file=sys.stderr)
            bench.cancel()

    watcher = asyncio.create_task(watch())
    try:
        for _ in range(1200):  # two minutes to start, on a busy machine
            if any(call.method == "getUpdates" for call in server.calls):
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"{' '.join(args)} did not start polling")
        yield process.pid
    finally:
        stopping = True
        if process.returncode is None:
            process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 20)
        if process.returncode is None:
            process.kill()
        await watcher


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (``/proc/PID/stat``), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Wraps a load so each counted slice adds the bot process's CPU seconds and the updates
    it answered (rate × the slice's time); warm-up turns are left out by ``reset``."""

    def __init__(self, pid: int) -> None:
        self.pid, self.cpu, self.updates = pid, 0.0, 0.0

    def reset(self) -> None:
        self.cpu, self.updates = 0.0, 0.0

    def wrap(self, load: Callable[[float], Awaitable[float]]) -> Callable[[float], Awaitable[float]]:
        async def run(seconds: float) -> float:
            cpu, started = cpu_seconds(self.pid), time.perf_counter()
            rate = await load(seconds)
            self.cpu += cpu_seconds(self.pid) - cpu
            self.updates += rate * (time.perf_counter() - started)
            return rate

        return run

    def us_per_update(self) -> float:
        return self.cpu / self.updates * 1e6 if self.updates else float("nan")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def category_buttons(message: BotMessage) -> list[str]:
    """The labels of a message's category buttons (``CategoryPageCb``, packed as ``cp:…``):
    a category, or the list's next page; never another screen's button."""
    return [b["text"] for b in message.buttons() if str(b.get("callback_data", "")).startswith("cp:")]


class Shop:
    """The users' side of Ordergram: one closed-loop operation per phase."""

    def __init__(
        self, server: SandboxServer, users: list[SandboxUser], staff: list[SandboxUser], skus: list[str], database: Path
    ) -> None:
        self.server, self.users, self.staff_users, self.skus, self.database = server, users, staff, skus, database
        self.rng = random.Random(11)
        self.codes: list[str] = []
        self.categories: dict[int, BotMessage | None] = {}
        self.browsing_step = {u.id: itertools.cycle(range(5)) for u in users}
        self.staff_step = {u.id: itertools.cycle(range(3)) for u in staff}
        # A cart holds at most 20 lines: each user adds from ten products of its own (a line's
        # quantity grows), so every ``/add`` is one the bot accepts, not a "cart is full".
        self.cart_skus = {u.id: itertools.cycle(self.rng.sample(skus, CART_PRODUCTS)) for u in users}
        self.latencies: dict[str, list[float]] = defaultdict(list)  # kind of update -> reply times, s
        self.refused = 0  # /add answered with anything but "Added …"

    async def send(self, user: SandboxUser, text: str) -> int:
        kind = text.split()[0].split("_")[0]  # "/start p_B000001" -> "/start"; deep links kept apart below
        kind = "/start p_…" if text.startswith("/start p_") else kind
        self.latencies[kind].append(await timed(self.server, user, lambda: user.send(text)))
        return 1

    async def browse(self, user: SandboxUser) -> int:
        step = next(self.browsing_step[user.id])
        if step == 0:
            return await self.send(user, f"/start p_{self.rng.choice(self.skus)}")
        if step == 1:
            # ``timed`` returns at the first activity in the chat, which may be the late edit
            # of the step before (a press is answered, then its message edited): the category
            # list is the newest message with category buttons sent after /catalog, not
            # whatever came last. Taking the last message once took the cart, whose
            # "Checkout" the next step pressed: the user was then in checkout, and a later
            # category press found the phone prompt.
            before = self.server.last_message(user.id)
            await self.send(user, "/catalog")
            await until(self.server, user, partial(self.category_list, user, before.message_id if before else 0))
            return 1
        if step == 2:  # a category page from the list this user was just shown
            categories = self.categories.pop(user.id, None)
            labels = category_buttons(categories) if categories is not None else []
            if categories is None or not labels:
                return await self.send(user, "/catalog")
            label = self.rng.choice(labels)
            self.latencies["category press"].append(
                await timed(self.server, user, lambda: user.press(categories, label))
            )
            return 1
        if step == 3:
            return await self.send(user, "/cart")
        return await self.send(user, f"/search {self.rng.choice(SEARCH_WORDS)}")

    def category_list(self, user: SandboxUser, since: int) -> bool:
        """Whether a category list came after message ``since``; kept for the next step."""
        for message in reversed(self.server.chat_messages(user.id)):
            if message.message_id <= since:
                return False
            if category_buttons(message):
                self.categories[user.id] = message
                return True
        return False

    async def add(self, user: SandboxUser) -> int:
        sent = await self.send(user, f"/add {next(self.cart_skus[user.id])} 1")
        reply = self.server.last_message(user.id)
        if reply is None or not (reply.text or "").startswith("Added"):
            self.refused += 1  # printed: a phase of refusals would measure the wrong path
        return sent

    async def checkout(self, user: SandboxUser) -> int:
        await checkout_once(self.server, user, self.rng.choice(self.skus))
        return 7

    async def staff(self, user: SandboxUser) -> int:
        step = next(self.staff_step[user.id])
        if step == 0:
            return await self.send(user, f"/stock {self.rng.choice(self.skus)}")
        if step == 1:
            if not self.codes:
                with contextlib.closing(sqlite3.connect(self.database)) as db:
                    self.codes = [code for (code,) in db.execute("SELECT code FROM orders")]
            return await self.send(user, f"/order {self.rng.choice(self.codes)}")
        return await self.send(user, "/queue LON")

    def load(self, op: Callable[[SandboxUser], Awaitable[int]]) -> Callable[[float], Awaitable[float]]:
        users = self.staff_users if op == self.staff else self.users
        return lambda seconds: closed_loop(users, seconds, op)


def profiled(load: Callable[[float], Awaitable[float]], pid: int, out: Path) -> Callable[[float], Awaitable[float]]:
    """``load`` with py-spy sampling the ``ordergram run`` process meanwhile; each slice
    appends its collapsed stacks to ``out``.txt (the echo slices between are left out)."""
    spy = Path(sys.executable).with_name("py-spy")
    out.parent.mkdir(parents=True, exist_ok=True)
    turn = itertools.count()

    async def run(seconds: float) -> float:
        part = out.with_name(f"{out.name}.{next(turn)}.txt")
        record = await asyncio.create_subprocess_exec(
            str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--nonblocking",
            "--output", str(part), "--duration", str(math.ceil(seconds)),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await asyncio.sleep(0.3)  # py-spy attaching
        rate = await load(seconds)
        await record.wait()
        with out.with_suffix(".txt").open("a") as whole:
            whole.write(part.read_text() if part.exists() else "")
        part.unlink(missing_ok=True)
        return rate

    return run


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--variants", type=int, default=1, help="variants (sizes) per product, 1-6")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8.0, help="per phase and bot")
    parser.add_argument("--slices", type=int, default=4, help="turns each bot takes per phase")
    parser.add_argument("--phases", default=",".join(TARGETS), help="comma-separated, of: " + ", ".join(TARGETS))
    parser.add_argument("--latencies", action="store_true", help="print reply times per kind of update")
    parser.add_argument("--profile", type=Path, help="a folder for py-spy's record of each phase")
    args = parser.parse_args()
    phases = args.phases.split(",")
    if unknown := set(phases) - TARGETS.keys():
        parser.error(f"no phase {', '.join(sorted(unknown))}")
    load = os.getloadavg()
    print(f"echo bot and ordergram run as processes ({args.products:,} products × {args.variants} variant(s)), "
          f"{args.users} users each; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    echo_server, shop_server = SandboxServer(), SandboxServer()
    await echo_server.start()
    await shop_server.start()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "shop.sqlite3"
        started = time.perf_counter()
        skus = await prepare_shop(database, args.products, args.variants)
        print(f"  imported {args.products:,} products × {args.variants} variant(s) and their stock"
              f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
        staff_ids = [9000 + i for i in range(args.users)]  # admins for the staff phase; customers are not staff
        # Each simulated customer checks out again and again, paying at pickup: MAX_UNPAID_ORDERS=0 (no cap).
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}", "DEFAULT_CURRENCY": "GBP", "MAX_UNPAID_ORDERS": "0",
               "ADMIN_IDS": ",".join(map(str, staff_ids))}  # fmt: skip
        async with (
            bot_process(echo_server, [str(ROOT / "bench" / "echo_bot.py")], Path(tmp)) as echo_pid,
            bot_process(shop_server, ["-m", "bot.cli", "run"], Path(tmp), **env) as pid,
        ):
            echo_users = [SandboxUser(echo_server, 100 + i, f"E{i}", wait=False) for i in range(args.users)]
            users = [SandboxUser(shop_server, 5000 + i, f"U{i}", wait=False) for i in range(args.users)]
            staff = [SandboxUser(shop_server, i, f"S{i}", wait=False) for i in staff_ids]
            for user in users + staff:  # registration is a one-off write: kept out of the figures
                await timed(shop_server, user, partial(user.send, "/start"))
            shop = Shop(shop_server, users, staff, skus, database)

            async def hello(user: SandboxUser) -> int:
                await timed(echo_server, user, partial(user.send, "hello"))
                return 1

            def echo(seconds: float) -> Awaitable[float]:
                return closed_loop(echo_users, seconds, hello)

            results, meters = {}, {}
            for phase, op in (("browsing", shop.browse), ("add-to-cart", shop.add), ("checkout", shop.checkout),
                              ("staff", shop.staff)):  # fmt: skip
                if phase not in phases:
                    continue
                meters[phase] = sides = (CpuMeter(echo_pid), CpuMeter(pid))
                # Metered inside ``profiled``: around it, the slice's time took in py-spy's
                # start and the wait for it to finish, and the updates (rate × time) grew with it.
                ours = sides[1].wrap(shop.load(op))
                if args.profile is not None:
                    ours = profiled(ours, pid, args.profile / phase)
                results[phase] = await alternating(
                    sides[0].wrap(echo), ours, args.seconds, args.slices, resets=[m.reset for m in sides]
                )
                print(f"  {phase}: done")
            rss = peak_rss_mb(pid)
        if args.profile is not None:  # its one record per update: handler, time, statements
            shutil.copy(Path(tmp) / "run.log", args.profile / "run.log")
    await echo_server.stop()
    await shop_server.stop()
    print()
    for phase, (echo_rate, rate) in results.items():
        target = TARGETS[phase]
        verdict = "" if target is None else f"target ≥ {target:.0%}: {'PASS' if rate / echo_rate >= target else 'FAIL'}"
        print(f"{phase:<12} echo {echo_rate:7.1f}/s  ordergram {rate:7.1f}/s  = {rate / echo_rate:6.1%}  {verdict}")
    print("CPU per update answered (user + system of each bot process; steadier than the rates on a busy machine):")
    for phase, (theirs, ours_meter) in meters.items():
        echo_us, our_us = theirs.us_per_update(), ours_meter.us_per_update()
        print(f"  {phase:<12} echo {echo_us:6.0f} µs  ordergram {our_us:6.0f} µs  = echo's {echo_us / our_us:6.1%}")
    if "add-to-cart" in results:
        print(f'add-to-cart: {shop.refused} refused (answered with anything but "Added …")')
    print(f"peak RSS of ordergram run: {rss:.0f} MB  target ≤ {RSS_TARGET_MB} MB: "
          f"{'PASS' if rss <= RSS_TARGET_MB else 'FAIL'}")  # fmt: skip
    if args.latencies:
        print("reply times per kind of update (all slices, warm-up included): median / p95 ms")
        for kind, times in sorted(shop.latencies.items()):
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(f"  {kind:<16} {len(times):6d} × {statistics.median(times) * 1000:7.1f} / {p95 * 1000:7.1f}")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
