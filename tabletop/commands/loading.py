"""Loading scenarios for commands: through the cache unless `--no-cache` (or the environment)
says otherwise. Commands import `load_scenario` from here instead of the loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from tabletop.scenario.cache import load_scenario_cached
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.yaml_safe import DEFAULT_LIMITS, Limits

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


def load_scenario(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    """Load and validate a scenario as `tabletop.scenario.loader.load_scenario` does, through
    the cache unless the running command was given `--no-cache`."""
    ctx = click.get_current_context(silent=True)
    use_cache = not (ctx is not None and ctx.meta.get(NO_CACHE_KEY))
    return load_scenario_cached(path, use_cache=use_cache, limits=limits)
