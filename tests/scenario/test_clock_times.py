"""Clock times (`1:30`, `1:30:00`) are never YAML 1.1 base-60 numbers: text where text
belongs, and one message saying which number to write where minutes belong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tabletop.importers.yaml_input import load_documents
from tabletop.scenario import cache
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.yaml_safe import _Loader, parse_yaml

Write = Callable[[str, str], Path]


def _value(text: str) -> Any:
    return parse_yaml(f"k: {text}\n".encode(), "f.yaml").data["k"]


class _PurePythonLoader(yaml.SafeLoader):
    """The fallback loader (no libyaml) with our resolver table."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@pytest.mark.parametrize("text", ["1:30", "10:30", "1:30:00", "1:30:00.5", "-1:30", "+2:20:00"])
def test_base_60_text_stays_text_in_both_loaders(text: str) -> None:
    assert yaml.safe_load(f"k: {text}")["k"] != text  # what YAML 1.1 does: a number
    assert _value(text) == text
    assert yaml.load(f"k: {text}", Loader=_PurePythonLoader)["k"] == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("90", 90), ("-3", -3), ("1_000", 1000), ("0x1f", 31), ("1.5", 1.5), ("1.0e+3", 1000.0)],
)
def test_other_numbers_are_still_numbers(text: str, value: float) -> None:
    assert _value(text) == value
    assert type(_value(text)) is type(value)


def test_pyyaml_itself_is_left_alone() -> None:
    """The table is replaced on our loader class only: other users of PyYAML (the importers'
    quoting check, libraries) keep YAML 1.1."""
    assert yaml.safe_load("k: 1:30") == {"k": 90}
    assert yaml.load("k: 1:30", Loader=yaml.CSafeLoader) == {"k": 90}


@given(st.integers(1, 10**6), st.integers(0, 59), st.one_of(st.none(), st.integers(0, 59)))
def test_any_clock_time_is_text(hours: int, minutes: int, seconds: int | None) -> None:
    text = f"{hours}:{minutes:02d}" + ("" if seconds is None else f":{seconds:02d}")
    assert _value(text) == text


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_scenario(text, "s.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_clock_time_at_is_one_located_message(base_text: str) -> None:
    text = base_text.replace("  - id: press\n    at: 30\n", "  - id: press\n    at: 1:30:00\n")
    assert _problems(text) == [
        "47:9: 'at' should be a number of minutes, not the clock time '1:30:00' "
        "(write 90 for T+1:30:00)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    by: 30\n",
            "    by: 10:30\n",
            "'by' should be a number of minutes, not the clock time '10:30' "
            "(write 10.5 for T+10:30, or 630 for 10 h 30 min)",
        ),
        (
            "duration: 120\n",
            "duration: 2:00:00\n",
            "'duration' should be a number of minutes, not the clock time '2:00:00' "
            "(write 120 for T+2:00:00)",
        ),
        (
            "    minutes: 5\n",
            "    minutes: 20:00\n",
            "'minutes' should be a number of minutes, not the clock time '20:00' "
            "(write 20 for T+20:00, or 1200 for 20 h)",
        ),
        (
            "  - {at: 0, action: assess}",
            "  - {at: T+1:05, action: assess}",  # the tool's own notation: one reading
            "'at' should be a number of minutes, not the clock time 'T+1:05' "
            "(write 1.0833 for T+1:05)",
        ),
    ],
)
def test_every_minutes_key_names_the_number_to_write(
    base_text: str, old: str, new: str, message: str
) -> None:
    assert base_text.count(old) >= 1
    (line,) = _problems(base_text.replace(old, new, 1))
    assert line.split(": ", 1)[1] == message


def test_a_clock_time_in_a_number_that_is_not_minutes_is_plain_text(base_text: str) -> None:
    text = base_text.replace("  outcome: 30\n", "  outcome: 0:30\n")
    assert [p.split(": ", 1)[1] for p in _problems(text)] == [
        "'outcome' should be a number, got the text '0:30'"
    ]


def test_clock_times_in_text_stay_text(base_text: str) -> None:
    text = base_text.replace("    title: Power drops\n", "    title: 1:30\n    message: 10:30\n")
    drop = parse_scenario(text).injects[0]
    assert (drop.title, drop.message) == ("1:30", "10:30")


def _log(write: Write, decisions: str, extra: str = "") -> Path:
    return write("log.yaml", f"scenario: corpus-base\n{extra}decisions:\n{decisions}")


def test_decision_log_at_and_end_name_the_number_to_write(write: Write, base_text: str) -> None:
    path = _log(write, "  - {at: 1:05:00, action: assess}\n", extra="end: 1:30\n")
    with pytest.raises(InputError) as info:
        load_decision_log(path, parse_scenario(base_text))
    assert [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems] == [
        "2:6: 'end' should be a number of minutes, not the clock time '1:30' "
        "(write 1.5 for T+1:30, or 90 for 1 h 30 min)",
        "4:10: 'at' should be a number of minutes, not the clock time '1:05:00' "
        "(write 65 for T+1:05:00)",
    ]


def test_decision_log_by_keeps_a_clock_time_as_text(write: Write, base_text: str) -> None:
    path = _log(write, "  - {at: 0, action: assess, by: 10:30, note: 9:15}\n")
    (decision,) = load_decision_log(path, parse_scenario(base_text)).decisions
    assert (decision.by, decision.note) == ("10:30", "9:15")


def test_importers_read_clock_times_as_text(tmp_path: Path) -> None:
    """Compose's `ports: [22:22]` is the text "22:22", not the number 1342."""
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  git:\n    ports: [22:22, 8080:80]\n", encoding="utf-8")
    (doc,) = load_documents(path)
    assert doc.data["services"]["git"]["ports"] == ["22:22", "8080:80"]


@pytest.mark.parametrize("name", ["yaml_safe.py", "errors.py"])
def test_a_change_to_the_loader_or_messages_misses_the_cache(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry cached by code that read `by: 10:30` as 630 cannot be read by this code."""
    cache.code_fingerprint.cache_clear()
    real = Path.read_bytes
    try:
        before = cache.code_fingerprint()

        def edited(self: Path) -> bytes:
            return real(self) + (b"\n# edited\n" if self.name == name else b"")

        monkeypatch.setattr(Path, "read_bytes", edited)
        cache.code_fingerprint.cache_clear()
        assert cache.code_fingerprint() != before
    finally:
        monkeypatch.undo()
        cache.code_fingerprint.cache_clear()
