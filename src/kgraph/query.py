"""SPARQL in, plain rows out: query resolution, named queries, safety checks and execution."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from kgraph.errors import KgraphError, NotFoundError, QueryError
from kgraph.netguard import no_network
from kgraph.results import QueryResult, Row, Term
from kgraph.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

QUERY_SUFFIXES = (".rq", ".sparql")
_LOCATION = re.compile(r"\s*\(at char \d+\),?\s*\(?(line:\d+, col:\d+)?\)?")


@dataclass(frozen=True)
class NamedQuery:
    """A query kept in ``queries/NAME.rq``; its first comment line says what it asks."""

    name: str
    path: str
    description: str

    @property
    def text(self) -> str:
        with open(self.path, encoding="utf-8-sig") as handle:
            return handle.read()


def named_queries(folder: str) -> list[NamedQuery]:
    """The named queries in ``folder``, sorted by name."""
    if not os.path.isdir(folder):
        return []
    found = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        name, suffix = os.path.splitext(entry)
        if suffix in QUERY_SUFFIXES and os.path.isfile(path):
            found.append(NamedQuery(name, path, _first_comment(path)))
    return found


def _first_comment(path: str) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            stripped = line.strip()
            if stripped.startswith("#"):
                return stripped.lstrip("#").strip()
            if stripped:
                break
    return ""


def resolve_query(arg: str, queries_folder: str) -> tuple[str, str]:
    """Turn the user's argument into (query text, where it came from).

    ``-`` reads stdin; an existing ``.rq`` file is read; a bare name runs ``queries/NAME.rq``;
    anything else is taken as SPARQL text.
    """
    if arg == "-":
        return sys.stdin.read(), "<stdin>"
    if arg.endswith(QUERY_SUFFIXES) or os.path.sep in arg:
        if os.path.isfile(arg):
            with open(arg, encoding="utf-8-sig") as handle:
                return handle.read(), arg
        if not re.search(r"\s", arg):
            raise NotFoundError(f"query file not found: {arg}")
    if re.fullmatch(r"[\w.-]+", arg):
        names = {q.name: q for q in named_queries(queries_folder)}
        if arg in names:
            return names[arg].text, names[arg].path
        import difflib

        close = difflib.get_close_matches(arg, list(names), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise NotFoundError(f"no named query '{arg}' in {queries_folder}{hint}; "
                            "`kgraph queries` lists them", close)
    return arg, "<inline>"


def prepare(text: str, allow_network: bool = False, prefixes: dict[str, str] | None = None) -> Any:
    """Parse and translate a query with the project's prefixes; refuse updates and remote data."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(f"SPARQL syntax error: {_clean(exc)}", exc.lineno, exc.col) from None
        raise QueryError("update operations (INSERT, DELETE, LOAD, CLEAR...) are refused: "
                         "`kgraph query` only reads the graph; edit the YAML files instead") from None
    try:
        prepared = translateQuery(tree, initNs=prefixes or PREFIXES)
    except Exception as exc:  # rdflib raises bare Exception for unknown prefixes
        raise QueryError(str(exc).replace(" :", ":")) from None
    if not allow_network:
        _refuse_remote(prepared)
    return prepared


def _clean(exc: Exception) -> str:
    return _LOCATION.sub("", str(exc)).strip(" ,")


def _refuse_remote(prepared: Any) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[Any] = [prepared.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryError(f"SERVICE <{node.get('term')}> would query a remote endpoint; "
                                 "pass --allow-network to permit it")
            if node.name == "DatasetClause":
                iri = node.get("default") or node.get("named")
                raise QueryError(f"FROM <{iri}> would load a graph from outside the local data; "
                                 "pass --allow-network to permit it")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def run(graph: Graph, text: str, allow_network: bool = False,
        prefixes: dict[str, str] | None = None) -> QueryResult:
    """Run a read-only SPARQL query on ``graph``; never touches the network unless allowed."""
    import rdflib.plugins.sparql as sparql

    prepared = prepare(text, allow_network, prefixes)
    sparql.SPARQL_LOAD_GRAPHS = allow_network
    guard = contextlib.nullcontext() if allow_network else no_network(
        "local queries never reach the network (use --allow-network)")
    try:
        with guard:
            return _wrap(graph.query(prepared))
    except KgraphError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from None


def _wrap(result: Any) -> QueryResult:
    kind = result.type
    if kind == "SELECT":
        return QueryResult(kind, [str(v) for v in result.vars or []], list(_rows(result)))
    if kind == "ASK":
        return QueryResult(kind, boolean=bool(result.askAnswer))
    return QueryResult(kind, graph=result.graph)


def _rows(result: Any) -> Iterator[Row]:
    names = [str(v) for v in result.vars or []]
    for row in result:
        yield {name: to_term(value) for name, value in zip(names, row) if value is not None}


def to_term(value: Any) -> Term:
    """An rdflib term as a plain Term."""
    from rdflib import BNode, Literal

    if isinstance(value, Literal):
        return Term("literal", str(value), str(value.datatype) if value.datatype else None,
                    value.language or None)
    if isinstance(value, BNode):
        return Term("bnode", str(value))
    return Term("uri", str(value))
