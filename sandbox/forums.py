"""The sandbox's forum topics (a topic per thread id, open or closed) and copyMessage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.limits import bad_request, check_caption

if TYPE_CHECKING:
    from sandbox.server import BotMessage, StoredFile

MAX_TOPIC_NAME = 128


@dataclass
class ForumTopic:
    thread_id: int
    name: str
    closed: bool = False


class ForumsAndCopies:
    """Mixed into ``SandboxServer``: what Telegram checks about threads and replies, and the
    methods that create, close and reopen topics and copy messages."""

    forums: dict[int, dict[int, ForumTopic]]
    user_messages: dict[tuple[int, int], dict[str, Any]]
    messages: dict[tuple[int, int], BotMessage]
    files: dict[str, StoredFile]

    if TYPE_CHECKING:
        users: dict[int, dict[str, Any]]

        def _next_id(self, chat_id: int) -> int: ...
        def _chat_json(self, chat_id: int) -> dict[str, Any]: ...
        def message_json(self, message: BotMessage) -> dict[str, Any]: ...
        def _resolve_file(self, value: Any) -> StoredFile: ...
        async def _post(
            self, chat_id: int, kind: str, text: str, params: dict[str, Any], **extra: Any
        ) -> dict[str, Any]: ...

    def _check_thread(self, chat_id: int, thread: Any) -> int | None:
        """As Telegram: a thread id only in a forum's existing topic, and not while it is closed."""
        if thread in (None, "", 0, "0"):
            return None
        thread_id = int(thread)
        topic = self.forums.get(chat_id, {}).get(thread_id)
        if topic is None:
            raise bad_request("message thread not found")
        if topic.closed:
            raise bad_request("TOPIC_CLOSED")
        return thread_id

    def _check_reply(self, chat_id: int, reply: Any) -> int | None:
        if not reply:
            return None
        message_id = int(reply.get("message_id", 0))
        target_chat = int(reply.get("chat_id") or chat_id)
        known = (target_chat, message_id) in self.messages or (target_chat, message_id) in self.user_messages
        if not known and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return message_id if known else None

    async def m_sendVoice(self, params: dict[str, Any]) -> dict[str, Any]:
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        voice = self._resolve_file(params.get("voice"))
        return await self._post(int(params["chat_id"]), "voice", caption, params, file=voice)

    async def m_copyMessage(self, params: dict[str, Any]) -> dict[str, int]:
        """A copy without the link to the original: text stays text, media keep their file and
        take ``caption`` when given. Service messages and invoices cannot be copied."""
        source_chat, source_id = int(params.get("from_chat_id", 0)), int(params.get("message_id", 0))
        chat_id = int(params["chat_id"])
        sent = self.user_messages.get((source_chat, source_id))
        if sent is None:
            mine = self.messages.get((source_chat, source_id))
            if mine is None or mine.deleted:
                raise bad_request("message to copy not found")
            sent = self.message_json(mine)
        caption = params.get("caption")
        if "text" in sent:
            posted = await self._post(chat_id, "text", str(sent["text"]), {**params, "text": sent["text"]})
            return {"message_id": posted["message_id"]}
        for kind in ("photo", "document", "voice"):
            if kind in sent:
                media = sent[kind][-1] if kind == "photo" else sent[kind]
                stored = self.files.get(media["file_id"])
                if stored is None:
                    raise bad_request("wrong file identifier/HTTP URL specified")
                text = (
                    check_caption(caption, params.get("parse_mode"))
                    if caption is not None
                    else str(sent.get("caption") or "")
                )
                extra = {**params, "caption": caption if caption is not None else sent.get("caption")}
                posted = await self._post(chat_id, kind, text, extra, file=stored)
                return {"message_id": posted["message_id"]}
        raise bad_request("message can't be copied")

    async def m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        if chat_id > 0 and chat_id not in self.users:
            raise bad_request("chat not found")
        return {
            **self._chat_json(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def m_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        if chat_id not in self.forums:
            raise bad_request("the chat is not a forum")
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= MAX_TOPIC_NAME:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        thread_id = self._next_id(chat_id)  # as Telegram: the id of the "topic created" service message
        self.forums[chat_id][thread_id] = ForumTopic(thread_id, name)
        return {"message_thread_id": thread_id, "name": name, "icon_color": 7322096}

    async def m_deleteForumTopic(self, params: dict[str, Any]) -> bool:
        """As Telegram: the topic goes, and every message in it."""
        chat_id = int(params.get("chat_id", 0))
        if chat_id not in self.forums:
            raise bad_request("the chat is not a forum")
        thread_id = int(params.get("message_thread_id") or 0)
        if self.forums[chat_id].pop(thread_id, None) is None:
            raise bad_request("message thread not found")
        for (chat, _), message in self.messages.items():
            if chat == chat_id and message.thread_id == thread_id:
                message.deleted = True
        return True

    async def m_closeForumTopic(self, params: dict[str, Any]) -> bool:
        return self._set_topic_closed(params, True)

    async def m_reopenForumTopic(self, params: dict[str, Any]) -> bool:
        return self._set_topic_closed(params, False)

    def _set_topic_closed(self, params: dict[str, Any], closed: bool) -> bool:
        chat_id = int(params.get("chat_id", 0))
        if chat_id not in self.forums:
            raise bad_request("the chat is not a forum")
        topic = self.forums[chat_id].get(int(params.get("message_thread_id") or 0))
        if topic is None:
            raise bad_request("message thread not found")
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True
