"""kgraph diff: claim-level differences between two data folders or two git revisions of one."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import DATA, MINI, readme_example, run_cli

OLD_VOCABULARY = """\
extends: politics
types:
  Agency:
    label: agency
    parent: Organization
predicates:
  advised:
    label: advised
    subject: [Person]
    object: [Person]
  funded:
    label: funded
"""
NEW_VOCABULARY = """\
extends: politics
types:
  Ministry:
    label: ministry
    parent: Organization
predicates:
  advised:
    label: gave advice to
    subject: [Person]
    object: [Person]
  briefed:
    label: briefed
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def make_pair(root: Path) -> tuple[Path, Path]:
    """Two versions of the mini data with one of each kind of change between them."""
    old, new = root / "old", root / "new"
    shutil.copytree(MINI, old)
    (old / "vocabulary.yaml").write_text(OLD_VOCABULARY, encoding="utf-8")
    with (old / "entities.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- id: nkvd\n  type: Agency\n  label: NKVD\n")
    shutil.copytree(old, new)
    (new / "vocabulary.yaml").write_text(NEW_VOCABULARY, encoding="utf-8")
    _edit(
        new / "entities.yaml",
        "- id: nkvd\n  type: Agency\n  label: NKVD\n",
        "- id: mofa\n  type: Ministry\n  label: Ministry of Foreign Affairs\n",
    )
    _edit(new / "entities.yaml", "label: Kim Jong-il", "label: Kim Jong Il")
    _edit(new / "relations.yaml", "  date: 2000-07\n", "  date: 2000-06\n")
    _edit(
        new / "relations.yaml",
        "- subject: china\n  predicate: lostControlOf\n  object: korea\n"
        "  date: 1895-04\n  quote: In April 1895, when China lost control over Korea\n",
        "",
    )
    with (new / "relations.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "- subject: russia\n  predicate: cooperatedWith\n  object: korea\n  quote: Russia used this opportunity\n"
        )
    return old, new


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working directory
    make_pair(tmp_path)
    return "old", "new"


EXPECTED_MARKDOWN = """\
### kgraph diff: old \u2192 new

relations: 1 added, 1 removed, 1 changed; entities: 1 added, 1 removed, 1 changed; \
types: 1 added, 1 removed; predicates: 1 added, 1 removed, 1 changed

#### Relations added

- **Russia cooperated with Korea** `russia cooperatedWith korea (article)` at `new/relations.yaml:26`
  - quote: Russia used this opportunity

#### Relations removed

- **China lost control of Korea** `china lostControlOf korea (article)` at `old/relations.yaml:11`
  - date: 1895-04
  - quote: In April 1895, when China lost control over Korea

#### Relations changed

- **Vladimir Putin met Kim Jong Il** `putin met kim-jong-il (article)` at `new/relations.yaml:11`
  - date: 2000-07 \u2192 2000-06

#### Entities added

- **Ministry of Foreign Affairs** `mofa` at `new/entities.yaml:32`
  - type: Ministry

#### Entities removed

- **NKVD** `nkvd` at `old/entities.yaml:32`
  - type: Agency

#### Entities changed

- **Kim Jong Il** `kim-jong-il` at `new/entities.yaml:25`
  - label: Kim Jong-il \u2192 Kim Jong Il

#### Types added

- **ministry** `Ministry` at `new/vocabulary.yaml:3`

#### Types removed

- **agency** `Agency` at `old/vocabulary.yaml:3`

#### Predicates added

- **briefed** `briefed` at `new/vocabulary.yaml:11`

#### Predicates removed

- **funded** `funded` at `old/vocabulary.yaml:11`

#### Predicates changed

- **gave advice to** `advised` at `new/vocabulary.yaml:7`
  - label: advised \u2192 gave advice to
"""


def test_markdown_names_every_kind_of_change(pair: tuple[str, str]) -> None:
    run = run_cli("diff", *pair, "--format", "markdown", data=None)
    assert run.code == 1, run
    assert run.out == EXPECTED_MARKDOWN


def test_json_items(pair: tuple[str, str]) -> None:
    run = run_cli("diff", *pair, "-f", "json", data=None)
    assert run.code == 1, run
    data = json.loads(run.out)
    assert data["equal"] is False
    # the shape the README documents
    assert set(data) == {"old", "new", "equal", "counts", "items"}
    assert all(set(i) == {"section", "change", "id", "label", "where", "fields"} for i in data["items"])
    assert data["counts"]["relation"] == {"added": 1, "removed": 1, "changed": 1}
    assert data["counts"]["entity"] == {"added": 1, "removed": 1, "changed": 1}
    assert data["counts"]["type"] == {"added": 1, "removed": 1, "changed": 0}
    assert data["counts"]["predicate"] == {"added": 1, "removed": 1, "changed": 1}
    changed = [i for i in data["items"] if i["section"] == "relation" and i["change"] == "changed"]
    assert changed == [
        {
            "section": "relation",
            "change": "changed",
            "id": "putin met kim-jong-il (article)",
            "label": "Vladimir Putin met Kim Jong Il",
            "where": "new/relations.yaml:11",
            "fields": [{"field": "date", "old": "2000-07", "new": "2000-06"}],
        }
    ]
    removed = [i for i in data["items"] if i["section"] == "entity" and i["change"] == "removed"]
    assert removed == [
        {
            "section": "entity",
            "change": "removed",
            "id": "nkvd",
            "label": "NKVD",
            "where": "old/entities.yaml:32",
            "fields": [{"field": "type", "old": "Agency", "new": None}],
        }
    ]
    assert len(data["items"]) == 11


def test_table_and_output_file(pair: tuple[str, str], tmp_path: Path) -> None:
    run = run_cli("diff", *pair, data=None)
    assert run.code == 1, run
    assert "Vladimir Putin met Kim Jong Il" in run.out and "2000-07 \u2192 2000-06" in run.out
    assert run.out.rstrip().endswith("predicates: 1 added, 1 removed, 1 changed")
    written = run_cli("diff", *pair, "-o", "review.md", data=None)
    assert written.code == 1, written
    assert (tmp_path / "review.md").read_text(encoding="utf-8") == EXPECTED_MARKDOWN
    assert written.out == ""
    refused = run_cli("diff", *pair, "-f", "table", "-o", "review.txt", data=None)
    assert refused.code == 2 and "a table is for the terminal" in refused.err


def test_identical_folders_exit_0(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(DATA, copy)
    for fmt in ("table", "markdown"):
        run = run_cli("diff", str(DATA), str(copy), "-f", fmt, data=None)
        assert run.code == 0, run
        assert run.out.rstrip().endswith("no differences")
    run = run_cli("diff", str(DATA), str(DATA), "-f", "json", data=None)
    assert run.code == 0 and json.loads(run.out)["equal"] is True and json.loads(run.out)["items"] == []


def test_rewrapped_quote_is_no_change(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    shutil.copytree(MINI, new)
    _edit(
        new / "relations.yaml",
        "quote: Vladimir Putin met Kim Jong-il in July 2000.",
        'quote: "Vladimir Putin met\\n   Kim Jong-il in July 2000."',
    )
    run = run_cli("diff", str(old), str(new), data=None)
    assert run.code == 0, run


def test_shared_identity_pairs_by_quote(tmp_path: Path) -> None:
    """Two claims with one subject, predicate and object: a corrected date on the second is a change of
    that one, even when the file order changes, not a removal and an addition."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    first = (
        "- subject: putin\n  predicate: met\n  object: kim-jong-il\n  date: 2000-07\n"
        "  quote: Vladimir Putin met Kim Jong-il in July 2000.\n"
    )
    second = (
        "- subject: putin\n  predicate: met\n  object: kim-jong-il\n  date: 2000\n"
        "  quote: Vladimir Putin met Kim Jong-il\n"
    )
    _edit(old / "relations.yaml", first, first + second)
    shutil.copytree(old, new)
    _edit(new / "relations.yaml", first + second, second.replace("date: 2000\n", "date: 2000-07\n") + first)
    run = run_cli("diff", str(old), str(new), "-f", "json", data=None)
    assert run.code == 1, run
    items = json.loads(run.out)["items"]
    assert [(i["change"], i["fields"]) for i in items] == [
        ("changed", [{"field": "date", "old": "2000", "new": "2000-07"}])
    ]


def test_errors_name_the_side(pair: tuple[str, str], tmp_path: Path) -> None:
    _edit(
        tmp_path / "new" / "relations.yaml",
        "object: korea\n  quote: Russia used",
        "object: koreaa\n  quote: Russia used",
    )
    run = run_cli("diff", *pair, data=None)
    assert run.code == 1, run
    assert run.out == ""
    assert "new/relations.yaml:28:11: error: (new side, new) unknown entity 'koreaa'" in run.err, run.err
    missing = run_cli("diff", "old", "nowhere", data=None)
    assert missing.code == 1 and "nowhere: error: (new side, nowhere) data folder not found" in missing.err


def test_usage_errors(pair: tuple[str, str]) -> None:
    assert run_cli("diff", "old", data=None).code == 2
    assert run_cli("diff", "old", "new", "--rev", "HEAD", data=None).code == 2
    bad = run_cli("diff", *pair, "-f", "yaml", data=None)
    assert bad.code == 2 and "choose one of table, markdown, json" in bad.err


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_rev_compares_git_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_pair(tmp_path / "work")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copytree(tmp_path / "work" / "old", repo / "corpus" / "data")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "old")
    shutil.rmtree(repo / "corpus" / "data")
    shutil.copytree(tmp_path / "work" / "new", repo / "corpus" / "data")
    monkeypatch.chdir(repo / "corpus")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    # the working tree against HEAD: the same changes, the old side shown at its revision
    run = run_cli("diff", "--rev", "HEAD", "-f", "markdown", data="data")
    assert run.code == 1, run
    expected = (
        EXPECTED_MARKDOWN.replace("old \u2192 new", "HEAD \u2192 working tree")
        .replace("`new/", "`data/")
        .replace("`old/", "`HEAD:corpus/data/")
    )
    assert run.out == expected
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "new")
    two = run_cli("diff", "--rev", "HEAD~1..HEAD", "-f", "markdown", data="data")
    assert two.code == 1, two
    # both sides at a revision: the new side's places at HEAD, the removals' at HEAD~1
    assert two.out == (
        EXPECTED_MARKDOWN.replace("old \u2192 new", "HEAD~1 \u2192 HEAD")
        .replace("`new/", "`HEAD:corpus/data/")
        .replace("`old/", "`HEAD~1:corpus/data/")
    )
    same = run_cli("diff", "--rev", "HEAD", data="data")
    assert same.code == 0 and "no differences" in same.out, same
    unknown = run_cli("diff", "--rev", "nosuchrev", data="data")
    assert unknown.code == 1 and "nosuchrev" in unknown.err and "Traceback" not in unknown.err
    assert list(temp.iterdir()) == []  # the extracted revisions are removed, after errors too


def test_bundled_data_against_itself() -> None:
    run = run_cli("diff", str(DATA), str(DATA), data=None)
    assert run.code == 0, run
    assert run.out.strip() == "no differences"


def test_readme_diff_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's review: a draft of the bundled data with a wrong date and a relation missing."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(DATA, tmp_path / "draft")
    relations = tmp_path / "draft" / "relations.yaml"
    war = "- subject: japan\n  predicate: participatedIn\n  object: russo-japanese-war\n  date: 190"
    _edit(relations, war + "4\n", war + "1\n")
    cause = relations.read_text(encoding="utf-8")
    start = cause.index("- subject: russian-revolution-1905\n  predicate: causedBy")
    end = cause.index("- subject:", start + 1)
    relations.write_text(cause[:start] + cause[end:], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = run_cli("diff", "draft", "data", "--format", "markdown", data=None)
    assert run.code == 1, run
    assert run.out == readme_example("kgraph diff draft data --format markdown")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_rev_when_the_data_folder_is_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    _git(data, "init", "-q")
    _git(data, "add", ".")
    _git(data, "commit", "-q", "-m", "first")
    _edit(
        data / "relations.yaml",
        "- subject: china\n  predicate: lostControlOf\n  object: korea\n"
        "  date: 1895-04\n  quote: In April 1895, when China lost control over Korea\n",
        "",
    )
    monkeypatch.chdir(tmp_path)
    run = run_cli("diff", "--rev", "HEAD", "-f", "json", data="data")
    assert run.code == 1, run
    items = json.loads(run.out)["items"]
    assert [(i["change"], i["label"], i["where"]) for i in items] == [
        ("removed", "China lost control of Korea", "HEAD:relations.yaml:11")
    ]


def test_corrected_source_text_is_a_change_of_its_publication(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    shutil.copytree(MINI, new)
    with (new / "sources" / "text.txt").open("a", encoding="utf-8") as handle:
        handle.write("A sentence restored from the printed edition.\n")
    run = run_cli("diff", str(old), str(new), "-f", "json", data=None)
    assert run.code == 1, run
    [item] = json.loads(run.out)["items"]
    assert (item["section"], item["change"], item["id"]) == ("entity", "changed", "article")
    [change] = item["fields"]
    assert change["field"] == "source text"
    size = len((MINI / "sources" / "text.txt").read_text(encoding="utf-8"))
    assert change["old"].startswith(f"{size} characters, sha256 ")
    assert change["new"].startswith(f"{size + 46} characters, sha256 ")
