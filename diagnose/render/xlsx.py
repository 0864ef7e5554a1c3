"""The one XLSX writer: score tables, the blank survey sheet and the cohort workbook.

openpyxl builds an object per cell and writes around 50,000 cells a second on the programme's
2-core machines (a 100,000-row score table took 81 s and 2.3 GB). This writer streams the
SpreadsheetML straight into the zip instead and supports what the workbooks need: several
sheets (hidden ones too), a few lines of text above a table, styled title rows, column widths
(given, or fitted to the titles and the values), number formats (of the cells and of the whole
column, so typed values take them), dates as dates, frozen panes, autofilters, Excel tables
(ListObjects), colour scales (conditional formatting), print setup (orientation, fit to the page
width, the title row on every page), row heights, hidden rows, data validation (drop-down lists,
number ranges, input prompts) and cell notes. openpyxl and Excel read the result as any other
workbook.

Excel's limits are guarded: a sheet of more than 1,048,576 rows is refused before anything is
written; a cell over 32,767 characters is cut with a visible mark, and ``write`` returns a
warning naming the sheet and the first such cell (CSV and JSON keep the whole text).

Text from outside (company names, answers, notes) is neutralised (``neutralise``) so that no
cell a person reads as text can start a formula, and characters XML cannot carry are dropped.
The file appears only when complete (``core.files.write_atomic``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from diagnose.core import files, labels
from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import Msg

MAX_ROWS = 1_048_576  # rows of a sheet, the title row included
MAX_COLUMNS = 16_384
MAX_CELL = 32_767  # characters (UTF-16 code units) in one cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                         "\r": "&#13;"})  # a bare CR would be read back as LF
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                   "0.00%": 10, "@": 49}
ROW_BLOCK = 2000  # data rows turned into XML at once
# Columns of one kind of value (and blanks), whose distinct values pandas finds at C speed.
_ONE_KIND = {"string", "floating", "integer", "boolean", "mixed-integer-float", "empty", "date",
             "datetime"}
AUTO = "auto"  # Sheet.freeze: below the title row, and right of the first two columns
CUT_MARK = labels.WORKBOOK["cut"]  # after the text of a cell cut at Excel's limit


def neutralise(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with ``'`` so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Style:
    """How a cell looks: font, solid fill, alignment and number format."""

    bold: bool = False
    size: float = 11
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # background, RRGGBB
    wrap: bool = False
    vertical: str | None = None  # "top", "center", "bottom"
    number_format: str | None = None  # "0.00", "0", "@" (text), "yyyy-mm-dd", ...


PLAIN = Style()
HEADER = Style(bold=True, color="FFFFFF", fill="12355B", wrap=True, vertical="center")


@dataclass(frozen=True)
class Validation:
    """A data-validation rule over a range of cells (``C3:C1002``).

    ``kind`` ``list``: ``formula1`` names the cells that list the answers
    (``'Options'!$A$2:$A$7``); ``decimal``: a number between ``formula1`` and ``formula2``;
    None: any value, only the input prompt. ``warn``: a value outside the rule asks the user
    to confirm instead of being refused.
    """

    cells: str
    kind: str | None = None
    formula1: str | None = None
    formula2: str | None = None
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = ""
    error: str = ""
    warn: bool = True


@dataclass(frozen=True)
class ColorScale:
    """A colour scale over the data cells of some columns (Excel's conditional formatting, as
    the PDFs colour a heatmap): 2 or 3 ``stops``, each a value and its colour (RRGGBB), lowest
    first; values between stops take the colour between, values beyond the ends the end's."""

    columns: Sequence[int]  # 0-based
    stops: Sequence[tuple[float, str]]


@dataclass(frozen=True)
class Page:
    """How a sheet prints: orientation, as many pages down as needed but one page wide (a sheet
    too wide to read on one page: as few pages across as keep the print at about 60 %), the
    title row (and the frozen columns) again on every page, gridlines, and the sheet's name and
    page number below."""

    landscape: bool = True
    fit_width: bool = True
    repeat_titles: bool = True
    across: int | None = None  # pages across when fitting to width; None: as legibility asks


PRINT = Page()
TABLE_STYLE = "TableStyleMedium2"  # Excel's own default: banded rows, a filter per title
EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (past its leap-year bug)
FIT_MIN, FIT_MAX = 5.0, 60.0  # fitted column widths, in characters
LINE_HEIGHT = 15.0  # points, a line of 11-point text
MAX_LINES = 20  # a row grows to show at most this many lines of a wrapped cell
PAGE_WIDTH = {True: 250.0, False: 175.0}  # characters of an A4 page at 60 %, landscape or not


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title per column and the data column by column (a shorter column
    ends in blank cells).

    Rows hold the ``above`` lines (column A), then the title row, then the data; row numbers in
    ``heights``, ``hidden_rows`` and ``comments`` count them all, from 1. A column without a
    width (``widths`` empty, or None for it) is fitted to its title and its values, up to
    ``max_width`` (beyond, with ``wrap_wide``, its cells wrap so the text stays whole); a row
    with wrapped text is made tall enough for it. ``table``: the title row and the data are an
    Excel table (its own filters replace ``autofilter``; titles are made unique and non-empty,
    as a table needs).
    """

    name: str
    titles: Sequence[str]
    columns: Sequence[Sequence[Any]]
    formats: Sequence[str | None] = field(default_factory=tuple)  # per column: "0.00", "@", None
    widths: Sequence[float | None] = field(default_factory=tuple)  # per column, in characters
    above: Sequence[tuple[str, Style]] = field(default_factory=tuple)
    header: Style | Sequence[Style] = HEADER  # of the title row: one, or one per column
    body: Style = PLAIN  # of the data cells (with the column's number format)
    freeze: str | None = AUTO  # the top-left cell that does not scroll, or None
    autofilter: bool = True
    validations: Sequence[Validation] = field(default_factory=tuple)
    comments: Mapping[str, str] = field(default_factory=dict)  # cell ("B1") -> note
    heights: Mapping[int, float] = field(default_factory=dict)  # row -> height in points
    hidden_rows: Collection[int] = field(default_factory=frozenset)
    hidden: bool = False
    table: bool = False
    color_scales: Sequence[ColorScale] = field(default_factory=tuple)
    page: Page | None = None
    max_width: float = FIT_MAX
    wrap_wide: bool = False  # a fitted column of text wider than max_width wraps its cells
    # Text from the programme's own content (the blank sheet's drop-down answers) is written
    # as it is: an inline-string cell never runs as a formula, and a prefixed label would no
    # longer match its option when the filled sheet is scored.
    neutralise: bool = True

    @property
    def rows(self) -> int:
        """Data rows (the longest column)."""
        return max((len(c) for c in self.columns), default=0)

    @property
    def title_row(self) -> int:
        return len(self.above) + 1


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _split_ref(ref: str) -> tuple[int, int]:
    """``C3`` -> (2, 3): the 0-based column and the 1-based row."""
    letters = ref.rstrip("0123456789")
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    return column - 1, int(ref[len(letters):])


def _attr(value: str) -> str:
    return _ILLEGAL.sub("", value).translate(_ATTRIBUTE)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Cuts:
    """The cells of one sheet cut at ``MAX_CELL``: how many, and the first one."""

    mark: str
    count: int = 0
    first: tuple[int, int] = (MAX_ROWS + 1, 0)  # (row, column) of the first cut cell

    def add(self, row: int, column: int, cells: int = 1) -> None:
        self.count += cells
        self.first = min(self.first, (row, column))

    @property
    def first_ref(self) -> str:
        return f"{column_letter(self.first[1])}{self.first[0]}"


def _fits(text: str) -> bool:
    return len(text) <= MAX_CELL // 2 or _utf16(text) <= MAX_CELL  # the first test is cheap


def _cut(text: str, mark: str) -> str:
    """``text`` cut to end with ``mark`` within ``MAX_CELL`` UTF-16 units (Excel's count)."""
    keep = MAX_CELL - _utf16(mark)
    head = text[:keep]
    return head[:len(head) - max(0, _utf16(head) - keep)] + mark  # characters beyond the BMP


class _Styles:
    """The workbook's styles.xml: each distinct ``Style`` once, by index."""

    def __init__(self) -> None:
        self.xfs: dict[Style, int] = {PLAIN: 0}
        self.fonts: dict[tuple[bool, float, str | None], int] = {(False, 11, None): 0}
        self.fills: dict[str, int] = {}  # 0 and 1 are Excel's own: none, gray125
        self.formats: dict[str, int] = {}

    def index(self, style: Style) -> int:
        if style not in self.xfs:
            self.fonts.setdefault((style.bold, style.size, style.color), len(self.fonts))
            if style.fill:
                self.fills.setdefault(style.fill, len(self.fills) + 2)
            fmt = style.number_format
            if fmt and fmt not in BUILTIN_FORMATS:
                self.formats.setdefault(fmt, 164 + len(self.formats))
            self.xfs[style] = len(self.xfs)
        return self.xfs[style]

    def attribute(self, style: Style) -> str:
        """`` s="N"`` for a cell of this style ('' for the plain one)."""
        index = self.index(style)
        return f' s="{index}"' if index else ""

    def xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
                          for code, i in self.formats.items())
        fonts = "".join(
            "<font>" + ("<b/>" if bold else "") + f'<sz val="{size:g}"/>'
            + (f'<color rgb="FF{color}"/>' if color else "")
            + '<name val="Calibri"/><family val="2"/></font>'
            for (bold, size, color) in self.fonts)
        fills = "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{color}"/>'
                        '<bgColor indexed="64"/></patternFill></fill>' for color in self.fills)
        xfs = "".join(self._xf(style) for style in self.xfs)
        return (f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
                + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
                + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
                f'<fills count="{len(self.fills) + 2}"><fill><patternFill patternType="none"/>'
                f'</fill><fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
                '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                f'borderId="0"/></cellStyleXfs><cellXfs count="{len(self.xfs)}">{xfs}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                '</cellStyles></styleSheet>')

    def _xf(self, style: Style) -> str:
        fmt = style.number_format
        number = BUILTIN_FORMATS.get(fmt, self.formats.get(fmt, 0)) if fmt else 0
        font = self.fonts[(style.bold, style.size, style.color)]
        fill = self.fills.get(style.fill, 0) if style.fill else 0
        align = ""
        if style.wrap or style.vertical:
            align = ("<alignment" + (f' vertical="{style.vertical}"' if style.vertical else "")
                     + (' wrapText="1"' if style.wrap else "") + "/>")
        applied = "".join(f' {name}="1"' for name, used in (
            ("applyNumberFormat", number), ("applyFont", font), ("applyFill", fill),
            ("applyAlignment", align)) if used)
        return (f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" '
                f'xfId="0"{applied}>{align}</xf>' if align else
                f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" '
                f'xfId="0"{applied}/>')


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


def _serial(value: dt.date) -> float:
    """A date (or date and time) as Excel's day number, which a date format shows as a date."""
    if isinstance(value, dt.datetime):
        days = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return int(days) if days.is_integer() else days
    return (value - EPOCH.date()).days


_QUOTED = re.compile(r'"([^"]*)"')
_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)


def text_width(text: str) -> float:
    """How wide a text shows, in Excel's character units (the width of a digit): Korean and
    other East Asian characters take about two (their UTF-8 is three bytes, a digit's one)."""
    lines = text.split("\n") if "\n" in text else (text,)
    return max(len(line) + (len(line.encode("utf-8")) - len(line)) / 2 for line in lines)


def _widest_text(texts: list[str]) -> float:
    """The width of the widest of many texts, measuring only the longest few (by characters:
    a text twice as long as another is always at least as wide)."""
    if len(texts) > 64:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        texts = [texts[i] for i in np.argpartition(lengths, -64)[-64:].tolist()]
    return max(map(text_width, texts), default=0.0)


def _number_width(value: float, number_format: str | None) -> float:
    """How wide a number shows in a number format (the first section of it)."""
    code = (number_format or "General").split(";")[0]
    literal = sum(text_width(t) for t in _QUOTED.findall(code))
    bare = _QUOTED.sub("", code)
    if "General" in bare or not bare:
        return len(f"{value:.10g}") + literal
    if "0" not in bare and "#" not in bare and _DATE_CODES.search(bare):
        return len(bare) + literal  # yyyy-mm-dd
    percent = "%" in bare
    decimals = len(re.sub(r"[^0#]", "", bare.partition(".")[2])) if "." in bare else 0
    shown = format(value * (100 if percent else 1), f"{',' if ',' in bare else ''}.{decimals}f")
    return len(shown) + percent + literal


def _value_width(value: Any, number_format: str | None) -> float:
    """How wide one value (a plain one, ``_plain``) shows."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 5.0  # FALSE
    if isinstance(value, dt.date):
        return _number_width(_serial(value), number_format)
    if isinstance(value, int | float):
        return _number_width(value, number_format) if math.isfinite(value) else 0.0
    return text_width(str(value))


def _line_counts(texts: list[str], room: float) -> np.ndarray:
    """The lines each text takes wrapped in ``room`` characters (a little more than its width
    over the room: words do not break), at most ``MAX_LINES``."""
    counts = np.ones(len(texts), dtype=np.int64)
    short = room / 2.2  # a text this short fits on one line whatever its characters
    for i, text in enumerate(texts):
        if len(text) > short or "\n" in text:
            counts[i] = min(MAX_LINES, sum(max(1, math.ceil(text_width(line) * 1.08 / room))
                                           for line in text.split("\n")))
    return counts


def _kind_width(kind: str, uniques: list[Any], number_format: str | None) -> float:
    """The width of the widest of a column's distinct values, all of one ``kind``."""
    if kind == "string":
        return _widest_text(uniques)
    if kind in {"floating", "integer", "mixed-integer-float"}:
        numbers = np.asarray(uniques, dtype=float)
        numbers = numbers[np.isfinite(numbers)]
        if not len(numbers):
            return 0.0
        return max(_value_width(_plain(float(v)), number_format)
                   for v in (numbers.min(), numbers.max()))
    return max((_value_width(_plain(v), number_format) for v in uniques[:64]), default=0.0)


class _Writer:
    """One sheet's cells as XML, text fitted to Excel (see ``Sheet.neutralise``, ``_Cuts``).

    A cell is ``<c r="REF"`` and its *rest*: the style, the type and the value. The rest of a
    value is made once per distinct value of a column (a score table repeats its levels, scores
    and answers on 100,000 rows), so a cell costs a lookup and its reference. The width of
    each data column's widest value is kept in ``widths`` (for ``Sheet.widths`` left to fit).
    """

    def __init__(self, sheet: Sheet, cuts: _Cuts) -> None:
        self.neutralise = sheet.neutralise
        self.cuts = cuts
        self.widths: dict[int, float] = {}
        self.lines: dict[int, np.ndarray] = {}  # per wrapping column: lines per row
        self.max_width = sheet.max_width

    def rest(self, value: Any, styled: str) -> tuple[str | None, bool]:
        """The rest of a cell of ``value`` (None: an empty cell), and whether it was cut."""
        value = _plain(value)
        if value is None:
            return None, False
        if isinstance(value, bool):
            return f'{styled} t="b"><v>{int(value)}</v></c>', False
        if isinstance(value, dt.date):  # a datetime too
            return f"{styled}><v>{_serial(value)!r}</v></c>", False
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                return None, False
            return f"{styled}><v>{value!r}</v></c>", False
        text = _ILLEGAL.sub("", str(value))  # first: "\x00=1" must not leave "=1" behind
        if self.neutralise:
            text = neutralise(text)
        cut = not _fits(text)
        if cut:
            text = _cut(text, self.cuts.mark)
        return (f'{styled} t="inlineStr"><is><t xml:space="preserve">{text.translate(_ESCAPE)}'
                "</t></is></c>"), cut

    def cell(self, row: int, column: int, value: Any, styled: str) -> str:
        """One ``<c>`` element ('' for an empty cell); ``styled``: `` s="N"`` or ''."""
        rest, cut = self.rest(value, styled)
        if cut:
            self.cuts.add(row, column)
        return f'<c r="{column_letter(column)}{row}"{rest}' if rest else ""

    def column(self, values: Sequence[Any], spec: _Column, column: int, first_row: int
               ) -> list[str | None]:
        """The rest of every cell of a data column, each distinct value's made once.

        Its widest value goes to ``widths``; when its cells wrap (``spec``), the lines each
        row needs go to ``lines``.
        """
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind not in _ONE_KIND:
            return self._column_by_type(values, spec, column, first_row)
        # One kind of value: pandas finds the distinct ones (1 and True never meet here).
        array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        distinct = uniques.tolist()
        widest = self.widths[column] = _kind_width(kind, distinct, spec.number_format)
        styled, room = self._style(spec, widest)
        if room is not None and kind == "string":
            self.lines[column] = np.append(_line_counts(distinct, room), 1)[codes]
        made = [self.rest(value, styled) for value in distinct]
        rests = np.array([rest for rest, _ in made] + [None], dtype=object)[codes]
        cut = [code for code, (_, was_cut) in enumerate(made) if was_cut]
        if cut:  # rare: count the cut cells, find the first
            rows = np.flatnonzero(np.isin(codes, cut))
            self.cuts.add(first_row + int(rows[0]), column, len(rows))
        return rests.tolist()

    def _style(self, spec: _Column, widest: float) -> tuple[str, float | None]:
        """The style of a column's cells, and the room (characters) its wrapped text has on
        a line (None: its cells do not wrap)."""
        fitted = min(self.max_width, widest + 1.5)
        if spec.wraps:
            return spec.styled, spec.width or fitted
        if spec.wrapped is not None and widest > self.max_width:
            return spec.wrapped, self.max_width
        return spec.styled, None

    def _column_by_type(self, values: Sequence[Any], spec: _Column, column: int,
                        first_row: int) -> list[str | None]:
        """``column`` for mixed kinds of values: distinct by type and value (1 is not True)."""
        widest = 0.0
        seen: set[Any] = set()
        for value in values:
            key = (value.__class__, value)
            with contextlib.suppress(TypeError):  # unhashable (a list): measured each time
                if key in seen:
                    continue
                seen.add(key)
            widest = max(widest, _value_width(_plain(value), spec.number_format))
        self.widths[column] = widest
        styled, room = self._style(spec, widest)
        if room is not None:
            self.lines[column] = np.array(
                [_line_counts([v], room)[0] if isinstance(v, str) else 1 for v in values],
                dtype=np.int64)
        made: dict[Any, tuple[str | None, bool]] = {}
        rests: list[str | None] = []
        for row, value in enumerate(values, start=first_row):
            key = (value.__class__, value)
            try:
                rest, cut = made[key]
            except KeyError:
                rest, cut = made[key] = self.rest(value, styled)
            except TypeError:  # unhashable (a list): made each time
                rest, cut = self.rest(value, styled)
            if cut:
                self.cuts.add(row, column)
            rests.append(rest)
        return rests


def _pane(cell: str) -> str:
    column, row = _split_ref(cell)
    pane = ("bottomRight" if column and row > 1 else "bottomLeft" if row > 1 else "topRight")
    splits = (f' xSplit="{column}"' if column else "") + (f' ySplit="{row - 1}"' if row > 1
                                                          else "")
    return (f'<pane{splits} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>')


def _freeze(sheet: Sheet) -> str | None:
    if sheet.freeze != AUTO:
        return sheet.freeze
    return f"{'C' if len(sheet.titles) > 2 else 'A'}{sheet.title_row + 1}"


def _per_column(style: Style | Sequence[Style], count: int) -> list[Style]:
    return [style] * count if isinstance(style, Style) else [*style, *[PLAIN] * count][:count]


def _row(number: int, cells: str, heights: Mapping[int, float], hidden: Collection[int]
         ) -> str:
    height = heights.get(number)
    attrs = (f' ht="{height:g}" customHeight="1"' if height else "") + (
        ' hidden="1"' if number in hidden else "")
    return f'<row r="{number}"{attrs}>{cells}</row>'


def _validation(rule: Validation) -> str:
    attrs = []
    if rule.kind:
        attrs.append(f'type="{rule.kind}"')
        if rule.kind != "list":
            attrs.append('operator="between"')
        if rule.warn:
            attrs.append('errorStyle="warning"')
    attrs.append('allowBlank="1"')
    if rule.prompt:
        attrs.append('showInputMessage="1"')
    if rule.kind:
        attrs.append('showErrorMessage="1"')
    for name, text, most in (("errorTitle", rule.error_title, 32), ("error", rule.error, 255),
                             ("promptTitle", rule.prompt_title, 32),
                             ("prompt", rule.prompt, 255)):  # Excel's own limits
        if text:
            attrs.append(f'{name}="{_attr(text[:most])}"')
    formulas = "".join(f"<{tag}>{_attr(text)}</{tag}>" for tag, text in (
        ("formula1", rule.formula1), ("formula2", rule.formula2)) if text is not None)
    return f'<dataValidation {" ".join(attrs)} sqref="{rule.cells}">{formulas}</dataValidation>'


@dataclass(frozen=True)
class _Column:
    """How a data column's cells are written."""

    styled: str  # `` s="N"``
    wrapped: str | None  # with ``wrap_wide``: the style wrapping its text, when it is too wide
    wraps: bool  # its style wraps text anyway
    number_format: str | None
    width: float | None  # given, else fitted


@dataclass(frozen=True)
class _Looks:
    """A sheet's style attributes (`` s="N"``), registered before any cell is written."""

    above: list[str]
    header: list[str]
    data: list[_Column]  # per column
    columns: list[int]  # per column: the style of its empty cells (its number format)

    @classmethod
    def of(cls, sheet: Sheet, styles: _Styles) -> _Looks:
        count = len(sheet.titles)
        formats = [*sheet.formats, *[None] * count][:count]
        body = [replace(sheet.body, number_format=f or sheet.body.number_format) for f in formats]
        given = [*sheet.widths, *[None] * count][:count]
        return cls(
            [styles.attribute(style) for _, style in sheet.above],
            [styles.attribute(style) for style in _per_column(sheet.header, count)],
            [_Column(styles.attribute(style), styles.attribute(
                replace(style, wrap=True, vertical=style.vertical or "top"))
                if sheet.wrap_wide and width is None else None, style.wrap,
                style.number_format, width)
             for style, width in zip(body, given, strict=True)],
            [styles.index(replace(PLAIN, number_format=f)) if f else 0 for f in formats])


def _title_width(title: str, style: Style, filtered: bool) -> float:
    """The width a title needs: on one line, or (a wrapping title style) on up to three lines
    without breaking a word; a filter button takes two more."""
    bold = 1.1 if style.bold else 1.0
    whole = text_width(title) * bold
    if style.wrap:
        longest = max((text_width(word) for word in title.split()), default=0.0) * bold
        whole = max(longest, whole / 3)
    return whole + (2 if filtered else 0)


def _widths(sheet: Sheet, fitted: Mapping[int, float]) -> list[float]:
    """Each column's width: the given one, else fitted to its title and its widest value."""
    count = len(sheet.titles)
    given = [*sheet.widths, *[None] * count][:count]
    styles = _per_column(sheet.header, count)
    filtered = sheet.autofilter or sheet.table
    return [width if width is not None else min(sheet.max_width, max(
        FIT_MIN, fitted.get(c, 0.0) + 1.5, _title_width(str(title), styles[c], filtered) + 1))
            for c, (width, title) in enumerate(zip(given, sheet.titles, strict=True))]


def _color_scales(sheet: Sheet) -> str:
    first, last = sheet.title_row + 1, sheet.title_row + sheet.rows
    if last < first:
        return ""
    rules = []
    for priority, scale in enumerate(sheet.color_scales, start=1):
        cells = " ".join(f"{column_letter(c)}{first}:{column_letter(c)}{last}"
                         for c in scale.columns)
        stops = "".join(f'<cfvo type="num" val="{value:g}"/>' for value, _ in scale.stops)
        colours = "".join(f'<color rgb="FF{colour}"/>' for _, colour in scale.stops)
        rules.append(f'<conditionalFormatting sqref="{cells}"><cfRule type="colorScale" '
                     f'priority="{priority}"><colorScale>{stops}{colours}</colorScale></cfRule>'
                     "</conditionalFormatting>")
    return "".join(rules)


def _page_xml(page: Page, widths: Sequence[float]) -> str:
    """Print setup: A4, the orientation, one page wide (or as many as keep the print legible);
    the sheet and page number below."""
    across = page.across or max(1, math.ceil(sum(widths) / PAGE_WIDTH[page.landscape]))
    fit = f' fitToWidth="{across}" fitToHeight="0"' if page.fit_width else ""
    return ('<printOptions gridLines="1"/>'
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" '
            'footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{"landscape" if page.landscape else "portrait"}"'
            f'{fit}/><headerFooter><oddFooter>&amp;L&amp;A&amp;R&amp;P / &amp;N</oddFooter>'
            "</headerFooter>")


def _table_ref(sheet: Sheet) -> str:
    """The cells of a sheet's table: the title row and at least one data row (Excel's rule)."""
    last = column_letter(max(0, len(sheet.titles) - 1))
    return f"A{sheet.title_row}:{last}{sheet.title_row + max(sheet.rows, 1)}"


def _heights(sheet: Sheet, widths: Sequence[float], lines: Mapping[int, np.ndarray]
             ) -> dict[int, float]:
    """Row heights: the given ones; else a wrapping title row tall enough for its longest
    title, and each data row for its wrapped cells (neither Excel nor LibreOffice grows a row
    for wrapped text when a file is opened)."""
    scale = sheet.body.size / 11 * LINE_HEIGHT
    heights: dict[int, float] = {}
    styles = _per_column(sheet.header, len(sheet.titles))
    filtered = 2 if sheet.autofilter or sheet.table else 0
    # a title fitted to three lines is given three (``_title_width``), with a little slack
    title_lines = max((math.ceil(text_width(str(title)) * (1.1 if style.bold else 1)
                                 / max(1.0, width - 1 - filtered) - 0.15)
                       for title, style, width in zip(sheet.titles, styles, widths, strict=True)
                       if style.wrap), default=1)
    if title_lines > 1:
        size = max(style.size for style in styles)
        heights[sheet.title_row] = round(min(MAX_LINES, title_lines) * size / 11 * LINE_HEIGHT
                                         + 3, 1)
    if lines and sheet.rows:
        most = np.ones(sheet.rows, dtype=np.int64)
        for counts in lines.values():
            np.maximum(most[:len(counts)], counts, out=most[:len(counts)])
        first = sheet.title_row + 1
        for row in np.flatnonzero(most > 1).tolist():
            heights[first + row] = round(int(most[row]) * scale + 3, 1)
    return {**heights, **sheet.heights}


def _sheet_xml(sheet: Sheet, looks: _Looks, cuts: _Cuts, handle: IO[bytes]) -> None:
    count = len(sheet.titles)
    rows = sheet.rows
    title_row = sheet.title_row
    hidden = sheet.hidden_rows
    letters = [column_letter(i) for i in range(count)]
    last = letters[-1] if letters else "A"
    freeze = _freeze(sheet)
    pane = _pane(freeze) if freeze and freeze != "A1" else ""
    writer = _Writer(sheet, cuts)
    first = title_row + 1
    # the cells first: fitting a column's width and a row's height needs the values
    rests = [writer.column(values, spec, c, first) + [None] * (rows - len(values))
             for c, (values, spec) in enumerate(zip(sheet.columns, looks.data, strict=True))]
    widths = _widths(sheet, writer.widths)
    heights = _heights(sheet, widths, writer.lines)
    last_row = max(title_row + rows, *heights, *hidden, 1)
    fit = sheet.page is not None and sheet.page.fit_width
    handle.write((f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
                  + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else "")
                  + f'<dimension ref="A1:{last}{last_row}"/>'
                  f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                  '<sheetFormatPr defaultRowHeight="15"/>').encode())
    if count:
        handle.write(("<cols>" + "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"'
            + (f' style="{s}"' if s else "") + "/>"
            for i, (w, s) in enumerate(zip(widths, looks.columns, strict=True))) + "</cols>"
        ).encode())
    handle.write(b"<sheetData>")
    for number, ((text, _), styled) in enumerate(zip(sheet.above, looks.above, strict=True),
                                                 start=1):
        handle.write(_row(number, writer.cell(number, 0, text, styled), heights, hidden).encode())
    header = "".join(writer.cell(title_row, c, title, styled)
                     for c, (title, styled) in enumerate(zip(sheet.titles, looks.header,
                                                             strict=True)))
    handle.write(_row(title_row, header, heights, hidden).encode())
    special = {n: _row(n, "", heights, hidden).removesuffix("</row>")
               for n in {*heights, *hidden}}
    for start in range(0, rows, ROW_BLOCK):  # a block of rows at a time: memory stays flat
        numbers = range(first + start, first + min(rows, start + ROW_BLOCK))
        cells = [[f'<c r="{letter}{n}"{rest}' if rest else ""
                  for n, rest in zip(numbers, column[start:start + ROW_BLOCK], strict=True)]
                 for letter, column in zip(letters, rests, strict=True)]
        handle.write("".join([
            (special.get(n) or f'<row r="{n}">') + "".join(row) + "</row>"
            for n, row in zip(numbers, zip(*cells, strict=True), strict=True)]).encode())
    for number in sorted({*heights, *hidden}):
        if number > title_row + rows:  # rows with no cells, only a height or hidden
            handle.write(_row(number, "", heights, hidden).encode())
    handle.write(b"</sheetData>")
    if sheet.autofilter and not sheet.table:  # a table has its own
        handle.write(f'<autoFilter ref="A{title_row}:{last}{title_row + rows}"/>'.encode())
    handle.write(_color_scales(sheet).encode())
    if sheet.validations:
        handle.write((f'<dataValidations count="{len(sheet.validations)}">'
                      + "".join(_validation(v) for v in sheet.validations)
                      + "</dataValidations>").encode())
    if sheet.page is not None:
        handle.write(_page_xml(sheet.page, widths).encode())
    if sheet.comments:
        handle.write(b'<legacyDrawing r:id="rId1"/>')
    if sheet.table:
        handle.write(b'<tableParts count="1"><tablePart r:id="rId3"/></tableParts>')
    handle.write(b"</worksheet>")


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _print_titles(sheet: Sheet) -> str:
    """What every printed page repeats: the frozen columns (when any) and the title row."""
    name = _quoted(sheet.name)
    rows = f"{name}!${sheet.title_row}:${sheet.title_row}"
    freeze = _freeze(sheet)
    columns = _split_ref(freeze)[0] if freeze else 0
    return f"{name}!$A:${column_letter(columns - 1)},{rows}" if columns else rows


def _workbook_xml(sheets: Sequence[Sheet]) -> str:
    entries = "".join(
        f'<sheet name="{_attr(s.name)}" sheetId="{i + 1}"'
        + (' state="hidden"' if s.hidden else "") + f' r:id="rId{i + 1}"/>'
        for i, s in enumerate(sheets))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f'{_attr(_quoted(s.name))}!$A${s.title_row}:${column_letter(max(0, len(s.titles) - 1))}$'
        f'{s.title_row + s.rows}</definedName>'
        for i, s in enumerate(sheets) if s.autofilter and not s.table)
    names += "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_attr(_print_titles(s))}'
        "</definedName>" for i, s in enumerate(sheets) if s.page is not None and s.page.repeat_titles)
    return (f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{entries}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>")


def _table_xml(sheet: Sheet, number: int) -> str:
    """The sheet's Excel table (``Table<number>``): its cells, a filter, a column per title."""
    ref = _table_ref(sheet)
    columns = "".join(f'<tableColumn id="{i + 1}" name="{_attr(title)}"/>'
                      for i, title in enumerate(sheet.titles))
    return (f'{XML_HEAD}<table xmlns="{MAIN}" id="{number}" name="Table{number}" '
            f'displayName="Table{number}" ref="{ref}" totalsRowShown="0">'
            f'<autoFilter ref="{ref}"/><tableColumns count="{len(sheet.titles)}">{columns}'
            f'</tableColumns><tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" '
            'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>')


def table_titles(titles: Sequence[str], neutralised: bool = True) -> list[str]:
    """Titles as an Excel table needs them: each one line, non-empty and unique (ignoring
    case), exactly as its cell shows it (cleaned, neutralised when the sheet's text is)."""
    taken: set[str] = set()
    result = []
    for i, title in enumerate(titles):
        text = " ".join(_ILLEGAL.sub("", str(title)).split())[:255] or f"({i + 1})"
        if neutralised:
            text = neutralise(text)
        candidate, n = text, 2
        while candidate.casefold() in taken:
            candidate, n = f"{text} ({n})", n + 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _comments_xml(comments: Mapping[str, str]) -> str:
    notes = "".join(f'<comment ref="{ref}" authorId="0"><text><t xml:space="preserve">'
                    f'{_ILLEGAL.sub("", text).translate(_ESCAPE)}</t></text></comment>'
                    for ref, text in comments.items())
    return (f'{XML_HEAD}<comments xmlns="{MAIN}"><authors><author>diagnose</author></authors>'
            f"<commentList>{notes}</commentList></comments>")


def _vml(comments: Mapping[str, str], number: int) -> str:
    """The legacy drawing Excel needs to show the notes: one hidden box per note."""
    shapes = []
    for i, ref in enumerate(comments):
        column, row = _split_ref(ref)
        shapes.append(
            f'<v:shape id="_x0000_s{number * 1024 + 1 + i}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:270pt;'
            'height:165pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
            f"<x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{column + 1}, 15, {row - 1}, 2, "
            f"{column + 5}, 15, {row + 10}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row - 1}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{number}"/>'
            '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            + "".join(shapes) + "</xml>")


def _package(sheets: Sequence[Sheet], styles: str) -> dict[str, str]:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{main}.worksheet+xml"/>'
        for i in range(len(sheets)))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" '
        f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
    parts = {}
    for i, sheet in enumerate(sheets, start=1):
        rels = []
        if sheet.comments:
            types += (f'<Override PartName="/xl/comments{i}.xml" '
                      f'ContentType="{main}.comments+xml"/>')
            parts[f"xl/comments{i}.xml"] = _comments_xml(sheet.comments)
            parts[f"xl/drawings/vmlDrawing{i}.vml"] = _vml(sheet.comments, i)
            rels += [f'<Relationship Id="rId1" Type="{RELS}/vmlDrawing" '
                     f'Target="../drawings/vmlDrawing{i}.vml"/>',
                     f'<Relationship Id="rId2" Type="{RELS}/comments" '
                     f'Target="../comments{i}.xml"/>']
        if sheet.table:
            types += f'<Override PartName="/xl/tables/table{i}.xml" ContentType="{main}.table+xml"/>'
            parts[f"xl/tables/table{i}.xml"] = _table_xml(sheet, i)
            rels.append(f'<Relationship Id="rId3" Type="{RELS}/table" '
                        f'Target="../tables/table{i}.xml"/>')
        if rels:
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
                f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{"".join(rels)}'
                "</Relationships>")
    return {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Default Extension="vml" ContentType="application/'
            'vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{main}.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            f'ContentType="{main}.styles+xml"/>{types}</Types>'),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": _workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELS}/styles" '
            'Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": styles,
        **parts,
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


def _check_size(sheet: Sheet, out: Path) -> None:
    """Refuse, before anything is written, a sheet Excel cannot open whole."""
    rows = sheet.title_row + sheet.rows
    if rows > MAX_ROWS:
        raise DiagnoseError(Msg(
            "'{s}' 시트가 {n:,}행으로 Excel 한도({m:,}행)를 넘습니다: CSV나 JSON으로 쓰세요 "
            "(-o 파일.csv)",
            "sheet '{s}' would have {n:,} rows, over Excel's limit of {m:,}: write CSV or JSON "
            "instead (-o FILE.csv)").format(s=sheet.name, n=rows, m=MAX_ROWS), where=out)
    if len(sheet.titles) > MAX_COLUMNS:
        raise DiagnoseError(Msg(
            "'{s}' 시트가 {n:,}열로 Excel 한도({m:,}열)를 넘습니다: CSV나 JSON으로 쓰세요",
            "sheet '{s}' would have {n:,} columns, over Excel's limit of {m:,}: write CSV or "
            "JSON instead").format(s=sheet.name, n=len(sheet.titles), m=MAX_COLUMNS), where=out)


def write(sheets: Sequence[Sheet], out: Path, lang: str = "ko") -> list[Problem]:
    """Write the sheets as one workbook; ``out`` appears only when complete.

    Sheet names are made valid and unique (``sheet_name``). A sheet over Excel's rows or
    columns is refused (``DiagnoseError``, exit 2) before anything is written. Returns the
    warnings: one per sheet whose cells were cut at Excel's 32,767 characters (the cut cells
    end with a mark in ``lang``).
    """
    taken: set[str] = set()
    sheets = [replace(s, name=sheet_name(s.name, taken),
                      titles=table_titles(s.titles, s.neutralise) if s.table else s.titles)
              for s in sheets]
    for sheet in sheets:
        _check_size(sheet, out)
    mark = CUT_MARK.render(lang)
    cuts = [_Cuts(mark) for _ in sheets]

    styles = _Styles()
    looks = [_Looks.of(sheet, styles) for sheet in sheets]

    def archive(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
            for name, text in _package(sheets, styles.xml()).items():
                book.writestr(name, text)
            for i, sheet in enumerate(sheets):
                with book.open(f"xl/worksheets/sheet{i + 1}.xml", "w",
                               force_zip64=True) as part:
                    _sheet_xml(sheet, looks[i], cuts[i], part)

    files.write_atomic(out, archive)
    return [Problem(str(out), 0, 0, Msg(
        "'{s}' 시트의 {n:,}칸이 Excel 한 칸 한도(32,767자)를 넘어 잘렸습니다 (첫 칸 {c}): "
        "전체 내용은 CSV나 JSON에 있습니다",
        "{n:,} cell(s) of sheet '{s}' were cut at Excel's limit of 32,767 characters "
        "(first: {c}); CSV and JSON keep the whole text").format(
            s=sheet.name, n=cut.count, c=cut.first_ref), "warning")
        for sheet, cut in zip(sheets, cuts, strict=True) if cut.count]
