"""Interview speed: from pressing Enter to the next question on screen, save included.

Drives the real interview loop (``diagnose.interview.screens.converse``) in-process over the whole
bundled questionnaire with scripted answers (every type, a note now and then), rendering every
screen to an 80-column terminal buffer. Each answer is timed from the moment the typed line is
handed over to the moment the next question asks for input: interpreting the line, the atomic
save (temp file, fsync, rename, fsync of the folder) and building and rendering the next
screen. The baseline is a bare ``responses.save`` of the same, finished file, in the same
process, on the same disk.

    .venv/bin/python benchmarks/bench_interview.py [--rounds 5] [--dir FOLDER]

Use a folder on the disk the consultants use (the default is one beside this file): on tmpfs
fsync costs nothing and the figure flatters.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diagnose.content.questionnaire import Questionnaire  # noqa: E402
from diagnose.engine import batch  # noqa: E402
from diagnose.inputs import responses  # noqa: E402
from diagnose.interview.screens import Terminal, converse  # noqa: E402
from diagnose.interview.session import Session  # noqa: E402

BUDGET_MS = 50.0


def scripted(q: Questionnaire, item_id: str, turn: int) -> str:
    """A plausible typed answer for an item (varied by ``turn``)."""
    item = q.items[item_id]
    options = list(item.choices() if hasattr(item, "choices") else item.options)
    if item.type == "multi":
        return ",".join(str(k) for k in range(1, len(options) + 1) if (k + turn) % 2) or "0"
    if item.type in {"level", "choice", "yesno"}:
        return str(1 + (turn % len(options)))
    if item.type == "number":  # within the item's bounds (a year is 2000 or later)
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else low + 1000
        return f"{min(max(5 + turn % 40, low), high):g}"
    return f"{item_id}: 현장에서 확인한 내용 {turn}"


class TimedReader:
    """Feeds scripted lines and records, per answer, the time until the next prompt."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.turn = 0
        self.handed: float | None = None
        self.per_answer: list[float] = []
        self.end_ms: float | None = None
        self.noted: set[str] = set()
        self.memo: list[str] = []  # the note and evidence lines still to type

    def __call__(self, prompt: str) -> str:
        now = time.perf_counter()
        if "[y/n]" in prompt:
            if self.handed is not None and self.end_ms is None:
                self.end_ms = (now - self.handed) * 1000  # score + result screen
            self.handed = None
            return "n"
        if self.handed is not None:
            self.per_answer.append((now - self.handed) * 1000)
        step = self.session.current
        if step is None:  # the summary, asked last: Enter, then time the scoring
            self.handed = time.perf_counter()
            return ""
        self.turn += 1
        if self.turn % 10 == 0 and not step.is_profile and step.id not in self.noted:
            self.noted.add(step.id)
            self.memo = ["설비 12대 중 4대만 PLC 연결 — 라인2", "photos/line2.jpg"]
            self.handed = None  # the note prompts are not 'next question' timings
            return "m"
        if self.memo:
            return self.memo.pop(0)
        line = scripted(self.session.questionnaire, step.id, self.turn)
        self.handed = time.perf_counter()
        return line


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(values: list[float]) -> str:
    return (f"median {statistics.median(values):6.2f} ms   p95 {percentile(values, 0.95):6.2f} ms"
            f"   max {max(values):6.2f} ms")


def run(rounds: int, folder: Path) -> dict[str, Any]:
    q, r = batch.load_content()
    saves: list[float] = []
    real_save = responses.save

    def timed_save(response: responses.Response, path: Path) -> None:
        start = time.perf_counter()
        real_save(response, path)
        saves.append((time.perf_counter() - start) * 1000)

    responses.save = timed_save  # the interview saves through the module: count its saves
    try:
        result = _interviews(rounds, folder, q, r)
    finally:
        responses.save = real_save
    result["saves"] = saves
    final = responses.load(result["last"], q).response
    bare: list[float] = []
    for _ in range(max(100, len(result["answers"]))):
        start = time.perf_counter()
        responses.save(final, folder / "bare.yaml")
        bare.append((time.perf_counter() - start) * 1000)
    result["bare"] = bare
    return result


def _interviews(rounds: int, folder: Path, q: Questionnaire, r: Any) -> dict[str, Any]:
    timings: list[float] = []
    ends: list[float] = []
    last: Path | None = None
    for n in range(rounds):
        path = folder / f"bench-{n}.yaml"
        session = Session.start(path, q, r, company=f"(주)벤치마크{n}", consultant="김민수")
        reader = TimedReader(session)
        console = Console(file=io.StringIO(), width=80, height=24, force_terminal=True,
                          color_system="truecolor", highlight=False, markup=False)
        code = converse(session, Terminal("ko", console, reader))
        assert code == 0 and session.response.status == "complete"
        timings.extend(reader.per_answer)
        if reader.end_ms is not None:
            ends.append(reader.end_ms)
        last = path
    assert last is not None
    return {"answers": timings, "ends": ends, "items": len(q.items), "last": last,
            "bytes": last.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="whole interviews to run")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to write the response files (default: beside this file)")
    args = parser.parse_args()
    parent = args.dir or Path(__file__).resolve().parent
    folder = Path(tempfile.mkdtemp(prefix=".bench-interview-", dir=parent))
    try:
        result = run(args.rounds, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    answers, bare = result["answers"], result["bare"]
    ratio = statistics.median(answers) / statistics.median(bare)
    device = os.statvfs(parent)
    print(f"interview benchmark: {args.rounds} interviews x {result['items']} items, "
          f"{len(answers)} timed answers, response file {result['bytes']:,} bytes")
    print(f"folder: {parent} (block size {device.f_bsize})")
    print(f"per answer, Enter -> next question shown (save+fsync included): {describe(answers)}")
    print(f"  of which responses.save inside the interview:             {describe(result['saves'])}")
    print(f"bare responses.save of the finished file (baseline):        {describe(bare)}")
    print(f"ratio, median per answer / median bare save: {ratio:.2f}x "
          "(the interview's files grow from empty; the baseline saves the full one)")
    if result["ends"]:
        print(f"last answer -> scored result on screen: median {statistics.median(result['ends']):.1f} ms")
    verdict = "OK" if percentile(answers, 0.95) < BUDGET_MS else "OVER BUDGET"
    print(f"budget {BUDGET_MS:.0f} ms per answer (p95): {verdict}")


if __name__ == "__main__":
    main()
