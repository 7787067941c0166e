"""Run a query under a time limit, whatever engine evaluates it.

The work runs in a forked child process that streams its rows back through a pipe, so the
limit holds even for native engines that never hand control back to Python (a signal
could not interrupt them), and the rows still arrive one batch at a time, never all at once.
Where ``fork`` is unavailable (Windows) the work runs here and a timer interrupts it,
which stops pure-Python engines such as rdflib.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable, Iterator

from kgraph.errors import KgraphError, QueryError, QueryTimeout
from kgraph.results import QueryResult, Row

_BATCH = 500


def run_limited(work: Callable[[], QueryResult], seconds: float | None, isolate: bool = False) -> QueryResult:
    """Evaluate ``work()`` and deliver its whole answer within ``seconds``, or raise QueryTimeout.

    The limit covers evaluation and the delivery of every row (rows are read lazily); None means
    no limit. With ``isolate`` the child first cuts itself off the network (kgraph.sandbox), and
    where it cannot, the query is refused rather than run in the open.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        if isolate:
            from kgraph.sandbox import refused

            raise refused("no fork on this system")
        return work() if seconds is None else _run_here(work, seconds)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, work, isolate), daemon=True)
    child.start()
    sender.close()
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        head = _receive(receiver, child, deadline, seconds)
        if head[0] == "error":
            raise head[1]
        _tag, kind, variables, boolean, graph = head
    except BaseException:
        _stop(child, receiver)
        raise
    if kind != "SELECT":
        _stop(child, receiver)
        return QueryResult(kind, variables, boolean=boolean, graph=graph)
    return QueryResult(kind, variables, _stream(receiver, child, deadline, seconds))


def _child(sender: Any, work: Callable[[], QueryResult], isolate: bool = False) -> None:
    """In the child: evaluate, then send a head, batches of rows and an end mark."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C is the parent's business
    try:
        if isolate:
            from kgraph.sandbox import SandboxUnavailable, isolate as cut_off, refused

            try:
                cut_off()
            except SandboxUnavailable as exc:
                raise refused(str(exc)) from None
        result = work()
        sender.send(("head", result.kind, result.variables, result.boolean, result.graph))
        batch: list[Row] = []
        for row in result.rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                sender.send(("rows", batch))
                batch = []
        sender.send(("rows", batch))
        sender.send(("end",))
    except KgraphError as exc:
        _send_error(sender, exc)
    except Exception as exc:
        _send_error(sender, QueryError(f"query failed: {exc}"))
    finally:
        sender.close()


def _send_error(sender: Any, exc: KgraphError) -> None:
    try:
        sender.send(("error", exc))
    except Exception:  # an exception that does not pickle: keep its message
        sender.send(("error", QueryError(str(exc))))


def _receive(receiver: Any, child: Any, deadline: float | None, seconds: float | None) -> tuple[Any, ...]:
    if deadline is not None and not receiver.poll(max(0.0, deadline - time.monotonic())):
        raise QueryTimeout(seconds or 0.0)
    try:
        message: tuple[Any, ...] = receiver.recv()
    except EOFError:
        child.join(1)
        raise QueryError(f"the query process ended unexpectedly (exit code {child.exitcode})") from None
    return message


def _stream(receiver: Any, child: Any, deadline: float | None, seconds: float | None) -> Iterator[Row]:
    try:
        while True:
            message = _receive(receiver, child, deadline, seconds)
            if message[0] == "end":
                return
            if message[0] == "error":
                raise message[1]
            yield from message[1]
    finally:
        _stop(child, receiver)


def _stop(child: Any, receiver: Any) -> None:
    """End the child (at once if it is still working) and release the pipe."""
    if child.is_alive():
        child.kill()
    child.join()
    with contextlib.suppress(OSError):
        receiver.close()


def _run_here(work: Callable[[], QueryResult], seconds: float) -> QueryResult:  # pragma: no cover
    """Fallback without fork: a timer interrupts the main thread; rows are read within the limit."""
    import _thread
    import threading

    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        _thread.interrupt_main()

    timer = threading.Timer(seconds, interrupt)
    timer.start()
    try:
        result = work()
        rows = list(result.rows)
    except KeyboardInterrupt:
        if fired.is_set():
            raise QueryTimeout(seconds) from None
        raise
    finally:
        timer.cancel()
    return QueryResult(result.kind, result.variables, rows, result.boolean, result.graph)
