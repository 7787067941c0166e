"""The query pipeline as a library call: ``PreparedQuery`` and ``Project.run`` (issue 12).

Parameters are bound by the engine where it can (rdflib's initial bindings, Oxigraph's
substitutions); the VALUES splice is the fallback, and every way gives the same rows.
"""

from __future__ import annotations

import pytest

from kgraph.errors import QueryError
from kgraph.params import Splice, splice
from kgraph.project import Project
from kgraph.query import PreparedQuery
from kgraph.results import Term

from conftest import DATA

KGR = "https://w3id.org/kgraph/resource/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: "Moscow" names Russia from December 1991 on (the Soviet Union before): read in 2005.
AT_2005 = ("2005-01-01", "2005-12-31")
#: (query, values, date the names are read at): variables projected or not, typed values,
#: OPTIONAL and FILTER around them.
CASES: list[tuple[str, dict[str, str], tuple[str, str] | None]] = [
    ("relations-of", {"actor": "Pyongyang"}, None),
    ("relations-of", {"actor": "Soviet Union"}, None),
    ("SELECT ?x ?l WHERE { ?x rdfs:label ?l }", {"x": "Moscow"}, AT_2005),
    ("SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": "Moscow"}, AT_2005),
    (
        "# @param year date  a year\nSELECT ?t WHERE { ?x a kg:Treaty ; kg:date ?year ; rdfs:label ?t }",
        {"year": "1961"},
        None,
    ),
    (
        "# @param least number\nSELECT ?v WHERE { ?q schema:value ?v FILTER(?v >= ?least) } ORDER BY ?v",
        {"least": "1e10"},
        None,
    ),
    (
        "SELECT ?s ?o WHERE { ?s kg:signed ?o OPTIONAL { ?o kg:date ?d } FILTER(?s = ?x) } ORDER BY ?o",
        {"x": "russia"},
        None,
    ),
    ("ASK { ?x kg:signed ?t }", {"x": "north-korea"}, None),
]


@pytest.fixture(scope="module")
def both() -> tuple[Project, Project]:
    """The bundled data on Oxigraph and on rdflib, made once for the module: queries only read them,
    and rdflib's graph takes a third of a second to compile, once per project."""
    return Project(data_dir=str(DATA), engine="oxigraph"), Project(data_dir=str(DATA), engine="rdflib")


def rows(
    project: Project, text: str, values: dict[str, str], at: tuple[str, str] | None = None
) -> list[dict[str, Term]] | bool:
    result = project.run(PreparedQuery.from_argument(text, project.query_folder, values, at))
    return bool(result.boolean) if result.kind == "ASK" else list(result.rows)


@pytest.mark.parametrize("text, values, at", CASES, ids=[f"{t[:30]} {v}" for t, v, _ in CASES])
def test_native_bindings_and_the_splice_give_the_same_rows(
    both: tuple[Project, Project], text: str, values: dict[str, str], at: tuple[str, str] | None
) -> None:
    oxigraph, rdflib = both
    native = rows(oxigraph, text, values, at)
    assert native == rows(rdflib, text, values, at)
    query = PreparedQuery.from_argument(text, oxigraph.query_folder, values, at)
    spliced = oxigraph.engine_for().query(splice(query.text, oxigraph.bindings(query)).text, prefixes=oxigraph.prefixes)
    assert native == (bool(spliced.boolean) if spliced.kind == "ASK" else list(spliced.rows))
    assert native  # each case finds something: an unbound parameter would find more, a wrong one nothing


def test_the_engines_bind_natively_and_oxigraph_splices_only_what_it_refuses(
    both: tuple[Project, Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oxigraph substitutes (SEP-0007) only variables a SELECT projects; rdflib binds any."""
    import kgraph.params

    spliced: list[str] = []

    def counting(text: str, bound: dict[str, Term]) -> Splice:
        spliced.append(text)
        return splice(text, bound)

    monkeypatch.setattr(kgraph.params, "splice", counting)
    oxigraph, rdflib = both
    assert rows(oxigraph, "SELECT ?x ?l WHERE { ?x rdfs:label ?l }", {"x": "Moscow"}, AT_2005) == [
        {"x": Term("uri", KGR + "russia"), "l": Term("literal", "Russia")}
    ]
    assert rows(oxigraph, "ASK { ?x kg:signed ?t }", {"x": "russia"}) is True
    assert spliced == []
    assert rows(rdflib, "SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": "Moscow"}, AT_2005) == [
        {"l": Term("literal", "Russia")}
    ]
    assert spliced == []
    assert rows(oxigraph, "SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": "Moscow"}, AT_2005) == [
        {"l": Term("literal", "Russia")}
    ]
    assert spliced == ["SELECT ?l WHERE { ?x rdfs:label ?l }"]


def test_an_error_in_the_spliced_text_is_reported_at_the_users_column() -> None:
    """Oxigraph reads the spliced text; its error positions are moved back before anyone sees them."""
    text = "SELECT ?o\nWHERE { ?s kg:signed ?o BIND(?s AS ?x) }"  # binding ?x, which BIND assigns too
    block = splice(text, {"x": Term("uri", KGR + "russia")})
    assert block.text.splitlines()[1].startswith("WHERE { VALUES (?x) { (<" + KGR + "russia>) } ")
    assert (block.line, block.column) == (2, 8)
    assert block.original(2, 8 + block.length + 3) == (2, 11)
    assert block.original(2, 9) == (2, 8)  # inside the block: where it was opened
    assert block.original(1, 30) == (1, 30) and block.original(2, 3) == (2, 3)
    project = Project(data_dir=str(DATA), engine="oxigraph")
    with pytest.raises(QueryError) as raised:
        project.run(PreparedQuery(text, "q.rq", {"x": "russia"}))
    error = raised.value
    assert error.path == "q.rq" and error.line == 2
    assert error.column is not None and 1 <= error.column <= len(text.splitlines()[1]) + 1


def test_errors_know_their_origin_and_a_run_needs_no_cli() -> None:
    project = Project(data_dir=str(DATA))
    named = PreparedQuery.from_argument("treaties", project.query_folder)
    assert named.origin.endswith("treaties.rq") and named.values == {}
    assert project.run(named).variables[:2] == ["treaty", "date"]
    with pytest.raises(QueryError) as raised:
        project.run(PreparedQuery("SELECT ?x WHERE { ?x a kg:State . FILTER( }"))
    assert str(raised.value).startswith("<query>:1:35: SPARQL syntax error")
    with pytest.raises(QueryError) as raised:
        project.run(PreparedQuery("INSERT DATA { kgr:a kg:met kgr:b }", "<stdin>"))
    assert raised.value.path is None and raised.value.line is None  # nowhere to point: said plainly
    heard: list[str] = []
    project.run(PreparedQuery("SELECT ?x WHERE { ?x kg:particpatedIn ?y }"), warn=heard.append)
    assert len(heard) == 1 and "kg:particpatedIn is not in kgraph's vocabulary" in heard[0]


def test_a_warm_query_warns_of_unknown_terms_from_the_cache_entry(tmp_path, monkeypatch) -> None:
    """The build writes the ontology's kg: names into the entry's manifest: a query on a current
    cache warns without reading the vocabulary's YAML or importing the compiler (about 40 ms, more
    than Oxigraph takes for a short query); an entry without them (older kgraph) still warns."""
    import json
    import shutil
    import sys

    from conftest import MINI

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    monkeypatch.setenv("KGRAPH_CACHE", str(tmp_path / "cache"))
    assert Project(str(data)).compiled() is not None
    text = "SELECT ?x WHERE { ?x kg:signd ?y }"

    def refuse(self: Project) -> None:
        raise AssertionError("the vocabulary was read")

    with monkeypatch.context() as patched:
        patched.setattr(Project, "vocabulary", refuse)
        patched.delitem(sys.modules, "kgraph.compile", raising=False)
        heard: list[str] = []
        Project(str(data)).run(PreparedQuery(text), warn=heard.append)
        assert "kgraph.compile" not in sys.modules
    assert len(heard) == 1 and "kg:signd is not in kgraph's vocabulary" in heard[0] and "kg:signed" in heard[0]
    [manifest] = (tmp_path / "cache").glob("*/*/manifest.json")
    content = json.loads(manifest.read_text(encoding="utf-8"))
    del content["terms"]
    manifest.write_text(json.dumps(content), encoding="utf-8")
    again: list[str] = []
    Project(str(data)).run(PreparedQuery(text), warn=again.append)
    assert again == heard


def test_the_stored_terms_follow_the_vocabulary_across_edits(tmp_path, monkeypatch) -> None:
    """An edit of the relations keeps the last entry's kg: names (same vocabulary); an edit of the
    vocabulary makes them again, so a predicate just declared is no longer warned about."""
    import shutil

    from conftest import MINI

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    monkeypatch.setenv("KGRAPH_CACHE", str(tmp_path / "cache"))
    text = "SELECT ?x WHERE { ?x kg:sponsored ?y }"

    def warnings() -> list[str]:
        heard: list[str] = []
        Project(str(data)).run(PreparedQuery(text), warn=heard.append)
        return heard

    assert len(warnings()) == 1
    relations = data / "relations.yaml"
    relations.write_text(relations.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert len(warnings()) == 1  # rebuilt from the last entry: its names kept, still without 'sponsored'
    vocabulary = data / "vocabulary.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8")
        + 'predicates:\n  sponsored:\n    description: "paid for"\n    subject: [State]\n    object: [Project]\n',
        encoding="utf-8",
    )
    assert warnings() == []
