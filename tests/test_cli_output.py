"""Honest output: names that cannot forge lines, one line per finding, sources, width, progress."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import run

SCRIPT = Path(sys.executable).with_name("opsc-terms")
PLAIN = "Police rescued three child prostitutes in the raid.\n"
# The reported words run across a line break; the mention's message quotes them.
SPLIT = "Police found child\nprostitutes.\nThe term “child\npornography” misleads readers.\n"
FORGED = "a\nb.txt:9:9: error [child-prostitute] forged\n::error file=x::forged.txt"


def test_a_newline_in_a_file_name_cannot_forge_a_finding(tmp: Path) -> None:
    (tmp / FORGED).write_text(PLAIN, encoding="utf-8")
    escaped = "a\\nb.txt:9:9: error [child-prostitute] forged\\n::error file=x::forged.txt"
    for output_format in ("concise", "text", "github"):
        result = run("check", "--format", output_format, ".")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert not any(line.startswith(("b.txt", "::error file=x")) for line in lines), output_format
        if output_format == "github":
            assert len(lines) == 1
            assert lines[0].startswith("::error file=a%0Ab.txt%3A9%3A9%3A error [child-prostitute] forged%0A")
        else:
            assert lines[0].startswith(escaped + ":1:22: error [child-prostitute] "), output_format
    # Messages on standard error name the file the same way.
    (tmp / FORGED).write_bytes(b"caf\xe9 child prostitutes\n")  # not UTF-8
    result = run("check", "--format", "concise", ".")
    assert result.stderr.splitlines()[0].startswith(f"opsc-terms: {escaped}: not valid UTF-8")
    assert len(result.stderr.splitlines()) == 1


def test_control_characters_and_reordering_marks_are_escaped(tmp: Path) -> None:
    (tmp / "a\x1b[31mred\u202eb.txt").write_text(PLAIN, encoding="utf-8")
    out = run("check", "--format", "concise", ".").stdout
    assert out.startswith("a\\x1b[31mred\\u202eb.txt:1:22: error")


def test_concise_is_one_line_per_finding_when_the_words_span_a_line_break(tmp: Path) -> None:
    (tmp / "a.txt").write_text(SPLIT, encoding="utf-8")
    result = run("check", "--format", "concise", "a.txt")
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["a.txt:1:14", "a.txt:3:11"]
    assert "“child pornography” is a mention" in lines[1]
    # JSON keeps the words exactly as they are in the file.
    result = run("check", "--format", "json", "a.txt")
    assert "child\\npornography" in result.stdout


def test_text_output_cites_the_primary_source_and_the_explain_command(tmp: Path) -> None:
    (tmp / "a.txt").write_text(PLAIN + PLAIN + "Viewers of child pornography were arrested.\n", encoding="utf-8")
    out = run("check", "a.txt").stdout
    assert out.count("  = source: CRC/C/156, para. 55\n") == 2
    assert out.count("  = source: CRC/C/156, paras. 5, 60 and 62-63\n") == 1
    # The hint comes once per rule, the first time it is reported.
    assert out.count("  = why: opsc-terms explain child-prostitute\n") == 1
    assert out.count("  = why: opsc-terms explain child-pornography\n") == 1
    assert "opsc-terms explain" not in run("check", "-q", "a.txt").stdout


def test_text_output_puts_each_finding_header_on_one_line(tmp: Path) -> None:
    (tmp / "a.txt").write_text(SPLIT, encoding="utf-8")
    out = run("check", "a.txt").stdout
    headers = [line for line in out.splitlines() if line.startswith("a.txt:")]
    assert len(headers) == 2
    assert "“child pornography” is a mention" in headers[1]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_text_output_follows_the_terminal_width(tmp: Path, columns: int) -> None:
    line = ("The regional police said that officers rescued three child prostitutes from a hotel near the "
            "station late on Tuesday evening after a long investigation.\n")
    (tmp / "a.txt").write_text(line, encoding="utf-8")
    out = run("check", "a.txt", env={"COLUMNS": str(columns)}).stdout
    block = out.split("\n\n")[0].splitlines()[1:]  # the lines under the header
    assert block
    assert all(len(row) <= columns for row in block if not row.lstrip(" |^").startswith("→")), block
    source = next(row for row in block if row.startswith("1 | "))
    underline = block[block.index(source) + 1]
    assert source[underline.index("^"):].startswith("child prostitutes")
    assert underline.count("^") == len("child prostitutes")
    assert (len(source) == len("1 | " + line.rstrip())) == (columns >= len(line) + 4)


def test_a_match_wider_than_the_terminal(tmp: Path) -> None:
    (tmp / "a.txt").write_text("x " * 50 + "child prostitutes " + "y " * 50 + "\n", encoding="utf-8")
    out = run("check", "a.txt", env={"COLUMNS": "20"}).stdout
    source = next(row for row in out.splitlines() if row.startswith("1 | "))
    underline = out.splitlines()[out.splitlines().index(source) + 1]
    assert len(source) <= 24  # never narrower than 20 columns of text
    assert source[underline.index("^"):].startswith("child")
    assert underline.index("^") + underline.count("^") <= len(source)


def test_a_very_long_line_is_cut_without_reading_it_all_per_finding(tmp: Path) -> None:
    # Thousands of findings on one 2 MB line: each shows a window, not the line.
    (tmp / "a.txt").write_text(("word " * 100 + "child prostitutes ") * 4000 + "\n", encoding="utf-8")
    out = run("check", "a.txt").stdout
    sources = [row for row in out.splitlines() if row.startswith("1 | ")]
    assert len(sources) == len([row for row in out.splitlines() if row.startswith("a.txt:1:")]) > 3900
    assert max(len(row) for row in sources) <= 104


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_is_one_line_on_a_terminal_and_erased(tmp_path: Path) -> None:
    import fcntl
    import struct
    import termios

    for n in range(40):
        (tmp_path / f"doc{n:02}.txt").write_text("Nothing to report here.\n", encoding="utf-8")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.Popen([str(SCRIPT), "check", "--format", "concise", "."], cwd=tmp_path, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    written = b""
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            written += chunk
        proc.wait(timeout=300)
    finally:
        os.close(master)
    shown = written.decode()
    assert proc.returncode == 0
    assert "Checking" in shown
    assert "\n" not in shown  # never a new line: every redraw overwrites the last
    assert all(len(piece) <= 60 for piece in shown.split("\r")), shown
    assert shown.endswith("\r" + " " * 59 + "\r")  # erased at the end
    assert re.search(r"Checking \[#+\] 40/40", shown)


def test_no_progress_when_standard_error_is_not_a_terminal(tmp_path: Path) -> None:
    for n in range(40):
        (tmp_path / f"doc{n:02}.txt").write_text("Nothing to report here.\n", encoding="utf-8")
    proc = subprocess.run([str(SCRIPT), "check", "."], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == "No problems found in 40 files.\n"
