"""Where commands get the compiled graph from: load, validate and compile a data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgraph.load import load
from kgraph.model import Dataset
from kgraph.vocab import DEFAULT_BASE, PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.entitygraph import EntityGraph


@dataclass
class Project:
    """A data folder and the settings that shape its graph."""

    data_dir: str = "data"
    base: str = DEFAULT_BASE
    queries_dir: str | None = None

    @property
    def query_folder(self) -> str:
        """Named queries live beside the data folder (``data/`` -> ``queries/``) unless set."""
        if self.queries_dir:
            return self.queries_dir
        parent = os.path.dirname(os.path.abspath(self.data_dir))
        return os.path.join(parent, "queries")

    @property
    def prefixes(self) -> dict[str, str]:
        """The standard prefixes plus ``kgr:`` for this project's entities."""
        return {**PREFIXES, "kgr": self.base}

    def dataset(self) -> Dataset:
        """The validated records; raises DataError with every problem."""
        if not hasattr(self, "_dataset"):
            self._dataset = load(self.data_dir)
        return self._dataset

    def graph(self) -> Graph:
        """The compiled RDF graph of the data folder."""
        from kgraph.compile import compile_graph

        if not hasattr(self, "_graph"):
            self._graph = compile_graph(self.dataset(), self.base)
        return self._graph

    def entity_graph(self) -> EntityGraph:
        """Entities and relations as a graph for paths and exports."""
        from kgraph.entitygraph import EntityGraph

        if not hasattr(self, "_entity_graph"):
            self._entity_graph = EntityGraph.from_rdf(self.graph(), self.base)
        return self._entity_graph
