"""Fixes in the editor follow the same applicability as the command line.

Advice (a mention, a quotation, words across markup, a sentence that needs rewording)
gets no edit; an unsafe fix is offered but not preferred; Fix All applies exactly what
``opsc-terms check --fix`` applies to the same document.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from fixgen import make_document
from lsp_support import Editor
from lsprotocol import types

import opsc_terms
from opsc_terms.lint import fix_document

DOCUMENTS = {
    "notes.txt": ("plaintext", (
        "Police rescued three child prostitutes.\n"
        "The term “child pornography” is outdated.\n"
        "They ran a child-porn-sharing network.\n"
        "Officers found images of child pornography and a child pornography ring.\n"
        "He admitted having sex with a 14-year-old.\n"
        "“Child prostitutes,” the officer said, “are not what we find here.”\n"
        "The child prostitutes' families were never told.\n")),
    "story.md": ("markdown", (
        "# Child Prostitutes Rescued In Raid\n\n"
        "Police found child **prostitutes** in the flat, and *child pornography* on a laptop.\n\n"
        "> “The paedophile ring,” a detective said, “ran for years.”\n")),
    "handbook.rst": ("restructuredtext", (
        "Child Prostitution in Port Towns\n"
        "================================\n\n"
        "Police found child *prostitutes* in the flat.\n")),
}


def cli_fix(path: Path) -> str:
    subprocess.run([sys.executable, "-m", "opsc_terms.cli", "check", "--isolated", "--fix", "-q", str(path)],
                   capture_output=True, check=False)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(DOCUMENTS))
async def test_fix_all_equals_the_command_line_fix(editor: Editor, tmp_path: Path, name: str) -> None:
    language, text = DOCUMENTS[name]
    await editor.initialize(root=tmp_path)
    path = tmp_path / name
    uri = editor.open(path, text, language=language)
    await editor.diagnostics(uri)
    [action] = await editor.code_actions(uri, [], 0, 0, only=["source.fixAll"])
    in_editor = editor.apply(uri, action.edit)
    path.write_text(text, encoding="utf-8")
    assert in_editor == cli_fix(path)
    assert in_editor != text


async def test_advice_gets_no_edit(editor: Editor, tmp_path: Path) -> None:
    language, text = DOCUMENTS["notes.txt"]
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "notes.txt", text, language=language)
    diagnostics = await editor.diagnostics(uri)
    findings = {(f.start, f.end): f for f in opsc_terms.check(text)}
    offered = 0
    for diagnostic in diagnostics:
        [(_, start, end)] = editor.spans(uri, [diagnostic])
        finding = findings[(start, end)]
        actions = await editor.code_actions(uri, [diagnostic], finding.start, finding.start,
                                            only=[types.CodeActionKind.QuickFix])
        replaces = [a for a in actions if a.title.startswith("Replace")]
        assert finding.fix is not None
        if finding.fix.applicability == "display-only":
            assert replaces == [], (finding.text, [a.title for a in replaces])
        else:
            offered += 1
            assert replaces[0].is_preferred is (True if finding.fix.applicability == "safe" else None)
            assert editor.apply(uri, replaces[0].edit) == opsc_terms.fix(text, [finding], unsafe=True)
    # The document holds safe, unsafe and display-only findings alike.
    assert {f.fix.applicability for f in findings.values() if f.fix} == {"safe", "unsafe", "display-only"}
    assert offered >= 2


async def test_markup_and_mentions_offer_no_edit(editor: Editor, tmp_path: Path) -> None:
    language, text = DOCUMENTS["story.md"]
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "story.md", text, language=language)
    diagnostics = await editor.diagnostics(uri)
    across = text.index("child **prostitutes")
    quoted = text.index("paedophile")
    for offset in (across, quoted):
        touching = [d for d in diagnostics if (span := editor.spans(uri, [d])[0])[1] <= offset < span[2]]
        assert touching
        actions = await editor.code_actions(uri, touching, offset, offset, only=[types.CodeActionKind.QuickFix])
        assert not [a for a in actions if a.title.startswith("Replace")]
        assert [a for a in actions if a.title.startswith("Disable")]  # a suppression is still offered


async def test_fix_all_on_generated_documents(editor: Editor, tmp_path: Path) -> None:
    """Fix All through the server leaves quotations and markup alone and equals ``--fix``."""
    await editor.initialize(root=tmp_path)
    rng = random.Random(20261129)
    compared = 0
    for i in range(16):
        markup = i % 2 == 1
        doc = make_document(rng, markup=markup)
        uri = editor.open(tmp_path / f"doc{i}.{'md' if markup else 'txt'}", doc.text,
                          language="markdown" if markup else "plaintext")
        await editor.diagnostics(uri)
        actions = await editor.code_actions(uri, [], 0, 0, only=["source.fixAll"])
        expected = fix_document(doc.text, "markdown" if markup else "text").text
        fixed = editor.apply(uri, actions[0].edit) if actions else doc.text
        assert fixed == expected, doc.text
        compared += fixed != doc.text
    assert compared >= 4  # the sample holds documents that Fix All does change
