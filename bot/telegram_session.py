"""The HTTP session to the Bot API: requests without files go as one JSON body.

aiogram's ``AiohttpSession`` sends every request as a form, each nested object (a
keyboard, entities) JSON-encoded into its own field; the server then decodes the form
and each of those fields. The Bot API takes ``application/json`` for any request that
uploads no file, and measured through the sandbox a ``sendMessage`` with a keyboard
costs ~15 % less both ways that way (``bench/bot_throughput.py``). Uploads (documents,
photos from disk) still go as multipart forms, through aiogram's own path.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout

JSON_HEADERS = {"Content-Type": "application/json"}


def request_body(session: BaseSession, bot: Bot, method: TelegramMethod[Any], files: dict[str, Any]) -> dict[str, Any]:
    """A method's parameters as plain JSON values (nested objects as objects, unset ones
    left out); an upload found on the way goes into ``files``.

    Read from the method's fields as they are (``__dict__`` holds a pydantic model's field
    values, ``__pydantic_extra__`` any extra ones) rather than from ``model_dump()``: aiogram's
    ``prepare_value`` dumps each nested object itself, and dumping the whole method first
    (twenty-odd fields, most of them unset) was half the cost of every request's body."""
    body: dict[str, Any] = {}
    fields = method.__dict__
    if method.__pydantic_extra__:
        fields = {**fields, **method.__pydantic_extra__}
    for key, value in fields.items():
        if value is None:
            continue
        prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is not None:
            body[key] = prepared
    return body


class JsonBodySession(AiohttpSession):
    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        files: dict[str, Any] = {}
        body = request_body(self, bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=raw_result)
        return cast(TelegramType, response.result)
