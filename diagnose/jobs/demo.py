"""Realistic sample companies for the demo and the tests.

Each company gets a latent maturity and a profile (industry, size), and its answers follow
from them with noise, so a company's answers agree with each other: a plant without PLC
connectivity does not claim AI-driven predictive maintenance. Some answers are 'not
applicable' or 'don't know', as on real site visits. The same seed gives the same companies.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire
from diagnose.inputs.answers import NA, UNKNOWN
from diagnose.inputs.responses import Answer, Assessment, Response, new_response

PLACES = ["울산", "태화", "동해", "방어진", "온산", "북구", "미포", "대송", "효문", "장생포",
          "언양", "반구", "삼산", "매곡", "신정", "달동", "염포", "화봉", "농소", "두왕"]
TRADES = {
    "auto-parts": ["오토텍", "정밀", "모터스부품", "오토파츠", "프레스"],
    "shipbuilding": ["조선기자재", "해양", "마린텍", "선박부품", "플랜트"],
    "petrochemical": ["케미칼", "화학", "석유화학", "소재", "폴리머"],
    "metal": ["메탈", "금속", "주강", "단조", "철강"],
    "machinery": ["기계", "엔지니어링", "산기", "정공", "테크"],
    "electronics": ["전자", "전기", "일렉트릭", "전장"],
    "food": ["푸드", "식품", "F&B"],
    "other": ["산업", "제조"],
}
INDUSTRY_MIX = [("auto-parts", 35), ("shipbuilding", 20), ("petrochemical", 15), ("metal", 14),
                ("machinery", 8), ("electronics", 5), ("food", 3)]
# Typical strengths and weaknesses by industry (added to the latent level of a dimension).
INDUSTRY_BIAS: dict[str, dict[str, float]] = {
    "auto-parts": {"process": 0.3, "data": 0.1},
    "shipbuilding": {"data": -0.4, "infra": -0.2, "process": -0.1},
    "petrochemical": {"infra": 0.5, "governance": 0.5, "data": 0.3, "process": 0.2},
    "metal": {"data": -0.3, "talent": -0.3},
    "electronics": {"infra": 0.3, "data": 0.2},
    "food": {"governance": -0.2},
}
CONSULTANTS = ["김민수", "이서연", "박준호", "최지은"]
PAIN_POINTS = [
    "외관 불량을 작업자 육안으로 검사해 검사 인력과 편차가 크다",
    "설비 고장이 나야 정비해서 비계획 정지가 잦다",
    "숙련 작업자 은퇴로 공정 조건 노하우가 사라지고 있다",
    "원청의 품질 데이터 제출 요구가 늘어 수작업 보고에 시간이 많이 든다",
    "전력 단가 상승으로 에너지 비용이 부담된다",
    "안전사고 위험 구역 관리가 사람 순찰에만 의존한다",
]
NOTES = [
    "설비 {n}대 중 일부만 PLC 연결, 나머지는 수기 일지",
    "품질팀장 면담: 불량 사진은 개인 휴대폰에 흩어져 있음",
    "MES 도입 2년 차, 현장 입력률이 낮다고 함",
    "원청(1차 협력사 요구)으로 데이터 제출 중",
    "대표이사가 AI 도입에 관심이 높고 예산 검토 중",
    "증빙 자료 추후 메일로 받기로 함",
]


def _pick_weighted(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]


def _clamp(value: float, low: float = 1.0, high: float = 5.0) -> float:
    return max(low, min(high, value))


class _Company:
    def __init__(self, rng: random.Random, index: int, q: Questionnaire) -> None:
        self.rng = rng
        self.industry = _pick_weighted(rng, INDUSTRY_MIX)
        self.employees = int(_clamp(rng.lognormvariate(4.0, 0.7), 8, 950))
        size_boost = 0.3 if self.employees >= 200 else 0.0 if self.employees >= 50 else -0.25
        self.maturity = _clamp(rng.gauss(2.3, 0.65) + size_boost, 1.1, 4.6)
        bias = INDUSTRY_BIAS.get(self.industry, {})
        self.dim_level = {d.id: _clamp(self.maturity + bias.get(d.id, 0.0) + rng.gauss(0, 0.35))
                          for d in q.dimensions}
        place = PLACES[index % len(PLACES)]
        trade = rng.choice(TRADES[self.industry])
        style = rng.random()
        self.name = f"(주){place}{trade}" if style < 0.6 else f"{place}{trade}(주)"
        if index >= len(PLACES):
            self.name += f" {index // len(PLACES) + 1}공장"
        self.id = f"ulsan-{index + 1:04d}"


def _profile_value(company: _Company, item: ProfileItem) -> Any:
    rng, m = company.rng, company.maturity
    figures: dict[str, Any] = {
        "id": company.id,
        "name": company.name,
        "industry": company.industry,
        "employees": company.employees,
        "revenue_band": ("under-5b" if company.employees < 20 else "5b-10b" if company.employees < 40
                         else "10b-50b" if company.employees < 120 else "50b-100b"
                         if company.employees < 300 else "over-100b"),
        "main_customers": {"auto-parts": "현대자동차 2차 협력사", "shipbuilding": "HD현대중공업 협력사",
                           "petrochemical": "SK에너지, S-OIL", "metal": "현대제철 외 다수"}
        .get(company.industry, "국내 중견기업 다수"),
        "smart_factory_level": ("none" if m < 1.8 else "basic" if m < 2.6 else "intermediate1"
                                if m < 3.4 else "intermediate2" if m < 4.2 else "advanced"),
        "defect_rate": round(_clamp(6.0 - m + rng.gauss(0, 0.6), 0.2, 8.0), 1),
        "unplanned_downtime_hours": int(_clamp(420 - 80 * m + rng.gauss(0, 40), 10, 800)),
        "oee": round(_clamp(45 + 8 * m + rng.gauss(0, 4), 30, 92), 1),
        "energy_cost": int(company.employees * rng.uniform(6, 14)),
        "annual_production_value": int(company.employees * rng.uniform(250, 480)),
    }
    value = figures.get(item.id)
    if value is None:
        return None
    if item.type in {"choice", "multi"} and item.options:
        valid = {o.value for o in item.options}
        if value not in valid:
            return None
    if item.id not in {"id", "name", "industry", "employees"} and rng.random() < 0.15:
        return None  # business-case figures are often not known on the day
    return value


def _answer(company: _Company, question: Question, dimension: str) -> Any:
    rng = company.rng
    target = _clamp(company.dim_level[dimension] + rng.gauss(0, 0.6))
    roll = rng.random()
    if question.allow_na and roll < 0.05:
        return NA
    if question.allow_na and roll < 0.09:
        return UNKNOWN
    if question.type == "level":
        values = sorted(o.value for o in question.options)
        return min(values, key=lambda v: abs(v - target))
    if question.type == "yesno":
        return "no" if target < 2.2 else "partial" if target < 3.6 else "yes"
    if question.type == "multi":
        share = (target - 1) / 4
        return [o.value for o in question.options if rng.random() < share]
    if question.type == "number":
        return _number_for(question, target, rng)
    if question.type == "text":
        return rng.choice(PAIN_POINTS) if rng.random() < 0.8 else None
    return None


def _number_for(question: Question, target: float, rng: random.Random) -> float:
    """A number that falls in the band whose level is nearest the target."""
    best = min(range(len(question.bands)), key=lambda i: abs(question.bands[i].level - target))
    band = question.bands[best]
    low = question.bands[best - 1].max if best > 0 else (question.min or 0.0)
    high = band.max if band.max is not None else (low or 1.0) * 2 + 10
    if question.max is not None:
        high = min(high, question.max)
    value = rng.uniform(low or 0.0, high)
    return round(max(value, low or 0.0) + (0.01 if best > 0 else 0.0), 2)


def _visible(question: Question, values: dict[str, Any]) -> bool:
    cond = question.show_if
    if cond is None:
        return True
    value = values.get(cond.question)
    if value is None or value in (NA, UNKNOWN):
        return False
    ticked = set(value) if isinstance(value, list) else {value}
    hit = bool(ticked & set(cond.values()))
    return hit if cond.in_ is not None else not hit


def sample_responses(q: Questionnaire, count: int, seed: int = 2026) -> Iterator[Response]:
    """``count`` complete sample assessments, the same for the same seed."""
    rng = random.Random(seed)
    start = dt.date(2026, 3, 9)
    for index in range(count):
        company = _Company(rng, index, q)
        profile = {p.id: v for p in q.profile if (v := _profile_value(company, p)) is not None}
        date = start + dt.timedelta(days=index * 3 + rng.randint(0, 2))
        response = new_response(q, profile, Assessment(
            date=date, round="baseline", consultant=CONSULTANTS[index % len(CONSULTANTS)]))
        values: dict[str, Any] = dict(profile)
        clock = dt.datetime.combine(date, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=9)))
        for dim in q.dimensions:
            for question in dim.questions:
                if not _visible(question, values):
                    continue
                value = _answer(company, question, dim.id)
                if value is None or (question.type != "text" and rng.random() < 0.02):
                    continue  # left open on the day
                values[question.id] = value
                clock += dt.timedelta(seconds=rng.randint(40, 150))
                note = None
                if rng.random() < 0.12:
                    note = rng.choice(NOTES).format(n=rng.randint(6, 30))
                response.answers[question.id] = Answer(value=value, note=note,
                                                       answered_at=clock)
        response.status = "complete"
        yield response
