"""Settings from the editor and from configuration files, end to end."""

from __future__ import annotations

from pathlib import Path

from lsp_support import Session, eventually
from lsprotocol import types

SENTENCE = "Police rescued three child prostitutes. Viewers of child pornography were arrested.\n"


def severities(diagnostics: list[types.Diagnostic]) -> dict[str, types.DiagnosticSeverity | None]:
    return {str(d.code): d.severity for d in diagnostics}


async def test_initialization_options_select_and_override(session: Session, tmp_path: Path) -> None:
    await session.initialize({"ignore": ["child-pornography"], "severity": {"child-prostitute": "info"}},
                             root=tmp_path)
    uri = session.open(tmp_path / "news.txt", SENTENCE)
    assert severities(await session.diagnostics(uri)) == {"child-prostitute": types.DiagnosticSeverity.Information}


async def test_configuration_change_rechecks_open_documents(session: Session, tmp_path: Path) -> None:
    await session.initialize(root=tmp_path)
    uri = session.open(tmp_path / "news.txt", SENTENCE)
    assert set(severities(await session.diagnostics(uri))) == {"child-prostitute", "child-pornography"}

    # Settings sent with the notification.
    published = len(session.recorded.published[uri])
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"opscTerms": {"select": ["child-pornography"]}}))
    assert set(severities(await session.republished(uri, published))) == {"child-pornography"}

    # Settings the server has to ask for (the client supports workspace/configuration).
    session.client.set_configuration({"severity": {"child-pornography": "warning"}}, section="opscTerms")
    published = len(session.recorded.published[uri])
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert severities(await session.republished(uri, published)) == {
        "child-prostitute": types.DiagnosticSeverity.Error,
        "child-pornography": types.DiagnosticSeverity.Warning,
    }


async def test_bad_settings_are_reported_once_and_ignored(session: Session, tmp_path: Path) -> None:
    bad = {"select": "child-pornography", "severity": {"child-pornography": "fatal"}, "profile": "tabloid",
           "debounceMs": "soon"}
    # An editor sends the same settings twice: at start, and when the server asks.
    session.client.set_configuration(bad, section="opscTerms")
    await session.initialize(bad, root=tmp_path)
    uri = session.open(tmp_path / "news.txt", SENTENCE)
    # The good setting applies; the bad ones are named, and checking goes on.
    assert severities(await session.diagnostics(uri)) == {"child-pornography": types.DiagnosticSeverity.Error}
    await eventually(lambda: len(session.client.messages) >= 3, "messages about the settings")
    await eventually(lambda: session.recorded.configuration_requests, "the server asking for its settings")
    await session.command("opscTerms.explainRule", "child-pornography")  # one more round trip
    texts = [m.message for m in session.client.messages]
    assert len(texts) == 3, texts
    assert any("'fatal'" in t for t in texts)
    assert any("debounceMs" in t for t in texts)
    assert any("unknown profile 'tabloid'" in t for t in texts)


async def test_config_file_applies_and_editor_settings_override_it(session: Session, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "drafts").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.opsc-terms]\nignore = ["child-pornography"]\nseverity = { child-prostitute = "warning" }\n',
        encoding="utf-8")
    await session.initialize({"severity": {"child-prostitute": "info"}}, root=tmp_path)
    inside = session.open(project / "drafts" / "news.txt", SENTENCE)
    outside = session.open(tmp_path / "news.txt", SENTENCE)
    assert severities(await session.diagnostics(inside)) == {"child-prostitute": types.DiagnosticSeverity.Information}
    assert severities(await session.diagnostics(outside)) == {
        "child-prostitute": types.DiagnosticSeverity.Information,
        "child-pornography": types.DiagnosticSeverity.Error,
    }


async def test_a_broken_config_file_is_reported_once(session: Session, tmp_path: Path) -> None:
    config = tmp_path / ".opsc-terms.toml"
    config.write_text('profile = "media"\nignore = [child-pornography]\n', encoding="utf-8")
    await session.initialize(root=tmp_path)
    first = session.open(tmp_path / "one.txt", SENTENCE)
    second = session.open(tmp_path / "two.txt", SENTENCE)
    # Both documents are still checked, with the defaults.
    for uri in (first, second):
        assert set(severities(await session.diagnostics(uri))) == {"child-prostitute", "child-pornography"}
    errors = [m for m in session.client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    assert str(config) in errors[0].message
    assert "invalid TOML" in errors[0].message


async def test_config_file_changes_on_disk_recheck(session: Session, tmp_path: Path) -> None:
    await session.initialize(root=tmp_path)
    uri = session.open(tmp_path / "news.txt", SENTENCE)
    assert len(await session.diagnostics(uri)) == 2

    config = tmp_path / "opsc-terms.toml"
    config.write_text('ignore = ["child-prostitute"]\n', encoding="utf-8")
    published = len(session.recorded.published[uri])
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]))
    assert set(severities(await session.republished(uri, published))) == {"child-pornography"}

    # Broken, then mended: reported, and checking carries on with the defaults.
    config.write_text("ignore = [\n", encoding="utf-8")
    published = len(session.recorded.published[uri])
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    assert len(await session.republished(uri, published)) == 2
    assert [m.type for m in session.client.messages] == [types.MessageType.Error]


async def test_rule_file_changes_rebuild_the_rules(session: Session, tmp_path: Path) -> None:
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
    await session.initialize(root=tmp_path)
    uri = session.open(tmp_path / "news.txt", "They ran a fake charity and a kiddie porn ring.\n")
    codes = {d.code for d in await session.diagnostics(uri)}
    assert "house-1" in codes

    rules.write_text(rule.format(n=2, term="fake charity"), encoding="utf-8")
    published = len(session.recorded.published[uri])
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=rules.as_uri(), type=types.FileChangeType.Changed)]))
    codes = {d.code for d in await session.republished(uri, published)}
    assert "house-2" in codes
    assert "house-1" not in codes


async def test_watchers_and_configuration_are_registered_where_the_client_allows(session: Session,
                                                                                 tmp_path: Path) -> None:
    await session.initialize(root=tmp_path)
    uri = session.open(tmp_path / "news.txt", SENTENCE)
    await session.diagnostics(uri)  # initialisation is over by now
    methods = {r.method for r in session.recorded.registrations}
    if session.client_name == "visual-studio-code":  # dynamic registration of both
        assert methods == {"workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration"}
    else:
        assert methods == set()
