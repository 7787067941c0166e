"""Human-readable output. The only module that imports rich."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from kgraph.errors import printable

if TYPE_CHECKING:
    from rich.console import Console

    from kgraph.agree import Agreement
    from kgraph.coverage import SourceCoverage
    from kgraph.diff import Diff, FieldChange, Item
    from kgraph.entitygraph import EntityGraph, EntityInfo
    from kgraph.paths import Path
    from kgraph.results import QueryResult, Row, Term
    from kgraph.rows import Rows
    from kgraph.statement import Statement


def console(stderr: bool = False) -> Console:
    """A console for text that is all data: no markup, no emoji codes, no control characters."""
    from rich.console import Console

    class PlainConsole(Console):
        # Every string rich prints (cells, titles, lines) passes here: the one place where remote
        # values and error texts lose their control characters before they reach the terminal.
        def render_str(self, text: str, *args: Any, **kwargs: Any) -> Any:
            return super().render_str(printable(text), *args, **kwargs)

        def on_broken_pipe(self) -> None:
            # rich would exit 1 here; kgraph's one exit-code map says 141 (KgraphGroup).
            raise BrokenPipeError

    file = sys.stderr if stderr else sys.stdout
    # A real terminal uses its own width; piped output is wide enough for quotes unless
    # COLUMNS says otherwise (as it does for the README's examples).
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else None if file.isatty() else 160
    # markup and emoji off: every string printed here is data (labels, quotes, remote values, error
    # text), so '[assessment]', '[sic]' or a label holding '[/]' or ':smile:' must print as written.
    return PlainConsole(file=file, width=width, highlight=False, markup=False, emoji=False, soft_wrap=False)


def compact(term: Term, prefixes: dict[str, str]) -> str:
    """A term as a person reads it: ``kgr:russia`` rather than the full IRI."""
    if term.kind == "uri":
        best = max((ns for ns in prefixes.values() if term.value.startswith(ns)), key=len, default=None)
        if best is not None:
            prefix = next(p for p, ns in prefixes.items() if ns == best)
            return f"{prefix}:{term.value[len(best) :]}"
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def result_table(result: QueryResult, prefixes: dict[str, str]) -> int:
    """Print SELECT rows as a table; return the number of rows."""
    return rows_table(result.variables, result.rows, prefixes)


#: Rows a table shows at most: a table is for reading, and rich holds every row (with its cells
#: measured) until it prints, about 5 KB a row; the other formats stream any number of rows.
MAX_TABLE_ROWS = 1000


def rows_table(variables: list[str], rows: Iterable[Row], prefixes: dict[str, str]) -> int:
    """Print rows of terms as a table, IRIs compacted; return the number of rows."""
    from kgraph.rows import Column, Rows

    listing = Rows(tuple(Column(v) for v in variables), ([row.get(v) for v in variables] for row in rows))
    return _table(listing, prefixes)


# --- one renderer for every command that prints rows ---


def emit(
    listing: Rows | Sequence[Rows], fmt: str, out: str | None = None, *, keep_out: str | list[str] | None = None
) -> int:
    """Print or write rows in ``fmt``, and return how many there were: the one renderer of every
    command that prints rows (as sqlite-utils' ``output_rows``).

    ``table``: one rich table per part, for reading, never written to a file (past
    ``MAX_TABLE_ROWS`` stderr says so). ``json``: a list of objects, one per row, keyed by column.
    ``csv`` (RFC 4180, CRLF) and ``tsv`` (a tab, line end or backslash in a value written as
    ``\\t``, ``\\n``, ``\\r``, ``\\\\``): a header, then one line per row. Parts with a ``kind``
    (types and predicates) share one list, a first column ``section`` telling them apart. ``out``
    (None or '-' for stdout) is written atomically, never inside ``keep_out``. Values are data:
    never read as markup, never able to break the format.
    """
    from kgraph.rows import Rows

    parts = [listing] if isinstance(listing, Rows) else list(listing)
    if fmt == "table":
        return sum(_table(part, {}) for part in parts)
    from kgraph.cli.streams import output, say

    with output(out, keep_out=keep_out) as handle:
        count = _write(parts, fmt, handle)
    if out not in (None, "-"):
        say(f"wrote {out} ({count} row(s))")
    return count


#: The first column of a listing in several parts (vocab: types and predicates): which part a row is of.
SECTION = "section"


def _write(parts: list[Rows], fmt: str, handle: IO[str]) -> int:
    """The rows of ``parts`` as JSON, CSV or TSV on ``handle``."""
    import json

    kinds = any(part.kind for part in parts)
    names = [SECTION] if kinds else []
    for part in parts:
        names += [c.name for c in part.columns if c.data and c.name not in names]
    count = 0
    if fmt == "json":
        # Streamed one object at a time, as json.dumps(rows, indent=2) would lay them out (a JSON
        # text holds no raw line end, so indenting its lines is safe).
        for part in parts:
            keep = [(i, c.name) for i, c in enumerate(part.columns) if c.data]
            for row in part.rows:
                record: dict[str, object] = {SECTION: part.kind} if kinds else {}
                record.update((name, _json_value(row[i])) for i, name in keep)
                text = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                handle.write(("[\n  " if count == 0 else ",\n  ") + text)
                count += 1
        handle.write("\n]\n" if count else "[]\n")
        return count
    line: Callable[[Iterable[str]], object]
    if fmt == "csv":
        import csv

        line = csv.writer(handle, lineterminator="\r\n").writerow
    else:

        def line(cells: Iterable[str]) -> None:
            handle.write("\t".join(_tsv_escape(cell) for cell in cells) + "\n")

    line(names)
    for part in parts:
        where = {c.name: i for i, c in enumerate(part.columns) if c.data}
        for row in part.rows:
            count += 1
            line(
                [
                    part.kind if name == SECTION and kinds else _text(row[where[name]]) if name in where else ""
                    for name in names
                ]
            )
    return count


def _tsv_escape(text: str) -> str:
    """A TSV cell holds no tab or line end: they are written as \\t, \\n, \\r (and \\ as \\\\)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json_value(value: object) -> object:
    """A cell as JSON: numbers, text, lists, mappings and null as they are; an RDF term by its value."""
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    from kgraph.results import XSD, Term

    if isinstance(value, Term):  # its IRI or lexical form; a whole number or truth value as such
        if value.datatype == XSD + "integer" and value.value.lstrip("+-").isdigit():
            return int(value.value)
        if value.datatype == XSD + "boolean" and value.value in ("true", "false"):
            return value.value == "true"
        return value.value
    return str(value)


def _text(value: object) -> str:
    """A cell as CSV/TSV text: a list (or a mapping's keys) joined with commas, None empty, a term
    by its value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, str):
        return value
    return str(getattr(value, "value", value))


def _shown(value: object, prefixes: dict[str, str]) -> str:
    """A cell as the terminal table shows it: scores to four places, IRIs compacted."""
    if isinstance(value, float):
        return f"{value:.4f}"
    if value is None or isinstance(value, (str, int, bool, list, tuple, dict)):
        return _text(value)
    return compact(value, prefixes)  # type: ignore[arg-type]


def _table(part: Rows, prefixes: dict[str, str]) -> int:
    """One part as a rich table (markup off: a label holding '[bold]' prints as written).

    Past ``MAX_TABLE_ROWS`` the rows are counted, not kept, and stderr says how to get them all."""
    from rich.table import Table

    shown = [i for i, c in enumerate(part.columns) if c.table]
    table = Table(
        *(part.columns[i].header for i in shown),
        title=part.title or None,
        title_justify="left",
        show_lines=part.lines,
        header_style="bold",
    )
    count = 0
    for row in part.rows:
        count += 1
        if count <= MAX_TABLE_ROWS:
            table.add_row(*(_shown(row[i], prefixes) for i in shown))
    if part.footer is not None:
        table.add_section()
        table.add_row(*(_shown(part.footer[i], prefixes) for i in shown))
    if count == 0 and part.empty is not None:
        console().print(part.empty)
        return 0
    console().print(table)
    if count > MAX_TABLE_ROWS:
        console(stderr=True).print(
            f"the table shows the first {MAX_TABLE_ROWS:,} of {count:,} rows; --format csv, tsv or json writes them all"
        )
    return count


def path_table(
    eg: EntityGraph, path: Path, number: int | None = None, certain: Callable[[Statement], bool] | None = None
) -> None:
    """One path as numbered hops: subject, predicate, object, date, quote, source; a hop only
    possibly in force at the time asked (``certain`` says no) has its date marked so."""
    from rich.table import Table

    title = f"Path {number}: {len(path.hops)} hop(s)" if number else f"{len(path.hops)} hop(s)"
    table = Table(
        "#",
        "subject",
        "predicate",
        "object",
        "date",
        "quote",
        "source",
        title=title,
        title_justify="left",
        show_lines=True,
    )
    for index, hop in enumerate(path.hops, 1):
        e = hop.edge
        when = e.when or "undated"
        if certain is not None and not certain(e):
            when += " (possibly in force)"
        table.add_row(
            str(index), _label(eg, e.subject), e.predicate_label, _label(eg, e.object), when, _quote(e), e.source or ""
        )
    console().print(table)


def _label(eg: EntityGraph, entity_id: str) -> str:
    from kgraph.network import label_of

    return label_of(eg, entity_id)


def _quote(edge: Statement) -> str:
    from kgraph.network import quoted

    return quoted(edge)


def entity_card(
    eg: EntityGraph,
    info: EntityInfo,
    edges: Iterable[Statement],
    fields: Iterable[tuple[str, str]] = (),
    supported: tuple[list[Statement], list[Statement]] = ([], []),
) -> None:
    """Everything known about one entity: its fields, its relations, and those it supports."""
    from rich.table import Table
    from rich.text import Text

    out = console()

    out.print(Text.assemble((info.label, "bold"), f"  ({info.type}, id: {info.id})"))
    if info.shown_aliases:
        out.print("also: " + ", ".join(info.shown_aliases))
    if info.description:
        out.print(info.description)
    for name, value in fields:
        out.print(f"{name}: {value}")
    table = Table("date", "relation", "quote", "source", show_lines=True, title="Relations", title_justify="left")
    count = 0
    for edge in edges:
        count += 1
        if edge.subject == info.id:
            text = f"{edge.predicate_label} {_label(eg, edge.object)}"
        else:
            text = f"{_label(eg, edge.subject)} {edge.predicate_label} {info.label}"
        table.add_row(edge.when or "undated", text, _quote(edge), edge.source or "")
    if count:
        out.print(table)
    else:
        out.print("No relations.")
    for edges_of_work, title in zip(supported, ("Relations quoted from it (its source)", "Relations that cite it")):
        if not edges_of_work:
            continue
        backed = Table(
            "date",
            "subject",
            "relation",
            "object",
            "quote",
            show_lines=True,
            title=f"{title}: {len(edges_of_work)}",
            title_justify="left",
        )
        for edge in edges_of_work:
            backed.add_row(
                edge.when or "undated",
                _label(eg, edge.subject),
                edge.predicate_label,
                _label(eg, edge.object),
                _quote(edge),
            )
        out.print(backed)


class _BuildProgress:
    """A build's progress on stderr: a bar over the relation files with the current step in a
    terminal; otherwise plain lines, one per step and one per tenth of the files (for logs)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.out = console(stderr=True)
        self.live = self.out.is_terminal
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.out,
            transient=True,
        )
        self.task = self.progress.add_task("building the graph", total=None)
        self.tenth = -1
        if self.live:
            self.progress.start()

    def step(self, what: str, event: str, done: int, total: int) -> None:
        if event == "start":
            if self.live:
                self.progress.update(self.task, description=f"building the graph: {what}")
            else:
                self.out.print(f"building the graph: {what}...", markup=False, highlight=False)
        elif event == "advance" and total:
            if self.live:
                self.progress.update(self.task, completed=done, total=total)
            elif done * 10 // total > self.tenth:
                self.tenth = done * 10 // total
                line = f"building the graph: {what}: {done:,} of {total:,} files"
                self.out.print(line, markup=False, highlight=False)

    def close(self) -> None:
        if self.live:
            self.progress.stop()


def build_progress() -> _BuildProgress:
    return _BuildProgress()


def plain_table(title: str, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
    """Rows of text under a title (``kgraph coverage``)."""
    from kgraph.rows import Column, Rows

    _table(Rows(tuple(map(Column, columns)), rows, title=title), {})


def coverage_tables(covs: list[SourceCoverage]) -> None:
    """Per source: coverage by section, the unquoted sentences, uncovered names, candidates, footnotes."""
    from kgraph.coverage import share

    for cov in covs:
        rows = [
            (s.title or "(before the first heading)", str(s.line), str(s.sentences), str(s.quoted), share(s.share))
            for s in cov.sections
        ]
        rows.append(("total", "", str(cov.sentences), str(cov.quoted), share(cov.share)))
        plain_table(
            f"{cov.source} ({cov.path}): sentences quoted", ("section", "line", "sentences", "quoted", "share"), rows
        )
        plain_table(
            f"sentences no relation quotes ({len(cov.unquoted)})",
            ("line", "section", "sentence"),
            ((str(s.line), s.section, s.text) for s in cov.unquoted),
        )
        grouped: dict[tuple[str, str], list[str]] = {}
        for m in cov.uncovered:
            grouped.setdefault((m.entity, m.name), []).append(str(m.line))
        plain_table(
            f"entity names no relation quoting there mentions ({len(cov.uncovered)})",
            ("entity", "name", "count", "lines"),
            ((e, n, str(len(lines)), ", ".join(lines)) for (e, n), lines in sorted(grouped.items())),
        )
        plain_table(
            f"capitalised names that match no entity ({len(cov.candidates)})",
            ("name", "count", "first line"),
            ((c.name, str(c.count), str(c.line)) for c in cov.candidates),
        )
        if cov.footnotes:
            plain_table(
                f"footnotes no relation cites ({len(cov.uncited)} of {cov.footnotes})",
                ("footnote", "line", "text"),
                ((str(n.number), str(n.line), n.text) for n in cov.uncited),
            )


# --- kgraph diff and kgraph agree ---

_SECTION_NAMES = {
    "relation": ("relation", "relations"),
    "entity": ("entity", "entities"),
    "type": ("type", "types"),
    "predicate": ("predicate", "predicates"),
}


def diff_summary(diff: Diff) -> str:
    """``relations: 1 added, 1 changed; entities: 1 removed`` (only what differs), or ``no differences``."""
    parts = []
    for section, counts in diff.counts().items():
        shown = [f"{n} {change}" for change, n in counts.items() if n]
        if shown:
            parts.append(f"{_SECTION_NAMES[section][1]}: {', '.join(shown)}")
    return "; ".join(parts) if parts else "no differences"


def _field_text(item: Item, change: FieldChange) -> str:
    if item.change != "changed":
        return f"{change.field}: {change.new if change.old is None else change.old}"
    return f"{change.field}: {_or_none(change.old)} \u2192 {_or_none(change.new)}"


def _or_none(value: str | None) -> str:
    return "(none)" if value is None else value


def diff_markdown(diff: Diff) -> str:
    """The diff as Markdown, to paste into a pull-request review."""
    lines = [f"### kgraph diff: {diff.old} \u2192 {diff.new}", "", diff_summary(diff)]
    heading = None
    for item in diff.items:
        current = (item.section, item.change)
        if current != heading:
            heading = current
            lines += ["", f"#### {_SECTION_NAMES[item.section][1].capitalize()} {item.change}", ""]
        where = f" at `{item.where}`" if item.where else ""
        lines.append(f"- **{item.label}** `{item.id}`{where}")
        lines += [f"  - {_field_text(item, change)}" for change in item.fields]
    return "\n".join(lines) + "\n"


def diff_table(diff: Diff) -> None:
    """The diff as a table on the terminal, then the summary."""
    from rich.table import Table

    out = console()
    if diff.items:
        table = Table(
            "change",
            "what",
            "label",
            "id",
            show_lines=True,
            title=f"kgraph diff: {diff.old} \u2192 {diff.new}",
            title_justify="left",
            header_style="bold",
        )
        table.add_column("where", no_wrap=True)  # a file:line cut short is no use
        table.add_column("details")
        for item in diff.items:
            details = "\n".join(_field_text(item, change) for change in item.fields)
            table.add_row(item.change, item.section, item.label, item.id, item.where, details)
        out.print(table)
    out.print(diff_summary(diff))


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_table(result: Agreement) -> None:
    """Scores of B against A, then the relations only one side has."""
    from rich.table import Table

    out = console()
    scores = Table(
        "measure", "value", title=f"agreement of {result.b} with {result.a}", title_justify="left", header_style="bold"
    )
    keyed = "subject, predicate, object" + (", date" if result.match_date else "")
    scores.add_row("relations in A / B", f"{result.a_relations} / {result.b_relations}")
    scores.add_row(f"matched ({keyed})", str(result.matched))
    scores.add_row("precision", _ratio(result.precision))
    scores.add_row("recall", _ratio(result.recall))
    scores.add_row("F1", _ratio(result.f1))
    scores.add_row(f"Cohen's kappa ({result.kappa_items} pairs)", _ratio(result.kappa))
    scores.add_row(
        f"quote overlap ({result.quote_pairs} matched pairs)",
        f"{_ratio(result.quote_overlap)} ({result.overlap_chars} of {result.union_chars} characters)",
    )
    out.print(scores)
    for title, claims in ((f"only in A ({result.a})", result.only_a), (f"only in B ({result.b})", result.only_b)):
        if not claims:
            continue
        table = Table(
            "relation (id)", title=f"{title}: {len(claims)}", title_justify="left", show_lines=True, header_style="bold"
        )
        table.add_column("where", no_wrap=True)  # a file:line cut short is no use
        table.add_column("quote")
        for claim in claims:
            table.add_row(f"{claim.label}\n({claim.id})", claim.where, f"\u201c{claim.quote}\u201d")
        out.print(table)
    if result.pairs:
        table = Table(
            "subject \u2192 object",
            "A",
            "B",
            header_style="bold",
            title_justify="left",
            title=f"pairs categorised differently (kappa's disagreements): {len(result.pairs)}",
        )
        for pair in result.pairs:
            table.add_row(pair.label, pair.a, pair.b)
        out.print(table)
