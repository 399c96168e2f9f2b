"""Support conversations, the customer's side: "Contact us", their messages to a forum topic
(or the staff chat), their edits and the rating. Staff's side: ``handlers.support_staff``."""

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
from domain.ports import Clock, UnitOfWork
from domain.support import MessageGone, NoSupportChat, looks_like_question, topic_name
from domain.usecases.support import (
    Relayed,
    Where,
    copy_of_customer_message,
    has_open_conversation,
    own_order_code,
    rate_conversation,
    record_incoming,
    start_conversation,
    where_to,
)
from handlers.callbacks import AskPersonCb, ContactCb, SearchInsteadCb, SupportRateCb, rows_of
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.flood import patiently
from handlers.menu import CONTACT_BUTTON
from handlers.search import search_text
from handlers.views.dates import current_locale
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer

router = Router(name=__name__)
RELAYED = ("text", "photo", "document", "voice")  # what a conversation carries (what copyMessage copies)
# What people send that a conversation does not carry: they are told, rather than left to think it arrived.
NOT_RELAYED = ("sticker", "video", "animation", "video_note", "audio", "location", "contact", "poll", "dice")
STARS_SHOWN = "\n\n⭐"  # where the stars given start, under the rating request


class SupportChat(StatesGroup):
    writing = State()  # after "Contact us": the next message opens the conversation


def relayed_kind(message: Message) -> str | None:
    return next((kind for kind in RELAYED if getattr(message, kind, None)), None)


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


async def _private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


@router.message(F.text == CONTACT_BUTTON)
@router.message(Command("support"))
async def contact_from_menu(message: Message, state: FSMContext, settings: ShopSettings, clock: Clock) -> None:
    await _ask_to_write(message, state, settings, clock, order_code="")


@router.callback_query(ContactCb.filter())
async def contact_from_button(
    query: CallbackQuery,
    callback_data: ContactCb,
    uow: UnitOfWork,
    customer: Customer,
    state: FSMContext,
    settings: ShopSettings,
    clock: Clock,
) -> None:
    """Callback data is the client's to write: a forged button's code of another's order is not echoed."""
    await query.answer()
    code = await own_order_code(uow, customer, callback_data.code)
    await _ask_to_write(pressed_in(query), state, settings, clock, order_code=code)  # days old: asked below


SUPPORT_LINK = "sup_"  # ``/start sup_CODE``: the Mini App's 💬 Contact us opens the chat's "about order CODE"


def support_link(bot_username: str, code: str) -> str:
    """The deep link that opens a support conversation about order ``code`` in the bot's chat."""
    return f"https://t.me/{bot_username}?start={SUPPORT_LINK}{code}"


async def contact_from_link(
    message: Message,
    code: str,
    uow: UnitOfWork,
    customer: Customer,
    state: FSMContext,
    settings: ShopSettings,
    clock: Clock,
) -> None:
    """The chat's 💬 Contact us under an order; another's code (typed by hand) opens one about no order."""
    await _ask_to_write(message, state, settings, clock, order_code=await own_order_code(uow, customer, code))


async def _ask_to_write(
    message: Target, state: FSMContext, settings: ShopSettings, clock: Clock, *, order_code: str
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


def _sent() -> str:
    """What every message that reached the shop is answered with, text or photo, first or later: one wording, so
    a customer never wonders whether a photo went somewhere else than their words."""
    return _("✅ Sent. We will answer here; write more any time.")


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
    if relayed_kind(message) is None:
        await message.answer(_("Please write text, or send a photo, a file or a voice message."))
        return
    order_code = (await state.get_data()).get("order_code") or None
    await state.clear()
    opened = await _relay_in(message, bot, uow, clock, customer, settings, renderer, i18n, order_code=order_code)
    away = _away_note(settings, clock) if opened else ""
    await message.answer(_sent() + away)


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
        else _sent()
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
    await message.answer(_sent())


def not_relayed(message: Message) -> bool:
    return any(getattr(message, kind, None) is not None for kind in NOT_RELAYED)


@router.message(StateFilter(None), not_relayed, _open_conversation)
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
    kind = relayed_kind(message) or "text"
    stale: int | None = None
    conversation = where.conversation
    if conversation is not None and conversation.id is not None:
        try:
            copy = await _copy_in(bot, message, chat_id, conversation.thread_id, conversation.header_message_id)
        except TelegramBadRequest:  # its topic was deleted by hand: start over in a new one
            stale, where = conversation.id, Where(None, None, customer, where.open_orders, where.order_code)
        else:
            relayed = Relayed(message.message_id, copy, kind, text_of(message))
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
        first=Relayed(message.message_id, copy, kind, text_of(message)),
        replacing=stale,
    )
    return True


async def _is_forum(bot: Bot, chat_id: int) -> bool:
    """Asked each time a conversation opens (not each message): an admin may turn the group's topics on or off
    at any time, and an answer kept for the process had every new question fail ("the chat is not a forum")."""
    return bool((await bot.get_chat(chat_id)).is_forum)


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
    await edit_copy(bot, message, conversation.chat_id, copy.staff_message_id, prefix="")


async def edit_copy(bot: Bot, message: Message, chat_id: int, message_id: int, *, prefix: str) -> None:
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
    if found is not None:
        await search_text(pressed_in(query), found[0].text, uow, customer, settings, renderer, state, clock)


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
    pressed = pressed_in(query)  # results shown days ago name their chat still: the answer goes there
    if pressed.chat.type != ChatType.PRIVATE:
        await query.answer()
        return
    # The customer's own message, as the bot saw it (copyMessage needs only its chat and id).
    original = Message.model_validate(
        {"message_id": callback_data.message_id, "date": pressed.date, "chat": pressed.chat, "text": ""}
    )
    try:
        opened = await _relay_in(original, bot, uow, clock, customer, settings, renderer, i18n, order_code=None)
    except MessageGone as gone:  # deleted since (or a button naming none): nothing reached the shop
        await query.answer(domain_message(gone, html=False, timezone=settings.timezone), show_alert=True)
        return
    await query.answer()
    away = _away_note(settings, clock) if opened else ""
    await pressed.answer(_sent() + away)


@router.callback_query(SupportRateCb.filter())
async def rate(query: CallbackQuery, callback_data: SupportRateCb, uow: UnitOfWork, customer: Customer) -> None:
    assert customer.id is not None
    await rate_conversation(
        uow, customer_id=customer.id, conversation_id=callback_data.conversation_id, stars=callback_data.stars
    )
    await query.answer(_("Thank you for your rating!"))
    stars = "⭐" * callback_data.stars
    if isinstance(query.message, Message):
        # A rating changed (a second tap, an old copy of the buttons) replaces the stars shown.
        asked = (query.message.text or "").split(STARS_SHOWN, 1)[0]
        await query.message.edit_text(escape(asked) + "\n\n" + stars, reply_markup=None)
    else:  # a question too old to show the stars: the thanks stays in the chat, not a passing toast
        await pressed_in(query).answer(_("Thank you for your rating!") + "\n\n" + stars)
