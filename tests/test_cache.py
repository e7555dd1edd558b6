"""What opsc-terms keeps between runs: built rules, results per block, compiled modules.

The command line is run for real, in fresh processes, since what matters is what a
second run (a pre-commit hook on unchanged files) does and does not load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import HOUSE_RULES

from opsc_terms import Config, cache
from opsc_terms.checker import Checker

DIRTY = "Police rescued three child prostitutes in the raid.\n\nViewers of child pornography were arrested.\n"


def run(*args: str, cwd: Path, cache_dir: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """A real run of the command line, and the top-level packages it imported."""
    env = {**os.environ, cache.ENV_DIR: str(cache_dir)}
    env.pop(cache.ENV_RESULTS, None)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "opsc_terms.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in proc.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    return proc, imported


def findings(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["start"], f["end"]) for f in json.loads(proc.stdout)]


def test_a_second_run_over_unchanged_files_never_loads_spacy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Report\n\n" + DIRTY, encoding="utf-8")
    store = tmp_path / "cache"
    first, first_imports = run("check", "--format", "json", "a.txt", "b.md", cwd=tmp_path, cache_dir=store)
    assert first.returncode == 1
    assert "spacy" in first_imports
    second, second_imports = run("check", "--format", "json", "a.txt", "b.md", cwd=tmp_path, cache_dir=store)
    assert "spacy" not in second_imports
    assert second.stdout == first.stdout
    assert second.returncode == 1
    # An edited file re-checks only its changed block; the unchanged ones come from the cache.
    (tmp_path / "a.txt").write_text(DIRTY + "\nA new paragraph on child sex tourism.\n", encoding="utf-8")
    third, third_imports = run("check", "--format", "json", "a.txt", cwd=tmp_path, cache_dir=store)
    assert "spacy" in third_imports
    assert [f[0] for f in findings(third)] == ["child-prostitute", "child-pornography", "child-sex-tourism"]


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    store = tmp_path / "cache"
    run("check", "--no-cache", "a.txt", cwd=tmp_path, cache_dir=store)
    assert not (store / "results.sqlite3").exists()
    run("check", "a.txt", cwd=tmp_path, cache_dir=store)
    again, imports = run("check", "--no-cache", "a.txt", cwd=tmp_path, cache_dir=store)
    assert "spacy" in imports
    assert again.returncode == 1


def test_clean_removes_the_cache(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    store = tmp_path / "cache"
    run("check", "a.txt", cwd=tmp_path, cache_dir=store)
    assert (store / "results.sqlite3").exists()
    cleaned, imports = run("clean", cwd=tmp_path, cache_dir=store)
    assert cleaned.returncode == 0
    assert "spacy" not in imports
    assert not store.exists()


def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    store = tmp_path / "cache"
    expected, _ = run("check", "--format", "json", "a.txt", cwd=tmp_path, cache_dir=store)
    for path in [store / "results.sqlite3", *store.glob("checker/*.pickle")]:
        path.write_bytes(b"\x00not what was written\xff" * 10)
    proc, _ = run("check", "--format", "json", "a.txt", cwd=tmp_path, cache_dir=store)
    assert "internal error" not in proc.stderr
    assert proc.stdout == expected.stdout
    again, imports = run("check", "--format", "json", "a.txt", cwd=tmp_path, cache_dir=store)
    assert again.stdout == expected.stdout
    assert "spacy" not in imports  # rebuilt, and used again


def test_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    names = []
    for i in range(3):
        name = f"doc{i}.txt"
        (tmp_path / name).write_text(f"Report {i}: police rescued {i} child prostitutes.\n", encoding="utf-8")
        names.append(name)
    env = {**os.environ, cache.ENV_DIR: str(store)}
    procs = [subprocess.Popen([sys.executable, "-m", "opsc_terms.cli", "check", "--format", "json", name], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in names]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 1 for p in procs), [err for _, err in outputs]
    _, imports = run("check", "--format", "json", "--jobs", "2", *names, cwd=tmp_path, cache_dir=store)
    assert "spacy" not in imports


def test_a_checker_is_built_once_from_the_same_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules = tmp_path / "house.toml"
    rules.write_text(HOUSE_RULES, encoding="utf-8")
    config = Config(extend_rules=(rules,))
    first = Checker(config)
    assert list((Path(os.environ[cache.ENV_DIR]) / "checker").glob("*.pickle"))
    second = Checker(config)
    assert second.pack == first.pack
    assert second.prefilter.forms == first.prefilter.forms
    # A changed rule file is a different key: the change is seen at once.
    rules.write_text(HOUSE_RULES.replace("juvenile delinquent", "juvenile hooligan"), encoding="utf-8")
    assert "hooligan" in Checker(config).prefilter.forms


def test_bytecode_goes_to_the_cache_when_the_package_folder_is_read_only(tmp_path: Path) -> None:
    package = tmp_path / "site" / "readonly_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from opsc_terms.cache import ensure_bytecode; "
              "ensure_bytecode('readonly_pkg'); import readonly_pkg; print(sys.pycache_prefix)")
    package.chmod(0o555)
    try:
        env = {**os.environ, cache.ENV_DIR: str(tmp_path / "cache")}
        if os.geteuid() == 0:
            pytest.skip("a read-only folder is writable for root")
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "site")], env=env, capture_output=True,
                             text=True, timeout=60, check=True).stdout.strip()
    finally:
        package.chmod(0o755)
    assert out == str(tmp_path / "cache" / "pycache")
    assert list((tmp_path / "cache" / "pycache").rglob("*.pyc"))
