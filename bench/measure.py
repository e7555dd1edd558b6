"""One measurement in a fresh process; prints a JSON object on stdout.

    python bench/measure.py engine FILE      opsc-terms engine (Checker.check), in-process
    python bench/measure.py regex FILE       a bare alternation of the same term list
    python bench/measure.py regex-trie FILE  the same terms as one trie-shaped expression
    python bench/measure.py detect FILE      language detection against the check it precedes
    python bench/measure.py setup LANGUAGE   import, rules and pipeline of one language, to a first finding

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


# A sentence with a finding in each shipped language, for the first check of a pipeline.
WARM_UP = {
    "en": "Police rescued three child prostitutes.",
    "fr": "La police a trouvé de la pornographie enfantine.",
    "es": "La policía encontró pornografía infantil.",
}


def setup(language: str) -> None:
    """Seconds from a bare interpreter to the first finding in ``language``: importing
    opsc-terms, building (or reading from the cache) its rules, and spaCy's pipeline."""
    start = time.perf_counter()
    import opsc_terms

    checker = opsc_terms.get_checker(opsc_terms.Config(language=language))
    findings = checker.check(WARM_UP[language])
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": "setup", "language": language, "seconds": seconds, "findings": len(findings),
                      "peak_rss_mb": peak_rss_kb() / 1024}))


def detection(path: Path) -> None:
    """Language detection ("auto") against the check of the same English text that it
    precedes: the share it adds to a check with findings."""
    from opsc_terms import Checker, Config, detect, documents
    from opsc_terms.lint import lint_document

    text = path.read_text(encoding="utf-8")
    checker = Checker(Config(language="en"))
    checker.check(WARM_UP["en"])  # loads spaCy: not part of either figure
    start = time.perf_counter()
    linted = lint_document(text, "text", checker=checker)
    check_seconds = time.perf_counter() - start
    prose = documents.read(text, "text")
    start = time.perf_counter()
    language, parts = detect.paragraphs(prose.text, prose.regions)
    detect_seconds = time.perf_counter() - start
    print(json.dumps({"tool": "detect", "file": path.name, "words": len(text.split()), "language": language,
                      "parts": len(parts), "check_seconds": check_seconds, "detect_seconds": detect_seconds,
                      "share": detect_seconds / check_seconds, "findings": len(linted.findings)}))


def main() -> None:
    tool = sys.argv[1]
    if tool == "setup":
        setup(sys.argv[2])
        return
    path = Path(sys.argv[2])
    if tool == "detect":
        detection(path)
        return
    text = path.read_text(encoding="utf-8")
    setup_seconds = 0.0
    if tool == "engine":
        import opsc_terms

        start = time.perf_counter()
        checker = opsc_terms.get_checker(opsc_terms.Config())
        checker.check("warm-up: child prostitutes, and a sentence about grooming a child.")
        setup_seconds = time.perf_counter() - start
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
        "seconds": seconds, "setup_seconds": setup_seconds, "findings": count, "reported": hard,
        "peak_rss_mb": peak_kb / 1024,
    }))


if __name__ == "__main__":
    main()
