"""What every command shares: the project chosen by the global options, and output helpers."""

from __future__ import annotations

import contextlib
import sys
from typing import IO, Iterator

import typer

from kgraph.store import Project


def project(ctx: typer.Context) -> Project:
    """The Project configured by the global options (--data, --base)."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Project)
    return obj


@contextlib.contextmanager
def output(path: str | None, binary: bool = False) -> Iterator[IO]:  # type: ignore[type-arg]
    """stdout when ``path`` is None or '-', else an atomically written file."""
    if path is None or path == "-":
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return
    from kgraph.atomic import atomic_output

    with atomic_output(path, binary=binary) as handle:
        yield handle


def say(message: str) -> None:
    """Talk to the user on stderr (stdout is for data)."""
    typer.echo(message, err=True)
