"""The PDF diagnosis report: scores -> report context -> HTML (Jinja2) -> PDF (WeasyPrint).

Templates are looked up in the user's folder first (``--templates``), then the bundled one.
Jinja runs with autoescape and ``StrictUndefined``: untrusted text (company names, notes) is
always text, and a missing variable fails loudly instead of rendering blank. WeasyPrint only
gets the bundled assets: no network, no file outside the template and font folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content.benchmark import Benchmark
from diagnose.content.catalogue import Ranking, Risk
from diagnose.core import files, fonts, labels, money, processes, resources
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick, without_controls
from diagnose.engine import gates
from diagnose.engine.peers import PeerGroup
from diagnose.engine.recommend import Recommendation
from diagnose.engine.scoring import STATE_NAMES, Scores
from diagnose.inputs import answers, evidence, identity
from diagnose.inputs.responses import LoadedResponse
from diagnose.render import findings, pdf, typography, verdict


def plain(value: Any) -> str:
    """A table cell as text; a gap is empty (pandas 3 keeps gaps in text columns as NaN)."""
    if value is None or (not isinstance(value, (str, tuple)) and pd.isna(value)):
        return ""
    return str(value)


def _round(value: Any, digits: int = 2) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)


def _profile(loaded: LoadedResponse | None, scores: Scores, row: pd.Series,
             lang: str) -> list[dict[str, str]]:
    shown = []
    for item in scores.questionnaire.profile:
        if item.id in {"name"}:
            continue
        value = loaded.values.get(item.id) if loaded else row.get(f"company.{item.id}")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        shown.append({"label": findings.topic(item, lang), "value": _shown(item, value, lang)})
    return shown


def _shown(item: Any, value: Any, lang: str) -> str:
    """A profile answer as the report writes it: money as "200억 원" / "KRW 20 billion"."""
    unit = pick(item.unit, "ko") if getattr(item, "unit", None) else ""
    if item.type == "number" and unit in money.MILLION_UNITS and isinstance(value, (int, float)):
        return money.krw(value * money.MILLION, lang)
    return answers.display(item, value, lang)


def _band_name(scores: Scores, score: float | None, lang: str) -> str:
    """The rubric band a dimension score falls in, read as that dimension's level."""
    if score is None:
        return ""
    bands = [b for b in scores.rubric.bands if b.min <= round(score, 9)]
    return f"{bands[-1].level} {pick(bands[-1].name, lang)}" if bands else ""


def _dimensions(scores: Scores, position: int, row: pd.Series, lang: str) -> list[dict[str, Any]]:
    q = scores.questionnaire
    result = []
    for dim in q.dimensions:
        score = _round(row[f"{dim.id}.score"])
        result.append({
            "id": dim.id,
            "title": pick(dim.title, lang),
            "description": pick(dim.description, lang) if dim.description else "",
            "score": score,
            "percent": _round(row[f"{dim.id}.percent"], 0),
            "completeness": _round(row[f"{dim.id}.completeness"] * 100, 0),
            "insufficient": bool(row[f"{dim.id}.insufficient"]),
            "weight": scores.rubric.weight(dim.id),
            "level_name": _band_name(scores, score, lang),
        })
    return result


def answer_values(scores: Scores, position: int,
                  loaded: LoadedResponse | None = None) -> dict[str, Any]:
    """The canonical answers of one scored assessment, by item id.

    From its response file when there is one; otherwise (a survey-export row) from the
    answers frame the engine scored.
    """
    if loaded is not None:
        return loaded.values
    if scores.answers is None:
        return {}
    row = scores.answers.iloc[position]
    q = scores.questionnaire
    found = {item.id: row.get(f"company.{item.id}") for item in q.profile}
    found.update({question.id: row.get(question.id) for question in q.questions})
    return {key: value for key, value in found.items()
            if value is not None and not (isinstance(value, float) and math.isnan(value))}


def _answers(scores: Scores, position: int, loaded: LoadedResponse | None,
             lang: str) -> list[dict[str, Any]]:
    q = scores.questionnaire
    states = scores.states.iloc[position]
    values = answer_values(scores, position, loaded)
    sections = []
    for dim in q.dimensions:
        rows = []
        for question in dim.questions:
            value = values.get(question.id)
            answer = loaded.response.answers.get(question.id) if loaded else None
            state = STATE_NAMES[int(states[question.id])] if question.scored else (
                "answered" if value else "missing")
            shown = _shown(question, value, lang) if value is not None else ""
            if state in {"hidden", "missing"}:
                shown = labels.label(f"report.{state}", lang)
            level = scores.levels.iloc[position].get(question.id)
            rows.append({"id": question.id, "text": findings.topic(question, lang),
                         "answer": shown, "level_question": question.type == "level",
                         "state": state, "level": _round(level, 1),
                         "note": (answer.note or "").strip() if answer else "",
                         "evidence": len(answer.evidence) if answer else 0})
        sections.append({"title": pick(dim.title, lang), "rows": rows})
    return sections


def _noted_answers(sections: list[dict[str, Any]], source: str, loaded: LoadedResponse | None,
                   lang: str) -> dict[str, Any]:
    """Appendix D: the answers with a note or evidence, and where the others are.

    The CEO reads the findings, not 60 raw answers; what the consultant qualified with a note
    or a photo is the part of the record a reader checks, and the response file (named, with
    its sha256 in the colophon) holds the rest. Two pages of raw answers cost a fifth of the
    report's rendering time.
    """
    shown = [{"title": s["title"], "rows": [r for r in s["rows"] if r["note"] or r["evidence"]]}
             for s in sections]
    count = sum(len(s["rows"]) for s in sections) - sum(len(s["rows"]) for s in shown)
    key = "answers_rest" if loaded is not None else "answers_rest_survey"
    name = Path(loaded.path).name if loaded is not None else Path(source).name if source else "-"
    return {"sections": [s for s in shown if s["rows"]],
            "rest": labels.msg(f"report.{key}").format(n=count, file=name).render(lang)
            if count else ""}


def _evidence(scores: Scores, loaded: LoadedResponse | None, lang: str) -> list[dict[str, Any]]:
    """The evidence listed with the answers, in questionnaire order, checked but not read.

    Pictures are read and shrunk in the worker that renders the PDF (``render_job``).
    """
    if loaded is None:
        return []
    folder = Path(loaded.path).parent
    items = []
    for question in scores.questionnaire.questions:
        answer = loaded.response.answers.get(question.id)
        for written in answer.evidence if answer else []:
            item = {"question": pick(question.text, lang), "qid": question.id,
                    "name": written, "kind": "refused", "path": "", "reason": "", "src": ""}
            try:
                found = evidence.locate(folder, written)
            except evidence.EvidenceError as exc:
                item["reason"] = exc.message.render(lang)
            else:
                item["kind"], item["path"] = found.kind, str(found.path)
            items.append(item)
    return items


def evidence_problems(context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(question id, path as written, why) for each evidence file a report leaves out."""
    return [(item["qid"], item["name"], item["reason"]) for item in context["evidence"]
            if item["kind"] == "refused"]


def _comparison(peer: PeerGroup | None, benchmark: Benchmark | None, lang: str
                ) -> dict[str, Any]:
    """What the company is compared with, as the line under the dimension chart (``note``),
    and the warning alone when the group was widened or missing (``warning``)."""
    if peer is None or peer.level == "none":
        none = labels.label("report.peer_none", lang)
        return {"note": none, "warning": none, "source": "none"}
    if peer.source == "benchmark" and benchmark is not None:
        status = labels.label("report.provisional", lang) if benchmark.provisional else ""
        note = labels.msg("report.bench_note").format(title=pick(benchmark.title, lang),
                                         date=benchmark.date.isoformat(),
                                         group=peer.name(lang), n=peer.size,
                                         status=status).render(lang)
        warning = labels.label("report.bench_fallback", lang) if peer.fell_back else ""
        return {"note": f"{note} {warning}".strip(), "warning": warning, "source": "benchmark"}
    warning = labels.msg("report.peer_fallback").format(group=peer.name(lang), n=peer.size) \
        .render(lang) if peer.fell_back else ""
    note = warning or labels.msg("report.batch_note").format(group=peer.name(lang),
                                                             n=peer.size).render(lang)
    return {"note": note, "warning": warning, "source": "batch"}


def _benchmark_info(benchmark: Benchmark | None, peer: PeerGroup | None, lang: str
                    ) -> dict[str, str] | None:
    if benchmark is None:
        return None
    return {"title": pick(benchmark.title, lang), "date": benchmark.date.isoformat(),
            "status": labels.label("report.bench_provisional" if benchmark.provisional
                                   else "report.bench_final", lang),
            "source": pick(benchmark.source, lang), "method": pick(benchmark.method, lang),
            "group": (f"{peer.name(lang)} (n={peer.size})"
                      if peer is not None and peer.source == "benchmark"
                      and peer.level != "none" else "")}


def _priority_note(ranking: Ranking | None, lang: str) -> dict[str, Any] | None:
    if ranking is None:
        return None
    parts = [("goal", ranking.goal), ("value", ranking.value),
             ("readiness", ranking.readiness), ("need", ranking.need)]
    rules = labels.msg("report_method.rules").format(
        r=ranking.high_ranks, h=f"{ranking.high:.2f}", m=f"{ranking.medium:.2f}",
        p=f"{ranking.high_payback:g}").render(lang)
    texts = {key: labels.msg(f"report_method.{key}") for key, _ in parts}
    texts["value"] = texts["value"].format(u=f"{ranking.unpriced:g}")
    return {"weights": [{"id": key, "weight": f"{weight:.2f}", "text": texts[key].render(lang)}
                        for key, weight in parts], "rules": rules}


COVER_NAME_CHARS = 60  # under three lines of the cover's 22 pt name in Korean (22 a line)


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, at a space where one is near."""
    if len(text) <= limit:
        return text
    kept = text[:limit - 1]
    space = kept.rfind(" ")
    if space > limit * 2 // 3:
        kept = kept[:space]
    return kept.rstrip(" ,·") + "…"


def _as_date(text: str) -> dt.date | None:
    """An ISO date from the assessment, or None (an empty or unreadable one)."""
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _office(programme: Any, name: str, lang: str) -> dict[str, str] | None:
    """The programme office as the 'who to call' line shows it: the programme file's contact,
    named by the programme when the contact names no organisation."""
    if not name:
        return None
    office = findings.contact_data(getattr(programme, "contact", None), lang)
    office["organisation"] = office["organisation"] or name
    return office


def _round_name(value: str, lang: str) -> str:
    return identity.round_name(value, lang)


def _content_hash(model: Any) -> str:
    """A short hash of parsed content (what the engine used, whatever the file's layout)."""
    return hashlib.sha256(model.model_dump_json().encode("utf-8")).hexdigest()[:12]


def provenance(scores: Scores, loaded: LoadedResponse | None, catalogue: Any = None,
               programme: Any = None, benchmark: Benchmark | None = None) -> list[list[str]]:
    """What made this report, for the colophon: program versions and content hashes."""
    from diagnose import __version__

    q, rubric = scores.questionnaire, scores.rubric
    rows = [["diagnose", __version__], ["WeasyPrint", pdf.version()],
            [f"questionnaire {q.id}", f"v{q.version} · sha256 {(q.sha256 or '-')[:12]}"],
            [f"rubric {rubric.id}", f"v{rubric.version} · {_content_hash(rubric)}"]]
    for name, model in (("catalogue", catalogue), ("programme", programme),
                        ("benchmark", benchmark)):
        if model is not None and getattr(model, "id", "none") != "none":
            rows.append([f"{name} {model.id}", f"v{model.version} · {_content_hash(model)}"])
    return rows + response_provenance(loaded)


def response_provenance(loaded: LoadedResponse | None) -> list[list[str]]:
    """The colophon row of one response file: its name and sha256 (none for a survey row)."""
    if loaded is None:
        return []
    digest = hashlib.sha256(Path(loaded.path).read_bytes()).hexdigest()[:12]
    return [["response", f"{Path(loaded.path).name} · sha256 {digest}"]]


def build_context(scores: Scores, position: int, loaded: LoadedResponse | None = None,
                  lang: str = "ko", recommendations: list[Recommendation] | None = None,
                  peer: PeerGroup | None = None, ranking: Ranking | None = None,
                  *, programme: Any = None, benchmark: Benchmark | None = None,
                  issued: str | None = None, sources: list[list[str]] | None = None,
                  risks: Sequence[Risk] = ()) -> dict[str, Any]:
    """Everything a report template needs, as plain data (picklable for worker processes).

    ``loaded`` is the assessment's response file (for notes, evidence and the consultant's
    verdict); a survey-export row has none, and its answers come from the scored answers
    frame. ``peer`` is the comparison group: the reference benchmark's (``peers.reference``)
    or, with ``--peers``, the batch's. ``ranking`` is the catalogue's priority weights and
    ``programme`` the programme file (its name); ``issued`` the date of issue (default: the
    assessment date, so the same inputs give the same PDF); ``sources`` the colophon rows;
    ``risks`` the catalogue's risk register (the report's risks table).
    """
    row = scores.table.iloc[position]
    q, rubric = scores.questionnaire, scores.rubric
    level = row["overall.level"]
    level = None if pd.isna(level) else int(level)
    band = rubric.band(level) if level is not None else None
    banded = scores.band_levels.iloc[position]
    fired = scores.fired_gates[position]
    capped = [gates.explain(item, q, None if pd.isna(banded) else int(banded), lang)
              for item in fired]
    values = answer_values(scores, position, loaded)
    date = plain(row["assessment.date"])
    # application windows are open or closed on the report's date, never on the clock's
    recs = findings.roadmap(recommendations or [], q, lang, _as_date(issued or date))
    dims = _dimensions(scores, position, row, lang)
    evidence_items = _evidence(scores, loaded, lang)
    found = findings.dimension_findings(scores, position, loaded, values, lang,
                                        recommendations or [], fired)
    strengths, gaps = findings.strengths_and_gaps(scores, position, lang)
    company_name = plain(row["company.name"])
    overall = {"score": _round(row["overall.score"]), "level": level,
               # in the report's language, whatever language the table was scored in
               "level_name": rubric.level_name(level, lang),
               "level_description": pick(band.description, lang) if band and
               band.description else "", "gates": capped}
    words = verdict.own_words(q, values, lang)
    answer = verdict.goal_answer(recs, lang)
    summary = getattr(loaded.response.assessment, "summary", None) if loaded else None
    summary = (summary or "").strip()
    programme_name = pick(programme.name, lang) if programme is not None and \
        getattr(programme, "id", "none") != "none" else ""
    consultant = plain(row["assessment.consultant"])
    levels = {k: float(v) for k, v in scores.levels.iloc[position].items() if not pd.isna(v)}
    sf_item = q.items.get("smart_factory_level")
    return {
        "lang": lang,
        "labels": labels.texts("report", lang),
        "programme": labels.label("programme", lang),
        "programme_name": programme_name,
        "title": pick(q.title, lang),
        "company": {"name": company_name, "id": plain(row.get("company.id")),
                    "name_en": _cut(plain(values.get("name_en")), COVER_NAME_CHARS)
                    if lang == "en" else "",
                    # a name too long for the cover is cut there (the colophon keeps it
                    # whole), so it never pushes date, round, consultant and level off the
                    # first page; the running header takes it and ends its one line in "…"
                    "cover": _cut(company_name, COVER_NAME_CHARS),
                    "cut": len(company_name) > COVER_NAME_CHARS},
        "profile": _profile(loaded, scores, row, lang),
        "assessment": {"date": date, "issued": issued or date,
                       "round": plain(row["assessment.round"]),
                       "round_name": _round_name(plain(row["assessment.round"]), lang),
                       "consultant": consultant},
        "overall": overall,
        "smart_factory": answers.display(sf_item, values["smart_factory_level"], lang)
        if sf_item is not None and values.get("smart_factory_level") not in (None, "na",
                                                                          "unknown") else "",
        "ladder": verdict.ladder(rubric.bands, level, lang),
        "dimensions": dims,
        "answers": (all_answers := _answers(scores, position, loaded, lang)),
        "noted_answers": _noted_answers(all_answers, plain(row.get("source")), loaded, lang),
        "evidence": evidence_items,
        "strengths": strengths, "gaps": gaps,
        "recommendations": recs,
        "gantt_data": findings.gantt_rows(recs, lang),
        "findings": found,
        "chart_data": findings.dimension_series(scores, position, peer, lang),
        "chart": "", "gantt": "", "gantt_labels": [],
        "comparison": (comparison := _comparison(peer, benchmark, lang)),
        "peer_note": comparison["warning"],
        "benchmark": _benchmark_info(benchmark, peer, lang),
        "verdict": {
            "words": words, "answer": answer,
            "text": summary or verdict.headline(
                _cut(plain(values.get("name_en")) if lang == "en" and values.get("name_en")
                     else company_name, COVER_NAME_CHARS), overall, gaps, answer, words, lang),
            "generated": not summary,
            "value": verdict.value_at_stake(recs, lang),
            "findings": verdict.three_findings(found, dims, evidence_items, lang),
            "decisions": verdict.decisions(recs, lang),
            "next_days": verdict.next_days(recs, lang),
            "contacts": verdict.contacts(consultant, _office(programme, programme_name, lang),
                                         recs, lang),
        },
        "risks": findings.risk_register(q, values, levels, recs, risks, lang) if recs else [],
        "priority": _priority_note(ranking, lang) if recs else None,
        "sources": sources or [],
        "font": {weight: fonts.font_file(weight).as_uri() for weight in ("regular", "bold",
                                                                          "extrabold")},
    }


# --- rendering --------------------------------------------------------------------------------

def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """Template folders in lookup order: the user's first, then the bundled one."""
    dirs = [resources.REPORT_TEMPLATES]
    if user_dir is not None:
        if not user_dir.is_dir():
            raise DiagnoseError(Msg("템플릿 폴더가 없습니다", "template folder not found"),
                                where=user_dir)
        dirs.insert(0, user_dir)
    return dirs


def find_asset(templates: Sequence[Path], filename: str) -> Path:
    """A template asset (``report.css``) from the first template folder that has it."""
    for folder in templates:
        if (folder / filename).is_file():
            return (folder / filename).resolve()
    raise DiagnoseError(Msg("템플릿 자산이 없습니다: {f}", "template asset not found: {f}")
                        .format(f=filename))


# One Jinja environment per template folder list and process: compiling the report template
# costs about 0.15 s, as much as laying out a page. Jinja reloads a template whose file changed.
_ENVIRONMENTS: dict[tuple[Path, ...], Any] = {}


def _environment(templates: Sequence[Path]) -> Any:
    import jinja2

    key = tuple(templates)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in templates]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.globals["asset"] = lambda filename: find_asset(key, filename).as_uri()
        env.filters["without_controls"] = without_controls
        env.filters["typeset"] = typography.typeset
        _ENVIRONMENTS[key] = env
    return env


def render_html(context: dict[str, Any], templates: Sequence[Path],
                name: str = "report.html.j2") -> str:
    """The report as HTML; autoescaped, and a missing variable is an error."""
    import jinja2

    try:
        return _environment(templates).get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise DiagnoseError(Msg("보고서 템플릿 오류: {e}", "report template error: {e}")
                            .format(e=exc.message or exc),
                            where=f"{where}:{line}" if line else where) from None


# The company report's stylesheets, given to WeasyPrint parsed (not as a <link> in the HTML):
# parsing them and loading the fonts of their @font-face rules is the same for every report,
# so a process that renders many reports does it once (``styles``).
REPORT_STYLESHEETS = ("report.css",)
_FONT_WEIGHTS = (("regular", 400), ("bold", 700), ("extrabold", 800))
_STYLES: dict[tuple[Any, ...], tuple[Any, list[Any]]] = {}


def build_styles(templates: Sequence[Path], names: Sequence[str]) -> tuple[Any, list[Any]]:
    """A new font configuration and the parsed stylesheets: the bundled font's @font-face
    rules, then each of ``names`` from the first template folder that has it."""
    weasyprint = pdf.weasyprint()
    font_config = pdf.submodule("text.fonts").FontConfiguration()
    fetcher = _safe_fetcher([*templates, fonts.font_dir()])
    faces = "".join(f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {weight}; '
                    f'src: url("{fonts.font_file(name).as_uri()}"); }}\n'
                    for name, weight in _FONT_WEIGHTS)
    sheets = [weasyprint.CSS(string=faces, base_url=fonts.font_dir().as_uri() + "/",
                             url_fetcher=fetcher, font_config=font_config)]
    sheets += [weasyprint.CSS(url=find_asset(templates, name).as_uri(), url_fetcher=fetcher,
                              font_config=font_config) for name in names]
    return font_config, sheets


def styles(templates: Sequence[Path], names: Sequence[str]) -> tuple[Any, list[Any]]:
    """``build_styles``, kept for the process while the stylesheet files stay the same."""
    paths = [find_asset(templates, name) for name in names]
    key = (tuple(templates), tuple(names),
           tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key not in _STYLES:
        forget_styles()  # one set in use at a time: a changed file replaces the old one
        _forget_styles_at_exit()
        _STYLES[key] = build_styles(templates, names)
        _STYLES_OWNER["pid"] = os.getpid()
    return _STYLES[key]


_CLEANUP_PIDS: set[int] = set()
_STYLES_OWNER: dict[str, int] = {}  # the process that made the kept styles (a fork inherits them)


def forget_styles() -> None:
    """Drop the kept stylesheets (the next report parses them again), and remove the folder of
    font files WeasyPrint wrote for the kept font configuration.

    WeasyPrint removes it when the configuration is collected; a kept one lives until the
    process ends, when worker processes skip collection (and at interpreter shutdown the
    removal itself fails), so it is removed here, once, and marked as gone.
    """
    import shutil

    for font_config, _ in _STYLES.values():
        folder = getattr(font_config, "_folder", None)
        if folder and _STYLES_OWNER.get("pid") == os.getpid():  # never a forked parent's
            shutil.rmtree(folder, ignore_errors=True)
            font_config._folder = None
    _STYLES.clear()


def _forget_styles_at_exit() -> None:
    """Run ``forget_styles`` when this process ends: ``atexit`` in the main process, and
    multiprocessing's finalizer in a worker (which ends without running ``atexit``)."""
    import atexit
    from multiprocessing import util

    if os.getpid() in _CLEANUP_PIDS:
        return
    _CLEANUP_PIDS.add(os.getpid())
    atexit.register(forget_styles)
    util.Finalize(None, forget_styles, exitpriority=0)


def _safe_fetcher(roots: Sequence[Path], pictures: dict[str, bytes] | None = None) -> Any:
    """A WeasyPrint URL fetcher that serves files under ``roots`` and nothing else.

    ``pictures`` are the evidence pictures, already read and shrunk, by their ``evidence:N``
    URL: the HTML never names an evidence file, so no text from a response becomes a URL.
    """
    import mimetypes
    from urllib.parse import unquote, urlparse

    urls = pdf.submodule("urls")
    URLFetcher, URLFetcherResponse = urls.URLFetcher, urls.URLFetcherResponse

    allowed = [r.resolve() for r in roots]

    class AssetFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if pictures and url in pictures:
                return URLFetcherResponse(url, pictures[url],
                                          headers={"Content-Type": "image/jpeg"}, status=200)
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise ValueError(f"blocked: only bundled assets are served ({parsed.scheme}:)")
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed) or not path.is_file():
                raise ValueError("blocked: not a bundled asset")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      headers={"Content-Type": kind}, status=200)

    return AssetFetcher(allowed_protocols=["file"])


def write_pdf(html: str, out: Path, templates: Sequence[Path],
              pictures: dict[str, bytes] | None = None,
              stylesheets: Sequence[str] = ()) -> None:
    """Render HTML to ``out``; the PDF appears under its name only once complete.

    ``stylesheets``: template assets applied besides the HTML's own styles, with the bundled
    font (parsed once per process, ``styles``); empty for a document that links its own.
    """
    weasyprint = pdf.weasyprint()  # the one place that loads it; PdfUnavailable without Pango
    # WeasyPrint logs every CSS property it skips in inline SVG; keep that off the user's
    # terminal (a handler here stops Python's last-resort printing; tests still capture it).
    quiet = logging.getLogger("weasyprint")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())

    roots = [*templates, fonts.font_dir()]
    document = weasyprint.HTML(string=html, base_url=templates[0].resolve().as_uri() + "/",
                               url_fetcher=_safe_fetcher(roots, pictures))
    font_config, sheets = styles(templates, stylesheets) if stylesheets else (None, None)
    # PDF/UA-1: a tagged PDF (structure tree, the document's language, the charts' text
    # alternatives from their <title>); WeasyPrint adds no date or random id to it. No file
    # identifier: pydyf computes one by compressing every stream a second time (0.2-0.3 s).
    files.write_atomic(out, lambda handle: document.write_pdf(
        handle, stylesheets=sheets, font_config=font_config, uncompressed_pdf=False,
        pdf_variant="pdf/ua-1"))


@dataclass(frozen=True)
class ReportJob:
    """One report to render: its context and where it goes."""

    context: dict[str, Any]
    out: Path
    templates: tuple[Path, ...]


def render_job(job: ReportJob) -> Path:
    """Draw the charts and render one PDF (runs in a worker process)."""
    context = draw_charts(job.context)
    context["evidence"], pictures = _pictures(context.get("evidence", []), context["lang"])
    write_pdf(render_html(context, job.templates), job.out, job.templates, pictures,
              REPORT_STYLESHEETS)
    return job.out


def draw_charts(context: dict[str, Any]) -> dict[str, Any]:
    """The context with its charts drawn as SVG: the dimension chart and the roadmap."""
    from diagnose.render import charts

    context = dict(context)
    words = context["labels"]
    data = context.get("chart_data")
    if data and not context.get("chart"):
        by_role = {s["role"]: s for s in data["series"]}
        company, peers = by_role["company"], by_role.get("peers")
        target = by_role.get("target")
        rows = [charts.DimensionRow(label, company["values"][i],
                                    peers["values"][i] if peers else None)
                for i, label in enumerate(data["labels"])]
        alt = "; ".join(
            f"{r.label} {r.score:.2f}" if r.score is not None else f"{r.label} –"
            for r in sorted(rows, key=lambda r: (r.score is None, -(r.score or 0))))
        context["chart"] = charts.dimension_svg(
            rows, target["values"][0] if target else None,
            {"company": company["name"], "median": peers["name"] if peers else "",
             "target": target["name"] if target else ""},
            f"{words['chart_alt']}: {alt}", words["no_score"])
    rows = context.get("gantt_data")
    if rows and not context.get("gantt"):
        alt = "; ".join(f"{r['label']} {r['start']}~{r['end']}" for r in rows)
        gantt_rows = [charts.GanttRow(r["label"], r["start"], r["end"], r["kind"],
                                      tuple(r["after"]), r["note"]) for r in rows]
        # the row names are set as text over the chart (charts.gantt_labels), not in the SVG
        context["gantt"] = charts.gantt_svg(
            gantt_rows, findings.ROADMAP_MONTHS,
            {"year": words["gantt_year"], "months": words["gantt_months"],
             "range": words["gantt_range"], "beyond": words["gantt_beyond"]},
            f"{words['gantt_alt']}: {alt}", labels=False)
        context["gantt_labels"] = charts.gantt_labels(gantt_rows)
    return context


def _pictures(items: list[dict[str, Any]], lang: str
              ) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """Evidence pictures read and shrunk, each under its own ``evidence:N`` URL."""
    shown, pictures = [], {}
    for item in items:
        item = dict(item)
        if item["kind"] not in {"refused", "file"}:
            try:
                data = evidence.thumbnail(evidence.Found(Path(item["path"]), item["kind"]))
            except evidence.EvidenceError as exc:
                item["kind"], item["reason"] = "refused", exc.message.render(lang)
            else:
                item["src"] = f"evidence:{len(pictures)}"
                pictures[item["src"]] = data
        shown.append(item)
    return shown, pictures


def render_many(jobs: Iterable[ReportJob], workers: int | None = None,
                progress: Callable[[Path], None] | None = None) -> list[Path]:
    """Render reports, in parallel worker processes when ``workers`` > 1."""
    jobs = list(jobs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    done: list[Path] = []
    if workers == 1:
        for job in jobs:
            done.append(render_job(job))
            if progress:
                progress(job.out)
        return done
    with processes.pool(workers) as workers_pool:
        futures = [workers_pool.submit(render_job, job) for job in jobs]
        for future in as_completed(futures):
            path = future.result()
            done.append(path)
            if progress:
                progress(path)
    return done


WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                             *(f"LPT{i}" for i in range(1, 10))})
MAX_NAME_BYTES = 120  # with ".en.pdf", "-2" and a temp file's affixes, far below 255 bytes


def safe_filename(text: str, fallback: str = "report", limit: int = MAX_NAME_BYTES) -> str:
    """A file name from untrusted text, safe on Linux, macOS and Windows.

    Letters (Korean too), digits and ``-_()[] .`` stay, anything else becomes ``_``; no
    leading dots or dashes (hidden files, command options), at most ``limit`` bytes of UTF-8,
    and never a Windows device name (``CON``, ``NUL.txt``, ``com1``). A name cut to fit ends
    in ``~`` and 8 hex digits of a hash of the whole text, so two long names that share their
    first ``limit`` bytes still give two files, and the same name always the same file.
    """
    cleaned = "".join(c if c.isalnum() or c in "-_()[] ." else "_" for c in text)
    cleaned = cleaned.lstrip(" .-_").rstrip(" ._")
    if len(cleaned.encode("utf-8")) > limit:
        import hashlib

        tag = "~" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        kept = cleaned.encode("utf-8")[:max(limit - len(tag), 0)]
        cleaned = kept.decode("utf-8", "ignore").rstrip(" ._") + tag
    if cleaned.split(".")[0].strip().upper() in WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    return cleaned or fallback
