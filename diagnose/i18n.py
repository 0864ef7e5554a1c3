"""Bilingual text: Korean first, English on request.

User-facing strings in code are written as ``Msg(ko, en)`` next to where they are used, so a
message and its translation can never drift apart into separate files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")


@dataclass(frozen=True, slots=True)
class Msg:
    """A message in Korean and English, with ``str.format`` placeholders."""

    ko: str
    en: str

    def format(self, **params: Any) -> Msg:
        return Msg(self.ko.format(**params), self.en.format(**params))

    def render(self, lang: str = "ko") -> str:
        return self.en if lang == "en" else self.ko

    def __str__(self) -> str:  # logs and tracebacks: English is easier to search for
        return self.en


def pick(text: dict[str, str] | str | None, lang: str, fallback: str = "ko") -> str:
    """The text in ``lang``, else in ``fallback``, else any non-empty one: never blank."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for key in (lang, fallback, *text):
        value = text.get(key)
        if value:
            return value
    return ""
