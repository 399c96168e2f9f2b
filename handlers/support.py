"""Support conversations: "Contact us", the customer's messages to a forum topic (or the
staff chat), staff replies back, edits both ways, /close and the rating."""

from __future__ import annotations

import contextlib
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from domain.customers import Customer
from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork
from domain.support import Direction, MessageGone, NoSupportChat, looks_like_question, topic_name
from domain.usecases.support import (
    Relayed,
    Where,
    close_conversation,
    copy_of_customer_message,
    copy_of_staff_message,
    has_open_conversation,
    open_conversations,
    rate_conversation,
    record_incoming,
    record_reply,
    staff_target,
    start_conversation,
    where_to,
)
from handlers.callbacks import AskPersonCb, ContactCb, SearchInsteadCb, SupportRateCb, rows_of, shorten
from handlers.context import OutboxSender, ShopSettings
from handlers.errors import MAX_ALERT, domain_message
from handlers.flood import patiently
from handlers.menu import CONTACT_BUTTON
from handlers.search import search_text
from handlers.views.outgoing import MAX_CAPTION, MAX_TEXT, telegram_length
from handlers.views.rendering import Renderer, current_locale

router = Router(name=__name__)
RELAYED = ("text", "photo", "document", "voice")  # what a conversation carries (what copyMessage copies)
# What people send that a conversation does not carry: they are told, rather than left to think it arrived.
NOT_RELAYED = ("sticker", "video", "animation", "video_note", "audio", "location", "contact", "poll", "dice")
NAME_LIMIT = 64
STARS_SHOWN = "\n\n⭐"  # where the stars given start, under the rating request
_forums: dict[int, bool] = {}  # support chat id → is it a forum (asked once per process)


class SupportChat(StatesGroup):
    writing = State()  # after "Contact us": the next message opens the conversation


def _kind(message: Message) -> str | None:
    return next((kind for kind in RELAYED if getattr(message, kind, None)), None)


def _text(message: Message) -> str:
    return message.text or message.caption or ""


async def _private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def _support_chat(message: Message, settings: ShopSettings) -> bool:
    return settings.support_chat_id is not None and message.chat.id == settings.support_chat_id


# ------------------------------------------------------------------ the customer's side
@router.message(F.text == CONTACT_BUTTON)
@router.message(Command("support"))
async def contact_from_menu(message: Message, state: FSMContext, settings: ShopSettings, clock: Clock) -> None:
    await _ask_to_write(message, state, settings, clock, order_code="")


@router.callback_query(ContactCb.filter())
async def contact_from_button(
    query: CallbackQuery, callback_data: ContactCb, state: FSMContext, settings: ShopSettings, clock: Clock
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _ask_to_write(query.message, state, settings, clock, order_code=callback_data.code)


async def _ask_to_write(
    message: Message, state: FSMContext, settings: ShopSettings, clock: Clock, *, order_code: str
) -> None:
    if settings.support_chat_id is None:
        raise NoSupportChat()
    await state.set_state(SupportChat.writing)
    await state.update_data(order_code=order_code)
    about = _(" about order {code}").format(code=order_code) if order_code else ""
    await message.answer(
        _("💬 Write your message{about} — text, photos, files or a voice message. A person from the shop "
          "answers here. /cancel to stop.").format(about=about) + _away_note(settings, clock)
    )  # fmt: skip


def _away_until(settings: ShopSettings, clock: Clock) -> datetime | None:
    """When a person next answers, outside SUPPORT_HOURS; None within them (or with none set)."""
    return settings.support_hours.next_answer(clock.now(), ZoneInfo(settings.timezone))


def _when(moment: datetime) -> str:
    """A moment as the reader says it: "Thursday, 26 November, 09:00", «четверг, 26 ноября, 09:00»."""
    return format_datetime(moment, "EEEE, d MMMM, HH:mm", tzinfo=moment.tzinfo, locale=current_locale())


def _away_note(settings: ShopSettings, clock: Clock) -> str:
    """Said under the reply to a customer who opens a conversation outside support hours."""
    until = _away_until(settings, clock)
    if until is None:
        return ""
    return "\n\n" + _("🌙 We are away now. A person answers here when we are back: {when} (shop time).").format(
        when=escape(_when(until))
    )


@router.message(SupportChat.writing, _private, ~F.text.startswith("/"))
async def first_message(
    message: Message,
    bot: Bot,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    i18n: I18n,
) -> None:
    if _kind(message) is None:
        await message.answer(_("Please write text, or send a photo, a file or a voice message."))
        return
    order_code = (await state.get_data()).get("order_code") or None
    await state.clear()
    opened = await _relay_in(message, bot, uow, clock, customer, settings, renderer, i18n, order_code=order_code)
    away = _away_note(settings, clock) if opened else ""
    await message.answer(_("✅ Sent. We will answer here; write more any time.") + away)


async def _question_or_open(message: Message, uow: UnitOfWork, customer: Customer) -> bool:
    """Typed text that goes to support: a question, or anything while a conversation is open."""
    if message.chat.type != ChatType.PRIVATE or customer.id is None:
        return False
    return looks_like_question(message.text or "") or await has_open_conversation(uow, customer.id)


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"), _question_or_open)
async def typed_to_support(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    if settings.support_chat_id is None:  # nowhere to send questions: searching is all we can do
        await search_text(message, message.text or "", uow, customer, settings, renderer, state, clock)
        return
    opened = await _relay_in(message, bot, uow, clock, customer, settings, renderer, i18n, order_code=None)
    # Every message gets an answer, and while a conversation is open this is the one way to search.
    text = (
        _("💬 That looks like a question, so I passed it to a person at the shop; they answer here.")
        + _away_note(settings, clock)
        if opened
        else _("📨 Sent to the shop.")
    )
    await message.answer(
        text,
        reply_markup=rows_of((_("🔎 Search the catalog instead"), SearchInsteadCb(message_id=message.message_id))),
    )


async def _open_conversation(message: Message, uow: UnitOfWork, customer: Customer) -> bool:
    return (
        message.chat.type == ChatType.PRIVATE
        and customer.id is not None
        and (await has_open_conversation(uow, customer.id))
    )


@router.message(StateFilter(None), F.photo | F.document | F.voice, _open_conversation)
async def media_to_support(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    i18n: I18n,
) -> None:
    await _relay_in(message, bot, uow, clock, customer, settings, renderer, i18n, order_code=None)
    await message.answer(_("📨 Sent to the shop."))


def _not_relayed(message: Message) -> bool:
    return any(getattr(message, kind, None) is not None for kind in NOT_RELAYED)


@router.message(StateFilter(None), _not_relayed, _open_conversation)
async def not_relayed_to_support(message: Message) -> None:
    """A sticker, video or location while talking to the shop: it does not reach them, and is said so."""
    await message.answer(
        _(
            "This kind of message does not reach the shop. Please write text, or send a photo, "
            "a file or a voice message."
        )
    )


async def _relay_in(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    i18n: I18n,
    *,
    order_code: str | None,
) -> bool:
    """Copy the customer's message into their conversation, opening one (with its header)
    when none is open; True when one was opened. Telegram is called first and the rows are
    written after: a crash in between replays the update (the inbox), so nothing is lost."""
    chat_id = settings.support_chat_id
    if chat_id is None:
        raise NoSupportChat()
    assert customer.id is not None
    where = await where_to(uow, customer=customer, chat_id=chat_id, order_code=order_code)
    kind = _kind(message) or "text"
    stale: int | None = None
    conversation = where.conversation
    if conversation is not None and conversation.id is not None:
        try:
            copy = await _copy_in(bot, message, chat_id, conversation.thread_id, conversation.header_message_id)
        except TelegramBadRequest:  # its topic was deleted by hand: start over in a new one
            stale, where = conversation.id, Where(None, None, customer, where.open_orders, where.order_code)
        else:
            relayed = Relayed(message.message_id, copy, kind, _text(message))
            await record_incoming(uow, clock, conversation_id=conversation.id, relayed=relayed)
            return False
    away = _away_until(settings, clock)
    thread_id, header_id = await _open_topic(bot, chat_id, where, renderer, i18n, away=away)
    try:
        copy = await _copy_in(bot, message, chat_id, thread_id, header_id)
    except MessageGone:  # nothing to show staff: the topic and header opened for it go again
        await _undo_topic(bot, chat_id, thread_id, header_id, opened_new=thread_id != where.topic)
        raise
    await start_conversation(
        uow,
        clock,
        customer_id=customer.id,
        chat_id=chat_id,
        thread_id=thread_id,
        header_message_id=header_id,
        order_code=where.order_code,
        first=Relayed(message.message_id, copy, kind, _text(message)),
        replacing=stale,
    )
    return True


async def _is_forum(bot: Bot, chat_id: int) -> bool:
    if chat_id not in _forums:
        _forums[chat_id] = bool((await bot.get_chat(chat_id)).is_forum)
    return _forums[chat_id]


async def _open_topic(
    bot: Bot, chat_id: int, where: Where, renderer: Renderer, i18n: I18n, *, away: datetime | None
) -> tuple[int | None, int]:
    """The customer's topic (their last one reopened, else a new one; None in a plain group)
    and the header that says who they are, in the shop's language (and, written outside
    support hours, when the customer was told a person answers: the morning's first to do)."""
    customer = where.customer
    assert customer.id is not None
    thread_id: int | None = None
    if await _is_forum(bot, chat_id):
        if where.topic is not None:
            try:
                await bot.reopen_forum_topic(chat_id, where.topic)
                thread_id = where.topic
            except TelegramBadRequest as error:
                thread_id = where.topic if "TOPIC_NOT_MODIFIED" in error.message else None  # open, or deleted
        if thread_id is None:
            name = topic_name(customer.display_name, customer.username, customer.id)
            thread_id = (await bot.create_forum_topic(chat_id, name)).message_thread_id
    with i18n.use_locale(i18n.default_locale):
        header = renderer.render(
            "support/header.html.j2",
            name=customer.display_name,
            username=customer.username,
            customer_id=customer.id,
            language=customer.notification_language,
            vip=customer.is_vip,
            business=customer.is_business,
            order_code=where.order_code,
            open_orders=list(where.open_orders),
            forum=thread_id is not None,
            away=_when(away) if away else None,
        )
    sent = await patiently(lambda: bot.send_message(chat_id, header, message_thread_id=thread_id))
    return thread_id, sent.message_id


async def _copy_in(bot: Bot, message: Message, chat_id: int, thread_id: int | None, header_id: int | None) -> int:
    """Forum: into the topic. Plain group: as a reply to the header, so staff see whose it is."""
    reply = (
        ReplyParameters(message_id=header_id, allow_sending_without_reply=True)
        if thread_id is None and header_id is not None
        else None
    )
    try:
        copied = await patiently(
            lambda: bot.copy_message(
                chat_id, message.chat.id, message.message_id, message_thread_id=thread_id, reply_parameters=reply
            )
        )
    except TelegramBadRequest as error:
        if "message to copy not found" in error.message:  # not a topic deleted by hand: the message is gone
            raise MessageGone() from None
        raise
    return copied.message_id


async def _undo_topic(bot: Bot, chat_id: int, thread_id: int | None, header_id: int, *, opened_new: bool) -> None:
    """Take back a header (and the topic, new or reopened for it) whose message never came."""
    with contextlib.suppress(TelegramBadRequest):  # gone already: as wanted
        if thread_id is not None and opened_new:
            await bot.delete_forum_topic(chat_id, thread_id)  # its header goes with it
            return
        await bot.delete_message(chat_id, header_id)
        if thread_id is not None:
            await bot.close_forum_topic(chat_id, thread_id)


@router.edited_message(F.chat.type == ChatType.PRIVATE)
async def customer_edited(message: Message, bot: Bot, uow: UnitOfWork, customer: Customer) -> None:
    """The customer corrected a message staff have: their copy shows the correction."""
    if customer.id is None:
        return
    found = await copy_of_customer_message(uow, customer_id=customer.id, customer_message_id=message.message_id)
    if found is None:
        return
    copy, conversation = found
    await _edit_copy(bot, message, conversation.chat_id, copy.staff_message_id, prefix="")


async def _edit_copy(bot: Bot, message: Message, chat_id: int, message_id: int, *, prefix: str) -> None:
    try:
        if message.text is not None:
            await patiently(
                lambda: bot.edit_message_text(prefix + message.html_text, chat_id=chat_id, message_id=message_id)
            )
        elif message.caption is not None:
            await patiently(
                lambda: bot.edit_message_caption(
                    chat_id=chat_id, message_id=message_id, caption=prefix + message.html_text
                )
            )
    except TelegramForbiddenError:
        return  # the customer blocked the bot: the edit cannot reach them
    except TelegramBadRequest as error:
        if "message to edit not found" not in error.message:  # deleted on the other side: nothing to correct
            raise


@router.callback_query(SearchInsteadCb.filter())
async def search_instead(
    query: CallbackQuery,
    callback_data: SearchInsteadCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
) -> None:
    found = None
    if customer.id is not None:
        found = await copy_of_customer_message(
            uow, customer_id=customer.id, customer_message_id=callback_data.message_id
        )
    await query.answer()
    if found is not None and isinstance(query.message, Message):
        await search_text(query.message, found[0].text, uow, customer, settings, renderer, state, clock)


@router.callback_query(AskPersonCb.filter())
async def ask_person_instead(
    query: CallbackQuery,
    callback_data: AskPersonCb,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    i18n: I18n,
) -> None:
    """The search results' "Ask a person instead": the searched message goes to support."""
    if not isinstance(query.message, Message) or query.message.chat.type != ChatType.PRIVATE:
        await query.answer()
        return
    # The customer's own message, as the bot saw it (copyMessage needs only its chat and id).
    original = Message.model_validate(
        {"message_id": callback_data.message_id, "date": query.message.date, "chat": query.message.chat, "text": ""}
    )
    try:
        opened = await _relay_in(original, bot, uow, clock, customer, settings, renderer, i18n, order_code=None)
    except MessageGone as gone:  # deleted since (or a button naming none): nothing reached the shop
        await query.answer(shorten(domain_message(gone, html=False), MAX_ALERT), show_alert=True)
        return
    await query.answer()
    away = _away_note(settings, clock) if opened else ""
    await query.message.answer(_("✅ Sent to a person at the shop. They answer here.") + away)


@router.callback_query(SupportRateCb.filter())
async def rate(query: CallbackQuery, callback_data: SupportRateCb, uow: UnitOfWork, customer: Customer) -> None:
    assert customer.id is not None
    await rate_conversation(
        uow, customer_id=customer.id, conversation_id=callback_data.conversation_id, stars=callback_data.stars
    )
    await query.answer(_("Thank you for your rating!"))
    if isinstance(query.message, Message):
        # A rating changed (a second tap, an old copy of the buttons) replaces the stars shown.
        asked = (query.message.text or "").split(STARS_SHOWN, 1)[0]
        await query.message.edit_text(escape(asked) + "\n\n" + "⭐" * callback_data.stars, reply_markup=None)


# ---------------------------------------------------------------------- the staff side
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
    if message.from_user is None or (_kind(message) is None and not _not_relayed(message)):
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
    if _kind(message) is None:
        await message.reply(
            _("⚠️ Only text, photos, files and voice messages reach the customer: they did not get this.")
        )
        return
    name = shorten(message.from_user.full_name, NAME_LIMIT)
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
    relayed = Relayed(sent_id, message.message_id, _kind(message) or "text", _text(message))
    await record_reply(uow, clock, conversation_id=target.conversation.id, relayed=relayed, staff_name=name)


def _signature(name: str) -> str:
    return f"💬 <b>{escape(name)}</b>\n"


def _fits_signed(name: str, message: Message) -> bool:
    """Whether the message's text (or caption), signed, is still within Telegram's limit for it."""
    limit = MAX_TEXT if message.text is not None else MAX_CAPTION
    return telegram_length(f"💬 {name}\n{_text(message)}") <= limit


@router.edited_message(_support_chat)
async def staff_edited(message: Message, bot: Bot, uow: UnitOfWork, settings: ShopSettings) -> None:
    found = await copy_of_staff_message(uow, chat_id=message.chat.id, staff_message_id=message.message_id)
    if found is None or found[0].direction is not Direction.OUT or found[1].telegram_id is None:
        return
    copy, customer = found
    assert customer.telegram_id is not None
    signed = settings.support_sign_replies and copy.staff_name and _fits_signed(copy.staff_name, message)
    prefix = _signature(copy.staff_name or "") if signed else ""  # else the edit, whole, without the name
    await _edit_copy(bot, message, customer.telegram_id, copy.customer_message_id, prefix=prefix)
