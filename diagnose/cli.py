"""The ``diagnose`` command line: parses options, calls the library, prints.

Heavy modules (pandas, WeasyPrint, openpyxl) are imported inside the commands, so ``--help``
and ``--version`` answer at once. Every ``DiagnoseError`` becomes a one-line message and the
contract's exit code; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from diagnose import __version__
from diagnose.core.errors import EXIT_REJECTED, EXIT_USAGE, DiagnoseError, Rejection
from diagnose.core.i18n import Msg, visible
from diagnose.core.labels import label


class Lang(StrEnum):
    ko = "ko"
    en = "en"


app = typer.Typer(
    name="diagnose",
    help="제조 중소기업 AI 준비도 진단 도구 / AI-readiness diagnosis for manufacturing SMEs.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
questionnaire_app = typer.Typer(help="질문지 검사·보기·빈 설문지 / Validate and show questionnaires, make survey sheets.",
                                no_args_is_help=True)
app.add_typer(questionnaire_app, name="questionnaire")

LangOpt = Annotated[Lang, typer.Option("--lang", envvar="DIAGNOSE_LANG",
                                       help="출력 언어 / output language (ko|en)")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="진행 표시 없이 / no progress output")]
JsonOpt = Annotated[bool, typer.Option("--json", help="결과를 JSON으로 / print results as JSON")]
QuestionnaireOpt = Annotated[Path | None, typer.Option(
    "-q", "--questionnaire", help="질문지 YAML (기본: 내장 질문지) / questionnaire file (default: the bundled one)", readable=False)]
RubricOpt = Annotated[Path | None, typer.Option(
    "-r", "--rubric", help="채점 기준 YAML (기본: 내장 기준) / rubric file (default: the bundled one)", readable=False)]
TemplatesOpt = Annotated[Path | None, typer.Option(
    "--templates", help="내 템플릿 폴더 (먼저 찾음) / your template folder, looked up first", readable=False)]
MapOpt = Annotated[Path | None, typer.Option(
    "--map", help="설문 내보내기의 열·답 매핑 YAML (docs/survey-exports.md) / "
                  "how the columns and answers of survey exports match the questionnaire", readable=False)]
InputsArg = Annotated[list[Path], typer.Argument(
    help="응답 파일(.yaml), 그 폴더, 설문 내보내기(.csv, .xlsx) / "
         "response files, folders of them, survey exports (.csv, .xlsx)", readable=False)]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="동시에 만들 PDF 수 (기본: CPU 코어 수) / parallel PDF workers")]

_state: dict[str, Any] = {"debug": False}


def _console(stderr: bool = True) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)  # a path is never cut


@contextlib.contextmanager
def _guard(lang: str = "ko") -> Iterator[None]:
    """Turn user errors into one line and an exit code."""
    try:
        yield
    except DiagnoseError as exc:
        if _state["debug"]:
            raise
        _print_error(exc, lang)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        print("중단됨 / interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
    except BrokenPipeError:  # `diagnose ... --json | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(141) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except OSError as exc:  # the file system refused (an output that is a folder, disk full)
        if _state["debug"]:
            raise
        where = exc.filename2 or exc.filename  # a rename names the temp file first
        _print_error(DiagnoseError(Msg("읽거나 쓸 수 없습니다: {e}", "cannot read or write: {e}")
                                   .format(e=exc.strerror or type(exc).__name__), where=where),
                     lang)
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as exc:
        if _state["debug"]:
            raise
        text = Msg("내부 오류: {e} (--debug로 자세히 볼 수 있습니다. 이 문제를 알려 주세요)",
                   "internal error: {e} (run with --debug for details, and please report it)")
        print(text.format(e=f"{type(exc).__name__}: {exc}").render(lang), file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None


@contextlib.contextmanager
def _keeping(*paths: Path | list[Path] | None, out: tuple[Path, ...] = ()) -> Iterator[None]:
    """Run a command keeping its input files: no output may replace one (``core.files``);
    ``out``, the outputs known up front, are checked before the work, not after it."""
    from diagnose.core import files

    flat = [p for item in paths for p in (item if isinstance(item, list) else [item])]
    with files.keeping(flat):
        for path in out:
            files.refuse_input(path)
        yield


class _Diagnostics:
    """Standard error that never fails a command: with it on a full disk, or closed, a message
    is lost, but the exit code stays the contract's (a write error here would turn exit 2 into
    1 with a traceback that cannot be shown either)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except (OSError, ValueError):  # ValueError: the stream was closed
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding: as the stream has them
        return getattr(self._stream, name)


def _output_failed(exc: OSError) -> None:
    """Standard output refused a write (``--version > /dev/full``): one line, exit 2."""
    print(Msg("출력을 쓸 수 없습니다: {e}", "cannot write the output: {e}").format(
        e=exc.strerror or type(exc).__name__).render(os.environ.get("DIAGNOSE_LANG", "ko")),
        file=sys.stderr)
    with contextlib.suppress(OSError):  # what is still buffered goes nowhere, not to a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise SystemExit(EXIT_USAGE)


def _print_error(exc: DiagnoseError, lang: str) -> None:
    """One line (``오류: ...``), or the error's own lines when it has several."""
    lines = exc.render(lang).splitlines() or [""]
    if len(lines) == 1:
        print(f"{'오류' if lang == 'ko' else 'error'}: {lines[0]}", file=sys.stderr)
    else:
        print("\n".join(lines), file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"diagnose {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="버전 / print the version")] = False,
    debug: Annotated[bool, typer.Option("--debug", envvar="DIAGNOSE_DEBUG",
                                        help="오류 시 traceback 표시 / tracebacks on errors")] = False,
) -> None:
    _state["debug"] = debug


SCREEN_REJECTIONS = 50  # more than this: the rest are in OUT.errors.csv


def _print_rejections(rejections: list[Rejection], lang: str, quiet: bool,
                      errors_file: Path | None = None) -> None:
    """Rejections on standard error: a table on a terminal, else (or with ``--quiet``) one line each.

    With an errors file, the table shows the first ``SCREEN_REJECTIONS`` and points to the
    file for the rest; without one (``report``), every rejection is shown.
    """
    if not rejections:
        return
    console = _console()
    if quiet or not console.is_terminal:  # one line each, for scripts and logs: never wrapped
        for item in rejections:
            print(item.render(lang), file=sys.stderr)
        return
    from rich.table import Table
    from rich.text import Text

    shown = rejections if errors_file is None else rejections[:SCREEN_REJECTIONS]
    company = any(item.company for item in shown)  # survey rows: whom to call
    head = tuple(label(f"terminal.rejected.{key}", lang)
                 for key in ("file", "row", "company", "column", "value", "reason"))
    table = Table(title=label("terminal.rejected", lang), title_justify="left")
    for name in head if company else head[:2] + head[3:]:
        table.add_column(name, overflow="fold")
    for item in shown:  # cells from input files are text, never rich markup
        value = item.value if len(item.value) <= 80 else item.value[:79] + "…"
        cells = [item.file, "" if item.row is None else str(item.row), item.company,
                 item.column, value]
        table.add_row(*(Text(visible(c)) for c in (cells if company else cells[:2] + cells[3:])),
                      Text(item.reason.render(lang)))
    if len(shown) < len(rejections):
        table.caption = Msg("… 외 {n}건: 전체 목록은 {f}", "… and {n} more: the full list is in {f}"
                            ).format(n=len(rejections) - len(shown), f=errors_file).render(lang)
    console.print(table)


@contextlib.contextmanager
def _reading_progress(enabled: bool, lang: str) -> Iterator[Any]:
    """A callback showing how many input files have been read (a bar on standard error), or
    ``None``: only on a terminal, so that logs, pipes and tests stay clean. The bar goes once
    the files are read: what the command prints after it is what stays on the screen."""
    console = _console()
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    label = Msg("입력 파일 읽기", "Reading inputs").render(lang)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _errors_path(out: Path) -> Path:
    return out.with_name(out.stem + ".errors.csv")


def _write_errors(out: Path, rejections: list[Rejection], lang: str) -> Path:
    """``OUT.errors.csv`` listing the rejections; an old one goes when there are none."""
    import csv
    import io

    from diagnose.core import files
    from diagnose.render import tables

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The company (of a survey row) last, under the score table's names: the columns before
    # keep their places for scripts that read them.
    writer.writerow(["file", "row", "column", "value", "reason", "company.id", "company.name"])
    for item in rejections:
        writer.writerow([tables.neutralise(v) for v in (
            item.file, "" if item.row is None else item.row, item.column, item.value,
            item.reason.render(lang), item.company_id, item.company_name)])
    path = _errors_path(out)
    if rejections:
        files.write_atomic(path, "\ufeff" + buffer.getvalue())
    else:
        path.unlink(missing_ok=True)
    return path


# --- questionnaire ---------------------------------------------------------------------------

@questionnaire_app.command("validate")
def questionnaire_validate(
    files: Annotated[list[Path], typer.Argument(help="질문지 YAML 파일 / questionnaire files", readable=False)],
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """질문지 검사 / Validate questionnaires: one FILE:LINE:COL: message per problem, exit 2 on errors."""
    with _guard(lang.value):
        from diagnose.content import questionnaire

        problems = []
        for path in files:
            problems.extend(questionnaire.check_file(path)[1])
        errors = [p for p in problems if p.severity == "error"]
        if as_json:
            print(json.dumps([{"file": p.file, "line": p.line, "column": p.column,
                               "severity": p.severity, "message": p.message.render(lang.value)}
                              for p in problems], ensure_ascii=False, indent=2))
        else:
            for problem in problems:
                if problem.severity == "error" or not quiet:
                    print(problem.render(lang.value), file=sys.stderr if errors else sys.stdout)
            if not errors and not quiet:
                print(f"OK: {len(files)}", file=sys.stdout)
        if errors:
            raise typer.Exit(EXIT_USAGE)


@questionnaire_app.command("show")
def questionnaire_show(
    file: Annotated[Path | None, typer.Argument(help="질문지 YAML (기본: 내장 질문지) / questionnaire file", readable=False)] = None,
    lang: LangOpt = Lang.ko, as_json: JsonOpt = False,
) -> None:
    """질문지 보기 / Show a questionnaire as a tree (dimensions, questions, options)."""
    with _guard(lang.value):
        from diagnose.content import questionnaire
        from diagnose.core import resources

        q = questionnaire.load(file or resources.DEFAULT_QUESTIONNAIRE)
        if as_json:
            print(json.dumps(q.model_dump(mode="json", by_alias=True, exclude_defaults=True),
                             ensure_ascii=False, indent=2))
            return
        from diagnose.render.terminal import questionnaire_tree

        _console(stderr=False).print(questionnaire_tree(q, lang.value))


@questionnaire_app.command("schema")
def questionnaire_schema() -> None:
    """질문지 JSON Schema / Print the JSON Schema of the questionnaire format."""
    with _guard():
        from diagnose.content import questionnaire

        print(json.dumps(questionnaire.json_schema(), ensure_ascii=False, indent=2))


@questionnaire_app.command("template")
def questionnaire_template(
    file: Annotated[Path | None, typer.Argument(help="질문지 YAML (기본: 내장 질문지) / questionnaire file", readable=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="만들 파일 (.xlsx, .csv) / the file to write (.xlsx, .csv)", readable=False)] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="xlsx (드롭다운 포함) 또는 csv (기본: -o의 확장자) / "
                         "xlsx (with drop-downs) or csv (default: the suffix of -o)")] = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """빈 설문지 / A blank survey sheet to hand out, which 'diagnose score' reads back as it is."""
    with _guard(lang.value), _keeping(file, out=(out,) if out else ()):
        from diagnose.content import questionnaire
        from diagnose.core import resources
        from diagnose.render import blank_sheet

        if out is None:
            raise DiagnoseError(Msg("-o 파일.xlsx 또는 -o 파일.csv로 만들 파일을 지정하세요",
                                    "name the file to write with -o FILE.xlsx or -o FILE.csv"))
        q = questionnaire.load(file or resources.DEFAULT_QUESTIONNAIRE)
        _refuse_filled_sheet(out, q)
        written = blank_sheet.write(q, out, fmt.lower() if fmt else None, lang.value)
        columns = blank_sheet.columns(q, lang.value)
        if as_json:
            print(json.dumps({"out": str(written), "format": written.suffix.lstrip("."),
                              "columns": [c.id for c in columns]}, ensure_ascii=False, indent=2))
        elif not quiet:
            print(Msg("설문지 ({n}열) → {o}", "survey sheet ({n} columns) -> {o}").format(
                n=len(columns), o=written).render(lang.value))


def _refuse_filled_sheet(out: Path, q: Any) -> None:
    """A file already at ``out`` that holds answers, or is no survey sheet at all, is the
    user's data: a blank sheet does not replace it (an older blank sheet is replaced)."""
    if not out.is_file():
        return
    from diagnose.engine import batch

    read = batch.read_inputs([out], q)
    if len(read.frame) or read.rejections:
        raise DiagnoseError(Msg(
            "이미 있는 파일이며 빈 설문지가 아닙니다 (답이 적혀 있거나 다른 파일): 덮어쓰지 않습니다. "
            "-o에 다른 이름을 지정하세요",
            "the file exists and is not a blank survey sheet (it holds answers, or is another "
            "file): it is not overwritten; give -o another name"), where=out)


# --- score -------------------------------------------------------------------------------------

@app.command("score")
def score(
    inputs: InputsArg,
    out: Annotated[Path, typer.Option("-o", "--out", help="결과 파일 / output file (.csv, .xlsx, .json)", readable=False)],
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    mapping: MapOpt = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """채점 / Score assessments: one row per assessment in a CSV, XLSX or JSON table."""
    with _guard(lang.value), _keeping(inputs, questionnaire_file, rubric_file, mapping,
                                      out=(out, _errors_path(out))):
        from diagnose.engine import batch
        from diagnose.render import tables

        if out.suffix.lower() not in tables.SUFFIXES:
            raise DiagnoseError(Msg("출력 형식은 .csv, .xlsx, .json 중 하나여야 합니다",
                                    "the output must be .csv, .xlsx or .json"), where=out)
        with _reading_progress(not quiet and not as_json, lang.value) as progress:
            result = batch.score_inputs(inputs, questionnaire_file, rubric_file, lang.value,
                                        mapping_path=mapping, progress=progress)
        cut = tables.write(result.scores.table, out, result.questionnaire, lang.value)
        _print_warnings([*result.warnings, *cut], lang.value, quiet)
        errors = _write_errors(out, result.rejections, lang.value)
        _print_rejections(result.rejections, lang.value, quiet, errors)
        if as_json:
            print(tables.to_json(tables.rounded(result.scores.table)), end="")
        elif not quiet:
            from diagnose.render.terminal import score_summary

            _console(stderr=False).print(score_summary(result.scores, lang.value))
            _console().print(Msg("{n}건 채점 → {o}", "{n} scored -> {o}").format(
                n=len(result.scores.table), o=out).render(lang.value), markup=False)
        if result.rejections:
            raise typer.Exit(EXIT_REJECTED)


def _print_warnings(warnings: list[Any], lang: str, quiet: bool) -> None:
    if quiet:
        return
    for warning in warnings:
        print(warning.render(lang), file=sys.stderr)


# --- report ------------------------------------------------------------------------------------

@app.command("report")
def report(
    inputs: InputsArg,
    out: Annotated[Path, typer.Option("--out", help="PDF를 쓸 폴더 / output folder", readable=False)] = Path("reports"),
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    templates: TemplatesOpt = None,
    workers: WorkersOpt = None, mapping: MapOpt = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
    batch_peers: Annotated[bool, typer.Option(
        "--peers", help="참조 벤치마크 대신 함께 채점한 진단(5곳 이상 그룹)과 비교 / compare with "
        "the assessments scored together (groups of 5+) instead of the reference benchmark")
    ] = False,
    issued: Annotated[str | None, typer.Option(
        "--issued", metavar="YYYY-MM-DD", help="표지의 발행일 (기본: 진단일) / date of issue on "
        "the cover (default: the assessment date)")] = None,
) -> None:
    """보고서 / Render one PDF diagnosis report per assessment."""
    with _guard(lang.value), _keeping(inputs, questionnaire_file, rubric_file, mapping,
                                      out=(out,)):
        from diagnose.engine import batch
        from diagnose.jobs import reports

        if issued is not None:
            issued = reports.issue_date(issued)
        with _reading_progress(not quiet and not as_json, lang.value) as progress:
            result = batch.score_inputs(inputs, questionnaire_file, rubric_file, lang.value,
                                        mapping_path=mapping, progress=progress)
        jobs = reports.report_jobs(result, out, lang.value, templates, batch_peers, issued)
        paths = reports.render_jobs(jobs, out, lang.value, workers,
                                    progress=not quiet and not as_json)
        _print_warnings([*result.warnings, *reports.evidence_warnings(result, jobs)],
                        lang.value, quiet)  # with the evidence left out
        _print_rejections(result.rejections, lang.value, quiet)
        if as_json:
            print(json.dumps([str(p) for p in paths], ensure_ascii=False, indent=2))
        elif not quiet:
            _console().print(Msg("보고서 {n}개 → {o}", "{n} report(s) -> {o}").format(
                n=len(paths), o=out).render(lang.value), markup=False)
        if result.rejections:
            raise typer.Exit(EXIT_REJECTED)


# --- cohort and compare ----------------------------------------------------------------------

# --- recommend ---------------------------------------------------------------------------------

CatalogueOpt = Annotated[Path | None, typer.Option(
    "--catalogue", help="솔루션 카탈로그 YAML (기본: 내장) / solution catalogue", readable=False)]
ProgrammeOpt = Annotated[Path | None, typer.Option(
    "--programme", help="사업 계획 YAML: 지원 트랙 (기본: 내장) / programme file: support tracks", readable=False)]


@app.command("recommend")
def recommend(
    inputs: InputsArg,
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    catalogue_file: CatalogueOpt = None, programme_file: ProgrammeOpt = None,
    mapping: MapOpt = None,
    top: Annotated[int | None, typer.Option(
        "--top", min=1, help="기업마다 보일 추천 수 (기본: 카탈로그 설정) / recommendations "
        "per assessment")] = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """추천 / The ranked AI-solution recommendations of each assessment, without a PDF."""
    with _guard(lang.value):
        from diagnose.jobs import advice

        with _reading_progress(not quiet and not as_json, lang.value) as progress:
            result = advice.run(inputs, questionnaire_file, rubric_file, catalogue_file,
                                programme_file, lang.value, top, mapping, progress)
        _print_warnings(result.batch.warnings, lang.value, quiet)
        _print_rejections(result.batch.rejections, lang.value, quiet)
        data = advice.as_data(result, lang.value)
        if as_json:
            import json

            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            from diagnose.render.terminal import recommendations_view

            console = _console(stderr=False)
            for company in data:
                console.print(recommendations_view(company, lang.value))
                console.print()
        if result.batch.rejections:
            raise typer.Exit(EXIT_REJECTED)


# --- select ------------------------------------------------------------------------------------

@app.command("select")
def select(
    inputs: InputsArg,
    out: Annotated[Path, typer.Option("--out", help="결과 폴더 / output folder", readable=False)],
    programme_file: ProgrammeOpt = None,
    decisions: Annotated[Path | None, typer.Option(
        "--decisions", help="담당자 결정 파일: 선정 결과 엑셀(결정 열) 또는 CSV / the officer's "
        "decisions: the selection workbook (decision column) or a CSV", readable=False)] = None,
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    catalogue_file: CatalogueOpt = None, mapping: MapOpt = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """선정 / The programme's selection: per track a primary list within capacity and a
    reserve list, every company with its reason; the report to the city."""
    with _guard(lang.value), _keeping(inputs, programme_file, decisions, questionnaire_file,
                                      rubric_file, catalogue_file, mapping, out=(out,)):
        from diagnose.jobs import select as select_job

        with _reading_progress(not quiet and not as_json, lang.value) as progress:
            result = select_job.run(inputs, out, programme_file, decisions, questionnaire_file,
                                    rubric_file, catalogue_file, lang.value, mapping, progress)
        _print_warnings(result.advice.batch.warnings, lang.value, quiet)
        _print_rejections(result.rejections, lang.value, quiet)
        if as_json:
            print((out / "selection.json").read_text(encoding="utf-8"), end="")
        elif not quiet:
            from diagnose.render.terminal import selection_summary

            _console(stderr=False).print(selection_summary(result.result, lang.value))
            for path in result.written:
                _console().print(Msg("→ {p}", "-> {p}").format(p=path).render(lang.value),
                                 markup=False)
        if result.rejections:
            raise typer.Exit(EXIT_REJECTED)


@app.command("cohort")
def cohort(
    inputs: InputsArg,
    out: Annotated[Path, typer.Option("--out", help="결과 폴더 / output folder", readable=False)],
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    templates: TemplatesOpt = None,
    mapping: MapOpt = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """코호트 / The programme view: all companies side by side (cohort.xlsx, cohort.pdf)."""
    with _guard(lang.value), _keeping(inputs, questionnaire_file, rubric_file, mapping,
                                      out=(out,)):
        from diagnose.engine import batch
        from diagnose.jobs import cohort as cohort_module

        with _reading_progress(not quiet and not as_json, lang.value) as progress:
            result = batch.score_inputs(inputs, questionnaire_file, rubric_file, lang.value,
                                        mapping_path=mapping, progress=progress)
        _print_warnings(result.warnings, lang.value, quiet)
        built = cohort_module.build_cohort(result, out, lang.value, templates=templates)
        _print_rejections(result.rejections, lang.value, quiet)
        if as_json:
            print(json.dumps(built.summary(), ensure_ascii=False, indent=2))
        elif not quiet:
            _console().print(built.message().render(lang.value), markup=False)
        if result.rejections:
            raise typer.Exit(EXIT_REJECTED)


@app.command("compare")
def compare(
    baseline: Annotated[Path, typer.Argument(help="기준 진단 / the baseline assessment", readable=False)],
    followup: Annotated[Path, typer.Argument(help="후속 진단 / the follow-up assessment", readable=False)],
    out: Annotated[Path, typer.Option("-o", "--out", help="진척 보고서 PDF / progress report", readable=False)],
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    templates: TemplatesOpt = None,
    mapping: MapOpt = None,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """비교 / Progress of one company between two assessments, as a PDF."""
    with _guard(lang.value), _keeping(baseline, followup, questionnaire_file, rubric_file,
                                      mapping, out=(out,)):
        from diagnose.jobs import compare as compare_module

        result = compare_module.compare_files(
            baseline, followup, out, lang.value, questionnaire_path=questionnaire_file,
            rubric_path=rubric_file, templates=templates, mapping_path=mapping)
        _print_warnings(result.warnings, lang.value, quiet)
        if as_json:
            print(json.dumps(result.summary(lang.value), ensure_ascii=False, indent=2))
        elif not quiet:
            summary = result.summary(lang.value)
            before, after = summary["baseline"], summary["followup"]
            _console().print(Msg(
                "{c}: {b} → {a} (수준 {bl} → {al}) · 보고서 {o}",
                "{c}: {b} -> {a} (level {bl} -> {al}) · report {o}").format(
                c=summary["company"], b=before["overall"], a=after["overall"],
                bl=before["level"], al=after["level"], o=out).render(lang.value), markup=False)


# --- demo --------------------------------------------------------------------------------------

@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="결과 폴더 / output folder", readable=False)] = Path("demo-out"),
    companies: Annotated[int, typer.Option("--companies", min=1, max=10_000,
                                           help="표본 기업 수 / sample companies", readable=False)] = 12,
    workers: WorkersOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="표본 생성 시드 / sample seed")] = 2026,
    lang: LangOpt = Lang.ko, quiet: QuietOpt = False, as_json: JsonOpt = False,
) -> None:
    """데모 / The main job on bundled sample data: response files, score tables, PDF reports."""
    with _guard(lang.value):
        from diagnose.jobs import reports

        summary = reports.run_demo(out, companies, workers, seed, lang.value,
                                    progress=not quiet and not as_json)
        if as_json:
            print(json.dumps(summary, ensure_ascii=False, indent=2))
        elif not quiet:
            from diagnose.interview.command import join, program
            from diagnose.render.terminal import demo_summary

            console = _console(stderr=False)
            console.print(demo_summary(summary, lang.value))
            typed = join([*program(), *reports.demo_score_args(summary)])  # works as typed
            console.print(reports.demo_guide(summary, typed).render(lang.value), markup=False,
                          highlight=False)


# --- interview ---------------------------------------------------------------------------------

@app.command("interview")
def interview(
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="새 응답 파일 / the new response file (.yaml)", readable=False)] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", help="이어서 할 응답 파일 / continue this response file", readable=False)] = None,
    company: Annotated[str | None, typer.Option(
        "--company", help="기업명 (미리 채움) / company name, filled in up front")] = None,
    consultant: Annotated[str | None, typer.Option(
        "--consultant", envvar="DIAGNOSE_CONSULTANT", help="컨설턴트 이름 / consultant")] = None,
    round_: Annotated[str, typer.Option(
        "--round", help="진단 차수 / assessment round (baseline, followup, ...)")] = "baseline",
    questionnaire_file: QuestionnaireOpt = None, rubric_file: RubricOpt = None,
    lang: LangOpt = Lang.ko,
) -> None:
    """현장 인터뷰 / The on-site interview: every answer is saved before the next question."""
    with _guard(lang.value):
        if (out is None) == (resume is None):
            raise DiagnoseError(Msg(
                "-o 새파일.yaml 또는 --resume 기존파일.yaml 중 하나를 지정하세요",
                "give either -o NEW.yaml or --resume EXISTING.yaml"))
        from diagnose.interview import command

        code = command.run(
            out=out, resume=resume, questionnaire_path=questionnaire_file,
            rubric_path=rubric_file, company=company, consultant=consultant, round_=round_,
            lang=lang.value)
        if code:
            raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    if sys.platform == "linux" and os.uname().machine == "x86_64":
        # pyarrow (pandas' string engine; the CSV reader) allocates with mimalloc by default,
        # which reserves 1 GiB of address space at first use (half of what a run capped by
        # ``ulimit -v`` may have) and keeps what it freed. The jemalloc of its x86-64 Linux
        # wheels, told not to retain address space, does neither (the C library's malloc
        # keeps pyarrow's freed blocks in its heaps).
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
        os.environ.setdefault("JE_ARROW_MALLOC_CONF", "retain:false")
    # None: started with standard error closed (2>&-); messages then go nowhere, codes stay
    sys.stderr = _Diagnostics(sys.stderr or open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    try:
        try:
            app()
        finally:  # a full disk behind '>' shows at this flush, not as a traceback at exit
            if sys.stdout is not None:  # None: started with standard output closed
                sys.stdout.flush()
    except BrokenPipeError:  # the reader of the output left (`| head`): nothing to report
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:  # standard output refused a write outside a command (--version)
        _output_failed(exc)


if __name__ == "__main__":
    main()
