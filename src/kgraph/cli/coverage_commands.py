"""``kgraph coverage``: what of each source text the relations quote, and what they leave out."""

from __future__ import annotations

import json

import typer

from kgraph.cli.context import choose_format, output, project, say
from kgraph.cli.options import ROW_FORMATS

#: The row formats (csv and tsv: one row per finding), the report's own JSON, and the highlighted text.
COVERAGE_FORMATS = (*ROW_FORMATS, "html")


def coverage(
    ctx: typer.Context,
    source: str | None = typer.Argument(
        None, metavar="[SOURCE]", help="A publication with a text (id or label) [default: every one]."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="table, json, csv, tsv or html [default: table, or from -o's suffix]."
    ),
    out: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write here (atomically) instead of stdout; coverage.html shows "
        "the text with its quoted passages highlighted.",
    ),
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
    from kgraph.cli import render

    if chosen == "table":
        render.coverage_tables(covs)
        return
    if chosen in ("csv", "tsv"):
        render.emit(cov.finding_rows(covs), chosen, out, keep_out=project(ctx).data_dir)
        return
    with output(out, keep_out=project(ctx).data_dir) as handle:
        if chosen == "json":
            handle.write(json.dumps([cov.as_plain(c) for c in covs], indent=2, ensure_ascii=False) + "\n")
        else:
            labels = {e.id: e.label for e in dataset.entities.values()}
            handle.write(cov.to_html(covs, labels))
    if out not in (None, "-"):
        say(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command()(coverage)
