"""Rule data: the model, the TOML loader and its validation.

Rules are data (``rules/<lang>/*.toml``); this module turns them into frozen
objects and refuses anything malformed with a message that names the file, the
rule and the field. It never imports spaCy, so a run over clean text stays cheap.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, cast

Category = Literal["avoid", "care"]
Severity = Literal["error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
DEFAULT_SEVERITY: dict[str, Severity] = {"avoid": "error", "care": "warning"}
USES = ("person", "phenomenon", "material", "verb", "other")

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_RULE_KEYS = {
    "id", "category", "severity", "profiles", "terms", "patterns", "near", "exceptions", "message",
    "rationale", "sources", "replacements", "fix", "advice", "examples",
}
_EXAMPLE_KEYS = {"bad", "good", "fixed", "suggested"}

# Limits on what a rule or configuration file may ask for. Rule files can come from an
# organisation (extend-rules), and a pattern whose token classes multiply out, a huge
# repetition or a list of a million phrases would take the checker down (minutes of CPU,
# gigabytes of memory) before the first document is read. Each limit is far above what
# real rule data needs (the shipped rules use at most 9 expansions per pattern, 12 terms
# per rule and phrases of 33 characters).
MAX_FILE_BYTES = 4 * 1024 * 1024      # one rule or configuration file
MAX_RULES_PER_FILE = 1_000
MAX_LIST_ITEMS = 5_000                # terms, exceptions, class phrases, allow lists, ...
MAX_PHRASE_CHARS = 500                # one term, exception, class phrase or allowed phrase
MAX_PATTERNS_PER_RULE = 100
MAX_PATTERN_TOKENS = 32
MAX_PATTERN_EXPANSIONS = 256          # spaCy Matcher patterns one pattern compiles to
MAX_PHRASES_IN_ALL = 50_000           # terms and exceptions of every rule together
MAX_EXPANSIONS_IN_ALL = 5_000         # Matcher patterns of every rule together
MAX_REPEAT = 8                        # x{lo,hi}: hi, like a ~N gap


class RuleError(Exception):
    """A problem in rule or language data, located by file, rule id and field."""

    def __init__(self, path: str, message: str, *, rule: str | None = None, field: str | None = None,
                 line: int | None = None) -> None:
        self.path = path
        self.rule = rule
        self.field = field
        self.line = line
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        parts = [where]
        if rule:
            parts.append(f"rule {rule!r}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + ": " + message)


class RuleLoadError(Exception):
    """One or more :class:`RuleError`; the message lists them all, one per line."""

    def __init__(self, errors: Sequence[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Replacement:
    """A recommended wording, with the forms it takes in other places in a sentence.

    ``plural`` is given where number agreement matters. ``modifier`` is the form that can
    stand before a noun ("child sexual abuse material" charges); ``depicted`` the form
    beside a noun of depiction ("child sexual abuse" videos, images of "child sexual
    abuse"), where naming the material again would repeat it; ``forms`` maps the first word
    of a matched verb phrase (or the word before it and that word, "had prostituted") to
    the inflected replacement: one text, or a text for a singular and one for a plural
    subject. Without the form a place needs, the replacement is shown as advice only.
    """

    text: str
    use: str
    plural: str | None = None
    modifier: str | None = None
    depicted: str | None = None
    forms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    gender: str | None = None  # "m" or "f": the gender of the head noun, for determiners that agree
    feminine: str | None = None  # a person replacement said of a girl or a woman
    feminine_plural: str | None = None

    def form(self, plural: bool, feminine: bool = False) -> str:
        if feminine and plural and self.feminine_plural:
            return self.feminine_plural
        if feminine and not plural and self.feminine:
            return self.feminine
        return self.plural if plural and self.plural else self.text

    def verb_form(self, key: str) -> tuple[str, ...] | None:
        for k, v in self.forms:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class Examples:
    """``bad`` must be flagged, ``good`` must not; ``fixed`` is each bad example after
    ``--fix`` and ``suggested`` after ``--fix --unsafe-fixes`` (the leading suggestion
    applied wherever it may be)."""

    bad: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    suggested: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    language: str
    category: Category
    severity: Severity
    profiles: tuple[str, ...]
    terms: tuple[str, ...]
    patterns: tuple[str, ...]
    near: str | None
    exceptions: tuple[str, ...]
    message: str
    rationale: str
    sources: tuple[str, ...]
    replacements: tuple[Replacement, ...]
    fix: Replacement | None
    examples: Examples
    path: str = field(compare=False)
    advice: bool = False  # replacements are shown as advice, never offered as edits

    @property
    def preferred(self) -> Replacement | None:
        """The first replacement to offer: the safe fix when there is one."""
        if self.fix is not None:
            return self.fix
        return self.replacements[0] if self.replacements else None


@dataclass(frozen=True)
class Family:
    id: str
    language: str
    title: str
    description: str
    path: str


@dataclass(frozen=True)
class Title:
    """An official title or proper name whose wording contains discouraged terms."""

    name: str
    kind: str
    match: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    extends: str | None
    severity: Mapping[str, Severity]


@dataclass(frozen=True)
class ContextCues:
    """Wording around a term that changes what an occurrence is (see rules/README.md)."""

    # Phrases (compared word by word after normalisation, like terms).
    mention_before: tuple[str, ...] = ()
    mention_quoted_before: tuple[str, ...] = ()
    mention_quoted_after: tuple[str, ...] = ()
    mention_nouns: tuple[str, ...] = ()
    mention_after: tuple[str, ...] = ()
    calling_before: tuple[str, ...] = ()
    calling_object_verbs: tuple[str, ...] = ()
    as_verbs: tuple[str, ...] = ()
    redirect_after: tuple[str, ...] = ()
    guidance_before: tuple[str, ...] = ()
    guidance_imperative: tuple[str, ...] = ()
    wording_words: tuple[str, ...] = ()
    contrast_before: tuple[str, ...] = ()
    contrast_after: tuple[str, ...] = ()
    preference_before: tuple[str, ...] = ()
    preference_words: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()
    reframing_nouns: tuple[str, ...] = ()
    denial_before: tuple[str, ...] = ()
    attribution_verbs: tuple[str, ...] = ()
    definition_before: tuple[str, ...] = ()
    definition_after: tuple[str, ...] = ()
    definition_after_quoted: tuple[str, ...] = ()
    definition_links: tuple[str, ...] = ()
    amendment_before: tuple[str, ...] = ()
    insertion_before: tuple[str, ...] = ()
    charge_before: tuple[str, ...] = ()
    charge_after: tuple[str, ...] = ()
    charge_verbs: tuple[str, ...] = ()
    charge_prepositions: tuple[str, ...] = ()
    offence_verbs: tuple[str, ...] = ()
    legal_provisions: tuple[str, ...] = ()
    legal_attribution: tuple[str, ...] = ()
    law_nouns: tuple[str, ...] = ()
    provision_leads: tuple[str, ...] = ()
    clinical_terms: tuple[str, ...] = ()
    clinical_before: tuple[str, ...] = ()
    clinical_after: tuple[str, ...] = ()
    work_before: tuple[str, ...] = ()
    work_nouns: tuple[str, ...] = ()
    name_heads: tuple[str, ...] = ()
    name_before: tuple[str, ...] = ()
    name_prefixes: tuple[str, ...] = ()
    # Single words.
    copulas: tuple[str, ...] = ()
    conjunctions: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()
    object_pronouns: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()
    wording_determiners: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    as_words: tuple[str, ...] = ()
    instrument_links: tuple[str, ...] = ()
    prepositions: tuple[str, ...] = ()
    small_words: tuple[str, ...] = ()
    # Regular expressions (case-insensitive).
    citations: tuple[str, ...] = ()
    citation_instruments: tuple[str, ...] = ()
    heading_labels: tuple[str, ...] = ()
    list_markers: tuple[str, ...] = ()


# Cue lists that hold regular expressions rather than phrases.
REGEX_CUES = frozenset({"citations", "citation_instruments", "heading_labels", "list_markers"})


@dataclass(frozen=True)
class Document:
    """A cited document: used to render a source such as "CRC/C/156, para. 55" with its title."""

    key: str
    title: str
    url: str | None


@dataclass(frozen=True)
class Grammar:
    """What matching words and rendering a replacement in place need to know about the language
    (see rules/README.md, "Grammar")."""

    renderer: str = "en"  # the per-language module that rewrites determiners (opsc_terms/renderers/)
    # The head noun comes first and its modifiers after it ("pornographie infantile"): a term
    # then never describes the noun that follows it, and its number is its first word's.
    head_first: bool = False
    depiction_links: tuple[str, ...] = ("of",)  # "images of <term>": the word between the noun and the term
    feminine_endings: tuple[str, ...] = ()  # endings of words that speak of a girl ("prostituée", "niña")
    postmodifiers: tuple[str, ...] = ()
    small_title_words: tuple[str, ...] = ()
    depiction_nouns: tuple[str, ...] = ()
    conjunctions: tuple[str, ...] = ()
    after_noun: tuple[str, ...] = ()
    singular_pronouns: tuple[str, ...] = ()
    plural_pronouns: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()  # determiners (one or two words) a replacement may have to change
    vowel_h_words: tuple[str, ...] = ()  # words that start with a mute "h" and take elision
    agreeing_verbs: tuple[str, ...] = ()  # after the term, a verb whose participle agrees with it
    plural_suffixes: tuple[str, ...] = ("s",)  # endings of plurals the lookup table does not list
    singular_endings: tuple[str, ...] = ("ss", "us", "is")  # endings that look plural but are not
    irregular_plurals: tuple[str, ...] = ()  # plurals without such an ending ("children", "women")
    age_words: tuple[str, ...] = ()  # numbers from one to seventeen written as words (for #age)
    abbreviations: tuple[str, ...] = ()  # words before a full stop that does not end a sentence


@dataclass(frozen=True)
class LanguageData:
    language: str
    variants: Mapping[str, str]
    classes: Mapping[str, tuple[str, ...]]
    context: ContextCues
    titles: tuple[Title, ...]
    profiles: Mapping[str, Profile]
    documents: tuple[Document, ...]
    grammar: Grammar = Grammar()
    stop_words: frozenset[str] = frozenset()  # frequent function words, to detect the language
    labels: Mapping[str, str] = field(default_factory=dict)  # explanation texts in the language ([explain])


@dataclass(frozen=True)
class RulePack:
    """Everything known about one language: its language data, families and rules."""

    language: LanguageData
    families: tuple[Family, ...]
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def profile_chain(self, profile: str) -> list[str]:
        """The profile and every profile it extends, nearest first."""
        chain: list[str] = []
        name: str | None = profile
        while name is not None:
            if name in chain:
                break
            if name not in self.language.profiles:
                raise KeyError(name)
            chain.append(name)
            name = self.language.profiles[name].extends
        return chain

    def rules_for(self, profile: str) -> tuple[Rule, ...]:
        chain = set(self.profile_chain(profile))
        return tuple(r for r in self.rules if chain.intersection(r.profiles))

    def severity_for(self, rule: Rule, profile: str) -> Severity:
        """The rule's severity under a profile: the nearest profile override wins."""
        for name in self.profile_chain(profile):
            override = self.language.profiles[name].severity.get(rule.id)
            if override is not None:
                return override
        return rule.severity

    def document_for(self, source: str) -> Document | None:
        for doc in self.language.documents:
            if source.startswith(doc.key):
                return doc
        return None


# --------------------------------------------------------------------------- loading


def available_languages() -> list[str]:
    root = resources.files("opsc_terms.rules")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


@cache
def load_builtin(language: str = "en") -> RulePack:
    """The rule pack shipped with the package (cached per process)."""
    return load_language(language)


def load_language(language: str, extra: Iterable[Path] = ()) -> RulePack:
    """The shipped rules for ``language`` plus an organisation's own rule files."""
    root = resources.files("opsc_terms.rules") / language
    # A language is a folder name of the package, never a path ("../../etc").
    if language not in available_languages():
        known = ", ".join(available_languages()) or "none"
        raise RuleLoadError([RuleError(f"rules/{language}", f"no rules for language {language!r} "
                                                             f"(available: {known})")])
    return load_pack(language, [root / name for name in sorted(p.name for p in root.iterdir())],
                     display_root=f"rules/{language}", extra=extra)


def load_pack(language: str, files: Iterable[Traversable | Path], *, display_root: str | None = None,
              extra: Iterable[Path] = ()) -> RulePack:
    """Load a language's data files plus any organisation rule files in ``extra``.

    Files whose name starts with ``_`` hold language data (word variants, token classes,
    context cues, titles, profiles); every other ``*.toml`` is one rule family.
    """
    errors: list[RuleError] = []
    raw_language: dict[str, Any] = {}
    family_docs: list[tuple[str, dict[str, Any]]] = []
    for item in files:
        if not item.name.endswith(".toml"):
            continue
        shown = f"{display_root}/{item.name}" if display_root else str(item)
        data = _read_toml(item, shown, errors)
        if data is None:
            continue
        if item.name.startswith("_"):
            _merge_language(raw_language, data, shown, errors)
        else:
            family_docs.append((shown, data))
    for path in extra:
        data = _read_toml(path, str(path), errors)
        if data is not None:
            family_docs.append((str(path), data))

    lang = _build_language(language, raw_language, errors)
    families: list[Family] = []
    rules: list[Rule] = []
    for shown, data in family_docs:
        family = _build_family(language, shown, data, errors)
        if family is None:
            continue
        families.append(family)
        raw_rules = _as_list(data.get("rules", []))
        if len(raw_rules) > MAX_RULES_PER_FILE:
            errors.append(RuleError(shown, f"{len(raw_rules)} rules; a family file holds at most "
                                           f"{MAX_RULES_PER_FILE}", field="rules"))
            continue
        for index, raw in enumerate(raw_rules):
            rule = _build_rule(raw, index, family, shown, lang, errors)
            if rule is not None:
                rules.append(rule)

    _check_totals(rules, lang, errors)
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            errors.append(RuleError(rule.path, f"duplicate rule id (also in {seen[rule.id].path})",
                                    rule=rule.id, field="id"))
        seen[rule.id] = rule
    family_ids: dict[str, str] = {}
    for fam in families:
        if fam.id in family_ids and family_ids[fam.id] != fam.path:
            errors.append(RuleError(fam.path, f"duplicate family id {fam.id!r} (also in {family_ids[fam.id]})",
                                    field="family.id"))
        family_ids[fam.id] = fam.path
    if errors:
        raise RuleLoadError(errors)
    return RulePack(lang, tuple(families), tuple(rules))


def _check_totals(rules: Sequence[Rule], lang: LanguageData, errors: list[RuleError]) -> None:
    """Limits on all rules together: each list may be within its limit and the sum not.

    The rule that goes over is named; it is usually in the file that was added last.
    """
    phrases = expansions = 0
    for rule in rules:
        phrases += len(rule.terms) + len(rule.exceptions)
        if phrases > MAX_PHRASES_IN_ALL:
            errors.append(RuleError(rule.path, f"the rule files hold more than {MAX_PHRASES_IN_ALL} terms and "
                                               "exceptions in all", rule=rule.id, field="terms"))
            return
        expansions += sum(pattern_expansions(parse_pattern(p), lang.classes) for p in rule.patterns)
        if expansions > MAX_EXPANSIONS_IN_ALL:
            errors.append(RuleError(rule.path, f"the patterns of all rules expand to more than "
                                               f"{MAX_EXPANSIONS_IN_ALL} token patterns", rule=rule.id,
                                    field="patterns"))
            return


def _read_toml(item: Traversable | Path, shown: str, errors: list[RuleError]) -> dict[str, Any] | None:
    try:
        with item.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        errors.append(RuleError(shown, f"cannot read: {exc.strerror or exc}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        errors.append(RuleError(shown, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: too large for a rule file"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(RuleError(shown, f"not UTF-8 (byte {exc.start})"))
        return None
    try:
        return parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_error(exc, text)
        errors.append(RuleError(shown, f"invalid TOML: {message}", line=line))
        return None


def _merge_language(target: dict[str, Any], data: dict[str, Any], shown: str, errors: list[RuleError]) -> None:
    for key, value in data.items():
        if key not in {"variants", "classes", "context", "titles", "profiles", "documents", "grammar", "detection",
                       "explain"}:
            errors.append(RuleError(shown, "unknown top-level key", field=key))
            continue
        if key in ("titles", "documents"):
            target.setdefault(key, []).extend((shown, v) for v in _as_list(value))
        else:
            if not isinstance(value, dict):
                errors.append(RuleError(shown, "must be a table", field=key))
                continue
            target.setdefault(key, {}).update({k: (shown, v) for k, v in value.items()})


def _build_language(language: str, raw: dict[str, Any], errors: list[RuleError]) -> LanguageData:
    variants: dict[str, str] = {}
    for key, (shown, value) in raw.get("variants", {}).items():
        if not isinstance(value, str) or not value:
            errors.append(RuleError(shown, "a variant maps one word to one word", field=f"variants.{key}"))
            continue
        variants[key.lower()] = value.lower()

    classes: dict[str, tuple[str, ...]] = {}
    class_files: dict[str, str] = {}
    for key, (shown, value) in raw.get("classes", {}).items():
        items = _string_list(value)
        if items is None or not items:
            errors.append(RuleError(shown, "a class is a non-empty list of phrases", field=f"classes.{key}"))
            continue
        problem = list_problem(items)
        if problem:
            errors.append(RuleError(shown, problem, field=f"classes.{key}"))
            continue
        classes[key] = tuple(items)
        class_files[key] = shown
    for key, phrases in classes.items():
        for phrase in phrases:
            problems = pattern_problems(phrase, classes, whole=False)
            if problems:
                errors.append(RuleError(class_files[key], f"{phrase!r}: {problems[0]}", field=f"classes.{key}"))
                break

    cue_kwargs: dict[str, tuple[str, ...]] = {}
    cue_fields = set(ContextCues.__dataclass_fields__)
    for key, (shown, value) in raw.get("context", {}).items():
        items = _string_list(value)
        if key not in cue_fields:
            errors.append(RuleError(shown, "unknown context cue list", field=f"context.{key}"))
        elif items is None:
            errors.append(RuleError(shown, "must be a list of strings", field=f"context.{key}"))
        else:
            if key in REGEX_CUES:
                for pattern in items:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        errors.append(RuleError(shown, f"bad regular expression {pattern!r}: {exc}",
                                                field=f"context.{key}"))
            cue_kwargs[key] = tuple(items)

    titles: list[Title] = []
    for shown, value in raw.get("titles", []):
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            errors.append(RuleError(shown, "each title needs a name", field="titles"))
            continue
        match = _string_list(value.get("match", [value["name"]]))
        if not match:
            errors.append(RuleError(shown, f"title {value['name']!r} needs a non-empty match list",
                                    field="titles.match"))
            continue
        titles.append(Title(value["name"], str(value.get("kind", "name")), tuple(match), str(value.get("source", ""))))

    profiles: dict[str, Profile] = {}
    for key, (shown, value) in raw.get("profiles", {}).items():
        if not isinstance(value, dict):
            errors.append(RuleError(shown, "must be a table", field=f"profiles.{key}"))
            continue
        sev = value.get("severity", {})
        bad = [k for k, v in sev.items() if v not in SEVERITIES] if isinstance(sev, dict) else ["?"]
        if bad:
            errors.append(RuleError(shown, f"severity must be one of {', '.join(SEVERITIES)}",
                                    field=f"profiles.{key}.severity"))
            continue
        profiles[key] = Profile(key, str(value.get("description", "")), value.get("extends"),
                                cast(dict[str, Severity], dict(sev)))
    if "default" not in profiles:
        profiles["default"] = Profile("default", "", None, {})
    for prof in profiles.values():
        if prof.extends is not None and prof.extends not in profiles:
            errors.append(RuleError(f"rules/{language}", f"profile {prof.name!r} extends unknown profile "
                                                         f"{prof.extends!r}", field="profiles"))

    grammar_kwargs: dict[str, Any] = {}
    grammar_fields = set(Grammar.__dataclass_fields__)
    for key, (shown, value) in raw.get("grammar", {}).items():
        items = _string_list(value)
        if key not in grammar_fields:
            errors.append(RuleError(shown, "unknown grammar list", field=f"grammar.{key}"))
        elif key == "head_first":
            if not isinstance(value, bool):
                errors.append(RuleError(shown, "must be true or false", field="grammar.head_first"))
            else:
                grammar_kwargs[key] = value
        elif key == "renderer":
            from .renderers import RENDERERS

            if value not in RENDERERS:
                errors.append(RuleError(shown, f"unknown renderer {value!r} (known: {', '.join(sorted(RENDERERS))})",
                                        field="grammar.renderer"))
            else:
                grammar_kwargs[key] = value
        elif items is None:
            errors.append(RuleError(shown, "must be a list of strings", field=f"grammar.{key}"))
        else:
            grammar_kwargs[key] = tuple(w.lower() for w in items)

    stop_words: frozenset[str] = frozenset()
    for key, (shown, value) in raw.get("detection", {}).items():
        items = _string_list(value)
        if key == "letters":
            if not isinstance(value, str):
                errors.append(RuleError(shown, "must be a string of letters", field="detection.letters"))
            continue
        if key != "stop_words":
            errors.append(RuleError(shown, "unknown key (expected stop_words, letters)", field=f"detection.{key}"))
        elif items is None:
            errors.append(RuleError(shown, "must be a list of strings", field="detection.stop_words"))
        else:
            stop_words = frozenset(w.lower() for w in items)

    documents: list[Document] = []
    for shown, value in raw.get("documents", []):
        if not isinstance(value, dict) or not isinstance(value.get("key"), str) or not value.get("title"):
            errors.append(RuleError(shown, "each document needs a key and a title", field="documents"))
            continue
        documents.append(Document(value["key"], str(value["title"]), value.get("url")))
    # Longer keys first so "CRC/C/156" is not shadowed by a shorter prefix.
    documents.sort(key=lambda d: -len(d.key))

    labels: dict[str, str] = {}
    for key, (shown, value) in raw.get("explain", {}).items():
        if not isinstance(value, str):
            errors.append(RuleError(shown, "must be text", field=f"explain.{key}"))
        else:
            labels[key] = value

    return LanguageData(language, variants, classes, ContextCues(**cue_kwargs), tuple(titles), profiles,
                        tuple(documents), Grammar(**grammar_kwargs), stop_words, labels)


def _build_family(language: str, shown: str, data: dict[str, Any], errors: list[RuleError]) -> Family | None:
    unknown = set(data) - {"family", "rules"}
    for key in sorted(unknown):
        errors.append(RuleError(shown, "unknown top-level key (expected [family] and [[rules]])", field=key))
    fam = data.get("family", {})
    if not isinstance(fam, dict):
        errors.append(RuleError(shown, "must be a table", field="family"))
        return None
    stem = Path(shown).stem
    fam_id = fam.get("id", stem)
    if not isinstance(fam_id, str) or not _ID_RE.match(fam_id):
        errors.append(RuleError(shown, f"family id {fam_id!r} must be kebab-case", field="family.id"))
        return None
    if "rules" not in data:
        errors.append(RuleError(shown, "a family file needs at least one [[rules]] entry", field="rules"))
        return None
    return Family(fam_id, language, str(fam.get("title", fam_id)), str(fam.get("description", "")), shown)


def _build_rule(raw: Any, index: int, family: Family, shown: str, lang: LanguageData,
                errors: list[RuleError]) -> Rule | None:
    if not isinstance(raw, dict):
        errors.append(RuleError(shown, f"rules[{index}] must be a table"))
        return None
    rule_id = raw.get("id")
    label = rule_id if isinstance(rule_id, str) else f"rules[{index}]"
    before = len(errors)

    def err(fld: str, message: str) -> None:
        errors.append(RuleError(shown, message, rule=label, field=fld))

    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        err("id", "needs a kebab-case id such as 'child-prostitute'")
    for key in sorted(set(raw) - _RULE_KEYS):
        err(key, "unknown field")

    category = raw.get("category")
    if category not in DEFAULT_SEVERITY:
        err("category", "must be 'avoid' or 'care'")
        category = "care"
    severity = raw.get("severity", DEFAULT_SEVERITY[category])
    if severity not in SEVERITIES:
        err("severity", f"must be one of {', '.join(SEVERITIES)}")
        severity = DEFAULT_SEVERITY[category]
    profiles = _string_list(raw.get("profiles", ["default"]))
    if not profiles:
        err("profiles", "must be a non-empty list of profile names")
        profiles = ["default"]
    for name in profiles:
        if name not in lang.profiles:
            err("profiles", f"unknown profile {name!r} (known: {', '.join(sorted(lang.profiles))})")

    terms = _string_list(raw.get("terms", []))
    patterns = _string_list(raw.get("patterns", []))
    if terms is None:
        err("terms", "must be a list of strings")
        terms = []
    if patterns is None:
        err("patterns", "must be a list of strings")
        patterns = []
    if not terms and not patterns:
        err("terms", "a rule needs terms or patterns to match")
    if problem := list_problem(terms):
        err("terms", problem)
        terms = []
    if len(patterns) > MAX_PATTERNS_PER_RULE:
        err("patterns", f"{len(patterns)} patterns; a rule has at most {MAX_PATTERNS_PER_RULE} "
                        "(each pattern costs time on every candidate sentence)")
        patterns = []
    for pattern in patterns:
        for problem in pattern_problems(pattern, lang.classes):
            err("patterns", f"{_shorten(pattern)!r}: {problem}")
    near = raw.get("near")
    if near is not None and (not isinstance(near, str) or near.lstrip("@") not in lang.classes):
        err("near", f"must name a token class ({', '.join('@' + c for c in sorted(lang.classes))})")
        near = None
    exceptions = _string_list(raw.get("exceptions", []))
    if exceptions is None:
        err("exceptions", "must be a list of strings")
        exceptions = []
    if problem := list_problem(exceptions):
        err("exceptions", problem)
        exceptions = []

    for fld in ("message", "rationale"):
        if not isinstance(raw.get(fld), str) or not raw[fld].strip():
            err(fld, "is required and must be text")
    sources = _string_list(raw.get("sources", []))
    if not sources:
        err("sources", "every rule cites at least one source")
        sources = []

    replacements: list[Replacement] = []
    groups = raw.get("replacements", {})
    if not isinstance(groups, dict):
        err("replacements", "must be a table of use = [phrases]")
        groups = {}
    for use, items in groups.items():
        if use not in USES:
            err(f"replacements.{use}", f"unknown use (expected one of {', '.join(USES)})")
            continue
        for item in _as_list(items):
            if isinstance(item, str) and item.strip():
                replacements.append(Replacement(item, use))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                replacement = _replacement(item, use, functools.partial(_prefixed, err, f"replacements.{use}"))
                if replacement is not None:
                    replacements.append(replacement)
            else:
                err(f"replacements.{use}", "each replacement is text or {text = ..., plural = ...}")

    advice = raw.get("advice", False)
    if not isinstance(advice, bool):
        err("advice", "must be true or false")
        advice = False
    fix: Replacement | None = None
    raw_fix = raw.get("fix")
    if raw_fix is not None:
        fix = next((r for r in replacements if r.text == raw_fix), None)
        if fix is None:
            err("fix", f"{raw_fix!r} is not one of the rule's replacements")

    raw_examples = raw.get("examples", {})
    if not isinstance(raw_examples, dict):
        err("examples", "must be a table with bad, good, fixed and suggested lists")
        raw_examples = {}
    for key in sorted(set(raw_examples) - _EXAMPLE_KEYS):
        err(f"examples.{key}", "unknown example list (expected bad, good, fixed, suggested)")
    ex: dict[str, tuple[str, ...]] = {}
    for key in sorted(_EXAMPLE_KEYS):
        items = _string_list(raw_examples.get(key, []))
        if items is None:
            err(f"examples.{key}", "must be a list of strings")
            items = []
        ex[key] = tuple(items)
    if not ex["bad"]:
        err("examples.bad", "every rule needs at least one example that must be flagged")
    if not ex["good"]:
        err("examples.good", "every rule needs at least one example that must not be flagged")
    for key in ("fixed", "suggested"):
        if ex[key] and len(ex[key]) != len(ex["bad"]):
            err(f"examples.{key}", f"has {len(ex[key])} entries; it pairs with examples.bad "
                                   f"({len(ex['bad'])} entries)")
    if fix is not None and advice:
        err("fix", "a rule whose replacements are advice cannot have a safe fix")
    if fix is not None and not ex["fixed"]:
        err("examples.fixed", "a rule with a safe fix shows what the fix produces")

    if len(errors) > before:
        return None
    return Rule(
        id=cast(str, rule_id), family=family.id, language=family.language, category=cast(Category, category),
        severity=cast(Severity, severity), profiles=tuple(profiles), terms=tuple(terms),
        patterns=tuple(patterns), near=near.lstrip("@") if near else None, exceptions=tuple(exceptions),
        message=raw["message"].strip(), rationale=_dedent(raw["rationale"]), sources=tuple(sources),
        replacements=tuple(replacements), fix=fix,
        examples=Examples(ex["bad"], ex["good"], ex["fixed"], ex["suggested"]), path=shown, advice=advice,
    )


_REPLACEMENT_KEYS = {"text", "plural", "modifier", "depicted", "forms", "gender", "feminine", "feminine_plural"}


def _prefixed(err: Callable[[str, str], None], fld: str, message: str) -> None:
    err(fld, message)


def _replacement(item: dict[str, Any], use: str, err: Callable[[str], None]) -> Replacement | None:
    for key in sorted(set(item) - _REPLACEMENT_KEYS):
        err(f"unknown key {key!r} (expected {', '.join(sorted(_REPLACEMENT_KEYS))})")
        return None
    values: dict[str, str | None] = {}
    for key in ("plural", "modifier", "depicted", "feminine", "feminine_plural"):
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            err(f"{key} must be text")
            return None
        values[key] = value
    forms: list[tuple[str, tuple[str, ...]]] = []
    raw_forms = item.get("forms", {})
    if not isinstance(raw_forms, dict):
        err("forms must be a table of word = form (or word = [singular, plural])")
        return None
    for key, value in raw_forms.items():
        texts = [value] if isinstance(value, str) else value
        if (not isinstance(texts, list) or not 1 <= len(texts) <= 2
                or not all(isinstance(t, str) and t.strip() for t in texts)):
            err(f"forms.{key}: one form, or [singular, plural]")
            return None
        forms.append((key.lower(), tuple(texts)))
    gender = item.get("gender")
    if gender is not None and gender not in ("m", "f"):
        err("gender must be \"m\" or \"f\"")
        return None
    return Replacement(item["text"], use, values["plural"], values["modifier"], values["depicted"], tuple(forms),
                       gender, values["feminine"], values["feminine_plural"])


# --------------------------------------------------------------------------- pattern syntax

# The pattern language is documented in rules/README.md. It is parsed here (to validate
# data without spaCy) and compiled to spaCy Matcher patterns in engine.py.

_QUANT_RE = re.compile(r"^(?P<body>.+?)(?P<quant>\?|\{\d+,\d+\})?$")
_BUILTINS = {"#age", "%punct", "%any", "%num", "%stop"}


@dataclass(frozen=True)
class PatternToken:
    kind: Literal["words", "exact", "not", "class", "builtin", "gap"]
    values: tuple[str, ...]
    optional: bool = False
    repeat: tuple[int, int] | None = None
    focus: bool = True


def parse_pattern(pattern: str) -> list[PatternToken]:
    """Parse one pattern string. Raises ValueError with a readable reason."""
    tokens: list[PatternToken] = []
    parts = pattern.split()
    if len(parts) > MAX_PATTERN_TOKENS:
        raise ValueError(f"{len(parts)} elements; a pattern has at most {MAX_PATTERN_TOKENS}")
    has_focus = "[" in parts
    in_focus = not has_focus
    saw_open = saw_close = False
    for part in parts:
        if part == "[":
            if saw_open:
                raise ValueError("only one [ ... ] focus is allowed")
            saw_open, in_focus = True, True
            continue
        if part == "]":
            if not saw_open or saw_close:
                raise ValueError("']' without '['")
            saw_close, in_focus = True, False
            continue
        if part.startswith("~"):
            try:
                count = int(part[1:]) if len(part) <= 4 else MAX_REPEAT + 1
            except ValueError:
                raise ValueError(f"gap {part!r} must be ~N with N a number") from None
            if not 1 <= count <= MAX_REPEAT:
                raise ValueError("a gap spans 1 to 8 words")
            tokens.append(PatternToken("gap", (), repeat=(0, count), focus=in_focus))
            continue
        m = _QUANT_RE.match(part)
        assert m is not None
        body, quant = m.group("body"), m.group("quant")
        optional = quant == "?"
        repeat = None
        if quant and quant.startswith("{"):
            # Digits are checked before int(): a thousand-digit count is refused, not parsed.
            lo_text, hi_text = quant[1:-1].split(",")
            if len(lo_text) > 3 or len(hi_text) > 3 or int(hi_text) > MAX_REPEAT:
                raise ValueError(f"repeat {_shorten(quant)} is too large (at most {{0,{MAX_REPEAT}}})")
            lo, hi = int(lo_text), int(hi_text)
            if lo > hi:
                raise ValueError(f"bad repeat {quant}")
            repeat = (lo, hi)
        if body.startswith("@"):
            tokens.append(PatternToken("class", (body[1:],), optional, repeat, in_focus))
        elif body in _BUILTINS:
            tokens.append(PatternToken("builtin", (body,), optional, repeat, in_focus))
        elif body.startswith("="):
            words = tuple(w.lower() for w in body[1:].split("|") if w)
            if not words:
                raise ValueError(f"{part!r} names no words")
            tokens.append(PatternToken("exact", words, optional, repeat, in_focus))
        elif body.startswith("!"):
            words = tuple(w for w in body[1:].split("|") if w)
            if not words:
                raise ValueError(f"{part!r} names no words")
            tokens.append(PatternToken("not", words, optional, repeat, in_focus))
        else:
            words = tuple(w for w in body.split("|") if w)
            if not words or any(not re.match(r"^[\w'’.-]+$", w) for w in words):
                raise ValueError(f"{part!r} is not a word, a|b alternation, =exact form, @class, !negation, ~N gap "
                                 f"or one of {', '.join(sorted(_BUILTINS))}")
            tokens.append(PatternToken("words", words, optional, repeat, in_focus))
    if saw_open and not saw_close:
        raise ValueError("'[' without ']'")
    if not any(t.focus for t in tokens):
        raise ValueError("the [ ... ] focus is empty")
    if not any(t.kind in ("words", "exact", "class") and not t.optional and not t.repeat for t in tokens):
        raise ValueError("a pattern needs at least one required word or class")
    return tokens


def pattern_problems(pattern: str, classes: Mapping[str, Sequence[str]], *, whole: bool = True) -> list[str]:
    """What is wrong with a pattern (or, with ``whole=False``, a phrase of a token class)."""
    if len(pattern) > MAX_PHRASE_CHARS:
        return [f"longer than {MAX_PHRASE_CHARS} characters"]
    try:
        tokens = parse_pattern(pattern)
    except ValueError as exc:
        return [str(exc)]
    unknown = [f"unknown class @{t.values[0]}" for t in tokens if t.kind == "class" and t.values[0] not in classes]
    if unknown:
        return unknown
    try:
        count = pattern_expansions(tokens, classes)
    except ValueError as exc:
        return [str(exc)]
    if whole and count > MAX_PATTERN_EXPANSIONS:
        return [f"expands to more than {MAX_PATTERN_EXPANSIONS} token patterns (its classes and alternatives "
                "multiply out); split it or use fewer classes"]
    return []


def pattern_expansions(tokens: Sequence[PatternToken], classes: Mapping[str, Sequence[str]],
                       _within: tuple[str, ...] = ()) -> int:
    """How many spaCy token patterns a parsed pattern compiles to (see ``engine.Matchers.compile``).

    A class contributes one alternative per multi-word phrase plus one for all its single
    words, and the alternatives of the pattern's classes multiply. Counting stops just past
    the limit, so a hostile pattern costs no more to refuse than a reasonable one to accept.
    Raises ValueError for a class that contains itself.
    """
    total = 1
    for token in tokens:
        if token.kind != "class":
            continue
        total *= _class_expansions(token.values[0], classes, _within) + (1 if token.optional else 0)
        if total > MAX_PATTERN_EXPANSIONS:
            return total
    return total


def _class_expansions(name: str, classes: Mapping[str, Sequence[str]], within: tuple[str, ...]) -> int:
    if name in within:
        raise ValueError(f"class @{name} contains itself")
    if name not in classes:
        return 1  # reported as an unknown class where it is used
    singles = 0
    count = 0
    for phrase in classes[name]:
        parts = phrase.split()
        if len(parts) == 1 and not parts[0].startswith(("#", "%", "!", "@")) and "|" not in parts[0]:
            singles = 1
            continue
        try:
            tokens = parse_pattern(phrase)
        except ValueError:
            count += 1  # reported where the class is defined
            continue
        count += pattern_expansions(tokens, classes, (*within, name))
        if count > MAX_PATTERN_EXPANSIONS:
            break
    return count + singles


def list_problem(items: Sequence[str], what: str = "entries") -> str | None:
    """Why a list of phrases from a rule or configuration file is too large, or None."""
    if len(items) > MAX_LIST_ITEMS:
        return f"{len(items)} {what}; at most {MAX_LIST_ITEMS} are allowed"
    long = next((item for item in items if len(item) > MAX_PHRASE_CHARS), None)
    if long is not None:
        return f"{_shorten(long)!r} is longer than {MAX_PHRASE_CHARS} characters"
    return None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --------------------------------------------------------------------------- helpers


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, with deep nesting reported as a TOMLDecodeError.

    tomllib parses nested arrays and inline tables recursively, so a file with a few
    thousand ``[`` in a row ends in RecursionError: that is bad input, not a bug.
    """
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deeply") from None


_TOML_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


def toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int]:
    """The message and line of a TOML syntax error (Python 3.11 keeps the line in the text)."""
    message = str(exc)
    m = _TOML_POSITION_RE.search(message)
    if m is None:
        return message, 1
    line = int(m.group(1)) if m.group(1) else text.count("\n") + 1
    return message[:m.start()], line



def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _string_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    return None


def _dedent(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    # Paragraphs are separated by blank lines; single newlines inside a paragraph are wrapping.
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
