"""Where a command's output goes: data to stdout or to a file written atomically, talk to stderr.

Apart from context.py so that render.py (which writes rows) and context.py (which shows render's
progress bar) need not import each other."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO

import typer


@contextlib.contextmanager
def output(path: str | None, binary: bool = False, keep_out: str | list[str] | None = None) -> Iterator[IO]:  # type: ignore[type-arg]
    """stdout when ``path`` is None or '-', else an atomically written file (never inside the
    folder ``keep_out``, the data folder)."""
    if path is None or path == "-":
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return
    from kgraph.atomic import atomic_output

    with atomic_output(path, binary=binary, keep_out=keep_out) as handle:
        yield handle


def say(message: str) -> None:
    """Talk to the user on stderr (stdout is for data)."""
    from kgraph.errors import printable

    typer.echo(printable(message), err=True)
