"""Two engines behind one interface: Oxigraph (fast, the default) and rdflib (the reference).

A store answers ``query(text) -> QueryResult``, ``count()`` and ``write_rdf(fmt, out)``. Both give
the same answers (tests/test_engines.py runs every named and benchmark query on both).
"""

from __future__ import annotations

import contextlib
import re

from kgraph.errors import KgraphError, QueryError
from kgraph.netguard import no_network
from kgraph.oxigraph_rdf import TripleGraph
from kgraph.results import QueryResult, Row, Term
from kgraph.vocab import PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import IO, Any, Protocol

    from rdflib import Graph

    from kgraph.formats import Format
ENGINES = ("oxigraph", "rdflib")
#: The engine each operation uses unless --engine says otherwise (chosen by docs/benchmarks.md).
DEFAULTS = {"query": "oxigraph", "export": "oxigraph", "build": "oxigraph"}
_XSD_STRING = PREFIXES["xsd"] + "string"
_LANG_STRING = PREFIXES["rdf"] + "langString"
_POSITION = re.compile(r"error at (\d+):(\d+): ")


if TYPE_CHECKING:

    class Engine(Protocol):
        """What commands need from an engine."""

        name: str

        def query(
            self,
            text: str,
            allow_network: bool = False,
            prefixes: dict[str, str] | None = None,
            timeout: float | None = None,
            bindings: dict[str, Term] | None = None,
        ) -> QueryResult: ...

        def count(self) -> int: ...

        def write_rdf(self, fmt: Format, out: IO[bytes], prefixes: dict[str, str]) -> None: ...


def choose(operation: str, override: str | None) -> str:
    """The engine for ``operation``: the user's --engine, else the measured default."""
    if override:
        if override not in ENGINES:
            raise KgraphError(f"unknown engine '{override}'; choose {' or '.join(ENGINES)}")
        return override
    return DEFAULTS.get(operation, "oxigraph")


def _no_phantom_group(rows: Iterable[Row]) -> Iterator[Row]:
    """Drop the one empty row rdflib gives for GROUP BY over no solutions (SPARQL: no groups, no rows)."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if first or second is not None:
        yield first
    if second is not None:
        yield second
        yield from iterator


def preflight(
    engine: str | None, text: str, allow_network: bool = False, prefixes: dict[str, str] | None = None
) -> None:
    """Preflight: check a query the way the chosen engine will read it, before any graph is built."""
    if choose("query", engine) == "rdflib":
        from kgraph.rdflib_query import prepare

        prepare(text, allow_network, prefixes)
    else:
        preflight_oxigraph(text, allow_network, prefixes)


class RdflibEngine:
    """rdflib's in-memory graph and SPARQL engine: slow on big graphs, the reference for answers."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def query(
        self,
        text: str,
        allow_network: bool = False,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        bindings: dict[str, Term] | None = None,
    ) -> QueryResult:
        """Answer ``text`` with ``bindings`` as rdflib's initial bindings (the text is not changed)."""
        from kgraph import sparqlscan
        from kgraph.rdflib_query import run

        result = run(self.graph, text, allow_network, prefixes, timeout, bindings)
        if result.kind == "SELECT" and "GROUP" in sparqlscan.keywords(text):
            result.rows = _no_phantom_group(result.rows)
        return result

    def count(self) -> int:
        return len(self.graph)

    def write_rdf(self, fmt: Format, out: IO[bytes], prefixes: dict[str, str]) -> None:
        """The graph in ``fmt``, by the registry's writer for rdflib graphs."""
        fmt.write()(self.graph, out, prefixes)

    def rdflib_graph(self) -> Graph:
        return self.graph


class OxigraphEngine:
    """An Oxigraph store (in memory or the on-disk cache), queried without importing rdflib."""

    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    def query(
        self,
        text: str,
        allow_network: bool = False,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        bindings: dict[str, Term] | None = None,
    ) -> QueryResult:
        """Answer ``text``; with ``timeout`` (seconds) the whole answer must arrive in time.

        ``bindings`` are Oxigraph's substitutions where it takes them (a projected variable, ASK,
        CONSTRUCT, DESCRIBE); for a variable outside the SELECT projection, which it refuses, a
        VALUES block is spliced in and its errors moved back to the user's columns.
        A query that could name a SERVICE runs cut off from the network (kgraph.sandbox) unless
        ``allow_network``: the preflight above gives the clear message, the sandbox the guarantee.
        """
        import functools

        from kgraph.deadline import run_interruptible, run_limited
        from kgraph.sandbox import may_reach_network

        refuse_unsafe(text, allow_network)
        isolate = not allow_network and may_reach_network(text)
        work = functools.partial(self._query, text, allow_network, prefixes, isolate, bindings or {})
        if timeout is None and not isolate:
            # Oxigraph's native loop never hands control back to Python: a thread evaluates, so
            # that Ctrl-C is seen at once.
            return run_interruptible(work)
        # A forked child evaluates: it can be killed at the deadline (or on Ctrl-C), and cut off
        # from the network, out of reach of the Python socket guard as Oxigraph's HTTP client is.
        return run_limited(work, timeout, isolate)

    def _query(
        self,
        text: str,
        allow_network: bool,
        prefixes: dict[str, str] | None,
        isolated: bool = False,
        bindings: dict[str, Term] | None = None,
    ) -> QueryResult:
        import pyoxigraph

        failed = _failed
        if isolated:
            from kgraph.sandbox import network_error as failed
        guard = (
            contextlib.nullcontext()
            if allow_network
            else no_network("local queries never reach the network (use --allow-network)")
        )
        spliced = None
        try:
            with guard:
                try:
                    answer = self.store.query(
                        text,
                        prefixes=prefixes or PREFIXES,
                        substitutions=_oxigraph_terms(bindings) if bindings else None,
                    )
                except RuntimeError as exc:
                    # Refused while the query is prepared, before anything is evaluated: Oxigraph
                    # substitutes (SEP-0007) only variables the SELECT projects.
                    if not bindings or "projection" not in str(exc):
                        raise
                    from kgraph.params import splice

                    spliced = splice(text, bindings)
                    answer = self.store.query(spliced.text, prefixes=prefixes or PREFIXES)
        except SyntaxError as exc:
            if spliced is not None:
                raise spliced.relocate(_syntax_error(spliced.text, exc)) from None
            raise _syntax_error(text, exc) from None
        except KgraphError:
            raise
        except Exception as exc:
            raise failed(exc) from None
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return QueryResult("ASK", boolean=bool(answer))
        if isinstance(answer, pyoxigraph.QuerySolutions):
            names = [v.value for v in answer.variables]
            return QueryResult("SELECT", names, _rows(answer, names, failed))
        kind = "DESCRIBE" if _first_word(text) == "DESCRIBE" else "CONSTRUCT"
        data = pyoxigraph.serialize(answer, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        return QueryResult(kind, graph=TripleGraph(data, prefixes or PREFIXES))

    def count(self) -> int:
        return len(self.store)

    def write_rdf(self, fmt: Format, out: IO[bytes], prefixes: dict[str, str]) -> None:
        """The default graph in ``fmt``, one the registry says Oxigraph writes (``fmt.oxigraph``)."""
        import pyoxigraph

        if fmt.oxigraph is None:
            raise KgraphError(f"Oxigraph does not write {fmt.name} for kgraph; rdflib does")
        if fmt.oxigraph == "N_TRIPLES":  # sorted, so that exports are byte-stable whatever the engine
            data = self.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
            out.writelines(sorted(line + b"\n" for line in data.split(b"\n") if line.strip()))
            return
        self.store.dump(
            out, getattr(pyoxigraph.RdfFormat, fmt.oxigraph), from_graph=pyoxigraph.DefaultGraph(), prefixes=prefixes
        )


def preflight_oxigraph(text: str, allow_network: bool = False, prefixes: dict[str, str] | None = None) -> None:
    """Refuse updates and (unless allowed) SERVICE/FROM; report syntax errors with positions."""
    from kgraph.errors import SandboxUnavailable
    from kgraph.sandbox import may_reach_network

    refuse_unsafe(text, allow_network)
    try:
        if may_reach_network(text):
            import functools

            from kgraph.deadline import run_limited

            # Oxigraph starts evaluating on an empty store too (a SERVICE first in the
            # pattern is called at once), so even this parse runs cut off from the network;
            # with --allow-network too, or the service would be called twice.
            run_limited(functools.partial(_parse, text, prefixes), None, isolate=True)
        else:
            _parse(text, prefixes)
    except SandboxUnavailable:
        raise
    except QueryError as error:
        # Errors are rare: let rdflib's parser word them (same messages on both engines);
        # Oxigraph's own message stands if rdflib accepts what Oxigraph refused.
        from kgraph.rdflib_query import prepare

        prepare(text, allow_network, prefixes)
        raise error from None


def _oxigraph_terms(bindings: dict[str, Term]) -> dict[Any, Any]:
    """kgraph's plain terms as Oxigraph substitutions."""
    import pyoxigraph

    found = {}
    for name, term in bindings.items():
        if term.kind == "uri":
            value: Any = pyoxigraph.NamedNode(term.value)
        elif term.lang:
            value = pyoxigraph.Literal(term.value, language=term.lang)
        elif term.datatype:
            value = pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(term.datatype))
        else:
            value = pyoxigraph.Literal(term.value)
        found[pyoxigraph.Variable(name)] = value
    return found


def _parse(text: str, prefixes: dict[str, str] | None) -> QueryResult:
    """Parse ``text`` with Oxigraph's own grammar; a syntax error becomes a located QueryError."""
    import pyoxigraph

    try:  # parsing happens here; evaluation on an empty store has nothing to read
        pyoxigraph.Store().query(text, prefixes=prefixes or PREFIXES)
    except SyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except Exception:  # noqa: BLE001 - an evaluation failure is the real run's business, not the parse's
        pass
    return QueryResult("ASK", boolean=True)


def refuse_unsafe(text: str, allow_network: bool) -> None:
    """The engine-independent safety checks: read-only, and local unless allowed."""
    from kgraph import sparqlscan

    if sparqlscan.operation(text) in sparqlscan.UPDATE_KEYWORDS:
        raise QueryError(
            "update operations (INSERT, DELETE, LOAD, CLEAR...) are refused: "
            "`kgraph query` only reads the graph; edit the YAML files instead"
        )
    if not allow_network:
        clause = sparqlscan.remote_clause(text)
        if clause == "SERVICE":
            raise QueryError(
                f"SERVICE <{sparqlscan.remote_iri(text, 'SERVICE')}> would query a remote "
                "endpoint; pass --allow-network to permit it"
            )
        if clause == "FROM":
            named = " NAMED" if sparqlscan.named_after_from(text) else ""
            raise QueryError(
                f"FROM{named} <{sparqlscan.remote_iri(text, 'FROM')}> would load a graph "
                "from outside the local data; pass --allow-network to permit it"
            )


def _first_word(text: str) -> str | None:
    from kgraph import sparqlscan

    return sparqlscan.operation(text)


def _syntax_error(text: str, exc: SyntaxError) -> QueryError:
    message = str(exc)
    found = _POSITION.match(message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    detail = _POSITION.sub("", message).split("\n")[0]
    if "Prefix not found" in detail and line is not None and column is not None:
        return QueryError(f"Unknown namespace prefix: {_prefix_before(text, line, column)}", line, column)
    if len(detail) > 200:
        detail = detail[:200] + "..."
    return QueryError(f"SPARQL syntax error: {detail}", line, column)


def _prefix_before(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    found = re.search(r"([^\W\d][\w.-]*)?:[\w.-]*$", lines[line - 1][: column - 1]) if line <= len(lines) else None
    return (found.group(1) or "") if found else "?"


def to_term(value: Any) -> Term:
    """A pyoxigraph term as a plain Term (plain literals without a datatype, as rdflib gives them)."""
    import pyoxigraph

    if isinstance(value, pyoxigraph.NamedNode):
        return Term("uri", value.value)
    if isinstance(value, pyoxigraph.BlankNode):
        return Term("bnode", value.value)
    datatype = value.datatype.value
    return Term(
        "literal", value.value, None if datatype in (_XSD_STRING, _LANG_STRING) else datatype, value.language or None
    )


def _failed(exc: Exception) -> QueryError:
    return QueryError(f"query failed: {exc}")


def _rows(
    solutions: Iterable[Any], names: list[str], failed: Callable[[Exception], QueryError] = _failed
) -> Iterator[Row]:
    iterator = iter(solutions)
    while True:
        try:  # evaluation goes on as rows are read: its failures (a SERVICE call...) surface here
            solution = next(iterator)
        except StopIteration:
            return
        except (OSError, RuntimeError) as exc:
            raise failed(exc) from None
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = to_term(value)
        yield row
