"""Rich renderings for the terminal: the questionnaire tree and result summaries."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.i18n import pick, visible
from diagnose.engine.scoring import Scores

TYPE_NAMES = {"level": {"ko": "수준", "en": "level"}, "multi": {"ko": "복수선택", "en": "multi"},
              "yesno": {"ko": "예/아니오", "en": "yes/no"}, "number": {"ko": "숫자", "en": "number"},
              "text": {"ko": "서술", "en": "text"}, "choice": {"ko": "단일선택", "en": "choice"}}


def questionnaire_tree(q: Questionnaire, lang: str) -> Tree:
    """Dimensions, questions and options as a tree (untrusted text is never markup)."""
    title = Text(f"{pick(q.title, lang)}  ", style="bold")
    count = len(q.scored_questions)
    title.append(f"{q.id} v{q.version} · " + (f"채점 문항 {count}개" if lang == "ko"
                                                else f"{count} scored questions"), style="dim")
    tree = Tree(title)
    profile = tree.add(Text("기업 정보" if lang == "ko" else "Company profile", style="bold cyan"))
    for item in q.profile:
        profile.add(Text(f"{item.id}: {pick(item.text, lang)} ({pick(TYPE_NAMES[item.type], lang)})"))
    for dim in q.dimensions:
        branch = tree.add(Text(f"{pick(dim.title, lang)} [{dim.id}]", style="bold cyan"))
        for question in dim.questions:
            label = Text(f"{question.id} ", style="dim")
            label.append(pick(question.text, lang))
            extra = [pick(TYPE_NAMES[question.type], lang)]
            if question.weight != 1:
                extra.append(f"w={question.weight:g}")
            if question.allow_na:
                extra.append("N/A")
            if question.show_if:
                extra.append(f"if {question.show_if.question}")
            label.append(f"  ({', '.join(extra)})", style="dim")
            node = branch.add(label)
            for option in question.choices():
                weight = f" (w={option.weight:g})" if question.type == "multi" and \
                    option.weight != 1 else ""
                node.add(Text(f"{option.value}. {pick(option.label, lang)}{weight}"))
            for band in question.bands:
                bound = f"≤ {band.max:g}" if band.max is not None else "…"
                node.add(Text(f"{bound} → {band.level}"))
    return tree


def _fmt(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.2f}"


def score_summary(scores: Scores, lang: str, limit: int = 50) -> Table:
    """One line per assessment: name, level, overall and dimension scores."""
    q = scores.questionnaire
    # Compact enough for an 80-column terminal: dimension ids as headers, one line per company.
    table = Table(title="진단 결과" if lang == "ko" else "Results", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column("기업" if lang == "ko" else "Company", overflow="ellipsis", no_wrap=True,
                     max_width=16)
    table.add_column("수준" if lang == "ko" else "Lv", no_wrap=True, min_width=2)
    table.add_column("종합" if lang == "ko" else "All", justify="right", no_wrap=True, min_width=4)
    for dim in q.dimensions:
        table.add_column(dim.id[:4], justify="right", no_wrap=True, min_width=4)
    for _, row in scores.table.head(limit).iterrows():
        level = "" if pd.isna(row["overall.level"]) else str(int(row["overall.level"]))
        cells = [Text(visible(str(row["company.name"] or ""))), Text(level), Text(_fmt(row["overall.score"]))]
        for dim in q.dimensions:
            flag = "*" if row[f"{dim.id}.insufficient"] else ""
            cells.append(Text(_fmt(row[f"{dim.id}.score"]) + flag))
        table.add_row(*cells)
    if len(scores.table) > limit:
        table.caption = f"… +{len(scores.table) - limit}"
    return table


def demo_summary(summary: dict[str, Any], lang: str) -> Table:
    table = Table(title="데모 결과" if lang == "ko" else "Demo output", title_justify="left",
                  show_header=False)
    names = {"responses": ("응답 파일", "response files"), "scores_csv": ("점수표 CSV", "scores CSV"),
             "scores_xlsx": ("점수표 XLSX", "scores XLSX"), "reports": ("PDF 보고서", "PDF reports"),
             "cohort": ("코호트 요약", "cohort summary")}
    for key, (ko, en) in names.items():
        if key in summary:
            table.add_row(ko if lang == "ko" else en, Text(str(summary[key])))
    return table
