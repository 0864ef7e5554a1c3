"""Rich renderings for the terminal: the questionnaire tree and result summaries."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.console import Group
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


PRIORITY_NAMES = {"high": {"ko": "높음", "en": "high"}, "medium": {"ko": "중간", "en": "medium"},
                  "low": {"ko": "낮음", "en": "low"}}
PRIORITY_STYLES = {"high": "bold red", "medium": "yellow", "low": "dim"}


def _months(rec: dict[str, Any], lang: str) -> str:
    start, end = rec["start_month"], rec["end_month"]
    return f"{start}~{end}개월" if lang == "ko" else f"months {start}-{end}"


def _duration(months: int, lang: str) -> str:
    """A preparation step's duration; 0 months runs alongside the project."""
    if months == 0:
        return "병행" if lang == "ko" else "alongside"
    return f"{months}개월" if lang == "ko" else f"{months} mo"


def recommendations_view(company: dict[str, Any], lang: str) -> Group:
    """One assessment's ranked recommendations, to read at 80 columns (plain data in).

    Every line is text from the catalogue or the company's files: never markup.
    """
    from diagnose.core.money import krw, krw_range

    ko = lang == "ko"
    head = Text(visible(str(company["company"]["name"] or "")), style="bold")
    level = company["level"]
    head.append(f"  · {'수준' if ko else 'level'} {level if level is not None else '–'} "
                f"{company['level_name']}", style="cyan")
    date = company["assessment"]["date"] or ""
    head.append(f"  {date} {company['assessment']['round'] or ''}".rstrip(), style="dim")
    rows: list[Any] = [head]
    if not company["recommendations"]:
        rows.append(Text("  추천할 솔루션이 없습니다" if ko else "  nothing to recommend",
                         style="dim"))
    for rec in company["recommendations"]:
        priority = rec["priority"]["level"]
        line = Text(f"{rec['rank']:>2} ")
        line.append(f"[{pick(PRIORITY_NAMES[priority], lang)}] ", style=PRIORITY_STYLES[priority])
        line.append(rec["solution"]["name"], style="bold")
        if rec["status"] == "to_check":
            line.append(" (확인 필요)" if ko else " (to be checked)", style="yellow")
        rows.append(line)
        primary = next(t for t in rec["tracks"] if t["primary"])
        money = rec["own_share_krw"]
        facts = [_months(rec, lang), primary["name"],
                 ("자부담 " if ko else "own share ") + krw_range(money["min"], money["max"], lang)]
        if rec["value"]["yearly_krw"] is not None:
            facts.append(("연 " if ko else "") + krw(rec["value"]["yearly_krw"], lang)
                         + ("" if ko else " a year"))
        if rec["payback_months"] is not None:
            facts.append(f"회수 {rec['payback_months']:.0f}개월" if ko
                         else f"payback {rec['payback_months']:.0f} months")
        rows.append(Text("    " + " · ".join(facts), style="dim"))
        if rec["why"]:
            rows.append(Text(("    왜: " if ko else "    why: ") + " · ".join(rec["why"][:3])))
        if rec["prepare_first"]:
            steps = " → ".join(f"{s['step']} ({_duration(s['months'], lang)})"
                               for s in rec["prepare_first"])
            rows.append(Text(("    먼저: " if ko else "    first: ") + steps))
        if rec["to_check"]:
            rows.append(Text(("    확인: " if ko else "    check: ") + ", ".join(rec["to_check"]),
                             style="yellow"))
        rows.append(Text(("    우선순위: " if ko else "    priority: ") + rec["priority"]["reason"],
                         style="dim"))
    return Group(*rows)


def selection_summary(result: Any, lang: str) -> Table:
    """Per track: capacity, selected, reserve, not eligible (a ``SelectionResult`` in)."""
    ko = lang == "ko"
    table = Table(title="선정 결과" if ko else "Selection", title_justify="left",
                  box=box.SIMPLE_HEAD)
    for name in (("트랙", "Track"), ("정원", "Places"), ("선정", "Selected"),
                 ("예비", "Reserve"), ("대상 아님·확인", "Not eligible / check")):
        table.add_column(name[0] if ko else name[1], justify="left" if name[0] == "트랙"
                         else "right")
    for track in result.tracks:
        not_eligible = sum(e.status == "not_eligible" for e in track.others)
        capacity = "–" if track.track.capacity is None else str(track.track.capacity)
        table.add_row(Text(pick(track.track.name, lang)), capacity, str(len(track.primary)),
                      str(len(track.reserve)), str(not_eligible))
    return table
