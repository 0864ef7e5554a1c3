"""The PDF report as a company reads it: the verdict first, findings, projects, roadmap, form."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core import labels
from diagnose.engine import batch
from diagnose.jobs import reports
from diagnose.render import report, typography

BASE = """\
questionnaire: {{id: mfg-ai-readiness, version: '2.0'}}
company: {{id: {cid}, name: '{name}', name_en: 'Ulsan Precision Co., Ltd.', industry: {industry},
  employees: 120, defect_rate: 3.0, annual_production_value: 20000, visual_inspection: 'yes',
  visual_inspectors: 6, smart_factory_level: basic, goal_area: quality_inspection,
  pain_areas: [quality_inspection, predictive_maintenance], oem_customers: [hyundai_mobis]}}
assessment: {{date: 2026-04-02, round: baseline, consultant: 이서연}}
answers:
  strategy.vision: {{value: 2, note: '대표 면담: 로드맵 문서 없음'}}
  strategy.ai_goal: '찍힘 불량 유출 제로, 육안 검사 인원 절반으로'
  process.pain_point: '검사원이 부족해 야간 출하 검사를 못 한다'
  data.collection: 2
  data.has_vision_images: 'yes'
  data.labelled_images: 2
  infra.plc_connectivity: 2
  process.quality_inspection: {inspection}
  talent.ai_skills: 2
  culture.change_acceptance: 3
status: complete
"""
runner = CliRunner()


def write_response(folder: Path, cid: str = "ulsan-0042", name: str = "(주)울산정밀",
                   inspection: int = 2, industry: str = "auto-parts") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{cid}.yaml"
    path.write_text(BASE.format(cid=cid, name=name, inspection=inspection, industry=industry),
                    encoding="utf-8")
    return path


def goal_answer(tmp_path: Path, lang: str = "ko") -> str:
    """The name of the project the report gives as the answer to the CEO's goal."""
    result = batch.score_inputs([write_response(tmp_path / "ctx")], lang=lang)
    answer = reports.report_jobs(result, tmp_path / "x", lang)[0].context["verdict"]["answer"]
    assert answer is not None
    return answer["name"]


def render(tmp_path: Path, lang: str = "ko", inspection: int = 2, name: str = "(주)울산정밀"
           ) -> Path:
    source = write_response(tmp_path / "in", name=name, inspection=inspection)
    result = batch.score_inputs([source], lang=lang)
    (pdf,) = reports.render_reports(result, tmp_path / "out", lang, workers=1)
    return pdf


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def page_texts(pdf: Path) -> list[str]:
    return [typography.strip_joiners(page.extract_text() or "") for page in PdfReader(pdf).pages]


def layout_lines(pdf: Path) -> list[str]:
    """The PDF's text line by line as laid out (pdftotext -layout)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def outline_titles(pdf: Path) -> list[str]:
    def walk(items: list) -> list[str]:
        found = []
        for item in items:
            found.extend(walk(item) if isinstance(item, list) else [item.title])
        return found

    return walk(PdfReader(pdf).outline)


@pytest.fixture(scope="module")
def korean_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean report of ``BASE`` as it is (inspection 2), rendered once for the tests that
    only read it."""
    return render(tmp_path_factory.mktemp("korean"))


@pytest.mark.slow
def test_the_first_pages_answer_the_ceos_goal_in_their_words(korean_pdf: Path,
                                                            tmp_path: Path) -> None:
    pages = page_texts(korean_pdf)
    first = pages[1]
    assert "한눈에 보는 진단 결과" in first and "대표님이 물으신 것" in first
    assert "찍힘 불량 유출 제로, 육안 검사 인원 절반으로" in first  # the CEO's own words
    assert "검사원이 부족해 야간 출하 검사를 못 한다" in first
    assert goal_answer(tmp_path) in first  # the answer, on the same page
    verdict = "\n".join(pages[1:3])
    for part in ("걸려 있는 가치", "주요 발견 세 가지", "대표님이 결정할 것", "앞으로 90일", "연락처",
                 "자동 작성 요약", "스마트공장"):
        assert part in verdict, part
    assert "백분율" not in "\n".join(pages)


@pytest.mark.slow
def test_money_reads_as_business_documents_write_it(korean_pdf: Path) -> None:
    text = "\n".join(page_texts(korean_pdf))
    assert re.search(r"\d억 \d{1,3}(,\d{3})*만 원|\d{1,3}(,\d{3})*만 원", text)
    assert not re.search(r"\d 백만원", text)  # not "565 백만원"


@pytest.mark.slow
def test_korean_words_stay_whole_across_line_ends(korean_pdf: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Every word of the long Korean paragraphs is found whole on some line. Without the word
    joiners WeasyPrint breaks between syllables, and some word is then found on no line."""
    def broken(pdf: Path) -> list[str]:
        lines = layout_lines(pdf)
        paragraphs = " ".join(labels.label(f"report.{key}", "ko") for key in (
            "confidential_text", "recs_intro", "roadmap_intro"))
        words = {w.strip("().,:") for w in paragraphs.split() if len(w.strip("().,:")) > 1}
        return sorted(w for w in words if not any(w in line for line in lines))

    assert broken(korean_pdf) == []
    monkeypatch.setattr(typography, "keep_words", lambda text: text)
    assert broken(render(tmp_path)) != []  # the check can fail: plain text does break


@pytest.mark.slow
def test_every_part_is_there_and_bookmarks_hold_no_scores(korean_pdf: Path) -> None:
    text = "\n".join(page_texts(korean_pdf))
    for heading in ("AI 준비도 진단 보고서", "차례", "대외비", "발행일", "영역별 수준", "영역별 진단",
                    "다음 단계로 가려면", "추천 과제와 로드맵", "24개월 로드맵", "위험과 대응",
                    "원청 4M 변경 승인", "부록 B. 우선순위와 효과 산정", "부록 C. 비교 기준",
                    "부록 D. 메모·증빙이 있는 응답", "발행 정보", "(주)울산정밀", "대표 면담: 로드맵 문서 없음"):
        assert heading in text, heading
    titles = outline_titles(korean_pdf)
    assert {"한눈에 보는 진단 결과", "추천 과제와 로드맵", "24개월 로드맵", "데이터"} <= set(titles)
    assert not [t for t in titles if re.search(r"\d\.\d\d", t)]  # no scores
    assert len(titles) == len(set(titles))  # no sub-heading repeated under every dimension
    assert not [t for t in titles if "\u2060" in t]
    assert PdfReader(korean_pdf).metadata.title == "(주)울산정밀 · AI 준비도 진단 보고서"


@pytest.mark.slow
def test_the_pdf_is_tagged_with_its_language_and_chart_descriptions(korean_pdf: Path) -> None:
    reader = PdfReader(korean_pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ko"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    alts = []

    def walk(node: object, depth: int = 0) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            if depth < 60:
                walk(node.get("/K"), depth + 1)
        elif isinstance(node, list):
            for child in node:
                walk(child, depth + 1)

    walk(root["/StructTreeRoot"])
    assert any(a.startswith("영역별 점수") for a in alts), alts
    assert any(a.startswith("24개월 로드맵") for a in alts), alts


@pytest.mark.slow
def test_same_inputs_give_a_byte_identical_pdf(korean_pdf: Path, tmp_path: Path) -> None:
    first = korean_pdf.read_bytes()  # rendered earlier in this process, other reports between
    second = render(tmp_path).read_bytes()
    assert first == second


@pytest.mark.slow
def test_a_report_does_not_depend_on_the_other_files_in_the_command(tmp_path: Path) -> None:
    alone, together = tmp_path / "alone", tmp_path / "together"
    write_response(alone)
    write_response(together)
    for i in range(6):  # a peer group of its own industry, had --peers been given
        write_response(together, cid=f"ulsan-1{i:03d}", name=f"동종{i}", inspection=1 + i % 5)
    for folder in (alone, together):
        run = runner.invoke(app, ["report", str(folder), "--out", str(folder / "pdf"),
                                  "--workers", "1", "--quiet"])
        assert run.exit_code == 0, run.output
    name = "ulsan-0042_baseline.pdf"
    assert (alone / "pdf" / name).read_bytes() == (together / "pdf" / name).read_bytes()
    run = runner.invoke(app, ["report", str(together), "--out", str(tmp_path / "peers"),
                              "--workers", "1", "--quiet", "--peers"])
    assert run.exit_code == 0, run.output
    with_peers = "".join(text_of(tmp_path / "peers" / name).split())
    assert "동종그룹중앙값" in with_peers and "(n=7)" in with_peers
    assert "벤치마크중앙값" in "".join(text_of(alone / "pdf" / name).split())


@pytest.mark.slow
def test_the_date_of_issue_is_an_option_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    source = write_response(tmp_path / "in")
    run = runner.invoke(app, ["report", str(source), "--out", str(tmp_path / "out"),
                              "--issued", "2026-05-20", "--workers", "1", "--quiet"])
    assert run.exit_code == 0, run.output
    cover = page_texts(tmp_path / "out" / "ulsan-0042_baseline.pdf")[0]
    assert "2026-05-20" in cover and "2026-04-02" in cover
    bad = runner.invoke(app, ["report", str(source), "--out", str(tmp_path / "out"),
                              "--issued", "20.5.2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    assert "Traceback" not in bad.output


@pytest.mark.slow
def test_only_the_bundled_korean_font_is_embedded(tmp_path: Path) -> None:
    # A glyph missing from NanumGothic would pull in a system fallback font (DejaVu): every
    # font in the PDF being a NanumGothic subset means every character had its glyph, the word
    # joiners included.
    reader = PdfReader(render(tmp_path, name="(주)똠방각하 & Co. ①"))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("+NanumGothic" in f for f in fonts), fonts  # embedded subsets


@pytest.mark.slow
def test_english_report_keeps_the_company_name_with_its_romanised_name(tmp_path: Path) -> None:
    pages = page_texts(render(tmp_path, lang="en"))
    assert "(주)울산정밀" in pages[0] and "Ulsan Precision Co., Ltd." in pages[0]
    text = "\n".join(pages)
    for heading in ("The diagnosis at a glance", "What you asked", "Value at stake",
                    "Decisions for the CEO", "The next 90 days", "Level by dimension",
                    "Findings by dimension", "Recommendations and roadmap", "24-month roadmap",
                    "Risks and responses", goal_answer(tmp_path, "en")):
        assert heading in text, heading
    assert re.search(r"KRW \d[\d.,]* million", text)
    assert "백만" not in text
    assert PdfReader(render(tmp_path / "again", lang="en")).trailer["/Root"]["/Lang"] == "en"


def test_a_consultants_verdict_comes_first_and_a_generated_one_is_marked(tmp_path: Path) -> None:
    source = write_response(tmp_path / "in")
    result = batch.score_inputs([source])
    context = report.build_context(result.scores, 0, result.responses[0], "ko")
    assert context["verdict"]["generated"] and "(주)울산정밀" in context["verdict"]["text"]

    written = source.read_text(encoding="utf-8").replace(
        "consultant: 이서연}", "consultant: 이서연, summary: '라벨링 두 달 뒤 비전 검사를 시작하십시오.'}")
    source.write_text(written, encoding="utf-8")
    result = batch.score_inputs([source])
    assert not result.rejections
    context = report.build_context(result.scores, 0, result.responses[0], "ko")
    assert not context["verdict"]["generated"]
    assert context["verdict"]["text"] == "라벨링 두 달 뒤 비전 검사를 시작하십시오."


def test_the_level_is_named_in_the_reports_language_whatever_the_table_was_scored_in(
        tmp_path: Path) -> None:
    result = batch.score_inputs([write_response(tmp_path / "in")], lang="ko")
    context = report.build_context(result.scores, 0, result.responses[0], "en")
    level = context["overall"]["level"]
    assert context["overall"]["level_name"] == result.scores.rubric.level_name(level, "en")
    assert not re.search("[가-힣]", context["overall"]["level_name"])


def test_context_never_names_other_companies(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(5):
        write_response(folder, cid=f"c-{i}", name=f"비밀기업{i}")
    result = batch.score_inputs([folder])
    jobs = reports.report_jobs(result, tmp_path / "out", "ko", batch_peers=True)
    flat = repr(jobs[0].context)
    assert "비밀기업0" in flat and not any(f"비밀기업{i}" in flat for i in range(1, 5))
    assert "n=5" in flat  # five companies: the peer median is shown


@pytest.mark.slow
def test_rendering_logs_no_missing_glyph_or_fetch_warning(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.WARNING, logger="weasyprint")
    caplog.set_level(logging.WARNING, logger="fontTools")
    render(tmp_path, name="(주)똠방각하 <img src=\"file:///etc/passwd\">")
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    svg_noise = re.compile(r"^Ignored `(fill|stroke[a-z-]*|font-[a-z-]+|text-anchor|"
                           r"clip-path|opacity)\b.* at 1:\d+, unknown property\.$")
    problems = [m for m in messages if not svg_noise.match(m)]
    assert not problems, problems


@pytest.mark.slow
def test_the_pdf_title_drops_direction_and_control_characters(tmp_path: Path) -> None:
    """A viewer shows /Title in its title bar as it is: a right-to-left override there would
    turn the name around. The page itself shows the name as written (tested elsewhere)."""
    pdf = render(tmp_path, name="(주)울산\u202e정밀\u2066")
    title = PdfReader(pdf).metadata.title
    assert title.startswith("(주)울산정밀 · ")
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", title)


@pytest.mark.slow
def test_a_500_character_name_leaves_the_cover_facts_on_page_one(tmp_path: Path) -> None:
    """The cover cuts a name too long for it (the colophon keeps it whole): date, round,
    consultant and level stay on page 1."""
    name = ("울산정밀가공" * 100)[:500]
    pdf = render(tmp_path, name=name)
    context = reports.report_jobs(batch.score_inputs([tmp_path / "in"]), tmp_path / "x",
                                  "ko")[0].context
    pages = page_texts(pdf)
    first = pages[0]
    for fact in (context["assessment"]["date"], context["assessment"]["round_name"],
                 context["assessment"]["consultant"], context["overall"]["level_name"]):
        assert fact and fact in first, fact
    assert "…" in first and name not in re.sub(r"\s", "", first)
    assert name in re.sub(r"\s", "", pages[-1])  # the colophon: the name in full


@pytest.mark.slow
def test_who_to_call_never_leaves_a_blank_and_appendix_d_points_to_the_rest(
        korean_pdf: Path) -> None:
    """The programme file gives no phone or e-mail (they come from the call, never guessed):
    the contact line says so instead of printing nothing. Appendix D lists the answers with a
    note and says where the others are."""
    text = "\n".join(page_texts(korean_pdf))
    assert "문의처는 사업 공고 참조" in text
    assert "울산 AI 사업단 (주관기관 울산테크노파크)" in text
    appendix = text[text.index("부록 D. 메모·증빙이 있는 응답"):]
    assert "대표 면담: 로드맵 문서 없음" in appendix  # the note and its answer
    assert re.search(r"나머지 응답 \d+개는 응답 파일 ulsan-0042\.yaml에 있습니다", appendix)
    assert appendix[:appendix.index("나머지 응답")].count("→") == 1  # only the noted answer


def test_a_contact_shows_what_the_programme_file_gives_and_never_a_blank() -> None:
    from diagnose.render import verdict

    office = {"organisation": "울산 AI 사업단", "role": "", "phone": "052-000-0000",
              "email": "", "url": ""}
    rec = {"track_contact": {"organisation": "", "role": "", "phone": "", "email": "",
                             "url": ""}, "track_provider": "한국산업안전보건공단",
           "track_external": True, "start_month": 2, "track": "KOSHA",
           "track_window_short": "공고 확인 필요"}
    found = verdict.contacts("이서연", office, [rec], "ko")
    assert [c["name"] for c in found] == ["이서연", "울산 AI 사업단", "한국산업안전보건공단"]
    assert found[1]["reach"] == ["052-000-0000"]
    assert found[2]["reach"] == ["문의처는 사업 공고 참조"]
    assert all(c["about"] for c in found)
