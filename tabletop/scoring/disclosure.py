"""The disclosure check on what a team tells customers (docs/scoring.md, Disclosure).

A public message must say what the team will do, not which part is weak. This module finds,
in the `message` of communicate and follow-up decisions:

- the id or label of a `sensitive` node (whole words, any case; spaces in a label match any
  run of whitespace),
- IPv4 addresses (optionally with /prefix or :port; every octet 0-255, so 256.1.1.1 is not
  one) and IPv6 addresses (validated with `ipaddress`, so times such as 14:10:05 never match),
- CVE ids (CVE-2024-3094),
- software version strings: `v2.4` / `v2.4.1`, any bare dotted triple or longer (7.0.3,
  10.0.19041.1, 1.1.1k, 2023.11.1), product/version as servers announce it (nginx/1.25), a
  dotted number after a product name ("ClickHouse 23.8", "Ubuntu 22.04": a CamelCase name or
  a well-known software name), and a number after a version word ("firmware 4.2",
  "version 7.1", "kernel 5", "build 1234").

False positives are kept low on purpose: times (14:10, "next update 09.02"), dates
(2026-11-27, 27.11.2026, 01.02.24, 2026.11.27 with two-digit month and day), ticket numbers
(INC-12345), money ($1,200.50, €3.5m), percentages (99.95%), counts (12,000), quantities
("LinkedIn 2.5 hours ago", "release 2.5k"), phone numbers (555.123.4567), decimals
(3.5 hours), exercise times (T+30), "24/7" and document sections ("section 3.2.1",
"step 2.1.3") are not hits.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from tabletop.scenario.models import MESSAGE_PHASES, Scenario

HitKind = Literal["sensitive", "ip", "cve", "version"]


@dataclass(frozen=True)
class Hit:
    """One disclosure in a message: what kind, the offending words and where they are."""

    kind: HitKind
    words: str
    start: int
    end: int
    node: str | None = None


_IPV4_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(
    rf"(?<![\w.]){_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}(?:/\d{{1,2}}|:\d{{1,5}})?(?![\w]|\.\d)"
)
# Candidate IPv6 tokens: hex digits, colons and (for embedded IPv4) dots, with >= 2 colons.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\w]*\]?")
_CVE = re.compile(r"(?<![\w-])CVE-\d{4}-\d{4,}(?!\w)", re.IGNORECASE)
_V_VERSION = re.compile(r"(?<![\w.])v\d+(?:\.\d+)+[a-z0-9]*(?![\w.]|\.\d)", re.IGNORECASE)
_DOTTED = re.compile(r"(?<![\w.$€£¥])\d+(?:\.\d+){2,}[a-z]?\d*(?![\w%]|\.\d)", re.IGNORECASE)
# After these words any number is a version ("firmware 4", "kernel 5.10") ...
_FIRMWARE_WORDS = r"firmware|fw|bios|kernel|junos|build"
_FIRMWARE_NUMBER = re.compile(
    rf"(?<!\w)(?P<word>{_FIRMWARE_WORDS})\s*:?\s*v?(?P<num>\d+(?:\.\d+)*[a-z]?\d*)(?![\w%]|\.\d)",
    re.IGNORECASE,
)
# ... after these only a dotted one: "we will release 2 updates" is not a version.
_VERSION_WORDS = r"version|ver\.|release|patch|os|ios|update"
_WORD_VERSION = re.compile(
    rf"(?<!\w)(?P<word>{_VERSION_WORDS})\s*:?\s*v?(?P<num>\d+(?:\.\d+)+[a-z]?\d*)(?![\w%]|\.\d)",
    re.IGNORECASE,
)
# product/version as servers announce themselves: nginx/1.25, Apache/2.4.58, OpenSSL/3.0.
_SLASH = re.compile(
    r"(?<![\w/])[A-Za-z][\w.+-]*/v?\d+(?:\.\d+)+[a-z]?\d*(?![\w%]|\.\d)", re.IGNORECASE
)
# A product name before a dotted number: "ClickHouse 23.8", "PostgreSQL 15.4", "Ubuntu 22.04".
_PRODUCT_NUMBER = re.compile(
    r"(?<![\w./])(?P<name>[A-Za-z][A-Za-z0-9_+-]*(?:\.js|\.NET)?)\s+v?"
    r"(?P<num>\d+(?:\.\d+)+[a-z]?\d*)(?![\w%]|\.\d)"
)
# CamelCase is how software is named (ClickHouse, PostgreSQL, MySQL, iOS, ESXi, HAProxy) and
# rarely how English is written; an all-caps word (EUR, SLA, DNS) does not count.
_CAMEL_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")
# Software names that are not everyday words (no "exchange", "spring", "windows", "edge").
_KNOWN_SOFTWARE = frozenset(
    """
    ubuntu debian centos rhel fedora almalinux suse sles freebsd openbsd android macos ios
    ipados watchos esxi vcenter vsphere vmware proxmox openshift openstack kubernetes k8s
    docker containerd podman nginx apache httpd tomcat iis haproxy traefik istio postgres
    postgresql mysql mariadb mongodb redis memcached cassandra clickhouse elasticsearch
    opensearch kibana logstash kafka zookeeper rabbitmq etcd python php perl nodejs node.js
    java jdk jre openjdk dotnet golang django laravel wordpress drupal joomla magento jenkins
    gitlab github grafana prometheus confluence jira openssl openssh libssl glibc log4j citrix
    netscaler fortios fortigate panos junos firefox chromium sharepoint terraform ansible
    """.split()  # noqa: SIM905 - a word list reads better than a 90-item literal
)
# A number followed by one of these is a quantity, not a version: "2.5 hours", "1.5 million".
_UNIT_AFTER = re.compile(
    r"\s*(?:%|percent|per\b|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|days?|weeks?|"
    r"months?|years?|ms|million|billion|bn|thousand|k|times|x|[kmgt]b|[kmg]bps|eur|usd|gbp)"
    r"(?!\w)",
    re.IGNORECASE,
)
_SECTION_BEFORE = re.compile(r"(?:section|sect\.|step|clause|chapter|§|item|rule)\s*$", re.I)
# "next update 14.30": a 24-hour time written with a dot, after the word "update".
_DOTTED_TIME = re.compile(r"(?:[01]?\d|2[0-3])\.[0-5]\d")


def _is_date(parts: list[str]) -> bool:
    """dd.mm.yyyy, dd.mm.yy (two-digit parts) or yyyy.mm.dd (two-digit month and day) with a
    plausible day and month."""
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    a, b, c = parts
    if len(a) == 4 and len(b) == 2 and len(c) == 2:
        # yyyy.mm.dd only zero-padded: 2023.11.1 is how calendar-versioned software is named.
        return 1 <= int(b) <= 12 and 1 <= int(c) <= 31
    if len(a) <= 2 and len(b) <= 2 and (len(c) == 4 or (len(a) == len(b) == len(c) == 2)):
        # The dd.mm or the mm.dd reading must be valid: one part a month, the other a day.
        low, high = sorted((int(a), int(b)))
        return 1 <= low <= 12 and high <= 31
    return False


def _is_grouped_number(parts: list[str]) -> bool:
    """1.200.000 is a count written with dots as thousands separators, not a version."""
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 and p.isdigit() for p in parts[1:])


def _is_phone_number(parts: list[str]) -> bool:
    """555.123.4567 or 01.23.45.67.89: three or more groups of at least two digits, nine digits
    or more in all. Versions have short parts (10.0.19041.1 has two one-digit ones)."""
    return (
        len(parts) >= 3
        and all(p.isdigit() and len(p) >= 2 for p in parts)
        and sum(map(len, parts)) >= 9
    )


def _is_quantity(text: str, number: str, end: int) -> bool:
    """A number read as an amount: a unit word after it (2.5 hours, 1.5 million), or a unit
    letter stuck to a one-dot number (2.5k, 1.5m); 1.1.1k keeps its letter as a version."""
    if _UNIT_AFTER.match(text, end):
        return True
    return number.count(".") == 1 and number[-1].lower() in "kmbhsx"


def _is_product(name: str) -> bool:
    return bool(_CAMEL_CASE.search(name)) or name.lower() in _KNOWN_SOFTWARE


def _cued_versions(text: str) -> list[Hit]:
    """Numbers that a version word or a product name marks as versions, quantities left out."""
    found: list[Hit] = []
    for pat in (_FIRMWARE_NUMBER, _WORD_VERSION):
        for m in pat.finditer(text):
            number = m.group("num")
            if _is_quantity(text, number, m.end()):
                continue
            if m.group("word").lower() == "update" and _DOTTED_TIME.fullmatch(number):
                continue
            found.append(Hit("version", m.group(), m.start(), m.end()))
    for m in _PRODUCT_NUMBER.finditer(text):
        if _is_product(m.group("name")) and not _is_quantity(text, m.group("num"), m.end()):
            found.append(Hit("version", m.group(), m.start(), m.end()))
    return found


def _sensitive_patterns(scenario: Scenario) -> list[tuple[str, re.Pattern[str]]]:
    pats: list[tuple[str, re.Pattern[str]]] = []
    for node in scenario.nodes:
        if not node.sensitive:
            continue
        for name in dict.fromkeys((node.label, node.id)):
            words = r"\s+".join(re.escape(w) for w in name.split())
            if words:
                pats.append((node.id, re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)))
    return pats


def find_hits(text: str, scenario: Scenario | None = None) -> list[Hit]:
    """Every disclosure in `text`, in reading order; overlapping matches count once.

    Priority when matches overlap: sensitive node, CVE, IP address, version.
    """
    found: list[Hit] = []
    if scenario is not None:
        for node_id, pat in _sensitive_patterns(scenario):
            found += [
                Hit("sensitive", m.group(), m.start(), m.end(), node_id) for m in pat.finditer(text)
            ]
    found += [Hit("cve", m.group(), m.start(), m.end()) for m in _CVE.finditer(text)]
    found += [Hit("ip", m.group(), m.start(), m.end()) for m in _IPV4.finditer(text)]
    for m in _IPV6_CANDIDATE.finditer(text):
        v6 = _ipv6_hit(m)
        if v6 is not None:
            found.append(v6)
    found += [Hit("version", m.group(), m.start(), m.end()) for m in _SLASH.finditer(text)]
    found += _cued_versions(text)
    found += [Hit("version", m.group(), m.start(), m.end()) for m in _V_VERSION.finditer(text)]
    for m in _DOTTED.finditer(text):
        parts = m.group().split(".")
        if _is_date(parts) or _is_grouped_number(parts) or _is_phone_number(parts):
            continue
        if _SECTION_BEFORE.search(text[: m.start()]):
            continue
        found.append(Hit("version", m.group(), m.start(), m.end()))
    kept: list[Hit] = []
    for hit in found:  # already in priority order: keep the first of overlapping matches
        if not any(hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


def _ipv6_hit(m: re.Match[str]) -> Hit | None:
    raw = m.group()
    # Brackets ([2001:db8::5]) and a full stop or colon after the address are not part of it
    # (a trailing "::" is: 2001:db8::/32); a zone (fe80::1%eth0) is, `ipaddress` accepts it.
    lead = 1 if raw.startswith("[") else 0
    token = raw[lead:].rstrip("]").rstrip(".")
    if token.endswith(":") and not token.endswith("::"):
        token = token[:-1]
    # "::" alone is punctuation in prose, not the unspecified address.
    if token.count(":") < 2 or not re.search(r"[0-9A-Fa-f]", token):
        return None
    try:
        ipaddress.IPv6Address(token)
    except ValueError:
        return None
    start = m.start() + lead
    return Hit("ip", token, start, start + len(token))


@dataclass(frozen=True)
class MessageHits:
    """The hits of one public message of the team."""

    t: float
    action: str
    message: str
    hits: list[Hit]


def message_hits(scenario: Scenario, messages: list[tuple[float, str, str]]) -> list[MessageHits]:
    """Hits in (t, action, message) triples whose action is a communicate or follow-up one.

    Only messages with at least one hit are returned, in the order given.
    """
    out: list[MessageHits] = []
    for t, action, message in messages:
        act = scenario.action_index.get(action)
        if act is None or act.phase not in MESSAGE_PHASES or not message:
            continue
        hits = find_hits(message, scenario)
        if hits:
            out.append(MessageHits(t, action, message, hits))
    return out


def describe_hit(hit: Hit, scenario: Scenario) -> str:
    """What the hit gives away, in words a drill team understands."""
    if hit.kind == "sensitive" and hit.node is not None:
        label = scenario.node_index[hit.node].label if hit.node in scenario.node_index else hit.node
        return f"names a sensitive component ({label})"
    return {
        "ip": "gives out an IP address",
        "cve": "cites the exact vulnerability",
        "version": "gives a software version",
        "sensitive": "names a sensitive component",
    }[hit.kind]
