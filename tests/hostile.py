"""Build hostile inputs for tests: ZIP archives byte by byte, Word files with bombs and DTDs,
and a way to run the console script under resource limits and measure it.

``zip_archive`` writes archives by hand because the standard library's writer cannot
declare sizes it did not write: a ZIP bomb is exactly an archive whose headers promise
one thing and whose data holds another.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wordfiles import make_docx

SCRIPT = Path(sys.executable).with_name("opsc-terms")
MEMORY_LIMIT = 3 * 1024 ** 3  # address space; a run that loads spaCy needs well under half of it
RSS_LIMIT_KB = 1024 * 1024  # the resident memory a run may reach, measured
TIMEOUT = 120.0  # seconds; only a hang or a quadratic reader gets near it


# --------------------------------------------------------------------------- ZIP archives by hand


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes  # as stored in the archive (already compressed for DEFLATE)
    method: int = zipfile.ZIP_DEFLATED
    file_size: int | None = None  # declared uncompressed size (default: the real one)
    crc: int | None = None
    real_size: int = 0  # the uncompressed size, when known without inflating


def deflated(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_deflated(size: int, chunk: int = 1024 * 1024) -> bytes:
    """A raw DEFLATE stream that inflates to ``size`` zero bytes, built without compressing them all.

    One compressed megabyte of zeros ends on a byte boundary (a full flush) and does not
    refer to what came before it, so repeating it repeats its output.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, chunk)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return block * whole + tail.compress(b"\0" * rest) + tail.flush()


def zip_archive(members: Sequence[Member]) -> bytes:
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        size = m.file_size if m.file_size is not None else (m.real_size or len(m.data))
        crc = m.crc if m.crc is not None else 0
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, m.method, 0, 0, crc, len(m.data), size,
                              len(name), 0))
        out.write(name)
        out.write(m.data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, m.method, 0, 0, crc, len(m.data), size,
                                   len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    count = min(len(members), 0xFFFF)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def docx_with(body: Sequence[str], replace: dict[str, Member] | None = None, extra: Sequence[Member] = (),
              edit: Callable[[bytes], bytes] | None = None, picture: str | None = None) -> bytes:
    """A Word file with ``body`` paragraphs, some members replaced or added, or document.xml edited.

    ``picture`` (a target such as ``media/image1.png``) adds a relationship from the
    document to that part, as a picture in the text has.
    """
    original = make_docx(body=list(body))
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    if edit is not None:
        contents["word/document.xml"] = edit(contents["word/document.xml"])
    if picture is not None:
        contents["word/_rels/document.xml.rels"] = contents["word/_rels/document.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdPicture1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/image" Target="' + picture.encode() + b'"/></Relationships>')
        if b'Extension="png"' not in contents["[Content_Types].xml"]:
            contents["[Content_Types].xml"] = contents["[Content_Types].xml"].replace(
                b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
    members = []
    for name, content in contents.items():
        if replace and name in replace:
            members.append(replace[name])
        else:
            members.append(Member(name, deflated(content), crc=zlib.crc32(content), real_size=len(content)))
    return zip_archive([*members, *extra])


def with_doctype(document: bytes, doctype: str, text: str) -> bytes:
    """document.xml with a document type declaration and ``text`` in place of the first paragraph's text."""
    head, _, rest = document.partition(b"?>")
    return head + b"?>\n" + doctype.encode() + rest.replace(b">PLACEHOLDER<", b">" + text.encode() + b"<", 1)


# --------------------------------------------------------------------------- running under limits


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: str
    seconds: float
    max_rss_kb: int

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


def drop_file_permissions() -> list[str] | None:
    """A command prefix that runs without the root's power to ignore file permissions, [] for an
    ordinary user, or None when neither is possible (root without setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def run_limited(args: Sequence[str | Path], *, cwd: Path, stdin: int | None = subprocess.DEVNULL,
                input: bytes | None = None, file_size_limit: int | None = None, prefix: Sequence[str] = (),
                env: dict[str, str] | None = None, stdout: int | None = None, timeout: float = TIMEOUT) -> Run:
    """The console script in a subprocess under an address-space limit, with its time and peak memory.

    ``stdin`` is a file descriptor (or DEVNULL, or -1 for a closed standard input);
    ``input`` is written to a pipe instead. ``file_size_limit`` makes writes past that
    size fail (as on a full disk) instead of killing the process. ``stdout`` is a file
    descriptor to send standard output to instead of capturing it.
    """

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
        if stdin == -1:
            os.close(0)

    command = [*prefix, str(SCRIPT), *(str(a) for a in args)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if input is not None else
                            (None if stdin == -1 else stdin),
                            stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                            preexec_fn=limit, env={**os.environ, **(env or {})})
    outputs: dict[str, bytes] = {}

    def collect(name: str, stream: io.BufferedReader) -> None:
        outputs[name] = stream.read()

    readers = [threading.Thread(target=collect, args=(name, stream), daemon=True)
               for name, stream in (("out", proc.stdout), ("err", proc.stderr)) if stream is not None]
    for reader in readers:
        reader.start()
    if input is not None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(input)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    seconds = time.perf_counter() - started
    assert seconds < timeout, f"{command} ran into the {timeout} s timeout"
    return Run(proc.returncode, outputs.get("out", b""), outputs.get("err", b"").decode("utf-8", "replace"),
               seconds, usage.ru_maxrss)


def snapshot(folder: Path) -> dict[str, tuple[object, ...]]:
    """Everything about the files under ``folder`` that a write would change."""
    state: dict[str, tuple[object, ...]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            st = path.lstat()
            content: object = None
            if path.is_file() and not path.is_symlink():
                content = path.read_bytes()
            elif path.is_symlink():
                content = os.readlink(path)
            state[str(path.relative_to(folder))] = (st.st_mode, st.st_ino, st.st_size, st.st_mtime_ns, st.st_uid,
                                                    st.st_nlink, content)
    return state
