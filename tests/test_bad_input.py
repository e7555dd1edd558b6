"""The bad-input matrix: what a careless or hostile user can hand the command line.

Every case runs the real console script in a subprocess under an address-space limit and
asserts the exit status, one clear line for each input that cannot be used (never a
traceback or "internal error"), a bounded time (a hang or a quadratic reader fails on the
timeout), a measured peak of resident memory, and that nothing was written that should
not have been. Device nodes and named pipes are made in the test's own folder with
os.mknod and os.mkfifo; nothing here names a path under /dev.
"""

from __future__ import annotations

import os
import stat
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hostile import (
    RSS_LIMIT_KB,
    Member,
    Run,
    deflated,
    docx_with,
    drop_file_permissions,
    run_limited,
    snapshot,
    with_doctype,
    zeros_deflated,
    zip_archive,
)
from wordfiles import make_docx

DIRTY = "Police rescued three child prostitutes in the raid.\n"
CLEAN = "Police rescued three children who had been sexually exploited.\n"
NULL_DEVICE = (1, 3)  # major and minor numbers of the null and zero devices on Linux
ZERO_DEVICE = (1, 5)


def assert_clean_run(run: Run, status: int, *lines: str) -> None:
    """Exit ``status``; standard error holds exactly ``lines`` (each a fragment of one line), no traceback."""
    assert run.returncode == status, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    errors = run.stderr.splitlines()
    assert len(errors) == len(lines), run.stderr
    for line, fragment in zip(errors, lines, strict=True):
        assert line.startswith("opsc-terms: "), line
        assert fragment in line, (fragment, line)
    assert run.max_rss_kb < RSS_LIMIT_KB, f"{run.max_rss_kb} KB of memory"


def device(path: Path, numbers: tuple[int, int]) -> Path:
    """A character device node in the test's folder (root only)."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*numbers))
    except PermissionError:
        pytest.skip("making device nodes needs root")
    return path


# --------------------------------------------------------------------------- the matrix


@dataclass
class Case:
    """Files to create, the command's arguments, and what must happen."""

    files: dict[str, bytes | str]
    args: tuple[str, ...]
    status: int
    errors: tuple[str, ...] = ()  # one fragment per line on standard error
    stdout: str | None = None  # a fragment standard output must hold
    setup: Callable[[Path], None] | None = None
    written: tuple[str, ...] = ()  # paths the run may create or change
    extra: dict[str, object] = field(default_factory=dict)


def _bomb_document(size: int) -> Member:
    """word/document.xml that honestly inflates to ``size`` bytes of zeros."""
    return Member("word/document.xml", zeros_deflated(size), real_size=size)


def _lying_document() -> Member:
    """word/document.xml that says it holds 1 KB and inflates to 64 MB."""
    return Member("word/document.xml", zeros_deflated(64 * 1024 * 1024), file_size=1024, crc=0)


_BILLION_LAUGHS = ('<!DOCTYPE w:document [<!ENTITY a "child prostitutes ">'
                   + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                   + "]>")
_XXE = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>'


def _docx_case(name: str, data: bytes, status: int, *errors: str) -> Case:
    return Case({name: data, "ok.txt": DIRTY}, (name, "ok.txt"), status, errors, stdout="ok.txt:1:22")


CASES: dict[str, Case] = {
    "binary file": Case({"a.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "ok.txt": DIRTY},
                        ("a.txt", "ok.txt"), 2, ("a.txt: a binary file, not text",), stdout="ok.txt:1:22"),
    "invalid UTF-8": Case({"a.txt": b"Police rescued \xff\xfe three.\n", "ok.txt": DIRTY}, ("a.txt", "ok.txt"), 2,
                          ("a.txt: not valid UTF-8 at line 1 (byte 15)",), stdout="ok.txt:1:22"),
    "UTF-16 with a byte order mark": Case({"a.txt": b"\xff\xfe" + DIRTY.encode("utf-16-le")}, ("a.txt",), 1,
                                          stdout="a.txt:1:22"),
    "UTF-16 without a byte order mark": Case({"a.txt": DIRTY.encode("utf-16-le")}, ("a.txt",), 2,
                                             ("a.txt: a binary file, not text",)),
    "UTF-32 with a byte order mark": Case({"a.txt": b"\xff\xfe\x00\x00" + DIRTY.encode("utf-32-le")}, ("a.txt",), 1,
                                          stdout="a.txt:1:22"),
    "too large": Case({"big.txt": DIRTY * 100, "ok.txt": DIRTY}, ("--max-file-size", "1KB", "big.txt", "ok.txt"), 2,
                      ("big.txt: larger than the 1 KiB limit (5.1 KiB)",), stdout="ok.txt:1:22"),
    "too large, in the configuration": Case({"big.txt": DIRTY * 100, "opsc-terms.toml": 'max-file-size = "2KB"\n'},
                                            ("big.txt",), 2, ("big.txt: larger than the 2 KiB limit",)),
    "a size that is no size": Case({"a.txt": DIRTY}, ("--max-file-size", "lots", "a.txt"), 2,
                                   ("--max-file-size: 'lots' is not a size",)),
    "a loop of symbolic links": Case({"ok.txt": DIRTY}, ("a.txt", "ok.txt"), 2, ("a.txt: a loop of symbolic links",),
                                     stdout="ok.txt:1:22",
                                     setup=lambda tmp: ((tmp / "a.txt").symlink_to("b.txt"),
                                                        (tmp / "b.txt").symlink_to("a.txt"))),
    "a loop of symbolic links in a walk": Case({"d/ok.txt": DIRTY}, ("d",), 1, stdout="d/ok.txt:1:22",
                                               setup=lambda tmp: ((tmp / "d" / "a.txt").symlink_to("b.txt"),
                                                                  (tmp / "d" / "b.txt").symlink_to("a.txt"),
                                                                  (tmp / "d" / "self").symlink_to("."))),
    "a missing path": Case({"ok.txt": DIRTY}, ("gone.txt", "ok.txt"), 2, ("gone.txt: no such file or directory",),
                           stdout="ok.txt:1:22"),
    # Word documents
    "an encrypted Word file": _docx_case("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, 2,
                                         "a.docx: an encrypted or old-format (.doc) Word file"),
    "a truncated Word file": _docx_case("a.docx", make_docx(body=[DIRTY])[:3000], 2,
                                        "a.docx: not a Word document (.docx files are ZIP archives"),
    "a Word file cut short inside a part": _docx_case(
        "a.docx", zip_archive([Member("[Content_Types].xml", b"<Types/>", method=0),
                               Member("word/document.xml", deflated(b"<w:document>" * 400)[:200], real_size=4800)]),
        2, "a.docx: a damaged Word document"),
    "a ZIP bomb that says what it is (2 GB document.xml)": _docx_case(
        "a.docx", docx_with([DIRTY], replace={"word/document.xml": _bomb_document(2 * 1024 ** 3)}), 2,
        "a.docx: its text is larger than the 10 MiB limit (word/document.xml inflates to 2 GiB)"),
    "a ZIP bomb that lies about its size": _docx_case(
        "a.docx", docx_with([DIRTY], replace={"word/document.xml": _lying_document()}), 2,
        "a.docx: a damaged Word document"),
    "a ZIP bomb under the size limit, over the ratio": _docx_case(
        "a.docx", docx_with([DIRTY], replace={"word/document.xml": _bomb_document(9 * 1024 ** 2)}), 2,
        "a.docx: word/document.xml would inflate"),
    "a ZIP bomb of many small parts": _docx_case(
        "a.docx", docx_with([DIRTY], extra=[Member(f"word/p{i}.xml", deflated(b"<x/>" * 1000), real_size=4000,
                                                   crc=zlib.crc32(b"<x/>" * 1000)) for i in range(3000)]), 2,
        "a.docx: its text is larger than the 10 MiB limit (its XML parts together)"),
    "a ZIP of too many parts": _docx_case(
        "a.docx", docx_with([DIRTY], extra=[Member(f"p{i}", b"", method=0) for i in range(12_000)]), 2,
        "a.docx: a ZIP archive of more than 10000 parts"),
    "a 3.9 GB picture that is never read": Case(
        {"a.docx": docx_with([DIRTY], extra=[Member("word/media/image1.png", zeros_deflated(1024 * 1024),
                                                    file_size=3_900_000_000, crc=0)])}, ("a.docx",), 1,
        stdout="a.docx:1:22"),
    "entity expansion (billion laughs)": _docx_case(
        "a.docx", docx_with(["PLACEHOLDER"], edit=lambda xml: with_doctype(xml, _BILLION_LAUGHS, "&j;")), 2,
        "a.docx: word/document.xml holds a document type declaration (DTD)"),
    "an external entity (XXE)": _docx_case(
        "a.docx", docx_with(["PLACEHOLDER"], edit=lambda xml: with_doctype(xml, _XXE, "&x;")), 2,
        "a.docx: word/document.xml holds a document type declaration (DTD)"),
    # Hostile markup: readers stay linear
    "100k unclosed HTML comments": Case({"a.html": "<p>" + DIRTY + "</p>" + "<!--" * 100_000}, ("a.html",), 1,
                                        stdout="a.html:1:25"),
    "100k unclosed HTML attributes": Case({"a.html": "<p>" + DIRTY + "</p>" + "<a b='x" * 100_000}, ("a.html",), 1,
                                          stdout="a.html:1:25"),
    "deeply nested HTML": Case({"a.html": "<div>" * 100_000 + DIRTY + "</div>" * 100_000}, ("a.html",), 1,
                               stdout="a.html:1:500022"),
    "100k nested LaTeX braces": Case({"a.tex": "\\emph{" * 100_000 + DIRTY + "}" * 100_000}, ("a.tex",), 1,
                                     stdout="a.tex:1:600022"),
    "100k unclosed LaTeX groups": Case({"a.tex": DIRTY + "\\textbf{" * 100_000}, ("a.tex",), 1, stdout="a.tex:1:22"),
    "LaTeX that would be read again and again": Case(
        {"a.tex": "$%$\\emph{ x\n" * 20_000, "ok.txt": DIRTY}, ("a.tex", "ok.txt"), 2,
        ("a.tex: braces or brackets are nested or left open",), stdout="ok.txt:1:22"),
    "a 50k-row Markdown table": Case({"a.md": "| a | b |\n|---|---|\n" + "| cell | x |\n" * 50_000
                                      + "| " + DIRTY.strip() + " | x |\n"}, ("a.md",), 1, stdout="a.md:50003:24"),
    "deeply nested Markdown quotes": Case({"a.md": ">" * 100_000 + " " + DIRTY}, ("a.md",), 1,
                                          stdout="a.md:1:100023"),
    "deeply nested Markdown lists": Case({"a.md": "".join("  " * i + "- item\n" for i in range(3000)) + "\n" + DIRTY},
                                         ("a.md",), 1, stdout="a.md:3002:22"),
    "pathological Markdown emphasis": Case({"a.md": "*a _" * 50_000 + "\n\n" + DIRTY}, ("a.md",), 1,
                                           stdout="a.md:3:22"),
    "a program of half a million strings on one line": Case({"a.py": "# " + DIRTY + 'x = """a"""; ' * 500_000},
                                                       ("a.py",), 1, stdout="a.py:1:24"),
    "Markdown emphasis with underscores": Case({"a.md": "They wrote _child prostitutes_ and __child porn__.\n"},
                                               ("a.md", "--format", "concise"), 1, stdout="a.md:1:13"),
    "20,000 suppression comments": Case(
        {"a.md": "".join(f"<!-- opsc-terms: disable-next-line child-prostitute -->\nLine {i}: {DIRTY}\n"
                         for i in range(20_000))}, ("a.md",), 0),
    "an unknown rule in a suppression comment": Case(
        {"a.md": "<!-- opsc-terms: disable-next-line child-prostitue -->\n" + DIRTY}, ("a.md", "--format", "concise"),
        1, ("a.md:1:36: warning: unknown rule 'child-prostitue' in a suppression comment; did you mean "
            "'child-prostitute'?",), stdout="a.md:2:22"),
    # Writes
    "a read-only file to fix": Case({"a.txt": DIRTY}, ("--fix", "a.txt"), 2, ("a.txt: not fixed: it is read-only",),
                                    setup=lambda tmp: (tmp / "a.txt").chmod(0o444)),
    "a hard-linked file to fix": Case({"a.txt": DIRTY}, ("--fix", "a.txt"), 2,
                                      ("a.txt: not fixed: it has 2 hard links, which replacing it would split",),
                                      setup=lambda tmp: os.link(tmp / "a.txt", tmp / "b.txt")),
    "a baseline written over a named pipe": Case({"a.txt": DIRTY}, ("a.txt", "--write-baseline", "pipe"), 2,
                                                 ("pipe: --write-baseline will not replace it: a named pipe",),
                                                 setup=lambda tmp: os.mkfifo(tmp / "pipe")),
    "an annotated copy written over a named pipe": Case(
        {"a.docx": make_docx(body=[DIRTY])}, ("a.docx", "--annotate", "pipe"), 2,
        ("pipe: --annotate will not replace it: a named pipe",), setup=lambda tmp: os.mkfifo(tmp / "pipe")),
    "an annotated copy of a document with a DTD": Case(
        {"a.docx": docx_with(["PLACEHOLDER"], edit=lambda xml: with_doctype(
            xml, '<!DOCTYPE w:document [<!ENTITY x "child prostitutes">]>', "They were &x; then."))},
        ("a.docx", "--annotate", "out.docx"), 2, ("a.docx: word/document.xml holds a document type declaration",)),
    "a 3.9 GB picture in a copy to annotate": Case(
        {"a.docx": docx_with([DIRTY], extra=[Member("word/media/image1.png", zeros_deflated(1024 * 1024),
                                                    file_size=3_900_000_000, crc=0)], picture="media/image1.png")},
        ("a.docx", "--annotate", "out.docx"), 2, ("out.docx: annotated copy not written: word/media/image1.png would "
                                                  "inflate",), stdout="a.docx:1:22"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    for relative, content in case.files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(tmp_path)
    before = snapshot(tmp_path)
    run = run_limited(["check", "--format", "concise", *case.args], cwd=tmp_path)
    assert_clean_run(run, case.status, *case.errors)
    if case.stdout is not None:
        assert case.stdout in run.text, run.text
    after = snapshot(tmp_path)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed == set(case.written), changed


def test_a_walk_never_leaves_its_tree(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "in.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "outside.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "tree" / "link.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "tree" / "inner.txt").symlink_to("in.txt")  # inside the tree: the same file, checked once
    run = run_limited(["check", "--fix", "tree"], cwd=tmp_path)
    assert_clean_run(run, 0)
    assert "Fixed 1 problem in 1 file." in run.text
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == DIRTY
    assert "children exploited" in (tmp_path / "tree" / "in.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- devices and pipes


def test_device_files_are_refused_up_front(tmp_path: Path) -> None:
    zero = device(tmp_path / "zero", ZERO_DEVICE)
    (tmp_path / "ok.txt").write_text(DIRTY, encoding="utf-8")
    run = run_limited(["check", "--format", "concise", zero.name, "ok.txt"], cwd=tmp_path)
    assert_clean_run(run, 2, "zero: a character device, not a file to check; skipped")
    assert run.text.startswith("ok.txt:1:22")
    assert run.seconds < 60


def test_standard_input_from_a_device(tmp_path: Path) -> None:
    zero = device(tmp_path / "zero", ZERO_DEVICE)
    with zero.open("rb") as stream:
        run = run_limited(["check"], cwd=tmp_path, stdin=stream.fileno())
    assert_clean_run(run, 2, "standard input: a character device, not a document to check")


def test_standard_input_from_the_null_device_is_empty(tmp_path: Path) -> None:
    null = device(tmp_path / "null", NULL_DEVICE)
    with null.open("rb") as stream:
        run = run_limited(["check"], cwd=tmp_path, stdin=stream.fileno())
    assert_clean_run(run, 0, "warning: standard input is empty: nothing was checked; name the files or folders")


def test_empty_standard_input_is_a_warning(tmp_path: Path) -> None:
    run = run_limited(["check"], cwd=tmp_path, input=b"")
    assert_clean_run(run, 0, "warning: standard input is empty: nothing was checked; name the files or folders "
                             "to check (e.g. `opsc-terms check .`)")
    explicit = run_limited(["check", "-"], cwd=tmp_path, input=b"")
    assert_clean_run(explicit, 0, "warning: standard input is empty: nothing was checked")


def test_closed_standard_input(tmp_path: Path) -> None:
    run = run_limited(["check", "-"], cwd=tmp_path, stdin=-1)
    assert_clean_run(run, 2, "standard input is closed; name the files or folders to check")


def test_standard_input_over_the_limit(tmp_path: Path) -> None:
    run = run_limited(["check", "--max-file-size", "1KB"], cwd=tmp_path, input=DIRTY.encode() * 100)
    assert_clean_run(run, 2, "standard input: larger than the 1 KiB limit; raise it with --max-file-size")


def test_a_named_pipe_is_read_like_a_file(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    def write() -> None:
        with pipe.open("wb") as stream:
            stream.write(DIRTY.encode())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    run = run_limited(["check", "--format", "concise", "pipe.txt"], cwd=tmp_path)
    writer.join(timeout=10)
    assert_clean_run(run, 1)
    assert run.text.startswith("pipe.txt:1:22")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize("option", ["--write-baseline", "--annotate"])
def test_a_device_node_is_never_replaced(tmp_path: Path, option: str) -> None:
    node = device(tmp_path / "null", NULL_DEVICE)
    (tmp_path / "a.docx").write_bytes(make_docx(body=[DIRTY]))
    before = snapshot(tmp_path)
    run = run_limited(["check", "a.docx", option, node.name], cwd=tmp_path)
    assert_clean_run(run, 2, f"null: {option} will not replace it: a character device, not a regular file")
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- permissions


@pytest.fixture
def unprivileged() -> list[str]:
    prefix = drop_file_permissions()
    if prefix is None:
        pytest.skip("needs setpriv to run without root's power over file permissions")
    return prefix


def test_unreadable_file_and_folder_in_a_walk(tmp_path: Path, unprivileged: list[str]) -> None:
    for name in ("d/ok.txt", "d/locked/b.txt", "d/secret.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(DIRTY, encoding="utf-8")
    (tmp_path / "d" / "locked").chmod(0)
    (tmp_path / "d" / "secret.txt").chmod(0)
    try:
        run = run_limited(["check", "--format", "concise", "d"], cwd=tmp_path, prefix=unprivileged)
    finally:
        (tmp_path / "d" / "locked").chmod(0o755)
    assert_clean_run(run, 2, "d/locked: permission denied: cannot list this folder",
                     "d/secret.txt: permission denied")
    assert run.text.startswith("d/ok.txt:1:22")  # the rest of the walk is checked
    assert "1 file could not be read" not in run.text  # concise output has no summary


def test_unreadable_file_named_on_the_command_line(tmp_path: Path, unprivileged: list[str]) -> None:
    (tmp_path / "secret.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "secret.txt").chmod(0)
    (tmp_path / "ok.txt").write_text(DIRTY, encoding="utf-8")
    run = run_limited(["check", "secret.txt", "ok.txt"], cwd=tmp_path, prefix=unprivileged)
    assert_clean_run(run, 2, "secret.txt: permission denied")
    assert "ok.txt:1:22" in run.text
    assert run.text.endswith("Found 1 problem (1 error) in 1 of 1 file checked.\n1 can be fixed with --fix.\n"
                             "1 file could not be read (see above).\n")


def test_summary_counts_files_that_could_not_be_read(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"abc \xff def\n")
    run = run_limited(["check", "bad.txt"], cwd=tmp_path)
    assert_clean_run(run, 2, "bad.txt: not valid UTF-8 at line 1 (byte 4)")
    assert run.text == "No files checked.\n1 file could not be read (see above).\n"


# --------------------------------------------------------------------------- failed writes


@pytest.mark.parametrize("unbuffered", [False, True])
@pytest.mark.parametrize("args", [["check", "a.txt"], ["check", "--diff", "a.txt"], ["check", "--format", "json",
                                                                                        "a.txt"]])
def test_output_that_cannot_be_written(tmp_path: Path, args: list[str], unbuffered: bool) -> None:
    # The report goes to a file that may not grow past 4 KB, as on a full disk; with
    # PYTHONUNBUFFERED (common in containers) a short write would otherwise go unnoticed.
    (tmp_path / "a.txt").write_text(DIRTY * 200, encoding="utf-8")
    with (tmp_path / "report.txt").open("wb") as out:
        run = run_limited(args, cwd=tmp_path, stdout=out.fileno(), file_size_limit=4096,
                          env={"PYTHONUNBUFFERED": "1"} if unbuffered else {"PYTHONUNBUFFERED": ""})
    assert_clean_run(run, 2, "cannot write the output (file too large)")


def test_a_baseline_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("".join(f"Police rescued three child prostitutes, case {i}.\n" for i in range(200)),
                                    encoding="utf-8")
    run = run_limited(["check", "a.txt", "--write-baseline", "baseline.json"], cwd=tmp_path, file_size_limit=512)
    assert_clean_run(run, 2, "baseline.json: baseline not written: file too large")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no temporary file left behind


def test_deflate_helpers_make_what_they_say() -> None:
    data = zeros_deflated(3 * 1024 * 1024 + 5)
    assert zlib.decompress(data, -15) == b"\0" * (3 * 1024 * 1024 + 5)
    archive = zip_archive([Member("x.xml", deflated(b"<x/>"), crc=zlib.crc32(b"<x/>"), real_size=4)])
    with zipfile.ZipFile(__import__("io").BytesIO(archive)) as z:
        assert z.read("x.xml") == b"<x/>"
