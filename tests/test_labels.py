"""Every text a finding or an explanation shows exists in English, and a language's pack
gives its own texts for the same keys, with the same fields to fill in."""

from __future__ import annotations

import re

import pytest

from opsc_terms.labels import LABELS
from opsc_terms.ruleset import available_languages, load_builtin

_FIELD_RE = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", available_languages())
def test_translated_texts_use_known_keys_and_the_same_fields(language: str) -> None:
    labels = load_builtin(language).language.labels
    for key, text in labels.items():
        assert key in LABELS or key.startswith("decision."), key
        if key in LABELS:
            assert set(_FIELD_RE.findall(text)) == set(_FIELD_RE.findall(LABELS[key])), key


@pytest.mark.parametrize("language", [lang for lang in available_languages() if lang != "en"])
def test_messages_and_notes_are_in_the_rules_language(language: str) -> None:
    labels = load_builtin(language).language.labels
    missing = [key for key in LABELS if key.split(".")[0] in ("message", "context", "note") and key not in labels]
    assert not missing
