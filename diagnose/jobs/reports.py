"""Whole jobs built from the library: reports for a batch, and the demo run."""

from __future__ import annotations

import contextlib
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import LANGS, Msg
from diagnose.engine import batch
from diagnose.engine.batch import Batch
from diagnose.inputs import responses
from diagnose.render import report, tables


def _progress(enabled: bool, total: int, description: str) -> Any:
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=False)
    progress.add_task(description, total=total)
    return progress


ROUND_BYTES = 40  # a round name longer than this (never a real one) is cut, with its hash


def pdf_suffix(lang: str) -> str:
    """``.pdf`` for a report in the default language (Korean), ``.<lang>.pdf`` for another, so
    that an English run never overwrites the Korean report."""
    return ".pdf" if lang == LANGS[0] else f".{lang}.pdf"


def report_name(key: str, round_: str | None, taken: set[str], lang: str = "ko") -> str:
    """A unique PDF file name for an assessment, safe whatever the company is called.

    Korean reports are ``<id>_<round>.pdf``; other languages add ``.<lang>`` so that an
    English run never overwrites the Korean report. A name too long for a file name
    (``report.MAX_NAME_BYTES`` bytes of UTF-8) is cut in the company part only: the round, the
    ``-2`` of a second assessment of that name and the language always stay, so a follow-up
    never replaces its baseline, and the cut part ends in a hash of the whole name, so two
    long names that begin alike never share a file.
    """
    stem = report.safe_filename(f"{key}_{round_}" if round_ else key, limit=sys.maxsize)
    if len(stem.encode("utf-8")) > report.MAX_NAME_BYTES:  # a name that fits stays as ever
        tail = report.safe_filename(round_, "", ROUND_BYTES) if round_ else ""
        tail = f"_{tail}" if tail else ""
        stem = report.safe_filename(key, limit=report.MAX_NAME_BYTES - len(tail.encode("utf-8")))
        stem += tail
    suffix = pdf_suffix(lang)
    name, n = f"{stem}{suffix}", 2
    while name.casefold() in taken:  # CON.pdf and con.pdf are one file on Windows and macOS
        name, n = f"{stem}-{n}{suffix}", n + 1
    taken.add(name.casefold())
    return name


def issue_date(text: str) -> str:
    """A date of issue as the cover prints it (ISO), or a one-line error (exit 2)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise DiagnoseError(Msg("발행일은 YYYY-MM-DD 형식의 날짜여야 합니다: {t}",
                                "the date of issue must be a date as YYYY-MM-DD: {t}")
                            .format(t=text)) from None


def report_jobs(result: Batch, out: Path, lang: str, templates: Path | None = None,
                batch_peers: bool = False, issued: str | None = None
                ) -> list[report.ReportJob]:
    """One report job per scored assessment: its context (recommendations, comparison).

    By default every company is compared with the dated reference benchmark, so its report
    is the same whichever other files were in the command; ``batch_peers`` (``--peers``)
    compares with the assessments scored together instead (groups of 5 or more only).
    ``issued`` is the date of issue on the cover (default: each assessment's date).
    """
    from diagnose.content import benchmark as benchmark_file
    from diagnose.content import catalogue as catalogue_file
    from diagnose.engine import peers, recommend

    dirs = tuple(report.template_dirs(templates))
    inputs = result.loaded()  # the response file of each row
    q = result.questionnaire
    advisory = catalogue_file.load_for(q)
    recs = (recommend.recommend(result.scores, result.answers(), advisory.catalogue,
                                advisory.programme)
            if advisory else [[] for _ in range(len(result.scores.table))])
    reference = benchmark_file.load_for(q)
    table = result.scores.table
    if batch_peers:
        groups: list[peers.PeerGroup | None] = list(peers.peer_groups(table, q))
    elif reference is not None:
        groups = [peers.reference(reference, industry, employees, q) for industry, employees
                  in zip(table.get("company.industry", [None] * len(table)),
                         table.get("company.employees", [None] * len(table)), strict=True)]
    else:
        groups = [None] * len(table)
    shared = report.provenance(result.scores, None, advisory.catalogue if advisory else None,
                               advisory.programme if advisory else None,
                               None if batch_peers else reference)  # the same for every report
    jobs, taken = [], set()
    for position in range(len(table)):
        row = table.iloc[position]
        loaded = inputs[position]
        context = report.build_context(
            result.scores, position, loaded, lang, recs[position], groups[position],
            advisory.catalogue.ranking if advisory else None,
            programme=advisory.programme if advisory else None,
            benchmark=None if batch_peers else reference, issued=issued,
            sources=shared + report.response_provenance(loaded),
            risks=advisory.catalogue.risk_register if advisory else ())
        key = (report.plain(row.get("company.id")) or report.plain(row["company.name"])
               or f"assessment-{position + 1}")
        name = report_name(key, report.plain(row["assessment.round"]), taken, lang)
        jobs.append(report.ReportJob(context, out / name, dirs))
    return jobs


def evidence_warnings(result: Batch, jobs: list[report.ReportJob]) -> list[Problem]:
    """One warning per evidence file the reports leave out (``report_jobs(result, ...)``,
    one job per scored assessment), naming its response file. The batch is left as it is."""
    warnings = []
    for job, loaded in zip(jobs, result.loaded(), strict=True):
        if loaded is None:
            continue
        warnings.extend(Problem(loaded.path, 0, 0, Msg(
            "{q}의 증빙 '{p}'는 보고서에 넣지 않습니다: {why}",
            "evidence '{p}' of {q} is left out of the report: {why}",
        ).format(q=qid, p=name, why=why), "warning")
            for qid, name, why in report.evidence_problems(job.context))
    return warnings


def render_reports(result: Batch, out: Path, lang: str, templates: Path | None = None,
                   workers: int | None = None, progress: bool = False,
                   batch_peers: bool = False, issued: str | None = None) -> list[Path]:
    """One PDF per scored assessment of a batch, in parallel."""
    return render_jobs(report_jobs(result, out, lang, templates, batch_peers, issued), out,
                       lang, workers, progress)


def render_jobs(jobs: list[report.ReportJob], out: Path, lang: str,
                workers: int | None = None, progress: bool = False) -> list[Path]:
    """The PDFs of report jobs (``report_jobs``), in parallel, sorted by path."""
    remove_stale_temps(out)
    label = Msg("보고서 작성", "Rendering reports").render(lang)
    with _progress(progress, len(jobs), label) as bar:
        def advance(_: Path) -> None:
            if bar is not None:
                bar.advance(bar.task_ids[0])

        paths = report.render_many(jobs, workers, advance)
    return sorted(paths)


STALE_SECONDS = 15 * 60  # a PDF takes seconds: an older temp file is a killed run's


def remove_stale_temps(folder: Path) -> None:
    """Remove the hidden ``.NAME.pdf.XXXXXXXX.tmp`` files a killed run left behind."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.glob(".*.pdf.*.tmp"):
        with contextlib.suppress(OSError):
            if path.is_file() and now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()


DEMO_MARKER = ".diagnose-demo"


def _claim_demo_folder(out: Path) -> None:
    """The demo replaces its own earlier output, and never touches a folder it did not make."""
    if out.exists() and not out.is_dir():
        raise DiagnoseError(Msg("폴더가 아니라 파일입니다", "is a file, not a folder"), where=out)
    if out.is_dir() and any(out.iterdir()) and not (out / DEMO_MARKER).exists():
        raise DiagnoseError(Msg(
            "비어 있지 않고 데모가 만든 폴더도 아닙니다: 다른 --out 폴더를 지정하세요",
            "the folder is not empty and was not made by the demo: choose another --out"),
            where=out)
    out.mkdir(parents=True, exist_ok=True)
    (out / DEMO_MARKER).write_text("made by 'diagnose demo'; rerunning the demo replaces "
                                   "its files here\n", encoding="utf-8")


SURVEY_EXPORT = "survey-export.csv"  # the demo's sample form export, and its score tables
SURVEY_SCORES = ("survey-scores.csv", "survey-scores.xlsx")


def run_demo(out: Path, companies: int = 12, workers: int | None = None, seed: int = 2026,
             lang: str = "ko", progress: bool = False) -> dict[str, Any]:
    """The main job on sample data: responses, score tables, one PDF per company, cohort.

    Beside them, a sample survey export in the shape Google Forms gives (``survey-export.csv``:
    ``SURVEY_COMPANIES`` more companies, made from the bundled questionnaire) and its score
    tables, so that ``diagnose score`` on a form export can be tried as the README shows.
    """
    from diagnose.core import files
    from diagnose.jobs import demo

    q, r = batch.load_content()
    _claim_demo_folder(out)
    folder = out / "responses"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.yaml"):
        stale.unlink()  # a smaller rerun must not score the last run's extra companies
    paths = []
    samples = list(demo.sample_responses(q, companies + demo.SURVEY_COMPANIES, seed))
    # the form's companies come after the demo's own: other ids and names, so both can be
    # scored together without one replacing the other
    visited, surveyed = samples[:companies], samples[companies:]
    for sample in visited:
        path = folder / f"{sample.company['id']}.yaml"
        responses.save(sample, path)
        paths.append(path)
    # two companies visited again eight months on (levels 2 and 3 of the fixed stories): the
    # cohort links their rounds and the progress report compares them
    pairs = []
    for base_path, sample in list(zip(paths, visited, strict=True))[1:1 + companies // 6]:
        follow_path = folder / f"{sample.company['id']}_followup.yaml"
        responses.save(demo.followup_response(q, sample, seed), follow_path)
        pairs.append((base_path, follow_path))
    export = out / SURVEY_EXPORT
    files.write_atomic(export, demo.survey_export(q, surveyed))
    surveys = batch.score_inputs([export], lang=lang)
    survey_tables = [out / name for name in SURVEY_SCORES]
    for table_path in survey_tables:
        tables.write(surveys.scores.table, table_path, q, lang)
    result = batch.score_inputs([folder], lang=lang)
    tables.write(result.scores.table, out / "scores.csv", q, lang)
    tables.write(result.scores.table, out / "scores.xlsx", q, lang)
    reports_dir = out / "reports"
    if reports_dir.is_dir():
        for stale in reports_dir.glob("*.pdf"):
            stale.unlink()
    for stale in (out / "progress").glob("*.pdf"):
        stale.unlink()
    from diagnose.jobs import cohort
    from diagnose.render.pdf import PdfUnavailable

    try:  # building the jobs may need the PDF stack already (fonts, templates)
        jobs = report_jobs(result, reports_dir, lang)
        pdfs = render_jobs(jobs, reports_dir, lang, workers, progress)
        progress_reports = [_progress_report(base, follow, out / "progress", lang)
                            for base, follow in pairs]
    except PdfUnavailable as exc:  # no PDF stack: the data, tables and cohort workbook still
        with contextlib.suppress(PdfUnavailable):  # its workbook is written before its PDF
            cohort.build_cohort(result, out / "cohort", lang)
        raise PdfUnavailable(exc.missing, written=(
            str(folder), str(out / "scores.csv"), str(out / "scores.xlsx"), str(export),
            *(str(p) for p in survey_tables), str(out / "cohort" / "cohort.xlsx"))) from None
    programme = cohort.build_cohort(result, out / "cohort", lang)
    return {"responses": str(folder), "companies": len(paths),
            "assessments": len(result.scores.table),
            "progress": [str(p) for p in progress_reports],
            "scores_csv": str(out / "scores.csv"), "scores_xlsx": str(out / "scores.xlsx"),
            "reports": str(reports_dir), "pdfs": [str(p) for p in pdfs],
            "cohort": str(out / "cohort"), "cohort_files": [str(programme.xlsx), str(programme.pdf)],
            "survey_export": str(export), "survey_companies": len(surveys.scores.table),
            "survey_scores": [str(p) for p in survey_tables],
            "open_first": _first_to_open(result, jobs, programme.pdf),
            "rejected": len(result.rejections) + len(surveys.rejections), "rubric": r.id}


def _progress_report(baseline: Path, followup: Path, folder: Path, lang: str) -> Path:
    """The demo's progress report of one company (``diagnose compare``), named by its id."""
    from diagnose.jobs import compare

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / (baseline.stem + pdf_suffix(lang))
    return compare.compare_files(baseline, followup, out, lang).out


FIRST_LEVEL = 3  # a middle company's report shows every part: gates, findings, a full roadmap


def _first_to_open(result: Batch, jobs: list[report.ReportJob], cohort_pdf: Path
                   ) -> dict[str, Any]:
    """The report a new user should open first (a level-3 company's, else the nearest level),
    and the cohort summary after it."""
    table = result.scores.table
    levels = [None if pd.isna(v) else int(v) for v in table["overall.level"]]
    ranked = sorted(range(len(jobs)), key=lambda i: (
        levels[i] is None, abs((levels[i] or 0) - FIRST_LEVEL), i))
    if not ranked:
        return {"report": None, "company": None, "level": None, "cohort": str(cohort_pdf)}
    chosen = ranked[0]
    return {"report": str(jobs[chosen].out),
            "company": report.plain(table["company.name"].iloc[chosen]),
            "level": levels[chosen], "cohort": str(cohort_pdf)}


def demo_score_args(summary: dict[str, Any]) -> list[str]:
    """The arguments of ``diagnose score`` on the demo's survey export, as the README has them."""
    return ["score", summary["survey_export"], "-o", "scores.xlsx"]


def demo_guide(summary: dict[str, Any], score_command: str) -> Msg:
    """What a new user opens first after the demo, and the survey example to try next.

    ``score_command`` is ``demo_score_args`` as the user can type it on this system
    (``.venv/bin/diagnose score demo-out/survey-export.csv -o scores.xlsx``).
    """
    first = summary["open_first"]
    lines = []
    if first["report"]:
        lines.append(Msg("먼저 열어 볼 파일: {r} — 한 회사의 진단 보고서: {c}, 수준 {l}",
                         "Open first: {r} — one company's diagnosis report: {c}, level {l}")
                     .format(r=first["report"], c=first["company"], l=first["level"]))
    lines.append(Msg("그다음: {p} — {n}개 회사를 나란히 본 사업단 요약(코호트)",
                     "Then: {p} — the programme's summary (cohort): every company side by side")
                 .format(p=first["cohort"], n=summary["companies"]))
    for path in summary.get("progress", [])[:1]:
        lines.append(Msg("진척 보고서 예: {p} — 같은 회사의 기준·후속 진단 비교(받은 지원, 경영 지표와 "
                         "답의 변화)", "A progress report: {p} — one company's baseline and "
                         "follow-up side by side (support received, KPIs and answers that "
                         "changed)").format(p=path))
    lines.append(Msg("설문 내보내기 예: {e} — Google Forms 형식, {m}개 회사, 채점 결과는 {t}. "
                     "직접 채점해 보기: {s}",
                     "A survey export: {e} — as Google Forms exports it, {m} companies, scored "
                     "in {t}. Score it yourself: {s}")
                 .format(e=summary["survey_export"], m=summary["survey_companies"],
                         t=summary["survey_scores"][-1], s=score_command))
    return Msg("\n".join(m.ko for m in lines), "\n".join(m.en for m in lines))
