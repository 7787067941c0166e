"""SPARQL in, plain rows out: query resolution, named queries, safety checks and execution."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys

from kgraph.errors import KgraphError, NotFoundError, QueryError
from kgraph.netguard import no_network
from kgraph.record import Record
from kgraph.results import QueryResult, Row, Term
from kgraph.vocab import PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

    from kgraph.params import Parameter
    from kgraph.rows import Rows
    from kgraph.vocabulary import Vocabulary
    from rdflib import Graph

QUERY_SUFFIXES = (".rq", ".sparql")
#: Where inline query text and stdin come from, in messages, as a file name would be.
INLINE, STDIN = "<query>", "<stdin>"
_LOCATION = re.compile(r"\s*\(at char \d+\),?\s*\(?(line:\d+, col:\d+)?\)?")


class NamedQuery(Record):
    """A query kept in ``queries/NAME.rq``; its first comment line says what it asks."""

    __slots__ = ("name", "path", "description")

    def __init__(self, name: str, path: str, description: str) -> None:
        self.name, self.path, self.description = name, path, description

    @property
    def text(self) -> str:
        with open(self.path, encoding="utf-8-sig") as handle:
            return handle.read()

    @property
    def parameters(self) -> list[Parameter]:
        """The parameters its header declares (``# @param NAME KIND description``)."""
        from kgraph.params import declared

        return declared(self.text)


def read_query_file(path: str) -> str:
    """A query file as text; a file that is not UTF-8 is refused with the place of the bad byte."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise NotFoundError(f"cannot read query file {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise QueryError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, column, path) from None


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


def named_query_rows(found: list[NamedQuery]) -> Rows:
    """``kgraph queries`` for programs: each query's name, question, parameters and file."""
    from kgraph.rows import Column, Rows

    return Rows(tuple(map(Column, ("name", "description", "parameters", "path"))),
                ([q.name, q.description, [str(p) for p in q.parameters], q.path] for q in found))


def _first_comment(path: str) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
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
        return sys.stdin.read(), STDIN
    if arg.endswith(QUERY_SUFFIXES) or os.path.sep in arg:
        if os.path.isfile(arg):
            return read_query_file(arg), arg
        if not re.search(r"\s", arg):
            raise NotFoundError(f"query file not found: {arg}")
    if re.fullmatch(r"[\w.-]+", arg):
        names = {q.name: q for q in named_queries(queries_folder)}
        if arg in names:
            return read_query_file(names[arg].path), names[arg].path
        import difflib

        close = difflib.get_close_matches(arg, list(names), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise NotFoundError(f"no named query '{arg}' in {queries_folder}{hint}; "
                            "`kgraph queries` lists them", close)
    return arg, INLINE


class PreparedQuery(Record):
    """A query ready to run (``Project.run``): its text as the user wrote it, where it came from
    (a file, ``queries/NAME.rq``, ``<query>`` for inline text, ``<stdin>``) and its parameter
    values as given (``{"actor": "Soviet Union"}``), bound only when it runs.

    It knows its origin so that every error in its text reads like a data error:
    ``queries/treaties.rq:4:6: error: ...``.
    """

    __slots__ = ("text", "origin", "values")

    def __init__(self, text: str, origin: str = INLINE, values: dict[str, str] | None = None) -> None:
        self.text, self.origin, self.values = text, origin, dict(values or {})

    @classmethod
    def from_argument(cls, arg: str, queries_folder: str, values: dict[str, str] | None = None) -> PreparedQuery:
        """The user's QUERY argument: ``-`` (stdin), a ``.rq`` file, a named query or SPARQL text."""
        text, origin = resolve_query(arg, queries_folder)
        if origin not in (INLINE, STDIN) and os.path.isabs(origin):
            shown = os.path.relpath(origin)  # queries/treaties.rq, as data errors name data/...
            origin = origin if shown.startswith(os.pardir) else shown
        return cls(text, origin, values)

    def check(self, engine: str | None, allow_network: bool = False,
              prefixes: dict[str, str] | None = None) -> None:
        """Everything that can be known without the graph: the text is UTF-8, parses as the engine
        will read it (``engine`` None: the default; "remote": SPARQL 1.1 as rdflib reads it), is
        read-only and local unless allowed; the parameters given are the ones the query takes."""
        from kgraph.errors import ensure_utf8
        from kgraph.params import check

        for text in (self.text, *self.values.values()):
            ensure_utf8(text)  # argv bytes that were not UTF-8, named before any engine sees them
        try:
            if engine == "remote":
                prepare(self.text, True, prefixes)  # the server decides what it reaches
            else:
                from kgraph.engine import check_with

                check_with(engine, self.text, allow_network, prefixes)
        except QueryError as exc:
            raise self.locate(exc) from None
        check(self.text, self.values)

    def locate(self, error: QueryError) -> QueryError:
        """``error`` as a problem of this query's file (``<query>``, ``<stdin>`` when it has a place).

        A file that is not a query file (``kgraph query /etc/shadow``) may hold secrets: its
        syntax errors say where, never what the parser found there.
        """
        if error.path is not None or (error.line is None and self.origin in (INLINE, STDIN)):
            return error
        if error.line is not None and self.origin not in (INLINE, STDIN) and not self.origin.endswith(QUERY_SUFFIXES):
            return error.in_file(self.origin, "not a SPARQL query (its text is not shown: "
                                              "query files end in .rq or .sparql)")
        return error.in_file(self.origin)


def vocabulary_warnings(text: str, vocabulary: Callable[[], Vocabulary],
                        prefixes: dict[str, str] | None = None) -> list[str]:
    """A warning for each ``kg:`` name the query uses that the project's ontology does not declare,
    with the closest declared one: such a pattern matches nothing, and the query would answer in silence.

    ``vocabulary`` is asked for only when the query names a ``kg:`` term: the declared terms come
    from the whole ontology, too dear to compute for the queries that need none (the fast path).
    """
    from kgraph.sparqlscan import terms_in
    from kgraph.vocab import ONTOLOGY

    used = terms_in(text, ONTOLOGY, prefixes or PREFIXES)
    if not used:
        return []
    from kgraph.compile import declared_terms

    declared = declared_terms(vocabulary())
    warnings = []
    for local, line, column in used:
        if local not in declared:
            from kgraph.validate import suggest

            hint = suggest(local, sorted(declared)).replace("'", "")
            hint = hint.replace("mean ", "mean kg:") if hint else "; `kgraph export --ontology` lists them"
            warnings.append(f"line {line}, column {column}: kg:{local} is not in kgraph's vocabulary, "
                            f"so it matches nothing{hint}")
    return warnings


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
                raise QueryError("SPARQL syntax error: this string is not closed on its line",
                                 *unclosed) from None
            raise QueryError(f"SPARQL syntax error: {_clean(exc)}", exc.lineno, exc.col) from None
        raise QueryError("update operations (INSERT, DELETE, LOAD, CLEAR...) are refused: "
                         "`kgraph query` only reads the graph; edit the YAML files instead") from None
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
            r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", blanked, re.IGNORECASE):
        return
    first: dict[str, int] = {}
    for found in re.finditer(r"[?$]([\w\u00b7\u0300-\u036f\u203f-\u2040]+)", blanked):
        first.setdefault(found.group(1), found.start())
    variables = prepared.algebra["PV"]
    prepared.algebra["PV"] = sorted(variables, key=lambda v: (first.get(str(v), len(text)), str(v)))


_SKIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"'
                   r"|'(?:\\.|[^'\\\n])*'|#[^\n]*")


def _blank(text: str) -> str:
    """``text`` with IRIs, strings and comments replaced by spaces (positions kept)."""
    return _SKIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


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
                raise QueryError(f"SERVICE <{node.get('term')}> would query a remote endpoint; "
                                 "pass --allow-network to permit it")
            if node.name == "DatasetClause":
                # dict.get: CompValue.get returns the key itself when it is missing.
                named = dict.get(node, "named")
                iri, keyword = (named, "FROM NAMED") if named is not None else (dict.get(node, "default"), "FROM")
                raise QueryError(f"{keyword} <{iri}> would load a graph from outside the local data; "
                                 "pass --allow-network to permit it")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def run(graph: Graph, text: str, allow_network: bool = False,
        prefixes: dict[str, str] | None = None, timeout: float | None = None,
        bindings: dict[str, Term] | None = None) -> QueryResult:
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

    return {name: URIRef(term.value) if term.kind == "uri" else
            Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)
            for name, term in bindings.items()}


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
    guard = contextlib.nullcontext() if allow_network else no_network(
        "local queries never reach the network (use --allow-network)")
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
        return Term("literal", str(value), str(value.datatype) if value.datatype else None,
                    value.language or None)
    if isinstance(value, BNode):
        return Term("bnode", str(value))
    return Term("uri", str(value))
