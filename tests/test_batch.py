"""Reading many inputs at once: which assessment of a company is kept."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.engine import batch


def inputs(names: list[str], dates: list[str | None]) -> batch.Inputs:
    frame = pd.DataFrame({"company.name": names, "assessment.round": ["1차"] * len(names),
                          "assessment.date": dates}, dtype=object)
    files = np.array([f"f{i}.yaml" for i in range(len(names))], dtype=object)
    return batch.Inputs(frame, files, np.zeros(len(names), dtype=int), [], [], [])


def test_the_later_assessment_of_a_company_is_kept_and_the_other_explained() -> None:
    read = inputs(["(주)울산정밀", "(주)태화", "(주) 울산정밀", "(주)태화"],
                  ["2026-05-01", None, "2026-03-01", "2026-01-01"])
    assert read.latest_only().tolist() == [0, 3]  # the dated one beats the undated one
    left_out = {r.file: r for r in read.rejections}
    assert set(left_out) == {"f1.yaml", "f2.yaml"}
    assert "f0.yaml" in left_out["f2.yaml"].reason.en
    assert "f3.yaml" in left_out["f1.yaml"].reason.en


# --- one company however it is written: `diagnose score` end to end ---------------------------

QUESTIONNAIRE = """\
    id: iq
    version: "1"
    title: {ko: 식별 질문지, en: Identity questionnaire}
    profile:
      - {id: id, type: text, text: {ko: 관리번호, en: ID}}
      - {id: name, type: text, text: {ko: 기업명, en: Name}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.a, type: level, text: {ko: 수집, en: Collection}, options: LEVELS}
    """
RUBRIC = """\
    id: ir
    version: "1"
    questionnaire: {id: iq, version: "1"}
    bands: [{min: 1, level: 1, name: {ko: 일, en: One}}]
    """


@pytest.mark.parametrize("first, second", [
    ("{name: 울산오토파츠(주)}", "{name: 울산오토파츠 (주)}"),
    # one file has the programme id, the other (a survey row, say) only the name
    ("{id: u-7, name: 울산오토파츠(주)}", "{name: 울산오토파츠 (주)}"),
], ids=["spacing", "id-on-one"])
def test_score_keeps_one_assessment_of_a_company_written_two_ways(
        write, tmp_path: Path, first: str, second: str) -> None:
    write("q.yaml", QUESTIONNAIRE)
    write("r.yaml", RUBRIC)
    (tmp_path / "in").mkdir()
    for name, company, date, level in (("a.yaml", first, "2026-03-12", 2),
                                       ("b.yaml", second, "2026-03-20", 4)):
        write(f"in/{name}", f"""\
            questionnaire: {{id: iq, version: "1"}}
            company: {company}
            assessment: {{date: {date}, round: baseline}}
            answers: {{data.a: {level}}}
            """)
    out = tmp_path / "scores.csv"
    run = CliRunner().invoke(app, ["score", str(tmp_path / "in"), "-q", str(tmp_path / "q.yaml"),
                                   "-r", str(tmp_path / "r.yaml"), "-o", str(out), "--lang",
                                   "en"])
    assert run.exit_code == 1, (run.stderr, run.exception)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [float(row["data.score"]) for row in rows] == [4.0]  # the later one, b.yaml
    assert "a.yaml" in run.stderr and "a later assessment of the same company" in run.stderr
