"""Typed conversation data: a frozen dataclass kept in aiogram's FSM data as a JSON-safe
dict (the storage is a database table or Redis), read back with validation."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from aiogram.fsm.context import FSMContext
from pydantic import TypeAdapter

Draft = TypeVar("Draft")


class DraftSlot(Generic[Draft]):
    """Unknown keys are ignored when reading, so an older or newer release's extras do no harm."""

    def __init__(self, kind: type[Draft]) -> None:
        self._adapter = TypeAdapter(kind)

    def load(self, data: dict[str, Any]) -> Draft:
        return self._adapter.validate_python(data)

    def dump(self, draft: Draft) -> dict[str, Any]:
        data: dict[str, Any] = self._adapter.dump_python(draft, mode="json")
        return data

    async def of(self, state: FSMContext) -> Draft:
        return self.load(await state.get_data())

    async def save(self, state: FSMContext, draft: Draft) -> None:
        """The flow owns its conversation's data (it starts by clearing or setting it), so the
        draft replaces it whole: one write, no read."""
        await state.set_data(self.dump(draft))
