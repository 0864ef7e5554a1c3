"""Conditions compiled to boolean masks over all assessments at once (never ``eval``).

Every condition is three-valued: true, false, or unknown where the answer it needs is missing
or "don't know". A recommendation whose applicability is unknown is shown as "to be checked",
never silently dropped, and an unknown prerequisite counts as not yet met.

- ``all``: true where every part is true, false where any part is false;
- ``any``: true where any part is true, false where every part is false;
- ``not``: swaps true and false.

A question that is not applicable (answered ``na``, or hidden by its ``show_if``) is known: its
tests are false (``in: [na]`` asks for ``na`` itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnose.content.conditions import SPECIAL_VALUES, Condition
from diagnose.engine import scoring
from diagnose.engine.scoring import ANSWERED, HIDDEN, NOT_APPLICABLE, Scores
from diagnose.inputs.frame import profile_column


@dataclass(frozen=True)
class Truth:
    """Where a condition is known true and known false; unknown elsewhere."""

    true: np.ndarray
    false: np.ndarray

    @property
    def unknown(self) -> np.ndarray:
        return ~(self.true | self.false)


class Fields:
    """The values conditions test, one array per field over all assessments."""

    def __init__(self, scores: Scores, frame: pd.DataFrame) -> None:
        self.scores = scores
        self.frame = frame
        self.n = len(frame)
        self._completeness: np.ndarray | None = None

    def numeric(self, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
        """(values, known) for a min/max test."""
        table = self.scores.table
        if cond.dimension is not None:
            values = table[f"{cond.dimension}.score"].to_numpy(dtype=float)
            return values, ~np.isnan(values)
        if cond.overall:
            values = table["overall.score"].to_numpy(dtype=float)
            return values, ~np.isnan(values)
        if cond.level:
            values = pd.to_numeric(table["overall.level"], errors="coerce").to_numpy(dtype=float)
            return values, ~np.isnan(values)
        if cond.completeness:
            values = self.completeness()
            return values, np.ones(self.n, dtype=bool)
        if cond.question is not None and cond.question in self.scores.levels:
            values = self.scores.levels[cond.question].to_numpy(dtype=float)
            states = self.scores.states[cond.question].to_numpy()
            not_applicable = (states == NOT_APPLICABLE) | (states == HIDDEN)
            return values, ~np.isnan(values) | not_applicable
        raw, known = self.raw(cond)
        values = pd.to_numeric(raw.where(known), errors="coerce").to_numpy(dtype=float)
        return values, known

    def completeness(self) -> np.ndarray:
        """The weighted share of applicable scored questions answered (1 with none)."""
        if self._completeness is None:
            self._completeness = scoring.completeness(self.scores)
        return self._completeness

    def raw(self, cond: Condition) -> tuple[pd.Series, np.ndarray]:
        """(answers, known) for an in/not_in/answered test."""
        if cond.profile is not None:
            column = self.frame[profile_column(cond.profile)]
            return column, _answered(column)
        assert cond.question is not None
        column = self.frame[cond.question]
        states = self.scores.states.get(cond.question)
        if states is None:  # an unscored (text) question: answered or not
            return column, _answered(column)
        codes = states.to_numpy()
        known = (codes == ANSWERED) | (codes == NOT_APPLICABLE) | (codes == HIDDEN)
        return column.where(codes != HIDDEN), known


def evaluate(cond: Condition, fields: Fields) -> Truth:
    """The condition over all assessments, three-valued."""
    n = fields.n
    if cond.all is not None:
        parts = [evaluate(child, fields) for child in cond.all]
        return Truth(np.logical_and.reduce([p.true for p in parts] + [np.ones(n, bool)]),
                     np.logical_or.reduce([p.false for p in parts] + [np.zeros(n, bool)]))
    if cond.any is not None:
        parts = [evaluate(child, fields) for child in cond.any]
        return Truth(np.logical_or.reduce([p.true for p in parts] + [np.zeros(n, bool)]),
                     np.logical_and.reduce([p.false for p in parts] + [np.ones(n, bool)]))
    if cond.not_ is not None:
        inner = evaluate(cond.not_, fields)
        return Truth(inner.false, inner.true)
    holds, known = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    if cond.min is not None or cond.max is not None:
        values, numeric_known = fields.numeric(cond)
        known &= numeric_known
        with np.errstate(invalid="ignore"):
            if cond.min is not None:
                holds &= values >= cond.min
            if cond.max is not None:
                holds &= values <= cond.max
    if cond.in_ is not None or cond.not_in is not None or cond.answered is not None:
        raw, raw_known = fields.raw(cond)
        answered = _answered(raw)
        if cond.answered is not None:
            holds &= answered if cond.answered else ~answered
        else:
            known &= raw_known
        for values, positive in ((cond.in_, True), (cond.not_in, False)):
            if values is None:
                continue
            wanted = set(values)
            hit = answered & _hits(raw, wanted - SPECIAL_VALUES)
            special = _hits(raw, wanted & SPECIAL_VALUES)  # `in: [na]` asks for na itself
            holds &= (hit | special) if positive else ~(hit | special)
    return Truth(known & holds, known & ~holds)


def unknown_fields(cond: Condition, fields: Fields, row: int) -> list[str]:
    """The questions and profile items whose missing answer leaves the condition unknown."""
    found: list[str] = []
    for _, leaf in cond.walk():
        field_id = leaf.field_id
        if field_id is None or field_id in found:
            continue
        if evaluate(leaf, fields).unknown[row]:
            found.append(field_id)
    return found


def _answered(raw: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = np.array([not (isinstance(v, str) and v in SPECIAL_VALUES) for v in uniques]
                     + [False], dtype=bool)
    return table[codes]


def _hits(raw: pd.Series, wanted: set[object]) -> np.ndarray:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = np.array([bool(wanted & set(v)) if isinstance(v, tuple) else v in wanted
                      for v in uniques] + [False], dtype=bool)
    return table[codes]
