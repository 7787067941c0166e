"""Commands that start a project or describe its files to other tools: init, schema."""

from __future__ import annotations

import typer

from kgraph.cli.context import output, project, say


def init(
    folder: str = typer.Argument(..., metavar="DIR", help="The new project's folder (new or empty)."),
    vocabulary: str = typer.Option(
        "core",
        "--vocabulary",
        metavar="core|politics|FILE",
        help="The vocabulary to extend (one kgraph ships) or a file to start from.",
    ),
) -> None:
    """Start a new project in DIR: data/ (vocabulary, entities, relations, sources/) and queries/.

    The project validates at once; each file holds a commented example. An existing project is
    never overwritten. Then: cd DIR && kgraph validate.
    """
    from kgraph.errors import printable
    from kgraph.newproject import create

    written = create(folder, vocabulary)
    for name in written:
        typer.echo(printable(f"{folder.rstrip('/')}/{name}"))
    say(
        f"created a project in {folder}: put your text in {folder.rstrip('/')}/data/sources/, "
        f"then cd {folder} && kgraph validate"
    )


def schema(
    ctx: typer.Context,
    out: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the schema here (default: stdout)."
    ),
) -> None:
    """JSON Schema of this project's entity and relation files, for editors that check YAML as you type.

    Types, predicates and ids come from the project (so regenerate it after adding entities).
    Point an editor at it with a first line such as:  # yaml-language-server: $schema=../schema.json
    """
    import json

    from kgraph.schema import project_schema

    proj = project(ctx)
    document = project_schema(proj.dataset())
    with output(out, keep_out=proj.data_dir) as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    if out and out != "-":
        say(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(schema)
