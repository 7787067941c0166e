"""Where commands get the compiled graph from: load, validate and compile a data folder.

``Project`` is the one seam: ``dataset()`` (records), ``graph()`` (an rdflib Graph, for exports
rdflib writes), ``store(operation)`` (an engine answering queries), ``entity_graph()`` (paths).
The store and the entity graph come from the compiled-graph cache (cache.py) when it is current.
"""

from __future__ import annotations

import os

from kgraph.timing import phase
from kgraph.vocab import DEFAULT_BASE, PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable

    from rdflib import Graph

    from kgraph.cache import Compiled
    from kgraph.engine import Engine
    from kgraph.entitygraph import EntityGraph
    from kgraph.errors import Problem
    from kgraph.model import Dataset
    from kgraph.query import PreparedQuery
    from kgraph.results import QueryResult, Term
    from kgraph.statement import Statement
    from kgraph.vocabulary import Vocabulary


class Project:
    """A data folder and the settings that shape its graph.

    ``engine``: "oxigraph" or "rdflib" for every operation; None picks the measured default per
    operation. ``cache_dir``: where compiled graphs are kept; None means $KGRAPH_CACHE or
    .kgraph-cache/ beside the data. ``notify`` hears what the user should know although nothing
    failed (a damaged cache being rebuilt).
    """

    def __init__(
        self,
        data_dir: str = "data",
        base: str = DEFAULT_BASE,
        queries_dir: str | None = None,
        engine: str | None = None,
        cache_dir: str | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.data_dir, self.base, self.queries_dir = data_dir, base, queries_dir
        self.engine, self.cache_dir, self.notify = engine, cache_dir, notify

    def __repr__(self) -> str:
        return (
            f"Project(data_dir={self.data_dir!r}, base={self.base!r}, queries_dir={self.queries_dir!r}, "
            f"engine={self.engine!r}, cache_dir={self.cache_dir!r})"
        )

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

    def vocabulary(self) -> Vocabulary:
        """The project's types and predicates: the data folder's vocabulary.yaml, or core without one.

        Raises DataError with every problem of the vocabulary file.
        """
        from kgraph.vocabulary import Vocabulary, load_vocabulary

        if not hasattr(self, "_vocabulary"):
            # A current cache entry holds the vocabulary it was built with (its key covers the
            # vocabulary files), so warm commands read no YAML.
            compiled = getattr(self, "_compiled", None)
            plain = compiled.manifest.get("vocabulary") if compiled is not None else None
            self._vocabulary = Vocabulary.from_plain(plain) if plain else load_vocabulary(self.data_dir)
        return self._vocabulary

    def dataset(self) -> Dataset:
        """The validated records; raises DataError with every problem."""
        from kgraph.load import load

        if not hasattr(self, "_dataset"):
            from kgraph import anchors

            with phase("load and validate"):
                self._dataset = load(self.data_dir, self.vocabulary(), anchors.read(self.data_dir, self.cache_dir))
        return self._dataset

    def counts(self) -> tuple[int, int]:
        """How many entities and relations: as the cache entry records them when there is one (no
        records loaded), else from the records."""
        manifest = getattr(getattr(self, "_compiled", None), "manifest", None) or {}
        if isinstance(manifest.get("entities"), int) and isinstance(manifest.get("relations"), int):
            return manifest["entities"], manifest["relations"]
        dataset = self.dataset()
        return len(dataset.entities), len(dataset.relations)

    def record_anchors(self) -> list[Problem]:
        """Record where every quote stands now, for the next validation to compare with; return
        the quotes a changed source text moved since the last record (said once, then accepted).

        After build(), when no source text changed since the last record, nothing moved and the
        record is written from the cache entry's parts, one data file at a time: a million
        relations are never loaded at once. Otherwise the records are loaded and compared.
        """
        from kgraph import anchors, incremental
        from kgraph.timing import gc_paused

        compiled = getattr(self, "_compiled", None)
        manifest = compiled.manifest if compiled is not None and not hasattr(self, "_dataset") else {}
        sources = manifest.get("sources")
        gathered = getattr(self, "_quotes", None)
        if isinstance(sources, dict) and isinstance(manifest.get("parts"), list):
            recorded = anchors.read(self.data_dir, self.cache_dir) or {}
            last = recorded.get("sources") or {}
            if not any(
                isinstance(last.get(p), dict) and last[p].get("sha256") != s["sha256"] for p, s in sources.items()
            ):
                key = manifest.get("key")
                if gathered is not None and getattr(self, "_quotes_made", False):
                    gathered.commit(sources, key)  # this process built the entry: its quotes are gathered
                    return []
                if key and recorded.get("entry") == key:
                    return []  # recorded from this very entry already
                try:  # the entry was current: its parts hold the places
                    with gc_paused():
                        quotes = incremental.recorded_quotes(self.data_dir, self.cache_dir, manifest)
                        anchors.write_quotes(self.data_dir, sources, quotes, self.cache_dir, key)
                    return []
                except incremental._MissingPart:
                    pass
        if gathered is not None:
            gathered.discard()
        dataset = self.dataset()
        anchors.write(self.data_dir, dataset, self.cache_dir)
        return list(dataset.moved)

    def graph(self) -> Graph:
        """The compiled RDF graph of the data folder, as an rdflib Graph."""
        from kgraph.compile import compile_graph

        if not hasattr(self, "_graph"):
            dataset = self.dataset()
            with phase("compile (rdflib)"):
                self._graph = compile_graph(dataset, self.base)
        return self._graph

    def cached(self) -> Compiled | None:
        """The current cache entry if there is one, never building one (the fast path's question)."""
        from kgraph import cache

        if getattr(self, "_compiled", None) is None:
            found = cache.find(self.data_dir, self.base, self.cache_dir)
            if found is None:
                return None
            self._compiled: Compiled | None = found
        return self._compiled

    def compiled(self, rebuild: bool = False, verify: bool = False) -> Compiled | None:
        """The current cache entry, built (and validated) when missing, stale or damaged.

        ``verify`` re-reads every byte of the entry against its checksums. None when the cache
        folder cannot be written; callers then compile in memory.
        """
        from kgraph import cache

        if hasattr(self, "_compiled") and not (rebuild or verify):
            return self._compiled
        last: Compiled | None = getattr(self, "_compiled", None)
        if last is not None:
            last.release()  # a rebuild may replace its entry now
        found = None if rebuild else cache.find(self.data_dir, self.base, self.cache_dir, verify, self.notify)
        if found is None:
            found = self._build()
        self._compiled = found
        return found

    def build(self) -> int:
        """Compile the graph into the cache, or check every byte of the entry already there;
        return its triple count."""
        from kgraph.engine import choose

        if choose("build", self.engine) == "oxigraph":
            from kgraph import anchors

            # The quotes' places, gathered as the build reads each file; record_anchors() keeps them.
            self._quotes: anchors.RecordWriter | None = anchors.RecordWriter(self.data_dir, self.cache_dir)
            self._quotes_made = False
            try:
                self.compiled(verify=True)
            except BaseException:
                self._quotes.discard()
                raise
        return self.triple_count("build")

    def statements(self) -> list[Statement]:
        """Every relation's compiled statement, in file order: derived once, then projected to
        triples (compile.py) and to the entity graph's edges."""
        if not hasattr(self, "_statements"):
            from kgraph.statement import statements

            self._statements = statements(self.dataset(), self.base)
        return self._statements

    def _build(self) -> Compiled | None:
        """A new cache entry, made file by file from what the last builds left (incremental.py);
        None when the cache folder cannot be written."""
        from kgraph import anchors, incremental

        record = getattr(self, "_quotes", None)
        try:
            found = incremental.build(
                self.data_dir,
                self.base,
                self.vocabulary(),
                self.cache_dir,
                anchors.read(self.data_dir, self.cache_dir),
                self.notify,
                getattr(self, "_dataset", None),
                record,
            )
        except OSError:
            return None
        self._quotes_made = record is not None
        return found

    def engine_for(self, operation: str = "query") -> Engine:
        """An engine holding the graph: Oxigraph from the cache, or rdflib (``--engine``)."""
        from kgraph.engine import OxigraphEngine, RdflibEngine, choose

        if choose(operation, self.engine) == "rdflib":
            return RdflibEngine(self.graph())
        compiled = self.compiled()
        if compiled is not None:
            from kgraph.errors import StoreUnreadable

            try:
                return OxigraphEngine(compiled.open_store())
            except StoreUnreadable as unreadable:
                if self.notify:
                    self.notify(f"{unreadable}; rebuilding it")
                compiled = self.compiled(rebuild=True)
                if compiled is not None:
                    return OxigraphEngine(compiled.open_store())
        import pyoxigraph

        from kgraph.compile import ntriples_chunks

        with phase("load store (memory)"):
            store = pyoxigraph.Store()
            store.bulk_load(
                b"".join(ntriples_chunks(self.dataset(), self.base, records=self.statements())),
                pyoxigraph.RdfFormat.N_TRIPLES,
            )
        return OxigraphEngine(store)

    def run(
        self,
        query: PreparedQuery,
        *,
        timeout: float | None = None,
        allow_network: bool = False,
        endpoint: str | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> QueryResult:
        """Answer ``query`` on this project's graph, or on the SPARQL ``endpoint`` if one is given.

        In this order, so that a mistake costs no build: the text is checked (syntax as the engine
        reads it, read-only, local unless ``allow_network``) and the parameter names; ``warn``
        hears of ``kg:`` terms the vocabulary lacks; only then are entity parameters resolved
        (which needs the graph) and the query run. Parameters are bound by the engine (rdflib's
        initial bindings, Oxigraph's substitutions); a remote store gets a VALUES block.
        ``timeout``: seconds for the whole answer (an endpoint: remote.DEFAULT_TIMEOUT without one).
        Errors in the query's text name its file (``queries/x.rq:4:6``, ``<query>:1:8``).
        """
        from kgraph.errors import QueryError
        from kgraph.query import vocabulary_warnings

        prefixes = self.prefixes
        query.preflight("remote" if endpoint is not None else self.engine, allow_network, prefixes)
        terms = self.declared_terms if endpoint is None else self._derived_terms
        for warning in vocabulary_warnings(query.text, terms, prefixes):
            if warn is not None:
                warn(warning)
        bindings = self.bindings(query)
        if endpoint is not None:
            from kgraph import remote, sparqlscan
            from kgraph.params import splice

            text = splice(query.text, bindings).text if bindings else query.text
            return remote.query(
                endpoint,
                remote.with_prefixes(text, prefixes),
                remote.DEFAULT_TIMEOUT if timeout is None else timeout,
                graph=sparqlscan.operation(query.text) in ("CONSTRUCT", "DESCRIBE"),
            )
        try:
            return self.engine_for("query").query(query.text, allow_network, prefixes, timeout, bindings)
        except QueryError as exc:
            if exc.line is None:  # a failure of the run, not of the text
                raise
            raise query.locate(exc) from None

    def declared_terms(self) -> frozenset[str]:
        """The ``kg:`` local names the project's ontology declares (what a query may name there).

        From the cache entry when it is current (the build wrote them into its manifest); derived
        from the vocabulary otherwise, which means reading its YAML and importing the compiler:
        about 40 ms, more than Oxigraph takes to answer a short query."""
        from kgraph.engine import choose

        if choose("query", self.engine) == "oxigraph":
            found = self.cached()
            terms = found.declared_terms() if found is not None else None
            if terms is not None:
                return terms
        return self._derived_terms()

    def _derived_terms(self) -> frozenset[str]:
        from kgraph.compile import declared_terms

        return declared_terms(self.vocabulary())

    def bindings(self, query: PreparedQuery) -> dict[str, Term]:
        """The query's parameter values as terms; entities are looked up (this needs the graph)."""
        if not query.values:
            return {}
        from kgraph.params import terms
        from kgraph.vocab import entity_iri

        return terms(
            query.text, query.values, lambda name: entity_iri(self.base, self.entity_graph().resolve(name, query.at).id)
        )

    def triple_count(self, operation: str = "build") -> int:
        """How many triples the graph holds (from the cache's manifest when it is current)."""
        from kgraph.engine import choose

        if choose(operation, self.engine) == "oxigraph":
            compiled = self.compiled()
            if compiled is not None:
                return compiled.triples
        return self.engine_for(operation).count()

    def entity_graph(self) -> EntityGraph:
        """Entities and relations as a graph for paths and exports, from the cache when it is current."""
        if not hasattr(self, "_entity_graph"):
            from kgraph.entitygraph import EntityGraph
            from kgraph.timing import gc_paused

            found = self._cached_entity_graph()
            if found is None:
                with phase("build entity graph"), gc_paused():
                    found = EntityGraph.of(self.dataset(), self.statements())
            self._entity_graph = found
        return self._entity_graph

    def _cached_entity_graph(self) -> EntityGraph | None:
        """The entity graph kept in the current cache entry; an entry holding records of another
        schema (statement.SCHEMA) is rebuilt, never read into the wrong fields. None without a cache."""
        from kgraph.entitygraph import EntityGraph
        from kgraph.timing import gc_paused

        for rebuild in (False, True):
            compiled = self.compiled(rebuild=rebuild)
            if compiled is None:
                return None
            with gc_paused():
                with phase("load entity graph"):
                    payload = compiled.entity_records()
                with phase("build entity graph"):
                    found = EntityGraph.from_records(payload, self.vocabulary())
            if found is not None:
                return found
        return None
