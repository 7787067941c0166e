"""The Typer application: global options, error-to-exit-code mapping, command registration.

Imported by ``kgraph.cli.app.main()`` only when the fast path (fastquery.py) does not answer."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from kgraph import __version__
from kgraph.cli.failures import failure
from kgraph.cli.fastquery import ENVIRONMENT, GLOBAL_OPTIONS
from kgraph.engine import ENGINES
from kgraph.errors import printable
from kgraph.project import Project
from kgraph.vocab import DEFAULT_BASE, base_problem

try:  # Typer >= 0.20 vendors Click; older releases use Click itself
    from typer.exceptions import TyperException as _UsageBase
except ImportError:  # pragma: no cover
    # Which of the two is missing depends on the installed Typer: each ignore is needed on one of them.
    from click.exceptions import ClickException as _UsageBase  # type: ignore[assignment, no-redef, import-not-found, unused-ignore]

#: Exceptions that already carry their own message and exit code.
_PASS_THROUGH = (typer.Exit, typer.Abort, _UsageBase)


class KgraphGroup(TyperGroup):
    """Maps library exceptions to messages and exit codes, in one place."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            lines, code = failure(exc)
            if ctx.params.get("debug") and lines and lines[0].startswith("internal error"):
                raise  # a bug: the traceback only with --debug
            for line in lines:
                typer.echo(line, err=True)
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=KgraphGroup,
    name="kgraph",
    help="Build a knowledge graph from annotated YAML and query it: SPARQL, exports, "
    "and paths between actors with the quoted evidence for every hop.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: str = typer.Option(
        "data",
        *GLOBAL_OPTIONS["data"],
        envvar=ENVIRONMENT["data"],
        metavar="DIR",
        help="Data folder holding entities.yaml and relations.yaml.",
    ),
    base: str = typer.Option(
        DEFAULT_BASE,
        *GLOBAL_OPTIONS["base"],
        envvar=ENVIRONMENT["base"],
        metavar="IRI",
        help="Base IRI for entities and statements.",
    ),
    queries: str | None = typer.Option(
        None,
        *GLOBAL_OPTIONS["queries"],
        envvar=ENVIRONMENT["queries"],
        metavar="DIR",
        help="Folder of named queries [default: queries/ beside the data].",
    ),
    engine: str | None = typer.Option(
        None,
        *GLOBAL_OPTIONS["engine"],
        envvar=ENVIRONMENT["engine"],
        metavar="NAME",
        help=f"{' or '.join(ENGINES)} for every operation [default: the faster one for each, see docs/benchmarks.md].",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks for internal errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Global options go before the command: kgraph --data other/ validate."""
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"choose {' or '.join(ENGINES)}", param_hint="--engine")
    problem = base_problem(base)
    if problem is not None:
        raise typer.BadParameter(f"{problem}, not {base!r}", param_hint="--base")
    ctx.obj = Project(data_dir=data, base=base, queries_dir=queries, engine=engine, notify=_note)


def _note(message: str) -> None:
    typer.echo(printable(f"note: {message}"), err=True)


def _register() -> None:
    from kgraph.cli import (
        check_commands,
        coverage_commands,
        data_commands,
        graph_commands,
        project_commands,
        query_commands,
        review_commands,
        store_commands,
        vocab_commands,
    )

    for module in (
        project_commands,
        data_commands,
        vocab_commands,
        query_commands,
        check_commands,
        coverage_commands,
        review_commands,
        graph_commands,
        store_commands,
    ):
        module.register(app)


_register()
