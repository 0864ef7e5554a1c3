"""Score tables as files (CONTRACT.md section 7): CSV, XLSX and JSON.

CSV is UTF-8 with a BOM so Korean Excel opens it; text cells that a spreadsheet would run as
a formula are neutralised (OWASP CSV injection) in CSV and XLSX alike (``xlsx.neutralise``).
XLSX goes through the project's streaming writer (``diagnose.render.xlsx``); every file is
written atomically (``core.files``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose.content.questionnaire import Questionnaire
from diagnose.core import files
from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import Msg, pick
from diagnose.render import xlsx
from diagnose.render.xlsx import neutralise  # CSV cells are neutralised as XLSX cells are

SUFFIXES = (".csv", ".xlsx", ".json")
SCORE_COLUMNS = (".score", ".percent", ".completeness")  # reported rounded to 2 decimals


def _cell(value: Any) -> Any:
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)  # 85 employees, not 85.0
    return value


def _by_distinct(values: pd.Series, fn: Callable[[Any], Any], blank: Any = None) -> np.ndarray:
    """``fn`` of every cell of a column, called once per distinct value (blank cells: ``blank``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    for code, value in enumerate(np.asarray(uniques, dtype=object).tolist()):
        table[code] = fn(value)
    table[-1] = blank  # code -1: a blank cell
    return table[codes]


def _rounded_scores(name: str, column: pd.Series) -> pd.Series:
    """Scores, percents and completeness rounded to 2 decimals; other columns as they are."""
    if name.endswith(SCORE_COLUMNS):
        return column.astype(float).round(2) + 0.0  # -0.0 reads as 0.0
    return column


def _reported(name: str, column: pd.Series) -> pd.Series:
    """A column as reported: scores rounded to 2 decimals, tuples joined, gaps empty."""
    column = _rounded_scores(name, column)
    if column.dtype == object and pd.api.types.infer_dtype(
            column, skipna=True) not in {"string", "empty"}:  # text stays as it is
        column = pd.Series(_by_distinct(column, _cell), index=column.index, dtype=object)
    return column


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """The table as reported: scores rounded to 2 decimals, tuples joined, gaps empty."""
    out = table.copy()
    for column in out.columns:
        out[column] = _reported(column, out[column])
    return out


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _csv_field(value: Any) -> str:
    """One CSV field as ``csv.writer`` writes it (QUOTE_MINIMAL): quoted when it must be."""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) \
        else str(value)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_RISKY_START = re.compile(r"\x00[=+\-@\t\r]")


def _text_fields(uniques: np.ndarray) -> np.ndarray:
    """CSV fields of distinct text values: neutralised, quoted where needed.

    A column of 100,000 company names is checked in two regex scans of its joined text;
    only a column with something to neutralise or quote is converted value by value.
    """
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        joined = "\x00" + "\x00".join(uniques.tolist())
        if not (_NEEDS_QUOTES.search(joined) or _RISKY_START.search(joined)):
            return uniques
    return np.array([_csv_field(neutralise(_cell(v))) for v in uniques.tolist()] + [None],
                    dtype=object)[:-1]


def _hundredths(values: np.ndarray, whole: bool = False) -> Fields | None:
    """Fields of a column of 2-decimal numbers (rounded scores, percents), without hashing.

    Each value is exactly ``k / 100`` for a whole ``k`` (what ``round(v, 2)`` gives), so its
    ``repr`` is the ``repr`` of ``k / 100``, made once per distinct ``k``; ``whole``: whole
    numbers as ints (85 employees, not 85.0). None for any other column.
    """
    gaps = np.isnan(values)
    known = np.where(gaps, 0.0, values)
    cents = np.rint(known * 100)
    if (not len(values) or np.any(np.abs(cents) > 1_000_000) or np.any(cents / 100 != known)
            or np.any(np.signbit(known) & (known == 0))):  # -0.0 prints as "-0.0"
        return None
    low = int(cents[~gaps].min()) if not gaps.all() else 0
    offsets = (cents - low).astype(np.intp)
    offsets[gaps] = 0
    present = np.zeros(int(offsets.max()) + 1, dtype=bool)  # at most 2,000,001 places
    present[offsets[~gaps]] = True
    used = np.flatnonzero(present)
    codes = (np.cumsum(present) - 1)[offsets]
    codes[gaps] = len(used)
    return codes, [str(k // 100) if whole and k % 100 == 0 else repr(k / 100)
                   for k in (used + low).tolist()] + [""]


Fields = tuple[np.ndarray, list[str]]  # a column: a code per row, the CSV field of each code


def _csv_fields(column: pd.Series) -> Fields:
    """One column as CSV fields: text neutralised, floats as repr, gaps empty; each distinct
    field made once, the rows holding its code."""
    kind = column.dtype
    if pd.api.types.is_float_dtype(kind):
        values = column.to_numpy(dtype=float)
        return _hundredths(values) or _float_fields(values)
    if pd.api.types.is_bool_dtype(kind) and not column.hasnans:
        return column.to_numpy(dtype=np.intp), ["False", "True"]
    if pd.api.types.is_integer_dtype(kind):
        return _distinct_fields(column, lambda v: str(int(v)))
    # object and string columns: untrusted text, neutralised (pandas 3 infers "str" columns)
    values = column.to_numpy(dtype=object)
    numbers = _as_floats(values)
    if numbers is not None:  # answers to number questions: whole ones as ints, as _cell does
        return _hundredths(numbers, whole=True) or _float_fields(
            numbers, lambda v: _csv_field(_cell(v)))
    if _mostly_distinct(values) and pd.api.types.infer_dtype(values, skipna=False) == "string":
        # no gaps, few repeats (ids, names): scanned whole, no hashing of 100,000 names
        return np.arange(len(values)), _text_fields(values).tolist()
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return _blank_last(codes, _text_fields(np.asarray(uniques, dtype=object)).tolist())


def _mostly_distinct(values: np.ndarray, sample: int = 1000) -> bool:
    """Whether the first cells of a column are mostly different (ids, names, sources)."""
    head = values[:sample].tolist()
    try:
        return len(set(head)) * 2 > len(head)
    except TypeError:  # unhashable cells (lists) are no text column
        return False


def _as_floats(values: np.ndarray) -> np.ndarray | None:
    """A column of Python numbers and gaps as floats (gaps NaN), when that loses nothing."""
    if pd.api.types.infer_dtype(values, skipna=True) not in {
            "floating", "integer", "mixed-integer-float"}:
        return None
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan)
    exact = np.abs(numbers[~np.isnan(numbers)]) < 2.0**53  # every int up to here is a float
    return numbers if exact.all() else None


def _float_fields(values: np.ndarray, field: Callable[[float], str] = repr) -> Fields:
    """Fields of any floats: each distinct one's ``repr`` (-0.0 and 0.0 apart), gaps empty."""
    codes, bits = pd.factorize(values.view(np.int64))
    fields = [field(v) for v in bits.view(np.float64).tolist()]
    codes[np.isnan(values)] = len(fields)
    return codes, [*fields, ""]


def _distinct_fields(column: pd.Series, field: Callable[[Any], str]) -> Fields:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return _blank_last(codes, [field(v) for v in np.asarray(uniques, dtype=object).tolist()])


def _blank_last(codes: np.ndarray, fields: list[str]) -> Fields:
    """Blank cells (code -1) as the code of an empty field put last."""
    return np.where(codes < 0, len(fields), codes), [*fields, ""]


def _joined_rows(columns: list[Fields]) -> bytes:
    """The rows as CSV bytes (CRLF after each): each column's fields picked by its codes, then
    joined row by row."""
    if not len(columns[0][0]):
        return b""
    cells = [np.array(fields, dtype=object)[codes].tolist() for codes, fields in columns]
    return ("\r\n".join(map(",".join, zip(*cells, strict=True))) + "\r\n").encode("utf-8")


def csv_bytes(data: pd.DataFrame) -> bytes:
    """A score table as UTF-8 CSV (CRLF) as reported (``rounded``), formula-looking text
    neutralised, BOM not included.

    The text ``csv.writer`` writes (minimal quoting), made once per distinct value of a column
    (``_csv_fields``) and joined row by row (``_joined_rows``).
    """
    header = ",".join(_csv_field(neutralise(str(c))) for c in data.columns) + "\r\n"
    if not len(data.columns):
        return header.encode("utf-8")
    columns = [_csv_fields(_rounded_scores(c, data[c])) for c in data.columns]
    return header.encode("utf-8") + _joined_rows(columns)


def to_csv(data: pd.DataFrame) -> str:
    """A rounded table as CSV text (CRLF), formula-looking text neutralised, BOM not included."""
    return csv_bytes(data).decode("utf-8")


def titles(questionnaire: Questionnaire, lang: str) -> dict[str, str]:
    """Human column titles for the XLSX header."""
    names = {
        "assessment.date": {"ko": "진단일", "en": "Date"},
        "assessment.round": {"ko": "차수", "en": "Round"},
        "assessment.consultant": {"ko": "컨설턴트", "en": "Consultant"},
        "overall.score": {"ko": "종합 점수", "en": "Overall score"},
        "overall.percent": {"ko": "종합 백분율", "en": "Overall %"},
        "overall.level": {"ko": "성숙도 수준", "en": "Level"},
        "overall.level_name": {"ko": "수준명", "en": "Level name"},
        "overall.gates": {"ko": "수준 제한 영역", "en": "Capped by"},
        "source": {"ko": "원본 파일", "en": "Source"},
    }
    result = {key: pick(text, lang) for key, text in names.items()}
    for item in questionnaire.profile:
        result[f"company.{item.id}"] = pick(item.text, lang)
    parts = {"score": {"ko": "점수", "en": "score"}, "percent": {"ko": "%", "en": "%"},
             "completeness": {"ko": "완성도", "en": "completeness"},
             "insufficient": {"ko": "근거 부족", "en": "insufficient"}}
    for dim in questionnaire.dimensions:
        for part, text in parts.items():
            result[f"{dim.id}.{part}"] = f"{pick(dim.title, lang)} {pick(text, lang)}"
    return result


def write(table: pd.DataFrame, out: Path, questionnaire: Questionnaire, lang: str = "ko"
          ) -> list[Problem]:
    """Write the score table in the format the suffix names; return the warnings to show
    (XLSX cells cut at Excel's 32,767 characters)."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise DiagnoseError(Msg("출력 형식은 .csv, .xlsx, .json 중 하나여야 합니다",
                                "the output must be .csv, .xlsx or .json"), where=out)
    if suffix == ".csv":  # rounds as it goes, each distinct cell once
        files.write_atomic(out, "\ufeff".encode() + csv_bytes(table))
    elif suffix == ".json":
        files.write_atomic(out, to_json(rounded(table)))
    else:
        return write_xlsx(table, out, titles(questionnaire, lang), lang=lang)
    return []


def to_json(data: pd.DataFrame) -> str:
    records = []
    for row in data.to_dict(orient="records"):
        records.append({k: (None if v is None or v is pd.NA or
                            (isinstance(v, float) and math.isnan(v)) else
                            int(v) if hasattr(v, "item") and isinstance(v.item(), int) else
                            v.item() if hasattr(v, "item") else v)
                        for k, v in row.items()})
    return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"


def write_xlsx(data: pd.DataFrame, out: Path, headers: dict[str, str], sheet: str = "scores",
               lang: str = "ko") -> list[Problem]:
    """A formatted workbook of the table as reported (``diagnose.render.xlsx``): titled header,
    frozen panes, filters, widths, 2-decimal scores. Returns the warnings (cells cut at Excel's
    limit).

    Each column is rounded on its own and handed over as its NumPy array: no rounded copy of
    the whole table, no Python object per number.
    """
    columns = list(data.columns)
    titles = [str(headers.get(c, c)) for c in columns]
    return xlsx.write([xlsx.Sheet(
        sheet, titles, [_reported(c, data[c]).to_numpy() for c in columns],
        formats=["0.00" if c.endswith(SCORE_COLUMNS) else None for c in columns],
        widths=[max(10.0, min(40.0, len(t) * 1.6)) for t in titles])], out, lang)
