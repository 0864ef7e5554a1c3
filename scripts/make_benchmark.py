"""Write the provisional reference benchmark (scoring/benchmark.yaml) from a demo cohort.

Until the programme has real diagnoses, the reference medians come from a large cohort of the
demo's sample companies (diagnose/jobs/demo.py: archetypes of Ulsan plants, with the sources of
their figures in its docstring). The file says so, and carries the date it was made.

    .venv/bin/python scripts/make_benchmark.py [--companies 1200] [--seed 7] [--date 2026-12-06]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from diagnose.content.benchmark import ALL, DEFAULT_BENCHMARK, SIZES
from diagnose.engine import batch, peers
from diagnose.inputs import responses
from diagnose.jobs.demo import sample_responses

HEADER = """\
# 참조 벤치마크 (잠정): 업종·규모별 중앙값 (형식: diagnose/content/benchmark.py, docs/reports.md)
#
# 기업 보고서는 같은 명령에 다른 기업이 있든 없든 이 고정된, 날짜가 있는 벤치마크와 비교합니다.
# 사업단의 실제 진단 결과가 쌓이기 전까지의 잠정 수치입니다: scripts/make_benchmark.py가 데모 표본
# 기업(울산 공장 유형별 가상 기업) {n}곳을 채점해 만들었습니다. 실제 진단 150곳이 모이면 같은 형식으로
# 바꾸고 status를 final로 고칩니다.
# A provisional reference benchmark made from {n} demo sample companies; replace it with the
# programme's real diagnoses (same format) and set status: final.
"""


def _median_row(scores: pd.DataFrame, dims: list[str]) -> dict[str, float]:
    medians = {"overall": round(float(scores["overall.score"].median()), 2)}
    for dim in dims:
        column = scores[f"{dim}.score"].dropna()
        if len(column):
            medians[dim] = round(float(column.median()), 2)
    return medians


def build(companies: int, seed: int, date: dt.date) -> dict:
    """The benchmark document (plain data) from ``companies`` demo companies."""
    q, _ = batch.load_content()
    with tempfile.TemporaryDirectory() as folder:
        for response in sample_responses(q, companies, seed=seed):
            responses.save(response, Path(folder) / f"{response.company['id']}.yaml")
        table = batch.score_inputs([Path(folder)]).scores.table
    table = table[table["overall.score"].notna()]
    dims = [d.id for d in q.dimensions]
    sizes = [peers.size_class(v) for v in table["company.employees"]]
    table = table.assign(size=[SIZES[s] if s is not None else None for s in sizes])
    groups = [{"industry": ALL, "size": ALL, "n": len(table), "medians": _median_row(table, dims)}]
    for industry in sorted(table["company.industry"].dropna().unique()):
        members = table[table["company.industry"] == industry]
        if len(members) < peers.MIN_GROUP:
            continue
        groups.append({"industry": str(industry), "size": ALL, "n": len(members),
                       "medians": _median_row(members, dims)})
        for size in SIZES:
            sized = members[members["size"] == size]
            if len(sized) >= peers.MIN_GROUP:
                groups.append({"industry": str(industry), "size": size, "n": len(sized),
                               "medians": _median_row(sized, dims)})
    return {
        "id": "ulsan-reference-benchmark",
        "version": f"{date:%Y.%m}-provisional",
        "date": date,
        "status": "provisional",
        "questionnaire": {"id": q.id, "version": str(q.version)},
        "title": {"ko": "울산 제조 AI 준비도 참조 벤치마크 (잠정)",
                  "en": "Ulsan manufacturing AI readiness reference benchmark (provisional)"},
        "source": {
            "ko": f"잠정치: 실제 진단 결과가 아니라, 울산 공장 유형(자동차 부품, 조선 협력사, 화학, "
                  f"열처리·주조 등)별 데모 표본 기업 {len(table)}곳을 같은 질문지·채점 기준으로 채점한 값입니다. "
                  "사업단 진단 결과가 쌓이면 바꿉니다.",
            "en": f"Provisional: not real diagnoses but {len(table)} demo sample companies modelled "
                  "on Ulsan plant types (auto parts, shipyard subcontractors, chemicals, heat "
                  "treatment and casting, ...), scored with the same questionnaire and rubric. "
                  "To be replaced with the programme's diagnoses."},
        "method": {
            "ko": f"업종·규모(50인 미만, 50~299인, 300인 이상)별 영역 점수와 종합 점수의 중앙값. "
                  f"{peers.MIN_GROUP}곳 미만인 그룹은 싣지 않습니다(그 기업은 업종 전체, 다시 전체와 비교).",
            "en": "Medians of the dimension and overall scores by industry and size class (under "
                  f"50, 50-299, 300+ staff). Groups of fewer than {peers.MIN_GROUP} are left out "
                  "(their companies are compared with the industry, then with everyone)."},
        "min_group": peers.MIN_GROUP,
        "groups": groups,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--out", type=Path, default=DEFAULT_BENCHMARK)
    args = parser.parse_args()
    document = build(args.companies, args.seed, args.date)
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    args.out.write_text(HEADER.format(n=document["groups"][0]["n"]) + body, encoding="utf-8")
    print(f"{args.out}: {len(document['groups'])} groups from {document['groups'][0]['n']} companies")


if __name__ == "__main__":
    main()
