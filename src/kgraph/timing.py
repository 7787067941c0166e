"""Named phases with their elapsed time, for ``--time`` and for progress on long builds.

The library marks phases; the CLI decides whether to show them (it never prints from here).
"""

from __future__ import annotations

import contextlib
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: (phase name, seconds) in the order the phases finished, for this process.
PHASES: list[tuple[str, float]] = []
#: Called with (phase name, "start", "end" or "advance", items done, items in all) when set: the
#: CLI's progress display. Items are counted only for "advance" (0 otherwise).
listener: Callable[[str, str, int, int], None] | None = None


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as ``name``."""
    if listener:
        listener(name, "start", 0, 0)
    began = time.perf_counter()
    try:
        yield
    finally:
        PHASES.append((name, time.perf_counter() - began))
        if listener:
            listener(name, "end", 0, 0)


def advance(name: str, done: int, total: int) -> None:
    """Say that ``done`` of ``total`` items of the phase ``name`` are through (the relation files of
    a build: at a million relations in 200 files, checking them takes minutes)."""
    if listener:
        listener(name, "advance", done, total)


def reset() -> None:
    PHASES.clear()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a big, acyclic structure is built.

    Loading a million YAML nodes otherwise triggers full collections again and again, each
    scanning every object made so far: the load turns quadratic. Nothing we build has cycles.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
