"""The four company profiles of REVIEW-2026-12 section 1, scored and advised by the bundled
content, against what an experienced consultant expects of each.

A: 80 staff, Mobis tier-1 / HMC tier-2, press and robot welding, MES/POP, 6 visual inspectors,
   150 phone photos of defects, goal visual inspection -> level 2, vision after labelling.
B: 35 staff, HD HHI pipe-spool welding shop, paper, no IT staff, welder shortage and safety
   -> level 1 (named without insult), welding automation and safety, foundations first.
C: 150 staff, specialty chemicals, DCS, historian, LIMS, PSM -> level 3, soft sensor / APC
   and rotating-equipment PdM, with MOC before AI writes set points.
D: 250 staff tier-1, excellent foundations, no AI in operation -> level 3, and ready for
   vision and PdM now (readiness never excludes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.content import catalogue as catalogue_file
from diagnose.engine import batch, recommend, scoring
from diagnose.inputs import responses
from diagnose.inputs.frame import answers_frame

PROFILES = Path(__file__).parent / "profiles"


@pytest.fixture(scope="module")
def content():
    q, rules = batch.load_content()
    advisory = catalogue_file.load_for(q)
    assert advisory is not None
    return q, rules, advisory


def score(content, name: str, drop: tuple[str, ...] = ()) -> tuple[Any, Any]:
    q, rules, _ = content
    loaded = responses.load(PROFILES / f"review_{name}.yaml", q)
    record = batch.records([loaded], q)[0]
    for key in drop:
        record.pop(key, None)
    frame = answers_frame([record], q)
    return scoring.score(frame, q, rules), frame


def advise(content, name: str, drop: tuple[str, ...] = ()) -> tuple[Any, list[Any]]:
    scores, frame = score(content, name, drop)
    advisory = content[2]
    return scores, recommend.recommend(scores, frame, advisory.catalogue, advisory.programme)[0]


def level(scores: Any) -> int:
    return int(scores.table.iloc[0]["overall.level"])


def ids(recs: list[Any], top: int = 8) -> list[str]:
    return [r.solution.id for r in recs[:top]]


def test_a_tier2_press_shop_gets_vision_after_labelling(content) -> None:
    scores, recs = advise(content, "a")
    assert int(scores.table.iloc[0]["overall.level"]) == 2
    vision = recs[0]
    assert vision.solution.id == "vision-inspection" and vision.goal == 1.0
    assert vision.priority == "high"
    assert 2 <= vision.start_month <= 4  # a few hundred labelled images: 1-3 months
    assert {"labelled", "oem-4m"} & {p.id for p in vision.missing} or vision.missing
    assert vision.primary.track.id == "ai-solution"  # a packaged solution at level 2
    assert vision.value_krw and vision.value_krw > 0 and vision.payback_months


def test_a_pipe_spool_welding_shop_at_level_1(content) -> None:
    scores, recs = advise(content, "b")
    row = scores.table.iloc[0]
    assert int(row["overall.level"]) == 1
    assert row["overall.level_name"] == "기반 구축 필요"  # not "미인식" for a CEO who applied
    assert "cobot-welding" in ids(recs, 3)  # the welder shortage he came for
    assert {"safety-vision", "gas-fire-hotwork-monitoring"} & set(ids(recs, 5))  # his pain
    assert "ai-training" in ids(recs)  # level 1: experience hall and academy
    assert all(r.primary.track.id != "ai-solution" for r in recs)  # routed by stage


def test_a_chemical_plant_gets_apc_with_moc_first(content) -> None:
    scores, recs = advise(content, "c")
    assert int(scores.table.iloc[0]["overall.level"]) == 3
    top = ids(recs, 2)
    assert "soft-sensor-apc" in top
    apc = next(r for r in recs if r.solution.id == "soft-sensor-apc")
    assert apc.primary.track.id in {"validation", "gpu-demo"}  # PoC and GPU at level 3
    assert any("moc" in p.id for p, _ in apc.prerequisites)
    assert "rotating-equipment-pdm" in ids(recs)


def test_excellent_foundations_without_ai_are_level_3_and_ready_now(content) -> None:
    scores, recs = advise(content, "d")
    row = scores.table.iloc[0]
    assert scores.band_levels.iloc[0] == 4 and int(row["overall.level"]) == 3
    assert "ai.in_operation" in row["overall.gates"]
    ready = {r.solution.id: r.start_month for r in recs}
    assert ready.get("vision-inspection") == 1 and ready.get("predictive-maintenance") == 1


def test_leaving_the_data_answers_blank_never_raises_a_level(content) -> None:
    q, _, _ = content
    data = tuple(x.id for x in q.dimension("data").questions)
    full, _ = score(content, "a")
    blank, _ = score(content, "a", data)
    assert level(blank) <= level(full) == 2
    assert blank.table.iloc[0]["data.score"] != blank.table.iloc[0]["data.score"]  # no score


GATED = ("data", "infra", "strategy")


@settings(max_examples=25, deadline=None)
@given(profile=st.sampled_from("abcd"), dims=st.sets(st.sampled_from(GATED), min_size=1),
       also_ai=st.booleans())
def test_blank_gated_evidence_never_raises_a_level(content, profile: str, dims: set[str],
                                                   also_ai: bool) -> None:
    """Blanking every answer of gated dimensions, or the gated question 'AI in operation',
    never gives a higher level than the answers themselves."""
    q, _, _ = content
    drop = tuple(x.id for d in dims for x in q.dimension(d).questions)
    drop += ("ai.in_operation",) if also_ai else ()
    full, _ = score(content, profile)
    blank, _ = score(content, profile, drop)
    assert level(blank) <= level(full)
