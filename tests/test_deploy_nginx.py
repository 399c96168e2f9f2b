"""deploy/nginx.conf lets through what the processes behind it take."""

from __future__ import annotations

import re
from pathlib import Path

from bot.api import MAX_BODY
from bot.webapp.catalog_admin import MAX_PHOTO_BYTES
from handlers.imports import MAX_FILE_BYTES

NGINX = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20}


def _body_limit(block: str) -> int:
    found = re.search(r"client_max_body_size (\d+)([km]?);", block)
    assert found is not None, block
    return int(found.group(1)) * UNITS[found.group(2)]


def test_the_web_catalog_admins_uploads_get_through_and_the_api_keeps_its_limit() -> None:
    """A 10 MB photo or CSV file from /app/catalog reached nginx's 256 KB limit (the API's) and was
    refused with nginx's own 413 page before Ordergram saw it."""
    conf = NGINX.read_text(encoding="utf-8")
    app = re.search(r"location /app/ \{(.*?)\n    \}", conf, flags=re.DOTALL)
    assert app is not None, "no location for the Mini App (/app/)"
    assert _body_limit(app.group(1)) > max(MAX_PHOTO_BYTES, MAX_FILE_BYTES)  # and the form around the file
    assert "proxy_pass http://ordergram;" in app.group(1) and "proxy_set_header Host $host;" in app.group(1)
    server = conf.split("location", 1)[0]
    assert _body_limit(server) == MAX_BODY  # the API, the webhook: their own limit, as before
