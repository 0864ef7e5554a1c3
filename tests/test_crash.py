"""Crash safety (issue 7): ``kill -9`` at random moments, many times, loses nothing.

The promises checked here (CONTRACT.md section 5 and the ``report`` command):

- a response file always parses and holds every answer given before the kill, and nothing that
  was never given: "given" means the interview had shown the next question (or the program had
  said the save returned), so an answer still in flight may be there or not, but whole;
- a ``diagnose report`` batch never leaves a half-written PDF under its final name: a kill
  leaves complete PDFs, or hidden ``.NAME.pdf.XXXXXXXX.tmp`` files that no one takes for a
  report, and a rerun into the same folder gives every PDF byte for byte.

The kill moments are drawn from seeded generators, stratified (one in each slice of a phase,
so every part is hit whatever the seed) and anchored on what the program is doing (a save
reported, a temp file appearing, a PDF put in place), so a slow or busy machine shifts them
with the program. Each test asserts that enough kills landed in the dangerous windows
(mid-batch, inside a write), so it cannot pass by killing too early or too late. Run with
``-s`` to see the figures.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from interview_terminal import ABOUT, SUMMARY, Q, finish, spawn, typed

from diagnose.content import yamlio
from diagnose.inputs import responses
from diagnose.inputs.responses import Answer
from diagnose.jobs import demo, reports

try:
    import pexpect
except ImportError:  # the dev extra; only the interview test needs it
    pexpect = None

COMPANY = "(주)울산정밀"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")




def spread(rng: random.Random, count: int) -> list[float]:
    """``count`` fractions of a run, one in each of ``count`` equal slices, in random order."""
    fractions = [(i + rng.random()) / count for i in range(count)]
    rng.shuffle(fractions)
    return fractions


# --- the report batch -----------------------------------------------------------------------

# report.write_pdf: tempfile.mkstemp(prefix=".NAME.pdf.", suffix=".tmp") in the output folder.
PDF_TEMP = re.compile(r"^\.(?P<final>[^/]+\.pdf)\.[a-z0-9_]+\.tmp$")
POLL = 0.005


def report_command(inputs: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "diagnose", "report", str(inputs), "--out", str(out),
            "--workers", str(workers), "--quiet"]


def launch(command: list[str]) -> subprocess.Popen[bytes]:
    """The command in its own process group, so one signal reaches its PDF workers too."""
    return subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file in ``folder``: name -> (inode, mtime); a replaced file gets a new inode."""
    found = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return found
    for entry in entries:
        try:
            info = entry.stat()
        except FileNotFoundError:  # a temp file renamed between the listing and the stat
            continue
        found[entry.name] = (info.st_ino, info.st_mtime_ns)
    return found


def live_members(group: int) -> list[int]:
    """Processes of a process group still running (zombies cannot write any more)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group and fields[0] not in {"Z", "X"}:
            alive.append(int(entry))
    return alive


def kill_group(proc: subprocess.Popen[bytes]) -> int:
    """SIGKILL the command and its workers; its exit status (-9 when the kill hit it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while live_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not live_members(proc.pid), "a PDF worker outlived the kill"
    return proc.returncode


def wait_for(proc: subprocess.Popen[bytes], out: Path, before: dict[str, tuple[int, int]],
             event: str) -> bool:
    """Wait until this run starts writing a PDF (``temp``) or has put one in place
    (``final``); False when it ended first."""
    while proc.poll() is None:
        for name, signature in listing(out).items():
            if event == "temp" and PDF_TEMP.match(name) and name not in before:
                return True
            if event == "final" and name.endswith(".pdf") and before.get(name) != signature:
                return True
        time.sleep(POLL)
    return False


def watched_run(command: list[str], out: Path) -> tuple[dict[str, float], float]:
    """Run to the end: when each file of ``out`` was first seen, and the whole run (s)."""
    start = time.monotonic()
    proc = launch(command)
    seen: dict[str, float] = {}
    while proc.poll() is None:
        for name in listing(out):
            seen.setdefault(name, time.monotonic() - start)
        time.sleep(POLL)
    _, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    return seen, time.monotonic() - start


def sample_inputs(folder: Path, count: int) -> Path:
    """A folder of ``count`` complete sample response files."""
    for sample in demo.sample_responses(Q, count, seed=7):
        responses.save(sample, folder / f"{sample.company['id']}.yaml")
    return folder


def check_report_folder(out: Path, reference: dict[str, bytes]) -> tuple[set[str], set[str]]:
    """Every PDF under its final name is a whole report; anything else is an obvious temp file.

    Returns the final names and the temp names found.
    """
    finals, temps = set(), set()
    for name in listing(out):
        match = PDF_TEMP.match(name)
        if match:
            assert match["final"] in reference, name
            temps.add(name)
            continue
        assert name in reference, f"unexpected file in the report folder: {name}"
        assert (out / name).read_bytes() == reference[name], f"{name} is not a whole report"
        finals.add(name)
    return finals, temps


@pytest.mark.slow
def test_report_batch_killed_at_random_never_leaves_a_half_pdf(tmp_path: Path) -> None:
    """``diagnose report`` killed with its PDF workers at random moments, nine times, into one
    folder: every ``.pdf`` there is always byte-identical to a complete run's, what is left
    over is only hidden ``.NAME.pdf.XXXXXXXX.tmp`` files, and a rerun restores every report.

    Each kill is anchored on what the run is doing, so that every phase is hit however fast
    the machine is: a random part of the start-up (from launch), of the first PDF (from its
    temp file), or of the time one PDF takes after the first PDF is in place (mid-batch).
    """
    rng = random.Random(20260312)
    inputs = sample_inputs(tmp_path / "responses", 2)
    seen, whole_run = watched_run(report_command(inputs, tmp_path / "reference", 1),
                                  tmp_path / "reference")
    reference = {p.name: p.read_bytes() for p in (tmp_path / "reference").glob("*.pdf")}
    assert len(reference) == 2
    first_temp = min(t for n, t in seen.items() if PDF_TEMP.match(n))
    one_pdf = min(seen[n] for n in reference) - first_temp

    # (workers, wait for, then sleep this long)
    plan = ([(1, None, f * first_temp) for f in spread(rng, 2)]
            + [(1, "temp", f * one_pdf) for f in spread(rng, 2)]
            + [(1, "final", f * one_pdf * 0.9) for f in spread(rng, 3)]
            + [(2, "temp", f * one_pdf) for f in spread(rng, 2)])
    rng.shuffle(plan)
    out = tmp_path / "out"
    counts: Counter[str] = Counter()
    for workers, event, delay in plan:
        before = listing(out)
        proc = launch(report_command(inputs, out, workers))
        if event is None or wait_for(proc, out, before, event):
            time.sleep(delay)
        status = kill_group(proc)
        assert status in {0, -signal.SIGKILL}
        finals, temps = check_report_folder(out, reference)
        after = listing(out)
        written = {n for n in finals if before.get(n) != after[n]}
        counts["kills"] += 1
        counts["finished first"] += status == 0
        counts["mid-batch (some PDFs written, not all)"] += 0 < len(written) < len(reference)
        counts["inside a PDF write (temp left)"] += bool(temps - set(before))
    counts["temp files left"] = len(check_report_folder(out, reference)[1])

    proc = launch(report_command(inputs, out, 2))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    finals, temps = check_report_folder(out, reference)
    assert finals == set(reference)  # the rerun recovers every report, byte for byte
    print(f"\nreport kills: {dict(counts)}; a whole run {whole_run:.1f} s, "
          f"start-up {first_temp:.1f} s, one PDF {one_pdf:.1f} s")
    assert counts["finished first"] <= 1
    assert counts["mid-batch (some PDFs written, not all)"] >= 2
    assert counts["inside a PDF write (temp left)"] >= 3


@pytest.mark.slow
def test_report_workers_do_not_outlive_a_killed_batch(tmp_path: Path) -> None:
    """Killing only the ``diagnose report`` process (``kill -9 PID``, the OOM killer) stops
    its PDF workers too: within seconds no process of the batch runs on."""
    inputs = sample_inputs(tmp_path / "responses", 2)
    out = tmp_path / "out"
    proc = launch(report_command(inputs, out, 2))
    try:
        if not wait_for(proc, out, {}, "temp"):  # not an AssertionError: not the known bug
            pytest.fail("the batch ended before it started a PDF")
        os.kill(proc.pid, signal.SIGKILL)  # the command only, not its process group
        proc.wait(timeout=30)  # not communicate(): live workers hold its stderr open
        deadline = time.monotonic() + 5
        while live_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = live_members(proc.pid)
        assert not survivors, f"{len(survivors)} PDF workers run on after the command died"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)


# --- responses.save in a loop ----------------------------------------------------------------

SAVES = [(q.id, Answer(value=typed(q.id)[1], note=f"{n}번째 메모 " + "설비 점검 " * (n % 7)))
         for n, q in enumerate(Q.questions[:10], start=1)]
YAML_TEMP = re.compile(r"^\.r\.yaml\.[a-z0-9_]+\.tmp$")  # yamlio.write_atomic's temp files


def saver(path: Path, report_fd: int) -> None:
    """Save the response after each new answer; say so on ``report_fd`` once save returned."""
    response = responses.new_response(Q, {"name": COMPANY})
    for number, (qid, answer) in enumerate(SAVES, start=1):
        response.answers[qid] = answer
        responses.save(response, path)
        os.write(report_fd, f"{number}\n".encode())


def run_saver(path: Path, kill_after: tuple[int, bool, float] | None) -> tuple[int, int]:
    """Fork a process running ``saver``; its wait status and the last save it reported.

    ``kill_after=(n, in_write, delay)``: SIGKILL it ``delay`` seconds after it reported save
    ``n`` (0: after it started), or with ``in_write`` after a later save's temp file appeared.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_fd)
            saver(path, write_fd)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_fd)
    reported = 0
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        if kill_after is not None:
            target, in_write, delay = kill_after
            while reported < target and (line := pipe.readline()):
                reported = int(line)
            if in_write:
                wait_for_temp(path.parent, pid)
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
        for line in pipe.read().split():  # the pipe ends when the process does
            reported = int(line)
    _, status = os.waitpid(pid, 0)
    return status, reported


def wait_for_temp(folder: Path, pid: int) -> None:
    """Poll until a save's temp file is in ``folder`` or the saving process has ended."""
    deadline = time.monotonic() + 30
    while not any(name.endswith(".tmp") for name in os.listdir(folder)):
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return  # it finished its last save meanwhile (left for waitpid to collect)
        assert time.monotonic() < deadline, "the saving process hangs"


def saved_prefix(path: Path) -> int:
    """How many of ``SAVES`` the file holds; fails unless it is exactly one save's content."""
    loaded = responses.load(path, Q)  # parses, and every answer is valid for the questionnaire
    response = loaded.response
    count = len(response.answers)
    assert list(response.answers.items()) == SAVES[:count]
    assert response.company == {"name": COMPANY} and response.status == "in_progress"
    return count


def test_save_loop_killed_at_random_keeps_a_whole_file(tmp_path: Path) -> None:
    """A process saving a growing response (``responses.save``, as the interview does after
    every answer) is killed at 50 random moments: the file is always one whole save, never
    older than the last save that returned, and its temp files are never read as responses.

    Half the kills fall in a random part of a random save; the other half just after a save
    has created its temp file (0-1 ms), so that many land inside the write itself."""
    rng = random.Random(42)
    start = time.monotonic()
    status, reported = run_saver(tmp_path / "full" / "r.yaml", None)
    whole_run = time.monotonic() - start
    assert status == 0 and reported == len(SAVES)
    assert saved_prefix(tmp_path / "full" / "r.yaml") == len(SAVES)

    counts: Counter[str] = Counter()
    one_save = whole_run / len(SAVES)
    plan = ([(int(f * len(SAVES)), False, f * len(SAVES) % 1 * one_save) for f in spread(rng, 25)]
            + [(int(f * len(SAVES)), True, rng.uniform(0, 0.001)) for f in spread(rng, 25)])
    rng.shuffle(plan)
    for number, kill_after in enumerate(plan):
        folder = tmp_path / f"kill{number:02d}"
        folder.mkdir()
        path = folder / "r.yaml"
        status, reported = run_saver(path, kill_after)
        assert os.WIFSIGNALED(status) or os.waitstatus_to_exitcode(status) == 0
        counts["kills"] += 1
        counts["finished first"] += not os.WIFSIGNALED(status)
        if not path.exists():
            assert reported == 0, "a save returned but the file is not there"
            counts["before the first save"] += 1
            continue
        held = saved_prefix(path)
        assert reported <= held <= reported + 1, (reported, held)
        counts["saved, not yet reported"] += held == reported + 1
        temps = {p.name for p in folder.iterdir()} - {"r.yaml"}
        assert all(YAML_TEMP.match(name) for name in temps), temps
        assert list(yamlio.iter_yaml_files(folder)) == [path]
        counts["inside a write (temp left)"] += bool(temps)
    print(f"\nsave-loop kills: {dict(counts)}; a whole run of {len(SAVES)} saves {whole_run:.2f} s")
    # the test must have killed inside writes, not only between them; how many of the 25 aimed
    # kills land there depends on the machine's load (4 to 8 seen): a floor, not a count
    assert counts["inside a write (temp left)"] >= 2


# --- the interview ----------------------------------------------------------------------------

SHOWN = re.compile(ABOUT.pattern + r"[\s\S]*> ")  # a question screen with its prompt
END = SUMMARY
QUESTIONS = {q.id for q in Q.questions}




def next_screen(child: Any) -> str | None:
    """Wait for the next question and its prompt: its id; None at the end (the summary)."""
    if child.expect([ABOUT, re.escape(END)]) == 1:
        return None
    item_id = child.match.group(1)
    child.expect_exact("> ")
    return item_id


def kill_9(child: Any) -> str:
    """SIGKILL the interview; what it had written to the terminal that was not yet read."""
    child.kill(signal.SIGKILL)
    child.expect(pexpect.EOF, timeout=10)
    rest = child.before
    child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    return rest


def on_disk(path: Path) -> tuple[dict[str, Any], dict[str, tuple[str | None, list[str]]]]:
    """The answer values (company facts included) and the notes a response file holds."""
    response = responses.load(path, Q).response  # parses and checks every answer
    values = {**response.company, **{k: a.value for k, a in response.answers.items()
                                     if a.value is not None}}
    notes = {k: (a.note, a.evidence) for k, a in response.answers.items()
             if a.note or a.evidence}
    return values, notes


MISSING = object()


class Interview:
    """What the consultant has given, and what is in flight when the kill comes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, Any] = {"name": COMPANY}
        self.notes: dict[str, tuple[str | None, list[str]]] = {}
        self.counts: Counter[str] = Counter()
        self.latencies: list[float] = []  # Enter to the next screen: the save is in there

    def answer(self, child: Any, current: str) -> str | None:
        """Answer the question on screen and wait for the next one: the answer is given."""
        line, value = typed(current)
        sent = time.monotonic()
        child.sendline(line)
        after = next_screen(child)
        self.latencies.append(time.monotonic() - sent)
        self.values[current] = value
        return after

    def note(self, child: Any, current: str, number: int, wait: bool = True
             ) -> tuple[str, list[str]]:
        """Type a note and evidence for the question on screen (``m``)."""
        note, evidence = f"{number}차 방문: 라인{number} PLC 연결 확인", [f"사진/라인{number}.jpg"]
        child.sendline("m")
        child.expect_exact("메모 (Enter")
        child.sendline(note)
        child.expect_exact("증빙")
        child.sendline(evidence[0])
        if wait:
            assert next_screen(child) == current
            self.notes[current] = (note, evidence)
        return note, evidence

    def check(self, flight: dict[str, Any] | None = None,
              flight_notes: dict[str, tuple[str | None, list[str]]] | None = None) -> bool:
        """The file holds everything given, and an in-flight change whole or not at all;
        whether the in-flight change reached the file. What is on disk counts as given from
        now on: a later save must not lose it."""
        flight, flight_notes = flight or {}, flight_notes or {}
        values, notes = on_disk(self.path)
        lost = {k: v for k, v in self.values.items() if values.get(k) != v}
        assert not lost, f"answers given before the kill are missing or changed: {lost}"
        extra = {k: v for k, v in values.items() if k not in self.values}
        assert all(flight.get(k, MISSING) == v for k, v in extra.items()), f"never given: {extra}"
        for key, given in self.notes.items():
            assert notes.get(key) in (given, flight_notes.get(key)), (key, notes.get(key))
        for key, held in notes.items():
            assert held in (self.notes.get(key), flight_notes.get(key)), (key, held)
        self.values.update(values)
        self.notes.update(notes)
        return (any(values.get(k) == v for k, v in flight.items())
                or any(notes.get(k) == v for k, v in flight_notes.items()))


MODES = (["answer in flight"] * 8 + ["note in flight"] * 3 + ["at the prompt"] * 3
         + ["typing"] * 2 + ["start-up"] * 4)


@pytest.mark.slow
@pytest.mark.skipif(pexpect is None, reason="needs pexpect (the dev extra)")
def test_interview_killed_at_random_loses_no_given_answer(tmp_path: Path) -> None:
    """The interview in a terminal, killed with SIGKILL 20 times at random moments (at start-up,
    waiting at the prompt, mid-typing, and a few milliseconds after Enter, inside the save) and
    resumed each time: the file always loads, holds every answer and note given (the next
    question had appeared) and nothing never given; it resumes at the question that was on
    screen unless that answer reached the file; then the interview finishes."""
    rng = random.Random(2026)
    modes = MODES[:]
    rng.shuffle(modes)
    modes.remove("answer in flight")
    modes.insert(0, "answer in flight")  # the first session makes the file: not a start-up kill
    # In-flight kills: 0 to 1.5 times the usual time from Enter to the next screen.
    in_flight = spread(rng, sum(m.endswith("in flight") for m in MODES))
    path = tmp_path / "ulsan-0042.yaml"
    state = Interview(path)
    start = time.monotonic()
    child = spawn(tmp_path, "-o", path.name, "--company", COMPANY)
    current = next_screen(child)
    start_up = time.monotonic() - start
    for number, mode in enumerate(modes, start=1):
        if number > 1:
            child = spawn(tmp_path, "--resume", path.name)
            if mode == "start-up":
                time.sleep(rng.uniform(0.05, 1.1) * start_up)
                kill_9(child)
                state.counts[mode] += 1
                state.check()
                continue
            shown = next_screen(child)
            values, _ = on_disk(path)
            assert shown not in values, f"resumed at {shown}, which is answered"
            assert shown == current or current in values, (shown, current)
            current = shown
        for _ in range(rng.randint(0, 2)):
            if current in QUESTIONS and rng.random() < 0.25:
                state.note(child, current, number)
            current = state.answer(child, current)
            assert current is not None, "the interview ended before the last kill"
        if mode == "note in flight" and current not in QUESTIONS:
            mode = "answer in flight"  # company facts take no note
        flight: dict[str, Any] = {}
        flight_notes: dict[str, tuple[str | None, list[str]]] = {}
        if mode == "answer in flight":
            line, value = typed(current)
            child.sendline(line)
            flight[current] = value
        elif mode == "note in flight":
            flight_notes[current] = state.note(child, current, number, wait=False)
        elif mode == "typing":
            child.send(typed(current)[0])
        if flight or flight_notes:
            usual = sorted(state.latencies)[len(state.latencies) // 2] if state.latencies else 0.01
            time.sleep(in_flight.pop() * 1.5 * usual)
        else:
            time.sleep(rng.uniform(0, 0.05))
        rest = kill_9(child)
        state.counts[mode] += 1
        reached = state.check(flight, flight_notes)
        if flight or flight_notes:
            appeared = bool(SHOWN.search(rest))  # the next screen was out: it was given
            assert reached or not appeared, "the next question was shown before the save"
            state.counts["in flight, reached the file"] += reached
            state.counts["in flight, next screen already shown"] += appeared

    child = spawn(tmp_path, "--resume", path.name)
    current = next_screen(child)
    while current is not None:
        current = state.answer(child, current)
    finish(child)
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    state.check()
    assert responses.load(path, Q).response.status == "complete"
    counts = state.counts
    print(f"\ninterview kills: {dict(counts)}; {len(state.values)} answers, "
          f"{len(state.notes)} notes; start-up {start_up:.2f} s")
    assert sum(counts[m] for m in set(MODES)) == len(MODES)
    kills = counts["answer in flight"] + counts["note in flight"]
    assert 0 < counts["in flight, reached the file"] < kills  # both sides of the save hit



@pytest.mark.slow
@pytest.mark.skipif(pexpect is None, reason="needs pexpect (the dev extra)")
def test_a_second_interview_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    """Two sessions on one response file would each save over the other's answers: the
    second is refused while the first runs; the first's lock survives its kill -9 and the
    next session, finding its process gone, takes the file over."""
    path = tmp_path / "two.yaml"
    state = Interview(path)
    first = spawn(tmp_path, "-o", path.name, "--company", COMPANY)
    current = state.answer(first, next_screen(first))  # one answer on disk, a question shown
    before = path.read_bytes()
    second = spawn(tmp_path, "--resume", path.name)
    second.expect(pexpect.EOF)
    second.close()
    said = " ".join(ANSI.sub("", second.before).split())
    assert second.exitstatus == 2, said
    assert f"다른 인터뷰(프로세스 {first.pid})가" in said and "Traceback" not in said
    assert path.read_bytes() == before  # the refused session wrote nothing
    kill_9(first)
    assert (tmp_path / "two.yaml.lock").exists()  # no clean exit: the lock is still there
    third = spawn(tmp_path, "--resume", path.name)
    assert next_screen(third) == current  # its process is gone: the lock no longer holds
    state.answer(third, current)
    third.sendline("q")
    third.expect(pexpect.EOF)
    third.close()
    assert third.exitstatus == 0
    state.check()
    assert not (tmp_path / "two.yaml.lock").exists()  # released when the session ended


def test_a_killed_runs_temp_files_are_removed_by_the_next_run_once_stale(tmp_path: Path) -> None:
    """Hidden temp PDFs of a killed run go at the next run once older than a PDF could take;
    a fresh one (another run writing right now) and everything else stay."""
    stale = tmp_path / ".ulsan-0001_baseline.pdf.k3j9x_2a.tmp"
    fresh = tmp_path / ".ulsan-0002_baseline.pdf.q8w7e6r5.tmp"
    other = tmp_path / ".notes.tmp"
    for path in (stale, fresh, other):
        path.write_bytes(b"%PDF-1.7 half")
    old = time.time() - reports.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    reports.remove_stale_temps(tmp_path)
    assert not stale.exists() and fresh.exists() and other.exists()
