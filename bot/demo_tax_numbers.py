"""The demo's scene of a business buyer keeping their own tax number (/taxnumber) for their invoices."""

from __future__ import annotations

from collections.abc import Callable

from sandbox import SandboxServer, SandboxUser


async def own_tax_number(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """The buyer, not staff, types it: what is no tax number is refused in words, nothing changes."""
    birch = SandboxUser(server, 1023, "Birch Joinery", language_code="en", transcript=transcript)
    scene("Another business buyer enters its own VAT number (/taxnumber): a slip is refused, the number kept")
    await birch.send("/start")
    await ada.send("/customer 1023 business on")  # /taxnumber is a business's, as its invoices are
    await birch.send("/taxnumber")
    await birch.send("/taxnumber our VAT no.")
    await birch.send("/taxnumber gb 555  1234 56")
    await birch.send("/taxnumber")
