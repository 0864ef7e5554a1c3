"""Score tables as files (CONTRACT.md section 7): CSV, XLSX and JSON.

CSV is UTF-8 with a BOM so Korean Excel opens it; text cells that a spreadsheet would run as
a formula are neutralised (OWASP CSV injection) in CSV and XLSX alike (``xlsx.neutralise``).
XLSX goes through the project's streaming writer (``diagnose.render.xlsx``); every file is
written atomically (``core.files``).

CSV and JSON keep the contract's machine columns and values. The XLSX shows the same data as
a person reads it (``shown``, also used by the cohort workbook): option labels instead of ids,
round names in words, dates as dates, numbers with their unit, yes/no in words, completeness
as a percentage, file names without their folders, and the heatmap's colours on scores.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from diagnose.content.questionnaire import ProfileItem, Questionnaire
from diagnose.core import files
from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import label, texts
from diagnose.inputs import answers, identity
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
    if isinstance(kind, pd.StringDtype) and kind.storage == "pyarrow":
        return _arrow_text_fields(column)
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


def _arrow_text_fields(column: pd.Series) -> Fields:
    """Fields of a text column pandas keeps in Arrow (pandas 3's ``str``): its distinct texts
    found in C++, without a Python string per row; gaps empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array(column)
    head = texts.slice(0, 1000)
    if not texts.null_count and pc.count_distinct(head).as_py() * 2 > len(head):
        # few repeats (ids, names, sources): no hashing of 100,000 names
        values = texts.to_numpy(zero_copy_only=False)
        return np.arange(len(values)), _text_fields(values).tolist()
    encoded = pc.dictionary_encode(texts)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
    return _blank_last(codes, _text_fields(uniques).tolist())


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


ROWS_AT_ONCE = 16_384  # rows joined per step: the text of a few MB at a time


def _joined_rows(columns: list[Fields]) -> Iterator[memoryview]:
    """The rows as CSV bytes (CRLF after each), some rows at a time: each column's fields
    picked by its codes and joined row by row in C++ (pyarrow), no Python string per cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(columns[0][0])
    # the line end rides on the last column's fields: a step's rows are then one buffer
    texts = [pa.array(fields, type=pa.large_string()) for _, fields in columns[:-1]]
    texts.append(pa.array([field + "\r\n" for field in columns[-1][1]], type=pa.large_string()))
    comma = pa.scalar(",", type=pa.large_string())
    for start in range(0, count, ROWS_AT_ONCE):
        picked = [text.take(codes[start:start + ROWS_AT_ONCE])
                  for text, (codes, _) in zip(texts, columns, strict=True)]
        rows = pc.binary_join_element_wise(*picked, comma) if len(picked) > 1 else picked[0]
        ends = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:]
        yield memoryview(rows.buffers()[2])[ends[0]:ends[len(rows)]]


def _csv_pieces(data: pd.DataFrame) -> Iterator[bytes | memoryview]:
    """A score table as UTF-8 CSV (CRLF), piece by piece: the header, then rows."""
    header = ",".join(_csv_field(neutralise(str(c))) for c in data.columns) + "\r\n"
    yield header.encode("utf-8")
    if len(data.columns) and len(data):
        yield from _joined_rows([_csv_fields(_rounded_scores(c, data[c])) for c in data.columns])


def csv_bytes(data: pd.DataFrame) -> bytes:
    """A score table as UTF-8 CSV (CRLF) as reported (``rounded``), formula-looking text
    neutralised, BOM not included.

    The text ``csv.writer`` writes (minimal quoting), made once per distinct value of a column
    (``_csv_fields``) and joined row by row (``_joined_rows``); ``write`` streams the same
    pieces to the file.
    """
    return b"".join(_csv_pieces(data))


def _write_csv(handle: BinaryIO, data: pd.DataFrame) -> None:
    """The CSV score table with its BOM, written as it is made (never whole in memory)."""
    handle.write("\ufeff".encode())
    for piece in _csv_pieces(data):
        handle.write(piece)


def to_csv(data: pd.DataFrame) -> str:
    """A rounded table as CSV text (CRLF), formula-looking text neutralised, BOM not included."""
    return csv_bytes(data).decode("utf-8")


def titles(questionnaire: Questionnaire, lang: str) -> dict[str, str]:
    """Human column titles for the XLSX header."""
    result = texts("score_table", lang)
    for item in questionnaire.profile:
        result[f"company.{item.id}"] = pick(item.text, lang)
    parts = texts("dimension_parts", lang)
    for dim in questionnaire.dimensions:
        for part, text in parts.items():
            result[f"{dim.id}.{part}"] = f"{pick(dim.title, lang)} {text}"
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
        files.write_atomic(out, lambda handle: _write_csv(handle, table))
    elif suffix == ".json":
        files.write_atomic(out, to_json(rounded(table)))
    else:
        return write_xlsx(table, out, questionnaire, lang)
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


def write_xlsx(data: pd.DataFrame, out: Path, questionnaire: Questionnaire, lang: str = "ko",
               sheet: str = "scores") -> list[Problem]:
    """The score table as a workbook a person reads (``shown``): titled header, an Excel table
    with its filters, frozen panes, widths fitted to the content, the heatmap's colours on
    scores, landscape printing one page wide. Returns the warnings (cells cut at Excel's
    limit).

    Each column is rounded on its own and handed over as its NumPy array: no rounded copy of
    the whole table, no Python object per number.
    """
    columns = list(data.columns)
    headers = titles(questionnaire, lang)
    # profile answers as answered (a multi answer's tuple), the rest as reported
    shown_columns = [shown(c, data[c] if c.startswith("company.") else _reported(c, data[c]),
                           questionnaire, lang) for c in columns]
    return xlsx.write([xlsx.Sheet(
        sheet, [str(headers.get(c, c)) for c in columns], [_array(c.values) for c in shown_columns],
        formats=[c.number_format for c in shown_columns], table=True, page=xlsx.PRINT,
        color_scales=heat_scales(shown_columns), body=TOP, wrap_wide=True)], out, lang)


# --- the XLSX presentation -------------------------------------------------------------------

# The PDFs' heatmap on the 1-5 scale: light red at 1 through light amber to teal at 5.
HEAT_STOPS = [(1.0, (232, 180, 184)), (2.0, (246, 216, 143)), (3.0, (207, 232, 228)),
              (4.0, (143, 208, 198)), (5.0, (79, 179, 165))]
# Excel's colour scale takes three stops: red at 1, amber at 2, the teal of 5.
XLSX_HEAT = [(value, "".join(f"{c:02X}" for c in rgb))
             for value, rgb in (HEAT_STOPS[0], HEAT_STOPS[1], HEAT_STOPS[-1])]
DATE_FORMAT = "yyyy-mm-dd"
TOP = xlsx.Style(vertical="top")  # a row with a wrapped long answer reads from its top
SCORE_FORMAT = "0.00"
MONEY_UNITS = frozenset({"원", "백만원", "천원", "만원", "억원", "KRW", "KRW million"})


@dataclass(frozen=True)
class Shown:
    """A column as a workbook shows it: its values, their number format, and whether it is a
    score on the 1-5 scale (coloured like the PDF's heatmap)."""

    values: Sequence[Any]
    number_format: str | None = None
    heat: bool = False


def _array(values: Sequence[Any]) -> np.ndarray:
    """A column as the NumPy array the XLSX writer takes (a float column stays float)."""
    return values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values, dtype=object)


def heat_scales(columns: Sequence[Shown]) -> list[xlsx.ColorScale]:
    """The heatmap's colour scale over the columns that are scores (none: no rule)."""
    scores = [i for i, column in enumerate(columns) if column.heat]
    return [xlsx.ColorScale(scores, XLSX_HEAT)] if scores else []


def _mapped(values: Any, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` of every cell, once per distinct value; blank cells stay blank."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return _by_distinct(series.astype(object), fn)


def round_name(value: Any, lang: str) -> Any:
    """A round as people say it (``identity.round_name``, the one rule); a gap stays a gap."""
    return identity.round_name(value, lang) if isinstance(value, str) else value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")


def as_date(value: Any) -> Any:
    """An ISO date (``2026-03-12``, or with a time) as a date; anything else as it is."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        return value
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:  # 2026-02-30
        return value


def file_name(value: Any) -> Any:
    """A source without its folders (``/home/kim/진단/a.yaml:3`` -> ``a.yaml:3``): where a file
    lay on one laptop means nothing to the reader and tells them about that laptop."""
    return re.split(r"[\\/]", value)[-1] if isinstance(value, str) else value


def yes_no(values: Any, lang: str) -> np.ndarray:
    """Booleans as words (예/아니오, yes/no); blanks stay blank."""
    words = {True: label("booleans.true", lang), False: label("booleans.false", lang)}
    return _mapped(values, lambda v: words[bool(v)])


def unit_format(item: ProfileItem, values: Any, lang: str) -> str | None:
    """The number format of a profile number: thousands separated, its unit after it
    (``#,##0"백만원"``, ``0.0#"%"``); whole numbers without decimals. None without a unit."""
    if not item.unit:
        return None
    unit = pick(item.unit, lang)
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").dropna()
    whole = bool((numbers % 1 == 0).all())
    body = "#,##0" if whole or unit in MONEY_UNITS else "#,##0.0#"
    gap = " " if lang == "en" and unit != "%" else ""
    return f'{body}"{gap}{unit.replace(chr(34), "")}"'


def _is_bool(values: Any) -> bool:
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.infer_dtype(
        series, skipna=True) == "boolean"


def shown(name: str, values: Any, q: Questionnaire, lang: str) -> Shown:
    """A score-table column (a contract name, values as reported) as a workbook shows it.

    Profile answers by their labels (numbers with their unit), dates as dates, rounds in
    words, capping dimensions by their titles, yes/no in words, completeness as a percentage,
    sources as file names, scores with two decimals and the heatmap; others as they are.
    """
    if name.startswith("company."):
        item = q.items.get(name.removeprefix("company."))
        if isinstance(item, ProfileItem) and item.type in {"choice", "multi"}:
            return Shown(_mapped(values, lambda v: answers.display(item, v, lang) or None))
        if isinstance(item, ProfileItem) and item.type == "number":
            return Shown(values, unit_format(item, values, lang))
        return Shown(values)
    if name in {"assessment.date", "date.before", "date.after"}:
        return Shown(_mapped(values, as_date), DATE_FORMAT)
    if name in {"assessment.round", "round.before", "round.after"}:
        return Shown(_mapped(values, lambda v: round_name(v, lang)))
    if name == "overall.gates":
        titles = {d.id: pick(d.title, lang) for d in q.dimensions}
        return Shown(_mapped(values, lambda v: ", ".join(
            titles.get(g, g) for g in str(v).split(";") if g) or None))
    if name == "source":
        return Shown(_mapped(values, file_name))
    if name.endswith(".completeness"):
        return Shown(values, "0%")
    if name.endswith((".score", ".percent")):
        return Shown(values, SCORE_FORMAT, heat=name.endswith(".score"))
    if _is_bool(values):
        return Shown(yes_no(values, lang))
    return Shown(values)
