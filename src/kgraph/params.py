"""Parameters of named queries: declared in the query's header, bound by an injected VALUES block.

A query declares its parameters in its leading comment block::

    # Which relations does an actor take part in?
    # @param actor entity  The actor: an id, label or alias

and ``kgraph query relations-of --param actor=Russia`` binds ``?actor`` to ``kgr:russia`` by
opening the WHERE group with ``VALUES ?actor { kgr:russia }``. A declared parameter is required:
run without it, the variable would be unbound and the query would answer for everything, a wrong
answer that looks right. ``# @param actor? entity ...`` declares one the query may run without.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from kgraph.errors import KgraphError, QueryError

KINDS = ("entity", "text", "number", "date")
_DECLARATION = re.compile(r"^@param\s+(\w+)(\?)?(?:\s+(\w+))?\s*(.*)$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: the variable it binds, what kind of value it takes, and why."""

    name: str
    kind: str = "entity"
    description: str = ""
    optional: bool = False

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


def bind(text: str, values: dict[str, str], resolve_entity: Callable[[str], str]) -> str:
    """``text`` with a VALUES block binding each parameter, opened inside the WHERE group.

    ``resolve_entity`` turns an id, label or alias into an IRI (raising NotFoundError).
    Declared parameters are typed by their declaration; an undeclared one is allowed only when
    the query declares none (an ad-hoc query) and uses the variable. A required one left out is
    an error (see ``require``).
    """
    params = {p.name: p for p in declared(text)}
    for name in values:
        if name not in params:
            if params:
                raise QueryError(f"the query has no parameter '{name}'; it takes "
                                 + ", ".join(str(p) for p in params.values()))
            if not re.search(rf"[?$]{name}\b", text):
                raise QueryError(f"the query has no variable ?{name} to bind")
    require(text, values)
    if not values:
        return text
    from kgraph.sparqlscan import where_group_start

    terms = []
    for name, value in values.items():
        kind = params[name].kind if name in params else "entity-or-text"
        terms.append(_term(name, kind, value, resolve_entity))
    where = where_group_start(text)
    if where is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    variables = " ".join(f"?{name}" for name in values)
    block = f" VALUES ({variables}) {{ ({' '.join(terms)}) }} "
    return text[:where] + block + text[where:]


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
        raise QueryError(f"the query needs {', '.join(missing)} ({example}); it takes "
                         + ", ".join(str(p) for p in params))


def _term(name: str, kind: str, value: str, resolve_entity: Callable[[str], str]) -> str:
    """The SPARQL term for one parameter value."""
    from kgraph.errors import NotFoundError

    if kind == "entity":
        return f"<{resolve_entity(value)}>"
    if kind == "entity-or-text":
        try:
            return f"<{resolve_entity(value)}>"
        except NotFoundError:
            return json.dumps(value, ensure_ascii=False)
    if kind == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise KgraphError(f"parameter '{name}' takes a number, not '{_shown(value)}'") from None
        # Written out in full as an xsd:decimal, 1e99999999 would be a 100-million-digit string
        # (3.5 GB before the engine sees it): bound the digits written, not the memory.
        if not number.is_finite() or _decimal_digits(number) > MAX_NUMBER_DIGITS:
            raise KgraphError(f"parameter '{name}': {_shown(value)} is out of range for a number "
                              f"(at most {MAX_NUMBER_DIGITS} digits written out)")
        return f"\"{format(number, 'f')}\"^^<{_XSD}decimal>"
    if kind == "date":
        from kgraph.dates import PartialDate

        try:
            date = PartialDate.parse(value)
        except ValueError as exc:
            raise KgraphError(f"parameter '{name}': {exc}") from None
        return f'"{date}"^^<{_XSD}{date.xsd_type}>'
    return json.dumps(value, ensure_ascii=False)
