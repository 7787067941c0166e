"""Every project under examples/ works as a user runs it: it validates cleanly, its checks find no
error, each of its named queries answers, and the facts of its text come out of the graph.

The projects are found by listing examples/, so a new example is held to the same standard the day
it is added; what each one's text says is asserted per project below.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kgraph.params import declared

from conftest import ROOT, Run, examples, output_of, run_cli

EXAMPLES = ROOT / "examples"
# Hidden folders are not projects (a .kgraph-cache/ appears beside a data folder used without $KGRAPH_CACHE).
PROJECTS = (
    sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith(".")) if EXAMPLES.is_dir() else []
)
DEBIAN = EXAMPLES / "debian-history"

#: A value for each parameter the projects' named queries declare (query name -> NAME=VALUE).
PARAMS = {
    ("debian-history", "relations-of"): ["entity=Bruce Perens"],
}


def kgraph(project: Path, *args: str) -> Run:
    """``kgraph --data PROJECT --queries PROJECT/queries ARGS``: each example keeps its queries inside it."""
    return run_cli("--queries", str(project / "queries"), *args, data=project)


def named_queries(project: Path) -> list[Path]:
    return sorted((project / "queries").glob("*.rq"))


def rows(project: Path, name: str, *params: str) -> list[dict[str, str]]:
    argv = ["query", name, "--format", "csv"]
    for param in params:
        argv += ["--param", param]
    run = kgraph(project, *argv)
    assert run.code == 0, run
    return list(csv.DictReader(io.StringIO(run.out)))


def having(found: list[dict[str, str]], **values: str) -> list[dict[str, str]]:
    return [r for r in found if all(r.get(k) == v for k, v in values.items())]


def test_there_is_an_example_outside_the_bundled_article() -> None:
    assert DEBIAN in PROJECTS
    for project in PROJECTS:
        assert (project / "vocabulary.yaml").is_file(), project
        assert (project / "README.md").is_file(), project
        assert len(named_queries(project)) >= 3, project
        assert sorted(p.name for p in (project / "queries" / "checks").glob("*.rq")) == sorted(
            p.name for p in (ROOT / "queries" / "checks").glob("*.rq")
        ), "stock checks"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_example_validates_cleanly(project: Path) -> None:
    run = kgraph(project, "validate")
    assert run.code == 0, run
    assert run.out.startswith("ok: "), run
    assert "warning" not in run.out + run.err, run


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_example_checks_find_no_error(project: Path) -> None:
    run = kgraph(project, "check")
    assert run.code == 0, run
    assert " 0 error," in run.out + run.err, run


@pytest.mark.parametrize(
    "project,query",
    [(p, q) for p in PROJECTS for q in named_queries(p)],
    ids=[f"{p.name}/{q.stem}" for p in PROJECTS for q in named_queries(p)],
)
def test_example_named_query_answers(project: Path, query: Path) -> None:
    first = query.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and first.endswith("?"), f"{query.name} must open with its question"
    wanted = [p.name for p in declared(query.read_text(encoding="utf-8"))]
    given = PARAMS.get((project.name, query.stem), [])
    assert sorted(g.split("=", 1)[0] for g in given) == sorted(wanted), f"give PARAMS for {query.name}"
    assert rows(project, query.stem, *given), f"{query.name} gave no rows"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_example_readme_commands_give_their_output(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands an example's README shows (tables aside: the path tests hold those) are real."""
    shown = examples(project / "README.md")
    assert shown, f"{project.name}/README.md shows no command"
    monkeypatch.chdir(ROOT)
    for command, expected in shown:
        assert output_of(command, None) == expected.splitlines(), command


def test_debian_vocabulary_is_the_projects_own() -> None:
    """The types and predicates the annotation uses are declared in its vocabulary.yaml, with some
    symmetric ones and declared inverses."""
    graph = kgraph(DEBIAN, "export", "--format", "nt")
    assert graph.code == 0, graph
    dh = "https://example.org/debian-history#"
    assert f"<{dh}Release> <http://www.w3.org/2000/01/rdf-schema#subClassOf> " in graph.out
    assert (
        f"<{dh}spouseOf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/2002/07/owl#SymmetricProperty>" in graph.out
    )
    assert f"<{dh}releasedBy> <http://www.w3.org/2002/07/owl#inverseOf> <{dh}released>" in graph.out
    assert '<https://w3id.org/kgraph/resource/debian-1.1> <https://schema.org/alternateName> "Buzz"' in graph.out


def test_debian_leaders_in_order_with_their_terms() -> None:
    found = rows(DEBIAN, "project-leaders")
    assert [r["leader"] for r in found][:4] == ["Ian Murdock", "Bruce Perens", "Ian Jackson", "Wichert Akkerman"]
    assert len(found) == 18
    assert having(found, leader="Ian Murdock", start="1993-08", end="1996-03")
    assert having(found, leader="Ian Jackson", start="1998-01", end="1998-12", tookOverFrom="Bruce Perens")
    assert having(found, leader="Jonathan Carter", start="2020-04", end="")


def test_debian_releases_with_dates_codenames_and_leaders() -> None:
    found = rows(DEBIAN, "releases")
    assert having(
        found, release="Debian 1.1 Buzz", date="1996-06-17", character="Buzz Lightyear", leader="Bruce Perens"
    )
    assert having(found, release="Debian 2.0 Hamm", date="1998-07-24", character="Hamm", leader="Ian Jackson")
    assert having(found, release="Debian 8 Jessie", date="2015-04-25", film="Toy Story 2")
    # The text dates Debian 1.3 twice, differently: both claims are kept, each with its quote.
    assert {r["date"] for r in having(found, release="Debian 1.3 Bo")} == {"1997-06-05", "1997-07"}
    dates = [r["date"] for r in found]
    assert dates[0] == "1993-08" and dates[-1] == "2021-08-14"


def test_debian_ports_added_and_dropped() -> None:
    found = rows(DEBIAN, "ports")
    assert having(found, release="Debian 2.0 Hamm", change="added support for", port="m68k", date="1998-07-24")
    assert having(found, release="Debian 4.0 Etch", change="dropped support for", port="m68k")
    assert having(found, release="Debian 8 Jessie", change="dropped support for", port="SPARC")


def test_debian_release_sizes_and_debconfs() -> None:
    sizes = rows(DEBIAN, "release-sizes")
    assert having(sizes, release="Debian 1.2 Rex", value="848", unit="packages")
    assert having(sizes, release="Debian 2.2 Potato", value="2600", unit="source packages")
    debconfs = rows(DEBIAN, "debconfs")
    assert having(debconfs, conference="Debconf0", place="Bordeaux", country="France", start="2000-07-05")
    assert having(debconfs, conference="Debconf14", place="Portland", people="301")
    assert having(debconfs, conference="Debconf20", place="", start="2020-08-23")


def test_debian_relations_read_from_the_objects_side_use_declared_inverses() -> None:
    found = rows(DEBIAN, "relations-of", "entity=Bruce Perens")
    assert having(found, relation="appointed by", other="Ian Murdock", date="1996-03")
    assert having(found, relation="preceded as leader", other="Ian Jackson", date="1998-01")
    assert having(found, relation="worked with", other="Ian Murdock")  # symmetric: its own label


def test_debian_path_from_the_founder_to_the_toy_story_movies() -> None:
    """Why are Debian's releases named after Toy Story toys? The founder's chosen successor worked at Pixar."""
    run = kgraph(DEBIAN, "path", "Ian Murdock", "the Toy Story movies", "--format", "json")
    assert run.code == 0, run
    hops = json.loads(run.out)["paths"][0]["hops"]
    assert [(h["subject"]["id"], h["predicate"]["id"], h["object"]["id"], h["date"]) for h in hops] == [
        ("ian-murdock", "appointed", "bruce-perens", "1996-03"),
        ("bruce-perens", "workedAt", "pixar", "1996-06"),
        ("pixar", "created", "toy-story-movies", None),
    ]
    assert hops[1]["quote"] == "Bruce was working at Pixar, the company that produced the movies."


def test_debian_succession_path_through_the_text() -> None:
    run = kgraph(DEBIAN, "path", "Ian Murdock", "Wichert Akkerman", "--via", "succeededAsLeader", "--format", "json")
    assert run.code == 0, run
    hops = json.loads(run.out)["paths"][0]["hops"]
    assert [(h["subject"]["label"], h["date"]) for h in hops] == [
        ("Bruce Perens", "1996-04"),
        ("Ian Jackson", "1998-01"),
        ("Wichert Akkerman", "1999-01"),
    ]
