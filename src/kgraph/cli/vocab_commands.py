"""``kgraph vocab``: the project's types and predicates, and which predicate fits two types."""

from __future__ import annotations

import typer

from kgraph.cli.context import project, say
from kgraph.cli.options import FORMAT, OUTPUT, complete_types, row_format


def vocab(
    ctx: typer.Context,
    subject: str | None = typer.Option(
        None,
        "--subject",
        "-s",
        metavar="TYPE",
        help="Only predicates that take this type as subject (a subtype fits where its parent does).",
        autocompletion=complete_types,
    ),
    obj: str | None = typer.Option(
        None,
        "--object",
        metavar="TYPE",
        help="Only predicates that take this type as object.",
        autocompletion=complete_types,
    ),
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
) -> None:
    """List the project's types and predicates: labels, descriptions, parents, subject and object types.

    The vocabulary is the data folder's vocabulary.yaml (or kgraph's core vocabulary without one).
    Which predicate fits? kgraph vocab --subject Person --object Organization
    """
    from kgraph.cli import render
    from kgraph.vocabulary import listing_rows

    fmt = row_format(fmt, out)
    proj = project(ctx)
    vocabulary = proj.vocabulary()
    for option, value in (("--subject", subject), ("--object", obj)):
        if value is not None and value not in vocabulary.types:
            raise typer.BadParameter(f"unknown type '{value}'{vocabulary.suggest_type(value)}", param_hint=option)
    count = render.emit(listing_rows(vocabulary, subject, obj), fmt, out, keep_out=proj.data_dir)
    if (subject is not None or obj is not None) and count == 0:
        say("no predicate fits: declare one in vocabulary.yaml (see kgraph vocab for the shape)")


def register(app: typer.Typer) -> None:
    app.command()(vocab)
