"""Positioned, limited loading: the valid path, positions, limits, duplicate keys, robustness."""

from __future__ import annotations

import copy
import gc
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.scenario import models
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import load_scenario, parse_scenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.yaml_safe import Limits, parse_yaml

Write = Callable[[str, str], Path]


def _messages(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_scenario(text, "s.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_valid_file_loads_with_its_sha256(write: Write, base_text: str) -> None:
    path = write("ok.yaml", base_text)
    loaded = load_scenario(path)
    assert loaded.path == path
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    s = loaded.scenario
    assert [n.id for n in s.nodes] == ["utility", "generator", "db", "web"]
    assert s.node("web").soft == ["utility"]
    assert s.node("db").any_of_groups == [["utility", "generator"]]
    assert s.injects[1].when == models.Condition(not_done=["post-status"])
    assert s.step_after(2) == ["assess"]


def test_every_builtin_scenario_validates() -> None:
    files = sorted(builtin_dir().glob("*.yaml"))
    assert any(f.name == "dc-power-loss.yaml" for f in files)
    for path in files:
        loaded = load_scenario(path)
        assert loaded.scenario.id == path.stem


def test_utf8_bom_is_accepted(write: Write, base_text: str) -> None:
    path = write("bom.yaml", "\ufeff" + base_text)
    assert load_scenario(path).scenario.id == "corpus-base"


def test_problems_are_all_reported_sorted_by_position(base_text: str) -> None:
    text = base_text.replace("kind: power", "kind: powr").replace("minutes: 5", "minutes: -5")
    text = text.replace("- db\n", "- nope\n")
    found = _messages(text)
    assert [m.split(":")[0] for m in found] == ["4", "23", "29"]


def test_duplicate_key_points_at_the_second_key_and_names_the_first() -> None:
    found = _messages("a: 1\nb: 2\na: 3\n")
    assert "3:1: duplicate key 'a' (first at line 1)" in found


def test_merge_keys_may_be_overridden_without_a_duplicate_error() -> None:
    doc = parse_yaml(b"base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 5\n", "m.yaml")
    assert doc.problems == []
    assert doc.data["other"] == {"x": 5, "y": 2}


def test_aliases_within_budget_are_fine(base_text: str) -> None:
    text = base_text.replace("needs: [db]", "needs: &needs [db]") + "  # reuse\n"
    scenario = parse_scenario(text)
    assert scenario.action("start-gen").needs == ["db"]


def test_alias_budget_is_a_parameter() -> None:
    text = b"a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a]\n"
    assert parse_yaml(text, "x.yaml").data["b"][2][9] == 10
    with pytest.raises(InputError, match="aliases expand to 48 values from 15 written"):
        parse_yaml(text, "x.yaml", Limits(max_alias_nodes=20))


def test_depth_limit_is_a_parameter() -> None:
    with pytest.raises(InputError, match="nesting deeper than 3 levels") as info:
        parse_yaml(b"a:\n  b:\n    c: [1]\n", "d.yaml", Limits(max_depth=3))
    assert (info.value.problems[0].line, info.value.problems[0].column) == (3, 8)


def test_libyaml_nesting_limit_becomes_a_clear_problem() -> None:
    with pytest.raises(InputError, match="nesting too deep"):
        parse_yaml(b"[" * 5000 + b"]" * 5000, "deep.yaml")


def test_gc_is_restored_after_loading_even_on_errors(write: Write) -> None:
    assert gc.isenabled()
    with pytest.raises(InputError):
        load_scenario(write("bad.yaml", "a: [\n"))
    assert gc.isenabled()


def test_missing_file_and_folder_are_one_problem_each(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}:1:1: no such file"
    with pytest.raises(InputError, match="is a folder, not a file"):
        load_scenario(tmp_path)


def test_position_of_missing_key_is_the_parent_mapping(base_text: str) -> None:
    found = _messages(base_text.replace("    label: Web shop\n", ""))
    assert found == ["18:5: missing required key 'label' in node"]


def test_dependency_errors_speak_of_the_form_used(base_text: str) -> None:
    found = _messages(base_text.replace("any_of: [utility, generator]", "any_of: [Utility]"))
    assert found == [
        "17:18: invalid id 'Utility': use lowercase letters, digits and '-', "
        "starting with a letter or digit"
    ]


def test_non_string_key_is_named(base_text: str) -> None:
    found = _messages(base_text.replace("    standby: true\n", "    standby: true\n    yes: 1\n"))
    assert found[0].startswith("14:5: unknown key true (yes/no/on/off are booleans")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_problems_never_crashes(data: bytes) -> None:
    try:
        parse_scenario(data, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=78), st.sampled_from([": x", "\t", "[", "- -", "'"]))
def test_damaging_any_line_of_a_valid_file_gives_located_problems(line: int, junk: str) -> None:
    text = (Path(__file__).parent / "base.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[line] = lines[line] + junk
    try:
        parse_scenario("\n".join(lines) + "\n", "f.yaml")
    except InputError as exc:
        assert all(1 <= p.line <= len(lines) + 1 for p in exc.problems)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


_BASE_DATA = yaml.safe_load((Path(__file__).parent / "base.yaml").read_text(encoding="utf-8"))
_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(_paths(_BASE_DATA)[1:]), _JUNK)
def test_any_value_replaced_by_junk_gives_problems_or_a_scenario(
    path: tuple[object, ...], junk: object
) -> None:
    data = copy.deepcopy(_BASE_DATA)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    text = yaml.safe_dump(data, sort_keys=False)
    try:
        parse_scenario(text, "junk.yaml")
    except InputError as exc:
        lines = text.count("\n") + 1
        assert exc.problems
        assert all(1 <= p.line <= lines and p.column >= 1 for p in exc.problems)
        assert all("\n" not in p.message for p in exc.problems)


@pytest.mark.parametrize(("anchor", "column"), [("", 7), ("&x ", 10)])
def test_depth_is_checked_with_and_without_anchors(anchor: str, column: int) -> None:
    # Files without '&' take a cheaper depth-only walk; both walks must agree.
    text = f"a: {anchor}[[[[1]]]]\n".encode()
    with pytest.raises(InputError) as info:
        parse_yaml(text, "d.yaml", Limits(max_depth=4))
    assert str(info.value) == f"d.yaml:1:{column}: nesting deeper than 4 levels"
