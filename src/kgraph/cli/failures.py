"""Failures that are the machine's or the input's, not kgraph's bugs: shared by the Typer
application and the fast path, so both word them alike. Cheap to import (no Typer)."""

from __future__ import annotations

import sys


def silence_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit does not fail on the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing to flush
        pass


def known_failure(exc: BaseException) -> Exception | None:
    """An exception that is not a bug but the machine's or the input's, as a one-line error:
    stdout on a full disk (``-o`` files are named by atomic.py), text that is not UTF-8."""
    from kgraph.errors import not_utf8, write_failure

    if isinstance(exc, OSError):
        failure = write_failure(exc, "to stdout")
        if failure is not None:
            silence_stdout()  # the interpreter's last flush would fail again
        return failure
    if isinstance(exc, UnicodeEncodeError):
        return not_utf8(exc)
    return None
