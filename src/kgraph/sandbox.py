"""Evaluate local queries where no network connection is possible.

Oxigraph answers ``SERVICE`` with its own Rust HTTP client, which Python's socket guard
(:mod:`kgraph.netguard`) cannot see, and pyoxigraph offers no option to turn that client off
(``Store.query`` has no service handler argument, up to 0.5 at least). So kgraph does not rely
on reading the query the way the engine does: a query that could name a service at all is
evaluated in a forked child that first moves into a new, empty network namespace
(``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, allowed to unprivileged users on Linux), where
no interface but a down loopback exists and every connection fails.

"Could name a service" errs on the side of caution: the text (with its ``\\u`` escapes decoded,
in case an engine decodes them before parsing) contains the letters ``service`` in any case,
anywhere, comments and strings included. Oxigraph reaches the network through ``SERVICE`` only
(``FROM`` names graphs of the store; ``LOAD`` is an update, refused before this point), so a text
without those letters cannot make it connect, and is answered in-process, at full speed.

Where namespaces are unavailable (not Linux, or user namespaces switched off), such a query is
refused with a message that says why, rather than evaluated in the open.
"""

from __future__ import annotations

import re

from kgraph.errors import QueryError, SandboxUnavailable

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _decode(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def may_reach_network(text: str) -> bool:
    """Whether ``text`` spells SERVICE anywhere (any case, escapes decoded): only then can Oxigraph connect."""
    return "service" in _ESCAPE.sub(_decode, text).lower()


def isolate() -> None:
    """Move this (single-threaded, forked) process into a new user and network namespace.

    Raises SandboxUnavailable when the kernel refuses. The user namespace maps the caller's own
    uid and gid, so files stay readable and writable as before; only the network is gone.
    """
    import ctypes
    import os
    import sys

    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable("network namespaces need Linux")
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        raise SandboxUnavailable(f"unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: {os.strerror(ctypes.get_errno())}")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
        except OSError:  # unmapped ids only change how owners are shown; the network is gone already
            pass


def refused(reason: str) -> SandboxUnavailable:
    """The message for a query that mentions SERVICE on a system without namespaces."""
    return SandboxUnavailable(
        "the query mentions SERVICE, and kgraph cannot evaluate it cut off from the network here "
        f"({reason}); local queries never reach the network: remove it, or pass --allow-network"
    )


def network_error(exc: Exception) -> QueryError:
    """An engine failure inside the sandbox: most likely the SERVICE call it could not make."""
    if not isinstance(exc, OSError):
        return QueryError(f"query failed: {exc}")
    return QueryError(
        f"query failed: {exc}; local queries run cut off from the network, so a SERVICE "
        "cannot be reached: pass --allow-network to permit it"
    )
