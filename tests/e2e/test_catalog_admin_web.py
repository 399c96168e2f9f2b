"""The web catalog admin: managers and admins edit products with the chat's /product use cases,
upload photos and import CSV files; everyone else is refused, cookie sessions need CSRF."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.catalog_admin_web import changes, png, product_id, upload
from tests.e2e.conftest import ADMIN, hire, refused_calls, staff_shop
from tests.e2e.journeys import name_in_russian
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.variants import translated_tees, tshirts
from tests.fakes import FakeClock

CUSTOMER = 501
MANAGER = 801
URL = "https://shop.test"


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL) as bot:
        yield bot


async def test_a_manager_edits_a_price_and_the_chat_card_shows_it_audited_as_in_chat(shop: RunningBot) -> None:
    await hire(shop, MANAGER, "Max", "manager")
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    assert "£2.08" in (await ann.send("/start p_23843")).last.text
    headers = tma(shop, MANAGER, first_name="Max")
    async with miniapp(shop) as client:
        page = await client.get("/app/catalog")
        assert page.status == 200 and "<script>" not in await page.text()
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        me = await (await client.get("/app/api/me", headers=headers)).json()
        assert me["catalog_admin"] is True
        found = await (await client.get("/app/api/catalog/products?q=23843", headers=headers)).json()
        assert [p["sku"] for p in found["products"]] == ["23843"] and found["total"] == 1
        pid = found["products"][0]["id"]
        sheet = await (await client.get(f"/app/api/catalog/products/{pid}", headers=headers)).json()
        price = next(f for f in sheet["fields"] if f["field"] == "price_GBP")
        assert price["value"] == "2.08" and price["label"] == "Price (GBP)"
        saved = await client.post(
            f"/app/api/catalog/products/{pid}", json={"field": "price_GBP", "value": "3.10"}, headers=headers
        )
        assert saved.status == 200
        body = await saved.json()
        assert next(f for f in body["fields"] if f["field"] == "price_GBP")["value"] == "3.10"
        assert body["history"][0]["before"] == "£2.08" and body["history"][0]["after"] == "£3.10"  # as money
        assert body["history"][0]["actor"] == "Max"  # by name, as the chat's history shows it
        hidden = await client.post(
            f"/app/api/catalog/products/{pid}/status", json={"status": "hidden"}, headers=headers
        )
        assert hidden.status == 200 and (await hidden.json())["status"] == "hidden"
        listed = await (await client.get("/app/api/catalog/products?status=hidden", headers=headers)).json()
        assert [p["sku"] for p in listed["products"]] == ["23843"]  # staff still find a hidden product
        back = await client.post(f"/app/api/catalog/products/{pid}/status", json={"status": "active"}, headers=headers)
        trail = (await back.json())["history"]  # newest first, in the reader's words as the chat's history
        assert [(c["before"], c["after"]) for c in trail[:2]] == [("hidden", "active"), ("active", "hidden")]
        ru = tma(shop, MANAGER, first_name="Max", language="ru")
        sheet_ru = await (await client.get(f"/app/api/catalog/products/{pid}", headers=ru)).json()
        assert (sheet_ru["history"][0]["before"], sheet_ru["history"][0]["after"]) == ("скрыт", "в продаже")
    assert "£3.10" in (await ann.send("/start p_23843")).last.text  # the chat's card, at once
    actor = f"staff:{MANAGER}"
    assert await changes(shop, "23843") == [
        (actor, "price_GBP", "2.08 GBP", "3.10 GBP"),
        (actor, "status", "active", "hidden"),
        (actor, "status", "hidden", "active"),
    ]


async def test_search_and_filters_narrow_the_list_and_pages_stay_in_range(shop: RunningBot) -> None:
    headers = tma(shop, ADMIN)
    async with miniapp(shop) as client:
        meta = await (await client.get("/app/api/catalog", headers=headers)).json()
        assert {s["value"] for s in meta["statuses"]} == {"active", "hidden", "discontinued"}
        assert {"value": "products", "label": "products"} in meta["kinds"] and meta["strings"]["catalog"] == "Catalog"
        party = next(c["id"] for c in meta["categories"] if c["name"] == "Party")
        everything = await (await client.get("/app/api/catalog/products", headers=headers)).json()
        in_party = await (await client.get(f"/app/api/catalog/products?category={party}", headers=headers)).json()
        assert 0 < in_party["total"] < everything["total"]
        assert {p["category"] for p in in_party["products"]} == {"Party"}
        far = await (await client.get("/app/api/catalog/products?page=999", headers=headers)).json()
        assert far["page"] == far["pages"] - 1 and far["products"]
        nothing = await (await client.get("/app/api/catalog/products?q=no-such-thing", headers=headers)).json()
        assert nothing["total"] == 0 and nothing["products"] == []
        for bad in ("status=gone", "category=x", "page=-1"):
            assert (await client.get(f"/app/api/catalog/products?{bad}", headers=headers)).status == 422, bad


async def test_what_an_import_file_holds_is_named_in_the_readers_language(shop: RunningBot) -> None:
    """A Russian page listed the kinds of file as the codes /import takes: «warehouses», «products»."""
    async with miniapp(shop) as client:
        meta = await (await client.get("/app/api/catalog", headers=tma(shop, ADMIN, language="ru"))).json()
        assert {"value": "warehouses", "label": "Склады (warehouses)"} in meta["kinds"]
        assert [k["value"] for k in meta["kinds"]][:2] == ["warehouses", "products"]  # the code stays what is sent
        html = await (await client.get("/app/catalog", headers={"Accept-Language": "ru-RU,ru;q=0.9"})).text()
        assert '<option value="warehouses">Склады (warehouses)</option>' in html
        html = await (await client.get("/app/catalog", headers={"Accept-Language": "en"})).text()
        assert '<option value="warehouses">warehouses</option>' in html


async def test_a_category_edited_on_one_variant_moves_the_whole_product_and_says_how_many(shop: RunningBot) -> None:
    """As in chat (tests/e2e/test_family_category.py): the category is the product's."""
    await tshirts(shop)
    await hire(shop, MANAGER, "Max", "manager")
    family = ["TEE", "TEE-M-WHT", "TEE-L-WHT", "TEE-S-NVY", "TEE-M-NVY", "TEE-L-NVY", "TEE-XL-NVY"]
    pid = await product_id(shop, "TEE-M-NVY")
    async with miniapp(shop) as client:
        url = f"/app/api/catalog/products/{pid}"
        saved = await client.post(url, json={"field": "category", "value": "Party"}, headers=tma(shop, MANAGER))
        assert saved.status == 200
        body = await saved.json()
        assert next(f for f in body["fields"] if f["field"] == "category")["value"] == "Party"
        assert body["moved"] == 7
        assert body["notice"] == "7 variants of TEE moved to Party: a product's variants share one category."
        russian = tma(shop, MANAGER, language="ru")
        back = await (await client.post(url, json={"field": "category", "value": "kitchen"}, headers=russian)).json()
        assert back["notice"] == "7 вариантов TEE перенесены в Kitchen: у вариантов товара одна категория."
        same = await (await client.post(url, json={"field": "category", "value": "Kitchen"}, headers=russian)).json()
        assert same["moved"] == 0 and same["notice"] is None
        fetched = await (await client.get(url, headers=russian)).json()
        assert fetched["notice"] is None  # said once, by the edit
    async with shop.runtime.sessions() as session:
        moved = await session.execute(
            select(m.ProductRow.sku, m.CategoryRow.name)
            .join(m.CategoryRow, m.CategoryRow.id == m.ProductRow.category_id)
            .where(m.ProductRow.sku.in_(family))
        )
        assert dict(moved.all()) == dict.fromkeys(family, "Kitchen")
    actor = f"staff:{MANAGER}"
    for sku in family:
        assert await changes(shop, sku) == [
            (actor, "category", "Clothing", "Party"),
            (actor, "category", "Party", "Kitchen"),
        ], sku


async def test_the_list_and_the_sheet_say_which_variant_each_row_is(shop: RunningBot) -> None:
    """Seven rows of one T-shirt read "Organic cotton T-shirt (M / Navy)" and so on, as /stock,
    orders and pick lists name them: a manager about to change one variant's price sees which."""
    await tshirts(shop)
    pid = await product_id(shop, "TEE-M-NVY")
    async with miniapp(shop) as client:
        listed = await (await client.get("/app/api/catalog/products?q=TEE", headers=tma(shop, ADMIN))).json()
        sheet = await (await client.get(f"/app/api/catalog/products/{pid}", headers=tma(shop, ADMIN))).json()
    names = {p["sku"]: p["name"] for p in listed["products"]}
    assert names["TEE-M-NVY"] == sheet["name"] == "Organic cotton T-shirt (M / Navy)"
    assert names["TEE"] == "Organic cotton T-shirt (S / White)"
    assert len(set(names.values())) == 7
    assert next(f for f in sheet["fields"] if f["field"] == "name")["value"] == "Organic cotton T-shirt"  # as typed


async def test_search_finds_a_product_by_its_name_in_another_language(shop: RunningBot) -> None:
    """A Russian-speaking manager types the Russian name a products file gave (``name_ru``), as a
    customer's search finds it: the list is not empty because the shop's default language is English."""
    await name_in_russian(shop, "23843", "Бумажный журавлик")
    async with miniapp(shop) as client:
        headers = tma(shop, ADMIN, language="ru")
        found = await (await client.get("/app/api/catalog/products?q=журавлик", headers=headers)).json()
    assert [p["sku"] for p in found["products"]] == ["23843"] and found["total"] == 1


async def test_a_category_filter_takes_in_the_categories_inside_it(shop: RunningBot) -> None:
    """The T-shirt put in Clothing > T-shirts is under Clothing: filtered by Clothing, the list
    shows it (the storefront's Clothing page leads to it), and filtered by T-shirts too."""
    await tshirts(shop)
    pid = await product_id(shop, "TEE")
    async with miniapp(shop) as client:
        headers = tma(shop, ADMIN)
        path = {"field": "category", "value": "Clothing > T-shirts"}
        assert (await client.post(f"/app/api/catalog/products/{pid}", json=path, headers=headers)).status == 200
        meta = await (await client.get("/app/api/catalog", headers=headers)).json()
        ids = {c["name"]: c["id"] for c in meta["categories"]}
        listed = "/app/api/catalog/products?category="
        clothing = await (await client.get(f"{listed}{ids['Clothing']}", headers=headers)).json()
        shirts = await (await client.get(f"{listed}{ids['T-shirts']}", headers=headers)).json()
    assert clothing["total"] == shirts["total"] == 7
    assert {p["category"] for p in clothing["products"]} == {"T-shirts"}


async def test_other_roles_and_customers_get_403_problems_and_no_admin_link(shop: RunningBot) -> None:
    await hire(shop, 601, "Pia", "picker", "LON")
    await hire(shop, 602, "Sam", "support")
    pid = await product_id(shop, "23843")
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/app/api/catalog", {}),
        ("GET", "/app/api/catalog/products", {}),
        ("GET", f"/app/api/catalog/products/{pid}", {}),
        ("POST", f"/app/api/catalog/products/{pid}", {"json": {"field": "price_GBP", "value": "0.01"}}),
        ("POST", f"/app/api/catalog/products/{pid}/status", {"json": {"status": "hidden"}}),
        ("POST", f"/app/api/catalog/products/{pid}/photos", {"data": upload("a.png", png())}),
        ("POST", f"/app/api/catalog/products/{pid}/photos/clear", {}),
        ("POST", "/app/api/catalog/import", {"data": upload("p.csv", b"sku,name\n", "file", kind="products")}),
    ]
    async with miniapp(shop) as client:
        for who in (601, 602, CUSTOMER):
            me = await (await client.get("/app/api/me", headers=tma(shop, who))).json()
            assert me["catalog_admin"] is False
            for method, path, kwargs in calls:
                if "data" in kwargs:  # a form is spent once sent
                    kwargs = {"data": upload("a.png", png(), "photo" if "photos" in path else "file", kind="products")}
                response = await client.request(method, path, headers=tma(shop, who), **kwargs)
                assert response.status == 403, (who, method, path)
                assert response.content_type == "application/problem+json"
    assert await changes(shop, "23843") == []
    assert not [m for m in shop.server.calls if m.method == "sendPhoto"]  # nothing sent for a refused upload


async def test_bad_values_unknown_fields_and_missing_products_change_nothing(shop: RunningBot) -> None:
    headers = tma(shop, ADMIN)
    pid = await product_id(shop, "23843")
    async with miniapp(shop) as client:
        for body, needle in (
            ({"field": "price_GBP", "value": "-1"}, "cannot be negative"),
            ({"field": "price_GBP", "value": "abc"}, ""),
            ({"field": "weight", "value": "heavy"}, "grams"),
            ({"field": "dims", "value": "1x2"}, "millimetres"),
            ({"field": "sku", "value": "X"}, "cannot be edited"),
            ({"field": "status", "value": "hidden"}, "cannot be edited"),
            ({"field": "name", "value": " "}, "1 to 256"),
            ({"field": "price_GBP", "value": 3}, ""),
        ):
            response = await client.post(f"/app/api/catalog/products/{pid}", json=body, headers=headers)
            assert response.status == 422, body
            assert needle in (await response.json())["detail"]
        missing = await client.post(
            "/app/api/catalog/products/99999999", json={"field": "name", "value": "X"}, headers=headers
        )
        assert missing.status == 404
        assert (await client.get("/app/api/catalog/products/abc", headers=headers)).status == 404
        status = await client.post(f"/app/api/catalog/products/{pid}/status", json={"status": "gone"}, headers=headers)
        assert status.status == 422
        russian = await client.post(
            f"/app/api/catalog/products/{pid}",
            json={"field": "price_GBP", "value": "-1"},
            headers=tma(shop, ADMIN, language="ru"),
        )
        assert "отрицательн" in (await russian.json())["detail"]
    assert await changes(shop, "23843") == []


async def test_a_cookie_session_needs_the_csrf_token_for_every_change(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    reply = await admin.send("/dashboard")
    markup = reply.last.reply_markup or {}
    link = next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b)
    pid = await product_id(shop, "23843")
    async with miniapp(shop) as client:
        signed_in = await client.post("/app/login", data={"token": link.split("token=", 1)[1]}, allow_redirects=False)
        client.session.cookie_jar.update_cookies({"og_dashboard": signed_in.cookies["og_dashboard"].value})
        edit = {"field": "price_GBP", "value": "9.99"}
        assert (await client.get(f"/app/api/catalog/products/{pid}")).status == 200
        assert (await client.post(f"/app/api/catalog/products/{pid}", json=edit)).status == 403
        wrong = {"X-CSRF-Token": "0" * 64}
        assert (await client.post(f"/app/api/catalog/products/{pid}", json=edit, headers=wrong)).status == 403
        photo = await client.post(f"/app/api/catalog/products/{pid}/photos", data=upload("a.png", png()))
        assert photo.status == 403
        assert await changes(shop, "23843") == []
        me = await (await client.get("/app/api/me")).json()
        token = {me["csrf_header"]: me["csrf"]}
        assert (await client.post(f"/app/api/catalog/products/{pid}", json=edit, headers=token)).status == 200
        cross = await client.post(
            f"/app/api/catalog/products/{pid}", json=edit, headers={**token, "Origin": "https://evil.example"}
        )
        assert cross.status == 403
    assert await changes(shop, "23843") == [(f"staff:{ADMIN}", "price_GBP", "2.08 GBP", "9.99 GBP")]


async def test_an_uploaded_picture_becomes_a_telegram_photo_and_anything_else_is_refused(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/start")
    headers = tma(shop, ADMIN)
    pid = await product_id(shop, "23166")
    async with shop.runtime.sessions() as session:
        before = await session.get(m.ProductRow, pid)
        assert before is not None
        photos_before = [before.photo_file_id, *before.more_photos.split()]
    async with miniapp(shop) as client:
        for name, content, needle in (
            ("notes.png", b"just some text, named like a picture", "not a picture"),
            ("tiny.gif", _gif(), "not a picture"),
            ("long.png", png(2000, 40), "times longer"),
            ("empty.png", b"", "not a picture"),
        ):
            refused = await client.post(
                f"/app/api/catalog/products/{pid}/photos", data=upload(name, content), headers=headers
            )
            assert refused.status == 422, name
            assert needle in (await refused.json())["detail"], name
        assert not [c for c in shop.server.calls if c.method == "sendPhoto"]
        saved = await client.post(
            f"/app/api/catalog/products/{pid}/photos", data=upload("mug.png", png()), headers=headers
        )
        assert saved.status == 200, await saved.text()
        assert (await saved.json())["photos"] == len([p for p in photos_before if p]) + 1
        not_multipart = await client.post(f"/app/api/catalog/products/{pid}/photos", json={}, headers=headers)
        assert not_multipart.status == 415
    receipt = admin.messages()[-1]
    assert receipt.kind == "photo" and receipt.file is not None and "23166" in receipt.text  # what was stored
    async with shop.runtime.sessions() as session:
        row = await session.get(m.ProductRow, pid)
        assert row is not None
        stored = [p for p in [row.photo_file_id, *row.more_photos.split()] if p]
    assert stored[-1] == receipt.file.file_id and stored[-1] in shop.server.files  # a Telegram file id, as in chat
    audit = await changes(shop, "23166")
    assert [(a, f) for a, f, _, _ in audit] == [(f"staff:{ADMIN}", "photos")]


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


async def test_a_csv_with_a_bad_line_imports_nothing_and_names_the_line(shop: RunningBot) -> None:
    headers = tma(shop, ADMIN)
    bad = b"sku,name,category,price,currency\nNEW-1,New mug,Kitchen,3.50,GBP\nNEW-2,Other mug,Kitchen,lots,GBP\n"
    good = b"sku,name,category,price,currency\nNEW-1,New mug,Kitchen,3.50,GBP\nNEW-2,Other mug,Kitchen,4,GBP\n"
    async with miniapp(shop) as client:
        refused = await client.post(
            "/app/api/catalog/import", data=upload("mugs.csv", bad, "file", kind="products"), headers=headers
        )
        assert refused.status == 422 and refused.content_type == "application/problem+json"
        problem = await refused.json()
        assert problem["detail"] == "Nothing was imported: 1 row has problems."
        assert [p["line"] for p in problem["problems"]] == [3] and "lots" in problem["problems"][0]["reason"]
        async with shop.runtime.sessions() as session:
            assert await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "NEW-1")) is None
        unknown = await client.post(
            "/app/api/catalog/import", data=upload("x.csv", good, "file", kind="recipes"), headers=headers
        )
        assert unknown.status == 422
        done = await client.post(
            "/app/api/catalog/import", data=upload("mugs.csv", good, "file", kind="products"), headers=headers
        )
        assert done.status == 200
        assert (await done.json())["summary"] == "products: 2 created, 0 updated, 0 unchanged."
    await product_id(shop, "NEW-2")


async def test_an_import_summary_and_its_problems_reach_the_page_as_plain_text(shop: RunningBot) -> None:
    """The page shows them as text: the chat's HTML read "Men &amp; Boys" there."""
    headers = tma(shop, ADMIN)
    head = "sku,name,category,price,currency,size & fit\n"
    async with miniapp(shop) as client:
        for path in ("Clothing > Men & Boys > Shirts", "Clothing > Women & Girls > Shirts"):
            row = f"SHIRT-1,Oxford shirt,{path},20.00,GBP,slim\n".encode()
            done = await client.post(
                "/app/api/catalog/import",
                data=upload("p.csv", head.encode() + row, "file", kind="products"),
                headers=headers,
            )
            assert done.status == 200
        summary = (await done.json())["summary"]
        assert "Category Shirts moved from Clothing › Men & Boys to Clothing › Women & Girls" in summary
        assert "Column(s) ignored, not part of the format: size & fit." in summary
        bad = head.encode() + b"SHIRT-2,Linen shirt,Clothing,1&2,GBP,slim\n"
        refused = await client.post(
            "/app/api/catalog/import", data=upload("p.csv", bad, "file", kind="products"), headers=headers
        )
        reason = (await refused.json())["problems"][0]["reason"]
        assert "1&2" in reason and "&amp;" not in reason


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Category Shirts moved from Clothing › Women to Clothing › Men & Boys, with everything in it."),
        ("ru", "Категория Shirts перенесена из Clothing › Women в Clothing › Men & Boys вместе со всем, что в ней."),
    ],
)
async def test_a_category_path_moving_a_stored_category_says_so_on_the_page_as_in_chat(
    shop: RunningBot, language: str, said: str
) -> None:
    """The chat said which category a typed path moved, with everything in it; the page said only "Saved"."""
    headers = tma(shop, ADMIN, language=language)
    async with miniapp(shop) as client:
        for sku, path in (("85123A", "Clothing > Women > Shirts"), ("22197", "clothing > Men & Boys > shirts")):
            saved = await client.post(
                f"/app/api/catalog/products/{await product_id(shop, sku)}",
                json={"field": "category", "value": path},
                headers=headers,
            )
            assert saved.status == 200
        assert (await saved.json())["notice"] == said


async def test_a_photo_telegram_refuses_saves_nothing_and_says_why(tmp_path: Path, clock: FakeClock) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'photo.sqlite3'}", clock=clock, default_currency="GBP", admin_ids=[ADMIN]
    ) as shop:
        await SandboxUser(shop.server, ADMIN, "Ada").send("/start")
        shop.server.blocked.add(ADMIN)  # the uploader blocked the bot: no chat to carry the picture
        pid = await product_id(shop, "23166")
        async with miniapp(shop) as client:
            refused = await client.post(
                f"/app/api/catalog/products/{pid}/photos", data=upload("mug.png", png()), headers=tma(shop, ADMIN)
            )
            assert refused.status == 502 and refused.content_type == "application/problem+json"
            assert "nothing was saved" in (await refused.json())["detail"]
        assert await changes(shop, "23166") == []
        assert refused_calls(shop) == [("sendPhoto", "Forbidden: bot was blocked by the user")]


async def test_a_variants_options_in_russian_are_given_in_the_page_checked_and_audited_as_in_chat(
    shop: RunningBot,
) -> None:
    """Chat's ✏️ Options (ru) had no field in the web catalog: a manager there could not give a variant its words."""
    await translated_tees(shop)
    await hire(shop, MANAGER, "Max", "manager")
    english, russian = tma(shop, MANAGER), tma(shop, MANAGER, language="ru")
    url = f"/app/api/catalog/products/{await product_id(shop, 'TEE-M-NVY')}"
    async with miniapp(shop) as client:
        sheet = await (await client.get(url, headers=english)).json()
        field = next(f for f in sheet["fields"] if f["field"] == "options_ru")
        assert (field["label"], field["value"]) == ("Options (ru)", "")
        plain_url = f"/app/api/catalog/products/{await product_id(shop, '23843')}"
        plain = await (await client.get(plain_url, headers=english)).json()
        assert "options_ru" not in [f["field"] for f in plain["fields"]]  # no options, nothing to say them in
        for headers, typed, said in (
            (english, "Размер=M", "Give each option of TEE in that language, in its order (Size, Colour): "),
            (russian, "Размер=M", "Укажите каждую опцию TEE на этом языке, в её порядке (Size, Colour): "),
            (english, "Размер=M; Цвет=белый", "“Белый” already says White on TEE: two of the card's buttons"),
            (russian, "Размер=M; Цвет=белый", "«Белый» уже означает White у TEE: две кнопки на карточке"),
        ):
            refused = await client.post(url, json={"field": "options_ru", "value": typed}, headers=headers)
            assert refused.status == 422 and (await refused.json())["detail"].startswith(said), typed
        saved = await client.post(url, json={"field": "options_ru", "value": "Размер=M; Цвет=Синий"}, headers=russian)
        assert saved.status == 200
        body = await saved.json()
        assert next(f for f in body["fields"] if f["field"] == "options_ru")["value"] == "Размер=M; Цвет=Синий"
        assert (body["history"][0]["field"], body["history"][0]["after"]) == ("Опции (ru)", "Размер=M; Цвет=Синий")
    assert await changes(shop, "TEE-M-NVY") == [(f"staff:{MANAGER}", "options_ru", "", "Размер=M; Цвет=Синий")]
    boris = SandboxUser(shop.server, CUSTOMER, "Борис", language_code="ru")
    assert "Размер: M · Цвет: Синий" in (await boris.send("/start p_TEE-M-NVY")).last.text
