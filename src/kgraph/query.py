"""SPARQL as the user gives it: query resolution (inline, file, stdin, named), named queries, the
prepared query with its origin and parameters, and warnings about unknown terms. Execution on
rdflib is in rdflib_query.py; engine.py runs either engine."""

from __future__ import annotations

import os
import re
import sys

from kgraph.errors import NotFoundError, QueryError
from kgraph.record import Record
from kgraph.vocab import PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable

    from kgraph.params import Parameter
    from kgraph.rows import Rows

QUERY_SUFFIXES = (".rq", ".sparql")
#: Where inline query text and stdin come from, in messages, as a file name would be.
INLINE, STDIN = "<query>", "<stdin>"


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

    return Rows(
        tuple(map(Column, ("name", "description", "parameters", "path"))),
        ([q.name, q.description, [str(p) for p in q.parameters], q.path] for q in found),
    )


def _first_comment(path: str) -> str:
    from kgraph.sparqlscan import comment_header

    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        header = comment_header(handle.read())
    return header[0] if header else ""


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
        from kgraph.suggest import closest

        close = closest(arg, list(names), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise NotFoundError(f"no named query '{arg}' in {queries_folder}{hint}; `kgraph queries` lists them", close)
    return arg, INLINE


class PreparedQuery(Record):
    """A query ready to run (``Project.run``): its text as the user wrote it, where it came from
    (a file, ``queries/NAME.rq``, ``<query>`` for inline text, ``<stdin>``) and its parameter
    values as given (``{"actor": "Soviet Union"}``), bound only when it runs.

    It knows its origin so that every error in its text reads like a data error:
    ``queries/treaties.rq:4:6: error: ...``.
    """

    __slots__ = ("text", "origin", "values", "at")

    def __init__(
        self, text: str, origin: str = INLINE, values: dict[str, str] | None = None, at: tuple[str, str] | None = None
    ) -> None:
        self.text, self.origin, self.values = text, origin, dict(values or {})
        #: The days the entity names among the values are read at (``--at``): a name held for
        #: a period (Moscow, 1922/1991) means the entity that bore it then.
        self.at = at

    @classmethod
    def from_argument(
        cls, arg: str, queries_folder: str, values: dict[str, str] | None = None, at: tuple[str, str] | None = None
    ) -> PreparedQuery:
        """The user's QUERY argument: ``-`` (stdin), a ``.rq`` file, a named query or SPARQL text."""
        text, origin = resolve_query(arg, queries_folder)
        if origin not in (INLINE, STDIN) and os.path.isabs(origin):
            shown = os.path.relpath(origin)  # queries/treaties.rq, as data errors name data/...
            origin = origin if shown.startswith(os.pardir) else shown
        return cls(text, origin, values, at)

    def preflight(
        self, engine: str | None, allow_network: bool = False, prefixes: dict[str, str] | None = None
    ) -> None:
        """Everything that can be known without the graph: the text is UTF-8, parses as the engine
        will read it (``engine`` None: the default; "remote": SPARQL 1.1 as rdflib reads it), is
        read-only and local unless allowed; the parameters given are the ones the query takes."""
        from kgraph.errors import ensure_utf8
        from kgraph.params import preflight as preflight_params

        for text in (self.text, *self.values.values()):
            ensure_utf8(text)  # argv bytes that were not UTF-8, named before any engine sees them
        try:
            if engine == "remote":
                from kgraph.rdflib_query import prepare

                prepare(self.text, True, prefixes)  # the server decides what it reaches
            else:
                from kgraph.engine import preflight

                preflight(engine, self.text, allow_network, prefixes)
        except QueryError as exc:
            raise self.locate(exc) from None
        preflight_params(self.text, self.values)

    def locate(self, error: QueryError) -> QueryError:
        """``error`` as a problem of this query's file (``<query>``, ``<stdin>`` when it has a place).

        A file that is not a query file (``kgraph query /etc/shadow``) may hold secrets: its
        syntax errors say where, never what the parser found there.
        """
        if error.path is not None or (error.line is None and self.origin in (INLINE, STDIN)):
            return error
        if error.line is not None and self.origin not in (INLINE, STDIN) and not self.origin.endswith(QUERY_SUFFIXES):
            return error.in_file(
                self.origin, "not a SPARQL query (its text is not shown: query files end in .rq or .sparql)"
            )
        return error.in_file(self.origin)


def vocabulary_warnings(
    text: str, declared_terms: Callable[[], frozenset[str]], prefixes: dict[str, str] | None = None
) -> list[str]:
    """A warning for each ``kg:`` name the query uses that the project's ontology does not declare,
    with the closest declared one: such a pattern matches nothing, and the query would answer in silence.

    ``declared_terms`` (Project.declared_terms) is asked for only when the query names a ``kg:``
    term: they come from the whole ontology, too dear to derive for the queries that need none.
    """
    from kgraph.sparqlscan import terms_in
    from kgraph.vocab import ONTOLOGY

    used = terms_in(text, ONTOLOGY, prefixes or PREFIXES)
    if not used:
        return []
    declared = declared_terms()
    warnings = []
    for local, line, column in used:
        if local not in declared:
            from kgraph.suggest import did_you_mean

            hint = did_you_mean(local, sorted(declared)).replace("'", "")
            hint = hint.replace("mean ", "mean kg:") if hint else "; `kgraph export --ontology` lists them"
            warnings.append(
                f"line {line}, column {column}: kg:{local} is not in kgraph's vocabulary, so it matches nothing{hint}"
            )
    return warnings
