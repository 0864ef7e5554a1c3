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
from dataclasses import dataclass, replace
from pathlib import Path

from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire
from diagnose.core import files
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import BLANK_SHEET, label, msg
from diagnose.inputs import answers, survey
from diagnose.render import tables, xlsx

FORMATS = ("xlsx", "csv")
ANSWER_ROWS = 1000  # rows below the header that get drop-downs and formats
MULTI_SEPARATOR = ", "

# The survey sheet's name is the one the survey reader looks for (``survey.TEMPLATE_SHEETS``);
# every other word of the sheet is in ``core.labels.BLANK_SHEET``.
SURVEY_SHEET = survey.TEMPLATE_SHEETS


def _t(key: str, lang: str, **slots: str) -> str:
    """The blank sheet's label ``key`` in ``lang``, its slots filled."""
    text = msg(f"blank_sheet.{key}")
    return (text.format(**slots) if slots else text).render(lang)


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
    found.append(TemplateColumn("assessment.date", _t("date", lang), "date", None))
    found.append(TemplateColumn("assessment.round", _t("round", lang), "text", None))
    for question in q.questions:
        found.append(TemplateColumn(question.id, pick(question.text, lang), question.type,
                                    question))
    return found


def option_labels(item: ProfileItem | Question, lang: str) -> list[str]:
    """What a drop-down lists: option labels, then 'not applicable' and 'don't know'."""
    options = item.choices() if isinstance(item, Question) else item.options
    labels = [pick(o.label, lang) for o in options]
    if isinstance(item, Question) and item.allow_na:
        labels += [label(f"answers.{s}", lang) for s in (answers.NA, answers.UNKNOWN)]
    return labels


def _hint(column: TemplateColumn, lang: str) -> str:
    """The short how-to-answer text of a column (cell prompt, comment, instructions)."""
    item = column.item
    if column.kind == "multi" and item is not None:
        return "\n".join([_t("hint.multi", lang),
                          *(f"- {text}" for text in option_labels(item, lang))])
    if column.kind in {"level", "choice", "yesno"}:
        return _t("hint.pick", lang)
    if column.kind == "number" and item is not None:
        unit = f" ({pick(item.unit, lang)})" if item.unit else ""
        # the unit is the questionnaire's own text: put in as it is, never escaped
        text = msg("blank_sheet.hint.number").render(lang).replace("{unit}", unit)
        if isinstance(item, Question) and item.allow_na:
            text += _t("hint.special", lang)
        return text
    if column.kind == "date":
        return _t("hint.date", lang)
    if column.id == "assessment.round":
        return _t("hint.round", lang)
    if column.required:
        return _t("hint.required", lang)
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
        files.write_atomic(out, csv_text(q, lang))
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


def _width(column: TemplateColumn) -> float:
    if column.kind in {"level", "multi", "text"} and column.item is not None:
        return 42
    if column.kind in {"choice", "yesno"}:
        return 28
    if column.id == "name":
        return 26
    return 16


def _format(column: TemplateColumn) -> str | None:
    """The number format of a column's cells, so that what people type stays as typed."""
    if column.kind in {"text", "choice", "multi"} or column.id == "id":
        return "@"  # typed 0042 stays 0042
    return "yyyy-mm-dd" if column.kind == "date" else None


HEAD = xlsx.Style(bold=True, color="FFFFFF", fill="12355B", wrap=True, vertical="top")
REQUIRED_HEAD = replace(HEAD, fill="8A1538")
ID_ROW = xlsx.Style(color="808080", size=8)


def _validation(column: TemplateColumn, cells: str, source: str | None, lang: str
                ) -> xlsx.Validation | None:
    """The column's drop-down (``source``: the cells listing its answers), number range or
    input prompt; None when it has none of them."""
    item = column.item
    hint = _hint(column, lang)
    prompt = {"prompt_title": column.id, "prompt": hint} if hint else {}
    if source is not None:
        return xlsx.Validation(cells, "list", source, error_title="diagnose", error=_t("error.list", lang),
                               **prompt)
    if column.kind == "number" and item is not None and not (
            isinstance(item, Question) and item.allow_na):
        low = item.min if item.min is not None else -1e15
        high = item.max if item.max is not None else 1e15
        return xlsx.Validation(cells, "decimal", str(low), str(high), error_title="diagnose",
                               error=_t("error.number", lang), **prompt)
    return xlsx.Validation(cells, **prompt) if prompt else None


def _write_xlsx(q: Questionnaire, out: Path, lang: str) -> None:
    cols = columns(q, lang)
    options_name = _t("options", lang)
    last = ANSWER_ROWS + 2
    lists: list[tuple[str, list[str]]] = []  # the options sheet: a column per drop-down
    rules: list[xlsx.Validation] = []
    notes: dict[str, str] = {}
    for index, column in enumerate(cols):
        letter = xlsx.column_letter(index)
        source = None
        if column.kind in {"level", "choice", "yesno"} and column.item is not None:
            labels = option_labels(column.item, lang)
            list_letter = xlsx.column_letter(len(lists))
            lists.append((column.id, labels))
            source = (f"'{options_name}'!${list_letter}$2:${list_letter}${len(labels) + 1}")
        rule = _validation(column, f"{letter}3:{letter}{last}", source, lang)
        if rule is not None:
            rules.append(rule)
        if column.kind == "multi":  # the prompt is cut at 255 characters: the note is whole
            notes[f"{letter}1"] = _hint(column, lang)
    survey_sheet = xlsx.Sheet(
        SURVEY_SHEET.render(lang), [c.header for c in cols], [[c.id] for c in cols],
        formats=[_format(c) for c in cols], widths=[_width(c) for c in cols],
        header=[REQUIRED_HEAD if c.required else HEAD for c in cols], body=ID_ROW,
        freeze="C3", autofilter=False, validations=rules, comments=notes, heights={1: 96},
        hidden_rows={2},  # the ids: for diagnose score, not for people
        neutralise=False)
    options_sheet = xlsx.Sheet(options_name, [i for i, _ in lists], [v for _, v in lists],
                               header=xlsx.PLAIN, freeze=None, autofilter=False, hidden=True,
                               neutralise=False)
    xlsx.write([survey_sheet, _guide(q, cols, lang), options_sheet], out, lang)


def _guide(q: Questionnaire, cols: Sequence[TemplateColumn], lang: str) -> xlsx.Sheet:
    """The instructions sheet: how to fill in the survey, then one row per column."""
    lines = [
        # the title is the questionnaire's own text: put in as it is, never escaped
        msg("blank_sheet.guide.title").render(lang).replace("{title}", pick(q.title, lang)),
        _t("guide.rows", lang, sheet=SURVEY_SHEET.render(lang)),
        _t("guide.answers", lang),
        _t("guide.score", lang),
    ]
    above = [(text, xlsx.Style(bold=row == 0, size=13 if row == 0 else 11))
             for row, text in enumerate(lines)] + [("", xlsx.PLAIN)]
    head = [_t(f"guide.{key}", lang) for key in ("column", "header", "id", "type", "how")]
    rows = []
    for offset, column in enumerate(cols):
        item = column.item
        detail = _hint(column, lang)
        if column.kind in {"level", "choice", "yesno"} and item is not None:
            detail = "\n".join(option_labels(item, lang))
        kind = _t(f"type.{column.kind}" if f"type.{column.kind}" in BLANK_SHEET else "type.text",
                  lang)
        rows.append([xlsx.column_letter(offset), column.header, column.id, kind, detail])
    return xlsx.Sheet(_t("help", lang), head,
                      [[row[i] for row in rows] for i in range(len(head))],
                      widths=[7, 50, 28, 18, 70], above=above, header=xlsx.Style(bold=True),
                      body=xlsx.Style(wrap=True, vertical="top"),
                      freeze=f"A{len(above) + 2}", autofilter=False, neutralise=False)
