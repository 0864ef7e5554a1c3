"""The PDF report as a company reads it: sections, recommendations, outline, fonts, bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from diagnose.engine import batch
from diagnose.inputs.frame import answers_frame
from diagnose.jobs import reports
from diagnose.render import report

BASE = """\
questionnaire: {{id: mfg-ai-readiness, version: '1.0'}}
company: {{id: {cid}, name: '{name}', industry: metal, employees: 120, defect_rate: 3.0,
  annual_production_value: 20000}}
assessment: {{date: 2026-04-02, round: baseline, consultant: 이서연}}
answers:
  strategy.vision: {{value: 2, note: '대표 면담: 로드맵 문서 없음'}}
  data.collection: 2
  data.has_vision_images: 'yes'
  data.labelled_images: 4
  infra.plc_connectivity: 2
  process.quality_inspection: {inspection}
  talent.ai_skills: 2
status: complete
"""


def render(tmp_path: Path, lang: str = "ko", inspection: int = 2, name: str = "(주)울산정밀"
           ) -> Path:
    source = tmp_path / "in" / "a.yaml"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(BASE.format(cid="ulsan-0042", name=name, inspection=inspection),
                      encoding="utf-8")
    result = batch.score_inputs([source], lang=lang)
    (pdf,) = reports.render_reports(result, tmp_path / "out", lang, workers=1)
    return pdf


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def outline_titles(pdf: Path) -> list[str]:
    def walk(items: list) -> list[str]:
        found = []
        for item in items:
            found.extend(walk(item) if isinstance(item, list) else [item.title])
        return found

    return walk(PdfReader(pdf).outline)


@pytest.mark.slow
def test_every_section_is_there_in_korean(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    text = text_of(pdf)
    for heading in ("AI 준비도 진단 보고서", "요약", "강점", "보완이 필요한 영역", "성숙도 개요",
                    "영역별 진단", "다음 단계로 가려면", "AI 솔루션 추천", "추진 로드맵",
                    "부록: 전체 응답", "(주)울산정밀", "대표 면담: 로드맵 문서 없음"):
        assert heading in text, heading
    titles = outline_titles(pdf)
    assert "요약" in titles and "AI 솔루션 추천" in titles and "추진 로드맵" in titles
    info = PdfReader(pdf).metadata
    assert info.title == "(주)울산정밀 · AI 준비도 진단 보고서"


@pytest.mark.slow
def test_vision_inspection_is_recommended_only_when_inspection_is_weak(tmp_path: Path) -> None:
    weak = text_of(render(tmp_path / "weak", inspection=2))
    strong = text_of(render(tmp_path / "strong", inspection=5))
    assert "AI 비전 품질검사" in weak
    assert "연 약 180 백만원 절감" in weak  # 3 % x 20,000 x 30 %: the company's own figures
    assert "AI 비전 품질검사" not in strong


@pytest.mark.slow
def test_same_inputs_give_a_byte_identical_pdf(tmp_path: Path) -> None:
    first = render(tmp_path / "a").read_bytes()
    second = render(tmp_path / "b").read_bytes()
    assert first == second


@pytest.mark.slow
def test_only_the_bundled_korean_font_is_embedded(tmp_path: Path) -> None:
    # A glyph missing from NanumGothic would pull in a system fallback font (DejaVu): every
    # font in the PDF being a NanumGothic subset means every character had its glyph.
    reader = PdfReader(render(tmp_path, name="(주)똠방각하 & Co. ①"))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("+NanumGothic" in f for f in fonts), fonts  # embedded subsets


@pytest.mark.slow
def test_english_report(tmp_path: Path) -> None:
    text = text_of(render(tmp_path, lang="en"))
    for heading in ("Executive summary", "Maturity overview", "Findings by dimension",
                    "Recommended AI solutions", "Roadmap", "AI vision quality inspection"):
        assert heading in text, heading


def test_context_never_names_other_companies_and_peers_need_five(tmp_path: Path) -> None:
    from diagnose.engine import peers, scoring

    q, rules = batch.load_content()
    rows = [{"company.name": f"비밀기업{i}", "company.industry": "metal",
             "company.employees": 100, "data.collection": 1 + i % 5} for i in range(5)]
    frame = answers_frame(rows, q)
    scores = scoring.score(frame, q, rules)
    groups = peers.peer_groups(scores.table, q)
    context = report.build_context(scores, 0, None, "ko", [], None, groups[0])
    flat = repr(context)
    assert "비밀기업0" in flat and not any(f"비밀기업{i}" in flat for i in range(1, 5))
    assert "n=5" in flat  # five companies: the peer median is shown
    small = scoring.score(frame.iloc[:4].reset_index(drop=True), q, rules)
    lonely = report.build_context(small, 0, None, "ko", [], None,
                                  peers.peer_groups(small.table, q)[0])
    assert all(s["role"] != "peers" for s in lonely["radar_data"]["series"])
    assert "5개 사 이상" in lonely["peer_note"]


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
