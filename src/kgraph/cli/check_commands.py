"""kgraph check: the curators' own checks in queries/checks/."""

from __future__ import annotations

import os

import typer

from kgraph.cli.context import project, say
from kgraph.cli.exitcodes import EXIT_ERROR
from kgraph.cli.options import FORMAT, OUTPUT, row_format


def check(
    ctx: typer.Context,
    fail_on: str = typer.Option(
        "error",
        "--fail-on",
        metavar="SEVERITY",
        help="Exit 1 when a check of this severity or above has rows: error, warn or info.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the checks that have rows."),
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
) -> None:
    """Run the checks in queries/checks/: SELECT queries that must return no rows.

    Each check starts with a comment giving its description and its severity
    (# severity: error, warn or info). The rows of every failing check are printed;
    the exit code is 1 when a check at or above --fail-on has rows, whatever the format.
    JSON, CSV and TSV give one row per row of a failing check: check, severity, description,
    then the check's own variables.
    """
    from kgraph.checks import SEVERITIES, failing, load_checks, problem_rows, run_checks
    from kgraph.cli import render

    if fail_on not in SEVERITIES:
        raise typer.BadParameter(f"choose one of {', '.join(SEVERITIES)}", param_hint="--fail-on")
    fmt = row_format(fmt, out)
    proj = project(ctx)
    folder = os.path.join(proj.query_folder, "checks")
    checks = load_checks(folder)
    if not checks:
        say(f"no checks in {folder}")
        if fmt != "table":  # a program still gets a document it can parse
            render.emit(problem_rows([]), fmt, out, keep_out=proj.data_dir)
        return
    store = proj.engine_for("query")
    outcomes = run_checks(checks, lambda text: store.query(text, False, proj.prefixes, None))
    if fmt != "table":
        render.emit(problem_rows(outcomes), fmt, out, keep_out=proj.data_dir)
    else:
        for outcome in outcomes:
            if outcome.passed and quiet:
                continue
            status = "ok" if outcome.passed else f"{len(outcome.rows)} row(s)"
            typer.echo(f"{outcome.check.severity:<5}  {outcome.check.name}: {status}  ({outcome.check.description})")
            if not outcome.passed:
                render.rows_table(outcome.variables, outcome.rows, proj.prefixes)
    failed = failing(outcomes, fail_on)
    counts = {s: sum(1 for o in outcomes if o.rows and o.check.severity == s) for s in SEVERITIES}
    say(
        f"{len(outcomes)} check(s): {counts['error']} error, {counts['warn']} warn, {counts['info']} info "
        f"with rows; failing at --fail-on {fail_on}: {len(failed)}"
    )
    if failed:
        raise typer.Exit(EXIT_ERROR)


def register(app: typer.Typer) -> None:
    app.command()(check)
