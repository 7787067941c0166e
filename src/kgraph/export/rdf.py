"""RDF serialisations: Oxigraph writes Turtle, N-Triples and RDF/XML fast; rdflib writes JSON-LD.

N-Triples are sorted so that output is byte-stable, whichever engine writes them.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from kgraph.store import Project


def write(project: Project, out: IO[bytes], fmt: str) -> None:
    from kgraph.engine import OXIGRAPH_FORMATS, RdflibStore

    if fmt in OXIGRAPH_FORMATS:
        store = project.store("export")
    else:  # JSON-LD compacted with an inline context: rdflib's writer does it
        store = RdflibStore(project.graph())
    store.serialize(fmt, out, project.prefixes)
