"""/track links each parcel to its carrier's tracking page, as the "shipped" message does (en/ru):
it named the carrier and the number only, though the Mini App's order screen linked them."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.parcels import packed_order

WORDS = {"en": "Track the parcel", "ru": "Отследить посылку"}


async def dpd_pages_at(shop: RunningBot, url: str) -> None:
    async with shop.runtime.sessions() as session, session.begin():
        rates = update(m.CarrierRateRow).where(m.CarrierRateRow.carrier == "DPD")
        await session.execute(rates.values(tracking_url=url))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_track_links_each_parcel_to_its_carriers_tracking_page(shop: RunningBot, language: str) -> None:
    await dpd_pages_at(shop, "https://track.dpd.co.uk/?p={tracking}&lang=x")  # a query, to be escaped
    customer = SandboxUser(shop.server, 5302, "Dora", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} DPD TRK-L1")
    shown = (await customer.send(f"/track {code}")).last
    link = f'<a href="https://track.dpd.co.uk/?p=TRK-L1&amp;lang=x">{WORDS[language]}</a>'
    assert link in (shown.html or ""), shown.html


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_message_with_a_tracking_link_shows_no_preview_of_the_carriers_page(
    shop: RunningBot, language: str
) -> None:
    await dpd_pages_at(shop, "https://track.dpd.co.uk/?p={tracking}")
    customer = SandboxUser(shop.server, 5303, "Dora", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} DPD TRK-L2")
    shown = (await customer.send(f"/track {code}")).last
    assert WORDS[language] in shown.text
    page = "https://track.dpd.co.uk/?p=TRK-L2"
    linked = [c for c in shop.server.calls if c.ok and page in str(c.params.get("text", ""))]
    assert {c.params["chat_id"] for c in linked} == {customer.id} and len(linked) >= 2  # "shipped", then /track
    assert all(c.params.get("link_preview_options") == {"is_disabled": True} for c in linked), linked


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_carrier_typed_in_another_case_still_links_its_tracking_page(shop: RunningBot, language: str) -> None:
    """Its arrival date was DPD's for "dpd" already; its tracking page now is too."""
    await dpd_pages_at(shop, "https://track.dpd.co.uk/?p={tracking}")
    customer = SandboxUser(shop.server, 5304, "Dora", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} dpd TRK-L3")
    shown = (await customer.send(f"/track {code}")).last
    assert f'<a href="https://track.dpd.co.uk/?p=TRK-L3">{WORDS[language]}</a>' in (shown.html or ""), shown.html
