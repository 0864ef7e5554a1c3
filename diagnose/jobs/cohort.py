"""``diagnose cohort``: the programme view, every company side by side, as a workbook and a PDF.

From one scored batch, ``build_cohort`` writes ``cohort.xlsx`` (all companies, a ranked sheet
per dimension, breakdowns by industry and size class, support tracks, progress between
rounds, consultants and data quality) and ``cohort.pdf`` (level distribution, dimension
spreads by industry, a company x dimension heatmap, the best-fitting companies per support
track, progress and data-quality warnings).

The view holds one row per company: its latest assessment. The figures come from
``diagnose.engine.cohort`` (rounds linked and compared by ``diagnose.engine.progress``), the
documents from ``diagnose.render.cohort_doc``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg
from diagnose.engine import cohort as figures
from diagnose.engine import progress
from diagnose.engine.batch import Batch
from diagnose.render import cohort_doc, report
from diagnose.render.pdf import PdfUnavailable

XLSX_NAME, PDF_NAME = "cohort.xlsx", "cohort.pdf"


@dataclass
class CohortResult:
    """What ``build_cohort`` wrote and found."""

    xlsx: Path
    pdf: Path
    companies: int  # one per company: its latest assessment
    assessments: int  # every scored assessment, all rounds
    linked: int  # companies with two or more rounds
    levels: dict[str, int]  # level ("1".."5", "none") -> companies
    flagged_consultants: list[str]
    issues: int  # rows of the data-quality sheet
    heatmap: str  # "companies", or "groups" beyond cohort_doc.HEATMAP_MAX_COMPANIES
    progress: dict[str, float | None] = field(default_factory=dict)  # mean change per dimension

    def summary(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"xlsx": str(self.xlsx), "pdf": str(self.pdf), "companies": self.companies,
                "assessments": self.assessments, "linked": self.linked, "levels": self.levels,
                "flagged_consultants": self.flagged_consultants, "issues": self.issues,
                "heatmap": self.heatmap,
                "progress": {k: None if v is None else round(v, 2)
                             for k, v in self.progress.items()}}

    def message(self) -> Msg:
        """One line for the terminal."""
        return Msg("코호트: 기업 {c}곳 (진단 {a}건, 차수 연결 {l}곳) → {x}, {p}",
                   "cohort: {c} companies ({a} assessments, {l} linked across rounds) -> {x}, "
                   "{p}").format(c=self.companies, a=self.assessments, l=self.linked,
                                 x=self.xlsx, p=self.pdf)


def build_cohort(batch: Batch, out_dir: Path, lang: str = "ko",
                 catalogue_path: Path | None = None, templates: Path | None = None
                 ) -> CohortResult:
    """Write ``out_dir/cohort.xlsx`` and ``out_dir/cohort.pdf`` for a scored batch.

    Raises ``DiagnoseError`` when the batch holds no scored assessment, the catalogue or a
    template folder is invalid; ``PdfUnavailable`` (naming the workbook, already written) when
    WeasyPrint's system libraries are missing.
    """
    if batch.scores.table.empty:
        raise DiagnoseError(Msg("코호트를 만들 채점된 진단이 없습니다",
                                "no scored assessments to build a cohort from"))
    dirs = report.template_dirs(templates)
    catalogue = progress.load_catalogue(batch.questionnaire, catalogue_path)
    cohort = figures.figures(batch, catalogue, lang)
    xlsx, pdf = out_dir / XLSX_NAME, out_dir / PDF_NAME
    try:
        heatmap = cohort_doc.write(cohort, xlsx, pdf, dirs)  # the workbook first, then the PDF
    except PdfUnavailable as exc:  # no PDF stack on this laptop: the workbook is still there
        raise PdfUnavailable(exc.missing, written=(str(xlsx),)) from None
    change = figures.mean_changes(cohort).set_index("dimension")["change"]
    return CohortResult(
        xlsx=xlsx, pdf=pdf, companies=len(cohort.companies),
        assessments=len(batch.scores.table), linked=len(cohort.progress),
        levels={"none" if level is None else str(level): count
                for level, count in figures.level_counts(cohort)},
        flagged_consultants=figures.flagged_consultants(cohort),
        issues=len(cohort.issues), heatmap=heatmap,
        progress={k: None if pd.isna(v) else float(v) for k, v in change.items()})
