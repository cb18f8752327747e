"""End to end: every authoring command on good and bad input, with its exit status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tabletop.scenario.graph_render import mermaid_id, render_dot, render_mermaid
from tabletop.scenario.loader import load_scenario, parse_scenario
from tabletop.scenario.starter import KINDS

Write = Callable[[str, str], Path]
CORPUS = Path(__file__).parent / "corpus"


def test_validate_ok_prints_counts(cli, write: Write, base_text: str) -> None:
    path = write("ok.yaml", base_text)
    ran = cli("validate", str(path))
    assert (ran.code, ran.out, ran.err) == (0, f"{path}: ok (4 nodes, 3 actions, 3 injects)\n", "")


def test_validate_accepts_a_builtin_id(cli) -> None:
    ran = cli("validate", "dc-power-loss")
    assert ran.code == 0
    assert ran.out.startswith(str(Path("scenarios") / "dc-power-loss.yaml")) or (
        "/scenarios/dc-power-loss.yaml: ok (" in ran.out
    )
    assert ran.out.rstrip().endswith("injects)")


def test_validate_mixed_files_reports_each_and_exits_1(cli, write: Write, base_text: str) -> None:
    good = write("good.yaml", base_text)
    bad = CORPUS / "misspelt-phase.yaml"
    ran = cli("validate", str(good), str(bad), "missing.yaml")
    assert ran.code == 1
    assert ran.out.splitlines() == [
        f"{good}: ok (4 nodes, 3 actions, 3 injects)",
        f"{bad}:28:12: unknown phase 'asess' (did you mean 'assess'?); expected one of: "
        "assess, escalate, communicate, workaround, fix, verify, prevent, follow-up",
        "missing.yaml: no such file and no built-in scenario with that id",
    ]


def test_validate_without_files_is_a_usage_error(cli) -> None:
    assert cli("validate").code == 2


def test_validate_an_empty_name_is_not_the_current_folder(cli) -> None:
    ran = cli("validate", "")
    assert ran.code == 1
    assert ran.out.splitlines() == ["an empty scenario name: give a file or a built-in id"]


def test_schema_to_stdout_and_to_a_file(cli, tmp_path: Path) -> None:
    ran = cli("schema")
    assert ran.code == 0
    assert json.loads(ran.out)["$id"] == "urn:tabletop:schema:tabletop-v1"
    target = tmp_path / "tabletop-v1.schema.json"
    ran = cli("schema", "-o", str(target))
    assert ran.code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(cli("schema").out)
    ran = cli("schema", "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert ran.code == 1
    assert ran.err.startswith("tabletop: ") and "cannot write" in ran.err


def test_list_shows_builtins_and_folders_and_one_line_for_invalid(
    cli, tmp_path: Path, base_text: str
) -> None:
    (tmp_path / "mine.yaml").write_text(base_text, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    ran = cli("list", str(tmp_path))
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0].split() == ["ID", "KIND", "TITLE", "NODES", "DURATION", "DIFFICULTY"]
    assert any(line.split()[0] == "dc-power-loss" for line in lines[1:])
    mine = next(line for line in lines if line.startswith("corpus-base"))
    assert mine.split() == ["corpus-base", "power", "Small", "power", "loss", "4", "2:00:00", "-"]
    assert lines[-1] == (
        f"{tmp_path / 'broken.yaml'}: invalid (1 problem; "
        f"see tabletop validate {tmp_path / 'broken.yaml'})"
    )


def test_list_names_ids_that_several_files_share(cli, tmp_path: Path, base_text: str) -> None:
    (tmp_path / "a.yaml").write_text(base_text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(base_text, encoding="utf-8")
    ran = cli("list", str(tmp_path))
    assert ran.code == 0
    assert ran.out.splitlines()[-1] == (
        f"note: id 'corpus-base' is in 2 files ({tmp_path / 'a.yaml'}, {tmp_path / 'b.yaml'}); "
        "name the file to play a given one"
    )


def test_list_missing_folder_is_one_line(cli) -> None:
    ran = cli("list", "no-such-folder")
    assert (ran.code, ran.err) == (1, "tabletop: no-such-folder: no such file or folder\n")


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_commented_starter_that_validates(cli, tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"{kind}-drill.yaml"
    ran = cli("new", f"{kind}-drill", "--kind", kind, "-o", str(target))
    assert ran.code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# A tabletop/v1 scenario.")
    scenario = load_scenario(target).scenario
    assert (scenario.id, scenario.kind) == (f"{kind}-drill", kind)
    assert cli("validate", str(target)).code == 0


def test_new_defaults_to_id_yaml_here_and_never_overwrites(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("new", "drill", "--kind", "power").code == 0
    before = (tmp_path / "drill.yaml").read_text(encoding="utf-8")
    ran = cli("new", "drill", "--kind", "attack")
    assert ran.code == 1
    assert ran.err == "tabletop: drill.yaml: already exists; not overwriting it\n"
    assert (tmp_path / "drill.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args", [["new", "Bad Id", "--kind", "power"], ["new", "x", "--kind", "fire"], ["new", "x"]]
)
def test_new_usage_errors_exit_2(cli, args: list[str], tmp_path: Path) -> None:
    ran = cli(*args, "-o", str(tmp_path / "x.yaml"))
    assert ran.code == 2
    assert not (tmp_path / "x.yaml").exists()


def test_graph_text(cli, write: Write, base_text: str) -> None:
    ran = cli("graph", str(write("g.yaml", base_text)))
    assert ran.code == 0
    assert ran.out.splitlines()[:9] == [
        "corpus-base: Small power loss",
        "4 nodes",
        "",
        "layer 0 (depends on nothing)",
        "  utility  Utility power  [service, third party]",
        "    needed by: db, web",
        "  generator  Generator  [service, standby]",
        "    needed by: db",
        "",
    ]
    assert "    needs: db, soft utility" in ran.out


def test_graph_text_does_not_say_a_cycle_depends_on_nothing(
    cli, write: Write, base_text: str
) -> None:
    # utility and generator depend on each other: a cycle with nothing below it, layer 0.
    text = base_text.replace(
        "    third_party: true\n", "    third_party: true\n    depends_on: [generator]\n", 1
    ).replace("    standby: true\n", "    standby: true\n    depends_on: [utility]\n", 1)
    ran = cli("graph", str(write("cycle.yaml", text)))
    assert ran.code == 0, ran.out
    assert ran.out.splitlines()[3] == "layer 0 (depends on nothing outside its own cycle)"
    assert "layer 2" in ran.out


def test_graph_mermaid_and_dot(cli, write: Write, base_text: str) -> None:
    path = str(write("g.yaml", base_text))
    mermaid = cli("graph", path, "--format", "mermaid")
    assert mermaid.code == 0
    assert mermaid.out.startswith("flowchart LR\n")
    assert "    n_web --> n_db\n" in mermaid.out
    assert "    n_web -. soft .-> n_utility\n" in mermaid.out
    dot = cli("graph", path, "--format", "dot")
    assert dot.code == 0
    assert dot.out.startswith('digraph "corpus-base" {')
    assert '  "db" -> "generator" [label="any of 1"];\n' in dot.out


def test_graph_escapes_ids_and_labels(base_text: str) -> None:
    text = base_text.replace("label: Web shop", "label: 'Shop \"A\" <b>#1</b> & \\\\ co'")
    text = text.replace("id: db", "id: end").replace("- db\n", "- end\n")
    text = text.replace("needs: [db]", "needs: [end]")
    scenario = parse_scenario(text)
    mermaid = render_mermaid(scenario)
    assert 'n_web["Shop #quot;A#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; \\\\ co<br/>1,000 users"]' in (
        mermaid
    )
    assert mermaid_id("end") == "n_end" and mermaid_id("a-b") == "n_a_b"
    dot = render_dot(scenario)
    assert '"web" [label="Shop \\"A\\" <b>#1</b> & \\\\\\\\ co\\n1,000 users"];' in dot


def test_graph_on_invalid_or_missing_file(cli) -> None:
    ran = cli("graph", str(CORPUS / "dangling-soft.yaml"))
    assert ran.code == 1
    assert ran.err == f"{CORPUS / 'dangling-soft.yaml'}:24:15: unknown node 'mains' in soft\n"
    ran = cli("graph", "nope.yaml")
    assert (ran.code, ran.err) == (
        1,
        "tabletop: nope.yaml: no such file and no built-in scenario with that id\n",
    )
    assert cli("graph", "nope.yaml", "--format", "png").code == 2
