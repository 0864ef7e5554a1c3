"""Privacy (issue 7): a company's report names no other company and shows none of their answers;
peer figures come only from groups of at least five companies (``peers.MIN_GROUP``).

The cohort PDF is for the programme office and names every company: it is not checked here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core import labels
from diagnose.engine import batch, peers
from diagnose.jobs import reports
from diagnose.render import report

runner = CliRunner()

WORDS = ["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL"]
LEVEL_QUESTIONS = ["strategy.vision", "strategy.leadership", "data.collection", "data.storage",
                   "infra.plc_connectivity", "infra.network", "process.quality_inspection",
                   "process.maintenance", "talent.ai_skills", "talent.training",
                   "culture.data_driven", "culture.change_acceptance", "governance.ot_security",
                   "governance.data_policy"]
METAL = "1차 금속·금속가공제품 (KSIC C24-C25)"
PEERS = "동종 그룹 중앙값"


def canaries(word: str) -> dict[str, str]:
    """Everything about one company that only its own report may show."""
    return {"id": f"priv-{word.lower()}", "name": f"카나리아-{word}-상사",
            "consultant": f"상담역-{word}", "note": f"메모-{word}-설비기록",
            "second_note": f"증빙-{word}-사진없음", "goal": f"목표-{word}-불량제로",
            "pain": f"문제-{word}-돌발고장", "customers": f"고객-{word}-원청"}


def response(word: str, industry: str, employees: int | None, seed: int,
             answered: bool = True) -> dict[str, Any]:
    c = canaries(word)
    answers: dict[str, Any] = {}
    if answered:
        answers = {q: 1 + (seed + k) % 5 for k, q in enumerate(LEVEL_QUESTIONS)}
        answers["strategy.vision"] = {"value": 1 + seed % 5, "note": c["note"]}
        answers["data.collection"] = {"value": 1 + (seed + 2) % 5, "note": c["second_note"]}
        answers["strategy.ai_goal"] = c["goal"]
        answers["process.pain_point"] = c["pain"]
    company = {"id": c["id"], "name": c["name"], "industry": industry,
               "main_customers": c["customers"]}
    if employees is not None:
        company["employees"] = employees
    return {"questionnaire": {"id": "mfg-ai-readiness", "version": "2.0"}, "company": company,
            "assessment": {"date": "2026-04-02", "round": "baseline",
                           "consultant": c["consultant"]},
            "answers": answers, "status": "complete"}


def write(folder: Path, specs: list[tuple[str, str, int | None, bool]]) -> Path:
    """Response files from (word, industry, employees, answered) rows."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed, (word, industry, employees, answered) in enumerate(specs):
        data = response(word, industry, employees, seed, answered)
        (folder / f"{word.lower()}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(path: Path) -> str:
    return flat("\n".join(page.extract_text() or "" for page in PdfReader(path).pages))


def pdf_info(path: Path) -> str:
    """Everything a PDF says about itself outside its pages: metadata, XMP, outline."""
    reader = PdfReader(path)
    parts = [f"{k}={v}" for k, v in (reader.metadata or {}).items()]
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        parts.append(xmp.get_object().get_data().decode("utf-8", "replace"))

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                parts.append(item.title)

    walk(reader.outline)
    return flat("\n".join(parts))


def jobs_for(folder: Path, tmp_path: Path) -> tuple[batch.Batch, list[report.ReportJob]]:
    result = batch.score_inputs([folder])
    assert not result.rejections, [r.render("en") for r in result.rejections]
    return result, reports.report_jobs(result, tmp_path / "out", "ko", batch_peers=True)


def peer_series(job: report.ReportJob) -> list[dict[str, Any]]:
    return [s for s in job.context["chart_data"]["series"] if s["role"] == "peers"]


# --- eight companies, every report rendered through the command line ------------------------

COHORT = [(w, "metal", 120, True) for w in WORDS[:5]] + [
    (w, "auto-parts", 120, True) for w in WORDS[5:]]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("privacy")
    folder = write(root / "responses", COHORT)
    run = runner.invoke(app, ["report", str(folder), "--peers", "--out", str(root / "reports"),
                              "--workers", "2", "--quiet"])
    assert run.exit_code == 0, (run.stderr, run.exception)
    pdfs = {word: root / "reports" / f"priv-{word.lower()}_baseline.pdf" for word in WORDS}
    assert sorted(p.name for p in (root / "reports").iterdir()) == sorted(
        p.name for p in pdfs.values())
    return {"folder": folder, "root": root,
            "text": {w: pdf_text(p) for w, p in pdfs.items()},
            "info": {w: pdf_info(p) for w, p in pdfs.items()},
            "title": {w: PdfReader(p).metadata.title for w, p in pdfs.items()}}


@pytest.mark.slow
@pytest.mark.parametrize("word", WORDS)
def test_a_report_shows_its_own_company(word: str, cohort: dict[str, Any]) -> None:
    text = cohort["text"][word]
    for field, value in canaries(word).items():
        assert flat(value) in text, field
    assert cohort["title"][word].startswith(canaries(word)["name"])


@pytest.mark.slow
@pytest.mark.parametrize("word", WORDS)
def test_a_report_shows_nothing_of_another_company(word: str, cohort: dict[str, Any]) -> None:
    for where in ("text", "info"):
        shown = cohort[where][word]
        leaks = [(other, field) for other in WORDS if other != word
                 for field, value in canaries(other).items() if flat(value) in shown]
        assert not leaks, (where, leaks)
        others = [w for w in WORDS if w != word]
        assert not any(w in shown for w in others), where  # not even a part of a canary


def test_report_contexts_hold_nothing_of_another_company(tmp_path: Path) -> None:
    _, jobs = jobs_for(write(tmp_path / "responses", COHORT), tmp_path)  # no PDF needed
    for job in jobs:
        own = job.context["company"]["id"].removeprefix("priv-").upper()
        flat_context = repr(job.context)
        assert canaries(own)["name"] in flat_context
        assert not [w for w in WORDS if w != own and w in flat_context]


@pytest.mark.slow
def test_five_of_an_industry_are_compared_with_each_other(cohort: dict[str, Any]) -> None:
    legend = flat(f"{PEERS} · {METAL} · 50~299인 (n=5)")
    for word in WORDS[:5]:
        text = cohort["text"][word]
        assert legend in text, word
        assert "더넓은그룹" not in text and flat("5개 사 이상)이 없어") not in text


@pytest.mark.slow
def test_three_of_an_industry_fall_back_to_the_whole_cohort(cohort: dict[str, Any]) -> None:
    for word in WORDS[5:]:
        text = cohort["text"][word]
        assert flat("더 넓은 그룹 '전체 참여 기업'(n=8)과 비교했습니다") in text, word
        assert flat(f"{PEERS} · 전체 참여 기업 (n=8)") in text
        assert flat("자동차 부품 (KSIC 30) · 50~299인 (n=") not in text


# --- the boundary: four companies are no group, five are ------------------------------------

@pytest.fixture(scope="module")
def four_and_five(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("boundary")
    found = {}
    for n in (4, 5):
        folder = write(root / f"in{n}", [(w, "metal", 120, True) for w in WORDS[:n]])
        result, jobs = jobs_for(folder, root / f"jobs{n}")
        found[n] = {"result": result, "jobs": jobs}
    return found


def test_four_companies_get_no_peer_comparison(four_and_five: dict[str, Any]) -> None:
    four = four_and_five[4]
    for job in four["jobs"]:
        assert not peer_series(job)
        assert job.context["peer_note"] == labels.label("report.peer_none", "ko")
    groups = peers.peer_groups(four["result"].scores.table, four["result"].questionnaire)
    assert {(g.level, len(g.medians)) for g in groups} == {("none", 0)}


@pytest.mark.slow
def test_the_report_of_one_of_four_says_there_is_no_peer_group(
        four_and_five: dict[str, Any]) -> None:
    # one real PDF for the side without peers; the side with five is the cohort's metal group
    text = pdf_text(report.render_job(four_and_five[4]["jobs"][0]))
    assert PEERS not in text
    assert flat(labels.label("report.peer_none", "ko")) in text


def test_five_companies_are_compared_with_their_median(four_and_five: dict[str, Any]) -> None:
    five = four_and_five[5]
    table, q = five["result"].scores.table, five["result"].questionnaire
    for job in five["jobs"]:
        (series,) = peer_series(job)
        assert series["name"].endswith("(n=5)")
        expected = []
        for dim in q.dimensions:
            scores = table[f"{dim.id}.score"].dropna()
            expected.append(float(np.median(scores)) if len(scores) else None)
        assert series["values"] == expected
        assert job.context["peer_note"] == ""


# --- the fallback chain of peers.py, seen from the report ------------------------------------

def _groups(tmp_path: Path, specs: list[tuple[str, str, int | None, bool]]
            ) -> tuple[list[peers.PeerGroup], list[report.ReportJob]]:
    result, jobs = jobs_for(write(tmp_path / "in", specs), tmp_path)
    return peers.peer_groups(result.scores.table, result.questionnaire), jobs


def test_four_of_a_size_class_fall_back_to_their_industry_of_five(tmp_path: Path) -> None:
    specs = [(w, "metal", 20, True) for w in WORDS[:4]] + [(WORDS[4], "metal", 400, True)]
    groups, jobs = _groups(tmp_path, specs)
    assert [(g.level, g.size, g.fell_back) for g in groups] == [("industry", 5, True)] * 5
    for job in jobs:
        assert f"'{METAL}'(n=5)" in job.context["peer_note"]
        assert peer_series(job)[0]["name"].endswith(f"{METAL} (n=5)")


def test_an_industry_of_four_falls_back_to_a_cohort_of_five(tmp_path: Path) -> None:
    specs = [(w, "metal", 120, True) for w in WORDS[:4]] + [(WORDS[4], "food", 120, True)]
    groups, jobs = _groups(tmp_path, specs)
    assert {(g.level, g.size, g.fell_back) for g in groups} == {("all", 5, True)}
    assert all("'전체 참여 기업'(n=5)" in job.context["peer_note"] for job in jobs)


def test_a_company_without_scores_does_not_make_a_group_of_five(tmp_path: Path) -> None:
    specs = [(w, "metal", 120, True) for w in WORDS[:4]] + [(WORDS[4], "metal", 120, False)]
    groups, jobs = _groups(tmp_path, specs)
    assert {g.level for g in groups} == {"none"}
    assert all(not peer_series(job) for job in jobs)


def test_unknown_industry_and_size_use_the_whole_cohort_only_from_five(tmp_path: Path) -> None:
    specs = [(w, "metal", 120, True) for w in WORDS[:5]] + [(WORDS[5], "other", None, True)]
    groups, jobs = _groups(tmp_path, specs)
    assert (groups[5].level, groups[5].size) == ("all", 6)  # 'other' has one company
    assert all(g.size >= peers.MIN_GROUP for g in groups if g.level != "none")
    for job in jobs:
        for series in peer_series(job):
            size = int(series["name"].rsplit("(n=", 1)[1].rstrip(")"))
            assert size >= peers.MIN_GROUP
            assert not any(v is not None and math.isnan(v) for v in series["values"])
