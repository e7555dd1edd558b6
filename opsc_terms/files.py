"""Reading inputs and writing outputs without doing harm.

Every input is read through :func:`read_input`: only a regular file or a pipe, never more
than a size limit, so ``/dev/zero`` or a forgotten multi-gigabyte dump ends in one line,
not in exhausted memory. Every file the command line writes (fixed files, baselines,
annotated Word copies) goes through :func:`write_atomic`, which refuses to replace
anything that is not a regular file, keeps the replaced file's mode and owner, refuses to
split hard links or to overwrite a file changed since it was read, and reports a write
that did not reach the disk.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
_CHUNK = 1024 * 1024


class FileError(Exception):
    """A file that cannot be read or written safely; the message is one line for the user."""


@dataclass(frozen=True)
class Stamp:
    """What a file was when it was read: a fix is written only if it still is."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stamp:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def kind_of(mode: int) -> str:
    """What a file is, for a message: "a regular file", "a directory", "a character device"..."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def size_text(size: int) -> str:
    """A size for a message: "10 MiB", "1.5 GiB", "300 bytes"."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            if unit == "bytes":
                return f"{size} bytes"
            return f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    raise AssertionError("unreachable")


_SIZE_RE = re.compile(r"\s*(\d{1,15}(?:\.\d{1,6})?)\s*(?:([kmgt])i?)?b?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}
MAX_SIZE_SETTING = 1024 ** 4  # a terabyte: anything larger is a typo


def parse_size(value: str | int) -> int:
    """``"20MB"``, ``"512 KiB"``, ``"1.5G"`` or a number of bytes; ValueError when it is none of these.

    K, M, G and T count in powers of 1024 (as file managers and ``ls -h`` do), with or
    without "i" and "B".
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("must be a size such as \"20MB\" or a number of bytes")
    if isinstance(value, int):
        size = value
    else:
        m = _SIZE_RE.fullmatch(value)
        if m is None:
            raise ValueError(f"{value[:40]!r} is not a size (write it as \"20MB\", \"512KB\" or a number of bytes)")
        size = int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])
    if not 1 <= size <= MAX_SIZE_SETTING:
        raise ValueError("must be at least 1 byte and at most 1 TiB")
    return size


def too_large(size: int | None, limit: int) -> str:
    """The message for an input over the size limit (``size`` None: a stream of unknown size)."""
    shown = f" ({size_text(size)})" if size is not None else ""
    return (f"larger than the {size_text(limit)} limit{shown}; raise it with --max-file-size or "
            "max-file-size in the configuration to check it")


# --------------------------------------------------------------------------- reading


def read_input(path: str | Path, limit: int) -> tuple[bytes, Stamp | None]:
    """The bytes of a regular file or a pipe, at most ``limit`` of them.

    Device files, sockets and folders are refused before anything is opened: reading
    ``/dev/zero`` never ends, and opening a terminal or a tape drive has effects of its
    own. A named pipe is read like ``cat`` reads it (waiting for a writer). Returns the
    file's :class:`Stamp` (None for a pipe), raises :class:`FileError` (a one-line reason)
    or :class:`OSError`.
    """
    st = os.stat(path)
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise FileError(f"{kind_of(st.st_mode)}, not a file to check; skipped")
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise FileError(too_large(st.st_size, limit))
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if stat.S_ISREG(st.st_mode):
        # The name may have been swapped for a pipe since the stat: never wait on one then.
        flags |= getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(fd)
        if stat.S_ISREG(opened.st_mode) != stat.S_ISREG(st.st_mode) or not (
                stat.S_ISREG(opened.st_mode) or stat.S_ISFIFO(opened.st_mode)):
            raise FileError(f"{kind_of(opened.st_mode)}, not a file to check; skipped")
        data = read_limited(stream, limit)
        if data is None:
            size = os.fstat(fd).st_size
            raise FileError(too_large(size if size > limit else None, limit))
        if stat.S_ISFIFO(opened.st_mode):
            return data, None
        return data, Stamp.of(os.fstat(fd))


def read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    """Everything a buffered ``stream`` holds, or None as soon as it holds more than ``limit`` bytes.

    A buffered read returns less than it was asked for only at the end, and the end is
    taken at its word: on a terminal, Ctrl-D ends the input once, and reading on would
    wait for more.
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        want = min(_CHUNK, limit + 1 - total)
        chunk = stream.read(want)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
        if len(chunk) < want:
            return b"".join(chunks)


def stdin_problem(fd: int) -> str | None:
    """Why standard input (file descriptor ``fd``) cannot be read as a document, or None.

    A terminal, a pipe, a socket, a regular file and the null device are fine; any other
    device (``< /dev/zero``, ``< /dev/urandom``) is refused up front.
    """
    st = os.fstat(fd)
    mode = st.st_mode
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd):
        return None
    if stat.S_ISCHR(mode):
        with contextlib.suppress(OSError):
            null = os.stat(os.devnull)
            if stat.S_ISCHR(null.st_mode) and null.st_rdev == st.st_rdev:
                return None  # reads as empty, which is reported on its own
    return f"{kind_of(mode)}, not a document to check"


# --------------------------------------------------------------------------- writing


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes, *, expect: Stamp | None = None) -> None:
    """Replace ``path`` with ``data`` in one step: a temporary file in the same folder, then a rename.

    Refused, with :class:`FileError`, when ``path`` exists and is not a regular file (a
    device node, a pipe, a socket: the rename would replace it, and as root that would
    replace the machine's own ``/dev/null``), when it is read-only, when it has other hard
    links (the rename would split them), when its owner cannot be kept, and when it no
    longer matches ``expect`` (another program changed it since it was read). A symbolic
    link keeps pointing to the file it names, which is the one replaced. The replaced
    file keeps its mode and owner; a new file gets the mode the user's umask gives. A
    write that fails (a full disk, an I/O error) raises :class:`OSError` and leaves the
    original untouched.
    """
    target = Path(os.path.realpath(path))
    try:
        old: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None:
        _check_replaceable(target, old, expect)
    mode = stat.S_IMODE(old.st_mode) if old is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            _keep_owner(tmp, old)
        os.chmod(tmp, mode)  # after chown, which clears the set-user-id bit
        if old is not None:
            # Checked again just before the rename: the check above was before the write.
            _check_replaceable(target, os.stat(target), expect)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def destination_problem(path: str | Path) -> str | None:
    """Why :func:`write_atomic` would refuse ``path`` as a destination before anything is written, or None."""
    try:
        st = os.stat(os.path.realpath(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    if not stat.S_ISREG(st.st_mode):
        return f"{kind_of(st.st_mode)}, not a regular file"
    return None


def _check_replaceable(target: Path, st: os.stat_result, expect: Stamp | None) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise FileError(f"{kind_of(st.st_mode)}, not a regular file")
    if expect is not None and Stamp.of(st) != expect:
        raise FileError("it changed while it was being checked (run the command again)")
    if st.st_nlink > 1:
        raise FileError(f"it has {st.st_nlink} hard links, which replacing it would split")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise FileError("it is read-only")


def _keep_owner(tmp: str, old: os.stat_result) -> None:
    new = os.stat(tmp)
    if (new.st_uid, new.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.chown(tmp, old.st_uid, old.st_gid)
    except PermissionError:
        whose = "another user" if new.st_uid != old.st_uid else "another group"
        raise FileError(f"it belongs to {whose}, and replacing it would change its owner") from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a folder, which is no error."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
