"""The selection's documents: ``selection.xlsx``, ``selection.pdf`` and the city report.

The workbook has a summary sheet, a sheet per track (Korean labels, widths that show the text,
money with its unit, dates as dates, the selection score coloured like a heatmap, a decision
column with a drop-down that ``--decisions`` reads back as it is) and the officer's decisions;
every sheet is an Excel table and prints landscape, one page wide, its title row on each page.
The PDF has one page per track: capacity, the primary and reserve lists and how the reasons are
distributed. The city report (``city-report.pdf`` and a sheet) shows the programme's figures from
groups of five or more companies only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from diagnose.core import money
from diagnose.core.labels import label, msg
from diagnose.core.money import MILLION, MILLION_UNITS, NBSP, krw
from diagnose.engine.city import CityFigures
from diagnose.render import documents, tables, xlsx
from diagnose.render.pdf import PdfUnavailable
from diagnose.render.xlsx import Sheet, Style, Validation

STATUS_KEYS = ("primary", "reserve", "waiting", "elsewhere", "not_eligible", "excluded")
STATUS_LABEL = {"primary": "selected", **{k: k for k in STATUS_KEYS if k != "primary"}}
WRAP = Style(wrap=True, vertical="top")
TOP = Style(vertical="top")
# The selection score and its parts (0-1) in the heatmap's colours: red, amber, teal.
SCORE_SCALE = [(0.0, tables.XLSX_HEAT[0][1]), (0.5, tables.XLSX_HEAT[1][1]),
               (1.0, tables.XLSX_HEAT[2][1])]


def _column(key: str, lang: str) -> str:
    """A decision column's title as the workbook shows it (the reader knows both)."""
    return label(f"decision_columns.{key}", lang)


def _label(key: str, lang: str) -> str:
    return label(f"selection.{key}", lang)


def _decision_words(lang: str) -> dict[str, str]:
    """The decision drop-down's words (in, out) as the workbook writes them."""
    return {key: _label(f"decision.{key}", lang) for key in ("in", "out")}


def _status(status: str, lang: str) -> str:
    return _label(STATUS_LABEL[status], lang)


def _track_sheet(track: dict[str, Any], lang: str, taken: set[str]) -> Sheet:
    entries = [*track["primary"], *track["reserve"], *track["others"]]
    titles = [_label("rank", lang), _label("status", lang),
              _column("company_id", lang), _column("company_name", lang),
              _label("level", lang), _label("initiative", lang), _label("value", lang),
              _label("score", lang), _label("readiness", lang), _label("impact", lang),
              _label("goal", lang), _label("reason", lang),
              *(_column(key, lang) for key in ("track", "decision", "reason", "who", "when"))]
    def column(get: Any) -> list[Any]:
        return [get(e) for e in entries]
    decided = [e["decision"] or {} for e in entries]
    word = _decision_words(lang)
    columns = [
        column(lambda e: e["rank"]), column(lambda e: _status(e["status"], lang)),
        column(lambda e: e["company"]["id"] or ""), column(lambda e: e["company"]["name"]),
        column(lambda e: e["company"]["level"]),
        column(lambda e: (e["initiative"] or {}).get("name", "")),
        column(lambda e: (e["initiative"] or {}).get("yearly_value_krw")),
        column(lambda e: e["score"]), column(lambda e: e["parts"]["readiness"]),
        column(lambda e: e["parts"]["impact"]), column(lambda e: e["parts"]["goal"]),
        column(lambda e: e["reason"]), [track["id"]] * len(entries),
        [word.get(d.get("decision", ""), "") for d in decided],
        [d.get("reason", "") for d in decided], [d.get("who", "") for d in decided],
        [tables.as_date(d.get("when", "")) for d in decided]]
    rows = max(len(entries), 1) + 200  # room to add a decision for a company not listed
    first = 3  # the help line, then the title row
    decision_column = xlsx.column_letter(len(titles) - 4)
    return Sheet(
        xlsx.sheet_name(track["name"], taken), titles, columns,
        formats=[None, None, "@", None, "0", None, money.excel_format(lang), "0.00", "0.00",
                 "0.00", "0.00", None, "@", None, None, None, tables.DATE_FORMAT],
        # the reason a sentence, wrapped; the officer's columns wide enough to write in; all of
        # it on one page across when printed
        widths=[*[None] * 11, 60, None, 10, 24, 12, 12], max_width=36,
        above=[(_label("decision_help", lang), Style(color="6B7785", size=9))],
        body=WRAP, table=True, page=xlsx.Page(across=1), freeze="E3",
        color_scales=[xlsx.ColorScale([7, 8, 9, 10], SCORE_SCALE)],
        validations=[Validation(f"{decision_column}{first}:{decision_column}{first + rows}",
                                "list", '"' + ",".join(word.values()) + '"',
                                prompt_title=titles[-4], prompt=_label("decision_help", lang),
                                error=_label("decision_help", lang), warn=False)])


def _summary_sheet(data: dict[str, Any], lang: str) -> Sheet:
    tracks = data["tracks"]
    titles = [_label("track", lang), "ID", _label("capacity", lang), _label("selected", lang),
              _label("reserve", lang), _label("not_eligible", lang), _label("elsewhere", lang)]
    def count(track: dict[str, Any], status: str) -> int:
        return sum(e["status"] == status for e in track["others"])
    columns = [[t["name"] for t in tracks], [t["id"] for t in tracks],
               [t["capacity"] for t in tracks], [len(t["primary"]) for t in tracks],
               [len(t["reserve"]) for t in tracks], [count(t, "not_eligible") for t in tracks],
               [count(t, "elsewhere") for t in tracks]]
    return Sheet(_label("summary", lang), titles, columns, formats=[None, "@", "0", "0", "0",
                                                                     "0", "0"],
                 above=[(f"{data['programme']['name']} · {data['programme']['year']}",
                         Style(bold=True, size=13))], table=True, page=xlsx.PRINT, freeze="B3")


def _decisions_sheet(data: dict[str, Any], lang: str) -> Sheet:
    rows = data["decisions"]
    titles = [_column("company_name", lang), _label("track", lang),
              *(_column(key, lang) for key in ("decision", "reason", "who", "when")),
              _label("result", lang)]
    word = _decision_words(lang)
    names = {t["id"]: t["name"] for t in data["tracks"]}  # the track by its name, not its id
    columns = [[r["company"] for r in rows], [names.get(r["track"], r["track"]) for r in rows],
               [word[r["decision"]] for r in rows], [r["reason"] for r in rows],
               [r["who"] for r in rows], [tables.as_date(r["when"]) for r in rows],
               [_status(r["result"], lang) for r in rows]]
    return Sheet(_label("record_sheet", lang), titles, columns,
                 formats=[None, None, None, None, None, tables.DATE_FORMAT, None],
                 body=TOP, wrap_wide=True, max_width=50, table=True, page=xlsx.PRINT)


def workbook(data: dict[str, Any], city: CityFigures, lang: str) -> list[Sheet]:
    """The selection workbook: summary, a sheet per track, decisions, the city figures."""
    taken = {_label("summary", lang).casefold(), _label("record_sheet", lang).casefold()}
    return [_summary_sheet(data, lang), *(_track_sheet(t, lang, taken) for t in data["tracks"]),
            _decisions_sheet(data, lang), city_sheet(city, lang)]


# --- the city figures as a sheet and a document ---------------------------------------------------

def _city(key: str, lang: str) -> str:
    return label(f"city.{key}", lang)


def kpi_figure(value: float | None, unit: str, lang: str, signed: bool = False) -> str:
    """A KPI median with its unit: ``3.1%``, ``120 시간/년``, ``1억 2,000만 원`` (a figure asked in
    백만 원 is money); ``–`` for none."""
    if value is None or value != value:
        return "–"
    sign = "+" if signed and value > 0 else ""
    if unit in MILLION_UNITS:
        return sign + krw(value * MILLION, lang)
    text = f"{value:{'+' if signed else ''},.1f}".removesuffix(".0")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text}{NBSP}{unit}"


def _change_text(before: float | None, after: float | None, delta: float | None,
                 unit: str | None, lang: str) -> str:
    """``3.1% → 2.6% (-0.5%`` for a KPI (its unit), ``2.10 → 2.60 (+0.50`` for a score."""
    if unit is None:
        return f"{before:,.2f} → {after:,.2f} ({delta:+,.2f}"
    return (f"{kpi_figure(before, unit, lang)} → {kpi_figure(after, unit, lang)} "
            f"({kpi_figure(delta, unit, lang, signed=True)}")


def city_rows(city: CityFigures, lang: str) -> list[tuple[str, str, str]]:
    """(section, item, value) rows: the city figures as a table anyone can read."""
    fewer = _city("fewer", lang)
    rows = [(_city("diagnosed", lang), "", f"{city.companies}"
             + (f" / {city.target}" if city.target else "")),
            (_city("employees", lang), "", f"{city.employees:,.0f}"),
            (_city("production", lang), "", krw(city.production_value_krw, lang)),
            (_city("value", lang), "", krw(city.value_krw, lang))]
    for key, counts in city.distributions.items():
        rows += [(_city(key, lang), c.label, fewer if c.n is None else str(c.n)) for c in counts]
    rows += [(_city("kpis", lang), m.label, fewer if m.median is None else
              f"{kpi_figure(m.median, m.unit, lang)} (n={m.n})") for m in city.kpis]
    rows += [(_city("allocation", lang), a["track"],
              f"{a['selected']} / {a['capacity'] if a['capacity'] is not None else '–'}")
             for a in city.allocation]
    changes = f"{_city('changes', lang)} ({' → '.join(city.rounds)})"
    rows += [(f"{changes}: {what}", c.group, fewer if c.delta is None else
              _change_text(c.before, c.after, c.delta, city.units.get(what), lang) + f", n={c.n})")
             for what, found in city.changes.items() for c in found]
    return rows


def city_sheet(city: CityFigures, lang: str) -> Sheet:
    rows = city_rows(city, lang)
    return Sheet(_city("sheet", lang), [_city("what", lang), _city("group", lang),
                                        _city("figure", lang)],
                 [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                 above=[(_city("small_note", lang), Style(size=9))], freeze="A3",
                 body=TOP, wrap_wide=True, max_width=50, table=True,
                 page=xlsx.Page(landscape=False))


def _reason_counts(track: dict[str, Any], lang: str) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for entry in [*track["primary"], *track["reserve"], *track["others"]]:
        if entry["not_met"] or entry["to_check"]:
            for rule in [*entry["not_met"], *entry["to_check"]]:
                counts[f"{_status('not_eligible', lang)}: {rule}"] += 1
        else:
            counts[_status(entry["status"], lang)] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


PDF_ROWS = 40  # selected companies listed per track page; the workbook has every one


def selection_context(data: dict[str, Any], windows: dict[str, str], lang: str
                      ) -> dict[str, Any]:
    """Everything ``selection.html.j2`` needs: per track the first ``PDF_ROWS`` selected
    companies (compact rows; the reasons are in the workbook), the reserve list with its
    reasons, and how the reasons are distributed."""
    context = documents.base_context("selection", lang)
    tracks = []
    for t in data["tracks"]:
        shown = t["primary"][:PDF_ROWS]
        more = len(t["primary"]) - len(shown)
        tracks.append({**t, "primary": shown, "selected": len(t["primary"]),
                       "more": msg("selection.more").format(n=more).render(lang)
                       if more else "",
                       "window": windows.get(t["id"], ""), "reasons": _reason_counts(t, lang),
                       "money": {e["company"]["key"]: krw(
                           (e["initiative"] or {}).get("yearly_value_krw"), lang)
                           for e in [*shown, *t["reserve"]]}})
    context.update({"programme_name": data["programme"]["name"],
                    "year": data["programme"]["year"], "tracks": tracks,
                    "decisions": data["decisions"]})
    return context


def city_context(city: CityFigures, lang: str) -> dict[str, Any]:
    context = documents.base_context("city", lang)
    fewer = _city("fewer", lang)
    context.update({
        "totals": {"diagnosed": city.companies, "target": city.target,
                   "employees": f"{city.employees:,.0f}",
                   "production": krw(city.production_value_krw, lang),
                   "value": krw(city.value_krw, lang),
                   "value_method": _city("value_method", lang).format(n=city.value_companies)},
        "distributions": [{"title": _city(key, lang),
                           "rows": [(c.label, fewer if c.n is None else c.n) for c in counts]}
                          for key, counts in city.distributions.items()],
        "kpis": [(m.label, fewer if m.median is None else kpi_figure(m.median, m.unit, lang), m.n)
                 for m in city.kpis],
        "allocation": city.allocation,
        "rounds": city.rounds,
        "changes": [{"what": name, "rows": [
            (c.group, c.n, documents.number(c.before), documents.number(c.after),
             documents.number(c.delta, signed=True)) if name not in city.units else
            (c.group, c.n, kpi_figure(c.before, city.units[name], lang),
             kpi_figure(c.after, city.units[name], lang),
             kpi_figure(c.delta, city.units[name], lang, signed=True)) for c in rows]}
                    for name, rows in city.changes.items()],
    })
    return context


def write(data: dict[str, Any], city: CityFigures, windows: dict[str, str], out: Path,
          templates: Sequence[Path], lang: str) -> list[Path]:
    """Write ``selection.xlsx``, ``selection.pdf`` and ``city-report.pdf`` into ``out``."""
    written = [out / "selection.xlsx", out / "selection.pdf", out / "city-report.pdf"]
    xlsx.write(workbook(data, city, lang), written[0], lang)
    try:
        documents.write_pdf(selection_context(data, windows, lang), "selection.html.j2",
                            written[1], list(templates))
        documents.write_pdf(city_context(city, lang), "city.html.j2", written[2],
                            list(templates))
    except PdfUnavailable as exc:  # no PDF stack on this laptop: the workbook is there
        raise PdfUnavailable(exc.missing, written=(str(out / "selection.json"),
                                                   str(written[0]))) from None
    return written
