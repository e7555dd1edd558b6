"""Program source: comments and docstrings are prose; identifiers and string constants are names."""

from __future__ import annotations

import pytest

import opsc_terms
from opsc_terms.documents import format_for


def reported(text: str, fmt: str) -> list[str]:
    return [f.text for f in opsc_terms.check(text, format=fmt) if f.severity != "info"]


@pytest.mark.parametrize(("name", "fmt"), [
    ("report.py", "python"), ("app.ts", "c-style"), ("Main.java", "c-style"), ("lib.rs", "c-style"),
    ("run.sh", "script"), ("query.sql", "sql"), ("python", "python"), ("typescript", "c-style"),
])
def test_program_suffixes_and_language_ids(name: str, fmt: str) -> None:
    assert format_for(name) == fmt


PYTHON = '''"""Count hotline reports by category.

The categories are the statute's own names, kept as the API sends them.
"""

CATEGORIES = ["Child Pornography", "Child Prostitution"]  # names from the statute
child_porn_count = 0
ChildPornographyReport = dict


def tally(reports):
    """Add up reports; the data calls its field child_porn_count."""
    # Reports of child
    # prostitutes found by the crawler are counted here.
    label = "child porn # not a comment"
    return len(reports)
'''


def test_python_identifiers_and_strings_are_left_alone() -> None:
    found = opsc_terms.check(PYTHON, format="python")
    assert [f.text for f in found] == ["child\n    # prostitutes"]
    [f] = found
    assert f.fix is not None
    assert f.fix.applicability == "display-only"  # the comment marker sits inside the words


def test_python_docstrings_are_prose() -> None:
    text = 'def f():\n    """Filters child pornography from uploads."""\n    return "child pornography"\n'
    assert reported(text, "python") == ["child pornography"]
    assert opsc_terms.check(text, format="python")[0].line == 2


C_STYLE = """// Child porn filter: blocks uploads before review.
const CHILD_PORN = "child porn";
/**
 * Flags child
 * prostitution reports for the team.
 */
let childPornCount = 0; // counts `child_porn` events
"""


def test_c_style_comments_with_stars_and_code_spans() -> None:
    assert reported(C_STYLE, "c-style") == ["Child porn", "child\n * prostitution"]


def test_suppression_comments_in_code() -> None:
    text = "# opsc-terms: disable-next-line child-porn\n# child porn, quoted from the log\nx = 1  # child porn\n"
    assert [f.line for f in opsc_terms.check(text, format="script")] == [3]


def test_sql_and_shell_comments() -> None:
    assert reported("-- rows tagged child pornography\nSELECT 'child pornography' FROM t;\n", "sql") == [
        "child pornography"]
    assert reported("echo 'child porn' # filter for child porn\n", "script") == ["child porn"]


def test_unterminated_strings_and_comments_do_not_hang() -> None:
    for text in ['"""never closed child porn', "/* open child porn", "x = 'child porn\ny = 1 # child porn"]:
        for fmt in ("python", "c-style", "script"):
            opsc_terms.check(text * 2000, format=fmt)
