"""The annual performance report (施政績效成果報告) of the commission, as Kaohsiung RDEC's
2018 edition lays it out. ``module=None`` marks functions no module of Yankao records yet;
they are left out of the generated report, and the report lists them."""

from yankao.reports.structure import Section as S
from yankao.reports.structure import Structure, with_keys

ANNUAL = Structure(
    key="annual",
    title_zh="施政績效成果報告",
    title_en="Annual performance report",
    sections=with_keys((
        S("壹", "研究發展", "Research and development", children=(
            S("一", "推動研究發展工作", "Research and development work", children=(
                S("(一)", "市政創新提案", "Staff innovation proposals", "participation"),
                S("(二)", "專題委託研究", "Commissioned research", "research"),
                S("(三)", "獎補助博、碩士論文", "Thesis grants", "research"),
            )),
            S("二", "彙編各項工作報告", "Compiling the city's reports", "research"),
            S("三", "審查出國報告", "Reviewing overseas-trip reports", "research"),
            S("四", "推動為民服務工作", "Promoting public-service quality"),
            S("五", "編印「城市發展」半年刊", "The City Development journal", "research"),
            S("六", "營造英語生活環境", "An English-friendly city", "research"),
            S("七", "公民參與", "Citizen participation", "participation"),
            S("八", "大學校長與市長聯誼會", "University presidents and the mayor"),
            S("九", "大陸事務", "Mainland affairs"),
        )),
        S("貳", "綜合計畫", "Planning", children=(
            S("一", "市政計畫審查與評估", "Reviewing and evaluating the city's plans", children=(
                S("(一)", "推展市政建設中程計畫", "The medium-term plan and its KPIs", "programs",
                  figures=("programs.kpi_achievement_previous",)),
                S("(二)", "推動年度重要施政計畫先期作業", "Budget pre-review of key programs",
                  "programs", figures=("programs.pre_review_requested",
                                       "programs.pre_review_meetings", "programs.pre_review_visits",
                                       "programs.pre_review_public", "programs.pre_review_fund")),
            )),
            S("二", "策定年度施政計畫", "Drafting the annual policy plan", children=(
                S("(一)", "策訂施政綱要", "Policy outline"),
                S("(二)", "審編施政計畫", "Compiling the policy plan"),
            )),
            S("三", "辦理國家建設總合評估規劃作業計畫暨推動跨域合作",
              "National development evaluation and cross-region cooperation"),
        )),
        S("參", "管制考核", "Program control and evaluation", children=(
            S("一", "列管計畫評核", "Evaluation of controlled programs", children=(
                S("(一)", "施政計畫評核", "Controlled programs", "programs",
                  figures=("programs.controlled", "programs.on_schedule",
                           "programs.on_schedule_share", "programs.behind",
                           "programs.behind_share"),
                  tables=("programs.grades_previous_year",), charts=("programs.delay_trend",)),
                S("(二)", "市營事業機構年度考核", "Municipal enterprise evaluations", "programs",
                  tables=("programs.enterprises",)),
                S("(三)", "基本設施補助計畫案件列管", "Basic-infrastructure subsidy cases",
                  "programs", figures=("programs.subsidy_budget", "programs.subsidy_cases",
                                       "programs.subsidy_meetings", "programs.subsidy_closed",
                                       "programs.subsidy_execution")),
                S("(四)", "道路交通安全業務督導考核", "Road-safety supervision", "programs",
                  figures=("programs.road_safety", "programs.road_safety_adopted")),
            )),
            S("二", "公文處理督導考核", "Official document processing", "programs",
              tables=("programs.documents",)),
            S("三", "議會議決案辦理情形彙整", "City council resolutions", "programs",
              tables=("programs.council_resolutions",)),
        )),
        S("肆", "工程查核", "Public works inspection", children=(
            S("一", "公共工程品質查核", "Quality inspections", "works",
              figures=("works.inspections", "works.re_inspections", "works.legal_minimum",
                       "works.minimum_ratio"),
              tables=("works.grades",), charts=("works.grade_chart",)),
            S("二", "公共工程進度追蹤管制及查核", "Progress tracking and checks", "works"),
            S("三", "標案管理系統控管", "Tender system updates", "works",
              figures=("works.update_compliance",), tables=("works.compliance",)),
            S("四", "全民督工", "Citizen works reports", "works",
              figures=("works.citizen_reports", "works.citizen_satisfied",
                       "works.citizen_dissatisfied", "works.citizen_inspections",
                       "works.citizen_inspection_rate")),
            S("五", "辦理工程教育訓練", "Engineering training", "works",
              figures=("works.training_sessions", "works.training_attendance"),
              tables=("works.training",)),
        )),
        S("伍", "為民服務—聯合服務業務", "Public service: the joint service centre",
          "servicedesk"),
        S("陸", "資訊業務", "Information services", children=(
            S("一", "資訊整合規劃設計與推廣", "Information integration", children=(
                S("(一)", "機關資訊共享平台功能提升", "The agencies' information-sharing platform"),
                S("(二)", "市政資訊視覺化平台功能提升", "Dashboards of the city's work", "reports",
                  figures=("reports.dashboards",)),
                S("(三)", "資料開放平台功能提昇", "The open-data platform", "opendata"),
                S("(四)", "行動化地理性資料整合系統功能提升", "The mobile geographic data system"),
                S("(五)", "跨機關系統整合研究規劃案", "Cross-agency integration and hackathons",
                  "participation"),
            )),
            S("二", "市政網站及郵件服務管理", "City websites and e-mail", children=(
                S("(一)", "全府全球資訊網暨機關網站整合服務平台", "The city's website platform"),
                S("(二)", "機關網站平台軟硬體功能擴充", "Agency website hosting"),
                S("(三)", "全府電子郵件帳號管理系統", "Staff e-mail accounts"),
                S("(四)", "高雄城市資料平台功能提升", "The city data platform", "citydata"),
                S("(五)", "單一帳號認證平台功能提昇", "Single sign-on"),
            )),
            S("三", "機房網路及資安防護", "Data centre, network and security", children=(
                S("(一)", "建置異地備份系統", "Off-site backup"),
                S("(二)", "虛擬化資訊平台擴充", "Virtualisation"),
                S("(三)", "網路頻寬統計與分析管理", "Bandwidth monitoring"),
                S("(四)", "建置伺服器負載平衡系統", "Server load balancing"),
                S("(五)", "iTaiwan 無線網路服務", "iTaiwan Wi-Fi"),
                S("(六)", "智慧路燈建置", "Smart street lights", "citydata"),
                S("(七)", "四維共構機房電力系統迴路調整", "Data-centre power"),
                S("(八)", "前瞻計畫資安區域聯防", "Regional security operations"),
            )),
        )),
    )),
)
