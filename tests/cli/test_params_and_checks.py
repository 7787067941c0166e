"""Named-query parameters (--param) and the curators' checks (kgraph check) on the bundled data."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from kgraph.engine import ENGINES

from conftest import DATA, MINI, ROOT


def rows(run) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert run.code == 0, run
    return list(csv.DictReader(io.StringIO(run.out)))


@pytest.mark.parametrize("engine", ENGINES)
def test_relations_of_binds_the_actor_by_label_id_or_alias(cli, engine: str) -> None:
    by_label = cli("--engine", engine, "query", "relations-of", "--param", "actor=Soviet Union", "-f", "csv", data=DATA)
    found = rows(by_label)
    assert all("Soviet Union" in (r["subject"], r["object"]) for r in found)
    assert {
        "date": "1961",
        "start": "",
        "end": "",
        "subject": "Soviet Union",
        "relation": "signed",
        "object": "Soviet-North Korean Friendship Treaty (1961)",
        "kind": "fact",
        "status": "actual",
        "quote": "In 1961 two states signed the Friendship Treaty",
    } in found
    # In order of the first day each relation can mean; those with no first day (undated, or
    # known only to have ended) come last.
    first_days = [(r["date"] or r["start"])[:4] for r in found]
    dated = [day for day in first_days if day]
    assert first_days[: len(dated)] == sorted(dated) and len(dated) > 10
    by_id = cli("--engine", engine, "query", "relations-of", "-p", "actor=soviet-union", "-f", "csv", data=DATA)
    assert by_id.out == by_label.out
    # "Moscow" is read at the date given: Russia in 2006, the Soviet Union in 1989.
    moscow = cli(
        "--engine", engine, "query", "relations-of", "-p", "actor=Moscow", "--at", "2006", "-f", "csv", data=DATA
    )
    assert {
        "subject": "Russia",
        "relation": "supported",
        "object": "UN Security Council Resolution 1695",
    }.items() <= next(r for r in rows(moscow) if r["relation"] == "supported" and "1695" in r["object"]).items()
    soviet = cli(
        "--engine", engine, "query", "relations-of", "-p", "actor=Moscow", "--at", "1989", "-f", "csv", data=DATA
    )
    assert soviet.out == by_label.out


def test_parameters_are_listed_with_the_queries(cli) -> None:
    listing = cli("queries", data=DATA).out.splitlines()
    at = next(i for i, line in enumerate(listing) if line.startswith("relations-of "))
    assert listing[at + 1].strip().startswith("--param actor=ENTITY  The actor: an id, label or alias")


def test_unknown_entity_unknown_parameter_and_bad_syntax(cli) -> None:
    unknown = cli("query", "relations-of", "-p", "actor=Sovet Union", data=DATA)
    assert unknown.code == 1 and "unknown entity 'Sovet Union'; did you mean: Soviet Union" in unknown.err
    wrong = cli("query", "relations-of", "-p", "state=russia", data=DATA)
    assert wrong.code == 1 and "the query has no parameter 'state'; it takes actor (entity)" in wrong.err
    malformed = cli("query", "relations-of", "-p", "russia", data=DATA)
    assert malformed.code == 2 and "--param takes NAME=VALUE, not 'russia'" in malformed.err


def test_a_required_parameter_left_out_is_an_error_naming_what_the_query_takes(cli) -> None:
    run = cli("query", "relations-of", "-f", "csv", data=DATA)
    assert run.code == 1 and run.out == ""
    assert (
        "the query needs actor (--param actor=...); it takes actor (entity): The actor: an id, label or alias"
        in run.err
    )
    # The fast path (a subprocess with a warm cache) refuses it too, with the same message.
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "kgraph", "--data", str(DATA), "build"], check=True, capture_output=True)
    fast = subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(DATA), "query", "relations-of", "-f", "csv"],
        capture_output=True,
        text=True,
    )
    assert (fast.returncode, fast.stdout) == (1, "") and "the query needs actor" in fast.stderr


def test_an_optional_parameter_may_be_left_out(cli, tmp_path: Path) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(
        "# Labels, of one entity or all\n"
        "# @param x? entity  the entity\n"
        "# @param kind? text  unused\n"
        "SELECT ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l\n"
    )
    everything = rows(cli("query", str(query), "-f", "csv", data=DATA))
    assert len(everything) > 100
    assert rows(cli("query", str(query), "-p", "x=Pyongyang", "-f", "csv", data=DATA)) == [{"l": "North Korea"}]
    listing = cli("--queries", str(tmp_path), "queries", data=DATA).out
    assert "[--param x=ENTITY]  the entity" in listing and "[--param kind=TEXT]  unused" in listing


def test_a_parameter_binds_the_where_group_not_an_exists_in_the_projection(cli) -> None:
    """Issue #17 item 11: the VALUES block went into the projection's EXISTS, binding nothing.

    Oxigraph only: rdflib 7 cannot evaluate EXISTS in a projection at all, parameter or not.
    """
    query = "SELECT ?x (EXISTS { ?x kg:leaderOf ?y } AS ?led) WHERE { ?x a kg:State }"
    found = rows(cli("query", query, "--param", "x=russia", "-f", "csv", data=DATA))
    assert len(found) == 1 and found[0]["x"].endswith("/russia"), found


def test_ad_hoc_and_typed_parameters(cli) -> None:
    label = rows(cli("query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "-p", "x=Pyongyang", "-f", "csv", data=DATA))
    assert label == [{"l": "North Korea"}]
    missing = cli("query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "-p", "y=russia", data=DATA)
    assert missing.code == 1 and "no variable ?y" in missing.err
    dated = "# @param year date  a year\nSELECT ?t WHERE { ?x a kg:Treaty ; kg:date ?year ; rdfs:label ?t }"
    assert rows(cli("query", dated, "-p", "year=1961", "-f", "csv", data=DATA)) == [
        {"t": "Soviet-North Korean Friendship Treaty (1961)"}
    ]
    numbers = "# @param least number\nSELECT ?v WHERE { ?q schema:value ?v FILTER(?v >= ?least) } ORDER BY ?v"
    assert [r["v"] for r in rows(cli("query", numbers, "-p", "least=1e10", "-f", "csv", data=DATA))] == [
        "11000000000",
        "11000000000",
    ]
    bad = cli("query", numbers, "-p", "least=many", data=DATA)
    assert bad.code == 1 and "parameter 'least' takes a number, not 'many'" in bad.err


def test_check_passes_the_bundled_data_at_error_and_reports_warnings(cli) -> None:
    run = cli("check", data=DATA)
    assert run.code == 0, run
    assert "error  entity-without-relation: ok" in run.out
    assert "error  relation-without-quote: ok" in run.out
    assert "warn   leader-without-date: 5 row(s)" in run.out and "Kim Il-sung" in run.out
    assert "warn   treaty-with-fewer-than-two-parties: 6 row(s)" in run.out
    assert run.err.strip() == "12 check(s): 0 error, 2 warn, 1 info with rows; failing at --fail-on error: 0"
    strict = cli("check", "--fail-on", "warn", "--quiet", data=DATA)
    assert strict.code == 1
    assert "entity-without-relation" not in strict.out and "leader-without-date: 5 row(s)" in strict.out
    assert cli("check", "--fail-on", "fatal", data=DATA).code == 2


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    return tmp_path / "data"


def test_an_error_check_with_rows_fails(cli, tmp_path: Path) -> None:
    data = copy_project(tmp_path)
    with open(data / "entities.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: lonely\n  type: Place\n  label: Nowhere in particular\n")
    run = cli("check", data=data)
    assert run.code == 1
    assert "error  entity-without-relation: 1 row(s)" in run.out and "Nowhere in particular" in run.out
    assert "failing at --fail-on error: 1" in run.err


def test_a_check_needs_a_severity_and_a_select(cli, tmp_path: Path) -> None:
    data = copy_project(tmp_path)
    checks = tmp_path / "queries" / "checks"
    (checks / "no-header.rq").write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    run = cli("check", data=data)
    assert run.code == 1 and "no-header.rq: give the check a severity in its header" in run.err
    (checks / "no-header.rq").write_text("# Anything at all.\n# severity: info\nASK { ?s ?p ?o }\n")
    run = cli("check", data=data)
    assert run.code == 1 and "a check must be a SELECT query, not ASK" in run.err


def test_a_publication_that_relations_are_quoted_from_is_not_an_orphan(cli, tmp_path: Path) -> None:
    """The mini project's article is in no relation, but every relation is quoted from it."""
    shutil.copytree(MINI, tmp_path / "data")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    run = cli("check", data=tmp_path / "data")
    assert "error  entity-without-relation: ok" in run.out, run
    with open(tmp_path / "data" / "entities.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: unread\n  type: Publication\n  label: An unread book\n")
    run = cli("check", data=tmp_path / "data")
    assert run.code == 1
    assert "error  entity-without-relation: 1 row(s)" in run.out and "An unread book" in run.out


# Issue 12: the query pipeline as one library call.

BROKEN = "# @param actor entity  who\nSELECT ?o WHERE { ?actor kg:signed ?o . FILTER(?o = ) }\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_an_error_on_a_parameterised_line_points_at_the_users_column(cli, tmp_path: Path, engine: str) -> None:
    """The VALUES block spliced into the WHERE line moved the error's column (80 instead of 19)."""
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text(BROKEN, encoding="utf-8")
    column = BROKEN.splitlines()[1].index("FILTER") + 1
    run = cli("--engine", engine, "--queries", str(queries), "query", "broken", "-p", "actor=russia", data=DATA)
    assert run.code == 1 and run.out == "", run
    assert run.err == (
        f"{queries}/broken.rq:2:{column}: error: SPARQL syntax error: Expected SelectQuery, found 'FILTER'\n"
    )


def test_the_query_and_its_parameters_are_checked_before_the_graph_is_built(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A syntax error in a parameterised query was found only after the graph was compiled (to
    look the entity up), and invalid data hid it behind the data's errors."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KGRAPH_CACHE", str(cache))
    text = BROKEN.replace("# @param actor entity  who\n", "")
    where = f"<query>:1:{text.index('FILTER') + 1}: error: SPARQL syntax error"
    run = cli("query", text, "-p", "actor=russia", data=DATA)
    assert run.code == 1 and "SPARQL syntax error" in run.err, run
    assert not cache.exists() or not any(cache.iterdir())  # nothing compiled, nothing cached
    assert run.err.startswith(where), run
    wrong = cli("query", "relations-of", "-p", "state=russia", data=DATA)
    assert wrong.code == 1 and "the query has no parameter 'state'" in wrong.err
    assert not cache.exists() or not any(cache.iterdir())
    broken_data = tmp_path / "data"
    shutil.copytree(MINI, broken_data)
    (broken_data / "entities.yaml").write_text("- id: x\n  type: NoSuchType\n  label: X\n", encoding="utf-8")
    run = cli("query", text, "-p", "actor=x", data=broken_data)
    assert "error(s) found" not in run.err, run  # the data was never read
    assert run.code == 1 and run.err.startswith(where), run
