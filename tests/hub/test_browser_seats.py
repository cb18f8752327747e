"""Browser seats in a real Chromium (Playwright driving the system's `chromium`, never a
downloaded one) and a terminal seat (Pilot) in one drill: a decision taken in one browser
appears in the other browser's feed and in the terminal seat's. Screenshots are kept in the
test's folder (and in TABLETOP_SHOTS, when set, to be looked at)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tabletop.tui.seat.app import SeatApp
from tests.hub.conftest import HubProcess, Zygote

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: Keeps what the page's terminal receives (the seat app's screen output), as text: the
#: terminal draws on a canvas, so this is how a test reads what the browser shows.
CAPTURE = """
(() => {
  window.__seatText = "";
  const decoder = new TextDecoder();
  const Original = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new Original(url) : new Original(url, protocols);
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string") {
        window.__seatText += decoder.decode(new Uint8Array(e.data), { stream: true });
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
})();
"""
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


async def _screen_text(page: Any) -> str:
    return _ESCAPES.sub("", await page.evaluate("window.__seatText"))


async def _wait_text(page: Any, needle: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while needle not in await _screen_text(page):
        assert time.monotonic() < deadline, f"{needle!r} never shown in the browser"
        await page.wait_for_timeout(200)


async def _join_in_browser(page: Any, url: str, code: str, name: str) -> None:
    await page.add_init_script(CAPTURE)
    await page.goto(url)
    await _wait_text(page, "Join code")
    await page.locator(".textual-terminal").click()
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    await _wait_text(page, "Your name")
    await page.keyboard.type(name)
    await page.keyboard.press("Enter")
    await _wait_text(page, f"{name} joined as")


@pytest.fixture
def browser_hub(tmp_path: Path, zygote: Zygote) -> Any:
    # Browser seats on: this test is the one that needs them.
    hub = HubProcess(tmp_path, "--max-browsers", "2", zygote=zygote)
    yield hub
    hub.stop()


async def test_a_decision_in_one_browser_reaches_the_other_and_the_terminal(
    tmp_path: Path, browser_hub: HubProcess
) -> None:
    from playwright.async_api import async_playwright

    assert Path(CHROMIUM).exists(), "chromium is not installed (apt-get install chromium)"
    hub = browser_hub
    page_url = f"http://127.0.0.1:{hub.port}/"
    terminal = SeatApp(hub.url, hub.codes["observer"], "Tess")
    shots = [tmp_path] + (
        [Path(os.environ["TABLETOP_SHOTS"])] if "TABLETOP_SHOTS" in os.environ else []
    )
    async with async_playwright() as p, terminal.run_test(size=(150, 42)) as pilot:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        try:
            viewport = {"width": 1400, "height": 860}
            bea = await browser.new_page(viewport=viewport)
            cai = await browser.new_page(viewport=viewport)
            await _join_in_browser(bea, page_url, hub.codes["commander"], "Bea")
            await _join_in_browser(cai, page_url, hub.codes["comms"], "Cai")
            # Bea takes the highlighted (first) action with Enter, in her browser.
            first = "Check the link, the backup router"
            await bea.wait_for_timeout(500)
            await bea.keyboard.press("Enter")
            await _wait_text(cai, "Bea (commander) took")
            await _wait_text(cai, first)
            deadline = time.monotonic() + 20
            while "Bea (commander) took" not in terminal.feed_text():
                assert time.monotonic() < deadline, "the terminal seat never saw the decision"
                await pilot.pause(0.1)
            assert f"Bea (commander) took {first}" in terminal.feed_text()
            decisions = [e for e in hub.journal_events() if e["kind"] == "decision"]
            assert [(d["action"], d["by"]) for d in decisions] == [
                ("assess-site-link", "Bea (commander)")
            ]
            # Cai (comms) may not take it: her list marks it for proposing.
            await _wait_text(cai, "propose Check the link")
            await bea.wait_for_timeout(500)
            for folder in shots:
                folder.mkdir(parents=True, exist_ok=True)
                await bea.screenshot(path=str(folder / "browser-commander.png"))
                await cai.screenshot(path=str(folder / "browser-comms.png"))
                terminal.save_screenshot(str(folder / "terminal-observer.svg"))
            assert (tmp_path / "browser-comms.png").stat().st_size > 10_000
        finally:
            await browser.close()
