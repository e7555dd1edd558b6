"""Benchmark corpora, built from the UN seed documents in ../shared/seeds.

- dense: the seed documents repeated to a few MB (many candidate terms);
- sparse: seed paragraphs that hold no candidate keyword, repeated to about 50 MB, with
  a known sentence containing a discouraged term about once every 10,000 words;
- scaled: the seed documents repeated 1x, 4x, 16x and 64x.
"""

from __future__ import annotations

import re
from pathlib import Path

from opsc_terms import Config, get_checker

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
CACHE = Path(__file__).resolve().parent / ".cache" / "corpus"

# Sentences written for the benchmark; each holds exactly one plain use.
PLANTED = [
    "Police said the child prostitutes had been moved across the border.",
    "The suspect kept child pornography on an encrypted drive.",
    "Campaigners say child sex tourism is rising in coastal towns.",
    "Investigators warned of a wave of sextortion aimed at teenagers.",
]


def available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("*.txt"))


def seed_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def _write(name: str, text: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if not path.exists() or path.stat().st_size != len(text.encode("utf-8")):
        path.write_text(text, encoding="utf-8")
    return path


def dense(target_bytes: int = 3_000_000) -> Path:
    base = seed_text()
    copies = max(1, -(-target_bytes // len(base.encode("utf-8"))))
    return _write(f"dense-{copies}x.txt", "\n\n".join([base] * copies))


def scaled(factor: int) -> Path:
    return _write(f"scaled-{factor}x.txt", "\n\n".join([seed_text()] * factor))


def sparse(target_bytes: int = 50_000_000, words_between: int = 10_000) -> tuple[Path, int]:
    """Clean seed paragraphs to ``target_bytes`` with a planted finding every ``words_between`` words."""
    prefilter = get_checker(Config()).prefilter
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", seed_text()) if p.strip()]
    clean = [p for p in paragraphs if not prefilter.hits(p) and len(p.split()) > 5]
    out: list[str] = []
    size = words = planted = 0
    next_plant = words_between
    i = 0
    while size < target_bytes:
        paragraph = clean[i % len(clean)]
        i += 1
        out.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
        words += len(paragraph.split())
        # Plant only after a sentence has ended: the seed "paragraphs" are often PDF line
        # fragments, and a sentence dropped into the middle of someone else's quotation is
        # rightly judged part of that quotation.
        if words >= next_plant and paragraph.rstrip().endswith((".", "!", "?", ";", ":")):
            sentence = PLANTED[planted % len(PLANTED)]
            out.append(sentence)
            planted += 1
            next_plant += words_between
    return _write(f"sparse-{target_bytes // 1_000_000}mb.txt", "\n\n".join(out)), planted


def small_files() -> tuple[Path, Path]:
    """A clean and a dirty small file for command start-up times."""
    clean = ("The committee met on Tuesday to review the annual report on child protection services. "
             "Members discussed funding, staffing and the new reporting line for schools.\n")
    dirty = clean + "One speaker described the rescue of three child prostitutes last spring.\n"
    return _write("small-clean.txt", clean * 3), _write("small-findings.txt", dirty * 3)
