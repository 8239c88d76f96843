"""Figures of research and publications (section 壹), from ``yankao.research.selectors``
only."""

from __future__ import annotations

from yankao.reports.figures import Figure, Period, Table, Value, once_per_build, pick, register
from yankao.research import selectors as s


@once_per_build
def research(period: Period):
    return s.research_figures(year=period.year)


@once_per_build
def courtesy(period: Period):
    return s.courtesy_figures(year=period.year)


@once_per_build
def service(period: Period):
    return s.service_award_figures(year=period.year)


def figure(key, zh, en, method_zh, method_en, compute, records=None, unit=("", "")):
    return Figure(key=f"research.{key}", module="research", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  unit_zh=unit[0], unit_en=unit[1])


def _public(period: Period) -> str:
    return "/research/"


def _courtesy_url(period: Period) -> str:
    return f"/staff/research/courtesy/{period.year}/"


def _no_courtesy(period: Period) -> Value:
    """Words for a year without courtesy tests (and no link: their page does not exist)."""
    return Value.none(pick(f"{period.year}年度無電話禮貌測試紀錄。",
                           f"No phone courtesy test in {period.year}."))


def _courtesy_value(period: Period, pick_value) -> Value:
    found = courtesy(period)
    return Value.count(pick_value(found)) if found else _no_courtesy(period)


def _round_mean(period: Period, number: int) -> Value:
    found = courtesy(period)
    if not found:
        return _no_courtesy(period)
    if len(found.rounds) < number:
        return Value(None, "—")
    mean = found.rounds[number - 1].mean
    return Value(mean, "—" if mean is None else f"{mean}")


def _courtesy_rows(period: Period):
    found = courtesy(period)
    return [[r.round, r.calls, r.mean] for r in (found.rounds if found else [])]


register(
    figure("studies_finished", "完成期末報告之委託研究", "Commissioned studies finished",
           "期末報告於該年度完成之委託研究案數。",
           "Commissioned studies whose final report was accepted in the year.",
           lambda p: Value.count(research(p).studies_finished), _public, unit=("案", "")),
    figure("studies_running", "進行中之委託研究", "Commissioned studies under way",
           "該年度簽約、尚在進行之委託研究案數。",
           "Studies contracted in the year and still under way.",
           lambda p: Value.count(research(p).studies_running), _public, unit=("案", "")),
    figure("thesis_grants", "論文研究經費補助", "Thesis grants",
           "該年度核定補助撰寫論文之研究生人數。",
           "Students granted funds for their thesis in the year.",
           lambda p: Value.count(research(p).thesis_grants), None, unit=("位", "")),
    figure("thesis_awards", "優良學位論文獎勵", "Thesis awards",
           "該年度評獲優良學位論文獎勵者。", "Theses given an award in the year.",
           lambda p: Value.count(research(p).thesis_awards), None, unit=("位", "")),
    figure("trip_reports", "公開之出國報告", "Overseas-trip reports published",
           "該年度審查後公開之出國報告數。", "Trip reports reviewed and published in the year.",
           lambda p: Value.count(research(p).trip_reports), _public, unit=("份", "")),
    figure("trip_recommendations", "出國報告建議事項", "Trip recommendations sent",
           "函請機關研究參採之建議事項數。", "Recommendations sent to agencies for action.",
           lambda p: Value.count(research(p).recommendations), _public, unit=("項", "")),
    figure("trip_answered", "已回復之建議事項", "Recommendations answered",
           "機關已回復參採情形之建議事項數。", "Recommendations the agencies answered.",
           lambda p: Value.count(research(p).recommendations_answered), _public,
           unit=("項", "")),
    figure("journal_issues", "「城市發展」出刊期數", "City Development issues",
           "該年度出版之期數。", "Issues published in the year.",
           lambda p: Value.count(research(p).journal_issues), _public, unit=("期", "")),
    figure("glossary_terms", "新增審議英譯", "Glossary terms approved",
           "該年度審議通過之雙語詞彙數。", "Bilingual glossary terms approved in the year.",
           lambda p: Value.count(research(p).glossary_terms), lambda p: "/glossary/",
           unit=("項", "")),
    figure("service_nominees", "政府服務獎報名機關", "Service award nominees",
           "報名參獎之機關數。", "Agencies nominated for the Government Service Award.",
           lambda p: Value.count(service(p).nominated), None, unit=("個", "")),
    figure("service_recommended", "推薦參加政府服務獎", "Recommended for the award",
           "經書審、初審、實審推薦之機關數。",
           "Agencies recommended after the written, first and site reviews.",
           lambda p: Value.count(service(p).recommended), None, unit=("個", "")),
    figure("courtesy_agencies", "電話禮貌測試受測機關", "Agencies in the courtesy tests",
           "抽樣計畫之受測機關數。", "Agencies in the sampling plan.",
           lambda p: _courtesy_value(p, lambda f: f.agencies), _courtesy_url, unit=("個", "")),
    figure("courtesy_calls", "每次測試通數", "Test calls per round",
           "抽樣計畫每次撥打之測試電話通數。", "Test calls planned for each round.",
           lambda p: _courtesy_value(p, lambda f: f.calls_per_round), _courtesy_url,
           unit=("通", "")),
    figure("courtesy_samples", "測試樣本", "Test samples",
           "各次已完成評分之測試電話合計。", "Scored test calls of all rounds.",
           lambda p: _courtesy_value(p, lambda f: f.samples), _courtesy_url, unit=("份", "")),
    figure("courtesy_first", "第一次測試市府總體成績", "City score, first round",
           "第一次測試各通電話成績之平均，四捨五入至小數第二位。",
           "Mean score of the first round's calls, rounded half up to two places.",
           lambda p: _round_mean(p, 1), _courtesy_url, unit=("分", "")),
    figure("courtesy_second", "第二次測試市府總體成績", "City score, second round",
           "第二次測試各通電話成績之平均，四捨五入至小數第二位。",
           "Mean score of the second round's calls, rounded half up to two places.",
           lambda p: _round_mean(p, 2), _courtesy_url, unit=("分", "")),
    Table(key="research.courtesy_rounds", module="research", title_zh="電話禮貌測試",
          title_en="Phone courtesy tests", method_zh="各次測試之通數與平均成績。",
          method_en="Calls and mean score of each round.",
          columns=lambda language: (["Round", "Calls", "Mean score"]
                                    if language.startswith("en") else ["次別", "通數", "平均成績"]),
          rows=_courtesy_rows, records=_courtesy_url),
)
