#!/usr/bin/env python3
"""Apply ``--fix`` to real documents and show that it leaves quotations alone and reads right.

    python scripts/check_fixes.py [--unsafe] [FILE_OR_JSONL ...]

Without arguments it reads the seed documents and the labelled passages beside the
repository (``../shared/seeds/*.txt`` and ``../shared/eval/*.jsonl``), when they are
there. For every document it applies the fixes exactly as ``opsc-terms check --fix``
does and reports:

- each edit that falls inside quotation marks (found here by a plain scan for paired
  marks, not by the checker's own logic);
- each broken phrase the fixed text gains (a replacement glued into a compound, material
  named twice, a verb that lost its agreement, a possessive that no longer reads).

It prints one line per problem and a summary, and exits with status 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import opsc_terms
from opsc_terms.findings import chosen_edits
from opsc_terms.lint import lint_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# Marks that pair up within a paragraph. Straight quotes pair in order; a "’" after a
# letter and before a letter is an apostrophe, not a mark.
_PAIRS = [
    re.compile(r"“[^”\n]*(?:\n(?!\s*\n)[^”\n]*)*”"),
    re.compile(r"«[^»]*»"),
    re.compile(r"‘[^’]*(?:’(?=\w)[^’]*)*’(?!\w)"),
    re.compile(r'"[^"\n]*(?:\n(?!\s*\n)[^"\n]*)*"'),
]
# Phrases a correct fix never creates.
BROKEN = [
    re.compile(p) for p in (
        r"material-\w", r"material (?:videos?|images?|pictures?|photos?|ring|rings)\b(?<!material ring)",
        r"(?:images?|videos?|pictures?|photos?|footage) of child sexual (?:abuse|exploitation) material",
        r"\b(?:was|were|is|are) (?:was|were|is|are)\b", r"prostitution'(?:s)?\s", r"children'\s",
        r"\ba sexual abuse\b", r"sexually abused\.$",
    )
]


def quotation_spans(text: str) -> list[tuple[int, int]]:
    return sorted(m.span() for pattern in _PAIRS for m in pattern.finditer(text))


def documents(arguments: list[str]) -> list[tuple[str, str]]:
    paths = [Path(a) for a in arguments] or [*sorted((SHARED / "seeds").glob("*.txt")),
                                             *sorted((SHARED / "eval").glob("*.jsonl"))]
    out: list[tuple[str, str]] = []
    for path in paths:
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    out.append((f"{path.name}:{row['id']}", row["text"]))
        elif path.exists():
            out.append((path.name, path.read_text(encoding="utf-8")))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--unsafe", action="store_true", help="apply the unsafe fixes too")
    args = parser.parse_args()
    docs = documents(args.paths)
    if not docs:
        print("no documents: give files, or keep ../shared beside the repository", file=sys.stderr)
        return 0
    problems = edits_total = 0
    for name, text in docs:
        findings = lint_document(text, "text").findings
        chosen = chosen_edits(findings, unsafe=args.unsafe)
        edits_total += sum(len(edits) for _, edits in chosen)
        quotes = quotation_spans(text)
        for finding, edits in chosen:
            for e in edits:
                inside = [q for q in quotes if q[0] < e.start and e.end < q[1]]
                if inside:
                    problems += 1
                    q = inside[0]
                    print(f"{name}: edit inside quotation marks: {text[q[0]:q[1]][:120]!r} ({finding.rule})")
        fixed = opsc_terms.fix(text, findings, unsafe=args.unsafe)
        for pattern in BROKEN:
            before = len(pattern.findall(text))
            for m in list(pattern.finditer(fixed))[before:]:
                problems += 1
                print(f"{name}: broken phrase after fixing: {fixed[max(0, m.start() - 40):m.end() + 40]!r}")
    print(f"{len(docs)} documents, {edits_total} edits applied{' (safe and unsafe)' if args.unsafe else ''}, "
          f"{problems} problem{'s' if problems != 1 else ''}.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
