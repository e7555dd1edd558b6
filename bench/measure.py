"""One measurement in a fresh process; prints a JSON object on stdout.

    python bench/measure.py engine FILE      opsc-terms engine (Checker.check), in-process
    python bench/measure.py regex FILE       a bare alternation of the same term list
    python bench/measure.py regex-trie FILE  the same terms as one trie-shaped expression

Times exclude reading the file and, for the engine, the one-time loading of spaCy (it is
reported separately as "setup_seconds"). Peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from pathlib import Path


def peak_rss_kb() -> int:
    """Peak resident memory of this process. ru_maxrss survives exec on Linux, so a process
    started from a big parent would report the parent's peak; VmHWM belongs to this image."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def term_list() -> list[str]:
    from opsc_terms import Config, get_checker

    return sorted({t for rule in get_checker(Config()).rules for t in rule.terms})


def main() -> None:
    tool, path = sys.argv[1], Path(sys.argv[2])
    text = path.read_text(encoding="utf-8")
    setup = 0.0
    if tool == "engine":
        import opsc_terms

        start = time.perf_counter()
        checker = opsc_terms.get_checker(opsc_terms.Config())
        checker.check("warm-up: child prostitutes, and a sentence about grooming a child.")
        setup = time.perf_counter() - start
        start = time.perf_counter()
        findings = checker.check(text)
        seconds = time.perf_counter() - start
        count = len(findings)
        hard = sum(1 for f in findings if f.severity != "info")
    elif tool in ("regex", "regex-trie"):
        from opsc_terms.prefilter import trie_pattern

        terms = [re.sub(r"[\s\-]+", " ", t.lower()) for t in term_list()]
        if tool == "regex":
            body = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        else:
            body = trie_pattern(terms)
        pattern = re.compile(rf"\b(?:{body})\b", re.IGNORECASE)
        start = time.perf_counter()
        count = hard = len(pattern.findall(text))
        seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown tool {tool}")
    peak_kb = peak_rss_kb()
    print(json.dumps({
        "tool": tool, "file": path.name, "bytes": len(text.encode("utf-8")), "words": len(text.split()),
        "seconds": seconds, "setup_seconds": setup, "findings": count, "reported": hard,
        "peak_rss_mb": peak_kb / 1024,
    }))


if __name__ == "__main__":
    main()
