"""French: determiners agree in gender and number and elide before a vowel; "de"/"à" contract.

*la pédopornographie* → *le matériel …*; *de la pédopornographie* → *du matériel …*; *la
prostitution enfantine* → *l'exploitation sexuelle …*; *au tourisme sexuel* → *à l'exploitation …*.
"""

from __future__ import annotations

import unicodedata

# determiner -> (kind, gender or None, plural)
_DETERMINERS: dict[str, tuple[str, str | None, bool]] = {
    "le": ("def", "m", False), "la": ("def", "f", False), "l'": ("def", None, False), "les": ("def", None, True),
    "du": ("de", "m", False), "de la": ("de", "f", False), "de l'": ("de", None, False),
    "au": ("à", "m", False), "à la": ("à", "f", False), "à l'": ("à", None, False), "aux": ("à", None, True),
    "un": ("indef", "m", False), "une": ("indef", "f", False), "des": ("indef", None, True),
    "ce": ("dem", "m", False), "cet": ("dem", "m", False), "cette": ("dem", "f", False), "ces": ("dem", None, True),
    "son": ("his", None, False), "sa": ("his", "f", False), "ses": ("his", None, True),
    "mon": ("my", None, False), "ma": ("my", "f", False), "mes": ("my", None, True),
    "ton": ("your", None, False), "ta": ("your", "f", False), "tes": ("your", None, True),
    "leur": ("their", None, False), "leurs": ("their", None, True),
    "notre": ("our", None, False), "nos": ("our", None, True), "votre": ("yours", None, False),
    "vos": ("yours", None, True),
    # Not determiners, but they elide before a vowel like one: "affaires de prostitution" ->
    # "affaires d'exploitation".
    "de": ("elide-de", None, False), "d'": ("elide-de", None, False),
    "que": ("elide-que", None, False), "qu'": ("elide-que", None, False),
}
_POSSESSIVE = {"his": ("son", "sa", "ses"), "my": ("mon", "ma", "mes"), "your": ("ton", "ta", "tes")}
_NUMBER_ONLY = {"their": ("leur", "leurs"), "our": ("notre", "nos"), "yours": ("votre", "vos")}


def _key(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _vowel(phrase: str, vowel_h_words: tuple[str, ...]) -> bool:
    word = phrase.strip().split(" ")[0].lower() if phrase.strip() else ""
    if not word:
        return False
    first = unicodedata.normalize("NFD", word)[0]
    return first in "aeiouy" or (first == "h" and word.rstrip(",.;:") in vowel_h_words)


def _form(kind: str, gender: str, plural: bool, vowel: bool) -> str:
    if kind.startswith("elide-"):
        word = kind[len("elide-"):]
        return word[:-1] + "'" if vowel else word
    if kind == "def":
        return "les" if plural else "l'" if vowel else ("le" if gender == "m" else "la")
    if kind == "de":
        return "des" if plural else "de l'" if vowel else ("du" if gender == "m" else "de la")
    if kind == "à":
        return "aux" if plural else "à l'" if vowel else ("au" if gender == "m" else "à la")
    if kind == "indef":
        return "des" if plural else ("un" if gender == "m" else "une")
    if kind == "dem":
        return "ces" if plural else ("cette" if gender == "f" else "cet" if vowel else "ce")
    if kind in _POSSESSIVE:
        m, f, pl = _POSSESSIVE[kind]
        # "son exploitation": a feminine noun that starts with a vowel takes the masculine form.
        return pl if plural else (f if gender == "f" and not vowel else m)
    sg, pl = _NUMBER_ONLY[kind]
    return pl if plural else sg


def determiner(old: str, replacement: str, gender: str | None, plural: bool,
               vowel_h_words: tuple[str, ...]) -> str | None:
    key = _key(old)
    known = _DETERMINERS.get(key)
    if known is None:
        return None
    kind, old_gender, _ = known
    gender = gender or old_gender or "m"
    new = _form(kind, gender, plural, _vowel(replacement, vowel_h_words))
    if new == key:
        return None
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def gender_of(determiner: str) -> str | None:
    known = _DETERMINERS.get(_key(determiner))
    return known[1] if known else None


_LINKS = {"de", "des", "du", "d'", "à", "au", "aux", "avec", "en", "pour", "sur", "par", "dans", "et", "ou"}


def shared_adjective(words: str) -> bool:
    parts = words.lower().replace("’", "'").replace("'", "' ").split()
    return (len(parts) >= 2 and parts[-1].endswith(("s", "x")) and not parts[0].endswith(("s", "x"))
            and not _LINKS.intersection(parts))


def countable_problem(determiner: str, use: str) -> str | None:
    return None
