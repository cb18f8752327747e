"""Pausing Python's cyclic garbage collector around bulk object construction."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, restoring its previous state.

    Building many small objects (a parsed scenario, a large graph's indexes) triggers full
    collections over the whole heap for nothing: measured 2.5x faster YAML loads, and
    `Session()` on 10k nodes from 0.66 s to 0.05 s with a 100k scenario loaded.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
