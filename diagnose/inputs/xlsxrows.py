"""The survey sheet of an XLSX workbook, its cells as Excel shows them.

openpyxl's read-only reader streams the sheet's XML. On top of what it reads, this module:

* picks the sheet a person means: the one named in ``preferred`` (the sheet of
  ``diagnose questionnaire template``), else the first *visible* sheet. A hidden sheet (a lookup
  list, an old copy) is never read instead, and neither is the sheet that happened to be open
  when the file was saved (Excel's active sheet): which one that is depends on the last click
  before saving, not on where the answers are;
* reads a number shown as a percentage (a number format with ``%``: ``35%``, stored as 0.35)
  as the text ``35%``, what the user sees; ``answers.parse_number`` then reads 35;
* gives a formula cell saved without its value (a file written by a program, never opened and
  saved in Excel) as ``Uncached`` instead of a blank, so that the caller rejects it by name;
* keeps only the rows that hold something, with their sheet row numbers: formatting on row
  1,048,576 (Excel's last) costs nothing, and the size limits count real rows and cells.

openpyxl gives none of the last three through its public reader (a formula without a value is
``None``, as a blank is; a formatted empty row far down is a million empty rows), so its
worksheet parser (``WorkSheetParser``, used by its own read-only worksheets) is extended here;
it is the one place that knows openpyxl's internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Uncached:
    """A formula cell the file holds without its value: unknown, not blank."""

    sheet: str
    cell: str  # its reference, e.g. C5
    formula: str  # as written, e.g. =B5*2

    def __str__(self) -> str:
        return self.formula


class SheetTooLarge(Exception):
    """The sheet holds more rows, or rows times columns, than the limits allow."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


@dataclass
class Sheet:
    """The rows of a sheet that hold something, each with its sheet row number."""

    name: str
    numbers: list[int]  # sheet row of each row (the first row of the sheet is 1)
    rows: list[list[Any]]  # its cells from column A, without trailing blanks

    @property
    def width(self) -> int:
        """The used width: the longest row's cells."""
        return max((len(row) for row in self.rows), default=0)


def read(path: Path, preferred: Iterable[str], max_rows: int, max_cells: int) -> Sheet:
    """The survey sheet of the workbook at ``path`` (see the module's docstring).

    Raises ``SheetTooLarge`` past ``max_rows`` rows or ``max_cells`` cells (rows times the used
    width, counted as the rows come), and openpyxl's or zipfile's own errors for a file that
    is no workbook.
    """
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = survey_sheet(book, preferred)
        numbers: list[int] = []
        rows: list[list[Any]] = []
        width = 0
        for number, cells in _rows(book, sheet):
            numbers.append(number)
            rows.append(cells)
            width = max(width, len(cells))
            if len(rows) > max_rows or len(rows) * width > max_cells:
                raise SheetTooLarge(len(rows), width)
        return Sheet(sheet.title, numbers, rows)
    finally:
        book.close()


def survey_sheet(book: Any, preferred: Iterable[str]) -> Any:
    """The sheet named in ``preferred``, else the first visible one (else the first)."""
    names = set(preferred)
    sheets = book.worksheets
    return next((s for s in sheets if s.title in names), None) \
        or next((s for s in sheets if s.sheet_state == "visible"), sheets[0])


# A number format's text in quotes, an escaped character, a [colour] or [condition]: a '%'
# there is shown as it is; anywhere else it multiplies the number by 100.
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def percent_format(code: str) -> bool:
    """Whether a number format shows the number times 100 with ``%`` (``0%``, ``0.0%``)."""
    return "%" in _LITERAL.sub("", code)


def _percent_styles(book: Any) -> frozenset[int]:
    """The cell styles whose number format is a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    for index, style in enumerate(book._cell_styles):
        number = style.numFmtId
        code = (BUILTIN_FORMATS.get(number, "General") if number < BUILTIN_FORMATS_MAX_SIZE
                else book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE])
        if percent_format(code):
            found.add(index)
    return frozenset(found)


def shown_percent(value: float | int) -> str:
    """0.35 as Excel shows it with a ``%`` format: ``35%`` (exactly, without float noise)."""
    return f"{(Decimal(repr(value)) * 100).normalize():f}%"


def _rows(book: Any, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of ``sheet`` that hold something: (sheet row, cells from column A)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    percent = _percent_styles(book)
    title = sheet.title

    class Parser(WorkSheetParser):  # type: ignore[misc]
        """openpyxl's parser, noting formulas without a value and percentages."""

        def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
            number, cells = super().parse_row(row)
            for element, cell in zip(row, cells, strict=True):
                value = cell["value"]
                if value is None:
                    formula = element.find(FORMULA_TAG)
                    if formula is not None:
                        cell["value"] = Uncached(
                            title, f"{get_column_letter(cell['column'])}{number}",
                            "=" + (formula.text or "…"))
                elif cell["style_id"] in percent and cell["data_type"] == "n":
                    cell["value"] = shown_percent(value)
            return number, cells

    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats,
                        timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            values: list[Any] = []
            for cell in cells:
                value = cell["value"]
                if value is None or value == "":
                    continue
                column = cell["column"]
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                # whole numbers as ints, as pandas reads them
                values[column - 1] = (int(value) if isinstance(value, float)
                                      and value.is_integer() else value)
            if values:
                yield number, values
