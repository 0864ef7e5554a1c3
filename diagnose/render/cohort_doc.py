"""The cohort's documents: ``cohort.xlsx`` (every company, sheet by sheet) and ``cohort.pdf``.

The figures come from ``diagnose.engine.cohort``; this module only words and lays them out. The
PDF stays readable for any cohort size: the heatmap lists companies only up to
``HEATMAP_MAX_COMPANIES`` (beyond, one row per industry and size class), each support track
shows its ``TRACK_TOP`` best companies and every data-quality list its first ``LIST_MAX`` rows;
the workbook always has everything.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose.core.i18n import pick
from diagnose.core.labels import label, msg, texts
from diagnose.engine import cohort as figures
from diagnose.engine.cohort import (
    DRIFT_MIN_ASSESSMENTS,
    DRIFT_THRESHOLD,
    LOW_COMPLETENESS,
    Cohort,
)
from diagnose.engine.progress import cell_text
from diagnose.render import charts, documents, tables, xlsx
from diagnose.render.documents import number

TEMPLATE = "cohort.html.j2"
HEATMAP_MAX_COMPANIES = 200  # more companies: the PDF heatmap shows industry x size groups
TRACK_TOP = 10  # companies per support track in the PDF
LIST_MAX = 30  # rows per data-quality list in the PDF



# --- the workbook ----------------------------------------------------------------------------

Sheet = tuple[str, pd.DataFrame, dict[str, str]]


def _round2(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float).round(2)
    return frame


def _headers(cohort: Cohort) -> dict[str, str]:
    lang = cohort.lang
    headers = tables.titles(cohort.q, lang)
    headers.update(texts("cohort_columns", lang))
    for track in cohort.catalogue.tracks:
        headers[f"track.{track.id}"] = msg("cohort_parts.fit").format(
            t=pick(track.name, lang)).render(lang)
    return headers


def _companies_sheet(cohort: Cohort) -> pd.DataFrame:
    c, q = cohort.companies, cohort.q
    profile = [f"company.{p.id}" for p in q.profile if p.id not in {"id", "name", "industry"}]
    dims = [f"{d.id}.score" for d in cohort.dims]
    tracks = [f"track.{t.id}" for t in cohort.catalogue.tracks]
    columns = ["company.id", "company.name", "industry_name", "size_class", *profile,
               "assessment.date", "assessment.round", "assessment.consultant", "rounds",
               "overall.score", "overall.percent", "overall.level", "overall.level_name",
               "overall.gates", "completeness", "insufficient", *dims, "rec1", "rec2", "rec3",
               "track", "track_reason", *tracks, "peer_group", "peer_median", "peer_note",
               "source"]
    frame = c.reindex(columns=columns).copy()  # profile answers: labelled when written
    frame["completeness"] = (frame["completeness"].astype(float) * 100).round(0)
    return _round2(frame, ["overall.score", "overall.percent", *dims, *tracks, "peer_median"])


def _dimension_sheet(cohort: Cohort, dim_id: str) -> pd.DataFrame:
    frame = figures.dimension_ranking(cohort, dim_id)
    frame["completeness"] = (frame["completeness"] * 100).round(0)
    return _round2(frame, ["score"])


def _breakdown(cohort: Cohort, by: str) -> pd.DataFrame:
    frame = figures.breakdown(cohort, by)
    return _round2(frame, [c for c in frame.columns if c.endswith((".mean", ".median"))])


def _breakdown_headers(cohort: Cohort, headers: dict[str, str]) -> dict[str, str]:
    lang = cohort.lang
    result = dict(headers)
    names = {"overall": label("overall", lang),
             **{d.id: cohort.title(d.id) for d in cohort.dims}}
    for key, name in names.items():
        result[f"{key}.mean"] = f"{name} {label('cohort_parts.mean', lang)}"
        result[f"{key}.median"] = f"{name} {label('cohort_parts.median', lang)}"
    for band in cohort.batch.rubric.bands:
        result[f"level.{band.level}"] = (f"{label('level', lang)} {band.level} "
                                         f"{pick(band.name, lang)}")
    return result


def _tracks_sheet(cohort: Cohort) -> pd.DataFrame:
    rows = []
    for track in cohort.catalogue.tracks:
        for item in cohort.tracks[track.id]:
            rows.append({"track_name": pick(track.name, cohort.lang), **item})
    columns = ["track_name", "rank", "company.id", "company.name", "industry_name", "solution",
               "priority", "readiness", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _progress_sheets(cohort: Cohort, headers: dict[str, str]) -> tuple[Sheet, Sheet]:
    lang = cohort.lang
    columns = cohort.columns
    names = {"overall": label("overall", lang),
             **{d.id: cohort.title(d.id) for d in cohort.dims}}
    summary = figures.mean_changes(cohort)
    summary["dimension"] = summary["dimension"].map(names)
    summary = _round2(summary, ["before", "after", "change"])
    part = {key: label(f"cohort_parts.{key}", lang) for key in ("before", "after", "change")}
    company_headers = dict(headers)
    for side in ("before", "after"):
        company_headers.update({
            f"round.{side}": f"{part[side]} {headers['assessment.round']}",
            f"date.{side}": f"{part[side]} {headers['assessment.date']}",
            f"level.{side}": f"{part[side]} {headers['overall.level']}"})
    detail = ["company.id", "company.name", "consultant", "round.before", "date.before",
              "round.after", "date.after", "level.before", "level.after"]
    for column in columns:
        for key, text in part.items():
            company_headers[f"{column}.{key}"] = f"{names[column]} {text}"
            detail.append(f"{column}.{key}")
    detail.append("left_out")
    company_headers["consultant"] = headers["assessment.consultant"]
    companies = cohort.progress.reindex(columns=detail)
    companies = _round2(companies, [c for c in detail if c.endswith((".before", ".after",
                                                                      ".change"))
                                    and not c.startswith(("round.", "date.", "level."))])
    return ((label("cohort_sheets.progress", lang), summary, headers),
            (label("cohort_sheets.progress_companies", lang), companies, company_headers))


def sheets(cohort: Cohort) -> list[Sheet]:
    """The workbook's sheets: (name, data, column titles by column)."""
    lang = cohort.lang
    headers = _headers(cohort)
    result: list[Sheet] = [(label("cohort_sheets.companies", lang), _companies_sheet(cohort), headers)]
    for dim in cohort.dims:
        result.append((cohort.title(dim.id), _dimension_sheet(cohort, dim.id), headers))
    breakdown_headers = _breakdown_headers(cohort, headers)
    for key, by in (("by_industry", "industry_name"), ("by_size", "size_class")):
        result.append((label(f"cohort_sheets.{key}", lang), _breakdown(cohort, by), breakdown_headers))
    result.append((label("cohort_sheets.tracks", lang), _tracks_sheet(cohort), headers))
    result.extend(_progress_sheets(cohort, headers))
    drift = cohort.drift.rename(columns={"count": "assessments", "mean": "drift"})
    result.append((label("cohort_sheets.consultants", lang), _round2(drift, ["drift"]), headers))
    quality = cohort.issues.drop(columns="kind").rename(columns={"kind_name": "kind"})
    result.append((label("cohort_sheets.quality", lang), quality, headers))
    return result


NUMBER_SUFFIXES = (".score", ".percent", ".mean", ".median", ".change", ".before", ".after",
                   "peer_median", "priority", "drift", "score", "before", "after", "change")
# On the 1-5 scale: the heatmap's colours, as in the PDF.
HEAT_SUFFIXES = (".score", ".mean", ".median", ".before", ".after", "peer_median", "score",
                 "before", "after")
WHOLE_NUMBERS = ("completeness",)
WRAPPED = xlsx.Style(vertical="top")  # a row with a long reason reads from its top


def _shown(column: str, values: pd.Series, cohort: Cohort) -> tables.Shown:
    """A cohort column as the workbook shows it: the score table's columns as ``tables.shown``
    shows them; the cohort's own figures with two decimals (scores with the heatmap), whole
    percentages, yes/no in words."""
    if column.startswith(("round.", "date.", "level.")):
        return tables.shown(column, values, cohort.q, cohort.lang)
    if column.endswith(NUMBER_SUFFIXES) or column.startswith("track."):
        return tables.Shown(values, tables.SCORE_FORMAT, heat=column.endswith(HEAT_SUFFIXES)
                            and not column.endswith(".percent"))
    if column in WHOLE_NUMBERS:
        return tables.Shown(values, "0")
    return tables.shown(column, values, cohort.q, cohort.lang)


def write_workbook(workbook: Sequence[Sheet], out: Path, cohort: Cohort) -> None:
    """Write the sheets (name, data, column titles) as one XLSX, atomically
    (``diagnose.render.xlsx``: a 10,000-company cohort is about a million cells): each sheet
    an Excel table with widths fitted to it, long text wrapped, labels instead of codes, the
    heatmap's colours on scores, landscape printing. Every text cell is neutralised."""
    result = []
    for name, data, headers in workbook:
        shown = [_shown(c, data[c], cohort) for c in data.columns]
        result.append(xlsx.Sheet(
            name, [headers.get(c, c) for c in data.columns],
            [column.values if isinstance(column.values, np.ndarray)
             else pd.Series(column.values).astype(object).tolist() for column in shown],
            [column.number_format for column in shown], body=WRAPPED, wrap_wide=True,
            table=True, page=xlsx.PRINT, color_scales=tables.heat_scales(shown)))
    xlsx.write(result, out, cohort.lang)


# --- the PDF -----------------------------------------------------------------------------------

LEVEL_COLOURS = {1: "#b23a48", 2: "#e0a100", 3: "#1b998b", 4: "#2c6e9b", 5: "#12355b"}
# Heatmap cells: light red at 1 through light amber to teal at 5 (dark text stays legible);
# the workbooks colour scores with the same stops (``tables.HEAT_STOPS``).
HEAT_STOPS = tables.HEAT_STOPS


def heat(score: float | None) -> str:
    """The heatmap colour of a score on the 1-5 scale (light grey when there is none)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "#eef1f4"
    score = min(5.0, max(1.0, float(score)))
    for (low, a), (high, b) in itertools.pairwise(HEAT_STOPS):
        if score <= high:
            t = (score - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))
    return "#4fb3a5"


def _levels(cohort: Cohort) -> tuple[list[dict[str, Any]], str]:
    lang = cohort.lang
    names = {band.level: pick(band.name, lang) for band in cohort.batch.rubric.bands}
    total = len(cohort.companies) or 1
    rows: list[dict[str, Any]] = []
    colours = []
    for level, count in figures.level_counts(cohort):
        if level is None:
            if not count:
                continue
            rows.append({"level": None, "name": label("cohort.no_level", lang), "count": count})
            colours.append("#9aa5b1")
        else:
            rows.append({"level": level, "name": names[level], "count": count})
            colours.append(LEVEL_COLOURS.get(level, "#12355b"))
    labels = [row["name"] if row["level"] is None else f"{row['level']} {row['name']}"
              for row in rows]
    for row in rows:
        row["share"] = f"{row['count'] / total:.0%}"
    return rows, charts.bar_svg(labels, [row["count"] for row in rows], colours)


def _spread(cohort: Cohort) -> str:
    rows = []
    for dim_id, p, count in figures.dimension_percentiles(cohort, [10, 25, 50, 75, 90]):
        if p is None:
            rows.append(charts.Spread(cohort.title(dim_id), 0, 0, 0, 0, 0, 0))
        else:
            rows.append(charts.Spread(cohort.title(dim_id), *map(float, p), count=count))
    return charts.spread_svg(rows)


def _by_industry(cohort: Cohort) -> list[dict[str, Any]]:
    rows = []
    for name, size, quartiles in figures.industry_quartiles(cohort):
        cells = []
        for dim in cohort.dims:
            found = quartiles[dim.id]
            if found is None:
                cells.append({"text": "–", "sub": "", "colour": heat(None)})
                continue
            q1, median, q3 = found
            cells.append({"text": f"{median:.2f}", "sub": f"{q1:.1f}–{q3:.1f}",
                          "colour": heat(float(median))})
        rows.append({"name": name, "n": size, "cells": cells})
    return rows


def _heatmap(cohort: Cohort) -> dict[str, Any]:
    c, lang = cohort.companies, cohort.lang
    dims = [d.id for d in cohort.dims]
    if len(c) <= HEATMAP_MAX_COMPANIES:
        rows = [{"name": cell_text(row["company.name"]), "group": _short(row["industry_name"]),
                 "cells": [{"text": number(row[f"{d}.score"]), "colour": heat(row[f"{d}.score"])}
                           for d in dims],
                 "overall": {"text": number(row["overall.score"]),
                             "colour": heat(row["overall.score"])},
                 "level": None if pd.isna(row["overall.level"]) else int(row["overall.level"])}
                for _, row in c.iterrows()]
        return {"mode": "companies", "rows": rows, "note": ""}
    rows = []
    for industry, size, members, means in figures.group_means(cohort):
        rows.append({"name": f"{_short(industry)} · {size}", "group": f"{members:,}",
                     "cells": [{"text": number(means[d]), "colour": heat(means[d])}
                               for d in dims],
                     "overall": {"text": number(means["overall"]),
                                 "colour": heat(means["overall"])},
                     "level": None})
    note = msg("cohort.heatmap_capped").format(n=f"{len(c):,}", cap=HEATMAP_MAX_COMPANIES)
    return {"mode": "groups", "rows": rows, "note": note.render(lang)}


def _short(industry: str) -> str:
    """An industry name without its classification code: '자동차 부품 (KSIC 30)' -> '자동차 부품'."""
    return re.sub(r"\s*\([^)]*\)$", "", industry) or industry


def _tracks(cohort: Cohort) -> list[dict[str, Any]]:
    result = []
    for track in cohort.catalogue.tracks:
        fits, ready = cohort.track_counts[track.id]
        result.append({
            "name": pick(track.name, cohort.lang),
            "description": pick(track.description, cohort.lang) if track.description else "",
            "counts": msg("cohort.track_counts").format(fits=f"{fits:,}", ready=f"{ready:,}")
            .render(cohort.lang),
            "rows": cohort.tracks[track.id][:TRACK_TOP]})
    return result


def _progress_context(cohort: Cohort) -> dict[str, Any] | None:
    if cohort.progress.empty:
        return None
    lang = cohort.lang
    names = {"overall": label("cohort.overall", lang),
             **{d.id: cohort.title(d.id) for d in cohort.dims}}
    rows = []
    for _, item in figures.mean_changes(cohort).iterrows():
        change = item["change"]
        rows.append({"title": names[item["dimension"]], "linked": int(item["linked"]),
                     "before": number(item["before"]), "after": number(item["after"]),
                     "change": number(change, signed=True),
                     "direction": documents.direction(change),
                     "width": 0 if pd.isna(change) else min(100, abs(change) / 2 * 100)})
    before = pd.to_numeric(cohort.progress["level.before"], errors="coerce")
    after = pd.to_numeric(cohort.progress["level.after"], errors="coerce")
    moves = msg("cohort.level_moves").format(
        up=int((after > before).sum()), same=int((after == before).sum()),
        down=int((after < before).sum()))
    return {"note": msg("cohort.progress_note").format(n=len(cohort.progress)).render(lang),
            "rows": rows, "moves": moves.render(lang)}


def _quality(cohort: Cohort) -> dict[str, Any]:
    lang, c = cohort.lang, cohort.companies
    weak = c[(c["completeness"] < LOW_COMPLETENESS) | (c["insufficient"] != "")]
    weak = weak.sort_values("completeness")
    issues = cohort.issues
    counts = issues.groupby("kind_name", sort=False).size()
    others = issues[~issues["kind"].isin(["low_completeness", "insufficient"])]
    drift = [{"consultant": str(row["consultant"]), "count": int(row["count"]),
              "mean": number(row["mean"], signed=True), "flagged": bool(row["flagged"])}
             for _, row in cohort.drift.iterrows()]
    return {
        "counts": [{"kind": k, "count": f"{int(v):,}"} for k, v in counts.items()],
        "weak_title": msg("cohort.low_completeness").format(t=LOW_COMPLETENESS).render(lang),
        "weak": [{"name": cell_text(row["company.name"]),
                  "consultant": cell_text(row["assessment.consultant"]),
                  "completeness": f"{row['completeness']:.0%}",
                  "insufficient": row["insufficient"]} for _, row in weak.head(LIST_MAX).iterrows()],
        "weak_more": _more(len(weak), lang),
        "drift": drift[:LIST_MAX], "drift_more": _more(len(drift), lang),
        "drift_note": msg("cohort.drift_note").format(
            t=DRIFT_THRESHOLD, m=DRIFT_MIN_ASSESSMENTS).render(lang),
        "others": [{"kind": row["kind_name"], "name": row["company.name"] or row["consultant"],
                    "detail": row["detail"]} for _, row in others.head(LIST_MAX).iterrows()],
        "others_more": _more(len(others), lang),
    }


def _more(total: int, lang: str) -> str:
    extra = total - LIST_MAX
    return msg("cohort.more").format(n=f"{extra:,}").render(lang) if extra > 0 else ""


def _summary(cohort: Cohort) -> dict[str, Any]:
    c, table, lang = cohort.companies, cohort.batch.scores.table, cohort.lang
    dates = sorted(d for d in table["assessment.date"].map(cell_text) if d)
    overall = c["overall.score"].astype(float)
    ready = (pd.to_numeric(c["overall.level"], errors="coerce") >= 3).sum()
    q, r = cohort.q, cohort.batch.rubric
    return {"companies": f"{len(c):,}", "assessments": f"{len(table):,}",
            "mean_overall": number(overall.mean()),
            "ready_share": f"{ready / len(c):.0%}" if len(c) else "–",
            "period": f"{dates[0]} – {dates[-1]}" if dates else "–",
            "versions": f"{q.id} v{q.version} · {r.id} v{r.version}",
            "title": pick(q.title, lang)}


def context(cohort: Cohort) -> dict[str, Any]:
    """Everything ``cohort.html.j2`` needs, as plain data."""
    lang = cohort.lang
    levels, level_chart = _levels(cohort)
    return {
        **documents.base_context("cohort", lang),
        "summary": _summary(cohort),
        "levels": levels, "level_chart": level_chart,
        "spread_chart": _spread(cohort),
        "dims": [cohort.title(d.id) for d in cohort.dims],
        "industries": _by_industry(cohort),
        "heatmap": _heatmap(cohort),
        "tracks": _tracks(cohort),
        "tracks_note": msg("cohort.tracks_note").format(n=TRACK_TOP).render(lang),
        "progress": _progress_context(cohort),
        "quality": _quality(cohort),
        "legend": [{"text": str(v), "colour": heat(float(v))} for v in (1, 2, 3, 4, 5)],
    }


def write(cohort: Cohort, xlsx_out: Path, pdf_out: Path, templates: list[Path]) -> str:
    """Write the workbook and the PDF (``templates``: the folders to look in,
    ``report.template_dirs``); the heatmap's mode (``companies`` or ``groups``)."""
    write_workbook(sheets(cohort), xlsx_out, cohort)
    page = context(cohort)
    documents.write_pdf(page, TEMPLATE, pdf_out, templates)
    return str(page["heatmap"]["mode"])
