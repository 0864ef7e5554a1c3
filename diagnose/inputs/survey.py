"""Survey exports (CONTRACT.md section 6): CSV and XLSX files as forms and Excel save them.

A survey export is a table with a header row and one row per answered form. This module turns
it into rows of the answers frame (``diagnose.inputs.frame``), exactly as ``batch.records`` does for
response files, so one engine scores both. It:

* decodes CSV as UTF-8 (with or without BOM), else as CP949, the code page Korean Excel saves
  in (never EUC-KR, which cannot decode syllables such as 똠);
* matches columns to questionnaire items by id, by the item's text in any language (numbering
  such as ``3.2`` or ``Q3.``, a trailing ``*``, spacing, line breaks and full-width characters
  do not matter), through the id row of a sheet made by ``diagnose questionnaire template``,
  or through a map file (``--map``, see ``load_map``);
* normalises answers once per distinct value of a column and file, never per row: pyarrow's
  CSV reader (``diagnose.inputs.csvrows``) hashes the cells of option columns and parses plain
  numbers in C++, in batches, so a 100,000-row export stays small in memory;
* reads an XLSX sheet as Excel shows it (``diagnose.inputs.xlsxrows``: the first visible
  sheet, ``35%`` as 35, a formula without a stored value as a fault, only rows with content);
* rejects a row whose cells cannot be read, listing every bad cell with its spreadsheet row
  (the header is row 1), its column header, its value, the reason and the company of the row
  (id and name, where its cells say), and the last row of a CSV that ends inside it (a file
  cut short) with the rest scored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import stat
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from diagnose.content import yamlio
from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire
from diagnose.core.errors import DiagnoseError, Problem, Rejection, ValidationFailed
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import BLANK_SHEET
from diagnose.inputs import answers, csvrows, xlsxrows
from diagnose.inputs.frame import frame_columns, profile_column

SUFFIXES = frozenset({".csv", ".xlsx"})
# The CSV reader drops a UTF-8 BOM itself; CP949 it transcodes to UTF-8 as it reads.
ENCODINGS = ("utf-8", "cp949")
# One file's limits: a million-row export needs some 4 GB to score (split it); an XLSX sheet
# is refused past this many cells (rows x used width), as a few-kilobyte "sparse" sheet with
# one cell at XFD1048576 would otherwise be padded to 17 billion cells.
MAX_ROWS = 500_000
MAX_CELLS = 20_000_000
DEFAULT_ROUND = "baseline"

# Sheets written by ``diagnose questionnaire template``; any other workbook: its first visible
# sheet (``xlsxrows.survey_sheet``).
TEMPLATE_SHEETS = BLANK_SHEET["survey"]

META_TITLES: dict[str, list[str]] = {
    "assessment.date": ["진단일", "진단 일자", "진단 날짜", "평가일", "Assessment date", "Date"],
    "assessment.round": ["차수", "진단 차수", "Round", "Assessment round"],
    "assessment.consultant": ["컨설턴트", "담당 컨설턴트", "Consultant"],
}
META_IDS = tuple(META_TITLES)
# The column a form adds with each answer's submission time. With no column for the assessment
# date, its date is the assessment date (a form is answered on the day of the diagnosis).
TIMESTAMP_TITLES = ("타임스탬프", "Timestamp", "응답일시", "제출일시")
# The respondent's e-mail a form adds when it collects addresses (Google Forms "이메일 주소"):
# expected, never an answer, so it is left out without the "columns ignored" warning.
FORM_EMAIL_TITLES = ("이메일 주소", "Email Address", "Email", "이메일", "응답자 이메일")

# Leading numbering a form adds to a question: "3.2 ", "Q3.", "3) ", "(3) ", "문3.", "No. 3".
_NUMBERING = re.compile(
    r"^(?:\(\d+(?:[.\-]\d+)*\)|\[\d+(?:[.\-]\d+)*\]|(?:q|문항|문|no\.?|#)?\s*\d+(?:[.\-]\d+)*"
    r"\s*[.)\]:]?)\s*")
_TRAILING = re.compile(r"[\s*:?.]+$")
_FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@\t\r])")
_DATE = re.compile(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")
# A time stamp's date, without the time of day after it: "2026. 4. 16 오전 11:19:30" (Google
# Forms, Korean), "4/16/2026 11:19:30" (English), "2026.04.16 11:19" (Naver Form). The same
# pattern for Python's re and pyarrow's RE2 (``csvrows.read``'s ``trim``): ASCII digits only.
STAMP_DATE = (r"(?s)^[\t ]*([0-9]{4}[\t ]*[-./년][\t ]*[0-9]{1,2}[\t ]*[-./월][\t ]*[0-9]{1,2}|"
              r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})(?:[^0-9].*)?$")
_STAMP_DATE = re.compile(STAMP_DATE)
_SLASH_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


# --- errors ---------------------------------------------------------------------------------

class SurveyError(DiagnoseError):
    """A survey file that cannot be used at all; ``rejections`` says why, column by column."""

    def __init__(self, path: Path, rejections: list[Rejection]) -> None:
        super().__init__(rejections[0].reason, where=path)
        self.rejections = rejections


def _file_error(path: Path, message: Msg, row: int | None = None, column: str = "") -> SurveyError:
    return SurveyError(path, [Rejection(str(path), row, column, "", message)])


# --- the map file ---------------------------------------------------------------------------

class SurveyMap(BaseModel):
    """``--map MAP.yaml``: how the columns and answers of one kind of export match the items.

    ```yaml
    questionnaire: mfg-ai-readiness     # optional: checked against -q
    columns:                            # column header -> item id (null: ignore silently)
      회사 이름: name
      "Q7. 데이터는 어떻게 모으나요?": data.collection
      제출 날짜: assessment.date
      이메일: null
    answers:                            # per item: answer label -> option value
      data.collection: {종이: 1, 엑셀: 2, 자동: 3}
      infra.systems: {전사적 자원관리: erp}
    ```
    """

    model_config = ConfigDict(extra="forbid")

    questionnaire: str | None = None
    columns: dict[str, str | None] = Field(default_factory=dict)
    answers: dict[str, dict[str, int | float | str]] = Field(default_factory=dict)

    @field_validator("columns", "answers", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): ({str(a): b for a, b in v.items()} if isinstance(v, dict) else v)
                    for k, v in value.items()}
        return value

    def column_targets(self, q: Questionnaire) -> dict[str, str | None]:
        """Header key -> answers-frame column (``None``: ignore the column)."""
        return {header_key(header): (_target_column(target, q) if target else None)
                for header, target in self.columns.items()}


def load_map(path: Path, q: Questionnaire) -> SurveyMap:
    """Read and check a map file; every problem is reported as ``FILE:LINE:COL``."""
    doc = yamlio.load(path)
    if doc.data is None:
        return SurveyMap()
    model = yamlio.validate(doc, SurveyMap, Msg("매핑 파일", "a map file"))
    problems = _check_map(doc, model, q)
    if problems:
        raise ValidationFailed(problems)
    resolved: dict[str, dict[str, Any]] = {}
    for target, labels in model.answers.items():
        item = _item_of(target, q)
        assert item is not None  # checked above
        resolved[item.id] = {label: _option_value(item, value) for label, value in labels.items()}
    model.answers = resolved
    return model


def _item_of(target: str, q: Questionnaire) -> ProfileItem | Question | None:
    """The item a map target or matched column names (``None``: an ``assessment.*`` column)."""
    if target in META_IDS:
        return None
    if target.startswith("company."):
        item = q.items.get(target.removeprefix("company."))
        return item if isinstance(item, ProfileItem) else None
    return q.items.get(target)


def _check_map(doc: yamlio.Document, model: SurveyMap, q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    if model.questionnaire is not None and model.questionnaire != q.id:
        problems.append(doc.problem(("questionnaire",), Msg(
            "질문지 '{m}'용 매핑입니다 (사용 중: '{q}'): -q를 확인하세요",
            "this map is for questionnaire '{m}', not '{q}': check -q")
            .format(m=model.questionnaire, q=q.id)))
    seen: dict[str, str] = {}
    for header, target in model.columns.items():
        if target is None:
            continue
        if target not in META_IDS and _item_of(target, q) is None:
            problems.append(doc.problem(("columns", header), Msg(
                "질문지에 없는 문항 id '{t}'", "'{t}' is not an item id of the questionnaire")
                .format(t=target)))
            continue
        key = _target_column(target, q)
        if key in seen:
            problems.append(doc.problem(("columns", header), Msg(
                "'{h}'와(과) '{o}'가 같은 문항 '{t}'에 연결됩니다",
                "'{h}' and '{o}' both map to '{t}'").format(h=header, o=seen[key], t=target)))
        seen[key] = header
    for target, labels in model.answers.items():
        item = _item_of(target, q)
        if item is None:
            problems.append(doc.problem(("answers", target), Msg(
                "질문지에 없는 문항 id '{t}'", "'{t}' is not an item id of the questionnaire")
                .format(t=target)))
            continue
        if item.type in {"text", "number"}:
            problems.append(doc.problem(("answers", target), Msg(
                "답 매핑은 선택지가 있는 문항에만 씁니다 ('{t}'은(는) {k})",
                "answer maps are for items with options ('{t}' is {k})")
                .format(t=target, k=item.type)))
            continue
        for label, value in labels.items():
            if _option_value(item, value) is None:
                valid = ", ".join(str(v) for v in _valid_values(item))
                problems.append(doc.problem(("answers", target, label), Msg(
                    "'{v}'은(는) '{t}'의 선택지 값이 아닙니다 (가능한 값: {c})",
                    "'{v}' is not an option value of '{t}' (valid: {c})")
                    .format(v=value, t=target, c=valid)))
    return problems


def _valid_values(item: ProfileItem | Question) -> list[Any]:
    options = item.choices() if isinstance(item, Question) else item.options
    values = [o.value for o in options]
    if isinstance(item, Question) and item.allow_na:
        values += [answers.NA, answers.UNKNOWN]
    return values


def _option_value(item: ProfileItem | Question, value: Any) -> Any:
    for valid in _valid_values(item):
        if str(valid) == str(value).strip():
            return valid
    return None


def _target_column(target: str, q: Questionnaire) -> str:
    """The answers-frame column of a map target or id: profile ids become ``company.<id>``."""
    if target in META_IDS or target.startswith("company."):
        return target
    if target in {p.id for p in q.profile}:
        return profile_column(target)
    return target


# --- matching headers -----------------------------------------------------------------------

def header_key(text: Any) -> str:
    """A header as compared: NFKC, case and all spacing ignored, no trailing ``*``, ``:``, ``?``."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = _FORMULA_QUOTE.sub("", folded.strip())
    return _TRAILING.sub("", "".join(folded.split()))


def _unnumbered(text: str) -> str:
    """The header without leading numbering (``3.2 ``, ``Q3.``, ``(3)``)."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    stripped = _NUMBERING.sub("", folded, count=1)
    return header_key(stripped) if stripped != folded else ""


def _texts(text: Any) -> list[str]:
    if text is None:
        return []
    return [text] if isinstance(text, str) else [t for t in text.values() if t]


def header_index(q: Questionnaire) -> dict[str, set[str]]:
    """Every way a header may name an item: key -> answers-frame columns."""
    index: dict[str, set[str]] = {}

    def add(key: str, column: str) -> None:
        if key:
            index.setdefault(key, set()).add(column)

    for item in [*q.profile, *q.questions]:
        column = _target_column(item.id, q)
        add(header_key(item.id), column)
        add(header_key(column), column)
        for text in _texts(item.text):
            add(header_key(text), column)
            add(_unnumbered(text), column)
    for column, titles in META_TITLES.items():
        add(header_key(column), column)
        for title in titles:
            add(header_key(title), column)
    return index


def _id_keys(q: Questionnaire) -> dict[str, str]:
    """Header key of an id -> frame column, for the id row of a template sheet."""
    keys = {header_key(item.id): _target_column(item.id, q) for item in [*q.profile, *q.questions]}
    keys.update({header_key(_target_column(p.id, q)): _target_column(p.id, q) for p in q.profile})
    keys.update({header_key(m): m for m in META_IDS})
    return keys


@dataclass
class Column:
    """A column of the file matched to an answers-frame column."""

    position: int
    header: str
    target: str
    item: ProfileItem | Question | None
    timestamp: bool = False  # a form's submission time, read for its date (``TIMESTAMP_TITLES``)


@dataclass
class Layout:
    """How a file's columns match the questionnaire, and where its data rows start."""

    columns: list[Column]
    ignored: list[tuple[int, str]]  # position, header
    id_row: bool  # the second row holds item ids (a template sheet)


def _header_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _is_id_row(cells: list[Any], ids: dict[str, str]) -> bool:
    texts = [_header_text(c) for c in cells]
    filled = [t for t in texts if t]
    return bool(filled) and all(header_key(t) in ids for t in filled)


def match_columns(path: Path, headers: list[Any], second: list[Any] | None,
                  q: Questionnaire, mapping: SurveyMap | None = None) -> Layout:
    """Match every header to at most one item, and every item to at most one column."""
    ids = _id_keys(q)
    id_row = second is not None and _is_id_row(second, ids)
    index = header_index(q)
    mapped = mapping.column_targets(q) if mapping else {}
    problems: list[Rejection] = []
    columns: list[Column] = []
    ignored: list[tuple[int, str]] = []
    for position, raw in enumerate(headers):
        header = _header_text(raw)
        key = header_key(header)
        targets: set[str] = set()
        if key and key in mapped:
            if mapped[key] is None:
                continue  # the map says: ignore this column, silently
            targets = {str(mapped[key])}
        elif id_row and second is not None and header_key(_header_text(second[position])) in ids:
            targets = {ids[header_key(_header_text(second[position]))]}
        elif key:
            targets = set(index.get(key) or index.get(_unnumbered(header))  # a copy: the
                          or _first_line_targets(header, index) or ())  # index stays
        if len(targets) > 1:
            problems.append(Rejection(str(path), 1, header, "", Msg(
                "이 열은 여러 문항에 맞습니다 ({t}): --map으로 하나를 정하세요",
                "this column matches several items ({t}): choose one with --map")
                .format(t=", ".join(sorted(targets)))))
            continue
        if not targets:
            ignored.append((position, header))
            continue
        target = targets.pop()
        columns.append(Column(position, header, target, _item_of(target, q)))
    by_target: dict[str, list[Column]] = {}
    for column in columns:
        by_target.setdefault(column.target, []).append(column)
    for target, found in by_target.items():
        if len(found) > 1:
            names = ", ".join(f"'{c.header}' ({_letter(c.position)})" for c in found)
            problems.append(Rejection(str(path), 1, found[1].header, "", Msg(
                "여러 열이 같은 문항 '{t}'에 맞습니다: {n}. 하나만 남기거나 --map으로 정하세요",
                "several columns match item '{t}': {n}. Keep one, or choose with --map")
                .format(t=target, n=names)))
    stamp = _timestamp_column(ignored) if "assessment.date" not in by_target else None
    if stamp is not None:
        columns.append(stamp)
        ignored.remove((stamp.position, stamp.header))
    ignored = [(position, header) for position, header in ignored
               if header_key(header) not in _EMAIL_KEYS]
    for item in q.profile:
        if (item.required or item.id == "name") and not problems \
                and profile_column(item.id) not in by_target:
            problems.append(Rejection(str(path), 1, "", "", Msg(
                "'{ko}' 열이 없습니다: 제목이 '{ko}' 또는 '{i}'인 열이 있어야 합니다 (--map으로 정할 수도 있습니다)",
                "no '{en}' column: a column titled '{en}' or '{i}' is needed (or map one with --map)")
                .format(ko=pick(item.text, "ko"), en=pick(item.text, "en"), i=item.id)))
    if problems:
        raise SurveyError(path, problems)
    return Layout(columns, ignored, id_row)


_STAMP_KEYS = frozenset(header_key(title) for title in TIMESTAMP_TITLES)
_EMAIL_KEYS = frozenset(header_key(title) for title in FORM_EMAIL_TITLES)


def _timestamp_column(ignored: list[tuple[int, str]]) -> Column | None:
    """The first unmatched column titled as a form's submission time, read for its date."""
    for position, header in ignored:
        if header_key(header) in _STAMP_KEYS:
            return Column(position, header, "assessment.date", None, timestamp=True)
    return None


def _first_line_targets(header: str, index: dict[str, set[str]]) -> set[str] | None:
    """The items the header's first line names, numbered or not: forms put a description
    on the lines after the question (``"21. 질문\n(설명)"``)."""
    lines = header.splitlines()
    if len(lines) < 2:
        return None
    return index.get(header_key(lines[0])) or index.get(_unnumbered(lines[0]))


def _letter(position: int) -> str:
    """The spreadsheet column letter (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading cells --------------------------------------------------------------------------

def _filled(cells: np.ndarray) -> np.ndarray:
    """Which cells hold something: CSV blanks are "" (read unfiltered), XLSX blanks NaN."""
    return pd.notna(cells) & (cells != "")


def _blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float):
        return bool(np.isnan(raw))
    return isinstance(raw, str) and not raw.strip()


Converter = Callable[[Any], Any]


def _converter(column: Column, mapping: SurveyMap | None) -> Converter:
    """A function from a raw cell (never blank) to its canonical value; raises AnswerError."""
    if column.timestamp:
        return _stamp_date
    if column.target == "assessment.date":
        return _date
    item = column.item
    if item is None or _free_text(column):
        return _text
    if item.type == "number":  # the one rule: units, %, thousands; an ambiguous comma refused
        return lambda raw: answers.normalize(item, raw)
    table = answers.lookup_table(item)
    if mapping is not None and item.type != "text":
        for label, value in mapping.answers.get(item.id, {}).items():
            table[answers.fold(label)] = value
    loose: dict[str, Any] = {}
    for key, value in table.items():
        loose.setdefault(_loose(key), value)

    def tolerant(part: Any) -> Any:
        """A label typed with other spacing or a final period: 'ERP(전사적 자원관리)'."""
        if not isinstance(part, str) or answers.fold(part) in table:
            return part
        return loose.get(_loose(part), part)

    if item.type == "multi":
        joins = answers.label_joins(table)
        # Each ticked label is looked up once per file: the 10,000 distinct cells of a column
        # are a few labels in ever new combinations. A part's options, or why it has none.
        chosen: dict[str, tuple[Any, ...] | Msg] = {}

        def options_of(part: str) -> tuple[Any, ...]:
            found = chosen.get(part)
            if found is None:
                try:
                    found = answers.normalize(item, [tolerant(part)], table)
                except answers.AnswerError as exc:
                    found = exc.message
                chosen[part] = found
            if isinstance(found, Msg):
                raise answers.AnswerError(found)
            return found

        def multi(raw: Any) -> Any:
            """``answers.normalize`` of the cell's parts, each part looked up once."""
            if not isinstance(raw, str):
                return answers.normalize(item, raw, table)
            ticked: set[Any] = set()
            for part in answers.split_multi(raw, table, joins):
                ticked.update(options_of(part))  # the first bad part raises, as normalize
            return tuple(o.value for o in item.options if o.value in ticked)

        return multi
    return lambda raw: answers.normalize(item, tolerant(raw), table)


def _loose(text: str) -> str:
    """Text compared without any spacing or final period (labels typed by hand)."""
    return "".join(answers.fold(text).split()).rstrip(".")


def _free_text(column: Column) -> bool:
    """Text that is only stripped: no 'not applicable' words to look for."""
    item = column.item
    if item is None:
        return column.target != "assessment.date"
    return item.type == "text" and not (isinstance(item, Question) and item.allow_na)


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an id such as 42 that a spreadsheet stored as a number
    return str(raw).strip()


def _date(raw: Any) -> str:
    if isinstance(raw, (dt.datetime, pd.Timestamp)):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    found = _DATE.match(text)
    if found:
        with contextlib.suppress(ValueError):
            return dt.date(*(int(g) for g in found.groups())).isoformat()
    raise answers.AnswerError(Msg("날짜를 읽을 수 없습니다 (예: 2026-03-12)",
                                  "not a date (e.g. 2026-03-12)"))


def _stamp_date(raw: Any) -> str:
    """A time stamp cell's date part (``STAMP_DATE``) as written, or the whole text when it has
    none: read as a date once the whole column is known (``_stamp_dates``)."""
    if isinstance(raw, (dt.datetime, pd.Timestamp, dt.date)):
        return _date(raw)  # an Excel date cell: its date as written, no time zone
    text = str(raw).strip()
    found = _STAMP_DATE.match(text)
    return found.group(1) if found else text


def _stamp_dates(texts: list[str]) -> list[str | None]:
    """The ISO date of each distinct date part of a time stamp column; None: not a date.

    A slashed date is month first (``4/16/2026``, as Google writes in English), unless the
    column's own dates show it is day first (``16/4/2026``, and none month first): the
    column is one form's, in one locale.
    """
    slashed = [found.groups() for text in texts if (found := _SLASH_DATE.match(text))]
    day_first = any(int(a) > 12 for a, _, _ in slashed) \
        and not any(int(b) > 12 for _, b, _ in slashed)
    dates: list[str | None] = []
    for text in texts:
        found = _SLASH_DATE.match(text)
        if found is None:
            try:
                dates.append(_date(text))
            except answers.AnswerError:
                dates.append(None)
            continue
        first, second, year = (int(g) for g in found.groups())
        month, day = (second, first) if day_first else (first, second)
        try:
            dates.append(dt.date(year, month, day).isoformat())
        except ValueError:
            dates.append(None)
    return dates


def _number_bounds(item: ProfileItem | Question) -> tuple[float, float]:
    """The numbers ``answers.normalize`` accepts for a number item, as a closed range."""
    low = item.min if item.min is not None else -np.inf
    high = item.max if item.max is not None else np.inf
    if isinstance(item, Question) and item.bands and item.bands[-1].max is not None:
        high = min(high, item.bands[-1].max)
    return low, high


def _quick_numbers(cells: np.ndarray, low: float, high: float) -> np.ndarray:
    """``float(cell)`` of each text cell that is a finite number in ``[low, high]``, when that
    is all ``answers.normalize`` would do; NaN for the others (ask it).

    pandas picks the cells that look like numbers (in C); their values come from ``float()``
    itself (the one ``answers.parse_number`` ends in), through NumPy.
    """
    found = np.full(len(cells), np.nan)
    text = np.fromiter((type(cell) is str for cell in cells.tolist()), dtype=bool,
                       count=len(cells))
    if not text.any():
        return found
    rough = pd.to_numeric(pd.Series(cells[text], dtype=object), errors="coerce")
    looks = np.zeros(len(cells), dtype=bool)
    looks[text] = ~np.isnan(rough.to_numpy(dtype=float, na_value=np.nan))
    try:
        found[looks] = cells[looks].astype(float)  # float() of each
    except (TypeError, ValueError, OverflowError):
        return np.full(len(cells), np.nan)
    found[~((found >= low) & (found <= high) & np.isfinite(found))] = np.nan
    return found


@dataclass
class _ColumnState:
    """A matched column while the file is read: its converter and what it has seen."""

    column: Column
    convert: Converter
    free_text: bool = False
    bounds: tuple[float, float] | None = None  # number items: the accepted range
    distinct: _Distinct = field(default_factory=lambda: _Distinct())
    parts: list[np.ndarray] = field(default_factory=list)
    # Coded columns (scored single-answer questions) keep integer codes into ``codes``, the
    # distinct canonical values in order of appearance: the engine reads them as a
    # categorical column without hashing 100,000 cells again.
    codes: dict[Any, int] | None = None

    def code_of(self, value: Any) -> int:
        assert self.codes is not None
        if value is None:
            return -1
        return self.codes.setdefault(value, len(self.codes))

    def values_at(self, index: np.ndarray) -> list[Any]:
        """The canonical values of the rows at ``index`` (of all rows read; None: blank or bad)."""
        if not self.parts:
            return [None] * len(index)
        values = np.concatenate(self.parts)[index]
        if self.codes is None:
            return values.tolist()
        categories = list(self.codes)
        return [categories[code] if code >= 0 else None for code in values.tolist()]

    def collect(self, keep: np.ndarray) -> Any:
        """The whole column, rows in ``keep`` only: object values, or a categorical."""
        if self.codes is None:
            return (np.concatenate(self.parts)[keep] if self.parts
                    else np.zeros(0, dtype=object))
        codes = np.concatenate(self.parts)[keep] if self.parts else np.zeros(0, dtype=np.int32)
        categories = pd.Index(list(self.codes), dtype=object, tupleize_cols=False)
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))


@dataclass
class _Converted:
    """One batch of one column: canonical values, and which cells were filled or bad."""

    values: np.ndarray  # object, one per row, None when blank or bad; or codes (-1 for those)
    filled: np.ndarray  # bool per row: the cell was not blank
    bad: np.ndarray | None = None  # bool per row, None when no cell is bad
    messages: dict[int, Msg] = field(default_factory=dict)  # row -> why it is bad


def _convert_column(state: _ColumnState, raw: csvrows.Cells) -> _Converted:
    """Convert one batch of a column, each distinct raw value once per file (``_Distinct``).

    A CSV's columns come coded (pyarrow hashed them in C++), an XLSX's are factorized by
    pandas in C; only the distinct values reach Python, and the rows take their canonical
    values by index. Plain numbers in range are read all at once (pyarrow parsed a CSV's), as
    they are mostly distinct. Free text, mostly distinct too, is only stripped.
    """
    kind = ("" if isinstance(raw, csvrows.Coded) or not state.free_text
            else pd.api.types.infer_dtype(raw, skipna=True))
    if kind == "empty":
        return _Converted(np.full(len(raw), None, dtype=object), np.zeros(len(raw), dtype=bool))
    if kind == "string":
        assert isinstance(raw, np.ndarray)
        values = raw.copy()
        filled = _filled(values)
        cells = values[filled].tolist()
        stripped = [cell.strip() for cell in cells]  # the same object when nothing to strip
        if stripped != cells:
            values[filled] = [cell or None for cell in stripped]
            filled = ~np.equal(values, None) & filled
        values[~filled] = None
        return _Converted(values, filled)
    if isinstance(raw, csvrows.Coded):
        codes, uniques = raw.codes, raw.distinct
    else:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    cells = np.asarray(uniques, dtype=object)
    seen = state.distinct
    slots = np.zeros(len(cells) + 1, dtype=np.int64)  # the last, for code -1: 0, blank
    pending = np.arange(len(cells))
    quick = None
    if state.bounds is not None:  # plain numbers in range, all at once: most are distinct
        low, high = state.bounds
        if isinstance(raw, csvrows.Coded) and raw.numbers is not None:
            quick = raw.numbers.copy()  # pyarrow parsed the plain decimals
            quick[~((quick >= low) & (quick <= high) & np.isfinite(quick))] = np.nan
        else:
            quick = _quick_numbers(cells, low, high)
        pending = np.flatnonzero(np.isnan(quick))
    found = np.fromiter((seen.index.get(cell, -1) for cell in cells[pending].tolist()),
                        dtype=np.int64, count=len(pending))
    if (found < 0).any():  # not seen before in this file: converted once
        fresh = cells[pending[found < 0]]
        _convert_distinct(state, fresh)
        found[found < 0] = [seen.index[cell] for cell in fresh.tolist()]
    slots[pending] = found
    rows = slots[codes]
    result = _Converted(seen.values[rows], ~seen.blank[rows])
    if quick is not None:  # the plain numbers: their own values (in no slot)
        number = np.append(~np.isnan(quick), False)[codes]
        result.values[number] = np.append(quick, np.nan)[codes][number]
        result.filled |= number
    bad = seen.bad[rows]
    if bad.any():
        result.bad = bad
        result.messages = {int(i): seen.reasons[int(rows[i])] for i in np.flatnonzero(bad)}
    return result


@dataclass
class _Distinct:
    """A column's distinct raw cells so far, each converted once per file: its slot in
    ``values`` (the canonical value, or its code), ``blank`` and ``bad``. Slot 0 is blank."""

    index: dict[Any, int] = field(default_factory=dict)
    values: np.ndarray = field(default_factory=lambda: np.array([None], dtype=object))
    blank: np.ndarray = field(default_factory=lambda: np.ones(1, dtype=bool))
    bad: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=bool))
    reasons: dict[int, Msg] = field(default_factory=dict)  # slot -> why it is bad

    def add(self, cells: list[Any], values: list[Any], blank: list[bool],
            reasons: list[Msg | None]) -> None:
        """New slots for ``cells`` (none of them seen before)."""
        start = len(self.values)
        for offset, (cell, reason) in enumerate(zip(cells, reasons, strict=True)):
            self.index.setdefault(cell, start + offset)  # 1 and True are one key: the first
            if reason is not None:
                self.reasons[start + offset] = reason
        # fromiter: a tuple (a multi answer) stays one value, as np.array would not keep it
        added = np.fromiter(values, dtype=self.values.dtype, count=len(values))
        self.values = np.concatenate([self.values, added])
        self.blank = np.concatenate([self.blank, np.array(blank, dtype=bool)])
        self.bad = np.concatenate([self.bad, [reason is not None for reason in reasons]])


def _convert_distinct(state: _ColumnState, cells: np.ndarray) -> None:
    """Convert cells not seen before in this file, and give them slots."""
    values: list[Any] = [None] * len(cells)
    reasons: list[Msg | None] = [None] * len(cells)
    for i, cell in enumerate(cells.tolist()):
        if _blank(cell):
            continue
        if isinstance(cell, xlsxrows.Uncached):
            reasons[i] = _uncached_message(cell)
            continue
        try:
            values[i] = state.convert(cell)
        except answers.AnswerError as exc:
            reasons[i] = exc.message
    blank = [value is None and reason is None for value, reason in zip(values, reasons,
                                                                        strict=True)]
    if state.codes is not None:  # coded columns keep codes (-1: blank or bad)
        values = [state.code_of(value) for value in values]
    state.distinct.add(cells.tolist(), values, blank, reasons)


def _uncached_message(cell: xlsxrows.Uncached) -> Msg:
    return Msg("시트 '{s}' 셀 {c}: 수식의 값이 파일에 저장되어 있지 않습니다. 엑셀에서 파일을 열어 저장하면 "
               "값이 함께 저장됩니다",
               "sheet '{s}', cell {c}: the formula's value is not stored in the file. Open the "
               "file in Excel and save it, so that the values are stored").format(
        s=cell.sheet, c=cell.cell)


# --- the file -------------------------------------------------------------------------------

@dataclass
class SurveyResult:
    """What one survey file gave: answers-frame rows, and what was left out."""

    path: str
    frame: pd.DataFrame  # answers frame (``frame_columns``), readable rows only
    rows: np.ndarray  # the spreadsheet row number of each frame row (header = row 1)
    rejections: list[Rejection] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers of columns that match nothing
    warnings: list[Problem] = field(default_factory=list)  # e.g. time stamps without a date


def read(path: Path, q: Questionnaire, mapping: SurveyMap | None = None) -> SurveyResult:
    """Read a CSV or XLSX survey export into answers-frame rows.

    Raises ``SurveyError`` (a ``DiagnoseError``) when the file cannot be used at all: it cannot
    be decoded or opened, or its columns cannot be matched unambiguously.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise _file_error(path, Msg("읽을 수 없습니다: {e}", "cannot read: {e}")
                          .format(e=exc.strerror)) from None
    if not stat.S_ISREG(mode):  # a pipe would block the reader, a device never end
        raise _file_error(path, Msg("일반 파일이 아닙니다 (파이프나 장치)",
                                    "not a regular file (a pipe or a device)"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read(path, q, mapping, lambda reader: _xlsx_records(path, reader))
    if suffix != ".csv":
        raise _file_error(path, Msg("설문 내보내기는 .csv 또는 .xlsx여야 합니다",
                                    "survey exports must be .csv or .xlsx"))
    head = _head_bytes(path)
    # A file that starts as UTF-8 with Korean text is UTF-8: a bad byte further on is damage,
    # and CP949 would read it as mojibake instead of failing.
    encodings = ENCODINGS[:1] if _starts_as_utf8(head) else ENCODINGS
    for encoding in encodings:
        try:
            return _read(path, q, mapping,
                         lambda reader, e=encoding: _csv_records(path, e, head, reader))
        except UnicodeDecodeError:
            continue
    raise _file_error(path, _undecodable_message(path, encodings))


def _undecodable_message(path: Path, encodings: tuple[str, ...]) -> Msg:
    """Which encodings were tried, and where the one that read furthest stopped: a CP949
    file with one damaged byte says its line, not only that it is not text."""
    tried = ", ".join(e.upper() for e in encodings)
    found = [(place, encoding) for encoding in encodings
             if (place := csvrows.first_undecodable(path, encoding)) is not None]
    if not found:  # decodable after all (the reader failed on something else): no place
        return Msg("문자 인코딩을 읽을 수 없습니다 ({t}로 읽어 보았습니다): UTF-8로 다시 저장하세요",
                   "cannot decode the file (tried {t}): save it again as UTF-8").format(t=tried)
    place, encoding = max(found, key=lambda item: item[0].offset)
    return Msg(
        "문자 인코딩을 읽을 수 없습니다 ({t}로 읽어 보았습니다): {e}로 읽으면 {l:,}번째 줄(바이트 위치 "
        "{o:,})의 0x{b:02X}에서 막힙니다. 그 줄의 깨진 글자를 고치거나, 원본을 엑셀에서 'CSV UTF-8'(또는 "
        "한국어 'CSV')로 다시 저장하세요",
        "cannot decode the file (tried {t}): read as {e}, it stops at byte 0x{b:02X} on line "
        "{l:,} (byte offset {o:,}). Fix the broken character on that line, or save the original "
        "again from Excel as 'CSV UTF-8' (or Korean 'CSV', CP949)").format(
        t=tried, e=encoding.upper(), l=place.line, o=place.offset, b=place.byte)


def _starts_as_utf8(head: bytes) -> bool:
    if head.isascii():
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut off by the read size
    return True


def _head_bytes(path: Path, size: int = 65536) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise _file_error(path, Msg("읽을 수 없습니다: {e}", "cannot read: {e}")
                          .format(e=exc.strerror)) from None


def _blank_lines(head: bytes) -> int:
    """The empty lines the file starts with (the header line comes after them)."""
    count = 0
    for line in head.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        if line.strip(b"\r \t"):
            break
        count += 1
    return count


def _delimiter(head: bytes, encoding: str) -> str:
    """``,`` unless the header line holds more tabs or semicolons (outside quotes)."""
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    text = b"\n".join(lines[_blank_lines(head):]).decode(encoding, errors="ignore")
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] > counts[","] else ","


HEAD_ROWS = 20  # read first, to find the header (blank rows above it allowed) and the id row


def _csv_records(path: Path, encoding: str, head: bytes, reader: _Reader
                 ) -> Iterator[csvrows.Records]:
    """The rows under the header, in batches (``diagnose.inputs.csvrows``).

    ``reader.plan`` sees the first rows and says how many to skip (blank rows, the header, the
    id row). Every row is read as wide as the header: a shorter one is padded with blank
    cells, a longer one is rejected. Option columns come coded, hashed by the parser itself.
    """
    if not head.strip():
        raise _file_error(path, Msg("빈 파일입니다", "the file is empty"))
    if b"\x00" in head:  # a binary file, or UTF-16 "Unicode text" from Excel
        raise _file_error(path, Msg(
            "텍스트 CSV가 아닙니다 (바이너리 또는 UTF-16): 'CSV UTF-8'로 다시 저장하세요",
            "not a text CSV (binary or UTF-16): save it again as 'CSV UTF-8'"))
    sep = _delimiter(head, encoding)
    end = csvrows.text_end(path, encoding)  # without a character the file is cut inside
    try:
        lead = _blank_lines(head)  # empty lines (or spaces only) above the header: rows too
        first = csvrows.head(path, encoding, sep, lead + HEAD_ROWS, end)[lead:]
        start = _header_row(first)
        if start is None:
            return
        width = len(first[start])  # rows are read as wide as the header
        _, skip = reader.plan(first, width)
        # Answers to choose from, numbers and dates repeat: coded, each distinct text is
        # converted once. Free text (names, notes) is mostly distinct: plain.
        plain = {state.column.position for state in reader.states if state.free_text}
        coded = {state.column.position for state in reader.states} - plain
        numeric = {state.column.position for state in reader.states if state.bounds}
        # a time stamp's date part only: far fewer distinct cells than seconds
        trim = {state.column.position: STAMP_DATE for state in reader.states
                if state.column.timestamp}
        yield from csvrows.read(path, encoding, sep, width, lead + skip + 1, coded, plain,
                                numeric, end, trim)
    except csvrows.Malformed as exc:
        raise _file_error(path, Msg("CSV 형식 오류: {e}", "malformed CSV: {e}")
                          .format(e=str(exc).strip())) from None


def _header_row(rows: list[list[Any]]) -> int | None:
    """The first row with anything in it (blank rows above the header are allowed)."""
    return next((i for i, row in enumerate(rows)
                 if _filled(np.array(row, dtype=object)).any()), None)


def _xlsx_records(path: Path, reader: _Reader) -> Iterator[csvrows.Records]:
    """The rows of the survey sheet (``diagnose.inputs.xlsxrows``) that hold something."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: "Data Validation extension ..."
            sheet = xlsxrows.read(path, (TEMPLATE_SHEETS.ko, TEMPLATE_SHEETS.en),
                                  MAX_ROWS + HEAD_ROWS, MAX_CELLS)
    except xlsxrows.SheetTooLarge as exc:
        raise _file_error(path, Msg(
            "시트가 너무 큽니다 (내용 있는 행 {r:,}개 x {c:,}열 이상, 최대 {m:,}칸·{n:,}행): 파일을 나누세요",
            "the sheet is too large ({r:,} rows with content x {c:,} columns or more, at most "
            "{m:,} cells and {n:,} rows): split the file").format(
            r=exc.rows, c=exc.columns, m=MAX_CELLS, n=MAX_ROWS)) from None
    except Exception as exc:  # zipfile, openpyxl and pandas raise many kinds for a bad file
        raise _file_error(path, Msg("XLSX 파일을 열 수 없습니다: {e}", "cannot open the XLSX file: {e}")
                          .format(e=f"{type(exc).__name__}: {exc}")) from None
    width = sheet.width
    head: list[list[Any]] = [[] for _ in range(HEAD_ROWS)]  # rows 1-20, blank ones too
    for number, cells in zip(sheet.numbers, sheet.rows, strict=True):
        if number > HEAD_ROWS:
            break
        head[number - 1] = cells
    start, skip = reader.plan(head, width)
    if reader.layout is None:
        return
    for position, cell in enumerate(head[start]):
        if isinstance(cell, xlsxrows.Uncached):
            raise _file_error(path, _uncached_message(cell), row=start + 1,
                              column=_letter(position))
    first = next((i for i, n in enumerate(sheet.numbers) if n > skip), len(sheet.numbers))
    table = np.empty((len(sheet.numbers) - first, width), dtype=object)  # blank: None
    for i, cells in enumerate(sheet.rows[first:]):
        table[i, : len(cells)] = cells
    wanted = {state.column.position for state in reader.states}
    yield csvrows.Records(
        np.array(sheet.numbers[first:], dtype=int),
        {p: table[:, p].copy() for p in wanted},
        {p: _filled(table[:, p]) for p in range(width) if p not in wanted})


def _read(path: Path, q: Questionnaire, mapping: SurveyMap | None,
          records: Callable[[_Reader], Iterator[csvrows.Records]]) -> SurveyResult:
    reader = _Reader(path, q, mapping)
    for part in records(reader):
        reader.feed(part)
    result = reader.result()
    result.rejections.sort(key=lambda r: (r.row or 0))
    return result


class _Reader:
    """Reads one file: the header first, then its rows, some at a time."""

    def __init__(self, path: Path, q: Questionnaire, mapping: SurveyMap | None) -> None:
        self.path, self.q, self.mapping = path, q, mapping
        self.layout: Layout | None = None
        self.states: list[_ColumnState] = []
        self.rows: list[np.ndarray] = []
        self.keep: list[np.ndarray] = []
        self.rejections: list[Rejection] = []
        self.ignored_with_data: set[int] = set()
        self.width = 0  # the header's cells
        self.cut: csvrows.CutOff | None = None  # the last row, when the file ends inside it
        self.count = 0  # the rows read so far (blank ones too)

    def feed(self, part: csvrows.Records) -> None:
        """Take some rows: convert their cells, note their rejections."""
        assert self.layout is not None
        for row, cells in part.too_long:
            self.rejections.append(Rejection(str(self.path), row, "", "", Msg(
                "이 행의 칸 수({n})가 제목 행보다 많아 읽을 수 없습니다",
                "this row has more cells ({n}) than the header").format(n=len(cells)),
                *self._company_in(cells)))
        if part.cut is not None:
            self._cut_off(part.cut)
        if not len(part):
            return
        self.count += len(part)
        if self.count > MAX_ROWS:  # real rows: formatting far down a sheet is no row
            raise _file_error(self.path, Msg(
                "행이 너무 많습니다 (최대 {n:,}행): 파일을 나누세요",
                "too many rows (at most {n:,}): split the file").format(n=MAX_ROWS))
        keep = np.zeros(len(part), dtype=bool)
        for position, _ in self.layout.ignored:
            filled = part.filled[position]
            keep |= filled
            if filled.any():
                self.ignored_with_data.add(position)
        converted = [_convert_column(state, part.cells[state.column.position])
                     for state in self.states]
        for column in converted:
            keep |= column.filled
        # keep: rows with anything in them. Wholly blank rows are no answers: skipped silently.
        bad = np.zeros(len(part), dtype=bool)
        for state, column in zip(self.states, converted, strict=True):
            state.parts.append(column.values)
            if column.bad is not None:
                cell_bad = column.bad & keep
                bad |= cell_bad
                raw = part.cells[state.column.position]
                for i in np.flatnonzero(cell_bad):
                    self.rejections.append(Rejection(
                        str(self.path), int(part.rows[i]), state.column.header,
                        _shown(_cell(raw, int(i))), column.messages[int(i)]))
            if _required(state.column):
                missing = keep & ~column.filled
                for i in np.flatnonzero(missing):
                    self.rejections.append(Rejection(
                        str(self.path), int(part.rows[i]), state.column.header, "",
                        _missing_message(state.column)))
                bad |= missing
        self.rows.append(part.rows)
        self.keep.append(keep & ~bad)

    def _cut_off(self, cut: csvrows.CutOff) -> None:
        """Leave out the last row of a file that ends inside it, with that as its one reason."""
        self.cut = cut
        for rows, keep in zip(self.rows, self.keep, strict=True):
            keep[rows == cut.row] = False
        self.rejections = [r for r in self.rejections if r.row != cut.row]  # its cells' faults
        first, *more = cut.text.splitlines() or [""]  # the rest of the file, maybe: one line
        self.rejections.append(Rejection(str(self.path), cut.row, self._header_at(cut.cells - 1),
                                         _shown(first + ("…" if more else "")),
                                         _cut_message(cut, self.width)))

    def _header_at(self, position: int) -> str:
        assert self.layout is not None
        headers = {c.position: c.header for c in self.layout.columns}
        headers.update(self.layout.ignored)
        return headers.get(position) or _letter(position)

    def _company_in(self, cells: list[str]) -> tuple[str, str]:
        """The company id and name in a row's cells, where readable ('' where not)."""
        found = {state.column.target: state.column.position for state in self.states}

        def text(target: str) -> str:
            position = found.get(target)
            return _shown(cells[position].strip()) \
                if position is not None and position < len(cells) else ""

        return text(profile_column("id")), text(profile_column("name"))

    def _name_companies(self) -> None:
        """Each row rejection with the company id and name of its row, where readable: the
        programme office calls the company, not the row."""
        wanted = np.array(sorted({r.row for r in self.rejections if r.row is not None}))
        if not len(wanted) or not self.rows:
            return
        rows = np.concatenate(self.rows)
        at = np.flatnonzero(np.isin(rows, wanted))
        names: dict[int, list[str]] = {int(row): ["", ""] for row in rows[at]}
        for state in self.states:
            slot = {profile_column("id"): 0, profile_column("name"): 1}.get(state.column.target)
            if slot is None:
                continue
            for row, value in zip(rows[at].tolist(), state.values_at(at), strict=True):
                names[int(row)][slot] = "" if value is None else _shown(_text(value))
            if self.cut is not None and self.cut.row in names \
                    and state.column.position >= self.cut.cells - 1:
                names[self.cut.row][slot] = ""  # the cell the file ends in may be cut short
        self.rejections = [
            dataclasses.replace(r, company_id=names[r.row][0], company_name=names[r.row][1])
            if r.row in names and not (r.company_id or r.company_name) else r
            for r in self.rejections]

    def plan(self, head: list[list[Any]], width: int) -> tuple[int, int]:
        """From the first rows (``width`` cells read from each): the layout; the header's row
        (0-based) and the rows to skip (blank rows above the header, the header, the id row).
        No header row in ``head``: no layout, and every row of it skipped."""
        start = _header_row(head)
        if start is None:
            return len(head), len(head)
        headers = (list(head[start]) + [None] * width)[:width]
        second = ((list(head[start + 1]) + [None] * width)[:width] if start + 1 < len(head)
                  else None)
        self.layout = match_columns(self.path, headers, second, self.q, self.mapping)
        self.width = width
        for column in self.layout.columns:
            item = column.item
            state = _ColumnState(column, _converter(column, self.mapping),
                                 free_text=_free_text(column))
            if item is not None and item.type == "number":
                state.bounds = _number_bounds(item)
            if column.timestamp or (isinstance(item, Question)
                                    and item.type in {"level", "choice", "yesno"}):
                state.codes = {}  # one answer each: codes (a multi answer, a tuple, is no
                # pandas category; blank numbers stay None for the reports)
                state.distinct.values = np.full(1, -1, dtype=np.int32)  # slot 0: blank
            self.states.append(state)
        return start, start + 1 + (1 if self.layout.id_row else 0)

    def result(self) -> SurveyResult:
        columns = frame_columns(self.q)
        if self.layout is None:
            raise _file_error(self.path, Msg(
                "제목 행이 없습니다 (빈 파일이거나 처음 {n}행이 비어 있음)",
                "no header row (the file is empty, or its first {n} rows are)").format(
                n=HEAD_ROWS))
        self._name_companies()
        keep = np.concatenate(self.keep) if self.keep else np.zeros(0, dtype=bool)
        rows = np.concatenate(self.rows)[keep] if self.rows else np.zeros(0, dtype=int)
        # Padded short rows of a CSV come after the batch around them: put rows in file order.
        order = np.argsort(rows, kind="stable") if np.any(np.diff(rows) < 0) else None
        data: dict[str, Any] = {}
        for state in self.states:  # no parts: a header without rows
            values = state.collect(keep)
            data[state.column.target] = values if order is None else values[order]
        rows = rows if order is None else rows[order]
        n = len(rows)
        warnings: list[Problem] = []
        stamp = next((s.column for s in self.states if s.column.timestamp), None)
        if stamp is not None:
            data[stamp.target], warning = self._stamp_column(stamp, data[stamp.target], rows)
            warnings += [warning] if warning is not None else []
        rounds = data.get("assessment.round")
        if rounds is None:
            data["assessment.round"] = np.full(n, DEFAULT_ROUND, dtype=object)
        else:
            rounds[np.equal(rounds, None)] = DEFAULT_ROUND
        data["source"] = f"{self.path}:" + rows.astype(str).astype(object)  # "file:row"
        empty = np.full(n, None, dtype=object)
        # object arrays stay object (pandas 3 would infer "str" from them), categoricals stay
        frame = pd.DataFrame({c: _as_column(data.get(c, empty)) for c in columns},
                             columns=columns)
        ignored = [header or f"({_letter(position)})" for position, header in self.layout.ignored
                   if header or position in self.ignored_with_data]
        return SurveyResult(str(self.path), frame, rows, self.rejections, ignored, warnings)

    def _stamp_column(self, column: Column, parts: pd.Categorical, rows: np.ndarray
                      ) -> tuple[np.ndarray, Problem | None]:
        """The assessment dates of a time stamp column (its date parts, coded), and the
        warning for its cells that hold no date: those rows are scored undated."""
        texts = [str(text) for text in parts.categories]
        dates = np.array([*_stamp_dates(texts), None], dtype=object)  # code -1: blank
        codes = np.asarray(parts.codes)
        unreadable = np.flatnonzero((codes >= 0) & np.equal(dates[codes], None))
        if not len(unreadable):
            return dates[codes], None
        first = int(unreadable[0])
        return dates[codes], Problem(str(self.path), int(rows[first]), column.position + 1, Msg(
            "'{h}' 열에서 날짜를 읽을 수 없는 행 {n:,}개(처음: {r}행 '{v}')는 진단일 없이 채점합니다",
            "{n:,} row(s) of column '{h}' hold no readable date (first: row {r}, '{v}'): "
            "they are scored without an assessment date").format(
            h=column.header, n=len(unreadable), r=int(rows[first]),
            v=_shown(texts[codes[first]])), "warning")


def _as_column(values: Any) -> Any:
    if isinstance(values, np.ndarray):
        return pd.Series(values, dtype=object, copy=False)
    return values


def _cell(raw: csvrows.Cells, i: int) -> Any:
    """The raw text (or XLSX value) of row ``i`` of a column."""
    return raw.distinct[raw.codes[i]] if isinstance(raw, csvrows.Coded) else raw[i]


def _cut_message(cut: csvrows.CutOff, width: int) -> Msg:
    """Why the last row of a file that looks cut off is left out, and what to do."""
    if cut.open_quote and cut.lines:  # a stray quote, or a file cut inside a multi-line cell
        return Msg(
            "CSV 형식 오류: {r}행에서 연 따옴표(\")가 파일 끝까지 닫히지 않아, 그 뒤 {n:,}줄이 이 행의 한 칸으로 "
            "읽혔습니다(파일이 잘렸을 수도 있습니다). 이 행과 그 줄들은 빼고 채점했습니다. 따옴표를 고치거나 "
            "원본을 다시 내려받으세요",
            "malformed CSV: a quote (\") opened in row {r} is never closed, so the {n:,} line(s) "
            "after it were read into one cell (or the file is cut off there). This row and those "
            "lines are left out; fix the quote or download the original again").format(
            r=cut.row, n=cut.lines)
    if cut.broken_character and not cut.open_quote:
        return Msg(
            "파일이 {r}행에서 잘린 것 같습니다: 파일이 글자 중간에서 끝납니다. 이 행은 빼고 채점했습니다. "
            "원본을 다시 내려받거나 다시 저장하세요",
            "the file looks cut off at row {r}: it ends in the middle of a character. The row is "
            "left out; download or save the original again").format(r=cut.row)
    if cut.open_quote:
        return Msg(
            "파일이 {r}행에서 잘린 것 같습니다: 따옴표(\")로 연 칸이 닫히지 않은 채 파일이 끝납니다. 이 행은 "
            "빼고 채점했습니다. 원본을 다시 내려받거나 다시 저장하세요",
            "the file looks cut off at row {r}: it ends inside a quoted cell of this row. The row "
            "is left out; download or save the original again").format(r=cut.row)
    return Msg(
        "파일이 {r}행에서 잘린 것 같습니다: 마지막 행에 제목 행의 {w}칸 중 {c}칸만 있고 줄바꿈 없이 끝납니다. "
        "이 행은 빼고 채점했습니다. 원본을 다시 내려받거나 다시 저장하세요",
        "the file looks cut off at row {r}: its last row has {c} of the header's {w} cells and "
        "no line end. The row is left out; download or save the original again").format(
        r=cut.row, c=cut.cells, w=width)


def _required(column: Column) -> bool:
    item = column.item
    return isinstance(item, ProfileItem) and (item.required or item.id == "name")


def _missing_message(column: Column) -> Msg:
    assert column.item is not None
    if column.item.id == "name":
        return Msg("기업명이 없습니다", "the company name is missing")
    return Msg("필수 기업 정보 '{t}'이(가) 없습니다", "the required company field '{t}' is missing") \
        .format(t=column.header)


def _shown(raw: Any) -> str:
    """A cell as the rejection lists it: its text, cut short when very long."""
    text = _text(raw) if not isinstance(raw, str) else raw
    return text if len(text) <= 200 else text[:199] + "…"


def ignored_warning(files: list[str], ignored: list[str]) -> Problem:
    """One warning for the columns left out of one or more files with the same header."""
    more = len(files) - 1
    extra = Msg("", "") if not more else Msg(" (같은 열이 있는 파일 {n}개 더)",
                                             " (and {n} more file(s) with the same columns)")
    extra = extra.format(n=more)
    message = Msg("질문지와 맞지 않는 열 {n}개는 무시합니다: {c}{ko}",
                  "{n} column(s) match no question and are ignored: {c}{en}").format(
        n=len(ignored), c=", ".join(ignored), ko=extra.ko, en=extra.en)
    return Problem(files[0], 1, 1, message, "warning")
