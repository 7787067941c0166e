"""One output bundle for every command that prints rows (issue 12): ``--format table|json|csv|tsv``
and ``-o FILE`` (the format from its suffix), rendered by one ``render.emit``.

Each command is run in each format on the bundled data, and its output parsed back (json.loads, the
csv module) to check real values; a label holding a comma, quotes, a tab, a newline and Rich markup
must come back as written and never break a format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED_VOCABULARY, DATA, MINI, ROOT, Run, declared

FORMATS = ("json", "csv", "tsv")


def _tsv_cell(text: str) -> str:
    """Undo the TSV escapes: \\t, \\n, \\r and \\\\."""
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[following])
        else:
            out.append(char)
    return "".join(out)


def parse(text: str, fmt: str) -> list[dict[str, object]]:
    """Rows as dictionaries: JSON as it is; CSV and TSV through the csv module (empty cells dropped,
    as JSON gives null or leaves the key out)."""
    if fmt == "json":
        rows = json.loads(text)
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        assert text == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"  # streamed, laid out as one
        return rows
    if fmt == "csv":
        assert text == "" or text.endswith("\r\n")  # RFC 4180 line ends
        reader = csv.DictReader(io.StringIO(text, newline=""))
    else:
        lines = text.split("\n")
        assert lines[-1] == "" and all("\r" not in line for line in lines)
        reader = csv.DictReader(lines[:-1], delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for row in reader:
        assert None not in row, f"a row longer than the header: {row}"
        rows.append({k: _tsv_cell(v) if fmt == "tsv" else v for k, v in row.items() if v not in ("", None)})
    return rows


def same(value: object, fmt: str) -> object:
    """What a JSON value reads back as from CSV or TSV: text."""
    if fmt == "json":
        return value
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def out(run: Run) -> str:
    """stdout as written (click's ``Result.stdout`` turns CSV's CRLF into LF)."""
    return run.out_bytes.decode("utf-8")


def run_all(cli: Callable[..., Run], args: tuple[str, ...], data: Path = DATA) -> dict[str, list[dict[str, object]]]:
    """The command in each format on stdout, parsed."""
    parsed = {}
    for fmt in FORMATS:
        run = cli(*args, "--format", fmt, data=data)
        assert run.code in (0, 1) and "Traceback" not in run.err, run
        parsed[fmt] = parse(out(run), fmt)
    return parsed


# --- each command, each format ---


def test_rank(cli) -> None:
    for fmt, rows in run_all(cli, ("rank", "--metric", "betweenness", "--type", "State", "--top", "5")).items():
        assert [r["id"] for r in rows] == [
            "russia",
            "north-korea",
            "soviet-union",
            "russian-empire",
            "united-states",
        ], fmt
        first = rows[0]
        assert (first["rank"], first["label"], first["type"]) == (same(1, fmt), "Russia", "State")
        assert float(first["betweenness"]) == pytest.approx(0.4161, abs=5e-5)  # README: 0.4161
    degree = json.loads(cli("rank", "--top", "1", "-f", "json", data=DATA).out)
    assert degree[0]["id"] == "russia" and isinstance(degree[0]["degree"], int)


def test_timeline(cli) -> None:
    for fmt, rows in run_all(cli, ("timeline", "Kim Jong-il")).items():
        led = next(r for r in rows if r.get("predicate") == "leaderOf")
        assert {
            "date": "2000",
            "what": "Kim Jong-il led North Korea",
            "subject": "kim-jong-il",
            "subject_label": "Kim Jong-il",
            "object": "north-korea",
            "kind": "fact",
            "quote": "Kim Jong-il as leader of the DPRK",
            "source": "article",
        }.items() <= led.items(), fmt
        assert str(led["statement"]).startswith("https://w3id.org/kgraph/resource/statement/kim-jong-il.leaderOf.")
        dates = [str(r["date"]) for r in rows]
        assert dates == sorted(dates) and len(rows) >= 3, fmt


def test_timeline_still_draws_to_svg_and_html_files(cli, tmp_path: Path) -> None:
    for name in ("t.svg", "t.html", "t.htm"):
        run = cli("timeline", "Kim Jong-il", "-o", str(tmp_path / name), data=DATA)
        assert run.code == 0 and "<svg" in (tmp_path / name).read_text(encoding="utf-8"), run
    run = cli("timeline", "-f", "svg", data=DATA)
    assert run.code == 2 and "svg is drawn to a file: give -o FILE.svg" in run.err


def test_timeline_lists_dated_entities_with_their_type(cli) -> None:
    rows = json.loads(cli("timeline", "--from", "1945", "--to", "1945", "-f", "json", data=DATA).out)
    war = next(r for r in rows if r["entity"] == "world-war-ii")
    assert war["type"] == "Event" and war["subject"] is None and war["what"] == "Second World War (Event)"


def test_neighbors(cli) -> None:
    for fmt, rows in run_all(cli, ("neighbors", "Moon Jae-in")).items():
        entities = [r for r in rows if r["section"] == "entity"]
        relations = [r for r in rows if r["section"] == "relation"]
        assert rows == entities + relations, fmt
        assert entities[0] == {
            "section": "entity",
            "distance": same(0, fmt),
            "label": "Moon Jae-in",
            "type": "Person",
            "id": "moon-jae-in",
        }
        assert {"id": "south-korea", "distance": same(1, fmt)}.items() <= next(
            e for e in entities if e["label"] == "South Korea"
        ).items()
        led = next(r for r in relations if r["predicate"] == "leaderOf")
        assert {
            "subject": "moon-jae-in",
            "object": "south-korea",
            "object_label": "South Korea",
            "date": "2017",
            "quote": "President Moon Jae in",
        }.items() <= led.items(), fmt


def test_stats(cli) -> None:
    for fmt, rows in run_all(cli, ("stats",)).items():
        classes = {r["name"]: int(str(r["count"])) for r in rows if r["section"] == "class"}
        predicates = {r["name"]: int(str(r["count"])) for r in rows if r["section"] == "predicate"}
        # README: 123 entities, 268 relations; the table's totals are not rows.
        assert sum(classes.values()) == 123 and sum(predicates.values()) == 268, fmt
        assert classes["State"] > 0 and predicates["leaderOf"] > 0 and "total" not in classes
    table = cli("stats", data=DATA)
    assert "│ total" in table.out and "123" in table.out and "268" in table.out


def test_check_rows_and_exit_codes(cli, tmp_path: Path) -> None:
    for fmt, rows in run_all(cli, ("check",)).items():
        stalin = next(r for r in rows if r.get("person") == "Joseph Stalin")
        assert {
            "check": "leader-without-date",
            "severity": "warn",
            "state": "Soviet Union",
        }.items() <= stalin.items(), fmt
        assert {r["check"] for r in rows} >= {"leader-without-date", "event-without-date"}
    # Failing checks exit 1 whatever the format, and the report is still written.
    for fmt in ("table", *FORMATS):
        assert cli("check", "--fail-on", "warn", "-f", fmt, data=DATA).code == 1, fmt
        assert cli("check", "-f", fmt, data=DATA).code == 0, fmt
    report = tmp_path / "problems.json"
    run = cli("check", "--fail-on", "warn", "-o", str(report), data=DATA)
    assert run.code == 1 and run.out == "" and f"wrote {report}" in run.err
    assert any(r["check"] == "leader-without-date" for r in json.loads(report.read_text(encoding="utf-8")))


def test_check_without_checks_still_gives_a_document(cli, make_data, tmp_path: Path) -> None:
    data = make_data()
    run = cli("--queries", str(tmp_path / "none"), "check", "-f", "csv", data=data)
    assert (run.code, out(run)) == (0, "check,severity,description\r\n") and "no checks" in run.err
    assert cli("--queries", str(tmp_path / "none"), "check", "-f", "json", data=data).out == "[]\n"


def test_queries(cli) -> None:
    named = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    for fmt, rows in run_all(cli, ("queries",)).items():
        assert [r["name"] for r in rows] == named, fmt
        of = next(r for r in rows if r["name"] == "relations-of")
        assert str(of["description"]).startswith("Which relations does an actor take part in")
        assert str(of["path"]).endswith("queries/relations-of.rq")
        params = of["parameters"] if fmt == "json" else [of["parameters"]]
        assert params == ['actor (entity): The actor: an id, label or alias (russia, "Soviet Union", Moscow...)']


def test_vocab(cli) -> None:
    for fmt, rows in run_all(cli, ("vocab",)).items():
        types = {r["name"]: r for r in rows if r["section"] == "type"}
        predicates = {r["name"]: r for r in rows if r["section"] == "predicate"}
        assert (set(types), set(predicates)) == declared(*BUNDLED_VOCABULARY), fmt
        assert types["Person"]["parent"] == "Thing"
        assert {
            "label": "led",
            "inverse": "led by",
            "subject": same(["Person"], fmt),
            "object": same(["State", "Organization"], fmt),
        }.items() <= predicates["leaderOf"].items()


def test_coverage_findings_as_csv_and_tsv(cli) -> None:
    """coverage keeps its own JSON report (and HTML); its findings are rows, in CSV and in TSV."""
    csv_rows, tsv_rows = (parse(out(cli("coverage", "-f", fmt, data=DATA)), fmt) for fmt in ("csv", "tsv"))
    assert csv_rows == tsv_rows and len(csv_rows) > 10
    total = next(r for r in csv_rows if r["kind"] == "total")
    assert (total["source"], total["sentences"]) == ("article", "104")
    assert any(r["kind"] == "unquoted" and r["text"] for r in csv_rows)


# --- the bundle: -o, the suffix, the table, atomic writes ---


@pytest.mark.parametrize(
    "args", [("rank",), ("timeline",), ("neighbors", "Russia"), ("check",), ("stats",), ("queries",), ("vocab",)]
)
def test_every_row_command_writes_the_format_its_file_names(cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    for fmt in FORMATS:
        target = tmp_path / f"rows.{fmt}"
        run = cli(*args, "-o", str(target), data=DATA)
        assert run.code == 0 and run.out == "", run
        written = target.read_bytes().decode("utf-8")
        assert written == out(cli(*args, "-f", fmt, data=DATA))
        assert len(parse(written, fmt)) > 0
        assert f"wrote {target}" in run.err
    # A table is for the terminal: never written to a file, whatever the file is called.
    for bad in (("-o", str(tmp_path / "rows.txt")), ("-f", "table", "-o", str(tmp_path / "rows.csv")), ("-f", "yaml")):
        run = cli(*args, *bad, data=DATA)
        assert run.code == 2 and "--format" in run.err, (bad, run)
    assert not (tmp_path / "rows.txt").exists()


def test_a_file_of_the_data_folder_is_never_written_over(cli, make_data) -> None:
    data = make_data()
    before = (data / "relations.yaml").read_bytes()
    run = cli("stats", "-f", "csv", "-o", str(data / "relations.yaml"), data=data)
    assert run.code == 1 and "data folder" in run.err
    assert (data / "relations.yaml").read_bytes() == before


# --- data is data: never markup, never able to break the format ---

WEIRD = 'Rus,sia "the"\tbear\nnext [bold]x[/bold] [/]'


@pytest.fixture
def weird(make_data) -> Path:
    """The mini data set with Russia's label holding a comma, quotes, a tab, a newline and markup."""
    entities = (
        (MINI / "entities.yaml")
        .read_text(encoding="utf-8")
        .replace("label: Russia\n", "label: " + json.dumps(WEIRD) + "\n")
    )
    return make_data(entities=entities)


@pytest.mark.parametrize("args", [("rank",), ("neighbors", "russia"), ("timeline", "russia")])
def test_a_label_with_separators_quotes_and_markup_comes_back_as_written(
    cli, weird: Path, args: tuple[str, ...]
) -> None:
    for fmt, rows in run_all(cli, args, data=weird).items():
        labels = {r.get(key) for r in rows for key in ("label", "subject_label", "object_label")}
        assert WEIRD in labels, (fmt, rows)
    table = cli(*args, data=weird)
    assert table.code == 0 and "[bold]x[/bold] [/]" in table.out and 'Rus,sia "the"' in table.out


def test_a_check_value_with_separators_is_kept_whole(cli, make_data, tmp_path: Path) -> None:
    checks = tmp_path / "queries" / "checks"
    checks.mkdir(parents=True)
    literal = json.dumps(WEIRD)  # a SPARQL string literal with the same escapes
    (checks / "odd.rq").write_text(
        f"# An odd value.\n# severity: error\nSELECT ?value ?n ?check "
        f"WHERE {{ BIND({literal} AS ?value) BIND(3 AS ?n) BIND(true AS ?check) }}\n"
    )
    for fmt in FORMATS:
        run = cli("--queries", str(checks.parent), "check", "-f", fmt, data=make_data())
        assert run.code == 1, run
        (row,) = parse(out(run), fmt)
        # A variable named like a fixed column keeps its value under '?check'.
        assert row == {
            "check": "odd",
            "severity": "error",
            "description": "An odd value.",
            "value": WEIRD,
            "n": same(3, fmt),
            "?check": True if fmt == "json" else "true",
        }, fmt
