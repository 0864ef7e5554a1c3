"""Realistic sample companies for the demo and the tests.

Each company is one of the plants a consultant meets in Ulsan (an *archetype*: an auto-parts
press and welding shop supplying Hyundai and Mobis, a plastics injection moulder, a shipyard's
block and pipe-spool welding shop, a specialty-chemicals or refining plant under PSM, a heat
treatment or casting plant, a fabrication shop, a machinery maker, an electronics assembler, a
food plant). Its district, processes, customers, systems, figures and goal come from that
story, and its answers follow from a latent maturity *and* from those facts: a plant without MES
or SCADA has no live dashboard, a plant without AI in operation answers no level-5 anchor, a
continuous plant is not asked about vision data, and the goal the CEO picks is one of the pain
points heard on site. Notes are written for the question they belong to. The first four
companies are fixed stories at levels 1 to 4 (REVIEW section 1's profiles B, A, C and a tier-1
with AI in operation); the same seed gives the same companies.

Where the figures come from (orders of magnitude for sample data, not statistics):

* production value per employee: KOSIS 광업·제조업조사 (shipments per worker by KSIC division),
  rounded down for SMEs: labour-intensive shipyard subcontractors lowest, chemicals and refining
  highest;
* energy cost as a share of production value: low single-digit % for assembly and machining,
  higher for injection moulding, and 8-15% for furnaces (heat treatment, casting), 5-12% for
  chemicals, in line with the energy input coefficients of the Bank of Korea input-output
  tables; these are assumptions;
* defect rates, downtime and OEE: the ranges consultants meet in smart-factory baselines (a few
  % defects, OEE 45-85% rising with maturity), wider for casting and weld repair; assumptions;
* operating hours: from shift patterns (two shifts 4,000-4,800 h; continuous plants about
  8,000 h after turnarounds);
* ageing and foreign-worker shares: high in shipyard subcontractors, casting and moulding, low
  in chemicals (as reported for Ulsan's shipbuilding cluster since 2023); assumptions;
* investment capacity: KBIZ 2025, 68.9% of SMEs with smart factories would invest KRW 100
  million or less in AI: most demo companies fall in the two lowest brackets.

Money is in 백만원 (KRW million), the unit of the questionnaire's money items.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire
from diagnose.core.i18n import pick
from diagnose.inputs.answers import NA, UNKNOWN, display
from diagnose.inputs.responses import Answer, Assessment, Response, new_response

CONSULTANTS = ["김민수", "이서연", "박준호", "최지은"]

# Place names by district (구·군), with their romanised form for name_en.
PLACES: dict[str, list[tuple[str, str]]] = {
    "jung": [("태화", "Taehwa"), ("성안", "Seongan"), ("반구", "Bangu"), ("학성", "Hakseong"),
             ("다운", "Daun")],
    "nam": [("여천", "Yeocheon"), ("매암", "Maeam"), ("용연", "Yongyeon"), ("장생포", "Jangsaengpo"),
            ("황성", "Hwangseong"), ("삼산", "Samsan")],
    "dong": [("방어진", "Bangeojin"), ("미포", "Mipo"), ("전하", "Jeonha"), ("일산", "Ilsan"),
             ("화정", "Hwajeong")],
    "buk": [("효문", "Hyomun"), ("매곡", "Maegok"), ("중산", "Jungsan"), ("농소", "Nongso"),
            ("염포", "Yeompo"), ("연암", "Yeonam")],
    "ulju": [("온산", "Onsan"), ("온양", "Onyang"), ("웅촌", "Ungchon"), ("언양", "Eonyang"),
             ("삼남", "Samnam"), ("두서", "Duseo"), ("길천", "Gilcheon"), ("청량", "Cheongnyang")],
    "outside": [("경주", "Gyeongju"), ("양산", "Yangsan"), ("외동", "Oedong"), ("기장", "Gijang")],
}
SHIFT_HOURS = {"one": (2_200, 2_900), "two": (4_000, 4_800), "three": (5_500, 7_000),
               "continuous": (8_000, 8_400)}


@dataclass(frozen=True)
class Archetype:
    """One kind of Ulsan plant: what it makes, for whom, how, and its typical figures."""

    key: str
    industry: str
    share: int                                   # weight in a generated cohort
    trades: tuple[tuple[str, str], ...]          # name endings (ko, en)
    districts: dict[str, float]
    processes: tuple[str, ...]                   # always there
    maybe_processes: dict[str, float]            # process -> probability
    production_type: str
    customers: dict[str, float]                  # OEM -> probability (one is always kept)
    demands: dict[str, float]
    pains: dict[str, float]                      # pain area -> weight
    visual: float                                # probability of visual inspection
    psm: float
    hazardous: float
    bias: dict[str, float]                       # added to the latent level per dimension
    employees: tuple[float, float]               # lognormal mu, sigma
    value_per_employee: tuple[int, int]          # 백만원 of production value per employee
    energy_share: tuple[float, float]            # energy cost / production value
    defect: tuple[float, float]                  # % at maturity 5 and at maturity 1
    shifts: str
    inspector_share: tuple[float, float]         # visual-inspection FTE / employees
    ageing: tuple[int, int]                      # % of production staff aged 55+
    foreign: tuple[int, int]                     # % foreign workers
    automation: tuple[str, str]                  # below / above maturity 2.8
    defect_name: str = "외관 불량"


ARCHETYPES: dict[str, Archetype] = {a.key: a for a in [
    Archetype(
        "auto_press", "auto-parts", 24,
        (("오토텍", "Autotech"), ("정밀", "Precision"), ("프레스", "Press"), ("오토파츠", "Auto Parts")),
        {"buk": 5, "ulju": 4, "nam": 1, "jung": 0.3, "outside": 1},
        ("press", "welding"), {"assembly": 0.6, "painting_coating": 0.2, "inspection_testing": 0.3},
        "mass", {"hyundai_kia": 0.7, "hyundai_mobis": 0.5},
        {"quality_data_submission": 0.8, "traceability": 0.7, "supplier_quality_cert": 0.6,
         "carbon_data": 0.3, "security_audit": 0.4},
        {"quality_inspection": 3, "predictive_maintenance": 2, "traceability_customer": 2,
         "productivity_automation": 2, "safety": 1, "scheduling": 1, "energy": 0.5},
        visual=1.0, psm=0.0, hazardous=0.15, bias={"process": 0.2, "data": 0.1},
        employees=(4.1, 0.55), value_per_employee=(250, 450), energy_share=(0.02, 0.04),
        defect=(0.3, 3.0), shifts="two", inspector_share=(0.05, 0.09), ageing=(20, 40),
        foreign=(5, 15), automation=("semi", "automated"), defect_name="찍힘·용접 너트 누락"),
    Archetype(
        "injection", "plastics", 9,
        (("산업", "Industry"), ("폴리텍", "Polytech"), ("화성", "Hwaseong Plastics")),
        {"buk": 4, "ulju": 4, "nam": 1, "outside": 1},
        ("injection",), {"assembly": 0.7, "painting_coating": 0.3},
        "mass", {"hyundai_mobis": 0.6, "hyundai_kia": 0.6},
        {"quality_data_submission": 0.7, "traceability": 0.6, "supplier_quality_cert": 0.5,
         "carbon_data": 0.3},
        {"quality_inspection": 3, "process_optimisation": 2.5, "energy": 1.5,
         "productivity_automation": 1.5, "predictive_maintenance": 1},
        visual=1.0, psm=0.0, hazardous=0.1, bias={"process": 0.1},
        employees=(4.0, 0.5), value_per_employee=(200, 350), energy_share=(0.03, 0.06),
        defect=(0.5, 4.0), shifts="three", inspector_share=(0.07, 0.12), ageing=(20, 35),
        foreign=(10, 30), automation=("semi", "automated"), defect_name="미성형·플래시"),
    Archetype(
        "ship_block", "shipbuilding", 17,
        (("조선", "Shipbuilding"), ("해양", "Marine"), ("마린텍", "Marinetech"), ("중공업", "Heavy")),
        {"dong": 6, "ulju": 2, "nam": 1, "buk": 1},
        ("welding",), {"painting_coating": 0.4, "cnc_machining": 0.3, "inspection_testing": 0.3},
        "project", {"hd_hyundai_shipbuilding": 0.85, "hanwha_ocean": 0.15, "samsung_heavy": 0.15},
        {"traceability": 0.5, "quality_data_submission": 0.4, "security_audit": 0.3},
        {"safety": 3, "productivity_automation": 3, "quality_inspection": 2, "scheduling": 1.5,
         "quotation_design": 1, "knowledge_documents": 1},
        visual=1.0, psm=0.0, hazardous=0.35, bias={"data": -0.4, "infra": -0.3, "process": -0.1},
        employees=(3.6, 0.5), value_per_employee=(100, 250), energy_share=(0.02, 0.04),
        defect=(1.0, 6.0), shifts="one", inspector_share=(0.03, 0.06), ageing=(35, 60),
        foreign=(20, 45), automation=("manual", "semi"), defect_name="용접 기공"),
    Archetype(
        "chemical", "petrochemical", 11,
        (("케미칼", "Chemical"), ("화학", "Chemicals"), ("소재", "Materials"), ("폴리머", "Polymer")),
        {"nam": 6, "ulju": 4},
        ("reaction_distillation",), {"batch_mixing": 0.7, "inspection_testing": 0.6},
        "continuous", {"sk_energy": 0.4, "s_oil": 0.3, "other_oem": 0.6},
        {"carbon_data": 0.5, "quality_data_submission": 0.5, "security_audit": 0.3,
         "supplier_quality_cert": 0.2},
        {"process_optimisation": 3, "predictive_maintenance": 2.5, "energy": 2.5, "safety": 2.5,
         "knowledge_documents": 1.5, "carbon": 1},
        visual=0.0, psm=0.8, hazardous=0.95,
        bias={"infra": 0.5, "governance": 0.5, "data": 0.3, "process": 0.2},
        employees=(4.5, 0.55), value_per_employee=(600, 1_500), energy_share=(0.05, 0.12),
        defect=(0.2, 2.0), shifts="continuous", inspector_share=(0.0, 0.0), ageing=(15, 30),
        foreign=(0, 5), automation=("automated", "highly_automated"), defect_name="규격 외 배치"),
    Archetype(
        "refining", "refining", 2,
        (("에너지", "Energy"), ("오일", "Oil"), ("윤활유", "Lubricants")),
        {"nam": 4, "ulju": 5},
        ("reaction_distillation", "batch_mixing"), {"inspection_testing": 0.5},
        "continuous", {"s_oil": 0.5, "sk_energy": 0.5},
        {"carbon_data": 0.6, "quality_data_submission": 0.4},
        {"energy": 3, "safety": 2.5, "process_optimisation": 2.5, "predictive_maintenance": 2,
         "carbon": 1},
        visual=0.0, psm=0.95, hazardous=1.0, bias={"infra": 0.5, "governance": 0.5, "data": 0.2},
        employees=(4.3, 0.5), value_per_employee=(1_000, 3_000), energy_share=(0.04, 0.10),
        defect=(0.1, 1.0), shifts="continuous", inspector_share=(0.0, 0.0), ageing=(15, 30),
        foreign=(0, 3), automation=("automated", "highly_automated"), defect_name="규격 외 배치"),
    Archetype(
        "metal_heat", "metal", 10,
        (("메탈", "Metal"), ("주강", "Steel Casting"), ("단조", "Forging"), ("열처리", "Heat Treating")),
        {"ulju": 5, "buk": 3, "nam": 2},
        ("heat_treatment",), {"casting_forging": 0.6, "cnc_machining": 0.5, "plating_surface": 0.2,
                              "inspection_testing": 0.3},
        "mass", {"hyundai_kia": 0.4, "hd_hyundai_shipbuilding": 0.3, "korea_zinc": 0.15,
                 "other_oem": 0.5},
        {"carbon_data": 0.5, "quality_data_submission": 0.5, "traceability": 0.5},
        {"energy": 3, "process_optimisation": 2.5, "quality_inspection": 2, "carbon": 2,
         "predictive_maintenance": 1.5, "safety": 1.5},
        visual=0.8, psm=0.0, hazardous=0.3, bias={"data": -0.3, "talent": -0.3},
        employees=(3.9, 0.55), value_per_employee=(250, 600), energy_share=(0.08, 0.15),
        defect=(1.0, 8.0), shifts="three", inspector_share=(0.04, 0.08), ageing=(30, 50),
        foreign=(15, 35), automation=("semi", "automated"), defect_name="주물 기공"),
    Archetype(
        "metal_fab", "metal", 8,
        (("기공", "Engineering Works"), ("플랜트", "Plant"), ("철강", "Steel"), ("테크", "Tech")),
        {"ulju": 4, "nam": 3, "buk": 2, "dong": 1},
        ("welding", "cnc_machining"), {"press": 0.3, "painting_coating": 0.4,
                                       "inspection_testing": 0.3},
        "project", {"korea_zinc": 0.3, "sk_energy": 0.3, "hd_hyundai_shipbuilding": 0.4,
                    "other_oem": 0.5},
        {"traceability": 0.4, "quality_data_submission": 0.3, "security_audit": 0.2},
        {"quotation_design": 2.5, "scheduling": 2.5, "productivity_automation": 2, "safety": 2,
         "quality_inspection": 1.5, "knowledge_documents": 1},
        visual=0.9, psm=0.0, hazardous=0.2, bias={"data": -0.2},
        employees=(3.6, 0.5), value_per_employee=(180, 320), energy_share=(0.02, 0.04),
        defect=(0.5, 4.0), shifts="one", inspector_share=(0.03, 0.06), ageing=(30, 50),
        foreign=(10, 30), automation=("manual", "semi"), defect_name="용접 언더컷"),
    Archetype(
        "machinery", "machinery", 10,
        (("기계", "Machinery"), ("엔지니어링", "Engineering"), ("산기", "Industrial Machines"),
         ("정공", "Precision Works")),
        {"buk": 3, "ulju": 3, "dong": 2, "nam": 1, "jung": 0.5},
        ("cnc_machining", "assembly"), {"welding": 0.5, "inspection_testing": 0.6,
                                        "painting_coating": 0.3},
        "hmlv", {"hd_hyundai_shipbuilding": 0.5, "hyundai_kia": 0.2, "other_oem": 0.6},
        {"traceability": 0.4, "quality_data_submission": 0.4, "security_audit": 0.3},
        {"quotation_design": 2.5, "scheduling": 2.5, "predictive_maintenance": 2,
         "knowledge_documents": 2, "quality_inspection": 1.5, "productivity_automation": 1.5},
        visual=0.5, psm=0.0, hazardous=0.05, bias={"infra": 0.1},
        employees=(3.7, 0.6), value_per_employee=(220, 420), energy_share=(0.015, 0.03),
        defect=(0.5, 3.0), shifts="one", inspector_share=(0.03, 0.06), ageing=(25, 45),
        foreign=(5, 15), automation=("semi", "automated"), defect_name="가공면 스크래치"),
    Archetype(
        "electronics", "electronics", 5,
        (("전자", "Electronics"), ("전기", "Electric"), ("전장", "Electrics")),
        {"buk": 3, "ulju": 3, "jung": 1, "nam": 1},
        ("assembly", "inspection_testing"), {"plating_surface": 0.2, "injection": 0.2},
        "mass", {"hyundai_mobis": 0.5, "hyundai_kia": 0.3, "other_oem": 0.5},
        {"quality_data_submission": 0.7, "traceability": 0.7, "supplier_quality_cert": 0.5},
        {"quality_inspection": 3, "traceability_customer": 2, "productivity_automation": 2},
        visual=1.0, psm=0.0, hazardous=0.05, bias={"infra": 0.3, "data": 0.2},
        employees=(3.8, 0.5), value_per_employee=(250, 500), energy_share=(0.01, 0.03),
        defect=(0.2, 2.0), shifts="two", inspector_share=(0.08, 0.15), ageing=(15, 30),
        foreign=(5, 20), automation=("semi", "automated"), defect_name="납땜 불량"),
    Archetype(
        "food", "food", 4,
        (("푸드", "Foods"), ("식품", "Food"), ("F&B", "F&B")),
        {"jung": 3, "buk": 2, "ulju": 3, "nam": 1},
        ("batch_mixing",), {"inspection_testing": 0.7},
        "continuous", {"none": 0.6, "other_oem": 0.4},
        {"traceability": 0.5, "quality_data_submission": 0.3},
        {"quality_inspection": 2.5, "energy": 2, "productivity_automation": 2,
         "traceability_customer": 1, "safety": 1},
        visual=1.0, psm=0.0, hazardous=0.05, bias={"governance": -0.2},
        employees=(3.4, 0.5), value_per_employee=(200, 400), energy_share=(0.03, 0.06),
        defect=(0.3, 2.5), shifts="two", inspector_share=(0.05, 0.10), ageing=(25, 45),
        foreign=(10, 30), automation=("semi", "automated"), defect_name="이물 혼입"),
]}

# Which pain areas make sense for a plant: (profile facts) -> bool. A goal that fails its check
# is never picked (no vision goal without visual inspection, no carbon goal without a reason).
PAIN_NEEDS: dict[str, Callable[[Any], bool]] = {
    "quality_inspection": lambda c: c.visual or "inspection_testing" in c.processes,
    "energy": lambda c: c.energy_share >= 0.03,
    "carbon": lambda c: "carbon_data" in c.demands or c.energy_share >= 0.05,
    "traceability_customer": lambda c: bool({"quality_data_submission", "traceability"}
                                            & set(c.demands)),
    "predictive_maintenance": lambda c: c.archetype.key != "ship_block" or c.maturity > 2.5,
}
GOAL_WORDS: dict[str, str] = {
    "quality_inspection": "{defect} 유출 제로, 육안 검사 인원 절반으로",
    "predictive_maintenance": "주요 설비 돌발 고장 50% 감소",
    "process_optimisation": "공정 조건 편차를 줄여 수율 2%p 향상",
    "energy": "에너지 비용 10% 절감",
    "safety": "중대재해 제로, 위험 작업 실시간 감시",
    "scheduling": "납기 준수율 98%, 계획 변경에 반나절 안에 대응",
    "productivity_automation": "인력 충원 없이 생산량 20% 증가",
    "knowledge_documents": "숙련자 노하우와 작업 표준을 누구나 바로 찾아보게",
    "quotation_design": "견적 작성 시간을 이틀에서 반나절로",
    "carbon": "원청 탄소 데이터 요청에 제품별 수치로 회신",
    "traceability_customer": "원청 품질 데이터 제출을 자동으로, 클레임 이력 추적 하루 안에",
}
PAIN_WORDS: dict[str, str] = {
    "quality_inspection": "{defect}{obj} 검사원 {inspectors}명이 육안으로 보는데 사람마다 판정이 다르다",
    "predictive_maintenance": "설비가 고장 나야 정비해서 연간 비계획 정지가 {downtime}시간이다",
    "process_optimisation": "숙련 운전원마다 조건이 달라 배치별 품질 편차가 크다",
    "energy": "전력·가스 단가 상승으로 에너지 비용이 연 {energy}억 원을 넘었다",
    "safety": "위험 작업 구역 관리가 사람 순찰에만 의존한다",
    "scheduling": "납입지시가 자주 바뀌어 생산계획을 매일 손으로 다시 짠다",
    "productivity_automation": "숙련공 퇴직과 인력 부족으로 물량을 다 받지 못한다",
    "knowledge_documents": "노하우가 숙련자 몇 명에게만 있고 매뉴얼을 찾는 데 시간이 걸린다",
    "quotation_design": "도면을 보고 물량을 손으로 뽑아 견적 한 건에 이틀이 걸린다",
    "carbon": "원청이 제품별 탄소 데이터를 요구하는데 전기 고지서밖에 없다",
    "traceability_customer": "원청 품질 데이터 제출을 엑셀로 다시 만드느라 품질팀 시간이 많이 든다",
}


def _object(word: str) -> str:
    """The object particle a Korean word takes: 을 after a final consonant, else 를."""
    last = word[-1]
    if "가" <= last <= "힣":
        return "을" if (ord(last) - 0xAC00) % 28 else "를"
    return "을(를)"


def _clamp(value: float, low: float = 1.0, high: float = 5.0) -> float:
    return max(low, min(high, value))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = [k for k, w in weights.items() if w > 0]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _between(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(*bounds)


@dataclass(frozen=True)
class Story:
    """A fixed company: the first demo companies are these, whatever the seed."""

    archetype: str
    district: str
    maturity: float
    employees: int
    ai_level: int
    goal: str
    customers: tuple[str, ...]
    demands: tuple[str, ...]
    pins: dict[str, Any] = field(default_factory=dict)  # answers the profile states outright


# REVIEW section 1's profiles B (level 1: a pipe-spool welding shop with paper work reports and
# no IT staff), A (level 2: a Mobis tier-1 / Hyundai tier-2 press and welding shop with MES/POP
# from a 2019 smart-factory project) and C (level 3: specialty chemicals with DCS, historian,
# LIMS and PSM), then a tier-1 with a vision AI in daily use (level 4), and a small machine shop
# in Jung-gu so that five companies already cover Ulsan's five districts.
STORIES = [
    Story("ship_block", "dong", 1.25, 35, 1, "safety", ("hd_hyundai_shipbuilding",),
          ("traceability",),
          {"data.collection": 1, "process.quality_inspection": 2, "process.safety_system": 2,
           "talent.digital_roles": 1, "infra.network": 1}),
    Story("auto_press", "buk", 2.2, 80, 2, "quality_inspection", ("hyundai_mobis", "hyundai_kia"),
          ("quality_data_submission", "traceability", "supplier_quality_cert"),
          {"data.collection": 3, "process.quality_inspection": 2, "process.traceability": 3,
           "data.labelled_images": 1, "talent.digital_roles": 2, "infra.plc_connectivity": 2}),
    Story("chemical", "nam", 3.15, 150, 2, "process_optimisation", ("sk_energy", "other_oem"),
          ("carbon_data", "quality_data_submission"),
          {"data.collection": 4, "infra.plc_connectivity": 4, "data.sensor_history": 4,
           "process.process_control": 3, "process.maintenance": 3, "process.safety_system": 4,
           "process.moc": 3}),
    Story("auto_press", "ulju", 3.95, 250, 4, "quality_inspection", ("hyundai_kia", "hyundai_mobis"),
          ("quality_data_submission", "traceability", "supplier_quality_cert", "carbon_data",
           "security_audit"),
          {"data.collection": 4, "process.quality_inspection": 5, "data.labelled_images": 4,
           "process.quality_data": 4, "process.traceability": 4}),
    Story("machinery", "jung", 2.5, 28, 1, "quotation_design", ("hd_hyundai_shipbuilding",
                                                               "other_oem"), ("traceability",)),
]


@dataclass
class _Company:
    """One sample company: its story, its facts, and the latent levels its answers follow."""

    rng: random.Random
    index: int
    archetype: Archetype
    district: str
    maturity: float
    employees: int
    ai_level: int
    fixed: bool
    story: Story | None = None
    dim_level: dict[str, float] = field(default_factory=dict)
    processes: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    visual: bool = False
    energy_share: float = 0.0
    machines: int = 0
    connected: int = 0
    images: int = 0
    inspectors: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)
    pains: tuple[str, ...] = ()
    goal: str = ""
    name: str = ""
    name_en: str = ""

    @property
    def live(self) -> bool:
        """MES/POP or SCADA/DCS in daily use: the only source of live dashboards."""
        return bool({"mes", "scada"} & set(self.systems))

    @property
    def continuous(self) -> bool:
        return self.archetype.production_type == "continuous"


def _new_company(rng: random.Random, index: int, q: Questionnaire, used: set[str]) -> _Company:
    story = STORIES[index] if index < len(STORIES) else None
    if story is not None:
        arche = ARCHETYPES[story.archetype]
        district, maturity, employees = story.district, story.maturity, story.employees
    else:
        arche = ARCHETYPES[_weighted(rng, {k: a.share for k, a in ARCHETYPES.items()})]
        district = _weighted(rng, arche.districts)
        employees = int(_clamp(rng.lognormvariate(*arche.employees), 8, 950))
        boost = 0.3 if employees >= 200 else 0.0 if employees >= 50 else -0.25
        maturity = _clamp(rng.gauss(2.4, 0.65) + boost, 1.1, 4.6)
    c = _Company(rng, index, arche, district, maturity, employees,
                 story.ai_level if story else _ai_level(rng, maturity), story is not None)
    c.story = story
    spread = 0.12 if c.fixed else 0.35
    c.dim_level = {d.id: _clamp(maturity + arche.bias.get(d.id, 0.0) + rng.gauss(0, spread))
                   for d in q.dimensions}
    _facts(c)
    _name(c, used)
    return c


def _ai_level(rng: random.Random, m: float) -> int:
    """AI in operation follows maturity, but most applicants have none (REVIEW, profile D)."""
    table = [(2.0, {1: 0.75, 2: 0.25}), (2.8, {1: 0.35, 2: 0.5, 3: 0.15}),
             (3.5, {2: 0.35, 3: 0.45, 4: 0.2}), (4.2, {3: 0.3, 4: 0.6, 5: 0.1})]
    for upper, odds in table:
        if m < upper:
            return int(_weighted(rng, {str(k): v for k, v in odds.items()}))
    return int(_weighted(rng, {"4": 0.5, "5": 0.5}))


def _facts(c: _Company) -> None:
    """Processes, customers, systems, support and figures, consistent with one another."""
    rng, a = c.rng, c.archetype
    c.processes = a.processes + tuple(p for p, odds in a.maybe_processes.items()
                                      if rng.random() < odds)
    if c.fixed and c.index == 3:
        c.processes = ("press", "welding", "assembly")  # the tier-1 of the level-4 story
    customers = tuple(k for k, odds in a.customers.items() if rng.random() < odds)
    c.customers = customers or (max(a.customers, key=a.customers.__getitem__),)
    if c.customers == ("none",):
        c.demands = ("none",)
    else:
        c.customers = tuple(k for k in c.customers if k != "none") or ("other_oem",)
        c.demands = tuple(k for k, odds in a.demands.items() if rng.random() < odds) or ("none",)
    if c.story is not None:
        c.customers, c.demands = c.story.customers, c.story.demands
    c.visual = rng.random() < a.visual
    c.energy_share = _between(rng, a.energy_share)
    c.systems = _systems(c)
    if c.fixed and c.index == 0:
        c.systems = ()  # profile B: paper 작업일보, no IT staff
    c.ai_level = min(c.ai_level, 2) if not c.live else c.ai_level
    # main machines: the ones whose stops matter (presses, welders, moulding machines, pumps)
    c.machines = max(4, int(c.employees / (3 if c.continuous else 6)) + rng.randint(0, 5))
    if c.live:
        share = _clamp((c.dim_level["infra"] - 1) / 4 + rng.gauss(0, 0.08), 0.12, 1.0)
        if c.continuous:
            share = max(share, 0.65)
        share = {1: 0.45, 2: 0.8, 3: 0.85}.get(c.index, share) if c.fixed else share
        c.connected = max(1, round(c.machines * share))
    c.images = _images(c)
    c.support = _support(c)
    c.figures = _figures(c)
    c.pains, c.goal = _pains(c)


def _systems(c: _Company) -> tuple[str, ...]:
    rng, m = c.rng, c.maturity
    odds = {
        "erp": 0.25 if m < 1.6 else 0.7 if m < 2.3 else 0.95,
        "mes": (0.03 if m < 1.8 else 0.55 if m < 2.5 else 0.85 if m < 3.2 else 1.0)
        * (0.6 if c.archetype.production_type == "project" else 0.1 if c.continuous else 1.0),
        "scada": (0.95 if m >= 1.5 else 0.5) if c.continuous
        else 0.0 if m < 2.3 else 0.2 if m < 3.0 else 0.5,
        "qms": (0.5 if c.continuous else 0.35) if m >= 2.6 else 0.0,
        "plm": (0.45 if c.archetype.key in {"machinery", "metal_fab"} else 0.25) if m >= 2.6 else 0.0,
        "wms": 0.3 if m >= 3.2 else 0.0,
        "cmms": (0.6 if c.continuous else 0.3) if m >= 2.8 else 0.0,
        "fems": (0.45 if c.energy_share >= 0.05 else 0.15) if m >= 3.0 else 0.0,
    }
    chosen = {k for k, p in odds.items() if rng.random() < p}
    if c.fixed:
        chosen |= {1: {"erp", "mes"}, 2: {"erp", "scada", "qms", "cmms"},
                   3: {"erp", "mes", "qms", "wms"}}.get(c.index, set())
    order = ["erp", "mes", "scada", "plm", "qms", "wms", "cmms", "fems"]
    return tuple(k for k in order if k in chosen)


def _images(c: _Company) -> int:
    """Defect images of the main defect type: whole files, phone photos at low levels."""
    if not c.visual:
        return 0
    if c.fixed and c.index == 1:
        return 150  # profile A: 150 phone photos of defects
    level = c.dim_level["data"]
    if level < 1.8:
        return c.rng.randint(0, 40)
    if level < 2.8:
        return c.rng.randint(30, 400)
    return c.rng.randint(300, 3_000) * (2 if c.ai_level >= 4 else 1)


def _support(c: _Company) -> tuple[str, ...]:
    """Support received: smart factory for most firms that have MES, vouchers for few."""
    rng, m = c.rng, c.maturity
    odds = {
        "smart_factory": 0.9 if "mes" in c.systems and m < 3.4 else 0.5 if m >= 2.0 else 0.05,
        "kamp": 0.12 if m >= 2.8 else 0.0,
        "ai_voucher": 0.6 if c.ai_level >= 3 else 0.05 if m >= 2.5 else 0.0,
        "data_voucher": 0.1 if m >= 2.3 else 0.0,
        "rnd": 0.25 if m >= 3.0 else 0.05,
        "consulting": 0.35,
        "training": 0.3,
        "kosha_safety": 0.4 if c.archetype.key in {"ship_block", "metal_heat", "chemical"} else 0.2,
        "kea_fems": 0.3 if "fems" in c.systems else 0.05,
        "kisa_security": 0.08,
    }
    chosen = [k for k, p in odds.items() if rng.random() < p]
    if c.fixed:
        chosen = {0: ["kosha_safety"], 1: ["smart_factory", "consulting"],
                  2: ["smart_factory", "kosha_safety", "kea_fems"],
                  3: ["smart_factory", "ai_voucher", "training"], 4: []}[c.index]
    return tuple(chosen) or ("none",)


def _money(value: float) -> int:
    return max(1, round(value))


def _figures(c: _Company) -> dict[str, Any]:
    """The profile's business figures, plausible for the plant's size and industry."""
    rng, a, m = c.rng, c.archetype, c.maturity
    progress = (m - 1) / 4                     # 0 at maturity 1, 1 at maturity 5
    value = c.employees * _between(rng, a.value_per_employee)
    low, high = a.defect
    defect = _clamp(high - (high - low) * progress + rng.gauss(0, 0.25 * (high - low) / 4),
                    low * 0.6, high * 1.2)
    per_machine = _clamp(32 - 6 * (m - 1) + rng.gauss(0, 4), 3, 50)  # hours a year
    if c.inspectors == 0 and c.visual:
        share = _between(rng, a.inspector_share) * (1.15 - 0.1 * (m - 1))
        c.inspectors = max(1.0, round(c.employees * share * 2) / 2)
    if c.fixed and c.index == 1:
        c.inspectors = 6.0  # profile A: 6 visual inspectors
    building = {"smart_factory", "ai_voucher", "data_voucher", "kamp"} & set(c.support)
    figures: dict[str, Any] = {
        "defect_rate": round(defect, 1),
        "unplanned_downtime_hours": int(_clamp(c.machines * per_machine * (0.4 if c.continuous
                                                                          else 1.0), 10, 1_500)),
        "oee": (round(_clamp(78 + 3 * m + rng.gauss(0, 2), 70, 95), 1) if c.continuous
                else round(_clamp(45 + 8 * m + rng.gauss(0, 4), 35, 88), 1)),
        "claim_cost": _money(value * _clamp(0.009 - 0.002 * (m - 1) + rng.gauss(0, 0.001),
                                            0.0005, 0.012)),
        "energy_cost": _money(value * c.energy_share),
        "annual_production_value": _money(value),
        "operating_hours": int(round(_between(rng, SHIFT_HOURS[a.shifts]), -1)),
        "visual_inspectors": c.inspectors,
        "ageing_share": int(_between(rng, a.ageing) + (8 if m < 1.8 else 0)),
        "foreign_worker_share": int(_between(rng, a.foreign)),
        "support_last_year": rng.randint(2019, 2025) if c.support != ("none",) else None,
        "support_in_use": ("not_applicable" if not building else "yes" if m >= 2.6
                           else "partly" if m >= 2.0 else "no"),
    }
    if a.production_type == "project" and rng.random() < 0.7:
        figures["oee"] = None  # project shops rarely measure OEE
    return figures


def _pains(c: _Company) -> tuple[tuple[str, ...], str]:
    """Pain points heard on site, and the CEO's goal among them."""
    weights = {k: w for k, w in c.archetype.pains.items()
               if PAIN_NEEDS.get(k, lambda _: True)(c)}
    picked: list[str] = [c.story.goal] if c.story is not None else []
    for _ in range(min(len(weights), c.rng.randint(2, 4)) - len(picked)):
        rest = {k: w for k, w in weights.items() if k not in picked}
        if rest:
            picked.append(_weighted(c.rng, rest))
    if c.fixed and c.index == 0 and "productivity_automation" not in picked:
        picked.append("productivity_automation")  # profile B: the welder shortage
    return tuple(sorted(picked, key=list(GOAL_WORDS).index)), picked[0]


def _name(c: _Company, used: set[str]) -> None:
    places = PLACES[c.district]
    for attempt in range(len(places) * len(c.archetype.trades)):
        place, place_en = places[(c.index + attempt) % len(places)]
        trade, trade_en = c.rng.choice(c.archetype.trades)
        name = f"(주){place}{trade}" if c.rng.random() < 0.6 else f"{place}{trade}(주)"
        if name not in used:
            break
    else:
        name = f"{name} {c.index + 1}공장"
    used.add(name)
    c.name = name
    c.name_en = f"{place_en} {trade_en} Co., Ltd." if c.rng.random() < 0.75 else ""


# --- the profile ------------------------------------------------------------------------

def _revenue_band(value: float) -> str:
    for limit, band in ((5_000, "under-5b"), (10_000, "5b-10b"), (50_000, "10b-50b"),
                        (100_000, "50b-100b")):
        if value < limit:
            return band
    return "over-100b"


def _investment(c: _Company) -> str:
    bands = ["under_30m", "30m_100m", "100m_300m", "300m_1b", "over_1b"]
    step = 0 if c.employees < 30 else 1 if c.employees < 80 else 2 if c.employees < 400 else 3
    step += 1 if c.maturity >= 3.0 else 0
    step += c.rng.choice([-1, 0, 0, 0, 1])
    return bands[max(0, min(step, 4))]


def _smart_factory_level(c: _Company) -> str:
    m = c.maturity
    if not c.live:
        return "none" if m < 1.9 or not c.systems else "basic"
    return ("basic" if m < 2.4 else "intermediate1" if m < 3.2
            else "intermediate2" if m < 4.0 or c.ai_level < 4 else "advanced")


def _profile(c: _Company) -> dict[str, Any]:
    """Every profile fact of the company by item id (``None``: left blank on the day)."""
    rng, a = c.rng, c.archetype
    figures = dict(c.figures)
    if not c.fixed:
        for key in ("defect_rate", "unplanned_downtime_hours", "oee", "claim_cost",
                    "energy_cost", "annual_production_value"):
            if rng.random() < 0.1:
                figures[key] = None  # business figures are often not known on the day
    customers = {"hyundai_kia": "현대자동차", "hyundai_mobis": "현대모비스",
                 "hd_hyundai_shipbuilding": "HD현대중공업", "hanwha_ocean": "한화오션",
                 "samsung_heavy": "삼성중공업", "sk_energy": "SK에너지", "s_oil": "S-OIL",
                 "korea_zinc": "고려아연", "other_oem": "국내 중견기업"}
    tier = "1차" if c.employees >= 200 else "2차"
    named = ", ".join(customers[k] for k in c.customers if k in customers)
    main_customers = (f"{named} {tier} 협력사" if a.industry in {"auto-parts", "plastics",
                                                               "electronics"}
                      else f"{named} 블록·배관 협력사" if a.industry == "shipbuilding"
                      else named or "자체 제품 (대리점·온라인 판매)")
    hazardous = rng.random() < (0.5 if "painting_coating" in c.processes else a.hazardous)
    psm = rng.random() < a.psm
    if c.fixed and c.index == 2:
        psm = hazardous = True  # profile C: PSM plant with gas detection
    return {
        "id": f"ulsan-{c.index + 1:04d}", "name": c.name, "name_en": c.name_en or None,
        "industry": a.industry, "district": c.district, "employees": c.employees,
        "revenue_band": _revenue_band(c.figures["annual_production_value"]),
        "main_customers": main_customers, "oem_customers": list(c.customers),
        "oem_demands": list(c.demands), "main_processes": list(c.processes),
        "production_type": a.production_type,
        "automation_level": a.automation[1] if c.maturity >= 2.8 else a.automation[0],
        "smart_factory_level": _smart_factory_level(c),
        "visual_inspection": "yes" if c.visual else "no",
        "psm_applicable": "yes" if psm else "no",
        "hazardous_zones": "yes" if hazardous else "no",
        "support_received": list(c.support), "investment_capacity": _investment(c),
        "goal_area": c.goal, "pain_areas": list(c.pains),
        "programme_consent": "yes" if rng.random() < 0.95 else "no",
        **figures,
    }


def _fit(item: ProfileItem, value: Any) -> Any:
    """The value as the questionnaire can take it (a custom questionnaire may differ)."""
    if value is None or not (item.type in {"choice", "multi"} and item.options):
        return value
    valid = {o.value for o in item.options}
    if isinstance(value, list):
        kept = [v for v in value if v in valid]
        return kept or None
    return value if value in valid else None


# --- the answers ----------------------------------------------------------------------------

# Without MES/POP or SCADA/DCS nothing is collected live: these answers cannot go higher.
NO_LIVE_CAPS = {
    "data.collection": 2, "data.quality": 3, "data.sensor_history": 2,
    "infra.plc_connectivity": 2, "infra.system_integration": 2, "infra.network": 3,
    "infra.iot_sensors": 2, "process.quality_inspection": 3, "process.quality_data": 3,
    "process.process_control": 2, "process.customer_integration": 3, "culture.data_driven": 3,
    "culture.improvement": 4, "talent.data_literacy": 3, "strategy.performance_kpi": 3,
    "strategy.leadership": 4, "governance.green": 3, "ai.operation_plan": 3,
}


def _caps(c: _Company) -> dict[str, int]:
    """The highest level each question can truthfully reach for this company."""
    caps: dict[str, int] = {}
    if not c.live:
        caps.update(NO_LIVE_CAPS)
        erp = "erp" in c.systems
        caps.update({"data.storage": 3 if erp else 2, "process.planning": 3 if erp else 2,
                     "process.traceability": 3 if erp else 2, "infra.compute": 2 if erp else 1,
                     "process.product_data": 3 if erp or "plm" in c.systems else 2})
    if not c.systems:
        caps.update({"infra.system_integration": 1, "infra.compute": 1,
                     "process.customer_integration": 2, "data.storage": 2})
    if "cmms" not in c.systems and not c.live:
        caps["process.maintenance"] = 2
    if "fems" not in c.systems:
        caps["process.energy"] = 3 if c.live else 2
    if c.live:  # the share of machines counted on screen bounds what collection can claim
        share = c.connected / c.machines
        level = 2 if share < 0.3 else 3 if share < 0.7 else 5
        caps["data.collection"] = caps["infra.plc_connectivity"] = level
    return caps


def _floors(c: _Company) -> dict[str, int]:
    """The lowest level some facts imply (a DCS plant keeps years of history)."""
    floors: dict[str, int] = {}
    if c.continuous and "scada" in c.systems:
        floors.update({"data.sensor_history": 3, "infra.plc_connectivity": 3,
                       "process.process_control": 2})
    if "fems" in c.systems:
        floors["process.energy"] = 3
    if c.live and c.connected / c.machines >= 0.5:
        floors["data.collection"] = floors["infra.plc_connectivity"] = 3
    if c.archetype.psm > 0.5:
        floors["process.safety_system"] = 3  # PSM sites are audited on it
    return floors


def _ai_answer(c: _Company, qid: str) -> int | None:
    """The AI dimension follows what is running, not the general maturity."""
    rng, level = c.rng, c.ai_level
    if qid == "ai.in_operation":
        return level
    if qid == "ai.after_vendor":
        # level 2 means nothing runs today: whatever a vendor built has stopped
        return {2: 1, 3: rng.choice([2, 3]), 4: rng.choice([3, 4]),
                5: rng.choice([4, 5])}.get(level)
    if qid == "ai.operation_plan":
        plan = {1: rng.choice([1, 1, 2]), 2: rng.choice([1, 2]), 3: rng.choice([2, 3]),
                4: rng.choice([3, 4]), 5: rng.choice([4, 5])}[level]
        return min(plan, 3) if not c.live else plan
    if qid == "ai.vendor_management":
        return round(_clamp((c.dim_level["governance"] + level) / 2 + rng.gauss(0, 0.4)))
    return None


def _not_applicable(c: _Company, qid: str) -> bool:
    """Answers a consultant would mark 'not applicable' for this plant."""
    no_customer = c.customers == ("none",)
    return (
        (qid in {"process.customer_integration", "governance.customer_confidentiality"}
         and no_customer)
        or (qid == "process.energy" and c.energy_share < 0.02)
        or (qid == "data.sensor_history" and c.archetype.automation[0] == "manual"
            and c.maturity < 2.0)
        or (qid == "ai.vendor_management" and not c.systems and c.support in {("none",),
                                                                              ("kosha_safety",)})
        or (qid == "ai.after_vendor" and c.ai_level == 2 and c.rng.random() < 0.3)
    )


def _level(c: _Company, question: Question, dim: str, caps: dict[str, int],
           floors: dict[str, int]) -> int:
    target = _clamp(c.dim_level[dim] + c.rng.gauss(0, 0.5 if c.fixed else 0.6))
    ai = _ai_answer(c, question.id)
    if ai is not None:
        target = ai
    elif c.ai_level < 4:
        target = min(target, 4.0)  # every level-5 anchor needs AI in operation
    target = min(target, caps.get(question.id, 5))
    target = max(target, floors.get(question.id, 1))
    values = sorted(o.value for o in question.options)
    return min(values, key=lambda v: (abs(v - target), v))


def _multi(c: _Company, question: Question, dim: str, values: dict[str, Any]) -> list[str]:
    if question.id == "infra.systems":
        return [o.value for o in question.options if o.value in c.systems]
    share = _clamp((c.dim_level[dim] - 1) / 4 + 0.1 + c.rng.gauss(0, 0.1), 0.0, 1.0)
    needs: dict[str, bool] = {
        "equipment_status": c.live, "process_parameters": c.live or c.continuous,
        "energy_usage": "fems" in c.systems or c.energy_share >= 0.05,
        "python": c.dim_level["talent"] >= 3.3 or c.ai_level >= 4,
        "ml_modeling": c.dim_level["talent"] >= 3.8 or c.ai_level >= 4,
        "machine_vision": c.visual and (c.ai_level >= 3 or c.dim_level["talent"] >= 3.5),
        "bi_dashboard": c.live, "db_sql": bool(c.systems),
        "network_separation": values.get("governance.ot_security", 1) >= 3,
        "dlp_drm": values.get("governance.customer_confidentiality") in {4, 5},
    }
    return [o.value for o in question.options
            if needs.get(o.value, True) and c.rng.random() < share]


def _yesno(c: _Company, question: Question, dim: str) -> str:
    if question.id == "data.has_vision_images":
        return "no" if c.images == 0 else "partial" if c.images < 300 else "yes"
    target = c.dim_level[dim] + c.rng.gauss(0, 0.5)
    return "no" if target < 2.2 else "partial" if target < 3.6 else "yes"


def _number(c: _Company, question: Question, target: float) -> float | int:
    if question.id == "infra.connected_equipment_ratio":
        return round(100 * c.connected / c.machines) if c.machines else 0
    if question.id == "data.defect_image_count":
        return c.images
    return _number_for(question, target, c.rng)


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


def _text(c: _Company, question: Question) -> str | None:
    defect = c.archetype.defect_name
    words = {"defect": defect, "obj": _object(defect), "inspectors": f"{c.inspectors:g}",
             "downtime": c.figures["unplanned_downtime_hours"],
             "energy": f"{c.figures['energy_cost'] / 100:.1f}"}
    pains = dict(PAIN_WORDS)
    if not c.inspectors:  # inspection by testing, not by eye
        pains["quality_inspection"] = "{defect} 검사를 사람이 전수로 해서 검사 공수가 크다"
    pains["scheduling"] = {  # what moves the plan depends on how the plant produces
        "project": "원청 공정이 바뀔 때마다 블록·스풀 일정을 매일 손으로 다시 짠다",
        "hmlv": "주문마다 사양이 달라 설비별 일정을 매일 손으로 다시 짠다",
        "continuous": "제품 전환 순서를 경험으로 정해 전환 손실이 크다",
    }.get(c.archetype.production_type, pains["scheduling"])
    if question.id == "strategy.ai_goal":
        return GOAL_WORDS[c.goal].format(**words)
    if question.id == "process.pain_point":
        pain = next((p for p in c.pains if p != c.goal), c.goal)
        return pains[pain if c.rng.random() < 0.5 else c.goal].format(**words)
    return None


def _answer(c: _Company, question: Question, dim: str, values: dict[str, Any],
            caps: dict[str, int], floors: dict[str, int]) -> Any:
    if c.story is not None and question.id in c.story.pins:
        return c.story.pins[question.id]
    if question.allow_na and _not_applicable(c, question.id):
        return NA
    if question.allow_na and not c.fixed and c.rng.random() < 0.04:
        return UNKNOWN
    if question.type == "level":
        return _level(c, question, dim, caps, floors)
    if question.type == "yesno":
        return _yesno(c, question, dim)
    if question.type == "multi":
        return _multi(c, question, dim, values)
    if question.type == "number":
        return _number(c, question, _clamp(c.dim_level[dim] + c.rng.gauss(0, 0.6)))
    if question.type == "text":
        return _text(c, question)
    return None


# --- notes, each on the question it is about ----------------------------------------------

def _note(c: _Company, qid: str, value: Any) -> str | None:
    """What a consultant writes beside this answer for this company, if anything."""
    f = c.figures
    year = f.get("support_last_year") or 2023
    system = "DCS" if c.continuous else "MES/POP"
    notes: dict[str, Callable[[], str | None]] = {
        "data.collection": lambda: (
            "작업일보 수기 작성, 월말에 사무실에서 엑셀로 옮김" if not c.connected
            else f"주요 설비 {c.machines}대 중 {c.connected}대만 {system} 자동 수집, 나머지는 수기"
            if c.connected < 0.7 * c.machines
            else f"주요 설비 {c.machines}대 중 {c.connected}대 {system} 연결 확인"),
        "data.storage": lambda: {1: "검사 성적서는 종이 철, 작년 것은 창고 보관",
                                 2: "작년 LOT 검사 기록 찾는 데 40분 걸림 (NAS 엑셀)",
                                 3: "1년 전 LOT 검사값을 시스템에서 2분 만에 조회"}.get(value),
        "data.has_vision_images": lambda: (
            f"불량 사진 약 {c.images}장이 품질팀장 휴대폰에 흩어져 있음" if value == "partial"
            else f"검사 카메라 이미지 {c.images}장 NAS 보관, 조명 일정" if value == "yes" else None),
        "data.defect_image_count": lambda: (
            f"{c.archetype.defect_name} 이미지 {value}장을 함께 셈" if isinstance(value, int)
            else None),
        "infra.systems": lambda: (
            f"MES/POP는 {year}년 스마트공장 지원사업으로 구축" if "mes" in c.systems
            and "smart_factory" in c.support else
            "DCS는 설립 때 도입, 공정 히스토리안 5년 치 보관" if c.continuous and c.live else
            "회계용 ERP만 사용, 생산 기록은 종이" if c.systems == ("erp",) else None),
        "infra.connected_equipment_ratio": lambda: (
            f"설비 대장 기준 {c.machines}대 중 {c.connected}대가 화면에 실시간 표시"),
        "process.quality_inspection": lambda: (
            f"검사원 {c.inspectors:g}명이 {c.archetype.defect_name} 전수 육안 검사"
            if c.visual and isinstance(value, int) and value <= 2 else None),
        "process.maintenance": lambda: (
            f"지난 1년 돌발 정지 약 {f['unplanned_downtime_hours']}시간, 보전 일지는 수기"
            if value in {1, 2} and f.get("unplanned_downtime_hours") else None),
        "process.safety_system": lambda: {
            1: "위험성평가 결과서 없음: 중대재해처벌법 대응이 먼저",
            2: f"{year}년 위험성평가 서류 있음, 개선 이행·근로자 참여 기록 없음",
            3: "위험성평가 근로자 참여 서명과 개선 대장 확인"}.get(value),
        "process.moc": lambda: ("MOC 양식은 있으나 운전 조건 변경은 구두 승인" if value == 2
                                else None),
        "process.customer_integration": lambda: (
            "원청 협력사 포털로 납입지시 수신, 검사 성적서는 엑셀로 다시 작성"
            if value == 2 and {"hyundai_kia", "hyundai_mobis"} & set(c.customers) else
            "조선소와 도면·물량은 이메일, 검사 기록은 종이로 제출"
            if value in {1, 2} and c.archetype.key == "ship_block" else None),
        "process.energy": lambda: (
            f"연간 에너지 비용 약 {f['energy_cost'] / 100:.1f}억 원, 가열로·건조로 비중이 큼"
            if c.energy_share >= 0.08 and f.get("energy_cost") else None),
        "process.traceability": lambda: {
            2: "이력카드는 종이, 지난 클레임 때 역추적에 하루 걸림",
            4: "출하 LOT 역추적 3분 (시연 확인)"}.get(value),
        "ai.in_operation": lambda: {
            2: f"{year}년 공급기업 시연(불량 사진 50장)만 하고 중단",
            4: f"{c.archetype.defect_name} 판정 비전 AI 8개월째 운영, 검사 공수 60% 감소 "
               "(품질팀 측정)"}.get(value),
        "ai.after_vendor": lambda: ("과제 종료 후 공급기업 연락 끊김, 모델 파일 받지 못함"
                                    if value == 1 else None),
        "governance.green": lambda: ("원청 탄소 데이터 요청서 받음, 전기 고지서만 있음"
                                     if "carbon_data" in c.demands and value in {1, 2} else None),
        "talent.digital_roles": lambda: {1: "전산 문제는 외부 업체에 전화",
                                         2: "생산관리 과장이 전산 업무 겸직"}.get(value),
        "talent.knowledge_transfer": lambda: (
            f"생산직 {f['ageing_share']}%가 55세 이상, 조건 노하우가 반장 두 명에게만 있음"
            if f.get("ageing_share", 0) >= 35 and value in {1, 2} else None),
        "culture.communication": lambda: (
            f"외국인 근로자 {f['foreign_worker_share']}%, 공지는 한국어로만 게시"
            if f.get("foreign_worker_share", 0) >= 20 and value in {1, 2} else None),
        "strategy.budget": lambda: ("자부담은 지원사업에 선정될 때만 마련한다고 함"
                                    if value == 2 else None),
    }
    make = notes.get(qid)
    return make() if make else None


# --- putting it together --------------------------------------------------------------------

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


def _assess(c: _Company, q: Questionnaire, response: Response, values: dict[str, Any],
            date: dt.date) -> None:
    rng = c.rng
    caps, floors = _caps(c), _floors(c)
    clock = dt.datetime.combine(date, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=9)))
    for dim in q.dimensions:
        for question in dim.questions:
            if not _visible(question, values):
                continue
            value = _answer(c, question, dim.id, values, caps, floors)
            if value is None or (not c.fixed and question.type != "text"
                                 and rng.random() < 0.02):
                continue  # left open on the day
            values[question.id] = value
            clock += dt.timedelta(seconds=rng.randint(40, 150))
            note = _note(c, question.id, value) if rng.random() < 0.3 else None
            response.answers[question.id] = Answer(value=value, note=note, answered_at=clock)


def sample_responses(q: Questionnaire, count: int, seed: int = 2026) -> Iterator[Response]:
    """``count`` complete sample assessments, the same for the same seed."""
    rng = random.Random(seed)
    start = dt.date(2026, 3, 9)
    used: set[str] = set()
    for index in range(count):
        company = _new_company(rng, index, q, used)
        facts = _profile(company)
        profile = {p.id: v for p in q.profile if (v := _fit(p, facts.get(p.id))) is not None}
        date = start + dt.timedelta(days=index * 3 + rng.randint(0, 2))
        response = new_response(q, profile, Assessment(
            date=date, round="baseline", consultant=CONSULTANTS[index % len(CONSULTANTS)]))
        _assess(company, q, response, dict(profile), date)
        response.status = "complete"
        yield response


# --- the sample survey export ---------------------------------------------------------------

SURVEY_COMPANIES = 16  # companies that answered the programme's online form in the demo
SURVEY_META = ("타임스탬프", "이메일 주소")  # the two columns Google Forms adds before the questions


def _cell(item: ProfileItem | Question, value: Any) -> str:
    """An answer as a Google Forms export writes it: the option label (Korean), ticked labels
    joined with ``, ``, 해당 없음/모름, a number as typed; blank when not answered."""
    if value is None or value == [] or value == ():
        return ""  # a form cannot tell 'nothing ticked' from 'skipped': both export blank
    if isinstance(value, list):
        value = tuple(value)
    if item.type == "number" and not isinstance(value, str):
        return f"{value:.10g}"  # typed digits: no unit, no thousands separator
    return display(item, value, "ko")


def _timestamp(sample: Response) -> str:
    """When the form was submitted, as a Korean Google Sheet shows it: ``2026. 3. 12 오후 2:41:07``."""
    times = [dt.datetime.fromisoformat(a.answered_at) for a in sample.answers.values()
             if a.answered_at is not None]
    if times:
        at = max(times)
    else:
        day = sample.assessment.date or dt.date(2026, 3, 9)
        at = dt.datetime.combine(day, dt.time(11, 0))
    half = "오전" if at.hour < 12 else "오후"
    return (f"{at.year}. {at.month}. {at.day} {half} {(at.hour - 1) % 12 + 1}:"
            f"{at.minute:02d}:{at.second:02d}")


def _email(sample: Response) -> str:
    """A contact address on a reserved example domain (RFC 2606), from the English name."""
    english = sample.company.get("name_en") or ""
    words = re.sub(r"\bco\.?,? ltd\.?|[^a-z ]", " ", english.lower()).split()
    return f"{'.'.join(words) or sample.company.get('id', 'contact')}@example.com"


def survey_export(q: Questionnaire, samples: Iterable[Response]) -> str:
    """The sample responses as a Google Forms export (CSV text) of the questionnaire.

    One row per company, as a programme's online form would have it: the timestamp and
    e-mail columns Google Forms adds, then every profile item and question under its Korean
    text, answered with option labels, not values (``diagnose score`` matches both back).
    Questions a company did not reach or skipped are blank; 해당 없음/모름 as answered. Made
    from the questionnaire, so it changes with it and never names a question it lacks.
    """
    items: list[ProfileItem | Question] = [*q.profile, *q.questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*SURVEY_META, *(pick(item.text, "ko") for item in items)])
    for sample in samples:
        values = {**sample.company, **{qid: a.value for qid, a in sample.answers.items()}}
        writer.writerow([_timestamp(sample), _email(sample),
                         *(_cell(item, values.get(item.id)) for item in items)])
    return buffer.getvalue()


# --- follow-up rounds: the progress report's sample ----------------------------------------

FOLLOWUP_DAYS = 245  # about eight months after the baseline: the programme's second visit
# The programme track whose support moves a dimension (what the follow-up records as received)
DIMENSION_TRACKS = {"data": "data-pipeline", "infra": "data-pipeline", "process": "ai-solution",
                    "ai": "ai-solution", "strategy": "academy", "talent": "academy",
                    "culture": "academy", "governance": "academy"}
# KPI after a year of support, as a factor of the baseline (OEE in points): modest, as
# smart-factory follow-ups report them; assumptions for sample data
KPI_CHANGES = {"defect_rate": 0.8, "unplanned_downtime_hours": 0.85, "energy_cost": 0.96}
OEE_POINTS = 3.0


def followup_response(q: Questionnaire, baseline: Response, seed: int = 2026) -> Response:
    """The same company's follow-up, eight months on: the two weakest dimensions' level
    answers mostly one step up (the support it received there, recorded in
    ``support_since_last``), one answer elsewhere a step down (a key person left: a follow-up
    is not all gains), business KPIs modestly better. The same input gives the same file."""
    rng = random.Random(f"{seed}:{baseline.company.get('id')}")
    follow = baseline.model_copy(deep=True)
    date = (baseline.assessment.date or dt.date(2026, 3, 9)) + dt.timedelta(days=FOLLOWUP_DAYS)
    levels = {d.id: [question for question in d.questions if question.type == "level"
                     and isinstance(_value(baseline, question.id), int)] for d in q.dimensions}
    mean = {dim: sum(_value(baseline, x.id) for x in found) / len(found)
            for dim, found in levels.items() if found}
    weakest = sorted(mean, key=lambda dim: (mean[dim], dim))[:2]
    for dim in weakest:
        for question in levels[dim]:
            value = _value(baseline, question.id)
            if value < 5 and rng.random() < 0.7:
                follow.answers[question.id].value = value + 1
    others = [x for dim, found in levels.items() if dim not in weakest for x in found
              if _value(baseline, x.id) > 1]
    operational = [x for x in others if x.id.split(".")[0] in {"data", "infra", "process"}]
    others = operational or others  # what lapses when its one keeper leaves
    if others:
        fallen = rng.choice(others)
        follow.answers[fallen.id].value = _value(baseline, fallen.id) - 1
        follow.answers[fallen.id].note = "후속 방문: 담당자 퇴사로 이 부분의 운영이 느슨해짐"
    clock = dt.datetime.combine(date, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=9)))
    for qid in follow.answers:
        clock += dt.timedelta(seconds=rng.randint(30, 90))
        answer = follow.answers[qid]
        follow.answers[qid] = Answer(value=answer.value, note=answer.note,
                                     evidence=answer.evidence, answered_at=clock)
    for kpi, factor in KPI_CHANGES.items():
        if isinstance(follow.company.get(kpi), (int, float)):  # a rate to 0.1, hours and
            changed = follow.company[kpi] * factor  # 백만원 whole, as the baseline has them
            follow.company[kpi] = round(changed, 1) if kpi == "defect_rate" else round(changed)
    if isinstance(follow.company.get("oee"), (int, float)):
        follow.company["oee"] = round(min(95.0, follow.company["oee"] + OEE_POINTS), 1)
    received = list(dict.fromkeys(DIMENSION_TRACKS.get(dim, "academy") for dim in weakest))
    follow.assessment = Assessment(date=date, round="followup",
                                   consultant=baseline.assessment.consultant,
                                   support_since_last=received)
    follow.status = "complete"
    return follow


def _value(response: Response, qid: str) -> Any:
    answer = response.answers.get(qid)
    return None if answer is None else answer.value
