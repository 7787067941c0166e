"""SPARQL results as plain values, and writers for the W3C SPARQL 1.1 result formats.

Engine-neutral: no rdflib here, so any engine can feed these writers.
"""

from __future__ import annotations

import csv
import json
import re

from kgraph.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import IO

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes a TSV term may give bare (Turtle's shorthand), and the canonical lexical form each
#: must have for that: a bare ``1500000000`` reads back as an xsd:integer, so a decimal written so,
#: or a double without an exponent, or ``NaN``, must be written in full.
_CANONICAL = {
    XSD + "integer": re.compile(r"-?(0|[1-9][0-9]*)"),
    XSD + "decimal": re.compile(r"-?(0|[1-9][0-9]*)\.(0|[0-9]*[1-9])"),
    XSD + "double": re.compile(r"-?[0-9]\.(0|[0-9]*[1-9])E-?(0|[1-9][0-9]*)"),
    XSD + "boolean": re.compile(r"true|false"),
}
#: A Turtle/SPARQL blank node label (BLANK_NODE_LABEL without ``_:``), ASCII and Unicode letters.
_BNODE_LABEL = re.compile(r"[\w](?:[\w.\-\u00b7\u0300-\u036f\u203f-\u2040]*[\w\-\u00b7\u0300-\u036f\u203f-\u2040])?")


class Term(Record):
    """An RDF term: ``kind`` is 'uri', 'literal' or 'bnode'."""

    __slots__ = ("kind", "value", "datatype", "lang")

    def __init__(self, kind: str, value: str, datatype: str | None = None, lang: str | None = None) -> None:
        self.kind, self.value, self.datatype, self.lang = kind, value, datatype, lang

    def n3(self) -> str:
        """The term in Turtle/SPARQL syntax, as TSV results want it (a bare number or boolean only
        where it reads back as the same term)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        canonical = _CANONICAL.get(self.datatype or "")
        if canonical is not None and canonical.fullmatch(self.value):
            return self.value
        text = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype and self.datatype != XSD + "string":
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'


Row = dict[str, Term]


class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, triples (as N-Triples) for graphs.

    ``kind``: "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"; ``graph``: the engine's graph for
    CONSTRUCT/DESCRIBE.
    """

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        rows: Iterable[Row] = (),
        boolean: bool | None = None,
        graph: object = None,
    ) -> None:
        self.kind = kind
        self.variables = [] if variables is None else variables
        self.rows, self.boolean, self.graph = rows, boolean, graph

    def __repr__(self) -> str:
        return f"QueryResult({self.kind!r}, variables={self.variables!r}, boolean={self.boolean!r})"


def write_json(result: QueryResult, out: IO[str]) -> None:
    """SPARQL 1.1 Query Results JSON Format, streamed row by row."""
    if result.kind == "ASK":
        json.dump({"head": {}, "boolean": bool(result.boolean)}, out)
        out.write("\n")
        return
    out.write('{"head": {"vars": ' + json.dumps(result.variables) + '}, "results": {"bindings": [')
    for index, row in enumerate(result.rows):
        binding = {}
        for var, term in row.items():
            item: dict[str, str] = {"type": term.kind, "value": term.value}
            if term.lang:
                item["xml:lang"] = term.lang
            elif term.datatype and term.kind == "literal" and term.datatype != XSD + "string":
                item["datatype"] = term.datatype
            binding[var] = item
        out.write(("," if index else "") + "\n  " + json.dumps(binding, ensure_ascii=False))
    out.write("\n]}}\n")


def write_xml(result: QueryResult, out: IO[str]) -> None:
    """SPARQL Query Results XML Format."""
    from xml.sax.saxutils import escape, quoteattr  # imported here: it pulls in urllib (15 ms)

    out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>\n')
    for var in result.variables:
        out.write(f"    <variable name={quoteattr(var)}/>\n")
    out.write("  </head>\n")
    if result.kind == "ASK":
        out.write(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return
    out.write("  <results>\n")
    for row in result.rows:
        out.write("    <result>\n")
        for var, term in row.items():
            if term.kind == "uri":
                inner = f"<uri>{escape(term.value)}</uri>"
            elif term.kind == "bnode":
                inner = f"<bnode>{escape(term.value)}</bnode>"
            else:
                attrs = (
                    f" xml:lang={quoteattr(term.lang)}"
                    if term.lang
                    else (
                        f" datatype={quoteattr(term.datatype)}"
                        if term.datatype and term.datatype != XSD + "string"
                        else ""
                    )
                )
                inner = f"<literal{attrs}>{escape(term.value)}</literal>"
            out.write(f"      <binding name={quoteattr(var)}>{inner}</binding>\n")
        out.write("    </result>\n")
    out.write("  </results>\n</sparql>\n")


def write_csv(result: QueryResult, out: IO[str]) -> None:
    """SPARQL 1.1 Query Results CSV Format: plain values, CRLF line ends."""
    if result.kind == "ASK":  # the W3C formats define no ASK form; write the boolean alone
        out.write("true\r\n" if result.boolean else "false\r\n")
        return
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    labels = BlankLabels()
    for row in result.rows:
        writer.writerow([_csv_value(labels.valid(row.get(var))) for var in result.variables])


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


class BlankLabels:
    """Blank nodes with labels that Turtle, CSV and TSV readers accept, the same within one result.

    A remote store may name its blank nodes as it likes (Virtuoso: ``nodeID://b10000``), which no
    parser accepts after ``_:``. Such a label becomes a valid one; every label of the result keeps
    one spelling, and two different labels never meet in one.
    """

    def __init__(self) -> None:
        self._given: dict[str, str] = {}
        self._taken: set[str] = set()

    def valid(self, term: Term | None) -> Term | None:
        if term is None or term.kind != "bnode":
            return term
        label = self._given.get(term.value)
        if label is None:
            label = term.value if _BNODE_LABEL.fullmatch(term.value) else re.sub(r"\W", "_", term.value) or "b"
            stem, count = label, 1
            while label in self._taken:
                count += 1
                label = f"{stem}_{count}"
            self._given[term.value] = label
            self._taken.add(label)
        return term if label == term.value else Term("bnode", label)


def write_tsv(result: QueryResult, out: IO[str]) -> None:
    """SPARQL 1.1 Query Results TSV Format: terms in SPARQL syntax, ``?var`` header."""
    if result.kind == "ASK":
        out.write("true\n" if result.boolean else "false\n")
        return
    out.write("\t".join("?" + var for var in result.variables) + "\n")
    labels = BlankLabels()
    for row in result.rows:
        out.write(
            "\t".join(
                labels.valid(row[var]).n3() if var in row else ""  # type: ignore[union-attr]
                for var in result.variables
            )
            + "\n"
        )
