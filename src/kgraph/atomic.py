"""Atomic file output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from kgraph.errors import OutputError, write_failure

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import IO, Iterator


def _open_special(path: str, binary: bool) -> IO:  # type: ignore[type-arg]
    try:
        if binary:
            return open(path, "wb")
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


def _inside(path: str, folder: str) -> bool:
    folder = os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


@contextlib.contextmanager
def atomic_output(path: str, binary: bool = False,
                  keep_out: str | None = None) -> Iterator[IO]:  # type: ignore[type-arg]
    """Yield a file to write; on success it replaces ``path`` whole, on any failure
    (including Ctrl-C) the previous file stays intact and no temporary file remains.

    A path that is a device or a pipe (``/dev/null``) is written directly instead. A symbolic
    link is written through: its target is replaced, the link stays. No file already in the
    folder ``keep_out`` (the data folder) is written over: ``export -o data/entities.yaml`` would
    replace the annotation with its own export."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    if keep_out is not None and os.path.isfile(path) and _inside(os.path.realpath(path), keep_out):
        raise OutputError(f"cannot write {path}: it is a file of the data folder {keep_out} "
                          "(the annotation and its sources are never written over); write elsewhere")
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path) and not os.path.isdir(path) and not stat.S_ISREG(os.stat(path).st_mode):
        # /dev/null, /dev/stdout, a named pipe: write straight through; renaming over them
        # would replace the device or pipe with a regular file.
        try:
            with _open_special(path, binary) as handle:
                yield handle
        except OSError as exc:
            raise write_failure(exc, path) or exc from None
        return
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path}: folder {os.path.dirname(path) or '.'} does not exist")
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(fd, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_failure(exc, path) or exc from None
        raise
