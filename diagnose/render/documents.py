"""What the progress report and the cohort summary share: numbers as both documents write them,
the direction of a change, the context every template gets, and writing the PDF.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.core import fonts, labels
from diagnose.render import report

CHANGE_EPSILON = 0.005  # a change that rounds to 0.00 is no change


def number(value: Any, signed: bool = False) -> str:
    """A score as the documents show it: two decimals (with its sign for a change), '–' for
    none."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):+.2f}" if signed else f"{float(value):.2f}"


def direction(change: Any) -> str:
    """``up``, ``down`` or ``same`` for a change of score; ``none`` when there is none."""
    if change is None or pd.isna(change):
        return "none"
    return "up" if change > CHANGE_EPSILON else "down" if change < -CHANGE_EPSILON else "same"


def base_context(section: str, lang: str) -> dict[str, Any]:
    """The part of a document's context every template uses: language, its labels (the
    ``section`` of ``core.labels``), the programme's name and the bundled fonts."""
    return {
        "lang": lang,
        "labels": labels.texts(section, lang),
        "programme": labels.label("programme", lang),
        "font": {weight: fonts.font_file(weight).as_uri()
                 for weight in ("regular", "bold", "extrabold")},
    }


def write_pdf(context: dict[str, Any], template: str, out: Path,
              templates: list[Path]) -> None:
    """Render ``template`` with ``context`` and write the PDF to ``out`` (``templates``: the
    folders to look in, ``report.template_dirs``)."""
    report.write_pdf(report.render_html(context, templates, template), out, templates)
