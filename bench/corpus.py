"""Benchmark corpora, built from the UN seed documents in ../shared/seeds.

Real documents do not repeat themselves, and a checker that caches per block would make
a corpus of repeated copies look faster than any real text. So large corpora are made of
the seed paragraphs, each copy of each paragraph led by a different three-word tag drawn
from the seeds' own vocabulary: every block is new to the checker, the vocabulary stays
that of the seeds, and the findings are those of the seeds, once per copy.

- ``paste``: a journalist's paste, about 300 words with one plain use;
- ``report``: a report of about 10,000 words, with the seeds' own findings;
- ``varied(words)``: seed text of about ``words`` words, every paragraph unique;
- ``sparse(words)``: seed paragraphs without a candidate word, with a planted sentence
  every ``words_between`` words (about 500 in 5 million words);
- ``one_line(mb)``: the varied text on one line;
- ``bill(words)``: a long Markdown document for the language server.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

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


@cache
def seed_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


@cache
def _paragraphs() -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", seed_text()) if p.strip()]


@cache
def _tags() -> list[str]:
    return sorted(set(re.findall(r"\b[a-z]{5,9}\b", seed_text())))[:400]


def _write(name: str, text: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if not path.exists() or path.stat().st_size != len(text.encode("utf-8")):
        path.write_text(text, encoding="utf-8")
    return path


def _varied_text(words: int) -> str:
    paragraphs, tags = _paragraphs(), _tags()
    out: list[str] = []
    count = copy = 0
    while count < words:
        for i, paragraph in enumerate(paragraphs):
            tag = f"{tags[copy % len(tags)].capitalize()} {tags[i % len(tags)]} {tags[(copy * 31 + i) % len(tags)]}: "
            out.append(tag + paragraph)
            count += len(paragraph.split()) + 3
            if count >= words:
                break
        copy += 1
    return "\n\n".join(out) + "\n"


def varied(words: int) -> Path:
    """Seed text of about ``words`` words in which no paragraph repeats."""
    return _write(f"varied-{words // 1000}k.txt", _varied_text(words))


def one_line(megabytes: int) -> Path:
    """Varied seed text of about ``megabytes`` MB on a single line."""
    target = megabytes * 1_000_000
    text = " ".join(_varied_text(target // 6).split())
    while len(text.encode("utf-8")) < target:
        text += " " + text[: target - len(text)]
    return _write(f"oneline-{megabytes}mb.txt", text[:target] + "\n")


def sparse(words: int, words_between: int = 10_000) -> tuple[Path, int]:
    """Clean seed paragraphs to about ``words`` words with a planted finding every ``words_between`` words."""
    from opsc_terms import Config, get_checker

    prefilter = get_checker(Config()).prefilter
    tags = _tags()
    clean = [p for p in _paragraphs() if not prefilter.hits(p) and len(p.split()) > 5]
    out: list[str] = []
    count = planted = 0
    next_plant = words_between
    i = 0
    while count < words:
        paragraph = f"{tags[(i // len(clean)) % len(tags)].capitalize()} {tags[i % len(tags)]}: {clean[i % len(clean)]}"
        i += 1
        out.append(paragraph)
        count += len(paragraph.split())
        # Plant only after a sentence has ended: the seed "paragraphs" are often PDF line
        # fragments, and a sentence dropped into the middle of someone else's quotation is
        # rightly judged part of that quotation.
        if count >= next_plant and paragraph.rstrip().endswith((".", "!", "?", ";", ":")):
            out.append(PLANTED[planted % len(PLANTED)])
            planted += 1
            next_plant += words_between
    return _write(f"sparse-{words // 1000}k.txt", "\n\n".join(out) + "\n"), planted


def paste() -> Path:
    """About 300 words of seed text and one plain use: what a journalist would paste."""
    words = seed_text().split()
    return _write("paste-300.txt", " ".join(words[5000:5290]) + "\n" + PLANTED[0] + "\n")


def report() -> Path:
    """About 10,000 words of one seed document's paragraphs, in order."""
    out: list[str] = []
    count = 0
    for paragraph in _paragraphs()[400:]:
        out.append(paragraph)
        count += len(paragraph.split())
        if count >= 10_000:
            break
    return _write("report-10k.txt", "\n\n".join(out) + "\n")


def small_files() -> tuple[Path, Path]:
    """A clean and a dirty small file for command start-up times."""
    clean = ("The committee met on Tuesday to review the annual report on child protection services. "
             "Members discussed funding, staffing and the new reporting line for schools.\n")
    dirty = clean + "One speaker described the rescue of three child prostitutes last spring.\n"
    return _write("small-clean.txt", clean * 3), _write("small-findings.txt", dirty * 3)


def bill(words: int) -> str:
    """A Markdown document of about ``words`` words: seed paragraphs on single lines.

    The first copy of the seeds is as it is; later copies are tagged like :func:`varied`,
    so a long document is not one text repeated.
    """
    paragraphs, tags = [" ".join(p.split()) for p in _paragraphs() if len(p.split()) > 8], _tags()
    out: list[str] = []
    count = i = 0
    while count < words:
        paragraph = paragraphs[i % len(paragraphs)]
        copy = i // len(paragraphs)
        if copy:
            paragraph = f"{tags[copy % len(tags)].capitalize()} {tags[i % len(tags)]}: {paragraph}"
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out) + "\n"
