"""Programme selection (contract 9): capacity, exclusivity, eligibility, reasons, decisions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_questionnaire, yaml_text
from openpyxl import load_workbook
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.content import catalogue as catalogue_file
from diagnose.content import programme as programme_file
from diagnose.content import rubric
from diagnose.content.programme import DEFAULT_PROGRAMME
from diagnose.engine import batch, progress, recommend, scoring, selection
from diagnose.inputs import responses
from diagnose.inputs.decisions import Decision
from diagnose.inputs.frame import answers_frame
from diagnose.jobs import demo
from diagnose.render import xlsx

QUESTIONNAIRE = """\
    id: sq
    version: "1"
    title: 선정
    profile:
      - {id: id, type: text, text: 기업 ID}
      - {id: name, type: text, text: 기업명}
      - {id: district, type: choice, text: 소재지,
         options: [{value: nam, label: 남구}, {value: outside, label: 울산 외}]}
      - {id: consent, type: choice, text: 동의, options: [{value: "yes", label: 예}, {value: "no", label: 아니오}]}
      - {id: goal_area, type: choice, text: 목표, options: [{value: quality_inspection, label: 품질}]}
      - {id: inspectors, type: number, text: 검사 인원}
    dimensions:
      - id: data
        title: 데이터
        questions:
          - {id: data.ready, type: level, text: 준비, options: LEVELS}
    """

RUBRIC = """\
id: r
questionnaire: {id: sq, version: "1"}
bands:
  - {min: 1.0, level: 1, name: 일}
  - {min: 2.0, level: 2, name: 이}
  - {min: 3.0, level: 3, name: 삼}
"""

PROGRAMME = """\
id: p
version: "1"
name: 사업
year: 2027
eligibility:
  - {id: in-ulsan, text: {ko: 울산 소재 사업장, en: a site in Ulsan}, when: {profile: district, not_in: [outside]}}
  - {id: consent, text: {ko: 진단 결과 활용 동의, en: consent to the use of the diagnosis}, when: {profile: consent, in: ["yes"]}}
selection: {reserve: 2}
tracks:
  - {id: adopt, name: {ko: 보급, en: Adoption}, levels: [2, 3], subsidy_share: 0.7, capacity: 2, exclusive: true}
  - {id: poc, name: {ko: 실증, en: PoC}, levels: [3], subsidy_share: 0.8, capacity: 1, exclusive: true}
  - {id: academy, name: {ko: 아카데미, en: Academy}, capacity: 10, candidates: {id: any-level, text: 수준이 있는 기업, when: {level: true, min: 1}}}
"""

CATALOGUE = """\
id: c
version: "1"
questionnaire: {id: sq, version: "1"}
constants:
  cost: {value: 45000000, unit: 원, label: 인건비, source: test}
solutions:
  - id: vision
    name: 비전 검사
    summary: 요약
    category: quality
    dimension: data
    goals: [quality_inspection]
    tracks: [poc, adopt]
    investment_mkrw: [50, 100]
    months: 4
    owner: 품질팀장
    kpi: {name: 검사 시간}
    business_case:
      method: 검사 인원 × 인건비
      terms: [{label: 인력, product: [{profile: inspectors}, {constant: cost}]}]
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sel")
    q = make_questionnaire(QUESTIONNAIRE)
    for name, text in (("r.yaml", RUBRIC), ("p.yaml", PROGRAMME), ("c.yaml", CATALOGUE)):
        (folder / name).write_text(yaml_text(text), encoding="utf-8")
    plan = programme_file.load(folder / "p.yaml", q)
    return q, rubric.load(folder / "r.yaml", q), plan, catalogue_file.load(q, plan, folder / "c.yaml")


def company(i: int, level: int, inspectors: int, **extra: object) -> dict[str, object]:
    return {"company.id": f"c{i:02d}", "company.name": f"기업{i}", "company.district": "nam",
            "company.consent": "yes", "company.goal_area": "quality_inspection",
            "company.inspectors": inspectors, "data.ready": level, **extra}


def run(setup, rows, decisions=(), received=None, once=(), latest=False):
    q, rules, plan, cat = setup
    if once:  # tracks that select a company one time only
        plan = plan.model_copy(update={"tracks": [
            t.model_copy(update={"once": t.id in once}) for t in plan.tracks]})
    frame = answers_frame(rows, q)
    scores = scoring.score(frame, q, rules)
    recs = recommend.recommend(scores, frame, cat, plan)
    keyed = {(f"id:{d.company_id}", d.track): d for d in decisions}
    current = progress.latest(scores.table) if latest else None
    return selection.select(scores, frame, recs, plan, keyed, current, received)


def lists(result: selection.SelectionResult, track: str) -> tuple[list[str], list[str]]:
    found = next(t for t in result.tracks if t.track.id == track)
    return [e.key for e in found.primary], [e.key for e in found.reserve]


ROWS = [company(1, 3, 10), company(2, 3, 2), company(3, 2, 8), company(4, 2, 4),
        company(5, 2, 1), company(6, 3, 6)]


def test_capacity_exclusivity_and_reserves(setup) -> None:
    result = run(setup, ROWS)
    poc, poc_reserve = lists(result, "poc")
    adopt, adopt_reserve = lists(result, "adopt")
    assert poc == ["id:c01"]  # level 3 prefers the PoC track (its first fitting track)
    assert len(adopt) == 2 and not set(adopt) & set(poc)  # one exclusive place each
    assert adopt == ["id:c03", "id:c06"]  # c06 lost the PoC place to c01 and came here
    assert "id:c06" in poc_reserve  # ...and stays first in line should the PoC place free up
    assert set(adopt_reserve) <= {"id:c02", "id:c04", "id:c05"}
    academy, _ = lists(result, "academy")
    assert len(academy) == 6  # not exclusive: everyone with a level may come


def test_every_company_has_a_reason_in_words(setup) -> None:
    result = run(setup, ROWS)
    adopt = next(t for t in result.tracks if t.track.id == "adopt")
    first = adopt.primary[0]
    assert first.reason.ko.startswith("보급 선정 (1/2위).")
    assert "대표 목표에 직접 답함" in first.reason.ko and "선정 점수" in first.reason.ko
    assert first.reason.en.startswith("Selected for Adoption (rank 1 of 2).")
    for entry in adopt.entries:
        assert entry.reason.ko and entry.reason.en


def test_not_eligible_names_the_rule_and_unknown_is_to_be_checked(setup) -> None:
    rows = [*ROWS, company(7, 3, 50, **{"company.district": "outside"}),
            company(8, 3, 50, **{"company.consent": None})]
    result = run(setup, rows)
    entries = {e.key: e for t in result.tracks for e in t.entries if t.track.id == "adopt"}
    assert entries["id:c07"].status == "not_eligible"
    assert "울산 소재 사업장" in entries["id:c07"].reason.ko
    assert entries["id:c08"].status == "not_eligible"
    assert entries["id:c08"].reason.ko.startswith("확인 필요: 진단 결과 활용 동의")


def test_same_inputs_same_lists_in_any_order(setup) -> None:
    forward = run(setup, ROWS)
    backward = run(setup, list(reversed(ROWS)))
    for track in ("adopt", "poc", "academy"):
        assert lists(forward, track) == lists(backward, track)


def test_decisions_are_applied_and_listed(setup) -> None:
    decisions = [Decision("c05", "", "adopt", "in", "지역 균형", "김담당", "2027-03-02"),
                 Decision("c01", "", "poc", "out", "유사 과제 수행 중", "김담당", "2027-03-02")]
    result = run(setup, ROWS, decisions)
    poc, _ = lists(result, "poc")
    adopt, _ = lists(result, "adopt")
    assert "id:c05" in adopt and len(adopt) == 2  # forced in, within the capacity
    assert "id:c01" not in poc and poc == ["id:c06"]  # the next best takes the place
    assert sorted((d.company_id, e.track.id, e.status) for d, e in result.decisions) == [
        ("c01", "poc", "excluded"), ("c05", "adopt", "primary")]
    forced = next(e for t in result.tracks for e in t.entries
                  if t.track.id == "adopt" and e.key == "id:c05")
    assert "담당자 결정: 지역 균형" in forced.reason.ko


def test_a_once_track_does_not_select_a_company_it_already_supported(setup) -> None:
    received = [frozenset({"adopt", "academy"}) if row["company.id"] == "c03" else frozenset()
                for row in ROWS]
    result = run(setup, ROWS, received=received, once=("adopt",))
    adopt = {e.key: e for t in result.tracks if t.track.id == "adopt" for e in t.entries}
    assert adopt["id:c03"].status == "not_eligible" and adopt["id:c03"].received
    assert "이미 이 트랙의 지원을 받았습니다" in adopt["id:c03"].reason.ko
    assert "already supported by this track" in adopt["id:c03"].reason.en
    assert "id:c03" not in lists(result, "adopt")[0] and len(lists(result, "adopt")[0]) == 2
    assert "id:c03" in lists(result, "academy")[0]  # not a once track: training again is fine
    before = run(setup, ROWS, received=received)  # the same support, no track marked once
    assert "id:c03" in lists(before, "adopt")[0]


def test_only_each_companys_latest_round_takes_a_place(setup) -> None:
    rounds = [{**row, "assessment.round": "baseline", "assessment.date": "2026-03-10"}
              for row in ROWS]
    again = {**company(3, 3, 8), "assessment.round": "followup", "assessment.date": "2026-11-10"}
    rows = [*rounds, again]
    twice = run(setup, rows)  # without the rule, c03 could take two places in one track
    assert sum(e.key == "id:c03" for t in twice.tracks if t.track.id == "academy"
               for e in t.entries) == 2
    result = run(setup, rows, latest=True)
    for track in result.tracks:
        keys = [e.key for e in track.entries]
        assert len(keys) == len(set(keys)), track.track.id
    academy = next(t for t in result.tracks if t.track.id == "academy")
    c03 = next(e for e in academy.entries if e.key == "id:c03")
    assert c03.row == len(rows) - 1  # the follow-up, not the baseline


# --- end to end through the CLI: the 150-company demo, the bundled and a written programme ----

DEMO_SEED = 16


def select_cli(*args: object) -> Any:
    result = CliRunner().invoke(app, ["select", *map(str, args), "--quiet"])
    assert result.exit_code == 0, result.stderr or result.output
    return result


def selection_json(out: Path) -> dict[str, Any]:
    return json.loads((out / "selection.json").read_text(encoding="utf-8"))


def track(data: dict[str, Any], track_id: str) -> dict[str, Any]:
    return next(t for t in data["tracks"] if t["id"] == track_id)


def keys(entries: list[dict[str, Any]]) -> list[str]:
    return [e["company"]["key"] for e in entries]


@pytest.fixture(scope="module")
def demo150(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """150 demo companies (and a 151st kept aside), selected once with the bundled programme
    and once with a programme file written here (fewer places, a longer reserve)."""
    root = tmp_path_factory.mktemp("demo150")
    q, _ = batch.load_content()
    made = list(demo.sample_responses(q, 151, seed=DEMO_SEED))
    for sample in made[:150]:
        responses.save(sample, root / "responses" / f"{sample.company['id']}.yaml")
    responses.save(made[150], root / "later" / f"{made[150].company['id']}.yaml")
    written = yaml.safe_load(DEFAULT_PROGRAMME.read_text(encoding="utf-8"))
    written["selection"]["reserve"] = 3
    places = {"ai-solution": 12, "validation": 3, "gpu-demo": 4, "data-pipeline": 6}
    for item in written["tracks"]:
        item["capacity"] = places.get(item["id"], item.get("capacity"))
    (root / "programme.yaml").write_text(yaml.safe_dump(written, allow_unicode=True),
                                         encoding="utf-8")
    select_cli(root / "responses", "--out", root / "bundled")
    select_cli(root / "responses", "--out", root / "written", "--programme",
               root / "programme.yaml")
    return {"root": root, "q": q, "places": places}


@pytest.mark.slow
@pytest.mark.parametrize("run", ["bundled", "written"])
def test_capacity_exclusivity_and_a_reason_for_everyone(demo150: dict[str, Any], run: str) -> None:
    root = demo150["root"]
    data = selection_json(root / run)
    q = demo150["q"]
    plan = programme_file.load(root / "programme.yaml" if run == "written" else None, q)
    capacity = {t.id: t.capacity for t in plan.tracks if not t.external}
    assert [t["id"] for t in data["tracks"]] == list(capacity)
    if run == "written":
        assert {k: capacity[k] for k in demo150["places"]} == demo150["places"]
    placed: dict[str, list[str]] = {}
    for found in data["tracks"]:
        limit = capacity[found["id"]]
        assert limit is None or len(found["primary"]) <= limit, found["id"]
        assert len(found["reserve"]) <= plan.selection.reserve
        if limit is not None and found["reserve"]:
            assert len(found["primary"]) == limit  # a reserve only once the places are full
        assert [e["rank"] for e in found["primary"]] == list(range(1, len(found["primary"]) + 1))
        for entry in [*found["primary"], *found["reserve"], *found["others"]]:
            assert entry["reason"].strip(), (found["id"], entry["company"]["key"])
            if entry["status"] == "not_eligible":
                assert entry["not_met"] or entry["to_check"]
        if found["exclusive"]:
            for key in keys(found["primary"]):
                placed.setdefault(key, []).append(found["id"])
    assert placed and all(len(tracks) == 1 for tracks in placed.values())  # one exclusive place
    adopt = track(data, "ai-solution")
    assert len(adopt["primary"]) == capacity["ai-solution"]  # 150 companies fill the places
    assert adopt["primary"][0]["reason"].startswith("AI 솔루션 보급 선정 (1/")


@pytest.mark.slow
def test_the_same_inputs_give_the_same_selection_json(demo150: dict[str, Any]) -> None:
    root = demo150["root"]
    files = sorted((root / "responses").glob("*.yaml"), reverse=True)  # another order
    select_cli(*files, "--out", root / "again")
    assert (root / "again" / "selection.json").read_bytes() == (
        root / "bundled" / "selection.json").read_bytes()


def decide(book: Any, sheet_name: str, company: str, word: str, reason: str) -> int:
    """Pick a decision in the row of ``company`` as an officer does; the row number."""
    sheet = book[sheet_name]
    header = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        if row[header.index("기업 ID")].value == company:
            row[header.index("결정")].value = word
            row[header.index("결정 사유")].value = reason
            row[header.index("결정자")].value = "김담당"
            row[header.index("결정일")].value = dt.datetime(2026, 4, 2)
            return row[0].row
    raise AssertionError(company)


@pytest.mark.slow
def test_decisions_round_trip_through_the_workbook(demo150: dict[str, Any]) -> None:
    """The officer edits the decision column of selection.xlsx and passes the file back."""
    root, places = demo150["root"], demo150["places"]
    before = selection_json(root / "written")
    adopt, data = track(before, "ai-solution"), track(before, "data-pipeline")
    dropped = adopt["primary"][0]  # out of the AI-solution track: the next one moves up
    next_in = adopt["reserve"][0]
    forced = next(e for e in data["others"] if e["status"] == "waiting")  # into data-pipeline
    last = data["primary"][-1]  # ...so the last of its list makes way
    book = load_workbook(root / "written" / "selection.xlsx")
    decide(book, adopt["name"], dropped["company"]["id"], "제외", "유사 과제 수행 중")
    decide(book, data["name"], forced["company"]["id"], "선정", "지역 균형")
    decided = root / "officer" / "selection.xlsx"
    decided.parent.mkdir()
    book.save(decided)

    select_cli(root / "responses", "--out", root / "decided", "--programme",
               root / "programme.yaml", "--decisions", decided)
    after = selection_json(root / "decided")
    adopt_after, data_after = track(after, "ai-solution"), track(after, "data-pipeline")
    assert len(adopt_after["primary"]) == places["ai-solution"]  # the capacity is kept
    assert len(data_after["primary"]) == places["data-pipeline"]
    kept = [k for k in keys(adopt["primary"]) if k != dropped["company"]["key"]]
    (newcomer,) = [e for e in adopt_after["primary"] if e["company"]["key"] not in kept]
    assert [k for k in keys(adopt_after["primary"]) if k in kept] == kept  # all stay, in order
    # the place goes to the first of the reserve, or to a company the excluded one displaced
    # from the track it now goes to (tracks are exclusive: it competes there next)
    elsewhere = {e["company"]["key"] for e in adopt["others"] if e["status"] == "elsewhere"}
    assert newcomer["company"]["key"] in {next_in["company"]["key"]} | elsewhere
    scores = [e["score"] for e in adopt_after["primary"]]
    assert scores == sorted(scores, reverse=True)
    excluded = next(e for e in adopt_after["others"]
                    if e["company"]["key"] == dropped["company"]["key"])
    assert excluded["status"] == "excluded" and "유사 과제 수행 중" in excluded["reason"]
    assert forced["company"]["key"] in keys(data_after["primary"])
    assert last["company"]["key"] == keys(data_after["reserve"])[0]
    entry = next(e for e in data_after["primary"] if e["company"]["key"] ==
                 forced["company"]["key"])
    assert "담당자 결정: 지역 균형" in entry["reason"]
    assert sorted((d["company"], d["track"], d["decision"], d["reason"], d["who"], d["when"],
                   d["result"]) for d in after["decisions"]) == sorted([
        (dropped["company"]["name"], "ai-solution", "out", "유사 과제 수행 중", "김담당",
         "2026-04-02", "excluded"),
        (forced["company"]["name"], "data-pipeline", "in", "지역 균형", "김담당", "2026-04-02",
         "primary")])
    # the new workbook lists the decisions applied; passed back, it decides the same
    record = load_workbook(root / "decided" / "selection.xlsx")["담당자 결정 내역"]
    assert sorted(r[1:3] for r in record.iter_rows(min_row=2, values_only=True)) == sorted([
        (adopt["name"], "제외"), (data["name"], "선정")])  # tracks by their names

    # a company arrives later: the decisions still hold, by company and track
    select_cli(root / "responses", root / "later", "--out", root / "later-out", "--programme",
               root / "programme.yaml", "--decisions", root / "decided" / "selection.xlsx")
    later = selection_json(root / "later-out")
    assert dropped["company"]["key"] not in keys(track(later, "ai-solution")["primary"])
    assert forced["company"]["key"] in keys(track(later, "data-pipeline")["primary"])
    assert len(track(later, "ai-solution")["primary"]) == places["ai-solution"]
    assert sorted(d["decision"] for d in later["decisions"]) == ["in", "out"]
    assert sum(e["company"]["id"] == "ulsan-0151" for t in later["tracks"]
               for e in [*t["primary"], *t["reserve"], *t["others"]]) > 0  # the newcomer ran


@pytest.mark.slow
def test_the_selection_workbook_reads_as_it_is_opened(demo150: dict[str, Any]) -> None:
    book = load_workbook(demo150["root"] / "bundled" / "selection.xlsx")
    data = selection_json(demo150["root"] / "bundled")
    adopt = book[track(data, "ai-solution")["name"]]
    header = [c.value for c in adopt[2]]
    column = {title: adopt.cell(2, i + 1).column_letter for i, title in enumerate(header)}
    assert adopt["A1"].value.startswith("결정 열에서")
    (rule,) = adopt.data_validations.dataValidation  # the drop-down is on the decision column
    assert str(rule.sqref).startswith(f"{column['결정']}3:") and rule.formula1 == '"선정,제외"'
    assert adopt[f"{column['연간 효과']}3"].number_format == '#,##0"원"'
    assert adopt.column_dimensions[column["결정일"]].number_format == "yyyy-mm-dd"  # typed dates
    assert adopt[f"{column['상태']}3"].value == "선정"
    assert adopt.column_dimensions[column["기업명"]].width >= max(
        xlsx.text_width(str(c.value)) for c in adopt[column["기업명"]][2:] if c.value)
    assert adopt.page_setup.orientation == "landscape" and adopt.page_setup.fitToWidth == 1
    assert adopt.print_title_rows == "$2:$2"
    for sheet in book.worksheets:  # an Excel table on every sheet
        assert len(sheet.tables) == 1, sheet.title


def test_the_city_report_gives_kpi_medians_with_their_units(tmp_path: Path) -> None:
    from diagnose.engine import city
    from diagnose.render import selection_doc

    q, _ = batch.load_content()
    for sample in demo.sample_responses(q, 12, seed=3):
        responses.save(sample, tmp_path / f"{sample.company['id']}.yaml")
    scored = batch.score_inputs([tmp_path])
    figures = city.figures(scored.scores.table, q, [[] for _ in range(12)], None, None, "ko")
    units = {m.label.split(" (")[0]: m.unit for m in figures.kpis}
    assert units["공정 불량률"] == "%" and units["연간 에너지 비용"] == "백만원"
    shown = {row[1].split(" (")[0]: row[2]
             for row in selection_doc.city_rows(figures, "ko") if row[0].startswith("기준 경영")}
    assert shown["공정 불량률"].split(" (n=")[0].endswith("%")
    assert shown["연간 비계획 정지 시간"].split(" (n=")[0].endswith("\u00a0시간/년")
    assert shown["연간 에너지 비용"].split(" (n=")[0].endswith("만\u00a0원")  # money, not "253.00"
    assert selection_doc.kpi_figure(253.0, "백만원", "en") == "KRW\u00a0253\u00a0million"
    assert selection_doc.kpi_figure(-0.5, "%", "ko", signed=True) == "-0.5%"
    assert selection_doc.kpi_figure(2.0, "%", "ko", signed=True) == "+2%"


def test_select_reads_the_latest_round_and_the_support_it_records(tmp_path: Path) -> None:
    """The job end to end: a company assessed again is listed once per track, on its
    follow-up, and a once track does not select it again after supporting it."""
    q, _ = batch.load_content()
    made = list(demo.sample_responses(q, 8, seed=DEMO_SEED))
    for sample in made:
        responses.save(sample, tmp_path / "in" / f"{sample.company['id']}.yaml")
    again = demo.followup_response(q, made[2])
    again.assessment.support_since_last = ["AI 솔루션 보급"]  # by name, as consultants write
    responses.save(again, tmp_path / "in" / f"{made[2].company['id']}_followup.yaml")
    select_cli(tmp_path / "in", "--out", tmp_path / "out")
    data = selection_json(tmp_path / "out")
    key = f"id:{made[2].company['id']}"
    for found in data["tracks"]:
        entries = [e for part in ("primary", "reserve", "others") for e in found[part]]
        assert sum(e["company"]["key"] == key for e in entries) <= 1, found["id"]
    solution = [e for part in ("primary", "reserve", "others")
                for e in track(data, "ai-solution")[part] if e["company"]["key"] == key]
    assert solution  # a candidate for the track it already had: refused, saying why
    assert solution[0]["status"] == "not_eligible" and "once" in solution[0]["not_met"]


def test_a_project_that_does_not_pay_its_upkeep_has_no_impact() -> None:
    """Values are net of upkeep: a negative one is known to be poor, not unknown."""
    assert selection._impact(-5_000_000) == 0.0
    assert selection._impact(None) == selection.IMPACT_UNKNOWN
    assert 0 < selection._impact(100_000_000) <= 1
