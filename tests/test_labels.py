"""Every ko/en label lives in ``diagnose/core/labels.py``, complete, and each word once.

The package is scanned (AST) for label tables defined anywhere else: a module-level dict whose
values are ``{"ko": ..., "en": ...}`` or ``Msg(...)``, a module-level ``{"ko": ..., "en": ...}``,
and, in the rendering, job and engine modules, an inline ``"..." if lang == "ko" else "..."``.
Modules whose labels move in a later wave are listed in ``PENDING`` with the tables they still
hold; the list must shrink as they move (a pending table that is gone fails too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rich.console import Console

from diagnose.core import labels
from diagnose.core.i18n import Msg
from diagnose.engine import progress, scoring
from diagnose.engine.batch import load_content
from diagnose.render import blank_sheet, selection_doc, tables, terminal

PACKAGE = Path(__file__).resolve().parent.parent / "diagnose"
LABELS_MODULE = "core/labels.py"
# Label tables not moved yet (other waves): module -> the names it still defines.
PENDING: dict[str, set[str]] = {
    "render/report.py": {"PROGRAMME", "LABELS"},
    "render/verdict.py": {"LABELS"},
    "render/findings.py": {"PRIORITY_NAMES", "SERIES_NAMES"},
    "engine/peers.py": {"WHOLE", "UNKNOWN_SIZE"},
    "inputs/identity.py": {"ROUND_NAMES"},
    "inputs/survey.py": {"TEMPLATE_SHEETS"},
    "inputs/decisions.py": {"RECORD_SHEETS"},
    "interview/screens.py": {"TYPE_NAMES"},
}
# Modules with inline ko/en pairs not moved yet (being edited elsewhere: no count kept).
PENDING_INLINE = frozenset({"render/findings.py", "render/report.py", "render/verdict.py",
                            "render/charts.py", "jobs/reports.py", "jobs/demo.py",
                            "engine/peers.py"})
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


def _modules() -> dict[str, ast.Module]:
    return {path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_keeps_its_own_label_table() -> None:
    found = {name: tables_ for name, tree in _modules().items()
             if name != LABELS_MODULE and (tables_ := label_tables(tree))}
    assert found == PENDING, "label tables belong in diagnose/core/labels.py"


def test_rendering_modules_write_no_inline_ko_en_pairs() -> None:
    found = {name: count for name, tree in _modules().items()
             if name.startswith(INLINE_SCOPE) and name not in PENDING_INLINE
             and (count := inline_pairs(tree))}
    assert found == {}, "labels belong in diagnose/core/labels.py"


def test_the_scans_find_what_they_look_for() -> None:
    """The scans are not blind: a label table and an inline pair, written as they were."""
    tree = ast.parse('T = {"a": {"ko": "가", "en": "a"}}\nU: dict = {"b": Msg("나", "b")}\n'
                     'V = {"ko": "다", "en": "c"}\nW = {"x": 1}\n'
                     'def f(lang, ko):\n    return ("예" if lang == "ko" else "yes",\n'
                     '            f"{lang}개" if ko else f"{lang} items", 1 if ko else 2)\n')
    assert label_tables(tree) == {"T", "U", "V"}
    assert inline_pairs(tree) == 2


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
