"""Derive the small demo catalog committed in ``bot/demo_data/`` from the UCI Online
Retail dataset (Chen, Sain & Guo 2012, CC BY 4.0), found at ``../shared/data`` when present.

Products: the 36 best-selling stock codes (by units, cancellations excluded), their most
common description and modal unit price in GBP; a category by keyword; an in-store EAN-13
(GS1 prefix 200) derived from the stock code. Stock: split across two warehouses in
proportion to a week of average sales, some products deliberately low or out of stock.

    python bench/make_demo_catalog.py [path/to/online_retail.csv.gz]
"""

from __future__ import annotations

import csv
import gzip
import struct
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from domain.product_file import PRODUCT_COLUMNS  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"
OUT = ROOT / "bot" / "demo_data"
CATEGORIES = [
    ("Christmas", ("CHRISTMAS", "XMAS")),
    ("Lighting", ("T-LIGHT", "LANTERN", "CANDLE", "LIGHT")),
    ("Kitchen", ("MUG", "CUP", "TEA", "CAKE", "LUNCH", "JAM", "BOWL", "PLATE", "SPOON", "BAKING")),
    ("Bags", ("BAG", "JUMBO", "SHOPPER")),
    ("Party", ("PARTY", "BUNTING", "PAPER", "CARD", "WRAP", "NAPKIN")),
]


def category_for(name: str) -> str:
    for category, words in CATEGORIES:
        if any(w in name for w in words):
            return category
    return "Home decor"


def ean13(stock_code: str) -> str:
    digits = "".join(c for c in stock_code if c.isdigit()).zfill(5)[:5]
    letter = str(ord(stock_code[-1]) % 10) if not stock_code[-1].isdigit() else "0"
    body = f"200{digits}{letter}000"[:12]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


# A few products get a photo so the demo shows photo cards. The images are flat colour
# swatches (the dataset has no pictures); written with zlib rather than adding an imaging
# library to the project for six tiny files.
PHOTO_COLOURS = [(200, 60, 60), (60, 140, 200), (90, 170, 90), (220, 180, 60), (150, 90, 180), (240, 240, 240)]


def swatch_png(rgb: tuple[int, int, int], size: int = 96) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def main(source: Path) -> None:
    units: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    prices: dict[str, Counter[str]] = defaultdict(Counter)
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["InvoiceNo"].startswith("C") or not row["Description"] or int(row["Quantity"]) <= 0:
                continue
            code = row["StockCode"].upper()
            if not any(c.isdigit() for c in code) or code in ("POST", "DOT", "M"):
                continue
            units[code] += int(row["Quantity"])
            names[code][row["Description"].strip()] += 1
            prices[code][row["UnitPrice"]] += 1
    top = [code for code, _ in units.most_common(60) if float(prices[code].most_common(1)[0][0]) > 0][:36]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "photos").mkdir(exist_ok=True)

    def photo_for(index: int, code: str) -> str:
        if index >= len(PHOTO_COLOURS) and code != "85123A":
            return ""
        (OUT / "photos" / f"{code}.png").write_bytes(swatch_png(PHOTO_COLOURS[index % len(PHOTO_COLOURS)]))
        return f"photos/{code}.png"

    with open(OUT / "products.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*PRODUCT_COLUMNS, "photo"])
        for i, code in enumerate(top):
            name = names[code].most_common(1)[0][0].title()
            price = f"{float(prices[code].most_common(1)[0][0]):.2f}"
            w.writerow(
                [
                    code,
                    name,
                    category_for(name.upper()),
                    price,
                    "GBP",
                    ean13(code),
                    150 + (i * 37) % 900,
                    100 + i % 5 * 40,
                    80 + i % 3 * 30,
                    40 + i % 4 * 25,
                    f"{name}. A best seller of a UK gift shop (UCI Online Retail data).",
                    photo_for(i, code),
                ]
            )
    with open(OUT / "warehouses.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "address", "latitude", "longitude", "pickup_point"])
        w.writerow(["LON", "London warehouse", "Unit 4, 12 Dock Road, London E16 1AG", "51.5079", "0.0264", "false"])
        w.writerow(["MAN", "Manchester store", "21 Market Street, Manchester M1 1WR", "53.4822", "-2.2405", "true"])
    with open(OUT / "stock.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "warehouse", "bin", "quantity"])
        for i, code in enumerate(top):
            weekly = max(units[code] // 52, 1)
            if i % 9 == 4:
                continue  # out of stock everywhere: shows "notify me" paths
            if i % 7 == 3:
                w.writerow([code, "MAN", f"S-01-{i % 10 + 1:02d}-1", 3])  # nearly sold out
                continue
            zone = "A" if i % 2 == 0 else "B"
            w.writerow([code, "LON", f"{zone}-{i % 6 + 1:02d}-{i % 12 + 1:02d}-{i % 3 + 1}", weekly])
            if i % 3 == 0:
                w.writerow([code, "MAN", f"S-02-{i % 10 + 1:02d}-2", max(weekly // 10, 2)])
    print(f"wrote {len(top)} products to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
