"""Export formats, found through a small registry: a name maps to a module imported on first use."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol

from kgraph.errors import KgraphError

if TYPE_CHECKING:
    from kgraph.store import Project


class Writer(Protocol):
    def __call__(self, project: Project, out: IO[bytes], fmt: str) -> None: ...


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # kgraph.export.<module> defines write(project, out, fmt)
    suffixes: tuple[str, ...]
    description: str


FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("turtle", "rdf", (".ttl",), "Turtle (RDF 1.1)"),
    Format("nt", "rdf", (".nt",), "N-Triples, one triple per line, sorted"),
    Format("jsonld", "rdf", (".jsonld", ".json"), "JSON-LD with the project's prefixes as context"),
    Format("xml", "rdf", (".rdf", ".xml", ".owl"), "RDF/XML"),
    Format("graphml", "graphml", (".graphml",), "GraphML entity graph for Gephi, yEd and Cytoscape"),
]}


def format_for(path: str | None, fmt: str | None) -> Format:
    """The format named by ``fmt``, or guessed from the suffix of ``path``."""
    if fmt:
        if fmt not in FORMATS:
            raise KgraphError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
        return FORMATS[fmt]
    if not path or path == "-":
        raise KgraphError("writing to stdout needs --format (one of " + ", ".join(FORMATS) + ")")
    suffix = os.path.splitext(path)[1].lower()
    for candidate in FORMATS.values():
        if suffix in candidate.suffixes:
            return candidate
    raise KgraphError(f"cannot tell the format from '{suffix or path}'; give --format "
                      f"(one of {', '.join(FORMATS)})")


def write(project: Project, out: IO[bytes], fmt: Format) -> None:
    """Write the project's graph in ``fmt`` to a binary stream."""
    module = importlib.import_module(f"kgraph.export.{fmt.module}")
    module.write(project, out, fmt.name)
