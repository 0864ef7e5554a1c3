"""The demo's sample companies tell coherent stories (they are what stakeholders judge us by)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from diagnose.content import catalogue as catalogue_file
from diagnose.content import programme as programme_file
from diagnose.content.questionnaire import Questionnaire
from diagnose.core.i18n import pick
from diagnose.engine import batch, recommend
from diagnose.inputs import responses
from diagnose.inputs.responses import Response
from diagnose.jobs import demo, reports

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bundled() -> Questionnaire:
    return batch.load_content()[0]


@pytest.fixture(scope="module")
def cohort(bundled: Questionnaire) -> list[Response]:
    return list(demo.sample_responses(bundled, 150, seed=2026))


def _scored(samples: list[Response], folder: Path) -> batch.Batch:
    for sample in samples:
        responses.save(sample, folder / f"{sample.company['id']}.yaml")
    return batch.score_inputs([folder])


def _value(sample: Response, qid: str) -> object:
    answer = sample.answers.get(qid)
    return None if answer is None else answer.value


def test_the_same_seed_gives_the_same_companies(bundled: Questionnaire) -> None:
    first = [responses.to_yaml(r) for r in demo.sample_responses(bundled, 8, seed=11)]
    again = [responses.to_yaml(r) for r in demo.sample_responses(bundled, 8, seed=11)]
    other = [responses.to_yaml(r) for r in demo.sample_responses(bundled, 8, seed=12)]
    assert first == again
    assert first != other


@pytest.mark.parametrize("seed", [2026, 7, 3, 150])
def test_the_first_four_companies_span_levels_one_to_four(bundled: Questionnaire,
                                                          tmp_path: Path, seed: int) -> None:
    samples = list(demo.sample_responses(bundled, 4, seed=seed))
    table = _scored(samples, tmp_path).scores.table
    assert list(table["overall.level"]) == [1, 2, 3, 4]
    assert list(table["company.industry"]) == ["shipbuilding", "auto-parts", "petrochemical",
                                               "auto-parts"]


def test_every_answer_and_profile_fact_loads_without_a_warning(
        cohort: list[Response], tmp_path: Path) -> None:
    result = _scored(cohort[:40], tmp_path)
    assert result.rejections == []
    assert result.warnings == []
    assert len(result.scores.table) == 40


def test_a_default_demo_covers_ulsans_five_districts(bundled: Questionnaire) -> None:
    districts = {r.company["district"] for r in demo.sample_responses(bundled, 12)}
    assert {"jung", "nam", "dong", "buk", "ulju"} <= districts


def test_no_company_without_mes_or_scada_has_live_dashboards(cohort: list[Response]) -> None:
    offline = [r for r in cohort if "infra.systems" in r.answers
               and not {"mes", "scada"} & set(r.answers["infra.systems"].value)]
    assert len(offline) > 20
    for sample in offline:
        for qid in ("culture.data_driven", "talent.data_literacy", "data.collection"):
            assert _value(sample, qid) in {None, 1, 2, 3}, (sample.company["name"], qid)
        assert _value(sample, "data.collection") in {None, 1, 2}
        assert _value(sample, "infra.connected_equipment_ratio") in {None, 0}
        assert _value(sample, "ai.in_operation") in {None, 1, 2}


def test_level_five_anchors_only_where_ai_is_in_operation(cohort: list[Response],
                                                         bundled: Questionnaire) -> None:
    """Almost every level-5 anchor describes AI at work: no AI in operation, no 5."""
    for sample in cohort:
        if _value(sample, "ai.in_operation") in {None, 4, 5}:
            continue  # in operation, or left open on the day
        fives = [qid for qid, a in sample.answers.items()
                 if bundled.items[qid].type == "level" and a.value == 5]
        assert fives == [], (sample.company["name"], fives)


def test_vision_questions_only_where_people_inspect_by_eye(cohort: list[Response]) -> None:
    asked = 0
    for sample in cohort:
        visual = sample.company["visual_inspection"] == "yes"
        if not visual:
            assert "data.has_vision_images" not in sample.answers
            assert sample.company["visual_inspectors"] == 0
        if "data.defect_image_count" in sample.answers:
            asked += 1
            count = sample.answers["data.defect_image_count"].value
            assert count in {"na", "unknown"} or (isinstance(count, int) and count > 0)
    assert asked > 20


def test_the_goal_is_one_of_the_pains_and_fits_the_plant(cohort: list[Response]) -> None:
    for sample in cohort:
        company = sample.company
        assert company["goal_area"] in company["pain_areas"]
        if company["goal_area"] == "quality_inspection":
            assert (company["visual_inspection"] == "yes"
                    or "inspection_testing" in company["main_processes"])
        if company["goal_area"] == "traceability_customer":
            assert {"quality_data_submission", "traceability"} & set(company["oem_demands"])
    goals = {r.company["goal_area"] for r in cohort}
    assert {"quality_inspection", "predictive_maintenance", "energy", "safety"} <= goals


def test_a_ceo_whose_goal_is_safety_gets_a_safety_solution_first(cohort: list[Response],
                                                                  tmp_path: Path) -> None:
    """Safety is a legal duty, priced by no payback: it must not fall behind a pain point's
    quick payback when the CEO named it (a shipyard subcontractor got scheduling first)."""
    safety = [s for s in cohort if s.company.get("goal_area") == "safety"]
    assert len(safety) >= 10
    scored = _scored(safety, tmp_path)
    q = scored.questionnaire
    plan = programme_file.load()
    cat = catalogue_file.load(q, plan)
    recs = recommend.recommend(scored.scores, scored.answers(), cat, plan)
    firsts = [r[0].solution for r in recs]
    assert all("safety" in s.goals for s in firsts), [s.id for s in firsts]


def test_moc_and_process_control_are_asked_where_they_belong(cohort: list[Response]) -> None:
    for sample in cohort:
        company = sample.company
        if "process.moc" in sample.answers:
            assert company["psm_applicable"] == "yes"
        if company["psm_applicable"] == "yes":
            assert company["industry"] in {"petrochemical", "refining"}
            assert company["production_type"] == "continuous"
        if "process.process_control" in sample.answers:
            assert {"reaction_distillation", "batch_mixing", "heat_treatment", "casting_forging",
                    "plating_surface"} & set(company["main_processes"])


def test_notes_are_about_the_question_they_sit_on(cohort: list[Response]) -> None:
    noted = {qid: a.note for r in cohort for qid, a in r.answers.items() if a.note}
    assert len(noted) >= 10
    for sample in cohort:
        for qid, answer in sample.answers.items():
            if not answer.note:
                continue
            if "위험성평가" in answer.note:
                assert qid == "process.safety_system"
            if "이미지" in answer.note or "사진" in answer.note:
                assert qid in {"data.has_vision_images", "data.defect_image_count",
                               "ai.in_operation"}
            if "돌발 정지" in answer.note:
                assert qid == "process.maintenance"
            if "대만" in answer.note and "나머지는 수기" in answer.note:  # only some connected
                assert qid == "data.collection" and answer.value in {2, 3}


def test_text_answers_read_as_korean_sentences(cohort: list[Response]) -> None:
    for sample in cohort:
        for qid in ("strategy.ai_goal", "process.pain_point"):
            text = _value(sample, qid)
            assert isinstance(text, str) and text, (sample.company["name"], qid)
            assert "을(를)" not in text and "{" not in text


def test_figures_are_plausible_for_size_and_industry(cohort: list[Response]) -> None:
    for sample in cohort:
        company = sample.company
        employees = company["employees"]
        value = company.get("annual_production_value")
        if value is not None:
            per_head = value / employees  # 백만원 per employee
            assert 80 <= per_head <= 3_200, (company["name"], per_head)
            if company.get("energy_cost") is not None:
                assert 0.005 <= company["energy_cost"] / value <= 0.16
            if company.get("claim_cost") is not None:
                assert company["claim_cost"] <= value * 0.02
        hours = company["operating_hours"]
        if company["production_type"] == "continuous" and company["industry"] != "food":
            assert hours >= 7_900
        else:
            assert 2_000 <= hours <= 7_200
        assert 0 <= company["visual_inspectors"] <= employees * 0.2
        if company.get("oee") is not None:
            assert 35 <= company["oee"] <= 95


def test_support_received_is_realistic(cohort: list[Response]) -> None:
    def share(key: str) -> float:
        return sum(key in r.company["support_received"] for r in cohort) / len(cohort)

    assert 0.3 <= share("smart_factory") <= 0.7
    assert share("ai_voucher") <= 0.2 and share("data_voucher") <= 0.15
    for sample in cohort:
        received = sample.company["support_received"]
        if received == ["none"]:
            assert "support_last_year" not in sample.company
        assert ("none" in received) == (received == ["none"])


def test_most_companies_could_invest_a_hundred_million_or_less(cohort: list[Response]) -> None:
    """KBIZ 2025: 68.9% of SMEs with smart factories would invest 1억 원 or less in AI."""
    low = sum(r.company["investment_capacity"] in {"under_30m", "30m_100m"} for r in cohort)
    assert 0.55 <= low / len(cohort) <= 0.85


# --- a new user's first hour (issue 13) -------------------------------------------------------

def test_the_survey_export_is_a_google_forms_export_of_the_questionnaire(
        bundled: Questionnaire, tmp_path: Path) -> None:
    """The demo's sample export has the shape Google Forms gives: timestamp and e-mail first,
    the Korean question texts as headers, labels (not values) as answers, ticked labels
    joined with ', ', blanks and 해당 없음/모름; and it scores without a rejection."""
    samples = list(demo.sample_responses(bundled, 12 + demo.SURVEY_COMPANIES))[12:]  # as the demo
    text = demo.survey_export(bundled, samples)
    header, *rows = list(csv.reader(io.StringIO(text)))
    items = [*bundled.profile, *bundled.questions]
    assert header == ["타임스탬프", "이메일 주소", *(pick(i.text, "ko") for i in items)]
    assert len(rows) == demo.SURVEY_COMPANIES
    assert all(row[0].startswith("2026. ") and ("오전" in row[0] or "오후" in row[0])
               and row[1].endswith("@example.com") for row in rows)
    cells = {item.id: [row[2 + k] for row in rows] for k, item in enumerate(items)}
    assert "(주)" in "".join(cells["name"]) and all(cells["name"])
    assert any(", " in cell for cell in cells["infra.systems"])  # Google Forms' join
    assert {c for c in cells["data.collection"] if c} <= {
        pick(o.label, "ko") for o in bundled.items["data.collection"].options}
    flat = [cell for column in cells.values() for cell in column]
    assert "" in flat and "해당 없음" in flat and "모름" in flat
    path = tmp_path / "survey-export.csv"
    path.write_text(text, encoding="utf-8")
    result = batch.score_inputs([path])
    assert result.rejections == []
    assert len(result.scores.table) == demo.SURVEY_COMPANIES
    assert len(set(result.scores.table["overall.level"])) >= 3  # not one kind of company
    assert demo.survey_export(bundled, samples) == text  # deterministic


def test_make_says_it_installs_before_the_silent_first_minute() -> None:
    """`make demo` on a new machine spends a minute in pip: a line says so first, and pip is
    not told to be quiet."""
    shown = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60, check=True).stdout
    lines = shown.splitlines()
    pip = next(i for i, line in enumerate(lines) if "pip install" in line)
    said = [line for line in lines[:pip] if "first run only" in line and "처음 한 번만" in line]
    assert said and said[0].startswith("echo ")
    assert " -q" not in lines[pip] and "--quiet" not in lines[pip]


def _name(key: str, round_: str, taken: set[str] | None = None, lang: str = "ko") -> str:
    return reports.report_name(key, round_, set() if taken is None else taken, lang)


@pytest.mark.parametrize("key", ["(주)" + "울산정밀기계" * 7,  # 45 characters: a real long name
                                 "울" * 500, "a" * 500, "울산 " * 170])
def test_a_long_company_name_keeps_its_round_and_never_replaces_another_report(
        key: str, tmp_path: Path) -> None:
    baseline, followup = _name(key, "baseline"), _name(key, "followup")
    assert baseline != followup  # the follow-up does not replace the baseline
    assert baseline.endswith("_baseline.pdf") and followup.endswith("_followup.pdf")
    other = _name(key[:-1] + "X", "baseline")  # same first 400 bytes, another company
    assert other != baseline
    assert _name(key, "baseline") == baseline  # the same name on every run
    taken: set[str] = set()
    first, second = _name(key, "baseline", taken, "en"), _name(key, "baseline", taken, "en")
    assert first.endswith("_baseline.en.pdf") and second.endswith("_baseline-2.en.pdf")
    for name in (baseline, followup, other, first, second):
        # with the temp file's affixes (.NAME.XXXXXXXX.tmp) within 255 bytes of UTF-8
        assert len(name.encode("utf-8")) + 16 <= 255, name
        (tmp_path / name).write_bytes(b"%PDF")
        (tmp_path / f".{name}.abcdefgh.tmp").write_bytes(b"")
    assert len(list(tmp_path.glob("*.pdf"))) == 5


def test_a_short_name_is_named_as_ever() -> None:
    assert _name("ulsan-0042", "baseline") == "ulsan-0042_baseline.pdf"
    assert _name("울산정밀(주)", "followup", lang="en") == "울산정밀(주)_followup.en.pdf"
    fits = "(주)" + "울산정밀기계" * 5  # 33 characters: the whole name and round fit
    assert _name(fits, "baseline") == f"{fits}_baseline.pdf"


def test_a_long_round_name_is_cut_but_kept_apart() -> None:
    one, two = _name("ulsan-0042", "r" * 300 + "1"), _name("ulsan-0042", "r" * 300 + "2")
    assert one != two and one.startswith("ulsan-0042_r") and len(one.encode()) <= 130


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``diagnose demo`` as a user runs it (three companies), its folder and what it printed."""
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    result = subprocess.run([sys.executable, "-m", "diagnose", "demo", "--out", str(out),
                             "--companies", "3", "--workers", "2"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


@pytest.mark.slow
def test_the_demo_writes_and_scores_a_sample_survey_export(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    export = out / "survey-export.csv"
    header = export.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("타임스탬프,이메일 주소,기업 관리번호,기업명,")
    table = list(csv.DictReader(io.StringIO(
        (out / "survey-scores.csv").read_text(encoding="utf-8-sig"))))
    assert len(table) == demo.SURVEY_COMPANIES
    assert (out / "survey-scores.xlsx").stat().st_size > 0
    visited = {row["company.id"] for row in csv.DictReader(io.StringIO(
        (out / "scores.csv").read_text(encoding="utf-8-sig")))}
    assert visited == {"ulsan-0001", "ulsan-0002", "ulsan-0003"}
    assert not visited & {row["company.id"] for row in table}  # other companies: no clash


@pytest.mark.slow
def test_the_demo_says_what_to_open_first(demo_run: tuple[Path, str]) -> None:
    out, printed = demo_run
    lines = printed.splitlines()
    first = next(line for line in lines if line.startswith("먼저 열어 볼 파일: "))
    pdf = Path(first.removeprefix("먼저 열어 볼 파일: ").split(" — ")[0])
    assert pdf == out / "reports" / "ulsan-0003_baseline.pdf" and pdf.is_file()
    assert "수준 3" in first  # the level-3 company: every part of a report shows
    then = next(line for line in lines if line.startswith("그다음: "))
    assert str(out / "cohort" / "cohort.pdf") in then
    assert any(f"score {out / 'survey-export.csv'} -o scores.xlsx" in line for line in lines)


@pytest.mark.slow
def test_the_demo_says_what_to_open_first_in_english(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = subprocess.run([sys.executable, "-m", "diagnose", "demo", "--out", str(out),
                             "--companies", "1", "--workers", "1", "--lang", "en"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"Open first: {out / 'reports' / 'ulsan-0001_baseline.en.pdf'}" in result.stdout
    assert f"Then: {out / 'cohort' / 'cohort.pdf'}" in result.stdout
    assert "먼저" not in result.stdout


def _score(folder: Path, out: Path, stderr: int, command: str = "score", option: str = "-o"
           ) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "diagnose", command, str(folder), option,
                           str(out)], stdout=subprocess.PIPE, stderr=stderr, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


def _on_a_terminal(folder: Path, out: Path, command: str = "score", option: str = "-o"
                   ) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """``_score(...)`` with standard error on a pseudo-terminal, and what it showed there."""
    import pty
    import threading

    controller, terminal = pty.openpty()
    shown: list[bytes] = []

    def drain() -> None:  # read as it is written: a full terminal buffer would block the child
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: all read
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        result = _score(folder, out, terminal, command, option)
        os.close(terminal)
        reader.join(timeout=30)
    finally:
        os.close(controller)
    return result, b"".join(shown).decode("utf-8", "replace")


@pytest.mark.slow
def test_score_shows_its_progress_on_a_terminal_only(bundled: Questionnaire,
                                                      tmp_path: Path) -> None:
    """Scoring 2,000 files takes a while: a bar counts the files read on a terminal; off a
    terminal (logs, pipes, CI) standard error holds no bar and no escape codes."""
    folder = tmp_path / "responses"
    folder.mkdir()
    for sample in demo.sample_responses(bundled, 30, seed=5):
        responses.save(sample, folder / f"{sample.company['id']}.yaml")
    result, text = _on_a_terminal(folder, tmp_path / "a.csv")
    assert result.returncode == 0
    assert "입력 파일 읽기" in text and "30/30" in text
    piped = _score(folder, tmp_path / "b.csv", subprocess.PIPE)
    assert piped.returncode == 0
    assert "입력 파일 읽기".encode() not in piped.stderr and b"\x1b[" not in piped.stderr
    assert piped.stderr.decode().splitlines() == [f"30건 채점 → {tmp_path / 'b.csv'}"]
    # cohort, report, select and recommend read many files too (report: before its own
    # rendering bar; three files, as each becomes a PDF)
    few = tmp_path / "few"
    few.mkdir()
    for path in sorted(folder.glob("*.yaml"))[:3]:
        (few / path.name).write_bytes(path.read_bytes())
    for command, inputs, count in (("cohort", folder, "30/30"), ("report", few, "3/3"),
                                   ("select", folder, "30/30")):
        result, text = _on_a_terminal(inputs, tmp_path / command, command, "--out")
        assert result.returncode == 0, (command, text[-500:])
        assert "입력 파일 읽기" in text and count in text, command
    result, text = _on_a_terminal(few, Path("3"), "recommend", "--top")  # --top 3
    assert result.returncode == 0 and "입력 파일 읽기" in text and "3/3" in text


# --- the follow-up round: the progress report's sample ---------------------------------------

def test_a_followup_is_eight_months_on_with_gains_a_lapse_and_the_support_received(
        bundled: Questionnaire) -> None:
    from diagnose.content import programme

    base = list(demo.sample_responses(bundled, 3))[1]
    follow = demo.followup_response(bundled, base)
    assert follow == demo.followup_response(bundled, base)  # the same every run
    assert follow.assessment.round == "followup"
    assert (follow.assessment.date - base.assessment.date).days == demo.FOLLOWUP_DAYS
    assert follow.assessment.consultant == base.assessment.consultant
    tracks = {t.id for t in programme.load(None, bundled).tracks}
    assert follow.assessment.support_since_last
    assert set(follow.assessment.support_since_last) <= tracks
    moved = {qid: (_value(base, qid), _value(follow, qid)) for qid in base.answers
             if _value(base, qid) != _value(follow, qid)}
    ups = [qid for qid, (a, b) in moved.items() if b == a + 1]
    downs = [qid for qid, (a, b) in moved.items() if b == a - 1]
    assert len(ups) >= 3 and len(downs) == 1 and len(moved) == len(ups) + 1
    assert "퇴사" in follow.answers[downs[0]].note  # a fall is explained, as a consultant would
    assert follow.company["defect_rate"] < base.company["defect_rate"]
    assert follow.company["energy_cost"] < base.company["energy_cost"]
    assert base.assessment.round == "baseline"  # the baseline itself is untouched


@pytest.mark.slow
def test_the_demo_links_a_followup_and_writes_its_progress_report(tmp_path: Path) -> None:
    summary = reports.run_demo(tmp_path / "d", companies=6, workers=1)
    assert summary["companies"] == 6 and summary["assessments"] == 7
    assert [Path(p).name for p in summary["progress"]] == ["ulsan-0002.pdf"]
    assert Path(summary["progress"][0]).stat().st_size > 10_000
    assert (tmp_path / "d" / "responses" / "ulsan-0002_followup.yaml").is_file()
    assert (tmp_path / "d" / "reports" / "ulsan-0002_followup.pdf").is_file()
    guide = reports.demo_guide(summary, "diagnose score x").render("ko")
    assert f"진척 보고서 예: {summary['progress'][0]}" in guide
