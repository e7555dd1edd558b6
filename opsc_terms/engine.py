"""The spaCy engine: the only module that imports spaCy.

One blank pipeline per language, created once. Words are normalised once per word type
(not per token) through the vocabulary's NORM getter: lower case, plural to singular
with the lookup lemmas of spacy-lookups-data, and variants such as UK spellings mapped to
one form. Term lists then go
to a PhraseMatcher on NORM, acronyms to one on ORTH (they are case-sensitive), and the
few rules that need gaps or word classes to spaCy's token Matcher.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any


def _import_spacy() -> None:
    """Import spaCy without its command-line tools, when opsc-terms imports it first.

    ``import spacy`` imports spaCy's whole command line (typer, weasel, the download and
    project commands: a third of its import time) only to offer ``spacy.info``, which
    opsc-terms never calls. While spaCy is imported, a placeholder stands in for that
    module; afterwards ``spacy.info`` and ``spacy.cli`` import the real ones when first
    used, so a program that uses them alongside opsc-terms still gets them.
    """
    if "spacy" in sys.modules:
        return
    placeholder = types.ModuleType("spacy.cli")
    placeholder.__path__ = []
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args: Any, **kwargs: Any) -> Any:
        real: Callable[..., Any] = importlib.import_module("spacy.cli.info").info
        return real(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = placeholder, info_module
    try:
        importlib.import_module("spacy")
    finally:
        for name, module in (("spacy.cli.info", info_module), ("spacy.cli", placeholder)):
            if sys.modules.get(name) is module:
                del sys.modules[name]
    package = sys.modules.get("spacy")
    if package is not None and getattr(package, "cli", placeholder) is placeholder:
        if hasattr(package, "cli"):
            del package.cli

        def submodule(name: str) -> Any:  # ``spacy.cli`` without importing it first
            if name == "cli":
                return importlib.import_module("spacy.cli")
            raise AttributeError(f"module 'spacy' has no attribute {name!r}")

        package.__getattr__ = submodule  # type: ignore[method-assign]


_import_spacy()

import spacy  # noqa: E402
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LIKE_NUM, LOWER, NORM, ORTH, SPACY  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.matcher import Matcher, PhraseMatcher  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from .prefilter import Normaliser, lookup_data, lookup_table  # noqa: E402
from .ruleset import LanguageData, PatternToken, Rule, parse_pattern  # noqa: E402

# Ages a child can have, in digits; each language's data gives them as words.
_AGE_DIGITS = [str(n) for n in range(1, 18)]

_BUILTIN_SPECS: dict[str, dict[str, Any]] = {
    "%punct": {"IS_PUNCT": True},
    "%num": {"LIKE_NUM": True},
    "%any": {},
    "%stop": {"IS_STOP": True},
}


@cache
def _word_classes(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Nouns, adverbs and verbs from the rule lemmatizer's index (WordNet lists in spacy-lookups-data)."""
    index = lookup_data(language, "lemma_index")
    return frozenset(index.get("noun", ())), frozenset(index.get("adv", ())), frozenset(index.get("verb", ()))


_PIPELINES: dict[str, tuple[Language, Normaliser]] = {}


def pipeline(language: LanguageData) -> tuple[Language, Normaliser]:
    """The blank spaCy pipeline for a language, created once per process."""
    cached = _PIPELINES.get(language.language)
    if cached is not None:
        return cached
    nlp = spacy.blank(language.language)
    normaliser = Normaliser(lookup_table(language.language), language.variants, language.grammar,
                            language.language)
    vocab: Any = nlp.vocab  # lex_attr_getters is missing from spaCy's type stubs
    vocab.lex_attr_getters[NORM] = normaliser
    for lexeme in nlp.vocab:  # lexemes created before the getter was installed
        lexeme.norm_ = normaliser(lexeme.orth_)
    _PIPELINES[language.language] = (nlp, normaliser)
    return nlp, normaliser


def token_columns(doc: Doc) -> list[list[int]]:
    """NORM, ORTH, IS_PUNCT, IS_SPACE, SPACY (a space follows), IDX (character offset) and
    LIKE_NUM of every token, as integers.

    Reading attributes as one array avoids creating a Token object per token, which is
    most of the cost of looking at a document from Python.
    """
    if not len(doc):
        return []
    columns: list[list[int]] = doc.to_array([NORM, ORTH, IS_PUNCT, IS_SPACE, SPACY, IDX, LIKE_NUM]).tolist()
    return columns


# --------------------------------------------------------------------------- matching


# Words one of which a token of a pattern needs: hashes of normal forms, and of lower-case
# words (for tokens matched as written).
_Requirement = tuple[frozenset[int], frozenset[int]]


@dataclass(frozen=True)
class RawMatch:
    """A rule matched tokens ``start:end``; ``focus`` is the part to report."""

    rule: Rule
    start: int
    end: int
    focus_start: int
    focus_end: int
    kind: str  # "term", "acronym" or "pattern"


class Matchers:
    """Everything compiled from one rule set for one language."""

    def __init__(self, nlp: Language, normaliser: Normaliser, rules: Sequence[Rule],
                 language: LanguageData, *, allow: Sequence[str] = ()) -> None:
        self.nlp = nlp
        self.norm = normaliser
        self.rules = list(rules)
        self.language = language
        self.terms = PhraseMatcher(nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.exceptions = PhraseMatcher(nlp.vocab, attr="NORM")
        self.allow = PhraseMatcher(nlp.vocab, attr="NORM")
        if allow:
            self.allow.add("allow", [self.make_doc(p) for p in allow])
        # One token Matcher per rule: a sentence runs only the rules whose keywords it has,
        # and of those only the rules one of whose patterns has every word it requires
        # (the second prefilter: most sentences with a keyword lack some other word).
        self.patterns: dict[str, Matcher] = {}
        self.requirements: dict[str, list[list[_Requirement]]] = {}
        self.near: dict[str, Matcher] = {}
        self._pattern_info: dict[int, tuple[int, list[bool]]] = {}
        self._strings = nlp.vocab.strings
        for index, rule in enumerate(rules):
            key = str(index)
            plain = [t for t in rule.terms if not _is_acronym(t)]
            acronyms = [t for t in rule.terms if _is_acronym(t)]
            if plain:
                self.terms.add(key, [self.make_doc(t) for t in plain])
            if acronyms:
                self.acronyms.add(key, [nlp.make_doc(t) for t in acronyms])
            if rule.exceptions:
                self.exceptions.add(key, [self.make_doc(t) for t in rule.exceptions])
            for p_index, pattern in enumerate(rule.patterns):
                self.requirements.setdefault(rule.id, []).append(self._requirements(pattern))
                # One Matcher key per expansion, so an alignment maps to exactly one
                # list of focus flags.
                matcher = self.patterns.setdefault(rule.id, Matcher(nlp.vocab))
                for e_index, (specs, focus) in enumerate(self.compile(pattern)):
                    pkey = self._strings.add(f"{index}:{p_index}:{e_index}")
                    matcher.add(pkey, [specs])
                    self._pattern_info[pkey] = (index, focus)
            if rule.near and rule.near not in self.near:
                near = Matcher(nlp.vocab)
                near.add(rule.near, [s for s, _ in self._class_specs(rule.near)])
                self.near[rule.near] = near
        # Every word the rules can match: a word split by a line-end hyphen is joined only
        # when the joined word is one of these.
        self.vocabulary = frozenset(
            t.norm_ for rule in rules for phrase in (*rule.terms, *rule.exceptions)
            for t in self.make_doc(phrase)) | frozenset(
            self.norm(w) for rule in rules for p in rule.patterns for tok in parse_pattern(p)
            if tok.kind in ("words", "exact") for w in tok.values)

    def make_doc(self, text: str) -> Doc:
        """Tokenise a phrase from the rule data the way the view of a text is tokenised."""
        from .text import build_view

        return self.nlp.make_doc(build_view(text, 0, len(text)).text)

    # ---- the pattern language (see rules/README.md)

    def compile(self, pattern: str) -> Iterable[tuple[list[dict[str, Any]], list[bool]]]:
        tokens = parse_pattern(pattern)
        choices: list[list[tuple[list[dict[str, Any]], list[bool]]]] = []
        for token in tokens:
            choices.append([(specs, [token.focus] * len(specs)) for specs in self._token_specs(token)])
        for combo in itertools.product(*choices):
            specs: list[dict[str, Any]] = []
            focus: list[bool] = []
            for part_specs, part_focus in combo:
                specs.extend(part_specs)
                focus.extend(part_focus)
            yield specs, focus

    def _token_specs(self, token: PatternToken) -> list[list[dict[str, Any]]]:
        if token.kind == "class":
            alternatives = [specs for specs, _ in self._class_specs(token.values[0])]
            if token.optional:
                alternatives.append([])
            return alternatives
        spec: dict[str, Any]
        if token.kind == "words":
            norms = sorted({self.norm(w) for w in token.values})
            spec = {"NORM": norms[0]} if len(norms) == 1 else {"NORM": {"IN": norms}}
        elif token.kind == "exact":
            spec = {"LOWER": {"IN": list(token.values)}}
        elif token.kind == "not":
            spec = {"NORM": {"NOT_IN": sorted({self.norm(w) for w in token.values})}, "IS_PUNCT": False}
        elif token.kind == "builtin":
            spec = (dict(_BUILTIN_SPECS[token.values[0]]) if token.values[0] != "#age"
                    else {"LOWER": {"IN": [*_AGE_DIGITS, *self.language.grammar.age_words]}})
        else:  # gap: a few words, never across punctuation
            spec = {"IS_PUNCT": False, "IS_SPACE": False}
        if token.repeat is not None:
            spec["OP"] = "{{{},{}}}".format(*token.repeat)
        elif token.optional:
            spec["OP"] = "?"
        return [[spec]]

    def _requirements(self, pattern: str) -> list[_Requirement]:
        """What a sentence must hold for ``pattern`` to match it: for each token that is
        neither optional nor a gap, the words (normal forms, or lower-case words for exact
        tokens and ages) one of which must be there. A token class asks for one of the
        words of its phrases; a phrase with no required word makes the class ask nothing."""
        out = []
        for token in parse_pattern(pattern):
            if token.optional or (token.repeat is not None and token.repeat[0] == 0):
                continue
            requirement = self._token_requirement(token)
            if requirement is not None:
                out.append(requirement)
        return out

    def _token_requirement(self, token: PatternToken) -> _Requirement | None:
        strings = self._strings
        if token.kind == "words":
            return frozenset(strings.add(self.norm(w)) for w in token.values), frozenset()
        if token.kind == "exact":
            return frozenset(), frozenset(strings.add(w) for w in token.values)
        if token.kind == "builtin" and token.values[0] == "#age":
            return frozenset(), frozenset(strings.add(w) for w in (*_AGE_DIGITS, *self.language.grammar.age_words))
        if token.kind == "class":
            norms: set[int] = set()
            lowers: set[int] = set()
            for phrase in self.language.classes[token.values[0]]:
                first = next((r for t in parse_pattern(phrase) if not t.optional and t.repeat is None
                              and (r := self._token_requirement(t)) is not None), None)
                if first is None:
                    return None  # this phrase can match without any particular word
                norms |= first[0]
                lowers |= first[1]
            return frozenset(norms), frozenset(lowers)
        return None  # punctuation, numbers, stop words, gaps, "not": no particular word

    def _class_specs(self, name: str) -> list[tuple[list[dict[str, Any]], list[bool]]]:
        singles: list[str] = []
        multi: list[tuple[list[dict[str, Any]], list[bool]]] = []
        for phrase in self.language.classes[name]:
            parts = phrase.split()
            if len(parts) == 1 and not parts[0].startswith(("#", "%", "!")) and "|" not in parts[0]:
                singles.append(parts[0])
            else:
                multi.extend(self.compile(phrase))
        out = list(multi)
        if singles:
            norms = sorted({self.norm(w) for w in singles})
            out.append(([{"NORM": {"IN": norms}}], [True]))
        return out

    # ---- running

    def find(self, doc: Doc, *, patterns: Iterable[str] | None = None) -> list[RawMatch]:
        """Raw matches in ``doc``; ``patterns`` names the pattern rules to run (None: all)."""
        found: list[RawMatch] = []
        exceptions: dict[int, list[tuple[int, int]]] = {}
        for key, start, end in self.exceptions(doc):
            exceptions.setdefault(int(self._strings[key]), []).append((start, end))
        allowed = [(start, end) for _, start, end in self.allow(doc)] if len(self.allow) else []
        for phrases, kind in ((self.terms, "term"), (self.acronyms, "acronym")):
            for key, start, end in phrases(doc):
                index = int(self._strings[key])
                if any(s <= start and end <= e for s, e in (*exceptions.get(index, ()), *allowed)):
                    continue
                found.append(RawMatch(self.rules[index], start, end, start, end, kind))
        words: tuple[set[int], set[int]] | None = None
        for rule_id in self.patterns if patterns is None else patterns:
            if words is None:
                columns = doc.to_array([NORM, LOWER]).tolist() if len(doc) else []
                words = {c[0] for c in columns}, {c[1] for c in columns}
            if not any(all(not r[0].isdisjoint(words[0]) or not r[1].isdisjoint(words[1]) for r in pattern)
                       for pattern in self.requirements[rule_id]):
                continue  # every pattern of the rule lacks a word it needs
            # spaCy's stubs do not know that with_alignments adds a fourth element.
            token_matcher: Any = self.patterns[rule_id]
            aligned: list[tuple[int, int, int, list[int]]] = token_matcher(doc, with_alignments=True)
            for key, start, end, align in aligned:
                index, focus = self._pattern_info[key]
                token_focus = [start + i for i, spec_index in enumerate(align) if focus[spec_index]]
                if not token_focus:
                    continue
                f_start, f_end = min(token_focus), max(token_focus) + 1
                if any(s <= f_start and f_end <= e for s, e in (*exceptions.get(index, ()), *allowed)):
                    continue
                found.append(RawMatch(self.rules[index], start, end, f_start, f_end, "pattern"))
        return found

    def is_noun(self, word: str) -> bool:
        """Could ``word`` be a noun that a term modifies ("child prostitution *ring*")?

        Without a tagger this is a dictionary guess: the word's lemma is a known noun and
        not an adverb, and the word does not look like a past participle or an adverb.
        A wrong "yes" only makes a fix unsafe (offered, not applied), so it leans to yes.
        """
        lower = word.lower()
        nouns, adverbs, verbs = _word_classes(self.language.language)
        if not nouns:
            return True
        lemma = lookup_table(self.language.language).get(lower)
        if lemma is not None and lemma != lower and lemma in verbs and not lower.endswith("s"):
            return False  # an inflected verb: "found", "rising", "ran"
        lemma = self.norm(lower)
        return (lemma in nouns or lower in nouns) and lemma not in adverbs and lower not in adverbs

    def is_verb(self, word: str) -> bool:
        """Could ``word`` be a verb ("keeps", "remains")? A dictionary guess, like :meth:`is_noun`."""
        _, _, verbs = _word_classes(self.language.language)
        lower = word.lower()
        return lower in verbs or self.norm(lower) in verbs or (lower.endswith("s") and lower[:-1] in verbs)

    def near_ok(self, rule: Rule, span: Span) -> bool:
        if not rule.near:
            return True
        return bool(self.near[rule.near](span))

    def norm_sequence(self, text: str) -> list[str]:
        """NORMs of a phrase, without punctuation: used for cue and title comparisons."""
        return [t.norm_ for t in self.make_doc(text) if not (t.is_punct or t.is_space)]


def _is_acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in term.strip()
