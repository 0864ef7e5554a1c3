"""The scoring rubric: dimension weights, completeness threshold, bands and gates
(CONTRACT.md section 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from diagnose.content import yamlio
from diagnose.content.questionnaire import Questionnaire, Text, version_text, weight_error
from diagnose.core.errors import Problem
from diagnose.core.i18n import Msg, pick


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionnaireRef(_Model):
    id: str
    version: str

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)


class Band(_Model):
    """An overall-score band, e.g. ``{min: 2.0, level: 2, name: {ko: 인식, en: Aware}}``."""

    min: float = Field(ge=1, le=5)
    level: int = Field(ge=1, le=10)
    name: Text
    description: Text | None = None


class Gate(_Model):
    """No leapfrogging: a weak dimension, or one answer, caps the overall level.

    ``{dimension: data, below: 2.0, cap_level: 2}`` or ``{question: ai.in_operation, below: 4,
    cap_level: 3}``; when it fires is ``diagnose.engine.gates``' rule (contract section 4).
    """

    dimension: str | None = None
    question: str | None = None
    # 1 is no score's "below" (levels start at 1): such a gate fires on missing evidence only
    below: float = Field(ge=1, le=5)
    cap_level: int = Field(ge=1)

    @model_validator(mode="after")
    def _one_target(self) -> Gate:
        if (self.dimension is None) == (self.question is None):
            raise ValueError("a gate names either a dimension or a question")
        return self


class Rubric(_Model):
    id: str
    version: str = "1.0"
    questionnaire: QuestionnaireRef
    dimension_weights: dict[str, float] = Field(default_factory=dict)
    min_completeness: float = Field(0.5, ge=0, le=1)
    bands: list[Band] = Field(min_length=1)
    gates: list[Gate] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    _warnings: list[Problem] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        """What the loader found worth saying that does not stop scoring."""
        return self._warnings

    def weight(self, dimension_id: str) -> float:
        return self.dimension_weights.get(dimension_id, 1.0)

    def band(self, level: int) -> Band | None:
        return next((b for b in self.bands if b.level == level), None)

    def level_name(self, level: int | None, lang: str) -> str:
        band = self.band(level) if level is not None else None
        return pick(band.name, lang) if band else ""


def _check(doc: yamlio.Document, rubric: Rubric, questionnaire: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    ref = rubric.questionnaire
    if ref.id != questionnaire.id:
        problems.append(doc.problem(("questionnaire", "id"), Msg(
            "이 채점 기준은 질문지 '{r}'용입니다 (사용 중: '{q}'): -q 또는 -r을 확인하세요",
            "this rubric is for questionnaire '{r}', not '{q}': check -q or -r",
        ).format(r=ref.id, q=questionnaire.id)))
    elif ref.version != questionnaire.version:
        problems.append(doc.problem(("questionnaire", "version"), Msg(
            "채점 기준은 버전 {r}용, 질문지는 버전 {q}입니다",
            "the rubric is for version {r}, the questionnaire is version {q}",
        ).format(r=ref.version, q=questionnaire.version), "warning"))
    dims = {d.id for d in questionnaire.dimensions}
    for dim, weight in rubric.dimension_weights.items():
        if dim not in dims:
            problems.append(doc.problem(("dimension_weights", dim), Msg(
                "질문지에 없는 차원 '{d}'", "unknown dimension '{d}'").format(d=dim)))
        if weight < 0:
            problems.append(doc.problem(("dimension_weights", dim), Msg(
                "가중치는 0 이상이어야 합니다", "weights must not be negative")))
        elif (message := weight_error(weight)) is not None:  # 1e308, .inf: one rule for weights
            problems.append(doc.problem(("dimension_weights", dim), message))
    for i in range(1, len(rubric.bands)):
        before, band = rubric.bands[i - 1], rubric.bands[i]
        if band.min <= before.min or band.level <= before.level:
            problems.append(doc.problem(("bands", i), Msg(
                "구간은 min과 level이 모두 오름차순이어야 합니다 (낮은 구간부터)",
                "bands must ascend in both min and level (lowest first)")))
    if rubric.bands and rubric.bands[0].min > 1.0:
        problems.append(doc.problem(("bands", 0, "min"), Msg(
            "가장 낮은 구간은 min: 1.0에서 시작해야 모든 점수에 수준이 정해집니다",
            "the lowest band must start at min: 1.0 so that every score gets a level")))
    levels = {b.level for b in rubric.bands}
    scored = {x.id for x in questionnaire.questions if x.scored}
    for i, gate in enumerate(rubric.gates):
        if gate.dimension is not None and gate.dimension not in dims:
            problems.append(doc.problem(("gates", i, "dimension"), Msg(
                "질문지에 없는 차원 '{d}'", "unknown dimension '{d}'").format(d=gate.dimension)))
        if gate.question is not None and gate.question not in scored:
            problems.append(doc.problem(("gates", i, "question"), Msg(
                "질문지에 없거나 점수가 없는 문항 '{d}'", "'{d}' is not a scored question")
                .format(d=gate.question)))
        if gate.cap_level not in levels:
            problems.append(doc.problem(("gates", i, "cap_level"), Msg(
                "cap_level {c}에 해당하는 구간이 없습니다", "no band has level {c}")
                .format(c=gate.cap_level)))
    return problems


def load(path: Path, questionnaire: Questionnaire) -> Rubric:
    """Load a rubric and check it against the questionnaire it scores."""
    rubric, problems = yamlio.load_checked(path, Rubric, Msg("채점 기준", "a rubric"),
                                           lambda doc, rules: _check(doc, rules, questionnaire))
    rubric._warnings = problems
    return rubric
