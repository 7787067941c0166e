"""Atomic file output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from kgraph.errors import OutputError, write_failure

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import IO, Any


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
def atomic_output(path: str, binary: bool = False, keep_out: str | list[str] | None = None) -> Iterator[IO]:  # type: ignore[type-arg]
    """Yield a file to write; on success it replaces ``path`` whole, on any failure
    (including Ctrl-C) the previous file stays intact and no temporary file remains.

    A path that is a device or a pipe (``/dev/null``) is written directly instead. A symbolic
    link is written through: its target is replaced, the link stays. No file already in the
    folder(s) ``keep_out`` (the data folder) is written over: ``export -o data/entities.yaml`` would
    replace the annotation with its own export."""
    with atomic_outputs([path], binary, keep_out) as (handle,):
        yield handle


@contextlib.contextmanager
def atomic_outputs(
    paths: list[str], binary: bool = False, keep_out: str | list[str] | None = None
) -> Iterator[list[IO]]:  # type: ignore[type-arg]
    """Yield one file per path; on success they all replace their targets, on any failure none
    does (a file already renamed into place is put back), and no temporary file remains.

    Paths that are devices or pipes are written directly: there is nothing to put back. Links
    and ``keep_out`` are treated as in :func:`atomic_output`; a full disk names the output."""
    paths = [_checked_target(path, keep_out) for path in paths]
    with contextlib.ExitStack() as stack:
        handles, regular, pending = [], [], []
        try:
            for path in paths:
                if _special(path):
                    # /dev/null, /dev/stdout, a named pipe: write straight through; renaming over
                    # them would replace the device or pipe with a regular file.
                    handles.append(stack.enter_context(_open_special(path, binary)))
                    continue
                tmp = _temporary(path)
                pending.append((tmp, path))
                # Closed by the ExitStack (enter_context below), like the special files above.
                if binary:
                    handle: IO[Any] = open(tmp, "wb")  # noqa: SIM115
                else:
                    handle = open(tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
                handles.append(stack.enter_context(handle))
                regular.append(handle)
            yield handles
            for handle in regular:
                handle.flush()
                os.fsync(handle.fileno())
            stack.close()
            _replace_all(pending)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                stack.close()
            for tmp, _path in pending:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if isinstance(exc, OSError):
                raise write_failure(exc, " and ".join(paths)) or exc from None
            raise


def _checked_target(path: str, keep_out: str | list[str] | None) -> str:
    """The file to write for ``path``: a link's target; refused inside the data folder."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    folders = [keep_out] if isinstance(keep_out, str) else keep_out or []
    for folder in folders:
        if os.path.isfile(path) and _inside(os.path.realpath(path), folder):
            raise OutputError(
                f"cannot write {path}: it is a file of the data folder {folder} "
                "(the annotation and its sources are never written over); write elsewhere"
            )
    return path


def _special(path: str) -> bool:
    return os.path.exists(path) and not os.path.isdir(path) and not stat.S_ISREG(os.stat(path).st_mode)


def _temporary(path: str) -> str:
    """A new empty temporary file beside ``path``, after checking that ``path`` can be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path}: folder {os.path.dirname(path) or '.'} does not exist")
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    return tmp


def _replace_all(pending: list[tuple[str, str]]) -> None:
    """Rename every temporary file over its target; if one rename fails, restore the targets
    already replaced from hard links kept to their previous files."""
    done: list[tuple[str, str | None]] = []
    backups: list[str] = []
    try:
        for tmp, path in pending:
            _copy_mode(tmp, path)
            backup = _keep(path, f"{tmp}.previous") if len(pending) > 1 else None
            backups += [backup] if backup else []
            os.replace(tmp, path)
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(path)
                else:
                    os.replace(backup, path)
        raise
    finally:
        for backup in backups:  # those not used to put a file back
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _keep(path: str, backup: str) -> str | None:
    """Keep the file now at ``path`` as ``backup`` (None if there is none), to put it back later:
    a hard link, or a copy where the file system has none."""
    if not os.path.exists(path):
        return None
    try:
        os.link(path, backup)
    except OSError:
        import shutil

        shutil.copy2(path, backup)
    return backup


def _copy_mode(tmp: str, path: str) -> None:
    if os.path.exists(path):
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
