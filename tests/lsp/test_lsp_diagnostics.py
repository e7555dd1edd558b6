"""Diagnostics end to end: the real server over stdio, as VS Code and Neovim drive it."""

from __future__ import annotations

from pathlib import Path

from lsp_support import Editor
from lsprotocol import types

import opsc_terms
from opsc_terms.explain import rule_url
from opsc_terms.lint import lint_document

SENTENCE = "Police rescued three child prostitutes."


def expected_spans(text: str) -> list[tuple[str, int, int]]:
    return sorted((f.rule, f.start, f.end) for f in opsc_terms.check(text))


async def test_open_reports_each_finding_with_its_rule_and_fix(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    [diagnostic] = await editor.diagnostics(uri)

    assert editor.spans(uri, [diagnostic]) == [("child-prostitute", 21, 38)]
    assert diagnostic.source == "opsc-terms"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code == "child-prostitute"
    assert diagnostic.code_description is not None
    rule = opsc_terms.load_builtin("en").rule("child-prostitute")
    assert diagnostic.code_description.href == rule_url(rule)
    assert "“children exploited in prostitution”" in diagnostic.message
    # What a quick fix needs; the fix's offsets count from the start of the range, so the
    # data stays right when the finding moves with edits above it.
    assert diagnostic.data == {
        "rule": "child-prostitute", "replacements": list(opsc_terms.check(SENTENCE)[0].replacements),
        "fix": {"text": "children exploited in prostitution", "applicability": "safe", "note": None,
                "edits": [{"start": 0, "end": 17, "text": "children exploited in prostitution"}]},
        "text": "child prostitutes",
    }


async def test_occurrences_that_need_no_change_are_hints(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    text = ("The Optional Protocol on the sale of children, child prostitution and child pornography "
            "asks us to drop the term “child pornography”; police still found child pornography.\n")
    uri = editor.open(tmp_path / "bill.md", text)
    diagnostics = sorted(await editor.diagnostics(uri), key=lambda d: (d.range.start.line, d.range.start.character))
    # The title is not reported at all; the mention is a hint; the plain use keeps its severity.
    assert [(d.code, d.severity) for d in diagnostics] == [
        ("child-pornography", types.DiagnosticSeverity.Hint),
        ("child-pornography", types.DiagnosticSeverity.Error),
    ]


async def test_edits_are_rechecked(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE + "\n")
    assert len(await editor.diagnostics(uri)) == 1

    text = editor.text(uri)
    editor.edit(uri, len(text), len(text), "Viewers of child pornography were arrested.\n")
    assert editor.spans(uri, await editor.diagnostics(uri)) == expected_spans(editor.text(uri))
    assert len(await editor.diagnostics(uri)) == 2

    start = editor.text(uri).index("child prostitutes")
    editor.edit(uri, start, start + len("child prostitutes"), "children exploited in prostitution")
    assert [d.code for d in await editor.diagnostics(uri)] == ["child-pornography"]


async def test_ranges_count_in_the_negotiated_encoding(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    expected_encoding = "utf-8" if editor.client_name == "neovim" else "utf-16"
    assert editor.encoding == expected_encoding

    # Astral characters (two UTF-16 units, four UTF-8 bytes) and a form feed, which LSP
    # does not count as a line break, before the terms.
    text = "📰👩‍👧 Report:\fpage 2 🚨 child prostitutes\r\nand 🎥 child pornography 🚫."
    uri = editor.open(tmp_path / "emoji.txt", text)
    diagnostics = await editor.diagnostics(uri)
    assert editor.spans(uri, diagnostics) == expected_spans(text)

    by_rule = {d.code: d.range for d in diagnostics}
    units = {"utf-16": (26, 43, 7, 24), "utf-8": (36, 53, 9, 26)}[editor.encoding]
    assert by_rule["child-prostitute"] == types.Range(start=types.Position(line=0, character=units[0]),
                                                      end=types.Position(line=0, character=units[1]))
    assert by_rule["child-pornography"] == types.Range(start=types.Position(line=1, character=units[2]),
                                                       end=types.Position(line=1, character=units[3]))

    # An incremental edit after the emoji lands where the client meant it.
    at = editor.text(uri).index("child pornography")
    editor.edit(uri, at, at, "so-called ")
    diagnostics = await editor.diagnostics(uri)
    assert editor.spans(uri, diagnostics) == expected_spans(editor.text(uri))


async def test_close_clears_the_diagnostics(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    assert await editor.diagnostics(uri)
    published = len(editor.recorded.published[uri])
    editor.close(uri)
    assert await editor.republished(uri, published) == []


async def test_a_burst_of_edits_ends_with_the_final_text(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "draft.txt", "")
    words = ["Police ", "found ", "a ", "child ", "prostitute ", "and ", "images ", "of ", "child ",
             "pornography. "]
    for i in range(200):
        # Typing, with a term appearing and disappearing along the way.
        text = editor.text(uri)
        if i % 50 == 20:
            editor.edit(uri, 0, len(text), "")
        else:
            editor.edit(uri, len(text), len(text), words[i % len(words)])
    final = editor.text(uri)
    assert editor.version(uri) == 201

    diagnostics = await editor.diagnostics(uri)
    assert editor.spans(uri, diagnostics) == expected_spans(final)
    assert diagnostics  # the final text does hold terms
    versions = [p.version for p in editor.recorded.published.get(uri, [])]
    assert versions == sorted(versions), "a result for an older version was published after a newer one"
    assert versions[-1] == 201


async def test_languages_outside_the_setting_are_not_checked(own_editor: Editor, tmp_path: Path) -> None:
    editor = own_editor
    await editor.initialize({"languages": ["plaintext", "asciidoc"]}, root=tmp_path)
    python = editor.open(tmp_path / "script.py", f"# {SENTENCE}\n", language="python")
    asciidoc = editor.open(tmp_path / "doc.adoc", f"= Title\n\n{SENTENCE}\n", language="asciidoc")
    markdown = editor.open(tmp_path / "doc.md", SENTENCE, language="markdown")
    assert await editor.diagnostics(python) == []
    assert [d.code for d in await editor.diagnostics(asciidoc)] == ["child-prostitute"]
    assert await editor.diagnostics(markdown) == []


async def test_markup_is_read_with_the_command_line_adapters(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    markdown = ("---\ntitle: child prostitutes\n---\n# 🚨 Raid\n\nPolice found *child prostitutes*.\n\n"
                "```\nchild pornography\n```\n\nSearch for `child pornography` returned [child pornography]"
                "(https://example.org/child-pornography).\n")
    html = "<p title='child prostitutes'>Police found <b>child</b> prostitutes.</p><!-- child pornography -->\n"
    for language, name, text in (("markdown", "raid.md", markdown), ("html", "raid.html", html)):
        uri = editor.open(tmp_path / name, text, language=language)
        expected = sorted((f.rule, f.start, f.end) for f in lint_document(text, language).findings)
        assert expected, language
        assert editor.spans(uri, await editor.diagnostics(uri)) == expected


async def test_one_change_message_with_20000_changes(editor: Editor, tmp_path: Path) -> None:
    """Applying the changes of one didChange is linear in their number and size.

    pygls re-splits and re-joins the whole text for every change: 20,000 changes to a
    20,000-line document took many minutes, and no diagnostics arrived meanwhile.
    """
    await editor.initialize(root=tmp_path)
    lines = [f"Line {n}: the committee met in the morning.\n" for n in range(20_000)]
    uri = editor.open(tmp_path / "minutes.txt", "".join(lines))
    await editor.diagnostics(uri)

    changes = []
    prefixes = [""] * len(lines)
    for i in range(20_000):
        line = (i * 7919) % len(lines)
        typed = "Police rescued child prostitutes. " if i % 400 == 0 else "x"
        prefixes[line] = typed + prefixes[line]  # each change types at the start of its line
        start = types.Position(line=line, character=0)
        changes.append(types.TextDocumentContentChangePartial(range=types.Range(start=start, end=start), text=typed))
    final = "".join(prefix + line for prefix, line in zip(prefixes, lines, strict=True))
    editor.docs[uri] = (2, final)
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2), content_changes=changes))

    diagnostics = await editor.diagnostics(uri)
    assert len(diagnostics) == 50
    assert editor.spans(uri, diagnostics) == expected_spans(final)
