"""Product photos of the Mini App (``/app/photo/ID``, for ``<img>``): served without sign-in,
like the catalog they show, for listed products only.

Each view asks whether the product is listed (a read-cache lookup of the product alone, not its
card: ``listed_photo``), so a photo is revalidated every time (``Cache-Control: public, no-cache``
with an ETag: a browser that has it is told 304, sending no bytes): hiding a product takes its
photo down at once, where an hour's ``max-age`` kept it showing. A photo Telegram will not give (a
file it no longer has: 404; Telegram down: 502) is answered as a problem without a traceback,
logged once, and not asked for again for a minute."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import mimetypes
from collections import OrderedDict
from datetime import datetime, timedelta
from pathlib import Path

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramNotFound
from aiogram.utils.i18n import gettext as _
from aiohttp import ClientError, web

from bot.runtime import Runtime
from bot.webapp.payloads import path_id
from bot.webapp.security import RUNTIME, WebProblem
from domain.catalog import LOCAL_PHOTO_PREFIX
from domain.usecases.product_lookup import listed_photo

log = logging.getLogger(__name__)

PHOTO_CACHE = 256  # photos fetched from Telegram, kept in memory (a grid asks for each often)
PHOTO_CACHE_BYTES = 64 * 1024 * 1024  # … and at most this many bytes of them
PHOTO_DOWNLOADS = 4  # photos fetched from Telegram at once (strangers asking for many wait their turn)
MAX_PHOTO_DOWNLOAD = 20 * 1024 * 1024  # what the Bot API lets a bot download
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# Revalidated on each view (the product may have been hidden since); the ETag spares the bytes.
CACHE_CONTROL = "public, no-cache"
FAILED_FOR = timedelta(minutes=1)  # a photo Telegram refused is not asked for again meanwhile


class Unavailable(Exception):
    """Telegram did not give the photo: 404 (it has no such file) or 502 (it failed)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


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
        self.failed: OrderedDict[str, tuple[datetime, int]] = OrderedDict()  # reference → (until, status)

    async def get(self, request: web.Request) -> web.StreamResponse:
        runtime = _runtime(request)
        product_id = path_id(request)
        # Every view: a product hidden since is not found, whatever a browser kept of its photo.
        reference = await listed_photo(runtime.uow(), product_id=product_id)
        headers = {"Cache-Control": CACHE_CONTROL}
        if reference.startswith(LOCAL_PHOTO_PREFIX):
            path = Path(reference.removeprefix(LOCAL_PHOTO_PREFIX))
            kind = mimetypes.guess_type(path.name)[0] or ""
            if kind not in IMAGE_TYPES or not await asyncio.to_thread(_in_folder, path, runtime.settings.photo_dir):
                raise web.HTTPNotFound()
            # Read whole in a thread, not by web.FileResponse: a browser leaving mid-photo cancelled its send
            # between opening the file and closing it, and the open file was left to the garbage collector.
            stat = await asyncio.to_thread(path.stat)
            headers["ETag"] = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'  # a file replaced is another version
            if headers["ETag"] in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
                return web.Response(status=304, headers=headers)
            return web.Response(body=await asyncio.to_thread(path.read_bytes), content_type=kind, headers=headers)
        if not reference or reference.startswith(("http://", "https://")):  # not fetched for others: no SSRF
            raise web.HTTPNotFound()
        # A Telegram file id names one file's bytes for good: the id is the version.
        headers["ETag"] = f'"{hashlib.sha256(reference.encode()).hexdigest()[:32]}"'
        if headers["ETag"] in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
            return web.Response(status=304, headers=headers)
        try:
            content, kind = await self._photo(runtime, reference, product_id)
        except Unavailable as failed:
            if failed.status == 404:
                raise web.HTTPNotFound() from None
            raise WebProblem(502, _("Telegram did not send the photo. Please try again later.")) from None
        return web.Response(body=content, content_type=kind, headers=headers)

    async def _photo(self, runtime: Runtime, reference: str, product_id: int) -> tuple[bytes, str]:
        cached = self.cache.get(reference)
        if cached is not None:
            self.cache.move_to_end(reference)
            return cached
        failed = self.failed.get(reference)
        if failed is not None and runtime.clock.now() < failed[0]:  # refused a moment ago: not asked again yet
            raise Unavailable(failed[1])
        pending = self.fetching.get(reference)
        if pending is None:  # the first to ask fetches it; the others asking meanwhile wait for that
            fetch = self._fetch(runtime, reference, product_id)
            pending = self.fetching[reference] = asyncio.ensure_future(fetch)
            pending.add_done_callback(lambda done: self._fetched(reference, done))
        return await asyncio.shield(pending)  # a closed page does not cancel what the others wait for

    def _fetched(self, reference: str, done: asyncio.Future[tuple[bytes, str]]) -> None:
        self.fetching.pop(reference, None)
        if not done.cancelled():
            done.exception()  # retrieved, whether or not anyone still waits for it

    async def _fetch(self, runtime: Runtime, reference: str, product_id: int) -> tuple[bytes, str]:
        """The download, or ``Unavailable``: logged once (the waiters share it) and remembered."""
        try:
            return await self._download(runtime, reference)
        except Unavailable as refused:
            failure: Exception = refused
            status = refused.status
        except (TelegramBadRequest, TelegramNotFound) as refused:  # Telegram has no such file (any more)
            failure, status = refused, 404
        except (TelegramAPIError, ClientError, TimeoutError) as refused:  # Telegram down or unreachable
            failure, status = refused, 502
        log.warning(
            "Mini App photo of product %s: Telegram did not give it (%s: %s); answering %s for %s s",
            product_id,
            type(failure).__name__,
            str(failure)[:200],
            status,
            int(FAILED_FOR.total_seconds()),
        )
        self.failed[reference] = (runtime.clock.now() + FAILED_FOR, status)
        self.failed.move_to_end(reference)
        while len(self.failed) > PHOTO_CACHE:
            self.failed.popitem(last=False)
        raise Unavailable(status)

    async def _download(self, runtime: Runtime, reference: str) -> tuple[bytes, str]:
        async with self.downloads:
            file = await runtime.bot.get_file(reference)
            if (file.file_size or 0) > MAX_PHOTO_DOWNLOAD:
                raise Unavailable(404)
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


def _in_folder(path: Path, folder: Path) -> bool:
    """A regular file under ``folder`` once links are resolved (PHOTO_DIR): a ``file:`` photo
    stored earlier may name any image the server can read, which strangers must not get."""
    resolved = path.resolve()
    return resolved.is_relative_to(folder.resolve()) and resolved.is_file()
