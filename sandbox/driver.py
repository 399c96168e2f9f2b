"""Acting as a Telegram user against the sandbox, and reading what the bot answered."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.payments import order_info
from sandbox.server import BotMessage, SandboxServer


def file_size(size: int) -> str:
    """A file's size as people write it: 300 B, 12 KB, 1.5 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass
class Reply:
    """What one user action produced in the user's chat."""

    new: list[BotMessage] = field(default_factory=list)
    edited: list[BotMessage] = field(default_factory=list)
    callback_answer: dict[str, Any] | None = None
    pre_checkout_answer: dict[str, Any] | None = None
    shipping_answer: dict[str, Any] | None = None

    @property
    def messages(self) -> list[BotMessage]:
        return [m for m in self.edited if m not in self.new] + self.new

    @property
    def last(self) -> BotMessage:
        if not self.messages:
            raise AssertionError("the bot sent nothing")
        return self.messages[-1]

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)


class SandboxUser:
    _message_ids = itertools.count(1)

    def __init__(
        self,
        server: SandboxServer,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        transcript: list[str] | None = None,
        wait: bool = True,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.user = server.register_user(
            user_id, first_name, last_name=last_name, username=username, language_code=language_code
        )
        self.transcript = transcript
        # With wait=False actions only deliver the update (load tests time replies themselves).
        self.wait = wait
        self.shipping_query_id: str | None = None  # the last address entered on a flexible invoice

    # -------------------------------------------------------------- actions
    def _message(self, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
            "from": self.user,
            **content,
        }
        self.server.user_messages[(self.id, message["message_id"])] = message  # copyMessage reads it
        return message

    def sent(self) -> dict[str, Any]:
        """The last message this user sent (its ``message_id`` is what the bot saw)."""
        return next(m for (chat, _id), m in reversed(self.server.user_messages.items()) if chat == self.id)

    async def edit(self, message: dict[str, Any], text: str) -> Reply:
        """Edit a text message sent earlier: Telegram sends the bot an ``edited_message``."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        self.server.user_messages[(self.id, message["message_id"])] = edited
        self._log(f"👤 {self.first_name} edits their message: {text}")
        return await self._act("edited_message", edited)

    async def send_voice(self, content: bytes, duration: int = 3) -> Reply:
        stored = self.server._store_file(content, "voice.ogg", "audio/ogg")
        self._log(f"👤 {self.first_name} sends a voice message")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "duration": duration}
        return await self._act("message", self._message(voice=voice))

    async def send(self, text: str) -> Reply:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._log(f"👤 {self.first_name}: {text}")
        return await self._act("message", self._message(**content))

    async def press(self, message: BotMessage, button_text: str, *, too_old: bool = False) -> Reply:
        """Press an inline button (matched by its text, or a unique part of it); ``too_old``: on a message
        Telegram no longer hands over (over 48 hours old), sent as an inaccessible one: its chat, id and date 0."""
        buttons = [b for b in message.buttons() if "callback_data" in b]
        matches = [b for b in buttons if b["text"] == button_text] or [b for b in buttons if button_text in b["text"]]
        if len(matches) != 1:
            raise AssertionError(f"no single button {button_text!r} among {[b['text'] for b in buttons]}")
        return await self.press_data(message, matches[0]["callback_data"], label=matches[0]["text"], too_old=too_old)

    async def press_data(
        self, message: BotMessage, data: str, *, label: str | None = None, too_old: bool = False
    ) -> Reply:
        query_id = secrets.token_hex(8)
        self.server.callback_answers[query_id] = {}
        self.server.callback_chats[query_id] = self.id
        self._log(f"👤 {self.first_name} presses [{label or data}]")
        shown = self.server.message_json(message)
        if too_old:
            shown = {"chat": shown["chat"], "message_id": message.message_id, "date": 0}
        payload = {
            "id": query_id,
            "from": self.user,
            "chat_instance": str(self.id),
            "message": shown,
            "data": data,
        }
        reply = await self._act("callback_query", payload)
        reply.callback_answer = self.server.callback_answers.get(query_id) or None
        return reply

    async def share_contact(self, phone: str) -> Reply:
        self._log(f"👤 {self.first_name} shares contact {phone}")
        contact = {"phone_number": phone, "first_name": self.first_name, "user_id": self.id}
        return await self._act("message", self._message(contact=contact))

    async def send_location(self, latitude: float, longitude: float) -> Reply:
        self._log(f"👤 {self.first_name} shares location {latitude}, {longitude}")
        return await self._act("message", self._message(location={"latitude": latitude, "longitude": longitude}))

    async def send_photo(self, content: bytes, caption: str | None = None) -> Reply:
        stored = self.server._store_file(content, "photo.jpg", "image/jpeg")
        self._log(f"👤 {self.first_name} sends a photo")
        photo = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 640,
                "height": 480,
                "file_size": len(content),
            }
        ]
        extra = {"caption": caption} if caption else {}
        return await self._act("message", self._message(photo=photo, **extra))

    async def send_document(self, content: bytes, file_name: str, caption: str | None = None) -> Reply:
        stored = self.server._store_file(content, file_name, "application/octet-stream")
        self._log(f"👤 {self.first_name} sends a file {file_name}")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "file_size": len(content),  # Telegram gives it: a bot can refuse a file before downloading it
        }
        extra = {"caption": caption} if caption else {}
        return await self._act("message", self._message(document=document, **extra))

    async def send_sticker(self, emoji: str = "👍") -> Reply:
        self._log(f"👤 {self.first_name} sends a sticker {emoji}")
        sticker = {
            "file_id": f"S{secrets.token_hex(6)}",
            "file_unique_id": secrets.token_hex(4),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._act("message", self._message(sticker=sticker))

    def open_invoice_link(self, link: str) -> BotMessage:
        """The invoice behind a ``createInvoiceLink`` link, as the user sees it when they open it."""
        invoice = self.server.invoice_of_link(link)
        return BotMessage(self.id, 0, "invoice", str(invoice["title"]), None, None, int(time.time()), invoice=invoice)

    async def enter_shipping_address(self, invoice: BotMessage, **address: str) -> Reply:
        """Fill in the address on a flexible invoice: Telegram asks the bot for shipping options.
        ``address``: country_code, state, city, street_line1, street_line2, post_code."""
        assert invoice.invoice is not None
        fields = ("country_code", "state", "city", "street_line1", "street_line2", "post_code")
        full = {name: address.get(name, "") for name in fields}
        query_id = self.server.new_shipping_query(self.id, invoice.invoice, full)
        self.shipping_query_id = query_id
        payload = {"id": query_id, "from": self.user, "invoice_payload": invoice.invoice["payload"]}
        reply = await self._act("shipping_query", {**payload, "shipping_address": full})
        reply.shipping_answer = self.server.shipping_queries[query_id].answer
        return reply

    def _checkout(self, invoice: BotMessage, shipping_option_id: str | None) -> dict[str, Any]:
        assert invoice.invoice is not None
        query = self.server.shipping_queries.get(self.shipping_query_id or "")
        extra = self.server.shipping_price(self.shipping_query_id, invoice.invoice, shipping_option_id)
        paid: dict[str, Any] = {
            "currency": invoice.invoice["currency"],
            "total_amount": invoice.invoice["total_amount"] + extra,
            "invoice_payload": invoice.invoice["payload"],
        }
        if invoice.invoice.get("is_flexible"):
            paid["shipping_option_id"] = shipping_option_id
        if invoice.invoice.get("need_shipping_address") and query is not None:
            paid["order_info"] = order_info(query, self.first_name)
        return paid

    async def pre_checkout(self, invoice: BotMessage, shipping_option_id: str | None = None) -> Reply:
        paid = self._checkout(invoice, shipping_option_id)
        query_id = secrets.token_hex(8)
        self.server.pre_checkout_answers[query_id] = {}
        self.server.callback_chats[query_id] = self.id
        reply = await self._act("pre_checkout_query", {"id": query_id, "from": self.user, **paid})
        reply.pre_checkout_answer = self.server.pre_checkout_answers.get(query_id) or None
        return reply

    async def pay(
        self, invoice: BotMessage, charge_id: str | None = None, shipping_option_id: str | None = None
    ) -> Reply:
        paid = self._checkout(invoice, shipping_option_id)
        self._log(f"👤 {self.first_name} pays {paid['total_amount']} {paid['currency']}")
        payment = {
            **paid,
            "telegram_payment_charge_id": charge_id or f"tg_{secrets.token_hex(6)}",
            "provider_payment_charge_id": f"prov_{secrets.token_hex(6)}",
        }
        return await self._act("message", self._message(successful_payment=payment))

    def block_bot(self) -> None:
        self.server.blocked.add(self.id)

    # -------------------------------------------------------------- reading
    def messages(self) -> list[BotMessage]:
        return self.server.chat_messages(self.id)

    def reply_keyboard(self) -> BotMessage | None:
        """The bot's message whose keyboard is below the text field now: the last one sent with a keyboard,
        unless a later one removed it."""
        for message in reversed(self.messages()):
            markup = message.reply_markup or {}
            if "keyboard" in markup:
                return message
            if markup.get("remove_keyboard"):
                return None
        return None

    async def _act(self, kind: str, payload: dict[str, Any]) -> Reply:
        if not self.wait:
            await self.server.push_update(kind, payload)
            return Reply()
        return await act(self.server, self.id, kind, payload, self._log_bot)

    def _log(self, line: str) -> None:
        if self.transcript is not None:
            self.transcript.append(line)

    def _log_bot(self, message: BotMessage) -> None:
        if self.transcript is None:
            return
        label = {"document": "📄 ", "photo": "🖼 ", "invoice": "🧾 "}.get(message.kind, "")
        body = "\n    ".join(message.text.splitlines())
        if message.file is not None and (message.kind == "document" or (message.kind == "photo" and not body)):
            size = f" ({file_size(len(message.file.content))})" if message.file.content else ""  # a URL: unknown
            body = f"{message.file.file_name}{size}{' — ' + body if body else ''}"
        self.transcript.append(f"🤖 bot: {label}{body}")
        buttons = message.button_texts()
        if buttons:
            self.transcript.append("    " + " ".join(f"[{b}]" for b in buttons))


async def act(
    server: SandboxServer, chat_id: int, kind: str, payload: dict[str, Any], log: Callable[[BotMessage], None]
) -> Reply:
    """Deliver one update, wait until the bot has handled it, and collect what changed in ``chat_id``."""
    before = {(m.message_id): m.edits for m in server.chat_messages(chat_id)}
    update_id = await server.push_update(kind, payload)
    if update_id in server.dropped_updates:  # never delivered: nothing to wait for
        return Reply()
    await server.wait_confirmed(update_id)
    if server.settle is not None:
        await server.settle()
    reply = Reply()
    for message in server.chat_messages(chat_id):
        if message.message_id not in before:
            reply.new.append(message)
        elif message.edits != before[message.message_id]:
            reply.edited.append(message)
    for message in reply.messages:
        log(message)
    return reply


class SandboxGroup:
    """A group chat with the bot in it (or about to be): members write there, the bot answers there."""

    _ids = itertools.count(1)

    def __init__(
        self,
        server: SandboxServer,
        title: str,
        chat_id: int | None = None,
        transcript: list[str] | None = None,
        *,
        forum: bool = False,
    ) -> None:
        self.server = server
        self.id = chat_id if chat_id is not None else -1001000000000 - next(self._ids)
        self.title = title
        self.transcript = transcript
        self.forum = forum
        if forum:  # a supergroup with topics switched on
            server.forums.setdefault(self.id, {})

    def _log(self, line: str) -> None:
        if self.transcript is not None:
            self.transcript.append(line)

    def _log_bot(self, message: BotMessage) -> None:
        self._log(f"🤖 bot in {self.title}: " + "\n    ".join(message.text.splitlines()))

    def _chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "supergroup", "title": self.title}
        if self.forum:
            chat["is_forum"] = True
        return chat

    def topic(self, thread_id: int | None) -> list[BotMessage]:
        """What the bot posted in one forum topic (or, with None, outside every topic)."""
        return [m for m in self.server.chat_messages(self.id) if m.thread_id == thread_id]

    async def add_bot(self, by: SandboxUser) -> Reply:
        """``by`` adds the bot to the group: Telegram sends the bot a ``my_chat_member`` update."""
        bot = {"id": self.server.bot_id, "is_bot": True, "first_name": "Ordergram Sandbox"}
        bot["username"] = self.server.bot_username
        payload = {
            "chat": self._chat(),
            "from": by.user,
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot},
        }
        self._log(f"👤 {by.first_name} adds the bot to the group {self.title}")
        return await act(self.server, self.id, "my_chat_member", payload, self._log_bot)

    def _message(
        self, by: SandboxUser, thread_id: int | None, reply_to: BotMessage | None, **content: Any
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(SandboxUser._message_ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": by.user,
            **content,
        }
        if thread_id is not None:  # as Telegram marks a message written inside a forum topic
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = self.server.message_json(reply_to)
        self.server.user_messages[(self.id, message["message_id"])] = message
        return message

    async def send(
        self, by: SandboxUser, text: str, *, thread_id: int | None = None, reply_to: BotMessage | None = None
    ) -> Reply:
        """``by`` writes ``text`` in the group (a command gets its entity, as Telegram marks it),
        in a forum topic (``thread_id``) or as a reply to one of the bot's messages."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._log(f"👤 {by.first_name} in {self.title}: {text}")
        message = self._message(by, thread_id, reply_to, **content)
        return await act(self.server, self.id, "message", message, self._log_bot)

    async def send_photo(
        self, by: SandboxUser, content: bytes, caption: str | None = None, *, thread_id: int | None = None
    ) -> Reply:
        stored = self.server._store_file(content, "photo.jpg", "image/jpeg")
        photo = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 640, "height": 480}]
        extra = {"caption": caption} if caption else {}
        self._log(f"👤 {by.first_name} in {self.title} sends a photo")
        message = self._message(by, thread_id, None, photo=photo, **extra)
        return await act(self.server, self.id, "message", message, self._log_bot)

    def last_sent(self) -> dict[str, Any]:
        return next(m for (chat, _id), m in reversed(self.server.user_messages.items()) if chat == self.id)

    async def edit(self, message: dict[str, Any], text: str) -> Reply:
        """Edit a message sent in the group: its text, or a photo's (a file's) caption."""
        field = "caption" if any(kind in message for kind in ("photo", "document", "voice")) else "text"
        edited = {**message, field: text, "edit_date": int(time.time())}
        self.server.user_messages[(self.id, message["message_id"])] = edited
        self._log(f"👤 someone in {self.title} edits their message: {text}")
        return await act(self.server, self.id, "edited_message", edited, self._log_bot)
