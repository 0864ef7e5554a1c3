"""Money as Korean and English business documents write it: one home for the format.

Korean: ``5억 6,500만 원``, ``8,000만 원``, ``1억 원`` (rounded to 만 원; under 만 원 in 원).
English: ``KRW 565 million``, ``KRW 24.5 billion``, ``KRW 850,000``.
Ranges share the unit: ``2,400만~4,500만 원``, ``KRW 24-45 million``.
"""

from __future__ import annotations

MAN, EOK = 10_000, 100_000_000
# How the content files name their money unit, 백만 원 (KRW million): one list for every reader.
MILLION_UNITS = frozenset({"백만원", "백만 원", "KRW million"})
MILLION = 1_000_000
NBSP = "\u00a0"  # a number never parts from its unit


def _ko(value: float) -> str:
    won = round(value)
    if abs(won) < MAN:
        return f"{won:,}"
    man = round(won / MAN)
    eok, rest = divmod(abs(man), EOK // MAN)
    sign = "-" if man < 0 else ""
    if eok and rest:
        return f"{sign}{eok:,}억{NBSP}{rest:,}만"
    if eok:
        return f"{sign}{eok:,}억"
    return f"{sign}{rest:,}만"


def _en(value: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            figure = value / size
            text = f"{figure:,.1f}" if abs(figure) < 100 else f"{figure:,.0f}"
            return f"{text.removesuffix('.0')}{NBSP}{word}"
    return f"{round(value):,}"


def krw(value: float | None, lang: str = "ko") -> str:
    """An amount in KRW for a reader: ``5억 6,500만 원`` / ``KRW 565 million``; ``–`` for none."""
    if value is None or value != value:
        return "–"
    return f"{_ko(value)}{NBSP}원" if lang == "ko" else f"KRW{NBSP}{_en(value)}"


def excel_format(lang: str = "ko") -> str:
    """The Excel number format of a whole KRW amount: ``#,##0"원"`` / ``"KRW "#,##0``."""
    return '#,##0"원"' if lang == "ko" else '"KRW "#,##0'


def krw_range(low: float | None, high: float | None, lang: str = "ko") -> str:
    """A range of KRW amounts with the unit once: ``2,400만~4,500만 원`` / ``KRW 24-45 million``."""
    if low is None or high is None:
        return krw(low if high is None else high, lang)
    if round(low / MAN) == round(high / MAN):
        return krw(low, lang)
    if lang == "ko":
        return f"{_ko(low)}~{_ko(high)}{NBSP}원"
    low_text, high_text = _en(low), _en(high)
    low_unit, high_unit = low_text.rpartition(NBSP)[2], high_text.rpartition(NBSP)[2]
    if low_unit == high_unit and NBSP in low_text:
        return f"KRW{NBSP}{low_text.rpartition(NBSP)[0]}-{high_text}"
    return f"KRW{NBSP}{low_text}-{high_text}"
