"""Reference data every city starts with: the policy defaults, grade scales, score
components and categories of the reference report. Administrators change them afterwards.

:func:`ensure_reference_data` creates what is missing and never changes what exists. It is
called by the data migration (with historical models) and by the demo loader.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

POLICY_DEFAULT = {
    "effective_from": dt.date(2011, 1, 1),
    "delay_minor_points": Decimal("5.00"),
    "delay_severe_points": Decimal("10.00"),
    "report_due_day": 10,
    "budget_execution_floor_pct": Decimal("80.00"),
    "document_overdue_flag_pct": Decimal("3.00"),
    "source": "高雄市政府列管計畫評鑑要點；高雄市政府文書處理手冊",
}

PROGRAM_GRADES = "program-year-end"
ENTERPRISE_GRADES = "enterprise"

# (code, name_zh, name_en, [(label_zh, label_en, min_score), ...])
GRADE_SCALES = [
    (PROGRAM_GRADES, "列管計畫年終考核等第", "Year-end grades of controlled programs", [
        ("優等", "Excellent", Decimal(90)),
        ("甲等", "Grade A", Decimal(80)),
        ("乙等", "Grade B", Decimal(70)),
        ("丙等", "Grade C", Decimal(0)),
    ]),
    (ENTERPRISE_GRADES, "所屬事業機構經營績效考核等第", "Grades of municipal enterprises", [
        ("甲等", "Grade A", Decimal(80)),
        ("乙等", "Grade B", Decimal(70)),
        ("丙等", "Grade C", Decimal(60)),
        ("丁等", "Grade D", Decimal(0)),
    ]),
]

# (code, name_zh, name_en, default weight in %)
SCORE_COMPONENTS = [
    ("progress", "計畫執行進度", "Progress against plan", 40),
    ("budget", "經費執行", "Budget execution", 20),
    ("kpi", "績效指標達成", "KPI achievement", 20),
    ("quality", "執行品質與效益", "Quality and results", 20),
]

DOCUMENT_CATEGORIES = [
    ("general", "一般公文", "General documents"),
    ("legislator", "立委質詢", "Legislators' interpellations"),
    ("application", "人民申請", "Applications by the public"),
    ("petition", "人民陳情", "Petitions"),
    ("appeal", "訴願", "Administrative appeals"),
    ("project", "專案管制", "Specially controlled documents"),
    ("control-yuan", "監察案件", "Control Yuan cases"),
]

DOCUMENT_URGENCIES = [
    ("most-urgent", "最速件", "Most urgent", 1),
    ("urgent", "速件", "Urgent", 3),
    ("normal", "普通件", "Normal", 6),
]

RESOLUTION_CATEGORIES = [
    ("interior", "內政", "Interior affairs"),
    ("social", "社政", "Social affairs"),
    ("finance", "財經", "Finance and economy"),
    ("education", "教育", "Education"),
    ("agriculture", "農林", "Agriculture and forestry"),
    ("transport", "交通", "Transport"),
    ("health-environment", "衛生環境", "Health and environment"),
    ("public-works", "工務", "Public works"),
]

RECOMMENDATION_TOPICS = [
    ("road-safety", "道路交通安全", "Road safety"),
    ("other", "其他", "Other"),
]


def ensure_reference_data(apps) -> int:
    """Create the missing reference rows; returns how many were created."""
    created = 0

    def get_or_create(model_name: str, lookup: dict, defaults: dict):
        nonlocal created
        model = apps.get_model("programs", model_name)
        obj, made = model.objects.get_or_create(**lookup, defaults=defaults)
        created += int(made)
        return obj

    policy = apps.get_model("programs", "ControlPolicy")
    if not policy.objects.exists():
        policy.objects.create(**POLICY_DEFAULT)
        created += 1
    for code, name_zh, name_en, bands in GRADE_SCALES:
        scale = get_or_create("GradeScale", {"code": code},
                              {"name_zh": name_zh, "name_en": name_en})
        if not scale.bands.exists():
            for label_zh, label_en, min_score in bands:
                get_or_create("GradeBand", {"scale": scale, "label_zh": label_zh},
                              {"label_en": label_en, "min_score": min_score})
    for order, (code, name_zh, name_en, weight) in enumerate(SCORE_COMPONENTS):
        get_or_create("ScoreComponent", {"code": code},
                      {"name_zh": name_zh, "name_en": name_en, "sort_order": order,
                       "default_weight": weight})
    for order, (code, name_zh, name_en) in enumerate(DOCUMENT_CATEGORIES):
        get_or_create("DocumentCategory", {"code": code},
                      {"name_zh": name_zh, "name_en": name_en, "sort_order": order})
    for order, (code, name_zh, name_en, days) in enumerate(DOCUMENT_URGENCIES):
        get_or_create("DocumentUrgency", {"code": code},
                      {"name_zh": name_zh, "name_en": name_en, "limit_days": days,
                       "sort_order": order})
    for order, (code, name_zh, name_en) in enumerate(RESOLUTION_CATEGORIES):
        get_or_create("ResolutionCategory", {"code": code},
                      {"name_zh": name_zh, "name_en": name_en, "sort_order": order})
    for code, name_zh, name_en in RECOMMENDATION_TOPICS:
        get_or_create("RecommendationTopic", {"code": code},
                      {"name_zh": name_zh, "name_en": name_en})
    return created
