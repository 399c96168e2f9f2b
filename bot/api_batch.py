"""The intake API's batch of orders: each placed on its own, the answer listing every one's outcome in order."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.api_problems import INVALID, ApiProblem, domain_problem, problem_body
from domain.errors import DomainError

log = logging.getLogger(__name__)

MAX_BATCH_BODY = 4 * 1024 * 1024  # a hundred orders of a single order's most (256 KiB) would not fit: big enough

# One entry of the batch as sent → its order as POST /orders answers it, and whether this request placed it.
PlaceOne = Callable[[Any], Awaitable[tuple[dict[str, Any], bool]]]

_SHAPE = 'orders: send {"orders": [{"idempotency_key": "…", "order": {…}}, …]}, at least one order'


def batch_entries(data: Any, most: int, why: str) -> list[Any]:
    """The batch's entries as sent, each checked on its own when placed: the whole batch is refused
    only for its shape or for holding more than ``most`` orders (``why``: the limit's name)."""
    if not isinstance(data, dict) or set(data) != {"orders"} or not isinstance(data["orders"], list):
        raise ApiProblem(422, INVALID, _SHAPE, field="orders")
    entries: list[Any] = data["orders"]
    if not entries:
        raise ApiProblem(422, INVALID, _SHAPE, field="orders")
    if len(entries) > most:
        detail = f"orders: at most {most} orders a batch ({why}); this one has {len(entries)}: send the rest in another"
        raise ApiProblem(413, "Too many orders", detail, field="orders", max_orders=most)
    return entries


async def place_batch(entries: Sequence[Any], place: PlaceOne) -> dict[str, Any]:
    """Each entry placed in turn, in its own transaction: one refused, the others go on. The
    answer is ``BatchOut``'s (built as dicts: each order and problem exactly as POST /orders gives it)."""
    results: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        key = entry.get("idempotency_key") if isinstance(entry, dict) else None
        head = {"index": index, "idempotency_key": key if isinstance(key, str) and len(key) <= 255 else None}
        try:
            order, created = await place(entry)
        except ApiProblem as p:
            results.append(_refused(head, p))
        except DomainError as error:
            results.append(_refused(head, domain_problem(error)))
        except Exception:  # a bug in one order's placing: the orders before it stay placed and are told
            log.exception("API batch order %d failed", index)
            results.append(_refused(head, ApiProblem(500, "Internal error", "The order could not be placed.")))
        else:
            outcome, status = ("created", 201) if created else ("already_placed", 200)
            results.append({**head, "outcome": outcome, "status": status, "order": order})
    counts = {outcome: sum(r["outcome"] == outcome for r in results) for outcome in ("created", "already_placed")}
    return {"results": results, **counts, "refused": len(results) - sum(counts.values())}


def _refused(head: dict[str, Any], p: ApiProblem) -> dict[str, Any]:
    return {**head, "outcome": "refused", "status": p.status, "problem": problem_body(p)}
