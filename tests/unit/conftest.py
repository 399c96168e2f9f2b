"""Fixtures shared by the domain and presentation unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import make_i18n
from domain.ports import SystemClock
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from tests.fakes import FakeClock, FakeUnitOfWork


@pytest.fixture
def i18n() -> Iterator[I18n]:
    """The bot's catalogs, current as during an update (English until a test picks a locale)."""
    i18n = make_i18n("en")
    token = I18n.set_current(i18n)
    yield i18n
    I18n.reset_current(token)


PRODUCTS = """sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description
MUG-1,Blue mug,Kitchen,4.50,EUR,4006381333931,300,100,90,95,A mug
MUG-2,Red mug,Kitchen,4.00,EUR,,300,,,,
BAG-1,Tote bag,Bags,9.99,EUR,,200,,,,
"""


WAREHOUSES = """code,name,address,latitude,longitude,pickup_point
LON,London,1 Dock Rd,51.5,0.02,false
MAN,Manchester,2 Market St,53.48,-2.24,true
"""


STOCK = """sku,warehouse,bin,quantity
MUG-1,LON,A-01-01-1,3
MUG-1,MAN,S-01-01-1,5
BAG-1,LON,B-01-02-1,1
"""


@pytest.fixture
async def shop() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, SystemClock(), PRODUCTS)
    await import_stock(uow, FakeClock(), STOCK)
    return uow
