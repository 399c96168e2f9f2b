"""Reply latency of a real ``ordergram run`` on a seeded shop, under an open-loop mix of traffic.

The shop is one ``bench/seed_scale.py`` made (``--scale 1``: 1,000,000 orders); its per-day
sales summary is brought up to date first, as a running shop's is. Ordergram then runs as its
own process polling a sandbox Bot API server in this process, and updates arrive at a fixed
rate whatever the replies (open loop; a user has one update in flight at most, as a person
waits for the answer): seeded customers, each with their own orders, browse (product cards,
the category list, search), add to the cart and look at it, list their orders and track one;
staff (admins) open an order, the LON queue, a product's stock and a customer. Each reply's
latency is the time from the update reaching the Bot API server to the bot's first answer in
that chat. Printed: p50 / p95 / max per kind, for customers, for staff and overall, against
the target (p95 ≤ 50 ms), with the machine's load average at the start and the end, and the
bot process's CPU per update (steadier than the latencies when other work shares the machine).

    python bench/latency_scale.py sqlite+aiosqlite:///scale.sqlite3 [--rate 100] [--seconds 60]
    python bench/latency_scale.py postgresql+asyncpg://postgres@127.0.0.1:5432/scale
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
sys.path.insert(0, str(ROOT / "bench"))

from bot_throughput import timed  # noqa: E402
from bot_throughput_oop import bot_process, cpu_seconds, peak_rss_mb  # noqa: E402
from sqlalchemy import bindparam, text  # noqa: E402

from sandbox import SandboxServer, SandboxUser  # noqa: E402

TARGET_MS = 50.0
SEARCH_WORDS = ["heart", "lantern", "bag", "candle", "mug", "holder", "vintage", "christmas"]
STAFF_IDS = [9000 + i for i in range(20)]  # admins for the bench (ADMIN_IDS)
# Kind → (who sends it, share of the updates): four fifths customers, a fifth staff.
MIX = {
    "card": ("customer", 20),
    "catalog": ("customer", 10),
    "search": ("customer", 10),
    "add": ("customer", 15),
    "cart": ("customer", 10),
    "orders": ("customer", 10),
    "track": ("customer", 5),
    "/order": ("staff", 5),
    "/queue": ("staff", 5),
    "/stock": ("staff", 5),
    "/customer": ("staff", 5),
}


@dataclass
class Shop:
    """What the traffic is made of, read from the seeded database."""

    skus: list[str]
    customers: list[tuple[int, str, list[str]]]  # telegram id, first name, their order codes
    codes: list[str] = field(default_factory=list)
    orders: int = 0
    last_update: int = 0  # the highest update id the shop's inbox has seen


async def read_shop(url: str, customers: int, currency: str) -> tuple[Shop, float]:
    """The shop's SKUs and a sample of customers with orders; the sales summary brought up to
    date (seconds it took), as the running shop's scheduler keeps it."""
    from bot.config import load_settings
    from bot.runtime import open_database
    from domain.ports import SystemClock
    from domain.usecases.sales import summarise_sales
    from storage.uow import SqlUnitOfWork

    settings = load_settings(database_url=url, default_currency=currency)
    engine, sessions = await open_database(settings)
    try:
        async with engine.connect() as db:
            skus = [s for (s,) in await db.execute(text("SELECT sku FROM products WHERE status = 'active'"))]
            count = int(await db.scalar(text("SELECT count(*) FROM customers")) or 0)
            step = max(count // customers, 1)
            people = (
                await db.execute(
                    text("SELECT id, telegram_id, first_name FROM customers WHERE id % :step = 0 ORDER BY id LIMIT :n"),
                    {"step": step, "n": customers},
                )
            ).all()
            codes: dict[int, list[str]] = {row.id: [] for row in people}
            mine = text("SELECT customer_id, code FROM orders WHERE customer_id IN :ids")
            for customer_id, code in await db.execute(
                mine.bindparams(bindparam("ids", expanding=True)), {"ids": list(codes)}
            ):
                codes[customer_id].append(code)
            orders = int(await db.scalar(text("SELECT max(id) FROM orders")) or 0)
            # A run before this one left its update ids in the inbox, which would take ours for
            # updates delivered again: this Bot API server numbers on from them, as Telegram does.
            last_update = int(await db.scalar(text("SELECT max(update_id) FROM update_inbox")) or 0)
        started = time.perf_counter()
        while (await summarise_sales(SqlUnitOfWork(sessions), SystemClock(), timezone=settings.timezone)).more:
            pass
        built = time.perf_counter() - started
    finally:
        await engine.dispose()
    sample = [(row.telegram_id, row.first_name, codes[row.id]) for row in people if codes[row.id]]
    return Shop(skus, sample, [c for _, _, mine in sample for c in mine], orders, last_update), built


class Traffic:
    """One update of a kind, from an idle user of the right side."""

    def __init__(self, server: SandboxServer, shop: Shop, rng: random.Random) -> None:
        self.server, self.shop, self.rng = server, shop, rng
        self.customers = {
            telegram_id: (SandboxUser(server, telegram_id, name, wait=False), mine)
            for telegram_id, name, mine in shop.customers
        }
        self.staff = [SandboxUser(server, i, f"Staff{i}", wait=False) for i in STAFF_IDS]
        self.idle = {"customer": list(self.customers), "staff": list(STAFF_IDS)}
        self.kinds = list(MIX)
        self.weights = [share for _, share in MIX.values()]

    def text_for(self, kind: str, user_id: int) -> str:
        rng, shop = self.rng, self.shop
        if kind == "card":
            return f"/start p_{rng.choice(shop.skus)}"
        if kind == "catalog":
            return "/catalog"
        if kind == "search":
            return f"/search {rng.choice(SEARCH_WORDS)}"
        if kind == "add":
            return f"/add {rng.choice(shop.skus)} 1"
        if kind == "cart":
            return "/cart"
        if kind == "orders":
            return "/orders"
        if kind == "track":
            return f"/track {rng.choice(self.customers[user_id][1])}"
        if kind == "/order":
            return f"/order {rng.choice(shop.codes)}"
        if kind == "/queue":
            return "/queue LON"
        if kind == "/stock":
            return f"/stock {rng.choice(shop.skus)}"
        return f"/customer {rng.choice(list(self.customers))}"

    def pick(self) -> tuple[str, SandboxUser] | None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        side = MIX[kind][0]
        idle = self.idle[side]
        if not idle:
            return None
        user_id = idle.pop(self.rng.randrange(len(idle)))
        user = self.customers[user_id][0] if side == "customer" else self.staff[user_id - STAFF_IDS[0]]
        return kind, user

    def release(self, kind: str, user: SandboxUser) -> None:
        self.idle[MIX[kind][0]].append(user.id)


async def open_loop(traffic: Traffic, rate: float, seconds: float) -> tuple[dict[str, list[float]], int, int]:
    """Updates at ``rate`` a second for ``seconds``: each kind's latencies (s), updates that
    found no idle user (skipped), and replies that never came within 30 s."""
    latencies: dict[str, list[float]] = {kind: [] for kind in MIX}
    skipped = lost = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(kind: str, user: SandboxUser) -> None:
        nonlocal lost
        words = traffic.text_for(kind, user.id)
        try:
            latencies[kind].append(await timed(traffic.server, user, lambda: user.send(words)))
        except TimeoutError:
            lost += 1
        traffic.release(kind, user)

    interval = 1 / rate
    next_at = time.perf_counter()
    end = next_at + seconds
    while next_at < end:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        picked = traffic.pick()
        if picked is None:
            skipped += 1
        else:
            task = asyncio.create_task(one(*picked))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        next_at += interval
    await asyncio.gather(*tasks)
    return latencies, skipped, lost


async def profiler(pid: int, out: Path, seconds: float) -> asyncio.subprocess.Process:
    """py-spy sampling the bot process while it is measured (``pip install py-spy``)."""
    spy = Path(sys.executable).with_name("py-spy")
    return await asyncio.create_subprocess_exec(
        str(spy), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--format", "raw",
        "--output", str(out), "--nonblocking", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def line(name: str, values: list[float], width: int = 12) -> str:
    if not values:
        return f"{name:<{width}} no replies"
    ms = sorted(v * 1000 for v in values)
    p95 = statistics.quantiles(ms, n=100, method="inclusive")[94] if len(ms) > 1 else ms[0]
    verdict = "PASS" if p95 <= TARGET_MS else "FAIL"
    return (
        f"{name:<{width}} n={len(ms):>6}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {ms[-1]:8.1f} ms  {verdict}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="a database bench/seed_scale.py seeded")
    parser.add_argument("--rate", type=float, default=100.0, help="updates a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds at the same rate, not counted")
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--currency", default="EUR", help="the seeded shop's base currency")
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--profile", type=Path, help="py-spy's collapsed stacks of the measured run, to this file")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at the start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
    shop, built = await read_shop(args.url, args.customers, args.currency)
    engine = args.url.split(":", 1)[0]
    print(f"{engine}: {shop.orders:,} orders, {len(shop.skus):,} products; {len(shop.customers)} customers with "
          f"{len(shop.codes):,} orders between them; sales summary brought up to date in {built:.1f} s")  # fmt: skip
    server = SandboxServer()
    server.next_update_id = shop.last_update + 1
    await server.start()
    env = {"DATABASE_URL": args.url, "DEFAULT_CURRENCY": args.currency, "ADMIN_IDS": ",".join(map(str, STAFF_IDS))}
    with tempfile.TemporaryDirectory() as tmp:
        async with bot_process(server, ["-m", "bot.cli", "run"], Path(tmp), **env) as pid:
            traffic = Traffic(server, shop, random.Random(args.seed))
            await open_loop(traffic, args.rate, args.warmup)
            spy = await profiler(pid, args.profile, args.seconds) if args.profile else None
            started, cpu = time.perf_counter(), cpu_seconds(pid)
            latencies, skipped, lost = await open_loop(traffic, args.rate, args.seconds)
            took, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
            if spy is not None:
                await spy.wait()
            rss = peak_rss_mb(pid)
    await server.stop()
    sent = sum(len(v) for v in latencies.values()) + lost
    print(f"\n{sent:,} updates in {took:.1f} s = {sent / took:.1f}/s (asked {args.rate:g}/s; {skipped} found no "
          f"idle user, {lost} unanswered in 30 s); target p95 ≤ {TARGET_MS:g} ms")  # fmt: skip
    by_side: dict[str, list[float]] = {"customer": [], "staff": []}
    for kind, values in latencies.items():
        print(line(kind, values))
        by_side[MIX[kind][0]] += values
    print(line("customers", by_side["customer"]))
    print(line("staff", by_side["staff"]))
    print(line("overall", by_side["customer"] + by_side["staff"]))
    load = os.getloadavg()
    answered = sent - lost
    per_update = cpu / max(answered, 1) * 1e6
    print(f"CPU of ordergram run per update answered: {per_update:,.0f} µs ({cpu / took:.0%} of a core)")
    print(f"peak RSS of ordergram run {rss:.0f} MB; load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
