"""Helpers shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from opsc_terms.cli import cli

# An organisation's own rule file, in the same format as the shipped rules.
HOUSE_RULES = """\
[family]
title = "House style"

[[rules]]
id = "house-delinquent"
category = "care"
terms = ["juvenile delinquent"]
message = "The house style prefers a neutral description."
rationale = "Labels stick; describe the situation instead."
sources = ["House style guide, section 3"]

[rules.replacements]
person = ["young person in conflict with the law"]

[rules.examples]
bad = ["He was called a juvenile delinquent."]
good = ["He was a young person in conflict with the law."]
"""


def run(*args: str | Path, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the command line in-process; a traceback in its output is always a failure."""
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result
