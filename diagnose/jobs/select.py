"""``diagnose select``: the programme office's selection within capacity, and its files.

Inputs are scored and ranked exactly as for ``recommend``; the selection engine fills each
programme track's primary and reserve lists; the officer's decisions file (``--decisions``,
usually the selection workbook edited) is applied on top. Written to ``--out``:
``selection.json``, ``selection.xlsx`` (a sheet per track with a decision column),
``selection.pdf`` (a page per track) and the city report (``city-report.pdf``, ``.xlsx``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content import programme as programme_file
from diagnose.core import files
from diagnose.core.errors import Rejection
from diagnose.core.i18n import Msg, pick
from diagnose.engine import city, progress, selection
from diagnose.engine.selection import Entry, SelectionResult
from diagnose.inputs import decisions as decisions_file
from diagnose.inputs.decisions import Decision
from diagnose.inputs.identity import company_keys
from diagnose.jobs import advice
from diagnose.jobs.advice import Advice
from diagnose.render import report, selection_doc


@dataclass
class Selected:
    advice: Advice
    result: SelectionResult
    rejections: list[Rejection]
    written: list[Path]


def _keyed(table: pd.DataFrame, decisions: Sequence[Decision], track_ids: set[str]
           ) -> tuple[dict[tuple[str, str], Decision], list[Rejection]]:
    """Decisions by (company key, track), with the one identity rule; the rest rejected."""
    rows = pd.DataFrame({"company.id": [d.company_id or None for d in decisions],
                         "company.name": [d.company_name or None for d in decisions]},
                        dtype=object)
    assessed = pd.DataFrame({"company.id": table.get("company.id"),
                             "company.name": table["company.name"]}, dtype=object)
    both = pd.concat([assessed, rows], ignore_index=True)
    keys = company_keys(both).tolist()
    known = set(keys[:len(table)])
    keyed: dict[tuple[str, str], Decision] = {}
    rejected: list[Rejection] = []
    for decision, key in zip(decisions, keys[len(table):], strict=True):
        file, _, row = decision.source.rpartition(":")
        if decision.track not in track_ids:
            rejected.append(Rejection(file, int(row or 0) or None, "track", decision.track, Msg(
                "사업 계획에 없는 트랙입니다", "no such track in the programme file")))
        elif key not in known:
            rejected.append(Rejection(file, int(row or 0) or None, "company", decision.label(),
                                      Msg("입력에 이 기업의 진단이 없습니다",
                                          "no assessment of this company among the inputs")))
        else:
            keyed[(key, decision.track)] = decision  # a later row overrides an earlier one
    return keyed, rejected


def run(inputs: Sequence[Path], out: Path, programme_path: Path | None = None,
        decisions_path: Path | None = None, questionnaire_path: Path | None = None,
        rubric_path: Path | None = None, catalogue_path: Path | None = None,
        lang: str = "ko", mapping_path: Path | None = None,
        on_read: Callable[[int, int], None] | None = None) -> Selected:
    """Select, and write the selection files and the city report into ``out`` (``on_read``
    is told how many input files have been read: ``batch.score_inputs``' ``progress``)."""
    from diagnose.engine import batch

    result = batch.score_inputs(inputs, questionnaire_path, rubric_path, lang,
                                mapping_path=mapping_path, progress=on_read)
    plan = programme_file.load(programme_path, result.questionnaire)
    ranked = advice.advise(result, catalogue_path, programme_path,
                           limit=max(plan.selection.recommendations, 8))
    rejections = list(result.rejections)
    keyed: dict[tuple[str, str], Decision] = {}
    if decisions_path is not None:
        read, refused = decisions_file.read(decisions_path)
        keyed, unknown = _keyed(result.scores.table, read, plan.track_ids)
        rejections += [*refused, *unknown]
    # each company on its latest round; what it received since the last one, by track
    current = progress.latest(result.scores.table)
    received = [progress.support_tracks(loaded, plan.tracks) for loaded in result.loaded()]
    chosen = selection.select(result.scores, result.answers(), ranked.recommendations, plan,
                              keyed, current, received)
    out.mkdir(parents=True, exist_ok=True)
    data = as_data(ranked, chosen, lang)
    written = [out / "selection.json"]
    files.write_atomic(written[0], json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    figures = city.figures(result.scores.table, result.questionnaire, ranked.recommendations,
                           chosen, plan.target_companies, lang)
    windows = {t.id: t.window.describe(lang) for t in plan.tracks if t.window is not None}
    written += selection_doc.write(data, figures, windows, out, report.template_dirs(None),
                                   lang)
    return Selected(ranked, chosen, rejections, written)


def _company(ranked: Advice, entry: Entry) -> dict[str, Any]:
    row = ranked.batch.scores.table.iloc[entry.row]
    level = row["overall.level"]
    return {"key": entry.key, "id": advice.plain(row.get("company.id")),
            "name": advice.plain(row["company.name"]),
            "level": None if pd.isna(level) else int(level)}


def _entry(ranked: Advice, entry: Entry, lang: str) -> dict[str, Any]:
    rec = entry.recommendation
    return {
        "company": _company(ranked, entry),
        "status": entry.status,
        "rank": entry.rank,
        "score": round(entry.score, 4),
        "parts": {"readiness": round(entry.readiness, 4), "impact": round(entry.impact, 4),
                  "goal": round(entry.goal, 4)},
        "initiative": None if rec is None else {
            "id": rec.solution.id, "name": pick(rec.solution.name, lang),
            "yearly_value_krw": None if rec.value_krw is None else round(rec.value_krw),
            "start_month": rec.start_month},
        "not_met": [rule.id for rule in entry.failed] + (["once"] if entry.received else []),
        "to_check": [rule.id for rule in entry.unknown],
        "placed_in": entry.placed_in.id if entry.placed_in is not None else None,
        "reason": entry.reason.render(lang),
        "decision": None if entry.decision is None else {
            "decision": entry.decision.decision, "reason": entry.decision.reason,
            "who": entry.decision.who, "when": entry.decision.when,
            "source": entry.decision.source},
    }


def as_data(ranked: Advice, chosen: SelectionResult, lang: str) -> dict[str, Any]:
    """The selection as plain data: per track, capacity, lists and every reason."""
    plan = chosen.programme
    return {
        "programme": {"id": plan.id, "name": pick(plan.name, lang), "year": plan.year,
                      "version": plan.version},
        "tracks": [{
            "id": t.track.id, "name": pick(t.track.name, lang), "capacity": t.track.capacity,
            "exclusive": t.track.exclusive,
            "primary": [_entry(ranked, e, lang) for e in t.primary],
            "reserve": [_entry(ranked, e, lang) for e in t.reserve],
            "others": [_entry(ranked, e, lang) for e in t.others],
        } for t in chosen.tracks],
        "decisions": [{"company": d.label(), "track": d.track, "decision": d.decision,
                       "reason": d.reason, "who": d.who, "when": d.when, "source": d.source,
                       "result": e.status} for d, e in chosen.decisions],
    }
