"""Where reports go: written so that no file is ever clobbered.

A regular file (or a new one) is replaced atomically: the report is written to a temporary
file with a random name made with O_EXCL (`tempfile.mkstemp`) in the same folder, then renamed
over the target, so an interrupted run leaves the earlier report whole and no litter. A device
or a named pipe (`/dev/null`, a terminal, a FIFO) is written in place: renaming a file over it
would replace the node itself. `-`, `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` are the
streams this process already has open, written as they are (a redirect's offset and append
mode kept). A report never overwrites a file the run reads, nor another report of the run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from cxlint.errors import UsageError

_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev|proc/self)/fd/(\d+)")


@dataclass(frozen=True)
class _Target:
    kind: Literal["stream", "in_place", "replace"]
    path: str  # stream: unused; in_place: the path to open; replace: the resolved file
    fd: int = -1  # stream: the file descriptor
    existing: os.stat_result | None = None  # replace: the file replaced, when there is one


def refuse_clobbering(paths: Iterable[str | None], inputs: Mapping[str, str]) -> None:
    """Raise UsageError for a report path that would overwrite a file the run reads or
    another report of the run, or that cannot be written at all (missing folder, a folder,
    a dangling symlink, ...). Called before the run, so a long run never ends in that error.

    `inputs` maps each file the run reads to what it is ("the campaign manifest").
    """
    written: dict[object, str] = {}
    for path in paths:
        if path is None or path == "-":
            continue
        for source, what in inputs.items():
            if _same_file(path, source):
                raise UsageError(f"cannot write report {path}: it is {what}")
        target = _target(path, "report")
        if target.kind != "replace":
            continue  # writing a device or a pipe twice clobbers nothing
        existing = target.existing
        key = (existing.st_dev, existing.st_ino) if existing else os.path.realpath(target.path)
        if key in written:
            raise UsageError(
                f"cannot write report {path}: another report of this run "
                f"({written[key]}) is written there too"
            )
        written[key] = path


def write_output(path: str | None, data: bytes | Iterable[bytes], what: str = "report") -> None:
    """Write `data` (whole, or in pieces: a long report is never whole in memory) to `path`:
    stdout for None or `-`. Failures are a UsageError naming the path and the reason."""
    pieces = [data] if isinstance(data, bytes) else data
    path = "-" if path is None else path
    target = _target(path, what)
    try:
        if target.kind == "stream":
            _write_stream(target.fd, pieces)
        elif target.kind == "in_place":
            # no O_CREAT (a node that vanished is not recreated as a file), no O_TRUNC
            handle = os.open(target.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(handle, "wb") as out:
                _copy(pieces, out)
        else:
            _replace(target, pieces)
    except _FolderRefused as exc:
        raise UsageError(f"cannot write {what} {path}: {exc}") from None
    except BrokenPipeError:
        if target.kind != "stream":
            raise UsageError(f"cannot write {what} {path}: nobody reads the pipe") from None
        # `cxlint check … | head`: the reader has what it wanted. Stop quietly, as other
        # command-line tools do, and keep Python from failing to flush at exit.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), target.fd)
    except OSError as exc:
        raise UsageError(f"cannot write {what} {path}: {_reason(exc)}") from None


class _FolderRefused(Exception):
    """No temporary file could be made beside the target; says why in words."""


def _target(path: str, what: str) -> _Target:
    """What writing to `path` means, or a UsageError saying why it cannot be written."""

    def refuse(reason: str) -> UsageError:
        return UsageError(f"cannot write {what} {path}: {reason}")

    if path == "-":
        return _Target("stream", path, fd=1)

    if not path:
        raise refuse("the path is empty")
    fd = _stream_fd(path)
    if fd is not None:
        try:
            os.fstat(fd)
        except OSError:
            raise refuse(f"file descriptor {fd} is not open") from None
        return _Target("stream", path, fd=fd)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            raise refuse(
                f"it is a symbolic link to {os.readlink(path)}, which does not exist"
            ) from None
        problem = _folder_problem(path)
        if problem:
            raise refuse(problem) from None
        return _Target("replace", path)
    except ValueError:
        raise refuse("the path contains a NUL character") from None
    except OSError as exc:
        raise refuse(_reason(exc)) from None
    link = " a symbolic link to" if os.path.islink(path) else ""
    if stat.S_ISDIR(info.st_mode):
        raise refuse(f"it is{link} a folder; name a file in it")
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return _Target("in_place", path)
    if not stat.S_ISREG(info.st_mode):
        kind = "a disk (block device)" if stat.S_ISBLK(info.st_mode) else "not a file or a pipe"
        raise refuse(f"it is{link} {kind}")
    if link and _planted_by_another_user(path):
        raise refuse(
            "it is a symbolic link another user made in a shared folder; cxlint does not follow it"
        )
    resolved = os.path.realpath(path)
    if not os.access(resolved, os.W_OK):
        raise refuse(f"{'the file it links to' if link else 'the file'} is read-only")
    return _Target("replace", resolved, existing=info)


def _stream_fd(path: str) -> int | None:
    """The open file descriptor `path` names (/dev/stdout, /dev/fd/3), if it names one."""
    normal = os.path.normpath(os.path.abspath(path))
    found = _FD_PATH.fullmatch(normal)
    return int(found.group(1)) if found else _STREAMS.get(normal)


def _same_file(path: str, other: str) -> bool:
    """Hard links, symlinks and `./a/../b` included; for a file not made yet (the --cache
    database), the same resolved path."""
    try:
        return os.path.samefile(path, other)
    except (OSError, ValueError):
        try:
            return os.path.realpath(path) == os.path.realpath(other)
        except (OSError, ValueError):
            return False


def _folder_problem(path: str) -> str | None:
    """Why no new file can be made at `path` because of its folder, if that is the cause."""
    folder = Path(os.path.dirname(path) or ".")  # as the user wrote it
    for part in (folder, *folder.parents):
        if part.is_dir():
            break
        if part.exists():
            return f"{part} is a file, not a folder"
    return None if folder.is_dir() else f"folder {folder} does not exist"


def _planted_by_another_user(link: str) -> bool:
    """The kernel's rule for following symlinks (fs.protected_symlinks), which resolving the
    path ourselves would bypass: in a sticky world-writable folder such as /tmp, a link owned
    by neither us nor the folder's owner is not followed."""
    try:
        own = os.lstat(link)
        folder = os.stat(os.path.dirname(os.path.abspath(link)))
    except OSError:
        return False
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    return bool(shared) and own.st_uid not in (os.geteuid(), folder.st_uid)


def _write_stream(fd: int, pieces: Iterable[bytes]) -> None:
    # stdout and stderr through Python's own objects, so the order with other output holds
    known = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if known is not None:
        known.flush()
        _copy(pieces, known.buffer)
        known.buffer.flush()
        return
    with os.fdopen(os.dup(fd), "wb") as out:  # a copy: the descriptor itself stays open
        _copy(pieces, out)


def _copy(pieces: Iterable[bytes], out: BinaryIO) -> None:
    for piece in pieces:
        out.write(piece)


def _replace(target: _Target, pieces: Iterable[bytes]) -> None:
    folder = os.path.dirname(target.path) or "."
    name = os.path.basename(target.path)[:64]
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".cxlint-tmp", dir=folder)
    except OSError as exc:
        raise _FolderRefused(_folder_reason(exc, folder)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            _copy(pieces, out)
        existing = target.existing
        if existing is None:  # mkstemp makes 0600; a new report is made as any new file would be
            os.chmod(temporary, 0o666 & ~_umask())
        else:  # the report replaced keeps its permissions, and its owner where we may
            os.chmod(temporary, stat.S_IMODE(existing.st_mode) & 0o777)
            if hasattr(os, "chown"):
                with contextlib.suppress(OSError):
                    os.chown(temporary, existing.st_uid, existing.st_gid)
        os.replace(temporary, target.path)
    except BaseException:  # failed or interrupted mid-write: neither half a report nor litter
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # there is no way to read it without setting it
    os.umask(mask)
    return mask


_PLAIN = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EBADF: "that file descriptor is not open for writing",
    errno.ENOENT: "no such file or folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "its symbolic links go round in a loop",
}


def _reason(exc: OSError) -> str:
    return _PLAIN.get(exc.errno or 0) or exc.strerror or str(exc)


def _folder_reason(exc: OSError, folder: str) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to create files in folder {folder}"
    if exc.errno == errno.EROFS:
        return f"folder {folder} is on a read-only file system"
    return f"cannot create a file in folder {folder}: {_reason(exc)}"
