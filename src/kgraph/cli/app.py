"""The console-script entry point: the query fast path first, else the Typer application.

Importing this module is cheap on purpose (no Typer): ``kgraph query NAME -f csv`` on a warm
cache is answered by ``fastquery`` without loading Typer/Click (about 60 ms per call). Everything
else goes to ``typer_app``; its names (``app``, ``KgraphGroup``...) are reachable from here too.
"""

from __future__ import annotations

import sys

from kgraph.cli.exitcodes import EXIT_ERROR

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import Any


def whole_writes_to_stdout() -> None:
    """Make every write to stdout complete or raise: CPython's buffered writer reports a big write
    that the pipe's reader cut short as a short count, not as BrokenPipeError, so ``export -f jsonld
    | head`` or ``timeline | head`` ended with exit 0 and silently lost the rest."""
    import io
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests): leave it be
        return

    class WholeWrites(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def fileno(self) -> int:
            return fd

        def isatty(self) -> bool:
            return os.isatty(fd)

        def write(self, data: Any) -> int:
            view = memoryview(data).cast("B")
            done = 0
            while done < len(view):  # os.write raises BrokenPipeError once the reader is gone
                done += os.write(fd, view[done:])
            return done

    old = sys.stdout
    old.flush()
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(WholeWrites()),
        encoding=old.encoding,
        errors=old.errors,
        line_buffering=bool(old.line_buffering),
    )


def main() -> None:
    """Console-script entry point."""
    from kgraph.cli import fastquery

    whole_writes_to_stdout()
    code: Any = fastquery.run(sys.argv[1:])
    if code is None:
        from kgraph.cli.typer_app import app

        try:
            app()
        except SystemExit as exc:
            code = exc.code
    leave(code)


def leave(code: Any) -> None:
    """Exit with ``code``, without waiting for a query still evaluating in native code (after
    Ctrl-C or a closed pipe): interpreter shutdown would wait on it, or race with it."""
    deadline = sys.modules.get("kgraph.deadline")
    if deadline is not None and deadline.evaluating():
        import os

        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(code if isinstance(code, int) else 0 if code is None else EXIT_ERROR)
    sys.exit(code)


def __getattr__(name: str) -> Any:
    """``from kgraph.cli.app import app`` (tests, older callers) loads the Typer application."""
    if name.startswith("__"):
        raise AttributeError(name)
    from kgraph.cli import typer_app

    try:
        return getattr(typer_app, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
