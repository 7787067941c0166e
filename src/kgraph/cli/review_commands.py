"""``kgraph diff`` and ``kgraph agree``: reviewing a change to the annotations, and comparing two annotators."""

from __future__ import annotations

import json

import typer

from kgraph.cli.context import output, project, say
from kgraph.cli.exitcodes import EXIT_ERROR
from kgraph.cli.options import choice

DIFF_FORMATS = ("table", "markdown", "json")
AGREE_FORMATS = ("table", "json")


def _format(fmt: str | None, out: str | None, allowed: tuple[str, ...]) -> str:
    """--format, else from -o's suffix (.md, .json), else table; a table is for the terminal."""
    chosen = fmt
    if chosen is None:
        suffixes = {".json": "json", ".md": "markdown", ".markdown": "markdown"}
        chosen = next((f for s, f in suffixes.items() if out and out.lower().endswith(s) and f in allowed), "table")
    choice(chosen, allowed, "--format")
    if chosen == "table" and out not in (None, "-"):
        others = " or ".join(f for f in allowed if f != "table")
        raise typer.BadParameter(f"a table is for the terminal: use --format {others} with -o", param_hint="--format")
    return chosen


def diff(
    ctx: typer.Context,
    old: str | None = typer.Argument(None, metavar="[OLD]", help="The old data folder."),
    new: str | None = typer.Argument(None, metavar="[NEW]", help="The new data folder."),
    rev: str | None = typer.Option(
        None,
        "--rev",
        metavar="REV|A..B",
        help="Compare the data folder (--data) at git revision REV with the "
        "working tree, or at revision A with revision B.",
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="table, markdown or json [default: table, or from -o's suffix]."
    ),
    out: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."
    ),
) -> None:
    """Claim-level differences between two data folders, or two git revisions of one.

    Relations added, removed and changed (same subject, predicate, object and source; changed
    dates, quote, kind, quantities, note, cites or footnotes), entities added, removed and changed
    (label, type, aliases...), types and predicates added, removed and changed; each by label and
    id, with its file:line. Exit 0 when equal, 1 when different.
    Examples: kgraph diff old-data/ data/; kgraph diff --rev HEAD~1; kgraph diff --rev v1..v2 -f markdown
    """
    from kgraph import diff as review
    from kgraph.cli import render

    chosen = _format(fmt, out, DIFF_FORMATS)
    if rev is not None and (old is not None or new is not None):
        raise typer.BadParameter("give either OLD NEW or --rev, not both", param_hint="--rev")
    if rev is None and (old is None or new is None):
        raise typer.BadParameter("give two data folders, OLD NEW, or --rev REV", param_hint="OLD NEW")
    revisions = None
    if rev is not None:
        revisions = review.revisions(project(ctx).data_dir, rev)
        old_side, new_side = revisions.old, revisions.new
    else:
        assert old is not None and new is not None
        old_side, new_side = review.folder_side(old), review.folder_side(new)
    try:
        before, after = review.load_both(old_side, new_side)
        result = review.diff(before, after, old_side, new_side)
    finally:
        if revisions is not None:
            revisions.close()
    if chosen == "table":
        render.diff_table(result)
    else:
        # Neither compared folder (nor the project's) is written over by the report.
        folders = [side.folder for side in (old_side, new_side)] + [project(ctx).data_dir]
        with output(out, keep_out=folders) as handle:
            if chosen == "json":
                handle.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
            else:
                handle.write(render.diff_markdown(result))
        if out not in (None, "-"):
            say(f"wrote {out}: {render.diff_summary(result)}")
    if not result.equal:
        raise typer.Exit(EXIT_ERROR)


def agree(
    a: str = typer.Argument(..., metavar="A", help="The reference annotation (a data folder)."),
    b: str = typer.Argument(..., metavar="B", help="The annotation compared with it (a data folder)."),
    match_date: bool = typer.Option(False, "--match-date", help="Relations match only with the same date too."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="table or json [default: table, or from -o's suffix]."),
    out: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."
    ),
) -> None:
    """How far two annotations of the same text(s) agree: B scored against A.

    Relations match on subject, predicate and object (--match-date: and date). Prints precision,
    recall and F1 of B against A, Cohen's kappa over the (subject, object) pairs either side
    annotates (the category being the predicate(s) or none), how much the quotes of matched
    relations overlap in the text, and the relations only one side has.
    """
    from kgraph import diff as review
    from kgraph.agree import agree as score
    from kgraph.cli import render

    chosen = _format(fmt, out, AGREE_FORMATS)
    side_a, side_b = review.folder_side(a), review.folder_side(b)
    first, second = review.load_both(side_a, side_b, names=("A", "B"))
    result = score(first, second, side_a, side_b, match_date)
    if chosen == "table":
        render.agreement_table(result)
        return
    with output(out, keep_out=[a, b]) as handle:  # neither annotation is written over
        handle.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    if out not in (None, "-"):
        say(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command()(diff)
    app.command()(agree)
