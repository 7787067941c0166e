"""Properties that must hold for any input, checked on generated data with Hypothesis."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kgraph.compile import compile_graph
from kgraph.load import load

from conftest import MINI, integration, run_cli

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Characters YAML may hold in a double-quoted scalar (no controls, no line separators).
TEXT = st.text(
    st.characters(whitelist_categories=("L", "N", "P", "S", "Zs"), blacklist_characters="\u2028\u2029\x85\ufeff"),
    min_size=1,
    max_size=15,
).filter(str.strip)  # a label of spaces only is rightly refused by the validator
ID_CHARS = st.sampled_from("abcxyz019가나다жщé")
IDS = st.text(ID_CHARS, min_size=1, max_size=6).map(lambda s: "e" + s)
WORDS = st.text(st.sampled_from("abcdefghij "), min_size=3, max_size=30).map(str.strip).filter(bool)
DATE = st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()[: st_len(d)]))


def st_len(d) -> int:  # type: ignore[no-untyped-def]
    return (4, 7, 10)[d.day % 3]  # year, month or day precision


@st.composite
def datasets(draw) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """(entities.yaml, relations.yaml, source text) of a valid random data set."""
    ids = draw(st.lists(IDS, min_size=2, max_size=8, unique=True))
    kinds = [draw(st.sampled_from(["State", "Person", "Organization"])) for _ in ids]
    entities = ["- id: article\n  type: Publication\n  label: Article\n  text: sources/text.txt\n"]
    for entity_id, kind in zip(ids, kinds):
        entities.append(f"- id: {entity_id}\n  type: {kind}\n  label: {json.dumps(draw(TEXT), ensure_ascii=False)}\n")
        aliases = draw(st.lists(TEXT, max_size=2))
        if aliases:
            entities.append(f"  aliases: {json.dumps(aliases, ensure_ascii=False)}\n")
    relations, sentences = [], []
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    for index, (subject, obj) in enumerate(draw(st.lists(pairs, max_size=12))):
        quote = f"{draw(WORDS)} {index}."
        sentences.append(quote)
        predicate = draw(st.sampled_from(["met", "cooperatedWith", "warned", "rivalOf"]))
        relations.append(
            f"- subject: {subject}\n  predicate: {predicate}\n  object: {obj}\n  quote: {json.dumps(quote)}\n"
        )
        date = draw(DATE)
        if date:
            relations.append(f"  date: '{date}'\n")
    return "".join(entities), "".join(relations) or "[]\n", "\n".join(sentences) + "\n"


def _write(folder: Path, data: tuple[str, str, str]) -> Path:
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "entities.yaml").write_text(data[0], encoding="utf-8")
    (folder / "relations.yaml").write_text(data[1], encoding="utf-8")
    (folder / "sources" / "text.txt").write_text(data[2], encoding="utf-8")
    (folder / "vocabulary.yaml").write_text("extends: politics\n", encoding="utf-8")
    return folder


@integration
@SETTINGS
@given(datasets())
def test_random_data_sets_export_to_every_rdf_format_and_parse_back(data) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "data", data)
        run = run_cli("validate", data=folder)
        assert run.code == 0, run
        expected = compile_graph(load(str(folder)))
        for suffix, rdflib_name in ((".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")):
            target = Path(tmp) / f"kg{suffix}"
            assert run_cli("export", "-o", str(target), data=folder).code == 0
            assert isomorphic(expected, Graph().parse(target, format=rdflib_name)), suffix


MUTATION_CHARS = st.sampled_from(list(":-[]{}#&*!|>'\"%@`,? \t\n") + ["\r\n", "null", "~", "- ", "  ", "é", "가"])


@st.composite
def mutated(draw, text: str) -> str:  # type: ignore[no-untyped-def]
    """``text`` after a few random edits: deletions, insertions, duplicated or swapped lines."""
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "replace"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:at] + "".join(draw(st.lists(MUTATION_CHARS, min_size=1, max_size=4))) + text[at:]
        elif action == "replace":
            text = text[:at] + draw(MUTATION_CHARS) + text[at + 1 :]
        else:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if action == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


LOCATED = re.compile(r"^\S+\.(yaml|txt):[1-9]\d*:[1-9]\d*: (error|warning): \S")
ENTITIES = (MINI / "entities.yaml").read_text(encoding="utf-8")
RELATIONS = (MINI / "relations.yaml").read_text(encoding="utf-8")


@integration
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.tuples(mutated(ENTITIES), st.just(RELATIONS)), st.tuples(st.just(ENTITIES), mutated(RELATIONS))))
def test_mutated_yaml_never_crashes_the_validator(texts: tuple[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        (folder / "sources").mkdir()
        (folder / "sources" / "text.txt").write_bytes((MINI / "sources" / "text.txt").read_bytes())
        (folder / "entities.yaml").write_text(texts[0], encoding="utf-8")
        (folder / "relations.yaml").write_text(texts[1], encoding="utf-8")
        run = run_cli("validate", data=folder)
    assert run.code in (0, 1), run
    assert "internal error" not in run.err
    lines = run.err.splitlines()
    if run.code == 1:
        assert lines[-1].endswith("error(s) found"), run
        lines = lines[:-1]
    assert all(LOCATED.match(line) for line in lines), run  # every problem has file:line:column


MINI_IDS = ["article", "russia", "korea", "china", "treaty-1884", "putin", "kim-jong-il", "friendship-treaty"]


@integration
@SETTINGS
@given(datasets(), st.data())
def test_path_lengths_are_symmetric(data, pick) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "data", data)
        ids = re.findall(r"^- id: (\S+)$", data[0], re.MULTILINE)
        a, b = pick.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        there = run_cli("path", a, b, "-f", "json", data=folder)
        back = run_cli("path", b, a, "-f", "json", data=folder)
    assert there.code == back.code, (there, back)
    if there.code == 1:
        assert "no path between" in there.err and "no path between" in back.err
        return
    hops_there = json.loads(there.out)["paths"][0]["hops"]
    hops_back = json.loads(back.out)["paths"][0]["hops"]
    assert len(hops_there) == len(hops_back)
    # Each answer walks from its start to its end, whatever the direction of each relation.
    for hops, start, end in ((hops_there, a, b), (hops_back, b, a)):
        node = start
        for hop in hops:
            ends = (hop["subject"]["id"], hop["object"]["id"])
            assert node in ends
            node = ends[1] if node == ends[0] else ends[0]
        assert node == end


@integration
@SETTINGS
@given(datasets(), st.data(), st.dates(), st.sampled_from(["keep", "drop"]))
def test_at_never_returns_a_relation_out_of_force(data, pick, at, undated) -> None:  # type: ignore[no-untyped-def]
    from kgraph.dates import PartialDate

    moment = PartialDate.parse(at.isoformat()[: st_len(at)])
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "data", data)
        ids = re.findall(r"^- id: (\S+)$", data[0], re.MULTILINE)
        a, b = pick.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        run = run_cli("path", a, b, "--at", str(moment), "--undated", undated, "--k", "3", "-f", "json", data=folder)
    assert run.code in (0, 1), run
    if run.code == 1:
        assert "no path between" in run.err
        return
    for path in json.loads(run.out)["paths"]:
        for hop in path["hops"]:
            if hop["date"] is None:
                assert undated == "keep", hop
                continue
            when = PartialDate.parse(hop["date"])  # the generated data only has single dates
            assert when.earliest <= moment.latest and when.latest >= moment.earliest, (hop, moment)


@integration
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.dates(), st.sampled_from(["keep", "drop"]))
def test_at_filter_keeps_only_relations_in_force(data, at, undated) -> None:  # type: ignore[no-untyped-def]
    """The graph that path and rank search, under --at, holds no relation out of force."""
    from kgraph.dates import PartialDate
    from kgraph.entitygraph import EntityGraph
    from kgraph.pathfilters import Filter, simple_graph
    from kgraph.statement import statements
    from kgraph.vocab import DEFAULT_BASE

    moment = PartialDate.parse(at.isoformat()[: st_len(at)])
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "data", data)
        dataset = load(str(folder))
        eg = EntityGraph.of(dataset, statements(dataset, DEFAULT_BASE))
    graph = simple_graph(eg, Filter(at=moment, undated=undated))
    kept = [edge for _, _, edges in graph.edges(data="edges") for edge in edges]
    for edge in kept:
        if edge.when is None:
            assert undated == "keep"
            continue
        when = PartialDate.parse(edge.when)
        assert when.earliest <= moment.latest and when.latest >= moment.earliest, (edge, moment)
    in_force = [
        e
        for e in eg.edges
        if e.subject != e.object
        and (
            (e.when is None and undated == "keep")
            or (
                e.when is not None
                and PartialDate.parse(e.when).earliest <= moment.latest
                and PartialDate.parse(e.when).latest >= moment.earliest
            )
        )
    ]
    assert len(kept) == len(in_force)  # and none in force is lost


#: Source texts rich in what folding changes: typographic marks, whitespace runs, line breaks,
#: ligatures, soft hyphens, combining accents and Hangul jamo (NFD).
FOLDABLE = st.text(
    st.sampled_from(
        [
            "a",
            "b",
            "e",
            " ",
            "\n",
            "\u2019",
            "'",
            "\u2013",
            "-",
            "\ufb01",
            "\u00ad",
            "\u0301",
            "\u00e9",
            "\u1100",
            "\u1161",
            "\u00a0",
            "\t",
        ]
    ),
    min_size=1,
    max_size=40,
)


@integration  # a randomised run (300 examples), as the README files them
@settings(max_examples=300, deadline=None)
@given(FOLDABLE, st.data())
def test_a_passage_folds_back_to_the_quote_that_found_it(text: str, data) -> None:  # type: ignore[no-untyped-def]
    """Whatever part of a text is quoted, the passage kgraph stores is the text's own characters
    and folds back to the quote (or, when the quote starts or ends inside a ligature or a composed
    accent, to the quote with the rest of that character): the offset map never drifts."""
    from kgraph.textmatch import SourceText, normalize

    source = SourceText(text)
    folded = source.normalized
    assert normalize(text) == folded  # the quick fold is the mapped one
    assert normalize(folded) == folded  # folding is idempotent, so the folded text finds itself
    if not folded:
        return
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    quote = folded[start:end].strip()
    if not quote:
        return
    first = source.find(quote)[0]
    begin, stop = source.original(first, first + len(normalize(quote)))
    assert normalize(quote) in normalize(text[begin:stop])
    assert len(normalize(text[begin:stop])) <= len(normalize(quote)) + 4  # at most the rest of two clusters
    assert normalize(source.passage(quote) or "") == normalize(text[begin:stop])
