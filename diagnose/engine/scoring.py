"""The scoring engine (CONTRACT.md section 4): one vectorised pass over all assessments.

An interview is a batch of one: the same code scores one response file and a hundred thousand
survey rows. The input is an *answers frame*, one row per assessment, with a column per
question id (canonical values, see ``diagnose.inputs.answers``) and ``company.<id>``/``assessment.*``
columns for the rest. Per-question work is done once per column, never once per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from diagnose.content.questionnaire import YESNO_LEVELS, Question, Questionnaire, ShowIf
from diagnose.content.rubric import Rubric
from diagnose.core.i18n import pick
from diagnose.engine import gates
from diagnose.inputs.answers import NA, SPECIAL, UNKNOWN
from diagnose.inputs.frame import META_COLUMNS, profile_column

# Per-question state codes (int8 so a 100,000 x 60 survey stays small).
ANSWERED, UNKNOWN_STATE, MISSING, NOT_APPLICABLE, HIDDEN = 0, 1, 2, 3, 4
STATE_NAMES = {ANSWERED: "answered", UNKNOWN_STATE: "unknown", MISSING: "missing",
               NOT_APPLICABLE: "na", HIDDEN: "hidden"}

@dataclass
class Scores:
    """What the engine computed for every assessment of a frame."""

    questionnaire: Questionnaire
    rubric: Rubric
    table: pd.DataFrame  # the contract's score table (section 7), unrounded
    levels: pd.DataFrame  # assessment x scored question: level in [1, 5] or NaN
    states: pd.DataFrame  # assessment x scored question: state code (see STATE_NAMES)
    band_levels: pd.Series  # the level before the gates capped it
    answers: pd.DataFrame | None = None  # the answers frame that was scored, row for row
    fired_gates: list[list[gates.Fired]] = field(default_factory=list)  # per row, see gates

    def row(self, position: int) -> pd.Series:
        return self.table.iloc[position]


class _Coded:
    """Each column of a frame as integer codes and its distinct values, computed once.

    ``pd.factorize`` hashes a column in C; a categorical column (survey exports) already is
    codes. Only the few distinct answers ever reach Python: visibility, states and levels
    are computed per distinct value and spread to the rows by code.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.cache: dict[str, tuple[np.ndarray, list[Any]]] = {}

    def __getitem__(self, column: str) -> tuple[np.ndarray, list[Any]]:
        found = self.cache.get(column)
        if found is None:
            series = self.frame[column]
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes = series.cat.codes.to_numpy()
                uniques = np.asarray(series.cat.categories, dtype=object).tolist()
            else:
                codes, values = pd.factorize(series, use_na_sentinel=True)
                uniques = np.asarray(values, dtype=object).tolist()
            found = self.cache[column] = (codes, uniques)
        return found

    def by_value(self, column: str, fn: Callable[[Any], Any], missing: Any,
                 dtype: type = float) -> np.ndarray:
        """``fn`` of every cell, computed once per distinct value (``missing`` for blanks)."""
        codes, uniques = self[column]
        table = np.array([fn(value) for value in uniques] + [missing], dtype=dtype)
        return table[codes]  # code -1 (blank) picks the trailing ``missing``


def _matches(cond: ShowIf) -> Callable[[Any], bool]:
    wanted = set(cond.values())
    positive = cond.in_ is not None

    def test(value: Any) -> bool:
        if isinstance(value, str) and value in SPECIAL:
            return False  # an unknown or not-applicable dependency hides, as a blank one does
        hit = bool(wanted.intersection(value)) if isinstance(value, tuple) else value in wanted
        return hit if positive else not hit

    return test


def _visibility(coded: _Coded, questionnaire: Questionnaire) -> dict[str, np.ndarray]:
    """Which assessments see each question, following ``show_if`` chains in file order."""
    visible: dict[str, np.ndarray] = {}
    profile_ids = {p.id for p in questionnaire.profile}
    for question in questionnaire.questions:
        cond = question.show_if
        if cond is None:
            continue
        target = cond.question
        column = profile_column(target) if target in profile_ids else target
        shown = coded.by_value(column, _matches(cond), False, bool)
        if target in visible:  # a hidden question's answer counts as not applicable
            shown &= visible[target]
        visible[question.id] = shown
    return visible


def _level_function(question: Question) -> Callable[[Any], float]:
    """The level of one canonical answer to a scored question."""
    if question.type == "level":
        return float
    if question.type == "yesno":
        return lambda value: float(YESNO_LEVELS[value])
    if question.type == "number":
        bands = question.bands

        def band_level(value: Any) -> float:
            for band in bands:  # the first band whose max >= the number
                if band.max is None or value <= band.max:
                    return float(band.level)
            return np.nan  # answers beyond the last band are refused when read

        return band_level
    weights = {o.value: o.weight for o in question.options}
    total = sum(weights.values())
    return lambda ticked: 1 + 4 * sum(weights.get(v, 0.0) for v in ticked) / total


def question_states(frame: pd.DataFrame, questionnaire: Questionnaire
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per scored question: the state code and the level of every assessment."""
    coded = _Coded(frame)
    visible = _visibility(coded, questionnaire)
    scored = questionnaire.scored_questions
    # Filled column by column into one block each: no copy when the frames are made.
    states = np.empty((len(frame), len(scored)), dtype=np.int8, order="F")
    levels = np.empty((len(frame), len(scored)), dtype=float, order="F")
    special_state = {NA: NOT_APPLICABLE, UNKNOWN: UNKNOWN_STATE}
    for j, question in enumerate(scored):
        level_of = _level_function(question)

        def state_of(value: Any) -> int:
            return special_state.get(value, ANSWERED) if isinstance(value, str) else ANSWERED

        def level(value: Any, level_of: Callable[[Any], float] = level_of) -> float:
            return np.nan if isinstance(value, str) and value in SPECIAL else level_of(value)

        codes, uniques = coded[question.id]
        state = np.array([state_of(v) for v in uniques] + [MISSING], dtype=np.int8)[codes]
        if question.id in visible:
            state[~visible[question.id]] = HIDDEN
        by_code = np.array([level(v) for v in uniques] + [np.nan], dtype=float)
        value = np.where(state == ANSWERED, by_code[codes], np.nan)
        state[(state == ANSWERED) & np.isnan(value)] = MISSING  # never a silent level 0
        states[:, j] = state
        levels[:, j] = value
    ids = [q.id for q in scored]
    return (pd.DataFrame(states, index=frame.index, columns=ids, copy=False),
            pd.DataFrame(levels, index=frame.index, columns=ids, copy=False))


def _dimension_columns(questionnaire: Questionnaire) -> list[tuple[list[int], np.ndarray]]:
    """For each dimension: the positions of its scored questions and their weights."""
    position = {q.id: i for i, q in enumerate(questionnaire.scored_questions)}
    return [([position[q.id] for q in dim.questions if q.scored],
             np.array([q.weight for q in dim.questions if q.scored], dtype=float))
            for dim in questionnaire.dimensions]


def _weighted_sum(columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row sums of ``columns x weights``, added column by column in a fixed order.

    A matrix product would add in an order that depends on how many rows there are, so one
    company scored alone and in a batch could differ in the last bit, and land in another band.
    """
    total = np.zeros(columns.shape[0])
    for j, weight in enumerate(weights):
        total += columns[:, j] * weight
    return total


# Scores are compared with band minimums and gate thresholds after rounding away float noise:
# 2.9999999999999996 is the 3.0 everyone reads, and must reach the band that starts at 3.0.
COMPARE_DECIMALS = 9


def score(frame: pd.DataFrame, questionnaire: Questionnaire, rubric: Rubric,
          lang: str = "ko") -> Scores:
    """Score every assessment in an answers frame."""
    states, levels = question_states(frame, questionnaire)
    state, level = states.to_numpy(), levels.to_numpy()  # columns contiguous: read one by one

    n, dims = len(frame), questionnaire.dimensions
    dim_scores = np.full((n, len(dims)), np.nan)
    completeness = np.ones((n, len(dims)))
    applicable = np.zeros((n, len(dims)), dtype=bool)
    for j, (cols, weights) in enumerate(_dimension_columns(questionnaire)):
        if not cols:
            continue
        answered_weight, applicable_weight, weighted_levels = np.zeros(n), np.zeros(n), np.zeros(n)
        for col, weight in zip(cols, weights, strict=True):  # the order _weighted_sum adds in
            answered = state[:, col] == ANSWERED
            answered_weight += answered * weight
            applicable_weight += (state[:, col] <= MISSING) * weight
            weighted_levels += np.where(answered, level[:, col], 0.0) * weight
        with np.errstate(invalid="ignore", divide="ignore"):
            dim_scores[:, j] = np.where(answered_weight > 0,
                                        weighted_levels / answered_weight, np.nan)
            completeness[:, j] = np.where(applicable_weight > 0,
                                          answered_weight / applicable_weight, 1.0)
        applicable[:, j] = applicable_weight > 0

    dim_ids = [d.id for d in dims]
    dim_weights = np.array([rubric.weight(d) for d in dim_ids])
    has_score = ~np.isnan(dim_scores)
    overall_weight = _weighted_sum(has_score.astype(float), dim_weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(overall_weight > 0,
                           _weighted_sum(np.nan_to_num(dim_scores), dim_weights) / overall_weight,
                           np.nan)

    evidence = gates.DimensionEvidence(dim_ids, np.round(dim_scores, COMPARE_DECIMALS),
                                       applicable, completeness < rubric.min_completeness)
    banded, final, fired = _levels(overall, evidence, levels, states, rubric)
    gated = pd.Series([gates.targets(f) for f in fired], dtype=object)
    table = _table(frame, questionnaire, rubric, lang, overall, final, gated, dim_ids,
                   dim_scores, completeness)
    return Scores(questionnaire, rubric, table, levels, states,
                  pd.Series(banded, index=frame.index).astype("Int64"), frame, fired)


def _levels(overall: np.ndarray, dims: gates.DimensionEvidence, levels: pd.DataFrame,
            states: pd.DataFrame, rubric: Rubric
            ) -> tuple[np.ndarray, np.ndarray, list[list[gates.Fired]]]:
    """Band levels, levels after the gates, and the gates that lowered each level."""
    mins = np.array([b.min for b in rubric.bands])
    band_levels = np.array([b.level for b in rubric.bands], dtype=float)
    overall = np.round(overall, COMPARE_DECIMALS)
    index = np.searchsorted(mins, np.nan_to_num(overall, nan=-np.inf), side="right") - 1
    banded = np.where((index >= 0) & ~np.isnan(overall),
                      band_levels[np.clip(index, 0, None)], np.nan)
    watched = {g.question for g in rubric.gates if g.question is not None}
    question_levels = {q: levels[q].to_numpy(dtype=float) for q in watched if q in levels}
    question_open = {q: np.isin(states[q].to_numpy(), (UNKNOWN_STATE, MISSING))
                     for q in watched if q in states}
    final, fired = gates.apply(banded, dims, question_levels, question_open, rubric)
    return banded, final, fired


def _table(frame: pd.DataFrame, questionnaire: Questionnaire, rubric: Rubric, lang: str,
           overall: np.ndarray, level: np.ndarray, gated: pd.Series, dim_ids: list[str],
           dim_scores: np.ndarray, completeness: np.ndarray) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for item in questionnaire.profile:
        columns[profile_column(item.id)] = frame[profile_column(item.id)].to_numpy()
    for meta in META_COLUMNS[:3]:
        columns[meta] = frame[meta].to_numpy()
    names = {b.level: pick(b.name, lang) for b in rubric.bands}
    columns["overall.score"] = overall
    columns["overall.percent"] = (overall - 1) / 4 * 100
    columns["overall.level"] = pd.array(np.where(np.isnan(level), pd.NA, level), dtype="Int64")
    columns["overall.level_name"] = pd.Series(level).map(names).fillna("").to_numpy()
    columns["overall.gates"] = gated.to_numpy()
    for j, dim in enumerate(dim_ids):
        columns[f"{dim}.score"] = dim_scores[:, j]
        columns[f"{dim}.percent"] = (dim_scores[:, j] - 1) / 4 * 100
        columns[f"{dim}.completeness"] = completeness[:, j]
        columns[f"{dim}.insufficient"] = completeness[:, j] < rubric.min_completeness
    columns["source"] = frame["source"].to_numpy()
    return pd.DataFrame(columns, index=frame.index)


def completeness(scores: Scores) -> np.ndarray:
    """Per assessment: answered over applicable weight across all scored questions (1 when
    nothing is applicable); the dimensions' completeness, taken over the whole questionnaire."""
    weights = np.array([scores.questionnaire.question(c).weight for c in scores.states.columns])
    states = scores.states.to_numpy()
    answered = ((states == ANSWERED) * weights).sum(axis=1)
    applicable = ((states <= MISSING) * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(applicable > 0, answered / applicable, 1.0)
