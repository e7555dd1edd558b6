"""The installed console script, run for real: start-up imports, pipes, terminals, large input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("opsc-terms")
DIRTY = "Police rescued three child prostitutes in the raid.\n"
CLEAN = "Police rescued three children who had been sexually exploited.\n"


def imported_modules(*args: str, cwd: Path) -> set[str]:
    """Top-level packages a real run of the command line imports (from -X importtime)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "opsc_terms.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_a_clean_file_never_imports_spacy(tmp_path: Path) -> None:
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "clean.md").write_text("# Title\n\n" + CLEAN, encoding="utf-8")
    (tmp_path / "dirty.txt").write_text(DIRTY, encoding="utf-8")
    text_only = imported_modules("check", "clean.txt", cwd=tmp_path)
    assert "opsc_terms" in text_only
    assert not text_only & {"spacy", "thinc", "markdown_it", "docx", "lxml"}
    markdown = imported_modules("check", "clean.md", cwd=tmp_path)
    assert "markdown_it" in markdown
    assert "spacy" not in markdown
    assert "spacy" in imported_modules("check", "dirty.txt", cwd=tmp_path)  # the measure can tell


def test_console_script_json_and_exit_status(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    proc = subprocess.run([str(SCRIPT), "check", "--format", "json", "a.txt"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 1
    assert [f["rule"] for f in json.loads(proc.stdout)] == ["child-prostitute"]
    missing = subprocess.run([str(SCRIPT), "check", "nope.txt"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=300)
    assert missing.returncode == 2
    assert missing.stderr == "opsc-terms: nope.txt: no such file or directory\n"


def test_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY * 3000, encoding="utf-8")
    proc = subprocess.Popen([str(SCRIPT), "check", "--format", "concise", "a.txt"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert first.startswith(b"a.txt:1:22:")
    assert "Traceback" not in stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_interactive_terminal_gets_a_hint(tmp_path: Path) -> None:
    master, slave = os.openpty()
    proc = subprocess.Popen([str(SCRIPT), "check", "--format", "concise"], cwd=tmp_path, stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    try:
        os.write(master, DIRTY.encode() + b"\x04")  # the text, then Ctrl-D on a new line
        out, err = proc.communicate(timeout=300)
    finally:
        os.close(master)
    assert "paste the text to check, then press Ctrl-D" in err.decode()
    assert out.decode().startswith("-:1:22: error [child-prostitute]")


def test_large_file(tmp_path: Path) -> None:
    paragraph = ("The committee noted that states should protect children from harm and report on the "
                 "measures they take in schools, courts and online services. ") * 3
    parts = [paragraph + (DIRTY if i % 100 == 0 else "") for i in range(20_000)]  # about 8 MB
    (tmp_path / "big.txt").write_text("\n\n".join(parts), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([str(SCRIPT), "check", "--format", "json", "big.txt"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 1
    assert len(json.loads(proc.stdout)) == 200
    assert elapsed < 120, elapsed
