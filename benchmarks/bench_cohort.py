"""Cohort speed: ``build_cohort`` on a synthetic programme of 10,000 assessments.

The assessments are made in memory (``diagnose.jobs.demo.sample_responses``, no files): by default
8,000 companies, 2,000 of them assessed again in a follow-up round. Prints, from one run in
one process:
  * the time of scoring alone (answers frame + engine), the baseline,
  * the time of ``build_cohort`` (recommendations, peer groups, drift, progress, the XLSX
    workbook and the PDF), the target being 30 s on a 2-core machine,
  * the sizes of what it wrote and the peak memory (RSS).

    .venv/bin/python benchmarks/bench_cohort.py [--assessments 10000] [--followups 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import tempfile
import time
from pathlib import Path

from diagnose.content.questionnaire import Questionnaire
from diagnose.engine import batch, scoring
from diagnose.engine.batch import Batch
from diagnose.inputs import answers
from diagnose.inputs.frame import answers_frame
from diagnose.inputs.responses import LoadedResponse, Response
from diagnose.jobs import cohort, demo


def _values(response: Response, q: Questionnaire, lookups: dict[str, dict[str, object]]
            ) -> dict[str, object]:
    """Canonical answer values, as the response loader makes them."""
    items = q.items
    values = {k: answers.normalize(items[k], v, lookups[k]) for k, v in response.company.items()}
    values.update({k: answers.normalize(items[k], a.value, lookups[k])
                   for k, a in response.answers.items()})
    return values


def _followup(item: LoadedResponse, q: Questionnaire, rng: random.Random) -> LoadedResponse:
    """The same company a year on: some level answers one step higher."""
    assessment = item.response.assessment.model_copy(update={
        "round": "followup", "date": (item.response.assessment.date or dt.date(2026, 3, 1))
        + dt.timedelta(days=365)})
    levels = {x.id for x in q.scored_questions if x.type == "level"}
    values = {k: (min(5, v + 1) if k in levels and isinstance(v, int) and rng.random() < 0.4
                  else v) for k, v in item.values.items()}
    response = item.response.model_copy(update={"assessment": assessment})
    return LoadedResponse(item.path.replace(".yaml", "-followup.yaml"), response, values)


def synthetic(assessments: int, followups: int, seed: int = 2026
              ) -> tuple[Questionnaire, list[LoadedResponse]]:
    q, _ = batch.load_content()
    lookups = {k: answers.lookup_table(item) for k, item in q.items.items()}
    loaded = [LoadedResponse(f"<memory>/{r.company['id']}.yaml", r, _values(r, q, lookups))
              for r in demo.sample_responses(q, assessments - followups, seed)]
    rng = random.Random(seed)
    loaded += [_followup(item, q, rng) for item in loaded[:followups]]
    return q, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--followups", type=int, default=2_000)
    parser.add_argument("--out", type=Path, default=None, help="keep the output here")
    args = parser.parse_args()

    start = time.perf_counter()
    q, loaded = synthetic(args.assessments, args.followups)
    _, rubric = batch.load_content()
    made = time.perf_counter() - start

    start = time.perf_counter()
    frame = answers_frame(batch.records(loaded, q), q)
    scores = scoring.score(frame, q, rubric)
    scoring_time = time.perf_counter() - start

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    start = time.perf_counter()
    result = cohort.build_cohort(Batch(q, rubric, loaded, scores), out)
    cohort_time = time.perf_counter() - start

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"assessments:          {len(loaded):,} ({result.companies:,} companies, "
          f"{result.linked:,} linked across rounds); made in memory in {made:.1f} s")
    print(f"scoring alone:        {scoring_time:.2f} s (baseline)")
    print(f"build_cohort:         {cohort_time:.2f} s (target 30 s), "
          f"{cohort_time / scoring_time:.0f}x scoring")
    print(f"cohort.xlsx:          {result.xlsx.stat().st_size / 1e6:.1f} MB")
    print(f"cohort.pdf:           {result.pdf.stat().st_size / 1e3:.0f} kB, heatmap of "
          f"{result.heatmap}")
    print(f"peak memory (RSS):    {peak_mb:.0f} MB")
    print(f"output:               {out}")


if __name__ == "__main__":
    main()
