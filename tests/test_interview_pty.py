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
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from interview_terminal import ABOUT, SUMMARY, Q, finish, spawn, typed

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
        index = child.expect([ABOUT, re.escape(SUMMARY)])
        if index == 1:
            break
        current = child.match.group(1)
        child.expect_exact("> ")
    screen = ANSI.sub("", finish(child))
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


# A question as long as the bundled ones get: five anchored options and a guidance paragraph.
LONG = """\
    id: long
    version: "1"
    title: {ko: 긴 문항, en: Long questions}
    profile:
      - {id: name, type: text, required: true, text: {ko: 기업명, en: Company name}}
      - {id: id, type: text, text: {ko: 기업 ID, en: Programme company ID}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - id: data.collection
            type: level
            text: {ko: 데이터는 어떻게 수집됩니까?,
                   en: "How are production, quality and equipment data mainly collected?"}
            guidance:
              ko: 지난주 설비 가동 데이터를 MES 화면에서 보여 달라고 하고 현장 점검표와 비교합니다.
              en: >-
                Ask the company to pull up last week's equipment run data on the MES or
                monitoring screen, and compare it with the check sheets and daily work reports
                on the floor to see how much is collected automatically.
            options:
              - {value: 1, label: {ko: 종이에 수기로 기록한다, en: "Data are written by hand on paper work reports and check sheets and are rarely entered into any system."}}
              - {value: 2, label: {ko: 엑셀로 옮겨 적는다, en: "Handwritten records are retyped into Excel, or only some machines collect data automatically."}}
              - {value: 3, label: {ko: MES로 자동 수집된다, en: "Output and run data of the main machines and processes are collected automatically, e.g. by MES."}}
              - {value: 4, label: {ko: 실시간으로 연결된다, en: "Equipment, quality and material data are collected automatically in real time and linked by lot and work order."}}
              - {value: 5, label: {ko: AI에 바로 공급된다, en: "Data from all processes are collected in real time and feed AI models without manual handling."}}
"""
LONG_RUBRIC = """\
    id: long-rubric
    questionnaire: {id: long, version: "1"}
    bands: [{min: 1.0, level: 1, name: {ko: 하, en: Low}}]
"""


def _long(folder: Path) -> list[str]:
    (folder / "long.yaml").write_text(textwrap.dedent(LONG), encoding="utf-8")
    (folder / "long-rubric.yaml").write_text(textwrap.dedent(LONG_RUBRIC), encoding="utf-8")
    return ["-q", "long.yaml", "-r", "long-rubric.yaml"]


@pytest.mark.slow
def test_ctrl_l_and_a_resize_draw_the_screen_again_keeping_what_was_typed(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "redraw.yaml"
    child = spawn(tmp_path, "-o", path.name, "--company", "(주)울산정밀", "--lang", "en",
                  *_long(tmp_path))
    child.expect_exact("Company profile · item 2/2")
    child.expect_exact("> ")
    child.send("ulsan-0042")
    child.sendcontrol("l")  # readline's own Ctrl-L would leave a bare prompt
    child.expect_exact("\x1b[2J")  # cleared ...
    child.expect_exact("Company profile · item 2/2")  # ... and the question drawn again
    child.expect_exact("> ulsan-0042")  # with what was typed, still being edited
    child.setwinsize(20, 60)  # the window made smaller
    child.expect_exact("\x1b[2J")
    child.expect_exact("Company profile · item 2/2")
    child.expect_exact("> ulsan-0042")
    child.sendline("")  # Enter: the line typed before the redraws is the answer
    child.expect(ABOUT)
    child.expect_exact("> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["company"]["id"] == "ulsan-0042"


@pytest.mark.slow
def test_at_60x20_in_english_with_guidance_the_header_stays_on_screen(tmp_path: Path) -> None:
    child = spawn(tmp_path, "-o", "small.yaml", "--company", "(주)울산정밀", "--lang", "en",
                  *_long(tmp_path), size=(20, 60))
    child.expect_exact("> ")
    child.sendline("")  # the company id: left blank
    child.expect_exact("data.collection · level")
    child.expect_exact("> ")
    child.sendline("?")
    child.expect_exact("\x1b[2J")
    child.expect_exact("> ")
    screen = ANSI.sub("", child.before)
    child.sendline("q")
    child.expect(pexpect.EOF)
    lines = screen.rstrip("\n").split("\n")
    assert lines[0].startswith("Dimension 1/1 Data · question 1/1"), lines
    assert any(line.startswith("Guidance: Ask the company") for line in lines), lines
    assert all(f" {k} " in screen for k in range(1, 6)), screen  # every option, numbered
    assert len(lines) <= 19, screen  # the prompt is the 20th line: nothing scrolled away
