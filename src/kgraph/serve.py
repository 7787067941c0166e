"""A read-only SPARQL endpoint over the compiled graph, served by Oxigraph's own server.

kgraph writes the graph into a fresh Oxigraph store (``oxigraph load``) in a temporary folder and
runs ``oxigraph serve-read-only`` on it, on a private loopback port; the folder goes when the server
stops. Clients reach it through kgraph's front (hostguard.py), which refuses requests whose ``Host``
is not the server's own address (DNS rebinding). The ``oxigraph`` package from PyPI ships the
binary: ``pip install 'kgraph[server]'``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kgraph.deadline import die_with_parent
from kgraph.errors import ServerError
from kgraph.hostguard import Front, allowed_hosts

INSTALL_HINT = "install it with: pip install 'kgraph[server]' (the oxigraph package ships the server)"
READY_WAIT = 30.0
FOLDER_PREFIX = "kgraph-serve-"


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: beside this Python first (a venv's bin/), then on PATH."""
    names = ("oxigraph.exe", "oxigraph") if os.name == "nt" else ("oxigraph",)
    folders = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    for folder in folders:
        for name in names:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServerError(f"the oxigraph server is not installed; {INSTALL_HINT}")


def load_store(binary: str, location: str, ntriples: bytes) -> None:
    """Fill an Oxigraph store folder with N-Triples, using the server's own loader."""
    from kgraph.formats import GRAPH, get

    nt = get("nt", (GRAPH,)).media_type  # Oxigraph's loader takes the registry's media type
    done = subprocess.run(
        [binary, "load", "--location", location, "--format", nt], input=ntriples, capture_output=True, timeout=600
    )
    if done.returncode != 0:
        raise ServerError("oxigraph could not load the graph: " + done.stderr.decode("utf-8", "replace").strip()[-500:])


@dataclass
class Running:
    """A started server: where it listens, and its process."""

    url: str
    process: subprocess.Popen  # type: ignore[type-arg]


def _private_port() -> int:
    """A free loopback port for Oxigraph itself, which only the front talks to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(
    host: str,
    port: int,
    process: subprocess.Popen,  # type: ignore[type-arg]
    log: str,
    limit: float = READY_WAIT,
) -> None:
    """Poll the port until it accepts a connection, the process dies, or ``limit`` seconds pass."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log, encoding="utf-8", errors="replace") as handle:
                err = handle.read().strip()
            raise ServerError(
                f"oxigraph stopped at start (exit {process.returncode})" + (f": {err[-500:]}" if err else "")
            )
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise ServerError(f"oxigraph did not listen on {host}:{port} within {limit:g} s")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C so that the server and its folder are always cleaned up."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    ntriples: bytes,
    host: str = "127.0.0.1",
    port: int = 7878,
    cors: bool = False,
    timeout: float | None = None,
    on_ready: Callable[[Running], None] | None = None,
    allow_hosts: tuple[str, ...] = (),
) -> int:
    """Serve ``ntriples`` read-only until Ctrl-C or SIGTERM; return the server's exit code.

    Requests must name the server in their ``Host`` (its address or ``allow_hosts``); ``on_ready``
    is called once the port accepts connections.
    """
    from kgraph.cache import lock, remove_abandoned, unlock

    binary = oxigraph_binary()
    for name in os.listdir(tempfile.gettempdir()):  # the folders of servers that were killed
        if name.startswith(FOLDER_PREFIX):
            remove_abandoned(os.path.join(tempfile.gettempdir(), name))
    with tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX) as folder, _sigterm_as_interrupt():
        owner = lock(folder, exclusive=True, create=True)  # tells later servers this one lives
        try:
            front = Front(host, port, allowed_hosts(host, port, allow_hosts), ("127.0.0.1", _private_port()))
            try:
                return _serve_from(folder, binary, ntriples, front, cors, timeout, on_ready)
            finally:
                front.server_close()
        finally:
            unlock(owner)


def _serve_from(
    folder: str,
    binary: str,
    ntriples: bytes,
    front: Front,
    cors: bool,
    timeout: float | None,
    on_ready: Callable[[Running], None] | None,
) -> int:
    location = os.path.join(folder, "store")
    load_store(binary, location, ntriples)
    inner_host, inner_port = front.upstream
    command = [binary, "serve-read-only", "--location", location, "--bind", f"{inner_host}:{inner_port}"]
    if cors:
        command.append("--cors")
    if timeout:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    log = os.path.join(folder, "server.log")
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
    worker = threading.Thread(target=front.serve_forever, name="kgraph-serve-front", daemon=True)
    try:
        wait_until_listening(inner_host, inner_port, process, log)
        worker.start()
        if on_ready:
            on_ready(Running(f"{front.url}/query", process))
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if worker.is_alive():
            front.shutdown()
        _stop(process)


def _stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
