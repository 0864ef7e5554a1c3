"""Declarative conditions on an assessment: recommendation rules, prerequisites, eligibility.

A condition is data (YAML), never code: one test on a field (``question``, ``dimension``,
``profile`` or ``overall``) or ``all``/``any``/``not`` of other conditions. The engine compiles
them to boolean masks over all assessments at once (``diagnose.engine.conditions``). This
module only validates their shape and checks the ids they name against a questionnaire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.i18n import Msg

SPECIAL_VALUES = frozenset({"na", "unknown"})


class Condition(BaseModel):
    """One test on an assessment, or ``all``/``any``/``not`` of other conditions.

    A test names one field: ``question`` (its level for ``min``/``max``, its answer for
    ``in``/``not_in``/``answered``), ``dimension`` (its score), ``profile`` (a company fact)
    or ``overall`` (the overall score), or ``level`` (the overall maturity level, after gates).
    A test on a missing value is neither true nor false: the engine reports it as unknown.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(None, alias="not")
    question: str | None = None
    dimension: str | None = None
    profile: str | None = None
    overall: bool | None = None
    level: bool | None = None
    completeness: bool | None = None
    in_: list[Any] | None = Field(None, alias="in")
    not_in: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        combinators = [x for x in (self.all, self.any, self.not_) if x is not None]
        fields = [x for x in (self.question, self.dimension, self.profile, self.overall,
                              self.level, self.completeness) if x is not None]
        tests = [x for x in (self.in_, self.not_in, self.min, self.max, self.answered)
                 if x is not None]
        if len(combinators) + len(fields) != 1:
            raise ValueError("a condition is one of all/any/not, or names one field "
                             "(question, dimension, profile, overall, level or completeness)")
        if fields and not tests:
            raise ValueError("a field test needs in, not_in, min, max or answered")
        if combinators and tests:
            raise ValueError("all/any/not take no tests of their own")
        return self

    def walk(self, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Condition]]:
        """This condition and every condition inside it, with its place in the file."""
        yield loc, self
        for key in ("all", "any"):
            for i, child in enumerate(getattr(self, key) or []):
                yield from child.walk((*loc, key, i))
        if self.not_ is not None:
            yield from self.not_.walk((*loc, "not"))

    @property
    def field_id(self) -> str | None:
        """The question or profile item a field test reads (None for scores and levels)."""
        return self.question or self.profile


Bad = Callable[[tuple[Any, ...], Msg], None]


def check(condition: Condition, loc: tuple[Any, ...], q: Questionnaire, bad: Bad) -> None:
    """Report every id the condition names that the questionnaire lacks, and impossible tests."""
    dims = {d.id for d in q.dimensions}
    profile = {p.id for p in q.profile}
    questions = {x.id for x in q.questions}
    for cloc, cond in condition.walk(loc):
        if False in (cond.overall, cond.level, cond.completeness):
            bad(cloc, Msg("overall·level·completeness는 true로만 씁니다",
                          "write overall/level/completeness: true"))
        if (cond.dimension is not None or cond.overall or cond.level or cond.completeness) and (
                cond.in_ is not None or cond.not_in is not None or cond.answered is not None):
            bad(cloc, Msg("영역 점수·종합 점수·수준에는 min/max만 쓸 수 있습니다",
                          "dimension scores, the overall score and the level take min/max only"))
        if cond.question is not None and cond.question not in questions:
            bad(cloc, Msg("없는 문항 '{x}'", "unknown question '{x}'").format(x=cond.question))
        if cond.dimension is not None and cond.dimension not in dims:
            bad(cloc, Msg("없는 영역 '{x}'", "unknown dimension '{x}'").format(x=cond.dimension))
        if cond.profile is not None and cond.profile not in profile:
            bad(cloc, Msg("없는 기업 정보 '{x}'", "unknown profile item '{x}'")
                .format(x=cond.profile))
        _check_values(cond, cloc, q, bad)


def _check_values(cond: Condition, loc: tuple[Any, ...], q: Questionnaire, bad: Bad) -> None:
    item = q.items.get(cond.field_id or "")
    if item is None or (cond.in_ is None and cond.not_in is None):
        return
    if item.type in {"level", "multi", "choice", "yesno"}:
        options = item.choices() if hasattr(item, "choices") else item.options
        allowed = {o.value for o in options} | SPECIAL_VALUES
        for value in [*(cond.in_ or []), *(cond.not_in or [])]:
            if value not in allowed:
                bad(loc, Msg("'{i}'에 없는 값 '{v}'", "'{v}' is not a value of '{i}'")
                    .format(i=item.id, v=value))
