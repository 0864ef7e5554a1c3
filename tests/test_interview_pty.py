"""The interview in a real pseudo-terminal (80x24), killed with SIGKILL mid-way and resumed.

This is the promise of issue 3 end to end: every answer given before the kill is in the file,
the resumed interview finishes, and its result equals ``diagnose score`` on the same file.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from interview_terminal import ABOUT, Q, spawn, typed

from diagnose.inputs import responses

pexpect = pytest.importorskip("pexpect")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
NOTE = "라인2 설비 12대 중 4대만 PLC 연결 (김 과장 확인)"






def shown(child: Any) -> str:
    """Wait for the next question screen and its prompt; the id it asks."""
    child.expect(ABOUT)
    item_id = child.match.group(1)
    child.expect_exact("> ")
    return item_id


@pytest.mark.slow
def test_kill_9_mid_interview_loses_nothing_and_resume_finishes(tmp_path: Path) -> None:
    path = tmp_path / "ulsan-0042.yaml"
    given: dict[str, Any] = {}
    child = spawn(tmp_path, "-o", path.name, "--company", "(주)울산정밀", "--consultant", "김민수")
    current = shown(child)
    while "strategy.leadership" not in given:  # the company profile and the first questions
        if current == "strategy.vision":
            child.sendline("m")
            child.expect_exact("메모 (Enter")
            child.sendline(NOTE)  # Korean, multi-byte, through the terminal's line discipline
            child.expect_exact("증빙")
            child.sendline("사진/라인2.jpg")
            assert shown(child) == current
        line, value = typed(current)
        child.sendline(line)
        given[current] = value
        current = shown(child)  # the next question is on screen: the answer is on disk
    child.kill(signal.SIGKILL)
    child.wait()

    data = responses.Response.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    stored = {**data.company, **{k: a.value for k, a in data.answers.items()}}
    assert {k: stored.get(k) for k in given} == given
    assert data.answers["strategy.vision"].note == NOTE
    assert data.answers["strategy.vision"].evidence == ["사진/라인2.jpg"]
    assert data.assessment.consultant == "김민수"

    child = spawn(tmp_path, "--resume", path.name)
    current = shown(child)
    assert current not in given  # the first open question, not the start
    while True:
        line, value = typed(current)
        child.sendline(line)
        given[current] = value
        index = child.expect([ABOUT, re.escape("PDF 보고서를 만들까요? [y/n]")])
        if index == 1:
            break
        current = child.match.group(1)
        child.expect_exact("> ")
    screen = ANSI.sub("", child.before)
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    loaded = responses.load(path, Q)
    assert loaded.response.status == "complete"
    stored = {**loaded.response.company,
              **{k: a.value for k, a in loaded.response.answers.items()}}
    assert {k: stored.get(k) for k in given} == given  # nothing answered was lost

    out = tmp_path / "scores.json"
    done = subprocess.run([sys.executable, "-m", "diagnose", "score", str(path), "-o", str(out),
                           "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    row = json.loads(out.read_text(encoding="utf-8"))[0]
    for dim in Q.dimensions:
        title = dim.title["ko"] if isinstance(dim.title, dict) else dim.title
        assert re.search(rf"{re.escape(title)}\s+{row[f'{dim.id}.score']:.2f}\s", screen), screen
    assert re.search(rf"종합\s+{row['overall.score']:.2f}\s", screen), screen
    assert f"성숙도 수준 {row['overall.level']} {row['overall.level_name']}" in screen
