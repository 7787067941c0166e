"""Shared test helpers: run the CLI as a user would, and build small data folders."""

from __future__ import annotations

import shutil
import socket
import textwrap
import threading
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from kgraph.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MINI = Path(__file__).resolve().parent / "data" / "mini"


class Run:
    """The outcome of one CLI invocation."""

    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.code: int = result.exit_code
        self.out: str = result.stdout
        self.out_bytes: bytes = result.stdout_bytes
        self.err: str = result.stderr
        self.exception = result.exception

    def __repr__(self) -> str:
        return f"<Run code={self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def run_cli(*args: str, data: Path | str | None = MINI, input: str | None = None) -> Run:
    """Invoke ``kgraph [--data DATA] ARGS`` in-process and capture stdout and stderr apart."""
    argv = (["--data", str(data)] if data is not None else []) + list(args)
    result = CliRunner().invoke(app, argv, input=input, catch_exceptions=True)
    run = Run(result)
    assert "Traceback" not in run.err, run
    return run


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_repo(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled graphs go to a temporary folder, not beside tests/data."""
    import os

    os.environ.setdefault("KGRAPH_CACHE", str(tmp_path_factory.mktemp("kgraph-cache")))


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[..., Path]:
    """Write a data folder with the mini source text and the given YAML (dedented)."""

    def make(entities: str | None = None, relations: str | None = None) -> Path:
        folder = tmp_path / "data"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(MINI, folder)
        if entities is not None:
            (folder / "entities.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
        if relations is not None:
            (folder / "relations.yaml").write_text(textwrap.dedent(relations), encoding="utf-8")
        return folder

    return make


class RecordingServer:
    """A local TCP port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def recorder():
    server = RecordingServer()
    yield server
    server.close()


def readme_example(command: str) -> str:
    """The output the README shows under ``$ COMMAND`` in a ```text block (examples the README test
    cannot run as they stand: they need files a test makes first)."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        if block.startswith(f"$ {command}\n"):
            return block[len(command) + 3:]
    raise AssertionError(f"the README shows no example of: {command}")
