"""The PDF diagnosis report: scores -> report context -> HTML (Jinja2) -> PDF (WeasyPrint).

Templates are looked up in the user's folder first (``--templates``), then the bundled one.
Jinja runs with autoescape and ``StrictUndefined``: untrusted text (company names, notes) is
always text, and a missing variable fails loudly instead of rendering blank. WeasyPrint only
gets the bundled assets: no network, no file outside the template and font folders.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content import yamlio
from diagnose.content.rubric import Gate
from diagnose.core import fonts, processes, resources
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick, without_controls
from diagnose.engine.peers import PeerGroup
from diagnose.engine.recommend import Catalogue, Recommendation
from diagnose.engine.scoring import STATE_NAMES, Scores
from diagnose.inputs import answers, evidence
from diagnose.inputs.responses import LoadedResponse
from diagnose.render import findings

PROGRAMME = {"ko": "울산 AI 사업단 · AI-on Ulsan 기업 진단", "en": "Ulsan AI Programme · AI-on Ulsan diagnosis"}
LABELS: dict[str, dict[str, str]] = {
    "report": {"ko": "AI 준비도 진단 보고서", "en": "AI Readiness Diagnosis Report"},
    "company_id": {"ko": "기업 관리번호", "en": "Company ID"},
    "date": {"ko": "진단일", "en": "Date"},
    "round": {"ko": "진단 차수", "en": "Round"},
    "consultant": {"ko": "담당 컨설턴트", "en": "Consultant"},
    "overall": {"ko": "종합 진단 결과", "en": "Overall result"},
    "level": {"ko": "성숙도 수준", "en": "Maturity level"},
    "score": {"ko": "점수", "en": "Score"},
    "percent": {"ko": "백분율", "en": "Percent"},
    "completeness": {"ko": "응답 완성도", "en": "Completeness"},
    "dimensions": {"ko": "영역별 진단 결과", "en": "Results by dimension"},
    "dimension": {"ko": "영역", "en": "Dimension"},
    "insufficient": {"ko": "근거 부족", "en": "Insufficient evidence"},
    "no_score": {"ko": "점수 없음", "en": "No score"},
    "gated": {"ko": "단계 제한", "en": "Level capped"},
    "gate_text": {"ko": "'{dim}' 영역 점수가 {below} 미만이어서 종합 수준이 {cap}단계로 제한되었습니다.",
                  "en": "The overall level is capped at {cap} because '{dim}' scores below {below}."},
    "profile": {"ko": "기업 정보", "en": "Company profile"},
    "answers": {"ko": "부록: 전체 응답", "en": "Appendix: all answers"},
    "evidence": {"ko": "부록: 증빙 자료", "en": "Appendix: evidence"},
    "evidence_files": {"ko": "다른 증빙 파일 (보고서에 넣지 않음)",
                       "en": "Other evidence files (not included in the report)"},
    "evidence_refused": {"ko": "보여 주지 않은 증빙", "en": "Evidence not shown"},
    "question": {"ko": "문항", "en": "Question"},
    "answer": {"ko": "응답", "en": "Answer"},
    "note": {"ko": "메모", "en": "Note"},
    "missing": {"ko": "미응답", "en": "Unanswered"},
    "hidden": {"ko": "해당 없음(조건)", "en": "Not applicable (condition)"},
    "sources": {"ko": "질문지 {qid} v{qv} (sha256 {sha}) · 채점 기준 {rid} v{rv}",
                "en": "Questionnaire {qid} v{qv} (sha256 {sha}) · rubric {rid} v{rv}"},
    "page": {"ko": "쪽", "en": "Page"},
    "summary": {"ko": "요약", "en": "Executive summary"},
    "strengths": {"ko": "상대적 강점", "en": "Relative strengths"},
    "gaps": {"ko": "보완이 필요한 영역", "en": "Gaps"},
    "top_recs": {"ko": "우선 추천 과제", "en": "Top recommendations"},
    "overview": {"ko": "성숙도 개요", "en": "Maturity overview"},
    "peer_fallback": {"ko": "동종 그룹이 5개 사 미만이어서 더 넓은 그룹 '{group}'(n={n})과 비교했습니다.",
                      "en": "The peer group has fewer than 5 companies, so the broader group "
                            "'{group}' (n={n}) is shown."},
    "peer_none": {"ko": "비교할 동종 그룹(5개 사 이상)이 없어 동종 비교는 표시하지 않습니다.",
                  "en": "No peer group of at least 5 companies: no peer comparison is shown."},
    "findings": {"ko": "영역별 진단", "en": "Findings by dimension"},
    "strong_answers": {"ko": "잘 되고 있는 점", "en": "What works"},
    "weak_answers": {"ko": "부족한 점", "en": "What is missing"},
    "consultant_notes": {"ko": "컨설턴트 메모", "en": "Consultant's notes"},
    "next_level": {"ko": "다음 단계로 가려면", "en": "To reach the next level"},
    "now": {"ko": "현재", "en": "Now"},
    "unknowns": {"ko": "'모름' 응답 {n}개: 확인이 필요합니다.", "en": "{n} 'don't know' answer(s) to confirm."},
    "recs": {"ko": "AI 솔루션 추천", "en": "Recommended AI solutions"},
    "roadmap": {"ko": "추진 로드맵", "en": "Roadmap"},
    "track": {"ko": "지원 트랙", "en": "Programme track"},
    "kpi": {"ko": "개선 지표", "en": "KPI"},
    "impact": {"ko": "효과", "en": "Impact"},
    "effort": {"ko": "난이도", "en": "Effort"},
    "priority": {"ko": "우선순위", "en": "Priority"},
    "prepare_first": {"ko": "먼저 준비할 것", "en": "Prepare first"},
    "enables": {"ko": "이후 가능해지는 과제", "en": "Enables"},
    "business_case": {"ko": "기대 효과(추정)", "en": "Business case (estimate)"},
    "no_recs": {"ko": "추천할 과제가 없습니다.", "en": "No recommendation applies."},
    "priority_note": {"ko": "우선순위 = 격차 {gap}% + 효과 {impact}% + 지표 중요도 {kpi}% + 실행 용이성 {ease}% (SIRI 우선순위 매트릭스 방식)",
                      "en": "Priority = gap {gap}% + impact {impact}% + KPI importance {kpi}% + ease {ease}% (after SIRI's prioritisation matrix)"},
    "of_levels": {"ko": "/ 5단계", "en": "of 5"},
}


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
        shown.append({"label": pick(item.text, lang), "value": answers.display(item, value, lang)})
    return shown


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
            shown = answers.display(question, value, lang) if value is not None else ""
            if state == "hidden":
                shown = pick(LABELS["hidden"], lang)
            elif state == "missing":
                shown = pick(LABELS["missing"], lang)
            level = scores.levels.iloc[position].get(question.id)
            rows.append({"id": question.id, "text": pick(question.text, lang), "answer": shown,
                         "state": state, "level": _round(level, 1),
                         "note": (answer.note or "") if answer else ""})
        sections.append({"title": pick(dim.title, lang), "rows": rows})
    return sections


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


def capping_gates(scores: Scores, position: int) -> list[Gate]:
    """For each dimension in ``overall.gates``, the strictest of its gates that fired."""
    row = scores.table.iloc[position]
    banded = scores.band_levels.iloc[position]
    result = []
    for dim in filter(None, plain(row["overall.gates"]).split(";")):
        score = round(float(row[f"{dim}.score"]), 9)
        fired = [g for g in scores.rubric.gates
                 if g.dimension == dim and score < g.below and g.cap_level < banded]
        result.append(min(fired, key=lambda g: g.cap_level))
    return result


def _findings(scores: Scores, position: int, loaded: LoadedResponse | None, lang: str,
              recs: list[Recommendation], catalogue: Catalogue | None,
              peer: PeerGroup | None) -> dict[str, Any]:
    strengths, gaps = findings.strengths_and_gaps(scores, position, lang)
    top, phases = findings.roadmap(recs, catalogue, lang) if catalogue else ([], [])
    if not top:
        phases = []  # no empty timeline
    weights = catalogue.priority if catalogue else None
    peer_note = ""
    if peer is not None and peer.level != "none" and peer.fell_back:
        peer_note = Msg(**LABELS["peer_fallback"]).format(group=peer.name(lang), n=peer.size
                                                          ).render(lang)
    elif peer is None or peer.level == "none":
        peer_note = pick(LABELS["peer_none"], lang)
    return {
        "strengths": strengths, "gaps": gaps, "recommendations": top, "roadmap": phases,
        "findings": findings.dimension_findings(scores, position, loaded,
                                                answer_values(scores, position, loaded), lang),
        "radar_data": findings.radar_series(scores, position, peer, lang),
        "radar": "", "peer_note": peer_note,
        "priority_note": Msg(**LABELS["priority_note"]).format(
            gap=round(weights.gap * 100), impact=round(weights.impact * 100),
            kpi=round(weights.kpi * 100), ease=round(weights.effort * 100)).render(lang)
        if weights else "",
    }


def build_context(scores: Scores, position: int, loaded: LoadedResponse | None = None,
                  lang: str = "ko", recommendations: list[Recommendation] | None = None,
                  catalogue: Catalogue | None = None, peer: PeerGroup | None = None
                  ) -> dict[str, Any]:
    """Everything a report template needs, as plain data (picklable for worker processes).

    ``loaded`` is the assessment's response file (for notes); a survey-export row has none,
    and its answers come from the scored answers frame. ``recommendations`` (with their
    ``catalogue``) and the ``peer`` group come from the batch the assessment was scored in.
    """
    row = scores.table.iloc[position]
    q, rubric = scores.questionnaire, scores.rubric
    level = row["overall.level"]
    level = None if pd.isna(level) else int(level)
    band = rubric.band(level) if level is not None else None
    gates = [Msg(**LABELS["gate_text"]).format(
        dim=pick(q.dimension(gate.dimension).title, lang), below=gate.below, cap=gate.cap_level
    ).render(lang) for gate in capping_gates(scores, position)]
    date = row["assessment.date"]
    return {
        "lang": lang,
        "labels": {key: pick(text, lang) for key, text in LABELS.items()},
        "programme": pick(PROGRAMME, lang),
        "title": pick(q.title, lang),
        "company": {"name": plain(row["company.name"]), "id": plain(row.get("company.id"))},
        "profile": _profile(loaded, scores, row, lang),
        "assessment": {"date": plain(date),
                       "round": plain(row["assessment.round"]),
                       "consultant": plain(row["assessment.consultant"])},
        "overall": {"score": _round(row["overall.score"]),
                    "percent": _round(row["overall.percent"], 0),
                    "level": level, "level_name": row["overall.level_name"] or "",
                    "level_description": pick(band.description, lang) if band and
                    band.description else "",
                    "gates": gates},
        "dimensions": _dimensions(scores, position, row, lang),
        "answers": _answers(scores, position, loaded, lang),
        "evidence": _evidence(scores, loaded, lang),
        **_findings(scores, position, loaded, lang, recommendations or [], catalogue, peer),
        "sources": Msg(**LABELS["sources"]).format(
            qid=q.id, qv=q.version, sha=(q.sha256 or "-")[:12], rid=rubric.id,
            rv=rubric.version).render(lang),
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


def render_html(context: dict[str, Any], templates: Sequence[Path],
                name: str = "report.html.j2") -> str:
    """The report as HTML; autoescaped, and a missing variable is an error."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in templates]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    def asset(filename: str) -> str:
        """The URL of a template asset, from the first folder that has it."""
        for folder in templates:
            if (folder / filename).is_file():
                return (folder / filename).resolve().as_uri()
        raise DiagnoseError(Msg("템플릿 자산이 없습니다: {f}", "template asset not found: {f}")
                            .format(f=filename))

    env.globals["asset"] = asset
    env.filters["without_controls"] = without_controls
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise DiagnoseError(Msg("보고서 템플릿 오류: {e}", "report template error: {e}")
                            .format(e=exc.message or exc),
                            where=f"{where}:{line}" if line else where) from None


def _safe_fetcher(roots: Sequence[Path], pictures: dict[str, bytes] | None = None) -> Any:
    """A WeasyPrint URL fetcher that serves files under ``roots`` and nothing else.

    ``pictures`` are the evidence pictures, already read and shrunk, by their ``evidence:N``
    URL: the HTML never names an evidence file, so no text from a response becomes a URL.
    """
    import mimetypes
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher, URLFetcherResponse

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
              pictures: dict[str, bytes] | None = None) -> None:
    """Render HTML to ``out``; the PDF appears under its name only once complete."""

    import weasyprint

    # WeasyPrint logs every CSS property it skips in inline SVG; keep that off the user's
    # terminal (a handler here stops Python's last-resort printing; tests still capture it).
    quiet = logging.getLogger("weasyprint")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())

    roots = [*templates, fonts.font_dir()]
    document = weasyprint.HTML(string=html, base_url=templates[0].resolve().as_uri() + "/",
                               url_fetcher=_safe_fetcher(roots, pictures))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        os.fchmod(fd, yamlio.FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            document.write_pdf(handle, pdf_identifier=b"diagnose", uncompressed_pdf=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    yamlio.sync_folder(out.parent)  # the rename itself survives a power cut


@dataclass(frozen=True)
class ReportJob:
    """One report to render: its context and where it goes."""

    context: dict[str, Any]
    out: Path
    templates: tuple[Path, ...]


def render_job(job: ReportJob) -> Path:
    """Draw the charts and render one PDF (runs in a worker process)."""
    context = dict(job.context)
    radar = context.get("radar_data")
    if radar and not context.get("radar"):
        from diagnose.render import charts

        context["radar"] = charts.radar_svg(
            radar["labels"], [charts.Series(s["name"], s["values"], s["role"])
                              for s in radar["series"]])
    context["evidence"], pictures = _pictures(context.get("evidence", []), context["lang"])
    write_pdf(render_html(context, job.templates), job.out, job.templates, pictures)
    return job.out


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


def safe_filename(text: str, fallback: str = "report") -> str:
    """A file name from untrusted text, safe on Linux, macOS and Windows.

    Letters (Korean too), digits and ``-_()[] .`` stay, anything else becomes ``_``; no
    leading dots or dashes (hidden files, command options), at most ``MAX_NAME_BYTES`` bytes of
    UTF-8, and never a Windows device name (``CON``, ``NUL.txt``, ``com1``).
    """
    cleaned = "".join(c if c.isalnum() or c in "-_()[] ." else "_" for c in text)
    cleaned = cleaned.lstrip(" .-_").rstrip(" ._")
    cleaned = cleaned.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" ._")
    if cleaned.split(".")[0].strip().upper() in WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    return cleaned or fallback
