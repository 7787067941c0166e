"""``kgraph vocab``: the project's types and predicates, and which predicate fits two types."""

from __future__ import annotations

import json
from typing import Optional

import typer

from kgraph.cli.context import choose_format, output, project, say
from kgraph.cli.options import complete_types

VOCAB_FORMATS = ("table", "json", "csv")


def vocab(
    ctx: typer.Context,
    subject: Optional[str] = typer.Option(None, "--subject", "-s", metavar="TYPE",
                                          help="Only predicates that take this type as subject "
                                               "(a subtype fits where its parent does).",
                                          autocompletion=complete_types),
    obj: Optional[str] = typer.Option(None, "--object", metavar="TYPE",
                                      help="Only predicates that take this type as object.",
                                      autocompletion=complete_types),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="table, json or csv [default: table, or from -o's suffix]."),
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write here (atomically) instead of stdout."),
) -> None:
    """List the project's types and predicates: labels, descriptions, parents, subject and object types.

    The vocabulary is the data folder's vocabulary.yaml (or kgraph's core vocabulary without one).
    Which predicate fits? kgraph vocab --subject Person --object Organization
    """
    from kgraph.vocabulary import (PREDICATE_COLUMNS, TYPE_COLUMNS, fitting, listing_json, predicate_rows,
                                   type_rows)

    chosen = choose_format(fmt, out, VOCAB_FORMATS)
    vocabulary = project(ctx).vocabulary()
    for option, value in (("--subject", subject), ("--object", obj)):
        if value is not None and value not in vocabulary.types:
            raise typer.BadParameter(f"unknown type '{value}'{vocabulary.suggest_type(value)}",
                                     param_hint=option)
    filtered = subject is not None or obj is not None
    predicates = fitting(vocabulary, subject, obj)
    if chosen == "table":
        from kgraph.cli import render

        if not filtered:
            render.plain_table(f"types ({len(vocabulary.types)})", TYPE_COLUMNS, type_rows(vocabulary))
        title = "predicates" if not filtered else (
            f"predicates from {subject or 'any type'} to {obj or 'any type'}")
        render.plain_table(f"{title} ({len(predicates)})", PREDICATE_COLUMNS, predicate_rows(predicates))
        if filtered and not predicates:
            say("no predicate fits: declare one in vocabulary.yaml (see kgraph vocab for the shape)")
        return
    with output(out) as handle:
        if chosen == "json":
            data = listing_json(vocabulary, predicates, types=not filtered)
            handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            handle.write(_csv(vocabulary, predicates, filtered))
    if out not in (None, "-"):
        say(f"wrote {out}")


def _csv(vocabulary: object, predicates: list, filtered: bool) -> str:  # type: ignore[type-arg]
    """One CSV: a ``kind`` column tells types from predicates."""
    import csv
    import io

    from kgraph.vocabulary import Vocabulary, predicate_rows, type_rows

    assert isinstance(vocabulary, Vocabulary)
    columns = ("kind", "name", "label", "inverse", "parent", "subject", "object", "flags", "fields",
               "description")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    if not filtered:
        for name, label, parent, fields, description in type_rows(vocabulary):
            writer.writerow(("type", name, label, "", parent, "", "", "", fields, description))
    for pid, label, inverse, subject, obj, flags, description in predicate_rows(predicates):
        writer.writerow(("predicate", pid, label, inverse, "", subject, obj, flags, "", description))
    return buffer.getvalue()


def register(app: typer.Typer) -> None:
    app.command()(vocab)
