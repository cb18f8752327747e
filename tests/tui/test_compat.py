"""The private Textual API that tabletop.tui.compat relies on is still there, as it was.

Textual is pinned to one minor version; these tests are what a Textual upgrade must pass.
Each failure names the private attribute that moved or changed its signature, so that
compat.py (and only compat.py) is the place to adapt.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import OptionList, Static

from tabletop.tui import compat

ORIGINAL_REFRESH = Screen._compositor_refresh
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_textual_is_the_pinned_minor() -> None:
    major, minor = version("textual").split(".")[:2]
    pin = f'"textual>={major}.{minor},<{major}.{int(minor) + 1}"'
    assert pin in PYPROJECT.read_text(), f"pyproject.toml must pin Textual as {pin}"


def test_widget_scroll_update_takes_the_virtual_size() -> None:
    assert _parameters(Widget._scroll_update) == ["self", "virtual_size"]


@pytest.mark.parametrize("cls", [Widget, ScrollView])
def test_size_updated_signature_is_the_one_overridden(cls: type[Widget]) -> None:
    assert _parameters(cls._size_updated) == [
        "self",
        "size",
        "virtual_size",
        "container_size",
        "layout",
    ]
    assert _parameters(compat.SteadyScrollbars._size_updated) == _parameters(cls._size_updated)


def test_option_list_line_cache() -> None:
    assert _parameters(OptionList._update_lines) == ["self"]
    for name in ("_index_to_line", "_heights"):
        assert isinstance(inspect.getattr_static(OptionList, name), property), name


def test_option_list_on_click_is_the_click_handler_overridden() -> None:
    assert inspect.iscoroutinefunction(OptionList._on_click)
    assert _parameters(OptionList._on_click) == ["self", "event"]
    # The override replaces the base's handler (Textual calls `_on_click` by name).
    assert compat.ClickHighlightsOptionList._on_click is not OptionList._on_click


def test_private_attributes_read_by_the_tests_and_the_benchmark() -> None:
    assert _parameters(Screen._compositor_refresh) == ["self"]
    app = App[None]()
    assert isinstance(app._batch_count, int)
    assert list(app._notifications) == []


class _Probe(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(Text("hello there"), id="probe")
        yield OptionList("one", "two\nlines", "three", id="options")


async def test_the_wrappers_work_on_a_live_app() -> None:
    app = _Probe()
    async with app.run_test(size=(30, 8)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert any("hello there" in line for line in compat.screen_lines(screen))
        options = app.query_one(OptionList)
        assert compat.option_lines(options, 1) == (1, 2)
        assert compat.option_lines(options, 2) == (3, 1)
        assert compat.option_lines(options, 9) is None
        compat.update_scrollbars(options, Size(20, 50))
        assert not compat.repaints_held(app)
        with app.batch_update():
            assert compat.repaints_held(app)
        app.notify("toast")
        await pilot.pause()
        assert [n.message for n in compat.notifications(app)] == ["toast"]
        painted: list[float] = []
        ticks = iter(range(1000))
        with compat.paint_times(painted, lambda: float(next(ticks))):
            app.query_one("#probe", Static).update("changed")
            await pilot.pause()
        assert painted and painted == sorted(painted)
        assert Screen._compositor_refresh is ORIGINAL_REFRESH  # put back


class _KeyedScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "app.bell", "Ring"),
        Binding("y,x", "app.bell", "Ring too"),
    ]


async def test_screen_key_bindings_are_the_screens_own_by_key() -> None:
    app = _Probe()
    async with app.run_test(size=(30, 8)) as pilot:
        await app.push_screen(_KeyedScreen())
        await pilot.pause()
        by_key = compat.screen_key_bindings(app.screen)
        assert {"x", "y", "z"} <= set(by_key)  # with Screen's own (tab, ctrl+c...)
        assert [b.description for b in by_key["z"]] == ["Ring"]
