"""/track links each parcel to its carrier's tracking page, as the "shipped" message does (en/ru):
it named the carrier and the number only, though the Mini App's order screen linked them."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.test_parcels import packed_order

WORDS = {"en": "Track the parcel", "ru": "Отследить посылку"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_track_links_each_parcel_to_its_carriers_tracking_page(shop: RunningBot, language: str) -> None:
    async with shop.runtime.sessions() as session, session.begin():  # a page address with a query, to be escaped
        rates = update(m.CarrierRateRow).where(m.CarrierRateRow.carrier == "DPD")
        await session.execute(rates.values(tracking_url="https://track.dpd.co.uk/?p={tracking}&lang=x"))
    customer = SandboxUser(shop.server, 5302, "Dora", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} DPD TRK-L1")
    shown = (await customer.send(f"/track {code}")).last
    link = f'<a href="https://track.dpd.co.uk/?p=TRK-L1&amp;lang=x">{WORDS[language]}</a>'
    assert link in (shown.html or ""), shown.html
