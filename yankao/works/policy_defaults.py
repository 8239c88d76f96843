"""The default works policy: grade bands, defect codes, deduction rates, the 丙等 checklist
and the three dated texts of the yearly inspection minimum (工程施工查核小組作業辦法 §4,
taken from the official texts; decision 0304). All of it is data an administrator edits.

Loaded by migrations 0002 (policy) and 0005 (§4) on a new database, and by
``services.policy.works_policy_seed`` (the demo city) where the tables were emptied."""

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

# The checklist a 丙等 brings: 工程施工查核小組作業辦法 §10 ¶3 (the agency acts under the
# contract and, after weighing who was responsible in the case, takes these measures);
# edit in administration.
CONSEQUENCES = [
    ("contract", "依契約規定處理（第10條第3項）", "Act under the contract (§10 ¶3)"),
    ("staff-discipline", "對所屬人員依法令為懲戒、懲處或移送司法機關（第10條第3項第1款）",
     "Discipline the agency's own staff under the law, or refer them to the judiciary "
     "(§10 ¶3 item 1)"),
    ("professionals", "對負責該工程之建築師、技師、專任工程人員或工地主任，報請各該主管機關"
     "依相關法規予以懲處或移送司法機關（第10條第3項第2款）",
     "Report the architect, engineers, resident engineer or site manager in charge to "
     "their authorities for discipline, or refer them to the judiciary (§10 ¶3 item 2)"),
    ("contractor-article-101", "廠商有政府採購法第101條第1項各款情形者，依第101條至第103條"
     "規定處理（第10條第3項第3款）",
     "Where the contractor falls under Government Procurement Act art. 101(1), act under "
     "arts. 101–103 (§10 ¶3 item 3)"),
    ("supervisor-staff", "通知監造單位撤換派駐現場人員（第10條第3項第4款）",
     "Tell the supervisor to replace its resident site staff (§10 ¶3 item 4)"),
    ("contractor-staff", "通知廠商依契約撤換工地負責人或品管人員或安全衛生人員"
     "（第10條第3項第5款）",
     "Tell the contractor to replace its site manager, quality-control or safety staff "
     "under the contract (§10 ¶3 item 5)"),
]

# The checklist shipped before the text of §10 was at hand (the city's own wording);
# migration 0005 retires these rows where they were never edited.
OLD_CONSEQUENCES = {
    "contractor-action": "主辦機關依契約規定對承攬廠商為適當處置",
    "supervisor-action": "主辦機關依契約規定對監造單位為適當處置",
    "site-staff": "要求承攬廠商更換工地主任或品管人員",
    "agency-staff": "主辦機關檢討所屬人員責任並依規定處理",
    "pcc-record": "查核結果登錄公共工程標案管理系統並通報工程會",
    "re-inspection": "查核小組排定複查",
}

LAW = ("工程施工查核小組作業辦法（全國法規資料庫 D0070080）; "
       "shipped texts: reference/laws/D0070080-2018.json, -2021.json, -2023.json")

# The three texts of §4 (工程施工查核小組作業辦法). Amounts are NT$ budget amounts (§4 ¶3 of
# 2021, ¶5 of 2023); 查核金額 for works is NT$50,000,000 and 公告金額 was NT$1,000,000 while
# the first text was in force.
# (code, title, citation, from, until, overall %, floor, excludes subsidised/delegated,
#  bands: (zh, en, from, below, band %, at least, item))
MINIMUM_VERSIONS = [
    ("2003", "工程施工查核小組作業辦法第4條（民國92年9月10日修正發布）",
     "工程施工查核小組作業辦法第4條（92年9月10日工程管字第09200368440號令，至110年3月18日）",
     dt.date(2003, 9, 10), dt.date(2021, 3, 18), Decimal("0"), 1_000_000, False, [
         ("查核金額以上", "At or above the supervision threshold (查核金額, NT$50 M)",
          50_000_000, None, Decimal("20"), 20, "§4 ¶1 item 1"),
         ("新臺幣一千萬元以上未達查核金額", "NT$10 M up to the supervision threshold",
          10_000_000, 50_000_000, Decimal("0"), 15, "§4 ¶1 item 2"),
         ("公告金額以上未達新臺幣一千萬元", "The announcement threshold (公告金額, NT$1 M) "
          "up to NT$10 M", 1_000_000, 10_000_000, Decimal("0"), 20, "§4 ¶1 item 3"),
     ]),
    ("2021", "工程施工查核小組作業辦法第4條（民國110年3月19日修正發布）",
     "工程施工查核小組作業辦法第4條（110年3月19日工程管字第1100300003號令，至112年8月8日）",
     dt.date(2021, 3, 19), dt.date(2023, 8, 8), Decimal("10"), 1_000_000, True, [
         ("新臺幣五千萬元以上", "NT$50 M or more", 50_000_000, None, Decimal("0"), 20,
          "§4 ¶1 item 1"),
         ("新臺幣一千萬元以上未達五千萬元", "NT$10 M up to NT$50 M", 10_000_000, 50_000_000,
          Decimal("0"), 15, "§4 ¶1 item 2"),
         ("新臺幣一百萬元以上未達一千萬元", "NT$1 M up to NT$10 M", 1_000_000, 10_000_000,
          Decimal("0"), 10, "§4 ¶1 item 3"),
     ]),
    ("2023", "工程施工查核小組作業辦法第4條（民國112年8月9日修正發布）",
     "工程施工查核小組作業辦法第4條（112年8月9日工程管字第1120300738號令）",
     dt.date(2023, 8, 9), None, Decimal("10"), 1_500_000, True, [
         ("新臺幣五千萬元以上", "NT$50 M or more", 50_000_000, None, Decimal("0"), 20,
          "§4 ¶1 item 1"),
         ("新臺幣一千萬元以上未達五千萬元", "NT$10 M up to NT$50 M", 10_000_000, 50_000_000,
          Decimal("0"), 15, "§4 ¶1 item 2"),
         ("新臺幣一百五十萬元以上未達一千萬元", "NT$1.5 M up to NT$10 M", 1_500_000,
          10_000_000, Decimal("0"), 10, "§4 ¶1 item 3"),
     ]),
]

# §4 ¶3 from 2023-08-09: the tenders to put first, with the priority list's reasons that
# fall in each.
PRIORITY_CATEGORIES_2023 = [
    (1, "民眾或廠商檢舉、媒體報導或有資料顯示疑有違失或異常之工程標案",
     "Reported by citizens or contractors, in the media, or suspected of faults or "
     "anomalies on the data", "citizen_reports,contractor_report,media,written_check"),
    (2, "決標標價偏低、履約進度明顯落後或多次、大幅變更契約之工程標案",
     "Awarded at a low price, clearly behind schedule, or with many or large contract "
     "changes", "low_award_ratio,behind,change_orders"),
    (3, "有資料顯示品質欠佳之工程標案", "Of poor quality on the data", "previous_poor"),
    (4, "其他經主管機關或設立機關指定者",
     "Designated by the competent authority or the team's agency", "designated"),
]


def load_minimum_versions(get_model) -> int:
    """Create the three texts of §4 where no version covers their dates; returns how many
    were created. ``get_model`` is a migration's ``apps.get_model`` or Django's."""
    from yankao.works.rules import versions_overlap

    MinimumFormula = get_model("works", "MinimumFormula")
    MinimumFormulaBand = get_model("works", "MinimumFormulaBand")
    PriorityCategory = get_model("works", "PriorityCategory")
    existing = [(f.effective_from, f.effective_until) for f in MinimumFormula.objects.all()]
    created = 0
    for (code, title, citation, start, until, overall, floor, excludes,
         bands) in MINIMUM_VERSIONS:
        if MinimumFormula.objects.filter(code=code).exists() or any(
                versions_overlap((start, until), other) for other in existing):
            continue
        formula = MinimumFormula.objects.create(
            code=code, title=title, citation=citation, effective_from=start,
            effective_until=until, overall_percent=overall, overall_floor_amount=floor,
            excludes_subsidised_and_delegated=excludes, source=LAW)
        for order, (zh, en, low, high, share, at_least, item) in enumerate(bands, start=1):
            MinimumFormulaBand.objects.create(
                formula=formula, label_zh=zh, label_en=en, min_amount=low, max_amount=high,
                percent=share, minimum_count=at_least, citation=item, sort_order=order)
        if code == "2023":
            for number, zh, en, reasons in PRIORITY_CATEGORIES_2023:
                PriorityCategory.objects.create(
                    formula=formula, number=number, text_zh=zh, text_en=en, reasons=reasons,
                    citation=f"§4 ¶3 item {number}")
        created += 1
    return created


def load_defaults(get_model) -> bool:
    """Create the default policy where there is none and the three texts of §4; ``get_model``
    is Django's ``apps.get_model``. Returns whether anything was created."""
    created = load_policy(get_model)
    return load_minimum_versions(get_model) > 0 or created


def load_policy(get_model) -> bool:
    """Create the default policy (grade bands, defect codes, deduction rates, the 丙等
    checklist) where there is none; ``get_model`` is a migration's ``apps.get_model`` or
    Django's. Returns whether anything was created."""
    WorksPolicy = get_model("works", "WorksPolicy")
    GradeBand = get_model("works", "GradeBand")
    DefectCode = get_model("works", "DefectCode")
    DeductionRate = get_model("works", "DeductionRate")
    ConsequenceTemplate = get_model("works", "ConsequenceTemplate")
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
    return True
