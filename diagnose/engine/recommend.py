"""Recommendations: from a company's gaps to concrete AI solutions and the steps before them.

The solution catalogue (``scoring/solutions.yaml``) is data: when a solution fits, what it
needs first, what it moves, which programme track pays for it, and how it is ranked. Its
conditions are declarative and compiled to boolean masks over all assessments at once
(never ``eval``), so a cohort of 10,000 companies is ranked in one pass.

Priority, in the spirit of SIRI's prioritisation matrix (weights live in the catalogue)::

    priority = w_gap x gap + w_impact x impact + w_kpi x kpi_importance + w_effort x ease

all four on 0..1: ``gap`` = (5 - score of the solution's dimension) / 4; ``impact`` and
``ease`` = (impact - 1) / 4 and (5 - effort) / 4; ``kpi_importance`` = the catalogue's base plus
the boosts whose conditions hold (e.g. a defect rate over 2 %), capped at 1.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from diagnose.content import yamlio
from diagnose.content.questionnaire import Questionnaire, Text, version_text
from diagnose.core import resources
from diagnose.core.errors import Problem, ValidationFailed
from diagnose.core.i18n import Msg, pick
from diagnose.engine.scoring import Scores
from diagnose.inputs.frame import profile_column

Horizon = Literal["0-6", "6-18", "18+"]
HORIZONS: tuple[Horizon, ...] = ("0-6", "6-18", "18+")
DEFAULT_CATALOGUE = resources.SCORING / "solutions.yaml"
SPECIAL_VALUES = frozenset({"na", "unknown"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Condition(_Model):
    """One test on an assessment, or ``all``/``any``/``not`` of other conditions.

    A test names one field: ``question`` (its level for ``min``/``max``, its answer for
    ``in``/``not_in``/``answered``), ``dimension`` (its score), ``profile`` (a company fact)
    or ``overall`` (the overall score). A test on a missing value is false.
    """

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(None, alias="not")
    question: str | None = None
    dimension: str | None = None
    profile: str | None = None
    overall: bool | None = None
    in_: list[Any] | None = Field(None, alias="in")
    not_in: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        combinators = [x for x in (self.all, self.any, self.not_) if x is not None]
        fields = [x for x in (self.question, self.dimension, self.profile, self.overall)
                  if x is not None]
        tests = [x for x in (self.in_, self.not_in, self.min, self.max, self.answered)
                 if x is not None]
        if len(combinators) + len(fields) != 1:
            raise ValueError("a condition is one of all/any/not, or names one field "
                             "(question, dimension, profile or overall)")
        if fields and not tests:
            raise ValueError("a field test needs in, not_in, min, max or answered")
        if combinators and tests:
            raise ValueError("all/any/not take no tests of their own")
        return self


class Prerequisite(_Model):
    """What must hold before a solution can work; if not, ``prepare`` comes first."""

    text: Text
    condition: Condition
    prepare: str | None = None


class Boost(_Model):
    when: Condition
    add: float


class Factor(_Model):
    """One factor of a business-case product: a company figure or a constant."""

    profile: str | None = None
    const: float | None = None
    scale: float = 1.0

    @model_validator(mode="after")
    def _one(self) -> Factor:
        if (self.profile is None) == (self.const is None):
            raise ValueError("a factor is either profile: <id> or const: <number>")
        return self


class BusinessCase(_Model):
    """An estimate of yearly value: the product of the factors, shown with ``text``."""

    text: Text
    unit: Text
    product: list[Factor] = Field(min_length=1)


class Solution(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    summary: Text
    kind: Literal["solution", "foundation"] = "solution"
    dimension: str
    kpi: Text
    impact: int = Field(ge=1, le=5)
    effort: int = Field(ge=1, le=5)
    horizon: Horizon
    track: str
    fits: Condition
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    kpi_importance: list[Boost] = Field(default_factory=list)
    business_case: BusinessCase | None = None


class Track(_Model):
    id: str
    name: Text
    description: Text | None = None


class PriorityWeights(_Model):
    gap: float = 0.35
    impact: float = 0.30
    kpi: float = 0.20
    effort: float = 0.15
    kpi_base: float = Field(0.4, ge=0, le=1)


class Catalogue(_Model):
    id: str
    version: str
    questionnaire: dict[str, str]
    priority: PriorityWeights = Field(default_factory=PriorityWeights)
    tracks: list[Track]
    solutions: list[Solution]

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    def solution(self, solution_id: str) -> Solution:
        return next(s for s in self.solutions if s.id == solution_id)

    def track(self, track_id: str) -> Track:
        return next(t for t in self.tracks if t.id == track_id)


# --- loading -------------------------------------------------------------------------------

def _walk(condition: Condition, loc: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Condition]]:
    found = [(loc, condition)]
    for key in ("all", "any"):
        for i, child in enumerate(getattr(condition, key) or []):
            found.extend(_walk(child, (*loc, key, i)))
    if condition.not_ is not None:
        found.extend(_walk(condition.not_, (*loc, "not")))
    return found


def _check(doc: yamlio.Document, cat: Catalogue, q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    tracks = {t.id for t in cat.tracks}
    ids = {s.id for s in cat.solutions}
    dims = {d.id for d in q.dimensions}
    profile = {p.id for p in q.profile}
    questions = {x.id for x in q.questions}

    def bad(loc: tuple[Any, ...], msg: Msg) -> None:
        problems.append(doc.problem(loc, msg))

    seen: set[str] = set()
    for i, sol in enumerate(cat.solutions):
        loc = ("solutions", i)
        if sol.id in seen:
            bad((*loc, "id"), Msg("솔루션 id '{s}'가 중복됩니다", "duplicate solution id '{s}'")
                .format(s=sol.id))
        seen.add(sol.id)
        if sol.business_case is not None:
            for lang_text in ([sol.business_case.text] if isinstance(sol.business_case.text, str)
                              else sol.business_case.text.values()):
                try:  # "{}" names no field; an unpaired brace does not parse at all
                    fields = {f for _, f, _, _ in string.Formatter().parse(lang_text)
                              if f is not None}
                except ValueError:
                    fields = {"{"}
                if not fields <= {"value", "unit"}:
                    bad((*loc, "business_case", "text"), Msg(
                        "business_case 문구에는 {{value}}와 {{unit}}만 쓸 수 있습니다: {f}",
                        "business_case text may only use {{value}} and {{unit}}: {f}")
                        .format(f=", ".join(sorted(fields - {"value", "unit"}))))
        if sol.track not in tracks:
            bad((*loc, "track"), Msg("없는 지원 트랙 '{t}'", "unknown track '{t}'").format(t=sol.track))
        if sol.dimension not in dims:
            bad((*loc, "dimension"), Msg("없는 영역 '{d}'", "unknown dimension '{d}'")
                .format(d=sol.dimension))
        conditions = _walk(sol.fits, (*loc, "fits"))
        for j, pre in enumerate(sol.prerequisites):
            conditions += _walk(pre.condition, (*loc, "prerequisites", j, "condition"))
            if pre.prepare is not None and pre.prepare not in ids:
                bad((*loc, "prerequisites", j, "prepare"), Msg(
                    "없는 준비 단계 '{p}'", "unknown preparation step '{p}'").format(p=pre.prepare))
        for j, boost in enumerate(sol.kpi_importance):
            conditions += _walk(boost.when, (*loc, "kpi_importance", j, "when"))
        for cloc, cond in conditions:
            _check_condition(cond, cloc, q, bad)
            if cond.question is not None and cond.question not in questions:
                bad(cloc, Msg("없는 문항 '{x}'", "unknown question '{x}'").format(x=cond.question))
            if cond.dimension is not None and cond.dimension not in dims:
                bad(cloc, Msg("없는 영역 '{x}'", "unknown dimension '{x}'").format(x=cond.dimension))
            if cond.profile is not None and cond.profile not in profile:
                bad(cloc, Msg("없는 기업 정보 '{x}'", "unknown profile item '{x}'")
                    .format(x=cond.profile))
        if sol.business_case:
            for j, factor in enumerate(sol.business_case.product):
                if factor.profile is not None and factor.profile not in profile:
                    bad((*loc, "business_case", "product", j), Msg(
                        "없는 기업 정보 '{x}'", "unknown profile item '{x}'").format(x=factor.profile))
    return problems


def _check_condition(cond: Condition, loc: tuple[Any, ...], q: Questionnaire,
                     bad: Any) -> None:
    """Tests that cannot apply to their field, and values a question cannot have."""
    if cond.overall is False:
        bad(loc, Msg("overall은 true로만 씁니다", "write overall: true (or leave it out)"))
    if (cond.dimension is not None or cond.overall) and (
            cond.in_ is not None or cond.not_in is not None or cond.answered is not None):
        bad(loc, Msg("영역·종합 점수에는 min/max만 쓸 수 있습니다",
                     "dimension and overall scores take min/max only"))
    item = q.items.get(cond.question or cond.profile or "")
    if item is None or (cond.in_ is None and cond.not_in is None):
        return
    if item.type in {"level", "multi", "choice", "yesno"}:
        options = item.choices() if hasattr(item, "choices") else item.options
        allowed = {o.value for o in options} | {"na", "unknown"}
        for value in [*(cond.in_ or []), *(cond.not_in or [])]:
            if value not in allowed:
                bad(loc, Msg("'{i}'에 없는 값 '{v}'", "'{v}' is not a value of '{i}'")
                    .format(i=item.id, v=value))


def load(questionnaire: Questionnaire, path: Path | None = None) -> Catalogue:
    """Load the solution catalogue and check every id it names against the questionnaire."""
    doc = yamlio.load(path or DEFAULT_CATALOGUE)
    catalogue = yamlio.validate(doc, Catalogue, Msg("솔루션 카탈로그", "a catalogue"))
    problems = _check(doc, catalogue, questionnaire)
    if problems:
        raise ValidationFailed(problems)
    return catalogue


def empty(questionnaire: Questionnaire) -> Catalogue:
    """A catalogue that recommends nothing (for questionnaires without one)."""
    return Catalogue(id="none", version="0", tracks=[], solutions=[],
                     questionnaire={"id": questionnaire.id, "version": questionnaire.version})


def load_for(questionnaire: Questionnaire, path: Path | None = None) -> Catalogue | None:
    """The catalogue for this questionnaire, or None when the catalogue is for another one."""
    target = path or DEFAULT_CATALOGUE
    if path is None:
        head = yamlio.load(target).data
        if not isinstance(head, dict) or (head.get("questionnaire") or {}).get("id") \
                != questionnaire.id:
            return None
    return load(questionnaire, target)


# --- evaluation ----------------------------------------------------------------------------

class _Fields:
    """The values conditions test, one array per field over all assessments."""

    def __init__(self, scores: Scores, frame: pd.DataFrame) -> None:
        self.scores = scores
        self.frame = frame

    def numeric(self, cond: Condition) -> np.ndarray:
        if cond.dimension is not None:
            return self.scores.table[f"{cond.dimension}.score"].to_numpy(dtype=float)
        if cond.overall:
            return self.scores.table["overall.score"].to_numpy(dtype=float)
        if cond.question is not None and cond.question in self.scores.levels:
            return self.scores.levels[cond.question].to_numpy(dtype=float)
        return pd.to_numeric(self.raw(cond), errors="coerce").to_numpy(dtype=float)

    def raw(self, cond: Condition) -> pd.Series:
        if cond.profile is not None:
            return self.frame[profile_column(cond.profile)]
        assert cond.question is not None
        column = self.frame[cond.question]
        states = self.scores.states.get(cond.question)
        if states is not None:  # a hidden question's stored answer does not count
            column = column.where(states.to_numpy() != 4)
        return column


def mask(cond: Condition, fields: _Fields) -> np.ndarray:
    """The condition as a boolean array over all assessments."""
    n = len(fields.frame)
    if cond.all is not None:
        result = np.ones(n, dtype=bool)
        for child in cond.all:
            result &= mask(child, fields)
        return result
    if cond.any is not None:
        result = np.zeros(n, dtype=bool)
        for child in cond.any:
            result |= mask(child, fields)
        return result
    if cond.not_ is not None:
        return ~mask(cond.not_, fields)
    result = np.ones(n, dtype=bool)
    if cond.min is not None or cond.max is not None:
        values = fields.numeric(cond)
        with np.errstate(invalid="ignore"):
            if cond.min is not None:
                result &= values >= cond.min
            if cond.max is not None:
                result &= values <= cond.max
    if cond.in_ is not None or cond.not_in is not None or cond.answered is not None:
        raw = fields.raw(cond)
        answered = _answered(raw)
        if cond.answered is not None:
            result &= answered if cond.answered else ~answered
        for values, positive in ((cond.in_, True), (cond.not_in, False)):
            if values is None:
                continue
            wanted = set(values)
            hit = answered & _hits(raw, wanted - SPECIAL_VALUES)
            special = _hits(raw, wanted & SPECIAL_VALUES)  # `in: [na]` asks for na itself
            result &= (hit | special) if positive else (answered & ~hit)
    return result


def _answered(raw: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = np.array([not (isinstance(v, str) and v in ("na", "unknown")) for v in uniques]
                     + [False], dtype=bool)
    return table[codes]


def _hits(raw: pd.Series, wanted: set[Any]) -> np.ndarray:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = np.array([bool(wanted & set(v)) if isinstance(v, tuple) else v in wanted
                      for v in uniques] + [False], dtype=bool)
    return table[codes]


@dataclass
class Recommendation:
    """One solution for one assessment, ranked, with what must come first."""

    solution: Solution
    priority: float
    horizon: Horizon
    missing: list[Prerequisite] = field(default_factory=list)
    business_case: float | None = None
    prepare_for: list[str] = field(default_factory=list)  # foundations: the solutions they enable

    @property
    def ready(self) -> bool:
        return not self.missing


def _later(horizon: Horizon) -> Horizon:
    return HORIZONS[min(HORIZONS.index(horizon) + 1, len(HORIZONS) - 1)]


def recommend(scores: Scores, frame: pd.DataFrame, catalogue: Catalogue
              ) -> list[list[Recommendation]]:
    """Ranked recommendations for every assessment (same order as ``scores.table``).

    A fitting solution whose prerequisites are missing moves one horizon later, and the
    foundation named by each missing prerequisite is added (in the first horizon) even when it
    would not fit on its own.
    """
    fields = _Fields(scores, frame)
    weights = catalogue.priority
    n = len(frame)
    fits = {s.id: mask(s.fits, fields) for s in catalogue.solutions}
    met = {(s.id, i): mask(p.condition, fields)
           for s in catalogue.solutions for i, p in enumerate(s.prerequisites)}
    priority: dict[str, np.ndarray] = {}
    for sol in catalogue.solutions:
        dim = scores.table[f"{sol.dimension}.score"].to_numpy(dtype=float)
        gap = np.nan_to_num((5 - dim) / 4, nan=0.5)
        kpi = np.full(n, weights.kpi_base)
        for boost in sol.kpi_importance:
            kpi = kpi + np.where(mask(boost.when, fields), boost.add, 0.0)
        kpi = np.clip(kpi, 0, 1)
        priority[sol.id] = (weights.gap * gap + weights.impact * (sol.impact - 1) / 4
                            + weights.kpi * kpi + weights.effort * (5 - sol.effort) / 4)
    cases = {s.id: _business_case(s, frame) for s in catalogue.solutions}

    result: list[list[Recommendation]] = []
    for row in range(n):
        chosen: dict[str, Recommendation] = {}
        for sol in catalogue.solutions:
            if not fits[sol.id][row]:
                continue
            missing = [p for i, p in enumerate(sol.prerequisites) if not met[(sol.id, i)][row]]
            horizon = _later(sol.horizon) if missing else sol.horizon
            chosen[sol.id] = Recommendation(sol, float(priority[sol.id][row]), horizon, missing,
                                            cases[sol.id][row])
        for rec in list(chosen.values()):
            for pre in rec.missing:
                if pre.prepare is None:
                    continue
                base = catalogue.solution(pre.prepare)
                step = chosen.get(base.id) or Recommendation(
                    base, float(priority[base.id][row]), "0-6", [], cases[base.id][row])
                step.horizon = "0-6"
                step.priority = max(step.priority, rec.priority)  # it unlocks the other one
                if rec.solution.id not in step.prepare_for:
                    step.prepare_for.append(rec.solution.id)
                chosen[base.id] = step
        result.append(sorted(chosen.values(), key=lambda r: (-r.priority, r.solution.id)))
    return result


def _business_case(sol: Solution, frame: pd.DataFrame) -> list[float | None]:
    if sol.business_case is None:
        return [None] * len(frame)
    value = np.ones(len(frame))
    for factor in sol.business_case.product:
        if factor.const is not None:
            value = value * factor.const
        else:
            figures = pd.to_numeric(frame[profile_column(factor.profile or "")], errors="coerce")
            value = value * figures.to_numpy(dtype=float) * factor.scale
    return [None if np.isnan(v) else float(v) for v in value]


def describe(rec: Recommendation, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """A recommendation as plain data for reports and tables."""
    sol = rec.solution
    case = None
    if rec.business_case is not None and sol.business_case is not None:
        case = pick(sol.business_case.text, lang).format(
            value=f"{rec.business_case:,.0f}", unit=pick(sol.business_case.unit, lang))
    return {
        "id": sol.id, "name": pick(sol.name, lang), "summary": pick(sol.summary, lang),
        "kind": sol.kind, "dimension": sol.dimension, "kpi": pick(sol.kpi, lang),
        "impact": sol.impact, "effort": sol.effort, "horizon": rec.horizon,
        "priority": round(rec.priority, 3), "ready": rec.ready,
        "missing": [pick(p.text, lang) for p in rec.missing],
        "prepare_for": [pick(catalogue.solution(s).name, lang) for s in rec.prepare_for],
        "track": pick(catalogue.track(sol.track).name, lang), "track_id": sol.track,
        "business_case": case,
    }
