"""Support conversations, the staff side: /conversations, replies to the customer, their edits and /close."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork
from domain.support import Direction
from domain.text import without_direction_controls
from domain.usecases.support import (
    Relayed,
    close_conversation,
    copy_of_staff_message,
    open_conversations,
    record_reply,
    staff_target,
)
from handlers.callbacks import shorten
from handlers.context import OutboxSender, ShopSettings
from handlers.flood import patiently
from handlers.support import edit_copy, not_relayed, relayed_kind, text_of
from handlers.views.outgoing import MAX_CAPTION, MAX_TEXT, telegram_length
from handlers.views.rendering import Renderer

router = Router(name=__name__)
NAME_LIMIT = 64


async def _support_chat(message: Message, settings: ShopSettings) -> bool:
    return settings.support_chat_id is not None and message.chat.id == settings.support_chat_id


def _thread(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def _reply_to(message: Message) -> int | None:
    reply = message.reply_to_message
    # In a forum, a message in a topic "replies" to the topic's first message: not a reply.
    if reply is None or (message.is_topic_message and reply.message_id == message.message_thread_id):
        return None
    return reply.message_id


@router.message(Command("conversations"))
async def conversations(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    """What is open in the support chat, nobody answered yet first: the morning's list."""
    assert message.from_user is not None
    rows, total = await open_conversations(uow, staff_id=message.from_user.id)
    links = [_link(c.chat_id, c.thread_id or c.header_message_id) for c, _customer in rows]
    await message.answer(renderer.render("staff/conversations.html.j2", rows=rows, total=total, links=links))


def _link(chat_id: int, message_id: int | None) -> str | None:
    """A supergroup's topic (or message) as a t.me link members open; a basic group has none."""
    digits = str(chat_id)
    if message_id is None or not digits.startswith("-100"):
        return None
    return f"https://t.me/c/{digits.removeprefix('-100')}/{message_id}"


@router.message(Command("close"), _support_chat)
async def close(message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, notifier: OutboxSender) -> None:
    assert message.from_user is not None
    try:
        conversation = await close_conversation(
            uow,
            clock,
            chat_id=message.chat.id,
            thread_id=_thread(message),
            reply_to=_reply_to(message),
            staff_telegram_id=message.from_user.id,
        )
    except NotFound:  # the General topic, or a reply to something that is no conversation's
        await close_elsewhere(message)
        return
    # Closed in the books already: a refusal for flood control here would tell the agent "something
    # went wrong" about a conversation that is closed, and leave its topic open.
    await patiently(lambda: message.answer(_("Conversation closed; the customer is asked to rate it.")))
    if conversation.thread_id is not None:
        thread_id = conversation.thread_id
        try:
            await patiently(lambda: bot.close_forum_topic(message.chat.id, thread_id))
        except TelegramBadRequest as error:
            if "TOPIC_NOT_MODIFIED" not in error.message:  # closed by hand already: as wanted
                raise


@router.message(Command("close"))
async def close_elsewhere(message: Message) -> None:
    await message.answer(
        _("/close works in the support chat: in the customer's topic, or as a reply to their message.")
    )


@router.message(_support_chat, ~F.text.startswith("/"))
async def staff_reply(message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, settings: ShopSettings) -> None:
    """A staff member writes in a customer's topic (or replies to their message): the
    customer gets it from the bot, signed with the staff member's name if the shop wants."""
    if message.from_user is None or (relayed_kind(message) is None and not not_relayed(message)):
        return  # a service message (a topic closed, a member joined): nobody wrote to the customer
    target = await staff_target(
        uow,
        chat_id=message.chat.id,
        thread_id=_thread(message),
        reply_to=_reply_to(message),
        staff_telegram_id=message.from_user.id,
    )
    if target is None or target.conversation.id is None or target.customer.telegram_id is None:
        return
    if relayed_kind(message) is None:
        await message.reply(
            _("⚠️ Only text, photos, files and voice messages reach the customer: they did not get this.")
        )
        return
    name = shorten(without_direction_controls(message.from_user.full_name), NAME_LIMIT)
    prefix = _signature(name) if settings.support_sign_replies else ""
    to = target.customer.telegram_id
    try:
        if prefix and message.text is not None:  # a long one goes in pieces (handlers.views.outgoing)
            sent_id = (await patiently(lambda: bot.send_message(to, prefix + message.html_text))).message_id
        else:
            caption = None
            if prefix and _fits_signed(name, message):
                caption = prefix + message.html_text
            elif prefix:  # the caption fills Telegram's limit: the name goes just before it, whole
                await patiently(lambda: bot.send_message(to, prefix.rstrip("\n")))
            copied = await patiently(lambda: bot.copy_message(to, message.chat.id, message.message_id, caption=caption))
            sent_id = copied.message_id
    except TelegramForbiddenError:
        await message.reply(_("⚠️ The customer has blocked the bot: they did not get this message."))
        return
    relayed = Relayed(sent_id, message.message_id, relayed_kind(message) or "text", text_of(message))
    await record_reply(uow, clock, conversation_id=target.conversation.id, relayed=relayed, staff_name=name)


def _signature(name: str) -> str:
    return f"💬 <b>{escape(name)}</b>\n"


def _fits_signed(name: str, message: Message) -> bool:
    """Whether the message's text (or caption), signed, is still within Telegram's limit for it."""
    limit = MAX_TEXT if message.text is not None else MAX_CAPTION
    return telegram_length(f"💬 {name}\n{text_of(message)}") <= limit


@router.edited_message(_support_chat)
async def staff_edited(message: Message, bot: Bot, uow: UnitOfWork, settings: ShopSettings) -> None:
    found = await copy_of_staff_message(uow, chat_id=message.chat.id, staff_message_id=message.message_id)
    if found is None or found[0].direction is not Direction.OUT or found[1].telegram_id is None:
        return
    copy, customer = found
    assert customer.telegram_id is not None
    signed = settings.support_sign_replies and copy.staff_name and _fits_signed(copy.staff_name, message)
    prefix = _signature(copy.staff_name or "") if signed else ""  # else the edit, whole, without the name
    await edit_copy(bot, message, customer.telegram_id, copy.customer_message_id, prefix=prefix)
