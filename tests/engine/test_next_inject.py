"""`next_inject` (the drill's `j` key) skips injects the facilitator already fired by hand."""

from __future__ import annotations

from tabletop.engine.session import Session
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import load_scenario


def _session() -> Session:
    return Session(load_scenario(builtin_dir() / "dc-power-loss.yaml").scenario)


def test_next_inject_is_the_earliest_still_to_come() -> None:
    s = _session()
    assert s.next_inject() == (12, "contractor-hurt")


def test_an_inject_fired_by_hand_is_not_the_next_one() -> None:
    s = _session()
    assert s.fire_inject("contractor-hurt")
    assert s.next_inject() == (25, "ups-exhausted")
    # and firing a later one by hand leaves the earlier ones in place
    assert s.fire_inject("journalist-call")
    assert s.next_inject() == (25, "ups-exhausted")
    s.advance(25)
    assert s.next_inject() == (50, "thermal-shutdown")


def test_no_next_inject_once_all_are_handled() -> None:
    s = _session()
    for inject_id in s.pending_injects():
        s.fire_inject(inject_id)
    assert s.pending_injects() == []
    assert s.next_inject() is None
