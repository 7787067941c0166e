"""Dates as texts give them (EDTF level 1) and names in time, through the CLI (issue 16).

Each test runs kgraph on a small project whose dates or names change an answer of `path --at`,
`timeline`, `show` or `query --param`.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import DATA, MINI, ROOT, run_cli

TEXT = """\
In 1961 Moscow and Pyongyang signed a treaty of alliance.
In 2000 Moscow and Pyongyang renewed their friendship, but it did not last long.
Around 1896 the king of Korea fled to the Russian legation.
In 1969 Moscow condemned Pyongyang for the seizure of a ship.
From 1945 the two major players in the region were the Soviet Union and the United States.
"""

ENTITIES = """\
- id: article
  type: Publication
  label: Test article
  text: sources/text.txt
- id: soviet-union
  type: State
  label: Soviet Union
  start: 1922
  end: 1991-12
  aliases: [USSR, {name: Moscow, date: "1922/1991"}]
- id: russia
  type: State
  label: Russia
  aliases:
    - {name: Moscow, start: 1991-12}
- id: north-korea
  type: State
  label: North Korea
  aliases: [Pyongyang]
- id: korea
  type: State
  label: Korea
- id: united-states
  type: State
  label: United States
"""

RELATIONS = """\
- subject: soviet-union
  predicate: agreedWith
  object: north-korea
  date: 1961
  quote: In 1961 Moscow and Pyongyang signed a treaty of alliance.
- subject: russia
  predicate: agreedWith
  object: north-korea
  date: 2000/
  quote: In 2000 Moscow and Pyongyang renewed their friendship, but it did not last long.
- subject: korea
  predicate: agreedWith
  object: russia
  date: 1896~
  quote: Around 1896 the king of Korea fled to the Russian legation.
- subject: soviet-union
  predicate: condemned
  object: north-korea
  date: 1969
  quote: In 1969 Moscow condemned Pyongyang for the seizure of a ship.
- subject: soviet-union
  predicate: agreedWith
  object: united-states
  date: 1945/..
  quote: From 1945 the two major players in the region were the Soviet Union and the United States.
"""


def project(tmp_path: Path, entities: str = ENTITIES, relations: str = RELATIONS) -> Path:
    """A project folder (data/ and the bundled queries/) with this test's text."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "sources" / "text.txt").write_text(TEXT, encoding="utf-8")
    (data / "entities.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
    (data / "relations.yaml").write_text(textwrap.dedent(relations), encoding="utf-8")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    return data


def squeezed(table: str) -> str:
    """A table's words without the spaces, borders and line breaks a narrow terminal adds."""
    return "".join(ch for ch in table if ch.isalnum() or ch in "/()-")


# --- EDTF dates ---


def test_unknown_end_is_not_certainly_in_force_later(tmp_path: Path) -> None:
    """'did not last long' (2000/): not found at 2015 by default; found with --possibly, marked."""
    data = project(tmp_path)
    certain = run_cli("path", "Russia", "North Korea", "--at", "2015", data=data)
    assert certain.code == 1, certain
    assert "no path between 'Russia' and 'North Korea' with --at 2015" in certain.err
    assert "with relations possibly in force (--possibly)" in certain.err
    possible = run_cli("path", "Russia", "North Korea", "--at", "2015", "--possibly", data=data)
    assert possible.code == 0, possible
    assert "2000/(possiblyinforce)" in squeezed(possible.out) and "didnotlast" in squeezed(possible.out)
    hops = json.loads(
        run_cli("path", "Russia", "North Korea", "--at", "2015", "--possibly", "-f", "json", data=data).out
    )["paths"][0]["hops"]
    assert [(h["date"], h["in_force"]) for h in hops] == [("2000/", "possibly")]
    # In 2000 itself it certainly held.
    at_start = json.loads(run_cli("path", "Russia", "North Korea", "--at", "2000", "-f", "json", data=data).out)
    assert at_start["paths"][0]["hops"][0]["in_force"] == "certainly"


def test_open_end_is_still_in_force(tmp_path: Path) -> None:
    """1945/.. (from 1945 on): found at 1950 with certainty, where the year 1945 alone was not."""
    data = project(tmp_path)
    run = run_cli("path", "Soviet Union", "United States", "--at", "1950", "-f", "json", data=data)
    assert run.code == 0, run
    assert json.loads(run.out)["paths"][0]["hops"][0]["date"] == "1945/.."
    single = project(tmp_path / "b", relations=RELATIONS.replace("date: 1945/..", "date: 1945"))
    assert run_cli("path", "Soviet Union", "United States", "--at", "1950", data=single).code == 1


@pytest.mark.parametrize(
    ("value", "span"), [("1896~", ("1895", "1897")), ("1896?", ("1895", "1897")), ("1896%", ("1894", "1898"))]
)
def test_qualified_date_is_certain_only_over_its_whole_span(tmp_path: Path, value: str, span: tuple[str, str]) -> None:
    """1896~ (about 1896) may be 1895 to 1897: certainly within 1895-1897, only possibly at 1896."""
    data = project(tmp_path, relations=RELATIONS.replace("date: 1896~", f'date: "{value}"'))
    assert run_cli("path", "Korea", "Russia", "--at", "1896", data=data).code == 1
    assert run_cli("path", "Korea", "Russia", "--at", "1896", "--possibly", data=data).code == 0
    assert run_cli("path", "Korea", "Russia", "--from", span[0], "--to", span[1], data=data).code == 0
    narrower = str(int(span[0]) + 1)
    assert run_cli("path", "Korea", "Russia", "--from", narrower, "--to", span[1], data=data).code == 1


@pytest.mark.parametrize(
    ("value", "in_force", "not_in_force"),
    [
        ("1960/1979", ("1960", "1979"), ("1959", "1980")),  # from 1960 to 1979
        ("../1978", ("1950", "1978"), ("1979",)),  # until 1978, start not given ("before 1979")
    ],
)
def test_each_interval_form_changes_what_path_at_finds(
    tmp_path: Path, value: str, in_force: tuple[str, ...], not_in_force: tuple[str, ...]
) -> None:
    """The README's date forms, each read by --at as its table says."""
    data = project(tmp_path, relations=RELATIONS.replace("date: 1969", f'date: "{value}"'))
    for at in in_force:
        run = run_cli("path", "Soviet Union", "North Korea", "--via", "condemned", "--at", at, data=data)
        assert run.code == 0 and "seizureofaship" in squeezed(run.out), (at, run)
    for at in not_in_force:
        run = run_cli("path", "Soviet Union", "North Korea", "--via", "condemned", "--at", at, data=data)
        assert run.code == 1, (at, run)


def test_timeline_period_keeps_certain_relations_unless_possibly(tmp_path: Path) -> None:
    data = project(tmp_path)
    certain = run_cli("timeline", "Russia", "--from", "2010", "--to", "2020", "-f", "json", data=data)
    assert certain.code == 0, certain
    assert "did not last long" not in certain.out
    possible = run_cli("timeline", "Russia", "--from", "2010", "--to", "2020", "--possibly", "-f", "json", data=data)
    assert "did not last long" in possible.out


def test_timeline_marks_unsure_dates_and_relations_possibly_in_force(tmp_path: Path) -> None:
    """A date the text leaves unsure (1896~, 2000/) and a relation only possibly in force in the
    window asked are marked: after the date in the table, in date_doubt/in_force for programs."""
    data = project(tmp_path)
    rows = json.loads(run_cli("timeline", "-f", "json", data=data).out)
    doubt = {r["date"]: (r["date_doubt"], r["in_force"]) for r in rows}
    assert doubt["1896~"] == ("approximate", None) and doubt["2000/"] == ("end unknown", None)
    assert doubt["1961"] == (None, None) and doubt["1945/.."] == (None, None)  # an open end is no doubt
    window = ["timeline", "--from", "2015", "--to", "2015", "--possibly"]
    later = {r["date"]: r["in_force"] for r in json.loads(run_cli(*window, "-f", "json", data=data).out)}
    assert later == {"2000/": "possibly", "1945/..": "certainly"}
    table = squeezed(run_cli(*window, data=data).out)
    assert "2000/(endunknownpossiblyinforce)" in table and "1945/..(" not in table
    header = run_cli("timeline", "-f", "csv", data=data).out.splitlines()[0]
    assert header.endswith(",date_doubt,in_force")


def test_timeline_picture_fades_an_unknown_end(tmp_path: Path) -> None:
    """2000/ (it ended, the text does not say when) is a bar that fades out after 2000, not a mark
    ending in 2000; an approximate date (1896~) is drawn pale."""
    import re
    import xml.etree.ElementTree as ET

    data = project(tmp_path)
    out = tmp_path / "t.svg"
    assert run_cli("timeline", "-o", str(out), data=data).code == 0
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.parse(out).getroot()
    items = {g.find("s:title", ns).text.split("\n")[0]: g for g in root.iterfind(".//s:g[@class='item']", ns)}
    ended = items["Russia agreed with North Korea (2000/: end unknown)"]
    bar = ended.find("s:rect", ns)
    assert bar is not None and bar.get("class") == "bar unknown-end"
    years = {int(t.text): float(t.get("x")) for t in root.iterfind(".//s:text[@class='year']", ns)}
    per_year = (years[max(years)] - years[min(years)]) / (max(years) - min(years))
    assert float(bar.get("width")) > 5 * per_year  # lasts past its start year, how long unknown
    fill = re.fullmatch(r"url\(#(.+)\)", bar.get("fill")).group(1)
    gradient = root.find(f".//s:linearGradient[@id='{fill}']", ns)
    assert [stop.get("stop-opacity") for stop in gradient.iterfind("s:stop", ns)] == [None, "0"]
    assert re.fullmatch(r"url\(#.+\)", bar.get("stroke"))  # the outline fades too: no end drawn
    shape = {title: g[1] for title, g in items.items()}  # the bar or mark after the title
    assert shape["Korea agreed with Russia (1896~: approximate)"].get("fill-opacity") == "0.45"
    assert shape["Soviet Union condemned North Korea (1969)"].get("fill-opacity") is None


def test_literals_and_bounds_in_the_graph(tmp_path: Path) -> None:
    """Plain dates stay xsd literals, byte for byte; the rest are EDTF literals with their bounds."""
    data = project(tmp_path)
    run = run_cli("export", "-f", "nt", data=data)
    assert run.code == 0, run
    nt = run.out
    assert '<https://w3id.org/kgraph/ontology#date> "1961"^^<http://www.w3.org/2001/XMLSchema#gYear> .' in nt
    assert '"1896~"^^<http://id.loc.gov/datatypes/edtf/EDTF>' in nt
    assert '"2000/"^^<http://id.loc.gov/datatypes/edtf/EDTF>' in nt
    sparql = (
        "SELECT ?d ?e ?l WHERE { ?s kg:date ?d FILTER(isLiteral(?d)) OPTIONAL { ?s kg:earliest ?e } "
        "OPTIONAL { ?s kg:latest ?l } } ORDER BY STR(?d)"
    )
    rows = json.loads(run_cli("query", sparql, "-f", "json", data=data).out)["results"]["bindings"]
    got = {r["d"]["value"]: (r.get("e", {}).get("value"), r.get("l", {}).get("value")) for r in rows}
    assert got["1896~"] == ("1895-01-01", "1897-12-31")
    assert got["2000/"] == ("2000-01-01", None)  # ended, unknown when: no last day to state
    assert got["1945/.."] == ("1945-01-01", None)
    assert got["1961"] == ("1961-01-01", "1961-12-31")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1945-13", "impossible date '1945-13': month 13 is not 1-12"),
        ("19X5", "'19X5': unspecified digits (X) must be the last digits of the year"),
        ("2000/1990", "'2000/1990': the interval ends (1990) before it starts (2000)"),
        ("1961-21", "seasons (EDTF month codes 21-41) are not supported"),
        ("196X~", "cannot also be approximate"),
    ],
)
def test_bad_dates_are_located_with_the_reason(tmp_path: Path, value: str, reason: str) -> None:
    data = project(tmp_path, relations=RELATIONS.replace("date: 1969", f'date: "{value}"'))
    run = run_cli("validate", data=data)
    assert run.code == 1, run
    line = next(i for i, text in enumerate((data / "relations.yaml").read_text().splitlines(), 1) if value in text)
    assert f"relations.yaml:{line}:9: error: field 'date': " in run.err
    assert reason in run.err


def test_interval_only_in_date(tmp_path: Path) -> None:
    data = project(tmp_path, relations=RELATIONS.replace("date: 1969", "start: 1969/1970"))
    run = run_cli("validate", data=data)
    assert run.code == 1
    assert "field 'start': '1969/1970': an interval goes in 'date'" in run.err


def test_unspecified_digits_are_a_decade(tmp_path: Path) -> None:
    """196X: some time in the 1960s; found at 1965, not at 1971."""
    data = project(tmp_path, relations=RELATIONS.replace("date: 1969", "date: 196X"))
    assert run_cli("validate", data=data).code == 0
    assert run_cli("path", "Soviet Union", "North Korea", "--via", "condemned", "--at", "1965", data=data).code == 0
    assert run_cli("path", "Soviet Union", "North Korea", "--via", "condemned", "--at", "1971", data=data).code == 1


# --- names in time ---


def test_show_picks_the_entity_a_name_meant_then(tmp_path: Path) -> None:
    data = project(tmp_path)
    soviet = run_cli("show", "Moscow", "--at", "1969", data=data)
    assert soviet.code == 0, soviet
    assert soviet.out.startswith("Soviet Union") and "also: USSR, Moscow (1922/1991)" in soviet.out
    later = run_cli("show", "Moscow", "--at", "2015", data=data)
    assert later.code == 0 and later.out.startswith("Russia"), later


def test_ambiguous_name_without_a_date_lists_both_with_periods(tmp_path: Path) -> None:
    data = project(tmp_path)
    run = run_cli("show", "Moscow", data=data)
    assert run.code == 1, run
    assert (
        "'Moscow' is ambiguous: it names russia (Russia, State; 'Moscow' 1991-12/..), soviet-union "
        "(Soviet Union, State; 'Moscow' 1922/1991); give the id, or a date (--at) that picks one"
    ) in run.err
    before = run_cli("show", "Moscow", "--at", "1900", data=data)
    assert before.code == 1
    assert "'Moscow' names no entity at 1900-01-01/1900-12-31" in before.err


def test_path_reads_names_at_its_date(tmp_path: Path) -> None:
    data = project(tmp_path)
    run = run_cli("path", "Moscow", "Pyongyang", "--at", "1969", "--via", "condemned", data=data)
    assert run.code == 0, run
    assert "SovietUnion" in squeezed(run.out) and "seizureofaship" in squeezed(run.out)
    later = run_cli("path", "Moscow", "Pyongyang", "--at", "2000", "-f", "json", data=data)
    assert json.loads(later.out)["from"]["id"] == "russia"


def test_neighbors_and_timeline_read_names_at_their_time(tmp_path: Path) -> None:
    data = project(tmp_path)
    ego = json.loads(run_cli("neighbors", "Moscow", "--at", "1969", "-f", "json", data=data).out)
    assert [row["id"] for row in ego if row["section"] == "entity" and row["distance"] == 0] == ["soviet-union"]
    moments = run_cli("timeline", "Moscow", "--from", "2000", "--to", "2001", "-f", "json", data=data)
    assert moments.code == 0 and "did not last long" in moments.out and "1969" not in moments.out


def test_a_name_in_time_is_its_own_node_not_an_alt_label(tmp_path: Path) -> None:
    data = project(tmp_path)
    sparql = (
        "SELECT ?name ?date ?first WHERE { kgr:russia kg:alias ?a . ?a rdfs:label ?name ; kg:date ?date ; "
        "kg:earliest ?first FILTER NOT EXISTS { kgr:russia skos:altLabel ?name } }"
    )
    rows = json.loads(run_cli("query", sparql, "-f", "json", data=data).out)["results"]["bindings"]
    assert [(r["name"]["value"], r["date"]["value"], r["first"]["value"]) for r in rows] == [
        ("Moscow", "1991-12/..", "1991-12-01")
    ]


def test_completion_offers_names_in_time(tmp_path: Path) -> None:
    """Completion offers a name in time as typed; the lookup reads it at --at or lists its bearers."""
    from kgraph.cli.options import complete_entity

    class Ctx:
        params = {"data": str(project(tmp_path))}

        def find_root(self) -> Ctx:
            return self

    assert complete_entity(Ctx(), "Mos") == ["Moscow"]  # type: ignore[arg-type]
    assert complete_entity(Ctx(), "Sov") == ["Soviet Union", "soviet-union"]  # type: ignore[arg-type]
    assert complete_entity(Ctx(), "us") == ["USSR"]  # type: ignore[arg-type]


def test_exports_keep_names_in_time_with_their_periods(tmp_path: Path) -> None:
    """The node tables, GraphML and GEXF list a name in time with its period (they dropped it)."""
    import csv
    import xml.etree.ElementTree as ET

    data = project(tmp_path)
    assert run_cli("export", "-f", "csv", "-o", str(tmp_path / "kg"), data=data).code == 0
    with open(tmp_path / "kg.nodes.csv", encoding="utf-8", newline="") as handle:
        aliases = {row["id"]: row["aliases"] for row in csv.DictReader(handle)}
    assert aliases["soviet-union"] == "USSR; Moscow (1922/1991)" and aliases["russia"] == "Moscow (1991-12/..)"
    assert run_cli("export", "-o", str(tmp_path / "kg.graphml"), data=data).code == 0
    assert "USSR; Moscow (1922/1991)" in (tmp_path / "kg.graphml").read_text(encoding="utf-8")
    assert run_cli("export", "-o", str(tmp_path / "kg.gexf"), data=data).code == 0
    values = [v.get("value") for v in ET.parse(tmp_path / "kg.gexf").getroot().iter() if v.get("for") == "aliases"]
    assert "Moscow (1991-12/..)" in values


def test_query_param_reads_names_at_the_date(tmp_path: Path) -> None:
    data = project(tmp_path)
    run = run_cli("query", "relations-of", "--param", "actor=Moscow", "--at", "1969", "-f", "csv", data=data)
    assert run.code == 0, run
    assert "seizure of a ship" in run.out and "did not last long" not in run.out
    later = run_cli("query", "relations-of", "--param", "actor=Moscow", "--at", "2010", "-f", "csv", data=data)
    assert "did not last long" in later.out and "seizure of a ship" not in later.out
    undated = run_cli("query", "relations-of", "--param", "actor=Moscow", "-f", "csv", data=data)
    assert undated.code == 1 and "'Moscow' is ambiguous" in undated.err


# On the bundled article: "Moscow" is the Soviet Union in 1969 and 1989, Russia after 1991.


def test_bundled_moscow_without_a_date_lists_both_with_their_periods() -> None:
    run = run_cli("show", "Moscow", data=DATA)
    assert run.code == 1 and run.out == "", run
    assert run.err == (
        "error: 'Moscow' is ambiguous: it names russia (Russia, State; 'Moscow' 1991-12-26/..), soviet-union "
        "(Soviet Union, State; 'Moscow' 1922-12-30/1991-12-25); give the id, or a date (--at) that picks one\n"
    )


@pytest.mark.parametrize(
    ("at", "first_line"), [("1969", "Soviet Union  (State, id: soviet-union)"), ("2005", "Russia  (State, id: russia)")]
)
def test_bundled_moscow_at_a_date_is_the_state_of_then(at: str, first_line: str) -> None:
    run = run_cli("show", "Moscow", "--at", at, data=DATA)
    assert run.code == 0, run
    assert run.out.splitlines()[0] == first_line


def test_bundled_relations_of_moscow_in_1989_are_the_soviet_ones() -> None:
    run = run_cli("query", "relations-of", "--param", "actor=Moscow", "--at", "1989", "-f", "csv", data=DATA)
    assert run.code == 0, run
    assert "Already in 1989 North Korea warned Moscow" in run.out
    assert "in 1969 the Nixon administration had been assured by Moscow" in run.out
    assert "did not last long" not in run.out  # Russia's, of 2000
    later = run_cli("query", "relations-of", "--param", "actor=Moscow", "--at", "2005", "-f", "csv", data=DATA)
    assert "did not last long" in later.out and "warned Moscow" not in later.out
    # The two periods do not meet (day precision), so the bundled data validates without a warning.
    assert run_cli("validate", data=DATA).err == ""


def test_overlapping_periods_warn(tmp_path: Path) -> None:
    """Moscow to 1991 and from 1991-12: December 1991 is claimed by both (a warning, exit 0)."""
    data = project(tmp_path)
    run = run_cli("validate", data=data)
    assert run.code == 0, run
    assert (
        "entities.yaml:15:7: warning: name 'Moscow' (1991-12/..) may overlap the same name of "
        "'soviet-union' (1922/1991) from 1991-12-01 to 1991-12-31"
    ) in run.err
    apart = project(tmp_path / "b", entities=ENTITIES.replace('"1922/1991"', '"1922/1991-11"'))
    assert "may overlap" not in run_cli("validate", data=apart).err


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("{name: Moscow}", "an alias given as a mapping needs its period"),
        ("{name: Moscow, when: 1922}", "unknown field 'when' in an alias"),
        ("{name: Moscow, date: 1922, start: 1922}", "give either 'date' or 'start'/'end', not both"),
        ("{date: 1922}", "missing required field 'name'"),
    ],
)
def test_bad_aliases_are_located(tmp_path: Path, alias: str, message: str) -> None:
    data = project(tmp_path, entities=ENTITIES.replace("{name: Moscow, start: 1991-12}", alias))
    run = run_cli("validate", data=data)
    assert run.code == 1, run
    assert "entities.yaml:15:" in run.err and message in run.err


def test_edtf_literals_conform_to_the_shapes(tmp_path: Path) -> None:
    """The SHACL shapes take the EDTF datatype beside the xsd dates (before, 1896~ violated them)."""
    run = run_cli("validate", "--shacl", data=project(tmp_path))
    assert run.code == 0, run
    assert "the graph conforms to the SHACL shapes" in run.out


def test_schema_guides_edtf_dates_and_names_in_time(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    data = project(tmp_path)
    schema = json.loads(run_cli("schema", data=data).out)
    for name in ("entities.yaml", "relations.yaml"):
        jsonschema.validate(yaml.safe_load((data / name).read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "State", "label": "X", "aliases": [{"name": "Y", "when": 1}]}], schema)


def test_coverage_and_diff_know_names_in_time(tmp_path: Path) -> None:
    """'Moscow' is a known name (no coverage candidate); a changed period is a changed alias."""
    data = project(tmp_path)
    coverage = json.loads(run_cli("coverage", "-f", "json", data=data).out)
    names = [c["name"] for source in coverage for c in source["candidates"]]
    assert "Moscow" not in names and "Pyongyang" not in names
    other = project(tmp_path / "b", entities=ENTITIES.replace('"1922/1991"', '"1922/1991-11"'))
    diff = json.loads(run_cli("diff", str(data), str(other), "-f", "json", data=None).out)
    assert diff["items"][0]["fields"] == [
        {"field": "aliases", "old": "USSR, Moscow (1922/1991)", "new": "USSR, Moscow (1922/1991-11)"}
    ]


def test_explorer_slider_keeps_the_at_rule(tmp_path: Path) -> None:
    """The explorer's time slider uses the certain span, as --at does: 2000/ not in force in 2015."""
    import re

    data = project(tmp_path)
    out = tmp_path / "x.html"
    assert run_cli("draw", "-o", str(out), data=data).code == 0
    page = out.read_text(encoding="utf-8")
    found = json.loads(
        re.search(r'<script id="kgraph-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    spans = {r["when"]: r["span"] for r in found["relations"]}
    assert spans["2000/"] == ["2000-01-01", "2000-12-31"]
    assert spans["1945/.."] == ["1945-01-01", "9999-12-31"]
    assert "r.span[0]<=y" in page
