"""Where a button's answer goes: its message, or a new one when Telegram no longer lets the bot read that one."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message

# A message over 48 hours old comes with a press as an inaccessible one: it names its chat but cannot be edited.
# Order lists, a return's steps and the staff's screens outlive that, so the next step goes to the chat instead.
Target = Message | InaccessibleMessage


def pressed_in(query: CallbackQuery) -> Target:
    """The message the button was pressed on, to answer in its chat (``answer`` works on either kind)."""
    assert query.message is not None  # an inline message's press: these buttons are all in a chat
    return query.message


async def show_in_place(query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> int:
    """The pressed message shows ``text`` now; one too old to edit leaves it to a new message below. The id of the
    message that shows it."""
    message = pressed_in(query)
    if isinstance(message, Message):
        await message.edit_text(text, reply_markup=reply_markup)
        return message.message_id
    return (await message.answer(text, reply_markup=reply_markup)).message_id
