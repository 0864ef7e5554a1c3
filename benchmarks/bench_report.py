"""Report rendering speed: our time per report against a bare WeasyPrint render of the same
HTML, and the speed-up of rendering many reports in parallel.

Prints, from one run in one process (the worker runs are child processes):
  * per report: the whole diagnose path (charts, template, typesetting, tagged PDF, atomic
    write; the stylesheets and fonts parsed once per process) against WeasyPrint alone
    rendering the very same HTML and stylesheets, parsed afresh, with the same PDF options
    (target: at most 1.2x), and the time to build a report's context;
  * N reports with 1 worker and with all cores, and the parallel speed-up.

    .venv/bin/python benchmarks/bench_report.py [--companies 150] [--sample 6]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from diagnose.engine import batch
from diagnose.inputs import responses
from diagnose.jobs import reports
from diagnose.jobs.demo import sample_responses
from diagnose.render import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=150)
    parser.add_argument("--sample", type=int, default=6, help="reports timed one by one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    q, _ = batch.load_content()
    folder = work / "responses"
    folder.mkdir()
    for response in sample_responses(q, args.companies, seed=150):
        responses.save(response, folder / f"{response.company['id']}.yaml")
    result = batch.score_inputs([folder])
    start = time.perf_counter()
    jobs = reports.report_jobs(result, work / "one", "ko")
    contexts = time.perf_counter() - start

    import weasyprint

    ours, bare, cpu = [], [], []
    report.render_job(jobs[0])  # warm-up: imports, font loading
    for job in jobs[: args.sample]:
        start, start_cpu = time.perf_counter(), time.process_time()
        report.render_job(job)
        ours.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        html = report.render_html(report.draw_charts(job.context), job.templates)
        start = time.perf_counter()
        # bare: the stylesheets and fonts parsed afresh, as WeasyPrint does for a <link>
        font_config, sheets = report.build_styles(job.templates, report.REPORT_STYLESHEETS)
        weasyprint.HTML(string=html, base_url=job.templates[0].as_uri() + "/").write_pdf(
            work / "bare.pdf", stylesheets=sheets, font_config=font_config,
            pdf_variant="pdf/ua-1")
        bare.append(time.perf_counter() - start)
    per_report, per_bare = statistics.median(ours), statistics.median(bare)
    print(f"contexts of {args.companies} reports: {contexts:.2f} s "
          f"({contexts / args.companies * 1000:.0f} ms each)")
    print(f"reports timed one by one: {len(ours)}")
    print(f"diagnose per report:      {per_report:.3f} s (median)")
    print(f"  of which CPU time:      {statistics.median(cpu):.3f} s (the wall time on an idle "
          "machine; a busy one shares its cores)")
    print(f"bare WeasyPrint, same HTML: {per_bare:.3f} s (median)")
    print(f"ratio:                    {per_report / per_bare:.2f}x (target at most 1.2x)")

    start = time.perf_counter()
    reports.render_reports(result, work / "serial", "ko", workers=1)
    serial = time.perf_counter() - start
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    reports.render_reports(result, work / "parallel", "ko", workers=cores)
    parallel = time.perf_counter() - start
    print(f"{args.companies} reports, 1 worker: {serial:.1f} s "
          f"({serial / args.companies:.2f} s per report)")
    print(f"{args.companies} reports, {cores} workers: {parallel:.1f} s")
    print(f"parallel speed-up:        {serial / parallel:.2f}x on {cores} cores")


if __name__ == "__main__":
    main()
