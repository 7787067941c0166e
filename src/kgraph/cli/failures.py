"""How a command that ended in an exception is told to the user: ``failure`` is the one mapping from
exceptions to messages and exit codes, for the Typer application and the fast path alike. Cheap
to import (no Typer), and imports neither of them."""

from __future__ import annotations

import sys

from kgraph.cli.exitcodes import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_INTERRUPTED


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


def failure(exc: BaseException) -> tuple[list[str], int]:
    """What the user is told (lines for stderr, already printable) and the exit code, for an
    exception that ends a command: the one mapping, for the Typer path (KgraphGroup) and the fast
    path alike. An exception that is neither the input's nor the machine's is an internal error."""
    from kgraph.errors import DataError, KgraphError, error_line, printable

    if isinstance(exc, DataError):
        errors = sum(p.severity == "error" for p in exc.problems)
        return [printable(str(p)) for p in exc.problems] + [f"{errors} error(s) found"], EXIT_ERROR
    if isinstance(exc, KgraphError):
        return [printable(error_line(exc))], EXIT_ERROR
    if isinstance(exc, KeyboardInterrupt):
        return ["interrupted"], EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        silence_stdout()
        return [], EXIT_BROKEN_PIPE
    known = known_failure(exc)
    if known is not None:
        return [printable(f"error: {known}")], EXIT_ERROR
    return [printable(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")], EXIT_ERROR
