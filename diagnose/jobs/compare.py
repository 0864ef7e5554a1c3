"""``diagnose compare``: the progress report of one company between two rounds.

Reads the two inputs (``diagnose.engine.batch``), compares them (``diagnose.engine.progress``:
which rounds are one company, what is comparable, what is done) and writes the PDF
(``diagnose.render.compare_doc``).
"""

from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import Msg
from diagnose.engine import batch as batch_module
from diagnose.engine import progress
from diagnose.engine.batch import Batch
from diagnose.engine.progress import (
    PROGRESSED,
    KpiChange,
    LeftOut,
    QuestionChange,
    RoundSummary,
    Support,
)
from diagnose.render import compare_doc, report


@dataclass
class ComparisonResult:
    """What ``build_comparison`` wrote and found."""

    out: Path
    company: str
    baseline: RoundSummary
    followup: RoundSummary
    changes: dict[str, float | None]  # dimension id -> follow-up minus baseline (unrounded)
    left_out: list[LeftOut]
    statuses: dict[str, str]  # solution id -> resolved | ready | open | unclear | new
    kpis: list[KpiChange] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)
    support: Support = field(default_factory=lambda: Support(False))
    notes: list[Msg] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def progressed(self) -> list[str]:
        return [sid for sid, status in self.statuses.items() if status in PROGRESSED]

    def summary(self, lang: str = "ko") -> dict[str, Any]:
        """Plain data for ``--json`` and the terminal."""
        def side(item: RoundSummary) -> dict[str, Any]:
            return {"round": item.round, "date": item.date,
                    "overall": None if item.overall is None else round(item.overall, 2),
                    "level": item.level, "level_name": item.level_name}

        return {
            "out": str(self.out), "company": self.company,
            "baseline": side(self.baseline), "followup": side(self.followup),
            "changes": {k: None if v is None else round(v, 2) for k, v in self.changes.items()},
            "left_out": [{"kind": x.kind, "id": x.id, "reason": x.reason.render(lang)}
                         for x in self.left_out],
            "notes": [n.render(lang) for n in self.notes],
            "recommendations": self.statuses,
            "kpis": [{"id": k.id, "baseline": k.before, "followup": k.after,
                      "change": None if k.change is None else round(k.change, 4),
                      "verdict": k.verdict} for k in self.kpis],
            "answers": {kind: [q.question for q in self.questions if q.kind == kind]
                        for kind in ("improved", "regressed", "not_compared")},
            "support": ({"since_last": list(self.support.items),
                         "tracks": [t for t in self.support.tracks if t is not None],
                         "profile_new": list(self.support.profile_new)}
                        if self.support.recorded else
                        {"since_last": None, "tracks": [],
                         "profile_new": list(self.support.profile_new)}),
        }


def build_comparison(baseline: Batch, followup: Batch, out: Path, lang: str = "ko",
                     templates: Path | None = None, catalogue_path: Path | None = None,
                     where: tuple[str | None, str | None] = (None, None)) -> ComparisonResult:
    """The progress report of one company between two rounds, written to ``out`` (PDF).

    Each batch must hold exactly one assessment, of the same company; otherwise a
    ``DiagnoseError`` (exit 2). ``where`` names the two inputs in error messages.
    """
    comparison = progress.compare(baseline, followup, lang, catalogue_path, where)
    compare_doc.write(comparison, out, report.template_dirs(templates), lang)
    return ComparisonResult(
        out=out, company=comparison.company, baseline=comparison.baseline,
        followup=comparison.followup, changes=comparison.changes,
        left_out=comparison.left_out, statuses=comparison.statuses, kpis=comparison.kpis,
        questions=comparison.questions, support=comparison.support, notes=comparison.notes,
        warnings=comparison.warnings)


def _same_file(first: Path, second: Path) -> bool:
    """One file under two names (a link, ``./``), or a byte-for-byte copy of it."""
    try:
        if os.path.samefile(first, second):
            return True
        return first.is_file() and filecmp.cmp(first, second, shallow=False)  # sizes first
    except OSError:
        return False  # a missing file is reported by the reading that follows


def compare_files(baseline_path: Path, followup_path: Path, out: Path, lang: str = "ko",
                  questionnaire_path: Path | None = None, rubric_path: Path | None = None,
                  templates: Path | None = None, catalogue_path: Path | None = None,
                  mapping_path: Path | None = None) -> ComparisonResult:
    """Score two inputs (a response file or a one-row survey export each, read as
    ``batch.score_inputs`` reads them) and write the progress report to ``out`` (PDF).

    The same file (or two copies of it) given twice is refused: there is nothing to compare.
    """
    if _same_file(baseline_path, followup_path):
        raise DiagnoseError(Msg(
            "기준 진단과 후속 진단이 같은 파일(또는 그 복사본)입니다: 서로 다른 두 차수의 파일을 지정하세요",
            "the baseline and the follow-up are the same file (or copies of it): give the files of "
            "two different rounds"), where=followup_path)
    batches = []
    for role, path in (("baseline", baseline_path), ("followup", followup_path)):
        try:
            batches.append(batch_module.score_inputs([path], questionnaire_path, rubric_path,
                                                     lang, mapping_path))
        except batch_module.NothingReadable as exc:
            raise progress.unreadable(role, str(path), exc.rejections) from None
    return build_comparison(batches[0], batches[1], out, lang, templates, catalogue_path,
                            where=(str(baseline_path), str(followup_path)))
