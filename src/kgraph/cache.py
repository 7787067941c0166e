"""The compiled graph on disk, keyed by a hash of the sources, so commands skip YAML and compiling.

Layout of a slot, ``CACHE/<data folder name>-<hash of its path>/``:

- ``<key>.<unique>/``: one entry, never changed once in place: ``oxigraph/`` (an on-disk Oxigraph
  store), ``entities.marshal`` (the entity graph: entities and compiled statements, by field
  name), ``manifest.json`` (the key, and the size and SHA-256 of every file) and ``lock``;
- ``current.json``: which entry is current, replaced atomically;
- ``hashes.json``: remembered content hashes (``Hashes``);
- ``.parts/``: what the incremental build keeps per data file (incremental.py);
- ``.tmp-*``: entries being written.

The key hashes the bytes the build read (every YAML file and source text, wherever it lives, and
every other file of the data folder, its vocabulary.yaml among them), the vocabularies kgraph ships,
the kgraph version, every .py file of the package, and the base IRI; a changed source gives a new
key, so a stale graph is never served. An entry whose files do not match their recorded checksums
is rebuilt, not trusted.

Sharing: a build writes a new entry under a fresh name and switches ``current.json`` to it; it
never removes or renames an entry another process may be opening. Readers hold a shared lock on
the entry's ``lock`` file from reading ``current.json`` until the store and the entity file are
open (open files survive removal); a build removes an old entry only when it gets the exclusive
lock, and a killed build's ``.tmp-*`` folder once its owner's lock is gone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import time

from kgraph import __version__
from kgraph.timing import phase

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

FORMAT = 2
MANIFEST = "manifest.json"
POINTER = "current.json"
LOCK = "lock"
HASHES = "hashes.json"
ENTITIES = "entities.marshal"
#: The entity graph's statements, in edge order, cut into files (``00000.marshal``...) that the
#: next entry links when an edit leaves them alone (``entities.marshal`` then lists them).
EDGES = "edges"
OXIGRAPH_DIR = "oxigraph"
#: The incremental build's per-file parts (incremental.py), kept across entries.
PARTS = ".parts"
#: A temporary file or folder without a live owner's lock, this many seconds old, is a leftover.
LEFTOVER_AGE = 600
#: Marks a remembered hash as one a build took of a file it had just written (Hashes.remember).
BUILT = "built"
#: The package whose code the key covers (a test points it at a copy).
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def code_files(package: str | None = None) -> list[str]:
    """Every ``.py`` file of the package, sorted by path within it: the code that decides what a
    build contains. All of them, not a hand-kept list, which had left out model.py and record.py;
    a warm command only stats them (``Hashes`` remembers their hashes)."""
    return [path for _name, path in _code_files(package or PACKAGE_DIR)]


@functools.cache
def _code_files(package: str) -> tuple[tuple[str, str], ...]:
    """The package's ``.py`` files as (path within the package, path), walked once per process:
    the running code is the code this process imported (a test calling kgraph a thousand times
    walked the folder a thousand times); their bytes are still hashed, or stat'ed, at each call."""
    found = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        found += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    return tuple(sorted((os.path.relpath(path, package), path) for path in found))


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
        return (
            hashlib.file_digest(handle, "sha256").hexdigest()
            if hasattr(hashlib, "file_digest")
            else hashlib.sha256(handle.read()).hexdigest()
        )


def source_files(data_dir: str) -> list[str]:
    """Every file of the data folder (relative paths, sorted), hidden ones aside."""
    return sorted(rel for rel, _path in _files_under(data_dir, hidden=False))


def _files_under(root: str, hidden: bool) -> Iterator[tuple[str, str]]:
    """Each file below ``root`` as (its path relative to ``root``, its path); with ``hidden``
    false, files and folders whose names start with a dot are left out.

    Each folder's relative path is taken once, not each file's: at a million relations (1,400
    files) ``os.path.relpath`` per file was a fifth of a warm query's start-up."""
    for folder, dirs, files in os.walk(root):
        if not hidden:
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        inside = os.path.relpath(folder, root)
        prefix = "" if inside == os.curdir else inside + os.sep
        for name in files:
            if hidden or not name.startswith("."):
                yield prefix + name, os.path.join(folder, name)


def _signature(st: os.stat_result) -> list[int]:
    """A file's identity and times as the hash memo compares them (any write moves the ctime)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _absolute(path: str) -> str:
    """``os.path.abspath(path)``, without its cost for a path that is already absolute and plain (no
    ``.``, ``..`` or doubled separator to resolve): the key's 1,400 files at a million relations."""
    if os.path.isabs(path) and os.sep + "." not in path and os.sep * 2 not in path and path[-1:] != os.sep:
        return path
    return os.path.abspath(path)


class Hashes:
    """Content hashes remembered by file identity, so a warm command need not re-read big sources.

    A remembered hash is used only while the file's device, inode, size, mtime and ctime are all
    unchanged (any write changes ctime, which no tool can set back), and only when the hash was
    taken at least two seconds after the file's last change: a write within the same clock tick
    as an earlier hashing could otherwise keep every timestamp (git's "racy" rule).
    """

    SETTLED_NS = 2_000_000_000

    def __init__(self, path: str | None = None, trust: bool = True) -> None:
        self.path, self.known, self.changed, self.trust = path, {}, False, trust
        if path:
            try:
                self.known = json.loads(_read(path))
            except (OSError, ValueError):
                self.known = {}

    def sha(self, file: str, linked: bool = False) -> str:
        """The file's SHA-256, from memory when its identity and times are unchanged.

        ``linked``: the file is one of a cache entry's, which are never written once in place: a
        hard link to a file hashed before (same device, inode, size and mtime; linking changes
        only the ctime) holds the bytes that were hashed, so the build that copies the last
        entry's store does not read its 270 MB again (as ``write`` already trusts the checksums
        of the files it links, see ``_linked``).
        """
        if self.path is None:
            return _sha(file)
        st = os.stat(file)
        signature = _signature(st)
        name = _absolute(file)
        entry = self.known.get(name)
        if (
            self.trust
            and isinstance(entry, list)
            and len(entry) in (3, 4)
            and entry[0] == signature
            and (entry[2] - max(st.st_mtime_ns, st.st_ctime_ns) >= self.SETTLED_NS or entry[3:] == [BUILT])
        ):
            return str(entry[1])
        # Not for a path remembered with other times: its inode changed since (a write with the
        # mtime set back shows in the ctime), so its bytes are read again.
        if linked and self.trust and (entry is None or (isinstance(entry, list) and entry[:1] == [signature])):
            found = self._links().get((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
            if found is not None:
                self.remember(file, st, found[0], found[1])
                return found[0]
        digest = _sha(file)
        self.remember(file, st, digest, time.time_ns())
        return digest

    def remember(self, path: str, st: os.stat_result, digest: str, hashed_at: int, built: bool = False) -> None:
        """Remember ``digest`` as the hash of ``path`` while its identity and times are ``st``'s.

        ``built``: a file a build has just written into a new entry and hashed, trusted though it
        is not settled: the racy rule guards against a second write in the same clock tick as the
        hashing, and nothing writes an entry's files once the build that made them has closed them
        (later builds link them, which moves only the ctime: see ``sha``'s ``linked``). The first
        command after ``kgraph build`` then stats the store instead of reading it again (3.4 GB,
        4 s, at a million relations).
        """
        self.known[_absolute(path)] = [_signature(st), digest, hashed_at, *([BUILT] if built else [])]
        self.changed = True

    def _links(self) -> dict[tuple[int, ...], tuple[str, int]]:
        """Settled hashes of the cache slot's own files by identity without ctime (see ``sha``)."""
        if not hasattr(self, "_by_identity"):
            slot = os.path.dirname(os.path.abspath(self.path or "")) + os.sep
            self._by_identity: dict[tuple[int, ...], tuple[str, int]] = {}
            for name, entry in self.known.items():
                if (
                    name.startswith(slot)
                    and isinstance(entry, list)
                    and len(entry) in (3, 4)
                    and isinstance(entry[0], list)
                    and len(entry[0]) == 5
                    # Settled against the last write of the bytes (mtime), not of the inode
                    # (ctime, which each new link moves): the racy rule is about content.
                    and (entry[2] - entry[0][3] >= self.SETTLED_NS or entry[3:] == [BUILT])
                ):
                    self._by_identity[tuple(entry[0][:4])] = (str(entry[1]), int(entry[2]))
        return self._by_identity

    def save(self) -> None:
        """Remember new hashes (atomically; a failure only costs re-hashing next time)."""
        if not (self.path and self.changed):
            return
        slot = os.path.dirname(os.path.abspath(self.path)) + os.sep
        # Forget the files of removed entries, so the memo does not grow with every build.
        self.known = {
            name: entry for name, entry in self.known.items() if not name.startswith(slot) or os.path.exists(name)
        }
        tmp = os.path.join(os.path.dirname(self.path), f".tmp-hashes.{os.getpid()}")
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(self.known))  # dumps: the C encoder (dump streams in Python)
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def source_key(
    data_dir: str,
    base: str,
    elsewhere: Iterable[str] = (),
    hashes: Hashes | None = None,
    read: dict[str, str] | None = None,
) -> str:
    """The hash a cache entry is filed under.

    It covers every file of the data folder and the files in ``elsewhere`` (absolute paths: what a
    build read that the folder walk does not list: hidden or symlinked folders, texts outside).
    ``read`` gives the hash of the bytes a build actually read (``Dataset.files``); other files
    are hashed as they are now.
    """
    sha = (hashes or Hashes()).sha
    read = read or {}
    digest = hashlib.sha256(f"kgraph {__version__} cache {FORMAT}\nbase {base}\n".encode())
    for name, path in _code_files(PACKAGE_DIR):
        digest.update(f"code {name} {sha(path)}\n".encode())
    # Every shipped vocabulary, not only those the project extends: finding out which it extends
    # would mean reading YAML, which the cache check exists to avoid.
    from kgraph.vocab import packaged_files

    for path in packaged_files():
        digest.update(f"vocabulary {os.path.basename(path)} {sha(path)}\n".encode())
    for name, path in sorted(_key_files(data_dir, elsewhere).items()):
        found = read.get(path) or (sha(path) if os.path.isfile(path) else "-")
        digest.update(f"file {name} {found}\n".encode())
    return digest.hexdigest()


def _key_files(data_dir: str, elsewhere: Iterable[str]) -> dict[str, str]:
    """The files a key covers: their name in the key (relative to the data folder when inside it)
    and their absolute path."""
    root = os.path.abspath(data_dir)
    files = {rel: os.path.join(root, rel) for rel in source_files(data_dir)}
    for path in elsewhere:
        rel = os.path.relpath(path, root)
        files[path if rel.startswith("..") else rel] = path
    return files


def read_elsewhere(data_dir: str, read: dict[str, str]) -> list[str]:
    """The files a build read that the data folder walk does not list (hidden, symlinked, outside)."""
    walked = {os.path.join(os.path.abspath(data_dir), rel) for rel in source_files(data_dir)}
    return sorted(path for path in read if path not in walked)


class Compiled:
    """One valid cache entry, its entity files already open and its store opened when first asked
    for: they stay readable even if a later build makes another entry current.

    The store is opened lazily because most commands never need it (``path``, ``show``, ``rank``,
    ``draw`` read the entity files): opening RocksDB costs about 9 ms, a fifth of a warm ``path``.
    Until it is open, the entry's shared lock is held, so no build removes the entry before then
    (``remove_abandoned`` takes the lock exclusively); the kernel releases it when the process ends.
    """

    def __init__(self, path: str, manifest: dict[str, Any], held: int = -1) -> None:
        # The lock is the caller's until this entry is made: if opening a file fails, __del__
        # must not close it too.
        self.path, self.manifest, self._held = path, manifest, -1
        self._store: Any = None
        self._entities = open(os.path.join(path, ENTITIES), "rb")  # noqa: SIM115 - kept for later reads
        # Opened now, as the entity file is: a later build may remove the entry before they are read.
        self._edges = []
        try:
            folder = os.path.join(path, EDGES)
            names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            self._edges = [open(os.path.join(folder, name), "rb") for name in names]  # noqa: SIM115
        except BaseException:
            self._entities.close()
            for handle in self._edges:
                handle.close()
            raise
        self._held = held

    @property
    def triples(self) -> int:
        return int(self.manifest["triples"])

    def declared_terms(self) -> frozenset[str] | None:
        """The ``kg:`` names the build's ontology declared (None from an entry that lacks them)."""
        terms = self.manifest.get("terms")
        return frozenset(terms) if isinstance(terms, list) else None

    def open_store(self) -> Any:
        """The Oxigraph store, opened read-only (several processes may read it at once).

        Raises StoreUnreadable when RocksDB refuses it though its files match their checksums."""
        if self._store is None:
            import pyoxigraph

            with phase("open store"):
                try:
                    self._store = pyoxigraph.Store.read_only(os.path.join(self.path, OXIGRAPH_DIR))
                except (OSError, RuntimeError, ValueError) as exc:  # RocksDB reports corruption as RuntimeError
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    from kgraph.errors import StoreUnreadable

                    raise StoreUnreadable(f"the cached graph {self.path} does not open ({reason})") from None
            self.release()  # the store's files are open now: removing the entry no longer harms it
        return self._store

    def release(self) -> None:
        """Let builds remove this entry (its store, if opened, and entity files stay readable)."""
        unlock(self._held)
        self._held = -1

    def __del__(self) -> None:
        self.release()

    def entity_records(self) -> Any:
        """The entity graph's records as written (entitygraph.to_records: by field name, with
        their schema, which the reader checks)."""
        self._entities.seek(0)
        payload = marshal.load(self._entities)
        if isinstance(payload, dict) and isinstance(payload.get("segments"), int):
            if payload["segments"] != len(self._edges):
                return None  # not the records this entry was written with: rebuilt by the caller
            columns: dict[str, list[Any]] = {name: [] for name in payload.get("statement_fields", ())}
            for handle in self._edges:
                handle.seek(0)
                segment = marshal.load(handle)
                for name, values in columns.items():
                    values.extend(segment[name])
            payload["statements"] = columns
            del payload["segments"]
        return payload


def _inventory(
    folder: str, hashes: Hashes | None = None, known: dict[tuple[int, ...], str] | None = None
) -> dict[str, list[Any]]:
    """Size and SHA-256 of every file of an entry (RocksDB's LOCK and LOG files and ours aside).

    ``known``: checksums by file identity (device, inode, size, mtime) of files hard-linked here.
    """
    memo = hashes or Hashes()
    files = {}
    for rel, full in _files_under(folder, hidden=True):
        if rel not in (MANIFEST, LOCK) and not os.path.basename(rel).startswith(("LOCK", "LOG")):
            st = os.stat(full)
            found = known.get((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)) if known else None
            files[rel] = [st.st_size, found or memo.sha(full, linked=True)]
    return files


def _linked(folder: str | None) -> dict[tuple[int, ...], str]:
    """The checksums an entry's manifest records, by file identity: the files of a checked entry
    are never written again, so a hard link to one (same inode, size and mtime) holds those bytes."""
    if folder is None:
        return {}
    try:
        recorded = json.loads(_read(os.path.join(folder, MANIFEST)))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    known: dict[tuple[int, ...], str] = {}
    for rel, (size, digest) in recorded.items():
        try:
            st = os.stat(os.path.join(folder, rel))
        except OSError:
            continue
        if st.st_size == size:
            known[(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)] = digest
    return known


def find(
    data_dir: str, base: str, root: str | None = None, verify: bool = False, notify: Callable[[str], None] | None = None
) -> Compiled | None:
    """The entry for the data folder as it is now, or None (missing, stale or damaged).

    Checksums are compared through the remembered hashes (a file whose identity and times are
    unchanged is not read again); ``verify`` re-reads every byte. ``notify`` hears of a damaged
    entry, which is then left for a rebuild.
    """
    slot = _slot(cache_root(data_dir, root), data_dir)
    if not os.path.isdir(slot):
        return None
    hashes = Hashes(os.path.join(slot, HASHES), trust=not verify)
    try:
        for _attempt in range(50):
            held = -1
            try:
                with phase("cache check"):
                    pointer = _pointer(slot)
                    if pointer is None:
                        return None
                    key = source_key(data_dir, base, pointer["read"], hashes)
                    if key != pointer["key"]:
                        return None
                    folder = os.path.join(slot, pointer["entry"])
                    held = lock(folder, exclusive=False)  # until its store is open (Compiled)
                    manifest = _checked(folder, key, hashes)
                    found = _opened(folder, manifest, held)
                    held = -1  # the entry holds it now
                    return found
            except Busy:  # being switched in by a build, or removed as no longer current
                if not os.path.isdir(folder) and _pointer(slot) == pointer:
                    return None  # removed by hand
                time.sleep(0.02)
            except _Damaged as damage:
                if notify:
                    notify(f"the cached graph {folder} is damaged ({damage}); rebuilding it")
                return None
            finally:
                unlock(held)
        return None
    finally:
        hashes.save()


class Busy(Exception):
    """Another process holds the folder's lock, or the folder is gone."""


class _Damaged(Exception):
    """The entry's files do not match its manifest, or its store does not open."""


def _checked(folder: str, key: str, hashes: Hashes) -> dict[str, Any]:
    """The entry's manifest, once every file matches its recorded size and checksum."""
    try:
        manifest = json.loads(_read(os.path.join(folder, MANIFEST)))
    except (OSError, ValueError) as exc:
        raise _Damaged(f"manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        raise _Damaged("manifest does not match")
    try:
        files = _inventory(folder, hashes)
    except OSError as exc:
        raise _Damaged(str(exc)) from None
    recorded = manifest.get("files")
    if files != recorded:
        recorded = recorded if isinstance(recorded, dict) else {}
        changed = sorted(n for n in set(files) | set(recorded) if files.get(n) != recorded.get(n))
        raise _Damaged(f"{', '.join(changed[:3])} changed")
    return manifest


def _opened(folder: str, manifest: dict[str, Any], held: int) -> Compiled:
    try:
        return Compiled(folder, manifest, held)
    except OSError as exc:
        raise _Damaged(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def _pointer(slot: str) -> dict[str, Any] | None:
    try:
        pointer = json.loads(_read(os.path.join(slot, POINTER)))
    except (OSError, ValueError):
        return None
    if not (
        isinstance(pointer, dict)
        and isinstance(pointer.get("key"), str)
        and isinstance(pointer.get("entry"), str)
        and isinstance(pointer.get("read"), list)
        and os.sep not in pointer["entry"]
        and not pointer["entry"].startswith(".")
    ):
        return None
    return pointer


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def lock(folder: str, exclusive: bool, create: bool = False) -> int:
    """Lock ``folder``'s lock file; the kernel releases it when the process ends, however it ends,
    so a free lock on a temporary folder means its owner is gone.

    Raises Busy when another process holds it (or the folder has been removed meanwhile).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock (Windows): entries are still never rewritten
        return -1
    try:
        fd = os.open(os.path.join(folder, LOCK), os.O_RDONLY | (os.O_CREAT if create else 0), 0o644)
    except FileNotFoundError:
        raise Busy from None
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        if os.fstat(fd).st_nlink == 0:  # removed by a cleaner before we got the lock
            raise Busy
    except BlockingIOError:
        os.close(fd)
        raise Busy from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def share_lock(fd: int) -> None:
    """Turn an exclusive lock taken by ``lock`` into a shared one."""
    if fd >= 0:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH)


def unlock(fd: int) -> None:
    if fd >= 0:
        os.close(fd)


def write(
    data_dir: str,
    base: str,
    key: str,
    nt: Iterable[bytes] | Callable[[str], int | None],
    records: dict[str, Any],
    info: dict[str, Any],
    elsewhere: list[str],
    root: str | None = None,
    inherit: str | None = None,
    hashes: Hashes | None = None,
) -> Compiled:
    """Build an entry in a temporary folder, rename it into place under a fresh name, make it
    current, then remove the entries and leftovers nobody uses.

    ``nt`` is the graph as N-Triples chunks; they go through a file so that a million triples
    never sit in memory as one string. Or it makes the store itself, given its path (the
    incremental build copies the last entry's and changes it), and returns its triple count
    when it knows it. ``inherit``: that entry's folder;
    a file hard-linked from it keeps the checksum its manifest records instead of being read again,
    and ``hashes`` remembers it under its new path (so the next build, which checks this entry
    before copying it, does not read it either).
    """
    import shutil
    import tempfile

    import pyoxigraph

    slot = _slot(cache_root(data_dir, root), data_dir)
    os.makedirs(slot, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tmp-", dir=slot)
    held = lock(tmp, exclusive=True, create=True)  # held until this entry is open: see _clean
    folder = tmp
    try:
        linked = _linked(inherit)
        if callable(nt):
            triples = nt(os.path.join(tmp, OXIGRAPH_DIR))
            if triples is None:
                with phase("count"):
                    store = pyoxigraph.Store.read_only(os.path.join(tmp, OXIGRAPH_DIR))
                    triples = len(store)
                    del store
        else:
            dump = os.path.join(tmp, "graph.nt")
            with phase("compile"), open(dump, "wb") as handle:
                handle.writelines(nt)
            with phase("load store"):
                store = pyoxigraph.Store(os.path.join(tmp, OXIGRAPH_DIR))
                store.bulk_load(path=dump, format=pyoxigraph.RdfFormat.N_TRIPLES)
                store.flush()
                triples = len(store)
                del store
                os.unlink(dump)
        with phase("write cache"):
            segments = records.get("segments")
            if isinstance(segments, list):
                # The statements by segment: a path is a file of the last entry, linked; columns
                # are written.
                os.makedirs(os.path.join(tmp, EDGES))
                for index, segment in enumerate(segments):
                    target = os.path.join(tmp, EDGES, f"{index:05d}.marshal")
                    if isinstance(segment, str):
                        try:
                            os.link(segment, target)
                        except OSError:  # no hard links here: a copy holds the same bytes
                            shutil.copyfile(segment, target)
                    else:
                        with open(target, "wb") as handle:
                            marshal.dump(segment, handle)
                records = {**records, "segments": len(segments)}
            with open(os.path.join(tmp, ENTITIES), "wb") as handle:
                marshal.dump(records, handle)
            manifest = {
                "key": key,
                "version": __version__,
                "format": FORMAT,
                "base": base,
                "data": os.path.abspath(data_dir),
                "triples": triples,
                **info,
                "files": _inventory(tmp, known=linked),
            }
            with open(os.path.join(tmp, MANIFEST), "w", encoding="utf-8") as handle:
                json.dump(manifest, handle, indent=1, sort_keys=True)
            # A fresh name: an entry under the same key (damaged, or another build's) may be open.
            folder = os.path.join(slot, f"{key[:40]}.{os.path.basename(tmp)[len('.tmp-') :]}")
            os.rename(tmp, folder)
            _write_pointer(slot, {"key": key, "entry": os.path.basename(folder), "read": elsewhere})
            share_lock(held)  # readers may share it now; the new entry keeps it (Compiled)
            compiled = Compiled(folder, manifest, held)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        unlock(held)
        raise
    with phase("clean"):
        _clean(slot)
    if hashes is not None:
        # After the clean-up: removing the last entry unlinks the linked files, which moves their ctime.
        _remember_links(hashes, folder, manifest["files"], linked)
    return compiled


def _remember_links(
    hashes: Hashes, folder: str, files: dict[str, list[Any]], linked: dict[tuple[int, ...], str]
) -> None:
    """Remember the checksums of the entry's files by their new path: those linked from a checked
    entry, and those this build wrote (``Hashes.remember``'s ``built``)."""
    now = time.time_ns()
    for rel, (_size, digest) in files.items():
        path = os.path.join(folder, rel)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if linked.get((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)) == digest:
            # Hashed "now" for the path rule; the identity rule (Hashes._links) goes by mtime.
            hashes.remember(path, st, digest, now)
        elif st.st_nlink == 1:  # written by this build (a link count above one: not ours alone)
            hashes.remember(path, st, digest, now, built=True)
    hashes.save()


def _clean(slot: str) -> None:
    """Remove entries that are not current and that no process has locked, and leftovers of
    killed builds."""
    now = time.time()
    for name in os.listdir(slot):
        path = os.path.join(slot, name)
        if name in (POINTER, HASHES, PARTS) or name == (_pointer(slot) or {}).get("entry"):
            continue
        try:
            if not os.path.isdir(path) or os.path.islink(path):
                if name.startswith(".tmp-") and now - os.lstat(path).st_mtime > LEFTOVER_AGE:
                    os.unlink(path)
                continue
        except OSError:
            continue
        remove_abandoned(path, keep=functools.partial(_is_current, slot, name))


def _is_current(slot: str, name: str) -> bool:
    """Whether the entry ``name`` is the slot's current one (asked again once its lock is held)."""
    return bool(name == (_pointer(slot) or {}).get("entry"))


def remove_abandoned(folder: str, keep: Callable[[], bool] = lambda: False) -> None:
    """Remove ``folder`` unless a live process holds its lock (or ``keep()`` says no, asked once
    the lock is ours); one without a lock file only once it is LEFTOVER_AGE old."""
    import shutil

    try:
        if not os.path.exists(os.path.join(folder, LOCK)):  # from an older kgraph, or killed at birth
            if time.time() - os.stat(folder).st_mtime > LEFTOVER_AGE:
                shutil.rmtree(folder, ignore_errors=True)
            return
        fd = lock(folder, exclusive=True)
    except (Busy, OSError):
        return  # in use, or just removed by another process
    try:
        if not keep():
            with contextlib.suppress(OSError):  # the manifest first: a half-removed entry is never valid
                os.unlink(os.path.join(folder, MANIFEST))
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        unlock(fd)


def _write_pointer(slot: str, pointer: dict[str, Any]) -> None:
    import tempfile

    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=slot)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(pointer, out)
        os.replace(tmp, os.path.join(slot, POINTER))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
