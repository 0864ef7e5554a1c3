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
from diagnose.core.labels import label, msg
from diagnose.engine.scoring import Scores
from diagnose.inputs.identity import round_name


def questionnaire_tree(q: Questionnaire, lang: str) -> Tree:
    """Dimensions, questions and options as a tree (untrusted text is never markup)."""
    title = Text(f"{pick(q.title, lang)}  ", style="bold")
    count = len(q.scored_questions)
    title.append(f"{q.id} v{q.version} · "
                 + _t("scored_questions", lang, n=count), style="dim")
    tree = Tree(title)
    profile = tree.add(Text(_t("profile", lang), style="bold cyan"))
    for item in q.profile:
        profile.add(Text(f"{item.id}: {pick(item.text, lang)} ({_type(item.type, lang)})"))
    for dim in q.dimensions:
        branch = tree.add(Text(f"{pick(dim.title, lang)} [{dim.id}]", style="bold cyan"))
        for question in dim.questions:
            label = Text(f"{question.id} ", style="dim")
            label.append(pick(question.text, lang))
            extra = [_type(question.type, lang)]
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


def _t(key: str, lang: str, **slots: Any) -> str:
    """The terminal's label ``key`` in ``lang``, its slots filled."""
    text = msg(f"terminal.{key}")
    return (text.format(**slots) if slots else text).render(lang)


def _type(kind: str, lang: str) -> str:
    return label(f"question_types.{kind}", lang)


def _fmt(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.2f}"


def score_summary(scores: Scores, lang: str, limit: int = 50) -> Table:
    """One line per assessment: name, level, overall and dimension scores."""
    q = scores.questionnaire
    # Compact enough for an 80-column terminal: dimension ids as headers, one line per company.
    table = Table(title=_t("results", lang), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column(_t("company", lang), overflow="ellipsis", no_wrap=True, max_width=16)
    table.add_column(_t("level_short", lang), no_wrap=True, min_width=2)
    table.add_column(_t("overall_short", lang), justify="right", no_wrap=True, min_width=4)
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
    table = Table(title=_t("demo", lang), title_justify="left", show_header=False)
    for key in ("responses", "scores_csv", "scores_xlsx", "reports", "cohort"):
        if key in summary:
            table.add_row(_t(key, lang), Text(str(summary[key])))
    return table


PRIORITY_STYLES = {"high": "bold red", "medium": "yellow", "low": "dim"}


def _months(rec: dict[str, Any], lang: str) -> str:
    return _t("months", lang, start=rec["start_month"], end=rec["end_month"])


def _duration(months: int, lang: str) -> str:
    """A preparation step's duration; 0 months runs alongside the project."""
    return _t("alongside", lang) if months == 0 else _t("duration", lang, n=months)


def recommendations_view(company: dict[str, Any], lang: str) -> Group:
    """One assessment's ranked recommendations, to read at 80 columns (plain data in).

    Every line is text from the catalogue or the company's files: never markup.
    """
    from diagnose.core.money import krw, krw_range

    head = Text(visible(str(company["company"]["name"] or "")), style="bold")
    level = company["level"]
    head.append(f"  · {_t('level', lang)} {level if level is not None else '–'} "
                f"{company['level_name']}", style="cyan")
    date = company["assessment"]["date"] or ""
    head.append(f"  {date} {round_name(company['assessment']['round'], lang)}".rstrip(),
                style="dim")
    rows: list[Any] = [head]
    if not company["recommendations"]:
        rows.append(Text("  " + _t("nothing", lang), style="dim"))
    for rec in company["recommendations"]:
        priority = rec["priority"]["level"]
        line = Text(f"{rec['rank']:>2} ")
        line.append(f"[{label(f'priorities.{priority}', lang)}] ",
                    style=PRIORITY_STYLES[priority])
        line.append(rec["solution"]["name"], style="bold")
        if rec["status"] == "to_check":
            line.append(_t("to_check", lang), style="yellow")
        rows.append(line)
        primary = next(t for t in rec["tracks"] if t["primary"])
        money = rec["own_share_krw"]
        facts = [_months(rec, lang), primary["name"],
                 _t("own_share", lang, v=krw_range(money["min"], money["max"], lang))]
        if rec["value"]["yearly_krw"] is not None:
            facts.append(_t("yearly", lang, v=krw(rec["value"]["yearly_krw"], lang)))
        if rec["payback_months"] is not None:
            facts.append(_t("payback", lang, n=rec["payback_months"],
                            t=rec["payback_total_months"]))
        rows.append(Text("    " + " · ".join(facts), style="dim"))
        if rec["why"]:
            rows.append(Text("    " + _t("why", lang) + " · ".join(rec["why"][:3])))
        if rec["prepare_first"]:
            steps = " → ".join(f"{s['step']} ({_duration(s['months'], lang)})"
                               for s in rec["prepare_first"])
            rows.append(Text("    " + _t("first", lang) + steps))
        if rec["to_check"]:
            rows.append(Text("    " + _t("check", lang) + ", ".join(rec["to_check"]),
                             style="yellow"))
        rows.append(Text("    " + _t("priority", lang) + rec["priority"]["reason"], style="dim"))
    return Group(*rows)


def selection_summary(result: Any, lang: str) -> Table:
    """Per track: capacity, selected, reserve, not eligible (a ``SelectionResult`` in)."""
    table = Table(title=_t("selection", lang), title_justify="left", box=box.SIMPLE_HEAD)
    for key in ("track", "capacity", "selected", "reserve", "not_eligible"):
        table.add_column(_t(key, lang), justify="left" if key == "track" else "right")
    for track in result.tracks:
        not_eligible = sum(e.status == "not_eligible" for e in track.others)
        capacity = "–" if track.track.capacity is None else str(track.track.capacity)
        table.add_row(Text(pick(track.track.name, lang)), capacity, str(len(track.primary)),
                      str(len(track.reserve)), str(not_eligible))
    return table
