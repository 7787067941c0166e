"""Processes that stop: a query under a time limit, a query Ctrl-C can stop, work under a deadline.

``run_limited`` (``--timeout``): the work runs in a forked child process that streams its rows
back through a pipe, so the limit holds even for native engines that never hand control back to
Python (a signal could not interrupt them), and the rows still arrive one batch at a time, never
all at once. The child dies with its parent (SIGKILL included). Where ``fork`` is unavailable
(Windows) the work runs here and a timer interrupts it, which stops pure-Python engines such as
rdflib.

``run_interruptible`` (no limit): the work runs in a thread while the main thread waits, so Ctrl-C
is seen at once even while Oxigraph evaluates in native code (it releases the GIL).

``interrupt_after``: a deadline for pure-Python work in the main thread (path searches).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

from kgraph.errors import KgraphError, QueryError, QueryTimeout
from kgraph.results import QueryResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from kgraph.results import Row

_BATCH = 500
#: Rows per message from the worker thread, and messages waiting at most: a few hundred rows in flight.
_THREAD_BATCH, _THREAD_QUEUE = 32, 2
#: Worker threads still evaluating: the process must not wait for them when it leaves.
_WORKERS: set[threading.Thread] = set()


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
    child = ctx.Process(target=_child, args=(sender, work, os.getpid(), isolate), daemon=True)
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


def _child(sender: Any, work: Callable[[], QueryResult], parent: int, isolate: bool = False) -> None:
    """In the child: evaluate, then send a head, batches of rows and an end mark."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C is the parent's business
    _stay_with(parent)
    try:
        if isolate:
            from kgraph.errors import SandboxUnavailable
            from kgraph.sandbox import isolate as cut_off
            from kgraph.sandbox import refused

            try:
                cut_off()
            except SandboxUnavailable as exc:
                raise refused(str(exc)) from None
            _stay_with(parent)  # a change of credentials (the new user namespace) clears the setting
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


def _stay_with(parent: int) -> None:
    """Have the kernel kill this child when its parent dies, even by SIGKILL."""
    arm = die_with_parent(signal.SIGKILL)
    if arm:
        arm()
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


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
    return _unpack(lambda: _receive(receiver, child, deadline, seconds), lambda: _stop(child, receiver))


def _unpack(receive: Callable[[], tuple[Any, ...]], finish: Callable[[], None]) -> Iterator[Row]:
    """Rows from ``("rows", batch)`` messages up to ``("end",)``, or the error an ``("error", exc)``
    carries; ``finish()`` when done, stopped early or failed."""
    try:
        while True:
            message = receive()
            if message[0] == "end":
                return
            if message[0] == "error":
                raise message[1]
            yield from message[1]
    finally:
        finish()


def _stop(child: Any, receiver: Any) -> None:
    """End the child (at once if it is still working) and release the pipe."""
    if child.is_alive():
        child.kill()
    child.join()
    with contextlib.suppress(OSError):
        receiver.close()


def _run_here(work: Callable[[], QueryResult], seconds: float) -> QueryResult:  # pragma: no cover
    """Fallback without fork: a timer interrupts the main thread; rows are read within the limit."""
    with interrupt_after(seconds, lambda: QueryTimeout(seconds)):
        result = work()
        rows = list(result.rows)
    return QueryResult(result.kind, result.variables, rows, result.boolean, result.graph)


@contextlib.contextmanager
def interrupt_after(seconds: float | None, error: Callable[[], KgraphError]) -> Iterator[None]:
    """Stop pure-Python work in the main thread after ``seconds``, raising ``error()``.

    A timer interrupts the main thread as Ctrl-C would; a real Ctrl-C stays a KeyboardInterrupt.
    """
    if seconds is None:
        yield
        return
    import _thread

    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        _thread.interrupt_main()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if fired.is_set():
            raise error() from None
        raise
    finally:
        timer.cancel()


def run_interruptible(work: Callable[[], QueryResult]) -> QueryResult:
    """Evaluate ``work()`` in a worker thread and stream its rows here, so that Ctrl-C reaches
    the main thread at once (it waits on a queue) even while native code evaluates.

    The queue holds a few batches at most: rows are never all in memory. A consumer that stops
    early (Ctrl-C, a closed pipe) stops the worker at its next row; a worker still inside the
    engine is left behind, and ``evaluating()`` tells the entry point not to wait for it.
    """
    import contextvars
    import queue

    channel: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=_THREAD_QUEUE)
    stop = threading.Event()

    def put(message: tuple[Any, ...]) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def last(message: tuple[Any, ...]) -> None:
        # Out of the engine for good: the process may leave normally once this is read.
        _WORKERS.discard(threading.current_thread())
        put(message)

    def produce() -> None:
        try:
            result = work()
            head = ("head", result.kind, result.variables, result.boolean, result.graph)
            if result.kind != "SELECT":
                last(head)
                return
            if not put(head):
                return
            batch: list[Row] = []
            for row in result.rows:
                batch.append(row)
                if len(batch) >= _THREAD_BATCH:
                    if not put(("rows", batch)):
                        return
                    batch = []
            if put(("rows", batch)):
                last(("end",))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            # Without its traceback: the frames hold the engine's objects, which must be
            # released on this thread (pyoxigraph's solutions may not be dropped on another).
            last(("error", _bare(exc)))
        finally:
            _WORKERS.discard(threading.current_thread())

    worker = threading.Thread(target=contextvars.copy_context().run, args=(produce,), name="kgraph-query", daemon=True)
    _WORKERS.add(worker)
    worker.start()
    try:
        head = channel.get()
        if head[0] == "error":
            raise head[1]
    except BaseException:
        stop.set()
        raise
    _tag, kind, variables, boolean, graph = head
    if kind != "SELECT":
        stop.set()
        return QueryResult(kind, variables, boolean=boolean, graph=graph)
    return QueryResult(kind, variables, _unpack(channel.get, stop.set))


def _bare(exc: BaseException) -> BaseException:
    """``exc`` and the exceptions it chains, without their tracebacks."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return exc


def evaluating() -> bool:
    """Whether a query worker is still running (the process should leave without it)."""
    return any(worker.is_alive() for worker in _WORKERS)


def die_with_parent(sig: int) -> Callable[[], None] | None:
    """On Linux, a function that has the kernel send ``sig`` to the calling process when its
    parent dies (SIGKILL included): for a forked child, or a subprocess's ``preexec_fn``."""
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG

    return arm
