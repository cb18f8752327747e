"""Markdown, HTML and JSON renderings: structure, escaping, no network, stable keys."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.reports import build_comparison, build_report, render
from tabletop.reports.markdown import md_cell, md_text, mermaid_label

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "a | b ` c",
    "</style><script>alert(2)</script>",
    "]]></svg><svg onload=alert(3)>",
]
EVIL = " ".join(HOSTILE)


@pytest.fixture
def hostile_report(kit) -> Any:
    """A report where every piece of scenario and team text is an attack."""
    mini = kit.MINI
    nodes = [dict(n, label=f"{n['label']} {EVIL}") for n in mini["nodes"]]
    actions = [dict(a, label=f"{a['label']} {EVIL}") for a in mini["actions"]]
    injects = [dict(i, title=f"{i['title']} {EVIL}") for i in mini["injects"]]
    playbook = [dict(p, title=f"{p['title']} {EVIL}") for p in mini["playbook"]]
    scenario = kit.mini_scenario(
        title=f"Outage {EVIL}",
        summary=f"Summary {EVIL}",
        nodes=nodes,
        actions=actions,
        injects=injects,
        playbook=playbook,
    )
    session = simulate(
        scenario,
        [
            Decision(1, "assess", by=EVIL, note=EVIL, message=EVIL),
            Decision(3, "post-status", by="x", message=f"msg {EVIL}"),
            Decision(9, "start-gen", note="javascript:alert(1)"),
        ],
    )
    score = kit.hand_score(session, team=f"Team {EVIL}")
    score = dataclasses.replace(
        score,
        findings=[
            dataclasses.replace(f, text=f"{f.text} {EVIL}", quote=EVIL) for f in score.findings
        ],
    )
    return build_report(kit.loaded_for(scenario), session, score, date=EVIL)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


# ----------------------------------------------------------------------------- HTML


def test_html_hostile_text_is_inert(hostile_report) -> None:
    html = render(hostile_report, "html")
    tags = _parse(html)
    names = [t for t, _ in tags.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names
    assert names.count("svg") >= 2  # only our own charts (and bars)
    for tag, attrs in tags.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"live event handler {name} on <{tag}>"
            assert "javascript:" not in (value or "").lower(), f"<{tag} {name}={value!r}>"
    # The text is there, escaped, for the reader to see.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html.lower()


def test_html_makes_no_network_request(hostile_report) -> None:
    html = render(hostile_report, "html")
    tags = _parse(html)
    for tag, attrs in tags.tags:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data", "xlink:href"):
                assert not re.match(r"\s*(https?:)?//", value or ""), f"<{tag} {name}={value}>"
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html)
    assert not re.search(r"@import", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?://""", html, re.I)
    assert "<link" not in html


def test_html_csp_is_strict_and_pins_the_stylesheet(hostile_report) -> None:
    html = render(hostile_report, "html")
    tags = _parse(html)
    csp = next(
        dict(a)["content"]
        for t, a in tags.tags
        if t == "meta" and dict(a).get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert len(tags.styles) == 1
    digest = base64.b64encode(hashlib.sha256(tags.styles[0].encode()).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'"
    assert "@media print" in tags.styles[0]
    assert not [a for t, a in tags.tags if any(n == "style" for n, _ in a)], "style attributes"


def test_html_has_both_charts_with_decision_markers(drill) -> None:
    html = render(build_report(*drill), "html")
    assert 'id="impact-chart"' in html and 'id="timeline-chart"' in html
    assert html.count('class="decision-marker"') == 3
    assert html.count('class="team-bar"') == 3 and html.count('class="ref-bar"') == 3
    assert "✗ down" in html and "Utility feed" in html
    for section in (
        "summary",
        "objectives",
        "analysis",
        "plan",
        "components",
        "timeline",
        "impact",
        "participants",
        "appendix",
    ):
        assert f'<section id="{section}">' in html


# ----------------------------------------------------------------------------- Markdown


def _sections(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("#")]


def test_markdown_structure(drill) -> None:
    md = render(build_report(*drill, date="2026-11-27"), "md")
    assert _sections(md) == [
        "# After-action report and improvement plan: Mini outage",
        "## 1. Executive summary",
        "## 2. Objectives",
        "## 3. Strengths and areas for improvement",
        "### Strengths",
        "### Areas for improvement, costliest first",
        "## 4. Improvement plan",
        "## Score breakdown",
        "## Timeline: team and recommended",
        "## Impact over time",
        "### What earlier action would have saved",
        "## Appendix: decisions",
        "## Injects",
        "## Observer notes",
        "## Facilitator log",
        "## 5. Participants",
        "## Dependency graph",
    ]
    assert "- **Team:** Blue team" in md
    assert "| Order | 35 | 67 % | 23.45 |" in md
    fence = md.split("```mermaid\n", 1)[1].split("```", 1)[0].splitlines()
    assert fence[0] == "flowchart TD"
    assert '  n_web["Web shop · 1,000 users"]' in fence
    assert "  n_db --> n_web" in fence and "  n_cdn -.->|soft| n_web" in fence
    assert "  class n_utility down" in fence


def test_markdown_tables_keep_their_shape_with_hostile_text(hostile_report) -> None:
    md = render(hostile_report, "md")
    in_fence = False
    for line in md.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if in_fence or not line.startswith("|"):
            continue
        # Unescaped pipes are cell separators: each row of a table has the header's count.
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) - 2 in (2, 3, 4, 5, 7, 8), line
    assert "<script>" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(", md), "a live Markdown link"
    assert "\\[click\\](javascript:alert(1))" in md


def test_mermaid_labels_cannot_break_out(hostile_report) -> None:
    md = render(hostile_report, "md")
    fence = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    for line in fence.splitlines()[1:]:
        if "[" in line:
            label = line.split('["', 1)[1].rsplit('"]', 1)[0]
            bare = re.sub(r"#\w+;", "", label)  # Mermaid entity codes are the escapes
            assert not set(bare) & set('"<>[]`|{}();#'), label
    assert mermaid_label('a"b') == "a#quot;b"


def test_md_text_neutralises_syntax() -> None:
    assert md_text("**bold** _x_ `code` a|b") == r"\*\*bold\*\* \_x\_ \`code\` a\|b"
    assert md_text("1. item", line_start=True) == r"1\. item"
    assert md_text("- item\nnext", line_start=True) == r"\- item next"
    assert md_text("#1 Blue") == "#1 Blue"
    assert md_text("T+5 (late)") == "T+5 (late)"


# ----------------------------------------------------------------------------- JSON

REPORT_KEYS = [
    "version",
    "kind",
    "summary",
    "strengths",
    "improvements",
    "recommendations",
    "components",
    "penalties",
    "impact",
    "timeline",
    "impact_series",
    "markers",
    "decisions",
    "notes",
    "injects",
    "findings",
    "counterfactuals",
    "graph_nodes",
    "graph_edges",
    "executive_summary",
    "objectives",
    "improvement_plan",
    "participants",
    "retested",
    "chronology",
    "baseline_series",
    "reference_series",
    "facilitator_log",
]


def test_json_keys_are_stable_and_versioned(drill) -> None:
    doc = json.loads(render(build_report(*drill), "json"))
    assert list(doc) == REPORT_KEYS
    assert doc["version"] == 2 and doc["kind"] == "tabletop-report"
    assert list(doc["summary"]) == [
        "scenario",
        "team",
        "mode",
        "date",
        "session_id",
        "minutes_played",
        "end_reason",
        "total",
        "grade",
        "headline",
        "ended_at",
        "scored_to",
    ]
    assert list(doc["impact"]) == [
        "customer_minutes",
        "baseline_customer_minutes",
        "reference_customer_minutes",
        "at_risk_minutes",
    ]
    assert list(doc["timeline"][0]) == [
        "step",
        "title",
        "phase",
        "by",
        "team_started",
        "team_done",
        "reference_started",
        "reference_done",
        "verdict",
    ]
    assert doc["impact_series"][0] == {"t": 0.0, "affected": 1000.0, "at_risk": 0}


def test_json_documented_keys_match(drill) -> None:
    from pathlib import Path

    doc_text = (Path(__file__).resolve().parents[2] / "docs" / "report-json.md").read_text()
    for key in REPORT_KEYS:
        assert f"`{key}`" in doc_text, key


def test_comparison_renders_in_all_formats(make_drill) -> None:
    cmp = build_comparison(
        [build_report(*make_drill(team=t), session_id=k) for k, t in enumerate("AB", 1)]
    )
    doc = json.loads(render(cmp, "json"))
    assert doc["kind"] == "tabletop-comparison" and len(doc["drills"]) == 2
    md = render(cmp, "md")
    assert "## Findings that repeat" in md and "Fixed before telling customers." in md
    html = render(cmp, "html")
    assert 'id="timeline-chart-1"' in html and 'id="timeline-chart-2"' in html


# ----------------------------------------------------------------------------- properties

_NASTY = st.text(
    alphabet=st.sampled_from(list("<>\"'&|`[]()*_#!-+=:;/\\ \n\tajvscript0123456789=")),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(_NASTY, st.text(max_size=40)))
def test_md_cell_never_breaks_a_table_or_opens_a_tag(text: str) -> None:
    cell = md_cell(text)
    assert cell and "\n" not in cell and "<" not in cell
    assert not re.search(r"(?<!\\)\|", cell.replace("\\\\", ""))
    assert not re.search(r"(?<!\\)[\[\]`]", cell.replace("\\\\", ""))


_ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "dl",
    "dt",
    "dd",
    "tspan",
    "code",
    "div",
    "ul",
    "ol",
    "li",
    "span",
    "strong",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "svg",
    "line",
    "text",
    "path",
    "g",
    "circle",
    "rect",
    "br",
    "footer",
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(team=_NASTY, note=_NASTY)
def test_any_team_or_note_text_stays_text_in_html(drill, team: str, note: str) -> None:
    loaded, session, score = drill
    score = dataclasses.replace(score, team=team)
    report = build_report(loaded, session, score, date=note)
    tags = _parse(render(report, "html")).tags
    assert {t for t, _ in tags} <= _ALLOWED_TAGS
    for _, attrs in tags:
        assert not any(name.startswith("on") for name, _ in attrs)
