"""RDF serialisations through rdflib; N-Triples sorted so that output is byte-stable."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from kgraph.vocab import PREFIXES

if TYPE_CHECKING:
    from kgraph.store import Project

_RDFLIB_NAMES = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


def ntriples(project: Project) -> bytes:
    """The compiled graph as sorted N-Triples (what ``push`` and ``serve`` send)."""
    lines = sorted(project.graph().serialize(format="nt", encoding="utf-8").splitlines(keepends=True))
    return b"".join(line for line in lines if line.strip())


def write(project: Project, out: IO[bytes], fmt: str) -> None:
    graph = project.graph()
    if fmt == "nt":
        out.write(ntriples(project))
        return
    options: dict[str, object] = {}
    if fmt == "jsonld":
        # An inline context only: never a remote one.
        options = {"context": {**PREFIXES, "kgr": project.base}, "auto_compact": True}
    out.write(graph.serialize(format=_RDFLIB_NAMES[fmt], encoding="utf-8", **options))
