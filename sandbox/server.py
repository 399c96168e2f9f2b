"""The sandbox Bot API server: state, the HTTP app, and the methods the bot uses."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.bot_settings import BotSettings
from sandbox.busy import own_work, waiting
from sandbox.forums import ForumsAndCopies, ForumTopic
from sandbox.limits import (
    MAX_CALLBACK_ANSWER,
    ApiError,
    FloodControl,
    bad_request,
    check_caption,
    check_reply_markup,
    check_text,
)
from sandbox.payments import Payments, ShippingQuery

MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile serves bots files up to 20 MB

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "prices",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "suggested_tip_amounts",
        "provider_data",
        "media",
        "menu_button",
        "shipping_options",
    }
)
SENDING_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "sendvoice", "sendinvoice", "copymessage", "sendmediagroup"}
)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class BotMessage:
    """Something the bot put in a chat, as the chat's user would see it now."""

    chat_id: int
    message_id: int
    kind: str  # text | photo | document | voice | invoice
    text: str  # plain text (or caption) after entity parsing
    html: str | None
    reply_markup: dict[str, Any] | None
    date: int
    file: StoredFile | None = None
    invoice: dict[str, Any] | None = None
    deleted: bool = False
    edits: int = 0
    thread_id: int | None = None  # the forum topic it is in
    reply_to: int | None = None  # the message it replies to

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or (self.reply_markup or {}).get("keyboard") or []
        return [button for row in rows for button in row]

    def button_texts(self) -> list[str]:
        return [str(b.get("text")) for b in self.buttons()]


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    ok: bool
    description: str = ""
    at: float = field(default_factory=time.monotonic)


def _user_json(user_id: int, first_name: str, **extra: Any) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, **{k: v for k, v in extra.items() if v}}


class SandboxServer(BotSettings, ForumsAndCopies, Payments):
    """One bot, many users. ``url`` is what ``TELEGRAM_API_URL`` should be set to."""

    def __init__(self, token: str = "123456:SANDBOX-TOKEN", *, flood_limits: bool = False) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = "ordergram_sandbox_bot"
        self.flood = FloodControl() if flood_limits else None
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.confirmed_update_id = 0
        self.changed = asyncio.Condition()
        # Long polls wait only for new updates (or shutdown), not for every message the bot
        # sends: woken on each of those they went straight back to sleep, a task switch per reply.
        self._updates_arrived = asyncio.Condition()
        self.messages: dict[tuple[int, int], BotMessage] = {}
        self._chat_log: dict[int, list[BotMessage]] = {}  # per chat, oldest first (ids only grow)
        self.next_message_id: dict[int, int] = {}
        self.calls: list[ApiCall] = []  # finished calls with their outcome
        self.requested: list[str] = []  # method names as they arrive (a long poll finishes late)
        self.files: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        self.outage_calls = 0  # the next N sending calls fail with 502, as during a Telegram outage
        self.down: set[str] = set()  # methods (lower case) that fail with 502 until taken out
        # methods (lower case) whose next call is refused for flood control: 429, retry_after these seconds
        self.flood_next: dict[str, int] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.pre_checkout_answers: dict[str, dict[str, Any]] = {}
        self.invoice_links: dict[str, dict[str, Any]] = {}  # createInvoiceLink's invoices by slug
        self.shipping_queries: dict[str, ShippingQuery] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.users: dict[int, dict[str, Any]] = {}
        self.forums: dict[int, dict[int, ForumTopic]] = {}  # forum supergroups: their topics by thread id
        self.user_messages: dict[tuple[int, int], dict[str, Any]] = {}  # what people sent (copyMessage reads it)
        self.webhook_deleted = False
        self.menu_button: dict[str, Any] | None = None  # setChatMenuButton without a chat: every chat's
        self.chat_menu_buttons: dict[int, dict[str, Any]] = {}  # … and with one: that chat's own
        self.closing = False  # set on shutdown so a pending long poll returns at once
        self.webhook: dict[str, str] | None = None  # set by setWebhook: updates are POSTed there
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update id, HTTP status)
        self.sent_updates: dict[int, dict[str, Any]] = {}  # every update pushed, by id (for redelivery)
        # As Telegram: the update types the bot last asked for (getUpdates, setWebhook); others are dropped.
        self.allowed_updates: frozenset[str] | None = None
        self.dropped_updates: list[int] = []
        # Called by the driver after each handled update, e.g. to flush the bot's outbox,
        # so a test sees the notifications an action caused.
        self.settle: Callable[[], Awaitable[object]] | None = None
        self.callback_chats: dict[str, int] = {}  # callback query id → chat, for activity
        # Seconds the event loop spent in this server's own work (answering the bot's calls
        # past reading their bytes, pushing updates): in-process benches subtract it, since
        # Telegram's work is not the bot's. Only parts that never wait are timed.
        self.busy_s = 0.0
        self._activity_waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._deliveries: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            name.lower(): getattr(self, f"m_{name}")
            for name in (
                "getMe",
                "getUpdates",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "deleteWebhook",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "editMessageCaption",
                "deleteMessage",
                "answerCallbackQuery",
                "sendPhoto",
                "sendMediaGroup",
                "sendDocument",
                "sendVoice",
                "sendInvoice",
                "createInvoiceLink",
                "answerShippingQuery",
                "copyMessage",
                "getChat",
                "createForumTopic",
                "deleteForumTopic",
                "closeForumTopic",
                "reopenForumTopic",
                "answerPreCheckoutQuery",
                "getFile",
                "sendChatAction",
                "refundStarPayment",
                "close",
                "setWebhook",
                "getWebhookInfo",
                "setChatMenuButton",
            )
        }

    # ----------------------------------------------------------------- lifecycle
    def app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = port or self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def release_pollers(self) -> None:
        self.closing = True
        await self._notify()
        await self._wake_pollers()

    async def _wake_pollers(self) -> None:
        async with waiting(), self._updates_arrived:
            self._updates_arrived.notify_all()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------- HTTP
    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        self.requested.append(method)
        handler = self._methods.get(method.lower())
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        # The body in hand first (uploads parsed as they arrive): what follows is timed, less its waits.
        await (request.post() if request.content_type == "multipart/form-data" else request.read())
        async with own_work(self):
            params = await self._read_params(request)
            try:
                if method.lower() in self.down:
                    raise ApiError(502, "Bad Gateway")
                if (retry := self.flood_next.pop(method.lower(), None)) is not None:
                    raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
                if method.lower() in SENDING_METHODS:
                    self._check_recipient(int(params.get("chat_id", 0)))
                result = await handler(params)  # a long poll's wait is marked as one (m_getUpdates)
            except ApiError as exc:
                self.calls.append(ApiCall(method, params, False, exc.description))
                response = web.json_response(exc.body(), status=exc.status)
            else:
                self.calls.append(ApiCall(method, params, True))
                response = web.json_response({"ok": True, "result": result})
        return response

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        uploads: dict[str, StoredFile] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.body_exists:  # read already (`_handle_method`): `post` gives what it parsed
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = self._store_file(value.file.read(), value.filename, value.content_type)
                else:
                    params[key] = value
        for key, value in list(params.items()):
            if key in JSON_FIELDS and isinstance(value, str):
                try:
                    params[key] = json.loads(value)
                except json.JSONDecodeError:
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif isinstance(value, str) and value.startswith("attach://"):
                params[key] = uploads.get(value.removeprefix("attach://"))
        for key, upload in uploads.items():
            params.setdefault(key, upload)
        return params

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for stored in self.files.values():
            if stored.path == request.match_info["path"]:
                return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")
        return web.Response(status=404)

    # ----------------------------------------------------------------- helpers
    def _check_recipient(self, chat_id: int) -> None:
        if self.outage_calls > 0:
            self.outage_calls -= 1
            raise ApiError(502, "Bad Gateway")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id > 0 and chat_id not in self.users:
            raise bad_request("chat not found")
        if self.flood is not None:
            self.flood.check(chat_id)

    def _store_file(self, content: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        unique = secrets.token_hex(8)
        suffix = f".{file_name.rsplit('.', 1)[-1]}" if file_name and "." in file_name else ""
        stored = StoredFile(f"F{unique}", f"U{unique}", f"files/{unique}{suffix}", content, file_name, mime_type)
        self.files[stored.file_id] = stored
        return stored

    def _resolve_file(self, value: Any) -> StoredFile:
        if isinstance(value, StoredFile):
            return value
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store_file(b"", value.rsplit("/", 1)[-1], None)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _chat_json(self, chat_id: int) -> dict[str, Any]:
        user = self.users.get(chat_id)
        if user:
            return {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": f"chat {chat_id}"}
        if chat_id in self.forums:
            chat["is_forum"] = True
        return chat

    def _bot_json(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Ordergram Sandbox", "username": self.bot_username}

    def message_json(self, message: BotMessage) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat_json(message.chat_id),
            "from": self._bot_json(),
        }
        if message.kind == "text":
            body["text"] = message.text
        elif message.kind == "photo" and message.file:
            body["photo"] = [
                {
                    "file_id": message.file.file_id,
                    "file_unique_id": message.file.file_unique_id,
                    "width": 800,
                    "height": 800,
                }
            ]
        elif message.kind == "document" and message.file:
            body["document"] = {
                "file_id": message.file.file_id,
                "file_unique_id": message.file.file_unique_id,
                "file_name": message.file.file_name or "file",
            }
        elif message.kind == "voice" and message.file:
            body["voice"] = {
                "file_id": message.file.file_id,
                "file_unique_id": message.file.file_unique_id,
                "duration": 1,
            }
        elif message.kind == "invoice" and message.invoice:
            body["invoice"] = {k: message.invoice[k] for k in ("title", "description", "currency", "total_amount")}
            body["invoice"]["start_parameter"] = message.invoice.get("start_parameter", "")
        if message.kind in ("photo", "document", "voice") and message.text:
            body["caption"] = message.text
        if message.thread_id is not None:
            body["message_thread_id"] = message.thread_id
            body["is_topic_message"] = True
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        return body

    async def _post(self, chat_id: int, kind: str, text: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        check_reply_markup(params.get("reply_markup"))
        thread_id = self._check_thread(chat_id, params.get("message_thread_id"))
        reply_to = self._check_reply(chat_id, params.get("reply_parameters"))
        message_id = self._next_id(chat_id)
        html = params.get("caption") if kind in ("photo", "document", "voice") else params.get("text")
        message = BotMessage(
            chat_id, message_id, kind, text, html, params.get("reply_markup"), int(time.time()), **extra
        )
        message.thread_id, message.reply_to = thread_id, reply_to
        self.messages[(chat_id, message_id)] = message
        self._chat_log.setdefault(chat_id, []).append(message)
        await self._notify(chat_id)
        return self.message_json(message)

    def _next_id(self, chat_id: int) -> int:
        message_id = self.next_message_id.get(chat_id, 1000)
        self.next_message_id[chat_id] = message_id + 1
        return message_id

    def _message(self, params: dict[str, Any]) -> BotMessage:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        return message

    async def _notify(self, chat_id: int | None = None) -> None:
        if chat_id is not None:
            for waiter in self._activity_waiters.pop(chat_id, []):
                if not waiter.done():
                    waiter.set_result(None)
        async with waiting(), self.changed:
            self.changed.notify_all()

    def next_activity(self, chat_id: int) -> asyncio.Future[None]:
        """A future resolved by the bot's next message, edit or callback answer in a chat
        (load tests use it to time replies without polling)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._activity_waiters.setdefault(chat_id, []).append(waiter)
        return waiter

    # --------------------------------------------------------- Bot API methods
    async def m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._remember_allowed(params)
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(float(params.get("timeout") or 0), 50.0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if offset - 1 > self.confirmed_update_id:
                self.confirmed_update_id = offset - 1
                await self._notify()
        if not self.updates and timeout > 0:
            async with waiting(), self._updates_arrived:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._updates_arrived.wait_for(lambda: bool(self.updates) or self.closing), timeout
                    )
        return self.updates[:limit]

    async def m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = check_text(params.get("text"), params.get("parse_mode"))
        return await self._post(int(params["chat_id"]), "text", text, params)

    async def m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        return await self._post(
            int(params["chat_id"]), "photo", caption, params, file=self._resolve_file(params.get("photo"))
        )

    async def m_sendMediaGroup(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """An album: 2–10 photos, each its own message, as Telegram sends them."""
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media items: must include 2-10 items")
        if params.get("reply_markup"):
            raise bad_request("media groups can't have a reply markup")
        sent = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise bad_request("unsupported media type in the album")
            reference = item.get("media")
            if isinstance(reference, str) and reference.startswith("attach://"):
                reference = params.get(reference.removeprefix("attach://"))
            caption = check_caption(item.get("caption"), item.get("parse_mode"))
            file = self._resolve_file(reference)
            sent.append(await self._post(int(params["chat_id"]), "photo", caption, {}, file=file))
        return sent

    async def m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        document = self._resolve_file(params.get("document"))
        return await self._post(int(params["chat_id"]), "document", caption, params, file=document)

    async def m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text = check_text(params.get("text"), params.get("parse_mode"))
        return await self._edit(message, text=text, html=params.get("text"), markup=params.get("reply_markup"))

    async def m_editMessageCaption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        return await self._edit(message, text=caption, html=params.get("caption"), markup=params.get("reply_markup"))

    async def m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        return await self._edit(message, text=message.text, html=message.html, markup=params.get("reply_markup"))

    async def _edit(
        self, message: BotMessage, *, text: str, html: str | None, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        check_reply_markup(markup)
        if text == message.text and (markup or None) == (message.reply_markup or None):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message"
            )
        message.text, message.html, message.reply_markup = text, html, markup
        message.edits += 1
        await self._notify(message.chat_id)
        return self.message_json(message)

    async def m_deleteMessage(self, params: dict[str, Any]) -> bool:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        await self._notify()
        return True

    async def m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if self.callback_answers[query_id]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {"text": params.get("text"), "show_alert": params.get("show_alert")}
        await self._notify(self.callback_chats.get(query_id))
        return True

    async def m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.path,
        }

    async def m_sendChatAction(self, params: dict[str, Any]) -> bool:
        chat_id = int(params.get("chat_id", 0))
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        self.chat_actions.append((chat_id, str(params.get("action"))))
        return True

    # -------------------------------------------------------- driving updates
    async def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        async with own_work(self):
            return await self._push_update(kind, payload)

    async def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, kind: payload}
        if not self.sent_to_the_bot(kind):  # the bot did not ask for this kind: Telegram never sends it
            self.dropped_updates.append(update_id)
            return update_id
        self.sent_updates[update_id] = update
        if self.webhook:
            task = asyncio.create_task(self._post_to_webhook(update))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
            return update_id
        self.updates.append(update)
        await self._notify()
        await self._wake_pollers()
        return update_id

    async def redeliver(self, update_id: int) -> int:
        """Telegram sends an update again when it did not see a 2xx in time: POST it to the
        webhook once more and return the HTTP status the bot answered."""
        await self._post_to_webhook(self.sent_updates[update_id])
        return self.webhook_deliveries[-1][1]

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        assert self.webhook is not None
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": self.webhook["secret_token"]} if self.webhook["secret_token"] else {}
        )
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.webhook["url"], json=update, headers=headers) as reply,
        ):
            self.webhook_deliveries.append((update["update_id"], reply.status))
        self.confirmed_update_id = max(self.confirmed_update_id, update["update_id"])
        await self._notify()

    async def wait_confirmed(self, update_id: int, within: float = 10.0) -> None:
        """Wait until the bot asked for updates past ``update_id``. With sequential polling
        (``handle_as_tasks=False``) that means it has finished handling it."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: self.confirmed_update_id >= update_id), within)

    def register_user(self, user_id: int, first_name: str, **extra: Any) -> dict[str, Any]:
        user = _user_json(user_id, first_name, **extra)
        self.users[user_id] = user
        return user

    def forget_history(self) -> None:
        """Forget what was said but each chat's newest message: the calls, the updates the bot
        confirmed, what people sent. For a bench running this stand-in in the bot's process
        (``bench/bot_throughput.py``, between turns): Telegram keeps a chat's history, the bot's
        process does not, yet kept here every message's keyboard was objects the bot's garbage
        collector counted and scanned, more of them for a card with more buttons. What a later
        call may refer to (a message to edit, copy or reply to) is then each chat's newest only."""
        self.calls.clear()
        self.requested.clear()
        self.chat_actions.clear()
        self.user_messages.clear()
        self.sent_updates = {k: v for k, v in self.sent_updates.items() if k > self.confirmed_update_id}
        for chat_id, log in self._chat_log.items():
            for message in log[:-1]:
                self.messages.pop((chat_id, message.message_id), None)
            del log[:-1]

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self._chat_log.get(chat_id, ()) if not m.deleted]

    def last_message(self, chat_id: int) -> BotMessage | None:
        """The newest message still in the chat, without copying the chat's history."""
        return next((m for m in reversed(self._chat_log.get(chat_id, ())) if not m.deleted), None)
