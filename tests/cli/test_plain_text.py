"""Plain text stays plain (issue 17, items 4, 9 and 12): data is never read as Rich markup, control
characters are refused in the data and never reach the terminal raw, and pictures and XML outputs
stay well-formed whatever a label holds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import pytest

from conftest import MINI, integration, run_cli
from servers import scripted  # noqa: F401  (fixture)

TEXT = "\nRussia used this opportunity [sic] at once. Vladimir Putin met Kim Jong-il in July 2000 [emphasis added].\n"


@pytest.fixture
def marked(make_data) -> Path:
    """The mini data set with a label holding Rich markup and quotes holding editorial brackets."""
    entities = (
        (MINI / "entities.yaml")
        .read_text(encoding="utf-8")
        .replace("label: Russia\n", "label: 'Rus[/]sia [bold]x[/bold] :smile:'\n")
    )
    relations = (MINI / "relations.yaml").read_text(encoding="utf-8") + (
        "- subject: russia\n  predicate: cooperatedWith\n  object: korea\n  date: 1895-04\n  kind: assessment\n"
        "  quote: Russia used this opportunity [sic] at once\n"
        "- subject: putin\n  predicate: met\n  object: kim-jong-il\n  date: 2000-07\n"
        "  quote: Vladimir Putin met Kim Jong-il in July 2000 [emphasis added]\n"
    )
    folder = make_data(entities=entities, relations=relations)
    with open(folder / "sources" / "text.txt", "a", encoding="utf-8") as text:
        text.write(TEXT)
    return folder


LABEL = "Rus[/]sia [bold]x[/bold] :smile:"


def _flat(text: str) -> str:
    """Table output with the cell borders and wrapping taken out, to look for a phrase."""
    return re.sub(r"\s+", " ", re.sub(r"[│┃║]", " ", text))


@pytest.mark.parametrize(
    "args",
    [
        ("show", "russia"),
        ("path", "Vladimir Putin", "Korea"),
        ("neighbors", "russia"),
        ("timeline",),
        ("rank",),
        ("query", "SELECT ?label WHERE { ?s rdfs:label ?label }"),
        ("stats",),
    ],
)
def test_labels_and_quotes_are_never_read_as_markup(cli, marked: Path, args: tuple[str, ...]) -> None:
    run = cli(*args, data=marked)
    assert run.code == 0, run
    if args[0] != "stats":
        assert LABEL in run.out, run
    if args[0] in ("show", "path", "timeline"):
        flat = _flat(run.out)
        assert "[assessment]" in flat and "opportunity [sic] at once" in flat, run
    if args[0] == "timeline":
        assert "2000 [emphasis added]" in _flat(run.out)


def test_control_characters_in_the_data_are_refused_with_their_place(cli, make_data) -> None:
    entities = (
        (MINI / "entities.yaml").read_text(encoding="utf-8").replace("label: China\n", 'label: "China\\e]0;owned\\a"\n')
    )
    relations = (
        (MINI / "relations.yaml")
        .read_text(encoding="utf-8")
        .replace("  note: Test only.\n", '  note: "one\\u0001two"\n')
    )
    data = make_data(entities=entities, relations=relations)
    run = cli("validate", data=data)
    assert run.code == 1
    assert "\x1b" not in run.err and "\x07" not in run.err
    lines = run.err.splitlines()
    assert (
        f"{data}/entities.yaml:17:10: error: field 'label': control character U+001B at character 6 "
        "of the value is not allowed in data; remove it" in lines
    ), run
    assert (
        f"{data}/relations.yaml:25:9: error: field 'note': control character U+0001 at character 4 "
        "of the value is not allowed in data; remove it" in lines
    ), run
    # Nothing is exported from such data.
    assert cli("export", "-f", "xml", data=data).code == 1


def test_c1_controls_and_del_are_refused_too(cli, make_data) -> None:
    for char in ("\\x7f", "\\x9b", "\\x85"):
        entities = (
            (MINI / "entities.yaml").read_text(encoding="utf-8").replace("label: China\n", f'label: "Chi{char}na"\n')
        )
        run = cli("validate", data=make_data(entities=entities))
        assert run.code == 1 and "field 'label': control character" in run.err, (char, run)


def test_escape_sequences_from_queries_and_errors_reach_the_terminal_escaped(cli) -> None:
    # The same rendering serves --endpoint answers: a remote value is a row like this one.
    run = cli("query", 'SELECT ?x WHERE { BIND("\\u001b]0;pwned\\u0007red\\u009b" AS ?x) }')
    assert run.code == 0, run
    assert "\x1b" not in run.out and "\x07" not in run.out and "\x9b" not in run.out
    assert "\\x1b]0;pwned\\x07red\\x9b" in run.out
    run = cli("show", "ab\x1b]0;pwned\x07cd")  # an OSC sequence: retitles the terminal
    assert run.code == 1 and "\x1b" not in run.err and "\x07" not in run.err, run
    assert "unknown entity 'ab\\x1b]0;pwned\\x07cd'" in run.err, run


def _yaml(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes, but astral characters written out)."""
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028")


ODD = "A & B <!-- ]]> \"q\" 'a'\t\u2028\u00a0\U0001f600 end"


@pytest.fixture
def odd(make_data) -> Path:
    """Every label, description and note holding characters that XML writers must escape."""
    entities = (
        (MINI / "entities.yaml")
        .read_text(encoding="utf-8")
        .replace("label: China\n", f"label: {_yaml(ODD)}\n  description: {_yaml(ODD + chr(10) + 'two')}\n")
    )
    return make_data(entities=entities)


def test_xml_outputs_stay_well_formed(cli, odd: Path, tmp_path: Path) -> None:
    outputs = {}
    for fmt in ("xml", "graphml", "gexf"):
        target = tmp_path / f"kg.{fmt}"
        assert cli("export", "-f", fmt, "-o", str(target), data=odd).code == 0
        outputs[fmt] = target.read_bytes()
    run = cli("query", "SELECT ?l WHERE { ?s rdfs:label ?l }", "-f", "xml", data=odd)
    assert run.code == 0, run
    outputs["sparql-xml"] = run.out_bytes
    if shutil.which("dot"):
        target = tmp_path / "kg.svg"
        assert cli("draw", "-o", str(target), data=odd).code == 0
        outputs["svg"] = target.read_bytes()
    for name, data in outputs.items():
        root = ET.fromstring(data)  # raises on ill-formed XML
        texts = {t.strip() for t in root.itertext()} | {v for e in root.iter() for v in e.attrib.values()}
        assert any("A & B <!-- ]]>" in t for t in texts), name


def _label_with(make_data, label: str) -> Path:
    entities = (
        (MINI / "entities.yaml").read_text(encoding="utf-8").replace("label: China\n", f"label: {_yaml(label)}\n")
    )
    return make_data(entities=entities)


EVIL = 'China<!--<script>\n"]\n  x --> y\nclick n0 call alert()\n'


def test_html_page_keeps_its_script_whatever_the_label(cli, make_data, tmp_path: Path) -> None:
    import html5rdf  # an HTML5 tokenizer (html5lib's), as a browser reads the page

    label = "China<!--<script>"  # opens a comment-like state that "</script>" cannot end
    out = tmp_path / "x.html"
    assert cli("draw", "-o", str(out), data=_label_with(make_data, label)).code == 0
    page = out.read_text(encoding="utf-8")
    tree = html5rdf.parse(page, namespaceHTMLElements=False)
    scripts = tree.findall(".//script")
    # The vendored Cytoscape.js, the data and the program, each closed where it should be.
    assert len(scripts) == 3, [s.attrib for s in scripts]
    vendored = files("kgraph").joinpath("vendor/cytoscape.min.js").read_text(encoding="utf-8")
    assert scripts[0].text == vendored
    assert scripts[1].get("id") == "kgraph-data"
    data = json.loads(scripts[1].text)
    assert label in {n["label"] for n in data["nodes"]}
    assert "function" in scripts[2].text and "textContent" in scripts[2].text


@pytest.mark.parametrize("focus", [(), ("china",)])  # the ego picture has the label in its title
def test_mermaid_labels_stay_inside_their_node(cli, make_data, focus: tuple[str, ...]) -> None:
    run = cli("draw", *focus, "--format", "mermaid", data=_label_with(make_data, EVIL + "\u2028"))
    assert run.code == 0, run
    lines = run.out.splitlines()
    # Front matter: the title alone, one YAML double-quoted (JSON-escaped) scalar on one line.
    assert lines[0] == lines[2] == "---" and lines[3] == "flowchart LR", run.out
    title = re.fullmatch(r'title: ("(?:[^"\\]|\\.)*")', lines[1])
    assert title and title.group(1).isprintable(), lines[1]  # U+2028 escaped
    if focus:
        assert EVIL + "\u2028" in json.loads(title.group(1))
    node = re.compile(r'  n\d+\["([^"\n]*)"\]:::\w+')
    # Bundled edges: '--' for one relation, '==' for several; '---'/'===' when symmetric. Only our own
    # <br> separates a bundle's lines; every other '<' is an entity code.
    edge = re.compile(r'  n\d+ (--|==) "((?:[^"<\n]|<br>)*)" (-->|---|==>|===) n\d+')
    classdef = re.compile(r"  classDef \w+ fill:#[0-9a-f]{6},stroke:#555")
    assert all(node.fullmatch(line) or edge.fullmatch(line) or classdef.fullmatch(line) for line in lines[4:]), run.out
    assert any(edge.fullmatch(line) for line in lines[4:])
    labels = [re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), m.group(1)) for m in map(node.fullmatch, lines) if m]
    assert EVIL + "\u2028" in labels


def test_dot_labels_stay_inside_their_node(cli, make_data) -> None:
    run = cli("draw", "--format", "dot", data=_label_with(make_data, EVIL))
    assert run.code == 0, run
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    done = subprocess.run(["dot", "-Tjson"], input=run.out, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    graph = json.loads(done.stdout)
    entities = {"russia", "korea", "china", "treaty-1884", "putin", "kim-jong-il", "friendship-treaty"}
    names = {o["name"] for o in graph["objects"]}
    assert entities <= names  # the seven entities, and beside them only the legend:
    assert all(n.startswith(("legend:", "cluster_legend")) for n in names - entities), names
    assert EVIL.replace("\n", "\\n") in {o.get("label") for o in graph["objects"]}


@integration
def test_remote_values_and_errors_are_plain_text_too(scripted) -> None:  # noqa: F811
    value = "Rus[/]sia [sic] \x1b]0;pwned\x07"
    rows = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": value}}]}}
    server = scripted(
        lambda seen: (200, {"Content-Type": "application/sparql-results+json"}, json.dumps(rows).encode())
    )
    run = run_cli("query", "SELECT ?x WHERE { ?x ?y ?z }", "--endpoint", server.url + "/sparql")
    assert run.code == 0, run
    assert "Rus[/]sia [sic] \\x1b]0;pwned\\x07" in run.out and "\x1b" not in run.out, run
    failing = scripted(lambda seen: (500, {"Content-Type": "text/plain"}, b"boom \x1b[2J\x1b]0;pwned\x07"))
    run = run_cli("query", "SELECT ?x WHERE { ?x ?y ?z }", "--endpoint", failing.url + "/sparql")
    assert run.code == 1, run
    assert "\x1b" not in run.err and "\x07" not in run.err and "boom" in run.err, run


@pytest.mark.parametrize("command", ["diff", "agree"])
def test_diff_and_agree_tables_print_labels_and_quotes_as_written(
    cli, marked: Path, tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review commands print through the same plain console as the others."""
    plain = Path(shutil.copytree(MINI, tmp_path / "plain"))
    # Relative folders: a long temporary path in the location column squeezes the label's column
    # until its text is cut short ("[bold]x[/bol…"), whatever the markup does.
    monkeypatch.chdir(tmp_path)
    run = cli(command, plain.name, str(marked.relative_to(tmp_path)))
    assert run.code == (1 if command == "diff" else 0), run
    # Narrow cells wrap, so look for each marked-up piece rather than the whole phrase.
    for piece in ("[sic]", "Rus[/]sia", "[bold]x[/bold]", ":smile:"):
        assert piece in run.out, (piece, run)
