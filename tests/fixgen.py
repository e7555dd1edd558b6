"""Documents for the fix properties: words, discouraged terms, quotations in every quote
style and Markdown markup, with a record of where each quotation and piece of markup lies,
so a test knows which bytes must survive independently of the checker."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TERMS = [
    "child prostitutes", "Child Pornography", "CHILD PORN", "an underage prostitute", "child sex tourism",
    "child pornography ring", "images of child pornography", "child-porn videos", "paedophile's",
    "sextortion", "child prostitutes'", "child-porn-sharing", "child sex scandal", "kiddie porn",
    "had sex with a 14-year-old", "historic abuse", "child sex tourists",
]
WORDS = ["police", "found", "the", "a", "report", "said", "in", "and", "of", "town", "yesterday", "were", "many"]
# Straight single quotes are left out: "'child prostitutes' …'" is ambiguous to any reader.
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("«", "»")]
MARKUP = [("**", "**"), ("*", "*"), ("_", "_"), ("`", "`"), ("[", "](https://example.org/x)")]


@dataclass
class Document:
    text: str = ""
    protected: list[tuple[int, int]] = field(default_factory=list)  # bytes no safe fix may touch

    def add(self, piece: str) -> None:
        if self.text and not self.text.endswith((" ", "\n")) and not piece.startswith((" ", ",", ".", "\n")):
            self.text += " "
        self.text += piece


def _phrase(rng: random.Random) -> list[str]:
    return [rng.choice(WORDS + TERMS) for _ in range(rng.randint(1, 6))]


def make_document(rng: random.Random, markup: bool) -> Document:
    """A document of words, terms, quotations and (with ``markup``) Markdown markup."""
    doc = Document()
    for _ in range(rng.randint(1, 8)):
        kind = rng.choice(["plain", "quote", "markup", "break"] if markup else ["plain", "quote", "break"])
        if kind == "plain":
            for word in _phrase(rng):
                doc.add(word)
        elif kind == "break":
            doc.add(rng.choice([".", ",", ". ", ".\n\n", ".\n"]))
        else:
            opening, closing = rng.choice(QUOTES if kind == "quote" else MARKUP)
            doc.add("")
            start = len(doc.text) + (1 if doc.text and not doc.text.endswith((" ", "\n")) else 0)
            doc.add(opening + " ".join(_phrase(rng)) + closing)
            if kind == "quote" or opening == "`":  # a quotation, or code: every byte stays
                doc.protected.append((start, len(doc.text)))
            else:  # emphasis or a link: the markup stays
                doc.protected.append((start, start + len(opening)))
                doc.protected.append((len(doc.text) - len(closing), len(doc.text)))
    doc.add(".")
    return doc
