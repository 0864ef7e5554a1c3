"""Every ko/en label lives in ``diagnose/core/labels.py``, complete, and each word once.

The package is scanned (AST) for label tables defined anywhere else: a module-level dict whose
values are ``{"ko": ..., "en": ...}`` or ``Msg(...)``, a module-level ``{"ko": ..., "en": ...}``,
a ``{"ko": "...", "en": "..."}`` of two texts anywhere (in a list, a tuple, a function), and, in
the rendering, job and engine modules, an inline ``"..." if lang == "ko" else "..."``.
Modules whose labels move in a later wave are listed in ``PENDING`` with the tables they still
hold; the list must shrink as they move (a pending table that is gone fails too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core import labels
from diagnose.core.i18n import Msg
from diagnose.engine import batch, progress, scoring
from diagnose.engine.batch import load_content
from diagnose.inputs import responses
from diagnose.jobs import demo, reports
from diagnose.render import blank_sheet, selection_doc, tables, terminal

PACKAGE = Path(__file__).resolve().parent.parent / "diagnose"
LABELS_MODULE = "core/labels.py"
# Label tables not moved yet (other waves): module -> the names it still defines.
PENDING: dict[str, set[str]] = {}
# Bilingual content still kept in code (content belongs in the YAML files under scoring/, as the
# risk register now is in the catalogue): module -> the names it defines. Empty, to stay so.
CONTENT: dict[str, set[str]] = {}
INLINE_SCOPE = ("render/", "jobs/", "engine/")


def _is_ko_en(node: ast.AST) -> bool:
    return isinstance(node, ast.Dict) and {"ko", "en"} <= {
        k.value for k in node.keys if isinstance(k, ast.Constant)}


def _is_msg(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "Msg"


def label_tables(tree: ast.Module) -> set[str]:
    """The module-level names bound to a ko/en dict or to a dict of them (or of ``Msg``)."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        table = isinstance(value, ast.Dict) and any(
            _is_ko_en(v) or _is_msg(v) for v in value.values)
        if (table or _is_ko_en(value)) and isinstance(target, ast.Name):
            found.add(target.id)
    return found


def _tests_lang(test: ast.expr) -> bool:
    """``lang == "ko"``, ``lang != "en"``, ``ko`` and the like."""
    if isinstance(test, ast.Name):
        return test.id in {"ko", "en"}
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "lang" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value in {"ko", "en"})


def inline_pairs(tree: ast.Module) -> int:
    """How many ``"..." if lang == "ko" else "..."`` (text or f-string on both sides)."""
    text = (ast.Constant, ast.JoinedStr)
    return sum(1 for node in ast.walk(tree)
               if isinstance(node, ast.IfExp) and _tests_lang(node.test)
               and isinstance(node.body, text) and isinstance(node.orelse, text)
               and not (isinstance(node.body, ast.Constant)
                        and not isinstance(node.body.value, str)))


def _is_text(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _assigned(statement: ast.stmt) -> set[str]:
    """The names a module-level statement binds (``X = ...``, ``X: T = ...``)."""
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, ast.AnnAssign) else []
    return {t.id for t in targets if isinstance(t, ast.Name)}


def text_pairs(tree: ast.Module, skip: set[str] = frozenset()) -> list[int]:
    """The lines of every ``{"ko": "...", "en": "..."}`` of two texts, outside the module-level
    names in ``skip``."""
    found = []
    for statement in tree.body:
        if _assigned(statement) & skip:
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Dict):
                texts = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
                         if isinstance(k, ast.Constant)}
                if _is_text(texts.get("ko")) and _is_text(texts.get("en")):
                    found.append(node.lineno)
    return found


def _modules() -> dict[str, ast.Module]:
    return {path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_keeps_its_own_label_table() -> None:
    found = {name: tables_ for name, tree in _modules().items()
             if name != LABELS_MODULE and (tables_ := label_tables(tree))}
    assert found == PENDING, "label tables belong in diagnose/core/labels.py"


def test_no_module_writes_a_ko_en_pair_of_its_own() -> None:
    """Not in a list (the peer groups' size classes were), not inside a function (the risk
    levels were)."""
    found = {name: lines for name, tree in _modules().items() if name != LABELS_MODULE
             and (lines := text_pairs(tree, PENDING.get(name, set()) | CONTENT.get(name, set())))}
    assert found == {}, "labels belong in diagnose/core/labels.py"


def test_content_kept_in_code_is_still_there() -> None:
    """A ``CONTENT`` table that moves out (to a YAML file) leaves this list too."""
    trees = _modules()
    for name, tables_ in CONTENT.items():
        assigned = set().union(*map(_assigned, trees[name].body))
        assert tables_ <= assigned, f"{name}: {tables_ - assigned} gone: drop it from CONTENT"


def test_rendering_modules_write_no_inline_ko_en_pairs() -> None:
    found = {name: count for name, tree in _modules().items()
             if name.startswith(INLINE_SCOPE) and (count := inline_pairs(tree))}
    assert found == {}, "labels belong in diagnose/core/labels.py"


def test_the_scans_find_what_they_look_for() -> None:
    """The scans are not blind: a label table and an inline pair, written as they were."""
    tree = ast.parse('T = {"a": {"ko": "가", "en": "a"}}\nU: dict = {"b": Msg("나", "b")}\n'
                     'V = {"ko": "다", "en": "c"}\nW = {"x": 1}\n'
                     'def f(lang, ko):\n    return ("예" if lang == "ko" else "yes",\n'
                     '            f"{lang}개" if ko else f"{lang} items", 1 if ko else 2)\n')
    assert label_tables(tree) == {"T", "U", "V"}
    assert inline_pairs(tree) == 2
    nested = ast.parse('S = [(50, {"ko": "50인 미만", "en": "under 50"})]\n'
                       'def f(x):\n    return {"ko": "높음", "en": "High"} if x else {"ko": x, "en": x}\n')
    assert text_pairs(nested) == [1, 3]
    assert text_pairs(nested, {"S"}) == [3]


@pytest.mark.parametrize("section", sorted(labels.SECTIONS))
def test_every_label_has_korean_and_english(section: str) -> None:
    for key, text in labels.SECTIONS[section].items():
        assert isinstance(text, Msg), f"{section}.{key}"
        assert text.ko.strip() and text.en.strip(), f"{section}.{key} lacks a language"


def test_a_shared_word_is_one_entry() -> None:
    """A label spelled as a ``WORDS`` entry is that entry: changing it changes every use."""
    words = {(t.ko, t.en): key for key, t in labels.WORDS.items()}
    assert len(words) == len(labels.WORDS), "two WORDS entries say the same"
    for name, section in labels.SECTIONS.items():
        for key, text in section.items():
            shared = words.get((text.ko, text.en))
            if shared is not None:
                assert text is labels.WORDS[shared], \
                    f"{name}.{key} repeats WORDS[{shared!r}]: use the entry itself"


def test_label_looks_up_sections_and_words() -> None:
    assert labels.label("score_table.assessment.date", "en") == "Assessment date"
    assert labels.label("company", "ko") == "기업"
    assert labels.label("cohort.company", "en") == "Company"
    assert labels.texts("city", "ko")["fewer"] == "5개 사 미만"
    assert labels.msg("cohort.track_counts").format(fits=3, ready=1).render("en") \
        == "3 companies fit (1 can start now)"
    with pytest.raises(KeyError):
        labels.label("cohort.nonexistent", "ko")


def test_word_lists_cover_the_engine_codes() -> None:
    """Every code the engine hands a document has its words."""
    assert tuple(labels.REC_STATUSES) == progress.STATUSES
    assert set(labels.ANSWER_STATES) >= set(scoring.STATE_NAMES.values())
    assert set(labels.KPI_VERDICTS) >= {"better", "worse", "same", "changed", "none"}


# --- one label, one spelling, in every document that shows it ------------------------------------

def test_the_assessment_date_is_titled_alike_in_the_score_table_and_the_blank_sheet() -> None:
    """The score workbook titled the column 'Date', the blank survey sheet 'Assessment date'."""
    q, _ = load_content()
    sheet = {c.id: c.header for c in blank_sheet.columns(q, "en")}
    titles = tables.titles(q, "en")
    assert titles["assessment.date"] == sheet["assessment.date"] == "Assessment date"
    assert titles["assessment.round"] == sheet["assessment.round"] == "Round"
    assert tables.titles(q, "ko")["assessment.date"] == "진단일"


def test_the_overall_level_reads_maturity_level_in_english_as_in_korean() -> None:
    """'성숙도 수준' was 'Level' in the score workbook and 'Maturity level' in the progress
    report."""
    q, _ = load_content()
    assert tables.titles(q, "ko")["overall.level"] == "성숙도 수준"
    assert tables.titles(q, "en")["overall.level"] == "Maturity level"


class _Track:
    def __init__(self) -> None:
        self.track = type("T", (), {"name": {"ko": "트랙", "en": "Track A"}, "capacity": 3})()
        self.primary, self.reserve, self.others = [], [], []


def test_the_terminal_and_the_workbook_name_the_not_eligible_column_alike() -> None:
    """The terminal said '대상 아님·확인' / 'Not eligible / check', the workbook '대상 아님·확인
    필요' / 'Not eligible / to check'."""
    result = type("R", (), {"tracks": [_Track()]})()
    data = {"tracks": [], "programme": {"name": "p", "year": 2026}}
    for lang in ("ko", "en"):
        console = Console(width=200, record=True)
        console.print(terminal.selection_summary(result, lang))
        shown = console.export_text()
        sheet = selection_doc._summary_sheet(data, lang)
        assert sheet.titles[5] in shown
    assert "Not eligible / to check" in sheet.titles


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo company's response file (a level-1 company with a full roadmap)."""
    q, _ = load_content()
    path = tmp_path_factory.mktemp("sample") / "sample.yaml"
    responses.save(next(demo.sample_responses(q, 1)), path)
    return path


def _report_context(path: Path, lang: str) -> dict:
    result = batch.score_inputs([path], lang=lang)
    return reports.report_jobs(result, path.parent / "out", lang)[0].context


def test_the_report_cover_names_its_facts_as_the_progress_report_does(sample: Path) -> None:
    """The company report said 'Diagnosed on', '진단 차수' and 'Programme track' where the
    progress report (and the workbooks) say 'Assessment date', '차수' and 'Support track'."""
    path = sample
    for lang in ("ko", "en"):
        shown = _report_context(path, lang)["labels"]
        compare = labels.texts("compare", lang)
        assert (shown["date"], shown["round"], shown["track"]) \
            == (compare["date"], compare["round"], compare["track"])
    assert (shown["date"], shown["track"]) == ("Assessment date", "Support track")


def test_the_terminal_names_priorities_and_months_as_the_report_does(sample: Path) -> None:
    """``recommend`` printed '[높음]' and '3~8개월' where the report's project card says
    '상' and '3~8개월 차'."""
    path = sample
    for lang in ("ko", "en"):
        first = _report_context(path, lang)["recommendations"][0]
        result = CliRunner().invoke(app, ["recommend", str(path), "--lang", lang],
                                    env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0].endswith({"ko": "기준 진단", "en": "Baseline"}[lang])  # not 'baseline'
        head = next(i for i, line in enumerate(lines) if line.startswith(" 1 "))
        assert f"[{first['priority_name']}] {first['name']}" in lines[head]
        assert lines[head + 1].strip().startswith(first["months_label"] + " · ")
    assert first["priority_name"] in {"High", "Medium", "Low"}


def test_the_questionnaire_tree_names_question_types_as_the_interview_does() -> None:
    """The tree said '복수선택' / 'multi' and '단일선택', the interview '복수 선택' / 'multiple
    choice' and '선택' for the same types."""
    q, _ = load_content()
    shown = {}
    for lang in ("ko", "en"):
        console = Console(width=300, record=True)
        console.print(terminal.questionnaire_tree(q, lang))
        shown[lang] = console.export_text()
    assert "(복수 선택" in shown["ko"] and "(단일 선택)" in shown["ko"]
    assert "(multi-select" in shown["en"]
    assert "복수선택" not in shown["ko"] and "단일선택" not in shown["ko"]
