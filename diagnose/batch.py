"""Reading many inputs and scoring them at once: the library call behind ``diagnose score``.

Files that cannot be used are rejected with their reason and the rest is scored (exit 1);
a bad questionnaire or rubric stops the job (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from diagnose import content, questionnaire, rubric, scoring, yamlio
from diagnose.errors import DiagnoseError, Problem, Rejection, ValidationFailed
from diagnose.i18n import Msg
from diagnose.questionnaire import Questionnaire
from diagnose.responses import LoadedResponse
from diagnose.responses import load as load_response
from diagnose.rubric import Rubric

RESPONSE_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass
class Batch:
    """Scored assessments with everything that was left out or worth a warning."""

    questionnaire: Questionnaire
    rubric: Rubric
    responses: list[LoadedResponse]
    scores: scoring.Scores
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load_content(questionnaire_path: Path | None = None,
                 rubric_path: Path | None = None) -> tuple[Questionnaire, Rubric]:
    """The questionnaire and rubric to use: the given files, else the bundled ones."""
    q = questionnaire.load(questionnaire_path or content.DEFAULT_QUESTIONNAIRE)
    if rubric_path is None and questionnaire_path is not None:
        candidate = content.SCORING / f"{q.id}-rubric.yaml"
        if not candidate.is_file():
            raise DiagnoseError(Msg(
                "질문지 '{q}'에 맞는 채점 기준이 없습니다: -r로 지정하세요",
                "no rubric for questionnaire '{q}': pass one with -r").format(q=q.id))
        rubric_path = candidate
    return q, rubric.load(rubric_path or content.DEFAULT_RUBRIC, q)


def expand_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Files named, and the response files inside folders named (sorted, not recursive)."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found.extend(yamlio.iter_yaml_files(path))
        elif path.exists():
            found.append(path)
        else:
            raise DiagnoseError(Msg("입력 파일이나 폴더가 없습니다", "no such input file or folder"),
                                where=path)
    return found


def _reject_problems(path: Path, problems: Sequence[Problem]) -> list[Rejection]:
    return [Rejection(str(path), p.line, str(p.column), "", p.message)
            for p in problems if p.severity == "error"] or [
        Rejection(str(path), None, "", "", Msg("읽을 수 없습니다", "cannot be read"))]


def read_responses(paths: Sequence[Path], q: Questionnaire
                   ) -> tuple[list[LoadedResponse], list[Rejection], list[Problem]]:
    """Load response files; bad files become rejections, never a stopped job."""
    loaded: list[LoadedResponse] = []
    rejections: list[Rejection] = []
    warnings: list[Problem] = []
    for path in paths:
        if path.suffix.lower() not in RESPONSE_SUFFIXES:
            rejections.append(Rejection(str(path), None, "", "", Msg(
                "지원하지 않는 입력 형식입니다 (응답 파일 .yaml)",
                "unsupported input type (response files are .yaml)")))
            continue
        try:
            item = load_response(path, q)
        except ValidationFailed as exc:
            rejections.extend(_reject_problems(path, exc.problems))
            continue
        except DiagnoseError as exc:
            rejections.append(Rejection(str(path), None, "", "", exc.message))
            continue
        warnings.extend(item.warnings)
        loaded.append(item)
    return _latest_only(loaded, rejections), rejections, warnings


def _assessment_date(item: LoadedResponse) -> tuple[bool, str]:
    """Sort key: undated assessments count as older than dated ones."""
    date = item.response.assessment.date
    return (date is not None, date.isoformat() if date else "")


def _latest_only(loaded: list[LoadedResponse], rejections: list[Rejection]
                 ) -> list[LoadedResponse]:
    """One assessment per company and round: the later one (by date, then input order)."""
    latest: dict[tuple[str, str], int] = {}
    for index, item in enumerate(loaded):
        key = (item.key, item.response.assessment.round)
        if key in latest:
            other = loaded[latest[key]]
            older, newer = sorted((other, item), key=_assessment_date)
            rejections.append(Rejection(older.path, None, "company", item.key, Msg(
                "같은 기업·차수의 평가가 {f}에도 있어 나중 것을 사용합니다",
                "the same company and round is also in {f}; the later one is used",
            ).format(f=newer.path)))
            if newer is item:
                latest[key] = index
        else:
            latest[key] = index
    return [loaded[i] for i in sorted(latest.values())]


def records(responses: Iterable[LoadedResponse], q: Questionnaire) -> list[dict[str, object]]:
    """Answers-frame records from loaded response files."""
    profile_ids = {p.id for p in q.profile}
    rows = []
    for item in responses:
        row: dict[str, object] = {
            (scoring.profile_column(k) if k in profile_ids else k): v
            for k, v in item.values.items()}
        assessment = item.response.assessment
        row["assessment.date"] = assessment.date.isoformat() if assessment.date else None
        row["assessment.round"] = assessment.round
        row["assessment.consultant"] = assessment.consultant
        row["source"] = item.path
        rows.append(row)
    return rows


def score_inputs(inputs: Sequence[Path], questionnaire_path: Path | None = None,
                 rubric_path: Path | None = None, lang: str = "ko") -> Batch:
    """Read every input, score what can be read, and list what could not."""
    q, r = load_content(questionnaire_path, rubric_path)
    paths = expand_inputs(inputs)
    if not paths:
        raise DiagnoseError(Msg("채점할 응답 파일이 없습니다", "no response files to score"))
    responses, rejections, warnings = read_responses(paths, q)
    warnings = [*r.warnings, *warnings]
    frame = scoring.answers_frame(records(responses, q), q)
    scores = scoring.score(frame, q, r, lang)
    return Batch(q, r, responses, scores, rejections, warnings)
