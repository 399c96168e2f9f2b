"""The demo's products edited in chat (/product): price, category path, photos, names in Russian, a discontinue."""

from __future__ import annotations

from collections.abc import Callable

from bot.harness import DEMO_DATA
from sandbox.driver import SandboxUser


async def catalog_in_chat(ada: SandboxUser, boris: SandboxUser, scene: Callable[[str], None]) -> None:
    scene(
        "The admin edits products in chat (/product): a new price, a category typed as a path in the tree and"
        " named in Russian, a second photo, its Russian name reworded; the history"
    )
    sheet = await ada.send("/product 23084")
    await ada.press(sheet.last, "Price (GBP)")
    await ada.send("2.25")
    await ada.press(sheet.last, "✏️ Category")  # not "Category (ru)", its name in Russian
    moved = await ada.send("lighting > Night lights")  # the stored Lighting, a new category inside it
    await ada.press(moved.last, "Category (ru)")
    await ada.send("Освещение > Ночники")  # Boris browses them so (a products file's category_ru does the same)
    sheet = await ada.send("/product 85123A")
    await ada.press(sheet.last, "Photos")
    added = await ada.send_photo((DEMO_DATA / "photos" / "23166.png").read_bytes())
    await ada.press(added.last, "Done")
    await ada.press(sheet.last, "Name (ru)")
    saved = await ada.send("Белое подвесное сердце-подсвечник")
    await ada.press(saved.last, "History")
    scene("Boris sees the card in Russian, its two photos as an album")
    await boris.send("/start p_85123A")
    scene("Boris browses the catalog: Lighting and Night lights named in Russian")
    reply = await boris.send("/catalog")
    reply = await boris.press(reply.last, "Освещение")
    await boris.press(reply.last, "Ночники")
    scene("The admin discontinues a product: its card says so and it can no longer be ordered")
    sheet = await ada.send("/product 21790")
    status = await ada.press(sheet.last, "Status")
    await ada.press(status.last, "discontinued")
    await boris.send("/add 21790")
