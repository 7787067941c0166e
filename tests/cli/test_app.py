"""The application shell: help, version, exit codes, fast start."""

from __future__ import annotations

import json
import subprocess
import sys

from kgraph import __version__


def test_version(cli) -> None:
    run = cli("--version", data=None)
    assert run.code == 0 and run.out.strip() == f"kgraph {__version__}"


def test_help_lists_every_command(cli) -> None:
    run = cli("--help", data=None)
    assert run.code == 0
    for command in ("validate", "build", "query", "queries", "export", "path", "show", "stats"):
        assert f"  {command} " in run.out


def test_every_command_has_help_with_a_description(cli) -> None:
    from kgraph.cli.app import app
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        run = cli(name, "--help", data=None)
        assert run.code == 0, name
        assert command.help and len(command.help) > 20, name


def test_usage_error_exits_2(cli) -> None:
    run = cli("path", "only-one", data=None)
    assert run.code == 2
    assert "Missing argument" in run.err


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys; from kgraph.cli.app import main; sys.argv=['kgraph','--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('rdflib','networkx','yaml','rich','pyoxigraph'))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_data_folder_from_environment(monkeypatch) -> None:
    from conftest import MINI, run_cli

    monkeypatch.setenv("KGRAPH_DATA", str(MINI))
    assert run_cli("validate", data=None).code == 0
