"""Survey-export scoring speed and memory: ``diagnose score`` on a 100,000-row form export.

Writes a synthetic Google-Forms-style export of the bundled questionnaire (a timestamp and an
e-mail column, the Korean question texts as headers, option labels as answers, ticked labels
joined with ``, ``, blanks, 해당 없음/모름), then prints, from one run:

  * the whole ``diagnose score`` time: the library call ``batch.score_inputs`` plus writing the
    CSV output with ``tables.write``, as the command does, against the fastest (best of the
    runs) bare ``pandas.read_csv`` of the same file with the pyarrow engine where pyarrow is
    installed, as issue #12 sets the target (at most 2x), else with the C engine; the ratio to
    the C engine is printed too (with pandas 3's Arrow strings it is the faster engine here);
  * the peak memory of that score run (target: under 1 GB), measured as the peak resident set
    size (``VmHWM`` in ``/proc/self/status``; ``ru_maxrss`` off Linux) of a fresh process that
    does nothing else, so the Python interpreter and the imported libraries are included
    (``ru_maxrss`` would count this process's own peak too: a child keeps it across exec);
  * the speed-up over a plain per-row Python loop that reads the same file with ``csv``,
    normalises every cell with ``answers.normalize`` and scores each row with
    ``tests/reference.py``, timed on a sample of rows and scaled to all of them.

Each measurement runs in its own process, in the environment the command gives itself
(``diagnose.cli.main``: pyarrow's jemalloc on x86-64 Linux), best of ``--repeat`` runs,
interleaved (other work on the machine only ever makes a run slower); the median ratio of each
score run to the bare run of the target engine just before it is printed too. Wall time is the
target; the CPU time (of every thread: pyarrow parses in one while the cells are converted in
another) is printed beside it because it moves less when the machine is busy.

    .venv/bin/python benchmarks/bench_survey.py [--rows 100000] [--repeat 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

PAIN_POINTS = [
    "외관 불량을 작업자 육안으로 검사해 검사 인력과 편차가 크다",
    "설비 고장이 나야 정비해서 비계획 정지가 잦다",
    "숙련 작업자 은퇴로 공정 조건 노하우가 사라지고 있다",
    "원청의 품질 데이터 제출 요구가 늘어, 수작업 보고에 시간이 많이 든다",
    "전력 단가 상승으로 에너지 비용이 부담된다",
]


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    """A Google-Forms-style export: labels, not ids; Korean headers; a timestamp column."""
    import numpy as np
    import pandas as pd

    from diagnose.content.questionnaire import Question
    from diagnose.core.i18n import pick
    from diagnose.core.labels import ANSWERS
    from diagnose.engine import batch

    q, _ = batch.load_content()
    rng = np.random.default_rng(seed)
    n = rows
    day = rng.integers(1, 29, n)
    hour = rng.integers(1, 12, n)
    columns: dict[str, Any] = {
        "타임스탬프": [f"2026. 3. {d} 오후 {h}:{i % 60:02d}:{(i * 7) % 60:02d}"
                   for i, (d, h) in enumerate(zip(day.tolist(), hour.tolist(), strict=True))],
        "이메일 주소": [f"survey{i}@example.co.kr" for i in range(n)],
    }
    special = np.array([ANSWERS["na"].ko, ANSWERS["unknown"].ko], dtype=object)
    for item in [*q.profile, *q.questions]:
        header = pick(item.text, "ko")
        if item.id == "id":
            values: Any = np.array([f"ulsan-{i:06d}" for i in range(n)], dtype=object)
        elif item.id == "name":
            values = np.array([f"(주)울산정밀 {i}공장" for i in range(n)], dtype=object)
        elif item.type in {"level", "choice", "yesno"}:
            options = item.choices() if isinstance(item, Question) else item.options
            labels = np.array([pick(o.label, "ko") for o in options], dtype=object)
            values = labels[rng.integers(0, len(labels), n)]
        elif item.type == "multi":
            labels = [pick(o.label, "ko") for o in item.options]
            ticks = rng.random((n, len(labels))) < 0.35
            values = np.array([", ".join(lab for lab, t in zip(labels, row, strict=True) if t)
                               for row in ticks.tolist()], dtype=object)
        elif item.type == "number":
            top = item.max if item.max is not None else 500.0
            if isinstance(item, Question) and item.bands and item.bands[-1].max is not None:
                top = min(top, item.bands[-1].max)
            values = np.round(rng.uniform(item.min or 0.0, top, n), 1).astype(str).astype(object)
        else:
            values = np.array(PAIN_POINTS, dtype=object)[rng.integers(0, len(PAIN_POINTS), n)]
        values = np.asarray(values, dtype=object)
        if item.id not in {"id", "name"}:
            values[rng.random(n) < 0.03] = ""  # left blank
        if isinstance(item, Question) and item.allow_na:
            pick_special = rng.random(n) < 0.08
            values[pick_special] = special[rng.integers(0, 2, int(pick_special.sum()))]
        columns[header] = values
    pd.DataFrame(columns).to_csv(path, index=False, encoding="utf-8")


def child_bare(path: Path, engine: str) -> dict[str, float]:
    import pandas as pd

    start, cpu = time.perf_counter(), time.process_time()
    pd.read_csv(path, engine=engine)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def engines() -> list[str]:
    """The engines of ``pandas.read_csv`` to time: C, and pyarrow where installed."""
    import importlib.util

    return ["c", "pyarrow"] if importlib.util.find_spec("pyarrow") else ["c"]


def child_score(path: Path, out: Path) -> dict[str, float]:
    from diagnose.engine import batch
    from diagnose.render import tables

    start, cpu = time.perf_counter(), time.process_time()
    result = batch.score_inputs([path])
    tables.write(result.scores.table, out, result.questionnaire)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "scored": len(result.scores.table), "rejected": len(result.rejections)}


def child_loop(path: Path, sample: int) -> dict[str, float]:
    """A plain per-row loop: csv rows, ``normalize`` per cell, ``reference_score`` per row."""
    import io

    from reference import reference_score

    from diagnose.engine import batch
    from diagnose.inputs import answers, survey

    q, rubric = batch.load_content()
    index = survey.header_index(q)
    start = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader)
        items = []
        for header in headers:
            found = index.get(survey.header_key(header)) or set()
            target = next(iter(found)) if len(found) == 1 else None
            item = q.items.get(target.removeprefix("company.")) if target else None
            items.append(item)
        out = io.StringIO()
        writer = csv.writer(out)
        for number, row in enumerate(reader):
            if number >= sample:
                break
            values: dict[str, Any] = {}
            for item, cell in zip(items, row, strict=True):
                if item is not None:
                    values[item.id] = answers.normalize(item, cell)
            writer.writerow([values.get("name"), *reference_score(values, q, rubric).values()])
    return {"seconds": time.perf_counter() - start, "rows": sample}


def _child(mode: str, args: list[str]) -> dict[str, float]:
    # pyarrow's allocator, as ``diagnose.cli.main`` sets it before pandas loads pyarrow.
    linux = sys.platform == "linux" and os.uname().machine == "x86_64"
    pool = {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "JE_ARROW_MALLOC_CONF": "retain:false"}
    env = {**(pool if linux else {}), **os.environ}
    result = subprocess.run([sys.executable, __file__, "--child", mode, *args],
                            capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sample", type=int, default=2_000, help="rows timed for the loop")
    parser.add_argument("--keep", type=Path, help="write the export and output here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "bare":
            found = child_bare(Path(rest[0]), rest[1])
        elif mode == "score":
            found = child_score(Path(rest[0]), Path(rest[1]))
        else:
            found = child_loop(Path(rest[0]), int(rest[1]))
        found["peak_mb"] = _peak_mb()
        print(json.dumps(found))
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-survey-"))
    folder.mkdir(parents=True, exist_ok=True)
    export, out = folder / "export.csv", folder / "scores.csv"
    start = time.perf_counter()
    write_export(export, args.rows)
    made = time.perf_counter() - start
    size = export.stat().st_size / 1e6
    print(f"export:           {args.rows:,} rows x {_columns(export)} columns, {size:.0f} MB "
          f"(written in {made:.1f} s) -> {export}")

    bare: dict[str, list[dict[str, float]]] = {engine: [] for engine in engines()}
    target = "pyarrow" if "pyarrow" in bare else "c"  # the engine issue #12 measures against
    fastest: list[dict[str, float]] = []  # of each round, the target engine's run
    score = []
    for _ in range(args.repeat):  # interleaved, so a busy moment hits all alike
        for engine, runs in bare.items():
            runs.append(_child("bare", [str(export), engine]))
        fastest.append(bare[target][-1])
        score.append(_child("score", [str(export), str(out)]))
    loop = _child("loop", [str(export), str(args.sample)])
    best_bare = min(r["seconds"] for r in fastest)
    best = min(score, key=lambda r: r["seconds"])
    cpu_bare, cpu_score = min(r["cpu"] for r in fastest), min(r["cpu"] for r in score)
    loop_all = loop["seconds"] * args.rows / loop["rows"]
    peak = max(r["peak_mb"] for r in score)
    for engine, runs in bare.items():
        print(f"pandas.read_csv:  {min(r['seconds'] for r in runs):.2f} s wall, "
              f"{min(r['cpu'] for r in runs):.2f} s CPU, engine={engine} (best of "
              f"{args.repeat}; wall: {_runs(runs)}; peak {max(r['peak_mb'] for r in runs):.0f} MB)")
    print(f"diagnose score:   {best['seconds']:.2f} s wall, {cpu_score:.2f} s CPU "
          f"(best of {args.repeat}; wall: {_runs(score)}); "
          f"{int(best['scored']):,} scored, {int(best['rejected'])} rejected")
    ratio = best["seconds"] / best_bare
    print(f"score / read_csv: {ratio:.2f}x wall, {cpu_score / cpu_bare:.2f}x CPU, against the "
          f"{target} engine (target: at most 2x) {'OK' if ratio <= 2 else 'MISSED'}")
    for engine, runs in bare.items():
        if engine != target:
            other = min(r["seconds"] for r in runs)
            print(f"                  {best['seconds'] / other:.2f}x wall against the {engine} "
                  f"engine (for information: not the target's baseline)")
    paired = sorted(s["seconds"] / b["seconds"] for b, s in zip(fastest, score, strict=True))
    print(f"paired runs:      score / {target} read_csv of the round just before it: median "
          f"{statistics.median(paired):.2f}x (from {paired[0]:.2f}x to {paired[-1]:.2f}x; "
          f"a busy machine moves these more than the best runs)")
    print(f"peak memory:      {peak:.0f} MB peak RSS of the score process, interpreter and "
          f"imports included (VmHWM; target: under 1024 MB) "
          f"{'OK' if peak < 1024 else 'MISSED'}")
    print(f"per-row loop:     {loop_all:.1f} s for {args.rows:,} rows (timed on "
          f"{loop['rows']:,}, scaled)")
    print(f"speed-up:         {loop_all / best['seconds']:.1f}x over the per-row loop")


def _peak_mb() -> float:
    """This process's peak resident set size, in MB."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status
                        if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):  # not Linux: ru_maxrss (kB here, bytes on macOS)
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _runs(runs: list[dict[str, float]]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in runs)


def _columns(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return len(next(csv.reader(handle)))


if __name__ == "__main__":
    main()
