"""Product photos of the Mini App (``/app/photo/ID``, for ``<img>``): served without sign-in,
like the catalog they show, for listed products only."""

from __future__ import annotations

import asyncio
import io
import mimetypes
from collections import OrderedDict
from pathlib import Path

from aiohttp import web

from bot.runtime import Runtime
from bot.webapp.payloads import path_id
from bot.webapp.security import RUNTIME
from domain.catalog import LOCAL_PHOTO_PREFIX
from domain.usecases.catalog import product_card

PHOTO_CACHE = 256  # photos fetched from Telegram, kept in memory (a grid asks for each often)
PHOTO_CACHE_BYTES = 64 * 1024 * 1024  # … and at most this many bytes of them
PHOTO_DOWNLOADS = 4  # photos fetched from Telegram at once (strangers asking for many wait their turn)
MAX_PHOTO_DOWNLOAD = 20 * 1024 * 1024  # what the Bot API lets a bot download
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


class Photos:
    """Product photos for the grid: a local file as is; a Telegram file fetched once. Anyone may
    ask (``<img>`` sends no initData), so strangers' requests cost the shop a bounded amount: one
    download of a photo however many ask for it at once, a few downloads at a time, and a cache
    bounded in bytes as well as photos."""

    def __init__(self) -> None:
        self.cache: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self.cached_bytes = 0
        self.fetching: dict[str, asyncio.Future[tuple[bytes, str]]] = {}
        self.downloads = asyncio.Semaphore(PHOTO_DOWNLOADS)

    async def get(self, request: web.Request) -> web.StreamResponse:
        runtime = _runtime(request)
        base = runtime.settings.default_currency
        card = await product_card(runtime.uow(), product_id=path_id(request), currency=base, fallback_currency=base)
        reference = card.product.photo_file_id or ""
        headers = {"Cache-Control": "public, max-age=3600"}
        if reference.startswith(LOCAL_PHOTO_PREFIX):
            path = Path(reference.removeprefix(LOCAL_PHOTO_PREFIX))
            kind = mimetypes.guess_type(path.name)[0] or ""
            if kind not in IMAGE_TYPES or not await asyncio.to_thread(path.is_file):
                raise web.HTTPNotFound()
            return web.FileResponse(path, headers={**headers, "Content-Type": kind})
        if not reference or reference.startswith(("http://", "https://")):  # not fetched for others: no SSRF
            raise web.HTTPNotFound()
        content, kind = await self._photo(runtime, reference)
        return web.Response(body=content, content_type=kind, headers=headers)

    async def _photo(self, runtime: Runtime, reference: str) -> tuple[bytes, str]:
        cached = self.cache.get(reference)
        if cached is not None:
            self.cache.move_to_end(reference)
            return cached
        pending = self.fetching.get(reference)
        if pending is None:  # the first to ask fetches it; the others asking meanwhile wait for that
            pending = self.fetching[reference] = asyncio.ensure_future(self._download(runtime, reference))
            pending.add_done_callback(lambda done: self._fetched(reference, done))
        return await asyncio.shield(pending)  # a closed page does not cancel what the others wait for

    def _fetched(self, reference: str, done: asyncio.Future[tuple[bytes, str]]) -> None:
        self.fetching.pop(reference, None)
        if not done.cancelled():
            done.exception()  # retrieved, whether or not anyone still waits for it

    async def _download(self, runtime: Runtime, reference: str) -> tuple[bytes, str]:
        async with self.downloads:
            file = await runtime.bot.get_file(reference)
            if (file.file_size or 0) > MAX_PHOTO_DOWNLOAD:
                raise web.HTTPNotFound()
            buffer = io.BytesIO()
            await runtime.bot.download_file(file.file_path or "", buffer)
        content = buffer.getvalue()
        kind = mimetypes.guess_type(file.file_path or "")[0] or "image/jpeg"
        photo = content, kind if kind in IMAGE_TYPES else "image/jpeg"
        self.cache[reference] = photo
        self.cached_bytes += len(content)
        while self.cache and (len(self.cache) > PHOTO_CACHE or self.cached_bytes > PHOTO_CACHE_BYTES):
            self.cached_bytes -= len(self.cache.popitem(last=False)[1][0])
        return photo


def add_photo_routes(app: web.Application) -> None:
    app.router.add_get("/photo/{id}", Photos().get)
