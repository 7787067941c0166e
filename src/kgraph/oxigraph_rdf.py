"""Oxigraph's side of RDF output, apart from engine.py so that export/rdf.py can use it without
importing the engines (engine.py writes through export/rdf.py: the two imported each other).

``TripleGraph``: a CONSTRUCT or DESCRIBE answer from Oxigraph. Which formats Oxigraph writes is
the registry's to say (``kgraph.formats.Format.oxigraph``), not a table here.
"""

from __future__ import annotations

from kgraph.errors import KgraphError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import IO

    from rdflib import Graph

    from kgraph.formats import Format


class TripleGraph:
    """CONSTRUCT/DESCRIBE answers from Oxigraph, written by the registry's graph writers.

    Kept as N-Triples bytes, so the answer can cross a process boundary (``--timeout``).
    """

    def __init__(self, data: bytes, prefixes: dict[str, str]) -> None:
        self.data = data
        self.prefixes = prefixes

    def __len__(self) -> int:
        return self.data.count(b"\n")

    def write_rdf(self, fmt: Format, out: IO[bytes], prefixes: dict[str, str]) -> None:
        """The answer in ``fmt``, one the registry says Oxigraph writes (``fmt.oxigraph``)."""
        import pyoxigraph

        if fmt.oxigraph is None:
            raise KgraphError(f"Oxigraph does not write {fmt.name} for kgraph; rdflib does")
        if fmt.oxigraph == "N_TRIPLES":
            out.write(self.data)
            return
        triples = pyoxigraph.parse(self.data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        out.write(
            pyoxigraph.serialize(triples, format=getattr(pyoxigraph.RdfFormat, fmt.oxigraph), prefixes=self.prefixes)
            or b""
        )

    def rdflib_graph(self) -> Graph:
        """The answer as an rdflib Graph, for the formats rdflib writes (JSON-LD with a context)."""
        from rdflib import Graph

        return Graph().parse(data=self.data, format="nt")
