"""The vectorised engine against a plain reading of the contract, on random assessments."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from reference import reference_score

from diagnose.content.questionnaire import Questionnaire
from diagnose.engine import batch, scoring
from diagnose.inputs.frame import answers_frame


def random_values(q: Questionnaire, rng: random.Random) -> dict[str, object]:
    values: dict[str, object] = {"name": "x", "industry": rng.choice(
        ["auto-parts", "petrochemical", "metal", "food", None])}
    # the profile facts that show or hide questions (vision data, process control, MOC)
    values["visual_inspection"] = rng.choice(["yes", "no", None])
    values["psm_applicable"] = rng.choice(["yes", "no", "unknown", None])
    values["main_processes"] = rng.choice([("press", "welding"), ("reaction_distillation",),
                                           ("heat_treatment", "cnc_machining"), (), None])
    for question in q.scored_questions:
        roll = rng.random()
        if roll < 0.1:
            continue  # unanswered
        if question.allow_na and roll < 0.25:
            values[question.id] = rng.choice(["na", "unknown"])
        elif question.type == "level":
            values[question.id] = rng.randint(1, 5)
        elif question.type == "yesno":
            values[question.id] = rng.choice(["no", "partial", "yes"])
        elif question.type == "multi":
            values[question.id] = tuple(o.value for o in question.options if rng.random() < 0.4)
        else:
            last = question.bands[-2].max or 10
            values[question.id] = round(rng.uniform(0, last * 1.5), 2)
    return values


@pytest.mark.parametrize("seed", range(5))
def test_engine_equals_the_reference_on_the_bundled_questionnaire(seed: int) -> None:
    q, rubric = batch.load_content()
    rng = random.Random(seed)
    assessments = [random_values(q, rng) for _ in range(120)]
    profile = {p.id for p in q.profile}
    frame = answers_frame(
        [{(f"company.{k}" if k in profile else k): v for k, v in a.items()} for a in assessments],
        q)
    table = scoring.score(frame, q, rubric).table
    for i, values in enumerate(assessments):
        expected = reference_score(values, q, rubric)
        row = table.iloc[i]
        for key, want in expected.items():
            got = row[key]
            if want is None:
                assert pd.isna(got), (i, key)
            elif isinstance(want, float):
                assert got == pytest.approx(want, abs=1e-12), (i, key)
            else:
                assert got == want, (i, key)
