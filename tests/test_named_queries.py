"""Each named query in queries/, run through the CLI as a user would, gives the article's answer."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from kgraph.cli.app import app

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
QUERIES = os.path.join(ROOT, "queries")


def run(name: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["--data", DATA, "query", name, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def rows_with(rows: list[dict[str, str]], **values: str) -> list[dict[str, str]]:
    return [r for r in rows if all(r.get(k) == v for k, v in values.items())]


def test_every_named_query_states_its_question() -> None:
    names = sorted(f for f in os.listdir(QUERIES) if f.endswith(".rq"))
    assert len(names) >= 20
    for name in names:
        with open(os.path.join(QUERIES, name), encoding="utf-8") as handle:
            first = handle.readline()
        assert first.startswith("# ") and len(first) > 10, name


def test_timeline_is_in_date_order_from_1884_to_2017() -> None:
    rows = run("timeline")
    days = [r["earliest"] or r["latest"] for r in rows]
    assert days == sorted(days) and all(days)
    assert days[0] == "1884-07-07"
    assert days[-1] <= "2017-12-31"
    assert rows_with(rows, subject="Russian Empire", relation="signed", date="1884-07-07")
    assert rows_with(rows, subject="China", relation="lost control of", date="1895-04")
    assert rows_with(rows, subject="Japan", relation="annexed", date="1910")
    assert rows_with(rows, subject="Soviet Union", relation="created", object="North Korea", date="1948")
    assert rows_with(rows, subject="Russia", relation="supported", date="2006-07", status="actual")
    # "as NATO was about to attack Serbia": listed in its place, and said to be a plan
    assert rows_with(rows, subject="NATO", relation="attacked", object="Serbia", date="1999-03", status="planned")
    # "Before 1979" (../1978) has no first day: it stays, in its place at its last day.
    [before] = rows_with(rows, subject="Soviet Union", relation="traded with", object="South Korea")
    assert (before["date"], before["earliest"], before["latest"]) == ("../1978", "", "1978-12-31")
    assert rows.index(before) + 1 == next(i for i, r in enumerate(rows) if r["earliest"] > "1978-12-31")
    order = [r["date"] for r in rows if r["relation"] == "signed"]
    assert order.index("1961") < order.index("2000-02") < order.index("2000-07")


def test_treaties_lists_each_treaty_with_signatories_and_dates() -> None:
    rows = run("treaties")
    assert rows_with(rows, treaty="Russian-Korean Treaty of 1884", party="Korea (pre-1910)", date="1884-07-07")
    assert rows_with(
        rows, treaty="Soviet-North Korean Friendship Treaty (1961)", party="Soviet Union", role="signed", date="1961"
    )
    assert rows_with(rows, treaty="UN Security Council Resolution 1695", party="Russia", role="supported")
    assert rows_with(
        rows, treaty="Nuclear Non-Proliferation Treaty", party="North Korea", role="withdrew from", date="2003"
    )


def test_leaders() -> None:
    rows = run("leaders")
    pairs = {(r["leader"], r["led"]) for r in rows}
    for pair in [
        ("Gojong", "Korea (pre-1910)"),
        ("Kim Il-sung", "North Korea"),
        ("Kim Jong-il", "North Korea"),
        ("Vladimir Putin", "Russia"),
        ("Joseph Stalin", "Soviet Union"),
        ("Moon Jae-in", "South Korea"),
        ("Roh Tae-woo", "South Korea"),
        ("Richard Nixon", "Nixon administration"),
        ("Donald Trump", "Trump administration"),
    ]:
        assert pair in pairs, pair
    assert ("Vladimir Putin", "Soviet Union") not in pairs


def test_moscow_north_korea_treaties() -> None:
    rows = run("moscow-north-korea-treaties")
    found = {(r["treaty"], r["moscow"], r["date"]) for r in rows}
    assert ("Soviet-North Korean Friendship Treaty (1961)", "Soviet Union", "1961") in found
    assert ("Treaty on Friendship, Good-Neighborly Relations and Cooperation (2000)", "Russia", "2000-02") in found
    assert ("Russia-North Korea Joint Declaration (July 2000)", "Russia", "2000-07") in found
    assert [r["date"] for r in rows][:3] == ["1961", "2000-02", "2000-07"]
    assert not [r for r in rows if "1884" in r["treaty"]]  # the 1884 treaty was with pre-1910 Korea


def test_russia_un_actions() -> None:
    rows = run("russia-un-actions")
    assert [(r["action"], r["date"]) for r in rows] == [
        ("UN Security Council Resolution 1695", "2006-07"),
        ("UN sanctions on North Korea (June 2009)", "2009-06"),
    ]
    assert rows[0]["effect"] == "condemned" and rows[0]["target"] == "North Korean missile test (July 2006)"
    assert rows[1]["effect"] == "sanctioned" and rows[1]["target"] == "North Korea"


def test_economic_projects() -> None:
    rows = run("economic-projects")
    railway = rows_with(rows, project="Railway through Russia connecting North and South Korea to the EU")
    assert railway and {r["backer"] for r in railway} == {"Russia"}
    # "it still plans to develop ... a railway ... connecting": a plan of Russia's, and planned links
    assert {r["link"] for r in railway} == {"European Union", "North Korea", "South Korea", "Russia"}
    assert {(r["how"], r["status"], r["linkStatus"]) for r in railway} == {("pursued", "planned", "planned")}
    assert rows_with(
        rows,
        project="Transkorean gas pipeline",
        backer="Russia",
        how="pursued",
        status="planned",
        link="Korean Peninsula",
        linkStatus="planned",
    )
    assert rows_with(
        rows, project="Russian humanitarian and energy projects in North Korea", how="invested in", status="planned"
    )
    assert rows_with(rows, project="Nine bridges", backer="Moon Jae-in", how="proposed", date="2017")
    assert rows_with(rows, project="Common railway network", backer="Russia", how="advocated", status="actual")


def test_loans_and_debts() -> None:
    rows = run("loans-and-debts")
    got = {(r["lender"], r["relation"], r["borrower"], Decimal(r["value"]), r["unit"]) for r in rows}
    assert ("Russia", "wrote off debt of", "North Korea", Decimal("11000000000"), "USD") in got
    assert ("Russia", "wrote off debt of", "North Korea", Decimal("90"), "percent") in got
    assert ("the West", "lent to", "North Korea", Decimal("1200000000"), "USD") in got
    assert ("South Korea", "lent to", "Soviet Union", Decimal("1500000000"), "USD") in got
    assert ("South Korea", "lent to", "Russia", Decimal("1500000000"), "USD") in got
    write_off = rows_with(rows, relation="wrote off debt of", unit="USD")[0]
    assert write_off["date"] == "2012-09" and write_off["footnote"] == "8"


def test_claims_by_source() -> None:
    rows = run("claims-by-source")
    assert {int(r["footnote"]) for r in rows} == set(range(1, 13))
    nixon = rows_with(rows, object="Nixon administration")[0]
    assert nixon["footnote"] == "1" and nixon["work"] == "The End of North Korea"
    assert nixon["author"] == "Nicholas Eberstadt"
    assert rows_with(rows, footnote="6", relation="rejected", subject="North Korea")
    # the 1989 threat: what North Korea would do, not what it did
    assert rows_with(rows, footnote="3", subject="North Korea", relation="pursued", status="hypothetical")
    ten = rows_with(rows, footnote="10")
    assert {r["author"] for r in ten} == {"Heo, UKk", "Roehrig, Terence"} and len(ten) % 2 == 0


def test_united_states_events() -> None:
    rows = run("united-states-events")
    assert rows_with(
        rows, subject="Soviet Union", relation="assured", object="Nixon administration", date="1969", side="with"
    )
    assert rows_with(rows, subject="Trump administration", relation="cast doubt on", side="against")
    assert rows_with(
        rows,
        subject="Russia",
        relation="had strained relations with",
        object="United States",
        date="2008~/2018",
        side="against",
    )
    assert rows_with(
        rows,
        subject="Communist bloc",
        relation="seeks closer ties with",
        object="United States",
        date="1989~",
        side="with",
    )
    assert rows_with(rows, subject="United States", object="Korean War")


def test_brokers() -> None:
    rows = run("brokers")
    actors = {r["actor"] for r in rows}
    assert actors == {"Russia", "Vladimir Putin"}
    assert all(r["kind"] == "assessment" for r in rows)
    assert any("peace broker" in r["quote"] for r in rows)


def test_changing_relations() -> None:
    rows = run("changing-relations")
    pair = [r for r in rows if {r["actorA"], r["actorB"]} == {"North Korea", "Soviet Union"}]
    tones = {r["tone"] for r in pair}
    assert tones == {"cooperative", "hostile"}
    dated = [r["date"] for r in pair]
    assert dated.index("1948") < dated.index("1989")
    assert rows_with(pair, date="1989", tone="hostile", relation="warned")
    west = [r for r in rows if {r["actorA"], r["actorB"]} == {"Russia", "the West"}]
    assert [r["tone"] for r in west] == ["cooperative", "hostile"]


def test_assessments() -> None:
    rows = run("assessments")
    assert len(rows) >= 30
    assert any("big fish in a small pond" in r["quote"] for r in rows)
    assert any("preservation of stability" in r["quote"] for r in rows)
    assert not any("July 7, 1884" in r["quote"] for r in rows)


def test_quantities() -> None:
    rows = run("quantities")
    got = {(Decimal(r["value"]), r["unit"]) for r in rows if r["value"]}
    for expected in [
        (Decimal(100), "km"),
        (Decimal(50), "percent"),
        (Decimal(40), "percent"),
        (Decimal(1000000000), "USD"),
    ]:
        assert expected in got, expected
    # "less than $1 million": an upper bound in its own column, not a value of a million
    trade = rows_with(rows, measure="annual trade")
    assert [(r["value"], Decimal(r["max"]), r["unit"]) for r in trade] == [("", Decimal(1000000), "USD")]
    # the $1 billion "agreed to be used to finance" an investment: the amount of a planned claim
    assert rows_with(rows, relation="invested in", status="planned", unit="USD")


def test_loans_total_by_lender() -> None:
    found = run("loans-total-by-lender")
    rows = {r["lender"]: r for r in found}
    assert Decimal(rows["South Korea"]["totalUSD"]) == Decimal("3000000000")
    assert rows["South Korea"]["loans"] == "2"
    assert Decimal(rows["the West"]["totalUSD"]) == Decimal("1200000000")
    south = [
        (r["borrower"], Decimal(r["borrowerUSD"]), r["borrowerLoans"]) for r in found if r["lender"] == "South Korea"
    ]
    assert south == [("Russia", Decimal("1500000000"), "1"), ("Soviet Union", Decimal("1500000000"), "1")]


def test_people_roles() -> None:
    rows = run("people-roles")
    assert rows_with(rows, person="Alexander Losyukov", relation="official of", body="Russia")
    assert rows_with(rows, person="Yury Trutnev", body="Russia")
    assert rows_with(rows, person="Terenty Shtykov", relation="official of", body="Soviet Union")
    assert {r["person"] for r in rows} >= {"Nicholas Eberstadt", "Yoichi Funabashi", "Anthony Rinna"}


def test_cited_works() -> None:
    found = run("cited-works")
    rows = {r["work"]: r for r in found}
    assert len(rows) == 7  # the article and six cited works
    eberstadt = rows["The End of North Korea"]
    assert eberstadt["publisher"] == "American Enterprise Institute Press" and eberstadt["year"] == "1999"
    assert (eberstadt["footnotes"], eberstadt["firstFootnote"], eberstadt["lastFootnote"]) == ("2", "1", "2")
    guardian = [r for w, r in rows.items() if w.startswith("The Guardian")][0]
    assert guardian["url"].endswith("russia-writes-off-north-korea-debt") and guardian["firstFootnote"] == "8"
    heo = [r["author"] for r in found if r["work"].startswith("South Korea's Rise")]
    assert heo == ["Heo, UKk", "Roehrig, Terence"]  # one row per author, in one order on every store


def test_year_2003() -> None:
    rows = run("year-2003")
    assert rows_with(rows, subject="North Korea", relation="withdrew from", object="Nuclear Non-Proliferation Treaty")
    assert rows_with(rows, subject="North Korea", relation="rejected", status="actual")
    assert all(r["date"] == "2003" for r in rows)
    # the six states Losyukov proposed as parties to consultations: proposed, not parties
    parties = rows_with(rows, relation="party to", object="Six-party consultations (proposed 2003)")
    assert len(parties) == 6 and {r["status"] for r in parties} == {"proposed"}


def test_places() -> None:
    rows = run("places")
    assert rows_with(rows, place="Vladivostok", relation="located in", object="Russia")
    assert rows_with(rows, place="Crimea", subject="Russia", relation="annexed")
    assert rows_with(rows, place="Sakhalin Island", subject="Russian Empire", relation="lost control of")


def test_events_by_decade() -> None:
    rows = {r["decade"]: int(r["claims"]) for r in run("events-by-decade")}
    assert list(rows)[0] == "1880s" and rows["1880s"] == 2
    assert "2010s" in rows and "1920s" not in rows


def test_moscow_pyongyang_relations() -> None:
    rows = run("moscow-pyongyang-relations")
    assert rows[0]["date"] == "1948" and rows[0]["subject"] == "Soviet Union"
    assert rows_with(rows, subject="Russia", relation="succeeded", object="Soviet Union")
    soviet_dates = [r["date"] for r in rows if "Soviet Union" in (r["subject"], r["object"]) and r["date"] != "undated"]
    russian_dates = [r["date"] for r in rows if "Russia" in (r["subject"], r["object"]) and r["date"] != "undated"]
    assert max(soviet_dates) < min(russian_dates)


def test_metonyms() -> None:
    rows = run("metonyms")
    # "Moscow" is a name in time (kg:alias), one entity's at a time, listed in order of period.
    moscow = [(r["entity"], r["period"]) for r in rows_with(rows, name="Moscow")]
    assert moscow == [("Soviet Union", "1922-12-30/1991-12-25"), ("Russia", "1991-12-26/..")]
    assert rows_with(rows, name="Seoul", entity="South Korea", period="always")
    assert rows_with(rows, name="Pyongyang", entity="North Korea")
    assert rows_with(rows, subject="Soviet Union", relation="assured")


def test_korea_influence() -> None:
    rows = run("korea-influence")
    assert rows[0]["date"] == "1895-04"
    assert rows_with(rows, actor="Japan", relation="annexed", date="1910")
    assert rows_with(rows, actor="Russia", relation="seeks influence in", kind="assessment")


def test_footnote_counts() -> None:
    rows = run("footnote-counts")
    assert [int(r["footnote"]) for r in rows] == list(range(1, 13))
    assert all(int(r["claims"]) >= 1 for r in rows)


def test_korean_war() -> None:
    rows = run("korean-war")
    assert rows_with(rows, actor="North Korea", relation="invaded", object="South Korea")
    assert rows_with(rows, actor="Korean War", relation="ended with", date="1953")
    assert rows_with(rows, actor="Terenty Shtykov", relation="persuaded", object="Joseph Stalin")


@pytest.mark.parametrize("relation", ["withdrew from", "acts as mediator in", "seeks to develop", "connects"])
def test_predicate_usage_includes_added_predicates(relation: str) -> None:
    rows = {r["relation"]: int(r["uses"]) for r in run("predicate-usage")}
    assert rows.get(relation, 0) >= 1


def test_every_named_query_gives_one_answer_on_every_store() -> None:
    """A total ORDER BY and no GROUP_CONCAT (whose parts come in the store's order): the integration
    tests (tests/cli/test_stores.py, tests/test_engines.py) then compare answers row for row."""
    import re
    from pathlib import Path

    for query in sorted((Path(ROOT) / "queries").glob("*.rq")):
        text = re.sub(r"(?m)^\s*#.*$", "", query.read_text(encoding="utf-8"))  # comments may name it
        assert "GROUP_CONCAT(" not in text.upper(), query.name
        assert re.search(r"^ORDER BY ", text, re.M), query.name
