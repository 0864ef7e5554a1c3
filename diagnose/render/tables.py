"""Score tables as files (CONTRACT.md section 7): CSV, XLSX and JSON.

CSV is UTF-8 with a BOM so Korean Excel opens it; text cells that a spreadsheet would run as
a formula are neutralised (OWASP CSV injection) in CSV and XLSX alike.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose.content import yamlio
from diagnose.content.questionnaire import Questionnaire
from diagnose.core import processes
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SUFFIXES = (".csv", ".xlsx", ".json")


def neutralise(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with ``'`` so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
    if name.endswith((".score", ".percent", ".completeness")):
        return column.astype(float).round(2) + 0.0  # -0.0 reads as 0.0
    return column


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """The table as reported: scores rounded to 2 decimals, tuples joined, gaps empty."""
    out = table.copy()
    for column in out.columns:
        out[column] = _rounded_scores(column, out[column])
        if out[column].dtype == object and pd.api.types.infer_dtype(
                out[column], skipna=True) not in {"string", "empty"}:  # text stays as it is
            out[column] = pd.Series(_by_distinct(out[column], _cell), index=out.index,
                                    dtype=object)
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


PACKED_BLOCK = 4 * 1024 * 1024  # bytes of padded rows packed at once
PACKED_ROW = 64 * 1024  # the widest padded row the packed writer takes
PAD = 0xFF  # a byte that UTF-8 text never holds


def _packed_rows(columns: list[Fields], rows: int) -> bytes | None:
    """The rows as CSV bytes, built by NumPy without a Python step per row.

    Each column's distinct fields, with the separator that follows them (``,``, or CRLF
    after the last), are padded to the longest with ``PAD``, a byte UTF-8 never holds. A row
    is one record of its columns' padded fields side by side, and the output is every byte
    of the records that is not ``PAD``. None when padding would more than triple the bytes
    to go through (one long note among short ones): joining rows is then faster.
    """
    tables = []
    padded = used = 0
    for j, (codes, fields) in enumerate(columns):
        end = b"\r\n" if j == len(columns) - 1 else b","
        data, starts, sizes = _field_bytes(fields)
        width = int(sizes.max()) + len(end)
        padded += width
        used += int(sizes[codes].sum()) + len(end) * len(codes)
        tables.append((codes, data, starts, sizes, end))
    if padded > PACKED_ROW or padded * rows > 3 * used + PACKED_BLOCK:
        return None
    with ThreadPoolExecutor(processes.cores()) as threads:  # NumPy frees the GIL
        padded_tables = list(threads.map(lambda t: (t[0], _padded(*t[1:])), tables))
        record = np.dtype({"names": [f"c{j}" for j in range(len(tables))],
                           "formats": [table.dtype for _, table in padded_tables]})
        block = max(1, PACKED_BLOCK // record.itemsize)

        def pack(start: int) -> bytes:
            records = np.empty(min(block, rows - start), dtype=record)
            for name, (codes, table) in zip(record.names, padded_tables, strict=True):
                records[name] = table[codes[start:start + block]]
            data = records.view(np.uint8)
            return data[data != PAD].tobytes()

        return b"".join(threads.map(pack, range(0, rows, block)))


def _field_bytes(fields: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fields' UTF-8 bytes end to end, where each starts, and how long each is.

    Fields joined with NUL are encoded at once and found again at the NUL bytes (UTF-8 makes
    a 0 byte of nothing else); fields that hold NUL themselves are encoded one by one.
    """
    joined = "\0".join(fields)
    if joined.count("\0") == len(fields) - 1:
        data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(data == 0)
        starts = np.concatenate(([0], ends + 1))
        return data, starts, np.concatenate((ends, [len(data)])) - starts
    encoded = [field.encode("utf-8") for field in fields]
    sizes = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
    return (np.frombuffer(b"".join(encoded), dtype=np.uint8),
            np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)


def _padded(data: np.ndarray, starts: np.ndarray, sizes: np.ndarray, end: bytes) -> np.ndarray:
    """Each field's bytes and ``end``, padded with ``PAD`` to the longest: one record each."""
    width = int(sizes.max()) + len(end)
    places = np.arange(width)
    table = np.full((len(sizes), width), PAD, dtype=np.uint8)
    inside = places < sizes[:, None]
    table[inside] = data[(starts[:, None] + places)[inside]]
    for offset, byte in enumerate(end):
        table[np.arange(len(sizes)), sizes + offset] = byte
    return table.view(f"V{width}").ravel()


def _joined_rows(columns: list[Fields]) -> bytes:
    """The rows as CSV bytes, joined row by row (any field width)."""
    cells = [np.array(fields, dtype=object)[codes].tolist() for codes, fields in columns]
    return "".join(",".join(row) + "\r\n" for row in zip(*cells, strict=True)).encode("utf-8")


def csv_bytes(data: pd.DataFrame) -> bytes:
    """A score table as UTF-8 CSV (CRLF) as reported (``rounded``), formula-looking text
    neutralised, BOM not included.

    The text ``csv.writer`` writes (minimal quoting): fields are made once per distinct value
    of a column, and the rows are packed by NumPy (``_packed_rows``), several times faster
    than joining 100,000 rows in Python.
    """
    header = ",".join(_csv_field(neutralise(str(c))) for c in data.columns) + "\r\n"
    if not len(data.columns):
        return header.encode("utf-8")
    columns = [_csv_fields(_rounded_scores(c, data[c])) for c in data.columns]
    packed = _packed_rows(columns, len(data))
    return header.encode("utf-8") + (packed if packed is not None else _joined_rows(columns))


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


def write(table: pd.DataFrame, out: Path, questionnaire: Questionnaire, lang: str = "ko") -> None:
    """Write the score table in the format the suffix names."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise DiagnoseError(Msg("출력 형식은 .csv, .xlsx, .json 중 하나여야 합니다",
                                "the output must be .csv, .xlsx or .json"), where=out)
    if suffix == ".csv":  # rounds as it goes, each distinct cell once
        yamlio.write_atomic(out, "\ufeff".encode() + csv_bytes(table))
    elif suffix == ".json":
        yamlio.write_atomic(out, to_json(rounded(table)))
    else:
        write_xlsx(rounded(table), out, titles(questionnaire, lang))


def to_json(data: pd.DataFrame) -> str:
    records = []
    for row in data.to_dict(orient="records"):
        records.append({k: (None if v is None or v is pd.NA or
                            (isinstance(v, float) and math.isnan(v)) else
                            int(v) if hasattr(v, "item") and isinstance(v.item(), int) else
                            v.item() if hasattr(v, "item") else v)
                        for k, v in row.items()})
    return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"


def write_xlsx(data: pd.DataFrame, out: Path, headers: dict[str, str],
               sheet: str = "scores") -> None:
    """A formatted workbook: titled header, frozen panes, filters, widths, number formats."""
    write_sheets({sheet: (data, headers)}, out)


def write_sheets(sheets: dict[str, tuple[pd.DataFrame, dict[str, str]]], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="12355B")
    for name, (data, headers) in sheets.items():
        ws = workbook.create_sheet(name[:31])
        columns: Sequence[str] = list(data.columns)
        ws.append([headers.get(c, c) for c in columns])
        for row in data.itertuples(index=False):
            ws.append([neutralise(_excel(v)) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = "C2" if len(columns) > 2 else "A2"
        ws.auto_filter.ref = ws.dimensions
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            width = max(10, min(40, len(str(headers.get(column, column))) * 1.6))
            ws.column_dimensions[letter].width = width
            if column.endswith((".score", ".percent", ".completeness")):
                for cell in ws[letter][1:]:
                    cell.number_format = "0.00"
    tmp = out.with_name(f".{out.name}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(tmp)
    tmp.replace(out)


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 refuses them


def _excel(value: Any) -> Any:
    value = _cell(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        value = _XLSX_ILLEGAL.sub("", value)
    return value
