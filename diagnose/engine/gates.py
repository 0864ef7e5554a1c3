"""Gates: no leapfrogging, and missing evidence never raises a level (CONTRACT.md section 4).

A gate caps the overall level at ``cap_level`` when its dimension scores below ``below``, has
applicable questions but no score, or is flagged insufficient evidence (a dimension with
nothing applicable is none of these); a question gate caps when that answer's level is below
``below`` or the question is applicable but unanswered or unknown. A gate *fires* only where it
lowers the level the band gives.

This module is the one home of that rule: the score table's ``overall.gates``, the report and
the interview's result screen all read the gates that fired from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from diagnose.content.questionnaire import Questionnaire
from diagnose.content.rubric import Gate, Rubric
from diagnose.core.i18n import Msg, pick

Reason = Literal["low", "evidence"]

@dataclass(frozen=True)
class Fired:
    """One gate that lowered one assessment's level, and why."""

    gate: Gate
    reason: Reason  # "low": the score or answer is below the gate; "evidence": too little
    value: float | None  # the dimension score or the question's level, when there is one

    @property
    def target(self) -> str:
        """The dimension or question the gate watches."""
        return self.gate.question or self.gate.dimension or ""


@dataclass
class DimensionEvidence:
    """Per assessment and dimension: its score and whether evidence is missing (n x dims)."""

    ids: list[str]
    scores: np.ndarray
    applicable: np.ndarray  # bool: the dimension has applicable questions
    insufficient: np.ndarray  # bool: completeness below the rubric's minimum


def apply(banded: np.ndarray, dims: DimensionEvidence, question_levels: dict[str, np.ndarray],
          question_open: dict[str, np.ndarray], rubric: Rubric
          ) -> tuple[np.ndarray, list[list[Fired]]]:
    """The levels after every gate, and per assessment the gates that lowered it.

    ``question_levels`` and ``question_open`` hold, for each gated question, its level (NaN
    without one) and whether it is applicable but unanswered or unknown.

    Where several gates on one target fire, only the strictest is listed: it is the one that
    holds the level down. ``banded`` and the scores are rounded as the engine compares them.
    """
    n = len(banded)
    final = banded.copy()
    fired: list[list[Fired]] = [[] for _ in range(n)]
    strictest: dict[tuple[int, str], int] = {}  # (row, target) -> index in fired[row]
    for gate in rubric.gates:
        value, low, evidence = _condition(gate, dims, question_levels, question_open, n)
        with np.errstate(invalid="ignore"):
            fires = (low | evidence) & (banded > gate.cap_level)
        final = np.where(fires, np.fmin(final, gate.cap_level), final)
        for row in np.flatnonzero(fires):
            item = Fired(gate, "low" if low[row] else "evidence",
                         None if np.isnan(value[row]) else float(value[row]))
            key = (int(row), item.target)
            if key not in strictest:
                strictest[key] = len(fired[row])
                fired[row].append(item)
            elif gate.cap_level < fired[row][strictest[key]].gate.cap_level:
                fired[row][strictest[key]] = item
    return final, fired


def _condition(gate: Gate, dims: DimensionEvidence, question_levels: dict[str, np.ndarray],
               question_open: dict[str, np.ndarray], n: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, below the gate, evidence missing) of one gate over all assessments."""
    if gate.question is not None:
        levels = question_levels.get(gate.question, np.full(n, np.nan))
        with np.errstate(invalid="ignore"):
            low = levels < gate.below
        return levels, low, question_open.get(gate.question, np.ones(n, dtype=bool))
    j = dims.ids.index(gate.dimension or "")
    scores = dims.scores[:, j]
    with np.errstate(invalid="ignore"):
        low = scores < gate.below
    evidence = dims.applicable[:, j] & (np.isnan(scores) | dims.insufficient[:, j])
    return scores, low & ~evidence, evidence


def targets(fired: list[Fired]) -> str:
    """The ``overall.gates`` cell: the capping dimensions and questions, ``;``-separated."""
    return ";".join(item.target for item in fired)


def explain(item: Fired, questionnaire: Questionnaire, banded: int | None, lang: str) -> str:
    """Why the gate lowered the level, as a sentence for the report and the result screen."""
    gate = item.gate
    if gate.question is not None:
        what = Msg("문항 '{d}'", "question '{d}'").format(
            d=pick(questionnaire.question(gate.question).text, lang))
    else:
        what = Msg("'{d}' 영역", "'{d}'").format(
            d=pick(questionnaire.dimension(gate.dimension or "").title, lang))
    if item.reason == "evidence":
        sentence = Msg("{w}의 답이 부족해(근거 부족) 종합 수준을 {c}단계까지만 인정합니다 "
                       "(점수로는 {l}단계). 답을 보완하면 다시 판정합니다.",
                       "{w} has too few answers (insufficient evidence), so the overall level "
                       "is held at {c} (the score gives {l}); complete the answers to lift it.")
    else:
        sentence = Msg("{w}이(가) {s}(으)로 기준 {b} 미만이어서 종합 수준을 {c}단계까지만 "
                       "인정합니다 (점수로는 {l}단계).",
                       "{w} is {s}, below {b}, so the overall level is held at {c} "
                       "(the score gives {l}).")
    return sentence.format(
        w=what.render(lang), b=f"{gate.below:g}", c=gate.cap_level,
        l=banded if banded is not None else "-",
        s="-" if item.value is None else f"{item.value:.2f}").render(lang)
