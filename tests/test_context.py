"""Judgement per occurrence: titles, names, mentions, legal drafting, quotations, markup-free noise.

Each test sentence is written for this suite. "reported" means warning or error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import opsc_terms
from opsc_terms import load_builtin
from opsc_terms.cli import cli
from opsc_terms.context import DECISIONS
from opsc_terms.explain import rule_markdown


def judged(text: str, profile: str = "default") -> list[tuple[str, str, str | None]]:
    return [(f.text, f.severity, f.context) for f in opsc_terms.check(text, profile=profile)]


def reported(text: str, profile: str = "default") -> list[str]:
    return [f.text for f in opsc_terms.check(text, profile=profile) if f.severity in ("error", "warning")]


# --------------------------------------------------------------------------- official titles

@pytest.mark.parametrize("text", [
    "Sierra Leone ratified the Optional Protocol to the Convention on the Rights of the Child on the sale "
    "of children, child prostitution and child pornography in 2001.",
    "The Optional Protocol on the sale of children, child prostitution and child pornography applies.",
    "THE OPTIONAL PROTOCOL ON THE SALE OF CHILDREN, CHILD PROSTITUTION AND CHILD PORNOGRAPHY",
    "the Optional Protocol on the Sale of Children, Child Prostitution, and Child Pornography (OPSC)",
    "the optional protocol on the sale of children,child prostitution and child pornography",
    "the Optional Protocol to the Convention on the\nRights of the Child on the sale of children, child\n\n"
    "prostitution and child pornography, adopted in 2000,",
    "The Special Rapporteur on the sale of children, child prostitution and child pornography visited.",
    "**Report of the Special Rapporteur on the sale and sexual exploitation of\nchildren, including child "
    "prostitution, child pornography and other\nchild sexual abuse material**",
    "ECPAT stands for End Child Prostitution, Child Pornography and Trafficking of Children for Sexual Purposes.",
    "Banks joined the financial coalition against child pornography in 2006.",
    "The Anti-Child Pornography Act of 2009 created new offences.",
])
def test_official_titles_are_not_reported(text: str) -> None:
    assert reported(text) == []


def test_title_and_plain_use_in_one_sentence() -> None:
    text = ("Under the Optional Protocol on the sale of children, child prostitution and child pornography, "
            "States must prosecute child pornography offences.")
    found = judged(text)
    assert [(t, s) for t, s, _ in found] == [("child pornography", "error")]
    assert text.rindex("child pornography") == opsc_terms.check(text)[0].start


# --------------------------------------------------------------------------- proper names

@pytest.mark.parametrize(("text", "term"), [
    ("The state passed a Child Prostitution Prevention Act in 2004.", "Child Prostitution"),
    ("She joined the Child Prostitution Unit of the city police.", "Child Prostitution"),
    ("Members of the Paedophile Information Exchange (PIE) were later prosecuted.", "Paedophile"),
])
def test_proper_names_are_info(text: str, term: str) -> None:
    assert judged(text) == [(term, "info", "name")]


@pytest.mark.parametrize(("text", "term"), [
    ("Tonight's film, Paedophile Hunters: The Rise of the Vigilantes, follows three groups.", "Paedophile"),
    ("I watched 1938’s Child Bride last night.", "Child Bride"),
    ("Child Bride (1938) is still shown in film schools.", "Child Bride"),
    ("Child Bride was a government-funded film that toured rural cinemas.", "Child Bride"),
])
def test_titles_of_works_are_info(text: str, term: str) -> None:
    assert judged(text) == [(term, "info", "work")]


@pytest.mark.parametrize(("text", "term"), [
    ("Senate Passes Child Prostitution Prevention Act", "Child Prostitution"),
    ("Governor Signs Anti-Child Porn Law", "Child Porn"),
])
def test_names_in_title_case_headlines_need_a_name_word(text: str, term: str) -> None:
    """In a headline every word is capitalised, so only "Act" or "Anti-" can show a name."""
    assert judged(text) == [(term, "info", "name")]


@pytest.mark.parametrize("text", [
    "Being charged with Child Pornography can ruin a career.",
    "CHILD PORN RING BUSTED IN DAWN RAID",
    "Child Prostitutes Freed In Police Raid",
])
def test_capitals_alone_do_not_make_a_name(text: str) -> None:
    assert reported(text)


# --------------------------------------------------------------------------- mentions

@pytest.mark.parametrize("text", [
    "Many agencies now avoid the term 'child pornography'.",
    "Many agencies now avoid the term child pornography altogether.",
    "The so-called child sex tourism industry is a crime scene.",
    "The practice is sometimes referred to as “sextortion”.",
    "Such material is known as “child pornography” in older statutes.",
    "This is what the Optional Protocol calls “child pornography”.",
    "Hotlines remove child sexual abuse material (child pornography) every day.",
    "In many countries, child prostitution can be misleading as a label because adult sex work is legal.",
    "The Committee rejects terms such as “child prostitute” or “child sex worker”.",
    "The words “child porn,” and “kiddie porn,” appear in the chat logs.",
    "Reporters should stop using the terms child prostitution and child pornography.",
])
def test_mentions_are_info(text: str) -> None:
    found = judged(text)
    assert found, "the mention should still be noted"
    assert all(sev == "info" for _, sev, _ in found), found


@pytest.mark.parametrize(("text", "term"), [
    ("Police warn parents about the rise of ‘sextortion’ of teenagers.", "sextortion"),
    ("He denied possessing \"child pornography\" on his laptop.", "child pornography"),
])
def test_scare_quotes_around_a_use_still_flag(text: str, term: str) -> None:
    assert reported(text) == [term]


def test_use_and_mention_in_one_sentence_get_separate_decisions() -> None:
    """The use is still reported; in a sentence about the wording it is a warning, not an error."""
    text = "Child pornography is everywhere online, and the term “child pornography” hides the abuse."
    found = opsc_terms.check(text)
    assert [(f.severity, f.context) for f in found] == [("warning", "discussion"), ("info", "mention")]
    assert "not an error" in found[0].message
    assert not found[0].fixable()  # offered to a person, never applied by --fix
    assert found[1].fix is not None
    assert found[1].fix.applicability == "display-only"


def test_direct_quotation_is_info() -> None:
    text = 'The minister said: "We will not rest until every child prostitute in this city is safe."'
    assert judged(text) == [("child prostitute", "info", "quotation")]


# --------------------------------------------------------------------------- legal drafting

@pytest.mark.parametrize("text", [
    "In this Part, “child pornography” means any visual depiction of sexually explicit conduct involving a minor.",
    "In this Part, child pornography means any visual depiction of sexually explicit conduct involving a minor.",
    "Possession of child pornography as defined in article 2 (c) is an offence.",
    "Article 2 (c) of the Optional Protocol defines child pornography as any representation of a child.",
    "Article 3 (1) (b) of the Optional Protocol requires States to criminalise offering a child for child "
    "prostitution.",
    "18 U.S.C. § 2252A - certain activities relating to material constituting child pornography",
    "Under 18 U.S.C. § 2252, it is a crime to knowingly receive child pornography.",
    "Child prostitution is defined by the Optional Protocol as the use of a child for remuneration.",
])
def test_definitions_and_provisions_are_info(text: str) -> None:
    found = judged(text)
    assert found
    assert all(sev == "info" for _, sev, _ in found), found


def test_amendment_strikes_old_wording_and_checks_the_new() -> None:
    text = ("Section 4 is amended by striking “child pornography” and inserting “child sexual abuse material”, "
            "and by striking “juvenile prostitute” and inserting “child prostitute”.")
    found = judged(text)
    assert found == [("child pornography", "info", "amendment"), ("juvenile prostitute", "info", "amendment"),
                     ("child prostitute", "error", None)]


@pytest.mark.parametrize("text", [
    "Article 5: Child prostitution is prohibited in all its forms.",
    "Under article 7 of this Act, child prostitutes shall be treated as victims.",
])
def test_new_legislation_is_not_excused_by_its_own_article_numbers(text: str) -> None:
    assert reported(text)


# --------------------------------------------------------------------------- noise that is never reported

@pytest.mark.parametrize("text", [
    "See https://example.org/reports/child-pornography-trends.pdf for the data.",
    "Reports go to childporn-reports@example.org within a day.",
    "Join the #StopSextortion and #childprostitution campaigns.",
    "Visit www.example.org/sextortion/help for advice.",
])
def test_urls_emails_and_hashtags_never_warn(text: str) -> None:
    assert reported(text) == []


def test_two_occurrences_in_one_sentence() -> None:
    text = "The agency fights child prostitution and child pornography."
    found = opsc_terms.check(text)
    assert [(f.rule, f.severity) for f in found] == [("child-prostitution", "error"), ("child-pornography", "error")]
    assert [text[f.start:f.end] for f in found] == ["child prostitution", "child pornography"]


@pytest.mark.parametrize("text", [
    "Many reporters still say “child porn” when they mean abuse images.",
    "Editors should stop using “child pornography” in headlines.",
    "Child prostitution is an outdated term that blames the child.",
    "For this chapter, “child pornography” includes drawings of imaginary children.",
    "He was convicted of possessing child pornography (18 U.S.C. § 2252A) last year.",
    "Possessing child pornography under section 163.1 of the Criminal Code is an offence.",
])
def test_more_mentions_and_legal_references_are_info(text: str) -> None:
    found = judged(text)
    assert found
    assert all(sev == "info" for _, sev, _ in found), found


@pytest.mark.parametrize("text", [
    "Police say child porn was found on three laptops.",
    "The gang used child prostitutes to lure tourists.",
    "Child prostitution is a crime that shames the city.",
])
def test_unquoted_uses_near_those_cues_still_flag(text: str) -> None:
    assert reported(text)


# --------------------------------------------------------------------------- the table of decisions


def test_readme_documents_the_decisions_in_their_order() -> None:
    """rules/README.md lists the decisions in the order the judgement takes them."""
    readme = (Path(__file__).resolve().parents[1] / "rules" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How an occurrence is judged", 1)[1].split("\n## ", 1)[0]
    documented = [m.lower() for m in re.findall(r"^\d+\. \*\*([^*]+)\*\*", section, flags=re.MULTILINE)]
    assert documented == [d.name for d in DECISIONS]


def test_explain_prints_the_order_of_decisions() -> None:
    text = rule_markdown(load_builtin("en"), load_builtin("en").rule("child-prostitute"))
    positions = [text.index(f"{i}. {d.name} (") for i, d in enumerate(DECISIONS, start=1)]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("text", "context"), [
    ("He pleaded guilty to possessing child pornography.", "legal"),
    ("Child pornography is the visual depiction of a minor engaged in sexual conduct.", "defines"),
    ("Investigating Child Pornography: A Handbook for Officers", "heading"),
])
def test_capped_findings_are_warnings_that_say_why(text: str, context: str) -> None:
    [finding] = [f for f in opsc_terms.check(text) if f.rule == "child-pornography"]
    assert (finding.severity, finding.context) == ("warning", context)
    assert "A warning, not an error:" in finding.message
    assert finding.fix is not None
    assert finding.fix.applicability == "unsafe"  # offered to a person, never applied by --fix


def test_a_cap_that_changes_nothing_leaves_a_plain_use() -> None:
    """A rule that is a warning anyway keeps its plain-use finding (and its fix) in legal text."""
    [finding] = opsc_terms.check("He pleaded guilty to sextortion of three boys.")
    assert (finding.rule, finding.severity, finding.context) == ("sextortion", "warning", None)
    assert finding.fix is not None


@pytest.mark.parametrize(("name", "text"), [
    ("film.md", "I watched *Child Bride* again last night.\n"),
    ("film.md", "She reviewed [Child Bride](https://example.org/film) for the paper.\n"),
    ("film.html", "<p>We saw <i>Child Bride</i> at the festival.</p>\n"),
    ("film.txt", "We saw *Child Bride* at the festival.\n"),
])
def test_italics_and_link_text_mark_the_title_of_a_work(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--isolated", "--format", "json", "--exit-zero", str(path)])
    assert [(f["severity"], f["context"]) for f in json.loads(result.stdout)] == [("info", "work")]


def test_bold_is_stress_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "stress.md"
    path.write_text("Police found **Child Pornography** on every drive.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--isolated", "--format", "json", "--exit-zero", str(path)])
    assert [(f["severity"], f["context"]) for f in json.loads(result.stdout)] == [("error", None)]


def test_a_bad_regular_expression_in_the_cues_is_a_load_error(tmp_path: Path) -> None:
    from opsc_terms.ruleset import RuleLoadError, load_pack

    lang = tmp_path / "_language.toml"
    lang.write_text('[context]\nheading_labels = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(RuleLoadError, match=r"context\.heading_labels.*bad regular expression"):
        load_pack("en", [lang])


@pytest.mark.parametrize("text", [
    "The gang made “child pornography” in a rented flat.",
    "FBI warns parents of the growing threat of ‘sextortion’ of teens.",
    '"Child prostitutes," he said, "are everywhere."',
    "Staff must write “child sexual abuse material”, not “child pornography”.",
])
def test_words_inside_quotation_marks_are_never_fixed(text: str) -> None:
    """Scare quotes around a use are still reported, but no fix rewrites quoted words."""
    findings = opsc_terms.check(text)
    assert findings
    assert not any(f.fixable() for f in findings)
    assert opsc_terms.fix(text, findings) == text
