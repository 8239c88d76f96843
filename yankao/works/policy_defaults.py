"""The default works policy: grade bands, defect codes, deduction rates, the 丙等 checklist
and the two versions of the yearly inspection minimum. All of it is data an administrator
edits; see docs/decisions/0300-works-inspection-minimum.md for what is and is not verified.

Loaded by migration 0002 on a new database, and by ``services.policy.works_policy_seed``
(the demo city) where the tables were emptied."""

import datetime as dt
from decimal import Decimal

GRADE_BANDS = [
    ("excellent", "優等", "Excellent", 90, False),
    ("good", "甲等", "Good", 80, False),
    ("fair", "乙等", "Fair", 70, False),
    ("poor", "丙等", "Poor", 0, True),
]

DEFECT_CODES = [
    ("4.01", "agency", "主辦機關品質管理", "Agency's quality management"),
    ("4.02", "supervisor", "監造單位品質保證", "Supervisor's quality assurance"),
    ("4.03", "contractor", "承攬廠商品質管制", "Contractor's quality control"),
    ("5.01", "workmanship", "混凝土施工", "Concrete work"),
    ("5.02", "workmanship", "鋼筋施工", "Reinforcement work"),
    ("5.03", "workmanship", "模板及支撐", "Formwork and shoring"),
    ("5.04", "workmanship", "瀝青混凝土鋪面", "Asphalt paving"),
    ("5.05", "workmanship", "土方及回填夯實", "Earthwork, backfill and compaction"),
    ("5.06", "workmanship", "排水及管線", "Drainage and pipework"),
    ("5.07", "workmanship", "職業安全衛生設施", "Site safety and health"),
    ("5.08", "workmanship", "交通維持及環境保護",
     "Traffic management and environmental protection"),
    ("6.01", "progress", "施工進度", "Construction progress"),
    ("7.01", "design", "規劃設計", "Planning and design"),
    ("7.02", "design", "設計圖說與現場不符", "Drawings that do not match the site"),
]

# The city's table of NT$ per deduction point by contract size.
DEDUCTION_RATES = [(0, 1_000), (10_000_000, 2_000), (50_000_000, 4_000), (200_000_000, 6_000)]

# The city's checklist for a 丙等 (its own wording of §10; edit in administration).
CONSEQUENCES = [
    ("contractor-action", "主辦機關依契約規定對承攬廠商為適當處置",
     "The agency acts against the contractor under the contract"),
    ("supervisor-action", "主辦機關依契約規定對監造單位為適當處置",
     "The agency acts against the supervisor under the contract"),
    ("site-staff", "要求承攬廠商更換工地主任或品管人員",
     "The contractor replaces its site manager or quality-control staff"),
    ("agency-staff", "主辦機關檢討所屬人員責任並依規定處理",
     "The agency reviews the responsibility of its own staff"),
    ("pcc-record", "查核結果登錄公共工程標案管理系統並通報工程會",
     "The result is entered in the PCC tender system and reported to the PCC"),
    ("re-inspection", "查核小組排定複查", "The inspection team schedules a re-inspection"),
]

UNVERIFIED = (
    "NOT VERIFIED. The text of 工程施工查核小組作業辦法 §4 could not be retrieved when this "
    "was built; the shares below are assumed, not taken from the law, and an administrator "
    "must check them against the official text and correct them. The amount bands follow "
    "the procurement levels of the Government Procurement Act "
    "(公告金額, 查核金額 and 巨額 for works)."
)

FORMULAS = [
    ("2018", "工程施工查核小組作業辦法第4條（2018年施行版本）", dt.date(2018, 1, 1), 1_000_000),
    ("2023", "工程施工查核小組作業辦法第4條（2023年施行版本）", dt.date(2023, 1, 1), 1_500_000),
]


def bands(announcement_threshold):
    return [
        ("巨額採購", "Very large (巨額) works", 200_000_000, None, Decimal("20"), 0, 1),
        ("查核金額以上未達巨額", "From the supervision threshold (查核金額) to 巨額",
         50_000_000, 200_000_000, Decimal("10"), 0, 2),
        ("公告金額以上未達查核金額", "From the announcement threshold (公告金額) to 查核金額",
         announcement_threshold, 50_000_000, Decimal("5"), 0, 3),
    ]


def load_defaults(get_model) -> bool:
    """Create the default policy where there is none; ``get_model`` is a migration's
    ``apps.get_model`` or Django's. Returns whether anything was created."""
    WorksPolicy = get_model("works", "WorksPolicy")
    GradeBand = get_model("works", "GradeBand")
    DefectCode = get_model("works", "DefectCode")
    DeductionRate = get_model("works", "DeductionRate")
    ConsequenceTemplate = get_model("works", "ConsequenceTemplate")
    MinimumFormula = get_model("works", "MinimumFormula")
    MinimumFormulaBand = get_model("works", "MinimumFormulaBand")
    if WorksPolicy.objects.exists():
        return False
    policy = WorksPolicy.objects.create(
        effective_from=dt.date(2000, 1, 1),
        note="Grade bands and the 69-point rule: 工程施工查核小組作業辦法 §7–8; record due "
             "in 7 working days: §9; update day 6: the city's supplementary rules.",
    )
    for code, zh, en, minimum, consequences in GRADE_BANDS:
        GradeBand.objects.create(policy=policy, code=code, label_zh=zh, label_en=en,
                                 min_score=minimum, triggers_consequences=consequences)
    for code, group, zh, en in DEFECT_CODES:
        DefectCode.objects.create(code=code, group=group, title_zh=zh, title_en=en)
    for minimum, amount in DEDUCTION_RATES:
        DeductionRate.objects.create(effective_from=dt.date(2000, 1, 1),
                                     min_contract_amount=minimum, amount_per_point=amount)
    for order, (code, zh, en) in enumerate(CONSEQUENCES, start=1):
        ConsequenceTemplate.objects.create(code=code, text_zh=zh, text_en=en, sort_order=order)
    for code, title, effective, threshold in FORMULAS:
        formula = MinimumFormula.objects.create(code=code, title=title, effective_from=effective,
                                                source=UNVERIFIED, verified=False)
        for zh, en, low, high, percent, at_least, order in bands(threshold):
            MinimumFormulaBand.objects.create(
                formula=formula, label_zh=zh, label_en=en, min_amount=low, max_amount=high,
                percent=percent, minimum_count=at_least, sort_order=order,
            )
    return True
