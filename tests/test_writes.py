"""Writes that must do no harm: --fix, --write-baseline, --annotate and --diff.

A fix keeps the file's mode, owner and links or leaves it alone with a message, never
overwrites what another program added while the file was being checked, and a new file
gets the mode the user's umask gives. A diff is a patch that ``patch`` and ``git apply``
take as it is, whatever characters the lines hold and whatever the file's encoding.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from cli_support import run
from hostile import drop_file_permissions, run_limited
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wordfiles import make_docx

from opsc_terms import runner
from opsc_terms.formats import unified_diff

DIRTY = "Police rescued three child prostitutes in the raid.\n"
FIXED = "Police rescued three children exploited in prostitution in the raid.\n"


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    yield
    os.umask(old)


# --------------------------------------------------------------------------- --fix


def test_a_line_added_while_the_file_is_checked_is_not_lost(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    real = runner.fix_document

    def slow_fix(*args: object, **kwargs: object) -> object:
        with path.open("a", encoding="utf-8") as stream:  # another program appends meanwhile
            stream.write("A line added by someone else.\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "fix_document", slow_fix)
    result = run("check", "--fix", "a.txt")
    assert result.exit_code == 2
    assert result.stderr == ("opsc-terms: a.txt: not fixed: it changed while it was being checked "
                             "(run the command again)\n")
    assert path.read_text(encoding="utf-8") == DIRTY + "A line added by someone else.\n"
    assert "1 file could not be fixed (see above)." in result.stdout
    assert sorted(p.name for p in tmp.iterdir()) == ["a.txt"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_fix_keeps_owner_group_and_mode(tmp: Path) -> None:
    path = tmp / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    os.chown(path, 1234, 2345)
    path.chmod(0o664)
    assert run("check", "--fix", "-q", "a.txt").exit_code == 0
    st_ = path.stat()
    assert (st_.st_uid, st_.st_gid, stat.S_IMODE(st_.st_mode)) == (1234, 2345, 0o664)
    assert path.read_text(encoding="utf-8") == FIXED


def test_fix_refuses_when_the_owner_cannot_be_kept(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root (to give the file away) and setpriv (to give up the power to take it back)")
    path = tmp_path / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    os.chown(path, 1234, 2345)
    path.chmod(0o666)
    proc = run_limited(["check", "--fix", "a.txt"], cwd=tmp_path,
                       prefix=[str(shutil.which("setpriv")), "--bounding-set", "-chown"])
    assert proc.returncode == 2
    assert "opsc-terms: a.txt: not fixed: it belongs to another user, and replacing it would change its owner" \
        in proc.stderr
    assert path.read_text(encoding="utf-8") == DIRTY
    assert path.stat().st_uid == 1234
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_fix_of_a_file_the_user_may_not_write(tmp_path: Path) -> None:
    prefix = drop_file_permissions()
    if prefix is None:
        pytest.skip("needs setpriv to run without root's power over file permissions")
    path = tmp_path / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    path.chmod(0o444)
    proc = run_limited(["check", "--fix", "a.txt"], cwd=tmp_path, prefix=prefix)
    assert proc.returncode == 2
    assert proc.stderr == "opsc-terms: a.txt: not fixed: it is read-only\n"
    assert path.read_text(encoding="utf-8") == DIRTY


def test_fix_with_a_symbolic_link_named_on_the_command_line(tmp: Path) -> None:
    # A file named explicitly is the user's choice: the link is followed and the file it names fixed.
    (tmp / "real.txt").write_text(DIRTY, encoding="utf-8")
    (tmp / "link.txt").symlink_to("real.txt")
    assert run("check", "--fix", "-q", "link.txt").exit_code == 0
    assert (tmp / "link.txt").is_symlink()
    assert (tmp / "real.txt").read_text(encoding="utf-8") == FIXED


# --------------------------------------------------------------------------- new files


def test_a_new_baseline_gets_the_umask_mode(tmp: Path, umask: None) -> None:
    (tmp / "a.txt").write_text(DIRTY, encoding="utf-8")
    assert run("check", "a.txt", "--write-baseline", "baseline.json").exit_code == 0
    assert stat.S_IMODE((tmp / "baseline.json").stat().st_mode) == 0o640


def test_a_replaced_baseline_keeps_its_mode(tmp: Path) -> None:
    (tmp / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp / "baseline.json").write_text("{}", encoding="utf-8")
    (tmp / "baseline.json").chmod(0o604)
    assert run("check", "a.txt", "--write-baseline", "baseline.json").exit_code == 0
    assert stat.S_IMODE((tmp / "baseline.json").stat().st_mode) == 0o604


def _png() -> bytes:
    """A one-pixel PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _document_with_picture_and_comment() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("Police rescued three child prostitutes in the raid.")
    document.add_picture(io.BytesIO(_png()))
    document.add_comment(paragraph.runs, text="Check the figures.", author="Alice", initials="A")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pictures(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("word/media/")}


def test_annotating_twice_replaces_its_own_comments_and_keeps_the_rest(tmp: Path, umask: None) -> None:
    original = _document_with_picture_and_comment()
    (tmp / "a.docx").write_bytes(original)
    assert run("check", "a.docx", "--annotate", "once.docx").exit_code == 1
    assert stat.S_IMODE((tmp / "once.docx").stat().st_mode) == 0o640
    assert run("check", "once.docx", "--annotate", "twice.docx").exit_code == 1
    for name in ("once.docx", "twice.docx"):
        data = (tmp / name).read_bytes()
        comments = list(docx.Document(io.BytesIO(data)).comments)
        assert sorted(c.author for c in comments) == ["Alice", "opsc-terms"], name
        assert _pictures(data) == _pictures(original)  # pictures are copied as they are, not read
    twice = docx.Document(io.BytesIO((tmp / "twice.docx").read_bytes()))
    assert twice.paragraphs[0].text == "Police rescued three child prostitutes in the raid."
    assert len(twice.element.body.findall(".//" + _w("commentReference"))) == 2


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def test_annotate_with_an_entity_reference_is_refused(tmp: Path) -> None:
    import zipfile

    source = make_docx(body=["PLACEHOLDER"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as archive, zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == "word/document.xml":
                head, _, rest = content.partition(b"?>")
                content = (head + b'?><!DOCTYPE w:document [<!ENTITY x "child prostitutes">]>'
                           + rest.replace(b"PLACEHOLDER", b"Police rescued &x; today."))
            target.writestr(info, content)
    (tmp / "a.docx").write_bytes(out.getvalue())
    result = run("check", "a.docx", "--annotate", "copy.docx")
    assert result.exit_code == 2
    assert result.stderr == ("opsc-terms: a.docx: word/document.xml holds a document type declaration (DTD), which "
                             "Word never writes; open the file in Word and save it again\n")
    assert not (tmp / "copy.docx").exists()


# --------------------------------------------------------------------------- --diff


def _apply(tool: str, folder: Path, diff: bytes) -> subprocess.CompletedProcess[bytes]:
    if tool == "patch":
        command = ["patch", "-p1", "-s", "-F0", "--no-backup-if-mismatch"]
    else:
        command = ["git", "apply", "--unidiff-zero", "-"]
    return subprocess.run(command, cwd=folder, input=diff, capture_output=True, timeout=60)


def _tools() -> list[str]:
    return [tool for tool in ("patch", "git") if shutil.which(tool)]


SPECIAL_LINES = [
    ("no newline at the end", "Intro.\nPolice rescued three child prostitutes."),
    ("form feed", "Intro.\fPolice rescued three child prostitutes.\nEnd.\n"),
    ("lone carriage return", "Intro.\rPolice rescued three child prostitutes.\rEnd.\n"),
    ("line separator", "Intro.\u2028Police rescued three child prostitutes.\nEnd.\n"),
    ("next line", "Intro.\x85Police rescued three child prostitutes.\nEnd.\n"),
    ("vertical tab", "Intro.\vPolice rescued three child prostitutes.\nEnd.\n"),
    ("CRLF", "Intro.\r\nPolice rescued three child prostitutes.\r\nEnd.\r\n"),
]


@pytest.mark.parametrize(("name", "text"), SPECIAL_LINES)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_diff_applies_as_it_is(tmp: Path, name: str, text: str, encoding: str) -> None:
    tools = _tools()
    if not tools:
        pytest.skip("neither patch nor git is installed")
    data = text.encode(encoding)  # "utf-16" writes a byte order mark, as the files that use it have
    (tmp / "a.txt").write_bytes(data)
    result = run("check", "--diff", "a.txt")
    assert result.exit_code == 1
    diff = result.stdout_bytes
    assert diff.startswith(b"--- a/a.txt\n+++ b/a.txt\n@@ ")
    run("check", "--fix", "-q", "a.txt")
    fixed = (tmp / "a.txt").read_bytes()
    assert fixed != data
    for tool in tools:
        folder = tmp / tool
        folder.mkdir()
        (folder / "a.txt").write_bytes(data)
        applied = _apply(tool, folder, diff)
        assert applied.returncode == 0, (tool, applied.stderr, diff)
        assert (folder / "a.txt").read_bytes() == fixed, tool


def test_diff_marks_a_last_line_without_a_newline(tmp: Path) -> None:
    (tmp / "a.txt").write_text("Police rescued three child prostitutes.", encoding="utf-8")
    assert run("check", "--diff", "a.txt").stdout.splitlines()[-2:] == [
        "+Police rescued three children exploited in prostitution.", "\\ No newline at end of file"]


def test_diff_names_with_special_characters_are_quoted(tmp: Path) -> None:
    (tmp / 'say "no".txt').write_text(DIRTY, encoding="utf-8")
    diff = run("check", "--diff", 'say "no".txt').stdout
    assert diff.startswith('--- "a/say \\"no\\".txt"\n+++ "b/say \\"no\\".txt"\n')


LINE_PIECES = ["a", "b", "child prostitutes", " ", "\n", "\n\n", "\r", "\r\n", "\f", "\v", "\u2028", "\x85", "é",
               "x\n"]


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch is not installed")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=30), st.lists(st.tuples(
    st.integers(0, 200), st.integers(0, 8), st.lists(st.sampled_from(LINE_PIECES), max_size=3)), max_size=5))
def test_any_diff_applies_with_patch(tmp_path: Path, old_parts: list[str],
                                     changes: list[tuple[int, int, list[str]]]) -> None:
    old = "".join(old_parts)
    new = old
    for at, length, parts in changes:
        at %= len(new) + 1
        new = new[:at] + "".join(parts) + new[at + length:]
    diff = unified_diff(old.encode(), new.encode(), "f.txt")
    if old == new:
        assert diff == b""
        return
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "f.txt").write_bytes(old.encode())
    applied = _apply("patch", folder, diff)
    assert applied.returncode == 0, (applied.stderr, diff)
    # patch removes a file that becomes empty; that is the right result for an empty text.
    result = (folder / "f.txt").read_bytes() if (folder / "f.txt").exists() else b""
    assert result == new.encode()


def test_diff_of_many_changed_lines_pairs_them_one_for_one() -> None:
    old = "".join(f"line {i} child prostitutes\n" for i in range(1000)).encode()
    new = old.replace(b"child prostitutes", b"children exploited in prostitution")
    diff = unified_diff(old, new, "f.txt").decode()
    assert diff.count("\n-line") == diff.count("\n+line") == 1000
    assert diff.count("@@ -") == 1
