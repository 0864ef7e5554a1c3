"""Peer groups: industry and size, falling back when a group has fewer than five companies."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from conftest import make_questionnaire

from diagnose.content import rubric
from diagnose.engine import peers, scoring
from diagnose.inputs.frame import answers_frame

QUESTIONNAIRE = """\
    id: pq
    version: "1"
    title: {ko: 비교, en: Peers}
    profile:
      - {id: name, type: text, text: {ko: 기업명, en: Name}}
      - {id: industry, type: choice, text: {ko: 업종, en: Industry},
         options: [{value: metal, label: {ko: 금속, en: Metal}},
                   {value: chem, label: {ko: 화학, en: Chemicals}}]}
      - {id: employees, type: number, text: {ko: 근로자 수, en: Employees}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.a, type: level, text: {ko: 가, en: A}, options: LEVELS}
    """


@pytest.fixture(scope="module")
def q():
    return make_questionnaire(QUESTIONNAIRE)


def table(q, rows: list[tuple[str, str | None, float | None, int]],
          consultants: list[str] | None = None) -> pd.DataFrame:
    """A score table from (name, industry, employees, level) rows."""
    rules = rubric.Rubric.model_validate({"id": "r", "questionnaire": {"id": "pq", "version": "1"},
                                          "bands": [{"min": 1, "level": 1, "name": "일"}]})
    records = [{"company.name": name, "company.industry": industry, "company.employees": staff,
                "data.a": level,
                "assessment.consultant": consultants[i] if consultants else None}
               for i, (name, industry, staff, level) in enumerate(rows)]
    return scoring.score(answers_frame(records, q), q, rules).table


def test_a_full_industry_and_size_group_is_used_with_its_medians(q) -> None:
    t = table(q, [(f"금속{i}", "metal", 20, level) for i, level in enumerate([1, 2, 3, 4, 5])])
    group = peers.peer_groups(t, q)[0]
    assert (group.level, group.size, group.fell_back) == ("industry-size", 5, False)
    assert group.name("ko") == "금속 · 50인 미만"
    assert group.name("en") == "Metal · under 50 staff"
    assert group.medians == {"overall.score": 3.0, "data.score": 3.0}


def test_a_group_of_four_falls_back_to_the_industry_and_says_so(q) -> None:
    rows = [(f"소{i}", "metal", 20, 1) for i in range(4)] + [(f"대{i}", "metal", 400, 5)
                                                            for i in range(2)]
    groups = peers.peer_groups(table(q, rows), q)
    small = groups[0]
    assert (small.level, small.size, small.fell_back) == ("industry", 6, True)
    assert small.name("ko") == "금속"
    assert small.medians["overall.score"] == 1.0  # median of 1, 1, 1, 1, 5, 5


def test_then_to_all_companies_then_to_none(q) -> None:
    rows = [(f"금속{i}", "metal", 20, 2) for i in range(3)] + [(f"화학{i}", "chem", 500, 4)
                                                             for i in range(3)]
    group = peers.peer_groups(table(q, rows), q)[0]
    assert (group.level, group.size, group.fell_back) == ("all", 6, True)
    assert group.name("ko") == "전체 참여 기업"
    assert group.medians["overall.score"] == 3.0
    alone = peers.peer_groups(table(q, rows[:4]), q)[0]
    assert (alone.level, alone.medians, alone.fell_back) == ("none", {}, True)


def test_unknown_industry_or_head_count_uses_the_broader_groups(q) -> None:
    rows = [(f"금속{i}", "metal", 20, 3) for i in range(5)] + [
        ("규모 미상", "metal", None, 1), ("업종 미상", None, 20, 1)]
    groups = peers.peer_groups(table(q, rows), q)
    assert groups[5].level == "industry" and groups[5].size == 6  # no size class: industry
    assert groups[6].level == "all" and groups[6].size == 7  # no industry: everyone
    assert peers.group_names(table(q, rows), q, "ko")[1][5:] == ["규모 미상", "50인 미만"]


def test_no_company_name_leaves_the_module(q) -> None:
    names = [f"비밀상사{i}" for i in range(7)]
    rows = [(name, "metal" if i < 5 else "chem", 20 + i, 1 + i % 5) for i, name in
            enumerate(names)]
    t = table(q, rows, consultants=["김"] * 3 + ["이"] * 4)
    shown = repr([dataclasses.asdict(g) for g in peers.peer_groups(t, q)])
    shown += repr(peers.medians_excluding(t, q, "assessment.consultant").tolist())
    assert not any(name in shown for name in names)
    assert "금속" in shown


def test_medians_excluding_leaves_out_the_same_consultant(q) -> None:
    levels = [5, 5, 5, 1, 2, 3, 4, 5, 2, 3]
    rows = [(f"c{i}", "metal", 20, level) for i, level in enumerate(levels)]
    t = table(q, rows, consultants=["김"] * 3 + ["이"] * 7)
    others = peers.medians_excluding(t, q, "assessment.consultant")
    assert others[:3].tolist() == [3.0, 3.0, 3.0]  # 이's seven: median of 1 2 3 4 5 2 3
    assert all(math.isnan(v) for v in others[3:])  # only three of 김's: no group of five
    assert np.isnan(peers.medians_excluding(t, q, "assessment.round")).all()  # blank: none


# --- the reference benchmark ---------------------------------------------------------------------

BENCHMARK = """\
    id: b
    version: "1"
    date: 2026-12-06
    status: provisional
    questionnaire: {id: pq, version: "1"}
    title: {ko: 참조 벤치마크, en: Reference}
    source: 데모
    method: 중앙값
    groups:
      - {industry: all, size: all, n: 40, medians: {overall: 2.0, data: 2.1}}
      - {industry: metal, size: all, n: 12, medians: {overall: 2.4, data: 2.5}}
      - {industry: metal, size: small, n: 7, medians: {overall: 2.2, data: 2.3}}
    """


def test_the_benchmark_narrows_to_industry_and_size_and_falls_back(q, write) -> None:
    from diagnose.content import benchmark

    bench = benchmark.load(write("b.yaml", BENCHMARK), q)
    small = peers.reference(bench, "metal", 20, q)
    assert (small.level, small.size, small.fell_back, small.source) == (
        "industry-size", 7, False, "benchmark")
    assert small.medians == {"overall.score": 2.2, "data.score": 2.3}
    assert small.name("ko") == "금속 · 50인 미만"
    large = peers.reference(bench, "metal", 120, q)  # no 50-299 group: the industry
    assert (large.level, large.size, large.fell_back) == ("industry", 12, True)
    assert large.name("en") == "Metal"
    other = peers.reference(bench, "chem", None, q)
    assert (other.level, other.size, other.name("ko")) == ("all", 40, "전체 참여 기업")


@pytest.mark.parametrize(("change", "message"), [
    ("n: 7,", "smaller than min_group"),
    ("industry: metal, size: small", "not in the questionnaire"),
    ("{industry: all, size: all", "for everyone"),
])
def test_a_bad_benchmark_names_its_line(q, write, change: str, message: str) -> None:
    from diagnose.content import benchmark
    from diagnose.core.errors import ValidationFailed

    text = {"n: 7,": BENCHMARK.replace("n: 7,", "n: 3,"),
            "industry: metal, size: small": BENCHMARK.replace(
                "industry: metal, size: small", "industry: wood, size: small"),
            "{industry: all, size: all": BENCHMARK.replace(
                "{industry: all, size: all", "{industry: metal, size: large")}[change]
    with pytest.raises(ValidationFailed) as failed:
        benchmark.load(write("b.yaml", text), q)
    rendered = [p.render("en") for p in failed.value.problems]
    assert any(message in line and "b.yaml:" in line for line in rendered), rendered


def test_the_bundled_benchmark_fits_the_bundled_questionnaire() -> None:
    from diagnose.content import benchmark
    from diagnose.engine import batch

    bundled, _ = batch.load_content()
    bench = benchmark.load_for(bundled)
    assert bench is not None and bench.provisional
    dims = {d.id for d in bundled.dimensions}
    whole = bench.group("all", "all")
    assert whole is not None and set(whole.medians) == dims | {"overall"}
    assert all(g.n >= bench.min_group for g in bench.groups)
