"""Scoring engine speed and memory on a synthetic survey of the bundled questionnaire.

Prints, from one run in one process:
  * the vectorised engine's time for N assessments,
  * its speed-up over a plain per-row Python loop (tests/reference.py, timed on a sample and
    scaled to N: the same rules, one assessment at a time),
  * the peak memory (RSS) of the whole run.

    .venv/bin/python benchmarks/bench_scoring.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reference import reference_score  # noqa: E402

from diagnose.content.questionnaire import Questionnaire  # noqa: E402
from diagnose.engine import batch, scoring  # noqa: E402
from diagnose.inputs.frame import answers_frame  # noqa: E402


def synthetic_rows(q: Questionnaire, rows: int, seed: int = 1) -> list[dict[str, object]]:
    """Random but valid canonical answers, with na, unknown and blanks."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        row: dict[str, object] = {"company.name": f"company {i}", "company.id": f"c{i}",
                                  "company.industry": rng.choice(["auto-parts", "metal",
                                                                  "petrochemical", None])}
        for question in q.scored_questions:
            roll = rng.random()
            if roll < 0.03:
                continue
            if question.allow_na and roll < 0.08:
                row[question.id] = rng.choice(["na", "unknown"])
                continue
            if question.type == "level":
                row[question.id] = rng.randint(1, 5)
            elif question.type == "yesno":
                row[question.id] = rng.choice(["no", "partial", "yes"])
            elif question.type == "multi":
                row[question.id] = tuple(o.value for o in question.options if rng.random() < 0.5)
            else:
                row[question.id] = round(rng.uniform(0, 100), 1)
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows timed for the loop")
    args = parser.parse_args()

    q, rubric = batch.load_content()
    rows = synthetic_rows(q, args.rows)
    frame = answers_frame(rows, q)

    start = time.perf_counter()
    scores = scoring.score(frame, q, rubric)
    engine = time.perf_counter() - start

    sample = rows[: args.sample]
    values = [{(k.removeprefix("company.")): v for k, v in row.items()} for row in sample]
    start = time.perf_counter()
    reference = [reference_score(v, q, rubric) for v in values]
    loop = (time.perf_counter() - start) * args.rows / len(sample)

    mismatches = sum(
        1 for i, ref in enumerate(reference)
        if ref["overall.level"] != (None if scores.table["overall.level"].isna().iloc[i]
                                    else int(scores.table["overall.level"].iloc[i])))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"assessments:            {args.rows:,} x {len(q.scored_questions)} scored questions")
    print(f"engine:                 {engine:.3f} s ({engine / args.rows * 1e6:.1f} us per row)")
    print(f"per-row loop (scaled):  {loop:.3f} s")
    print(f"speed-up over the loop: {loop / engine:.1f}x")
    print(f"levels differing from the reference on the sample: {mismatches}")
    print(f"peak memory (RSS):      {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
