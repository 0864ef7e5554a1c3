"""Blank survey sheets to hand out (``diagnose questionnaire template``).

The sheet has one column per profile item and question, headed by the item's text (Korean, or
English with ``lang="en"``), and a second row with the item ids, so ``diagnose score`` reads a
filled sheet back as it is, whatever happens to the header text. In XLSX the id row is hidden,
answers are picked from drop-downs of option labels, multi-answer columns say how to list
several answers, and an instructions sheet explains everything. CSV has the same two header
rows, in UTF-8 with a BOM so that Korean Excel opens it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagnose.content import yamlio
from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.inputs import answers, survey
from diagnose.render import tables

FORMATS = ("xlsx", "csv")
ANSWER_ROWS = 1000  # rows below the header that get drop-downs and formats
MULTI_SEPARATOR = ", "

SHEET_NAMES = {
    "survey": survey.TEMPLATE_SHEETS,
    "help": {"ko": "안내", "en": "Instructions"},
    "options": {"ko": "선택지", "en": "Options"},
}
TYPE_NAMES = {
    "level": {"ko": "수준 (1~5단계 중 하나)", "en": "level (one of 5)"},
    "choice": {"ko": "하나 선택", "en": "pick one"},
    "yesno": {"ko": "예/일부/아니오", "en": "yes/partly/no"},
    "multi": {"ko": "여러 개 선택", "en": "pick any"},
    "number": {"ko": "숫자", "en": "number"},
    "text": {"ko": "서술", "en": "text"},
    "date": {"ko": "날짜", "en": "date"},
}
META = {"assessment.date": {"ko": "진단일", "en": "Assessment date"},
        "assessment.round": {"ko": "차수", "en": "Round"}}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the sheet: the id the reader matches, the header a person reads."""

    id: str
    header: str
    kind: str  # an item type, or "date"/"text" for the assessment columns
    item: ProfileItem | Question | None
    required: bool = False


def columns(q: Questionnaire, lang: str = "ko") -> list[TemplateColumn]:
    """The sheet's columns in order: company profile, assessment date and round, questions."""
    found = []
    for item in q.profile:
        required = item.required or item.id == "name"
        header = pick(item.text, lang) + (" *" if required else "")
        found.append(TemplateColumn(item.id, header, item.type, item, required))
    found.append(TemplateColumn("assessment.date", pick(META["assessment.date"], lang), "date",
                                None))
    found.append(TemplateColumn("assessment.round", pick(META["assessment.round"], lang), "text",
                                None))
    for question in q.questions:
        found.append(TemplateColumn(question.id, pick(question.text, lang), question.type,
                                    question))
    return found


def option_labels(item: ProfileItem | Question, lang: str) -> list[str]:
    """What a drop-down lists: option labels, then 'not applicable' and 'don't know'."""
    options = item.choices() if isinstance(item, Question) else item.options
    labels = [pick(o.label, lang) for o in options]
    if isinstance(item, Question) and item.allow_na:
        labels += [pick(answers.SPECIAL_LABELS[s], lang) for s in (answers.NA, answers.UNKNOWN)]
    return labels


def _hint(column: TemplateColumn, lang: str) -> str:
    """The short how-to-answer text of a column (cell prompt, comment, instructions)."""
    item = column.item
    ko = lang == "ko"
    if column.kind == "multi" and item is not None:
        head = ("해당하는 것을 모두 ', '(쉼표와 공백)로 구분해 적으세요:" if ko else
                "List every answer that applies, separated by ', ' (comma and space):")
        return "\n".join([head, *(f"- {label}" for label in option_labels(item, lang))])
    if column.kind in {"level", "choice", "yesno"}:
        return "목록에서 하나를 고르세요." if ko else "Pick one from the list."
    if column.kind == "number" and item is not None:
        unit = f" ({pick(item.unit, lang)})" if item.unit else ""
        text = f"숫자로 적으세요{unit}." if ko else f"Enter a number{unit}."
        if isinstance(item, Question) and item.allow_na:
            text += " 해당 없음·모름도 됩니다." if ko else " 'Not applicable' or 'Don't know' also work."
        return text
    if column.kind == "date":
        return "예: 2026-03-12" if ko else "e.g. 2026-03-12"
    if column.id == "assessment.round":
        return ("비워 두면 baseline (첫 진단). 재진단은 followup 등." if ko else
                "Blank means baseline (first assessment); e.g. followup for a second one.")
    if column.required:
        return "필수 항목입니다." if ko else "Required."
    return ""


def write(q: Questionnaire, out: Path, fmt: str | None = None, lang: str = "ko") -> Path:
    """Write the blank survey sheet in ``fmt`` (``xlsx``/``csv``; default: from the suffix)."""
    suffix = out.suffix.lower().lstrip(".")
    fmt = fmt or suffix
    if fmt not in FORMATS:
        raise DiagnoseError(Msg("형식은 xlsx 또는 csv입니다 (--format)",
                                "the format is xlsx or csv (--format)"), where=out)
    if suffix != fmt:
        raise DiagnoseError(Msg("파일 확장자가 형식과 다릅니다: .{f}로 끝나는 이름을 쓰세요",
                                "the file suffix does not match the format: name it *.{f}")
                            .format(f=fmt), where=out)
    if fmt == "csv":
        yamlio.write_atomic(out, csv_text(q, lang))
    else:
        _write_xlsx(q, out, lang)
    return out


def csv_text(q: Questionnaire, lang: str = "ko") -> str:
    """The CSV template: a BOM, the header row and the id row (CRLF line ends)."""
    cols = columns(q, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([tables.neutralise(c.header) for c in cols])
    writer.writerow([c.id for c in cols])
    return "\ufeff" + buffer.getvalue()


def _text(cell: Any, text: str) -> None:
    """Put text in a cell as text: openpyxl would take a leading '=' for a formula."""
    cell.value = text
    cell.data_type = "s"


def _width(column: TemplateColumn) -> float:
    if column.kind in {"level", "multi", "text"} and column.item is not None:
        return 42
    if column.kind in {"choice", "yesno"}:
        return 28
    if column.id == "name":
        return 26
    return 16


def _write_xlsx(q: Questionnaire, out: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = columns(q, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = pick(SHEET_NAMES["survey"], lang)
    guide = book.create_sheet(pick(SHEET_NAMES["help"], lang))
    lists = book.create_sheet(pick(SHEET_NAMES["options"], lang))
    lists.sheet_state = "hidden"
    last = ANSWER_ROWS + 2
    head_fill = PatternFill("solid", fgColor="12355B")
    need_fill = PatternFill("solid", fgColor="8A1538")
    list_column = 0
    ko = lang == "ko"
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index)
        _text(head, column.header)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = need_fill if column.required else head_fill
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ids = sheet.cell(row=2, column=index)
        _text(ids, column.id)
        ids.font = Font(color="808080", size=8)
        sheet.column_dimensions[letter].width = _width(column)
        hint = _hint(column, lang)
        cells = f"{letter}3:{letter}{last}"
        item = column.item
        if column.kind in {"level", "choice", "yesno"} and item is not None:
            list_column += 1
            labels = option_labels(item, lang)
            list_letter = get_column_letter(list_column)
            _text(lists.cell(row=1, column=list_column), column.id)
            for row, label in enumerate(labels, start=2):
                _text(lists.cell(row=row, column=list_column), label)
            source = (f"{quote_sheetname(lists.title)}!${list_letter}$2:"
                      f"${list_letter}${len(labels) + 1}")
            rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                                  showErrorMessage=True, errorStyle="warning")
            rule.error = ("목록에 없는 답입니다. 목록에서 고르세요." if ko else
                          "Not one of the answers: pick one from the list.")
            rule.errorTitle = "diagnose"
        elif column.kind == "number" and item is not None and not (
                isinstance(item, Question) and item.allow_na):
            low = item.min if item.min is not None else -1e15
            high = item.max if item.max is not None else 1e15
            rule = DataValidation(type="decimal", operator="between", formula1=str(low),
                                  formula2=str(high), allow_blank=True, showErrorMessage=True,
                                  errorStyle="warning")
            rule.error = "숫자를 적으세요." if ko else "Enter a number."
            rule.errorTitle = "diagnose"
        else:
            rule = DataValidation(allow_blank=True)
        if hint:
            rule.showInputMessage = True
            rule.promptTitle = column.id[:32]
            rule.prompt = hint[:250]  # Excel shows at most 255 characters
        rule.add(cells)
        sheet.add_data_validation(rule)
        if column.kind == "multi":
            head.comment = Comment(hint, "diagnose", width=360, height=220)
        if column.kind in {"text", "choice", "multi"} or column.id == "id":
            sheet.column_dimensions[letter].number_format = "@"  # typed 0042 stays 0042
        elif column.kind == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.row_dimensions[1].height = 96
    sheet.row_dimensions[2].hidden = True  # the ids: for diagnose score, not for people
    sheet.freeze_panes = "C3"
    _write_guide(guide, q, cols, lang)
    tmp = out.with_name(f".{out.name}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(tmp)
    tmp.replace(out)


def _write_guide(sheet: Any, q: Questionnaire, cols: Sequence[TemplateColumn], lang: str) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ko = lang == "ko"
    lines = [
        pick(q.title, lang) + (" — 설문지 작성 안내" if ko else " — how to fill in this survey"),
        (f"'{pick(SHEET_NAMES['survey'], lang)}' 시트에 기업 하나당 한 행씩 적습니다. "
         "제목 행(1행)과 그 아래 숨긴 2행(문항 id)은 지우거나 고치지 마세요." if ko else
         f"Fill in one row per company on the '{pick(SHEET_NAMES['survey'], lang)}' sheet. "
         "Do not delete or change the header (row 1) or the hidden row 2 below it (item ids)."),
        ("빨간 제목은 필수입니다. 선택형 문항은 칸을 누르면 나오는 목록에서 고르고, 여러 개를 "
         "고르는 문항은 답을 ', '(쉼표와 공백)로 구분해 적습니다. 빈칸은 미응답으로 처리됩니다." if ko
         else "Red headers are required. For choice questions, pick from the list that opens "
              "in the cell; for questions that take several answers, separate them with ', ' "
              "(comma and space). A blank cell counts as unanswered."),
        ("다 쓴 파일은 그대로 'diagnose score 파일.xlsx -o 점수.xlsx'로 채점합니다." if ko else
         "Score the filled file as it is: 'diagnose score FILE.xlsx -o scores.xlsx'."),
    ]
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        _text(cell, text)
        cell.font = Font(bold=row == 1, size=13 if row == 1 else 11)
    head = (["열", "제목", "id", "유형", "답하는 법 / 선택지"] if ko else
            ["Column", "Header", "id", "Type", "How to answer / options"])
    top = len(lines) + 2
    for index, text in enumerate(head, start=1):
        cell = sheet.cell(row=top, column=index)
        _text(cell, text)
        cell.font = Font(bold=True)
    for offset, column in enumerate(cols, start=1):
        item = column.item
        detail = _hint(column, lang)
        if column.kind in {"level", "choice", "yesno"} and item is not None:
            detail = "\n".join(option_labels(item, lang))
        kind = pick(TYPE_NAMES.get(column.kind, TYPE_NAMES["text"]), lang)
        values = [get_column_letter(offset), column.header, column.id, kind, detail]
        for index, text in enumerate(values, start=1):
            cell = sheet.cell(row=top + offset, column=index)
            _text(cell, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (7, 50, 28, 18, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{top + 1}"

