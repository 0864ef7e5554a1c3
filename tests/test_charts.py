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
