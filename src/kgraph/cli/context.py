"""What every command shares: the project chosen by the global options, and output helpers."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import typer

from kgraph.cli.streams import output as output  # re-exported: commands take it from here
from kgraph.cli.streams import say as say
from kgraph.project import Project


def project(ctx: typer.Context) -> Project:
    """The Project configured by the global options (--data, --base)."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Project)
    return obj


def format_from(out: str | None, formats: tuple[str, ...]) -> str:
    """The format -o's suffix names (``-o report.json``), or ``table`` for the terminal."""
    if out and out != "-":
        for suffix in formats:
            if out.lower().endswith("." + suffix):
                return suffix
    return "table"


def choose_format(fmt: str | None, out: str | None, formats: tuple[str, ...]) -> str:
    """--format, else -o's suffix, else a table; a table only for the terminal (usage error 2)."""
    chosen = fmt or format_from(out, formats)
    if chosen not in formats:
        raise typer.BadParameter(f"choose one of {', '.join(formats)}", param_hint="--format")
    if chosen == "table" and out not in (None, "-"):
        others = [f for f in formats if f != "table"]
        raise typer.BadParameter(
            f"a table is for the terminal: use --format {', '.join(others[:-1])} or {others[-1]} with -o",
            param_hint="--format",
        )
    return chosen


def pick_format(
    fmt: str | None, out: str | None, kinds: tuple[str, ...], default: str | None = None, terminal: tuple[str, ...] = ()
) -> str:
    """The registry's rule (kgraph.formats.choose) for --format and -o, its refusals as usage errors."""
    from kgraph.formats import FormatError, choose

    try:
        return choose(fmt, out, kinds, default, terminal)
    except FormatError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None


TIME_OPTION_HELP = "Print the elapsed time of each phase to stderr."


@contextlib.contextmanager
def timed(enabled: bool) -> Iterator[None]:
    """Show a build's progress when it takes over PROGRESS_AFTER seconds; with ``enabled``, phase times."""
    from kgraph import timing

    timing.reset()
    began = time.perf_counter()
    shown: dict[str, object] = {}

    def listen(name: str, event: str, done: int, total: int) -> None:
        if name not in BUILD_PHASES:
            return
        if "bar" not in shown and time.perf_counter() - began > PROGRESS_AFTER:
            from kgraph.cli import render

            shown["bar"] = render.build_progress()
        bar = shown.get("bar")
        if bar is not None:
            bar.step(BUILD_PHASES[name], event, done, total)  # type: ignore[attr-defined]

    timing.listener = listen
    try:
        yield
    finally:
        timing.listener = None
        if "bar" in shown:
            shown["bar"].close()  # type: ignore[attr-defined]
        if enabled:
            for name, seconds in timing.PHASES:
                say(f"time: {name:<22} {seconds * 1000:9.1f} ms")
            say(f"time: {'total':<22} {(time.perf_counter() - began) * 1000:9.1f} ms")


#: A build that has run this long (seconds) starts showing its progress on stderr.
PROGRESS_AFTER = 1.0
#: The phases of a cache build the progress display names (timing.phase names -> what it shows).
BUILD_PHASES = {
    "entities": "reading entities",
    "relations": "reading and checking relations",
    "checks across files": "checking across files",
    "entity graph": "writing the entity graph",
    "load store": "loading the store",
    "delta": "changing the store",
    "copy store": "copying the last store",
    "count": "counting triples",
    "write cache": "writing the cache",
}


def check_timeout(seconds: float | None) -> None:
    """--timeout must be a finite number of seconds above 0 (``inf`` or ``nan`` cannot be waited for)."""
    import math

    if seconds is not None and not (seconds > 0 and math.isfinite(seconds)):
        raise typer.BadParameter("must be a finite number of seconds above 0", param_hint="--timeout")
