"""The compiled-graph cache: reused while the sources are unchanged, never stale, never trusted damaged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.compile import compile_graph
from kgraph.load import load

from conftest import MINI, integration

COUNT_SIGNED = "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:signed ?o }"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KGRAPH_CACHE", str(folder))
    return folder


def signed(cli, folder: Path) -> str:
    run = cli("query", COUNT_SIGNED, "-f", "csv", data=folder)
    assert run.code == 0, run
    return run.out.splitlines()[1]


def entries(cache: Path) -> list[Path]:
    return [p for p in cache.glob("*/*") if p.is_dir() and not p.name.startswith(".")]


def test_build_fills_the_cache_and_queries_reuse_it(cli, make_data, cache: Path) -> None:
    folder = make_data()
    run = cli("build", "--time", data=folder)
    triples = len(compile_graph(load(str(folder))))
    assert run.code == 0 and f"built {triples} triples" in run.out
    # Checked and compiled a file at a time, never loading every record at once (#15).
    assert "time: relations" in run.err and "time: load store" in run.err
    assert "time: load and validate" not in run.err
    [entry] = entries(cache)
    manifest = json.loads((entry / "manifest.json").read_text())
    assert manifest["triples"] == triples and manifest["relations"] == 6
    again = cli("query", COUNT_SIGNED, "-f", "csv", "--time", data=folder)
    assert again.out.splitlines()[1] == "3"
    assert "time: cache check" in again.err and "load and validate" not in again.err
    assert entries(cache) == [entry]


def test_a_changed_data_file_is_never_served_stale(cli, make_data, cache: Path) -> None:
    folder = make_data()
    assert signed(cli, folder) == "3"
    text = (folder / "relations.yaml").read_text()
    (folder / "relations.yaml").write_text(
        text.replace(
            "predicate: signed\n  object: friendship-treaty", "predicate: partyTo\n  object: friendship-treaty"
        )
    )
    assert signed(cli, folder) == "2"
    assert len(entries(cache)) == 1  # the old entry is dropped


def test_a_changed_source_text_invalidates_the_cache(cli, make_data, cache: Path) -> None:
    folder = make_data()
    assert cli("build", data=folder).code == 0
    source = folder / "sources" / "text.txt"
    source.write_text(source.read_text().replace("Vladimir Putin met Kim Jong-il", "Nobody met anyone"))
    run = cli("query", COUNT_SIGNED, data=folder)
    assert run.code == 1 and "quote not found" in run.err  # validated again, not served from cache


def test_an_invalid_change_is_reported_not_hidden_by_the_cache(cli, make_data, cache: Path) -> None:
    folder = make_data()
    assert signed(cli, folder) == "3"
    (folder / "relations.yaml").write_text(
        (folder / "relations.yaml").read_text().replace("object: treaty-1884", "object: treaty-1885", 1)
    )
    run = cli("path", "putin", "russia", data=folder)
    assert run.code == 1 and "unknown entity 'treaty-1885'" in run.err


@pytest.mark.parametrize("damage", ["manifest", "marshal", "store-file", "pointer"])
def test_a_damaged_cache_is_rebuilt(cli, make_data, cache: Path, damage: str) -> None:
    folder = make_data()
    assert cli("build", data=folder).code == 0
    [entry] = entries(cache)
    if damage == "manifest":
        (entry / "manifest.json").write_text("{not json")
    elif damage == "marshal":
        (entry / "entities.marshal").write_bytes(b"garbage")
    elif damage == "store-file":
        victim = max((p for p in (entry / "oxigraph").iterdir() if p.suffix == ".sst"), key=lambda p: p.stat().st_size)
        victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    else:
        (entry.parent / "current.json").unlink()
    run = cli("query", COUNT_SIGNED, "-f", "csv", "--time", data=folder)
    assert run.code == 0, run
    assert run.out.splitlines()[1] == "3"
    # Rebuilt, not trusted: a new entry, its store loaded from the parts, not copied from the damaged one.
    assert "time: write cache" in run.err and "time: load store" in run.err and "copy store" not in run.err
    path = cli("path", "putin", "kim-jong-il", "-f", "json", data=folder)
    assert json.loads(path.out)["paths"][0]["hops"][0]["quote"] == "Vladimir Putin met Kim Jong-il in July 2000."


def test_cache_goes_beside_the_data_folder_by_default(cli, make_data, monkeypatch) -> None:
    folder = make_data()
    monkeypatch.delenv("KGRAPH_CACHE")
    assert cli("build", data=folder).code == 0
    assert (folder.parent / ".kgraph-cache").is_dir()


@integration
def test_query_on_a_cached_graph_imports_only_what_it_needs(make_data, cache: Path) -> None:
    folder = make_data()
    env = {**os.environ, "KGRAPH_CACHE": str(cache)}
    kgraph = [sys.executable, "-m", "kgraph", "--data", str(folder)]
    subprocess.run([*kgraph, "build"], check=True, env=env, capture_output=True)
    code = (
        "import sys, runpy; sys.argv = ['kgraph', '--data', sys.argv[1], 'query', sys.argv[2], '-f', 'csv']\n"
        "try:\n    runpy.run_module('kgraph', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'rdflib', 'networkx', 'yaml', 'rich', 'pyoxigraph'}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), COUNT_SIGNED], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[1] == "3"
    assert done.stderr.strip().splitlines()[-1] == "['pyoxigraph']"


def test_time_reports_phases_on_path(cli, make_data, cache: Path) -> None:
    run = cli("path", "putin", "kim-jong-il", "--time", data=make_data())
    assert run.code == 0
    for phase in ("load entity graph", "build entity graph", "search", "total"):
        assert f"time: {phase}" in run.err


def signers(cli, folder: Path) -> list[str]:
    run = cli("query", "SELECT ?s WHERE { ?s kg:signed kgr:treaty-1884 } ORDER BY ?s", "-f", "csv", data=folder)
    assert run.code == 0, run
    return [line.rsplit("/", 1)[-1] for line in run.out.splitlines()[1:]]


def test_settled_files_are_not_read_again(cli, make_data, cache: Path, monkeypatch) -> None:
    """A warm command trusts the remembered hash of a file whose identity is unchanged."""
    import kgraph.cache

    monkeypatch.setattr(kgraph.cache.Hashes, "SETTLED_NS", 0)
    folder = make_data()
    assert signers(cli, folder) == ["korea", "russia"]
    assert signers(cli, folder) == ["korea", "russia"]  # records the hashes on a warm call
    read: list[str] = []
    real_sha = kgraph.cache._sha
    monkeypatch.setattr(kgraph.cache, "_sha", lambda path: read.append(path) or real_sha(path))
    assert kgraph.cache.find(str(folder), "https://w3id.org/kgraph/resource/") is not None
    assert read == []


def test_the_first_command_after_a_build_does_not_read_the_new_entry_again(
    cli, make_data, cache: Path, monkeypatch
) -> None:
    """Issue 15: the build remembers the checksums of the files it wrote, so the next command
    checks the entry by their identity (at a million relations it read the 3.4 GB store again,
    4 s); a file changed since is still read (see the damage tests below)."""
    import kgraph.cache

    folder = make_data()
    assert cli("build", data=folder).code == 0
    [entry] = entries(cache)
    read: list[str] = []
    real_sha = kgraph.cache._sha
    monkeypatch.setattr(kgraph.cache, "_sha", lambda path: read.append(path) or real_sha(path))
    assert kgraph.cache.find(str(folder), "https://w3id.org/kgraph/resource/") is not None
    assert [path for path in read if path.startswith(str(entry))] == []
    table = next((entry / "oxigraph").glob("*.sst"))
    table.write_bytes(table.read_bytes())  # the same bytes, but written again: its times moved
    read.clear()
    assert kgraph.cache.find(str(folder), "https://w3id.org/kgraph/resource/") is not None
    assert str(table) in read


def test_a_store_that_does_not_open_is_rebuilt(cli, make_data, cache: Path, monkeypatch) -> None:
    """The store is opened only by the commands that query it; when RocksDB refuses it (its files
    matching their checksums), the query says so, rebuilds and answers."""
    import pyoxigraph

    folder = make_data()
    assert cli("build", data=folder).code == 0
    real = pyoxigraph.Store.read_only
    refused: list[str] = []

    def read_only(path: str) -> pyoxigraph.Store:
        if not refused:
            refused.append(path)
            raise RuntimeError("Corruption: bad block")
        return real(path)

    monkeypatch.setattr(pyoxigraph.Store, "read_only", read_only)
    path = cli("path", "putin", "kim-jong-il", data=folder)
    assert path.code == 0 and refused == [], path  # path reads the entity files only
    run = cli("query", COUNT_SIGNED, "-f", "csv", data=folder)
    assert run.code == 0, run
    assert run.out.splitlines()[1] == "3" and len(refused) == 1
    assert "does not open (Corruption: bad block); rebuilding it" in run.err


def test_a_same_size_edit_with_its_old_mtime_restored_is_still_seen(cli, make_data, cache: Path, monkeypatch) -> None:
    import kgraph.cache

    monkeypatch.setattr(kgraph.cache.Hashes, "SETTLED_NS", 0)  # the memo at its most trusting
    folder = make_data()
    relations = folder / "relations.yaml"
    assert signers(cli, folder) == ["korea", "russia"]
    assert signers(cli, folder) == ["korea", "russia"]
    before = relations.stat()
    relations.write_text(
        relations.read_text().replace("- subject: korea\n  predicate: signed", "- subject: china\n  predicate: signed")
    )
    os.utime(relations, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = relations.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert signers(cli, folder) == ["china", "russia"]


def test_a_file_changed_just_before_hashing_is_hashed_again(make_data, cache: Path, monkeypatch) -> None:
    """The racy rule: a hash taken within two seconds of the file's last change is not trusted."""
    import kgraph.cache

    folder = make_data()
    hashes = kgraph.cache.Hashes(str(cache / "hashes.json"))
    (cache).mkdir(exist_ok=True)
    target = str(folder / "relations.yaml")
    first = hashes.sha(target)
    read: list[str] = []
    real_sha = kgraph.cache._sha
    monkeypatch.setattr(kgraph.cache, "_sha", lambda path: read.append(path) or real_sha(path))
    assert hashes.sha(target) == first and read == [target]


# --- a cache that heals (#17 item 5) ---


def kgraph(folder: Path, cache: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """kgraph in its own process (a damaged store can make a query spin: the timeout ends it)."""
    env = {**os.environ, "KGRAPH_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(folder), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def flip_store_bytes(entry: Path) -> None:
    """Invert a block in the middle of every store file, keeping each file's size."""
    for table in (entry / "oxigraph").glob("*.sst"):
        data = bytearray(table.read_bytes())
        for at in range(len(data) // 3, min(len(data) // 3 + 4096, len(data))):
            data[at] ^= 0xFF
        table.write_bytes(bytes(data))
        assert table.stat().st_size == len(data)


def test_store_damage_that_keeps_the_size_is_detected_and_rebuilt(make_data, cache: Path) -> None:
    folder = make_data()
    assert kgraph(folder, cache, "build").returncode == 0
    [entry] = entries(cache)
    flip_store_bytes(entry)
    done = kgraph(folder, cache, "query", COUNT_SIGNED, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "3"
    assert "note: the cached graph" in done.stderr and "is damaged" in done.stderr
    again = kgraph(folder, cache, "query", COUNT_SIGNED, "-f", "csv")
    assert again.stdout.splitlines()[1] == "3" and "damaged" not in again.stderr
    assert entry not in entries(cache)  # the damaged entry is gone once nobody reads it


def test_build_reads_every_byte_and_never_reports_a_damaged_entry_as_built(
    cli, make_data, cache: Path, monkeypatch
) -> None:
    """Damage the remembered hashes cannot see (the file's identity claims it unchanged)."""
    import kgraph.cache

    monkeypatch.setattr(kgraph.cache.Hashes, "SETTLED_NS", 0)
    folder = make_data()
    assert signed(cli, folder) == "3"
    assert signed(cli, folder) == "3"  # the store's hashes are remembered now
    [entry] = entries(cache)
    memo_path = entry.parent / "hashes.json"
    memo = json.loads(memo_path.read_text())
    flip_store_bytes(entry)
    for table in (entry / "oxigraph").glob("*.sst"):  # as if the disk itself had changed the bytes
        st = table.stat()
        memo[str(table)][0] = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    memo_path.write_text(json.dumps(memo))
    run = cli("build", data=folder)
    assert run.code == 0, run
    assert "is damaged" in run.err and "rebuilding" in run.err
    assert entry not in entries(cache)
    assert signed(cli, folder) == "3"


# --- every source text is part of the key (#17 item 10) ---


def move_text(folder: Path, where: str) -> Path:
    """Put the source text in ``where`` (relative to the data folder) and point entities.yaml at it."""
    target = folder / where / "text.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    (folder / "sources" / "text.txt").rename(target)
    entities = folder / "entities.yaml"
    entities.write_text(entities.read_text().replace("text: sources/text.txt", f"text: {where}/text.txt"))
    return target


def drop_friendship_treaty(text: Path) -> None:
    text.write_text(text.read_text().replace("In 1961 two states signed the Friendship Treaty.", "Nothing."))


def test_a_text_in_a_hidden_folder_is_part_of_the_key(cli, make_data, cache: Path) -> None:
    folder = make_data()
    text = move_text(folder, ".sources")
    assert signed(cli, folder) == "3"
    drop_friendship_treaty(text)
    run = cli("query", COUNT_SIGNED, "-f", "csv", data=folder)
    assert run.code == 1 and "quote not found" in run.err


def test_a_text_behind_a_symlinked_folder_is_part_of_the_key(cli, make_data, cache: Path, tmp_path: Path) -> None:
    folder = make_data()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / "sources" / "text.txt").rename(elsewhere / "text.txt")
    (folder / "sources").rmdir()
    (folder / "sources").symlink_to(elsewhere, target_is_directory=True)
    assert signed(cli, folder) == "3"
    drop_friendship_treaty(elsewhere / "text.txt")
    run = cli("query", COUNT_SIGNED, "-f", "csv", data=folder)
    assert run.code == 1 and "quote not found" in run.err
    other = tmp_path / "other"  # the same name behind the link, another text
    other.mkdir()
    (other / "text.txt").write_text((MINI / "sources" / "text.txt").read_text())
    (folder / "sources").unlink()
    (folder / "sources").symlink_to(other, target_is_directory=True)
    assert signed(cli, folder) == "3"


# --- the key is the hash of the bytes read (#11 item 10) ---


def test_an_edit_between_loading_and_building_is_never_served(cli, make_data, cache: Path, monkeypatch) -> None:
    import kgraph.load

    folder = make_data()
    relations = folder / "relations.yaml"
    real_read = kgraph.load._read_file

    def read_then_edit(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_read(path, *args, **kwargs)
        if path.endswith("relations.yaml"):  # the build has read the file: now it changes
            relations.write_text(
                relations.read_text().replace(
                    "predicate: signed\n  object: friendship-treaty", "predicate: partyTo\n  object: friendship-treaty"
                )
            )
        return found

    monkeypatch.setattr(kgraph.load, "_read_file", read_then_edit)
    run = cli("build", data=folder)
    assert run.code == 0 and "from 8 entities and 6 relations" in run.out  # built from what was read
    monkeypatch.setattr(kgraph.load, "_read_file", real_read)
    assert signed(cli, folder) == "2"  # the edit, not the graph built before it


# --- leftovers of killed builds (#17 item 15) ---

_STUCK_BUILD = """
import sys, time
from kgraph import cache

def triples():
    print("writing", flush=True)
    time.sleep(120)
    yield b""

cache.write(sys.argv[1], "https://example.org/", "0" * 64, triples(), ([], []), {}, [], sys.argv[2])
"""


@integration
def test_a_killed_build_leaves_nothing_behind_after_the_next_build(cli, make_data, cache: Path) -> None:
    import signal

    folder = make_data()
    stuck = subprocess.Popen(
        [sys.executable, "-c", _STUCK_BUILD, str(folder), str(cache)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert stuck.stdout is not None and stuck.stdout.readline() == "writing\n"
        [leftover] = cache.glob("*/.tmp-*")
        (leftover / "big").write_bytes(b"x" * 1_000_000)
        assert cli("build", data=folder).code == 0
        assert leftover.is_dir()  # its build is still running: left alone
        stuck.send_signal(signal.SIGKILL)
        stuck.wait()
        (folder / "relations.yaml").write_text((folder / "relations.yaml").read_text() + "\n")
        assert cli("build", data=folder).code == 0
        assert not leftover.exists()
        assert [p.name for p in cache.glob("*/.*")] == [".parts"]  # the incremental build's, kept
    finally:
        stuck.kill()
        stuck.wait()


@pytest.mark.parametrize("module", ["model.py", "record.py", "cli/render.py"])
def test_every_module_of_the_package_is_in_the_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    """Editing any .py file of kgraph gives a new key: model.py and record.py decide what a build
    holds too, and the hand-kept list of modules the key used to hash had left them out."""
    import shutil

    import kgraph
    from kgraph import cache

    package = tmp_path / "kgraph"
    shutil.copytree(
        os.path.dirname(kgraph.__file__), package, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.yaml")
    )
    monkeypatch.setattr(cache, "PACKAGE_DIR", str(package))
    before = cache.source_key(str(MINI), "http://example.org/")
    assert cache.source_key(str(MINI), "http://example.org/") == before
    with open(package / module, "a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    assert cache.source_key(str(MINI), "http://example.org/") != before


@pytest.mark.parametrize("change", ["schema", "fields"])
def test_records_of_another_schema_are_rebuilt_not_misread(
    cli, make_data, cache: Path, monkeypatch, change: str
) -> None:
    """The entity file keeps the compiled statements by field name under statement.SCHEMA: an entry
    written under another schema (an older kgraph, or a record whose fields changed) is rebuilt,
    never read into the wrong fields."""
    from kgraph import entitygraph, statement

    folder = make_data()
    fresh = cli("path", "putin", "kim-jong-il", "-f", "json", data=folder)
    assert fresh.code == 0, fresh
    for entry in entries(cache):  # start from an entry written under the other schema
        shutil.rmtree(entry)
    if change == "schema":
        monkeypatch.setattr(entitygraph, "SCHEMA", statement.SCHEMA - 1)
    else:  # the same number, but the fields a record had before (one dropped): not bumped by mistake
        monkeypatch.setattr(entitygraph, "STATEMENT_FIELDS", statement.FIELDS[:-1])
    assert cli("build", data=folder).code == 0
    [old] = entries(cache)
    monkeypatch.setattr(entitygraph, "SCHEMA", statement.SCHEMA)
    monkeypatch.setattr(entitygraph, "STATEMENT_FIELDS", statement.FIELDS)
    again = cli("path", "putin", "kim-jong-il", "-f", "json", data=folder)
    assert again.code == 0, again
    assert again.out == fresh.out
    pointer = json.loads((old.parent / "current.json").read_text())
    assert pointer["entry"] != old.name  # a new entry is current
    third = cli("path", "putin", "kim-jong-il", "-f", "json", "--time", data=folder)
    assert third.out == fresh.out and "time: compile" not in third.err  # and the new entry is reused


@integration  # two settling pauses and four processes
def test_damage_with_its_mtime_set_back_is_seen_in_an_entry_linked_from_the_last(make_data, cache: Path) -> None:
    """An edit's entry links the last entry's store files and remembers their checksums by file
    identity (device, inode, size, mtime); bytes changed in place with the mtime set back are
    still read again (the ctime moved), so the damage is found, not trusted."""
    import time

    folder = make_data()
    assert kgraph(folder, cache, "build").returncode == 0
    time.sleep(2.1)  # the hashes settle (Hashes.SETTLED_NS)
    relations = folder / "relations.yaml"
    relations.write_text(relations.read_text(encoding="utf-8") + "# checked again\n", encoding="utf-8")
    edited = kgraph(folder, cache, "query", COUNT_SIGNED, "-f", "csv", "--time")
    assert edited.returncode == 0 and "copy store" in edited.stderr, edited.stderr  # linked, not loaded
    time.sleep(2.1)
    [entry] = entries(cache)
    tables = list((entry / "oxigraph").glob("*.sst"))
    times = {table: table.stat() for table in tables}
    flip_store_bytes(entry)
    for table, st in times.items():
        os.utime(table, ns=(st.st_atime_ns, st.st_mtime_ns))
    done = kgraph(folder, cache, "query", COUNT_SIGNED, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "3"
    assert "is damaged" in done.stderr


@integration  # settling pauses
def test_the_last_entry_is_checked_without_reading_the_files_it_linked(
    make_data, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: before copying the last entry's store, a build checks it; the files that entry
    linked from a checked one are known by identity, so only the files the last edit wrote are
    read (it was every byte of the store, 270 MB at 100k relations)."""
    import time

    from kgraph import cache as cache_module
    from kgraph.project import Project

    folder = make_data()
    relations = folder / "relations.yaml"
    original = relations.read_text(encoding="utf-8")
    assert Project(str(folder)).compiled() is not None
    [first] = entries(cache)
    inodes = {p.stat().st_ino for p in (first / "oxigraph").glob("*.sst")}
    time.sleep(2.1)
    relations.write_text(original + "# one\n", encoding="utf-8")
    assert Project(str(folder)).compiled() is not None
    [entry] = entries(cache)
    linked = {p.name for p in (entry / "oxigraph").glob("*.sst") if p.stat().st_ino in inodes}
    assert linked  # the edit's entry links the last entry's store files
    time.sleep(2.1)
    relations.write_text(original + "# two\n", encoding="utf-8")
    read: list[str] = []
    sha = cache_module._sha
    monkeypatch.setattr(cache_module, "_sha", lambda path: read.append(path) or sha(path))
    compiled = Project(str(folder)).compiled()
    assert compiled is not None and compiled.triples > 0
    assert read  # the files the last edit wrote were read
    assert not [p for p in read if entry.name in p and Path(p).name in linked], read


def test_the_key_lists_every_file_of_the_folder_by_its_path_inside_it(tmp_path: Path) -> None:
    """cache.source_files names each file relative to the data folder, however the folder is
    given, hidden files and folders aside (it takes each folder's relative path once)."""
    from kgraph.cache import _absolute, source_files

    for rel in ("a.yaml", "relations/b.yaml", "relations/deep/c.yaml", ".hidden.yaml", ".cache/x", "relations/.d"):
        (tmp_path / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / rel).write_text("x", encoding="utf-8")
    expected = ["a.yaml", "relations/b.yaml", "relations/deep/c.yaml"]
    for given in (tmp_path / "data", f"{tmp_path}/data/", f"{tmp_path}/./data"):
        assert source_files(str(given)) == expected
    for path in ("/a/b", "/a/./b", "/a/../b", "a/b", "/a//b", "/a/.hidden/b", "/a/b/"):
        assert _absolute(path) == os.path.abspath(path), path
