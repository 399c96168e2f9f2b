"""Inline buttons and keyboards made without pydantic's validation, for the keyboards sent most."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import BaseModel

# The rule these rely on. aiogram's Telegram objects are frozen pydantic models, and a model
# given to a field of its own type is taken as it is (never validated again); so an object
# whose ``__dict__``, fields set, extras and private attributes are the ones validation would
# have given *is* the validated object, for equality, dumping and sending. Validating a button
# (~15 µs, most of it pydantic's private-attribute defaults) and packing its callback data
# through a ``CallbackData`` model (~8 µs) were most of a variant card's keyboard, four option
# buttons more than a plain card's. Only values that are valid already are put in: a label is
# a ``str``, callback data a packed string within Telegram's 64 bytes, and ``packed`` takes only
# ids in a ``Number``'s range. ``tests/unit/test_markup.py`` compares every object made here
# with aiogram's own, field by field and as the request body that is sent.

_new = object.__new__
# The four slots every pydantic model has, set through their descriptors found once:
# ``object.__setattr__`` looks each up through the model's five classes on every call
# (~1.2 → ~0.8 µs a button; a variant card has four buttons more than a plain one).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_BUTTON_FIELDS = dict.fromkeys(InlineKeyboardButton.model_fields)
_MARKUP_FIELDS = dict.fromkeys(InlineKeyboardMarkup.model_fields)
_BUTTON_SET = frozenset({"text", "callback_data"})
_MARKUP_SET = frozenset({"inline_keyboard"})
NUMBER_MAX = 2**31 - 1  # ``handlers.callbacks.Number``
_CODE = re.compile(r"[0-9A-Za-z_-]{1,16}")  # ``handlers.callbacks.Code``


def _made(obj: object, fields: dict[str, object], fields_set: frozenset[str]) -> None:
    _set_dict(obj, fields)
    _set_fields_set(obj, set(fields_set))
    _set_extra(obj, {})
    _set_private(obj, {"_bot": None})


def callback_button(text: str, callback_data: str) -> InlineKeyboardButton:
    """``InlineKeyboardButton(text=text, callback_data=callback_data)``, for a ``str`` label and
    packed data (``packed`` or ``CallbackData.pack``); anything else is validated as usual."""
    if type(text) is not str or type(callback_data) is not str:
        return InlineKeyboardButton(text=text, callback_data=callback_data)
    button = _new(InlineKeyboardButton)
    fields = _BUTTON_FIELDS.copy()
    fields["text"] = text
    fields["callback_data"] = callback_data
    _set_dict(button, fields)  # ``_made``'s, inline: every inline button of every keyboard is made here
    _set_fields_set(button, {"text", "callback_data"})
    _set_extra(button, {})
    _set_private(button, {"_bot": None})
    return button


def inline_keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """``InlineKeyboardMarkup(inline_keyboard=rows)`` for rows of buttons made already (by
    ``callback_button`` or validated; anything else is validated as usual)."""
    copied = []
    for row in rows:  # a loop, not ``all()`` over a generator: ~1 µs less a card
        for b in row:
            if type(b) is not InlineKeyboardButton:
                return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in rows])
        copied.append(list(row))
    markup = _new(InlineKeyboardMarkup)
    fields = _MARKUP_FIELDS.copy()
    fields["inline_keyboard"] = copied
    _made(markup, fields, _MARKUP_SET)
    return markup


# What ``packed`` needs of a kind, read once: pydantic's ``model_fields`` is a property (~0.7 µs)
# and a class attribute of a model is looked up through its metaclass (~0.15 µs). Every inline
# button of every keyboard is packed here, a variant card's four option buttons among them.
_SHAPES: dict[type[CallbackData], tuple[int, str, str]] = {}


def packed(kind: type[CallbackData], *values: int | str) -> str:
    """``kind(**fields).pack()`` given every field's value in the order they are declared:
    ``Number``s, and codes a ``Literal`` of the shop's own offers (``CartChange.view``)."""
    shape = _SHAPES.get(kind)
    if shape is None:
        shape = _SHAPES[kind] = (len(kind.model_fields), kind.__prefix__, kind.__separator__)
    count, prefix, separator = shape
    if len(values) != count:
        raise ValueError(f"{kind.__name__} has {count} fields, given {len(values)}")
    parts = [prefix]
    for value in values:
        if type(value) is int:
            if not 0 <= value <= NUMBER_MAX:
                raise ValueError(f"{kind.__name__}: {value} is not a Number")
            parts.append(str(value))
        elif type(value) is str and _CODE.fullmatch(value):
            parts.append(value)
        else:
            raise ValueError(f"{kind.__name__}: {value!r} is neither a Number nor a code")
    data = separator.join(parts)
    if len(data) > MAX_CALLBACK_LENGTH:  # ASCII: a character is a byte
        raise ValueError(f"{kind.__name__}: {data!r} is too long")
    return data


# What ``packed_each`` makes of the fields after the first, per kind and their values: a card's
# option buttons carry the card's category and page, few of them in a shop (strings only, bounded).
_TAILS: dict[tuple[object, ...], tuple[str, str, bool]] = {}
TAILS_KEPT = 1024
_WIDEST_NUMBER = len(str(NUMBER_MAX))


def packed_each(kind: type[CallbackData], leading: Sequence[int], *rest: int | str) -> list[str]:
    """``[packed(kind, first, *rest) for first in leading]``, ``rest`` checked and packed once
    (kept per kind and values: ``_TAILS``): a variant card's option buttons differ only in the
    variant each opens (~1.5 → ~0.4 µs a button). Each leading value is checked as ``packed``
    checks a ``Number``, and the whole data's length as it does (once, for the widest Number,
    when that fits)."""
    key = (kind, *rest, *map(type, rest))  # with the types: True == 1, yet only 1 is a Number
    found = _TAILS.get(key)
    if found is None:
        tail = packed(kind, 0, *rest)  # checks ``rest`` and the count of fields
        _, prefix, separator = _SHAPES[kind]
        head, after = prefix + separator, tail[len(prefix) + len(separator) + 1 :]
        if len(_TAILS) >= TAILS_KEPT:
            _TAILS.clear()
        found = _TAILS[key] = (head, after, len(head) + _WIDEST_NUMBER + len(after) <= MAX_CALLBACK_LENGTH)
    head, after, fits = found
    made = []
    for value in leading:
        if type(value) is not int or not 0 <= value <= NUMBER_MAX:
            raise ValueError(f"{kind.__name__}: {value!r} is not a Number")
        data = f"{head}{value}{after}"
        if not fits and len(data) > MAX_CALLBACK_LENGTH:
            raise ValueError(f"{kind.__name__}: {data!r} is too long")
        made.append(data)
    return made
