"""The officer's decisions file: overrides of the selection, read back as the office keeps it.

The selection workbook (``selection.xlsx``) has a decision column with a drop-down on every
track sheet; the officer picks 선정 (in) or 제외 (out), writes the reason, who and when, and
passes the same workbook back with ``--decisions``. A CSV with the same columns works too.
Rows without a decision are ignored; a decision without a reason, or naming no company or
track, is rejected with its row (exit 1), never guessed.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from diagnose.core import labels
from diagnose.core.errors import DiagnoseError, Rejection
from diagnose.core.i18n import Msg
from diagnose.inputs.identity import normal_form

# The names a CSV may give a column besides its titles in the workbook
# (``labels.DECISION_COLUMNS``, in either language).
ALIASES: dict[str, tuple[str, ...]] = {
    "company_id": ("company_id", "company.id"), "company_name": ("company_name", "company.name"),
    "track": ("track",), "decision": ("decision",), "reason": ("reason",), "who": ("who",),
    "when": ("when",),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    key: (labels.DECISION_COLUMNS[key].ko, labels.DECISION_COLUMNS[key].en, *names)
    for key, names in ALIASES.items()}
DECISION_WORDS = {"in": "in", "선정": "in", "포함": "in", "out": "out", "제외": "out"}
SUFFIXES = frozenset({".xlsx", ".csv"})


@dataclass(frozen=True)
class Decision:
    """An officer's override: company, track, in or out, and why."""

    company_id: str
    company_name: str
    track: str
    decision: Literal["in", "out"]
    reason: str
    who: str = ""
    when: str = ""
    source: str = ""  # file:row it was read from

    def label(self) -> str:
        return self.company_name or self.company_id


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _record_sheets() -> set[str]:
    """The titles of the workbook's record of decisions already applied, in every language:
    shown, never read back as new ones (the track sheets hold the decisions the officer edits)."""
    record = labels.msg("selection.record_sheet")
    return {record.ko, record.en}


def _rows(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of every sheet or of the CSV, in order."""
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp949"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DiagnoseError(Msg("결정 파일을 읽을 수 없습니다: UTF-8이나 CP949로 저장하세요",
                                    "cannot read the decisions file: save it as UTF-8 or CP949"),
                                where=path)
        return list(enumerate(csv.reader(io.StringIO(text)), start=1))
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a bad file
        raise DiagnoseError(Msg("결정 파일(XLSX)을 열 수 없습니다: {e}",
                                "cannot open the decisions file (XLSX): {e}").format(
            e=type(exc).__name__), where=path) from None
    try:
        rows: list[tuple[int, list[Any]]] = []
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible" or sheet.title in _record_sheets():
                continue
            rows.append((0, []))  # a new sheet: look for its header again
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((number, list(row)))
        return rows
    finally:
        book.close()


def read(path: Path) -> tuple[list[Decision], list[Rejection]]:
    """The decisions in a workbook or CSV, and the rows that could not be used."""
    if path.suffix.lower() not in SUFFIXES:
        raise DiagnoseError(Msg("결정 파일은 .xlsx 또는 .csv입니다", "the decisions file is .xlsx or .csv"),
                            where=path)
    if not path.is_file():
        raise DiagnoseError(Msg("결정 파일이 없습니다", "the decisions file does not exist"),
                            where=path)
    decisions: list[Decision] = []
    rejections: list[Rejection] = []
    header: dict[str, int] | None = None
    found_header = False
    for number, cells in _rows(path):
        if number == 0:
            header = None
            continue
        texts = [_text(c) for c in cells]
        if header is None:
            named = {key: texts.index(title) for key, titles in COLUMNS.items()
                     for title in titles if title in texts}
            if {"decision", "track"} <= named.keys() and (
                    "company_id" in named or "company_name" in named):
                header, found_header = named, True
            continue
        decision = _decision(path, number, texts, header)
        if isinstance(decision, Rejection):
            rejections.append(decision)
        elif decision is not None:
            decisions.append(decision)
    if not found_header:
        raise DiagnoseError(Msg(
            "결정 파일에 '결정'·'트랙 ID'·'기업 ID'(또는 '기업명') 열이 있는 머리글 행이 없습니다",
            "the decisions file has no header row with 'Decision', 'Track ID' and 'Company ID' "
            "(or 'Company') columns"), where=path)
    return decisions, rejections


def _decision(path: Path, number: int, texts: list[str], header: dict[str, int]
              ) -> Decision | Rejection | None:
    def cell(key: str) -> str:
        index = header.get(key)
        return texts[index] if index is not None and index < len(texts) else ""

    word = cell("decision")
    if not word:
        return None
    where = str(path)
    value = DECISION_WORDS.get(word.casefold())
    if value is None:
        return Rejection(where, number, "decision", word, Msg(
            "결정은 '선정'(in) 또는 '제외'(out)입니다", "a decision is 'in' (선정) or 'out' (제외)"))
    if not (cell("company_id") or cell("company_name")):
        return Rejection(where, number, "company", "", Msg(
            "어느 기업의 결정인지 없습니다 (기업 ID 또는 기업명)",
            "the decision names no company (Company ID or Company)"))
    if not cell("track"):
        return Rejection(where, number, "track", "", Msg("트랙 ID가 없습니다", "no Track ID"))
    if not cell("reason"):
        return Rejection(where, number, "reason", word, Msg(
            "결정에는 사유가 있어야 합니다: '결정 사유' 열에 적으세요",
            "every decision needs its reason: fill in 'Decision reason'"))
    return Decision(cell("company_id"), cell("company_name"), cell("track"),
                    value,  # type: ignore[arg-type]
                    cell("reason"), cell("who"), cell("when"), f"{path}:{number}")


def key_text(decision: Decision) -> tuple[str, str]:
    """(id, name) in normal form, for matching against the assessments' identities."""
    return normal_form(decision.company_id), normal_form(decision.company_name)
