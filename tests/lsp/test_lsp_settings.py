"""Settings from the editor and from configuration files, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import Editor, eventually
from lsprotocol import types

SENTENCE = "Police rescued three child prostitutes. Viewers of child pornography were arrested.\n"


@pytest.fixture
def editor(own_editor: Editor) -> Editor:
    """Every test here changes settings or reads the server's messages: a server of its own.
    Tests of what clients do differently (configuration pulls, file watching) run as each
    client; the others as one."""
    return own_editor


def severities(diagnostics: list[types.Diagnostic]) -> dict[str, types.DiagnosticSeverity | None]:
    return {str(d.code): d.severity for d in diagnostics}


async def test_initialization_options_select_and_override(own_vscode_editor: Editor, tmp_path: Path) -> None:
    editor = own_vscode_editor
    await editor.initialize({"ignore": ["child-pornography"], "severity": {"child-prostitute": "info"}},
                             root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    assert severities(await editor.diagnostics(uri)) == {"child-prostitute": types.DiagnosticSeverity.Information}


async def test_configuration_change_rechecks_open_documents(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    assert set(severities(await editor.diagnostics(uri))) == {"child-prostitute", "child-pornography"}

    # Settings sent with the notification.
    published = len(editor.recorded.published[uri])
    editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"opscTerms": {"select": ["child-pornography"]}}))
    assert set(severities(await editor.republished(uri, published))) == {"child-pornography"}

    # Settings the server has to ask for (the client supports workspace/configuration).
    editor.client.set_configuration({"severity": {"child-pornography": "warning"}}, section="opscTerms")
    published = len(editor.recorded.published[uri])
    editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert severities(await editor.republished(uri, published)) == {
        "child-prostitute": types.DiagnosticSeverity.Error,
        "child-pornography": types.DiagnosticSeverity.Warning,
    }


async def test_bad_settings_are_reported_once_and_ignored(own_vscode_editor: Editor, tmp_path: Path) -> None:
    editor = own_vscode_editor
    bad = {"select": "child-pornography", "severity": {"child-pornography": "fatal"}, "profile": "tabloid",
           "debounceMs": "soon"}
    # An editor sends the same settings twice: at start, and when the server asks.
    editor.client.set_configuration(bad, section="opscTerms")
    await editor.initialize(bad, root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    # The good setting applies; the bad ones are named, and checking goes on.
    assert severities(await editor.diagnostics(uri)) == {"child-pornography": types.DiagnosticSeverity.Error}
    await eventually(lambda: len(editor.client.messages) >= 3, "messages about the settings")
    await eventually(lambda: editor.recorded.configuration_requests, "the server asking for its settings")
    await editor.command("opscTerms.explainRule", "child-pornography")  # one more round trip
    texts = [m.message for m in editor.client.messages]
    assert len(texts) == 3, texts
    assert any("'fatal'" in t for t in texts)
    assert any("debounceMs" in t for t in texts)
    assert any("unknown profile 'tabloid'" in t for t in texts)


async def test_config_file_applies_and_editor_settings_override_it(own_vscode_editor: Editor, tmp_path: Path) -> None:
    editor = own_vscode_editor
    project = tmp_path / "project"
    (project / "drafts").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.opsc-terms]\nignore = ["child-pornography"]\nseverity = { child-prostitute = "warning" }\n',
        encoding="utf-8")
    await editor.initialize({"severity": {"child-prostitute": "info"}}, root=tmp_path)
    inside = editor.open(project / "drafts" / "news.txt", SENTENCE)
    outside = editor.open(tmp_path / "news.txt", SENTENCE)
    assert severities(await editor.diagnostics(inside)) == {"child-prostitute": types.DiagnosticSeverity.Information}
    assert severities(await editor.diagnostics(outside)) == {
        "child-prostitute": types.DiagnosticSeverity.Information,
        "child-pornography": types.DiagnosticSeverity.Error,
    }


async def test_a_broken_config_file_is_reported_once(own_vscode_editor: Editor, tmp_path: Path) -> None:
    editor = own_vscode_editor
    config = tmp_path / ".opsc-terms.toml"
    config.write_text('profile = "media"\nignore = [child-pornography]\n', encoding="utf-8")
    await editor.initialize(root=tmp_path)
    first = editor.open(tmp_path / "one.txt", SENTENCE)
    second = editor.open(tmp_path / "two.txt", SENTENCE)
    # Both documents are still checked, with the defaults.
    for uri in (first, second):
        assert set(severities(await editor.diagnostics(uri))) == {"child-prostitute", "child-pornography"}
    errors = [m for m in editor.client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    assert str(config) in errors[0].message
    assert "invalid TOML" in errors[0].message


async def test_config_file_changes_on_disk_recheck(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    assert len(await editor.diagnostics(uri)) == 2

    config = tmp_path / "opsc-terms.toml"
    config.write_text('ignore = ["child-prostitute"]\n', encoding="utf-8")
    published = len(editor.recorded.published[uri])
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]))
    assert set(severities(await editor.republished(uri, published))) == {"child-pornography"}

    # Broken, then mended: reported, and checking carries on with the defaults.
    config.write_text("ignore = [\n", encoding="utf-8")
    published = len(editor.recorded.published[uri])
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    assert len(await editor.republished(uri, published)) == 2
    assert [m.type for m in editor.client.messages] == [types.MessageType.Error]


async def test_rule_file_changes_rebuild_the_rules(editor: Editor, tmp_path: Path) -> None:
    rules = tmp_path / "house.toml"
    rule = """[family]
title = "House style"

[[rules]]
id = "house-{n}"
category = "avoid"
terms = ["{term}"]
message = "Our house style avoids this."
rationale = "House style."
sources = ["House style guide"]

[rules.replacements]
other = ["exploitation"]

[rules.examples]
bad = ["It was {term}."]
good = ["It was exploitation."]
"""
    rules.write_text(rule.format(n=1, term="kiddie porn ring"), encoding="utf-8")
    (tmp_path / "opsc-terms.toml").write_text('extend-rules = ["house.toml"]\n', encoding="utf-8")
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", "They ran a fake charity and a kiddie porn ring.\n")
    codes = {d.code for d in await editor.diagnostics(uri)}
    assert "house-1" in codes

    rules.write_text(rule.format(n=2, term="fake charity"), encoding="utf-8")
    published = len(editor.recorded.published[uri])
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=rules.as_uri(), type=types.FileChangeType.Changed)]))
    codes = {d.code for d in await editor.republished(uri, published)}
    assert "house-2" in codes
    assert "house-1" not in codes


async def test_watchers_and_configuration_are_registered_where_the_client_allows(editor: Editor,
                                                                                 tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", SENTENCE)
    await editor.diagnostics(uri)  # initialisation is over by now
    methods = {r.method for r in editor.recorded.registrations}
    if editor.client_name == "visual-studio-code":  # dynamic registration of both
        assert methods == {"workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration"}
    else:
        assert methods == set()
