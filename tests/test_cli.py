"""The check command through click's CliRunner: outputs, exit status, fixes, configuration, bad input."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_support import HOUSE_RULES, run
from click.testing import Result

PLAIN = "Police rescued three child prostitutes in the raid.\n"
CLEAN = "Police rescued three children who had been sexually exploited.\n"
MENTION = 'The report avoids the term "child pornography" throughout.\n'  # info only
WARNING_ONLY = "A loverboy recruited her.\n"  # a warning, no safe fix



def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def rules_of(result: Result) -> list[str]:
    return [line.split("[", 1)[1].split("]", 1)[0] for line in result.stdout.splitlines() if "[" in line]


# --------------------------------------------------------------------------- exit status


def test_clean_file_exits_zero(tmp: Path) -> None:
    write(tmp / "a.txt", CLEAN)
    result = run("check", "a.txt")
    assert result.exit_code == 0
    assert result.stdout == "No problems found in 1 file.\n"


def test_findings_exit_one(tmp: Path) -> None:
    write(tmp / "a.txt", PLAIN)
    assert run("check", "a.txt").exit_code == 1


@pytest.mark.parametrize(("text", "fail_on", "status"), [
    (MENTION, "warning", 0), (MENTION, "info", 1), (WARNING_ONLY, "warning", 1), (WARNING_ONLY, "error", 0),
    (PLAIN, "error", 1),
])
def test_fail_on(tmp: Path, text: str, fail_on: str, status: int) -> None:
    write(tmp / "a.txt", text)
    assert run("check", "--fail-on", fail_on, "a.txt").exit_code == status


def test_exit_zero_still_reports_unreadable_input(tmp: Path) -> None:
    write(tmp / "a.txt", PLAIN)
    assert run("check", "--exit-zero", "a.txt").exit_code == 0
    result = run("check", "--exit-zero", "a.txt", "missing.txt")
    assert result.exit_code == 2
    assert "opsc-terms: missing.txt: no such file or directory" in result.stderr


# --------------------------------------------------------------------------- output formats


def test_json_contract(tmp: Path) -> None:
    write(tmp / "docs" / "a.txt", PLAIN)
    result = run("check", "--format", "json", "docs")
    (finding,) = json.loads(result.stdout)
    assert list(finding) == ["path", "rule", "severity", "message", "line", "column", "end_line", "end_column",
                             "start", "end", "text", "replacements", "fix", "sources", "family", "category",
                             "context", "lang"]
    assert finding["path"] == str(Path("docs") / "a.txt")
    assert PLAIN[finding["start"]:finding["end"]] == finding["text"] == "child prostitutes"
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (1, 22, 1, 39)
    assert finding["fix"] == {"text": "children exploited in prostitution", "applicability": "safe", "note": None,
                              "edits": [{"start": 21, "end": 38, "text": "children exploited in prostitution"}]}
    assert finding["context"] is None
    assert finding["lang"] == "en"


def test_json_with_no_findings_is_an_empty_array(tmp: Path) -> None:
    write(tmp / "a.txt", CLEAN)
    assert json.loads(run("check", "--format", "json", "a.txt").stdout) == []


def test_concise_is_sorted_by_path_and_position(tmp: Path) -> None:
    write(tmp / "b.txt", "x\n" + PLAIN)
    write(tmp / "a.txt", PLAIN + MENTION)
    lines = run("check", "--format", "concise", "b.txt", "a.txt").stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["a.txt:1:22", "a.txt:2:29", "b.txt:2:22"]
    assert lines[0].startswith("a.txt:1:22: error [child-prostitute] Calling a child a prostitute makes")


def test_text_output(tmp: Path) -> None:
    write(tmp / "a.txt", "Intro line.\n" + PLAIN + MENTION)
    out = run("check", "a.txt").stdout
    assert "a.txt:2:22: error [child-prostitute]" in out
    lines = out.splitlines()
    source = lines.index("2 | Police rescued three child prostitutes in the raid.")
    underline = lines[source + 1]
    assert underline.index("^") == lines[source].index("child prostitutes")
    assert underline.count("^") == len("child prostitutes")
    assert "→ children exploited in prostitution (fixable)" in underline
    assert "Found 2 problems (1 error, 1 info) in 1 of 1 file checked." in out
    assert "1 can be fixed with --fix." in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_colour(tmp: Path) -> None:
    write(tmp / "a.txt", PLAIN)
    assert "\x1b[" in run("check", "--color", "always", "a.txt").stdout
    assert "\x1b[" not in run("check", "--color", "never", "a.txt").stdout
    assert "\x1b[" in run("check", "a.txt", env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[" not in run("check", "a.txt", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_text_output_shows_a_window_of_a_long_line(tmp: Path) -> None:
    write(tmp / "a.txt", "word " * 200 + "child prostitutes " + "word " * 200 + "\n")
    out = run("check", "a.txt").stdout
    source = next(line for line in out.splitlines() if line.startswith("1 | "))
    assert len(source) < 140
    assert source.startswith("1 | …")
    assert source.endswith("…")
    underline = out.splitlines()[out.splitlines().index(source) + 1]
    assert underline.index("^") == source.index("child prostitutes")


def test_quiet_text_output_has_no_summary(tmp: Path) -> None:
    write(tmp / "a.txt", CLEAN)
    assert run("check", "-q", "a.txt").stdout == ""


def test_github_annotations(tmp: Path) -> None:
    write(tmp / "a,b.txt", PLAIN + MENTION)
    lines = run("check", "--format", "github", "a,b.txt").stdout.splitlines()
    assert lines[0].startswith("::error file=a%2Cb.txt,line=1,col=22,endLine=1,endColumn=39,"
                               "title=opsc-terms [child-prostitute]::Calling a child a prostitute")
    assert lines[0].endswith("Fix: “children exploited in prostitution”.")
    assert lines[1].startswith("::notice file=a%2Cb.txt,line=2,col=29,")


def test_sarif_structure(tmp: Path) -> None:
    write(tmp / "docs" / "a b.txt", PLAIN + MENTION + WARNING_ONLY)
    log = json.loads(run("check", "--format", "sarif", "docs").stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "opsc-terms"
    assert driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == ["child-pornography", "child-prostitute", "loverboy"]  # only reported rules, sorted
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"].endswith("#" + rule["id"])
        assert "### Sources" in rule["help"]["markdown"]
        assert rule["help"]["text"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    results = sarif_run["results"]
    assert [r["level"] for r in results] == ["error", "note", "warning"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "docs/a%20b.txt"
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(physical["region"])
    fix = results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert fix["insertedContent"]["text"] == "children exploited in prostitution"
    assert fix["deletedRegion"]["startColumn"] == 22
    # No safe fix for this rule: its first replacement is offered, to be checked by a person.
    assert results[2]["properties"]["fix"]["applicability"] == "unsafe"
    assert "check the wording" in results[2]["fixes"][0]["description"]["text"]
    assert "fixes" not in results[1]  # a mention: advice only
    assert sarif_run["invocations"][0]["executionSuccessful"] is True


def test_sarif_records_unreadable_paths(tmp: Path) -> None:
    log = json.loads(run("check", "--format", "sarif", "missing.txt").stdout)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "no such file or directory"


# --------------------------------------------------------------------------- selection


def test_select_and_ignore_by_rule_and_family(tmp: Path) -> None:
    write(tmp / "a.txt", "Child prostitutes and child pornography and a loverboy.\n")
    assert rules_of(run("check", "--format", "concise", "a.txt")) == [
        "child-prostitute", "child-pornography", "loverboy"]
    assert rules_of(run("check", "--format", "concise", "--select", "material,loverboy", "a.txt")) == [
        "child-pornography", "loverboy"]
    assert rules_of(run("check", "--format", "concise", "--ignore", "prostitution", "--ignore", "loverboy",
                        "a.txt")) == ["child-pornography"]


def test_unknown_selector_is_a_usage_error(tmp: Path) -> None:
    write(tmp / "a.txt", PLAIN)
    result = run("check", "--select", "child-prostitue", "a.txt")
    assert result.exit_code == 2
    assert result.stderr == ("opsc-terms: unknown rule or family 'child-prostitue' in --select/--ignore; "
                             "did you mean 'child-prostitute'?\n")


def test_profile(tmp: Path) -> None:
    write(tmp / "a.txt", "The paedo was jailed.\n")
    assert run("check", "a.txt").exit_code == 0
    assert rules_of(run("check", "--format", "concise", "--profile", "media", "a.txt")) == ["paedo"]
    result = run("check", "--profile", "tabloid", "a.txt")
    assert result.exit_code == 2
    assert "unknown profile 'tabloid'" in result.stderr


# --------------------------------------------------------------------------- standard input


def test_stdin_dash_and_no_path(tmp: Path) -> None:
    for args in (["check", "--format", "concise", "-"], ["check", "--format", "concise"]):
        result = run(*args, input=PLAIN)
        assert result.exit_code == 1
        assert result.stdout.startswith("-:1:22: error [child-prostitute]")
        assert "paste the text" not in result.stderr  # only an interactive terminal gets the hint


def test_stdin_filename_picks_format_and_config(tmp: Path) -> None:
    write(tmp / "sub" / "opsc-terms.toml", 'ignore = ["material"]\n')
    text = "`child prostitutes` in code, child pornography in prose.\n"
    result = run("check", "--format", "concise", "--stdin-filename", "sub/page.md", input=text)
    assert result.stdout == ""  # code skipped as Markdown, the rest ignored by sub/opsc-terms.toml
    result = run("check", "--format", "concise", "--stdin-filename", "page.md", input=text)
    assert rules_of(result) == ["child-pornography"]
    assert result.stdout.startswith("page.md:1:")


def test_stdin_fix_prints_fixed_text_and_reports_on_stderr(tmp: Path) -> None:
    result = run("check", "--fix", "-", input=PLAIN + WARNING_ONLY)
    assert result.stdout == "Police rescued three children exploited in prostitution in the raid.\n" + WARNING_ONLY
    assert "[loverboy]" in result.stderr
    assert result.exit_code == 1


# --------------------------------------------------------------------------- fixes


def test_fix_in_place_and_idempotent(tmp: Path) -> None:
    path = write(tmp / "a.txt", "Before.\n" + PLAIN + WARNING_ONLY)
    result = run("check", "--fix", "--format", "concise", "a.txt")
    assert path.read_text(encoding="utf-8") == (
        "Before.\nPolice rescued three children exploited in prostitution in the raid.\n" + WARNING_ONLY)
    assert rules_of(result) == ["loverboy"]  # what is left, at its new position
    assert "Fixed 1 problem." in result.stderr
    once = path.read_bytes()
    second = run("check", "--fix", "a.txt")
    assert path.read_bytes() == once
    assert "Fixed" not in second.stdout


def test_fix_changes_nothing_outside_the_reported_spans(tmp: Path) -> None:
    text = ("  Odd   spacing\tand tabs,  CHILD PROSTITUTES  here;\r\nan underage prostitute, café ☕, "
            "child pornography.  \r\n\r\ntrailing   ")
    path = write(tmp / "a.txt", text)
    findings = json.loads(run("check", "--format", "json", "a.txt").stdout)
    run("check", "--fix", "a.txt")
    fixed = path.read_bytes().decode("utf-8")
    expected, cursor = [], 0
    for f in sorted(findings, key=lambda f: f["start"]):
        if f["fix"] is None or f["fix"]["applicability"] != "safe":
            continue
        expected += [text[cursor:f["start"]], f["fix"]["text"]]
        cursor = f["end"]
    assert fixed == "".join([*expected, text[cursor:]])
    assert "\r\n" in fixed
    assert "CHILDREN EXPLOITED IN PROSTITUTION" in fixed


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                               ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_fix_keeps_encoding_and_byte_order_mark(tmp: Path, encoding: str, bom: bytes) -> None:
    path = write(tmp / "a.txt", bom + PLAIN.replace("\n", "\r\n").encode(encoding))
    result = run("check", "--format", "json", "a.txt")
    assert json.loads(result.stdout)[0]["column"] == 22  # the mark is not a character of the text
    run("check", "--fix", "a.txt")
    data = path.read_bytes()
    assert data.startswith(bom)
    assert data[len(bom):].decode(encoding) == (
        "Police rescued three children exploited in prostitution in the raid.\r\n")


def test_fix_keeps_permissions_and_symlinks(tmp: Path) -> None:
    target = write(tmp / "real.txt", PLAIN)
    target.chmod(0o640)
    link = tmp / "link.txt"
    link.symlink_to(target)
    run("check", "--fix", "link.txt")
    assert link.is_symlink()
    assert "children exploited" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp.iterdir()) == ["link.txt", "real.txt"]  # no temporary file left


def test_fix_never_leaves_a_half_written_file(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp / "a.txt", PLAIN)

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run("check", "--fix", "a.txt")
    assert result.exit_code == 2
    assert "opsc-terms: a.txt: not fixed: cannot write the file (no space left on device)" in result.stderr
    assert path.read_text(encoding="utf-8") == PLAIN
    assert [p.name for p in tmp.iterdir()] == ["a.txt"]


def test_diff_writes_nothing(tmp: Path) -> None:
    path = write(tmp / "a.txt", PLAIN)
    result = run("check", "--diff", "a.txt")
    assert path.read_text(encoding="utf-8") == PLAIN
    assert result.stdout.splitlines() == [
        "--- a/a.txt", "+++ b/a.txt", "@@ -1 +1 @@", "-" + PLAIN.rstrip("\n"),
        "+Police rescued three children exploited in prostitution in the raid."]
    assert "Would fix 1 problem in 1 of 1 file." in result.stderr


def test_unsafe_fixes_apply_the_first_replacement(tmp: Path) -> None:
    path = write(tmp / "a.txt", WARNING_ONLY)
    run("check", "--fix", "a.txt")
    assert path.read_text(encoding="utf-8") == WARNING_ONLY
    result = run("check", "a.txt")
    assert "1 more with --fix --unsafe-fixes" in result.stdout
    run("check", "--fix", "--unsafe-fixes", "a.txt")
    assert path.read_text(encoding="utf-8") == "A trafficker recruited her.\n"


def test_unsafe_fixes_never_touch_mentions_or_markup(tmp: Path) -> None:
    path = write(tmp / "a.md", MENTION + "\nA **loverboy** and a love*boy* recruited her.\n")
    before = path.read_text(encoding="utf-8")
    run("check", "--fix", "--unsafe-fixes", "a.md")
    assert path.read_text(encoding="utf-8") == before.replace("**loverboy**", "**trafficker**")


@pytest.mark.parametrize("options", [["--fix", "--diff"], ["--write-baseline", "b.json", "--fix"]])
def test_conflicting_options(tmp: Path, options: list[str]) -> None:
    write(tmp / "a.txt", PLAIN)
    result = run("check", *options, "a.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("opsc-terms: ")
    assert (tmp / "a.txt").read_text(encoding="utf-8") == PLAIN


# --------------------------------------------------------------------------- configuration


def test_closest_configuration_wins(tmp: Path) -> None:
    text = "Child prostitutes and child pornography.\n"
    write(tmp / "pyproject.toml", '[project]\nname = "x"\n\n[tool.opsc-terms]\nignore = ["material"]\n')
    write(tmp / "top.txt", text)
    write(tmp / "a" / "opsc-terms.toml", 'ignore = ["prostitution"]\n')
    write(tmp / "a" / "mid.txt", text)
    write(tmp / "a" / "b" / ".opsc-terms.toml", "select = []\n")
    write(tmp / "a" / "b" / "deep.txt", text)
    out = run("check", "--format", "concise", ".").stdout.splitlines()
    assert [(line.split(":")[0], line.split("[")[1].split("]")[0]) for line in out] == [
        ("a/b/deep.txt", "child-prostitute"), ("a/b/deep.txt", "child-pornography"),
        ("a/mid.txt", "child-pornography"), ("top.txt", "child-prostitute")]
    # --config uses one file for everything; --isolated none at all.
    assert len(run("check", "--format", "concise", "--config", "a/opsc-terms.toml", ".").stdout.splitlines()) == 3
    assert len(run("check", "--format", "concise", "--isolated", ".").stdout.splitlines()) == 6


def test_configuration_keys(tmp: Path) -> None:
    write(tmp / "house.toml", HOUSE_RULES)
    write(tmp / "opsc-terms.toml", """\
profile = "media"
extend-rules = ["house.toml"]
allow = ["child prostitution"]
language = "en"

[severity]
child-prostitute = "info"
""")
    write(tmp / "a.txt", "A juvenile delinquent. The child prostitution statute. Child prostitutes. A paedo.\n")
    result = run("check", "--format", "json", "a.txt")
    assert [(f["rule"], f["severity"]) for f in json.loads(result.stdout)] == [
        ("house-delinquent", "warning"), ("child-prostitute", "info"), ("paedo", "error")]
    assert "## house-delinquent" in run("explain", "house-delinquent").stdout


@pytest.mark.parametrize(("content", "message"), [
    ('profile = "media\n', "opsc-terms.toml:1: invalid TOML"),
    ('profile = "default"\ncolour = "red"\n', "opsc-terms.toml:2: key 'colour': unknown setting"),
    ('\n\nselect = ["child-prostitue"]\n',
     "opsc-terms.toml:3: key 'select': unknown rule or family 'child-prostitue'; did you mean 'child-prostitute'?"),
    ('[severity]\nchild-prostitute = "fatal"\n', "opsc-terms.toml:2: key 'severity': child-prostitute = 'fatal'"),
    ('\nprofile = "tabloid"\n', "opsc-terms.toml:2: key 'profile': unknown profile 'tabloid'"),
    ('extend-rules = ["nowhere.toml"]\n', "opsc-terms.toml:1: key 'extend-rules': rule file not found"),
    ('extend-rules = ["bad.toml"]\n', "bad.toml: rule 'x': field 'category'"),
])
def test_broken_configuration_exits_two_naming_file_line_and_key(tmp: Path, content: str, message: str) -> None:
    write(tmp / "bad.toml", '[family]\ntitle = "T"\n[[rules]]\nid = "x"\ncategory = "sometimes"\n')
    write(tmp / "opsc-terms.toml", content)
    write(tmp / "a.txt", PLAIN)
    result = run("check", "a.txt")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("opsc-terms: ")
    assert message in result.stderr


def test_broken_pyproject_section_is_reported(tmp: Path) -> None:
    write(tmp / "pyproject.toml", '[tool.opsc-terms]\nselect = "child-prostitute\n')
    write(tmp / "a.txt", PLAIN)
    result = run("check", "a.txt")
    assert result.exit_code == 2
    assert "pyproject.toml:2: invalid TOML" in result.stderr


# --------------------------------------------------------------------------- discovery


def test_walk_skips_hidden_node_modules_and_unknown_suffixes(tmp: Path) -> None:
    for name in ("a.txt", "b.md", "c.rst", "d.html", "e.tex", ".hidden.txt", ".git/f.txt", "node_modules/g.md",
                 ".venv/h.txt", "notes.py", "sub/i.markdown"):
        write(tmp / name, PLAIN)
    result = run("check", "--format", "concise", ".")
    assert sorted({line.split(":")[0] for line in result.stdout.splitlines()}) == [
        "a.txt", "b.md", "c.rst", "d.html", "e.tex", "sub/i.markdown"]


def test_a_file_named_twice_is_checked_once(tmp: Path) -> None:
    write(tmp / "docs" / "a.txt", PLAIN)
    result = run("check", "--format", "concise", "docs/a.txt", "docs", "./docs/a.txt")
    assert len(result.stdout.splitlines()) == 1
    assert "in 1 of 1 file checked" in run("check", "docs/a.txt", "docs").stdout


def test_named_files_are_checked_whatever_their_suffix(tmp: Path) -> None:
    write(tmp / "notes.py", PLAIN)
    write(tmp / ".hidden.txt", PLAIN)
    assert run("check", "notes.py", ".hidden.txt").exit_code == 1


def test_include_and_exclude(tmp: Path) -> None:
    write(tmp / "opsc-terms.toml", 'include = ["*.txt", "*.prose"]\nexclude = ["drafts/", "old-*.txt"]\n')
    for name in ("a.txt", "b.prose", "c.md", "drafts/d.txt", "old-e.txt", "sub/drafts/f.txt", "sub/g.txt"):
        write(tmp / name, PLAIN)
    listed = {line.split(":")[0] for line in run("check", "--format", "concise", ".").stdout.splitlines()}
    assert listed == {"a.txt", "b.prose", "sub/g.txt"}
    # Named explicitly, an excluded file is checked, unless --force-exclude (as pre-commit uses).
    assert run("check", "old-e.txt").exit_code == 1
    forced = run("check", "--force-exclude", "old-e.txt", "drafts/d.txt")
    assert forced.exit_code == 0
    assert "No files checked." in forced.stdout


def test_gitignore(tmp: Path) -> None:
    (tmp / ".git").mkdir()
    write(tmp / ".gitignore", "build/\n*.log.txt\n!keep.log.txt\n")
    write(tmp / "docs" / ".gitignore", "generated-*.md\n")
    for name in ("a.txt", "build/b.txt", "c.log.txt", "keep.log.txt", "docs/generated-x.md", "docs/y.md"):
        write(tmp / name, PLAIN)
    listed = {line.split(":")[0] for line in run("check", "--format", "concise", ".").stdout.splitlines()}
    assert listed == {"a.txt", "keep.log.txt", "docs/y.md"}
    # A walk that starts inside the repository still honours the .gitignore above it.
    write(tmp / "build" / "inner" / "z.txt", PLAIN)
    assert run("check", "build").stdout == "No files checked.\n"
    everything = run("check", "--format", "concise", "--no-respect-gitignore", ".").stdout
    assert len({line.split(":")[0] for line in everything.splitlines()}) == 7


# --------------------------------------------------------------------------- bad input


def test_invalid_utf8_binary_and_empty_files(tmp: Path) -> None:
    write(tmp / "a.txt", PLAIN)
    write(tmp / "bad.txt", b"First line\nSecond \xff\xfe line\n")
    write(tmp / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp / "empty.txt", b"")
    result = run("check", "--format", "concise", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "opsc-terms: bad.txt: not valid UTF-8 at line 2 (byte 18); save the file as UTF-8",
        "opsc-terms: image.txt: a binary file, not text; skipped",
    ]
    assert rules_of(result) == ["child-prostitute"]  # the readable file is still checked


def test_empty_file_is_fine(tmp: Path) -> None:
    write(tmp / "empty.md", b"")
    result = run("check", "empty.md")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_missing_path(tmp: Path) -> None:
    result = run("check", "nope.txt", "nowhere/")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["opsc-terms: nope.txt: no such file or directory",
                                          "opsc-terms: nowhere: no such file or directory"]


def test_unlistable_folder(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp / "ok" / "a.txt", PLAIN)
    write(tmp / "locked" / "b.txt", PLAIN)
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("check", "--format", "concise", ".")
    assert result.exit_code == 2
    assert result.stderr == "opsc-terms: locked: permission denied: cannot list this folder\n"
    assert result.stdout.startswith("ok/a.txt:1:22:")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not apply to root")
def test_unreadable_folder_and_file_for_real(tmp: Path) -> None:
    write(tmp / "locked" / "b.txt", PLAIN)
    secret = write(tmp / "secret.txt", PLAIN)
    (tmp / "locked").chmod(0)
    secret.chmod(0)
    try:
        result = run("check", ".")
    finally:
        (tmp / "locked").chmod(0o755)
        secret.chmod(0o644)
    assert result.exit_code == 2
    assert "opsc-terms: locked: permission denied: cannot list this folder" in result.stderr
    assert "opsc-terms: secret.txt: permission denied" in result.stderr


def test_damaged_word_documents(tmp: Path) -> None:
    write(tmp / "locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    write(tmp / "broken.docx", b"PK\x03\x04" + b"garbage" * 20)
    result = run("check", "locked.docx", "broken.docx")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [  # in the order given on the command line
        "opsc-terms: locked.docx: an encrypted or old-format (.doc) Word file: save it as .docx without a password",
        "opsc-terms: broken.docx: not a Word document (.docx files are ZIP archives; this one is not)",
    ]


# --------------------------------------------------------------------------- parallel runs


def test_jobs_give_the_same_output(tmp: Path) -> None:
    for i in range(12):
        write(tmp / f"f{i:02}.txt", (CLEAN * i) + PLAIN + MENTION)
    serial = run("check", "--format", "json", ".")
    parallel = run("check", "--format", "json", "--jobs", "3", ".")
    assert parallel.stdout == serial.stdout
    assert len(json.loads(serial.stdout)) == 24
