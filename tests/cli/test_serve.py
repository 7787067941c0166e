"""kgraph serve: a read-only endpoint over the compiled graph, started and stopped as a user would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MINI, integration, run_cli
from servers import ORDERED, alive, assert_same_answers, free_port, oxigraph_binary, stop

pytestmark = [integration, pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")]
KGRAPH = [sys.executable, "-m", "kgraph"]


def start_serving(port: int, tmp: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    process = subprocess.Popen(
        [*KGRAPH, "--data", str(MINI), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # blocks until ready or failed; the server's own limit is 30 s
    assert line.startswith("serving "), line + process.stderr.read()
    return process


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:  # type: ignore[type-arg]
    port = free_port()
    process = start_serving(port, tmp_path)
    yield f"http://127.0.0.1:{port}/query", process
    stop(process)


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry))
    return found


def test_serve_answers_like_the_local_graph_and_stops_cleanly(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, process = served
    assert [p.name.startswith("kgraph-serve-") for p in tmp_path.iterdir()] == [True]
    for query in ORDERED:
        assert_same_answers(query, url, MINI)
    assert run_cli("query", "ASK { kgr:russia kg:signed kgr:treaty-1884 }", "--endpoint", url).out == "yes\n"
    server_pids = children(process.pid)
    assert len(server_pids) == 1
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and err.strip() == "stopped" and out == ""
    assert list(tmp_path.iterdir()) == []  # the store folder went with the server
    assert not alive(server_pids[0])


def test_serve_is_read_only_and_on_loopback(served) -> None:  # type: ignore[no-untyped-def]
    url, _process = served
    assert url.startswith("http://127.0.0.1:")
    store = url.replace("/query", "/store?default")
    request = urllib.request.Request(
        store,
        data=b"<http://a> <http://b> <http://c> .",
        method="POST",
        headers={"Content-Type": "application/n-triples"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (403, 405)
    push = run_cli("push", "--endpoint", url.replace("/query", "/store"))
    assert push.code == 1 and "The server is read-only" in push.err


def test_the_server_goes_when_kgraph_is_killed(served) -> None:  # type: ignore[no-untyped-def]
    _url, process = served
    server_pids = children(process.pid)
    assert len(server_pids) == 1
    process.kill()  # SIGKILL: no clean-up code runs in kgraph
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(server_pids[0]):
        time.sleep(0.1)
    assert not alive(server_pids[0])


def test_a_busy_port_is_a_clear_error(served) -> None:  # type: ignore[no-untyped-def]
    url, _process = served
    port = url.split(":")[2].split("/")[0]
    done = subprocess.run(
        [*KGRAPH, "--data", str(MINI), "serve", "--port", port], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use (choose another --port)\n"


def test_missing_server_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    import kgraph.serve

    monkeypatch.setattr(kgraph.serve.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(kgraph.serve.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    run = run_cli("serve", "--port", str(free_port()))
    assert run.code == 1
    assert run.err == (
        "error: the oxigraph server is not installed; install it with: "
        "pip install 'kgraph[server]' (the oxigraph package ships the server)\n"
    )


def test_a_killed_servers_folder_is_removed_by_the_next_server(tmp_path: Path) -> None:
    first = start_serving(free_port(), tmp_path)
    [folder] = tmp_path.glob("kgraph-serve-*")
    first.kill()  # SIGKILL: kgraph cannot remove its folder
    first.wait(timeout=10)
    assert folder.is_dir()
    second = start_serving(free_port(), tmp_path)
    try:
        assert not folder.exists()
        assert len(list(tmp_path.glob("kgraph-serve-*"))) == 1  # its own, while it serves
    finally:
        stop(second)
    assert list(tmp_path.glob("kgraph-serve-*")) == []


def raw_request(port: int, *requests: bytes) -> bytes:
    """Send raw HTTP requests on one connection and return everything the server sends back."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(b"".join(requests))
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def ask(host: bytes | None, close: bool = True) -> bytes:
    head = b"GET /query?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D HTTP/1.1\r\nAccept: application/sparql-results+json\r\n"
    return (
        head
        + (b"Host: " + host + b"\r\n" if host is not None else b"")
        + (b"Connection: close\r\n" if close else b"")
        + b"\r\n"
    )


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_requests_naming_another_host_are_refused(served) -> None:  # type: ignore[no-untyped-def]
    """DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends Host: evil.example:PORT."""
    url, _process = served
    port = int(url.split(":")[2].split("/")[0])
    for good in (b"127.0.0.1:%d" % port, b"localhost:%d" % port, b"LOCALHOST:%d" % port, b"[::1]:%d" % port):
        answer = raw_request(port, ask(good))
        assert status(answer) == 200 and b'"boolean":true' in answer.replace(b" ", b""), answer[:300]
    for bad in (b"evil.example:%d" % port, b"evil.example", b"127.0.0.1", b"127.0.0.1:1", b"localhost.:%d" % port):
        answer = raw_request(port, ask(bad))
        assert status(answer) == 403, (bad, answer[:300])
        assert b"boolean" not in answer
    assert status(raw_request(port, ask(None))) == 403  # no Host at all
    two = ask(b"127.0.0.1:%d" % port, close=False).replace(b"\r\n\r\n", b"\r\nHost: evil.example\r\n\r\n")
    assert status(raw_request(port, two)) == 403
    # Each request on a kept-alive connection is checked, not only the first.
    answer = raw_request(port, ask(b"127.0.0.1:%d" % port, close=False), ask(b"evil.example:%d" % port))
    assert answer.count(b"HTTP/1.1 200") == 1 and answer.count(b"HTTP/1.1 403") == 1
    assert answer.index(b"HTTP/1.1 200") < answer.index(b"HTTP/1.1 403")


def listening_addresses(pid: int) -> set[str]:
    """The local addresses of the TCP sockets process ``pid`` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.add(fields[1])
    return found


def test_kgraph_and_oxigraph_listen_on_loopback_only(served) -> None:  # type: ignore[no-untyped-def]
    _url, process = served
    [server] = children(process.pid)
    for pid in (process.pid, server):
        addresses = listening_addresses(pid)
        assert addresses and all(a.startswith("0100007F:") for a in addresses), (pid, addresses)


def test_allow_host_adds_a_name(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*KGRAPH, "--data", str(MINI), "serve", "--port", str(port), "--allow-host", "kg.example.org"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        assert process.stderr is not None
        assert process.stderr.readline().startswith("serving ")
        assert status(raw_request(port, ask(b"kg.example.org:%d" % port))) == 200
        assert status(raw_request(port, ask(b"other.example.org:%d" % port))) == 403
    finally:
        stop(process)


def test_allow_host_needs_a_name() -> None:
    run = run_cli("serve", "--port", str(free_port()), "--allow-host", "a b")
    assert run.code == 2 and "--allow-host" in run.err
