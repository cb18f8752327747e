"""The disclosure check on what a team tells customers (DESIGN.md § Scoring, Disclosure).

A public message must say what the team will do, not which part is weak. This module finds,
in the `message` of communicate and follow-up decisions:

- the id or label of a `sensitive` node (whole words, any case; spaces in a label match any
  run of whitespace),
- IPv4 addresses (optionally with /prefix or :port) and IPv6 addresses (validated with
  `ipaddress`, so times such as 14:10:05 never match),
- CVE ids (CVE-2024-3094),
- software version strings: `v2.4` / `v2.4.1`, any bare dotted triple or longer (7.0.3,
  10.0.19041.1, 1.1.1k), product/version as servers announce it (nginx/1.25), and a number
  after a version word ("firmware 4.2", "version 7.1",
  "kernel 5", "build 1234").

False positives are kept low on purpose: times (14:10, 09.02), dates (2026-11-27, 27.11.2026,
2026.11.27), ticket numbers (INC-12345), money ($1,200.50, €3.5m), percentages (99.95%),
counts (12,000), decimals (3.5 hours), exercise times (T+30) and document sections
("section 3.2.1") are not hits.
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
    rf"(?<!\w)(?:{_FIRMWARE_WORDS})\s*:?\s*v?\d+(?:\.\d+)*[a-z]?\d*(?![\w%]|\.\d)",
    re.IGNORECASE,
)
# ... after these only a dotted one: "we will release 2 updates" is not a version.
_VERSION_WORDS = r"version|ver\.|release|patch|os|ios|update"
_WORD_VERSION = re.compile(
    rf"(?<!\w)(?:{_VERSION_WORDS})\s*:?\s*v?\d+(?:\.\d+)+[a-z]?\d*(?![\w%]|\.\d)",
    re.IGNORECASE,
)
# product/version as servers announce themselves: nginx/1.25, Apache/2.4.58, OpenSSL/3.0.
_PRODUCT_SLASH_VERSION = re.compile(
    r"(?<![\w/])[A-Za-z][\w.+-]*/v?\d+(?:\.\d+)+[a-z]?\d*(?![\w%]|\.\d)", re.IGNORECASE
)
_SECTION_BEFORE = re.compile(r"(?:section|sect\.|step|clause|chapter|§|item|rule)\s*$", re.I)


def _is_date(parts: list[str]) -> bool:
    """dd.mm.yyyy, dd.mm.yy (two-digit parts) or yyyy.mm.dd with a plausible day and month."""
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    a, b, c = parts
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2:
        return 1 <= int(b) <= 12 and 1 <= int(c) <= 31
    if len(a) <= 2 and len(b) <= 2 and (len(c) == 4 or (len(a) == len(b) == len(c) == 2)):
        day, month = int(a), int(b)
        # Either dd.mm or mm.dd reading must be valid.
        return (1 <= day <= 31 and 1 <= month <= 12) or (1 <= month <= 31 and 1 <= day <= 12)
    return False


def _is_grouped_number(parts: list[str]) -> bool:
    """1.200.000 is a count written with dots as thousands separators, not a version."""
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 and p.isdigit() for p in parts[1:])


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
    for pat in (_PRODUCT_SLASH_VERSION, _FIRMWARE_NUMBER, _WORD_VERSION, _V_VERSION):
        found += [Hit("version", m.group(), m.start(), m.end()) for m in pat.finditer(text)]
    for m in _DOTTED.finditer(text):
        parts = m.group().split(".")
        if _is_date(parts) or _is_grouped_number(parts):
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
    token = m.group().strip("[]").rstrip(".:")
    addr = token.split("%", 1)[0].split("/", 1)[0]
    if addr.count(":") < 2 or not re.search(r"[0-9A-Fa-f]", addr):
        return None
    try:
        ipaddress.IPv6Address(addr)
    except ValueError:
        return None
    start = m.start() + m.group().find(token)
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
        return f"names the weak component ({label})"
    return {
        "ip": "gives out an IP address",
        "cve": "cites the exact vulnerability",
        "version": "gives a software version",
        "sensitive": "names a weak component",
    }[hit.kind]
