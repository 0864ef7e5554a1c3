"""Bilingual text: Korean first, English on request.

User-facing strings in code are written as ``Msg(ko, en)`` next to where they are used, so a
message and its translation can never drift apart into separate files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")

# Control characters (but tab and newline) and the bidirectional overrides: from an input
# file they could clear the terminal, retitle its window or reverse the text a user reads.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """``text`` without its control and direction characters: for a PDF's title, which a
    viewer shows in its title bar as it is."""
    return _HIDDEN.sub("", str(text))


def visible(text: str) -> str:
    """``text`` with its control characters shown as escapes (``\\x1b``), never acted on."""
    return _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, slots=True)
class Msg:
    """A message in Korean and English, with ``str.format`` placeholders."""

    ko: str
    en: str

    def format(self, **params: Any) -> Msg:
        """The message with its slots filled; text from inputs shows its control characters."""
        params = {k: visible(v) if isinstance(v, str) else v for k, v in params.items()}
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
