"""Table-driven tests of the disclosure check: what is a hit, and what must not be."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import score
from tabletop.scoring.disclosure import Hit, describe_hit, find_hits, message_hits

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
    ("Attack came from 2001:db8::1.", [("ip", "2001:db8::1")]),  # the full stop is prose
    ("Host 2001:db8::1: down", [("ip", "2001:db8::1")]),  # so is a colon after it
    ("Blocked 2001:db8::/32 today", [("ip", "2001:db8::")]),
    (
        "Zone fe80::1%ethX and FFFF::ABCD and ffff::abcd",
        [("ip", "fe80::1%ethX"), ("ip", "FFFF::ABCD"), ("ip", "ffff::abcd")],
    ),
    ("The :: and ::: and 1:2 and 12:30:45 are not addresses", []),
    ("999.1.1.1 is not an address", [("version", "999.1.1.1")]),  # out of range: a version
    # every octet 0-255: the boundaries on each side, in each position
    ("256.1.1.1 is not an address", [("version", "256.1.1.1")]),
    ("1.1.1.256 is not an address", [("version", "1.1.1.256")]),
    ("1.260.1.1 is not an address", [("version", "1.260.1.1")]),
    ("1.1.300.1 is not an address", [("version", "1.1.300.1")]),
    ("Broadcast 255.255.255.255 seen", [("ip", "255.255.255.255")]),
    ("Hosts 250.249.199.200 and 0.0.0.0 seen", [("ip", "250.249.199.200"), ("ip", "0.0.0.0")]),
    ("Host 100.99.10.9 answered", [("ip", "100.99.10.9")]),
    # --- CVE ids
    ("We patched CVE-2024-3094 tonight.", [("cve", "CVE-2024-3094")]),
    ("see cve-2021-44228 for details", [("cve", "cve-2021-44228")]),
    # --- versions
    ("Upgraded to v2.4.1 this morning", [("version", "v2.4.1")]),
    ("We run 7.0.3 on the edge.", [("version", "7.0.3")]),
    ("The firmware 4.2 had a bug", [("version", "firmware 4.2")]),
    ("Switch on firmware v4 reset", [("version", "firmware v4")]),
    ("Kernel 5.10 was vulnerable", [("version", "Kernel 5.10")]),
    ("Running OpenSSL 1.1.1k", [("version", "OpenSSL 1.1.1k")]),
    ("openssl 1.1.1k is old", [("version", "openssl 1.1.1k")]),
    ("A stray 1.1.1k build", [("version", "1.1.1k")]),
    ("Windows 10.0.19041.1 hosts", [("version", "10.0.19041.1")]),
    ("release 2.1 fixes it", [("version", "release 2.1")]),
    # calendar versions: a yyyy.mm.d part that is not zero-padded is no date
    ("Running 2023.11.1", [("version", "2023.11.1")]),
    ("Upgraded to 2024.1.15 last week", [("version", "2024.1.15")]),
    ("Moved to version 2023.11.01", [("version", "version 2023.11.01")]),
    # a dotted number after a product name: CamelCase or a well-known software name
    ("ClickHouse 23.8", [("version", "ClickHouse 23.8")]),
    ("Our ClickHouse 23.8 cluster failed", [("version", "ClickHouse 23.8")]),
    (
        "PostgreSQL 15.4 and MySQL 8.0 replicas",
        [("version", "PostgreSQL 15.4"), ("version", "MySQL 8.0")],
    ),
    ("Hosts on Ubuntu 22.04 rebooted", [("version", "Ubuntu 22.04")]),
    ("redis 7.2 and Python 3.11 workers", [("version", "redis 7.2"), ("version", "Python 3.11")]),
    ("the ESXi 7.0 hosts and HAProxy 2.8", [("version", "ESXi 7.0"), ("version", "HAProxy 2.8")]),
    ("Node.js 18.2 crashed", [("version", "Node.js 18.2")]),
    ("iOS 17.1 users", [("version", "iOS 17.1")]),
    ("ClickHouse v23.8 again", [("version", "ClickHouse v23.8")]),
    ("Redis 7.2.3 on the cache", [("version", "Redis 7.2.3")]),
    (
        "kernel 5 and build 1234 and firmware: 2.1",
        [("version", "kernel 5"), ("version", "build 1234"), ("version", "firmware: 2.1")],
    ),
    (
        "Moved to version 10.15 and patch 4.2",
        [("version", "version 10.15"), ("version", "patch 4.2")],
    ),
    ("The proxy answered as nginx/1.25 all day", [("version", "nginx/1.25")]),
    ("Banner said Apache/2.4.58 (Unix)", [("version", "Apache/2.4.58")]),
    ("Support is 24/7 and and/or 3.5 hours is fine", []),  # a slash without product/x.y
    ("ClickHouse/23.8 in the banner", [("version", "ClickHouse/23.8")]),
    # --- not hits: times, dates, tickets, money, percentages, counts, exercise times
    ("Back at 14:10, next update 09:02.", []),
    ("Down since 14:10:05 UTC", []),
    ("Outage on 2026-11-27, again on 27.11.2026 and 2026.11.27", []),
    # dd.mm.yy and its mm.dd.yy reading, d.m.yyyy, and the last valid day and month
    ("Outage on 01.02.24 and 12.31.25, again on 31.12.99", []),
    ("Outage on 1.2.2024 and 9.11.2023", []),
    ("Outage on 2024.12.31 and 2024.01.02", []),
    # not a date: no valid day/month reading, so a version
    ("Saw 13.13.24 in the log", [("version", "13.13.24")]),
    ("Saw 32.01.24 in the log", [("version", "32.01.24")]),
    ("Saw 2024.13.01 in the log", [("version", "2024.13.01")]),
    ("Saw 2024.12.32 in the log", [("version", "2024.12.32")]),
    ("Saw 2024.00.10 in the log", [("version", "2024.00.10")]),
    ("Saw 1.2.3 in the log", [("version", "1.2.3")]),
    ("Saw 10.2.24 in the log", [("version", "10.2.24")]),  # not all parts two digits
    # the two readings of dd.mm: one part 1-12 (a month), the other at most 31 (a day)
    ("Outage on 01.13.24 and 13.01.24 and 2024.01.01", []),
    ("Saw 00.05.24 in the log", [("version", "00.05.24")]),
    ("Saw 01.32.24 in the log", [("version", "01.32.24")]),
    ("Saw 2024.01.00 in the log", [("version", "2024.01.00")]),
    # a day or month of three digits is no date (and one part of one digit is no phone)
    (
        "Saw 010.1.2024 and 1.010.2024 in the log",
        [("version", "010.1.2024"), ("version", "1.010.2024")],
    ),
    (
        "Saw 2024.1.01 and 2024.01.1 in the log",
        [("version", "2024.1.01"), ("version", "2024.01.1")],
    ),
    # a version after a date, a count, a phone number or a section is still a version
    ("On 01.02.2024 we ran 7.0.3", [("version", "7.0.3")]),
    ("About 1.200.000 users on 7.0.3", [("version", "7.0.3")]),
    ("Call 555.123.4567 about 7.0.3", [("version", "7.0.3")]),
    ("See section 3.2.1 on 7.0.3", [("version", "7.0.3")]),
    ("Ticket INC-12345 and CHG-2024-0042 track this.", []),
    ("Refunds of $1,200.50 and €3.5m approved; £12.99 credit.", []),
    ("99.95% availability this month, 0.5% error rate", []),
    ("About 12,000 customers and 1.200.000 requests affected", []),
    ("Update at T+30 and T+45.5", []),
    ("Update at T+1:05:00 and T+0:30", []),
    ("Next update 14.30, then next update at 09.02", []),
    ("Moved to update 14.3", [("version", "update 14.3")]),  # one minute digit: no time
    ("Moved to update 24.30", [("version", "update 24.30")]),  # no hour 24
    # quantities after a cue word or product name are not versions
    ("Posted on LinkedIn 2.5 hours ago; release 2.5 hours late", []),
    # a quantity or a time does not hide a version after it
    ("LinkedIn 2.5 hours ago; ClickHouse 23.8", [("version", "ClickHouse 23.8")]),
    ("release 2.5 hours late; patch 4.2 is out", [("version", "patch 4.2")]),
    ("next update 14.30; patch 4.2 is out", [("version", "patch 4.2")]),
    # CamelCase names software even when it is not a well-known name
    ("Our ScreenConnect 23.9 server", [("version", "ScreenConnect 23.9")]),
    (
        "Saw 2.5x and 2.5s and 2.5b and 2.5k and 2.5m and 2.5h, patch 2.5y",
        [("version", "patch 2.5y")],
    ),
    ("We will patch 2.5k servers; Python 1.5 million times", []),
    ("Redis 3.5 % of the time, MySQL 2.5GB free", []),
    ("Kafka 1.5 days behind, Python 2.5 mins", []),
    ("EUR 12.50 and SLA 99.9 and DNS 1.5", []),  # all caps: no product name
    # phone numbers with dots: groups of two or more digits, nine or more in all
    ("Call 555.123.4567 or 01.23.45.67.89", []),
    ("Call +44 20 7946 0958 or 555-123-4567", []),
    ("Saw 12.34.567 in the log", [("version", "12.34.567")]),  # eight digits
    ("Call 91.234.5678 now", []),  # nine digits: a phone number
    ("Saw 10.0.19041 in the log", [("version", "10.0.19041")]),  # a one-digit part
    ("Expect 3.5 hours; we will release 2 updates", []),
    ("As in section 3.2.1 of our terms", []),
    ("Following step 2.1.3 and step 2.1 of the runbook", []),
    ("We are on call 24/7 and refunds of 12.50 are due", []),
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


def test_a_sensitive_node_is_described_as_sensitive_not_weak(mini: Scenario) -> None:
    # "Orders database" is marked sensitive, which says nothing about it being weak.
    hits = find_hits("The Orders database and db 10.0.0.1 on v2.4.1 and CVE-2024-3094", mini)
    assert [describe_hit(h, mini) for h in hits] == [
        "names a sensitive component (Orders database)",
        "names a sensitive component (Orders database)",
        "gives out an IP address",
        "gives a software version",
        "cites the exact vulnerability",
    ]
    # A node id the scenario no longer knows is named as given.
    assert describe_hit(Hit("sensitive", "x", 0, 1, "gone"), mini) == (
        "names a sensitive component (gone)"
    )
    assert describe_hit(Hit("sensitive", "x", 0, 1), mini) == "names a sensitive component"


def test_the_finding_for_a_sensitive_node_says_sensitive(mini: Scenario) -> None:
    s = simulate(
        mini, [D(0, "assess-impact"), D(10, "post-status", message="The Orders database failed")]
    )
    (finding,) = [
        f for f in score(mini, s, counterfactuals=False).findings if f.component == "disclosure"
    ]
    assert "names a sensitive component (Orders database)" in finding.text
    assert "weak component" not in finding.text


_OCTET = st.integers(0, 255)


@settings(max_examples=200, deadline=None)
@given(st.tuples(_OCTET, _OCTET, _OCTET, _OCTET))
def test_every_valid_ipv4_address_is_an_ip(octets: tuple[int, int, int, int]) -> None:
    address = ".".join(map(str, octets))
    assert [(h.kind, h.words) for h in find_hits(f"from {address} today")] == [("ip", address)]


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(_OCTET, _OCTET, _OCTET, _OCTET),
    st.integers(0, 3),
    st.integers(256, 999),
)
def test_an_octet_above_255_is_never_an_ip(
    octets: tuple[int, int, int, int], where: int, big: int
) -> None:
    # Mostly a version; 256.10.10.10 reads as a phone number (nine digits in groups of 2+).
    parts = [str(o) for o in octets]
    parts[where] = str(big)
    dotted = ".".join(parts)
    assert [h.kind for h in find_hits(f"saw {dotted} today")] in ([], ["version"])


@settings(max_examples=200, deadline=None)
@given(
    st.dates(date(1970, 1, 1), date(2099, 12, 31)),
    st.sampled_from(["%d.%m.%Y", "%d.%m.%y", "%m.%d.%y", "%Y.%m.%d", "%Y-%m-%d", "%d/%m/%Y"]),
    st.times(),
)
def test_dates_and_times_are_never_hits(day: date, fmt: str, clock: time) -> None:
    text = f"Down on {day.strftime(fmt)} at {clock.strftime('%H:%M')} ({clock:%H:%M:%S} UTC)"
    assert find_hits(text) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99_999), st.integers(0, 99), st.sampled_from(["$", "€", "£", ""]))
def test_money_percentages_and_durations_are_never_hits(units: int, cents: int, sign: str) -> None:
    text = (
        f"Refunds of {sign}{units}.{cents:02d}, {units}.{cents}% of users, "
        f"{units}.{cents} hours, T+{units} and T+{units}.{cents}"
    )
    assert find_hits(text) == []


def test_hits_give_their_place_in_the_message() -> None:
    text = "Router [2001:db8::5] at 10.0.0.1 runs v2.4"
    assert [(h.words, h.start, h.end) for h in find_hits(text)] == [
        ("2001:db8::5", 8, 19),
        ("10.0.0.1", 24, 32),
        ("v2.4", 38, 42),
    ]
    assert [text[h.start : h.end] for h in find_hits(text)] == ["2001:db8::5", "10.0.0.1", "v2.4"]


def test_message_hits_keep_the_message_time_and_action(mini: Scenario) -> None:
    (flagged,) = message_hits(mini, [(12.5, "post-status", "db down")])
    assert (flagged.t, flagged.action, flagged.message) == (12.5, "post-status", "db down")
    assert [(h.kind, h.words, h.node) for h in flagged.hits] == [("sensitive", "db", "db")]
