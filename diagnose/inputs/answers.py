"""Turning what people type or export into canonical answer values.

One place decides what an answer means, whether it comes from a response file, a survey cell
or the interview prompt:

* ``level``: the option value (1-5), typed as a number or as an option label in any language;
* ``yesno``: ``"no"``, ``"partial"`` or ``"yes"`` (also their labels, and YAML booleans);
* ``multi``: a tuple of ticked option values in the questionnaire's order (``()`` is an
  answer: nothing ticked);
* ``number``: a float; ``choice``: an option value; ``text``: a string;
* ``NA`` and ``UNKNOWN`` where the question allows them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from diagnose.content.questionnaire import YESNO_LEVELS, ProfileItem, Question
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import ANSWERS

NA = "na"
UNKNOWN = "unknown"
SPECIAL = frozenset({NA, UNKNOWN})

# Words that mean 'not applicable' and "don't know" in survey exports and typed answers.
NA_WORDS = frozenset({"na", "n/a", "n.a.", "not applicable", "해당없음", "해당 없음",
                      "해당사항 없음", "해당사항없음", "비해당"})
UNKNOWN_WORDS = frozenset({"unknown", "don't know", "dont know", "do not know", "모름", "잘 모름",
                           "잘모름", "모르겠음", "알 수 없음"})
MULTI_SEPARATORS = re.compile(r"\s*[,;]\s*")


class AnswerError(ValueError):
    """A value that is not a valid answer to its question; the message says why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


def fold(text: str) -> str:
    """Compare text as people mean it: NFKC (full-width digits), case, spacing."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _labels(label: str | dict[str, str]) -> list[str]:
    return [label] if isinstance(label, str) else list(label.values())


def _lookup(item: ProfileItem | Question) -> dict[str, Any]:
    """Folded value and label -> option value, for every option of an item."""
    options = item.choices() if isinstance(item, Question) else item.options
    table: dict[str, Any] = {}
    for option in options:
        table[fold(str(option.value))] = option.value
        for label in _labels(option.label):
            table.setdefault(fold(label), option.value)
    if item.type == "yesno":
        for value in YESNO_LEVELS:  # the default labels, in both languages
            for text in (ANSWERS[value].ko, ANSWERS[value].en):
                table.setdefault(fold(text), value)
        table.update({"true": "yes", "false": "no", "y": "yes", "n": "no", "o": "yes",
                      "x": "no", "예": "yes", "네": "yes", "아니요": "no", "부분": "partial"})
    return table


def _special(item: ProfileItem | Question, raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    word = fold(raw)
    kind = NA if word in NA_WORDS else UNKNOWN if word in UNKNOWN_WORDS else None
    if kind is None:
        return None
    if not (isinstance(item, Question) and item.allow_na):
        if item.type == "text":
            return None  # free text that happens to say "모름" is just text
        raise AnswerError(Msg("이 문항은 '해당 없음'·'모름'을 받지 않습니다",
                              "this question does not allow 'not applicable' or 'don't know'"))
    return kind


# A comma groups thousands, as Korean Excel and forms write them: 1,500 and 12,345,678.5.
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
NOT_A_NUMBER = Msg("숫자가 아닙니다", "not a number")


def parse_number(raw: Any, unit: str | dict[str, str] | None = None) -> float:
    """A number from a typed answer or a cell: the one rule for every source.

    Full-width digits, a trailing ``%``, the item's ``unit`` in any language (``85명``,
    ``85 employees``) and commas that group thousands (``1,500``) are read. A comma that
    does not group thousands (``0,5``, ``85,5``) is refused, never guessed: in Korea ``1,500``
    is fifteen hundred, so a comma decimal cannot be told from a mistyped thousands figure.
    """
    if isinstance(raw, bool):
        raise AnswerError(NOT_A_NUMBER)
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = _without_unit(unicodedata.normalize("NFKC", str(raw)).strip(), unit)
        text = text.removesuffix("%").strip()
        if "," in text:
            text = _ungrouped(text)
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(NOT_A_NUMBER) from None
    if not math.isfinite(value):
        raise AnswerError(NOT_A_NUMBER)
    return value


def _without_unit(text: str, unit: str | dict[str, str] | None) -> str:
    """``85`` from ``85명`` or ``85 employees`` when the item's unit is 명 / employees."""
    if unit is None:
        return text
    folded = text.casefold()
    for word in _labels(unit):
        word = unicodedata.normalize("NFKC", word).strip().casefold()
        if word and folded.endswith(word) and len(folded) > len(word):
            return folded[: len(folded) - len(word)].strip()  # the figure: digits fold as-is
    return text


def _ungrouped(text: str) -> str:
    """``text`` without its thousands commas; an ambiguous comma is an ``AnswerError``."""
    if THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    head, _, tail = text.partition(",")
    if head.lstrip("+-").isdecimal() and tail.isdecimal():  # 0,5 or 85,5: one comma
        whole = f"{int(head + tail)}"
        raise AnswerError(Msg(
            "'{t}'은(는) {d}인지 {w}인지 알 수 없습니다: 소수는 점으로({d}), 천 단위는 1,500처럼 쓰세요",
            "'{t}' could be {d} or {w}: write decimals with a point ({d}), thousands as 1,500",
        ).format(t=text, d=f"{head}.{tail}", w=whole))
    raise AnswerError(Msg("'{t}': 쉼표는 천 단위 구분(1,500)에만 씁니다; 소수는 점으로(0.5) 쓰세요",
                          "'{t}': a comma only groups thousands (1,500); write decimals with a "
                          "point (0.5)").format(t=text))


def _as_float(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    try:
        return float(unicodedata.normalize("NFKC", str(raw)).strip())
    except ValueError:
        return None


def _choose(item: ProfileItem | Question, raw: Any, table: dict[str, Any]) -> Any:
    key = fold(str(raw))
    if key in table:
        return table[key]
    number = _as_float(raw)
    if number is not None and number.is_integer():  # 3.0 or "3.0" from a spreadsheet
        key = fold(str(int(number)))
        if key in table:
            return table[key]
    choices = ", ".join(str(o.value) for o in (
        item.choices() if isinstance(item, Question) else item.options))
    raise AnswerError(Msg("선택지에 없는 답입니다 (가능한 값: {c})",
                          "not one of the options (valid: {c})").format(c=choices))


def normalize(item: ProfileItem | Question, raw: Any, table: dict[str, Any] | None = None) -> Any:
    """The canonical value of ``raw`` for ``item``; ``None`` when unanswered.

    ``table`` is ``lookup_table(item)``, passed in when normalising many values.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    kind = item.type
    table = table if table is not None or kind in {"text", "number"} else _lookup(item)
    if table is not None and kind != "multi" and isinstance(raw, str) and fold(raw) in table:
        return table[fold(raw)]  # an option's own label wins over the na/unknown words
    special = _special(item, raw)
    if special is not None:
        return special
    if kind == "text":
        return str(raw).strip()
    if kind == "number":
        return _bounded(item, parse_number(raw, item.unit))
    assert table is not None
    if kind == "multi":
        if isinstance(raw, str):
            parts = split_multi(raw, table)
        elif isinstance(raw, (list, tuple)):
            parts = list(raw)
        else:
            parts = [raw]
        ticked = set()
        for part in parts:
            try:
                ticked.add(_choose(item, part, table))
            except AnswerError as exc:
                raise AnswerError(Msg("'{p}': {ko}", "'{p}': {en}").format(
                    p=part, ko=exc.message.ko, en=exc.message.en)) from None
        return tuple(o.value for o in item.options if o.value in ticked)
    if isinstance(raw, bool) and kind != "yesno":
        raise AnswerError(Msg("선택지에 없는 답입니다", "not one of the options"))
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    return _choose(item, raw, table)


def label_joins(table: dict[str, Any]) -> dict[str, str]:
    """The labels of ``table`` that contain a separator, keyed as ``split_multi`` rejoins them."""
    return {MULTI_SEPARATORS.sub(",", key): key for key in table if MULTI_SEPARATORS.search(key)}


def split_multi(raw: str, table: dict[str, Any], joins: dict[str, str] | None = None) -> list[str]:
    """The ticked answers in a multi cell, keeping labels that contain a separator whole.

    Google Forms joins ticked labels with ``, ``, and a label may itself contain commas
    ("Production output (quantities, working time)"): adjacent parts are joined back, longest
    first, when together they are one label of ``table``. ``joins`` is ``label_joins(table)``,
    passed in when splitting many cells.
    """
    parts = [p for p in MULTI_SEPARATORS.split(raw.strip()) if p]
    if len(parts) < 2:
        return parts
    joined = label_joins(table) if joins is None else joins
    if not joined:
        return parts
    folded = [fold(p) for p in parts]  # once each, not once per span tried
    result: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start + 1, -1):
            key = ",".join(folded[start:end])
            if key in joined:
                result.append(joined[key])
                start = end
                break
        else:
            result.append(parts[start])
            start += 1
    return result


def lookup_table(item: ProfileItem | Question) -> dict[str, Any]:
    """The value/label table ``normalize`` uses, built once per item."""
    return _lookup(item)


def _bounded(item: ProfileItem | Question, value: float) -> float:
    if item.min is not None and value < item.min:
        raise AnswerError(Msg("{v}은(는) 최솟값 {m}보다 작습니다", "{v} is below the minimum {m}")
                          .format(v=_num(value), m=_num(item.min)))
    if item.max is not None and value > item.max:
        raise AnswerError(Msg("{v}은(는) 최댓값 {m}보다 큽니다", "{v} is above the maximum {m}")
                          .format(v=_num(value), m=_num(item.max)))
    if isinstance(item, Question) and item.bands and item.bands[-1].max is not None \
            and value > item.bands[-1].max:
        raise AnswerError(Msg("{v}은(는) 채점 구간(최대 {m})을 벗어납니다",
                              "{v} is beyond the scoring bands (up to {m})")
                          .format(v=_num(value), m=_num(item.bands[-1].max)))
    return value


def _num(value: float) -> str:
    return f"{value:g}"


def to_yaml_value(value: Any) -> Any:
    """A canonical value as it is written in a response file (multi: a list)."""
    return list(value) if isinstance(value, tuple) else value


def display(item: ProfileItem | Question, value: Any, lang: str) -> str:
    """A canonical value as a person reads it: labels, not ids."""
    if value is None:
        return ""
    if isinstance(value, str) and value in SPECIAL:
        return ANSWERS[value].render(lang)  # 해당 없음, 모름
    if item.type == "text":
        return str(value)
    if item.type == "number":
        unit = pick(item.unit, lang) if item.unit else ""
        # a calendar year (bounds within 1900-2100, e.g. support_last_year) is never "2,024"
        grouping = "" if (item.min or 0) >= 1900 and (item.max or 1e9) <= 2100 else ","
        return f"{value:{grouping}.10g} {unit}".strip()
    options = {o.value: o for o in (item.choices() if isinstance(item, Question) else item.options)}
    values = value if isinstance(value, tuple) else (value,)
    shown = [pick(options[v].label, lang) if v in options else str(v) for v in values]
    return ", ".join(shown) if shown else ANSWERS["none_ticked"].render(lang)
