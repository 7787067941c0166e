"""The compiled graph on disk, keyed by a hash of the sources, so commands skip YAML and compiling.

Layout: ``CACHE/<data folder name>-<hash of its path>/<key>/`` holding ``oxigraph/`` (an on-disk
Oxigraph store), ``entities.marshal`` (entities and evidence-carrying edges for paths) and
``manifest.json``. The key hashes the bytes of every file in the data folder (and of source texts
outside it; the data folder's vocabulary.yaml among them), the vocabularies kgraph ships, the kgraph
version, the code that decides the triples, and the base IRI; a changed
source gives a new key, so a stale graph is never served. Entries are written in a temporary folder
and renamed into place; an entry whose files do not match its manifest is rebuilt, not trusted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import time

from kgraph import __version__
from kgraph.timing import phase

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import Any, Iterable

FORMAT = 1
MANIFEST = "manifest.json"
HASHES = "hashes.json"
ENTITIES = "entities.marshal"
STORE = "oxigraph"
#: Modules whose code decides what a build contains: editing one invalidates every cache.
_CODE = ("cache", "compile", "dates", "entitygraph", "load", "textmatch", "validate", "vocab", "vocabulary",
         "yamlnodes")



def cache_root(data_dir: str, override: str | None = None) -> str:
    """``$KGRAPH_CACHE`` (or ``override``), else ``.kgraph-cache/`` beside the data folder."""
    root = override or os.environ.get("KGRAPH_CACHE")
    if root:
        return os.path.abspath(root)
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), ".kgraph-cache")


def _slot(root: str, data_dir: str) -> str:
    absolute = os.path.abspath(data_dir)
    digest = hashlib.sha256(absolute.encode()).hexdigest()[:10]
    return os.path.join(root, f"{os.path.basename(absolute) or 'data'}-{digest}")


def _sha(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
            else hashlib.sha256(handle.read()).hexdigest()


def source_files(data_dir: str) -> list[str]:
    """Every file of the data folder (relative paths, sorted), hidden ones aside."""
    found = []
    for folder, dirs, files in os.walk(data_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                found.append(os.path.relpath(os.path.join(folder, name), data_dir))
    return sorted(found)


class Hashes:
    """Content hashes remembered by file identity, so a warm command need not re-read big sources.

    A remembered hash is used only while the file's device, inode, size, mtime and ctime are all
    unchanged (any write changes ctime, which no tool can set back), and only when the hash was
    taken at least two seconds after the file's last change: a write within the same clock tick
    as an earlier hashing could otherwise keep every timestamp (git's "racy" rule).
    """

    SETTLED_NS = 2_000_000_000

    def __init__(self, path: str | None = None) -> None:
        self.path, self.known, self.changed = path, {}, False
        if path:
            try:
                self.known = json.loads(_read(path))
            except (OSError, ValueError):
                self.known = {}

    def sha(self, file: str) -> str:
        if self.path is None:
            return _sha(file)
        st = os.stat(file)
        signature = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        name = os.path.abspath(file)
        entry = self.known.get(name)
        if (isinstance(entry, list) and len(entry) == 3 and entry[0] == signature
                and entry[2] - max(st.st_mtime_ns, st.st_ctime_ns) >= self.SETTLED_NS):
            return str(entry[1])
        digest = _sha(file)
        self.known[name] = [signature, digest, time.time_ns()]
        self.changed = True
        return digest

    def save(self) -> None:
        """Remember new hashes (atomically; a failure only costs re-hashing next time)."""
        if not (self.path and self.changed):
            return
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(self.known, handle)
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def source_key(data_dir: str, base: str, external: list[str] = (),  # type: ignore[assignment]
               hashes: Hashes | None = None) -> str:
    """The hash a cache entry is filed under."""
    sha = (hashes or Hashes()).sha
    digest = hashlib.sha256(f"kgraph {__version__} cache {FORMAT}\nbase {base}\n".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for module in _CODE:
        digest.update(f"code {module} {sha(os.path.join(here, module + '.py'))}\n".encode())
    # Every shipped vocabulary, not only those the project extends: finding out which it extends
    # would mean reading YAML, which the cache check exists to avoid.
    from kgraph.vocab import packaged_files

    for path in packaged_files():
        digest.update(f"vocabulary {os.path.basename(path)} {sha(path)}\n".encode())
    for rel in source_files(data_dir):
        digest.update(f"file {rel} {sha(os.path.join(data_dir, rel))}\n".encode())
    for path in external:
        digest.update(f"external {path} {sha(path) if os.path.isfile(path) else '-'}\n".encode())
    return digest.hexdigest()


class Compiled:
    """One valid cache entry."""

    def __init__(self, path: str, manifest: dict[str, Any]) -> None:
        self.path, self.manifest = path, manifest

    @property
    def store_path(self) -> str:
        return os.path.join(self.path, STORE)

    @property
    def triples(self) -> int:
        return int(self.manifest["triples"])

    def open_store(self) -> Any:
        """The Oxigraph store, opened read-only (several processes may read it at once)."""
        import pyoxigraph

        return pyoxigraph.Store.read_only(self.store_path)

    def entity_rows(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        with open(os.path.join(self.path, ENTITIES), "rb") as handle:
            entities, edges = marshal.load(handle)
        return entities, edges


def _inventory(folder: str) -> dict[str, int]:
    sizes = {}
    for parent, _dirs, files in os.walk(folder):
        for name in files:
            full = os.path.join(parent, name)
            rel = os.path.relpath(full, folder)
            if rel != MANIFEST and not name.startswith("LOCK") and not name.startswith("LOG"):
                sizes[rel] = os.path.getsize(full)
    return sizes


def find(data_dir: str, base: str, root: str | None = None) -> Compiled | None:
    """The entry for the data folder as it is now, or None (missing, stale or damaged)."""
    slot = _slot(cache_root(data_dir, root), data_dir)
    if not os.path.isdir(slot):
        return None
    with phase("cache check"):
        hashes = Hashes(os.path.join(slot, HASHES))
        try:
            pointer = json.loads(_read(os.path.join(slot, "current.json")))
            key = source_key(data_dir, base, pointer.get("external", []), hashes)
            folder = os.path.join(slot, key[:40])
            manifest = json.loads(_read(os.path.join(folder, MANIFEST)))
        except (OSError, ValueError, TypeError, AttributeError):
            return None
        intact = manifest.get("key") == key and _intact(folder, manifest, hashes)
        hashes.save()
    return Compiled(folder, manifest) if intact else None


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _intact(folder: str, manifest: dict[str, Any], hashes: Hashes) -> bool:
    try:
        if _inventory(folder) != manifest.get("files"):
            return False
        return hashes.sha(os.path.join(folder, ENTITIES)) == manifest.get("entities_sha256")
    except OSError:
        return False


def write(data_dir: str, base: str, key: str, nt: Iterable[bytes],
          rows: tuple[list[Any], list[Any]], info: dict[str, Any], external: list[str],
          root: str | None = None) -> Compiled:
    """Build an entry in a temporary folder, then rename it into place and drop older ones.

    ``nt`` is the graph as N-Triples chunks; they go through a file so that a million triples
    never sit in memory as one string.
    """
    import shutil
    import tempfile

    import pyoxigraph

    slot = _slot(cache_root(data_dir, root), data_dir)
    os.makedirs(slot, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tmp-", dir=slot)
    try:
        dump = os.path.join(tmp, "graph.nt")
        with phase("compile"), open(dump, "wb") as handle:
            handle.writelines(nt)
        with phase("load store"):
            store = pyoxigraph.Store(os.path.join(tmp, STORE))
            store.bulk_load(path=dump, format=pyoxigraph.RdfFormat.N_TRIPLES)
            store.flush()
            triples = len(store)
            del store
            os.unlink(dump)
        with phase("write cache"):
            with open(os.path.join(tmp, ENTITIES), "wb") as handle:
                marshal.dump(rows, handle)
            manifest = {"key": key, "version": __version__, "format": FORMAT, "base": base,
                        "data": os.path.abspath(data_dir), "triples": triples, **info,
                        "entities_sha256": _sha(os.path.join(tmp, ENTITIES)), "files": _inventory(tmp)}
            with open(os.path.join(tmp, MANIFEST), "w", encoding="utf-8") as handle:
                json.dump(manifest, handle, indent=1, sort_keys=True)
            folder = os.path.join(slot, key[:40])
            if os.path.exists(folder):  # a damaged entry under the same key
                shutil.rmtree(folder, ignore_errors=True)
            os.rename(tmp, folder)
            _write_pointer(slot, {"key": key, "external": external})
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for name in os.listdir(slot):
        if name not in (key[:40], "current.json") and not name.startswith(".tmp-"):
            shutil.rmtree(os.path.join(slot, name), ignore_errors=True)
    return Compiled(folder, manifest)


def _write_pointer(slot: str, pointer: dict[str, Any]) -> None:
    import tempfile

    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=slot)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(pointer, out)
    os.replace(tmp, os.path.join(slot, "current.json"))
