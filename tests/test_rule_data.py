"""The rule data is linted like code: ids, sources, examples, replacements, coverage, load errors."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import opsc_terms
from opsc_terms import Config, RuleLoadError, get_checker, load_builtin
from opsc_terms.explain import rule_markdown
from opsc_terms.ruleset import load_language

PACK = load_builtin("en")
RULES = PACK.rules


def test_ids_are_unique_and_kebab_case() -> None:
    ids = Counter(r.id for r in RULES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", r.id) for r in RULES)


def test_every_rule_has_examples_sources_and_a_rationale() -> None:
    for rule in RULES:
        assert rule.examples.bad, rule.id
        assert rule.examples.good, rule.id
        assert rule.sources, rule.id
        assert len(rule.rationale) > 80, rule.id
        if rule.fix is not None:
            assert len(rule.examples.fixed) == len(rule.examples.bad), rule.id


def test_citations_are_precise() -> None:
    """UN documents are cited by paragraph; second-hand page numbers say where they come from."""
    for rule in RULES:
        for source in rule.sources:
            for symbol in ("CRC/C/156", "A/HRC/28/56", "A/HRC/49/51"):
                if source.startswith(symbol):
                    assert re.match(rf"{re.escape(symbol)}, (paras?\.|fns?\.) ", source), (rule.id, source)
            if "Luxembourg Guidelines" in source and re.search(r"\bpp?\. \d", source):
                assert "as cited" in source, (rule.id, source)


def test_no_replacement_is_itself_discouraged() -> None:
    checker = get_checker(Config(profile="media"))
    for rule in RULES:
        for rep in rule.replacements:
            for text in filter(None, (rep.text, rep.plural)):
                flagged = [f.rule for f in checker.check(text) if f.severity != "info"]
                assert flagged == [], (rule.id, text, flagged)


def test_families_do_not_overlap() -> None:
    """A term belongs to one rule only, so one family owns each word."""
    owners: dict[str, str] = {}
    for rule in RULES:
        for term in rule.terms:
            key = re.sub(r"[\s\-]+", " ", term.lower())
            assert key not in owners, f"{term!r} is in {owners.get(key)} and {rule.id}"
            owners[key] = rule.id


def _words(phrase: str) -> tuple[str, ...]:
    variants = PACK.language.variants
    return tuple(variants.get(w, w) for w in re.findall(r"[\w']+", phrase.lower()))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


def test_messages_fit_every_term_of_their_rule() -> None:
    """A message read next to any match of its rule: it names no variant the match may not be.

    "“Child prostitute” makes ..." read wrong for "underage prostitute"; a message quotes
    a term only when every term of the rule contains those words.
    """
    for rule in RULES:
        for quoted in re.findall(r"“([^”]+)”", rule.message):
            part = _words(quoted)
            holding = [t for t in rule.terms if _contains(_words(t), part)]
            assert not holding or len(holding) == len(rule.terms), (rule.id, quoted, rule.terms)


def test_messages_do_not_repeat_their_suggestion() -> None:
    """The preferred wording is appended to every message ("Use “…”."); the message must not say it too."""
    for rule in RULES:
        message = rule.message.lower()
        assert not re.search(r"\bsay “", message), rule.id
        for replacement in rule.replacements:
            assert f"“{replacement.text.lower()}”" not in message, (rule.id, replacement.text)


def test_every_fix_is_one_of_the_replacements() -> None:
    for rule in RULES:
        if rule.fix is not None:
            assert rule.fix in rule.replacements, rule.id


def test_prefilter_lets_every_bad_example_through() -> None:
    """A bad example that the keyword scan skipped would silently never be checked."""
    for profile in ("default", "media"):
        checker = get_checker(Config(profile=profile))
        for rule in checker.rules:
            for bad in rule.examples.bad:
                assert checker.needs_engine(bad), (rule.id, bad)


def test_every_rule_renders_an_explanation_with_its_sources() -> None:
    for rule in RULES:
        text = rule_markdown(PACK, rule)
        assert rule.id in text
        assert rule.rationale.split("\n")[0][:40] in text
        assert all(source in text for source in rule.sources)


def test_profiles() -> None:
    assert set(PACK.language.profiles) == {"default", "media"}
    default = {r.id for r in PACK.rules_for("default")}
    media = {r.id for r in PACK.rules_for("media")}
    assert default < media
    assert {"paedo", "monster", "underage-sex", "affair-with-child"} <= media - default


# --------------------------------------------------------------------------- load errors

def _family(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _load_with(tmp_path: Path, body: str) -> RuleLoadError:
    extra = _family(tmp_path, "org.toml", body)
    with pytest.raises(RuleLoadError) as caught:
        load_language("en", extra=[extra])
    return caught.value


GOOD_RULE = '''
[[rules]]
id = "org-term"
category = "avoid"
terms = ["orgterm"]
message = "Use the other word."
rationale = "Because the other word is better for the reasons our policy explains."
sources = ["Org style guide, section 2"]
fix = "other word"
[rules.replacements]
other = ["other word"]
[rules.examples]
bad = ["This orgterm is wrong."]
good = ["This other word is right."]
fixed = ["This other word is wrong."]
'''


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    error = _load_with(tmp_path, GOOD_RULE + "\nbroken = [\n")
    assert re.search(r"org\.toml:\d+: invalid TOML", str(error))


@pytest.mark.parametrize(("change", "field", "words"), [
    (('fix = "other word"', 'fix = "missing"'), "fix", "not one of the rule's replacements"),
    (('category = "avoid"', 'category = "bad"'), "category", "avoid"),
    (('sources = ["Org style guide, section 2"]', "sources = []"), "sources", "at least one source"),
    (('terms = ["orgterm"]', 'terms = ["orgterm"]\ncolour = "red"'), "colour", "unknown field"),
    (('terms = ["orgterm"]', 'patterns = ["[ orgterm @nosuchclass ]"]'), "patterns", "unknown class"),
    (('bad = ["This orgterm is wrong."]', 'bad = []'), "examples.bad", "at least one example"),
])
def test_bad_rule_data_names_file_rule_and_field(tmp_path: Path, change: tuple[str, str], field: str,
                                                 words: str) -> None:
    error = _load_with(tmp_path, GOOD_RULE.replace(*change))
    message = str(error)
    assert "org.toml" in message
    assert "rule 'org-term'" in message
    assert f"field {field!r}" in message
    assert words in message


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    error = _load_with(tmp_path, GOOD_RULE.replace('"org-term"', '"child-prostitute"'))
    assert "duplicate rule id" in str(error)


def test_organisation_rules_extend_the_pack(tmp_path: Path) -> None:
    extra = _family(tmp_path, "org.toml", GOOD_RULE)
    findings = opsc_terms.check("This orgterm is wrong.", config=Config(extend_rules=(extra,)))
    assert [(f.rule, f.fix.text if f.fix else None) for f in findings] == [("org-term", "other word")]


def test_every_language_folder_is_packaged() -> None:
    """A rules/<lang>/ folder missing from pyproject's packages would not be installed from a wheel."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    packages = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    languages = [p.name for p in (root / "rules").iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]
    assert languages
    assert all(f"opsc_terms.rules.{lang}" in packages for lang in languages)
