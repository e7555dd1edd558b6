"""The few facts about a language that rendering a replacement needs and that data cannot hold.

A language's data names its module (``[grammar] renderer`` in ``_language.toml``). Each
module rewrites the determiner before a replaced term to agree with the replacement (English
"a"/"an"; French "la"/"le"/"l'", "de la"/"du"; Spanish "la"/"el", "de la"/"del") and says,
from the words themselves, whether they speak of a girl or a woman, and whether an
adjective in them is shared with another noun. Everything else is data.
"""

from __future__ import annotations

from typing import Protocol

from . import en, es, fr


class Renderer(Protocol):
    def determiner(self, old: str, replacement: str, gender: str | None, plural: bool,
                   vowel_h_words: tuple[str, ...]) -> str | None:
        """``old`` (a determiner just before the term) rewritten for ``replacement``; None to keep it."""

    def gender_of(self, determiner: str) -> str | None:
        """The gender ("m" or "f") a determiner shows, if it shows one."""

    def shared_adjective(self, words: str) -> bool:
        """Is a plural adjective in ``words`` shared with a noun before them ("la prostitution et la
        pornographie infantiles")?"""

    def countable_problem(self, determiner: str, use: str) -> str | None:
        """Why (a note key) a replacement of this use cannot follow this determiner, if it cannot."""


RENDERERS: dict[str, Renderer] = {"en": en, "fr": fr, "es": es}
