"""Spanish: determiners agree in gender and number; "de"/"a" contract with "el".

*la pornografía infantil* → *el material …*; *de la pornografía* → *del material …*; *al turismo
sexual* → *a la explotación …*.
"""

from __future__ import annotations

_DETERMINERS: dict[str, tuple[str, str | None, bool]] = {
    "el": ("def", "m", False), "la": ("def", "f", False), "los": ("def", "m", True), "las": ("def", "f", True),
    "del": ("de", "m", False), "de la": ("de", "f", False), "de los": ("de", "m", True),
    "de las": ("de", "f", True),
    "al": ("a", "m", False), "a la": ("a", "f", False), "a los": ("a", "m", True), "a las": ("a", "f", True),
    "un": ("indef", "m", False), "una": ("indef", "f", False), "unos": ("indef", "m", True),
    "unas": ("indef", "f", True),
    "este": ("this", "m", False), "esta": ("this", "f", False), "estos": ("this", "m", True),
    "estas": ("this", "f", True),
    "ese": ("that", "m", False), "esa": ("that", "f", False), "esos": ("that", "m", True), "esas": ("that", "f", True),
    "su": ("his", None, False), "sus": ("his", None, True),
}
_FORMS = {
    "def": ("el", "la", "los", "las"), "de": ("del", "de la", "de los", "de las"),
    "a": ("al", "a la", "a los", "a las"), "indef": ("un", "una", "unos", "unas"),
    "this": ("este", "esta", "estos", "estas"), "that": ("ese", "esa", "esos", "esas"),
    "his": ("su", "su", "sus", "sus"),
}


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def determiner(old: str, replacement: str, gender: str | None, plural: bool,
               vowel_h_words: tuple[str, ...]) -> str | None:
    known = _DETERMINERS.get(_key(old))
    if known is None:
        return None
    kind, old_gender, _ = known
    gender = gender or old_gender or "m"
    m_sg, f_sg, m_pl, f_pl = _FORMS[kind]
    new = (f_pl if gender == "f" else m_pl) if plural else (f_sg if gender == "f" else m_sg)
    if new == _key(old):
        return None
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def gender_of(determiner: str) -> str | None:
    known = _DETERMINERS.get(_key(determiner))
    return known[1] if known else None


_LINKS = {"de", "del", "con", "en", "para", "por", "a", "al", "y", "o", "sobre", "entre"}


def shared_adjective(words: str) -> bool:
    parts = words.lower().split()
    return (len(parts) >= 2 and parts[-1].endswith("s") and not parts[0].endswith("s")
            and not _LINKS.intersection(parts))


def countable_problem(determiner: str, use: str) -> str | None:
    return None
