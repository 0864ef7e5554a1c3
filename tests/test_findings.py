"""What the report says about a company's answers: findings, strengths, actions, schedule, risks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_questionnaire

from diagnose.content import rubric
from diagnose.engine import batch, scoring
from diagnose.inputs.frame import answers_frame
from diagnose.jobs import reports
from diagnose.render import findings

QUESTIONNAIRE = """\
    id: f
    version: "1"
    title: {ko: 가, en: A}
    profile: [{id: name, type: text, text: {ko: 이름, en: Name}}]
    dimensions:
      - id: a
        title: {ko: 가, en: A}
        questions:
          - id: a.1
            type: level
            text: {ko: 하나, en: One}
            options: LEVELS
            actions:
              - {level: 1, ko: "품질팀장이 불량 유형표를 만든다", en: "The quality manager writes a defect list"}
              - {level: 2, ko: "생산팀이 일지를 엑셀로 옮긴다", en: "Production moves the log to Excel"}
          - {id: a.2, type: level, text: {ko: 둘, en: Two}, options: LEVELS}
          - id: a.3
            type: multi
            text: {ko: "전산으로 기록하는 데이터를 모두 선택하십시오.", en: "Select all kinds of data kept electronically."}
            options: [{value: x, label: 생산}, {value: y, label: 품질}, {value: z, label: 설비}]
      - id: b
        title: {ko: 나, en: B}
        questions: [{id: b.1, type: level, text: {ko: 셋, en: Three}, options: LEVELS}]
    """


def scored(tmp_path: Path, **answers):
    q = make_questionnaire(QUESTIONNAIRE)
    path = tmp_path / "r.yaml"
    path.write_text("id: r\nquestionnaire: {id: f, version: '1'}\n"
                    "bands: [{min: 1, level: 1, name: 일}]\n", encoding="utf-8")
    frame = answers_frame([{"company.name": "x", **answers}], q)
    return scoring.score(frame, q, rubric.load(path, q))


def test_a_dimension_is_a_strength_only_from_the_threshold_up(tmp_path) -> None:
    # the old report listed the highest dimensions as "relative strengths" whatever they were
    low = findings.strengths_and_gaps(scored(tmp_path, **{"a.1": 2, "a.2": 1, "b.1": 1}), 0, "en")
    assert low[0] == [] and [g["id"] for g in low[1]] == ["b", "a"]
    high = findings.strengths_and_gaps(scored(tmp_path, **{"a.1": 4, "a.2": 4, "b.1": 1}), 0, "en")
    assert [s["id"] for s in high[0]] == ["a"] and [g["id"] for g in high[1]] == ["b"]


def test_no_strength_below_level_four_and_no_gap_at_five(tmp_path) -> None:
    top = findings.dimension_findings(scored(tmp_path, **{"a.1": 5, "a.2": 5}), 0, None,
                                      {"a.1": 5, "a.2": 5}, "en")["a"]
    assert top["gaps"] == [] and len(top["strengths"]) == 2 and top["actions"] == []
    middling = findings.dimension_findings(scored(tmp_path, **{"a.1": 3, "a.2": 3}), 0, None,
                                           {"a.1": 3, "a.2": 3}, "en")["a"]
    assert middling["strengths"] == [] and middling["gaps"] == []


def test_to_reach_the_next_level_is_the_written_action_never_the_next_anchor(tmp_path) -> None:
    low = findings.dimension_findings(scored(tmp_path, **{"a.1": 1, "a.2": 2}), 0, None,
                                      {"a.1": 1, "a.2": 2}, "ko")["a"]
    # a.1 at level 1 has its action; a.2 has none written, so nothing (not the option "삼")
    assert [a["action"] for a in low["actions"]] == ["품질팀장이 불량 유형표를 만든다"]
    assert all(a["action"] not in {"이", "삼"} for a in low["actions"])


def test_a_checklist_gap_lists_what_is_missing_without_the_instruction(tmp_path) -> None:
    values = {"a.1": 4, "a.3": ("x",)}
    found = findings.dimension_findings(scored(tmp_path, **values), 0, None, values, "ko")["a"]
    (gap,) = [g for g in found["gaps"] if g["qid"] == "a.3"]
    assert gap["seen"] == "전산으로 기록하는 데이터 가운데 없는 것: 품질, 설비"
    assert "선택하십시오" not in gap["seen"]


def test_topics_drop_questionnaire_instructions() -> None:
    q = make_questionnaire(QUESTIONNAIRE)
    assert findings.topic(q.question("a.3"), "ko") == "전산으로 기록하는 데이터"
    assert findings.topic(q.question("a.3"), "en") == "Data kept electronically"


# --- on the bundled content: schedule, risks, one note shown once -------------------------------

RESPONSE = """\
questionnaire: {id: mfg-ai-readiness, version: '2.0'}
company: {id: f-1, name: 에프정밀, industry: auto-parts, employees: 80, defect_rate: 2.0,
  annual_production_value: 20000, visual_inspection: 'yes', visual_inspectors: 6,
  oem_customers: [hyundai_mobis], goal_area: quality_inspection, pain_areas: [quality_inspection]}
assessment: {date: 2026-04-02, round: baseline, consultant: 이서연}
answers:
  data.collection: {value: 2, note: 같은 메모}
  data.storage: {value: 2, note: 같은 메모}
  process.quality_inspection: 2
  infra.plc_connectivity: 2
  ai.vendor_management: 1
status: complete
"""


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("findings")
    (folder / "f.yaml").write_text(RESPONSE, encoding="utf-8")
    result = batch.score_inputs([folder / "f.yaml"])
    return reports.report_jobs(result, folder / "out", "ko")[0].context


def test_preparation_steps_end_before_their_project_starts(context) -> None:
    assert context["recommendations"]
    for rec in context["recommendations"]:
        for step in rec["steps"]:
            if step["alongside"]:
                assert (step["start"], step["end"]) == (rec["start_month"], rec["end_month"])
            else:
                assert step["end"] < rec["start_month"], (rec["name"], step)
    rows = context["gantt_data"]
    for row in rows:
        for before in row["after"]:
            assert rows[before]["end"] < row["start"]


def test_a_note_copied_onto_two_answers_is_shown_once(context) -> None:
    shown = [a["note"] for dim in context["findings"].values()
             for a in [*dim["gaps"], *dim["strengths"]] if a["note"]]
    shown += [n["note"] for dim in context["findings"].values() for n in dim["notes"]]
    assert shown.count("같은 메모") == 1


def test_oem_approval_is_a_risk_for_an_oem_supplier_with_a_quality_project(context) -> None:
    risks = {r["id"]: r for r in context["risks"]}
    assert set(risks) == {"lock-in", "after-vendor", "data-leaving", "acceptance", "oem-4m",
                          "moc"}
    assert risks["oem-4m"]["applies"] and "현대모비스" in risks["oem-4m"]["seen"]
    assert not risks["moc"]["applies"]  # not a PSM site
    assert risks["lock-in"]["level"] == "높음"  # vendor management answered at level 1


def test_the_chart_compares_with_the_dated_benchmark_by_default(context) -> None:
    roles = {s["role"]: s for s in context["chart_data"]["series"]}
    assert roles["peers"]["name"].startswith("벤치마크 중앙값 · ")
    assert context["comparison"]["source"] == "benchmark"
    assert "2026-12-06" in context["comparison"]["note"]


def test_a_step_several_projects_need_is_drawn_once_and_points_to_each(context) -> None:
    """The owner-and-maintenance-budget step that many solutions need is one bar on the
    roadmap with an arrow to each of them, and one row of the 90 days, at the same months."""
    recs = context["recommendations"]
    needing: dict[str, list[int]] = {}
    for rec in recs:
        for step in rec["steps"]:
            if not step["alongside"]:
                needing.setdefault(step["id"], []).append(rec["rank"])
    shared = {sid: ranks for sid, ranks in needing.items() if len(ranks) > 1}
    assert shared, needing  # the fixture's projects share a preparation step
    rows = context["gantt_data"]
    prepare = [r for r in rows if r["kind"] == "prepare"]
    assert len(prepare) == len(needing)  # one bar per step id, however many projects need it
    for sid, ranks in shared.items():
        steps = [s for rec in recs for s in rec["steps"] if s["id"] == sid]
        assert len({(s["start"], s["end"]) for s in steps}) == 1  # one schedule everywhere
        (bar,) = [i for i, r in enumerate(rows) if r["kind"] == "prepare"
                  and r["label"] == steps[0]["shared_label"]]
        pointing = [r["label"].split(".")[0] for r in rows if bar in r["after"]]
        assert pointing == [str(rank) for rank in ranks]
        assert "공통" in rows[bar]["note"]
    plan = [row["what"] for row in context["verdict"]["next_days"]]
    assert len(plan) == len(set(plan))


def test_next_days_never_send_the_ceo_to_a_closed_call(tmp_path: Path) -> None:
    """Applications in the 90 days say whether the call is open on the report's date; a call
    that closed before it reads 'next call', not 'apply'."""
    from diagnose.content import programme as programme_file

    (tmp_path / "f.yaml").write_text(RESPONSE, encoding="utf-8")
    result = batch.score_inputs([tmp_path / "f.yaml"])
    plan = programme_file.load()
    closing = {t.id: t.window for t in plan.tracks}
    march = programme_file.Window(opens="2026-03-02", closes="2026-03-31")

    def rows(issued: str) -> list[dict]:
        saved = {t.id: t.window for t in plan.tracks}
        try:
            for track in plan.tracks:
                track.window = march
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(programme_file, "load", lambda *a, **k: plan)
                context = reports.report_jobs(result, tmp_path / "out", "ko",
                                              issued=issued)[0].context
        finally:
            for track in plan.tracks:
                track.window = saved[track.id]
        return [r for r in context["verdict"]["next_days"] if "신청" in r["what"]
                or "공고" in r["what"]]

    assert closing  # the bundled tracks all have a window
    before, during, after = rows("2026-02-10"), rows("2026-03-10"), rows("2026-12-06")
    assert before and all("모집 예정" in r["when"] and r["what"].endswith("신청") for r in before)
    assert all("모집 중" in r["when"] for r in during)
    assert after and all("마감 · 다음 공고 확인 필요" in r["when"] for r in after)
    assert all("다음 공고 확인" in r["what"] for r in after)


def test_the_value_at_stake_leaves_out_projects_that_do_not_pay_their_upkeep() -> None:
    from diagnose.render import verdict

    def rec(name: str, category: str, value: float | None) -> dict[str, object]:
        return {"name": name, "rank": 1, "category": category, "value_text": str(value),
                "value": {"yearly_krw": value, "terms": []}}

    stake = verdict.value_at_stake([rec("a", "energy", -3_000_000), rec("b", "quality", 50_000_000),
                                    rec("c", "safety", None)], "ko")
    assert [p["name"] for p in stake["projects"]] == ["b"]
    assert stake["total"].replace("\xa0", " ") == "5,000만 원"


@pytest.mark.parametrize(("unit", "lang", "text"), [
    ("백만 원/년", "ko", "에너지 비용: 147억 원/년 → 145억 4,100만 원/년"),
    ("KRW million a year", "en", "에너지 비용: KRW 14.7 billion a year → KRW 14.5 billion a year"),
    ("시간/년", "ko", "에너지 비용: 14,700시간/년 → 14,541시간/년"),
])
def test_a_kpi_in_thousands_reads_without_an_exponent(unit: str, lang: str, text: str) -> None:
    kpi = {"name": "에너지 비용", "unit": unit, "baseline": 14700.0, "target": 14541.0,
           "target_text": ""}
    assert findings.kpi_text(kpi, lang).replace("\xa0", " ") == text  # was 1.47e+04백만 원/년
