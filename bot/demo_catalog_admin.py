"""The demo's web catalog admin scene: a manager's price edit, photo and CSV import, as the page makes them."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image

from bot.demo_miniapp import phone_page, served, signed_init_data
from bot.harness import RunningBot
from sandbox import SandboxUser

SKU = "23843"
BAD_CSV = b"sku,name,category,price,currency\nNEW-1,Enamel mug,Kitchen,3.50,GBP\nNEW-2,Tin cup,Kitchen,lots,GBP\n"


def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 480), (36, 129, 204)).save(out, "PNG")
    return out.getvalue()


def _file(field: str, name: str, content: bytes, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field(field, content, filename=name)
    return form


async def catalog_admin(
    running: RunningBot,
    alice: SandboxUser,
    admin: tuple[int, str],
    transcript: list[str],
    scene: Callable[[str], None],
    keep: Path | None,
) -> None:
    scene("The web catalog admin (/app/catalog): Ada edits a price, adds a photo and imports a CSV")
    ada = {"Authorization": "tma " + signed_init_data(running, *admin)}
    customer = {"Authorization": "tma " + signed_init_data(running, alice.id, alice.first_name)}
    async with served(running) as root:
        transcript.append(f"🔗 catalog admin: {root}/app/catalog (the dashboard links managers and admins to it)")
        async with aiohttp.ClientSession() as http:

            async def call(method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
                async with http.request(method, root + path, headers=headers, **kwargs) as answer:
                    return answer.status, await answer.json(content_type=None)

            _, found = await call("GET", f"/app/api/catalog/products?q={SKU}", ada)
            row = found["products"][0]
            prices = " · ".join(p["text"] for p in row["prices"])
            transcript.append(f"🗂 Ada searches {SKU}: {row['name']} · {row['status_label']} · {prices}")
            _, sheet = await call("GET", f"/app/api/catalog/products/{row['id']}", ada)
            old = next(f["value"] for f in sheet["fields"] if f["field"] == "price_GBP")
            new = str(Decimal(old) + Decimal("0.50"))
            _, sheet = await call(
                "POST", f"/app/api/catalog/products/{row['id']}", ada, json={"field": "price_GBP", "value": new}
            )
            change = sheet["history"][0]
            transcript.append(
                f"🗂 Ada sets {change['field']} → audited: {change['actor']} {change['before']} → {change['after']}"
            )
            card = await alice.send(f"/start p_{SKU}")
            transcript.append(f"💬 the chat's card now: {next(x for x in card.last.text.splitlines() if '£' in x)}")
            _, sheet = await call(
                "POST", f"/app/api/catalog/products/{row['id']}/photos", ada, data=_file("photo", "a.png", _picture())
            )
            transcript.append(f"🖼 a PNG uploaded → sent to Ada's chat for its file id; photos: {sheet['photos']}")
            status, refused = await call(
                "POST", f"/app/api/catalog/products/{row['id']}/photos", ada, data=_file("photo", "x.png", b"text")
            )
            transcript.append(f"🖼 a text file named .png → {status} {refused['detail']}")
            status, problem = await call(
                "POST", "/app/api/catalog/import", ada, data=_file("file", "mugs.csv", BAD_CSV, kind="products")
            )
            lines = "; ".join(f"line {p['line']}: {p['reason']}" for p in problem["problems"])
            transcript.append(f"📥 a products CSV with a bad line → {status} {problem['detail']} {lines}")
            status, stranger = await call("GET", "/app/api/catalog/products", customer)
            transcript.append(f"🛡 Alice (a customer) asks for the catalog admin → {status} {stranger['detail']}")
            if keep is not None:
                await _screenshot(root, keep, ada["Authorization"], transcript)


async def _screenshot(root: str, keep: Path, ada: str, transcript: list[str]) -> None:
    async with phone_page(ada.removeprefix("tma ")) as page:
        if page is None:
            return
        await page.goto(root + "/app/catalog")
        await page.wait_for_selector("#products li")
        await page.screenshot(path=str(keep / "miniapp-catalog.png"))
        await page.locator("#q").fill(SKU)
        await page.locator(f'#products li[data-sku="{SKU}"] button.open').click()
        await page.wait_for_selector('form[data-name="price_GBP"]')
        await page.screenshot(path=str(keep / "miniapp-catalog-product.png"))
        transcript.append(f"🖼 {keep / 'miniapp-catalog.png'}, {keep / 'miniapp-catalog-product.png'}")
