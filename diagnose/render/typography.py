"""Line breaking for the PDFs: Korean words stay whole, numbers stay with their units.

WeasyPrint 70 ignores ``word-break: keep-all`` and breaks Korean between any two syllables
("AI 바우/처", "경/영진이"). A word joiner (U+2060) between the characters of a Korean word
keeps it whole (measured: it costs a third of the time of one ``white-space: nowrap`` span per
word, and neither pdftotext nor pypdf sees it in the extracted text). A no-break space between
a number and its unit keeps "3 개월" and "85 명" on one line.

``typeset`` is the one Jinja filter that does it, applied to a whole rendered document
(``{% filter typeset %}...{% endfilter %}``): it rewrites the text between tags only, never a
tag, an attribute, a ``<title>`` (the PDF's title) or the text inside ``<svg>``, ``<style>``
and ``<script>``. Headings that become bookmarks carry their clean text in ``data-bookmark``
(the stylesheet's ``bookmark-label: attr(data-bookmark)``), since a bookmark would otherwise
keep the joiners.
"""

from __future__ import annotations

import re

from markupsafe import Markup

WORD_JOINER = "\u2060"
NBSP = "\u00a0"
# A longer run without spaces (a path, a name typed without spaces) may still break, or it
# would run off the page: Korean 어절 are far shorter.
MAX_WORD = 20

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_TAG = re.compile(r"(<[^>]*>)")
_OPENS = re.compile(r"<(svg|style|script|title)[\s>]", re.IGNORECASE)
_WORD = re.compile(r"[^ \t\n\r\f]+")
_JOIN = re.compile(rf"(?<=[{_HANGUL}])(?=[^{_HANGUL}{WORD_JOINER}])"
                   rf"|(?<=[^{WORD_JOINER}])(?=[{_HANGUL}])"
                   r"|(?<=\d)(?=[%％])")
# units that follow a number after a space; Korean units may take a particle ("3 개월에")
_UNITS = ("%|원|만\\s?원|억|명|개월|개사|개\\s?사|개|년|시간|분|초|단계|대|건|회|장|곳|쪽|배|"
          "kWh|MWh|FTE|ppm|h|months?|years?|hours?|minutes?|staff|employees|people|pages?|"
          "steps?|weeks?|days?|million|billion")
_NUMBER_UNIT = re.compile(rf"(?<=\d) (?=(?:{_UNITS})(?:[은는이가을를의로에와과도]|으로|에서)?"
                          rf"(?![\w{_HANGUL}]))")
_UNIT_NUMBER = re.compile(r"(?<=\bKRW) (?=\d)")


def keep_words(text: str) -> str:
    """Plain text with its Korean words and number-unit pairs made unbreakable."""
    text = _UNIT_NUMBER.sub(NBSP, _NUMBER_UNIT.sub(NBSP, text))
    return _WORD.sub(_join, text)


def _join(match: re.Match[str]) -> str:
    word = match.group()
    if len(word) > MAX_WORD:
        return word
    return _JOIN.sub(WORD_JOINER, word)


def typeset(html: str) -> Markup:
    """Rendered HTML with ``keep_words`` applied to every text between tags.

    Text inside ``<svg>``, ``<style>``, ``<script>`` and ``<title>`` is left as it is; so is
    every tag with its attributes.
    """
    parts = _TAG.split(str(html))
    skipping: str | None = None
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            if skipping is None:
                opened = _OPENS.match(part)
                if opened and not part.endswith("/>"):
                    skipping = opened.group(1).lower()
            elif part.lower().startswith(f"</{skipping}"):
                skipping = None
        elif part and skipping is None:
            parts[i] = keep_words(part)
    return Markup("".join(parts))


def strip_joiners(text: str) -> str:
    """``text`` without the joiners ``typeset`` adds (for comparing what a reader sees)."""
    return text.replace(WORD_JOINER, "").replace(NBSP, " ")
