"""``kgraph coverage``: what of each source text the relations quote, and what they leave out."""

from __future__ import annotations

import json
from typing import Optional

import typer

from kgraph.cli.context import choose_format, output, project, say

COVERAGE_FORMATS = ("table", "json", "csv", "html")


def coverage(
    ctx: typer.Context,
    source: Optional[str] = typer.Argument(None, metavar="[SOURCE]",
                                           help="A publication with a text (id or label) [default: every one]."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="table, json, csv or html [default: table, or from -o's suffix]."),
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write here (atomically) instead of stdout; coverage.html shows "
                                           "the text with its quoted passages highlighted."),
) -> None:
    """Which sentences, names and footnotes of each source text no relation quotes yet.

    By section (the text's own headings) and in total: the share of sentences a quote overlaps,
    the sentences none does (with line numbers), entity names where no relation quoting that
    sentence mentions them, capitalised names that match no entity, and footnotes never cited.
    Example: kgraph coverage article -o coverage.html
    """
    from kgraph import coverage as cov
    from kgraph.errors import UnknownSource

    chosen = choose_format(fmt, out, COVERAGE_FORMATS)
    dataset = project(ctx).dataset()
    try:
        covs = cov.report(dataset, source)
    except UnknownSource as exc:
        raise typer.BadParameter(str(exc), param_hint="SOURCE") from None
    if not covs:
        say("no publication has a text: give one a 'text:' field in entities.yaml")
    if chosen == "table":
        from kgraph.cli import render

        render.coverage_tables(covs)
        return
    with output(out) as handle:
        if chosen == "json":
            handle.write(json.dumps([cov.as_plain(c) for c in covs], indent=2, ensure_ascii=False) + "\n")
        elif chosen == "csv":
            handle.write(cov.as_csv(covs))
        else:
            labels = {e.id: e.label for e in dataset.entities.values()}
            handle.write(cov.to_html(covs, labels))
    if out not in (None, "-"):
        say(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command()(coverage)
