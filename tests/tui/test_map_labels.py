"""Map labels stay distinguishable when cut to the cell width."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App

from tabletop.engine.session import Session
from tabletop.scenario.loader import load_scenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.view import fit_labels
from tabletop.tui.widgets.depmap import DependencyMap

FIXTURE = Path(__file__).parent / "fixtures" / "control-plane.yaml"


def test_labels_that_fit_are_kept_whole() -> None:
    assert fit_labels(["Web", "Orders database"], 17) == ["Web", "Orders database"]


def test_a_long_label_alone_is_cut_at_its_end() -> None:
    assert fit_labels(["Utility power feed"], 17) == ["Utility power fe…"]


def test_two_labels_sharing_their_first_18_characters_keep_their_distinctive_ends() -> None:
    shown = fit_labels(["Control plane core API", "Control plane core database"], 17)
    # cut at the end, both would read "Control plane co…" (the trial's "Control plane cor")
    assert shown == ["Control …core API", "Control …database"]
    assert all(len(s) <= 17 for s in shown)


def test_labels_differing_only_in_the_middle_get_a_tag() -> None:
    a = "Rack A1 power distribution unit left"
    b = "Rack A1 power distribution unit right"
    c = "Rack B1 power distribution unit left"
    shown = fit_labels([a, b, c], 11)
    assert len(set(shown)) == 3 and all(len(s) <= 11 for s in shown)


def test_identical_labels_are_numbered() -> None:
    assert fit_labels(["Database", "Database", "Web"], 17) == ["Database #1", "Database #2", "Web"]


@given(
    st.lists(st.text(alphabet="ab #1", min_size=0, max_size=30), max_size=40),
    st.integers(min_value=8, max_value=30),
)
def test_no_two_labels_read_the_same_and_none_is_too_wide(labels: list[str], width: int) -> None:
    shown = fit_labels(labels, width)
    assert len(shown) == len(labels)
    assert len(set(shown)) == len(shown)
    assert all(len(s) <= width for s in shown)
    # a label that fits and reads like no other is shown as it is
    for label, s in zip(labels, shown, strict=True):
        if len(label) <= width and labels.count(label) == 1 and s != label:
            assert any(other.startswith(label) or "#" in label for other in shown)


async def test_the_map_tells_the_two_control_plane_nodes_apart(
    screen_text: Callable[[App[object]], str],
) -> None:
    loaded = load_scenario(FIXTURE)
    session = Session(loaded.scenario, sha256=loaded.sha256)
    app = TabletopApp(session, loaded=loaded)
    # 100 x 20: the map needs two columns of ~17 characters, where both labels read the same
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        dep_map = app.screen.query_one(DependencyMap)
        width = dep_map._cell - 3
        assert width < len("Control plane core ")  # the labels really are cut
        text = screen_text(app)
        shown = fit_labels(["Control plane core API", "Control plane core database"], width)
        assert shown[0] != shown[1]
        assert shown[0] in text and shown[1] in text
        assert shown[0].endswith("API") and shown[1].endswith("base")  # the distinctive ends
