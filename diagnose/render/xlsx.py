"""A small write-only XLSX writer for large tables (the cohort workbook).

openpyxl builds an object per cell and writes around 50,000 cells a second on the programme's
2-core machines; a 10,000-company cohort workbook is about a million cells. This writer streams
the SpreadsheetML straight into the zip instead (a few hundred thousand cells a second) and
supports exactly what the cohort needs: several sheets, a bold header row, frozen panes, an
autofilter, column widths and number formats. openpyxl and Excel read the result as any other
workbook.

Every text cell is neutralised (``tables.neutralise``) so no untrusted text becomes a formula,
and characters XML cannot carry are dropped.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.content import yamlio
from diagnose.render import tables

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
# cellXfs of styles.xml: 0 plain, 1 header, then one per number format below
FORMATS = {"0.00": 2, "0": 3}


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title per column and the data column by column (equal lengths)."""

    name: str
    titles: Sequence[str]
    columns: Sequence[Sequence[Any]]
    formats: Sequence[str | None] = field(default_factory=tuple)  # per column: "0.00", "0", None
    widths: Sequence[float] = field(default_factory=tuple)  # per column, in characters


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value).translate(_ESCAPE)


def _cell(ref: str, value: Any, style: int) -> str:
    """One ``<c>`` element ('' for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    text = _text(str(tables.neutralise(str(value))))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as Python values; missing values and '' as None (blank)."""
    if value is None or (isinstance(value, str) and not value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):  # .item() of a 1-element array
            value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)  # 85 employees, not 85.0
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return value


def _sheet_xml(sheet: Sheet, handle: Any) -> None:
    count = len(sheet.titles)
    rows = len(sheet.columns[0]) if sheet.columns else 0
    letters = [column_letter(i) for i in range(count)]
    last = letters[-1] if letters else "A"
    split = 2 if count > 2 else 0
    pane = (f'<pane xSplit="{split}" ySplit="1" topLeftCell="C2" activePane="bottomRight" '
            f'state="frozen"/><selection pane="bottomRight"/>' if split else
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>')
    handle.write(f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
                 f'<dimension ref="A1:{last}{rows + 1}"/>'
                 f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                 '<sheetFormatPr defaultRowHeight="15"/>'.encode())
    if count:
        widths = list(sheet.widths) or [max(9.0, min(40.0, len(t) * 1.6)) for t in sheet.titles]
        handle.write(("<cols>" + "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths)) + "</cols>").encode())
    handle.write(b"<sheetData>")
    header = "".join(_cell(f"{letter}1", title, 0).replace("<c ", '<c s="1" ', 1)
                     for letter, title in zip(letters, sheet.titles, strict=True))
    handle.write(f'<row r="1">{header}</row>'.encode())
    formats = [*sheet.formats, *[None] * (count - len(sheet.formats))]
    styles = [FORMATS.get(f or "", 0) for f in formats]
    columns = [[_plain(v) for v in column] for column in sheet.columns]
    buffer: list[str] = []
    for r in range(rows):
        number = r + 2
        cells = "".join(_cell(f"{letters[c]}{number}", columns[c][r], styles[c])
                        for c in range(count))
        buffer.append(f'<row r="{number}">{cells}</row>')
        if len(buffer) >= 500:
            handle.write("".join(buffer).encode())
            buffer.clear()
    handle.write("".join(buffer).encode())
    handle.write(f'</sheetData><autoFilter ref="A1:{last}{rows + 1}"/></worksheet>'.encode())


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_xml(sheets: Sequence[Sheet]) -> str:
    entries = "".join(f'<sheet name="{_text(s.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                      for i, s in enumerate(sheets))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f'{_text(_quoted(s.name))}!$A$1:${column_letter(max(0, len(s.titles) - 1))}$'
        f'{(len(s.columns[0]) if s.columns else 0) + 1}</definedName>'
        for i, s in enumerate(sheets))
    return (f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>'
            f'<definedNames>{names}</definedNames></workbook>')


STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF12355B"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')


def _package(sheets: Sequence[Sheet]) -> dict[str, str]:
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(sheets)))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" '
        f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
    return {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheet_types}</Types>"),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": _workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELS}/styles" '
            'Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": STYLES,
    }


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid worksheet name not in ``taken`` (case-insensitive; it is added): no
    ``[]:*?/\\``, no quote at either end, at most 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "sheet"
    candidate, n = clean, 2
    while candidate.casefold() in taken:
        candidate, n = f"{clean[:28]} {n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def write(sheets: Sequence[Sheet], out: Path) -> None:
    """Write the sheets as one workbook; ``out`` appears only when complete.

    Sheet names are made valid and unique (``sheet_name``).
    """
    taken: set[str] = set()
    sheets = [Sheet(sheet_name(s.name, taken), s.titles, s.columns, s.formats, s.widths)
              for s in sheets]
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, text in _package(sheets).items():
                archive.writestr(name, text)
            for i, sheet in enumerate(sheets):
                with archive.open(f"xl/worksheets/sheet{i + 1}.xml", "w",
                                  force_zip64=True) as handle:
                    _sheet_xml(sheet, handle)
        os.chmod(tmp, yamlio.FILE_MODE)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
