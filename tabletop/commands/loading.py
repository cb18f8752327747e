"""Loading scenarios for commands: through the cache unless `--no-cache` (or the environment)
says otherwise. Commands import `load_scenario` from here instead of the loader.

Light on purpose: `validate` of a file that validated before (`check_scenario`) must not
import PyYAML or build the pydantic models.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from tabletop.scenario.cache import Checked, cached_check, load_scenario_cached

if TYPE_CHECKING:
    from tabletop.scenario.loader import LoadedScenario
    from tabletop.scenario.yaml_safe import Limits

#: Where `--no-cache` is remembered: the context's `meta`, shared by a command and its group.
NO_CACHE_KEY = "tabletop.no_cache"

F = TypeVar("F", bound=Callable[..., object])


def _remember(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[NO_CACHE_KEY] = True


def no_cache_option(command: F) -> F:
    """The `--no-cache` flag, for every command that loads a scenario file."""
    option = click.option(
        "--no-cache",
        is_flag=True,
        expose_value=False,
        callback=_remember,
        help="Parse and validate the scenario afresh: neither read nor write the cache.",
    )
    return option(command)


def _use_cache() -> bool:
    ctx = click.get_current_context(silent=True)
    return not (ctx is not None and ctx.meta.get(NO_CACHE_KEY))


def load_scenario(path: str | Path, limits: Limits | None = None) -> LoadedScenario:
    """Load and validate a scenario as `tabletop.scenario.loader.load_scenario` does, through
    the cache unless the running command was given `--no-cache`."""
    return load_scenario_cached(path, use_cache=_use_cache(), limits=limits)


def check_scenario(path: str | Path) -> Checked:
    """What `validate` reports of a valid file (raises `InputError` for an invalid one): from
    the cache's summary when these bytes validated before, else by loading the file."""
    use_cache = _use_cache()
    if use_cache:
        hit = cached_check(path)
        if hit is not None:
            return hit
    loaded = load_scenario_cached(path, use_cache=use_cache)
    s = loaded.scenario
    return Checked(
        loaded.path, loaded.sha256, len(s.nodes), len(s.actions), len(s.injects), loaded.warnings
    )
