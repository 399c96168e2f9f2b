"""The Mini App's problems are titled in the reader's language ("Not allowed", not the class name
"NotAllowed"), and a dashboard list a role may not see is refused (403) while one that does not exist
is not found (404)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire, refused_calls, staff_shop
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

CUSTOMER, PICKER = 501, 601
TITLES = {
    "en": {403: "Not allowed", 404: "Not found", 422: "Not accepted", 401: "Not signed in"},
    "ru": {403: "Нет доступа", 404: "Не найдено", 422: "Не принято", 401: "Вход не выполнен"},
}
CLASS_NAMES = {"NotFound", "InvalidPhone", "WrongRole", "NotAllowed", "Unauthorized", "Forbidden"}


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        yield bot
        assert refused_calls(bot) == []


async def _problem(answer: Any) -> tuple[int, str]:
    assert answer.content_type == "application/problem+json"
    body = await answer.json()
    assert body["title"] not in CLASS_NAMES and body["detail"]
    return answer.status, body["title"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_list_the_role_may_not_see_is_not_allowed_and_an_unknown_list_is_not_found(
    shop: RunningBot, language: str
) -> None:
    await hire(shop, PICKER, "Pat", "picker", "LON", language=language)
    titles = TITLES[language]
    async with miniapp(shop) as client:
        picker = tma(shop, PICKER, language=language)
        for known in ("unsent", "open_returns"):  # both known lists a picker does not see: one answer
            answer = await client.get(f"/app/api/dashboard/lists/{known}", headers=picker)
            assert await _problem(answer) == (403, titles[403]), known
        for unknown in ("returns", "customers"):  # no such list, for anyone
            for who in (PICKER, ADMIN):
                answer = await client.get(f"/app/api/dashboard/lists/{unknown}", headers=tma(shop, who))
                status, _ = await _problem(answer)
                assert status == 404, (unknown, who)
        missing = await client.get("/app/api/dashboard/orders/NOPE1234", headers=tma(shop, ADMIN, language=language))
        assert await _problem(missing) == (404, titles[404])
        anonymous = await client.get("/app/api/dashboard/lists/queue", headers={"Accept-Language": language})
        assert await _problem(anonymous) == (401, titles[401])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_phone_the_checkout_cannot_take_is_titled_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language)
    await ann.send("/start")
    await add_to_cart(ann, "23843", 1)
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        order = {"key": "k" * 16, "phone": "12", "payment": "cod", "pickup_id": options["pickup_points"][0]["id"]}
        refused = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert await _problem(refused) == (422, TITLES[language][422])
