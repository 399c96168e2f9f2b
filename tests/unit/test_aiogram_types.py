"""aiogram's types built on first use (bot/aiogram_types.py) validate and serialise as aiogram's eager build does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

UPDATES = [
    {
        "update_id": 1,
        "message": {
            "message_id": 7,
            "date": 1764806400,
            "chat": {"id": 42, "type": "private", "first_name": "Ann"},
            "from": {"id": 42, "is_bot": False, "first_name": "Ann", "language_code": "ru"},
            "text": "/start ref-abc",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "photo": [{"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}],
            "reply_markup": {"inline_keyboard": [[{"text": "Add", "callback_data": "add:1"}]]},
        },
    },
    {
        "update_id": 2,
        "callback_query": {
            "id": "9",
            "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
            "chat_instance": "c",
            "data": "cat:3:1",
            "message": {"message_id": 8, "date": 1764806400, "chat": {"id": 42, "type": "private"}, "text": "hi"},
        },
    },
    {
        "update_id": 3,
        "pre_checkout_query": {
            "id": "q",
            "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
            "currency": "GBP",
            "total_amount": 1250,
            "invoice_payload": "order:5",
        },
    },
    {
        "update_id": 4,
        "shipping_query": {
            "id": "s",
            "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
            "invoice_payload": "buy:5",
            "shipping_address": {
                "country_code": "GB",
                "state": "",
                "city": "London",
                "street_line1": "1 High St",
                "street_line2": "",
                "post_code": "N1",
            },
        },
    },
]

PROBE = """
import json, sys
{first}
import aiogram.types as T
from aiogram.methods import SendMessage
from aiogram.methods.base import Response
types = [getattr(T, n) for n in T.__all__ if hasattr(getattr(T, n), "model_rebuild")]
deferred = sum(1 for t in types if not t.__pydantic_complete__)
given = json.loads(sys.argv[1])
updates = [T.Update.model_validate(u).model_dump(mode="json", exclude_none=True) for u in given]
keyboard = T.InlineKeyboardMarkup(inline_keyboard=[[T.InlineKeyboardButton(text="a", callback_data="b")]])
sent = repr(SendMessage(chat_id=1, text="x", reply_markup=keyboard).model_dump(exclude_none=True))
reply = Response[T.Message].model_validate({{"ok": True, "result": given[1]["callback_query"]["message"]}})
{after}
found = {{"deferred": deferred, "updates": updates, "sent": sent, "reply": reply.result.model_dump(mode="json")}}
print(json.dumps(found | {{"extra": extra}}))
"""

EVERY_TYPE = """
failed = [t.__name__ for t in types if t.model_rebuild(raise_errors=True) is False]
extra = {"failed": failed, "incomplete": [t.__name__ for t in types if not t.__pydantic_complete__]}
"""


def _run(first: str, after: str = "extra = None") -> dict[str, object]:
    code = PROBE.format(first=first, after=after)
    run = subprocess.run([sys.executable, "-c", code, json.dumps(UPDATES)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    found: dict[str, object] = json.loads(run.stdout)
    return found


def test_updates_and_requests_come_out_the_same_built_on_first_use_as_built_at_import() -> None:
    eager = _run(first="")
    deferred = _run(first="import bot")
    assert eager["deferred"] == 0
    assert isinstance(deferred["deferred"], int) and deferred["deferred"] > 300  # the import built none of them
    assert deferred["updates"] == eager["updates"]
    assert deferred["sent"] == eager["sent"]
    assert deferred["reply"] == eager["reply"]


def test_every_aiogram_type_still_builds_with_the_names_it_refers_to() -> None:
    found = _run(first="import bot", after=EVERY_TYPE)
    assert found["extra"] == {"failed": [], "incomplete": []}
