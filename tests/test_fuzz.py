"""Any input gives a result or a DiagnoseError with a message: never another exception.

Property-based (hypothesis) over the three readers of untrusted files: the questionnaire
loader, the response-file reader and the survey importer. Bounded examples keep it fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.content import questionnaire, yamlio
from diagnose.core.errors import DiagnoseError
from diagnose.engine import batch
from diagnose.inputs import responses, survey

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# YAML-ish text: the characters that make YAML interesting, and Korean.
YAMLISH = st.text(alphabet=st.sampled_from(list("ab01 :-[]{},&*!|>'\"#\n\t?%@`가나yesno.")),
                  max_size=300)

QUESTIONNAIRE_KEYS = ["id: x", "version: '1'", "title: {ko: 가, en: A}",
                      "profile: [{id: name, type: text, text: 이름}]",
                      "dimensions: [{id: d, title: 디, questions: "
                      "[{id: d.a, type: level, text: 가, options: [{value: 1, label: 일}]}]}]",
                      "dimensions: []", "profile: 3", "id: [1, 2]", "version: 1.5",
                      "dimensions: [{id: d, title: 디, questions: [{id: d.a, type: yesno, "
                      "text: 가, show_if: {question: d.a, in: [yes]}}]}]"]


@pytest.fixture(scope="module")
def bundled():
    return batch.load_content()[0]


def _only_user_errors(call) -> None:
    try:
        call()
    except DiagnoseError as exc:
        assert exc.render("en").strip()
        assert exc.exit_code in (1, 2)


@FAST
@given(YAMLISH)
def test_yaml_reader_never_raises_anything_else(text: str) -> None:
    _only_user_errors(lambda: yamlio.parse_text(text, "x.yaml"))


@FAST
@given(st.lists(st.sampled_from(QUESTIONNAIRE_KEYS), max_size=6), YAMLISH)
def test_questionnaire_checker_returns_problems_not_exceptions(keys: list[str],
                                                              noise: str) -> None:
    text = "\n".join(keys) + "\n" + noise
    try:
        model, problems = questionnaire.check_text(text, "q.yaml")
    except DiagnoseError:
        return
    assert model is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.render("en")


ANSWERS = st.one_of(st.integers(-3, 9), st.floats(allow_nan=True), st.text(max_size=12),
                    st.booleans(), st.none(), st.lists(st.text(max_size=6), max_size=3))


@FAST
@given(st.dictionaries(st.sampled_from(["strategy.vision", "infra.systems", "data.sensor_history",
                                        "talent.digital_staff", "process.pain_point", "nope"]),
                       ANSWERS, max_size=5),
       st.text(max_size=20))
def test_response_reader_accepts_or_explains(bundled, answers: dict, name: str) -> None:
    data = {"questionnaire": {"id": "mfg-ai-readiness", "version": "1.0"},
            "company": {"name": name}, "answers": {k: {"value": v} for k, v in answers.items()}}
    try:
        text = yamlio.dump(data)
    except Exception:
        return
    _only_user_errors(lambda: responses.check(yamlio.parse_text(text, "r.yaml"), bundled))


CELLS = st.text(alphabet=st.sampled_from(list("ab1２3,;\" \n가=+-@na예")), max_size=10)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "cp949"]))
def test_survey_importer_accepts_or_rejects_rows(bundled, tmp_path: Path, rows: list[list[str]],
                                                 encoding: str) -> None:
    header = "기업명,data.collection,infra.systems\n"
    body = "\n".join(",".join(f'"{c.replace(chr(34), "")}"' for c in row) for row in rows)
    path = tmp_path / "export.csv"
    try:
        path.write_bytes((header + body).encode(encoding))
    except UnicodeEncodeError:
        return
    _only_user_errors(lambda: survey.read(path, bundled))
