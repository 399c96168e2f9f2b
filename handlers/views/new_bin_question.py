"""The question about a bin the warehouse lacks (stock into it, a count of it): make it, take a near one, or cancel."""

from __future__ import annotations

import json
import zlib
from typing import Any, Protocol, runtime_checkable

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.warehouse import NewBin
from handlers.callbacks import rows_of
from handlers.callbacks_staff import NewBinCb
from handlers.views.rendering import fill

NEW_BIN_DATA = "new_bin"  # the conversation's data key holding the receipt the question is about
# Typed last ("/receive SKU QTY WH BIN new", "/move … TO-BIN [WH] new", "/count BIN [WH] new"): made without asking.
NEW_BIN_FLAG = "new"


@runtime_checkable
class TakesOnce(Protocol):
    """A conversation storage that reads an entry of a key's data and forgets it in one step, if its ``token`` is
    the one given (``storage.fsm``, ``storage.fsm_redis``): of two taps at once, one takes it."""

    async def take(self, key: StorageKey, name: str, token: int) -> dict[str, Any] | None: ...


async def taken_once(state: FSMContext, token: int) -> dict[str, Any] | None:
    """The request the question with ``token`` asked about, forgotten as it is read; None if it was taken."""
    if isinstance(state.storage, TakesOnce):
        return await state.storage.take(state.key, NEW_BIN_DATA, token)
    asked = (await state.get_data()).get(NEW_BIN_DATA)  # a storage in this process's memory: no await between
    if not isinstance(asked, dict) or asked.get("token") != token:
        return None
    await state.update_data({NEW_BIN_DATA: None})
    return asked


def token_of(request: dict[str, object]) -> int:
    """A short token of the receipt asked about: a button of another question's is refused."""
    return zlib.crc32(json.dumps(request, sort_keys=True).encode()) & 0x7FFFFFFF


async def ask_new_bin(message: Message, state: FSMContext, asked: NewBin, request: dict[str, object]) -> None:
    """Nothing is received (or moved) until an answer: ✅ makes the bin and puts the stock there, a near bin's
    button puts it there instead, ✖ does nothing. ``request`` is what the command asked for, redone on the answer."""
    token, kind = token_of(request), str(request["kind"])
    await state.update_data({NEW_BIN_DATA: {**request, "token": token, "near": list(asked.near)}})
    text = fill(_(asked.key), bin=asked.bin, warehouse=asked.warehouse)
    if asked.near:
        text += "\n" + fill(_("Bins there with a similar code: {bins}."), bins=", ".join(asked.near))
    buttons = [(_("✅ Create bin {bin}").format(bin=asked.bin), NewBinCb(action="create", token=token, kind=kind))]
    near_bin = _("🔎 Count {bin}") if kind == "count" else _("📦 Into {bin}")  # a count puts nothing into it
    buttons += [
        (near_bin.format(bin=near), NewBinCb(action="near", token=token, index=index, kind=kind))
        for index, near in enumerate(asked.near)
    ]
    buttons.append((_("✖️ Cancel"), NewBinCb(action="cancel", token=token, kind=kind)))
    await message.answer(text, reply_markup=rows_of(*buttons))
