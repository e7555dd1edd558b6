"""Run the benchmark suite and write docs/benchmarks.md with its charts.

    .venv/bin/python bench/run.py                 # everything (about 15-20 minutes)
    .venv/bin/python bench/run.py --quick         # smaller corpora and fewer repeats, for a smoke test
    .venv/bin/python bench/run.py --only lsp paste   # some sections, keeping the other results

The corpora are built from the UN seed documents in ../shared/seeds; without them the
suite says so and stops. Every measurement runs in a fresh process, repeated, and the
median is reported; alex and proselint run in the same session, on the same files, so
the ratios hold even on a busy machine. The load average is recorded before and after
each section, with a fixed calibration workload, so a reader can tell a slow machine
from a slow program. alex and proselint are installed into bench/.cache on first use and
skipped, with the reason, when that is not possible.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import tools  # noqa: E402

PYTHON = sys.executable
OPSC = str(Path(PYTHON).parent / "opsc-terms")
RESULTS = HERE / ".cache" / "results.json"
CACHES = HERE / ".cache" / "opsc-cache"
LARGE = "200MB"  # above the default input limit (10MB), for the memory and long-line files


# --------------------------------------------------------------------------- measuring


def run_command(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 1800,
                before: Callable[[], None] | None = None) -> dict[str, Any]:
    """Wall time and peak memory of one command, started by ``bench/peak.py`` (see there
    why the runner does not start it itself)."""
    if before is not None:
        before()
    try:
        out = subprocess.run([PYTHON, str(HERE / "peak.py"), *cmd], capture_output=True, text=True, env=env,
                             timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "peak_mb": float("nan"), "status": -1.0}
    result: dict[str, Any] = json.loads(out.stdout)
    if result["status"] not in (0, 1):  # 1: findings (alex and proselint say so too); else it failed
        raise RuntimeError(f"{' '.join(cmd)} exited with status {result['status']:.0f}")
    return result


def repeated(cmd: list[str], repeats: int, **kwargs: Any) -> dict[str, Any]:
    runs = [run_command(cmd, **kwargs) for _ in range(repeats)]
    return {"seconds": statistics.median(r["seconds"] for r in runs), "seconds_all": [r["seconds"] for r in runs],
            "peak_mb": max(r["peak_mb"] for r in runs)}


def run_json(args: list[str], timeout: float = 1800, env: dict[str, str] | None = None,
             before: Callable[[], None] | None = None) -> dict[str, Any]:
    if before is not None:
        before()
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def opsc_env(name: str, *, results: bool = False) -> dict[str, str]:
    """The environment of an opsc-terms run with a cache folder of its own."""
    env = dict(os.environ)
    env["OPSC_TERMS_CACHE_DIR"] = str(CACHES / name)
    env.pop("OPSC_TERMS_RESULT_CACHE", None)
    return env


def fresh(name: str) -> Callable[[], None]:
    return lambda: shutil.rmtree(CACHES / name, ignore_errors=True)


def competitors() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Commands for alex and proselint (those that could be installed), and their versions."""
    commands: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    for name, installer, extra in (("alex", tools.alex, ["--text"]), ("proselint", tools.proselint, ["check"])):
        cmd, note = installer()
        notes[name] = note
        if cmd is not None:
            commands[name] = cmd + extra
    return commands, notes


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def calibrate() -> float:
    """Seconds a fixed pure-Python workload takes now: the machine's speed at that moment."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    return time.perf_counter() - start


# --------------------------------------------------------------------------- sections


def lsp(quick: bool) -> dict[str, Any]:
    """Edit-to-diagnostics latency against document size (push), and pull at the largest size."""
    script = HERE / "lsp_latency.py"
    sizes = [10_000, 100_000, 250_000] if quick else [10_000, 50_000, 100_000, 250_000, 500_000]
    edits = "40" if quick else "100"
    push = {str(n): run_json([PYTHON, str(script), "--words", str(n), "--edits", edits], timeout=3600)
            for n in sizes}
    pull = run_json([PYTHON, str(script), "--words", "250000", "--edits", edits, "--pull"], timeout=3600)
    return {"push": push, "pull": {"250000": pull}}


def whole_commands(path: Path, repeats: int) -> dict[str, Any]:
    """opsc-terms as a new user meets it (first run ever, then a new text, then the same
    file again) next to alex and proselint, all on the same file."""
    commands, notes = competitors()
    out: dict[str, Any] = {"file": path.name, "words": len(path.read_text(encoding="utf-8").split()),
                           "tools": notes, "runs": {}}
    check = [OPSC, "check", "--exit-zero"]
    out["runs"]["opsc-terms, first run"] = repeated(
        [*check, "--no-cache", str(path)], repeats, env=opsc_env("first"), before=fresh("first"))
    run_command([*check, "--no-cache", str(path)], env=opsc_env("built"))  # builds the rules once
    out["runs"]["opsc-terms, new text"] = repeated([*check, "--no-cache", str(path)], repeats, env=opsc_env("built"))
    run_command([*check, str(path)], env=opsc_env("results"))  # fills the result cache
    out["runs"]["opsc-terms, same file again"] = repeated([*check, str(path)], repeats, env=opsc_env("results"))
    for name, cmd in commands.items():
        out["runs"][name] = repeated([*cmd, str(path)], repeats)
    return out


def paste(quick: bool) -> dict[str, Any]:
    return whole_commands(corpus.paste(), 5 if quick else 11)


def report(quick: bool) -> dict[str, Any]:
    return whole_commands(corpus.report(), 3 if quick else 7)


def memory(quick: bool) -> dict[str, Any]:
    """Peak memory and time of the whole command against file size."""
    cmd = [OPSC, "check", "--no-cache", "--format", "concise", "--exit-zero", "--max-file-size", LARGE]
    files: list[tuple[str, Path, int | None]] = []
    for words in ([200_000, 1_000_000] if quick else [500_000, 1_000_000, 2_000_000, 5_000_000]):
        files.append((f"{words // 1000}k words", corpus.varied(words), None))
    sparse, planted = corpus.sparse(1_000_000 if quick else 5_000_000)
    files.append((f"{'1M' if quick else '5M'} words, {planted} findings", sparse, planted))
    if not quick:
        files.append(("100 MB", corpus.varied(15_000_000), None))
    out: dict[str, Any] = {}
    for label, path, planted_count in files:
        result = run_command([*cmd, str(path)], env=opsc_env("memory"), before=fresh("memory"))
        result.update(bytes=path.stat().st_size, words=len(path.read_text(encoding="utf-8").split()),
                      planted=planted_count)
        out[label] = result
    return out


def one_line(quick: bool) -> dict[str, Any]:
    """A file that is one long line, in every output format."""
    path = corpus.one_line(10 if quick else 50)
    out: dict[str, Any] = {"bytes": path.stat().st_size}
    for fmt in ("text", "concise", "json", "sarif", "github"):
        out[fmt] = run_command([OPSC, "check", "--no-cache", "--exit-zero", "--max-file-size", LARGE,
                                "--format", fmt, str(path)],
                               env=opsc_env("oneline"), timeout=900)
    return out


def startup(quick: bool) -> dict[str, Any]:
    clean, dirty = corpus.small_files()
    repeats = 5 if quick else 11
    env = opsc_env("startup")
    run_command([OPSC, "check", str(clean)], env=env)
    return {
        "clean file": repeated([OPSC, "check", str(clean)], repeats, env=env),
        "file with findings (new text)": repeated([OPSC, "check", "--no-cache", str(dirty)], repeats, env=env),
        "python -c 'import spacy'": repeated([PYTHON, "-c", "import spacy"], repeats),
    }


def throughput(quick: bool) -> dict[str, Any]:
    """The engine in-process against a bare regular expression of the same terms."""
    repeats = 3 if quick else 5
    dense = corpus.varied(200_000 if quick else 500_000)
    sparse, planted = corpus.sparse(1_000_000 if quick else 5_000_000)
    out: dict[str, Any] = {"dense": {}, "sparse": {"planted": planted}}
    for tool in ("engine", "regex", "regex-trie"):
        out["dense"][tool] = measure(tool, dense, repeats)
        out["sparse"][tool] = measure(tool, sparse, max(1, repeats - 2))
    return out


def languages(quick: bool) -> dict[str, Any]:
    """What checking in several languages costs: detecting the language of an English
    report against checking it, and each language's set-up from a bare interpreter (the
    first run ever, then with its rules cached)."""
    repeats = 3 if quick else 7
    runs = [run_json([PYTHON, str(HERE / "measure.py"), "detect", str(corpus.report())]) for _ in range(repeats)]
    detection = dict(runs[0])
    for key in ("check_seconds", "detect_seconds", "share"):
        detection[key] = statistics.median(r[key] for r in runs)
    setup: dict[str, Any] = {}
    for language in ("en", "fr", "es"):
        name = f"setup-{language}"
        first = [run_json([PYTHON, str(HERE / "measure.py"), "setup", language], env=opsc_env(name),
                          before=fresh(name)) for _ in range(repeats)]
        cached = [run_json([PYTHON, str(HERE / "measure.py"), "setup", language], env=opsc_env(name))
                  for _ in range(repeats)]
        setup[language] = {"first run": statistics.median(r["seconds"] for r in first),
                           "rules cached": statistics.median(r["seconds"] for r in cached),
                           "peak_rss_mb": max(r["peak_rss_mb"] for r in cached)}
    return {"detection": detection, "setup": setup}


def measure(tool: str, path: Path, repeats: int) -> dict[str, Any]:
    runs = [run_json([PYTHON, str(HERE / "measure.py"), tool, str(path)]) for _ in range(repeats)]
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    best["setup_seconds"] = statistics.median(r["setup_seconds"] for r in runs)
    return best


def accuracy(quick: bool) -> dict[str, Any]:
    score = ROOT.parent / "shared" / "eval" / "score.py"
    dev = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    if not score.exists():
        return {"skipped": "the shared evaluation set is not available"}
    env = dict(os.environ)
    alex_cmd, _ = tools.alex()
    if alex_cmd:
        env["PATH"] = str(Path(alex_cmd[0]).parent) + os.pathsep + env["PATH"]
    out: dict[str, Any] = {}
    for name, extra in (("opsc-terms", ["--cmd", f"{OPSC} check --format json --exit-zero"]),
                        ("naive term list", ["--baseline", "naive"]), ("alex", ["--baseline", "alex"])):
        if name == "alex" and not alex_cmd:
            out[name] = "skipped: alex could not be installed"
            continue
        result = subprocess.run([PYTHON, str(score), str(dev), *extra], capture_output=True, text=True, env=env,
                                timeout=1800)
        out[name] = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
    return out


def tests(quick: bool) -> dict[str, Any]:
    """The Python test suite's wall time, run as ``scripts/steps/30-pytest.sh`` runs it (on every
    core); ``./scripts/test`` adds linting, the wheel and the editor tests."""
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto"], cwd=ROOT,
                          capture_output=True, text=True, timeout=3600)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    return {"seconds": time.perf_counter() - start, "summary": summary, "status": proc.returncode}


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = subprocess.run([PYTHON, "-c", "import spacy, opsc_terms; print(spacy.__version__, "
                               "opsc_terms.__version__)"], capture_output=True, text=True).stdout.split()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "spacy": versions[0] if versions else "?",
            "opsc-terms": versions[1] if len(versions) > 1 else "?", "date": time.strftime("%Y-%m-%d %H:%M")}


SECTIONS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "lsp": lsp, "paste": paste, "report": report, "memory": memory, "oneline": one_line, "startup": startup,
    "throughput": throughput, "languages": languages, "accuracy": accuracy, "tests": tests,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small corpora, few repeats")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run only these sections")
    args = parser.parse_args()
    if not corpus.available():
        print("bench: the seed documents (../shared/seeds) are not available; nothing to measure.")
        return
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() and args.only else {}
    results["machine"] = machine()
    results["quick"] = args.quick
    conditions = results.setdefault("conditions", {})
    for name, fn in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(f"bench: {name} ...", flush=True)
        before = {"load": load(), "calibration_s": calibrate()}
        start = time.perf_counter()
        results[name] = fn(args.quick)
        elapsed = time.perf_counter() - start
        conditions[name] = {"before": before, "after": {"load": load(), "calibration_s": calibrate()},
                            "seconds": elapsed, "quick": args.quick}
        print(f"bench: {name} done in {elapsed:.0f} s (load {before['load']} -> {conditions[name]['after']['load']})",
              flush=True)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2))
    if not tools.charts_available():
        print("bench: matplotlib could not be installed; the report has no charts")
    import report as report_module

    report_module.write(results, ROOT / "docs")
    print("bench: wrote docs/benchmarks.md and its charts")


if __name__ == "__main__":
    main()
