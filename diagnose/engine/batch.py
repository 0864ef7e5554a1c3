"""Reading many inputs and scoring them at once: the library call behind ``diagnose score``.

Response files and survey exports become one answers frame, scored by one engine. Files and
rows that cannot be used are rejected with their reason and the rest is scored (exit 1); a bad
questionnaire, rubric or map file stops the job (exit 2), and so do inputs of which not one file
can be read. Two assessments of one company (``diagnose.inputs.identity``) and round: the later
is kept, and the earlier is listed as a rejection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from diagnose.content import questionnaire, rubric, yamlio
from diagnose.content.questionnaire import Questionnaire
from diagnose.content.rubric import Rubric
from diagnose.core import resources
from diagnose.core.errors import DiagnoseError, Problem, Rejection, ValidationFailed
from diagnose.core.i18n import Msg
from diagnose.engine import scoring
from diagnose.inputs import identity, survey
from diagnose.inputs.frame import answers_frame, profile_column
from diagnose.inputs.responses import LoadedResponse
from diagnose.inputs.responses import load as load_response

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
    frame: pd.DataFrame | None = None  # the answers frame that was scored, row for row

    def loaded(self) -> list[LoadedResponse | None]:
        """The response file behind each row of the score table (``None`` for a survey row):
        its notes, evidence and assessment fields the table does not hold."""
        by_path = {item.path: item for item in self.responses}
        return [by_path.get(path) for path in self.scores.table["source"].tolist()]

    def answers(self) -> pd.DataFrame:
        """The answers frame behind the scores, row for row (indexed like the score table).

        The frame that was scored when it was kept (survey exports need it), else rebuilt from
        the loaded response files.
        """
        if self.frame is not None and len(self.frame) == len(self.scores.table):
            frame = self.frame.copy()
        elif len(self.responses) == len(self.scores.table):
            frame = answers_frame(records(self.responses, self.questionnaire), self.questionnaire)
        else:
            raise DiagnoseError(Msg(
                "채점 결과와 응답 원본의 수가 맞지 않아 추천을 계산할 수 없습니다",
                "the scores and the answers do not match; cannot compute recommendations"))
        frame.index = self.scores.table.index
        return frame


def load_content(questionnaire_path: Path | None = None,
                 rubric_path: Path | None = None) -> tuple[Questionnaire, Rubric]:
    """The questionnaire and rubric to use: the given files, else the bundled ones."""
    q = questionnaire.load(questionnaire_path or resources.DEFAULT_QUESTIONNAIRE)
    if rubric_path is None and questionnaire_path is not None:
        candidate = resources.SCORING / f"{q.id}-rubric.yaml"
        if not candidate.is_file():
            raise DiagnoseError(Msg(
                "질문지 '{q}'에 맞는 채점 기준이 없습니다: -r로 지정하세요",
                "no rubric for questionnaire '{q}': pass one with -r").format(q=q.id))
        rubric_path = candidate
    return q, rubric.load(rubric_path or resources.DEFAULT_RUBRIC, q)


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


def _load_response(path: Path, q: Questionnaire, rejections: list[Rejection],
                   warnings: list[Problem]) -> LoadedResponse | None:
    """One response file, or ``None`` with its rejections recorded."""
    try:
        item = load_response(path, q)
    except ValidationFailed as exc:
        rejections.extend(_reject_problems(path, exc.problems))
        return None
    except DiagnoseError as exc:
        rejections.append(Rejection(str(path), None, "", "", exc.message))
        return None
    warnings.extend(item.warnings)
    return item


def _unsupported(path: Path) -> Rejection:
    if path.suffix.lower() in {".xls", ".xlsm", ".ods"}:
        return Rejection(str(path), None, "", "", Msg(
            "이 스프레드시트 형식은 읽지 않습니다: .xlsx 또는 .csv로 저장하세요",
            "this spreadsheet format is not read: save it as .xlsx or .csv"))
    return Rejection(str(path), None, "", "", Msg(
        "지원하지 않는 입력 형식입니다 (응답 파일 .yaml, 설문 내보내기 .csv·.xlsx)",
        "unsupported input type (response files are .yaml, survey exports .csv or .xlsx)"))


def read_responses(paths: Sequence[Path], q: Questionnaire
                   ) -> tuple[list[LoadedResponse], list[Rejection], list[Problem]]:
    """Load response files; bad files become rejections, never a stopped job."""
    loaded: list[LoadedResponse] = []
    rejections: list[Rejection] = []
    warnings: list[Problem] = []
    for path in paths:
        if path.suffix.lower() not in RESPONSE_SUFFIXES:
            rejections.append(_unsupported(path))
            continue
        item = _load_response(path, q, rejections, warnings)
        if item is not None:
            loaded.append(item)
    inputs = Inputs(answers_frame(records(loaded, q), q),
                    np.array([i.path for i in loaded], dtype=object),
                    np.full(len(loaded), 0), loaded, rejections, warnings)
    keep = inputs.latest_only()
    kept = {inputs.files[i] for i in keep}
    return [i for i in loaded if i.path in kept], rejections, warnings


def records(responses: Iterable[LoadedResponse], q: Questionnaire) -> list[dict[str, object]]:
    """Answers-frame records from loaded response files."""
    profile_ids = {p.id for p in q.profile}
    rows = []
    for item in responses:
        row: dict[str, object] = {
            (profile_column(k) if k in profile_ids else k): v
            for k, v in item.values.items()}
        assessment = item.response.assessment
        row["assessment.date"] = assessment.date.isoformat() if assessment.date else None
        row["assessment.round"] = assessment.round
        row["assessment.consultant"] = assessment.consultant
        row["source"] = item.path
        rows.append(row)
    return rows


@dataclass
class Inputs:
    """Everything read from the inputs, before scoring: one answers frame for all of them."""

    frame: pd.DataFrame
    files: np.ndarray  # the file of each frame row
    rows: np.ndarray  # its spreadsheet row (0 for a response file)
    responses: list[LoadedResponse]
    rejections: list[Rejection]
    warnings: list[Problem]
    used: int = 0  # input files that could be read (their rows may still all be rejected)

    def latest_only(self) -> np.ndarray:
        """Positions of the rows to score: one per company and round, the later one.

        Later means the later assessment date (undated counts as older), then the later input
        order (file, then row). Each row left out becomes a rejection naming the one kept.
        """
        frame = self.frame
        n = len(frame)
        if n < 2:
            return np.arange(n)
        key = identity.company_keys(frame).to_numpy()
        rounds = identity.round_keys(frame["assessment.round"])  # Baseline is baseline
        if not pd.DataFrame({"key": key, "round": rounds}).duplicated().any():
            return np.arange(n)  # the usual case: no company twice, nothing to sort
        dates = frame["assessment.date"]
        order = pd.DataFrame({
            "key": key, "round": rounds,
            "dated": dates.notna().to_numpy(), "date": dates.fillna("").astype(str).to_numpy(),
            "position": np.arange(n)}).sort_values(["dated", "date", "position"], kind="stable")
        older = order.duplicated(["key", "round"], keep="last").to_numpy()
        if not older.any():
            return np.arange(n)
        kept = order[~older].set_index(["key", "round"])["position"]
        for position, group, round_ in order.loc[older, ["position", "key", "round"]].itertuples(
                index=False):
            winner = int(kept.loc[(group, round_)])
            self.rejections.append(Rejection(
                str(self.files[position]), _row(self.rows[position]), "company",
                _key_text(frame, position), Msg(
                    "같은 기업·차수의 더 나중 평가({f})를 사용하므로 제외합니다",
                    "left out: a later assessment of the same company and round is used ({f})",
                ).format(f=_where(self.files[winner], self.rows[winner]))))
        return np.sort(order.loc[~older, "position"].to_numpy())


def _row(row: int) -> int | None:
    return int(row) or None


def _where(file: str, row: int) -> str:
    return f"{file}:{row}" if row else str(file)


def _key_text(frame: pd.DataFrame, position: int) -> str:
    row = frame.iloc[position]
    value = row.get(profile_column("id")) or row[profile_column("name")]
    return str(value or "")


# Told after each input file is read: (files read, files in all). The command line shows it
# as progress on a terminal; the engine knows nothing of screens.
Progress = Callable[[int, int], None]


def read_inputs(paths: Sequence[Path], q: Questionnaire,
                mapping: survey.SurveyMap | None = None,
                progress: Progress | None = None) -> Inputs:
    """Read response files and survey exports, in the order given, into one answers frame."""
    parts: list[pd.DataFrame] = []
    files: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    responses: list[LoadedResponse] = []
    rejections: list[Rejection] = []
    warnings: list[Problem] = []
    ignored: dict[tuple[str, ...], list[str]] = {}
    pending: list[LoadedResponse] = []
    used = 0

    def flush() -> None:  # consecutive response files become one part, in input order
        if pending:
            parts.append(answers_frame(records(pending, q), q))
            files.append(np.array([item.path for item in pending], dtype=object))
            rows.append(np.zeros(len(pending), dtype=int))
            responses.extend(pending)
            pending.clear()

    for done, path in enumerate(paths):
        if progress is not None:
            progress(done, len(paths))
        suffix = path.suffix.lower()
        if suffix in RESPONSE_SUFFIXES:
            item = _load_response(path, q, rejections, warnings)
            if item is not None:
                pending.append(item)
                used += 1
            continue
        if suffix not in survey.SUFFIXES:
            rejections.append(_unsupported(path))
            continue
        flush()
        try:
            result = survey.read(path, q, mapping)
        except survey.SurveyError as exc:
            rejections.extend(exc.rejections)
            continue
        except DiagnoseError as exc:
            rejections.append(Rejection(str(path), None, "", "", exc.message))
            continue
        used += 1
        parts.append(result.frame)
        files.append(np.full(len(result.frame), str(path), dtype=object))
        rows.append(result.rows.astype(int))
        rejections.extend(result.rejections)
        warnings.extend(result.warnings)
        if result.ignored:
            ignored.setdefault(tuple(result.ignored), []).append(str(path))
    flush()
    if progress is not None:
        progress(len(paths), len(paths))
    warnings.extend(survey.ignored_warning(names, list(columns))
                    for columns, names in ignored.items())
    if not parts:
        frame = answers_frame([], q)
    elif len(parts) == 1:
        frame = parts[0]
    else:
        frame = pd.concat(parts, ignore_index=True)
    return Inputs(frame.reset_index(drop=True),
                  np.concatenate(files) if files else np.zeros(0, dtype=object),
                  np.concatenate(rows) if rows else np.zeros(0, dtype=int),
                  responses, rejections, warnings, used)


class NothingReadable(DiagnoseError):
    """No input could be read at all: the command cannot run (exit 2). Each file's reason is
    one line."""

    def __init__(self, rejections: list[Rejection]) -> None:
        super().__init__(rejections[0].reason, where=rejections[0].file)
        self.rejections = rejections

    def render(self, lang: str = "ko") -> str:
        return "\n".join(rejection.render(lang) for rejection in self.rejections)


def score_inputs(inputs: Sequence[Path], questionnaire_path: Path | None = None,
                 rubric_path: Path | None = None, lang: str = "ko",
                 mapping_path: Path | None = None, progress: Progress | None = None) -> Batch:
    """Read every input, score what can be read, and list what could not.

    Response files (``.yaml``) and survey exports (``.csv``, ``.xlsx``, matched through
    ``mapping_path`` when given) feed one answers frame, scored by one engine. ``progress``
    is told how many input files have been read.
    """
    q, r = load_content(questionnaire_path, rubric_path)
    mapping = survey.load_map(mapping_path, q) if mapping_path is not None else None
    paths = expand_inputs(inputs)
    if not paths:
        folders = ", ".join(str(p) for p in inputs if p.is_dir())
        raise DiagnoseError(Msg(
            "채점할 입력 파일이 없습니다" + (" (폴더에 응답 파일 .yaml이 없음)" if folders else ""),
            "no input files to score" + (" (no response files .yaml in the folder)"
                                         if folders else "")), where=folders or None)
    read = read_inputs(paths, q, mapping, progress)
    if not read.used and read.rejections:  # every file refused whole: the job cannot run
        raise NothingReadable(read.rejections)
    if read.frame.empty and not read.rejections:  # a blank template: nothing was rejected,
        raise DiagnoseError(Msg(                   # nothing can be scored: like an empty folder
            "채점할 진단이 없습니다: 답이 적힌 행이 하나도 없습니다 (아직 채우지 않은 빈 설문지인가요?)",
            "nothing to score: no row holds an answer (a survey sheet not filled in yet?)"),
            where=", ".join(str(p) for p in paths))
    keep = read.latest_only()
    frame = read.frame
    if len(keep) < len(frame):
        frame = frame.iloc[keep].reset_index(drop=True)
    kept = set(frame["source"])
    responses = [item for item in read.responses if item.path in kept]
    scores = scoring.score(frame, q, r, lang)
    return Batch(q, r, responses, scores, read.rejections, [*r.warnings, *read.warnings], frame)
