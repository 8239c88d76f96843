"""Figures of participation (section 壹 and 陸.一.(五)), from
``yankao.participation.selectors`` only."""

from __future__ import annotations

from yankao.participation import selectors as s
from yankao.reports.figures import Figure, Period, Table, Value, once_per_build, pick, register


@once_per_build
def awards(period: Period):
    return s.award_figures(year=period.year)


@once_per_build
def youth(period: Period):
    return s.budget_figures(year=period.year, code_prefix="youth")


@once_per_build
def district(period: Period):
    return s.budget_figures(year=period.year, code_prefix="qianzhen")


@once_per_build
def events(period: Period):
    return s.event_figures(year=period.year)


def figure(key, zh, en, method_zh, method_en, compute, records=None, unit=("", "")):
    return Figure(key=f"participation.{key}", module="participation", label_zh=zh,
                  label_en=en, method_zh=method_zh, method_en=method_en, compute=compute,
                  records=records, unit_zh=unit[0], unit_en=unit[1])


def _awards_url(period: Period) -> str:
    return f"/staff/participation/awards/{period.year}/"


def _award_value(period: Period, pick_value) -> Value:
    """A figure of the year's innovation awards, or words saying the year had no round
    (then no link either: the round's page does not exist)."""
    found = awards(period)
    if not found:
        return Value.none(pick(f"{period.year}年度無市政創新提案評獎紀錄。",
                               f"No innovation award round in {period.year}."))
    return Value.count(pick_value(found))


def _award_count(period: Period, attribute: str) -> Value:
    return _award_value(period, lambda found: getattr(found, attribute))


def _tier_rows(period: Period):
    found = awards(period)
    return [[tier.name, tier.quota, tier.awarded] for tier in (found.tiers if found else [])]


register(
    figure("innovation_proposals", "市政創新提案", "Staff innovation proposals",
           "該年度評獎各機關薦送之創新提案件數。",
           "Innovation proposals the agencies submitted to the year's round.",
           lambda p: _award_count(p, "proposals"), _awards_url, unit=("案", "")),
    figure("innovation_judges", "評審小組委員", "Judges on the panel",
           "評審小組委員人數（府外專家學者及府內代表）。",
           "Judges on the panel, outside experts and city representatives.",
           lambda p: _award_count(p, "judges"), _awards_url, unit=("名", "")),
    figure("innovation_awarded", "獲獎提案", "Awarded proposals",
           "依事先宣告之計分規則排名、依各等第名額核定之獲獎件數。",
           "Proposals awarded a tier, ranked by the rule declared before scoring and filled "
           "by each tier's quota.",
           lambda p: _award_value(p, lambda found: sum(t.awarded for t in found.tiers)),
           _awards_url, unit=("案", "")),
    figure("innovation_adopted", "經機關參採", "Adopted by agencies",
           "函請機關參採之獲獎提案中，機關回復參採者。",
           "Awarded proposals sent to agencies that replied they adopted them.",
           lambda p: _award_count(p, "adopted"), _awards_url, unit=("案", "")),
    figure("youth_themes", "青年參與式預算議題", "Youth budget themes",
           "青年參與式預算之議題（分項）數。", "Themes (pots) of the youth participatory budget.",
           lambda p: Value.count(youth(p).pots), lambda p: "/participation/", unit=("項", "")),
    figure("youth_selected", "青年參與式預算產出提案", "Youth proposals selected",
           "依公布之計票結果入選、交由權管機關執行之提案數。",
           "Proposals selected by the published tallies and handed to the agencies.",
           lambda p: Value.count(youth(p).selected), lambda p: "/participation/",
           unit=("案", "")),
    figure("district_proposals", "區政參與提案", "District pilot proposals",
           "區政建設公民參與試辦之提案數。", "Proposals of the district pilot.",
           lambda p: Value.count(district(p).proposals), lambda p: "/participation/",
           unit=("項", "")),
    figure("district_selected", "區政參與優勝方案", "District pilot winners",
           "公開投票後依公布之計票結果入選之方案數。",
           "Proposals selected by the published tally of the public vote.",
           lambda p: Value.count(district(p).selected), lambda p: "/participation/",
           unit=("案", "")),
    figure("district_ballots", "區政參與投票數", "District pilot ballots",
           "網路與紙本選票合計。", "Online and paper ballots together.",
           lambda p: Value.count(district(p).ballots), lambda p: "/participation/",
           unit=("票", "")),
    figure("presidents_meetings", "大學校長與市長聯誼會", "University presidents' meetings",
           "自首次起累計至該年底辦理之聯誼會議次數。",
           "Meetings held from the first up to the end of the year.",
           lambda p: Value.count(events(p).presidents_meetings_to_date), None, unit=("次", "")),
    figure("hackathon_agencies", "黑客松出題機關", "Agencies posing hackathon challenges",
           "該年度黑客松出題之機關數。", "Agencies that posed the year's hackathon challenges.",
           lambda p: Value.count(events(p).hackathon_agencies), None, unit=("個", "")),
    figure("hackathon_teams", "黑客松進入複賽團隊", "Hackathon teams in the semi-final",
           "進入複賽（含決賽）之團隊數。", "Teams that reached the semi-final (or the final).",
           lambda p: Value.count(events(p).hackathon_semifinal_teams), None, unit=("組", "")),
    Table(key="participation.innovation_tiers", module="participation",
          title_zh="市政創新提案獲獎等第", title_en="Innovation award tiers",
          method_zh="各等第之名額與核定件數。", method_en="Each tier's quota and awards.",
          columns=lambda language: (["Tier", "Quota", "Awarded"] if language.startswith("en")
                                    else ["等第", "名額", "獲獎"]),
          rows=_tier_rows, records=_awards_url),
)
