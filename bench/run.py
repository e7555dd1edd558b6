"""Run the benchmark suite and write docs/benchmarks.md and docs/benchmark-throughput.png.

    .venv/bin/python bench/run.py            # everything (about 10-15 minutes)
    .venv/bin/python bench/run.py --quick    # smaller corpora and fewer repeats, for a smoke test

The corpora are built from the UN seed documents in ../shared/seeds; without them the
suite says so and stops. Every measurement runs in a fresh process, repeated, and the
median is reported, because shared machines are noisy. alex and proselint are installed
into bench/.cache on first use and skipped, with the reason, when that is not possible.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import tools  # noqa: E402

PYTHON = sys.executable
RESULTS = HERE / ".cache" / "results.json"


def run_json(args: list[str], timeout: float = 1800) -> dict[str, Any]:
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(tool: str, path: Path, repeats: int) -> dict[str, Any]:
    runs = [run_json([PYTHON, str(HERE / "measure.py"), tool, str(path)]) for _ in range(repeats)]
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["seconds_all"] = [r["seconds"] for r in runs]
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    best["setup_seconds"] = statistics.median(r["setup_seconds"] for r in runs)
    return best


def wall(cmd: list[str], repeats: int, env: dict[str, str] | None = None, timeout: float = 900) -> dict[str, Any]:
    """Median wall time of a whole command."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times), "seconds_all": times}


def throughput(quick: bool) -> dict[str, Any]:
    repeats = 3 if quick else 5
    dense = corpus.dense(1_000_000 if quick else 3_000_000)
    sparse, planted = corpus.sparse(5_000_000 if quick else 50_000_000)
    out: dict[str, Any] = {"dense": {}, "sparse": {"planted": planted}}
    for tool in ("engine", "regex", "regex-trie"):
        out["dense"][tool] = measure(tool, dense, repeats)
        out["sparse"][tool] = measure(tool, sparse, max(1, repeats - 2))
    return out


def scaling(quick: bool) -> dict[str, Any]:
    factors = (1, 4) if quick else (1, 4, 16, 64)
    out: dict[str, Any] = {}
    for factor in factors:
        path = corpus.scaled(factor)
        out[str(factor)] = {tool: measure(tool, path, 3) for tool in ("engine", "regex", "regex-trie")}
    return out


def external(quick: bool) -> dict[str, Any]:
    """alex and proselint against the opsc-terms command on the same files (whole commands)."""
    files = [corpus.scaled(1)] + ([] if quick else [corpus.scaled(4), corpus.scaled(16)])
    opsc = str(Path(PYTHON).parent / "opsc-terms")
    out: dict[str, Any] = {"tools": {}, "files": {}}
    commands: dict[str, list[str] | None] = {"opsc-terms": [opsc, "check", "--format", "json", "--exit-zero"]}
    for name, installer in (("alex", tools.alex), ("proselint", tools.proselint)):
        cmd, note = installer()
        out["tools"][name] = note
        if cmd is not None:
            commands[name] = cmd + (["--text"] if name == "alex" else ["-o", "json", "check"])
    for path in files:
        row: dict[str, Any] = {"bytes": path.stat().st_size, "words": len(path.read_text().split())}
        for name, cmd in commands.items():
            if cmd is None:
                continue
            big = row["words"] > 500_000
            row[name] = wall([*cmd, str(path)], repeats=1 if big and name == "alex" else 3)
        out["files"][path.name] = row
    return out


def startup(quick: bool) -> dict[str, Any]:
    clean, dirty = corpus.small_files()
    opsc = str(Path(PYTHON).parent / "opsc-terms")
    repeats = 5 if quick else 15
    return {
        "clean file": wall([opsc, "check", str(clean)], repeats),
        "file with findings": wall([opsc, "check", str(dirty)], repeats),
        "python -c 'import spacy'": wall([PYTHON, "-c", "import spacy"], repeats),
    }


def accuracy() -> dict[str, Any]:
    score = ROOT.parent / "shared" / "eval" / "score.py"
    dev = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    if not score.exists():
        return {"skipped": "the shared evaluation set is not available"}
    opsc = str(Path(PYTHON).parent / "opsc-terms")
    env = dict(os.environ)
    alex_cmd, _ = tools.alex()
    if alex_cmd:
        env["PATH"] = str(Path(alex_cmd[0]).parent) + os.pathsep + env["PATH"]
    out: dict[str, Any] = {}
    for name, extra in (("opsc-terms", ["--cmd", f"{opsc} check --format json --exit-zero"]),
                        ("naive term list", ["--baseline", "naive"]), ("alex", ["--baseline", "alex"])):
        if name == "alex" and not alex_cmd:
            out[name] = "skipped: alex could not be installed"
            continue
        result = subprocess.run([PYTHON, str(score), str(dev), *extra], capture_output=True, text=True, env=env,
                                timeout=1800)
        out[name] = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
    return out


def lsp(quick: bool) -> dict[str, Any]:
    script = HERE / "lsp_latency.py"
    if not script.exists():
        return {"skipped": "the language server benchmark is not available"}
    sizes = ["10000", "100000"] if quick else ["10000", "100000", "250000"]
    return {size: run_json([PYTHON, str(script), "--words", size, "--edits", "30" if quick else "100"],
                           timeout=3600) for size in sizes}


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
    import spacy

    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "spacy": spacy.__version__,
            "date": time.strftime("%Y-%m-%d")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small corpora, few repeats")
    parser.add_argument("--only", nargs="*", help="run only these sections")
    args = parser.parse_args()
    if not corpus.available():
        print("bench: the seed documents (../shared/seeds) are not available; nothing to measure.")
        return
    sections = {"throughput": throughput, "scaling": scaling, "external": external, "startup": startup,
                "lsp": lsp, "accuracy": lambda quick: accuracy()}
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() and args.only else {}
    results["machine"] = machine()
    results["quick"] = args.quick
    for name, fn in sections.items():
        if args.only and name not in args.only:
            continue
        print(f"bench: {name} ...", flush=True)
        start = time.perf_counter()
        results[name] = fn(args.quick)
        print(f"bench: {name} done in {time.perf_counter() - start:.0f} s", flush=True)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2))
    import report

    report.write(results, ROOT / "docs")
    print("bench: wrote docs/benchmarks.md and docs/benchmark-throughput.png")


if __name__ == "__main__":
    main()
