"""Oxigraph's side of RDF output, apart from engine.py so that export/rdf.py can use it without
importing the engines (engine.py writes through export/rdf.py: the two imported each other).

``OXIGRAPH_FORMATS``: the formats Oxigraph writes; ``TripleGraph``: a CONSTRUCT or DESCRIBE answer
from Oxigraph.
"""

from __future__ import annotations

#: Formats each engine writes; Oxigraph has no JSON-LD compaction with a context, so rdflib keeps it.
OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML"}


class TripleGraph:
    """CONSTRUCT/DESCRIBE answers from Oxigraph, serialisable like an rdflib Graph.

    Kept as N-Triples bytes, so the answer can cross a process boundary (``--timeout``).
    """

    _FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "jsonld": "JSON_LD"}

    def __init__(self, data: bytes, prefixes: dict[str, str]) -> None:
        self.data = data
        self.prefixes = prefixes

    def __len__(self) -> int:
        return self.data.count(b"\n")

    def serialize(self, format: str = "turtle") -> bytes:
        """The answer in turtle, nt, jsonld or xml (kgraph's format names), as UTF-8."""
        import pyoxigraph

        if format == "nt":
            return self.data
        triples = pyoxigraph.parse(self.data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        fmt = getattr(pyoxigraph.RdfFormat, self._FORMATS[format])
        return pyoxigraph.serialize(triples, format=fmt, prefixes=self.prefixes) or b""
