"""Monthly analysis reports (月分析) of program control, the service desk and public works,
built by the same machinery as the annual report."""

from yankao.reports.structure import Section as S
from yankao.reports.structure import Structure, with_keys

MONTHLY = (
    Structure(
        key="monthly-programs", title_zh="列管計畫執行月分析", title_en="Monthly program analysis",
        sections=with_keys((
            S("一", "執行進度", "Progress", "programs",
              figures=("programs.controlled", "programs.on_schedule", "programs.on_schedule_share",
                       "programs.behind", "programs.behind_share"),
              charts=("programs.delay_trend",)),
        )),
    ),
    Structure(
        key="monthly-servicedesk", title_zh="為民服務案件月分析",
        title_en="Monthly service-desk analysis",
        sections=with_keys((
            S("一", "案件受理", "Cases received", "servicedesk",
              figures=("servicedesk.petitions_total", "servicedesk.mailbox",
                       "servicedesk.petitions", "servicedesk.dispatch"),
              tables=("servicedesk.by_category",)),
            S("二", "處理時效", "Handling times", "servicedesk",
              figures=("servicedesk.on_time", "servicedesk.dispatch_four_hour",
                       "servicedesk.dispatch_excluded", "servicedesk.satisfaction")),
            S("三", "1999 話務", "The 1999 hotline", "servicedesk",
              figures=("servicedesk.calls", "servicedesk.consultation_share",
                       "servicedesk.answered_at_once")),
        )),
    ),
    Structure(
        key="monthly-works", title_zh="公共工程查核月分析",
        title_en="Monthly public-works analysis",
        sections=with_keys((
            S("一", "標案進度", "Tender progress", "works", tables=("works.compliance",)),
            S("二", "查核與缺失", "Inspections and defects", "works",
              figures=("works.inspections", "works.re_inspections", "works.legal_minimum"),
              tables=("works.grades",)),
        )),
    ),
)
