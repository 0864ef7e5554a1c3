"""``diagnose recommend``: the ranked recommendations of each assessment, without a PDF.

The same objects feed the report, the cohort and the selection (CONTRACT.md section 8); this
job only scores the inputs, ranks, and hands plain data to the screen or to JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagnose.content import catalogue as catalogue_file
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg
from diagnose.engine import batch, recommend
from diagnose.engine.batch import Batch
from diagnose.engine.recommend import Recommendation


@dataclass
class Advice:
    """A scored batch and each assessment's ranked recommendations (same order)."""

    batch: Batch
    recommendations: list[list[Recommendation]]


def advise(result: Batch, catalogue_path: Path | None = None,
           programme_path: Path | None = None, limit: int | None = None) -> Advice:
    """Rank the catalogue's solutions for every assessment of a scored batch."""
    loaded = catalogue_file.load_for(result.questionnaire, catalogue_path, programme_path)
    if loaded is None:
        raise DiagnoseError(Msg(
            "이 질문지에는 솔루션 카탈로그가 없습니다: --catalogue로 지정하세요",
            "this questionnaire has no solution catalogue: give one with --catalogue"))
    recs = recommend.recommend(result.scores, result.answers(), loaded.catalogue,
                               loaded.programme, limit)
    return Advice(result, recs)


def run(inputs: Sequence[Path], questionnaire_path: Path | None = None,
        rubric_path: Path | None = None, catalogue_path: Path | None = None,
        programme_path: Path | None = None, lang: str = "ko", limit: int | None = None,
        mapping_path: Path | None = None, progress: batch.Progress | None = None) -> Advice:
    """Score the inputs and rank the recommendations of every assessment (``progress`` is
    told how many input files have been read)."""
    result = batch.score_inputs(inputs, questionnaire_path, rubric_path, lang,
                                mapping_path=mapping_path, progress=progress)
    return advise(result, catalogue_path, programme_path, limit)


def as_data(advice: Advice, lang: str) -> list[dict[str, Any]]:
    """One object per assessment: who, level, and the recommendations (``--json``)."""
    table = advice.batch.scores.table
    q = advice.batch.questionnaire
    out = []
    for position, recs in enumerate(advice.recommendations):
        row = table.iloc[position]
        level = row["overall.level"]
        out.append({
            "company": {"id": plain(row.get("company.id")), "name": plain(row["company.name"])},
            "assessment": {"date": plain(row["assessment.date"]),
                           "round": plain(row["assessment.round"])},
            "level": None if level is None or level != level else int(level),
            "level_name": row["overall.level_name"] or "",
            "recommendations": [recommend.describe(rec, q, lang) for rec in recs],
        })
    return out


def plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value) if not isinstance(value, (int, float, str)) else value
