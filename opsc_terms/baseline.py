"""Baselines: record the findings a corpus has today, report only new ones afterwards.

A finding is recorded by its file (relative to the baseline file), rule, reported text and
the words around it (up to three on each side, within the paragraph), never by its line
or column: edits elsewhere in the file, re-wrapped lines and changed capitals leave it
recognised; rewording the sentence around it makes it new. Identical keys are counted,
so adding a second identical sentence to a file reports the second one.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding

FORMAT_VERSION = 1
_WORD_RE = re.compile(r"\w+")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r]*\n")
_CONTEXT_WORDS = 3
_CONTEXT_CHARS = 120
_MAX_COUNT = 1_000_000_000  # identical findings in one file; more is a damaged file


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


@dataclass(frozen=True, order=True)
class Key:
    path: str
    rule: str
    text: str
    context: str


def context_of(text: str, start: int, end: int) -> str:
    """The words around ``text[start:end]`` within its paragraph, lower case: ``before … | … after``."""
    before = text[max(0, start - _CONTEXT_CHARS):start]
    after = text[end:end + _CONTEXT_CHARS]
    before = _PARAGRAPH_BREAK_RE.split(before)[-1]
    after = _PARAGRAPH_BREAK_RE.split(after)[0]
    words_before = _WORD_RE.findall(before.lower())[-_CONTEXT_WORDS:]
    words_after = _WORD_RE.findall(after.lower())[:_CONTEXT_WORDS]
    return " ".join(words_before) + " | " + " ".join(words_after)


def key_for(f: Finding, context: str, root: Path) -> Key:
    return Key(relative(f.path or "-", root), f.rule, " ".join(f.text.lower().split()), context)


def by_path(counts: Counter[Key]) -> dict[str, dict[Key, int]]:
    """The recorded keys grouped by the file they belong to."""
    grouped: dict[str, dict[Key, int]] = {}
    for key, n in counts.items():
        grouped.setdefault(key.path, {})[key] = n
    return grouped


def relative(path: str, root: Path) -> str:
    if path == "-":
        return path
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def load(path: Path) -> Counter[Key]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc})") from None
    try:
        data = json.loads(raw)
    except RecursionError:
        # json parses nested arrays and objects recursively: thousands of "[" exhaust the stack.
        raise BaselineError(f"{path}: not an opsc-terms baseline (values nested too deeply)") from None
    except ValueError as exc:
        # Python refuses to convert integers of more than 4300 digits (a ValueError too).
        reason = "a number with too many digits" if "integer string conversion" in str(exc) else str(exc)
        raise BaselineError(f"{path}: not an opsc-terms baseline ({_shorten(reason)})") from None
    try:
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported version {_shorten(repr(data.get('version')))}")
        entries = data["findings"]
        if not isinstance(entries, list):
            raise ValueError("'findings' is not a list")
        counts: Counter[Key] = Counter()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise ValueError(f"findings[{index}] is not an object")
            fields = [entry[name] for name in ("path", "rule", "text", "context")]
            if not all(isinstance(value, str) for value in fields):
                raise ValueError(f"findings[{index}]: path, rule, text and context must be strings")
            count = entry.get("count", 1)
            # bool is an int to Python; a float may be inf or 1e308, which is no count at all.
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= _MAX_COUNT:
                raise ValueError(f"findings[{index}]: count must be a whole number from 1 to {_MAX_COUNT}")
            counts[Key(*fields)] += count
    except (ValueError, KeyError) as exc:
        raise BaselineError(f"{path}: not an opsc-terms baseline ({_shorten(str(exc))})") from None
    return counts


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def dumps(keys: Iterable[Key]) -> str:
    counts = Counter(keys)
    entries = [{"path": k.path, "rule": k.rule, "text": k.text, "context": k.context, "count": n}
               for k, n in sorted(counts.items())]
    return json.dumps({"version": FORMAT_VERSION, "tool": "opsc-terms", "findings": entries},
                      ensure_ascii=False, indent=2) + "\n"
