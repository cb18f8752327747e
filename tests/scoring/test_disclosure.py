"""Table-driven tests of the disclosure check: what is a hit, and what must not be."""

from __future__ import annotations

import pytest

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import score
from tabletop.scoring.disclosure import find_hits, message_hits

# (message, expected hits as (kind, words)) — hits first, then things that must not be hits.
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # --- sensitive nodes: label or id, whole words, any case, any spacing
    ("The Orders database is down.", [("sensitive", "Orders database")]),
    ("the ORDERS   DATABASE failed", [("sensitive", "ORDERS   DATABASE")]),
    ("We restarted db after the cut.", [("sensitive", "db")]),
    ("Our dbs and dashboards are fine.", []),  # 'db' only as a whole word
    ("Orders are delayed; the database team is on it.", []),  # words apart, not the label
    # --- IP addresses
    ("Traffic from 10.0.0.5 was blocked.", [("ip", "10.0.0.5")]),
    ("Moved to 192.168.1.0/24 overnight", [("ip", "192.168.1.0/24")]),
    ("Service on 203.0.113.7:8443 is back.", [("ip", "203.0.113.7:8443")]),
    ("Attack came from 2001:db8::1 at dawn", [("ip", "2001:db8::1")]),
    ("Link-local fe80::1%eth0 misbehaved", [("ip", "fe80::1%eth0")]),
    ("Router [2001:db8:0:1::5] rebooted", [("ip", "2001:db8:0:1::5")]),
    ("999.1.1.1 is not an address", [("version", "999.1.1.1")]),  # out of range: a version
    # --- CVE ids
    ("We patched CVE-2024-3094 tonight.", [("cve", "CVE-2024-3094")]),
    ("see cve-2021-44228 for details", [("cve", "cve-2021-44228")]),
    # --- versions
    ("Upgraded to v2.4.1 this morning", [("version", "v2.4.1")]),
    ("We run 7.0.3 on the edge.", [("version", "7.0.3")]),
    ("The firmware 4.2 had a bug", [("version", "firmware 4.2")]),
    ("Switch on firmware v4 reset", [("version", "firmware v4")]),
    ("Kernel 5.10 was vulnerable", [("version", "Kernel 5.10")]),
    ("Running OpenSSL 1.1.1k", [("version", "1.1.1k")]),
    ("Windows 10.0.19041.1 hosts", [("version", "10.0.19041.1")]),
    ("release 2.1 fixes it", [("version", "release 2.1")]),
    ("The proxy answered as nginx/1.25 all day", [("version", "nginx/1.25")]),
    ("Banner said Apache/2.4.58 (Unix)", [("version", "Apache/2.4.58")]),
    ("Support is 24/7 and and/or 3.5 hours is fine", []),  # a slash without product/x.y
    # --- not hits: times, dates, tickets, money, percentages, counts, exercise times
    ("Back at 14:10, next update 09:02.", []),
    ("Down since 14:10:05 UTC", []),
    ("Outage on 2026-11-27, again on 27.11.2026 and 2026.11.27", []),
    ("Ticket INC-12345 and CHG-2024-0042 track this.", []),
    ("Refunds of $1,200.50 and €3.5m approved; £12.99 credit.", []),
    ("99.95% availability this month, 0.5% error rate", []),
    ("About 12,000 customers and 1.200.000 requests affected", []),
    ("Update at T+30 and T+45.5", []),
    ("Expect 3.5 hours; we will release 2 updates", []),
    ("As in section 3.2.1 of our terms", []),
    ("We are aware of an outage and will update you every 30 minutes.", []),
]


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_disclosure_table(mini: Scenario, message: str, expected: list[tuple[str, str]]) -> None:
    assert [(h.kind, h.words) for h in find_hits(message, mini)] == expected


def test_table_has_both_kinds() -> None:
    hits = [c for c in CASES if c[1]]
    clean = [c for c in CASES if not c[1]]
    assert len(CASES) >= 25 and len(hits) >= 12 and len(clean) >= 10


def test_overlapping_matches_count_once(mini: Scenario) -> None:
    # 1.2.3.4 is an IPv4 address and looks like a version: one hit, as an IP.
    assert [(h.kind, h.words) for h in find_hits("host 1.2.3.4 down", mini)] == [("ip", "1.2.3.4")]


def test_only_communicate_and_follow_up_messages_are_checked(mini: Scenario) -> None:
    msgs = [
        (0.0, "assess-impact", "db at 10.0.0.1"),  # assess: internal, not checked
        (1.0, "post-status", "db at 10.0.0.1"),  # communicate
        (2.0, "email-customers", "all good"),  # follow-up, no hit
        (3.0, "no-such-action", "db"),
    ]
    flagged = message_hits(mini, msgs)
    assert [(m.t, m.action, len(m.hits)) for m in flagged] == [(1.0, "post-status", 2)]


def test_refused_messages_were_never_published(mini: Scenario) -> None:
    # post-status requires assess-impact: refused at 0, so its message never went out.
    s = simulate(mini, [D(0, "post-status", message="The Orders database failed")])
    assert score(mini, s, counterfactuals=False).disclosure_penalties == 0


def test_each_hit_is_a_finding_quoting_the_words(mini: Scenario) -> None:
    s = simulate(
        mini,
        [
            D(0, "assess-impact"),
            D(10, "post-status", message="Orders database on v2.4.1 hit by CVE-2024-3094"),
        ],
    )
    sc = score(mini, s, counterfactuals=False)
    disc = [f for f in sc.findings if f.component == "disclosure"]
    assert sorted(f.quote or "" for f in disc) == ["CVE-2024-3094", "Orders database", "v2.4.1"]
    # One message: the 5-point penalty once, split over its three hits.
    assert sum(f.points for f in disc) == pytest.approx(-5)
    assert all(f.t == 10 and f.action == "post-status" for f in disc)
    assert any("“CVE-2024-3094”" in f.text for f in disc)
