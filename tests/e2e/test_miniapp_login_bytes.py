"""The dashboard's sign-in form (POST /app/login, open to anyone) sent bytes that are no UTF-8:
a 500 with a traceback logged for each; it is now the 401 any wrong link gets, and no one signs in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import ADMIN, shop_on
from tests.e2e.journeys import count
from tests.e2e.miniapp import miniapp
from tests.fakes import FakeClock

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=x"


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.test", admin_ids=[ADMIN]) as bot:
        yield bot


async def test_a_sign_in_form_of_bytes_that_are_no_text_is_refused_like_a_wrong_link(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    async with miniapp(shop) as client:
        for content_type, raw in (
            (FORM, b"token=\xff\xfe"),
            (MULTIPART, b'--x\r\nContent-Disposition: form-data; name="token"\r\n\r\n\xff\r\n--x--\r\n'),
        ):
            answer = await client.post("/app/login", data=raw, headers={"Content-Type": content_type})
            assert answer.status == 401, (content_type, await answer.text())
            assert (await answer.json())["detail"] == "This sign-in link is invalid, expired or already used."
            assert "Set-Cookie" not in answer.headers
    assert await count(shop, m.WebSessionRow) == 0
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
