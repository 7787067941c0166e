"""SPARQL on rdflib, the reference engine: parsing with the project's prefixes and placed errors,
refusing updates and remote data, evaluation with initial bindings under a deadline, and rows as
plain terms. engine.RdflibEngine answers through it; query.py checks remote queries with it.

Apart from query.py (resolution and the query a user prepared) so that engine.py, which query.py
asks to preflight a query, does not import query.py back.
"""

from __future__ import annotations

import contextlib
import functools
import re

from kgraph.errors import KgraphError, QueryError
from kgraph.netguard import no_network
from kgraph.results import QueryResult, Row, Term
from kgraph.vocab import PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from rdflib import Graph

_LOCATION = re.compile(r"\s*\(at char \d+\),?\s*\(?(line:\d+, col:\d+)?\)?")


def prepare(text: str, allow_network: bool = False, prefixes: dict[str, str] | None = None) -> Any:
    """Parse and translate a query with the project's prefixes; refuse updates and remote data."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not _blank(text).strip():
        raise QueryError("the query is empty (only blanks or comments)")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            unclosed = _unclosed_string(text)
            if unclosed:
                raise QueryError("SPARQL syntax error: this string is not closed on its line", *unclosed) from None
            raise QueryError(f"SPARQL syntax error: {_clean(exc)}", exc.lineno, exc.col) from None
        raise QueryError(
            "update operations (INSERT, DELETE, LOAD, CLEAR...) are refused: "
            "`kgraph query` only reads the graph; edit the YAML files instead"
        ) from None
    try:
        prepared = translateQuery(tree, initNs=prefixes or PREFIXES)
    except Exception as exc:  # rdflib raises bare Exception for unknown prefixes
        message = str(exc).replace(" :", ":")
        unknown = re.match(r"Unknown namespace prefix: (\S*)", message)
        line, column = _find_prefix(text, unknown.group(1)) if unknown else (None, None)
        if unknown:
            message += " (declare it with PREFIX " + unknown.group(1) + ": <...>)"
        raise QueryError(message, line, column) from None
    if not allow_network:
        _refuse_remote(prepared)
    _order_star_variables(text, prepared)
    return prepared


def _order_star_variables(text: str, prepared: Any) -> None:
    """``SELECT *`` lists variables in the order they first appear, as SPARQL 1.1 says.

    rdflib collects them in a set, so without this the columns change order from run to run.
    """
    blanked = _blank(text)
    if prepared.algebra.name != "SelectQuery" or not re.search(
        r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", blanked, re.IGNORECASE
    ):
        return
    first: dict[str, int] = {}
    for found in re.finditer(r"[?$]([\w\u00b7\u0300-\u036f\u203f-\u2040]+)", blanked):
        first.setdefault(found.group(1), found.start())
    variables = prepared.algebra["PV"]
    prepared.algebra["PV"] = sorted(variables, key=lambda v: (first.get(str(v), len(text)), str(v)))


def _blank(text: str) -> str:
    """``text`` with IRIs, strings and comments replaced by spaces (positions kept)."""
    from kgraph.sparqlscan import blank

    return blank(text)


def _unclosed_string(text: str) -> tuple[int, int] | None:
    """Line and column of a quote that opens a string never closed (a common paste error)."""
    blanked = _blank(text)
    found = re.search(r"[\"']", blanked)
    if not found:
        return None
    start = text.rfind("\n", 0, found.start()) + 1
    return text.count("\n", 0, found.start()) + 1, found.start() - start + 1


def _find_prefix(text: str, prefix: str) -> tuple[int | None, int | None]:
    """Line and column of the first use of ``prefix:`` outside IRIs, strings and comments."""
    blanked = _blank(text)
    found = re.search(r"(?<![\w.:-])" + re.escape(prefix) + ":", blanked)
    if not found:
        return None, None
    line = text.count("\n", 0, found.start()) + 1
    return line, found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1


def _clean(exc: Exception) -> str:
    return _LOCATION.sub("", str(exc)).strip(" ,")


def _refuse_remote(prepared: Any) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[Any] = [prepared.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryError(
                    f"SERVICE <{node.get('term')}> would query a remote endpoint; pass --allow-network to permit it"
                )
            if node.name == "DatasetClause":
                # dict.get: CompValue.get returns the key itself when it is missing.
                named = dict.get(node, "named")
                iri, keyword = (named, "FROM NAMED") if named is not None else (dict.get(node, "default"), "FROM")
                raise QueryError(
                    f"{keyword} <{iri}> would load a graph from outside the local data; "
                    "pass --allow-network to permit it"
                )
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def run(
    graph: Graph,
    text: str,
    allow_network: bool = False,
    prefixes: dict[str, str] | None = None,
    timeout: float | None = None,
    bindings: dict[str, Term] | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query on ``graph``; never touches the network unless allowed.

    SELECT rows are produced lazily, one at a time, as the consumer reads them. With
    ``timeout`` (seconds), the answer must be delivered in that time or QueryTimeout is raised.
    ``bindings`` are rdflib's initial bindings: the text stays as written.
    """
    prepared = prepare(text, allow_network, prefixes)
    work = functools.partial(_evaluate, graph, prepared, allow_network, _rdflib_terms(bindings or {}))
    if timeout is None:
        return work()
    from kgraph.deadline import run_limited

    return run_limited(work, timeout)


def _rdflib_terms(bindings: dict[str, Term]) -> dict[str, Any]:
    """kgraph's plain terms as rdflib terms."""
    from rdflib import Literal, URIRef

    return {
        name: URIRef(term.value)
        if term.kind == "uri"
        else Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)
        for name, term in bindings.items()
    }


def _evaluate(graph: Graph, prepared: Any, allow_network: bool, bindings: dict[str, Any]) -> QueryResult:
    import rdflib.plugins.sparql as sparql
    from rdflib.plugins.sparql.evaluate import evalQuery

    sparql.SPARQL_LOAD_GRAPHS = allow_network
    with _engine_errors(allow_network):
        # evalQuery rather than graph.query: rdflib's Result keeps every row it hands out.
        answer = evalQuery(graph, prepared, bindings)
    kind = answer["type_"]
    if kind == "SELECT":
        names = [str(v) for v in answer["vars_"] or []]
        return QueryResult(kind, names, _rows(answer["bindings"], answer["vars_"] or [], allow_network))
    if kind == "ASK":
        return QueryResult(kind, boolean=bool(answer["askAnswer"]))
    return QueryResult(kind, graph=answer["graph"])


@contextlib.contextmanager
def _engine_errors(allow_network: bool) -> Iterator[None]:
    """Engine work: no network unless allowed, and engine failures become QueryError."""
    guard = (
        contextlib.nullcontext()
        if allow_network
        else no_network("local queries never reach the network (use --allow-network)")
    )
    try:
        with guard:
            yield
    except KgraphError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from None


def _rows(bindings: Any, variables: list[Any], allow_network: bool) -> Iterator[Row]:
    """Rows one at a time; the network guard covers only the engine's own work."""
    names = [(str(v), v) for v in variables]
    found = iter(bindings)
    while True:
        with _engine_errors(allow_network):
            try:
                solution = next(found)
            except StopIteration:
                return
        row = {}
        for name, var in names:
            value = solution.get(var)
            if value is not None:
                row[name] = to_term(value)
        yield row


def to_term(value: Any) -> Term:
    """An rdflib term as a plain Term."""
    from rdflib import BNode, Literal

    if isinstance(value, Literal):
        return Term("literal", str(value), str(value.datatype) if value.datatype else None, value.language or None)
    if isinstance(value, BNode):
        return Term("bnode", str(value))
    return Term("uri", str(value))
