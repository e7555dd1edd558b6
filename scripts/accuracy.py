#!/usr/bin/env python3
"""Write docs/accuracy.md from a run of the shared scorer on the labelled dev passages.

The passages and the scorer (``score.py``) live in the shared reference folder next to the
repository (``../shared/eval``), not in the repository: they are other people's words.
Without that folder the script says so and exits cleanly, writing nothing.

    python scripts/accuracy.py                 # run and write docs/accuracy.md
    python scripts/accuracy.py --eval DIR      # the folder that holds score.py and dev.jsonl
    python scripts/accuracy.py --output FILE   # write elsewhere

It scores opsc-terms (default profile, no configuration) on each language's passages, with
the language given and detected, and on the English ones the scorer's naive exact term list
and alex (the one on the PATH, or the benchmarks' own copy, which bench/tools.py installs
into bench/.cache with npm the first time).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
KINDS = ("plain-use", "title", "quoted-mention", "statutory-citation", "recommended", "near-miss")
_KIND_RE = re.compile(r"^(\S+)\s+right\s+(\d+)\s*/\s*(\d+)$")
_SUMMARY_RE = re.compile(r"recall ([\d.]+) .*false-flag ([\d.]+) .*soft over-flag ([\d.]+) \| n=(\d+)")


@dataclass
class Score:
    tool: str
    kinds: dict[str, tuple[int, int]] = field(default_factory=dict)
    recall: float = 0.0
    false_flag: float = 0.0
    soft_over: float = 0.0
    n: int = 0


def checker_command(language: str = "auto") -> str:
    """The command line that runs this checkout's opsc-terms, for the scorer to call."""
    script = Path(sys.executable).with_name("opsc-terms")
    base = [str(script)] if script.exists() else [sys.executable, "-c", "from opsc_terms.cli import main; main()"]
    return shlex.join([*base, "check", "--isolated", "--lang", language, "--format", "json", "--exit-zero"])


def run_scorer(score_py: Path, dev: Path, tool: str, args: list[str], path: str | None = None) -> Score:
    env = dict(os.environ)
    if path:
        env["PATH"] = path + os.pathsep + env.get("PATH", "")
    proc = subprocess.run([sys.executable, str(score_py), str(dev), *args], capture_output=True, text=True,
                          check=False, timeout=1200, env=env)
    score = Score(tool)
    for line in proc.stdout.splitlines():
        kind = _KIND_RE.match(line.strip())
        if kind:
            score.kinds[kind.group(1)] = (int(kind.group(2)), int(kind.group(3)))
        summary = _SUMMARY_RE.search(line)
        if summary:
            score.recall, score.false_flag, score.soft_over = (float(summary.group(i)) for i in (1, 2, 3))
            score.n = int(summary.group(4))
    if not score.n:
        raise SystemExit(f"accuracy: the scorer gave no summary for {tool}: {proc.stderr.strip()[-400:]}")
    return score


def alex_path() -> tuple[str | None, str]:
    """The folder holding an ``alex`` command: the one on PATH, or the benchmarks' own copy
    (installed into bench/.cache by bench/tools.py, with npm, the first time)."""
    found = shutil.which("alex")
    if found:
        return str(Path(found).parent), "alex (on the PATH)"
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import tools
    except ImportError:
        return None, "bench/tools.py is missing"
    command, version = tools.alex()
    if command is None:
        return None, version  # why it could not be installed
    return str(Path(command[0]).parent), version


LANGUAGES = (("en", "English", "dev.jsonl"), ("fr", "French", "dev_fr.jsonl"), ("es", "Spanish", "dev_es.jsonl"))


def _table(scores: list[Score]) -> list[str]:
    ours = scores[0]
    lines = [
        "| | " + " | ".join(s.tool for s in scores) + " |",
        "| --- | " + " | ".join("---" for _ in scores) + " |",
        "| recall (higher is better) | " + " | ".join(f"{s.recall:.3f}" for s in scores) + " |",
        "| false-flag (lower is better) | " + " | ".join(f"{s.false_flag:.3f}" for s in scores) + " |",
        "| soft over-flag (lower is better) | " + " | ".join(f"{s.soft_over:.3f}" for s in scores) + " |",
        "",
        "Passages judged right, per kind:",
        "",
        "| kind | " + " | ".join(s.tool for s in scores) + " |",
        "| --- | " + " | ".join("---" for _ in scores) + " |",
    ]
    kinds = [k for k in KINDS if k in ours.kinds] + sorted(set(ours.kinds) - set(KINDS))
    for kind in kinds:
        cells = []
        for s in scores:
            right, total = s.kinds.get(kind, (0, 0))
            cells.append(f"{right} / {total} ({right / total:.2f})" if total else "—")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def markdown(sections: list[tuple[str, list[Score]]], alex_note: str) -> str:
    lines = [
        "# Accuracy on real passages",
        "",
        "Generated by `python scripts/accuracy.py` from a run of the shared scorer (`score.py`) on the",
        "labelled dev passages in English, French and Spanish (news, NGO and UN pages, statutes, court",
        "and parliamentary records, academic abstracts, software READMEs and film reviews). Do not edit",
        "by hand: the figures come from the run.",
        "",
        "- **recall**: passages that use a discouraged term plainly and get a warning or an error;",
        "- **false-flag**: passages that must get no warning or error (titles, quoted mentions, cited",
        "  law, recommended wording, near misses) and get one anyway;",
        "- **soft over-flag**: passages where silence, an info note or a warning are all right, and an",
        "  error was given.",
        "",
        "Each language is scored with its language given (`--lang`) and with the language detected",
        "(`--lang auto`, the default). The naive term list and alex know English only.",
        "",
    ]
    for title, scores in sections:
        lines += [f"## {title} ({scores[0].n} passages)", "", *_table(scores)]
    lines += [alex_note, ""]
    lines += [
        "These passages are a sample, not the target: passages from other sources are kept aside to",
        "judge the checker. The judgement is written as categories of wording, each with its own",
        "test sentences in `tests/fixtures/context/`.",
        "",
        "## Known limits",
        "",
        "- **One sentence at a time.** Each decision reads only the sentence that holds the term. A",
        "  term that stands alone (“Child pornography?”) and is discussed in the next sentence (“The",
        "  correct term is …”) is a plain use; so is a quotation whose attribution is in another",
        "  sentence, and a tweet or speech reproduced without quotation marks.",
        "- **No parser.** Clauses, objects and antecedents are found from cue words, punctuation and",
        "  capitals, not from grammar: “called A, B or C” is a list of names, but a list that runs",
        "  into another clause without a clause word can be taken in too.",
        "- **Titles need evidence.** A film or book named without a cue word, a year, italics or",
        "  quotation marks (“I loved Child Bride”) is a use; a headline that happens to be followed",
        "  by “, a … film” is a title.",
        "- **The legal register is a cap, not a pardon.** Statutory wording, charges as pleaded and",
        "  numbered headings are warnings, because a drafter of new law must still see them.",
        "- **Clinical sense** is recognised from a few cues (“non-offending”, “who have never",
        "  offended”, “diagnosed with”); other clinical writing about paedophilia is a warning.",
        "- **Markup** counts as evidence of a work: Markdown, HTML and reStructuredText italics, link",
        "  text and Word italics. Bold never does.",
        "- **Blocks.** A heading is judged with the paragraph under it only when that paragraph opens",
        "  with a provision of a named code or act (an index or database entry); otherwise a heading",
        "  is read on its own, so a heading whose next line explains it is still a plain use.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with score.py and the dev sets")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "accuracy.md")
    parser.add_argument("--no-alex", action="store_true", help="leave alex out (no install, no run)")
    args = parser.parse_args()
    score_py = args.eval / "score.py"
    if not (score_py.is_file() and (args.eval / "dev.jsonl").is_file()):
        print(f"accuracy: no scorer and dev passages in {args.eval}; nothing written")
        return 0
    alex_dir, alex_what = (None, "left out with --no-alex") if args.no_alex else alex_path()
    sections: list[tuple[str, list[Score]]] = []
    from opsc_terms.ruleset import available_languages

    for language, name, file in LANGUAGES:
        dev = args.eval / file
        if not dev.is_file() or language not in available_languages():
            continue
        scores = [run_scorer(score_py, dev, f"opsc-terms --lang {language}", ["--cmd", checker_command(language)]),
                  run_scorer(score_py, dev, "opsc-terms --lang auto", ["--cmd", checker_command("auto")])]
        if language == "en":
            scores.append(run_scorer(score_py, dev, "naive term list", ["--baseline", "naive"]))
            if alex_dir is not None:
                scores.append(run_scorer(score_py, dev, "alex", ["--baseline", "alex"], path=alex_dir))
        sections.append((name, scores))
        ours = scores[0]
        print(f"accuracy ({language}): recall {ours.recall:.3f}, false-flag {ours.false_flag:.3f}, "
              f"soft over-flag {ours.soft_over:.3f}")
    alex_note = (f"alex: {alex_what}." if alex_dir is not None
                 else f"alex could not be run here ({alex_what}), so it has no column.")
    args.output.write_text(markdown(sections, alex_note), encoding="utf-8")
    print(f"accuracy: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
