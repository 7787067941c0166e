"""kgraph agree: two annotations of the same text scored against each other, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.agree import cohen_kappa

from conftest import DATA, FIXTURES, ROOT, readme_example, run_cli

AGREE = FIXTURES / "agree"
A, B = str(AGREE / "a"), str(AGREE / "b")
TEXT = (AGREE / "a" / "sources" / "text.txt").read_text(encoding="utf-8")


def agree(*args: str) -> dict:  # type: ignore[type-arg]
    run = run_cli("agree", A, B, "-f", "json", *args, data=None)
    assert run.code == 0, run
    return json.loads(run.out)  # type: ignore[no-any-return]


def test_scores_computed_by_hand() -> None:
    """A has 4 relations, B 5; B matches 3 of A's on subject, predicate and object (Korea *signed* the
    1884 treaty in A, is *party to* it in B; B alone has Russia signing the Friendship Treaty)."""
    found = agree()
    # the shape the README documents
    assert set(found) == {
        "a",
        "b",
        "match_date",
        "relations",
        "precision",
        "recall",
        "f1",
        "kappa",
        "kappa_items",
        "quote_overlap",
        "only_a",
        "only_b",
        "pairs",
    }
    assert all(set(c) == {"id", "label", "where", "quote", "date"} for c in found["only_a"] + found["only_b"])
    assert found["relations"] == {"a": 4, "b": 5, "matched": 3}
    assert found["precision"] == pytest.approx(3 / 5)
    assert found["recall"] == pytest.approx(3 / 4)
    assert found["f1"] == pytest.approx(2 * 0.6 * 0.75 / (0.6 + 0.75))
    # Kappa items: the 5 (subject, object) pairs either side annotates.
    #   russia-treaty1884 signed/signed, korea-treaty1884 signed/partyTo, china-korea lostControlOf/
    #   lostControlOf, putin-kim met/met, russia-friendship none/signed.
    # Observed agreement 3/5. Categories of A: signed 2, lostControlOf 1, met 1, none 1; of B: signed 2,
    # partyTo 1, lostControlOf 1, met 1. Chance: (2*2 + 1*1 + 1*1) / 25 = 6/25.
    observed, chance = 3 / 5, 6 / 25
    assert found["kappa_items"] == 5
    assert found["kappa"] == pytest.approx((observed - chance) / (1 - chance))
    assert round(found["kappa"], 4) == 0.4737
    assert found["pairs"] == [
        {
            "id": "korea treaty-1884",
            "label": "Korea \u2192 Russian-Korean Treaty of 1884",
            "a": "signed",
            "b": "partyTo",
        },
        {"id": "russia friendship-treaty", "label": "Russia \u2192 Friendship Treaty", "a": "none", "b": "signed"},
    ]


def test_quote_overlap_by_hand() -> None:
    """Each matched pair's quotes located in the text by hand (the text wraps lines: one space each)."""
    first = TEXT.index("The first treaty")
    a1 = (first, TEXT.index("1884.") + len("1884."))  # 67 characters, a line break inside
    b1 = (TEXT.index("signed on July 7, 1884"), TEXT.index("signed on July 7, 1884") + 22)
    a2 = (TEXT.index("In April"), TEXT.index("over Korea") + len("over Korea"))
    b2 = (TEXT.index("China lost control"), a2[1])
    assert (a1, b1, a2, b2) == ((0, 67), (44, 66), (68, 117), (88, 117))
    overlap = (66 - 44) + (117 - 88) + 44  # the third pair quotes the same 44 characters
    union = 67 + (117 - 68) + 44
    found = agree()["quote_overlap"]
    assert found == {"pairs": 3, "overlap_chars": overlap, "union_chars": union, "ratio": overlap / union}
    assert (overlap, union) == (95, 160)


def test_match_date() -> None:
    """With dates, China's loss of Korea (1895-04 in A, 1895 in B) no longer matches."""
    found = agree("--match-date")
    assert found["relations"] == {"a": 4, "b": 5, "matched": 2}
    assert (found["precision"], found["recall"]) == (pytest.approx(2 / 5), pytest.approx(2 / 4))
    # 6 (subject, object, date) items; A: signed, signed, lostControlOf(1895-04), none(1895), met, none;
    # B: signed, partyTo, none(1895-04), lostControlOf(1895), met, signed. Observed 2/6;
    # chance (signed 2*2 + lostControlOf 1*1 + met 1*1 + none 2*1) / 36 = 8/36.
    observed, chance = 2 / 6, 8 / 36
    assert found["kappa_items"] == 6
    assert found["kappa"] == pytest.approx((observed - chance) / (1 - chance))
    assert found["kappa"] == pytest.approx(1 / 7)
    assert [c["id"] for c in found["only_a"]] == [
        "china lostControlOf korea 1895-04",
        "korea signed treaty-1884 1884-07-07",
    ]


def test_cohen_kappa_formula() -> None:
    # Two raters, 10 items, yes/no: agree on 4 yes and 3 no; A says yes 6 times, B 5 times.
    a = ["y"] * 4 + ["y", "y"] + ["n"] + ["n"] * 3
    b = ["y"] * 4 + ["n", "n"] + ["y"] + ["n"] * 3
    chance = (6 * 5 + 4 * 5) / 100
    assert cohen_kappa(a, b) == pytest.approx((0.7 - chance) / (1 - chance))  # 0.4
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None  # one category only: chance agreement is 1
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["x", "y"], ["y", "x"]) == pytest.approx(-1.0)


def test_table_lists_disagreements(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(AGREE)
    run = run_cli("agree", "a", "b", data=None)
    assert run.code == 0, run
    for expected in (
        "precision",
        "0.600",
        "0.750",
        "0.667",
        "Cohen's kappa (5 pairs)",
        "0.474",
        "0.594 (95 of 160 characters)",
        "only in A",
        "only in B",
        "Korea signed Russian-Korean Treaty of 1884",
        "a/relations.yaml:7",
        "Russia signed Friendship Treaty",
        "b/relations.yaml:22",
    ):
        assert expected in run.out, (expected, run.out)


def test_a_quote_with_left_out_words_overlaps_by_its_parts(tmp_path: Path) -> None:
    """A's quote leaves words out ('Vladimir Putin met [...] in July 2000.'); B quotes the whole
    sentence. Before, a quote with left-out words was never found, so the pair had no overlap."""
    import shutil

    shutil.copytree(AGREE / "a", tmp_path / "a")
    relations = tmp_path / "a" / "relations.yaml"
    whole = "quote: Vladimir Putin met Kim Jong-il in July 2000."
    text = relations.read_text(encoding="utf-8")
    assert text.count(whole) == 1
    relations.write_text(text.replace(whole, 'quote: "Vladimir Putin met [...] in July 2000."'), encoding="utf-8")
    run = run_cli("agree", str(tmp_path / "a"), B, "-f", "json", data=None)
    assert run.code == 0, run
    found = json.loads(run.out)["quote_overlap"]
    before = agree()["quote_overlap"]
    assert found["pairs"] == before["pairs"]
    # the left-out ' Kim Jong-il ' (13 characters, spaces included) is in B's quote only: the
    # overlap loses them, the union keeps them
    assert (found["overlap_chars"], found["union_chars"]) == (before["overlap_chars"] - 13, before["union_chars"])


def test_bundled_data_agrees_with_itself() -> None:
    run = run_cli("agree", str(DATA), str(DATA), "-f", "json", data=None)
    assert run.code == 0, run
    found = json.loads(run.out)
    assert found["precision"] == found["recall"] == found["f1"] == found["kappa"] == 1.0
    assert found["quote_overlap"]["ratio"] == 1.0 and found["quote_overlap"]["pairs"] == found["relations"]["a"]
    assert found["only_a"] == found["only_b"] == found["pairs"] == []


def test_errors(tmp_path: Path) -> None:
    run = run_cli("agree", A, str(tmp_path / "missing"), data=None)
    assert run.code == 1 and "(B side," in run.err and "data folder not found" in run.err, run
    assert run_cli("agree", A, data=None).code == 2
    assert run_cli("agree", A, B, "-f", "markdown", data=None).code == 2
    written = run_cli("agree", A, B, "-o", str(tmp_path / "agreement.json"), data=None)
    assert written.code == 0 and written.out == ""
    assert json.loads((tmp_path / "agreement.json").read_text(encoding="utf-8")) == agree()


def test_readme_agree_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(ROOT)
    run = run_cli("agree", "tests/data/agree/a", "tests/data/agree/b", data=None)
    assert run.code == 0, run
    assert run.out == readme_example("kgraph agree tests/data/agree/a tests/data/agree/b")
