"""The README's command-line examples stay true: configuration, hooks, suppression comments."""

from __future__ import annotations

import re
from pathlib import Path

from cli_support import HOUSE_RULES

from opsc_terms import get_checker
from opsc_terms.config import load_config, validate_selectors
from opsc_terms.documents import parse_directive

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(language: str, after: str) -> str:
    start = README.index(after)
    m = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(README, start)
    assert m is not None
    return m.group(1)


def test_configuration_example_is_valid(tmp_path: Path) -> None:
    example = _block("toml", "## Configuration")
    rule_file = re.search(r'extend-rules = \["([^"]+)"\]', example)
    assert rule_file is not None
    house = tmp_path / rule_file.group(1)
    house.parent.mkdir(parents=True)
    house.write_text(HOUSE_RULES, encoding="utf-8")
    (tmp_path / "opsc-terms.toml").write_text(example, encoding="utf-8")
    config = load_config(tmp_path / "opsc-terms.toml")
    checker = get_checker(config)
    assert validate_selectors(config, checker.pack.rules) == []
    assert config.profile == "media"


def test_hook_ids_in_the_readme_exist() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    defined = set(re.findall(r"^- id: (\S+)", hooks, re.MULTILINE))
    mentioned = set(re.findall(r"- id: (\S+)", _block("yaml", "## pre-commit")))
    assert mentioned == defined == {"opsc-terms", "opsc-terms-docx"}


def test_suppression_comments_in_the_readme_parse() -> None:
    section = README[README.index("## Suppression"):README.index("### Adopting")]
    comments = re.findall(r"`((?:<!-- |\.\. |% )?opsc-terms: [^`]*?)(?: -->)?`", section)
    assert len(comments) >= 4
    for comment in comments:
        body = re.sub(r"^(?:<!-- |\.\. |% )", "", comment)
        assert parse_directive(body, 0) is not None, comment
