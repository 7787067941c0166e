"""Quotes as evidence (issue 11, items 2, 3, 4 and 11; issue 17's Unicode forms).

The graph keeps the source's own characters; a quote YAML cut short, too short or found at
several places is reported; and the messages about quotes, names and YAML lead to the fix.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli

RELATIONS = (DATA / "relations.yaml").read_text(encoding="utf-8")
SOURCE = "data/sources/russia-and-the-korean-crisis.txt"
STALIN = "It was Shtykov who convinced Stalin to support Kim\u2019s invasion of South Korea."


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled data, as ``data/`` in the working directory (paths print as in the README)."""
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def edit(folder: Path, old: str, new: str, name: str = "relations.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def mini(make_data, old: str, new: str) -> Path:  # type: ignore[no-untyped-def]
    """The mini fixture with one change to its relations."""
    text = (ROOT / "tests/data/mini/relations.yaml").read_text(encoding="utf-8")
    assert old in text, old
    return make_data(relations=text.replace(old, new, 1))


def lines(run, severity: str = "error") -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in run.err.splitlines() if f": {severity}: " in line]


# --- item 2: kg:quote holds the source's characters ---------------------------------------------


def test_the_graph_keeps_the_source_characters_of_a_quote() -> None:
    """The annotation writes Kim's; the text has Kim’s, and so do the graph and every output."""
    assert "Kim's invasion" in RELATIONS and "Kim\u2019s invasion" not in RELATIONS
    run = run_cli(
        "query",
        "SELECT DISTINCT ?q WHERE { ?s kg:quote ?q FILTER(CONTAINS(?q, 'convinced Stalin')) }",
        "-f",
        "csv",
        data=DATA,
    )
    assert run.code == 0, run
    assert run.out.splitlines()[1:] == [STALIN]


def test_show_path_exports_and_pictures_print_the_source_characters(tmp_path: Path) -> None:
    assert "NATO expansion toward Russia's boarders" in RELATIONS  # dated, so in the events export too
    show = run_cli("show", "Joseph Stalin", data=DATA)
    assert show.code == 0 and "Kim\u2019s" in show.out and "Kim's" not in show.out, show
    path = run_cli("path", "Terenty Shtykov", "Joseph Stalin", "-f", "json", data=DATA)
    quotes = [hop["quote"] for p in json.loads(path.out)["paths"] for hop in p["hops"]]
    assert STALIN in quotes, path
    for fmt, name in (
        ("nt", "kg.nt"),
        ("csv", "kg"),
        ("events", "events.csv"),
        ("gexf", "kg.gexf"),
        ("graphml", "kg.graphml"),
        ("jsonld", "kg.jsonld"),
    ):
        run = run_cli("export", "--format", fmt, "-o", str(tmp_path / name), data=DATA)
        assert run.code == 0, run
        written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob(name + "*"))
        assert "Russia\u2019s boarders" in written and "Russia's boarders" not in written, fmt
    picture = tmp_path / "stalin.dot"
    assert run_cli("draw", "Joseph Stalin", "-o", str(picture), data=DATA).code == 0
    assert "Kim\u2019s" in picture.read_text(encoding="utf-8")


def test_dashes_quote_marks_ligatures_soft_hyphens_and_nfd_are_matched_and_kept(cli, make_data) -> None:
    """The quote is typed plainly (and in NFD, as macOS writes it); the graph holds the text's own
    characters, a line break of the text as a space."""
    folder = make_data()
    text = folder / "sources" / "text.txt"
    source = "The King\u2019s envoy (1916\u20132004) de\ufb01ned a co\u00ad\noperation with\nS\u00e9oul.\n"
    text.write_text(text.read_text(encoding="utf-8") + source, encoding="utf-8")
    quote = unicodedata.normalize("NFD", "King's envoy (1916-2004) defined a cooperation with S\u00e9oul")
    (folder / "relations.yaml").write_text(
        (folder / "relations.yaml").read_text(encoding="utf-8")
        + f'- subject: russia\n  predicate: influenced\n  object: korea\n  quote: "{quote}"\n',
        encoding="utf-8",
    )
    run = cli("validate", data=folder)
    assert run.code == 0 and run.err == "", run
    answer = cli("query", "SELECT ?q WHERE { ?s kg:quote ?q FILTER(CONTAINS(?q, 'envoy')) }", "-f", "json", data=folder)
    stored = json.loads(answer.out)["results"]["bindings"][0]["q"]["value"]
    assert stored == "King\u2019s envoy (1916\u20132004) de\ufb01ned a co\u00adoperation with S\u00e9oul"


# --- item 3: a plain quote cut by a comment -----------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        (
            "In 1961 two states #signed the Friendship Treaty.",
            "30:29: error: the quote is cut short at '#': YAML "
            "reads ' #' as the start of a comment, so the quote ends at \"In 1961 two states\"; put the quote in "
            'quotes (quote: "...") or move the comment to a line of its own',
        ),
        (
            "#1961: two states signed the Friendship Treaty.",
            "30:10: error: the quote is cut short at '#': YAML "
            "reads ' #' as the start of a comment, so the quote is empty; put the quote in quotes (quote: \"...\") "
            "or move the comment to a line of its own",
        ),
    ],
    ids=["stump", "empty"],
)
def test_a_plain_quote_cut_by_a_comment_is_an_error_at_the_hash(cli, make_data, typed: str, expected: str) -> None:
    """The stump would be found in the text and accepted: it is an error, at the '#'."""
    folder = mini(make_data, "  quote: In 1961 two states signed the Friendship Treaty.", f"  quote: {typed}")
    run = cli("validate", data=folder)
    assert run.code == 1
    assert [re.sub(r"^.*/data/", "data/", line) for line in lines(run)] == [f"data/relations.yaml:{expected}"]


def test_a_comment_after_a_quoted_quote_or_on_its_own_line_is_fine(cli, make_data) -> None:
    folder = mini(
        make_data,
        "  quote: In 1961 two states signed the Friendship Treaty.",
        '  quote: "In 1961 two states signed the Friendship Treaty."  # the second treaty\n  # checked',
    )
    assert cli("validate", data=folder).code == 0


# --- item 4: quotes that prove something --------------------------------------------------------


def test_short_and_repeated_quotes_are_warned_about(bundled: Path) -> None:
    edit(bundled, 'quote: "In 1904 a war between Russia and Japan broke out. Russia lost"', 'quote: "Russia lost"')
    # the line it stands on in the bundled file (1-based), found rather than hard-coded so that the
    # annotation may grow above it
    at = RELATIONS.split("\n").index('  quote: "In 1904 a war between Russia and Japan broke out. Russia lost"') + 1
    edit(bundled, "  quote_ok: repeated\n", "")  # the first one, above: the quote moves up a line
    run = run_cli("validate", data="data")
    assert run.code == 0, run
    warnings = lines(run, "warning")
    assert (
        f'data/relations.yaml:{at - 1}:10: warning: quote "Russia lost" is short (2 word(s)): it may not '
        "show the claim; quote more of the passage, or accept it with 'quote_ok: short'"
    ) in warnings
    assert (
        f"data/relations.yaml:22:10: warning: quote occurs 2 times in {SOURCE} (line 10, and also "
        "line(s) 27): quote more of the passage so it points at one place, or accept it with "
        "'quote_ok: repeated'"
    ) in warnings
    assert len(warnings) == 2


def test_a_quote_found_many_times_lists_the_lines(cli, make_data) -> None:
    folder = mini(make_data, "  quote: In April 1895, when China lost control over Korea", "  quote: two states")
    run = cli("validate", data=folder)
    assert run.code == 0
    assert any(
        line.endswith(
            "relations.yaml:15:10: warning: quote occurs 2 times in "
            f"{folder / 'sources' / 'text.txt'} (line 2, and also line(s) 4): quote more of "
            "the passage so it points at one place, or accept it with 'quote_ok: repeated'"
        )
        for line in run.err.splitlines()
    ), run


def test_quote_ok_accepts_a_short_quote_on_purpose(cli, make_data) -> None:
    short = "  quote: Vladimir Putin met Kim Jong-il\n"
    folder = mini(make_data, short, "  quote: Vladimir Putin\n")
    assert 'warning: quote "Vladimir Putin" is short' in cli("validate", data=folder).err
    run = cli("validate", data=mini(make_data, short, "  quote: Vladimir Putin\n  quote_ok: short\n"))
    assert run.code == 0 and run.err == "", run
    run = cli("validate", data=mini(make_data, short, "  quote: Vladimir Putin\n  quote_ok: shrot\n"))
    assert run.code == 1 and "field 'quote_ok' takes short or repeated, not 'shrot'" in run.err


def test_the_bundled_annotation_has_no_evidence_warnings() -> None:
    run = run_cli("validate", data=DATA)
    assert run.code == 0 and run.err == "", run


# --- item 11: messages that lead to the fix -----------------------------------------------------


def test_the_readme_unknown_entity_example_is_what_kgraph_prints(bundled: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(
        r"`(data/relations\.yaml:(\d+):(\d+): error: unknown entity 'rok' "
        r"\(did you mean 'south-korea'\?\))`",
        readme,
    )
    assert example, "the README's example is gone"
    line, column = int(example.group(2)), int(example.group(3))
    rows = (bundled / "relations.yaml").read_text(encoding="utf-8").split("\n")
    value = re.match(r"[\w-]+", rows[line - 1][column - 1 :])
    assert value and value.group() == "south-korea", rows[line - 1]
    rows[line - 1] = rows[line - 1][: column - 1] + "rok" + rows[line - 1][column - 1 + len(value.group()) :]
    (bundled / "relations.yaml").write_text("\n".join(rows), encoding="utf-8")
    run = run_cli("validate", data="data")
    assert run.code == 1
    assert lines(run) == [example.group(1)]


@pytest.mark.parametrize(
    "name, hint",
    [
        ("ROK", "south-korea"),
        ("Republic of Korea", "south-korea"),
        ("Pyongyang", "north-korea"),
        ("Vladimir Putn", "vladimir-putin"),
    ],
)
def test_unknown_entity_hints_use_labels_and_aliases(bundled: Path, name: str, hint: str) -> None:
    edit(bundled, "  object: american-graduate-school", f"  object: {name}")
    run = run_cli("validate", data="data")
    assert lines(run) == [f"data/relations.yaml:12:11: error: unknown entity '{name}' (did you mean '{hint}'?)"]


AUTHOR = '  quote: "Anton Koslov, Ph.D. (American Graduate School, Russia)"'


@pytest.mark.parametrize(
    "typed, expected",
    [
        # An unclosed quote is reported where it opens, not where PyYAML notices it.
        (
            AUTHOR[:-1],
            '13:10: error: YAML syntax error: this " opens a quoted text that is not closed on its line, '
            'so YAML read on to line 22 (did not find expected key): close it with "',
        ),
        (
            "  quote: Anton Koslov: Ph.D. (American Graduate School, Russia)",
            "13:22: error: YAML syntax error: ': ' inside unquoted text starts a new field: put the text in quotes "
            '(quote: "..."), or write the colon without a space after it',
        ),
        (
            "  quote: Anton Koslov, Ph.D. #(American Graduate School,\n    Russia)",
            "13:30: error: YAML syntax error: ' #' inside unquoted text starts a comment, which cut the text short "
            'and left line 14 over: put the text in quotes (quote: "...")',
        ),
    ],
    ids=["unclosed-quote", "colon", "hash"],
)
def test_yaml_syntax_errors_say_what_to_fix(bundled: Path, typed: str, expected: str) -> None:
    edit(bundled, AUTHOR, typed)
    assert lines(run_cli("validate", data="data")) == [f"data/relations.yaml:{expected}"]


def test_a_quote_not_found_shows_where_it_departs_from_the_text(bundled: Path) -> None:
    """A slip at the end of a long quote is found: position in the source file, differences marked."""
    edit(bundled, "It was signed in February 2000", "It was signed in February 2001")
    run = run_cli("validate", data="data")
    [error] = lines(run)
    assert error.endswith(
        f"error: quote not found in source 'article': it departs from the nearest passage at {SOURCE}:143:24 "
        '(differences in brackets): quote "...on. It was signed in February [2001]", '
        'text "...on. It was signed in February [2000]; starting in April "'
    )
    source_line = (DATA / "sources" / "russia-and-the-korean-crisis.txt").read_text(encoding="utf-8").split("\n")[142]
    assert source_line[23:28] == "2000;"


def test_a_quote_that_differs_inside_points_at_the_difference(bundled: Path) -> None:
    edit(bundled, '  quote: "Anton Koslov, Ph.D."', '  quote: "Anton Koslov, PhD."')
    [error] = lines(run_cli("validate", data="data"))
    assert error == (
        f"data/relations.yaml:8:10: error: quote not found in source 'article': it departs from the "
        f'nearest passage at {SOURCE}:4:15 (differences in brackets): quote "Anton Koslov, [PhD].", '
        'text "...e Korean Crisis Anton Koslov, [Ph.D]. (American Graduate"'
    )


def test_a_query_naming_an_undeclared_kg_term_is_warned_about() -> None:
    run = run_cli("query", "SELECT ?x WHERE {\n  ?x kg:particpatedIn ?y ; a kg:Treaty }", "-f", "csv", data=DATA)
    assert run.code == 0 and run.out.splitlines() == ["x"]
    assert run.err.splitlines() == [
        "warning: line 2, column 6: kg:particpatedIn is not in kgraph's vocabulary, so it matches nothing "
        "(did you mean kg:participatedIn?)"
    ]


def test_declared_terms_and_a_query_own_kg_prefix_are_not_warned_about() -> None:
    declared = run_cli(
        "query", "SELECT ?q WHERE { ?s kg:quote ?q ; kg:kind 'fact' ; a kg:Assessment }", "-f", "csv", data=DATA
    )
    assert declared.code == 0 and declared.err == ""
    own = run_cli(
        "query", "PREFIX kg: <http://example.org/> SELECT ?x WHERE { ?x kg:particpatedIn ?y }", "-f", "csv", data=DATA
    )
    assert own.code == 0 and own.err == ""
