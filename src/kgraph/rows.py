"""Rows as the library gives them to every command that prints rows (rank, timeline, vocab...).

The library says what the columns are and what each row holds (plain values: text, numbers, lists,
None, RDF terms); the CLI renders them as a table for reading or as JSON, CSV or TSV for programs
(``kgraph.cli.render.emit``), as sqlite-utils' ``output_rows`` does for all of its commands.

A terminal table is for reading and a file is for programs, so one listing can show a column to
one and not the other: a label to read ("Russia led North Korea"), the ids to join on.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


@dataclass(frozen=True)
class Column:
    """One column: its key in JSON and its CSV/TSV header, and what the terminal table calls it."""

    name: str
    #: The table's header when it is not ``name`` (``#`` for a rank).
    heading: str | None = None
    #: Shown in the terminal table (text for reading, such as a quote in quotation marks).
    table: bool = True
    #: Written as JSON, CSV and TSV (ids, raw values).
    data: bool = True

    @property
    def header(self) -> str:
        return self.heading if self.heading is not None else self.name


@dataclass
class Rows:
    """Columns and their rows, with what a terminal table adds around them."""

    columns: tuple[Column, ...]
    rows: Iterable[Sequence[object]]
    #: Above the terminal table; a program gets the rows alone.
    title: str = ""
    #: When a listing has several kinds of rows (types and predicates), the value of the ``kind``
    #: column that tells them apart in JSON, CSV and TSV.
    kind: str = ""
    #: A last row of the terminal table, below a line (a total), not written for programs.
    footer: Sequence[object] | None = None
    #: Lines between the rows of the terminal table (for cells that wrap, such as quotes).
    lines: bool = False
    #: Printed instead of an empty terminal table (``No dated relations.``); None prints the table.
    empty: str | None = None


def columns(*names: str, data_only: Sequence[str] = (), headings: dict[str, str] | None = None) -> tuple[Column, ...]:
    """Columns shown in the table and written for programs: ``columns("n", "label", data_only=["id"])``.

    >>> [c.header for c in columns("n", "label", headings={"n": "#"})]
    ['#', 'label']
    """
    headings = headings or {}
    return tuple(Column(name, headings.get(name), table=name not in data_only) for name in names)


def table_only(*names: str) -> tuple[Column, ...]:
    """Columns for reading alone: labels and quotation marks where a program gets ids and raw text."""
    return tuple(Column(name, data=False) for name in names)


def data_only(*names: str) -> tuple[Column, ...]:
    """Columns for programs alone (ids, IRIs, raw values), not shown in the terminal table."""
    return tuple(Column(name, table=False) for name in names)
