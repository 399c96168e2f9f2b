"""Reading a barcode from a photo (zxing-cpp): pickers and packers can photograph a label
instead of typing the code."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError


def read_barcode(image: bytes) -> str | None:
    """The text of the first barcode found in the image, or None."""
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
    symbology = zxingcpp.BarcodeFormat.EAN13 if ean else zxingcpp.BarcodeFormat.Code128
    barcode = zxingcpp.create_barcode(text, symbology)
    image = Image.fromarray(barcode.to_image(scale=4))  # type: ignore[arg-type]  # zxing Image has the array interface
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_png(text: str) -> bytes:
    """A PNG of ``text`` as a QR code (a pickup code the counter scans from the customer's phone)."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    image = Image.fromarray(barcode.to_image(scale=8, add_quiet_zones=True))  # type: ignore[arg-type]
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
