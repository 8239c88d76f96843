"""Reference data of open data, loaded by migration 0002 and by ``reference_data_ensure``.

Service categories: the national portal's ``categoryService`` codes (服務分類, as used in
its cross-platform exchange, e.g. I00 for 公共資訊 in the example of
政府資料開放跨平臺介接規範). Licences: the Open Government Data License of Taiwan
(政府資料開放授權條款－第1版, the national default) and common Creative Commons ones; the
national code "1" for it is the value of ``license`` in the portal's own metadata example.
"""

from __future__ import annotations

# (code, CKAN group name, Chinese, English)
SERVICE_CATEGORIES = [
    ("100", "fertility", "生育保健", "Pregnancy and health care"),
    ("200", "birth", "出生及收養", "Birth and adoption"),
    ("300", "study", "求學及進修", "Education and study"),
    ("400", "military-service", "服兵役", "Military service"),
    ("500", "employment", "求職及就業", "Jobs and employment"),
    ("600", "business", "開創事業", "Starting a business"),
    ("700", "marriage", "婚姻", "Marriage"),
    ("800", "investment", "投資理財", "Investment and finance"),
    ("900", "travel", "休閒旅遊", "Leisure and travel"),
    ("A00", "transport", "交通及通訊", "Transport and communication"),
    ("B00", "medical", "就醫", "Medical care"),
    ("C00", "housing", "購屋及遷徙", "Housing and moving"),
    ("D00", "elections", "選舉及投票", "Elections and voting"),
    ("E00", "safety", "生活安全及品質", "Safety and quality of life"),
    ("F00", "retirement", "退休", "Retirement"),
    ("G00", "elderly-care", "老年安養", "Care of the elderly"),
    ("H00", "funerals", "生命禮儀", "Funerals and memorials"),
    ("I00", "public-information", "公共資訊", "Public information"),
]

# (code, Chinese title, English title, url, open, national code, default)
LICENCES = [
    ("OGDL-Taiwan-1.0", "政府資料開放授權條款－第1版", "Open Government Data License, version 1.0",
     "https://data.gov.tw/license", True, "1", True),
    ("CC-BY-4.0", "創用CC 姓名標示 4.0 國際", "Creative Commons Attribution 4.0 International",
     "https://creativecommons.org/licenses/by/4.0/", True, "", False),
    ("CC0-1.0", "CC0 1.0 公眾領域貢獻宣告", "CC0 1.0 Universal Public Domain Dedication",
     "https://creativecommons.org/publicdomain/zero/1.0/", True, "", False),
    ("CC-BY-NC-4.0", "創用CC 姓名標示－非商業性 4.0 國際",
     "Creative Commons Attribution-NonCommercial 4.0 International",
     "https://creativecommons.org/licenses/by-nc/4.0/", False, "", False),
    ("agencies-only", "僅供機關間共享", "For use between agencies only", "", False, "", False),
]

# Working days an agency has to answer a published request or comment (the city's rule;
# a formal application under 政府資訊公開法 §12 has its own 15-day limit).
DEFAULT_ANSWER_WORKING_DAYS = 10
DEFAULT_POLICY_FROM = "2010-01-01"


def load_reference(get_model) -> None:
    """Create what is missing (``get_model`` is ``apps.get_model`` or a real-model lookup)."""
    import datetime as dt

    category = get_model("opendata", "ServiceCategory")
    for order, (code, slug, zh, en) in enumerate(SERVICE_CATEGORIES):
        category.objects.get_or_create(code=code, defaults={
            "slug": slug, "name_zh": zh, "name_en": en, "sort_order": order})
    licence = get_model("opendata", "Licence")
    for code, zh, en, url, is_open, national, default in LICENCES:
        licence.objects.get_or_create(code=code, defaults={
            "title_zh": zh, "title_en": en, "url": url, "is_open": is_open,
            "national_code": national, "is_default": default})
    policy = get_model("opendata", "RequestPolicy")
    if not policy.objects.exists():
        policy.objects.create(effective_from=dt.date.fromisoformat(DEFAULT_POLICY_FROM),
                              answer_working_days=DEFAULT_ANSWER_WORKING_DAYS)
