"""The reference benchmark: dated median scores by industry and size class (content).

A company's report compares it with this fixed, dated benchmark (``scoring/benchmark.yaml``),
as SIRI and the EU DMA do, so a report never depends on which other companies were scored in
the same command. The file says where its figures come from and whether they are provisional;
the report prints both beside every comparison.

Groups are keyed by an industry value of the questionnaire's ``industry`` profile item (or
``all``) and a size class (``small`` under 50 staff, ``medium`` 50-299, ``large`` 300+, or
``all``); each holds its number of companies and the median overall and dimension scores. The
lookup narrows to the company's industry and size and falls back to the industry, then to all
(``diagnose.engine.peers.reference``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from diagnose.content import yamlio
from diagnose.content.questionnaire import Questionnaire, Text, version_text
from diagnose.core import resources
from diagnose.core.errors import Problem
from diagnose.core.i18n import Msg

DEFAULT_BENCHMARK = resources.SCORING / "benchmark.yaml"
SIZES = ("small", "medium", "large")  # the size classes of diagnose.engine.peers, in order
ALL = "all"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Group(_Model):
    """One benchmark group: its industry and size class, how many companies, their medians."""

    industry: str = ALL
    size: Literal["all", "small", "medium", "large"] = ALL
    n: int = Field(ge=1)
    medians: dict[str, float]  # "overall" and dimension ids -> median score (1-5)

    @field_validator("medians")
    @classmethod
    def _scale(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 1.0 <= v <= 5.0 for v in value.values()):
            raise ValueError("medians are scores from 1 to 5")
        return value


class Benchmark(_Model):
    id: str
    version: str
    date: dt.date  # when the figures were made: printed beside every comparison
    status: Literal["provisional", "final"]
    questionnaire: dict[str, str]  # {id, version} the scores were computed with
    title: Text
    source: Text  # where the figures come from, in words
    method: Text  # how the medians were computed
    min_group: int = Field(5, ge=1)  # smaller groups are not in the file
    groups: list[Group] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"

    def group(self, industry: str, size: str) -> Group | None:
        """The group of exactly this industry and size class (``all`` for either), if any."""
        return next((g for g in self.groups if g.industry == industry and g.size == size), None)


def _check(doc: yamlio.Document, bench: Benchmark, q: Questionnaire | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    industries: set[Any] | None = None
    if q is not None and "industry" in q.items:
        industries = {o.value for o in q.items["industry"].options}
    keys = {"overall", *(d.id for d in q.dimensions)} if q is not None else None
    for i, group in enumerate(bench.groups):
        key = (group.industry, group.size)
        if key in seen:
            problems.append(doc.problem(("groups", i), Msg(
                "같은 업종·규모 그룹이 두 번 나옵니다", "the same industry and size class twice")))
        seen.add(key)
        if group.n < bench.min_group:
            problems.append(doc.problem(("groups", i, "n"), Msg(
                "그룹이 min_group({m})보다 작습니다", "the group is smaller than min_group ({m})")
                .format(m=bench.min_group)))
        if industries is not None and group.industry != ALL and group.industry not in industries:
            problems.append(doc.problem(("groups", i, "industry"), Msg(
                "질문지에 없는 업종 '{v}'", "industry '{v}' is not in the questionnaire")
                .format(v=group.industry)))
        for name in sorted(set(group.medians) - keys) if keys is not None else []:
            problems.append(doc.problem(("groups", i, "medians", name), Msg(
                "질문지에 없는 영역 '{v}'", "dimension '{v}' is not in the questionnaire")
                .format(v=name)))
    if (ALL, ALL) not in seen:
        problems.append(doc.problem(("groups",), Msg(
            "전체 그룹(industry: all, size: all)이 있어야 합니다",
            "a group for everyone (industry: all, size: all) is needed")))
    return problems


def matches(questionnaire: Questionnaire, path: Path | None = None) -> bool:
    """Whether the benchmark was computed with this questionnaire (id and version)."""
    data = yamlio.load(path or DEFAULT_BENCHMARK).data
    head = (data.get("questionnaire") if isinstance(data, dict) else None) or {}
    return (head.get("id") == questionnaire.id
            and str(head.get("version")) == str(questionnaire.version))


def load(path: Path | None = None, questionnaire: Questionnaire | None = None) -> Benchmark:
    """Load and check a benchmark file (the bundled one by default); with a questionnaire,
    also the industries and dimensions it names."""
    bench, _ = yamlio.load_checked(path or DEFAULT_BENCHMARK, Benchmark,
                                   Msg("벤치마크 파일", "a benchmark file"),
                                   lambda doc, bench: _check(doc, bench, questionnaire))
    return bench


def load_for(questionnaire: Questionnaire, path: Path | None = None) -> Benchmark | None:
    """The benchmark for this questionnaire; None when the bundled one was computed with
    another questionnaire (scores from a different questionnaire are not comparable)."""
    if path is None and not matches(questionnaire):
        return None
    return load(path, questionnaire)
