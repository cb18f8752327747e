"""A small scenario for the scoring tests, independent of the built-in scenarios.

Derived reference (serial, each when the previous finishes):
assess-impact 0-10, call-utility 10-15, post-status 15-20, start-generator 20-35,
restore-feed 35-75, verify-service 75-85, plan-upgrade 85-105, email-customers 105-110.

Impact: web 1000 + api 500 are down until the generator lands (or the feed is back); the
office (200) needs the utility feed itself, so only `restore-feed` brings it back. The CDN
is degraded from 30 to 60 (api degraded: 0.5 x 500 when up).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tabletop.scenario.models import Scenario

MINI: dict[str, Any] = {
    "format": "tabletop/v1",
    "id": "mini-power",
    "title": "Mini power loss",
    "kind": "power",
    "summary": "The utility feed drops; a generator can carry the database.",
    "duration": 240,
    "disclosure_penalty": 5,
    "nodes": [
        {"id": "utility", "label": "Utility feed", "kind": "power", "third_party": True},
        {"id": "generator", "label": "Diesel generator", "kind": "power", "standby": True},
        {
            "id": "db",
            "label": "Orders database",
            "kind": "database",
            "sensitive": True,
            "depends_on": [{"any_of": ["utility", "generator"]}],
        },
        {"id": "cdn", "label": "CDN", "kind": "vendor", "third_party": True},
        {"id": "web", "label": "Web shop", "users": 1000, "depends_on": ["db"]},
        {"id": "api", "label": "Partner API", "users": 500, "depends_on": ["db", {"soft": "cdn"}]},
        {"id": "office", "label": "Office", "users": 200, "depends_on": ["utility"]},
    ],
    "actions": [
        {"id": "assess-impact", "label": "Assess impact", "phase": "assess", "minutes": 10},
        {
            "id": "call-utility",
            "label": "Call the utility",
            "phase": "escalate",
            "minutes": 5,
            "requires": ["assess-impact"],
        },
        {
            "id": "post-status",
            "label": "Post on the status page",
            "phase": "communicate",
            "minutes": 5,
            "requires": ["assess-impact"],
        },
        {
            "id": "start-generator",
            "label": "Start the generator",
            "phase": "workaround",
            "minutes": 15,
            "requires": ["assess-impact"],
            "effects": [{"node": "generator", "status": "up"}],
        },
        {
            "id": "restore-feed",
            "label": "Restore the utility feed",
            "phase": "fix",
            "minutes": 40,
            "requires": ["call-utility"],
            "effects": [{"node": "utility", "status": "up"}],
        },
        {"id": "verify-service", "label": "Verify service", "phase": "verify", "minutes": 10},
        {"id": "plan-upgrade", "label": "Plan a second feed", "phase": "prevent", "minutes": 20},
        {
            "id": "email-customers",
            "label": "Email customers",
            "phase": "follow-up",
            "minutes": 5,
        },
        {
            "id": "post-detailed-cause",
            "label": "Post the failed part and its firmware",
            "phase": "follow-up",
        },
        {
            "id": "reboot-everything",
            "label": "Reboot everything",
            "phase": "fix",
            "minutes": 5,
            "effects": [{"node": "cdn", "status": "degraded"}],
        },
    ],
    "injects": [
        {
            "id": "power-drops",
            "at": 0,
            "title": "Utility power lost",
            "effects": [{"node": "utility", "status": "down"}],
        },
        {
            "id": "cdn-wobble",
            "at": 30,
            "title": "CDN degraded",
            "effects": [{"node": "cdn", "status": "degraded"}],
        },
        {
            "id": "cdn-back",
            "at": 60,
            "title": "CDN recovered",
            "effects": [{"node": "cdn", "status": "up"}],
        },
    ],
    "playbook": [
        {
            "id": "assess",
            "phase": "assess",
            "title": "Assess",
            "any_of": ["assess-impact"],
            "by": 15,
        },
        {
            "id": "escalate",
            "phase": "escalate",
            "title": "Call the utility",
            "any_of": ["call-utility"],
            "by": 30,
        },
        {
            "id": "communicate",
            "phase": "communicate",
            "title": "Tell customers",
            "any_of": ["post-status"],
            "by": 30,
            "after": ["assess"],
        },
        {
            "id": "workaround",
            "phase": "workaround",
            "title": "Run on the generator",
            "any_of": ["start-generator"],
            "by": 45,
            "after": ["assess"],
        },
        {
            "id": "fix",
            "phase": "fix",
            "title": "Restore the feed",
            "any_of": ["restore-feed"],
            "by": 90,
            "after": ["escalate"],
        },
        {"id": "verify", "phase": "verify", "title": "Verify", "any_of": ["verify-service"]},
        {"id": "prevent", "phase": "prevent", "title": "Prevent", "any_of": ["plan-upgrade"]},
        {
            "id": "follow-up",
            "phase": "follow-up",
            "title": "Follow up",
            "any_of": ["email-customers"],
        },
    ],
    "avoid": [
        {
            "action": "post-detailed-cause",
            "penalty": 10,
            "why": "Naming the failed part and its firmware tells attackers what to target.",
        },
        {"action": "reboot-everything", "penalty": 5, "why": "A flurry of unplanned actions."},
    ],
}


def mini_dict() -> dict[str, Any]:
    """A deep copy of the fixture, to modify in a test."""
    return copy.deepcopy(MINI)


def make(data: dict[str, Any]) -> Scenario:
    """Validate a scenario dict."""
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def mini() -> Scenario:
    """The mini power-loss scenario (immutable, so shared by the session)."""
    return make(mini_dict())


@pytest.fixture
def mini_data() -> dict[str, Any]:
    """A fresh copy of the mini scenario's data, to modify in a test."""
    return mini_dict()


@pytest.fixture(scope="session")
def build() -> Any:
    """`build(data) -> Scenario`, for tests that modify a fixture's data."""
    return make


def flat_dict() -> dict[str, Any]:
    """Four steps (assess, escalate, communicate, fix), one 5-minute action each, no requires.

    One node `svc` (100 users) goes down at 0; `act-fix` (10 minutes) brings it back.
    Derived reference: assess 0-5, escalate 5-10, communicate 10-15, fix 15-25, so the
    reference costs 100 x 25 = 2,500 customer-minutes and doing nothing 100 x 240 = 24,000.
    """
    phases = ["assess", "escalate", "communicate", "fix"]
    actions: list[dict[str, Any]] = [
        {"id": f"act-{p}", "label": f"Do {p}", "phase": p, "minutes": 5} for p in phases
    ]
    actions[-1]["minutes"] = 10
    actions[-1]["effects"] = [{"node": "svc", "status": "up"}]
    return {
        "format": "tabletop/v1",
        "id": "flat",
        "title": "Flat",
        "kind": "other",
        "summary": "Four independent steps.",
        "duration": 240,
        "nodes": [{"id": "svc", "label": "Service", "users": 100}],
        "actions": actions,
        "injects": [
            {"id": "down", "at": 0, "title": "Down", "effects": [{"node": "svc", "status": "down"}]}
        ],
        "playbook": [
            {"id": p, "phase": p, "title": p.capitalize(), "any_of": [f"act-{p}"]} for p in phases
        ],
    }


@pytest.fixture(scope="session")
def flat() -> Scenario:
    """The flat four-step scenario."""
    return make(flat_dict())


@pytest.fixture
def flat_data() -> dict[str, Any]:
    """A fresh copy of the flat scenario's data."""
    return flat_dict()
