"""Chromium driven by Playwright for the Mini App tests, with a stand-in for Telegram's WebApp script."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ORDERGRAM_CHROMIUM", "/usr/bin/chromium")
TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js"
ARTIFACTS = Path(os.environ.get("ORDERGRAM_ARTIFACTS", "test-artifacts"))
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499", "button_color": "#5288c1",
        "button_text_color": "#ffffff", "secondary_bg_color": "#232e3c"}  # fmt: skip
# The contrast of an element's words with what is drawn under them (WCAG's ratio; 4.5 for body text).
CONTRAST = """(node) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const light = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  let under = node;
  while (under && (rgb(getComputedStyle(under).backgroundColor)[3] === 0)) under = under.parentElement;
  const a = light(rgb(getComputedStyle(node).color));
  const b = light(rgb(getComputedStyle(under || document.body).backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def need_browser() -> None:
    """Skip without Chromium or Playwright, unless CI demands them (ORDERGRAM_REQUIRE_BROWSER=1)."""
    missing = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed (pip install -e '.[dev]')"
    if missing is None and not shutil.which(CHROMIUM):
        missing = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if missing is None:
        return
    if os.environ.get("ORDERGRAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required: {missing}")
    pytest.skip(missing)


def telegram_double(init_data: str, theme: dict[str, str] | None = None) -> str:
    """``window.Telegram.WebApp`` as Telegram's script makes it, carrying ``init_data``; what
    the page does with its buttons is recorded in ``window.__telegram``."""
    return f"""
window.__telegram = {{ mainButton: null, backVisible: false, clicks: [] }};
(function () {{
  const record = window.__telegram;
  const handlers = {{ main: [], back: [] }};
  window.Telegram = {{ WebApp: {{
    initData: {json.dumps(init_data)},
    themeParams: {json.dumps(theme or {})},
    colorScheme: {json.dumps("dark" if theme == DARK else "light")},
    ready() {{}}, expand() {{}},
    onEvent(name, fn) {{ (handlers[name] = handlers[name] || []).push(fn); }},
    HapticFeedback: {{ notificationOccurred() {{}} }},
    BackButton: {{ show() {{ record.backVisible = true; }}, hide() {{ record.backVisible = false; }},
                  onClick(fn) {{ handlers.back.push(fn); }} }},
    MainButton: {{ setText(text) {{ record.mainButton = text; }}, show() {{}}, hide() {{ record.mainButton = null; }},
                  onClick(fn) {{ handlers.main = [fn]; }}, offClick() {{ handlers.main = []; }} }},
  }} }};
  window.__pressMain = () => handlers.main.forEach((fn) => fn());
  window.__pressBack = () => handlers.back.forEach((fn) => fn());
  // Telegram switching its theme while the app is open: new colours, then the event.
  window.__switchTheme = (params, scheme) => {{
    window.Telegram.WebApp.themeParams = params;
    window.Telegram.WebApp.colorScheme = scheme;
    (handlers.themeChanged || []).forEach((fn) => fn());
  }};
}})();
"""


@asynccontextmanager
async def browser_page(
    name: str,
    init_data: str,
    *,
    theme: dict[str, str] | None = None,
    viewport: tuple[int, int] = (390, 844),
    phone: bool = False,
) -> AsyncIterator[Any]:
    """A page in headless Chromium (``phone``: a small Android phone's 360×740 touch screen at
    3× density); on failure a screenshot goes to ``ARTIFACTS/<name>.png``."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        if phone:
            context = await browser.new_context(
                viewport={"width": 360, "height": 740}, device_scale_factor=3, is_mobile=True, has_touch=True
            )
        else:
            context = await browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = await context.new_page()
        double = telegram_double(init_data, theme)
        await page.route(TELEGRAM_JS, lambda route: route.fulfill(body=double, content_type="application/javascript"))
        try:
            yield page
        except BaseException:
            os.makedirs(ARTIFACTS, exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            raise
        finally:
            await browser.close()


async def open_checkout(page: Any, url: str) -> None:
    """The storefront at ``url`` opened on ``page``, then its cart and its checkout, the form drawn."""
    await page.goto(url)
    await page.locator("#cart-button").click()
    await page.locator("#to-checkout").click()
    await page.locator("form.checkout").wait_for()


# Each answer the page's JSON was read from, by its address, once the page's code has it (and has drawn what it
# draws from it: that runs before anything the test asks of the page).
ANSWERS_READ = """window.__read = [];
(() => {
  const json = Response.prototype.json;
  Response.prototype.json = function () {
    const url = this.url;
    return json.call(this).finally(() => window.__read.push(url));
  };
})();"""


class HeldBack:
    """Requests held back until ``release``: the answer that comes after the page has moved on, made certain."""

    def __init__(self, page: Any, holds: Callable[[Any], bool]) -> None:
        self.page, self.holds = page, holds
        self.holding, self.released = asyncio.Event(), asyncio.Event()
        self.urls: list[str] = []

    async def route(self, route: Any) -> None:
        if not self.released.is_set() and self.holds(route.request):
            self.urls.append(route.request.url)
            self.holding.set()
            await self.released.wait()
        await route.continue_()

    async def release(self) -> None:
        """Let the held requests go, and return once the page has read (and drawn) each of their answers."""
        # The request is the page's, sent before the test moved on; its interception may reach us after that.
        await asyncio.wait_for(self.holding.wait(), 30)
        self.released.set()
        await self.page.wait_for_function("(urls) => urls.every((url) => window.__read.includes(url))", arg=self.urls)


async def held_back(page: Any, pattern: Any, holds: Callable[[Any], bool] = lambda request: True) -> HeldBack:
    """Requests to ``pattern`` that ``holds`` says (of Playwright's request) are held back until ``release``; call
    before the page is opened."""
    await page.add_init_script(ANSWERS_READ)
    held = HeldBack(page, holds)
    await page.route(pattern, held.route)
    return held
