"""Recommendations (CONTRACT.md section 8): from a company's answers to ranked AI solutions.

For every assessment and solution of the catalogue, vectorised over all assessments:

1. **Fit.** The solution is recommended where its ``applies`` condition holds and it answers
   the CEO's goal or a stated pain point, or one of its signals holds. Where ``applies`` is
   unknown (an answer it needs is missing) it is shown as "to be checked", never dropped.
   Readiness never excludes: a ready company gets the solutions it is ready for.
2. **Prerequisites.** Each unmet (or unknown) prerequisite is a "prepare first" step with its
   own duration; the steps run one after another (those marked ``parallel`` alongside them),
   so the solution starts in month ``1 + max(sum of the sequential steps, longest parallel
   step)`` after the diagnosis and ends ``months`` later.
3. **Funding.** The first of the solution's tracks whose levels include the company's maturity
   level is primary (routing by stage); the others are listed as alternatives. Subsidy = the
   track's share of the investment, up to its cap; the company's own share is the rest.
4. **Value.** The business case is a sum of terms, each the product of company figures and
   named constants (KRW a year); a term whose figure is missing is left out and listed as
   input needed. The catalogue's ``upkeep`` (a share of the investment midpoint a year) is
   deducted as a term of its own. Payback = own share (midpoint) / net yearly value, in months;
   a net value of zero or less never pays back.
5. **Priority.** ``score = w_goal x goal + w_value x value + w_readiness x readiness +
   w_need x need`` (weights in the catalogue's ``ranking``; each part 0..1):
   goal = 1 when the solution answers the CEO's main goal, 0.6 when it answers a stated pain
   point; value = 1 / 0.75 / 0.5 / 0.25 for a payback within 12 / 24 / 36 / beyond 36 months,
   0.3 when the company's figures are missing, ``ranking.unpriced`` (0.5) for a solution the
   catalogue does not price in KRW on purpose (``unpriced``: a legal duty such as safety);
   readiness = 1 - months of preparation / 12 (at least 0); need = the weighted share of the
   solution's signals that hold. "To be checked" multiplies by 0.85, and
   so does an own share (low end) beyond the investment capacity the company stated
   (``ranking.budget``).
   Ties are broken by earlier start, then higher yearly value, then the solution id, so the
   same inputs always give the same order. The best solution answering the CEO's goal is
   always among the first three; when it must wait, its reason says for what. Each stated
   pain point's best answer is among the first five. A solution
   routed to the company's stage (``routing_levels``, e.g. experience hall and academy at
   level 1) is always listed, at the end when it ranks lower.
   High: among the first ``ranking.high_ranks`` (3), score >= ``ranking.high``, applicability
   known, a start within 6 months and, where the value is known, the whole investment paid
   back within ``ranking.high_payback`` (36) months; medium: score >= ``ranking.medium``, or it
   answers the goal; low otherwise.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from diagnose.content.catalogue import Catalogue, Prerequisite, Solution
from diagnose.content.programme import Programme, Track
from diagnose.content.questionnaire import Questionnaire, Text
from diagnose.core.i18n import Msg, pick
from diagnose.core.money import MILLION
from diagnose.engine.conditions import Fields, Truth, evaluate, unknown_fields
from diagnose.engine.scoring import Scores
from diagnose.inputs.frame import profile_column

Status = Literal["fits", "check"]
Priority = Literal["high", "medium", "low"]
GOAL, PAIN = 1.0, 0.6
NO_FIGURE = 0.3  # value part with no KRW figure: none in the catalogue, or the company's missing
PAIN_PLACES = 5  # each stated pain point's best answer is among the first five
CHECK_FACTOR = 0.85
MKRW = MILLION  # the content files state money in 백만 원; objects carry KRW


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while many small objects are made.

    After 3,000 response files are read the heap holds millions of objects, and each full
    collection walks them all: while recommendations were built, collections took half the
    time. What is made here holds no reference cycles, so nothing waits to be collected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def text_msg(text: Text) -> Msg:
    """Catalogue text as a message (Korean first; a plain string serves both languages)."""
    return Msg(pick(text, "ko"), pick(text, "en"))


@dataclass(frozen=True)
class Funding:
    """One track that can fund the solution, with what it pays and what is left to pay."""

    track: Track
    fits_stage: bool  # the track suits the company's maturity level
    subsidy_krw: tuple[float, float]
    own_share_krw: tuple[float, float]


@dataclass(frozen=True)
class Input:
    """One figure a business case uses, shown beside the result."""

    label: Msg
    value: float | None  # None: the company's figure is missing
    unit: Msg
    source: str  # "profile:<id>", "constant:<name>" or "number"


@dataclass(frozen=True)
class ValueTerm:
    label: Msg
    krw: float | None
    inputs: list[Input]


@dataclass
class Recommendation:
    """One solution for one assessment: why, what first, when, who pays, what it is worth."""

    solution: Solution
    status: Status
    why: list[Msg]
    to_check: list[Msg]  # the answers that would settle "to be checked"
    goal: float  # 1 main goal, 0.6 a pain point, 0 neither
    prerequisites: list[tuple[Prerequisite, bool | None]]  # met, not met, unknown
    start_month: int
    end_month: int
    funding: list[Funding]
    value_krw: float | None
    value_terms: list[ValueTerm]
    payback_months: float | None  # on the company's own share
    payback_total_months: float | None  # on the whole investment, subsidy or not
    kpi_baseline: float | None
    kpi_target: float | None
    score: float
    over_budget: bool = False  # its own share is beyond what the company said it can invest
    priority: Priority = "low"
    priority_reason: Msg = field(default_factory=lambda: Msg("", ""))
    rank: int = 0

    @property
    def missing(self) -> list[Prerequisite]:
        """Prerequisites not met, or not known to be met: the "prepare first" steps."""
        return [pre for pre, met in self.prerequisites if not met]

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def primary(self) -> Funding:
        return self.funding[0]

    @property
    def investment_krw(self) -> tuple[float, float]:
        low, high = self.solution.investment_mkrw
        return low * MKRW, high * MKRW


# --- the vectorised part ------------------------------------------------------------------------

@dataclass
class _Evaluated:
    """Per solution, arrays over all assessments."""

    applies: Truth
    signals: list[np.ndarray]
    need: np.ndarray
    prerequisites: list[Truth]
    prep_months: np.ndarray
    goal: np.ndarray
    value_terms: list[np.ndarray]
    value: np.ndarray  # NaN where no term could be computed
    payback: np.ndarray
    score: np.ndarray  # -inf where not recommended
    over_budget: np.ndarray  # the own share's low end is beyond the stated capacity


def _profile_numbers(frame: pd.DataFrame, item: str) -> np.ndarray:
    return pd.to_numeric(frame[profile_column(item)], errors="coerce").to_numpy(dtype=float)


class _Rows:
    """The answers frame's profile columns as arrays, each made once on first use: building a
    recommendation reads a few cells of one row, and a pandas row lookup per cell cost more
    than all the vectorised scoring (3,000 assessments: 24,000 recommendations)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._numbers: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}

    def number(self, item: str, row: int) -> float:
        """A profile answer as a number (NaN when missing or not a number)."""
        if item not in self._numbers:
            self._numbers[item] = _profile_numbers(self.frame, item)
        return self._numbers[item][row]

    def value(self, item: str, row: int) -> Any:
        """A profile answer as it is in the frame."""
        if item not in self._values:
            self._values[item] = self.frame[profile_column(item)].to_numpy(dtype=object)
        return self._values[item][row]


class _Words:
    """What recommendations repeat from the catalogue, the questionnaire and the programme
    (texts as messages, labels, units, funding per stage), each made once per run: made per
    recommendation it cost more than everything else in ``recommend``. The objects are
    immutable, so recommendations may share them."""

    def __init__(self, q: Questionnaire, programme: Programme) -> None:
        self.q, self.programme = q, programme
        self._texts: dict[int, tuple[Text, Msg]] = {}
        self._labels: dict[str, Msg] = {}
        self._units: dict[str, Msg] = {}
        self._options: dict[tuple[str, Any], Msg] = {}
        self._funding: dict[tuple[str, int], list[Funding]] = {}

    def text(self, text: Text) -> Msg:
        found = self._texts.get(id(text))
        if found is None or found[0] is not text:  # kept with its text: an id is not reused
            found = self._texts[id(text)] = (text, text_msg(text))
        return found[1]

    def label(self, item_id: str) -> Msg:
        if item_id not in self._labels:
            self._labels[item_id] = _label(self.q, item_id)
        return self._labels[item_id]

    def unit(self, item_id: str) -> Msg:
        if item_id not in self._units:
            self._units[item_id] = _unit(self.q, item_id)
        return self._units[item_id]

    def option(self, item_id: str, value: Any) -> Msg:
        try:
            key = (item_id, value)
            if key not in self._options:
                self._options[key] = _option_label(self.q, item_id, value)
            return self._options[key]
        except TypeError:  # an unhashable answer
            return _option_label(self.q, item_id, value)

    def funding(self, sol: Solution, level: float) -> list[Funding]:
        key = (sol.id, 1 if np.isnan(level) else int(level))
        if key not in self._funding:
            self._funding[key] = _funding(sol, self.programme, level)
        return list(self._funding[key])


def _goal(frame: pd.DataFrame, sol: Solution, q: Questionnaire) -> np.ndarray:
    n = len(frame)
    score = np.zeros(n)
    if not sol.goals:
        return score
    wanted = set(sol.goals)
    if "pain_areas" in q.items:
        pains = frame[profile_column("pain_areas")]
        hit = np.array([isinstance(v, (tuple, list)) and bool(wanted.intersection(v))
                        for v in pains])
        score = np.where(hit, PAIN, score)
    if "goal_area" in q.items:
        goals = frame[profile_column("goal_area")]
        hit = np.array([v in wanted for v in goals])
        score = np.where(hit, GOAL, score)
    return score


def _value(sol: Solution, frame: pd.DataFrame, cat: Catalogue) -> tuple[list[np.ndarray], np.ndarray]:
    n = len(frame)
    if sol.business_case is None:
        return [], np.full(n, np.nan)
    terms = []
    for term in sol.business_case.terms:
        value = np.ones(n)
        for factor in term.product:
            if factor.profile is not None:
                figure = _profile_numbers(frame, factor.profile)
                if factor.fallback is not None:
                    figure = np.where(np.isnan(figure), cat.constants[factor.fallback].value,
                                      figure)
            elif factor.constant is not None:
                figure = np.full(n, cat.constants[factor.constant].value)
            else:
                figure = np.full(n, float(factor.number or 0.0))
            figure = figure * factor.scale
            if factor.invert:
                with np.errstate(divide="ignore", invalid="ignore"):
                    figure = np.where(figure > 0, 1 / figure, np.nan)
            value = value * figure
        terms.append(value)
    stacked = np.vstack(terms)
    total = np.where(np.isnan(stacked).all(axis=0), np.nan, np.nansum(stacked, axis=0))
    if cat.upkeep is not None:  # net of upkeep; a case with no figure at all stays open
        upkeep = np.full(n, -sol.investment_mid * MKRW * cat.constants[cat.upkeep].value)
        terms.append(upkeep)
        total = total + upkeep
    return terms, total


def _ceilings(frame: pd.DataFrame, cat: Catalogue, q: Questionnaire) -> np.ndarray:
    """Per assessment, the most it says it can put in itself (백만 원; inf when unknown)."""
    budget = cat.ranking.budget
    if budget.profile not in q.items:
        return np.full(len(frame), np.inf)
    answers = frame[profile_column(budget.profile)]
    return np.array([budget.ceilings_mkrw.get(v, np.inf) if isinstance(v, str) else np.inf
                     for v in answers], dtype=float)


def _primary_track(sol: Solution, programme: Programme, levels: np.ndarray) -> list[Track]:
    """Per assessment, the primary funding track (first that suits the level, else first)."""
    tracks = [programme.track(t) for t in sol.tracks]
    by_stage: dict[int, Track] = {}
    result = []
    for level in levels.tolist():
        stage = 1 if np.isnan(level) else int(level)
        if stage not in by_stage:
            by_stage[stage] = next((t for t in tracks if stage in t.levels), tracks[0])
        result.append(by_stage[stage])
    return result


def _evaluate(sol: Solution, fields: Fields, frame: pd.DataFrame, cat: Catalogue,
              programme: Programme, q: Questionnaire, levels: np.ndarray) -> _Evaluated:
    n = fields.n
    weights = cat.ranking
    applies = (evaluate(sol.applies, fields) if sol.applies is not None
               else Truth(np.ones(n, bool), np.zeros(n, bool)))
    signals = [evaluate(s.when, fields).true for s in sol.signals]
    total_weight = sum(s.weight for s in sol.signals)
    need = (sum(s.weight * hit for s, hit in zip(sol.signals, signals, strict=True))
            / total_weight if total_weight else np.full(n, 0.5))
    prerequisites = [evaluate(p.met_when, fields) for p in sol.prerequisites]
    sequential, alongside = np.zeros(n), np.zeros(n)
    for pre, met in zip(sol.prerequisites, prerequisites, strict=True):
        months = np.where(met.true, 0, pre.months)
        if pre.parallel:
            alongside = np.maximum(alongside, months)
        else:
            sequential = sequential + months
    prep_months = np.maximum(sequential, alongside)
    goal = _goal(frame, sol, q)
    terms, value = _value(sol, frame, cat)
    primaries = _primary_track(sol, programme, levels)
    low, high = sol.investment_mkrw
    own = np.array([((low - t.subsidy(low)) + (high - t.subsidy(high))) / 2 for t in primaries])
    own_low = np.array([low - t.subsidy(low) for t in primaries])
    over_budget = own_low > _ceilings(frame, cat, q)
    with np.errstate(invalid="ignore", divide="ignore"):
        # a value that does not cover the upkeep never pays back (inf), unlike a missing one
        payback = np.where(value > 0, own * MKRW / value * 12,
                           np.where(np.isnan(value), np.nan, np.inf))
    value_part = np.select([payback <= 12, payback <= 24, payback <= 36, payback > 36],
                           [1.0, 0.75, 0.5, 0.25],
                           weights.unpriced if sol.unpriced is not None else NO_FIGURE)
    readiness = np.clip(1 - prep_months / 12, 0, 1)
    score = (weights.goal * goal + weights.value * value_part + weights.readiness * readiness
             + weights.need * need)
    wanted = (goal > 0) | np.logical_or.reduce([*signals, np.zeros(n, bool)])
    recommended = wanted & ~applies.false
    score = np.where(applies.unknown, score * CHECK_FACTOR, score)
    score = np.where(over_budget, score * weights.budget.factor, score)
    score = np.where(recommended, np.round(score, 6), -np.inf)
    return _Evaluated(applies, signals, need, prerequisites, prep_months, goal, terms, value,
                      payback, score, over_budget)


# --- one assessment at a time -------------------------------------------------------------------

def _label(q: Questionnaire, item_id: str) -> Msg:
    item = q.items.get(item_id)
    return text_msg(item.text) if item is not None else Msg(item_id, item_id)


def _option_label(q: Questionnaire, item_id: str, value: Any) -> Msg:
    item = q.items.get(item_id)
    for option in (item.options if item is not None else []):
        if option.value == value:
            return text_msg(option.label)
    return Msg(str(value), str(value))


def _with(template: Msg, part: Msg) -> Msg:
    """A template filled with a bilingual part, each language with its own words."""
    return Msg(template.ko.format(x=part.ko), template.en.format(x=part.en))


def _unit(q: Questionnaire, item_id: str) -> Msg:
    item = q.items.get(item_id)
    unit = getattr(item, "unit", None)
    return text_msg(unit) if unit else Msg("", "")


UPKEEP = Msg("유지보수·운영비(차감)", "Upkeep and operation (deducted)")


def _inputs(sol: Solution, rows: _Rows, row: int, cat: Catalogue, words: _Words
            ) -> list[list[Input]]:
    """The inputs of each term of the business case, the upkeep deducted last."""
    result = []
    for term in sol.business_case.terms if sol.business_case else []:
        inputs = []
        for factor in term.product:
            if factor.profile is not None:
                figure = rows.number(factor.profile, row)
                if np.isnan(figure) and factor.fallback is not None:
                    const = cat.constants[factor.fallback]
                    inputs.append(Input(words.text(const.label), const.value,
                                        words.text(const.unit), f"constant:{factor.fallback}"))
                    continue
                inputs.append(Input(words.label(factor.profile),
                                    None if np.isnan(figure) else float(figure),
                                    words.unit(factor.profile), f"profile:{factor.profile}"))
            elif factor.constant is not None:
                const = cat.constants[factor.constant]
                inputs.append(Input(words.text(const.label), const.value, words.text(const.unit),
                                    f"constant:{factor.constant}"))
            else:
                inputs.append(Input(Msg("계수", "factor"), factor.number, Msg("", ""), "number"))
        result.append(inputs)
    if sol.business_case is not None and cat.upkeep is not None:
        const = cat.constants[cat.upkeep]
        result.append([Input(Msg("총사업비(중간값)", "Investment (midpoint)"),
                             sol.investment_mid * MKRW, Msg("원", "KRW"), "investment"),
                       Input(words.text(const.label), const.value, words.text(const.unit),
                             f"constant:{cat.upkeep}")])
    return result


def _funding(sol: Solution, programme: Programme, level: float) -> list[Funding]:
    stage = 1 if np.isnan(level) else int(level)
    low, high = sol.investment_mkrw
    options = []
    for track_id in sol.tracks:
        track = programme.track(track_id)
        subsidy = (track.subsidy(low) * MKRW, track.subsidy(high) * MKRW)
        options.append(Funding(track, stage in track.levels, subsidy,
                               (low * MKRW - subsidy[0], high * MKRW - subsidy[1])))
    primary = next((f for f in options if f.fits_stage), options[0])
    return [primary, *(f for f in options if f is not primary)]


def _kpi(sol: Solution, rows: _Rows, row: int) -> tuple[float | None, float | None]:
    if sol.kpi.profile is None:
        return None, None
    baseline = rows.number(sol.kpi.profile, row)
    if np.isnan(baseline):
        return None, None
    if sol.kpi.change is not None:
        return float(baseline), float(baseline * (1 + sol.kpi.change))
    if sol.kpi.delta is not None:
        return float(baseline), float(baseline + sol.kpi.delta)
    return float(baseline), None


def _build(sol: Solution, ev: _Evaluated, row: int, fields: Fields, rows: _Rows,
           cat: Catalogue, words: _Words, level: float) -> Recommendation:
    why: list[Msg] = []
    if ev.goal[row] == GOAL:
        goal = words.option("goal_area", rows.value("goal_area", row))
        why.append(_with(Msg("대표가 꼽은 목표 '{x}'에 직접 답합니다",
                             "answers the CEO's main goal, '{x}'"), goal))
    elif ev.goal[row] == PAIN:
        pains = rows.value("pain_areas", row)
        pain = next((v for v in pains if v in sol.goals), None) \
            if isinstance(pains, (tuple, list)) else None
        why.append(_with(Msg("현장에서 꼽은 고충 '{x}'에 답합니다",
                             "answers a pain point the plant named, '{x}'"),
                         words.option("pain_areas", pain)) if pain is not None else
                   Msg("현장에서 꼽은 고충 가운데 하나에 답합니다",
                       "answers one of the pain points the plant named"))
    why += [words.text(s.because) for s, hit in zip(sol.signals, ev.signals, strict=True)
            if hit[row]]
    status: Status = "check" if ev.applies.unknown[row] else "fits"
    to_check = ([words.label(f) for f in unknown_fields(sol.applies, fields, row)]
                if status == "check" and sol.applies is not None else [])
    prerequisites = [(pre, True if met.true[row] else False if met.false[row] else None)
                     for pre, met in zip(sol.prerequisites, ev.prerequisites, strict=True)]
    start = 1 + int(ev.prep_months[row])
    labels = [words.text(term.label) for term in
              (sol.business_case.terms if sol.business_case else [])]
    if sol.business_case is not None and cat.upkeep is not None:
        labels.append(UPKEEP)
    terms = [ValueTerm(label, None if np.isnan(values[row]) else float(values[row]), inputs)
             for label, values, inputs in zip(labels, ev.value_terms,
                                              _inputs(sol, rows, row, cat, words), strict=True)]
    baseline, target = _kpi(sol, rows, row)
    value = ev.value[row]
    payback = ev.payback[row]
    total = sol.investment_mid * MKRW / value * 12 if value > 0 else None
    payback = payback if np.isfinite(payback) else np.nan
    return Recommendation(
        solution=sol, status=status, why=why, to_check=to_check, goal=float(ev.goal[row]),
        prerequisites=prerequisites, start_month=start, end_month=start + sol.months - 1,
        funding=words.funding(sol, level), value_krw=None if np.isnan(value) else
        float(value), value_terms=terms, payback_months=None if np.isnan(payback) else
        float(payback), payback_total_months=total, kpi_baseline=baseline, kpi_target=target,
        score=float(ev.score[row]), over_budget=bool(ev.over_budget[row]))


# --- ranking and priority -----------------------------------------------------------------------

def _order(scores: np.ndarray, starts: np.ndarray, values: np.ndarray, ids: list[str]
           ) -> list[int]:
    """Solutions of one assessment, best first: score, then earlier start, higher value, id."""
    shown = [j for j in range(len(ids)) if np.isfinite(scores[j])]
    return sorted(shown, key=lambda j: (-scores[j], starts[j],
                                        -(0.0 if np.isnan(values[j]) else values[j]), ids[j]))


def _routed(order: list[int], keep: int, routed: list[int]) -> list[int]:
    """Solutions routed to the company's stage (e.g. the academy at level 1) stay listed."""
    missing = [j for j in routed if j not in order[:keep]]
    if not missing:
        return order[:keep]
    kept = [j for j in order[:keep] if j not in missing][:max(keep - len(missing), 0)]
    return [*kept, *missing][:max(keep, len(missing))]


def _pains_covered(order: list[int], pains: list[str], solutions: list[Solution],
                   within: int = PAIN_PLACES) -> list[int]:
    """Each stated pain point has its best answer among the first ``within`` (after the goal's:
    a CEO who named safety as a pain sees a safety solution on the first page)."""
    for pain in pains:
        best = next((j for j in order if pain in solutions[j].goals), None)
        if best is None or order.index(best) < within:
            continue
        rest = [j for j in order if j != best]
        order = [*rest[:within - 1], best, *rest[within - 1:]]
    return order


def _goal_first(order: list[int], goals: np.ndarray, status_fits: np.ndarray) -> list[int]:
    """The best solution answering the CEO's main goal is among the first three."""
    best = next((j for j in order if goals[j] == GOAL and status_fits[j]), None)
    if best is None:
        best = next((j for j in order if goals[j] == GOAL), None)
    if best is None or order.index(best) < 3:
        return order
    rest = [j for j in order if j != best]
    return [*rest[:2], best, *rest[2:]]


def _priority(rec: Recommendation, cat: Catalogue) -> tuple[Priority, Msg]:
    ranking = cat.ranking
    parts: list[Msg] = []
    if rec.goal == GOAL:
        parts.append(Msg("대표 목표에 직접 답함", "answers the CEO's main goal"))
    elif rec.goal == PAIN:
        parts.append(Msg("현장 고충에 답함", "answers a stated pain point"))
    if rec.payback_months is not None:
        parts.append(Msg("자부담 회수 약 {m}개월", "own share paid back in about {m} months")
                     .format(m=max(1, round(round(rec.payback_months, 1)))))
    elif rec.value_krw is not None:
        parts.append(Msg("연간 효과가 유지보수·운영비에 못 미침",
                         "the yearly value does not cover upkeep"))
    elif rec.solution.business_case is not None:
        parts.append(Msg("효과 금액은 기업 수치 입력 후 산정", "value needs the company's figures"))
    elif rec.solution.unpriced is not None:
        parts.append(Msg("효과는 금액이 아닌 의무·선행지표로 봄", "weighed as a duty, not by payback"))
    if rec.start_month <= 1:
        parts.append(Msg("바로 착수 가능", "can start now"))
    else:
        months = rec.start_month - 1
        steps = len(rec.missing)
        parts.append(Msg("준비 과제 {s}건(약 {m}개월) 뒤 착수", "starts after {s} preparation "
                         "step(s), about {m} months").format(s=steps, m=months))
    if rec.status == "check":
        parts.append(Msg("적용 여부 확인 필요", "applicability to be checked"))
    if rec.over_budget:
        parts.append(Msg("자부담이 밝힌 투자 여력을 넘음: 단계 도입·다른 트랙 검토",
                         "own share beyond the stated budget: phase it or look at other tracks"))
    # a priced case must pay back the whole investment in time: 'high' is what to do first
    pays = rec.value_krw is None or (rec.payback_total_months is not None
                                     and rec.payback_total_months <= ranking.high_payback)
    if (rec.rank <= ranking.high_ranks and rec.score >= ranking.high and rec.start_month <= 6
            and rec.status == "fits" and pays):
        level: Priority = "high"
    elif rec.score >= ranking.medium or rec.goal == GOAL:
        level = "medium"
    else:
        level = "low"
    return level, Msg(" · ".join(p.ko for p in parts), " · ".join(p.en for p in parts))


def recommend(scores: Scores, frame: pd.DataFrame, catalogue: Catalogue, programme: Programme,
              limit: int | None = None) -> list[list[Recommendation]]:
    """Ranked recommendations for every assessment (same order as ``scores.table``).

    ``frame`` is the answers frame that was scored, row for row; ``limit`` (default: the
    catalogue's ``ranking.show``) caps how many are kept per assessment.
    """
    q = scores.questionnaire
    fields = Fields(scores, frame)
    levels = pd.to_numeric(scores.table["overall.level"], errors="coerce").to_numpy(dtype=float)
    solutions = catalogue.solutions
    evaluated = [_evaluate(s, fields, frame, catalogue, programme, q, levels) for s in solutions]
    ids = [s.id for s in solutions]
    keep = limit or catalogue.ranking.show
    pains = ([list(v) if isinstance(v, (tuple, list)) else [] for v in
              frame[profile_column("pain_areas")]] if "pain_areas" in q.items
             else [[] for _ in range(len(frame))])
    result: list[list[Recommendation]] = []
    rows, words = _Rows(frame), _Words(q, programme)
    # solution x assessment, one column per assessment (no solution: no rows)
    def stacked(part: Any) -> np.ndarray:
        return (np.vstack([part(ev) for ev in evaluated]) if evaluated
                else np.empty((0, len(frame))))

    all_scores = stacked(lambda ev: ev.score)
    all_starts = stacked(lambda ev: ev.prep_months)
    all_values = stacked(lambda ev: ev.value)
    all_goals = stacked(lambda ev: ev.goal)
    all_fits = ~stacked(lambda ev: ev.applies.unknown).astype(bool)
    with gc_paused():
        for row in range(len(frame)):
            scores_row = all_scores[:, row]
            starts = all_starts[:, row]
            values = all_values[:, row]
            goals = all_goals[:, row]
            fits = all_fits[:, row]
            order = _pains_covered(_order(scores_row, starts, values, ids), pains[row], solutions)
            order = _goal_first(order, goals, fits)
            stage = None if np.isnan(levels[row]) else int(levels[row])
            routed = [j for j in order if stage in solutions[j].routing_levels]
            order = _routed(order, keep, routed)
            recs = []
            for rank, j in enumerate(order, start=1):
                rec = _build(solutions[j], evaluated[j], row, fields, rows, catalogue, words,
                             levels[row])
                rec.rank = rank
                rec.priority, rec.priority_reason = _priority(rec, catalogue)
                recs.append(rec)
            result.append(recs)
    return result


# --- as plain data (recommend --json, reports, cohort, selection) --------------------------------

def _krw(value: float | None) -> int | None:
    return None if value is None else round(value)


def describe(rec: Recommendation, q: Questionnaire, lang: str) -> dict[str, Any]:
    """A recommendation as plain data with exactly the contract's fields (section 8)."""
    sol = rec.solution

    def say(text: Msg | Text | None) -> str:
        if text is None:
            return ""
        return text.render(lang) if isinstance(text, Msg) else pick(text, lang)

    primary = rec.primary
    return {
        "rank": rec.rank,
        "solution": {"id": sol.id, "name": say(sol.name), "kind": sol.kind,
                     "category": sol.category, "summary": say(sol.summary)},
        "status": "fits" if rec.status == "fits" else "to_check",
        "why": [say(m) for m in rec.why],
        "to_check": [say(m) for m in rec.to_check],
        "prerequisites": [
            {"id": pre.id, "text": say(pre.text), "met": met, "prepare": say(pre.prepare),
             "months": pre.months, "owner": say(pre.owner)}
            for pre, met in rec.prerequisites],
        "prepare_first": [
            {"id": pre.id, "step": say(pre.prepare), "months": pre.months}
            for pre in rec.missing],
        "start_month": rec.start_month,
        "end_month": rec.end_month,
        "tracks": [
            {"id": f.track.id, "name": say(f.track.name), "primary": f is primary,
             "external": f.track.external, "fits_stage": f.fits_stage,
             "subsidy_share": f.track.subsidy_share,
             "subsidy_cap_krw": None if f.track.subsidy_cap_mkrw is None
             else _krw(f.track.subsidy_cap_mkrw * MKRW)}
            for f in rec.funding],
        "investment_krw": {"min": _krw(rec.investment_krw[0]), "max": _krw(rec.investment_krw[1])},
        "subsidy_krw": {"min": _krw(primary.subsidy_krw[0]), "max": _krw(primary.subsidy_krw[1])},
        "own_share_krw": {"min": _krw(primary.own_share_krw[0]),
                          "max": _krw(primary.own_share_krw[1])},
        "kpi": {"name": say(sol.kpi.name), "unit": say(sol.kpi.unit),
                "baseline": rec.kpi_baseline, "target": rec.kpi_target,
                "target_text": say(sol.kpi.target_text), "source": sol.kpi.source or ""},
        "value": {
            "yearly_krw": _krw(rec.value_krw),
            "method": say(sol.business_case.method) if sol.business_case else "",
            "unpriced": say(sol.unpriced) if sol.unpriced else "",
            "terms": [{"label": say(t.label), "yearly_krw": _krw(t.krw),
                       "inputs": [{"label": say(i.label), "value": i.value, "unit": say(i.unit),
                                   "source": i.source} for i in t.inputs]}
                      for t in rec.value_terms]},
        "payback_months": None if rec.payback_months is None else round(rec.payback_months, 1),
        "payback_total_months": None if rec.payback_total_months is None
        else round(rec.payback_total_months, 1),
        "priority": {"level": rec.priority, "score": round(rec.score, 3),
                     "reason": say(rec.priority_reason)},
        "over_budget": rec.over_budget,
        "owner": say(sol.owner),
        "months": sol.months,
        "includes": [say(x) for x in sol.includes],
        "risks": [say(x) for x in sol.risks],
    }
