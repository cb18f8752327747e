"""The HTML reports as a browser lays them out: headless Chromium through Playwright.

Chromium is the machine's package (`/usr/bin/chromium`, installed by `.ci/run`); Playwright
never downloads a browser here. These tests fail, not skip, when it is missing: the layout
rules (nothing scrolls sideways at 390 px; a weak drill's report prints on at most 4 A4
pages) are part of the product.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tabletop.engine.headless import run_decisions
from tabletop.reports import build_comparison, build_report, build_trend, render
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import load_scenario
from tabletop.scoring import score
from tabletop.store import save_session
from tabletop.store.sessions import stored_drills

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Weak drills of the library (grades D and F): the longest reports.
WEAK = [
    ("ransomware-attack", "pay-and-publish"),
    ("dc-power-loss", "lone-hero"),
    ("office-isp-loss", "reset-firewall"),
    ("payment-provider-outage", "panic-retries"),
    ("cert-expiry-cascade", "insecure-shortcut"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is not installed (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _drill(scenario: str, log: str) -> tuple[Any, Any, Any]:
    loaded = load_scenario(ROOT / "scenarios" / f"{scenario}.yaml")
    dl = load_decision_log(ROOT / "tests/library/logs" / f"{scenario}-{log}.yaml", loaded.scenario)
    session = run_decisions(loaded, dl.decisions, team="Blue")
    return loaded, session, score(loaded.scenario, session, team="Blue")


def _open(browser: Any, html: str, tmp_path: Path, width: int, errors: list[str]) -> Any:
    path = tmp_path / f"page-{width}-{len(html)}.html"
    path.write_text(html, "utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    return page


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways to {width} px"
    # Chart text stays readable: the charts scroll in their own box instead of shrinking.
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('svg.chart text')].map("
        "t => t.getBoundingClientRect().height).filter(h => h > 0), 99)"
    )
    assert smallest >= 8, f"chart text shrinks to {smallest:.1f} px"


@pytest.mark.parametrize(("scenario", "log"), WEAK)
def test_weak_drill_report_phone_and_print(browser: Any, tmp_path: Path, scenario, log) -> None:
    loaded, session, result = _drill(scenario, log)
    html = render(build_report(loaded, session, result, date="2026-11-27T10:00:00Z"), "html")
    errors: list[str] = []
    phone = _open(browser, html, tmp_path, 390, errors)
    _no_sideways_scroll(phone)
    pages = _pages(phone.pdf(format="A4", prefer_css_page_size=True))
    assert 1 <= pages <= 4, f"{scenario}/{log}: {pages} A4 pages"
    phone.close()
    # Our stylesheet matches the CSP hash: the browser refused nothing.
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_page_numbers_and_no_wrapped_percentages(browser: Any, tmp_path: Path) -> None:
    loaded, session, result = _drill(*WEAK[0])
    html = render(build_report(loaded, session, result), "html")
    assert 'counter(page) " of " counter(pages)' in html
    page = _open(browser, html, tmp_path, 390, [])
    # "95 %" keeps its number and unit on one line (a no-break space).
    assert re.search(r"\d\u00a0%", page.inner_text("#components"))
    page.close()


def test_twenty_drill_comparison_and_trend_fit_a_phone(browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    start = datetime(2026, 9, 1, 9, tzinfo=UTC)
    reports = []
    for k in range(21):
        loaded, session, result = _drill(*WEAK[k % len(WEAK)])
        when = start + timedelta(days=3 * k)
        sid = save_session(db, loaded, session, result, started_at=when, recorded_at=when)
        reports.append(build_report(loaded, session, result, date=when.isoformat(), session_id=sid))
    for html in (
        render(build_comparison(reports), "html"),
        render(build_trend(stored_drills(db, list(range(1, 22)))), "html"),
    ):
        page = _open(browser, html, tmp_path, 390, [])
        _no_sideways_scroll(page)
        # Every drill is there, on screen and in print (nothing cut after the 9th).
        text = page.inner_text("main")
        assert "#21" in text
        page.close()
        wide = _open(browser, html, tmp_path, 1200, [])
        assert wide.evaluate("document.scrollingElement.scrollWidth") <= 1200
        wide.close()
