"""Reading a barcode from a photo (zxing-cpp): pickers and packers can photograph a label
instead of typing the code."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

# zxing-cpp and Pillow are imported on the first photo or code, not with the bot: memory a
# process keeps for good, which most processes never need (bench/memory_at_start.py).


def _png(picture: Picture) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def read_barcode(image: bytes) -> str | None:
    """The text of the first barcode found in the image, or None."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(image))
        picture.load()
    except (UnidentifiedImageError, OSError):
        return None
    for found in zxingcpp.read_barcodes(picture):
        if found.text:
            return str(found.text)
    return None


def barcode_png(text: str, *, ean: bool = False) -> bytes:
    """A PNG of ``text`` as Code 128 (or EAN-13): for tests and printed labels."""
    import zxingcpp
    from PIL import Image

    symbology = zxingcpp.BarcodeFormat.EAN13 if ean else zxingcpp.BarcodeFormat.Code128
    barcode = zxingcpp.create_barcode(text, symbology)
    return _png(Image.fromarray(barcode.to_image(scale=4)))  # type: ignore[arg-type]  # zxing Image has the array interface


def qr_png(text: str) -> bytes:
    """A PNG of ``text`` as a QR code (a pickup code the counter scans from the customer's phone)."""
    import zxingcpp
    from PIL import Image

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    return _png(Image.fromarray(barcode.to_image(scale=8, add_quiet_zones=True)))  # type: ignore[arg-type]
