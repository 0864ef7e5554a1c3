"""Whole jobs built from the library: reports for a batch, and the demo run."""

from __future__ import annotations

import contextlib
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from diagnose.core.errors import DiagnoseError, Problem
from diagnose.core.i18n import Msg
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


def report_name(key: str, round_: str | None, taken: set[str], lang: str = "ko") -> str:
    """A unique PDF file name for an assessment, safe whatever the company is called.

    Korean reports are ``<id>_<round>.pdf``; other languages add ``.<lang>`` so that an
    English run never overwrites the Korean report.
    """
    stem = report.safe_filename(f"{key}_{round_}" if round_ else key)
    suffix = "" if lang == "ko" else f".{lang}"
    name, n = f"{stem}{suffix}.pdf", 2
    while name.casefold() in taken:  # CON.pdf and con.pdf are one file on Windows and macOS
        name, n = f"{stem}-{n}{suffix}.pdf", n + 1
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
    by_source = {item.path: item for item in result.responses}
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
        loaded = by_source.get(row["source"])
        context = report.build_context(
            result.scores, position, loaded, lang, recs[position], groups[position],
            advisory.catalogue.ranking if advisory else None,
            programme=advisory.programme if advisory else None,
            benchmark=None if batch_peers else reference, issued=issued,
            sources=shared + report.response_provenance(loaded))
        key = (report.plain(row.get("company.id")) or report.plain(row["company.name"])
               or f"assessment-{position + 1}")
        name = report_name(key, report.plain(row["assessment.round"]), taken, lang)
        jobs.append(report.ReportJob(context, out / name, dirs))
    return jobs


def evidence_warnings(result: Batch, jobs: list[report.ReportJob]) -> list[Problem]:
    """One warning per evidence file the reports leave out (``report_jobs(result, ...)``,
    one job per scored assessment), naming its response file. The batch is left as it is."""
    by_source = {item.path: item for item in result.responses}
    warnings = []
    for position, job in enumerate(jobs):
        loaded = by_source.get(result.scores.table["source"].iloc[position])
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
    label = "보고서 작성" if lang == "ko" else "Rendering reports"
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


def run_demo(out: Path, companies: int = 12, workers: int | None = None, seed: int = 2026,
             lang: str = "ko", progress: bool = False) -> dict[str, Any]:
    """The main job on sample data: responses, score tables, one PDF per company, cohort."""
    from diagnose.jobs import demo

    q, r = batch.load_content()
    _claim_demo_folder(out)
    folder = out / "responses"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.yaml"):
        stale.unlink()  # a smaller rerun must not score the last run's extra companies
    paths = []
    for sample in demo.sample_responses(q, companies, seed):
        path = folder / f"{sample.company['id']}.yaml"
        responses.save(sample, path)
        paths.append(path)
    result = batch.score_inputs([folder], lang=lang)
    tables.write(result.scores.table, out / "scores.csv", q, lang)
    tables.write(result.scores.table, out / "scores.xlsx", q, lang)
    reports_dir = out / "reports"
    if reports_dir.is_dir():
        for stale in reports_dir.glob("*.pdf"):
            stale.unlink()
    from diagnose.jobs import cohort
    from diagnose.render.pdf import PdfUnavailable

    try:
        pdfs = render_reports(result, reports_dir, lang, None, workers, progress)
    except PdfUnavailable as exc:  # no PDF stack: the data, tables and cohort workbook still
        with contextlib.suppress(PdfUnavailable):  # its workbook is written before its PDF
            cohort.build_cohort(result, out / "cohort", lang)
        raise PdfUnavailable(exc.missing, written=(
            str(folder), str(out / "scores.csv"), str(out / "scores.xlsx"),
            str(out / "cohort" / "cohort.xlsx"))) from None
    programme = cohort.build_cohort(result, out / "cohort", lang)
    return {"responses": str(folder), "companies": len(paths),
            "scores_csv": str(out / "scores.csv"), "scores_xlsx": str(out / "scores.xlsx"),
            "reports": str(reports_dir), "pdfs": [str(p) for p in pdfs],
            "cohort": str(out / "cohort"), "cohort_files": [str(programme.xlsx), str(programme.pdf)],
            "rejected": len(result.rejections), "rubric": r.id}
