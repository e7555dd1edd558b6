"""Hostile rule, configuration and baseline files: refused at load time with one clear line.

An organisation's rule file or a configuration file is input like any other. A pattern
whose classes multiply out, a huge repetition, a list of a million phrases, deeply nested
TOML or JSON, or a language id that is a path must end in exit status 2 and one line
naming the file (and the rule and field, or the key), never in minutes of CPU, gigabytes
of memory or "internal error". The command-line cases run the real console script in a
subprocess with an address-space limit, so a regression fails instead of eating the
machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import opsc_terms
from opsc_terms import Config, RuleLoadError
from opsc_terms.ruleset import (
    MAX_EXPANSIONS_IN_ALL,
    MAX_FILE_BYTES,
    MAX_LIST_ITEMS,
    MAX_PATTERN_EXPANSIONS,
    MAX_PHRASES_IN_ALL,
    load_builtin,
    load_language,
    parse_pattern,
    pattern_expansions,
)

SCRIPT = Path(sys.executable).with_name("opsc-terms")
DIRTY = "Police rescued three child prostitutes in the raid.\n"
MEMORY_LIMIT = 3 * 1024 ** 3  # address space; a run that loads spaCy needs well under half of it

RULE = '''
[[rules]]
id = "org-term"
category = "avoid"
terms = ["orgterm"]
message = "The house style prefers the other word."
rationale = "Because the other word is better for the reasons our policy explains."
sources = ["Org style guide, section 2"]
[rules.replacements]
other = ["other word"]
[rules.examples]
bad = ["This orgterm is wrong."]
good = ["This other word is right."]
'''


def run_limited(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script under an address-space limit; a hang fails on the timeout."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit)


def assert_one_clear_line(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("opsc-terms: ")
    assert "internal error" not in lines[0]
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def load_error(tmp_path: Path, body: str) -> str:
    path = tmp_path / "org.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleLoadError) as caught:
        load_language("en", extra=[path])
    return str(caught.value)


# --------------------------------------------------------------------------- rule files


@pytest.mark.parametrize(("change", "field", "words"), [
    # Classes multiply: @child alone is 9 Matcher patterns, five in a row 9^5.
    (('terms = ["orgterm"]', 'patterns = ["[ @child @child @child @child @child ]"]'), "patterns",
     f"expands to more than {MAX_PATTERN_EXPANSIONS} token patterns"),
    (('terms = ["orgterm"]', 'patterns = ["[ orgterm{1,100000000} ]"]'), "patterns",
     "repeat {1,100000000} is too large"),
    (('terms = ["orgterm"]', 'patterns = ["[ orgterm{1,' + "9" * 400 + '} ]"]'), "patterns", "is too large"),
    (('terms = ["orgterm"]', 'patterns = ["[ orgterm ~100000000 ]"]'), "patterns", "a gap spans 1 to 8 words"),
    (('terms = ["orgterm"]', 'patterns = ["[ ' + "orgterm " * 40 + ']"]'), "patterns", "a pattern has at most 32"),
    (('terms = ["orgterm"]', "patterns = [" + ", ".join(['"orgterm"'] * 101) + "]"), "patterns",
     "a rule has at most 100"),
    (('terms = ["orgterm"]', "terms = [" + ", ".join(f'"orgterm{i}"' for i in range(MAX_LIST_ITEMS + 1)) + "]"),
     "terms", f"{MAX_LIST_ITEMS + 1} entries; at most {MAX_LIST_ITEMS}"),
    (('terms = ["orgterm"]', 'terms = ["orgterm"]\nexceptions = ['
      + ", ".join(f'"orgterm x{i}"' for i in range(MAX_LIST_ITEMS + 1)) + "]"), "exceptions", "at most"),
    (('terms = ["orgterm"]', 'terms = ["' + "orgterm " * 100 + '"]'), "terms", "longer than 500 characters"),
])
def test_rule_file_limits_name_file_rule_and_field(tmp_path: Path, change: tuple[str, str], field: str,
                                                   words: str) -> None:
    message = load_error(tmp_path, RULE.replace(*change))
    assert "org.toml" in message
    assert "rule 'org-term'" in message
    assert f"field {field!r}" in message
    assert words in message
    assert len(message) < 400  # the hostile value itself is never echoed in full


def test_rules_per_file_deep_nesting_and_size(tmp_path: Path) -> None:
    many = "".join(RULE.replace('"org-term"', f'"org-term-{i}"') for i in range(1001))
    assert "1001 rules; a family file holds at most 1000" in load_error(tmp_path, many)
    assert re.search(r"org\.toml:1: invalid TOML: arrays or tables nested too deeply",
                     load_error(tmp_path, "x = " + "[" * 100_000))
    assert "too large for a rule file" in load_error(tmp_path, RULE + "#" * MAX_FILE_BYTES)


def test_limits_on_all_rules_together(tmp_path: Path) -> None:
    # Each rule within its own limits, the file not: 11 rules of 5,000 terms.
    big = "".join(RULE.replace('"org-term"', f'"org-term-{n}"').replace(
        'terms = ["orgterm"]', "terms = [" + ", ".join(f'"t{n}x{i}"' for i in range(MAX_LIST_ITEMS)) + "]")
        for n in range(11))
    message = load_error(tmp_path, big)
    # The shipped rules count too: the rule that goes over is the tenth or the eleventh.
    assert re.search(r"org\.toml: rule 'org-term-(9|10)': field 'terms': the rule files hold more than 50000 "
                     r"terms and exceptions in all", message)
    patterns = '", "'.join(["[ orgterm @child @child ]"] * 70)  # 81 Matcher patterns each
    many = "".join(RULE.replace('"org-term"', f'"org-term-{n}"').replace('terms = ["orgterm"]',
                                                                        f'patterns = ["{patterns}"]')
                   for n in range(1, 3))
    assert "rule 'org-term-1': field 'patterns': the patterns of all rules expand to more than 5000" in load_error(
        tmp_path, many)


def test_the_shipped_rules_are_far_below_the_limits() -> None:
    pack = load_builtin("en")
    counts = [pattern_expansions(parse_pattern(p), pack.language.classes) for r in pack.rules for p in r.patterns]
    assert max(counts) * 5 < MAX_PATTERN_EXPANSIONS  # a class of phrases multiplies a pattern
    assert max(len(r.terms) for r in pack.rules) * 100 < MAX_LIST_ITEMS
    assert sum(counts) * 10 < MAX_EXPANSIONS_IN_ALL
    assert sum(len(r.terms) + len(r.exceptions) for r in pack.rules) * 100 < MAX_PHRASES_IN_ALL


def test_expansion_count_matches_the_engine() -> None:
    from opsc_terms.engine import Matchers, pipeline

    pack = load_builtin("en")
    nlp, normaliser = pipeline(pack.language)
    matchers = Matchers(nlp, normaliser, pack.rules, pack.language)
    for rule in pack.rules:
        for pattern in rule.patterns:
            assert pattern_expansions(parse_pattern(pattern), pack.language.classes) == len(
                list(matchers.compile(pattern))), pattern


def test_a_class_that_contains_itself_is_refused() -> None:
    with pytest.raises(ValueError, match="class @loop contains itself"):
        pattern_expansions(parse_pattern("[ word @loop ]"), {"loop": ["other @loop"]})


def test_language_is_never_a_path() -> None:
    for language in ("../../../../etc", "en/../en", "/etc", ""):
        with pytest.raises(RuleLoadError, match="no rules for language"):
            load_language(language)
    with pytest.raises(RuleLoadError):
        opsc_terms.check("text", config=Config(language="../../../../etc"))


# --------------------------------------------------------------------------- the command line


def test_hostile_rule_file_through_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "house.toml").write_text(RULE.replace('terms = ["orgterm"]',
                                                      'patterns = ["[ @child @child @child @child @child @child ]"]'),
                                         encoding="utf-8")
    (tmp_path / "opsc-terms.toml").write_text('extend-rules = ["house.toml"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    proc = run_limited("check", "a.txt", cwd=tmp_path)
    assert_one_clear_line(proc, "house.toml: rule 'org-term': field 'patterns':", "expands to more than")


@pytest.mark.parametrize(("content", "fragments"), [
    ('language = "../../../../etc"\n', ("opsc-terms.toml:1: key 'language': unknown language '../../../../etc'",
                                       "(known: en, es, fr, auto)")),
    ('language = "EN"\n', ("key 'language': unknown language 'EN'",)),
    ("select = " + "[" * 100_000 + "\n", ("opsc-terms.toml:1: invalid TOML: arrays or tables nested too deeply",)),
    ("[severity]\nx = " + "{a = " * 100_000 + "\n", ("invalid TOML: arrays or tables nested too deeply",)),
    ("allow = [" + ", ".join(f'"phrase {i}"' for i in range(200_000)) + "]\n",
     ("opsc-terms.toml:1: key 'allow': 200000 entries; at most 5000 are allowed",)),
    ("exclude = [" + ", ".join(f'"f{i}"' for i in range(20_000)) + "]\n", ("key 'exclude': 20000 entries",)),
    ('allow = ["' + "x" * 10_000 + '"]\n', ("key 'allow':", "longer than 500 characters")),
    ("# " + "x" * MAX_FILE_BYTES + "\n", ("opsc-terms.toml: larger than 4 MiB: too large for a configuration file",)),
])
def test_hostile_configuration_files(tmp_path: Path, content: str, fragments: tuple[str, ...]) -> None:
    (tmp_path / "opsc-terms.toml").write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    assert_one_clear_line(run_limited("check", "a.txt", cwd=tmp_path), *fragments)


def test_hostile_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.opsc-terms]\nlanguage = "../../etc"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    assert_one_clear_line(run_limited("check", "a.txt", cwd=tmp_path),
                          "pyproject.toml:2: key 'tool.opsc-terms.language': unknown language")


BASELINE_ENTRY = '{"path": "a.txt", "rule": "child-prostitute", "text": "child prostitutes", "context": "x | y"'


@pytest.mark.parametrize(("content", "reason"), [
    ("[" * 100_000, "values nested too deeply"),
    ('{"version": 1, "findings": ' + "{\"a\": " * 100_000, "values nested too deeply"),
    ('{"version": 1, "findings": [' + BASELINE_ENTRY + ', "count": 1e999}]}', "count must be a whole number"),
    ('{"version": 1, "findings": [' + BASELINE_ENTRY + ', "count": ' + "9" * 5000 + "}]}",
     "a number with too many digits"),
    ('{"version": 1, "findings": [' + BASELINE_ENTRY + ', "count": ' + "9" * 4000 + "}]}",
     "count must be a whole number from 1 to"),
    ('{"version": 1, "findings": [' + BASELINE_ENTRY + ', "count": -3}]}', "count must be a whole number"),
    ('{"version": 1, "findings": [' + BASELINE_ENTRY + ', "count": true}]}', "count must be a whole number"),
    ('{"version": ' + "9" * 4000 + ', "findings": []}', "unsupported version 999"),
    ('{"version": 1, "findings": [{"path": 1e999, "rule": "r", "text": "t", "context": "c"}]}', "must be strings"),
    ('{"version": 1, "findings": {"a": 1}}', "'findings' is not a list"),
    ("[]", "not a JSON object"),
])
def test_hostile_baseline_files(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "baseline.json").write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    proc = run_limited("check", "--baseline", "baseline.json", "a.txt", cwd=tmp_path)
    assert_one_clear_line(proc, "baseline.json: not an opsc-terms baseline", reason)
    assert len(proc.stderr) < 300
