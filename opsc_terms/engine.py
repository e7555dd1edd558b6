"""The spaCy engine: the only module that imports spaCy.

One blank pipeline per language, created once. Words are normalised once per word type
(not per token) through the vocabulary's NORM getter: lower case, plural to singular
with the lookup lemmas of spacy-lookups-data, and variants such as UK spellings mapped to
one form. Term lists then go
to a PhraseMatcher on NORM, acronyms to one on ORTH (they are case-sensitive), and the
few rules that need gaps or word classes to spaCy's token Matcher.
"""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LIKE_NUM, NORM, ORTH, SPACY
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .ruleset import Grammar, LanguageData, PatternToken, Rule, parse_pattern

# Ages a child can have, in digits; each language's data gives them as words.
_AGE_DIGITS = [str(n) for n in range(1, 18)]
_BUILTIN_SPECS: dict[str, dict[str, Any]] = {
    "%punct": {"IS_PUNCT": True},
    "%num": {"LIKE_NUM": True},
    "%any": {},
    "%stop": {"IS_STOP": True},
}


class Normaliser:
    """The NORM of a word: lower case, singular, one spelling. Cached per word type.

    Only plurals are reduced (a word with one of the language's plural endings, or one of
    its irregular plurals): reducing every word to its lemma would make "child abused"
    read as "child abuse".
    """

    def __init__(self, lookup: Mapping[str, Any], variants: Mapping[str, str], grammar: Grammar | None = None) -> None:
        grammar = grammar or Grammar()
        self._lookup = lookup
        self._variants = variants
        self._suffixes = tuple(grammar.plural_suffixes)
        self._irregular = frozenset(grammar.irregular_plurals)
        self._singular_endings = tuple(grammar.singular_endings)
        self.__call__ = lru_cache(maxsize=None)(self._norm)  # type: ignore[method-assign]

    def __call__(self, text: str) -> str:  # replaced per instance by the cached version
        return self._norm(text)

    def _norm(self, text: str) -> str:
        word = text.lower().replace("’", "'")
        word = self._variants.get(word, word)
        if (self._suffixes and word.endswith(self._suffixes)) or word in self._irregular:
            lemma = self._lookup.get(word)
            if isinstance(lemma, list):  # some tables list several lemmas; the first is the usual one
                lemma = lemma[0] if lemma else None
            if isinstance(lemma, str):
                word = lemma
            elif len(word) > 3 and not word.endswith(self._singular_endings):
                for suffix in self._suffixes:
                    if word.endswith(suffix):
                        word = word[:-len(suffix)]  # an unknown plural: "paedophiles", "sextortions"
                        break
        return self._variants.get(word, word)


def _lookup_data(language: str, table: str) -> Mapping[str, Any]:
    """A table of spacy-lookups-data as a plain dict.

    Reading the package's gzipped JSON directly is several times faster than spaCy's
    Lookups, which hashes every key into its own table; spaCy's loader is the fallback.
    """
    try:
        import spacy_lookups_data

        path = Path(str(getattr(spacy_lookups_data, language)[table]))
        if not path.exists():
            path = path.with_name(path.name + ".gz")
        raw = path.read_bytes()
        data: dict[str, Any] = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
        return data
    except (ImportError, AttributeError, KeyError, OSError, ValueError):
        lookups = load_lookups(language, [table], strict=False)
        return lookups.get_table(table) if table in lookups else {}


@cache
def _lookup_table(language: str) -> Mapping[str, str]:
    """The lookup lemmatizer's table from spacy-lookups-data (keyed by string).

    Some languages' tables list several lemmas for a word; the first is the usual one.
    """
    table = _lookup_data(language, "lemma_lookup")
    if any(isinstance(v, list) for v in itertools.islice(table.values(), 100)):
        return {k: v[0] for k, v in table.items() if isinstance(v, list) and v} | {
            k: v for k, v in table.items() if isinstance(v, str)}
    return table


@cache
def _word_classes(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Nouns, adverbs and verbs from the rule lemmatizer's index (WordNet lists in spacy-lookups-data)."""
    index = _lookup_data(language, "lemma_index")
    return frozenset(index.get("noun", ())), frozenset(index.get("adv", ())), frozenset(index.get("verb", ()))


_PIPELINES: dict[str, tuple[Language, Normaliser]] = {}


def pipeline(language: LanguageData) -> tuple[Language, Normaliser]:
    """The blank spaCy pipeline for a language, created once per process."""
    cached = _PIPELINES.get(language.language)
    if cached is not None:
        return cached
    nlp = spacy.blank(language.language)
    normaliser = Normaliser(_lookup_table(language.language), language.variants, language.grammar)
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
        # One token Matcher per rule: a sentence runs only the rules whose keywords it has.
        self.patterns: dict[str, Matcher] = {}
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
        for rule_id in self.patterns if patterns is None else patterns:
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
        lemma = _lookup_table(self.language.language).get(lower)
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
