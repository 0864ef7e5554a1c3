"""Charts: vector SVG, Korean labels as text, the same bytes for the same data."""

from __future__ import annotations

import re

from diagnose.render import charts

LABELS = ["전략·리더십", "데이터", "인프라·시스템", "공정·운영", "인재·역량"]


def radar() -> str:
    return charts.radar_svg(LABELS, [
        charts.Series("우리 회사", [2.4, 2.8, None, 2.4, 2.1]),
        charts.Series("목표", [3.4] * 5, "target"),
    ])


def test_radar_keeps_korean_labels_as_text_in_the_bundled_font() -> None:
    svg = radar()
    assert svg.startswith("<svg")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for label in [*LABELS, "우리 회사", "목표"]:
        assert label in texts
    assert "NanumGothic" in svg
    assert "<path" in svg and "<image" not in svg  # vector, not a bitmap


def test_radar_has_no_clip_paths_that_weasyprint_mishandles() -> None:
    assert "clip-path" not in radar()


def test_radar_is_reproducible() -> None:
    assert radar() == radar()


# --- the company report's charts, written as SVG --------------------------------------------------

def dots() -> str:
    rows = [charts.DimensionRow("데이터", 1.4, 2.3), charts.DimensionRow("전략·리더십", 2.9, 2.2),
            charts.DimensionRow("AI 적용·운영", None, 1.6)]
    return charts.dimension_svg(rows, 2.6, {"company": "진단 기업", "median": "벤치마크 중앙값",
                                            "target": "다음 단계 목표 (2.6)"},
                                "영역별 점수", "점수 없음")


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_dimension_chart_lists_dimensions_highest_first_with_their_values() -> None:
    shown = texts(dots())
    labels = [t for t in shown if t in {"데이터", "전략·리더십", "AI 적용·운영"}]
    assert labels == ["전략·리더십", "데이터", "AI 적용·운영"]  # sorted; no score last
    assert "2.90" in shown and "1.40" in shown and "점수 없음" in shown
    assert "<title>영역별 점수</title>" in dots()  # the tagged PDF's text alternative
    assert "<image" not in dots() and dots() == dots()


def test_gantt_draws_quarters_dependencies_and_cuts_at_the_horizon() -> None:
    rows = [charts.GanttRow("라벨링 300장", 1, 2, "prepare", (), "품질팀장"),
            charts.GanttRow("1. AI 비전 검사", 3, 8, "solution", (0,), "품질팀장"),
            charts.GanttRow("2. 디지털 트윈", 20, 31, "solution", (), "생산기술")]
    svg = charts.gantt_svg(rows, 24, {"year": "{n}년 차", "months": "개월 차", "range": "{a}~{b}",
                                      "beyond": "→ {n}개월 차"}, "로드맵")
    shown = texts(svg)
    assert shown[:2] == ["1년 차", "2년 차"]
    assert [t for t in shown if "~" in t and t[0].isdigit()][:8] == [
        "1~3", "4~6", "7~9", "10~12", "13~15", "16~18", "19~21", "22~24"]
    assert "→ 31개월 차" in shown  # runs past month 24
    assert svg.count("<path") == 1  # one dependency arrow: labelling -> vision
    assert "<title>로드맵</title>" in svg


def test_wrap_never_splits_a_korean_word() -> None:
    text = "감시 구역까지 네트워크를 깔거나 기존 CCTV 녹화기에 AI 장치를 연결"
    lines = charts.wrap(text, 40, 2.8)
    assert len(lines) == 2 and lines[-1].endswith("…")  # what does not fit is marked
    whole = set(text.split())
    for line in lines:  # every word on a line is whole, but the one cut short with '…'
        assert all(w in whole or w.endswith("…") for w in line.split())
    assert all(w in whole for w in lines[0].split())


def test_gantt_row_names_can_be_left_to_the_page() -> None:
    """The report sets the row names as page text (SVG text is laid out letter by letter):
    the SVG then holds none of them, and ``gantt_labels`` gives each with its padding."""
    rows = [charts.GanttRow("라벨링 300장", 1, 2, "prepare", (), "품질팀장"),
            charts.GanttRow("1. AI 비전 검사", 3, 8, "solution", (0,), "품질팀장")]
    header = {"year": "{n}년 차", "months": "개월 차", "range": "{a}~{b}",
              "beyond": "→ {n}개월 차"}
    with_names = texts(charts.gantt_svg(rows, 24, header, "로드맵"))
    without = texts(charts.gantt_svg(rows, 24, header, "로드맵", labels=False))
    assert "1. AI 비전 검사" in with_names and "1. AI 비전 검사" not in without
    assert set(without) < set(with_names)  # the bars, months and notes stay
    labels = charts.gantt_labels(rows)
    assert [(x["text"], x["kind"]) for x in labels] == [("라벨링 300장", "prepare"),
                                                        ("1. AI 비전 검사", "solution")]
    assert all(0 < float(x["pad"]) < charts.GANTT_ROW for x in labels)
