"""Every button's callback data: defined in one place (the customer's module and staff's),
prefixes unique, and never over Telegram's 64 bytes, whatever values its fields may hold."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from collections.abc import Iterator
from enum import Enum
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

import annotated_types
import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

import bot
import handlers

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
WIDEST_FIRST = ("😀", "€", "é", "x")  # one character of each UTF-8 width, 4 bytes down to 1


def _subclasses(cls: type[CallbackData]) -> Iterator[type[CallbackData]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _factories() -> list[type[CallbackData]]:
    """Every factory the bot defines: all of handlers and bot imported first, so a new one
    anywhere is found (the tests' own, if any, are not the bot's)."""
    for package in (handlers, bot):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found = {cls for cls in _subclasses(CallbackData) if not cls.__module__.startswith(("tests.", "aiogram."))}
    return sorted(found, key=lambda cls: cls.__name__)


FACTORIES = _factories()


def test_every_callback_data_factory_lives_in_handlers_callbacks() -> None:
    assert len(FACTORIES) > 30  # the discovery finds them all, not a lucky few
    homes = {"handlers.callbacks", "handlers.callbacks_staff"}
    assert [cls.__qualname__ for cls in FACTORIES if cls.__module__ not in homes] == []


def test_no_two_factories_share_a_prefix() -> None:
    counts = Counter(cls.__prefix__ for cls in FACTORIES)
    assert {prefix: n for prefix, n in counts.items() if n > 1} == {}


def _alternatives(kind: object) -> tuple[object, ...]:
    if isinstance(kind, UnionType) or get_origin(kind) is Union:
        return tuple(alternative for part in get_args(kind) for alternative in _alternatives(part))
    return (kind,)


def _widest_text(name: str, field: FieldInfo) -> str:
    """The longest text the field accepts, in bytes: its maximum length in the widest
    character its pattern lets through."""
    longest = next((m.max_length for m in field.metadata if isinstance(m, annotated_types.MaxLen)), None)
    if longest is None:
        pytest.fail(f"{name}: a text without max_length cannot be shown to fit")
    check: TypeAdapter[str] = TypeAdapter(Annotated[(str, *field.metadata)])
    for char in WIDEST_FIRST:
        try:
            return str(check.validate_python(char * longest))
        except ValidationError:
            continue
    pytest.fail(f"{name}: no text of its maximum length is accepted")


def _candidates(name: str, field: FieldInfo) -> list[object]:
    """The values that may pack longest: every member of a choice, the bounds of a number,
    the widest text."""
    values: list[object] = []
    for kind in _alternatives(field.annotation):
        if isinstance(kind, type) and issubclass(kind, Enum):
            values += list(kind)
        elif get_origin(kind) is Literal:
            values += list(get_args(kind))
        elif kind is bool:
            values += [True, False]
        elif kind is int:
            top = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
            bottom = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
            if top is None or bottom is None:
                pytest.fail(f"{name}: a number without bounds (ge, le) cannot be shown to fit")
            values += [top, bottom]
        elif kind is str:
            values.append(_widest_text(name, field))
        else:
            pytest.fail(f"{name}: {kind!r} has no known largest value")
    return values


def _packed_bytes(factory: type[CallbackData], name: str, value: object) -> int:
    return len(factory._encode_value(factory, name, value).encode())  # type: ignore[arg-type]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda cls: cls.__name__)
def test_callback_data_fits_in_64_bytes_at_its_largest_values(factory: type[CallbackData]) -> None:
    largest = {
        name: max(_candidates(f"{factory.__name__}.{name}", field), key=lambda v: _packed_bytes(factory, name, v))
        for name, field in factory.model_fields.items()
    }
    packed = factory(**largest).pack()  # validated as a button would be; pack refuses over 64 bytes too
    assert len(packed.encode()) <= MAX_CALLBACK_BYTES
    assert factory.unpack(packed) == factory(**largest)  # and a press carrying it is understood


def test_every_order_code_fits_a_buttons_code_whole_so_a_press_finds_its_order(i18n: object) -> None:
    """Buttons carry an order's code whole (a code cut short would find no order, or another):
    codes are made ``CODE_LENGTH`` long, the API cannot set one, and the column holds as many
    characters as a callback's ``Code`` does; 64 bytes would take more."""
    from aiogram.types import InlineKeyboardMarkup

    from domain.orders import CODE_LENGTH, new_order_code
    from handlers.callbacks import Code, DocumentCb, PayDifferenceCb
    from handlers.views.notification_buttons import buttons_for
    from storage.models import OrderRow, ReturnRow

    longest = next(rule.max_length for rule in get_args(Code)[1].metadata if hasattr(rule, "max_length"))
    assert CODE_LENGTH == len(new_order_code()) <= getattr(OrderRow.__table__.c.code.type, "length", 0) == longest
    assert getattr(ReturnRow.__table__.c.rma_code.type, "length", None) == longest
    code = "Z" * longest
    edited = buttons_for("order_edited", {"code": code, "charge_minor": 85})
    notes = buttons_for("order_goodwill", {"code": code, "credit_note": 7})
    assert isinstance(edited, InlineKeyboardMarkup) and isinstance(notes, InlineKeyboardMarkup)
    assert PayDifferenceCb.unpack(str(edited.inline_keyboard[0][0].callback_data)).code == code
    assert DocumentCb.unpack(str(notes.inline_keyboard[0][0].callback_data)).code == code
