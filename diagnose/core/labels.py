"""Every user-visible label in Korean and English, in one table.

A *label* is fixed wording a document, sheet or screen shows: headings, column titles, sheet
names, legend and axis texts, notes under a table, yes/no and the special answers, status and
verdict words, the names of question types and priorities. A label may have ``str.format``
slots that the document fills (``"적합 기업 {fits}곳"``), as a template fills a blank.

A *message* is what a run says about its inputs: errors, warnings, rejections, progress and
summary lines, each with its parameters. Messages stay as ``Msg(ko, en)`` where they are raised
(``core/i18n``), so a message and the situation it describes are read together. Only labels
live here.

The table is one dictionary per document or area (``COHORT``, ``COMPARE``, ``SELECTION``,
``CITY``, ...), each entry a ``Msg``. A word with one meaning that several of them show (기업,
업종, 규모, 수준, 점수, 컨설턴트, 진단일, ...) is one entry in ``WORDS``, and the sections hold that
very entry, so changing a label changes it everywhere. Short forms that only narrow places use
(the PDF's ``n`` column, the terminal's ``Lv``) and lower-case suffixes (``Data score``) are
entries of their own.

Use ``label("cohort.heatmap", lang)`` (a key without a section is one of ``WORDS``),
``msg("cohort.track_counts").format(...)`` for a label with slots, and ``texts("cohort", lang)``
for the ``labels`` a template reads.
"""

from __future__ import annotations

from diagnose.core.i18n import Msg

Section = dict[str, Msg]

# --- words shared by many documents: one entry per meaning ------------------------------------

WORDS: Section = {
    "company": Msg("기업", "Company"),
    "company_id": Msg("기업 관리번호", "Company ID"),
    "industry": Msg("업종", "Industry"),
    "size_class": Msg("규모", "Size class"),
    "level": Msg("수준", "Level"),
    "maturity_level": Msg("성숙도 수준", "Maturity level"),
    "level_name": Msg("수준명", "Level name"),
    "no_level": Msg("수준 없음", "No level"),
    "score": Msg("점수", "Score"),
    "no_score": Msg("점수 없음", "No score"),
    "overall": Msg("종합", "Overall"),
    "overall_score": Msg("종합 점수", "Overall score"),
    "dimension": Msg("영역", "Dimension"),
    "completeness": Msg("완성도", "Completeness"),
    "insufficient": Msg("근거 부족", "Insufficient evidence"),
    "insufficient_dimensions": Msg("근거 부족 영역", "Insufficient evidence"),
    "date": Msg("진단일", "Assessment date"),
    "day": Msg("{y}년 {m}월 {d}일", "{d} {mon} {y}"),  # a date written out ("2026년 3월 1일")
    "warning": Msg("경고: ", "warning: "),  # before a warning's text
    "round": Msg("차수", "Round"),
    "consultant": Msg("컨설턴트", "Consultant"),
    "versions": Msg("질문지 · 채점 기준", "Questionnaire · rubric"),
    "support_track": Msg("지원 트랙", "Support track"),
    "track": Msg("트랙", "Track"),
    "recommendation": Msg("추천 과제", "Recommendation"),
    "priority": Msg("우선순위", "Priority"),
    "reason": Msg("사유", "Reason"),
    "rank": Msg("순위", "Rank"),
    "status": Msg("상태", "Status"),
    "group": Msg("집단", "Group"),
    "companies": Msg("기업 수", "Companies"),
    "n": Msg("기업 수", "n"),  # the same count in a narrow PDF column
    "median": Msg("중앙값", "Median"),
    "change": Msg("변화", "Change"),
    "baseline": Msg("기준", "Baseline"),
    "followup": Msg("후속", "Follow-up"),
    "flagged": Msg("확인 필요", "Flagged"),
    "none": Msg("없음", "None"),
    "unknown": Msg("미상", "unknown"),  # a fact nobody gave (an industry, a district)
    "all": Msg("전체", "all"),
    "selected": Msg("선정", "Selected"),
    "reserve": Msg("예비", "Reserve"),
    "capacity": Msg("정원", "Places"),
    "not_eligible": Msg("대상 아님·확인 필요", "Not eligible / to check"),
    "question": Msg("문항", "Question"),
    "yearly_value": Msg("연간 효과", "Yearly value"),
    "alongside": Msg("병행", "alongside"),  # a preparation step that runs with its project
    # when a project or a step runs, counted from the start of the roadmap
    "month": Msg("{start}개월 차", "month {start}"),
    "months": Msg("{start}~{end}개월 차", "months {start}-{end}"),
    "page": Msg("쪽", "Page"),
    # the programme's name, at the head of every document
    "programme": Msg("울산 AI 사업단 · AI-on Ulsan 기업 진단",
                     "Ulsan AI Programme · AI-on Ulsan diagnosis"),
}
W = WORDS

# --- answers: yes/no, the special answers, booleans -------------------------------------------

ANSWERS: Section = {
    # the default labels of a yesno question's options (content may relabel them)
    "no": Msg("아니오", "No"),
    "partial": Msg("일부", "Partly"),
    "yes": Msg("예", "Yes"),
    # the special answers (``answers.NA``, ``answers.UNKNOWN``)
    "na": Msg("해당 없음", "Not applicable"),
    "unknown": Msg("모름", "Don't know"),
    # how an answer's state reads where it gives no level (the progress report)
    "missing": Msg("미응답", "Unanswered"),
    "hidden": Msg("해당 없음(조건)", "Not asked (condition)"),
    # a multiple-choice answer with nothing ticked
    "none_ticked": Msg("선택 없음", "none ticked"),
}
# A true/false cell of a workbook, in words.
BOOLEANS: Section = {"true": Msg("예", "yes"), "false": Msg("아니오", "no")}

# --- rounds and peer groups -------------------------------------------------------------------

# The two first rounds in words (``identity.round_name`` says which a name means).
ROUNDS: Section = {
    "baseline": Msg("기준 진단", "Baseline"),
    "followup": Msg("후속 진단", "Follow-up"),
}
# The groups a company is compared with (``engine.peers``); the size classes by their keys in
# ``content.benchmark.SIZES``.
PEERS: Section = {
    "small": Msg("50인 미만", "under 50 staff"),
    "medium": Msg("50~299인", "50-299 staff"),
    "large": Msg("300인 이상", "300+ staff"),
    "whole": Msg("전체 참여 기업", "all participating companies"),
    "unknown_size": Msg("규모 미상", "size unknown"),
    "unknown_industry": Msg("업종 미상", "industry unknown"),
}

# --- the score table's columns (XLSX titles; CSV and JSON keep the contract's names) ------------

SCORE_TABLE: Section = {
    "assessment.date": W["date"],
    "assessment.round": W["round"],
    "assessment.consultant": W["consultant"],
    "overall.score": W["overall_score"],
    "overall.percent": Msg("종합 백분율", "Overall %"),
    "overall.level": W["maturity_level"],
    "overall.level_name": W["level_name"],
    "overall.gates": Msg("수준 제한 영역", "Capped by"),
    "source": Msg("원본 파일", "Source"),
}
# After a dimension's title: "데이터 점수", "Data score".
DIMENSION_PARTS: Section = {
    "score": Msg("점수", "score"),
    "percent": Msg("%", "%"),
    "completeness": Msg("완성도", "completeness"),
    "insufficient": Msg("근거 부족", "insufficient"),
}
WORKBOOK: Section = {
    "cut": Msg(" … (Excel 칸 한도 32,767자에서 잘림)", " … (cut at Excel's 32,767-character limit)"),
}

# --- question types and priorities ---------------------------------------------------------------

QUESTION_TYPES: Section = {  # short names (the questionnaire tree, the interview's screens)
    "level": Msg("수준", "level"),
    "multi": Msg("복수 선택", "multi-select"),
    "yesno": Msg("예/아니오", "yes/no"),
    "number": Msg("숫자", "number"),
    "text": Msg("서술", "text"),
    "choice": Msg("단일 선택", "choice"),
}
PRIORITIES: Section = {  # a recommendation's priority: the report's cards and the terminal
    "high": Msg("상", "High"),
    "medium": Msg("중", "Medium"),
    "low": Msg("하", "Low"),
}

# --- the terminal --------------------------------------------------------------------------------

TERMINAL: Section = {
    # the table of rejected inputs (score, report, cohort, select)
    "rejected": Msg("제외된 입력", "Rejected input"),
    "rejected.file": Msg("파일", "file"),
    "rejected.row": Msg("행", "row"),
    "rejected.company": Msg("기업", "company"),
    "rejected.column": Msg("열", "column"),
    "rejected.value": Msg("값", "value"),
    "rejected.reason": Msg("사유", "reason"),
    "profile": Msg("기업 정보", "Company profile"),
    "scored_questions": Msg("채점 문항 {n}개", "{n} scored questions"),
    "results": Msg("진단 결과", "Results"),
    "company": W["company"],
    "level_short": Msg("수준", "Lv"),
    "overall_short": Msg("종합", "All"),
    "demo": Msg("데모 결과", "Demo output"),
    "responses": Msg("응답 파일", "response files"),
    "scores_csv": Msg("점수표 CSV", "scores CSV"),
    "scores_xlsx": Msg("점수표 XLSX", "scores XLSX"),
    "reports": Msg("PDF 보고서", "PDF reports"),
    "cohort": Msg("코호트 요약", "cohort summary"),
    "level": Msg("수준", "level"),
    "nothing": Msg("추천할 솔루션이 없습니다", "nothing to recommend"),
    "to_check": Msg(" (확인 필요)", " (to be checked)"),
    "months": W["months"],
    "alongside": W["alongside"],
    "duration": Msg("{n}개월", "{n} mo"),
    "own_share": Msg("자부담 {v}", "own share {v}"),
    "yearly": Msg("연 {v}", "{v} a year"),
    "payback": Msg("자부담 회수 {n:.0f}개월(총투자 {t:.0f}개월)",
                   "own share back in {n:.0f} months ({t:.0f} for the whole investment)"),
    "why": Msg("왜: ", "why: "),
    "first": Msg("먼저: ", "first: "),
    "check": Msg("확인: ", "check: "),
    "priority": Msg("우선순위: ", "priority: "),
    "selection": Msg("선정 결과", "Selection"),
    "track": W["track"],
    "capacity": W["capacity"],
    "selected": W["selected"],
    "reserve": W["reserve"],
    "not_eligible": W["not_eligible"],
}

# --- the blank survey sheet (``questionnaire template``) ---------------------------------------

BLANK_SHEET: Section = {
    # the answers sheet: the survey reader looks for it by this name in either language
    "survey": Msg("설문", "Survey"),
    "help": Msg("안내", "Instructions"),
    "options": Msg("선택지", "Options"),
    "date": W["date"],
    "round": W["round"],
    # the kind of answer a column takes, as the instructions sheet says it
    "type.level": Msg("수준 (1~5단계 중 하나)", "level (one of 5)"),
    "type.choice": Msg("하나 선택", "pick one"),
    "type.yesno": Msg("예/일부/아니오", "yes/partly/no"),
    "type.multi": Msg("여러 개 선택", "pick any"),
    "type.number": QUESTION_TYPES["number"],
    "type.text": QUESTION_TYPES["text"],
    "type.date": Msg("날짜", "date"),
    # how to answer a column (cell prompt, note, instructions)
    "hint.multi": Msg("해당하는 것을 모두 ', '(쉼표와 공백)로 구분해 적으세요:",
                      "List every answer that applies, separated by ', ' (comma and space):"),
    "hint.pick": Msg("목록에서 하나를 고르세요.", "Pick one from the list."),
    "hint.number": Msg("숫자로 적으세요{unit}.", "Enter a number{unit}."),
    "hint.special": Msg(" 해당 없음·모름도 됩니다.", " 'Not applicable' or 'Don't know' also work."),
    "hint.date": Msg("예: 2026-03-12", "e.g. 2026-03-12"),
    "hint.round": Msg("비워 두면 baseline (첫 진단). 재진단은 followup 등.",
                      "Blank means baseline (first assessment); e.g. followup for a second one."),
    "hint.required": Msg("필수 항목입니다.", "Required."),
    "error.list": Msg("목록에 없는 답입니다. 목록에서 고르세요.",
                      "Not one of the answers: pick one from the list."),
    "error.number": Msg("숫자를 적으세요.", "Enter a number."),
    # the instructions sheet
    "guide.title": Msg("{title} — 설문지 작성 안내", "{title} — how to fill in this survey"),
    "guide.rows": Msg("'{sheet}' 시트에 기업 하나당 한 행씩 적습니다. "
                      "제목 행(1행)과 그 아래 숨긴 2행(문항 id)은 지우거나 고치지 마세요.",
                      "Fill in one row per company on the '{sheet}' sheet. "
                      "Do not delete or change the header (row 1) or the hidden row 2 below it "
                      "(item ids)."),
    "guide.answers": Msg("빨간 제목은 필수입니다. 선택형 문항은 칸을 누르면 나오는 목록에서 고르고, 여러 "
                         "개를 고르는 문항은 답을 ', '(쉼표와 공백)로 구분해 적습니다. 빈칸은 미응답으로 "
                         "처리됩니다.",
                         "Red headers are required. For choice questions, pick from the list that "
                         "opens in the cell; for questions that take several answers, separate "
                         "them with ', ' (comma and space). A blank cell counts as unanswered."),
    "guide.score": Msg("다 쓴 파일은 그대로 'diagnose score 파일.xlsx -o 점수.xlsx'로 채점합니다.",
                       "Score the filled file as it is: 'diagnose score FILE.xlsx -o scores.xlsx'."),
    "guide.column": Msg("열", "Column"),
    "guide.header": Msg("제목", "Header"),
    "guide.id": Msg("id", "id"),
    "guide.type": Msg("유형", "Type"),
    "guide.how": Msg("답하는 법 / 선택지", "How to answer / options"),
}

# --- the cohort: workbook and PDF ------------------------------------------------------------

COHORT_SHEETS: Section = {
    "companies": Msg("기업 목록", "companies"),
    "by_industry": Msg("업종별", "by industry"),
    "by_size": Msg("규모별", "by size"),
    "tracks": Msg("지원 트랙", "support tracks"),
    "progress": Msg("차수별 향상", "progress"),
    "progress_companies": Msg("기업별 향상", "progress by company"),
    "consultants": Msg("컨설턴트", "consultants"),
    "quality": Msg("데이터 품질", "data quality"),
}
COHORT_COLUMNS: Section = {
    "industry_name": W["industry"],
    "size_class": W["size_class"],
    "rounds": Msg("진단 횟수", "Assessments"),
    "completeness": Msg("응답 완성도(%)", "Completeness (%)"),
    "insufficient": W["insufficient_dimensions"],
    "dim_insufficient": W["insufficient"],
    "track_name": W["support_track"],
    "rec1": Msg("추천 과제 1", "Recommendation 1"),
    "rec2": Msg("추천 과제 2", "Recommendation 2"),
    "rec3": Msg("추천 과제 3", "Recommendation 3"),
    "track": Msg("제안 지원 트랙", "Suggested support track"),
    "track_reason": Msg("제안 사유", "Reason"),
    "peer_group": Msg("비교 집단", "Peer group"),
    "peer_median": Msg("비교 집단 종합 중앙값", "Peer median (overall)"),
    "peer_note": Msg("비교 집단 확대", "Peer group widened"),
    "rank": W["rank"],
    "score": W["score"],
    "group": Msg("구분", "Group"),
    "companies": W["companies"],
    "no_level": W["no_level"],
    "solution": W["recommendation"],
    "priority": W["priority"],
    "readiness": Msg("준비 상태", "Readiness"),
    "reason": W["reason"],
    "dimension": W["dimension"],
    "linked": Msg("연결된 기업 수", "Linked companies"),
    "before": Msg("기준 평균", "Baseline mean"),
    "after": Msg("후속 평균", "Follow-up mean"),
    "change": Msg("평균 변화", "Mean change"),
    "consultant": W["consultant"],
    "assessments": Msg("비교된 진단 수", "Assessments compared"),
    "drift": Msg("동종 기업 대비 평균 차이", "Mean difference from peers"),
    "flagged": W["flagged"],
    "kind": Msg("유형", "Kind"),
    "detail": Msg("내용", "Detail"),
    "file": Msg("파일", "File"),
    "left_out": Msg("비교에서 뺀 문항 수", "Questions left out"),
}
# Words put together into the workbook's column titles ("종합 평균", "기준 차수", "Data change").
COHORT_PARTS: Section = {
    "mean": Msg("평균", "mean"),
    "median": Msg("중앙값", "median"),
    "before": Msg("기준", "baseline"),
    "after": Msg("후속", "follow-up"),
    "change": Msg("변화", "change"),
    "fit": Msg("적합도: {t}", "Fit: {t}"),
}
# The kinds of data-quality finding (the detail of each is a message).
COHORT_ISSUES: Section = {
    "rejected": Msg("제외된 입력", "Rejected input"),
    "warning": Msg("입력 경고", "Input warning"),
    "no_score": W["no_score"],
    "low_completeness": Msg("응답 완성도 낮음", "Low completeness"),
    "insufficient": W["insufficient_dimensions"],
    "drift": Msg("컨설턴트 점수 편차", "Consultant drift"),
    "versions": Msg("차수 간 질문지 버전 다름", "Rounds on different versions"),
}
# How a company's first recommendation reads in the support-track list.
COHORT_TRACK_ROW: Section = {
    "ready": Msg("바로 시작 가능", "can start now"),
    "needs_first": Msg("선행 필요: {m}", "needs first: {m}"),
    "yearly": Msg("기대 효과 연 {v}", "about {v} a year"),
}
COHORT: Section = {  # cohort.pdf (``labels.<key>`` in cohort.html.j2)
    "report": Msg("AI 준비도 코호트 진단 요약", "AI Readiness: Cohort Summary"),
    "companies": Msg("참여 기업", "Companies"),
    "assessments": Msg("진단 건수", "Assessments"),
    "mean_overall": Msg("종합 점수 평균", "Mean overall score"),
    "ready_share": Msg("준비 수준(3단계) 이상", "Level 3 (Ready) or above"),
    "period": Msg("진단 기간", "Period"),
    "versions": W["versions"],
    "levels": Msg("성숙도 수준 분포", "Maturity levels"),
    "level": W["level"],
    "no_level": W["no_level"],
    "spread": Msg("영역별 점수 분포 (전체)", "Dimension scores, all companies"),
    "spread_note": Msg("선: 하위 10%~상위 10%, 상자: 25%~75%, 굵은 선과 숫자: 중앙값",
                       "Line: 10th to 90th percentile, box: 25th to 75th, bar and number: "
                       "median"),
    "by_industry": Msg("업종별 영역 점수 (중앙값, 괄호 안 25%~75%)",
                       "Dimension scores by industry (median, 25th-75th percentile)"),
    "industry": W["industry"],
    "n": W["n"],
    "heatmap": Msg("기업 × 영역 점수", "Companies x dimensions"),
    "heatmap_groups": Msg("업종·규모 집단 × 영역 점수 (평균)",
                          "Industry and size groups x dimensions (mean)"),
    "heatmap_capped": Msg("기업이 {n}곳으로 {cap}곳을 넘어, 기업별 행 대신 업종·규모 집단별 평균을 "
                          "보여 줍니다. 기업별 점수는 cohort.xlsx에 있습니다.",
                          "With {n} companies (over {cap}), groups by industry and size "
                          "replace the company rows; every company is in cohort.xlsx."),
    "company": W["company"],
    "group": W["group"],
    "overall": W["overall"],
    "tracks": Msg("지원 트랙별 적합 기업", "Best-fitting companies per support track"),
    "tracks_note": Msg("트랙마다 바로 시작할 수 있는 기업을 먼저, 그다음 우선순위 순으로 상위 {n}곳을 "
                       "보여 줍니다. 전체 목록은 cohort.xlsx의 '지원 트랙' 시트에 있습니다.",
                       "Per track, companies that can start now come first, then by "
                       "priority; the top {n} are shown. The full list is in the 'support "
                       "tracks' sheet of cohort.xlsx."),
    "track_counts": Msg("적합 기업 {fits}곳 (바로 시작 가능 {ready}곳)",
                        "{fits} companies fit ({ready} can start now)"),
    "no_fit": Msg("이 트랙에 맞는 기업이 없습니다.", "No company fits this track."),
    "solution": W["recommendation"],
    "priority": W["priority"],
    "readiness": COHORT_COLUMNS["readiness"],
    "reason": W["reason"],
    "progress": Msg("차수 간 향상", "Progress between rounds"),
    "progress_note": Msg("기준 진단과 후속 진단이 모두 있는 기업 {n}곳의 영역별 평균 변화(후속 − 기준)"
                         "입니다.",
                         "Mean change per dimension (follow-up minus baseline) over the {n} "
                         "companies with both rounds."),
    "no_progress": Msg("두 차수 이상 진단된 기업이 없습니다.",
                       "No company has been assessed in two rounds."),
    "level_moves": Msg("수준 상승 {up}곳 · 유지 {same}곳 · 하락 {down}곳",
                       "Level up {up} · same {same} · down {down}"),
    "dimension": W["dimension"],
    "linked": W["companies"],
    "before": W["baseline"],
    "after": W["followup"],
    "change": W["change"],
    "quality": Msg("데이터 품질 점검", "Data quality"),
    "quality_counts": Msg("점검 결과", "Findings"),
    "low_completeness": Msg("응답 완성도 {t:.0%} 미만 또는 근거 부족 영역이 있는 진단",
                            "Assessments under {t:.0%} completeness or with insufficient "
                            "evidence"),
    "completeness": W["completeness"],
    "insufficient": W["insufficient_dimensions"],
    "consultant": W["consultant"],
    "drift": Msg("컨설턴트별 점수 편차", "Consultant drift"),
    "drift_note": Msg("진단마다 종합 점수를 같은 비교 집단(업종·규모, 5곳 미만이면 업종, 전체 순)에서 "
                      "다른 컨설턴트가 진단한 기업들의 중앙값과 비교합니다. 평균 차이가 ±{t}점을 넘고 "
                      "진단이 {m}건 이상이면 확인이 필요합니다.",
                      "Each overall score is compared with the median of the same peer group "
                      "(industry and size, else industry, else all) assessed by other "
                      "consultants. A mean difference beyond ±{t} points over {m} or more "
                      "assessments is flagged."),
    "compared": Msg("비교된 진단", "Compared"),
    "mean_diff": Msg("평균 차이", "Mean difference"),
    "flagged": W["flagged"],
    "yes": BOOLEANS["true"],
    "other_issues": Msg("그 밖의 점검 결과", "Other findings"),
    "more": Msg("외 {n}건은 cohort.xlsx의 '데이터 품질' 시트에 있습니다.",
                "{n} more in the 'data quality' sheet of cohort.xlsx."),
    "no_issues": Msg("점검 결과 문제가 없습니다.", "No findings."),
}

# --- the progress report between two rounds (compare.pdf) ------------------------------------

# Where a baseline recommendation stands at follow-up, in the order the report lists them.
REC_STATUSES: Section = {
    "resolved": Msg("답변상 해소", "Resolved per the answers"),
    "ready": Msg("진전", "Progressed"),
    "open": Msg("진행 중", "Open"),
    "unclear": Msg("확인 필요", "Unclear"),
    "new": Msg("새 추천", "New"),
}
KPI_VERDICTS: Section = {
    "better": Msg("개선", "Better"),
    "worse": Msg("악화", "Worse"),
    "same": Msg("변화 없음", "No change"),
    "changed": Msg("변화", "Changed"),
    "none": Msg("비교 불가", "Not comparable"),
}
# An answer that gives no level, by its state (``scoring.STATE_NAMES``).
ANSWER_STATES: Section = {
    "unknown": ANSWERS["unknown"],
    "missing": ANSWERS["missing"],
    "na": ANSWERS["na"],
    "hidden": ANSWERS["hidden"],
    "answered": W["no_level"],
}
COMPARE: Section = {  # compare.pdf (``labels.<key>`` in compare.html.j2)
    "report": Msg("AI 준비도 향상 보고서", "AI Readiness Progress Report"),
    "company_id": W["company_id"],
    "round": W["round"],
    "date": W["date"],
    "consultant": W["consultant"],
    "versions": W["versions"],
    "overall": Msg("종합 결과", "Overall result"),
    "level": W["maturity_level"],
    "score": W["overall_score"],
    "change": W["change"],
    "kpis": Msg("경영 지표", "Business KPIs"),
    "kpi": Msg("지표", "KPI"),
    "verdict": Msg("판정", "Verdict"),
    "kpi_note": Msg("두 진단의 기업 정보에 입력한 값입니다. 생산량·단가·설비 교체 같은 다른 요인도 "
                    "함께 반영되므로, 변화를 추천 과제의 효과로만 읽지 마세요.",
                    "Figures as entered in each round's company profile. Volume, prices and "
                    "equipment changes move them too: do not read a change as the effect of "
                    "the projects alone."),
    "not_entered": Msg("입력 없음", "not entered"),
    "support": Msg("두 진단 사이에 받은 지원", "Support received between the rounds"),
    "support_track": Msg("사업단 지원 트랙", "programme track"),
    "support_profile": Msg("기업 정보의 지원 이력에 새로 추가됨",
                           "Newly ticked in the company's support history"),
    "support_none": Msg("후속 진단 응답 파일에 받은 지원이 없다고 적혀 있습니다.",
                        "The follow-up's response file records no support received."),
    "support_unrecorded": Msg(
        "기록 없음: 후속 진단 응답 파일의 assessment.support_since_last에 받은 지원(사업단 "
        "지원 트랙 id 또는 글)을 적으면 여기에 나옵니다.",
        "Not recorded: list the support received (programme track ids or free text) under "
        "assessment.support_since_last in the follow-up's response file."),
    "answers": Msg("답변별 변화", "Change by answer"),
    "answers_summary": Msg("답변 변화", "Answers"),
    "improved": Msg("나아진 답변", "Answers that improved"),
    "regressed": Msg("낮아진 답변", "Answers that fell"),
    "not_compared": Msg("한 차수에만 수준이 있는 답변", "Answers with a level in one round only"),
    "improved_short": Msg("개선", "up"),
    "regressed_short": Msg("하락", "down"),
    "not_compared_short": Msg("비교 불가", "not comparable"),
    "no_answer_change": Msg("두 진단에서 수준이 달라진 답변이 없습니다.",
                            "No answer changed level between the rounds."),
    "answers_note": Msg("수준은 1~5단계입니다. 영역 점수가 그대로여도 한 답변이 오르고 다른 답변이 "
                        "내려갔을 수 있어, 달라진 답변을 모두 적습니다. 낮아진 답변은 현장에서 다시 "
                        "확인하세요.",
                        "Levels run from 1 to 5. A dimension's score can stay put while one "
                        "answer rises and another falls, so every answer that moved is listed. "
                        "Check the answers that fell on site."),
    "question": W["question"],
    "then_now": Msg("기준 → 후속", "Before → after"),
    "note_now": Msg("후속 진단 메모", "Follow-up note"),
    "radar": Msg("영역별 점수", "Scores by dimension"),
    "dimensions": Msg("영역별 변화", "Change by dimension"),
    "dimension": W["dimension"],
    "completeness": W["completeness"],
    "insufficient": W["insufficient"],
    "recommendations": Msg("추천 과제의 진행", "Recommendations: resolved and open"),
    "solution": W["recommendation"],
    "track": W["support_track"],
    "status": W["status"],
    "prerequisites": Msg("선행 조건", "Prerequisites"),
    "met": Msg("충족", "met"),
    "missing": Msg("부족", "missing"),
    "then": Msg("기준 때 부족", "missing then"),
    "none": W["none"],
    "left_out": Msg("비교에서 제외한 항목", "Left out of the comparison"),
    "nothing_left_out": Msg("두 진단은 같은 질문지와 채점 기준으로 비교했습니다. 제외한 항목이 없습니다.",
                            "Both rounds are compared on the same questionnaire and rubric; "
                            "nothing was left out."),
    "definition": Msg(
        "답변상 해소: 후속 진단의 답변으로 보면 기준 진단의 추천 과제가 메우려던 격차가 더 이상 "
        "보이지 않음(판단에 쓰는 문항이 모두 응답됨). 과제를 실제로 수행했는지는 답변만으로 알 수 "
        "없으니 현장에서 확인하세요. 진전: 여전히 필요하지만 부족했던 선행 조건이 모두 충족됨. "
        "답변상 해소와 진전을 '진행된 과제'로 셉니다. 진행 중: 여전히 필요함. 확인 필요: 판단에 "
        "쓰는 문항이 후속 진단에서 응답되지 않음. 새 추천: 후속 진단에서 새로 추천됨.",
        "Resolved per the answers: at follow-up the answers no longer show the gap the "
        "baseline recommendation addressed (and everything its fit tests was answered). "
        "The answers cannot tell whether the project was carried out: check on site. "
        "Progressed: still needed, and the prerequisites it lacked are now met. Both count "
        "as progressed. Open: still needed. Unclear: what its fit tests was not answered "
        "at follow-up. New: recommended at follow-up only."),
    "progressed": Msg("진행된 과제", "Progressed"),
    "see_below": Msg("마지막 부분 참조", "listed at the end"),
    "no_score": W["no_score"],
    "page": W["page"],
    "points": Msg("%p", "\u00a0pp"),  # after a change of a share in percentage points
}

# --- the selection and the city report ----------------------------------------------------------

SELECTION: Section = {  # selection.xlsx and selection.pdf
    "title": Msg("지원 트랙 선정 결과", "Selection per support track"),
    "summary": Msg("요약", "Summary"),
    "track": W["track"],
    "capacity": W["capacity"],
    "selected": W["selected"],
    "reserve": W["reserve"],
    "not_eligible": W["not_eligible"],
    "elsewhere": Msg("다른 트랙 선정", "Selected elsewhere"),
    "waiting": Msg("대기", "Waiting"),
    "excluded": Msg("제외(담당자)", "Excluded (officer)"),
    "window": Msg("모집", "Call"),
    "rank": W["rank"],
    "company": W["company"],
    "status": W["status"],
    "level": W["level"],
    "initiative": W["recommendation"],
    "value": W["yearly_value"],
    "score": Msg("선정 점수", "Selection score"),
    "readiness": Msg("준비도", "Readiness"),
    "impact": Msg("효과", "Impact"),
    "goal": Msg("목표 부합", "Goal fit"),
    "reason": W["reason"],
    "decisions_title": Msg("담당자 결정", "Officer's decisions"),
    "no_decisions": Msg("적용한 담당자 결정이 없습니다.", "No officer's decision applied."),
    "result": Msg("결과", "Result"),
    "reasons": Msg("사유 분포", "Reasons"),
    "primary_list": Msg("선정 명단", "Selected"),
    "reserve_list": Msg("예비 명단", "Reserve list"),
    "none": W["none"],
    "decision_help": Msg("결정 열에서 선정·제외를 고르고 사유·결정자·결정일을 적은 뒤, 이 파일을 "
                         "--decisions로 넘기면 다시 선정합니다.",
                         "Pick in or out in the Decision column, write the reason, who and "
                         "when, and pass this file back with --decisions to select again."),
    "decision.in": Msg("선정", "in"),  # the decision drop-down's two words
    "decision.out": Msg("제외", "out"),
    # the workbook's record of the decisions applied (never read back as new ones)
    "record_sheet": Msg("담당자 결정 내역", "Decisions applied"),
    "more": Msg("… 외 {n}개 사: 전체 명단과 사유는 selection.xlsx",
                "… and {n} more: every company and reason is in selection.xlsx"),
}
# The columns of the officer's decisions (selection.xlsx's track sheets; read back by
# ``inputs.decisions`` in either language).
DECISION_COLUMNS: Section = {
    "company_id": Msg("기업 ID", "Company ID"),
    "company_name": Msg("기업명", "Company"),
    "track": Msg("트랙 ID", "Track ID"),
    "decision": Msg("결정", "Decision"),
    "reason": Msg("결정 사유", "Decision reason"),
    "who": Msg("결정자", "Decided by"),
    "when": Msg("결정일", "Decided on"),
}
CITY: Section = {  # city-report.pdf and the workbook's city sheet
    "title": Msg("울산 AI 사업단 진단·선정 현황 (시 보고)",
                 "AI-on Ulsan: diagnosis and selection (report to the city)"),
    "sheet": Msg("시 보고", "City report"),
    "diagnosed": Msg("진단 기업", "Companies diagnosed"),
    "target": Msg("목표", "Target"),
    "employees": Msg("고용 인원 합계", "Employees covered"),
    "production": Msg("연간 생산액 합계", "Annual production value covered"),
    "industry": Msg("업종별", "By industry"),
    "size": Msg("규모별", "By size"),
    "district": Msg("구·군별", "By district"),
    "smart_factory_level": Msg("스마트공장 수준별", "By smart-factory level"),
    "level": Msg("AI 준비도 수준별", "By AI-readiness level"),
    "kpis": Msg("기준 경영 지표 (중앙값)", "Baseline business KPIs (medians)"),
    "value": Msg("추천 과제의 연간 기대 효과 합계", "Yearly value of the recommended initiatives"),
    "value_method": Msg("기업마다 1순위 추천 과제의 연간 기대 효과(카탈로그 공식, 입력값은 각 보고서)를 "
                        "더한 값. 효과를 산정할 수 있는 {n}개 사 기준.",
                        "The sum of each company's first recommendation's yearly value (the "
                        "catalogue's formulas; inputs in each report), over the {n} companies "
                        "with an estimate."),
    "allocation": Msg("트랙별 배정과 정원", "Places per track against capacity"),
    "changes": Msg("진단 차수 사이 변화 (중앙값, T0 → T1)",
                   "Change between rounds (medians, T0 -> T1)"),
    "group": W["group"],
    "n": W["n"],
    "median": W["median"],
    "fewer": Msg("5개 사 미만", "fewer than 5"),
    "small_note": Msg("모든 수치는 5개 사 이상 집단에서만 냅니다. 그보다 작은 집단은 '5개 사 미만'으로 "
                      "표시합니다.",
                      "Every figure comes from groups of 5 or more companies; smaller groups "
                      "show as 'fewer than 5'."),
    "before": Msg("T0", "T0"),
    "after": Msg("T1", "T1"),
    "change": W["change"],
    "overall": W["overall_score"],
    "what": Msg("항목", "Item"),
    "figure": Msg("수치", "Figure"),
    "unknown": W["unknown"],
    "all": W["all"],
}

# --- the company report (report.pdf) ------------------------------------------------------------

REPORT: Section = {  # ``labels.<key>`` in report.html.j2, and the report's own sentences
    "report": Msg("AI 준비도 진단 보고서", "AI Readiness Diagnosis Report"),
    "company_id": W["company_id"],
    "date": W["date"],
    "issued": Msg("발행일", "Issued on"),
    "round": W["round"],
    # The company reads of *its* consultant, the one to call, as the report's sentences say it:
    # a longer form than the workbooks' column title (``WORDS["consultant"]``).
    "consultant": Msg("담당 컨설턴트", "Consultant"),
    "programme_label": Msg("사업", "Programme"),
    "confidential": Msg("대외비", "Confidential"),
    "confidential_text": Msg("이 보고서는 진단 기업과 울산 AI 사업단 담당자만 봅니다. 기업의 동의 "
                             "없이 복제하거나 다른 곳에 주지 않습니다.",
                             "For the diagnosed company and the Ulsan AI Programme staff only. "
                             "Not to be copied or passed on without the company's consent."),
    "contact": Msg("문의", "Contact"),
    "contents": Msg("차례", "Contents"),
    # part 1: the verdict
    "part_verdict": Msg("한눈에 보는 진단 결과", "The diagnosis at a glance"),
    "your_goal": Msg("대표님이 물으신 것", "What you asked"),
    "goal": Msg("목표", "Goal"),
    "pains": Msg("현장의 어려움", "Pain points"),
    "our_answer": Msg("답", "Our answer"),
    "no_answer": Msg("이 목표에 바로 답하는 과제는 카탈로그에 없습니다. 아래 과제와 함께 담당 "
                     "컨설턴트와 범위를 정하십시오.",
                     "No project of the catalogue answers this goal directly; settle the scope "
                     "with the consultant, with the projects below."),
    "verdict": Msg("컨설턴트 종합 의견", "Consultant's verdict"),
    "generated": Msg("자동 작성 요약", "Generated summary"),
    "generated_note": Msg("컨설턴트 의견이 아직 적히지 않아 진단 결과로 만든 문장입니다.",
                          "The consultant has not written a verdict yet; these sentences were "
                          "generated from the results."),
    "level": W["maturity_level"],
    "of_levels": Msg("/ 5단계", "of 5"),
    "score_scale": Msg("종합 점수 {s} (1~5점)", "Overall score {s} (scale 1-5)"),
    "smart_factory": Msg("귀사가 답한 스마트공장 수준", "Smart-factory level you reported"),
    "gated": Msg("단계 제한", "Level capped"),
    "value_at_stake": Msg("걸려 있는 가치", "Value at stake"),
    "per_year": Msg("연간 (추정)", "a year (estimate)"),
    "value_note": Msg("서로 다른 손실을 줄이는 과제만 더했습니다. 산정식과 가정은 부록 B에 "
                      "있습니다.",
                      "Only projects that reduce different losses are added up. Formulas and "
                      "assumptions are in appendix B."),
    "no_value": Msg("효과 금액을 낼 기업 수치(불량률, 정지 시간, 생산액 등)가 없습니다: 다음 "
                    "방문에서 확인합니다.",
                    "The company figures a value needs (defect rate, downtime, production value, "
                    "...) are missing: to be collected at the next visit."),
    "key_findings": Msg("주요 발견 세 가지", "Three key findings"),
    "seen": Msg("확인한 것", "What we saw"),
    "why_matters": Msg("왜 중요한가", "Why it matters"),
    "photos": Msg("증빙 사진 {n}장", "{n} evidence photo(s)"),
    "decisions": Msg("대표님이 결정할 것", "Decisions for the CEO"),
    "next_days": Msg("앞으로 90일", "The next 90 days"),
    "when": Msg("시기", "When"),
    "what": Msg("할 일", "What"),
    "who": Msg("담당", "Who"),
    "nothing_soon": Msg("90일 안에 시작하는 과제가 없습니다: 준비 단계부터 일정이 잡혀 있습니다.",
                        "Nothing starts within 90 days: the schedule begins with preparation."),
    "who_to_call": Msg("연락처", "Who to call"),
    # part 2: results and findings
    "part_results": Msg("진단 결과", "Results"),
    "overview": Msg("영역별 수준", "Level by dimension"),
    "dimension": W["dimension"],
    "band": W["level"],
    "score": W["score"],
    "median": Msg("비교 중앙값", "Median"),
    "completeness": Msg("응답 완성도", "Answered"),
    "insufficient": W["insufficient"],
    "no_score": W["no_score"],
    "chart_alt": Msg("영역별 점수(1~5점), 높은 순", "Scores by dimension (1-5), highest first"),
    "strengths": Msg("강점", "Strengths"),
    "no_strength": Msg("특이 강점 없음", "No particular strength"),
    "gaps": Msg("보완할 점", "Gaps"),
    "findings": Msg("영역별 진단", "Findings by dimension"),
    "next_level": Msg("다음 단계로 가려면", "To reach the next level"),
    "consultant_notes": Msg("현장 메모", "Notes from the visit"),
    "note": Msg("메모", "Note"),
    "unknowns": Msg("'모름'으로 답해 확인이 필요한 것", "Answered 'don't know', to be confirmed"),
    "peer_fallback": Msg("동종 그룹이 5개 사 미만이어서 더 넓은 그룹 '{group}'(n={n})과 "
                         "비교했습니다.",
                         "The peer group has fewer than 5 companies, so the broader group "
                         "'{group}' (n={n}) is shown."),
    "peer_none": Msg("비교할 동종 그룹(5개 사 이상)이 없어 동종 비교는 표시하지 않습니다.",
                     "No peer group of at least 5 companies: no peer comparison is shown."),
    "bench_note": Msg("비교 기준: {title}, {date} 기준, {group} 중앙값(n={n}). {status}",
                      "Compared with: {title}, as of {date}, median of {group} (n={n}). {status}"),
    "bench_fallback": Msg("같은 업종·규모 그룹이 벤치마크에 없어 더 넓은 그룹과 비교했습니다.",
                          "The benchmark has no group of this industry and size, so a broader "
                          "group is used."),
    "provisional": Msg("잠정치입니다: 부록 C의 출처를 보십시오.",
                       "Provisional figures: see the source in appendix C."),
    "batch_note": Msg("비교 기준: 같은 명령에서 함께 채점한 진단 가운데 {group} 중앙값(n={n}).",
                      "Compared with: the median of {group} among the assessments scored together "
                      "(n={n})."),
    # part 3: recommendations
    "part_recs": Msg("추천 과제와 로드맵", "Recommendations and roadmap"),
    "recs": Msg("추천 과제", "Recommended projects"),
    "recs_intro": Msg("우선순위 상·중·하는 대표 목표 부합, 투자 회수, 준비도, 현장 근거로 "
                      "정했습니다(산정식과 가중치는 부록 B). 금액은 추정치이며 지원 비율은 올해 "
                      "공고로 확인합니다.",
                      "High, medium and low priority come from fit to the CEO's goal, payback, "
                      "readiness and evidence from the site (formula and weights in appendix B). "
                      "Amounts are estimates; check subsidy rates against this year's call."),
    "priority": W["priority"],
    "why": Msg("추천 이유", "Why"),
    "to_check": Msg("확인 필요", "To be checked"),
    "schedule": Msg("일정", "Schedule"),
    "investment": Msg("투자 규모", "Investment"),
    "track": W["support_track"],
    "subsidy": Msg("지원", "Subsidy"),
    "window": Msg("신청", "Applications"),
    "own_share": Msg("자부담", "Own share"),
    "owner": Msg("담당", "Owner"),
    "kpi": Msg("성과 지표", "KPI"),
    "value": W["yearly_value"],
    "payback": Msg("회수 기간", "Payback"),
    "payback_text": Msg("자부담 {a}개월 · 총투자 {b}개월",
                        "own share {a} months · total {b} months"),
    "prepare_first": Msg("먼저 준비할 것", "Prepare first"),
    "alongside": Msg("과제와 병행", "alongside the project"),
    "rec_risks": Msg("유의할 점", "Watch out for"),
    "no_recs": Msg("추천할 과제가 없습니다.", "No recommendation applies."),
    "roadmap": Msg("24개월 로드맵", "24-month roadmap"),
    "roadmap_intro": Msg("분기별 일정입니다. 주황 막대는 먼저 준비할 것, 청록 막대는 과제, "
                         "화살표는 앞 단계가 끝나야 시작할 수 있음을 뜻합니다. 막대 옆은 "
                         "담당입니다.",
                         "By quarter. Amber bars are preparation steps, teal bars the projects; "
                         "an arrow means the step must finish first. The owner is written beside "
                         "each bar."),
    "gantt_year": Msg("{n}년 차", "Year {n}"),
    "gantt_months": Msg("개월 차", "Months"),
    "gantt_range": Msg("{a}~{b}", "{a}-{b}"),
    "gantt_beyond": Msg("→ {n}개월 차", "→ month {n}"),
    "gantt_alt": Msg("24개월 로드맵", "24-month roadmap"),
    "risks": Msg("위험과 대응", "Risks and responses"),
    "risk": Msg("위험", "Risk"),
    "in_company": Msg("이 회사에서", "Here"),
    "response": Msg("대응", "Response"),
    "risk_level": W["level"],
    # appendix
    "part_appendix": Msg("부록", "Appendix"),
    "profile": Msg("부록 A. 기업 정보", "Appendix A. Company profile"),
    "method": Msg("부록 B. 우선순위와 효과 산정", "Appendix B. Priority and value"),
    "priority_formula": Msg("우선순위 점수", "Priority score"),
    "value_method": Msg("과제별 연간 효과 산정", "Yearly value per project"),
    "formula": Msg("산정식", "Formula"),
    "inputs": Msg("입력값", "Inputs"),
    "term": Msg("항목", "Term"),
    "default": Msg("기본값", "default"),
    "benchmark": Msg("부록 C. 비교 기준", "Appendix C. Comparison"),
    "bench_source": Msg("출처", "Source"),
    "bench_method": Msg("방법", "Method"),
    "bench_date": Msg("기준일", "As of"),
    "bench_status": W["status"],
    "bench_provisional": Msg("잠정", "Provisional"),
    "bench_final": Msg("확정", "Final"),
    "bench_group": Msg("이 보고서의 비교 그룹", "This report's group"),
    "answers": Msg("부록 D. 메모·증빙이 있는 응답", "Appendix D. Answers with notes or evidence"),
    "answers_note": Msg("컨설턴트가 메모나 증빙을 붙인 응답입니다.",
                        "The answers the consultant added a note or evidence to."),
    "answers_rest": Msg("나머지 응답 {n}개는 응답 파일 {file}에 있습니다(발행 정보의 sha256으로 "
                        "같은 파일인지 확인). 문항 전문은 'diagnose questionnaire show'로 봅니다.",
                        "The other {n} answers are in the response file {file} (its sha256 in the "
                        "colophon identifies it); 'diagnose questionnaire show' prints the "
                        "questions."),
    "answers_rest_survey": Msg("나머지 응답 {n}개는 설문 파일 {file}의 이 기업 행에 있습니다. "
                               "문항 전문은 'diagnose questionnaire show'로 봅니다.",
                               "The other {n} answers are in this company's row of the survey "
                               "file {file}; 'diagnose questionnaire show' prints the questions."),
    "evidence_count": Msg("증빙 {n}건", "{n} evidence file(s)"),
    "evidence": Msg("부록 E. 증빙 목록", "Appendix E. Evidence"),
    "evidence_shown": Msg("본문에 실은 사진", "Photos shown in the findings"),
    "evidence_files": Msg("다른 증빙 파일 (보고서에 넣지 않음)",
                          "Other evidence files (not included in the report)"),
    "evidence_refused": Msg("보여 주지 않은 증빙", "Evidence not shown"),
    "question": W["question"],
    "answer": Msg("응답", "Answer"),
    "missing": ANSWERS["missing"],
    "hidden": ANSWERS["hidden"],
    "colophon": Msg("발행 정보", "Colophon"),
    "full_name": Msg("기업명", "Company"),  # in full: the cover may cut it
    "colophon_text": Msg("이 보고서는 아래 파일과 프로그램으로 만들었습니다. 같은 입력은 언제나 "
                         "같은 PDF를 만듭니다.",
                         "Made from the files and programs below; the same inputs always give the "
                         "same PDF."),
    "page": W["page"],
}
# Appendix B: how the priority score is made, term by term, and the rule for high/medium/low.
REPORT_METHOD: Section = {
    "goal": Msg("대표 목표 부합 (목표 1, 현장 고충 0.6, 그 밖 0)",
                "fit to the CEO's goal (goal 1, a stated pain 0.6, else 0)"),
    "value": Msg("투자 회수 (유지보수·운영비를 뺀 순효과로 자부담 회수 12·24·36개월 이내 1·0.75·0.5, "
                 "그 이상 0.25, 금액 없음 0.3, 법적 의무처럼 금액으로 셈하지 않는 과제 {u})",
                 "payback (own share back from the value net of upkeep within 12/24/36 months: "
                 "1/0.75/0.5, later 0.25, no figure 0.3, a duty not priced in KRW {u})"),
    "readiness": Msg("준비도 (1 - 준비 개월 수 / 12, 최소 0)",
                     "readiness (1 - months of preparation / 12, at least 0)"),
    "need": Msg("현장 근거 (맞는 신호의 가중 비율)",
                "need (weighted share of the signals that hold)"),
    "rules": Msg("상: 상위 {r}개 안에서 점수 {h} 이상, 6개월 안에 착수하고 적용이 확인되며, 금액이 있으면 "
                 "총사업비를 {p}개월 안에 회수함. "
                 "중: 점수 {m} 이상이거나 대표 목표에 답함. 하: 그 밖. 적용 여부 확인이 필요한 과제는 "
                 "점수 × 0.85.",
                 "High: among the first {r}, score {h} or more, a start within 6 months, "
                 "applicability known and, where priced, the whole investment back within {p} "
                 "months. Medium: score {m} or more, or it answers the CEO's goal. "
                 "Low: otherwise. A project still to be checked counts x 0.85."),
}
# The report's first two pages (``render.verdict``): roles, the 90-day plan, who to call, and
# the generated headline when the consultant wrote none.
VERDICT: Section = {
    "consultant": REPORT["consultant"],
    "office": Msg("사업단", "Programme office"),
    "starts": Msg("'{n}' 착수", "Start '{n}'"),
    "apply": Msg("'{t}' 신청", "Apply to '{t}'"),
    "next_call": Msg("'{t}' 다음 공고 확인, 신청 준비",
                     "Watch for the next call of '{t}' and prepare"),
    "check_apply": Msg("'{t}' 공고 확인 후 신청", "Check the call of '{t}', then apply"),
    "see_call": Msg("문의처는 사업 공고 참조", "contact details: see the call for applications"),
    "check_call": Msg("당해 연도 공고 확인", "check this year's call"),
    "with_consultant": Msg("대표이사 (컨설턴트 지원)", "CEO (with the consultant)"),
    "about_consultant": Msg("진단 결과, 과제 범위, 신청서 준비",
                            "the diagnosis, project scope, applications"),
    "about_office": Msg("트랙 모집 공고, 선정, 협약", "calls, selection, agreements"),
    # the facts of the project that answers the CEO's goal
    "after_steps": Msg("준비 과제 {n}건 뒤 {m} 착수", "starts in {m}, after {n} preparation step(s)"),
    "starts_in": Msg("{m} 착수", "starts in {m}"),
    "investment": Msg("투자 {i}, 자부담 {o}", "investment {i}, own share {o}"),
    "yearly": Msg("연간 효과 약 {v}(추정)", "about {v} a year (estimate)"),
    "payback": Msg("자부담 회수 약 {m}개월", "own share paid back in about {m} months"),
    "go_ahead": Msg("'{n}' 추진 승인: 자부담 {o}, {m} 착수 ({t})",
                    "Go-ahead for '{n}': own share {o}, start in {m} ({t})"),
    # the generated headline, sentence by sentence
    "headline.level": Msg("{c}의 AI 준비도는 5단계 중 {l}단계 '{n}'입니다.",
                          "{c} is at level {l} of 5, '{n}'."),
    "headline.gaps": Msg("가장 먼저 보완할 영역은 {d}입니다.",
                         "The areas to strengthen first are {d}."),
    "headline.goal": Msg("대표님의 목표 '{g}'에는 '{r}'로 답합니다({f}).",
                         "The CEO's goal, '{g}', is answered by '{r}' ({f})."),
    "headline.first": Msg("첫 과제는 '{r}'입니다({f}).", "The first project is '{r}' ({f})."),
}
# What the findings, the project cards and the roadmap write (``render.findings``).
FINDINGS: Section = {
    "lacking": Msg("{t} 가운데 없는 것: {m}", "{t}, missing: {m}"),
    "gate": Msg("종합 수준을 {c}단계로 묶고 있습니다(단계 제한).",
                "It holds the overall level at {c} (a gate)."),
    "waits": Msg("'{r}'은(는) 이 영역의 준비({s}) 뒤 {m}개월 차에 시작합니다.",
                 "'{r}' starts in month {m}, after this area's preparation ({s})."),
    "waits_short": Msg("'{r}'이(가) 이 영역의 준비를 기다립니다({m}개월 차 착수).",
                       "'{r}' waits for this area's preparation (starts in month {m})."),
    "shared": Msg("과제 {r} 공통", "for projects {r}"),
    "shared_separator": Msg("·", ", "),  # between the ranks of ``shared``
    "no_grant": Msg("현금 지원 없음(무상 자원)", "no cash grant (free resources)"),
    "subsidy": Msg("총사업비의 {share}%", "{share}% of the cost"),
    "subsidy_cap": Msg("총사업비의 {share}%, 한도 {cap}", "{share}% of the cost, up to {cap}"),
    "input_needed": Msg("입력 필요", "input needed"),
    "baseline_needed": Msg("{k} (기준값 측정 필요)", "{k} (baseline to be measured)"),
    "risk_oem": Msg("원청 {o} · 과제 {p}", "customers {o} · projects {p}"),
    "risk_psm": Msg("PSM 대상 · 과제 {p}", "PSM site · projects {p}"),
}
# The series of the dimension chart.
SERIES: Section = {
    "company": Msg("진단 기업", "This company"),
    "target": Msg("다음 단계 목표", "Next-level target"),
    "peers": Msg("동종 그룹 중앙값", "Peer-group median"),
    "benchmark": Msg("벤치마크 중앙값", "Benchmark median"),
}
# How much a risk of the register concerns this company.
RISK_LEVELS: Section = {
    "high": Msg("높음", "High"),
    "medium": Msg("보통", "Medium"),
    "low": Msg("해당 낮음", "Low"),  # the risk hardly applies here
}

# Every section by the name ``label`` and ``texts`` take. A new section joins by adding its
# dictionary here, its shared words pointing into ``WORDS``.
SECTIONS: dict[str, Section] = {
    "words": WORDS,
    "answers": ANSWERS,
    "booleans": BOOLEANS,
    "rounds": ROUNDS,
    "peers": PEERS,
    "score_table": SCORE_TABLE,
    "dimension_parts": DIMENSION_PARTS,
    "workbook": WORKBOOK,
    "question_types": QUESTION_TYPES,
    "priorities": PRIORITIES,
    "terminal": TERMINAL,
    "blank_sheet": BLANK_SHEET,
    "cohort_sheets": COHORT_SHEETS,
    "cohort_columns": COHORT_COLUMNS,
    "cohort_parts": COHORT_PARTS,
    "cohort_issues": COHORT_ISSUES,
    "cohort_track_row": COHORT_TRACK_ROW,
    "cohort": COHORT,
    "rec_statuses": REC_STATUSES,
    "kpi_verdicts": KPI_VERDICTS,
    "answer_states": ANSWER_STATES,
    "compare": COMPARE,
    "selection": SELECTION,
    "decision_columns": DECISION_COLUMNS,
    "city": CITY,
    "report": REPORT,
    "report_method": REPORT_METHOD,
    "verdict": VERDICT,
    "findings": FINDINGS,
    "series": SERIES,
    "risk_levels": RISK_LEVELS,
}


def msg(key: str) -> Msg:
    """The label ``section.name`` (a key without a known section: ``WORDS[key]``) as a ``Msg``,
    to ``format`` its slots. An unknown key is a programming error (``KeyError``)."""
    section, _, name = key.partition(".")
    if name and section in SECTIONS:
        return SECTIONS[section][name]
    return WORDS[key]


def label(key: str, lang: str) -> str:
    """The label ``key`` (see ``msg``) in ``lang`` (``en``, else Korean)."""
    return msg(key).render(lang)


def texts(section: str, lang: str) -> dict[str, str]:
    """A whole section in ``lang``: the ``labels`` a document's template reads."""
    return {key: text.render(lang) for key, text in SECTIONS[section].items()}


def as_text(text: Msg) -> dict[str, str]:
    """A label as content models hold text (``{"ko": ..., "en": ...}``)."""
    return {"ko": text.ko, "en": text.en}
