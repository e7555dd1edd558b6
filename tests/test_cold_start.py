"""Start-up: spaCy is imported without its command-line tools, which stay usable."""

from __future__ import annotations

import subprocess
import sys


def python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=True).stdout.strip()


def test_spacy_is_imported_without_its_command_line() -> None:
    out = python("import sys, opsc_terms.engine; print('spacy' in sys.modules, 'spacy.cli' in sys.modules, "
                 "'typer' in sys.modules)")
    assert out == "True False False"


def test_spacys_command_line_still_works_for_a_program_that_uses_it() -> None:
    out = python("import opsc_terms.engine, spacy; print(callable(spacy.cli.download), callable(spacy.info)); "
                 "from spacy.cli.info import info_cli; print(callable(info_cli))")
    assert out == "True True\nTrue"


def test_spacy_imported_first_is_left_as_it_is() -> None:
    out = python("import spacy, sys; cli = spacy.cli; import opsc_terms.engine; print(spacy.cli is cli, "
                 "'spacy.cli' in sys.modules)")
    assert out == "True True"
