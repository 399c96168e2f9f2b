"""Today's orders and revenue by hour as a small SVG, drawn on the server (no script, no CDN)."""

from __future__ import annotations

from html import escape

from domain.usecases.dashboard import Hourly

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 336, 140, 14, 18, 4
BAR_GAP = 2


def _scale(values: tuple[int, ...], height: int) -> list[float]:
    peak = max(values, default=0)
    return [height * v / peak if peak else 0.0 for v in values]


def hourly_svg(hourly: Hourly, *, orders_label: str, revenue_label: str) -> str:
    """Bars: orders per hour; a line over them: the revenue in the base currency, every
    currency's orders converted at their own rates (only when the reader may see money). Each
    bar carries its figures as a tooltip."""
    plot = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT) / 24
    bars = _scale(hourly.orders, plot)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" '
        f'aria-label="{escape(orders_label)}">',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
    ]
    for hour, (count, height) in enumerate(zip(hourly.orders, bars, strict=True)):
        x = LEFT + hour * step
        parts.append(
            f'<rect x="{x + BAR_GAP / 2:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" width="{step - BAR_GAP:.1f}" '
            f'height="{height:.1f}" class="bar" data-hour="{hour}" data-orders="{count}">'
            f"<title>{hour:02d}:00 · {escape(orders_label)}: {count}</title></rect>"
        )
        if hour % 6 == 0:
            parts.append(f'<text x="{x + 1:.1f}" y="{HEIGHT - 4}" class="tick">{hour:02d}</text>')
    if hourly.revenue and hourly.in_base is not None:
        currency, per_hour = hourly.base, hourly.in_base
        points = " ".join(
            f"{LEFT + (hour + 0.5) * step:.1f},{HEIGHT - BOTTOM - y:.1f}"
            for hour, y in enumerate(_scale(per_hour, plot))
        )
        parts.append(f'<polyline points="{points}" class="revenue" data-currency="{escape(currency)}"/>')
        parts.append(f'<text x="{WIDTH - 2}" y="10" class="legend" text-anchor="end">— {escape(revenue_label)}, '
                     f"{escape(currency)}</text>")  # fmt: skip
    parts.append(f'<text x="{LEFT}" y="10" class="legend">▮ {escape(orders_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
