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

from diagnose.core.i18n import Msg, pick
from diagnose.core.money import krw
from diagnose.engine.city import CityFigures
from diagnose.inputs import decisions as decisions_file
from diagnose.render import documents, tables, xlsx
from diagnose.render.pdf import PdfUnavailable
from diagnose.render.xlsx import Sheet, Style, Validation

LABELS: dict[str, dict[str, str]] = {
    "title": {"ko": "지원 트랙 선정 결과", "en": "Selection per support track"},
    "summary": {"ko": "요약", "en": "Summary"},
    "track": {"ko": "트랙", "en": "Track"},
    "capacity": {"ko": "정원", "en": "Places"},
    "selected": {"ko": "선정", "en": "Selected"},
    "reserve": {"ko": "예비", "en": "Reserve"},
    "not_eligible": {"ko": "대상 아님·확인 필요", "en": "Not eligible / to check"},
    "elsewhere": {"ko": "다른 트랙 선정", "en": "Selected elsewhere"},
    "waiting": {"ko": "대기", "en": "Waiting"},
    "excluded": {"ko": "제외(담당자)", "en": "Excluded (officer)"},
    "window": {"ko": "모집", "en": "Call"},
    "rank": {"ko": "순위", "en": "Rank"},
    "company": {"ko": "기업", "en": "Company"},
    "status": {"ko": "상태", "en": "Status"},
    "level": {"ko": "수준", "en": "Level"},
    "initiative": {"ko": "추천 과제", "en": "Initiative"},
    "value": {"ko": "연간 효과", "en": "Yearly value"},
    "value_krw": {"ko": "연간 효과", "en": "Yearly value"},
    "score": {"ko": "선정 점수", "en": "Selection score"},
    "readiness": {"ko": "준비도", "en": "Readiness"},
    "impact": {"ko": "효과", "en": "Impact"},
    "goal": {"ko": "목표 부합", "en": "Goal fit"},
    "reason": {"ko": "사유", "en": "Reason"},
    "decisions_title": {"ko": "담당자 결정", "en": "Officer's decisions"},
    "no_decisions": {"ko": "적용한 담당자 결정이 없습니다.", "en": "No officer's decision applied."},
    "result": {"ko": "결과", "en": "Result"},
    "reasons": {"ko": "사유 분포", "en": "Reasons"},
    "primary_list": {"ko": "선정 명단", "en": "Selected"},
    "reserve_list": {"ko": "예비 명단", "en": "Reserve list"},
    "none": {"ko": "없음", "en": "None"},
    "decision_help": {"ko": "결정 열에서 선정·제외를 고르고 사유·결정자·결정일을 적은 뒤, 이 파일을 "
                            "--decisions로 넘기면 다시 선정합니다.",
                      "en": "Pick in or out in the Decision column, write the reason, who and "
                            "when, and pass this file back with --decisions to select again."},
}
STATUS_KEYS = ("primary", "reserve", "waiting", "elsewhere", "not_eligible", "excluded")
STATUS_LABEL = {"primary": "selected", **{k: k for k in STATUS_KEYS if k != "primary"}}
WORDS = {"ko": ("선정", "제외"), "en": ("in", "out")}
WRAP = Style(wrap=True, vertical="top")
TOP = Style(vertical="top")
MONEY = {"ko": '#,##0"원"', "en": '"KRW "#,##0'}
# The selection score and its parts (0-1) in the heatmap's colours: red, amber, teal.
SCORE_SCALE = [(0.0, tables.XLSX_HEAT[0][1]), (0.5, tables.XLSX_HEAT[1][1]),
               (1.0, tables.XLSX_HEAT[2][1])]


def _column(key: str, lang: str) -> str:
    """A decision column's title as the workbook shows it (the reader knows both)."""
    return decisions_file.COLUMNS[key][1 if lang == "en" else 0]


def _label(key: str, lang: str) -> str:
    return pick(LABELS[key], lang)


def _status(status: str, lang: str) -> str:
    return _label(STATUS_LABEL[status], lang)


def _track_sheet(track: dict[str, Any], lang: str, taken: set[str]) -> Sheet:
    entries = [*track["primary"], *track["reserve"], *track["others"]]
    titles = [_label("rank", lang), _label("status", lang),
              _column("company_id", lang), _column("company_name", lang),
              _label("level", lang), _label("initiative", lang), _label("value_krw", lang),
              _label("score", lang), _label("readiness", lang), _label("impact", lang),
              _label("goal", lang), _label("reason", lang),
              *(_column(key, lang) for key in ("track", "decision", "reason", "who", "when"))]
    def column(get: Any) -> list[Any]:
        return [get(e) for e in entries]
    decided = [e["decision"] or {} for e in entries]
    word = dict(zip(("in", "out"), WORDS[lang], strict=True))
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
        formats=[None, None, "@", None, "0", None, MONEY[lang], "0.00", "0.00", "0.00", "0.00",
                 None, "@", None, None, None, tables.DATE_FORMAT],
        # the reason a sentence, wrapped; the officer's columns wide enough to write in; all of
        # it on one page across when printed
        widths=[*[None] * 11, 60, None, 10, 24, 12, 12], max_width=36,
        above=[(_label("decision_help", lang), Style(color="6B7785", size=9))],
        body=WRAP, table=True, page=xlsx.Page(across=1), freeze="E3",
        color_scales=[xlsx.ColorScale([7, 8, 9, 10], SCORE_SCALE)],
        validations=[Validation(f"{decision_column}{first}:{decision_column}{first + rows}",
                                "list", '"' + ",".join(WORDS[lang]) + '"',
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
    word = dict(zip(("in", "out"), WORDS[lang], strict=True))
    names = {t["id"]: t["name"] for t in data["tracks"]}  # the track by its name, not its id
    columns = [[r["company"] for r in rows], [names.get(r["track"], r["track"]) for r in rows],
               [word[r["decision"]] for r in rows], [r["reason"] for r in rows],
               [r["who"] for r in rows], [tables.as_date(r["when"]) for r in rows],
               [_status(r["result"], lang) for r in rows]]
    return Sheet(decisions_file.RECORD_SHEETS[lang], titles, columns,
                 formats=[None, None, None, None, None, tables.DATE_FORMAT, None],
                 body=TOP, wrap_wide=True, max_width=50, table=True, page=xlsx.PRINT)


def workbook(data: dict[str, Any], city: CityFigures, lang: str) -> list[Sheet]:
    """The selection workbook: summary, a sheet per track, decisions, the city figures."""
    taken = {_label("summary", lang).casefold(), decisions_file.RECORD_SHEETS[lang].casefold()}
    return [_summary_sheet(data, lang), *(_track_sheet(t, lang, taken) for t in data["tracks"]),
            _decisions_sheet(data, lang), city_sheet(city, lang)]


# --- the city figures as a sheet and a document ---------------------------------------------------

CITY_LABELS: dict[str, dict[str, str]] = {
    "title": {"ko": "울산 AI 사업단 진단·선정 현황 (시 보고)", "en": "AI-on Ulsan: diagnosis and selection (report to the city)"},
    "sheet": {"ko": "시 보고", "en": "City report"},
    "diagnosed": {"ko": "진단 기업", "en": "Companies diagnosed"},
    "target": {"ko": "목표", "en": "Target"},
    "employees": {"ko": "고용 인원 합계", "en": "Employees covered"},
    "production": {"ko": "연간 생산액 합계", "en": "Annual production value covered"},
    "industry": {"ko": "업종별", "en": "By industry"},
    "size": {"ko": "규모별", "en": "By size"},
    "district": {"ko": "구·군별", "en": "By district"},
    "smart_factory_level": {"ko": "스마트공장 수준별", "en": "By smart-factory level"},
    "level": {"ko": "AI 준비도 수준별", "en": "By AI-readiness level"},
    "kpis": {"ko": "기준 경영 지표 (중앙값)", "en": "Baseline business KPIs (medians)"},
    "value": {"ko": "추천 과제의 연간 기대 효과 합계", "en": "Yearly value of the recommended initiatives"},
    "value_method": {"ko": "기업마다 1순위 추천 과제의 연간 기대 효과(카탈로그 공식, 입력값은 각 보고서)를 "
                           "더한 값. 효과를 산정할 수 있는 {n}개 사 기준.",
                     "en": "The sum of each company's first recommendation's yearly value (the "
                           "catalogue's formulas; inputs in each report), over the {n} companies "
                           "with an estimate."},
    "allocation": {"ko": "트랙별 배정과 정원", "en": "Places per track against capacity"},
    "changes": {"ko": "진단 차수 사이 변화 (중앙값, T0 → T1)", "en": "Change between rounds (medians, T0 -> T1)"},
    "group": {"ko": "집단", "en": "Group"},
    "n": {"ko": "기업 수", "en": "n"},
    "median": {"ko": "중앙값", "en": "Median"},
    "fewer": {"ko": "5개 사 미만", "en": "fewer than 5"},
    "small_note": {"ko": "모든 수치는 5개 사 이상 집단에서만 냅니다. 그보다 작은 집단은 '5개 사 미만'으로 표시합니다.",
                   "en": "Every figure comes from groups of 5 or more companies; smaller groups "
                         "show as 'fewer than 5'."},
    "before": {"ko": "T0", "en": "T0"},
    "after": {"ko": "T1", "en": "T1"},
    "change": {"ko": "변화", "en": "Change"},
    "overall": {"ko": "종합 점수", "en": "Overall score"},
    "what": {"ko": "항목", "en": "Item"},
    "figure": {"ko": "수치", "en": "Figure"},
}


def _city(key: str, lang: str) -> str:
    return pick(CITY_LABELS[key], lang)


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
              f"{m.median:,.2f} (n={m.n})") for m in city.kpis]
    rows += [(_city("allocation", lang), a["track"],
              f"{a['selected']} / {a['capacity'] if a['capacity'] is not None else '–'}")
             for a in city.allocation]
    changes = f"{_city('changes', lang)} ({' → '.join(city.rounds)})"
    rows += [(f"{changes}: {what}", c.group, fewer if c.delta is None else
              f"{c.before:,.2f} → {c.after:,.2f} ({c.delta:+,.2f}, n={c.n})")
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
    context = documents.base_context(LABELS, lang)
    tracks = []
    for t in data["tracks"]:
        shown = t["primary"][:PDF_ROWS]
        more = len(t["primary"]) - len(shown)
        tracks.append({**t, "primary": shown, "selected": len(t["primary"]),
                       "more": Msg("… 외 {n}개 사: 전체 명단과 사유는 selection.xlsx",
                                   "… and {n} more: every company and reason is in "
                                   "selection.xlsx").format(n=more).render(lang) if more else "",
                       "window": windows.get(t["id"], ""), "reasons": _reason_counts(t, lang),
                       "money": {e["company"]["key"]: krw(
                           (e["initiative"] or {}).get("yearly_value_krw"), lang)
                           for e in [*shown, *t["reserve"]]}})
    context.update({"programme_name": data["programme"]["name"],
                    "year": data["programme"]["year"], "tracks": tracks,
                    "decisions": data["decisions"]})
    return context


def city_context(city: CityFigures, lang: str) -> dict[str, Any]:
    context = documents.base_context(CITY_LABELS, lang)
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
        "kpis": [(m.label, fewer if m.median is None else f"{m.median:,.2f}", m.n)
                 for m in city.kpis],
        "allocation": city.allocation,
        "rounds": city.rounds,
        "changes": [{"what": name, "rows": [(c.group, c.n, documents.number(c.before),
                                             documents.number(c.after),
                                             documents.number(c.delta, signed=True))
                                            for c in rows]}
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
