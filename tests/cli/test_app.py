"""The application shell: help, version, exit codes, fast start."""

from __future__ import annotations

import json
import subprocess
import sys

from kgraph import __version__

from conftest import ROOT, SRC, walked


def test_version(cli) -> None:
    run = cli("--version", data=None)
    assert run.code == 0 and run.out.strip() == f"kgraph {__version__}"


def test_help_lists_every_command(cli) -> None:
    run = cli("--help", data=None)
    assert run.code == 0
    for command in ("validate", "build", "query", "queries", "export", "path", "show", "stats"):
        assert f"  {command} " in run.out


def test_every_command_has_help_with_a_description(cli) -> None:
    import typer.main

    from kgraph.cli.app import app

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
    code = (
        "import sys; from kgraph.cli.app import main; sys.argv=['kgraph','--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rdflib','networkx','yaml','rich','pyoxigraph'))), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_data_folder_from_environment(monkeypatch) -> None:
    from conftest import MINI, run_cli

    monkeypatch.setenv("KGRAPH_DATA", str(MINI))
    assert run_cli("validate", data=None).code == 0


def _commands() -> list[str]:
    """Every command the application registers (what ``kgraph --help`` lists)."""
    import typer.main

    from kgraph.cli.app import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_every_registered_command_is_documented_in_the_readme() -> None:
    """Each command has a row of its own in one of the README's command tables (``| `kgraph NAME``)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) > 15
    assert [name for name in commands if f"| `kgraph {name}" not in readme] == []


def test_the_readme_lists_every_exit_code_and_no_other() -> None:
    """The README's exit-code table and cli/exitcodes.py say the same codes."""
    import re

    from kgraph.cli import exitcodes

    defined = {value for name, value in vars(exitcodes).items() if name.startswith("EXIT_")}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", _readme_section("## Exit codes"), re.M)}
    assert documented == defined


def test_exit_codes_are_named_in_one_module_that_imports_nothing() -> None:
    """cli/exitcodes.py imports nothing (so every part of the CLI can import it without cycles), and
    no command exits with a bare number: ``typer.Exit(1)``, ``return 130``, ``sys.exit(2)``."""
    import ast

    tree = ast.parse((SRC / "cli" / "exitcodes.py").read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    bare = []
    for path in sorted((SRC / "cli").glob("*.py")):
        for node in walked(path):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in ("typer.Exit", "sys.exit", "Exit")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value
            ):
                bare.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
            if (
                isinstance(node, ast.Return)
                and isinstance(node.value, ast.Constant)
                and type(node.value.value) is int
                and path.name in ("app.py", "fastquery.py")
            ):
                bare.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert bare == []
