"""Proof that local work stays local: block every socket connection while a guard is active.

Uses a Python audit hook, so it covers rdflib, urllib, http.client and anything else
that opens a socket from Python, without patching them.
"""

from __future__ import annotations

import contextlib
import sys
from contextvars import ContextVar

from kgraph.errors import NetworkBlocked

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

_blocked: ContextVar[str | None] = ContextVar("kgraph_network_blocked", default=None)
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    reason = _blocked.get()
    if reason and event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        target = args[1] if event == "socket.connect" and len(args) > 1 else args[0] if args else "?"
        raise NetworkBlocked(f"refused a network connection to {target!r}: {reason}")


@contextlib.contextmanager
def no_network(reason: str) -> Iterator[None]:
    """Within this block, any attempt to connect raises NetworkBlocked."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
    token = _blocked.set(reason)
    try:
        yield
    finally:
        _blocked.reset(token)
