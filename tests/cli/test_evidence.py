"""Evidence anchored to the text: W3C Web Annotation selectors in the graph and in
``export -f annotations``, hyphenated and elided quotes, and re-anchoring after a source changes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from conftest import DATA, FIXTURES

OA = Namespace("http://www.w3.org/ns/oa#")
ANNO_CONTEXT = json.loads((FIXTURES / "anno.jsonld").read_text())


def source_text(path: Path) -> str:
    """A source file as kgraph counts positions in it: UTF-8, a leading BOM dropped, CR LF as one LF."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def read_annotations(raw: bytes) -> tuple[dict, Graph]:
    """The export as JSON, and as RDF read by rdflib's JSON-LD parser with the standard context
    supplied locally (the URL stays in the file; nothing is fetched)."""
    page = json.loads(raw)
    assert page["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    local = dict(page, **{"@context": [ANNO_CONTEXT["@context"], *page["@context"][1:]]})
    return page, Graph().parse(data=json.dumps(local), format="json-ld")


def selectors(graph: Graph) -> list[dict]:
    """Every target of every annotation with its two selectors, walked in the graph (rdflib's
    SPARQL engine takes minutes over this join)."""
    from rdflib import RDF

    found = []
    for note in graph.subjects(RDF.type, OA.Annotation):
        assert (note, OA.motivatedBy, OA.describing) in graph and graph.value(note, OA.hasBody) is not None
        for target in graph.objects(note, OA.hasTarget):
            assert (target, RDF.type, OA.SpecificResource) in graph
            row = {"note": note, "doc": graph.value(target, OA.hasSource)}
            for selector in graph.objects(target, OA.hasSelector):
                kind = graph.value(selector, RDF.type)
                names = ("exact", "prefix", "suffix") if kind == OA.TextQuoteSelector else ("start", "end")
                row.update({name: graph.value(selector, OA[name]).toPython() for name in names})
            found.append(row)
    return found


def check_selector(text: str, exact: str, prefix: str, suffix: str, start: int, end: int) -> None:
    assert text[start:end] == exact
    assert text[max(start - len(prefix), 0) : start] == prefix and len(prefix) == min(start, 32)
    assert text[end : end + len(suffix)] == suffix and len(suffix) == min(len(text) - end, 32)


def test_annotations_export_reads_back_and_every_selector_points_at_its_quote(cli, tmp_path: Path) -> None:
    target = tmp_path / "kg.annotations.jsonld"
    run = cli("export", "-o", str(target), data=DATA)  # the format from the suffix
    assert run.code == 0, run
    page, graph = read_annotations(target.read_bytes())
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 268  # one per statement
    text_path = DATA / "sources" / "russia-and-the-korean-crisis.txt"
    text = source_text(text_path)
    rows = selectors(graph)
    assert len({row["note"] for row in rows}) == 268
    for row in rows:
        check_selector(text, row["exact"], row["prefix"], row["suffix"], row["start"], row["end"])
    # The document: the text file by its hash, typed as the standard context's Text.
    doc = URIRef("https://w3id.org/kgraph/resource/text/article")
    assert {row["doc"] for row in rows} == {doc}
    sha = hashlib.sha256(text_path.read_bytes()).hexdigest()
    assert str(graph.value(doc, URIRef("https://w3id.org/kgraph/ontology#sha256"))) == sha
    assert (
        doc,
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        URIRef("http://purl.org/dc/dcmitype/Text"),
    ) in graph
    # The body is the claim: the statement with its subject, predicate and object by IRI and label.
    first = page["items"][0]["body"]
    assert {"rdf:subject", "rdf:predicate", "rdf:object", "kg:quote", "label"} <= set(first)
    assert first["rdf:subject"]["label"] and first["rdf:predicate"]["id"].startswith("https://w3id.org/kgraph/")
    # The same annotations, triple for triple, as the compiled graph holds.
    nt = cli("export", "--format", "nt", data=DATA)
    compiled = Graph().parse(data=nt.out, format="nt")
    # (oa:start and oa:end compared by value: the graph types them xsd:integer, the context
    # xsd:nonNegativeInteger.)
    ours = {(s, p, o.toPython()) for s, p, o in graph if str(p).startswith(str(OA))}
    theirs = {(s, p, o.toPython()) for s, p, o in compiled if str(p).startswith(str(OA))}
    assert ours == theirs and len(ours) == 268 * 11 + 2 * 9  # 11 oa: triples per statement (rdf:type aside),
    # and 9 more (a target: source, two selectors and their values) for the second part of each of the
    # two quotes with left-out words


def test_annotations_export_is_deterministic(cli) -> None:
    first = cli("export", "--format", "annotations")
    assert first.code == 0 and first.out_bytes == cli("export", "-f", "annotations").out_bytes


def test_every_selector_of_the_bundled_graph_points_at_its_exact_quote(cli) -> None:
    """SPARQL over the compiled graph, then slice the file: each selector finds its statement's quote."""
    query = """
        SELECT ?stmt ?quote ?path ?exact ?prefix ?suffix ?start ?end WHERE {
          ?stmt a rdf:Statement ; kg:quote ?quote .
          ?note oa:hasBody ?stmt ; oa:hasTarget ?target .
          ?target oa:hasSource ?doc ; oa:hasSelector ?q, ?p .
          ?pub dcterms:hasFormat ?doc . ?stmt prov:wasDerivedFrom ?pub .
          ?doc rdfs:label ?path .
          ?q oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
          ?p oa:start ?start ; oa:end ?end .
        }"""
    run = cli("query", query, "--format", "csv", data=DATA)
    assert run.code == 0, run
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len({row["stmt"] for row in rows}) == 268  # every statement has its evidence
    from kgraph.textmatch import layout_free

    parts: dict[str, set[tuple[int, str]]] = {}
    for row in rows:
        text = source_text(DATA / row["path"])
        start, end = int(row["start"]), int(row["end"])
        check_selector(text, row["exact"], row["prefix"], row["suffix"], start, end)
        parts.setdefault(row["stmt"], set()).add((start, layout_free(text[start:end])))
    # kg:quote is the passage, line breaks as spaces; a quote with left-out words has a target per
    # part, and kg:quote joins the parts with ' … '
    for row in rows:
        assert " \u2026 ".join(passage for _, passage in sorted(parts[row["stmt"]])) == row["quote"]
    assert sum(len(found) > 1 for found in parts.values()) == 2


HYPHEN_TEXT = """\
The Six-Party Talks aimed at the Denuclear-
ization of the Korean Peninsula. Russia supported the
first round, then the second, and later, in June 2009,
the UN sanctions on North Korea.

A new paragraph: the sanctions again.
"""


def fixture(make_data, text: str, quotes: list[str]) -> Path:
    relations = "".join(
        f"- subject: russia\n  predicate: met\n  object: korea\n  quote: {json.dumps(q)}\n  date: {2000 + i}\n"
        for i, q in enumerate(quotes)
    )
    folder = make_data(relations=relations)
    (folder / "sources" / "text.txt").write_text(text, encoding="utf-8")
    return folder


def annotation_of(cli, folder: Path, quote_start: str) -> dict:
    run = cli("export", "-f", "annotations", data=folder)
    assert run.code == 0, run
    page, _graph = read_annotations(run.out_bytes)
    return next(item for item in page["items"] if item["body"]["kg:quote"].startswith(quote_start))


def test_a_word_hyphenated_at_a_line_end_matches_the_whole_word(cli, make_data) -> None:
    folder = fixture(make_data, HYPHEN_TEXT, ["aimed at the Denuclearization of the Korean Peninsula"])
    assert cli("validate", data=folder).code == 0
    note = annotation_of(cli, folder, "aimed")
    assert note["body"]["kg:quote"] == "aimed at the Denuclearization of the Korean Peninsula"
    quote, position = note["target"]["selector"]
    assert quote["exact"] == "aimed at the Denuclear-\nization of the Korean Peninsula"  # the text's own
    assert HYPHEN_TEXT[position["start"] : position["end"]] == quote["exact"]


@pytest.mark.parametrize("mark", ["\u2026", "[...]", "...", "[\u2026]"])
def test_a_quote_with_left_out_words_is_anchored_fragment_by_fragment(cli, make_data, mark: str) -> None:
    quote = f"Russia supported the first round, {mark} in June 2009, the UN sanctions"
    folder = fixture(make_data, HYPHEN_TEXT, [quote])
    assert cli("validate", data=folder).code == 0
    note = annotation_of(cli, folder, "Russia")
    assert note["body"]["kg:quote"] == "Russia supported the first round, \u2026 in June 2009, the UN sanctions"
    targets = note["target"]
    assert [t["selector"][0]["exact"] for t in targets] == [
        "Russia supported the\nfirst round,",
        "in June 2009,\nthe UN sanctions",
    ]
    for target in targets:
        exact, position = target["selector"]
        assert HYPHEN_TEXT[position["start"] : position["end"]] == exact["exact"]
    assert targets[0]["selector"][1]["end"] < targets[1]["selector"][1]["start"]


def test_left_out_words_must_stay_in_order_within_one_paragraph(cli, make_data) -> None:
    folder = fixture(
        make_data,
        HYPHEN_TEXT,
        [
            "Russia supported the first round ... A new paragraph",
            "the UN sanctions ... Russia supported",
            "Russia supported the first round ... the sanctions of Mars",
        ],
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    lines = [line for line in run.err.splitlines() if ": error: " in line]
    assert len(lines) == 3, run.err
    assert "relations.yaml:4:10: error: quote not found in source 'article': its 2 parts" in lines[0]
    assert "not in this order within one paragraph and 1000 characters" in lines[0]
    assert "relations.yaml:9:10: error: quote not found in source 'article': its 2 parts" in lines[1]
    assert "part 2 of 2 is not in the text" in lines[2]


ORIGINAL = """\
Russia met Korea in 1884 at the first treaty.
The envoys met again in Seoul in 1885.
China lost control over Korea in 1895.
"""


def test_validate_reports_quotes_a_changed_source_moved_duplicated_or_lost(cli, make_data) -> None:
    folder = fixture(
        make_data,
        ORIGINAL,
        [
            "Russia met Korea in 1884 at the first treaty.",
            "The envoys met again in Seoul in 1885.",
            "China lost control over Korea in 1895.",
        ],
    )
    assert cli("build", data=folder).code == 0
    assert cli("validate", data=folder).err == ""  # nothing changed: nothing to say
    text = folder / "sources" / "text.txt"
    # A paragraph inserted before the quotes, a quoted sentence deleted, another one repeated.
    text.write_text(
        "A new first paragraph.\n\n"
        + ORIGINAL.replace("The envoys met again in Seoul in 1885.\n", "")
        + "Again: China lost control over Korea in 1895.\n",
        encoding="utf-8",
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    path = folder / "sources" / "text.txt"
    lines = [line for line in run.err.splitlines() if "since the last build" in line]
    assert len(lines) == 3, run.err
    assert lines[0].endswith(
        f"relations.yaml:4:10: warning: quote moved since the last build ({path} changed): {path}:1:1 -> 3:1"
    ), lines
    assert "relations.yaml:9:10: error: quote no longer matches since the last build" in lines[1]
    assert f"{path}:2:1 -> no match" in lines[1]
    assert "relations.yaml:14:10: warning: quote now matches 2 places since the last build" in lines[2]
    assert f"{path}:3:1 -> 4:1, 5:8" in lines[2]
    assert "quote not found in source 'article'" in run.err  # and the usual miss, with its nearest passage


def test_build_says_what_moved_then_records_the_new_places(cli, make_data) -> None:
    folder = fixture(make_data, ORIGINAL, ["The envoys met again in Seoul in 1885."])
    assert cli("build", data=folder).code == 0
    (folder / "sources" / "text.txt").write_text("Inserted.\n" + ORIGINAL, encoding="utf-8")
    # A query in between rebuilds the cache, but does not accept the move in the user's place.
    assert cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-f", "csv", data=folder).code == 0
    path = folder / "sources" / "text.txt"
    moved = f"quote moved since the last build ({path} changed): {path}:2:1 -> 3:1"
    assert moved in cli("validate", data=folder).err
    run = cli("build", data=folder)
    assert run.code == 0 and moved in run.err
    assert cli("validate", data=folder).err == ""  # accepted by the build: nothing moved since


def test_positions_count_code_points_of_the_text_as_read(cli, make_data) -> None:
    """A BOM is not counted; CR LF counts as one character; characters beyond the BMP count as one."""
    raw = "\ufeffFirst line \U0001f600 here.\r\nRussia met Korea in 1884 at the first treaty.\r\n"
    folder = fixture(make_data, "", ["Russia met Korea in 1884 at the first treaty."])
    (folder / "sources" / "text.txt").write_bytes(raw.encode("utf-8"))
    note = annotation_of(cli, folder, "Russia")
    position = note["target"]["selector"][1]
    assert (position["start"], position["end"]) == (19, 19 + 45)
    assert note["target"]["source"]["kg:sha256"] == hashlib.sha256(raw.encode("utf-8")).hexdigest()


def test_evidence_in_the_graph_has_stable_iris(cli, make_data) -> None:
    """The same claim keeps its annotation IRIs when the file's order changes."""
    quotes = ["Russia met Korea in 1884 at the first treaty.", "The envoys met again in Seoul in 1885."]
    one = fixture(make_data, ORIGINAL, quotes)
    first = sorted(line for line in cli("export", "-f", "nt", data=one).out.splitlines() if "/evidence" in line)
    relations = (one / "relations.yaml").read_text().split("- subject")
    (one / "relations.yaml").write_text("- subject" + relations[2] + "- subject" + relations[1])
    again = sorted(line for line in cli("export", "-f", "nt", data=one).out.splitlines() if "/evidence" in line)
    assert first == again and len(first) == 2 * 15
