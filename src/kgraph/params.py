"""Parameters of named queries: declared in the query's header, bound by the engine.

A query declares its parameters in its leading comment block::

    # Which relations does an actor take part in?
    # @param actor entity  The actor: an id, label or alias

and ``kgraph query relations-of --param actor=Russia`` binds ``?actor`` to ``kgr:russia``: natively
where the engine can (rdflib's initial bindings, Oxigraph's substitutions), else by opening the
WHERE group with ``VALUES ?actor { kgr:russia }`` (``splice``). A declared parameter is required:
run without it, the variable would be unbound and the query would answer for everything, a wrong
answer that looks right. ``# @param actor? entity ...`` declares one the query may run without.
"""

from __future__ import annotations

import re

from kgraph.errors import KgraphError, QueryError
from kgraph.record import Record
from kgraph.results import Term

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

KINDS = ("entity", "text", "number", "date")
_DECLARATION = re.compile(r"^@param\s+(\w+)(\?)?(?:\s+(\w+))?\s*(.*)$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


class Parameter(Record):
    """One declared parameter: the variable it binds, what kind of value it takes, and why.

    A Record, not a dataclass: this module is on the fast path (record.py says why)."""

    __slots__ = ("name", "kind", "description", "optional")

    def __init__(self, name: str, kind: str = "entity", description: str = "", optional: bool = False) -> None:
        self.name, self.kind, self.description, self.optional = name, kind, description, optional

    def __str__(self) -> str:
        kind = f"{self.kind}, optional" if self.optional else self.kind
        return f"{self.name} ({kind})" + (f": {self.description}" if self.description else "")


def declared(text: str) -> list[Parameter]:
    """The parameters declared in the leading comment block of a query."""
    from kgraph.sparqlscan import comment_header

    found = []
    for line in comment_header(text):
        match = _DECLARATION.match(line)
        if match:
            name, optional = match.group(1), bool(match.group(2))
            kind, description = match.group(3) or "entity", match.group(4).strip()
            if kind not in KINDS:  # "# @param actor The actor" without a kind
                kind, description = "entity", f"{match.group(3)} {description}".strip()
            found.append(Parameter(name, kind, description, optional))
    return found


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["actor=russia", "year=1961"]`` -> ``{"actor": "russia", "year": "1961"}``."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", name):
            raise KgraphError(f"--param takes NAME=VALUE, not '{item}'")
        values[name] = value
    return values


def preflight(text: str, values: dict[str, str]) -> None:
    """Refuse parameters the query does not take, and required ones left out, before any graph
    is built: the names alone decide.

    Declared parameters are typed by their declaration; an undeclared one is allowed only when
    the query declares none (an ad-hoc query) and uses the variable.
    """
    params = {p.name: p for p in declared(text)}
    for name in values:
        if name not in params:
            if params:
                raise QueryError(
                    f"the query has no parameter '{name}'; it takes " + ", ".join(str(p) for p in params.values())
                )
            if not re.search(rf"[?$]{name}\b", text):
                raise QueryError(f"the query has no variable ?{name} to bind")
    require(text, values)


def terms(text: str, values: dict[str, str], resolve_entity: Callable[[str], str]) -> dict[str, Term]:
    """Each parameter's value as an RDF term, typed by its declaration (``preflight`` comes first).

    ``resolve_entity`` turns an id, label or alias into an IRI (raising NotFoundError).
    """
    params = {p.name: p for p in declared(text)}
    return {
        name: _term(name, params[name].kind if name in params else "entity-or-text", value, resolve_entity)
        for name, value in values.items()
    }


class Splice(Record):
    """A query with a VALUES block spliced into its WHERE group, for engines that cannot bind a
    variable natively (a remote store; Oxigraph for a variable outside the projection).

    Errors the engine reports in the spliced text are moved back to the user's column.
    """

    __slots__ = ("text", "line", "column", "length")

    def __init__(self, text: str, line: int, column: int, length: int) -> None:
        self.text, self.line, self.column, self.length = text, line, column, length

    def original(self, line: int, column: int) -> tuple[int, int]:
        """Where (``line``, ``column``) of the spliced text is in the user's text (a place inside
        the block is the place it was opened at)."""
        if line != self.line or column < self.column:
            return line, column
        return line, max(self.column, column - self.length)

    def relocate(self, error: QueryError) -> QueryError:
        """``error`` with its position in the user's text."""
        if error.line is None or error.column is None:
            return error
        line, column = self.original(error.line, error.column)
        return QueryError(error.reason, line, column, error.path)


def splice(text: str, bound: dict[str, Term]) -> Splice:
    """``text`` with a VALUES block binding each parameter, opened inside the WHERE group."""
    from kgraph.sparqlscan import where_group_start

    where = where_group_start(text)
    if where is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    variables = " ".join(f"?{name}" for name in bound)
    block = f" VALUES ({variables}) {{ ({' '.join(term.n3() for term in bound.values())}) }} "
    line = text.count("\n", 0, where) + 1
    column = where - (text.rfind("\n", 0, where) + 1) + 1
    return Splice(text[:where] + block + text[where:], line, column, len(block))


#: The most digits a ``number`` parameter may have once written out as an xsd:decimal.
MAX_NUMBER_DIGITS = 1000


def _decimal_digits(number: Decimal) -> int:
    """How many digits ``format(number, 'f')`` writes, computed without writing them."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    return max(number.adjusted() + 1, 1) + max(-exponent, 0)


def _shown(value: str) -> str:
    """A user's value in a message, cut short: the value itself may be megabytes long."""
    return value if len(value) <= 40 else value[:40] + "..."


def require(text: str, values: dict[str, str]) -> None:
    """Raise QueryError naming what the query takes when a required parameter has no value."""
    params = declared(text)
    missing = [p.name for p in params if not p.optional and p.name not in values]
    if missing:
        example = " ".join(f"--param {name}=..." for name in missing)
        raise QueryError(
            f"the query needs {', '.join(missing)} ({example}); it takes " + ", ".join(str(p) for p in params)
        )


def _term(name: str, kind: str, value: str, resolve_entity: Callable[[str], str]) -> Term:
    """The RDF term for one parameter value."""
    from kgraph.errors import NotFoundError

    if kind == "entity":
        return Term("uri", resolve_entity(value))
    if kind == "entity-or-text":
        try:
            return Term("uri", resolve_entity(value))
        except NotFoundError:
            return Term("literal", value)
    if kind == "number":
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(value)
        except InvalidOperation:
            raise KgraphError(f"parameter '{name}' takes a number, not '{_shown(value)}'") from None
        # Written out in full as an xsd:decimal, 1e99999999 would be a 100-million-digit string
        # (3.5 GB before the engine sees it): bound the digits written, not the memory.
        if not number.is_finite() or _decimal_digits(number) > MAX_NUMBER_DIGITS:
            raise KgraphError(
                f"parameter '{name}': {_shown(value)} is out of range for a number "
                f"(at most {MAX_NUMBER_DIGITS} digits written out)"
            )
        return Term("literal", format(number, "f"), _XSD + "decimal")
    if kind == "date":
        from kgraph.dates import PartialDate

        try:
            date = PartialDate.parse(value)
        except ValueError as exc:
            raise KgraphError(f"parameter '{name}': {exc}") from None
        return Term("literal", str(date), _XSD + date.xsd_type)
    return Term("literal", value)
