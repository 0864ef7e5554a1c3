"""The solution catalogue: what each AI solution fits, needs, costs and is worth (CONTRACT.md 8).

Content, not code (``scoring/solutions.yaml``). Each solution says

- where it applies (``applies``: industries, processes, use cases; a missing answer there makes
  the solution "to be checked", never silently dropped) and the signals that it would help
  (``signals``, each with the sentence that says why);
- which of the CEO's goals it answers (``goals``: values of the profile's ``goal_area``);
- its prerequisites, each with its own preparation step and duration: readiness decides *when*
  a solution starts, never *whether* a ready company may have it;
- the tracks that can fund it, its investment range, duration, owner role, KPI with a target,
  and a business case as a sum of products of company figures and named constants.

Named constants (``constants``) carry their unit and source, so the programme office can see
where every default figure comes from and change it. Money is in 백만 원 in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from diagnose.content import conditions, yamlio
from diagnose.content.conditions import Condition
from diagnose.content.programme import Programme, Selection, Track
from diagnose.content.questionnaire import Questionnaire, Text, version_text
from diagnose.core import resources
from diagnose.core.errors import Problem
from diagnose.core.i18n import Msg

DEFAULT_CATALOGUE = resources.SCORING / "solutions.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Constant(_Model):
    """A default figure of the business cases, with its unit and where it comes from."""

    value: float
    unit: Text
    label: Text
    source: str


class Signal(_Model):
    """A reason the solution would help this company, with the sentence that says so."""

    when: Condition
    because: Text
    weight: float = Field(1.0, gt=0)


class Prerequisite(_Model):
    """What must hold before the solution can work; when it does not, ``prepare`` comes first.

    ``months`` is the preparation's own duration: a 2-month labelling step moves the start by
    2 months. An unanswered prerequisite counts as missing ("to be checked").
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-_]*$")
    text: Text  # the prerequisite, as a state ("불량 유형별 라벨링된 이미지 300장 이상")
    met_when: Condition
    prepare: Text  # the step that meets it ("품질팀이 불량 이미지 300장을 유형별로 라벨링")
    months: int = Field(ge=0, le=24)
    owner: Text | None = None
    parallel: bool = False  # runs alongside the other steps instead of after them


class Factor(_Model):
    """One factor of a business-case term: a company figure, a named constant or a number.

    ``invert`` divides by the figure instead (output per operating hour = production value x
    1 / operating_hours); ``fallback`` names the constant used, and shown as such, when the
    company's figure is missing.
    """

    profile: str | None = None
    constant: str | None = None
    number: float | None = None
    scale: float = 1.0  # e.g. 0.01 for a percentage, 1e6 for 백만 원 -> 원
    invert: bool = False
    fallback: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Factor:
        given = [x for x in (self.profile, self.constant, self.number) if x is not None]
        if len(given) != 1:
            raise ValueError("a factor is one of profile: <id>, constant: <name>, number: <x>")
        if self.fallback is not None and self.profile is None:
            raise ValueError("fallback goes with profile: the constant used when it is blank")
        return self


class Term(_Model):
    """A part of the yearly value: the product of its factors, in KRW a year."""

    label: Text
    product: list[Factor] = Field(min_length=1)


class BusinessCase(_Model):
    method: Text  # the formula in words, shown with its inputs
    terms: list[Term] = Field(min_length=1)


class Kpi(_Model):
    """The KPI the solution moves: baseline from the profile where known, and a target."""

    name: Text
    profile: str | None = None  # the profile figure that is its baseline
    unit: Text = ""
    change: float | None = None  # relative target, e.g. -0.178 for 17.8% fewer
    delta: float | None = None  # absolute target change, e.g. +5 points of OEE
    target_text: Text | None = None  # a target in words where no figure applies
    source: str | None = None


class Solution(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    summary: Text
    kind: Literal["solution", "foundation"] = "solution"
    category: str  # quality, maintenance, process, energy, safety, planning, ...
    dimension: str  # the questionnaire dimension it builds on (for findings)
    goals: list[str] = Field(default_factory=list)  # goal_area values it answers
    applies: Condition | None = None  # where it can apply at all; unknown -> to be checked
    signals: list[Signal] = Field(default_factory=list)
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    tracks: list[str] = Field(min_length=1)  # tracks that can fund it, preferred first
    includes: list[Text] = Field(default_factory=list)  # what one project bundles
    investment_mkrw: tuple[float, float]
    months: int = Field(ge=1, le=36)
    owner: Text
    kpi: Kpi
    business_case: BusinessCase | None = None
    # Why its value is not counted in KRW (a legal duty, or leading indicators where an SME's
    # 0-2 accidents a year show nothing): ranked with ``ranking.unpriced``, not as "no figure".
    unpriced: Text | None = None
    risks: list[Text] = Field(default_factory=list)
    impact: int = Field(3, ge=1, le=5)
    effort: int = Field(3, ge=1, le=5)
    routing_levels: list[int] = Field(default_factory=list)  # always listed at these levels

    @field_validator("investment_mkrw")
    @classmethod
    def _range(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 <= value[0] <= value[1]:
            raise ValueError("investment_mkrw is [low, high] with 0 <= low <= high")
        return value

    @property
    def investment_mid(self) -> float:
        return (self.investment_mkrw[0] + self.investment_mkrw[1]) / 2


class Budget(_Model):
    """What the company says it can put in itself (자부담) a year, as the most per answer."""

    profile: str = "investment_capacity"
    ceilings_mkrw: dict[str, float] = Field(default_factory=dict)  # answer -> most, 백만 원
    factor: float = Field(0.85, gt=0, le=1)  # score x this when the own share is beyond it


class Ranking(_Model):
    """Weights of the priority score (all parts 0..1); see docs/recommendations.md."""

    goal: float = 0.40
    value: float = 0.25
    readiness: float = 0.20
    need: float = 0.15
    high: float = 0.60  # score from which a recommendation starting within 6 months is high
    high_ranks: int = Field(3, ge=1)  # only the first few can be high
    high_payback: float = Field(36, gt=0)  # months to pay back the whole investment, for high
    medium: float = 0.40
    # value part of a solution priced by duty, not money (``Solution.unpriced``): neutral, where a
    # business case whose figures are missing gets 0.3
    unpriced: float = Field(0.5, ge=0, le=1)
    show: int = Field(8, ge=1)  # recommendations per company
    budget: Budget = Field(default_factory=Budget)


class Risk(_Model):
    """A risk of AI projects at an SME, for the report's risk register: what can go wrong,
    the response and who owns it. ``questions`` say how exposed a company is (its weakest of
    these answers); ``scope`` says where the risk applies at all: everywhere (``all``), at a
    supplier to an OEM (``oem``: the OEM's approval of a 4M change) or at a PSM site
    (``psm``: management of change) when one of the company's projects falls in
    ``categories``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    risk: Text
    action: Text
    owner: Text
    questions: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    scope: Literal["all", "oem", "psm"] = "all"


class Catalogue(_Model):
    id: str
    version: str
    questionnaire: dict[str, str]
    ranking: Ranking = Field(default_factory=Ranking)
    # The constant (a share of the investment, a year) that every business case pays for upkeep
    # and operation: yearly values are net of it, so paybacks count what the plant keeps.
    upkeep: str | None = None
    constants: dict[str, Constant] = Field(default_factory=dict)
    solutions: list[Solution]
    risk_register: list[Risk] = Field(default_factory=list)  # the report's risk table

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    def solution(self, solution_id: str) -> Solution:
        return next(s for s in self.solutions if s.id == solution_id)


def _check(doc: yamlio.Document, cat: Catalogue, q: Questionnaire,
           programme: Programme) -> list[Problem]:
    problems: list[Problem] = []

    def bad(loc: tuple[Any, ...], msg: Msg) -> None:
        problems.append(doc.problem(loc, msg))

    dims = {d.id for d in q.dimensions}
    profile = {p.id for p in q.profile}
    goal_item = q.items.get("goal_area")
    goal_values = {o.value for o in goal_item.options} if goal_item is not None else set()
    unknown_constant = Msg("constants에 없는 상수 '{x}'", "unknown constant '{x}'")
    for i in yamlio.repeats([sol.id for sol in cat.solutions]):
        bad(("solutions", i, "id"), Msg("솔루션 id '{s}'가 중복됩니다",
                                        "duplicate solution id '{s}'").format(s=cat.solutions[i].id))
    for i, sol in enumerate(cat.solutions):
        loc = ("solutions", i)
        if sol.dimension not in dims:
            bad((*loc, "dimension"), Msg("없는 영역 '{d}'", "unknown dimension '{d}'")
                .format(d=sol.dimension))
        for j, track in enumerate(sol.tracks):
            if track not in programme.track_ids:
                bad((*loc, "tracks", j), Msg("사업 계획에 없는 트랙 '{t}'", "unknown track '{t}'")
                    .format(t=track))
        for j, goal in enumerate(sol.goals):
            if goal not in goal_values:
                bad((*loc, "goals", j), Msg("goal_area에 없는 목표 '{g}'",
                                            "'{g}' is not a value of goal_area").format(g=goal))
        if sol.applies is not None:
            conditions.check(sol.applies, (*loc, "applies"), q, bad)
        for j, signal in enumerate(sol.signals):
            conditions.check(signal.when, (*loc, "signals", j, "when"), q, bad)
        for j, pre in enumerate(sol.prerequisites):
            conditions.check(pre.met_when, (*loc, "prerequisites", j, "met_when"), q, bad)
        if sol.kpi.profile is not None and sol.kpi.profile not in profile:
            bad((*loc, "kpi", "profile"), Msg("없는 기업 정보 '{x}'", "unknown profile item '{x}'")
                .format(x=sol.kpi.profile))
        if sol.unpriced is not None and sol.business_case is not None:
            bad((*loc, "unpriced"), Msg("business_case가 있으면 unpriced를 쓸 수 없습니다: 하나만",
                                        "a solution has a business_case or is unpriced, not both"))
        for j, term in enumerate(sol.business_case.terms if sol.business_case else []):
            for k, factor in enumerate(term.product):
                floc = (*loc, "business_case", "terms", j, "product", k)
                if factor.profile is not None and factor.profile not in profile:
                    bad(floc, Msg("없는 기업 정보 '{x}'", "unknown profile item '{x}'")
                        .format(x=factor.profile))
                for name in (factor.constant, factor.fallback):
                    if name is not None and name not in cat.constants:
                        bad(floc, unknown_constant.format(x=name))
    if cat.upkeep is not None and cat.upkeep not in cat.constants:
        bad(("upkeep",), unknown_constant.format(x=cat.upkeep))
    categories = {sol.category for sol in cat.solutions}
    for i in yamlio.repeats([risk.id for risk in cat.risk_register]):
        bad(("risk_register", i, "id"), Msg("위험 id '{r}'가 중복됩니다", "duplicate risk id '{r}'")
            .format(r=cat.risk_register[i].id))
    for i, risk in enumerate(cat.risk_register):
        loc = ("risk_register", i)
        for j, qid in enumerate(risk.questions):
            if qid not in q.items or qid in profile:
                bad((*loc, "questions", j), Msg("없는 문항 '{x}'", "unknown question '{x}'")
                    .format(x=qid))
        for j, category in enumerate(risk.categories):
            if category not in categories:
                bad((*loc, "categories", j), Msg("솔루션에 없는 분류 '{x}'",
                                                 "no solution has category '{x}'")
                    .format(x=category))
        if risk.scope != "all" and not risk.categories:
            bad((*loc, "scope"), Msg("scope가 oem·psm이면 categories가 있어야 합니다",
                                     "scope oem or psm needs categories"))
    return problems


def load(questionnaire: Questionnaire, programme: Programme, path: Path | None = None
         ) -> Catalogue:
    """Load the catalogue and check every id it names against the questionnaire and programme."""
    catalogue, _ = yamlio.load_checked(
        path or DEFAULT_CATALOGUE, Catalogue, Msg("솔루션 카탈로그", "a catalogue"),
        lambda doc, cat: _check(doc, cat, questionnaire, programme))
    return catalogue


def matches(questionnaire: Questionnaire, path: Path | None = None) -> bool:
    """Whether the catalogue is written for this questionnaire (the bundled one may not be)."""
    head = yamlio.load(path or DEFAULT_CATALOGUE).data
    return isinstance(head, dict) and (head.get("questionnaire") or {}).get("id") \
        == questionnaire.id


@dataclass(frozen=True)
class Advisory:
    """A catalogue with the programme whose tracks fund its solutions."""

    catalogue: Catalogue
    programme: Programme

    @property
    def tracks(self) -> list[Track]:
        """The programme's tracks that fund some solution, in the programme's order."""
        named = {t for s in self.catalogue.solutions for t in s.tracks}
        return [t for t in self.programme.tracks if t.id in named]

    def track(self, track_id: str) -> Track:
        return self.programme.track(track_id)

    @property
    def solutions(self) -> list[Solution]:
        return self.catalogue.solutions


def load_for(questionnaire: Questionnaire, path: Path | None = None,
             programme_path: Path | None = None) -> Advisory | None:
    """The catalogue and programme for this questionnaire; None when the bundled catalogue is
    written for another questionnaire (a user's own questionnaire has nothing to recommend)."""
    from diagnose.content import programme as programme_file

    if path is None and not matches(questionnaire):
        return None
    plan = programme_file.load(programme_path)  # its eligibility rules are select's to check
    return Advisory(load(questionnaire, plan, path), plan)


def empty(questionnaire: Questionnaire) -> Advisory:
    """Nothing to recommend (a questionnaire without a catalogue of its own)."""
    catalogue = Catalogue(id="none", version="0", solutions=[],
                          questionnaire={"id": questionnaire.id,
                                         "version": questionnaire.version})
    plan = Programme.model_construct(id="none", version="0", name="", year=0,
                                     target_companies=None, eligibility=[],
                                     selection=Selection(), tracks=[])
    return Advisory(catalogue, plan)
