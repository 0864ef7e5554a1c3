"""A plain per-assessment implementation of CONTRACT.md section 4, written from the text.

It shares no code with ``diagnose.engine.scoring`` on purpose: tests compare the vectorised engine
with it on random answers, and ``benchmarks/bench_scoring.py`` measures the engine's speed-up
over it.
"""

from __future__ import annotations

from typing import Any

from diagnose.content.questionnaire import Question, Questionnaire
from diagnose.content.rubric import Rubric

YESNO = {"no": 1, "partial": 3, "yes": 5}


def _level(question: Question, value: Any) -> float:
    if question.type == "level":
        return float(value)
    if question.type == "yesno":
        return float(YESNO[value])
    if question.type == "multi":
        total = sum(o.weight for o in question.options)
        ticked = sum(o.weight for o in question.options if o.value in value)
        return 1 + 4 * ticked / total
    for band in question.bands:  # number
        if band.max is None or value <= band.max:
            return float(band.level)
    raise ValueError("number beyond the bands")


def _shown(question: Question, values: dict[str, Any], hidden: set[str]) -> bool:
    cond = question.show_if
    if cond is None:
        return True
    if cond.question in hidden:
        return False
    value = values.get(cond.question)
    if value is None or value in ("na", "unknown"):
        return False
    wanted = set(cond.values())
    hit = bool(wanted & set(value)) if isinstance(value, tuple) else value in wanted
    return hit if cond.in_ is not None else not hit


def reference_score(values: dict[str, Any], q: Questionnaire, rubric: Rubric) -> dict[str, Any]:
    """Scores of one assessment; ``values`` maps item ids to canonical answers."""
    hidden: set[str] = set()
    result: dict[str, Any] = {}
    dim_scores: dict[str, float] = {}
    open_dims: set[str] = set()  # applicable questions, but no score or too few answers
    question_levels: dict[str, float] = {}
    open_questions: set[str] = set()  # applicable, but unanswered or unknown
    for dim in q.dimensions:
        num = den = applicable = 0.0
        for question in dim.questions:
            if not _shown(question, values, hidden):
                hidden.add(question.id)
                continue
            if not question.scored:
                continue
            value = values.get(question.id)
            if value == "na":
                continue
            applicable += question.weight
            if value is None or value == "unknown":
                open_questions.add(question.id)
                continue
            question_levels[question.id] = _level(question, value)
            num += question.weight * _level(question, value)
            den += question.weight
        score = num / den if den else None
        completeness = den / applicable if applicable else 1.0
        result[f"{dim.id}.score"] = score
        result[f"{dim.id}.completeness"] = completeness
        result[f"{dim.id}.insufficient"] = completeness < rubric.min_completeness
        if score is not None:
            dim_scores[dim.id] = score
        if applicable and (score is None or completeness < rubric.min_completeness):
            open_dims.add(dim.id)
    weight = sum(rubric.weight(d) for d in dim_scores)
    overall = sum(rubric.weight(d) * s for d, s in dim_scores.items()) / weight if weight else None
    result["overall.score"] = overall
    level = None
    gates: list[str] = []
    if overall is not None:
        level = max((b.level for b in rubric.bands if b.min <= overall), default=None)
        if level is not None:
            banded = level
            for gate in rubric.gates:
                if gate.question is not None:
                    target, score = gate.question, question_levels.get(gate.question)
                    missing = gate.question in open_questions
                else:
                    target, score = gate.dimension, dim_scores.get(gate.dimension)
                    missing = gate.dimension in open_dims
                low = score is not None and score < gate.below
                if (low or missing) and gate.cap_level < banded:
                    level = min(level, gate.cap_level)
                    if target not in gates:
                        gates.append(target)
    result["overall.level"] = level
    result["overall.gates"] = ";".join(gates)
    return result
